"""Ingest jobs started from the dashboard's form: one at a time, in a background thread.

The form's request returns at once with a job id; the page polls ``/api/jobs/{id}`` for the
job's :class:`JobStatus` (documents read, stored, failed, events) until it is done or failed.
A job holds the database for writing (:meth:`Database.writing`) while it runs.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from newsevents.config import Settings
from newsevents.errors import NewsEventsError
from newsevents.records import RunSummary
from newsevents.web.database import Database

#: Jobs whose status is kept for the page to read; older ones are forgotten.
KEPT_JOBS = 50


@dataclass(frozen=True, slots=True)
class JobStatus:
    """Where one ingest job is: ``state`` is queued, running, done or failed."""

    id: int
    sources: tuple[str, ...]
    state: str = "queued"
    summary: RunSummary | None = None
    error: str | None = None
    failures: tuple[dict[str, Any], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        summary = self.summary
        counts = {
            name: getattr(summary, name, 0)
            for name in ("documents", "stored", "duplicates", "near_duplicates", "failed", "events")
        }
        return {
            "id": self.id,
            "state": self.state,
            "sources": list(self.sources),
            "run_id": summary.run_id if summary else None,
            "counts": counts,
            "error": self.error,
            "failures": list(self.failures),
        }


#: What a job runs: api.ingest's signature, so tests can give a fake.
Ingest = Callable[..., RunSummary]
#: Reads the failures of one run: api.failures's signature.
Failures = Callable[..., Any]


class Jobs:
    """Ingest jobs on ``database``; each owns a folder of its inputs, removed when it ends."""

    def __init__(
        self, database: Database, *, settings: Settings, ingest: Ingest, failures: Failures
    ) -> None:
        self._database = database
        self._settings = settings
        self._ingest = ingest
        self._failures = failures
        self._jobs: dict[int, JobStatus] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsevents-ingest")

    def folder(self) -> Path:
        """A new folder for one job's uploaded and pasted documents."""
        return Path(tempfile.mkdtemp(prefix="newsevents-upload-"))

    def submit(
        self, sources: Sequence[str], *, folder: Path, published: dt.date | None = None
    ) -> JobStatus:
        """Queue an ingest of ``sources`` (files in ``folder``, URLs), published on
        ``published`` if given; returns its status."""
        with self._lock:
            status = JobStatus(id=next(self._ids), sources=tuple(sources))
            self._jobs[status.id] = status
            for old in sorted(self._jobs)[:-KEPT_JOBS]:
                del self._jobs[old]
        self._worker.submit(self._run, status.id, list(sources), folder, published)
        return status

    def get(self, job_id: int) -> JobStatus | None:
        with self._lock:
            return self._jobs.get(job_id)

    def all(self) -> list[JobStatus]:
        with self._lock:
            return [self._jobs[i] for i in sorted(self._jobs, reverse=True)]

    def wait(self) -> None:
        """Block until every queued job has ended (for shutdown and tests)."""
        self._worker.submit(lambda: None).result()

    def shutdown(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)

    def _update(self, job_id: int, **changes: Any) -> None:
        with self._lock:
            if job_id in self._jobs:
                self._jobs[job_id] = replace(self._jobs[job_id], **changes)

    def _run(
        self, job_id: int, sources: list[str], folder: Path, published: dt.date | None
    ) -> None:
        self._update(job_id, state="running")
        try:
            with self._database.writing():
                summary = self._ingest(
                    sources,
                    db=self._database.path,
                    settings=self._settings,
                    published=published,
                    command="serve",
                    on_batch=lambda s: self._update(job_id, summary=s),
                )
                failed = summary.failed and self._failures(
                    db=self._database.path, run_id=summary.run_id
                )
            rows = tuple(_plain(r, folder=folder) for r in failed.to_pylist()) if failed else ()
            self._update(job_id, state="done", summary=summary, failures=rows)
        except NewsEventsError as exc:  # a sentence for the page: locked, setup, bad input
            self._update(job_id, state="failed", error=str(exc))
        except Exception as exc:  # a bug: still say something on the page, not a stuck job
            self._update(job_id, state="failed", error=f"unexpected {type(exc).__name__}: {exc}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _plain(row: dict[str, Any], *, folder: Path) -> dict[str, Any]:
    """A failure as the page shows it: an upload by its own name, not the temporary path."""
    plain = {k: row.get(k) for k in ("source", "stage", "error", "message")}
    for key in ("source", "message"):
        plain[key] = str(plain[key]).replace(f"{folder}/", "")
    return plain
