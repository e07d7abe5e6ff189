"""A writer process for the crash test: stores synthetic articles batch by batch.

    python tests/store/_writer.py DB TOTAL BATCH_SIZE

prints ``committed N`` after each batch's commit (N articles written so far) and ``done`` at the
end, so a test can kill it with SIGKILL at a known point and then check the file.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from newsevents.config import Settings
from newsevents.ingest.dedup import content_id
from newsevents.records import Article, CodedArticle, Failure
from newsevents.store import Store

_VOCABULARY = [f"{a}{b}{c}" for a in "bdfgklmnprst" for b in "aeiou" for c in "lnrst"]
#: Every NEAR_EVERY-th article is a near copy of the one before it (three words changed).
NEAR_EVERY = 7
#: Every FAIL_EVERY-th document is a failure instead of an article.
FAIL_EVERY = 11


def synthetic_text(k: int) -> str:
    if k % NEAR_EVERY == NEAR_EVERY - 1:
        words = synthetic_text(k - 1).split()
        for i in (20, 90, 160):
            words[i] = "changed"
        return " ".join(words)
    rng = random.Random(k)
    return " ".join(rng.choice(_VOCABULARY) for _ in range(200))


def synthetic_items(total: int) -> list[Article | Failure]:
    items: list[Article | Failure] = []
    for k in range(total):
        origin = f"synthetic/{k}.txt"
        if k % FAIL_EVERY == FAIL_EVERY - 1:
            items.append(Failure(source=origin, stage="ingest", error="EmptyDocument", message="x"))
            continue
        text = synthetic_text(k)
        items.append(Article(id=content_id(text), text=text, origin=origin, title=f"Story {k}"))
    return items


def main(db: Path, total: int, batch_size: int) -> None:
    settings = Settings(batch_size=batch_size)
    items = synthetic_items(total)
    with Store.open(db) as store:
        run_id = store.start_run(command="crash-test", sources=[str(total)], settings=settings)
        for start in range(0, total, batch_size):
            batch = items[start : start + batch_size]
            articles = [CodedArticle(a) for a in batch if isinstance(a, Article)]
            failures = [f for f in batch if isinstance(f, Failure)]
            store.write_batch(run_id, articles, failures, settings=settings)
            print(f"committed {start + len(batch)}", flush=True)
        store.finish_run(run_id, status="completed")
    print("done", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
