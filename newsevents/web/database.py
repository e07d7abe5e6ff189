"""The dashboard's access to its DuckDB file: views keep reading while an ingest job writes.

DuckDB lets one process hold a file for writing, or several read-only, never both. The server
keeps one connection (the *root*) and hands each view a cursor of it:

- between jobs the root is read-only, so `newsevents events` and the other read-only commands
  work on the file beside the dashboard;
- while an ingest job runs (:meth:`Database.writing`) the root is reopened for writing. The job's
  own connection (``api.ingest`` opening the same path) joins the root's DuckDB instance, and the
  views' cursors read the committed data under DuckDB's MVCC, so the dashboard keeps answering
  and shows each batch once it is committed.

Switching the root waits for the views running at that moment (they take milliseconds); a view
asked for meanwhile waits too, rather than failing. When another process holds the file, a view
gets :class:`DatabaseLocked` naming it, never DuckDB's own message, and a job waits for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from newsevents.errors import DatabaseLocked, StoreError
from newsevents.store.db import connect
from newsevents.store.migrations import check_readable

#: Seconds a job waits for a file another process holds before it fails.
WRITE_WAIT = 600.0
#: Seconds between two attempts to take a file another process holds.
RETRY_EVERY = 0.5


class Database:
    """The file at ``path``: :meth:`reading` for views, :meth:`writing` around an ingest job."""

    def __init__(self, path: Path, *, write_wait: float = WRITE_WAIT) -> None:
        self.path = path
        self.write_wait = write_wait
        self._lock = threading.Condition()
        self._readers = 0
        self._switching = False
        self._writing = False
        self._root: duckdb.DuckDBPyConnection | None = None
        #: Whether the root's file holds a newsevents schema this code reads (a job writing to
        #: a new file creates it, and views asked before that get "no data yet").
        self._checked = False
        #: Counts the batches written through this server: what was read before is stale.
        self.version = 0

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the root connection (opened read-only on first use)."""
        with self._lock:
            self._lock.wait_for(lambda: not self._switching)
            cursor = self._connection().cursor()
            if not self._checked:
                try:
                    check_readable(cursor, path=self.path)
                except BaseException:
                    cursor.close()
                    raise
                self._checked = True
            self._readers += 1
        try:
            yield cursor
        finally:
            cursor.close()
            with self._lock:
                self._readers -= 1
                self._lock.notify_all()

    @contextmanager
    def writing(self, *, on_wait: Callable[[DatabaseLocked], None] | None = None) -> Iterator[None]:
        """Hold the file for writing while the block runs (one block at a time).

        Waits up to ``write_wait`` seconds for a file another process holds, calling ``on_wait``
        once with the reason; views keep their cursors throughout (see the module's docstring).
        """
        with self._lock:
            self._lock.wait_for(lambda: not self._writing)
            self._writing = True
        try:
            self._open_for_writing(on_wait)
            yield
        finally:
            with self._lock:
                self._switch(None)  # back to read-only, lazily, so other readers can open it
                self._writing = False
                self.version += 1
                self._lock.notify_all()

    def changed(self) -> None:
        """A batch was committed: views computed before are stale."""
        with self._lock:
            self.version += 1

    def close(self) -> None:
        with self._lock:
            self._switch(None)

    def _open_for_writing(self, on_wait: Callable[[DatabaseLocked], None] | None) -> None:
        deadline = time.monotonic() + self.write_wait
        told = False
        while True:
            with self._lock:
                try:
                    self._switch(lambda: connect(self.path, read_only=False))
                    return
                except DatabaseLocked as exc:
                    if time.monotonic() >= deadline:
                        raise
                    locked = exc
            if on_wait is not None and not told:
                on_wait(locked)
                told = True
            time.sleep(RETRY_EVERY)

    def _switch(self, opener: Callable[[], duckdb.DuckDBPyConnection] | None) -> None:
        """Replace the root by ``opener()`` (None: no root) once no view is using it.

        Called with ``self._lock`` held; views asking meanwhile wait for the switch to end.
        """
        self._switching = True
        try:
            self._lock.wait_for(lambda: self._readers == 0)
            if self._root is not None:
                self._root.close()
                self._root = None
            self._checked = False
            if opener is not None:
                self._root = opener()
        finally:
            self._switching = False
            self._lock.notify_all()

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._root is None:
            self._root, self._checked = _open_read_only(self.path), True
        return self._root


def _open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise StoreError(
            f"there is no database at {path} yet: ingest articles with the form, or run "
            f"`newsevents demo --db {path}`",
            source=str(path),
        )
    con = connect(path, read_only=True)  # DatabaseLocked names what holds the file
    try:
        check_readable(con, path=path)
    except BaseException:
        con.close()
        raise
    return con
