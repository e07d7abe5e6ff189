"""Ingest jobs, one at a time in a background thread: from the dashboard's form, or handed over
by a `newsevents ingest` on the same file (:mod:`newsevents.handoff`).

The request returns at once with a job id; the page (or the CLI) polls ``/api/jobs/{id}`` for the
job's :class:`JobStatus` (documents read, stored, failed, events) until it is done or failed.
A job holds the database for writing (:meth:`Database.writing`) while it runs; the views keep
reading, and see each committed batch.
"""

from __future__ import annotations

import dataclasses
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
from newsevents.store import queries
from newsevents.web.database import Database

#: Jobs whose status is kept for the page to read; older ones are forgotten.
KEPT_JOBS = 50


@dataclass(frozen=True, slots=True)
class JobStatus:
    """Where one ingest job is: ``state`` is queued, waiting (for a file another process
    holds: ``note`` says which), running, done or failed (``error``, of class ``error_type``)."""

    id: int
    sources: tuple[str, ...]
    state: str = "queued"
    summary: RunSummary | None = None
    error: str | None = None
    error_type: str | None = None
    note: str | None = None
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
            "summary": dataclasses.asdict(summary) if summary else None,
            "error": self.error,
            "error_type": self.error_type,
            "note": self.note,
            "failures": list(self.failures),
        }


#: What a job runs: api.ingest's signature, so tests can give a fake.
Ingest = Callable[..., RunSummary]


class Jobs:
    """Ingest jobs on ``database``; each owns a folder of its inputs, removed when it ends."""

    def __init__(self, database: Database, *, settings: Settings, ingest: Ingest) -> None:
        self._database = database
        self._settings = settings
        self._ingest = ingest
        self._jobs: dict[int, JobStatus] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsevents-ingest")

    def folder(self) -> Path:
        """A new folder for one job's uploaded and pasted documents."""
        return Path(tempfile.mkdtemp(prefix="newsevents-upload-"))

    def submit(
        self,
        sources: Sequence[str],
        *,
        folder: Path | None,
        published: dt.date | None = None,
        settings: Settings | None = None,
        command: str = "serve",
    ) -> JobStatus:
        """Queue an ingest of ``sources`` (files, URLs), published on ``published`` if given;
        returns its status. ``folder`` holds the job's uploads and is removed when it ends;
        ``settings`` replace the server's (a handed-over ingest keeps its own options)."""
        with self._lock:
            status = JobStatus(id=next(self._ids), sources=tuple(sources))
            self._jobs[status.id] = status
            for old in sorted(self._jobs)[:-KEPT_JOBS]:
                del self._jobs[old]
        job = _Job(status.id, list(sources), folder, published, settings or self._settings, command)
        self._worker.submit(self._run, job)
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

    def _run(self, job: _Job) -> None:
        job_id = job.id
        self._update(job_id, state="running")
        try:
            with self._database.writing(
                on_wait=lambda exc: self._update(job_id, state="waiting", note=str(exc))
            ):
                self._update(job_id, state="running", note=None)
                summary = self._ingest(
                    job.sources,
                    db=self._database.path,
                    settings=job.settings,
                    published=job.published,
                    command=job.command,
                    on_batch=lambda s: self._batch_done(job_id, s),
                )
                rows = self._failed(summary, folder=job.folder)
            self._update(job_id, state="done", summary=summary, failures=rows)
        except NewsEventsError as exc:  # a sentence for the page: locked, setup, bad input
            self._update(job_id, state="failed", error=str(exc), error_type=type(exc).__name__)
        except Exception as exc:  # a bug: still say something on the page, not a stuck job
            self._update(job_id, state="failed", error=f"unexpected {type(exc).__name__}: {exc}")
        finally:
            if job.folder is not None:
                shutil.rmtree(job.folder, ignore_errors=True)

    def _failed(self, summary: RunSummary, *, folder: Path | None) -> tuple[dict[str, Any], ...]:
        """The run's failures, read while the job still holds the file (through the views'
        connection: a read-only one of our own would clash with it)."""
        if not summary.failed:
            return ()
        with self._database.reading() as con:
            table = queries.failures(con, run_id=summary.run_id)
        return tuple(_plain(row, folder=folder) for row in table.to_pylist())

    def _batch_done(self, job_id: int, summary: RunSummary) -> None:
        self._database.changed()  # the views show the batch just committed
        self._update(job_id, summary=summary)


@dataclass(frozen=True, slots=True)
class _Job:
    """What one queued job runs."""

    id: int
    sources: list[str]
    folder: Path | None
    published: dt.date | None
    settings: Settings
    command: str


def _plain(row: dict[str, Any], *, folder: Path | None) -> dict[str, Any]:
    """A failure as the page shows it: an upload by its own name, not the temporary path."""
    plain = {k: row.get(k) for k in ("source", "stage", "error", "message")}
    if folder is not None:
        for key in ("source", "message"):
            plain[key] = str(plain[key]).replace(f"{folder}/", "")
    return plain
