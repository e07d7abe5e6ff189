"""The dashboard's access to its DuckDB file: many readers, or the one ingest job writing.

DuckDB lets one process hold a file either read-only or for writing, never both at once, so the
server keeps one read-only connection for its views (each request gets its own cursor) and closes
it while the ingest form's job writes. A view asked for meanwhile gets :class:`DatabaseLocked`
with a sentence saying so (the page shows it and tries again), never DuckDB's own lock message.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from newsevents.errors import DatabaseLocked, StoreError
from newsevents.store.migrations import check_readable


class Database:
    """The file at ``path``: :meth:`reading` for views, :meth:`writing` for the ingest job."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Condition()
        self._readers = 0
        self._writing = False
        self._con: duckdb.DuckDBPyConnection | None = None
        #: Counts the writes made through :meth:`writing`: what was read before is stale.
        self.version = 0

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the read-only connection, opened on first use."""
        with self._lock:
            if self._writing:
                raise DatabaseLocked(
                    f"an ingest started from this dashboard is writing to {self.path}; "
                    "the views are back when it finishes",
                    source=str(self.path),
                )
            cursor = self._connection().cursor()
            self._readers += 1
        try:
            yield cursor
        finally:
            cursor.close()
            with self._lock:
                self._readers -= 1
                self._lock.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Exclusive use of the file: waits for running views, closes the read connection."""
        with self._lock:
            self._writing = True
            self._lock.wait_for(lambda: self._readers == 0)
            self.close()
        try:
            yield
        finally:
            with self._lock:
                self._writing = False
                self.version += 1

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = _open(self.path)
        return self._con


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise StoreError(
            f"there is no database at {path} yet: ingest articles with the form, or run "
            f"`newsevents demo --db {path}`",
            source=str(path),
        )
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            raise DatabaseLocked(
                f"another process (a `newsevents ingest`?) is writing to {path}; "
                "the dashboard can read it when that finishes",
                source=str(path),
            ) from exc
        raise StoreError(f"cannot read {path}: {exc}", source=str(path)) from exc
    try:
        check_readable(con, path=path)
    except BaseException:
        con.close()
        raise
    return con
