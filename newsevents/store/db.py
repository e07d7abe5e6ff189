"""Stage 7, store: one DuckDB file holds runs, articles, their provenance and failures.

DuckDB allows one writing process per file, so a :class:`Store` opened for writing owns the file
until it is closed; another process trying to open it gets :class:`DatabaseLocked`, whose message
names the holder (the dashboard and its URL, or the process and its command line) instead of
DuckDB's, and `newsevents ingest` waits for it or hands its job over (:mod:`newsevents.handoff`).
Within one process a second connection joins the first's instance. Each batch is
one transaction: a process killed at any moment leaves the file as of its last committed batch
(DuckDB replays its write-ahead log on the next open), and a rerun redoes the rest without
storing anything twice, since articles are keyed by the content id of their text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import duckdb
import pyarrow as pa

import newsevents
from newsevents.config import Settings
from newsevents.errors import DatabaseLocked, StoreError
from newsevents.explore.clusters import refresh_clusters
from newsevents.ingest.dedup import SIGNATURE_VERSION
from newsevents.records import Article, CodedArticle, Event, Failure, RunSummary
from newsevents.serverfile import describe_holder
from newsevents.store import queries
from newsevents.store.batch import (
    BatchResult,
    EventPlan,
    Plan,
    Sketch,
    new_articles,
    plan_batch,
    plan_events,
)
from newsevents.store.migrations import check_readable, migrate
from newsevents.store.queries import ArticleView, EventFilter, encode_signature, registered
from newsevents.store.rows import events_table, places_table

if TYPE_CHECKING:
    from newsevents.explore.exports import ExportResult

#: The migration that adds the clusters; applying it computes them for the events already stored.
CLUSTERS_MIGRATION = 4
RunStatus = Literal["running", "completed", "failed", "interrupted"]
_FINAL_STATUSES = ("completed", "failed", "interrupted")


class Store:
    """An open newsevents database. Use :meth:`open`, as a context manager.

    One connection, not shared between threads. Opening for writing applies pending migrations.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, *, path: Path, read_only: bool) -> None:
        self._con = con
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> Store:
        """Open (for writing: create and migrate) the database at ``path``."""
        con = connect(path, read_only=read_only)
        try:
            if read_only:
                check_readable(con, path=path)
            elif CLUSTERS_MIGRATION in migrate(con, path=path):
                # A store written before clusters existed gets them for the events it holds.
                con.begin()
                refresh_clusters(con)
                con.commit()
        except BaseException as exc:
            con.close()
            if isinstance(exc, duckdb.Error):
                raise StoreError(f"cannot open {path}: {exc}", source=str(path)) from exc
            raise
        return cls(con, path=path, read_only=read_only)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- runs ------------------------------------------------------------------------------------

    def start_run(self, *, command: str, sources: Sequence[str], settings: Settings) -> int:
        """Record a new run as 'running' and return its id.

        Any run still 'running' is marked 'interrupted': only one process writes at a time, so
        such a row belongs to a process that died without finishing (killed, power cut).
        """
        with self._transaction("start a run"):
            self._con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            [(run_id,)] = self._con.execute(
                """
                INSERT INTO runs (started_at, command, sources, settings, code_version, status)
                VALUES (?, ?, ?, ?, ?, 'running')
                RETURNING id
                """,
                [_utc_now(), command, list(sources), _settings_json(settings), _version()],
            ).fetchall()
        return int(run_id)

    def finish_run(
        self, run_id: int, *, status: RunStatus, counts: RunSummary | None = None
    ) -> None:
        """Close run ``run_id``. ``counts`` replaces the counts kept batch by batch, if given."""
        if status not in _FINAL_STATUSES:
            raise ValueError(f"finish_run: status {status!r} is not one of {_FINAL_STATUSES}")
        with self._transaction(f"finish run {run_id}"):
            self._con.execute(
                "UPDATE runs SET status = ?, finished_at = ? WHERE id = ?",
                [status, _utc_now(), run_id],
            )
            if counts is not None:
                self._set_counts(run_id, counts)
            # Every run, even a failed one, committed batches: clusters span the whole store.
            refresh_clusters(self._con)

    def refresh_clusters(self) -> int:
        """Recompute the event clusters over the whole store; how many there are.

        :meth:`finish_run` does it after every run (see :mod:`newsevents.explore.clusters`).
        """
        with self._transaction("refresh the event clusters"):
            return refresh_clusters(self._con)

    def _set_counts(self, run_id: int, counts: RunSummary) -> None:
        self._con.execute(
            """
            UPDATE runs SET documents = ?, stored = ?, duplicates = ?, near_duplicates = ?,
                failed = ?, events = ?, events_replaced = ?
            WHERE id = ?
            """,
            [
                counts.documents,
                counts.stored,
                counts.duplicates,
                counts.near_duplicates,
                counts.failed,
                counts.events,
                counts.events_replaced,
                run_id,
            ],
        )

    # -- writes ----------------------------------------------------------------------------------

    def write_batch(
        self,
        run_id: int,
        coded: Sequence[CodedArticle],
        failures: Sequence[Failure],
        *,
        settings: Settings,
    ) -> BatchResult:
        """Store one batch, articles and their events, in one transaction.

        An article already stored only gains a sighting, and its events change only when it was
        coded again with a different result (see :mod:`newsevents.store.batch`). Writing the same
        batch twice stores nothing the second time (every article is then a ``duplicate``), so a
        rerun after a crash completes the job without doubles.
        """
        now = _utc_now()
        articles = [c.article for c in coded]
        with self._transaction(f"write a batch of run {run_id}"):
            existing = queries.existing_ids(self._con, [a.id for a in articles])
            plan = self._plan(articles, existing=existing, settings=settings)
            stored = queries.stored_events(self._con, existing)
            events = plan_events(coded, existing=existing, stored=stored)
            self._insert_new(plan, run_id=run_id, now=now)
            self._write_events(events, run_id=run_id, now=now)
            recoded = {article_id for article_id, _ in events.delete}
            self._write_places(coded, {n.article.id for n in plan.new} | recoded)
            self._insert("article_sightings", _sightings(articles, run_id=run_id, now=now))
            self._insert("failures", _failures(failures, run_id=run_id))
            result = plan.result(failed=len(failures), events=events)
            self._add_counts(run_id, result, documents=len(articles) + len(failures))
        return result

    def _plan(self, articles: Sequence[Article], *, existing: set[str], settings: Settings) -> Plan:
        threshold = settings.near_duplicate_threshold
        new = new_articles(articles, existing=existing)
        sketches = {a.id: Sketch.of(a.text) for a in new}
        targets = queries.stored_targets(self._con, _bands(sketches)) if sketches else {}
        return plan_batch(
            articles,
            sketches=sketches,
            stored_targets=targets,
            threshold=threshold,
            first_seq=queries.next_seq(self._con),
        )

    def _insert_new(self, plan: Plan, *, run_id: int, now: dt.datetime) -> None:
        if not plan.new:
            return
        self._insert("articles", _articles(plan, run_id=run_id, now=now))
        self._insert("article_signatures", _signatures(plan))
        self._insert("article_bands", _bands({n.article.id: n.sketch for n in plan.new}))

    def _write_events(self, plan: EventPlan, *, run_id: int, now: dt.datetime) -> None:
        if plan.delete:
            pairs = pa.table(
                {
                    "article_id": pa.array([a for a, _ in plan.delete], pa.string()),
                    "coder": pa.array([c for _, c in plan.delete], pa.string()),
                }
            )
            with registered(self._con, "replaced_pairs", pairs):
                self._con.execute(
                    "DELETE FROM events USING replaced_pairs r "
                    "WHERE events.article_id = r.article_id AND events.coder = r.coder"
                )
        self._insert("events", events_table(plan.insert, run_id=run_id, now=now))

    def _write_places(self, coded: Sequence[CodedArticle], article_ids: set[str]) -> None:
        """The place mentions of the new and the re-coded articles (the latter's replace theirs)."""
        chosen = {c.article.id: c for c in coded if c.article.id in article_ids}
        if not chosen:
            return
        ids = pa.table({"article_id": pa.array(sorted(chosen), pa.string())})
        with registered(self._con, "placed_articles", ids):
            self._con.execute(
                "DELETE FROM places USING placed_articles p WHERE places.article_id = p.article_id"
            )
        self._insert("places", places_table(list(chosen.values())))

    def places(self, article_id: str | None = None) -> pa.Table:
        """Place mentions, of one article or all, in text order."""
        return queries.places(self._con, article_id)

    def _insert(self, table: str, rows: pa.Table) -> None:
        # Through Arrow: one INSERT ... SELECT per table, not one statement per row.
        if rows.num_rows == 0:
            return
        columns = ", ".join(f'"{name}"' for name in rows.column_names)  # "end" is a keyword
        conflict = "OR IGNORE " if table == "article_sightings" else ""
        with registered(self._con, "batch_rows", rows):
            self._con.execute(
                f"INSERT {conflict}INTO {table} ({columns}) SELECT {columns} FROM batch_rows"
            )

    def _add_counts(self, run_id: int, result: BatchResult, *, documents: int) -> None:
        self._con.execute(
            """
            UPDATE runs SET documents = documents + ?, stored = stored + ?,
                duplicates = duplicates + ?, near_duplicates = near_duplicates + ?,
                failed = failed + ?, events = events + ?, events_replaced = events_replaced + ?
            WHERE id = ?
            """,
            [
                documents,
                result.stored,
                result.duplicates,
                result.near_duplicates,
                result.failed,
                result.events,
                result.events_replaced,
                run_id,
            ],
        )

    # -- reads -----------------------------------------------------------------------------------

    def articles(
        self,
        *,
        limit: int | None = None,
        include_text: bool = False,
        include_duplicates: bool = True,
    ) -> pa.Table:
        """Stored articles in ingest order (see :func:`queries.articles`)."""
        return queries.articles(
            self._con,
            limit=limit,
            include_text=include_text,
            include_duplicates=include_duplicates,
        )

    def failures(self, *, run_id: int | None = None) -> pa.Table:
        """Failures of run ``run_id`` (default: the latest run)."""
        return queries.failures(self._con, run_id=run_id)

    def runs(self) -> pa.Table:
        """Every run, newest first."""
        return queries.runs(self._con)

    def article_count(self) -> int:
        return queries.article_count(self._con)

    def events(self, filters: EventFilter | None = None) -> pa.Table:
        """Stored events matching ``filters``, with their article's title, url and published."""
        return queries.events(self._con, filters or EventFilter())

    def aggregate(self, **options: Any) -> pa.Table:
        """Counted events: :func:`newsevents.explore.aggregates.aggregate` on this store."""
        from newsevents.explore.aggregates import aggregate

        return aggregate(self._con, **options)

    def export(
        self, path: Path, *, fmt: str, filters: EventFilter | None = None, count: str | None = None
    ) -> ExportResult:
        """Write the events ``filters`` selects to ``path``: :mod:`newsevents.explore.exports`."""
        from newsevents.explore.exports import export_events

        return export_events(self._con, path, fmt=fmt, filters=filters, count=count)

    def stored_events(self, article_id: str) -> list[Event]:
        """The events stored for article ``article_id`` (exact id), in text order."""
        return queries.stored_events(self._con, {article_id}).get(article_id, [])

    def show(self, article_id: str) -> ArticleView:
        """The article whose id is or starts with ``article_id`` (6+ hex digits), with its events.

        :class:`UsageError` when no article or more than one matches.
        """
        return queries.article_view(self._con, article_id, where=self.path)

    def counts(self) -> dict[str, int]:
        """How many articles, near_duplicates, sightings, failures and runs are stored."""
        return queries.counts(self._con)

    @contextmanager
    def _transaction(self, what: str) -> Iterator[None]:
        if self.read_only:
            raise StoreError(f"cannot {what}: {self.path} is open read-only", source=str(self.path))
        self._con.begin()
        try:
            yield
        except BaseException as exc:
            self._con.rollback()
            if isinstance(exc, duckdb.InterruptException) or _interrupted(exc):
                # Ctrl-C during a query reaches here as DuckDB's error, not KeyboardInterrupt
                raise KeyboardInterrupt from exc
            if isinstance(exc, duckdb.Error):
                message = f"could not {what} in {self.path}: {exc}"
                raise StoreError(message, source=str(self.path)) from exc
            raise
        self._con.commit()


def _interrupted(exc: BaseException) -> bool:
    return isinstance(exc, RuntimeError) and "interrupted" in str(exc).lower()


def connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to ``path``; DuckDB's errors become sentences (:func:`_open_error`).

    Within one process, connections to a file already open with the same mode share DuckDB's
    database instance (and its lock): how the dashboard's ingest jobs write beside its views.
    """
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise _open_error(path, exc) from exc


#: DuckDB's words for a file another process holds: "Could not set lock on file ...".
_LOCK = re.compile(r"\block\b", re.IGNORECASE)
_LOCK_HOLDER = re.compile(r"\(PID (\d+)\)")


def _open_error(path: Path, exc: duckdb.Error) -> StoreError:
    message = str(exc)
    if _LOCK.search(message):
        holder = _LOCK_HOLDER.search(message)
        pid = int(holder.group(1)) if holder else None
        return DatabaseLocked(
            f"{path} is in use by {describe_holder(path, pid)}; "
            "wait for it to finish or use another --db",
            source=str(path),
            holder=pid,
        )
    if "different configuration" in message:  # this process has it open in the other mode
        return StoreError(
            f"{path} is already open in this process in another mode (read-only or writing); "
            "close that first",
            source=str(path),
        )
    if "not a valid DuckDB database" in message:
        return StoreError(
            f"{path} is not a DuckDB database (newsevents keeps its data in DuckDB files); "
            "choose another --db",
            source=str(path),
        )
    if "does not exist" in message:
        return StoreError(f"{path}: no such database", source=str(path))
    return StoreError(f"cannot open {path}: {message}", source=str(path))


#: Article fields stored as they are, each a nullable string column.
_TEXT_FIELDS = (
    "id",
    "external_id",
    "url",
    "title",
    "published_from",
    "source",
    "original_source",
    "author",
    "language",
    "text",
    "origin",
)


def _articles(plan: Plan, *, run_id: int, now: dt.datetime) -> pa.Table:
    items = [n.article for n in plan.new]
    columns = {
        name: pa.array([getattr(a, name) for a in items], pa.string()) for name in _TEXT_FIELDS
    }
    return pa.table(
        {
            **columns,
            "seq": pa.array([n.seq for n in plan.new], pa.int64()),
            "published": pa.array([a.published for a in items], pa.date32()),
            "word_count": pa.array([len(a.text.split()) for a in items], pa.int32()),
            "notes": pa.array([list(a.notes) for a in items], pa.list_(pa.string())),
            "duplicate_of": pa.array([n.duplicate_of for n in plan.new], pa.string()),
            "similarity": pa.array([n.similarity for n in plan.new], pa.float64()),
            "first_run": pa.array([run_id] * len(items), pa.int64()),
            "ingested_at": pa.array([now] * len(items), pa.timestamp("us")),
        }
    )


def _signatures(plan: Plan) -> pa.Table:
    return pa.table(
        {
            "article_id": pa.array([n.article.id for n in plan.new], pa.string()),
            "version": pa.array([SIGNATURE_VERSION] * len(plan.new), pa.int16()),
            "signature": pa.array(
                [encode_signature(n.sketch.signature) for n in plan.new], pa.binary()
            ),
        }
    )


def _bands(sketches: dict[str, Sketch]) -> pa.Table:
    ids = [article_id for article_id, sketch in sketches.items() for _ in sketch.bands]
    buckets = [bucket for sketch in sketches.values() for bucket in sketch.bands]
    band_numbers = [band for sketch in sketches.values() for band in range(len(sketch.bands))]
    return pa.table(
        {
            "band": pa.array(band_numbers, pa.int16()),
            "bucket": pa.array(buckets, pa.int64()),
            "article_id": pa.array(ids, pa.string()),
        }
    )


def _sightings(articles: Sequence[Article], *, run_id: int, now: dt.datetime) -> pa.Table:
    # The same (article, origin) twice in one batch is one sighting; known ones are ignored.
    pairs = list(dict.fromkeys((a.id, a.origin) for a in articles))
    return pa.table(
        {
            "article_id": pa.array([article_id for article_id, _ in pairs], pa.string()),
            "origin": pa.array([origin for _, origin in pairs], pa.string()),
            "run_id": pa.array([run_id] * len(pairs), pa.int64()),
            "seen_at": pa.array([now] * len(pairs), pa.timestamp("us")),
        }
    )


def _failures(failures: Sequence[Failure], *, run_id: int) -> pa.Table:
    return pa.table(
        {
            "run_id": pa.array([run_id] * len(failures), pa.int64()),
            "source": pa.array([f.source for f in failures], pa.string()),
            "stage": pa.array([f.stage for f in failures], pa.string()),
            "error": pa.array([f.error for f in failures], pa.string()),
            "message": pa.array([f.message for f in failures], pa.string()),
            "transient": pa.array([f.transient for f in failures], pa.bool_()),
            "failed_at": pa.array([_naive_utc(f.at) for f in failures], pa.timestamp("us")),
        }
    )


def _settings_json(settings: Settings) -> str:
    # Paths (user dictionary files) are recorded as the strings the user gave.
    return json.dumps(dataclasses.asdict(settings), sort_keys=True, default=str)


def _version() -> str:
    return newsevents.__version__


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    # Stored as UTC without a zone; a naive time from a caller is taken to be UTC already.
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)
