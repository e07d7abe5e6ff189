"""Migrations: applied once, in order, each recorded; files we cannot use are refused by name."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from newsevents.errors import DatabaseLocked, MigrationError, StoreError
from newsevents.store import Store, migrations
from newsevents.store.migrations import MIGRATIONS, Migration, latest_version

TABLES = {
    "schema_migrations",
    "runs",
    "articles",
    "article_sightings",
    "article_bands",
    "article_signatures",
    "failures",
    "events",
}


def recorded(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT * FROM schema_migrations ORDER BY version").fetchall()


def tables(path: Path) -> set[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "news.duckdb"
    Store.open(path).close()
    return path


def test_new_file_gets_every_migration_recorded(db: Path):
    rows = recorded(db)
    assert [(v, n) for v, n, _ in rows] == [(m.version, m.name) for m in MIGRATIONS]
    assert all(applied_at is not None for *_, applied_at in rows)
    assert tables(db) >= TABLES


def test_reopening_applies_nothing(db: Path):
    before = recorded(db)
    with duckdb.connect(str(db)) as con:
        assert migrations.migrate(con, path=db) == []
    Store.open(db).close()
    assert recorded(db) == before


def test_versions_are_increasing_and_unique():
    versions = [m.version for m in MIGRATIONS]
    assert versions == sorted(set(versions)) and versions[0] == 1


def test_pending_migration_is_applied_on_write_open(db: Path, monkeypatch: pytest.MonkeyPatch):
    extra = Migration(latest_version() + 1, "extra table", "CREATE TABLE extra (x INTEGER)")
    monkeypatch.setattr(migrations, "MIGRATIONS", (*MIGRATIONS, extra))
    with pytest.raises(MigrationError, match="older than this newsevents"):
        Store.open(db, read_only=True)
    Store.open(db).close()
    assert recorded(db)[-1][:2] == (extra.version, "extra table")
    assert "extra" in tables(db)


def test_failed_migration_leaves_nothing_behind(db: Path, monkeypatch: pytest.MonkeyPatch):
    broken = Migration(
        latest_version() + 1,
        "broken",
        "CREATE TABLE half_done (x INTEGER); INSERT INTO half_done VALUES ('not a number')",
    )
    monkeypatch.setattr(migrations, "MIGRATIONS", (*MIGRATIONS, broken))
    with pytest.raises(MigrationError, match=rf"migration {broken.version} \(broken\) failed"):
        Store.open(db)
    assert "half_done" not in tables(db)
    assert [v for v, *_ in recorded(db)] == [m.version for m in MIGRATIONS]


def record(db: Path, version: int, name: str) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [version, name])


@pytest.mark.parametrize("read_only", [False, True])
def test_file_from_a_newer_newsevents_is_refused(db: Path, read_only: bool):
    record(db, 999, "from the future")
    with pytest.raises(MigrationError, match=r"schema version 999.*upgrade newsevents") as caught:
        Store.open(db, read_only=read_only)
    assert str(db) in str(caught.value)


def test_rewritten_history_is_refused(db: Path):
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE schema_migrations SET name = 'something else' WHERE version = 1")
    with pytest.raises(MigrationError, match="recorded as 'something else'"):
        Store.open(db)


@pytest.mark.parametrize(
    "content",
    [b"", b"id,title\n1,hello\n", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64],
    ids=["empty", "csv", "binary"],
)
def test_file_that_is_not_a_database_is_a_store_error(tmp_path: Path, content: bytes):
    path = tmp_path / "notes.duckdb"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="is not a DuckDB database") as caught:
        Store.open(path)
    assert not isinstance(caught.value, DatabaseLocked | MigrationError)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content  # untouched


@pytest.mark.parametrize("read_only", [False, True])
def test_someone_elses_duckdb_file_is_not_written_into(tmp_path: Path, read_only: bool):
    path = tmp_path / "theirs.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE sales (amount INTEGER)")
    with pytest.raises(StoreError, match=r"not a newsevents one.*sales"):
        Store.open(path, read_only=read_only)
    assert tables(path) == {"sales"}


def test_read_only_open_of_a_missing_file_says_so(tmp_path: Path):
    with pytest.raises(StoreError, match="no such database"):
        Store.open(tmp_path / "missing.duckdb", read_only=True)
    assert not (tmp_path / "missing.duckdb").exists()


def test_read_only_open_of_an_empty_database_says_to_ingest(tmp_path: Path):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(StoreError, match="no newsevents data yet"):
        Store.open(path, read_only=True)
