"""Stages 1-6 on a Ray cluster (Ray Data), or in this process, into a Parquet dataset.

The job, whatever the engine::

    inputs (JSONL, WARC, Parquet shards)          list_shards: one shard per file
      -> batches of documents as rows             read_shard: the project's own readers
      -> stages 1-6 on each batch                 pipeline.process_batch, in a _Coder actor
      -> Parquet parts in OUT/.staging-*/         write_part: one part per batch, named by it
      -> OUT/articles, events, places, failures   finish: drop doubled parts, then swap in

Each table is partitioned by the article's publication month (``month=2025-03``,
``month=unknown`` when the article has no date) so a month's articles, events and places are
read together; ``failures`` is not partitioned. The columns are the store's (:mod:`.store.rows`,
migrations 1-3), less what only a database assigns (``run_id``, ``first_run``,
``duplicate_of``): ``articles.seq`` is the document's place in the job's input order and
``articles.coder`` the coder that ran. A document read twice is two article rows: exact and
near duplicates are settled when the dataset is loaded into a database (:func:`load_dataset`),
by the same rules as ``ingest``.

Re-running a job replaces its output: parts are written to a staging folder and swapped in only
when the job has finished. A Ray worker that dies has its batch redone by a restarted actor
(``max_restarts``, ``max_task_retries``); a part is named after the documents of its batch, so
a redone batch overwrites its own part, and :func:`finish` drops any part whose documents
another part already holds. A batch that has killed its worker twice (each start of a batch
leaves a marker in the staging folder) is not coded a third time: its documents become
``WorkerDied`` failures, as with ``ingest --workers``, and the job goes on. A document that
fails is a row of ``failures``, never a failed job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import pickle
import resource
import time
import uuid
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from newsevents import pipeline
from newsevents.config import Settings
from newsevents.errors import InputError, NewsEventsError, SetupError, UsageError
from newsevents.parallel import worker_died
from newsevents.records import (
    Article,
    CodedArticle,
    Failure,
    Item,
    PlaceMention,
    RawDocument,
    RunSummary,
)
from newsevents.store.rows import PLACE_SCHEMA, event_from_row, events_table, places_table

if TYPE_CHECKING:
    from newsevents.store import Store

TABLES = ("articles", "events", "places", "failures")
UNKNOWN_MONTH = "unknown"
INSTALL_HINT = "pip install 'newsevents[ray]'"
#: Times a batch is coded before its documents become failures: once, and once more after its
#: worker died (which may have been for another reason: a node lost, a kill).
CODING_ATTEMPTS = 2
_SHARD_KINDS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
#: The store's article fields (migration 1), as written here.
ARTICLE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("seq", pa.int64()),
        ("external_id", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("published", pa.date32()),
        ("published_from", pa.string()),
        ("source", pa.string()),
        ("original_source", pa.string()),
        ("author", pa.string()),
        ("language", pa.string()),
        ("text", pa.string()),
        ("word_count", pa.int32()),
        ("origin", pa.string()),
        ("notes", pa.list_(pa.string())),
        ("coder", pa.string()),
    ]
)
#: The store's failure columns (migration 1) less ``run_id``, plus the document's ``seq``.
FAILURE_SCHEMA = pa.schema(
    [
        ("seq", pa.int64()),
        ("source", pa.string()),
        ("stage", pa.string()),
        ("error", pa.string()),
        ("message", pa.string()),
        ("transient", pa.bool_()),
        ("failed_at", pa.timestamp("us")),
    ]
)


@dataclass(frozen=True, slots=True)
class Shard:
    """One input file: its place in the job (``index``), where it is, and how to read it."""

    index: int
    uri: str
    kind: str  # jsonl, warc or parquet


@dataclass(frozen=True, slots=True)
class WorkerProbe:
    """For tests and operators: each worker writes ``pid_dir/PID`` (a line per batch done) and
    pauses ``pause_s`` after each batch, so a test can find a worker mid-job and kill it; a
    batch holding a document with ``die_on`` in its text kills its worker, as a poison document
    would."""

    pid_dir: str | None = None
    pause_s: float = 0.0
    #: A batch holding a document whose text contains this ends its worker process at once.
    die_on: str | None = None


@dataclass(frozen=True, slots=True)
class WorkerStats:
    """One worker process: batches and documents it finished, and its peak resident memory."""

    pid: int
    batches: int
    documents: int
    peak_rss_mb: float


@dataclass(frozen=True, slots=True)
class RayJobSummary:
    """What a job did, and how long its parts took (``startup_s``: starting or joining Ray)."""

    out: str
    engine: str
    documents: int
    articles: int
    events: int
    places: int
    failures: int
    seconds: float
    startup_s: float
    process_s: float
    finish_s: float
    workers: tuple[WorkerStats, ...] = ()
    parts_dropped: int = 0


# -- inputs ------------------------------------------------------------------------------------


def list_shards(inputs: Sequence[str]) -> list[Shard]:
    """Every JSONL, WARC and Parquet file of ``inputs`` (files or folders, local or any URI
    pyarrow opens), folders walked in sorted order; anything else named is a UsageError."""
    shards: list[Shard] = []
    for given in inputs:
        fs, path = _filesystem(given)
        info = fs.get_file_info(path)
        if info.type == pafs.FileType.NotFound:
            raise UsageError(f"{given}: no such file or directory")
        if info.type == pafs.FileType.Directory:
            found = fs.get_file_info(pafs.FileSelector(path, recursive=True))
            names = sorted(i.path for i in found if i.type == pafs.FileType.File)
            for name in names:
                relative = name[len(path) :].lstrip("/")
                if _kind(name) and not any(p.startswith(".") for p in relative.split("/")):
                    shards.append(_shard(len(shards), _join(given, relative), _kind(name)))
            continue
        kind = _kind(path)
        if kind is None:
            raise UsageError(f"{given}: not a JSONL, WARC or Parquet file (by its name)")
        shards.append(_shard(len(shards), given, kind))
    return shards


def _shard(index: int, uri: str, kind: str) -> Shard:
    return Shard(index=index, uri=uri, kind=kind)


def _kind(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith((".warc", ".warc.gz", ".arc.gz")):
        return "warc"
    stem = lower[:-3] if lower.endswith(".gz") else lower
    return _SHARD_KINDS.get(Path(stem).suffix)


def _join(given: str, relative: str) -> str:
    # Local folders keep the user's spelling, so origins match those of `newsevents code`.
    return str(Path(given) / relative) if not _is_uri(given) else f"{given.rstrip('/')}/{relative}"


def _is_uri(given: str) -> bool:
    return "://" in given


def _filesystem(given: str) -> tuple[pafs.FileSystem, str]:
    if not _is_uri(given):
        return pafs.LocalFileSystem(), str(Path(given).absolute())
    try:
        return pafs.FileSystem.from_uri(given)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise UsageError(f"{given}: pyarrow cannot open this location ({exc})") from None


def read_shard(shard: Shard, *, settings: Settings) -> Iterator[Item]:
    """The documents of one shard, in order, through the project's own readers (so a bad line
    or a corrupt record is the same Failure as with ``ingest``)."""
    from newsevents.ingest.files import file_documents, jsonl_file_documents

    if shard.kind == "parquet":
        yield from _guarded(shard, _parquet_items(shard))
    elif not _is_uri(shard.uri):
        reader = jsonl_file_documents if shard.kind == "jsonl" else file_documents
        yield from reader(Path(shard.uri), settings=settings)
    else:
        yield from _guarded(shard, _remote_items(shard, settings=settings))


def _guarded(shard: Shard, items: Iterator[Item]) -> Iterator[Item]:
    try:
        yield from items
    except (OSError, pa.ArrowException) as exc:
        error = InputError(f"{shard.uri}: cannot be read ({exc})")
        yield Failure.from_exception(error, source=shard.uri, stage="ingest")


def _remote_items(shard: Shard, *, settings: Settings) -> Iterator[Item]:
    from newsevents.ingest.files import jsonl_stream
    from newsevents.ingest.warc import warc_stream

    fs, path = _filesystem(shard.uri)
    if shard.kind == "warc":  # warcio undoes gzip itself, and needs to seek
        with fs.open_input_file(path) as handle:
            yield from warc_stream(handle, name=shard.uri, settings=settings)  # type: ignore[arg-type]
        return
    # Arrow's streams have no readline: a buffered reader over them does; ".gz" is inflated.
    with fs.open_input_stream(path, compression="detect") as stream:
        yield from jsonl_stream(io.BufferedReader(stream), name=shard.uri, settings=settings)  # type: ignore[arg-type]


def _parquet_items(shard: Shard) -> Iterator[Item]:
    """Each row an article object, as in JSONL (``text`` or ``html``, optional metadata);
    origin ``URI[ROW]``."""
    from newsevents.ingest.files import document_from_object

    fs, path = _filesystem(shard.uri)
    row = 0
    for batch in pq.ParquetFile(path, filesystem=fs).iter_batches(batch_size=256):
        for value in batch.to_pylist():
            origin = f"{shard.uri}[{row}]"
            row += 1
            try:
                yield document_from_object(_json_like(value), origin=origin)
            except NewsEventsError as exc:
                yield Failure.from_exception(exc, source=origin, stage="ingest")


def _json_like(value: dict[str, Any]) -> dict[str, Any]:
    # A Parquet date or timestamp column is what a JSONL line spells as ISO 8601.
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in value.items()}


def seq_of(shard: int, position: int) -> int:
    """A document's place in the job's input order: shard, then position in the shard."""
    return (shard << 32) | position


# -- output parts ------------------------------------------------------------------------------


def month_of(article: Article) -> str:
    return article.published.strftime("%Y-%m") if article.published else UNKNOWN_MONTH


def part_name(seqs: Sequence[int]) -> str:
    """The file name of the part holding documents ``seqs``: the same batch, the same name."""
    digest = hashlib.sha1(",".join(map(str, sorted(seqs))).encode()).hexdigest()[:12]
    return f"part-{min(seqs):016x}-{digest}.parquet"


def write_part(
    results: Sequence[CodedArticle | Failure],
    seqs: Sequence[int],
    *,
    root: str,
    now: dt.datetime | None = None,
) -> None:
    """Write one batch's results (``seqs[i]`` is result i's document) as parts under ``root``."""
    fs, base = _filesystem(root)
    name, now = part_name(seqs), now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    coded = [(s, r) for s, r in zip(seqs, results, strict=True) if isinstance(r, CodedArticle)]
    failed = [(s, r) for s, r in zip(seqs, results, strict=True) if isinstance(r, Failure)]
    by_month: dict[str, list[tuple[int, CodedArticle]]] = defaultdict(list)
    for seq, item in coded:
        by_month[month_of(item.article)].append((seq, item))
    for month, group in sorted(by_month.items()):
        items = [item for _, item in group]
        folder = f"month={month}"
        _write(fs, f"{base}/articles/{folder}/{name}", _articles_table(group))
        events = [e for item in items for e in item.events]
        table = events_table(events, run_id=0, now=now).drop_columns(["run_id"])
        _write(fs, f"{base}/events/{folder}/{name}", table)
        _write(fs, f"{base}/places/{folder}/{name}", places_table(items))
    if failed:
        _write(fs, f"{base}/failures/{name}", _failures_table(failed))


def _write(fs: pafs.FileSystem, path: str, table: pa.Table) -> None:
    # Written beside, then renamed: a worker killed mid-write leaves no half part behind.
    fs.create_dir(path.rsplit("/", 1)[0], recursive=True)
    partial = f"{path}.{uuid.uuid4().hex}.tmp"
    pq.write_table(table, partial, filesystem=fs)
    fs.move(partial, path)


def _articles_table(group: Sequence[tuple[int, CodedArticle]]) -> pa.Table:
    rows = [
        {
            **{f: getattr(item.article, f) for f in ARTICLE_SCHEMA.names if hasattr(Article, f)},
            "seq": seq,
            "word_count": len(item.article.text.split()),
            "notes": list(item.article.notes),
            "coder": item.coder,
        }
        for seq, item in group
    ]
    return pa.Table.from_pylist(rows, schema=ARTICLE_SCHEMA)


def _failures_table(failed: Sequence[tuple[int, Failure]]) -> pa.Table:
    rows = [
        {
            "seq": seq,
            **{f: getattr(fail, f) for f in ("source", "stage", "error", "message", "transient")},
            "failed_at": fail.at.astimezone(dt.UTC).replace(tzinfo=None)
            if fail.at.tzinfo
            else fail.at,
        }
        for seq, fail in failed
    ]
    return pa.Table.from_pylist(rows, schema=FAILURE_SCHEMA)


# -- finishing: drop doubled parts, swap the staging folder in ------------------------------------


@dataclass(frozen=True, slots=True)
class _Finished:
    counts: dict[str, int]
    parts_dropped: int


def finish(staging: str, out: str) -> _Finished:
    """Keep each document in one part only, then replace ``out``'s tables with ``staging``'s."""
    fs, base = _filesystem(staging)
    dropped = _drop_doubled_parts(fs, base)
    _, target = _filesystem(out)
    counts = {}
    for table in TABLES:
        fs.create_dir(f"{base}/{table}", recursive=True)
        counts[table] = _row_count(fs, f"{base}/{table}")
        if fs.get_file_info(f"{target}/{table}").type != pafs.FileType.NotFound:
            fs.delete_dir(f"{target}/{table}")
        _move_tree(fs, f"{base}/{table}", f"{target}/{table}")
    fs.delete_dir(base)
    return _Finished(counts=counts, parts_dropped=dropped)


def _move_tree(fs: pafs.FileSystem, source: str, target: str) -> None:
    if isinstance(fs, pafs.LocalFileSystem):
        fs.move(source, target)  # one rename
        return
    # Object stores have no folders to rename: each part is moved (copied, then deleted).
    fs.create_dir(target, recursive=True)
    for path in _parts(fs, source):
        moved = f"{target}/{path[len(source) :].lstrip('/')}"
        fs.create_dir(moved.rsplit("/", 1)[0], recursive=True)
        fs.move(path, moved)


def _parts(fs: pafs.FileSystem, folder: str) -> list[str]:
    if fs.get_file_info(folder).type != pafs.FileType.Directory:
        return []
    found = fs.get_file_info(pafs.FileSelector(folder, recursive=True))
    return sorted(i.path for i in found if i.path.endswith(".parquet"))


def _drop_doubled_parts(fs: pafs.FileSystem, base: str) -> int:
    """A part whose documents another part already holds is deleted in every table.

    Ray redoes a dead worker's batch whole, and a batch is cut by the shard's reader, so a redone
    batch has its own part's name and overwrites it; this is the safety net should a batch ever
    be cut differently the second time. Parts are kept in name order; a part holding only some
    doubled documents is kept (the loader's duplicate rules absorb those).
    """
    holders: dict[str, set[int]] = defaultdict(set)
    for table in ("articles", "failures"):
        for path in _parts(fs, f"{base}/{table}"):
            seqs = pq.read_table(path, columns=["seq"], filesystem=fs)["seq"].to_pylist()
            holders[path.rsplit("/", 1)[1]].update(seqs)
    seen: set[int] = set()
    doubled = []
    for name in sorted(holders):
        if holders[name] <= seen:
            doubled.append(name)
        seen |= holders[name]
    for table in TABLES:
        for path in _parts(fs, f"{base}/{table}"):
            if path.rsplit("/", 1)[1] in doubled:
                fs.delete_file(path)
    return len(doubled)


def _row_count(fs: pafs.FileSystem, folder: str) -> int:
    return sum(pq.ParquetFile(p, filesystem=fs).metadata.num_rows for p in _parts(fs, folder))


# -- the coder: stages 1-6 on a batch of rows, once per worker ----------------------------------


class _Coder:
    """Ray Data's callable class: one per actor, so the model and dictionaries are loaded once
    per worker process (on the first batch: nlp.load_model is cached per process)."""

    def __init__(
        self, *, settings: Settings, staging: str, probe: WorkerProbe = WorkerProbe()
    ) -> None:
        self.settings = settings
        self.staging = staging
        self.probe = probe
        self._checked = False
        if probe.pid_dir:
            Path(probe.pid_dir, str(os.getpid())).touch()

    def __call__(self, rows: pa.Table) -> pa.Table:
        """Each row is one batch of documents (see :func:`_document_batches`)."""
        if not self._checked:
            pipeline.check_coding(self.settings)
            self._checked = True
        reports = []
        for seqs, payload in zip(rows["seqs"].to_pylist(), rows["items"].to_pylist(), strict=True):
            items = pickle.loads(payload)
            if started_before(self.staging, seqs) >= CODING_ATTEMPTS:
                results: list[CodedArticle | Failure] = [
                    worker_died(item, retry="--engine local") for item in items
                ]
            else:
                self._probed_start(items)
                results = pipeline.process_batch(items, settings=self.settings)
            write_part(results, seqs, root=self.staging)
            reports.append(_batch_report(seqs))
            self._probed(len(seqs))
        return pa.concat_tables(reports)

    def _probed_start(self, items: Sequence[Item]) -> None:
        if self.probe.die_on and any(
            isinstance(i, RawDocument) and self.probe.die_on in i.content for i in items
        ):
            os._exit(70)  # as a segfault or the kernel's OOM killer would end the worker

    def _probed(self, documents: int) -> None:
        if self.probe.pid_dir:
            with Path(self.probe.pid_dir, str(os.getpid())).open("a") as log:
                log.write(f"{documents}\n")
        if self.probe.pause_s:
            time.sleep(self.probe.pause_s)


def started_before(staging: str, seqs: Sequence[int]) -> int:
    """How many times the batch of ``seqs`` was started before in this job, and mark this start.

    One empty file per start (``STAGING/.started/PART/UUID``): object stores cannot append, and
    the staging folder is on the storage every worker shares. Written before coding, so a start
    that kills its worker still counts."""
    fs, base = _filesystem(staging)
    folder = f"{base}/.started/{part_name(seqs)}"
    fs.create_dir(folder, recursive=True)
    before = len(fs.get_file_info(pafs.FileSelector(folder)))
    with fs.open_output_stream(f"{folder}/{uuid.uuid4().hex}"):
        pass
    return before


def _batch_report(seqs: Sequence[int]) -> pa.Table:
    """One row per document of a finished batch: who coded it, and that worker's peak memory."""
    n = len(seqs)
    return pa.table(
        {
            "seq": pa.array(seqs, pa.int64()),
            "pid": pa.array([os.getpid()] * n, pa.int64()),
            "peak_rss_kb": pa.array([_peak_rss_kb()] * n, pa.int64()),
            "batch": pa.array([min(seqs)] * n, pa.int64()),
        }
    )


def _peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux


def _document_batches(
    shard_row: dict[str, Any], *, settings: Settings, batch_size: int
) -> Iterator[dict[str, Any]]:
    """Ray's flat_map: a shard's documents as rows of ``batch_size`` documents each (pickled:
    records pickle). The cut depends on the shard alone, so a retried batch is the same batch."""
    shard = Shard(**{f.name: shard_row[f.name] for f in fields(Shard)})
    for batch in _chunks(enumerate(read_shard(shard, settings=settings)), batch_size):
        yield {
            "seqs": [seq_of(shard.index, position) for position, _ in batch],
            "items": pickle.dumps([item for _, item in batch]),
        }


# -- engines -----------------------------------------------------------------------------------


def run_ray(
    inputs: Sequence[str],
    out: str | Path,
    *,
    settings: Settings,
    address: str | None = None,
    num_cpus: int | None = None,
    batch_size: int = 16,
    concurrency: int | None = None,
    probe: WorkerProbe = WorkerProbe(),
) -> RayJobSummary:
    """Stages 1-6 over ``inputs`` with Ray Data; the dataset in ``out`` (see the module doc).

    Without ``address`` Ray starts here with ``num_cpus`` CPUs (all, by default) and stops after
    the job; with ``address`` ("auto", "HOST:PORT", "ray://...") the job joins that cluster. A
    Ray already started by the caller is used as it is. ``concurrency`` coder actors (default:
    one per CPU of the cluster) each take ``batch_size`` documents at a time.
    """
    ray = _import_ray()
    started = time.perf_counter()
    shards = list_shards(inputs)
    owns = not ray.is_initialized()
    if owns:
        _start_ray(ray, address=address, num_cpus=num_cpus)
    startup_s = time.perf_counter() - started
    try:
        actors = concurrency or max(1, int(ray.cluster_resources().get("CPU", 1)))
        staging = _staging(out)
        t0 = time.perf_counter()
        reports = _ray_job(
            ray,
            shards,
            staging,
            settings=settings,
            batch_size=batch_size,
            actors=actors,
            probe=probe,
        )
        process_s = time.perf_counter() - t0
    finally:
        if owns:
            ray.shutdown()
    return _summary(
        reports,
        staging,
        out,
        engine="ray",
        started=started,
        startup_s=startup_s,
        process_s=process_s,
    )


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise SetupError(
            f"the Ray engine needs Ray, which is not installed: {INSTALL_HINT}"
        ) from None
    return ray


def _start_ray(ray: Any, *, address: str | None, num_cpus: int | None) -> None:
    if address is None:
        ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False)
        return
    try:
        ray.init(address=address, log_to_driver=False)
    except ConnectionError as exc:
        raise UsageError(f"no Ray cluster answers at {address}: {exc}") from None


def _staging(out: str | Path) -> str:
    out = str(out)
    fs, base = _filesystem(out)
    fs.create_dir(base, recursive=True)
    return f"{out.rstrip('/')}/.staging-{uuid.uuid4().hex[:12]}"


def _ray_job(
    ray: Any,
    shards: Sequence[Shard],
    staging: str,
    *,
    settings: Settings,
    batch_size: int,
    actors: int,
    probe: WorkerProbe,
) -> pa.Table:
    import functools

    if not shards:
        return _empty_report()
    ctx = ray.data.DataContext.get_current()
    saved = (ctx.enable_progress_bars, ctx.target_max_block_size)
    # One block per row, and a row is one batch of documents: batches spread over every actor,
    # one at a time (reading has no CPU of its own to re-cut blocks: the coders hold them all).
    ctx.enable_progress_bars, ctx.target_max_block_size = False, 1
    try:
        rows = [{f.name: getattr(s, f.name) for f in fields(Shard)} for s in shards]
        batches = ray.data.from_items(rows, override_num_blocks=len(rows)).flat_map(
            functools.partial(_document_batches, settings=settings, batch_size=batch_size),
            # Reading is light beside coding: it must not wait for a CPU the coders hold.
            num_cpus=0,
        )
        # Ray Data restarts a dead actor and retries its task; a read task is retried by Ray
        # (max_retries: 3). A batch is coded at most CODING_ATTEMPTS times (then it is written
        # as failures), so a task needs one retry more than that: a bound, not Ray's endless
        # default, in case a batch kills its worker before it can even count its start.
        with warnings.catch_warnings():
            # Ray 2.60 names no parameter for max_task_retries: it goes in ray_remote_args,
            # which warns that it will go in Ray 2.64 (requirements.lock pins 2.60).
            warnings.filterwarnings("ignore", message="`ray_remote_args` is deprecated")
            coded = batches.map_batches(
                _Coder,
                fn_constructor_kwargs={"settings": settings, "staging": staging, "probe": probe},
                batch_size=1,
                batch_format="pyarrow",
                compute=ray.data.ActorPoolStrategy(size=actors, max_tasks_in_flight_per_actor=1),
                num_cpus=1,
                max_task_retries=CODING_ATTEMPTS + 1,
            )
        reports = list(coded.iter_batches(batch_format="pyarrow", batch_size=None))
    finally:
        ctx.enable_progress_bars, ctx.target_max_block_size = saved
    return pa.concat_tables(reports) if reports else _empty_report()


def _empty_report() -> pa.Table:
    return pa.table(
        {
            "seq": pa.array([], pa.int64()),
            "pid": pa.array([], pa.int64()),
            "peak_rss_kb": pa.array([], pa.int64()),
            "batch": pa.array([], pa.int64()),
        }
    )


def run_local(
    inputs: Sequence[str], out: str | Path, *, settings: Settings, batch_size: int = 16
) -> RayJobSummary:
    """The same job and output as :func:`run_ray`, in this process (no Ray needed)."""
    started = time.perf_counter()
    staging = _staging(out)
    reports = []
    for shard in list_shards(inputs):
        documents = enumerate(read_shard(shard, settings=settings))
        for batch in _chunks(documents, batch_size):
            seqs = [seq_of(shard.index, position) for position, _ in batch]
            results = pipeline.process_batch([item for _, item in batch], settings=settings)
            write_part(results, seqs, root=staging)
            reports.append(_batch_report(seqs))
    process_s = time.perf_counter() - started
    table = pa.concat_tables(reports) if reports else _empty_report()
    return _summary(
        table, staging, out, engine="local", started=started, startup_s=0.0, process_s=process_s
    )


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _summary(
    reports: pa.Table,
    staging: str,
    out: str | Path,
    *,
    engine: str,
    started: float,
    startup_s: float,
    process_s: float,
) -> RayJobSummary:
    t0 = time.perf_counter()
    fs, base = _filesystem(staging)
    fs.create_dir(base, recursive=True)  # a job over no documents still replaces the output
    done = finish(staging, str(out))
    finish_s = time.perf_counter() - t0
    counts = done.counts
    return RayJobSummary(
        out=str(out),
        engine=engine,
        documents=len(set(reports["seq"].to_pylist())),
        articles=counts["articles"],
        events=counts["events"],
        places=counts["places"],
        failures=counts["failures"],
        seconds=time.perf_counter() - started,
        startup_s=startup_s,
        process_s=process_s,
        finish_s=finish_s,
        workers=_worker_stats(reports),
        parts_dropped=done.parts_dropped,
    )


def _worker_stats(reports: pa.Table) -> tuple[WorkerStats, ...]:
    by_pid: dict[int, dict[str, Any]] = {}
    for row in reports.to_pylist():
        stats = by_pid.setdefault(row["pid"], {"batches": set(), "documents": 0, "rss": 0})
        stats["batches"].add(row["batch"])
        stats["documents"] += 1
        stats["rss"] = max(stats["rss"], row["peak_rss_kb"])
    return tuple(
        WorkerStats(
            pid=pid,
            batches=len(s["batches"]),
            documents=s["documents"],
            peak_rss_mb=round(s["rss"] / 1024, 1),
        )
        for pid, s in sorted(by_pid.items())
    )


# -- loading a dataset into the database ---------------------------------------------------------


def is_dataset(path: str | Path) -> bool:
    """Whether ``path`` is a folder written by a job (it has ``articles/`` and ``events/``)."""
    fs, base = _filesystem(str(path))
    kinds = [fs.get_file_info(f"{base}/{t}").type for t in ("articles", "events")]
    return all(k == pafs.FileType.Directory for k in kinds)


def load_dataset(
    path: str | Path,
    *,
    store: Store,
    run_id: int,
    settings: Settings,
    on_batch: Callable[[RunSummary], None] | None = None,
) -> RunSummary:
    """Store a job's dataset: articles in input order, with their events and places, and the
    failures, through :meth:`Store.write_batch`, so duplicates, near duplicates and re-coded
    events follow the same rules as ``ingest`` (loading twice stores no article or event twice).
    A month's partition at a time, so memory follows the largest month, not the dataset."""
    if not is_dataset(path):
        raise UsageError(f"{path}: not a newsevents dataset (no articles/ and events/ folders)")
    fs, base = _filesystem(str(path))
    total = RunSummary(run_id=run_id)
    for month in _months(fs, base):
        coded = list(_coded_articles(fs, base, month))
        for start in range(0, len(coded), settings.batch_size):
            batch = coded[start : start + settings.batch_size]
            total = _store(store, batch, [], total, settings=settings)
            if on_batch:
                on_batch(total)
    failures = _read(fs, f"{base}/failures", FAILURE_SCHEMA)
    rows = failures.sort_by("seq").to_pylist()
    for start in range(0, len(rows), settings.batch_size):
        batch = [_failure_from_row(r) for r in rows[start : start + settings.batch_size]]
        total = _store(store, [], batch, total, settings=settings)
    return total


def _store(
    store: Store,
    coded: list[CodedArticle],
    failures: list[Failure],
    total: RunSummary,
    *,
    settings: Settings,
) -> RunSummary:
    result = store.write_batch(total.run_id, coded, failures, settings=settings)
    return RunSummary(
        run_id=total.run_id,
        documents=total.documents + len(coded) + len(failures),
        stored=total.stored + result.stored,
        duplicates=total.duplicates + result.duplicates,
        near_duplicates=total.near_duplicates + result.near_duplicates,
        failed=total.failed + len(failures),
        not_english=total.not_english + sum(not c.article.is_english for c in coded),
        events=total.events + result.events,
        events_replaced=total.events_replaced + result.events_replaced,
    )


def _months(fs: pafs.FileSystem, base: str) -> list[str]:
    found = fs.get_file_info(pafs.FileSelector(f"{base}/articles"))
    months = [i.base_name.split("=", 1)[1] for i in found if i.base_name.startswith("month=")]
    # Dated months in order, then the undated: the store's "first" of duplicates follows input
    # order within a month, and month order across them.
    return sorted(m for m in months if m != UNKNOWN_MONTH) + [
        m for m in months if m == UNKNOWN_MONTH
    ]


def _read(fs: pafs.FileSystem, folder: str, schema: pa.Schema) -> pa.Table:
    paths = _parts(fs, folder)
    if not paths:
        return schema.empty_table()
    return pads.dataset(paths, filesystem=fs, format="parquet").to_table()


def _coded_articles(fs: pafs.FileSystem, base: str, month: str) -> Iterator[CodedArticle]:
    folder = f"month={month}"
    articles = _read(fs, f"{base}/articles/{folder}", ARTICLE_SCHEMA).sort_by("seq")
    events = defaultdict(list)
    for row in _read(fs, f"{base}/events/{folder}", pa.schema([])).to_pylist():
        events[row["article_id"]].append(event_from_row(row))
    places = defaultdict(list)
    for row in _read(fs, f"{base}/places/{folder}", PLACE_SCHEMA).to_pylist():
        places[row["article_id"]].append(_place_from_row(row))
    for row in articles.to_pylist():
        article = _article_from_row(row)
        yield CodedArticle(
            article,
            tuple(sorted(set(events[article.id]), key=lambda e: (e.action_start, e.id))),
            coder=row["coder"],
            places=tuple(places[article.id]),
        )


def _article_from_row(row: dict[str, Any]) -> Article:
    values = {f.name: row[f.name] for f in fields(Article) if f.name in row}
    values["notes"] = tuple(values.get("notes") or ())
    return Article(**values)


def _place_from_row(row: dict[str, Any]) -> PlaceMention:
    from newsevents.records import Location

    where = None
    if row["name"] is not None:
        where = Location(
            **{f: row[f] for f in ("name", "country", "admin1", "lat", "lon", "geonameid", "kind")}
        )
    return PlaceMention(text=row["text"], start=row["start"], end=row["end"], location=where)


def _failure_from_row(row: dict[str, Any]) -> Failure:
    return Failure(
        source=row["source"],
        stage=row["stage"],
        error=row["error"],
        message=row["message"],
        transient=row["transient"],
        at=row["failed_at"].replace(tzinfo=dt.UTC),
    )
