"""Reads: what the store holds, as Arrow tables, and the lookups a batch write needs.

Every function takes an open DuckDB connection; :class:`newsevents.store.Store` wraps them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from newsevents.ingest.dedup import SIGNATURE_VERSION, Signature
from newsevents.store.batch import Target

#: Article columns returned by :func:`articles`, in order (``text`` is added at the end on request).
ARTICLE_COLUMNS = (
    "id",
    "external_id",
    "url",
    "title",
    "published",
    "published_from",
    "source",
    "original_source",
    "author",
    "language",
    "word_count",
    "origin",
    "notes",
    "duplicate_of",
    "similarity",
    "first_run",
    "ingested_at",
)


def articles(
    con: duckdb.DuckDBPyConnection,
    *,
    limit: int | None = None,
    include_text: bool = False,
    include_duplicates: bool = True,
) -> pa.Table:
    """Stored articles in ingest order; without near-duplicates if ``include_duplicates`` is off."""
    columns = ", ".join(ARTICLE_COLUMNS + (("text",) if include_text else ()))
    where = "" if include_duplicates else "WHERE duplicate_of IS NULL"
    sql = f"SELECT {columns} FROM articles {where} ORDER BY seq"
    if limit is None:
        return _arrow(con, sql)
    return _arrow(con, f"{sql} LIMIT ?", [limit])


def failures(con: duckdb.DuckDBPyConnection, *, run_id: int | None = None) -> pa.Table:
    """The failures of run ``run_id``, or of the latest run when it is ``None``."""
    sql = "SELECT id, run_id, source, stage, error, message, transient, failed_at FROM failures"
    if run_id is None:
        where = "WHERE run_id = (SELECT max(id) FROM runs)"
        return _arrow(con, f"{sql} {where} ORDER BY id")
    return _arrow(con, f"{sql} WHERE run_id = ? ORDER BY id", [run_id])


def runs(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Every run, newest first."""
    return _arrow(con, "SELECT * FROM runs ORDER BY id DESC")


def article_count(con: duckdb.DuckDBPyConnection) -> int:
    return _scalar(con, "SELECT count(*) FROM articles")


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """How many of each: articles, near_duplicates, sightings, failures, runs."""
    [row] = con.execute(
        """
        SELECT
            (SELECT count(*) FROM articles),
            (SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL),
            (SELECT count(*) FROM article_sightings),
            (SELECT count(*) FROM failures),
            (SELECT count(*) FROM runs)
        """
    ).fetchall()
    names = ("articles", "near_duplicates", "sightings", "failures", "runs")
    return dict(zip(names, (int(n) for n in row), strict=True))


def existing_ids(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> set[str]:
    """Those of ``ids`` already stored."""
    if not ids:
        return set()
    with registered(con, "batch_ids", pa.table({"id": pa.array(ids, pa.string())})):
        rows = con.execute("SELECT a.id FROM articles a JOIN batch_ids b ON a.id = b.id")
        return {str(article_id) for (article_id,) in rows.fetchall()}


def next_seq(con: duckdb.DuckDBPyConnection) -> int:
    return _scalar(con, "SELECT coalesce(max(seq), 0) + 1 FROM articles")


#: One join of the batch's bands against every stored band, then each candidate's order,
#: signature and, when it is a near-duplicate itself, its group's first article. The join is on
#: ``bucket`` alone: the band number is hashed into it, and adding ``band`` to the join made it
#: 3.5x slower (200,000 articles, 6.4 M band rows: 71 ms against 20 ms per batch of 200).
#: A stray match is harmless anyway, since every candidate is verified by its signature.
_CANDIDATES = """
WITH pairs AS (
    SELECT DISTINCT b.article_id AS new_id, s.article_id AS old_id
    FROM batch_bands b
    JOIN article_bands s ON s.bucket = b.bucket
)
SELECT p.new_id, o.id, o.seq, sig.signature, o.duplicate_of, r.seq, rsig.signature
FROM pairs p
JOIN articles o ON o.id = p.old_id
JOIN article_signatures sig ON sig.article_id = o.id AND sig.version = $version
LEFT JOIN articles r ON r.id = o.duplicate_of
LEFT JOIN article_signatures rsig ON rsig.article_id = r.id AND rsig.version = $version
ORDER BY p.new_id, o.seq
"""


def stored_targets(
    con: duckdb.DuckDBPyConnection, batch_bands: pa.Table
) -> dict[str, list[Target]]:
    """Stored articles sharing a band with each new article (by its id): the LSH candidates."""
    found: defaultdict[str, list[Target]] = defaultdict(list)
    with registered(con, "batch_bands", batch_bands):
        rows = con.execute(_CANDIDATES, {"version": SIGNATURE_VERSION}).fetchall()
    for new_id, old_id, seq, sig, root, root_seq, root_sig in rows:
        found[new_id].append(
            Target(
                id=old_id,
                seq=seq,
                signature=decode_signature(sig),
                root=root,
                root_seq=root_seq,
                root_signature=None if root_sig is None else decode_signature(root_sig),
            )
        )
    return dict(found)


def encode_signature(sig: Signature) -> bytes:
    return np.asarray(sig, dtype="<u4").tobytes()


def decode_signature(blob: bytes) -> Signature:
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    """``table`` visible to SQL as ``name`` for the duration of the block."""
    con.register(name, table)
    try:
        yield
    finally:
        con.unregister(name)


def _arrow(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> pa.Table:
    relation = con.sql(sql, params=params)
    # Newer DuckDB calls it to_arrow_table() (arrow() now returns a reader); older ones, arrow().
    fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
    return fetch()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    # fetchall, not fetchone: DuckDB 2 refuses new work while a result is not read to its end.
    [(value,)] = con.execute(sql).fetchall()
    return int(value)
