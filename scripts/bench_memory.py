"""Memory of a long run: a big JSONL through ``newsevents read``, and a long ``newsevents ingest``.

    python scripts/bench_memory.py [--size-mb 1024] [--articles 5000] [--path DIR]
                                   [--skip-read] [--skip-ingest] [--json]

Issue 7's targets: a 1 GB JSONL of articles streams through ``newsevents read`` with a peak
resident set under 500 MB, and a long ingest's memory stays flat. Both commands run as child
processes (``python -m newsevents``), exactly as a user runs them.

The corpus is made, not downloaded: every article is 8-30 sentences drawn at random (seeded)
from the bundled examples (newsevents/examples: Wikinews and TempEval-3 articles), with a unique
id and url. Mixing sentences keeps the texts realistic for the parser and the coder while making
each article distinct, so the ingest stores (and codes) every one instead of skipping duplicates.
Files go to a temporary folder, or to ``--path`` (kept, and reused when already the right size).

Measured:

    read     peak RSS of the child (``ru_maxrss`` from ``os.wait4``: that child alone), the RSS
             sampled from /proc while it runs, articles out (lines on its standard output),
             failures, seconds and MB/s
    ingest   RSS of the process tree (the command and the workers it starts, summed) sampled
             from /proc against the articles read so far (the command's offset in the input
             file, from /proc/PID/fdinfo, turned into a line count); the least-squares slope in
             MB per 1,000 articles after a warm-up (the first ``--warmup`` share of the file:
             model loads, caches filling, the first batches) and until the input is closed
             (then workers exit); the median of each quarter of those samples; the peaks
             (``ru_maxrss`` is the largest single process; the sampled tree total is the sum)

Linux only (/proc). A benchmark, not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "newsevents" / "examples"
CORPORA = ("wikinews.jsonl", "te3-platinum.jsonl")
#: Issue 7's target for the peak memory of ``newsevents read`` on a 1 GB JSONL.
TARGET_READ_PEAK_MB = 500
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_MB = 1024 * 1024


# --- the corpus ---------------------------------------------------------------------------------


def sentence_pool() -> list[str]:
    """Every sentence of the bundled example articles, in file order."""
    pool: list[str] = []
    for name in CORPORA:
        for line in (EXAMPLES / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line)["text"]
                pool.extend(s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) > 20)
    return pool


def articles(pool: list[str], *, seed: int) -> Iterator[dict[str, str]]:
    """Endless distinct articles of 8-30 pooled sentences, in paragraphs of 1-4 sentences."""
    rng = random.Random(seed)
    number = 0
    while True:
        number += 1
        sentences = rng.sample(pool, rng.randint(8, 30))
        paragraphs = []
        while sentences:
            size = rng.randint(1, 4)
            paragraphs.append(" ".join(sentences[:size]))
            sentences = sentences[size:]
        title = " ".join(paragraphs[0].split()[:10]).rstrip(".,;:")
        yield {
            "id": f"bench-{number}",
            "url": f"https://news.example/{seed}/{number}",
            "title": title,
            "source": "bench_memory",
            "published": f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}",
            "text": "\n\n".join(paragraphs),
        }


def write_jsonl(path: Path, *, size_bytes: int | None = None, count: int | None = None) -> int:
    """Write articles until the file reaches ``size_bytes`` or holds ``count``; return lines."""
    pool = sentence_pool()
    written = lines = 0
    with path.open("w", encoding="utf-8") as out:
        for article in articles(pool, seed=7 if count is None else 11):
            line = json.dumps(article, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            lines += 1
            if (size_bytes is not None and written >= size_bytes) or lines == count:
                return lines
    raise AssertionError("unreachable")


def line_offsets(path: Path) -> list[int]:
    """The byte offset where each line ends, to turn a read position into articles read."""
    ends: list[int] = []
    position = 0
    with path.open("rb") as handle:
        for line in handle:
            position += len(line)
            ends.append(position)
    return ends


def _reuse_or_write(path: Path, *, size_bytes: int | None, count: int | None) -> int:
    if path.exists():
        lines = sum(1 for _ in path.open("rb"))
        size = path.stat().st_size
        if (count is not None and lines == count) or (
            size_bytes is not None and size_bytes <= size < size_bytes + _MB
        ):
            return lines
    return write_jsonl(path, size_bytes=size_bytes, count=count)


# --- watching a child ---------------------------------------------------------------------------


@dataclass
class Sample:
    """One reading: ``rss_mb`` is the whole process tree (the command and any workers it
    started), ``main_mb`` the command's own process."""

    seconds: float
    rss_mb: float
    articles: int | None = None
    main_mb: float = 0.0
    processes: int = 1
    #: Taken after the input was read to its end and closed: the last batches being coded, then
    #: workers exiting. Shown, but not fitted (their RSS falls as workers end, which is no trend).
    tail: bool = False


@dataclass
class Watch:
    """RSS samples of one child process, and where it is in its input file."""

    pid: int
    input_path: Path | None = None
    ends: list[int] = field(default_factory=list)
    every: float = 0.25
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        began = time.monotonic()
        opened = False
        while not self._stop.is_set():
            main = _status_mb(self.pid, "VmRSS")
            if main is not None:
                tree = [main, *(_status_mb(p, "VmRSS") or 0.0 for p in _descendants(self.pid))]
                read = _articles_read(self.pid, self.input_path, self.ends)
                tail = read is None and opened
                if tail:
                    read = len(self.ends)  # read to the end and closed
                opened = opened or read is not None
                elapsed = time.monotonic() - began
                self.samples.append(Sample(elapsed, sum(tree), read, main, len(tree), tail))
            self._stop.wait(self.every)


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (workers of a parallel ingest), from /proc's children lists."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found += [child, *_descendants(child)]
    return found


def _status_mb(pid: int, key: str) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{key}:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) / 1024 if match else None


def _articles_read(pid: int, path: Path | None, ends: list[int]) -> int | None:
    """Lines of ``path`` the child has read, from its file offset (/proc/PID/fdinfo)."""
    if path is None or not ends:
        return None
    target = str(path.resolve())
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                info = Path(f"/proc/{pid}/fdinfo/{fd}").read_text()
                position = int(re.search(r"^pos:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
                return bisect.bisect_right(ends, position)
    except (OSError, AttributeError):
        return None
    return None


@dataclass
class ChildRun:
    returncode: int
    seconds: float
    peak_mb: float
    stdout_lines: int
    stderr_lines: int
    samples: list[Sample]


def run_child(
    args: list[str], *, input_path: Path | None = None, ends: list[int] | None = None
) -> ChildRun:
    """Run ``python -m newsevents ARGS``, count its output lines and sample its memory."""
    began = time.monotonic()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "newsevents", *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            cwd=ROOT,
        )
        watch = Watch(child.pid, input_path=input_path, ends=ends or [])
        thread = watch.start()
        lines = _count_lines(child.stdout)  # type: ignore[arg-type]
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        watch.stop()
        thread.join()
        errors.seek(0)
        error_lines = sum(1 for _ in errors)
    return ChildRun(
        returncode=child.returncode,
        seconds=time.monotonic() - began,
        peak_mb=usage.ru_maxrss / 1024,  # kB on Linux
        stdout_lines=lines,
        stderr_lines=error_lines,
        samples=watch.samples,
    )


def _count_lines(stream) -> int:  # type: ignore[no-untyped-def]
    count = 0
    while chunk := stream.read(_MB):
        count += chunk.count(b"\n")
    return count


def _steady(samples: list[Sample], *, after: int) -> list[Sample]:
    """Samples past the warm-up (``after`` articles) and before the input was closed."""
    return [s for s in samples if s.articles is not None and s.articles > after and not s.tail]


def slope_per_1000(samples: list[Sample], *, after: int) -> float | None:
    """Least-squares slope of RSS (MB) per 1,000 articles, over samples past ``after``."""
    points = [(s.articles, s.rss_mb) for s in _steady(samples, after=after)]
    if len(points) < 3 or points[0][0] == points[-1][0]:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return round(1000 * sxy / sxx, 3) if sxx else None


# --- the two measurements -----------------------------------------------------------------------


def bench_read(folder: Path, *, size_mb: float, warmup: float) -> dict[str, object]:
    path = folder / "bench-read.jsonl"
    written = time.monotonic()
    count = _reuse_or_write(path, size_bytes=int(size_mb * _MB), count=None)
    generated = time.monotonic() - written
    size = path.stat().st_size
    run = run_child(["read", str(path)], input_path=path, ends=line_offsets(path))
    after = int(count * warmup)
    steady = _steady(run.samples, after=after)
    return {
        "file": str(path),
        "file_mb": round(size / _MB, 1),
        "articles_in": count,
        "articles_out": run.stdout_lines,
        "failures": run.stderr_lines,
        "returncode": run.returncode,
        "generate_seconds": round(generated, 1),
        "seconds": round(run.seconds, 1),
        "mb_per_s": round(size / _MB / run.seconds, 2),
        "peak_rss_mb": round(run.peak_mb, 1),
        "target_peak_mb": TARGET_READ_PEAK_MB,
        "under_target": run.peak_mb < TARGET_READ_PEAK_MB,
        "warmup_articles": after,
        "rss_mb_after_warmup_first_last": _first_last(steady),
        "rss_mb_after_warmup_quarter_medians": quarter_medians(steady),
        "slope_mb_per_1000_articles": slope_per_1000(run.samples, after=after),
        "rss_by_articles": _thinned(run.samples, points=12),
        "samples": len(run.samples),
    }


def bench_ingest(
    folder: Path, *, count: int, warmup: float, workers: int | None
) -> dict[str, object]:
    path = folder / "bench-ingest.jsonl"
    _reuse_or_write(path, size_bytes=None, count=count)
    db = folder / "bench-ingest.duckdb"
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    ends = line_offsets(path)
    extra = [] if workers is None else ["--workers", str(workers)]
    run = run_child(["ingest", str(path), "--db", str(db), *extra], input_path=path, ends=ends)
    after = int(count * warmup)
    steady = _steady(run.samples, after=after)
    return {
        "file": str(path),
        "articles": count,
        "returncode": run.returncode,
        "seconds": round(run.seconds, 1),
        "articles_per_s": round(count / run.seconds, 1),
        "peak_rss_mb": round(run.peak_mb, 1),
        "peak_tree_rss_mb": round(max((s.rss_mb for s in run.samples), default=0.0), 1),
        "max_processes": max((s.processes for s in run.samples), default=0),
        "warmup_articles": after,
        "slope_mb_per_1000_articles": slope_per_1000(run.samples, after=after),
        "rss_mb_after_warmup_first_last": _first_last(steady),
        "rss_mb_after_warmup_quarter_medians": quarter_medians(steady),
        "main_process_slope_mb_per_1000_articles": slope_per_1000(
            [Sample(s.seconds, s.main_mb, s.articles, tail=s.tail) for s in run.samples],
            after=after,
        ),
        "rss_by_articles": _thinned(steady, points=12),
        "samples": len(run.samples),
    }


def quarter_medians(samples: list[Sample]) -> list[float]:
    """The median RSS of each quarter of ``samples`` (in order): robust to the swings of single
    batches, so a growth shows as rising medians where a least-squares slope may be noise."""
    if len(samples) < 4:
        return []
    size = len(samples) // 4
    quarters = [samples[i * size : (i + 1) * size if i < 3 else None] for i in range(4)]
    return [round(statistics.median(s.rss_mb for s in quarter), 1) for quarter in quarters]


def _first_last(samples: list[Sample]) -> list[float] | None:
    return [round(samples[0].rss_mb, 1), round(samples[-1].rss_mb, 1)] if samples else None


def _thinned(samples: list[Sample], *, points: int) -> list[list[float]]:
    samples = [s for s in samples if s.articles is not None]
    if not samples:
        return []
    step = max(1, len(samples) // points)
    chosen = samples[::step] + ([samples[-1]] if (len(samples) - 1) % step else [])
    return [[s.articles or 0, round(s.rss_mb, 1)] for s in chosen]


# --- command line -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=1024, help="JSONL size for read.")
    parser.add_argument("--articles", type=int, default=5000, help="Articles for ingest.")
    parser.add_argument("--warmup", type=float, default=0.2, help="Share not fitted (warm-up).")
    parser.add_argument("--workers", type=int, help="ingest --workers (default: its own).")
    parser.add_argument("--path", type=Path, help="Folder for the files (kept); default a temp.")
    parser.add_argument("--skip-read", action="store_true")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--json", action="store_true", help="One JSON object on stdout.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as temporary:
        folder = args.path or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        result: dict[str, object] = {"python": sys.version.split()[0], "cpus": os.cpu_count()}
        if not args.skip_read:
            result["read"] = bench_read(folder, size_mb=args.size_mb, warmup=args.warmup)
        if not args.skip_ingest:
            result["ingest"] = bench_ingest(
                folder, count=args.articles, warmup=args.warmup, workers=args.workers
            )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _report(result)
    return 0


def _report(result: dict[str, object]) -> None:
    read = result.get("read")
    if isinstance(read, dict):
        verdict = "under" if read["under_target"] else "OVER"
        print(
            f"read:   {read['file_mb']} MB, {read['articles_out']:,} of {read['articles_in']:,} "
            f"articles out, {read['failures']} failure lines, {read['seconds']} s "
            f"({read['mb_per_s']} MB/s); peak RSS {read['peak_rss_mb']} MB "
            f"({verdict} the {read['target_peak_mb']} MB target); "
            f"slope {read['slope_mb_per_1000_articles']} MB per 1,000 articles"
        )
    ingest = result.get("ingest")
    if isinstance(ingest, dict):
        print(
            f"ingest: {ingest['articles']:,} articles in {ingest['seconds']} s "
            f"({ingest['articles_per_s']}/s), {ingest['max_processes']} process(es); peak RSS "
            f"{ingest['peak_rss_mb']} MB (largest process), {ingest['peak_tree_rss_mb']} MB "
            f"(all, sampled); after {ingest['warmup_articles']:,} articles the total went "
            f"{ingest['rss_mb_after_warmup_first_last']} MB, slope "
            f"{ingest['slope_mb_per_1000_articles']} MB per 1,000 articles; medians by quarter "
            f"{ingest['rss_mb_after_warmup_quarter_medians']} MB"
        )
        for articles_read, rss in ingest["rss_by_articles"]:  # type: ignore[union-attr]
            print(f"        {int(articles_read):>7,} articles  {rss:>7.1f} MB")


if __name__ == "__main__":
    raise SystemExit(main())
