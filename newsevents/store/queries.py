"""Reads: what the store holds, as Arrow tables, and the lookups a batch write needs.

Every function takes an open DuckDB connection; :class:`newsevents.store.Store` wraps them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from newsevents.errors import UsageError
from newsevents.events.ontology import check_code
from newsevents.ingest.dedup import SIGNATURE_VERSION, Signature
from newsevents.records import MODALITIES, Article, Event
from newsevents.store.batch import Target
from newsevents.store.rows import event_from_row

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
    """How many of each: articles, near_duplicates, sightings, failures, runs, events."""
    [row] = con.execute(
        """
        SELECT
            (SELECT count(*) FROM articles),
            (SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL),
            (SELECT count(*) FROM article_sightings),
            (SELECT count(*) FROM failures),
            (SELECT count(*) FROM runs),
            (SELECT count(*) FROM events)
        """
    ).fetchall()
    names = ("articles", "near_duplicates", "sightings", "failures", "runs", "events")
    return dict(zip(names, (int(n) for n in row), strict=True))


def existing_ids(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> set[str]:
    """Those of ``ids`` already stored."""
    if not ids:
        return set()
    with registered(con, "batch_ids", pa.table({"id": pa.array(ids, pa.string())})):
        rows = con.execute("SELECT a.id FROM articles a JOIN batch_ids b ON a.id = b.id")
        return {str(article_id) for (article_id,) in rows.fetchall()}


def stored_events(
    con: duckdb.DuckDBPyConnection, article_ids: Collection[str]
) -> dict[str, list[Event]]:
    """The stored events of each of ``article_ids`` that has any, in text order."""
    if not article_ids:
        return {}
    ids = pa.table({"id": pa.array(sorted(article_ids), pa.string())})
    with registered(con, "batch_ids", ids):
        table = _arrow(
            con,
            "SELECT e.* FROM events e JOIN batch_ids b ON e.article_id = b.id "
            "ORDER BY e.article_id, e.sentence_start, e.action_start, e.id",
        )
    found: defaultdict[str, list[Event]] = defaultdict(list)
    for row in table.to_pylist():
        found[row["article_id"]].append(event_from_row(row))
    return dict(found)


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
    except BaseException:
        # After a failed statement DuckDB refuses even this until the rollback; the error that
        # failed the statement is the one to report.
        with suppress(duckdb.Error):
            con.unregister(name)
        raise
    con.unregister(name)


def places(con: duckdb.DuckDBPyConnection, article_id: str | None) -> pa.Table:
    """Place mentions, of one article (``article_id``) or of all, in text order."""
    if article_id is None:
        return _arrow(con, "SELECT * FROM places ORDER BY article_id, start")
    sql = "SELECT * FROM places WHERE article_id = ? ORDER BY start"
    return _arrow(con, sql, params=[article_id])


def _arrow(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> pa.Table:
    relation = con.sql(sql, params=params)
    # Newer DuckDB calls it to_arrow_table() (arrow() now returns a reader); older ones, arrow().
    fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
    return fetch()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    # fetchall, not fetchone: DuckDB 2 refuses new work while a result is not read to its end.
    [(value,)] = con.execute(sql).fetchall()
    return int(value)


# -- events ---------------------------------------------------------------------------------------

_ROOT = re.compile(r"0[1-9]|1[0-9]|20")
_DYAD = re.compile(r"([^:]+):([^:]+)")


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which stored events :func:`events` returns; every field left ``None`` selects all.

    ``start``/``end``: the event's date, inclusive (an event without a date is then left out).
    ``actor``, ``source``, ``target``: an actor matches ``X`` when its country is ``X``, its
    CAMEO actor code starts with ``X`` (``USAGOV``, or ``USA`` for all of them) or its name
    contains ``X`` (any case); ``actor`` matches either side, ``source`` and ``target`` one.
    ``dyad``: ``"A:B"``, a directed pair, source matching ``A`` and target ``B``.
    ``cameo``: a code prefix, so a root ("04") selects its whole family; ``root``: exactly.
    ``quad_class``: 1-4. ``article``: an article id or its prefix. ``coder``: a versioned name.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    actor: str | None = None
    source: str | None = None
    target: str | None = None
    dyad: str | None = None
    cameo: str | None = None
    root: str | None = None
    quad_class: int | None = None
    modality: str | None = None
    article: str | None = None
    coder: str | None = None
    limit: int | None = None
    offset: int = 0

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise UsageError(f"the date range {self.start} to {self.end} is empty")
        if self.dyad is not None and not _DYAD.fullmatch(self.dyad):
            raise UsageError(f"dyad {self.dyad!r}: give SOURCE:TARGET, e.g. USA:COL")
        if self.cameo is not None:
            check_code(self.cameo)  # InvalidCameoCode says what a code looks like
        if self.root is not None and not _ROOT.fullmatch(self.root):
            raise UsageError(f"root {self.root!r}: give a two-digit CAMEO root, 01 to 20")
        if self.quad_class is not None and self.quad_class not in (1, 2, 3, 4):
            raise UsageError(f"quad class {self.quad_class!r}: give 1, 2, 3 or 4")
        if self.modality is not None and self.modality not in MODALITIES:
            raise UsageError(f"modality {self.modality!r}: choose one of {', '.join(MODALITIES)}")
        if (self.limit is not None and self.limit < 0) or self.offset < 0:
            raise UsageError("limit and offset cannot be negative")

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition on ``events e`` and its parameters (user values never in the SQL)."""
        clauses: list[tuple[str, list[Any]]] = []
        if self.start:
            clauses.append(("e.date >= ?", [self.start]))
        if self.end:
            clauses.append(("e.date <= ?", [self.end]))
        if self.actor and self.actor.strip():
            value = self.actor.strip()
            source, target = _actor_match("source", value), _actor_match("target", value)
            clauses.append((f"({source[0]} OR {target[0]})", source[1] + target[1]))
        for side, value in self._sides():
            clauses.append(_actor_match(side, value))
        for sql, value in self._equalities():
            clauses.append((sql, [value]))
        if not clauses:
            return "TRUE", []
        return " AND ".join(c for c, _ in clauses), [p for _, ps in clauses for p in ps]

    def _sides(self) -> list[tuple[str, str]]:
        sides = [("source", self.source), ("target", self.target)]
        if self.dyad:
            source, target = self.dyad.split(":")
            sides += [("source", source), ("target", target)]
        return [(side, value.strip()) for side, value in sides if value and value.strip()]

    def _equalities(self) -> list[tuple[str, Any]]:
        conditions = [
            ("starts_with(e.cameo, ?)", self.cameo),
            ("e.root = ?", self.root),
            ("e.quad_class = ?", self.quad_class),
            ("e.modality = ?", self.modality),
            ("starts_with(e.article_id, lower(?))", self.article),
            ("e.coder = ?", self.coder),
        ]
        return [(sql, value) for sql, value in conditions if value is not None]


def _actor_match(side: str, value: str) -> tuple[str, list[Any]]:
    # ``side`` is "source" or "target", never user input; ``value`` goes in as a parameter.
    sql = (
        f"(upper(e.{side}_country) = upper(?) OR starts_with(upper(e.{side}_code), upper(?)) "
        f"OR contains(lower(e.{side}_name), lower(?)))"
    )
    return sql, [value, value, value]


_EVENTS = """
SELECT e.*, a.title, a.url, a.published
FROM events e JOIN articles a ON a.id = e.article_id
WHERE {where}
ORDER BY e.date NULLS LAST, a.seq, e.sentence_start, e.action_start, e.id
LIMIT ? OFFSET ?
"""


def events(con: duckdb.DuckDBPyConnection, filters: EventFilter) -> pa.Table:
    """The stored events matching ``filters``, ordered by date, article and place in the text,
    with the article's ``title``, ``url`` and ``published`` beside each."""
    where, params = filters.where()
    # LIMIT NULL is no limit.
    return _arrow(con, _EVENTS.format(where=where), [*params, filters.limit, filters.offset])


# -- one article ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleView:
    """A stored article and its events in text order (``newsevents show``).

    ``duplicate_of`` is the first article of its near-duplicate group, if it is a copy.
    """

    article: Article
    events: tuple[Event, ...]
    duplicate_of: str | None = None


#: An id prefix must be this long, like git's short ids: shorter ones too often match several.
MIN_ID_PREFIX = 6
_HEX = re.compile(r"[0-9a-f]+")


def article_view(con: duckdb.DuckDBPyConnection, article_id: str, *, where: Path) -> ArticleView:
    """The article whose id is or starts with ``article_id``, and its events."""
    full_id = resolve_article_id(con, article_id, where=where)
    [row] = _arrow(con, _ARTICLE, [full_id]).to_pylist()
    duplicate_of, notes = row.pop("duplicate_of"), tuple(row.pop("notes"))
    events = stored_events(con, {full_id}).get(full_id, [])
    return ArticleView(
        article=Article(**row, notes=notes), events=tuple(events), duplicate_of=duplicate_of
    )


# The columns of an Article, and the near-duplicate link.
_ARTICLE = """
SELECT id, text, origin, title, published, published_from, url, source, original_source, author,
    language, external_id, notes, duplicate_of
FROM articles WHERE id = ?
"""


def resolve_article_id(con: duckdb.DuckDBPyConnection, prefix: str, *, where: Path) -> str:
    """The one stored article id starting with ``prefix``; UsageError when none or several."""
    value = prefix.strip().lower()
    if len(value) < MIN_ID_PREFIX or not _HEX.fullmatch(value):
        raise UsageError(
            f"article id {prefix!r}: give the id or at least its first {MIN_ID_PREFIX} hex digits"
        )
    rows = con.execute(
        "SELECT id FROM articles WHERE starts_with(id, ?) ORDER BY id LIMIT 3", [value]
    ).fetchall()
    if not rows:
        raise UsageError(f"no article {prefix!r} in {where}; list them with `newsevents articles`")
    if len(rows) > 1:
        matches = ", ".join(str(r[0]) for r in rows[:2]) + (", …" if len(rows) > 2 else "")
        raise UsageError(f"article id {prefix!r} is ambiguous ({matches}): give more digits")
    return str(rows[0][0])
