"""Stages 1-6 in worker processes, for ``newsevents ingest --workers N``; stage 7 stays in the
parent, which is the only writer.

The parent reads documents (streaming, as with one process) and cuts them into chunks of
``min(batch_size, nlp_batch_size)`` documents, one ``nlp.pipe`` batch each. At most
``CHUNKS_PER_WORKER * workers`` chunks are in the pool at a time, so a long input is never held
in memory, and results are taken back in input order: the store then sees the same documents in
the same order as with one process, which keeps its duplicate and near-duplicate decisions, ids
and events identical (:mod:`newsevents.store` decides near-duplicates at write time, so order
matters).

Each worker is started with the "spawn" method (forking a parent that holds DuckDB and threads is
unsafe) and loads the model, the dictionaries and the coder once, in its initializer.

A worker that dies (killed, out of memory, a crash in native code) breaks the pool. Every chunk
the broken pool had not returned is then run again alone in a fresh one-process pool, in order;
a chunk that kills that process too is the culprit, and each of its documents is recorded as a
Failure that says so. A new pool takes the rest of the input. No document is lost silently.

With one worker, or when the whole input fits in one write batch (``Settings.batch_size``),
everything runs in the parent and no pool is started: a pool's start-up (a model load per
worker, a few seconds) would cost more than it saves.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

from newsevents.config import Settings
from newsevents.errors import UsageError
from newsevents.records import CodedArticle, Failure, Item, WorkerMemory

#: Chunks queued per worker: two keep a worker busy while the parent writes the previous result,
#: more only hold documents in memory for longer.
CHUNKS_PER_WORKER = 2
#: Seconds between a worker's checks that its parent is alive: a parent killed with SIGKILL
#: cannot stop its workers, so they stop themselves.
PARENT_CHECK_SECONDS = 1.0
#: The error name of a Failure recorded for a document whose chunk killed a worker twice.
WORKER_DIED = "WorkerDied"


@dataclass(frozen=True, slots=True)
class CodedChunk:
    """Stages 1-6 of one chunk: one result per document, in order, and the memory of the process
    that coded it (``None`` where the platform cannot tell)."""

    results: tuple[CodedArticle | Failure, ...]
    memory: WorkerMemory | None


def resolve_workers(workers: int | None) -> int:
    """The number of coding processes: ``workers``, or one per core when ``None``."""
    if workers is None:
        return os.cpu_count() or 1
    if workers < 1:
        raise UsageError(f"workers must be at least 1, not {workers}")
    return workers


def code_chunks(
    items: Iterable[Item],
    *,
    settings: Settings,
    workers: int | None = None,
    published: dt.date | None = None,
) -> Iterator[CodedChunk]:
    """Stages 1-6 on ``items`` in ``workers`` processes (default ``settings.workers``), chunk by
    chunk, in input order."""
    count = resolve_workers(settings.workers if workers is None else workers)
    it = iter(items)
    head = list(islice(it, settings.batch_size + 1))
    if count == 1 or len(head) <= settings.batch_size:
        yield from _in_process(chain(head, it), settings=settings, published=published)
        return
    chunks = _chunked(chain(head, it), size=chunk_size(settings))
    yield from _pooled(chunks, workers=count, settings=settings, published=published)


def chunk_size(settings: Settings) -> int:
    """Documents per task sent to a worker: one spaCy batch, and never more than a write batch."""
    return max(1, min(settings.batch_size, settings.nlp_batch_size))


def peak_rss_bytes() -> int | None:
    """This process's peak resident set size (``None`` where the platform cannot tell).

    On Linux, ``VmHWM`` from /proc: ``getrusage``'s ``ru_maxrss`` survives ``exec``, so a
    spawned worker would report its parent's size at the fork if the parent was ever larger.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # macOS reports bytes, the other Unixes kilobytes.
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024


def _memory() -> WorkerMemory | None:
    peak = peak_rss_bytes()
    return None if peak is None else WorkerMemory(pid=os.getpid(), peak_rss_bytes=peak)


def _chunked(items: Iterable[Item], *, size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _in_process(
    items: Iterable[Item], *, settings: Settings, published: dt.date | None
) -> Iterator[CodedChunk]:
    from newsevents.pipeline import check_coding, process_batch

    check_coding(settings)  # one clear error for a missing model, not one per document
    for batch in _chunked(items, size=settings.batch_size):
        results = process_batch(batch, settings=settings, published=published)
        yield CodedChunk(tuple(results), _memory())


# -- the pool ------------------------------------------------------------------------------------


_Task = Callable[[Sequence[Item], Settings, dt.date | None], CodedChunk]


@dataclass
class _Pending:
    chunk: list[Item]
    future: Future[CodedChunk]
    generation: int


class _Pool:
    """A process pool that can be replaced when a worker dies (``generation`` counts pools).
    ``task`` codes one chunk in a worker (tests give one that crashes on purpose)."""

    def __init__(
        self, *, workers: int, settings: Settings, published: dt.date | None, task: _Task
    ) -> None:
        self._workers, self._settings, self._published = workers, settings, published
        self._task = task
        self.generation = 0
        self._executor = _executor(workers, settings)

    def submit(self, chunk: list[Item]) -> _Pending:
        try:
            future = self._executor.submit(self._task, chunk, self._settings, self._published)
        except BrokenProcessPool:  # a worker died since the last submit: carry on in a new pool
            self.replace(self.generation)
            future = self._executor.submit(self._task, chunk, self._settings, self._published)
        return _Pending(chunk, future, self.generation)

    def replace(self, broken: int) -> None:
        """Start a new pool if generation ``broken`` is still the current one."""
        if broken != self.generation:
            return
        _stop(self._executor, kill=True)
        self._executor = _executor(self._workers, self._settings)
        self.generation += 1

    def alone(self, chunk: list[Item]) -> CodedChunk:
        """``chunk`` in a fresh process of its own; Failures for its documents if it dies too."""
        executor = _executor(1, self._settings)
        try:
            return executor.submit(self._task, chunk, self._settings, self._published).result()
        except BrokenProcessPool:
            return CodedChunk(tuple(worker_died(item, retry="--workers 1") for item in chunk), None)
        finally:
            _stop(executor, kill=True)

    def close(self, *, kill: bool) -> None:
        _stop(self._executor, kill=kill)


def _pooled(
    chunks: Iterable[list[Item]],
    *,
    workers: int,
    settings: Settings,
    published: dt.date | None,
    task: _Task | None = None,
) -> Iterator[CodedChunk]:
    task = task or _code_chunk
    pool = _Pool(workers=workers, settings=settings, published=published, task=task)
    pending: deque[_Pending] = deque()
    finished = False
    try:
        for chunk in chunks:
            pending.append(pool.submit(chunk))
            if len(pending) >= CHUNKS_PER_WORKER * workers:
                yield _collect(pending.popleft(), pool)
        while pending:
            yield _collect(pending.popleft(), pool)
        finished = True
    finally:
        # Interrupted (Ctrl-C, an error in the writer, the consumer stopped): do not wait for
        # chunks nobody will write.
        pool.close(kill=not finished)


def _collect(entry: _Pending, pool: _Pool) -> CodedChunk:
    try:
        return entry.future.result()
    except BrokenProcessPool:
        pool.replace(entry.generation)
        return pool.alone(entry.chunk)


def worker_died(item: Item, *, retry: str) -> Failure:
    """The Failure of a document whose batch killed its worker twice; ``retry`` names the option
    that codes it in one process, where the cause shows."""
    if isinstance(item, Failure):  # already a failure when read: keep its own reason
        return item
    return Failure(
        source=item.origin,
        stage="code",
        error=WORKER_DIED,
        message=(
            "a worker process died twice while coding the batch holding this document "
            f"(killed, out of memory or crashed); run again with {retry} to find the cause"
        ),
        transient=True,
    )


def _executor(workers: int, settings: Settings) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(settings, os.getpid()),
    )


def _stop(executor: ProcessPoolExecutor, *, kill: bool) -> None:
    if not kill:
        executor.shutdown(wait=True)
        return
    if hasattr(executor, "terminate_workers"):  # Python 3.14 and later
        executor.terminate_workers()
        return
    # Before 3.14 concurrent.futures has no public way to stop a running task, and the
    # interpreter would wait for every chunk in progress: stop the pool's processes ourselves.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


# -- in the worker -------------------------------------------------------------------------------


def _start_worker(settings: Settings, parent: int) -> None:
    """Load the model, dictionaries and coder once per worker. Ctrl-C is the parent's to handle:
    it stops the workers itself, and they would only print tracebacks."""
    from newsevents.pipeline import check_coding

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    try:
        check_coding(settings)
    except Exception:  # raised here, it would only say "the pool broke"
        pass  # each chunk checks again (cached once loaded) and its error reaches the parent


def _exit_with(parent: int) -> None:
    """Exit when the parent is gone (its pid no longer our parent's): it was killed."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _code_chunk(chunk: Sequence[Item], settings: Settings, published: dt.date | None) -> CodedChunk:
    from newsevents.pipeline import check_coding, process_batch

    check_coding(settings)  # free once loaded; raises a missing model's error for the parent
    results = process_batch(chunk, settings=settings, published=published)
    return CodedChunk(tuple(results), _memory())
