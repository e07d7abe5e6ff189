"""How ingest scales with coding processes (and engines), and what a GDELT-scale day would cost.

    python scripts/bench_scale.py [--articles N] [--repeat R] [--workers 1,2,...]
                                  [--engines local,ray] [--machines 1,4,16] [--batch 10] [--json]
                                  [--sources PATH...]

The corpus is the one scripts/bench_pipeline.py uses (the bundled examples: Wikinews, TempEval-3
and the seed article), or the documents read from ``--sources`` (real pages, e.g. the 181 HTML
pages of ../shared/data/extraction/scrapinghub/html); ``--articles`` keeps the first N,
``--repeat`` repeats them. It is written as one JSONL shard so every engine reads the same input
the same way. Each engine gets a function
returning the same record (:class:`EngineRun`):

    local   newsevents.api.ingest(shard, workers=N) into a fresh DuckDB file: stages 1-6 in N
            processes, 7 in this one (``newsevents ingest --workers N``)
    ray     newsevents.distributed.run_ray(shard, num_cpus=N) into a fresh Parquet dataset

Each local run is a fresh interpreter, as ``newsevents ingest`` is: its clock starts before any
model is loaded. For each: seconds (wall, start-up included), articles/s and words/s
(whitespace-separated words of the coded texts), start-up (time to the first committed batch for
local, Ray's own figure for ray), the steady rate after it, each worker's peak RSS, and a digest
of the events coded (equal digests: the runs coded the same events). Speed-up is against local
with 1 worker; scaling efficiency is speed-up / workers. The projection divides a day of
GDELT-scale input (``GDELT_DAY`` articles) by the fastest steady rate measured, on one machine
like this one and on K such machines (K from ``--machines``), assuming machines add up linearly
as Ray's independent batches do. ``--batch`` (default 10) is small so that a corpus of about 60
articles spreads over the workers: at ingest's default of 100, an input this small is coded in
one process.
A benchmark, not a test: the numbers depend on the machine and on what
else runs on it.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from newsevents.config import Settings
from newsevents.ingest import read_documents
from newsevents.records import RawDocument

#: Articles in one day of GDELT-scale input (GDELT 2.0 reads on the order of 200,000 a day).
GDELT_DAY = 200_000
BENCH_PIPELINE = Path(__file__).resolve().parent / "bench_pipeline.py"


@dataclass
class EngineRun:
    """One timed run of one engine with a given number of workers."""

    engine: str
    workers: int
    articles: int
    words: int
    events: int
    seconds: float
    startup_s: float
    steady_articles_per_s: float | None
    peak_rss_mb: list[float]
    events_digest: str
    articles_per_s: float = 0.0
    words_per_s: float = 0.0
    speedup: float | None = None
    efficiency: float | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.articles_per_s = self.articles / self.seconds
        self.words_per_s = self.words / self.seconds


@dataclass(frozen=True)
class Corpus:
    """The benchmark input: one JSONL shard, and what it holds."""

    shard: Path
    articles: int
    words: int


# -- the corpus ----------------------------------------------------------------------------------


def _bench_pipeline() -> Any:
    spec = importlib.util.spec_from_file_location("bench_pipeline", BENCH_PIPELINE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_pipeline", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def write_corpus(
    folder: Path,
    *,
    articles: int | None,
    repeat: int,
    settings: Settings,
    sources: list[str] | None = None,
) -> Corpus:
    """bench_pipeline's documents (or those read from ``sources``), ``repeat`` times, as a JSONL
    shard in ``folder``."""
    bench = _bench_pipeline()
    if sources:
        read = [d for d in read_documents(sources, settings=settings) if isinstance(d, RawDocument)]
        chosen = read[:articles] if articles else read
    else:
        chosen = bench.corpus(articles=articles, settings=settings)
    documents: list[RawDocument] = chosen * repeat
    words = sum(len(t.split()) for t in bench.coded_texts(documents, settings=settings))
    shard = folder / "corpus.jsonl"
    with shard.open("w", encoding="utf-8") as out:
        for document in documents:
            out.write(json.dumps(_as_json(document), ensure_ascii=False) + "\n")
    return Corpus(shard=shard, articles=len(documents), words=words)


def _as_json(document: RawDocument) -> dict[str, Any]:
    meta = {k: v for k, v in asdict(document.meta).items() if v is not None}
    meta.pop("published_from", None)
    if "published" in meta:
        meta["published"] = meta["published"].isoformat()
    if "external_id" in meta:
        meta["id"] = meta.pop("external_id")
    return {**meta, document.format: document.content}


# -- engines -------------------------------------------------------------------------------------


#: One local run in a fresh interpreter, so that every worker count pays its own start-up (model
#: loads) as ``newsevents ingest`` does; prints the numbers as JSON.
_LOCAL_RUN = """
import json, sys, time
from newsevents import api
from newsevents.config import Settings

shard, db, workers, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
marks = []
started = time.perf_counter()
summary = api.ingest(
    [shard], db=db, settings=Settings(batch_size=batch), workers=workers,
    on_batch=lambda s: marks.append((time.perf_counter() - started, s.documents)),
)
seconds = time.perf_counter() - started
peaks = [w.peak_rss_bytes for w in summary.workers]
print(json.dumps({"seconds": seconds, "marks": marks, "events": summary.events, "peaks": peaks}))
"""


def run_local(corpus: Corpus, *, workers: int, settings: Settings, scratch: Path) -> EngineRun:
    """``newsevents ingest --workers N`` on the shard, into a fresh database, in a fresh process
    (start-up included: the clock starts before the model is loaded)."""
    db = scratch / f"local-{workers}.duckdb"
    command = [sys.executable, "-c", _LOCAL_RUN, str(corpus.shard), str(db)]
    command += [str(workers), str(settings.batch_size)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"local run with {workers} workers failed: {done.stderr[-2000:]}")
    numbers = json.loads(done.stdout.splitlines()[-1])
    batches = [tuple(m) for m in numbers["marks"]]
    return EngineRun(
        engine="local",
        workers=workers,
        articles=corpus.articles,
        words=corpus.words,
        events=numbers["events"],
        seconds=numbers["seconds"],
        startup_s=batches[0][0] if batches else numbers["seconds"],
        steady_articles_per_s=_steady(batches),  # type: ignore[arg-type]
        peak_rss_mb=[round(p / 2**20, 1) for p in numbers["peaks"]],
        events_digest=_digest_db(db),
    )


def run_ray(corpus: Corpus, *, workers: int, settings: Settings, scratch: Path) -> EngineRun:
    """``newsevents run --engine ray`` on the shard with ``workers`` CPUs, Ray started here."""
    from newsevents import distributed

    out = scratch / f"ray-{workers}"
    started = time.perf_counter()
    job = distributed.run_ray([str(corpus.shard)], out, settings=settings, num_cpus=workers)
    seconds = time.perf_counter() - started
    process_s = getattr(job, "process_s", None)
    return EngineRun(
        engine="ray",
        workers=workers,
        articles=corpus.articles,
        words=corpus.words,
        events=job.events,
        seconds=seconds,
        startup_s=job.startup_s,
        steady_articles_per_s=corpus.articles / process_s if process_s else None,
        peak_rss_mb=[round(w.peak_rss_mb, 1) for w in job.workers],
        events_digest=_digest_parquet(out / "events"),
    )


ENGINES: dict[str, Callable[..., EngineRun]] = {"local": run_local, "ray": run_ray}


#: The steady rate needs this many committed batches after the first, spanning this share of
#: the run: with fewer, results that arrive in one burst from the pool give absurd rates.
STEADY_MIN_BATCHES = 4
STEADY_MIN_SHARE = 0.25


def _steady(batches: list[tuple[float, int]]) -> float | None:
    """Documents per second after the first committed batch (start-up and model loads paid), or
    ``None`` when the run is too short to tell."""
    if len(batches) < STEADY_MIN_BATCHES + 1:
        return None
    (t0, n0), (t1, n1) = batches[0], batches[-1]
    if t1 - t0 < STEADY_MIN_SHARE * t1:
        return None
    return (n1 - n0) / (t1 - t0)


def _digest(rows: list[tuple[Any, ...]]) -> str:
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()[:16]


#: What identifies a coded event whatever the engine stored around it.
_EVENT_COLUMNS = "article_id, id, cameo, source_code, target_code, date, sentence_start"


def _digest_db(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return _digest(con.execute(f"SELECT DISTINCT {_EVENT_COLUMNS} FROM events").fetchall())


def _digest_parquet(folder: Path) -> str:
    with duckdb.connect() as con:
        rows = con.execute(
            f"SELECT DISTINCT {_EVENT_COLUMNS} FROM read_parquet(?, hive_partitioning = true)",
            [str(folder / "**" / "*.parquet")],
        ).fetchall()
    return _digest(rows)


# -- the run -------------------------------------------------------------------------------------


def run(
    *,
    articles: int | None,
    repeat: int,
    workers: list[int],
    engines: list[str],
    machines: list[int],
    batch: int,
    sources: list[str] | None = None,
) -> dict[str, Any]:
    """Every engine with every worker count on one corpus; speed-ups and the projection."""
    settings = Settings(batch_size=batch)
    skipped: dict[str, str] = {}
    results: list[EngineRun] = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        scratch = Path(tmp)
        corpus = write_corpus(
            scratch, articles=articles, repeat=repeat, settings=settings, sources=sources
        )
        for engine in engines:
            reason = _unavailable(engine)
            if reason:
                skipped[engine] = reason
                continue
            for n in workers:
                results.append(
                    ENGINES[engine](corpus, workers=n, settings=settings, scratch=scratch)
                )
    _speedups(results)
    return {
        "articles": corpus.articles,
        "words": corpus.words,
        "batch": batch,
        "cpu_count": os.cpu_count(),
        "runs": [asdict(r) for r in results],
        "skipped": skipped,
        "same_events": len({r.events_digest for r in results}) <= 1,
        "projection": projection(results, machines=machines),
    }


def _unavailable(engine: str) -> str | None:
    if engine not in ENGINES:
        return f"unknown engine (choose from {', '.join(ENGINES)})"
    if engine == "ray":
        if importlib.util.find_spec("ray") is None:
            return "not installed"
        if importlib.util.find_spec("newsevents.distributed") is None:
            return "newsevents.distributed is not there yet"
    return None


def _speedups(results: list[EngineRun]) -> None:
    base = next((r for r in results if r.engine == "local" and r.workers == 1), None)
    if base is None:
        return
    for r in results:
        r.speedup = base.seconds / r.seconds
        r.efficiency = r.speedup / r.workers


def projection(results: list[EngineRun], *, machines: list[int]) -> dict[str, Any] | None:
    """Hours for ``GDELT_DAY`` articles at the best rate measured, on K machines: the steady rate
    where a run was long enough to have one, else the overall rate (start-up included)."""
    if not results:
        return None
    best = max(results, key=_rate)
    rate = _rate(best)
    hours = GDELT_DAY / rate / 3600
    kind = "steady" if best.steady_articles_per_s else "overall, start-up included"
    return {
        "articles": GDELT_DAY,
        "from": f"{best.engine} with {best.workers} workers ({kind})",
        "articles_per_s_per_machine": round(rate, 2),
        "hours": {str(k): round(hours / k, 2) for k in machines},
        "machine_hours": round(hours, 2),
    }


def _rate(run: EngineRun) -> float:
    return run.steady_articles_per_s or run.articles_per_s


# -- output --------------------------------------------------------------------------------------


def render(result: dict[str, Any]) -> str:
    lines = [
        f"corpus: {result['articles']} articles, {result['words']:,} words; "
        f"batch {result['batch']}; {result['cpu_count']} cores",
        f"{'engine':<8}{'workers':>8}{'seconds':>9}{'art/s':>8}{'words/s':>9}{'start-up s':>11}"
        f"{'steady art/s':>13}{'speed-up':>9}{'effic.':>7}  peak RSS MB per worker",
    ]
    for r in result["runs"]:
        lines.append(
            f"{r['engine']:<8}{r['workers']:>8}{r['seconds']:>9.1f}{r['articles_per_s']:>8.2f}"
            f"{r['words_per_s']:>9.0f}{r['startup_s']:>11.1f}{_num(r['steady_articles_per_s']):>13}"
            f"{_num(r['speedup']):>9}{_num(r['efficiency']):>7}  "
            + ", ".join(f"{m:.0f}" for m in r["peak_rss_mb"])
        )
    for engine, reason in result["skipped"].items():
        lines.append(f"{engine}: {reason}")
    lines.append(f"same events in every run: {'yes' if result['same_events'] else 'NO'}")
    p = result["projection"]
    if p:
        per = "; ".join(f"{k} machine{'s' * (k != '1')}: {h} h" for k, h in p["hours"].items())
        lines.append(
            f"one day of GDELT-scale input ({p['articles']:,} articles) at "
            f"{p['articles_per_s_per_machine']} articles/s per machine ({p['from']}): {per}"
        )
    return "\n".join(lines)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _ints(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected positive integers, e.g. 1,2,4")
    return values


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=None, help="use the first N articles")
    parser.add_argument("--repeat", type=int, default=1, help="times the corpus is repeated")
    cores = os.cpu_count() or 1
    parser.add_argument(
        "--workers", type=_ints, default=list(range(1, cores + 1)), help="e.g. 1,2 (default 1..N)"
    )
    parser.add_argument("--engines", default="local", help="local, ray or local,ray")
    parser.add_argument("--machines", type=_ints, default=[1, 4, 16], help="K for the projection")
    parser.add_argument("--batch", type=int, default=10, help="documents per write batch")
    parser.add_argument("--json", action="store_true", help="print every number as JSON")
    parser.add_argument(
        "--sources",
        nargs="+",
        default=None,
        help="files or folders to read instead of the bundled examples (e.g. real HTML pages)",
    )
    args = parser.parse_args(argv)
    result = run(
        articles=args.articles,
        repeat=args.repeat,
        workers=args.workers,
        engines=[e.strip() for e in args.engines.split(",") if e.strip()],
        machines=args.machines,
        batch=args.batch,
        sources=args.sources,
    )
    for engine, reason in result["skipped"].items():
        print(f"{engine}: {reason}", file=sys.stderr)
    print(json.dumps(result, indent=2) if args.json else render(result))


if __name__ == "__main__":
    main()
