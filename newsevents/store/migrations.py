"""The database schema as an ordered list of migrations, each applied once and recorded.

A migration is never edited once released: a schema change is a new entry at the end of
:data:`MIGRATIONS`. Each runs in its own transaction together with its row in
``schema_migrations``, so a file is always at exactly one recorded version, even after a crash.

Every table that holds something about an article keys it by ``article_id`` (``articles.id``,
the content id from :func:`newsevents.ingest.dedup.content_id`), so later stages (mentions,
events) join to articles and their provenance the same way. Times are UTC, without a zone.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import duckdb

from newsevents.errors import MigrationError, StoreError


class Migration(NamedTuple):
    version: int
    name: str
    sql: str


_ARTICLES = """
CREATE SEQUENCE runs_id_seq START 1;
CREATE TABLE runs (
    id BIGINT PRIMARY KEY DEFAULT nextval('runs_id_seq'),
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,                -- NULL while running, and for an interrupted run
    command VARCHAR NOT NULL,
    sources VARCHAR[] NOT NULL,
    settings JSON NOT NULL,
    code_version VARCHAR NOT NULL,        -- newsevents.__version__ of the writing process
    status VARCHAR NOT NULL
        CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
    -- Counted batch by batch in the batch's own transaction, so they are right after a crash.
    documents BIGINT NOT NULL DEFAULT 0,
    stored BIGINT NOT NULL DEFAULT 0,
    duplicates BIGINT NOT NULL DEFAULT 0,
    near_duplicates BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE articles (
    id VARCHAR PRIMARY KEY,               -- content id of the text
    seq BIGINT NOT NULL,                  -- ingest order 1, 2, 3, ...: "the first" of duplicates
    external_id VARCHAR,
    url VARCHAR,
    title VARCHAR,
    published DATE,
    published_from VARCHAR,
    source VARCHAR,
    original_source VARCHAR,
    author VARCHAR,
    language VARCHAR,
    text VARCHAR NOT NULL,
    word_count INTEGER NOT NULL,
    origin VARCHAR NOT NULL,              -- where it was first seen; all places: article_sightings
    notes VARCHAR[] NOT NULL,
    duplicate_of VARCHAR,                 -- the first article it near-duplicates, else NULL
    similarity DOUBLE,                    -- estimated Jaccard similarity to duplicate_of
    first_run BIGINT NOT NULL,
    ingested_at TIMESTAMP NOT NULL
);

-- Every place an article was read from, so re-ingesting a copy loses nothing (provenance).
CREATE TABLE article_sightings (
    article_id VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    run_id BIGINT NOT NULL,
    seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, origin)
);

-- MinHash LSH: one row per band; texts sharing a bucket are near-duplicate candidates (the band
-- number is hashed into the bucket). No index: the lookup is one hash join of a batch's bands
-- against this table.
CREATE TABLE article_bands (
    band SMALLINT NOT NULL,
    bucket BIGINT NOT NULL,
    article_id VARCHAR NOT NULL
);

-- The signature each candidate is verified against (little-endian uint32 values).
CREATE TABLE article_signatures (
    article_id VARCHAR PRIMARY KEY,
    version SMALLINT NOT NULL,            -- newsevents.ingest.dedup.SIGNATURE_VERSION
    signature BLOB NOT NULL
);

CREATE SEQUENCE failures_id_seq START 1;
CREATE TABLE failures (
    id BIGINT PRIMARY KEY DEFAULT nextval('failures_id_seq'),
    run_id BIGINT NOT NULL,
    source VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    error VARCHAR NOT NULL,               -- exception class name
    message VARCHAR NOT NULL,
    transient BOOLEAN NOT NULL,
    failed_at TIMESTAMP NOT NULL           -- Failure.at ("at" is an SQL keyword)
);
"""


def _actor_columns(prefix: str) -> str:
    """The columns of one :class:`newsevents.records.Actor`, all nullable (a target may be none)."""
    return f"""
    {prefix}_text VARCHAR,
    {prefix}_name VARCHAR,
    {prefix}_code VARCHAR,                -- CAMEO actor code, e.g. USAGOV ('' when uncoded)
    {prefix}_country VARCHAR,             -- ISO alpha-3 or a non-state root such as IGO
    {prefix}_sector VARCHAR,
    {prefix}_resolved_by VARCHAR,
    {prefix}_start INTEGER,               -- character offsets in the article text
    {prefix}_end INTEGER,"""


# One row per Event, every field flattened (newsevents.store.rows maps between the two).
# Codes are strings: "042" is not 42. ``date`` is the event's date, not the article's.
_EVENTS = f"""
CREATE TABLE events (
    id VARCHAR PRIMARY KEY,               -- from article, coder and content (the coder makes it)
    article_id VARCHAR NOT NULL,          -- articles.id
    coder VARCHAR NOT NULL,               -- versioned coder name, e.g. rules.v1
    {_actor_columns("source")}
    {_actor_columns("target")}
    cameo VARCHAR NOT NULL,
    root VARCHAR NOT NULL,
    quad_class TINYINT NOT NULL CHECK (quad_class BETWEEN 1 AND 4),
    goldstein DOUBLE NOT NULL,
    plover_type VARCHAR,
    plover_mode VARCHAR,
    plover_context VARCHAR,
    modality VARCHAR NOT NULL CHECK (modality IN
        ('asserted', 'planned', 'intended', 'hypothetical', 'negated', 'reported')),
    date DATE,
    date_precision VARCHAR
        CHECK (date_precision IN ('day', 'week', 'month', 'year', 'publication')),
    location_name VARCHAR,
    location_country VARCHAR,
    location_admin1 VARCHAR,
    location_lat DOUBLE,
    location_lon DOUBLE,
    location_geonameid BIGINT,
    location_kind VARCHAR,
    sentence VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    action_start INTEGER NOT NULL,
    action_end INTEGER NOT NULL,
    confidence DOUBLE NOT NULL,
    mentions INTEGER NOT NULL,
    repeats INTEGER[] NOT NULL,           -- action_start of each later mention merged into it
    {_actor_columns("reported_by")}
    run_id BIGINT NOT NULL,               -- the run that coded it
    coded_at TIMESTAMP NOT NULL
);

-- An article's events: the lookup every re-ingested batch makes (re-coding) and `show`. With it,
-- re-writing 20,000 stored articles of 10 events each took 10 s, without it 15-19 s (scripts/
-- bench_store.py, 400,000 events). The filters get no index: DuckDB scans the columns they
-- touch (about 20-130 ms at 400,000 events), and indexes on source/target country made no
-- query faster while slowing every insert.
CREATE INDEX events_article ON events (article_id);

-- Counted batch by batch like the others; "replaced": stored events that a re-coding deleted.
ALTER TABLE runs ADD COLUMN events BIGINT NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN events_replaced BIGINT NOT NULL DEFAULT 0;
"""

# Every place an article names, resolved (stage 6): what a map shows beyond the events' places.
# Rewritten with the article's events when it is coded again.
_PLACES = """
CREATE TABLE places (
    article_id VARCHAR NOT NULL,          -- articles.id
    start INTEGER NOT NULL,               -- character offsets of the mention in the article text
    "end" INTEGER NOT NULL,
    text VARCHAR NOT NULL,                -- the mention as written
    name VARCHAR,                         -- the gazetteer entry (all NULL: unresolved)
    country VARCHAR,                      -- ISO alpha-3
    admin1 VARCHAR,
    lat DOUBLE,
    lon DOUBLE,
    geonameid BIGINT,
    kind VARCHAR,                         -- country, admin1, city, region, other
    PRIMARY KEY (article_id, start)
);
"""

# Events reported by many articles (GDELT's NumMentions/NumArticles/NumSources): one cluster per
# run of same-dyad, same-root, same-place-country events a day or less apart. Derived data, so
# never written with a batch: newsevents.explore.clusters.refresh_clusters recomputes both tables
# over the whole store after every run (Store.finish_run) and when this migration is applied.
# No primary keys, though both ids are unique: rewriting the tables of 1 M events took 27 s with
# them (index upkeep at commit) and 2.7 s without, and every read joins them by hash anyway.
_CLUSTERS = """
CREATE TABLE clusters (
    cluster_id BIGINT NOT NULL,           -- 1, 2, ... in order of first date
    coder VARCHAR NOT NULL,               -- two coders' events never share a cluster
    source_country VARCHAR,
    source_sector VARCHAR,
    target_country VARCHAR,
    target_sector VARCHAR,
    root VARCHAR NOT NULL,
    place_country VARCHAR,
    first_date DATE,                      -- NULL: events with neither a date nor a published one
    last_date DATE,
    num_events INTEGER NOT NULL,          -- stored events in it, near-duplicates' copies included
    num_mentions INTEGER NOT NULL,        -- see explore.clusters: copies add nothing
    num_articles INTEGER NOT NULL,        -- a near-duplicate counts as its original
    num_sources INTEGER NOT NULL
);

CREATE TABLE event_clusters (
    event_id VARCHAR NOT NULL,            -- events.id
    cluster_id BIGINT NOT NULL,
    day DATE,                             -- the event's date, else its article's publication date
    weight INTEGER NOT NULL               -- mentions it adds to its cluster (0: a copy's)
);
"""

#: Append only.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles, runs and failures", _ARTICLES),
    Migration(2, "events", _EVENTS),
    Migration(3, "place mentions", _PLACES),
    Migration(4, "event clusters", _CLUSTERS),
)


def latest_version() -> int:
    """The schema version this code writes."""
    return MIGRATIONS[-1].version


_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
)
"""


def migrate(con: duckdb.DuckDBPyConnection, *, path: Path) -> list[int]:
    """Apply every migration the file lacks, in order; the versions applied (none: up to date)."""
    if not _has_migrations_table(con):
        _refuse_foreign_database(con, path=path)
        con.execute(_CREATE_TABLE)
    applied = applied_migrations(con)
    check_version(applied, path=path)
    pending = [m for m in MIGRATIONS if m.version not in applied]
    for migration in pending:
        _apply(con, migration, path=path)
    return [m.version for m in pending]


def check_readable(con: duckdb.DuckDBPyConnection, *, path: Path) -> None:
    """For a read-only open: the file must be a newsevents database at this code's version."""
    if not _has_migrations_table(con):
        _refuse_foreign_database(con, path=path)
        raise StoreError(
            f"{path} holds no newsevents data yet; run `newsevents ingest SOURCE --db {path}`",
            source=str(path),
        )
    check_version(applied_migrations(con), path=path, read_only=True)


def check_version(applied: dict[int, str], *, path: Path, read_only: bool = False) -> None:
    """Refuse a file whose schema is newer than this code or not the history this code wrote."""
    newest, latest = max(applied, default=0), latest_version()
    if newest > latest:
        raise MigrationError(
            f"{path} has schema version {newest} but this newsevents knows only up to "
            f"{latest}: it was written by a newer newsevents; upgrade newsevents to use it",
            source=str(path),
        )
    known = {m.version: m.name for m in MIGRATIONS}
    for version, name in sorted(applied.items()):
        if known.get(version) != name:
            raise MigrationError(
                f"{path}: schema migration {version} is recorded as {name!r} but this newsevents "
                f"calls it {known.get(version)!r}; the file's schema history is broken",
                source=str(path),
            )
    if read_only and newest < latest:
        raise MigrationError(
            f"{path} has schema version {newest}, older than this newsevents ({latest}); "
            f"open it once for writing (e.g. `newsevents ingest SOURCE --db {path}`) to upgrade it",
            source=str(path),
        )


def applied_migrations(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Version -> name of each migration recorded in the file (empty if none)."""
    if not _has_migrations_table(con):
        return {}
    rows = con.execute("SELECT version, name FROM schema_migrations").fetchall()
    return {int(version): str(name) for version, name in rows}


def _apply(con: duckdb.DuckDBPyConnection, migration: Migration, *, path: Path) -> None:
    con.begin()
    try:
        con.execute(migration.sql)
        con.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?)",
            [migration.version, migration.name, _utc_now()],
        )
        con.commit()
    except duckdb.Error as exc:
        con.rollback()
        raise MigrationError(
            f"{path}: schema migration {migration.version} ({migration.name}) failed: {exc}",
            source=str(path),
        ) from exc


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _has_migrations_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(_table_names(con) & {"schema_migrations"})


def _refuse_foreign_database(con: duckdb.DuckDBPyConnection, *, path: Path) -> None:
    # Tables but no migration record: someone else's DuckDB file, which we must not write into.
    tables = _table_names(con)
    if tables:
        listed = ", ".join(sorted(tables)[:5])
        raise StoreError(
            f"{path} is a DuckDB database but not a newsevents one (it has tables {listed}); "
            "choose another --db",
            source=str(path),
        )


def _table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()
    return {str(name) for (name,) in rows}
