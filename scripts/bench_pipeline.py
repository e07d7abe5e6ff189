"""Throughput and memory of stages 1-6 against bare spaCy on the same texts.

    python scripts/bench_pipeline.py [--repeat 10] [--articles N] [--batch 100] [--json]

The corpus is the bundled examples (newsevents/examples: 40 Wikinews, 20 TempEval-3, the seed
article), repeated ``--repeat`` times. Two timed passes over it, after a warm-up of both:

    bare spaCy   nlp.pipe over the articles' coded texts (stage 1's output), same model and
                 batch size as the pipeline
    pipeline     newsevents.pipeline.process_batch on the raw documents, batch after batch
                 (stages 1-6, no database), as code_documents runs them

It prints articles/s, words/s (whitespace-separated words of the coded texts), the ratio
pipeline/bare, each stage's share of the pipeline's time, and memory: the peak (getrusage
maxrss) and the resident set size after every ``--every`` articles (default: every batch;
sampled between batches), with its slope per 1,000 articles (flat means memory does not grow
with the number of articles). A benchmark, not a test: the numbers depend on the machine.

Stage times come from perf_counter around the stage functions the pipeline calls (stage 1
``pipeline.attempt``, 2 each ``next()`` on ``nlp.parse``, 3 ``resolve_actors``, 4 the coder's
``code``, 5 ``date_events``, 6 ``resolve_places`` and ``locate_events``), wrapped for the pipeline
pass only; "other" is the rest (glue,
records). A stage function that does not exist yet is reported as not measured.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import resource
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsevents import nlp, pipeline
from newsevents.config import Settings
from newsevents.ingest import read_documents
from newsevents.records import Article, CodedArticle, Failure, RawDocument

EXAMPLES = Path(pipeline.__file__).parent / "examples"
#: The issue's target: the whole pipeline at no less than this share of bare spaCy's speed.
TARGET_RATIO = 0.65
#: Stage names in pipeline order; "other" is the pipeline's time outside the timed functions.
STAGES = ("1 ingest", "2 parse", "3 actors", "4 events", "5 time", "6 places", "other")


@dataclass
class StageClock:
    """Seconds spent in each stage function, summed over calls."""

    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, elapsed: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + elapsed

    def timed(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(stage, time.perf_counter() - started)

        return wrapper

    def timed_iterator(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """For a function returning a lazy iterator: the time of each ``next()`` counts."""

        def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
            iterator = iter(function(*args, **kwargs))
            while True:
                started = time.perf_counter()
                try:
                    item = next(iterator)
                except StopIteration:
                    self.add(stage, time.perf_counter() - started)
                    return
                self.add(stage, time.perf_counter() - started)
                yield item

        return wrapper


class _TimedCoder:
    """A coder whose ``code`` calls are timed; everything else passes through."""

    def __init__(self, coder: Any, clock: StageClock) -> None:
        self._coder, self.name = coder, coder.name
        self.code = clock.timed("4 events", coder.code)


@contextlib.contextmanager
def instrumented(clock: StageClock) -> Iterator[list[str]]:
    """Wrap the stage functions with timers while the block runs; yields the stages wrapped."""
    targets = [
        ("newsevents.pipeline", "attempt", "1 ingest", clock.timed),
        ("newsevents.nlp", "parse", "2 parse", clock.timed_iterator),
        ("newsevents.actors.resolve", "resolve_actors", "3 actors", clock.timed),
        ("newsevents.time", "date_events", "5 time", clock.timed),
        ("newsevents.places", "resolve_places", "6 places", clock.timed),
        ("newsevents.places.locate", "locate_events", "6 places", clock.timed),
    ]
    saved: list[tuple[Any, str, Any]] = []
    wrapped: list[str] = []
    for module_name, name, stage, wrap in targets:
        module = _module(module_name)
        if module is None or not hasattr(module, name):
            continue
        saved.append((module, name, getattr(module, name)))
        setattr(module, name, wrap(stage, getattr(module, name)))
        wrapped.append(stage)
    coders = _module("newsevents.events.coders")
    if coders is not None and hasattr(coders, "get_coder"):
        get_coder = coders.get_coder
        saved.append((coders, "get_coder", get_coder))
        coders.get_coder = lambda *a, **k: _TimedCoder(get_coder(*a, **k), clock)
        wrapped.append("4 events")
    try:
        yield wrapped
    finally:
        for module, name, original in reversed(saved):
            setattr(module, name, original)


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def corpus(*, articles: int | None, settings: Settings) -> list[RawDocument]:
    """The bundled example documents (the first ``articles`` of them, when given)."""
    sources = sorted(str(p) for p in EXAMPLES.iterdir() if p.suffix in {".txt", ".jsonl"})
    documents = [
        d for d in read_documents(sources, settings=settings) if isinstance(d, RawDocument)
    ]
    return documents[:articles] if articles else documents


def coded_texts(documents: list[RawDocument], *, settings: Settings) -> list[str]:
    """What stage 2 parses for each document: stage 1's text, cut at the coding cap."""
    texts = []
    for document in documents:
        article = pipeline.attempt(document, settings=settings)
        if isinstance(article, Article) and article.is_english and article.text.strip():
            texts.append(pipeline.coded_text(article, settings=settings))
    return texts


def rss_mb() -> float:
    """The resident set size now, in MB (Linux /proc; the peak elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return peak_mb()
    return pages * resource.getpagesize() / 1e6


def peak_mb() -> float:
    """The process's peak resident set size so far, in MB (ru_maxrss is KB on Linux)."""
    scale = 1e6 if sys.platform == "darwin" else 1e3  # macOS reports bytes
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def bench_bare(texts: list[str], *, settings: Settings) -> float:
    """Seconds for ``nlp.pipe`` over ``texts``, every Doc consumed."""
    model = nlp.load_model(settings.model)
    started = time.perf_counter()
    for _doc in model.pipe(texts, batch_size=settings.nlp_batch_size):
        pass
    return time.perf_counter() - started


def bench_pipeline(
    documents: list[RawDocument], *, settings: Settings, every: int
) -> dict[str, Any]:
    """Stages 1-6 over ``documents`` in batches: seconds, stage times, RSS checkpoints."""
    clock, checkpoints = StageClock(), []
    events = failures = done = 0
    next_sample = every
    with instrumented(clock) as wrapped:
        started = time.perf_counter()
        for first in range(0, len(documents), settings.batch_size):
            batch = documents[first : first + settings.batch_size]
            for result in pipeline.process_batch(batch, settings=settings):
                events += len(result.events) if isinstance(result, CodedArticle) else 0
                failures += isinstance(result, Failure)
            done += len(batch)
            if done >= next_sample or done == len(documents):
                checkpoints.append((done, round(rss_mb(), 1)))
                next_sample = done + every
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "events": events,
        "failures": failures,
        "stages": _stage_shares(clock, wrapped, seconds=seconds),
        "unmeasured": [stage for stage in STAGES[:-1] if stage not in wrapped],
        "rss_mb": checkpoints,
    }


def _stage_shares(clock: StageClock, wrapped: list[str], *, seconds: float) -> dict[str, Any]:
    measured = {stage: clock.seconds.get(stage, 0.0) for stage in STAGES[:-1] if stage in wrapped}
    measured["other"] = max(0.0, seconds - sum(measured.values()))
    return {
        stage: {"seconds": value, "share": value / seconds if seconds else 0.0}
        for stage, value in measured.items()
    }


def slope_per_1000(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of RSS (MB) over articles, per 1,000 articles; the first checkpoint
    is left out (the model's and dictionaries' one-off allocations settle there)."""
    points = points[1:]
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    if not var:
        return None
    return 1000 * sum((x - mean_x) * (y - mean_y) for x, y in points) / var


def warm_up(documents: list[RawDocument], texts: list[str], *, settings: Settings) -> None:
    """Load the model, dictionaries, patterns and coder, and run both paths once."""
    bench_bare(texts[:8], settings=settings)
    pipeline.process_batch(documents[:8], settings=settings)


def run(*, repeat: int, articles: int | None, batch: int, every: int | None) -> dict[str, Any]:
    """Both passes over the corpus repeated ``repeat`` times; every number in one dict."""
    settings = Settings(batch_size=batch)
    base = corpus(articles=articles, settings=settings)
    base_texts = coded_texts(base, settings=settings)
    documents, texts = base * repeat, base_texts * repeat
    words = sum(len(text.split()) for text in texts)
    warm_up(base, base_texts, settings=settings)
    after_warm_up = peak_mb()
    bare = bench_bare(texts, settings=settings)
    peak_bare = peak_mb()
    piped = bench_pipeline(documents, settings=settings, every=every or batch)
    return {
        "model": settings.model,
        "nlp_batch_size": settings.nlp_batch_size,
        "batch_size": settings.batch_size,
        "corpus_articles": len(base),
        "repeat": repeat,
        "articles": len(documents),
        "coded_articles": len(texts),
        "words": words,
        "bare": _speed(bare, articles=len(texts), words=words),
        "pipeline": _speed(piped["seconds"], articles=len(documents), words=words)
        | {"events": piped["events"], "failures": piped["failures"]},
        "ratio": bare / piped["seconds"] if piped["seconds"] else None,
        "target_ratio": TARGET_RATIO,
        "stages": piped["stages"],
        "unmeasured_stages": piped["unmeasured"],
        "memory": {
            "peak_after_warm_up_mb": round(after_warm_up, 1),
            "peak_after_bare_mb": round(peak_bare, 1),
            "peak_mb": round(peak_mb(), 1),
            "rss_mb": piped["rss_mb"],
            "slope_mb_per_1000_articles": slope_per_1000(piped["rss_mb"]),
        },
    }


def _speed(seconds: float, *, articles: int, words: int) -> dict[str, float]:
    return {
        "seconds": seconds,
        "articles_per_s": articles / seconds if seconds else 0.0,
        "words_per_s": words / seconds if seconds else 0.0,
    }


def render(result: dict[str, Any]) -> str:
    """The short human table."""
    bare, piped, memory = result["bare"], result["pipeline"], result["memory"]
    lines = [
        f"corpus: {result['corpus_articles']} articles x {result['repeat']} = "
        f"{result['articles']} articles, {result['words']:,} words "
        f"(model {result['model']}, nlp batch {result['nlp_batch_size']})",
        f"{'':<14}{'seconds':>9}{'articles/s':>12}{'words/s':>10}",
    ]
    for name, speed in (("bare spaCy", bare), ("pipeline 1-6", piped)):
        lines.append(
            f"{name:<14}{speed['seconds']:9.2f}{speed['articles_per_s']:12.2f}"
            f"{speed['words_per_s']:10,.0f}"
        )
    ratio = result["ratio"]
    lines.append(
        f"ratio pipeline/bare: {ratio:.2f} (target >= {result['target_ratio']})"
        if ratio is not None
        else "ratio pipeline/bare: n/a"
    )
    shares = "  ".join(f"{k} {v['share']:.1%}" for k, v in result["stages"].items())
    missing = ", ".join(result["unmeasured_stages"])
    lines.append(f"stage shares: {shares}" + (f"  (not measured: {missing})" if missing else ""))
    lines.append(
        f"pipeline: {piped['events']} events, {piped['failures']} failures "
        f"({piped['events'] / max(1, result['articles']):.2f} events per article)"
    )
    checkpoints = ", ".join(f"{n}:{mb:.0f}" for n, mb in memory["rss_mb"])
    slope = memory["slope_mb_per_1000_articles"]
    lines.append(
        f"memory: peak {memory['peak_mb']:.0f} MB "
        f"(after warm-up {memory['peak_after_warm_up_mb']:.0f}, "
        f"after bare spaCy {memory['peak_after_bare_mb']:.0f}); "
        f"slope {'n/a' if slope is None else f'{slope:+.2f}'} MB per 1,000 articles"
    )
    lines.append(f"RSS MB after N articles: {checkpoints}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="times the corpus is repeated")
    parser.add_argument("--articles", type=int, default=None, help="use the first N articles")
    parser.add_argument("--batch", type=int, default=Settings().batch_size, help="per batch")
    parser.add_argument("--every", type=int, default=None, help="sample RSS every N articles")
    parser.add_argument("--json", action="store_true", help="print every number as JSON")
    args = parser.parse_args(argv)
    result = run(repeat=args.repeat, articles=args.articles, batch=args.batch, every=args.every)
    print(json.dumps(result, indent=2) if args.json else render(result))


if __name__ == "__main__":
    main()
