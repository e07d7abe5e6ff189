"""Throughput of stage 7 (store) and of near-duplicate signatures, on synthetic articles.

    python scripts/bench_store.py [--articles 5000] [--words 500] [--batch 100] [--db PATH]

Prints signatures/s and articles/s written (signatures, candidate lookup and inserts together),
then the same again into the now-filled file to show how the band lookup grows. A benchmark,
not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from newsevents.config import Settings
from newsevents.ingest.dedup import content_id, signature
from newsevents.records import Article
from newsevents.store import Store

_VOCABULARY = [
    f"{a}{b}{c}{d}" for a in "bdfgklmnprst" for b in "aeiou" for c in "lnrst" for d in "aeo"
]


def synthetic(count: int, *, words: int, seed: int) -> list[Article]:
    """``count`` articles; one in ten is a near copy (two words changed) of the one before."""
    rng = random.Random(seed)
    texts: list[str] = []
    for k in range(count):
        if k % 10 == 9:
            copy = texts[-1].split()
            copy[3], copy[-3] = "changed", "edited"
            texts.append(" ".join(copy))
        else:
            texts.append(" ".join(rng.choice(_VOCABULARY) for _ in range(words)))
    return [
        Article(id=content_id(t), text=t, origin=f"bench/{seed}/{k}.txt", title=f"Story {k}")
        for k, t in enumerate(texts)
    ]


def bench_signatures(articles: list[Article]) -> None:
    start = time.perf_counter()
    for article in articles:
        signature(article.text)
    elapsed = time.perf_counter() - start
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    print(
        f"signatures: {len(articles) / elapsed:,.0f}/s, "
        f"{elapsed / len(articles) * 1000:.3f} ms per {words:.0f}-word article"
    )


def bench_writes(db: Path, articles: list[Article], *, batch: int, label: str) -> None:
    settings = Settings(batch_size=batch)
    with Store.open(db) as store:
        run_id = store.start_run(command="bench", sources=[], settings=settings)
        start = time.perf_counter()
        near = 0
        for i in range(0, len(articles), batch):
            result = store.write_batch(run_id, articles[i : i + batch], [], settings=settings)
            near += result.near_duplicates
        elapsed = time.perf_counter() - start
        store.finish_run(run_id, status="completed")
        total = store.article_count()
    print(
        f"{label}: {len(articles):,} articles in {elapsed:.2f} s = {len(articles) / elapsed:,.0f}"
        f" articles/s ({near} near-duplicates found; {total:,} in the file)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--words", type=int, default=500)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.duckdb"
        first = synthetic(args.articles, words=args.words, seed=1)
        bench_signatures(first[:1000])
        bench_writes(db, first, batch=args.batch, label="empty file")
        second = synthetic(args.articles, words=args.words, seed=2)
        bench_writes(db, second, batch=args.batch, label="filled file")
        bench_writes(db, second, batch=args.batch, label="all duplicates")


if __name__ == "__main__":
    main()
