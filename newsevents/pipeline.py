"""The stage sequence, and nothing else.

    1. ingest   a source yields raw documents; each becomes an Article (newsevents.ingest)
    2. nlp      sentences, tokens, parse, entities                     (next issue)
    3. actors   mentions become coded actors                           (next issue)
    4. events   sentences become coded events                          (next issue)
    5. time     each event's date                                      (later issue)
    6. places   each event's place                                     (later issue)
    7. store    batches of results into DuckDB (newsevents.store)

Stages 1-6 are a pure function of one document (:func:`process`), so they can run in any process;
only stage 7 writes (:func:`run`). A document that fails any stage becomes a Failure and the batch
goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from newsevents.config import Settings
from newsevents.errors import NewsEventsError
from newsevents.ingest import read_documents
from newsevents.ingest.article import to_article
from newsevents.records import Article, Failure, RawDocument, RunSummary
from newsevents.store import Store

ProgressCallback = Callable[[RunSummary], None]


def process(raw: RawDocument, *, settings: Settings, published: dt.date | None = None) -> Article:
    """Stages 1-6 on one document."""
    # 1. ingest: extract or clean the body, settle the metadata, derive the id
    article = to_article(raw, settings=settings, published=published)
    # 2-6 arrive with the next issues; they will skip articles that are not English.
    return article


def run(
    sources: Iterable[str],
    *,
    store: Store,
    run_id: int,
    settings: Settings,
    published: dt.date | None = None,
    on_batch: ProgressCallback | None = None,
) -> RunSummary:
    """Every document of ``sources`` through :func:`process`, then 7. store, in batches."""
    batch = _Batch()
    total = RunSummary(run_id=run_id)
    for item in read_documents(sources, settings=settings):
        batch.add(attempt(item, settings=settings, published=published))
        if len(batch) >= settings.batch_size:
            total = _flush(batch, store=store, total=total, settings=settings, on_batch=on_batch)
    return _flush(batch, store=store, total=total, settings=settings, on_batch=on_batch)


def attempt(
    item: RawDocument | Failure, *, settings: Settings, published: dt.date | None = None
) -> Article | Failure:
    """:func:`process` on one document, or the Failure that says why it could not be used."""
    if isinstance(item, Failure):
        return item
    try:
        return process(item, settings=settings, published=published)
    except NewsEventsError as exc:
        return Failure.from_exception(exc, source=item.origin, stage="extract")
    except Exception as exc:
        return Failure(
            source=item.origin,
            stage="extract",
            error=type(exc).__name__,
            message=f"unexpected error (please report it): {exc}",
        )


@dataclass
class _Batch:
    articles: list[Article] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def add(self, item: Article | Failure) -> None:
        (self.failures if isinstance(item, Failure) else self.articles).append(item)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(self.articles) + len(self.failures)


def _flush(
    batch: _Batch,
    *,
    store: Store,
    total: RunSummary,
    settings: Settings,
    on_batch: ProgressCallback | None,
) -> RunSummary:
    if not batch:
        return total
    # 7. store: one transaction per batch, so a killed run loses at most this batch
    result = store.write_batch(total.run_id, batch.articles, batch.failures, settings=settings)
    total = RunSummary(
        run_id=total.run_id,
        documents=total.documents + len(batch),
        stored=total.stored + result.stored,
        duplicates=total.duplicates + result.duplicates,
        near_duplicates=total.near_duplicates + result.near_duplicates,
        failed=total.failed + len(batch.failures),
        not_english=total.not_english + sum(not a.is_english for a in batch.articles),
    )
    batch.articles.clear()
    batch.failures.clear()
    if on_batch:
        on_batch(total)
    return total
