"""The stage sequence, and nothing else.

    1. ingest   a source yields raw documents; each becomes an Article  (newsevents.ingest)
    2. nlp      sentences, tokens, parse, entities, a batch at a time   (newsevents.nlp)
    3. actors   mentions become coded actors, with coreference          (newsevents.actors)
    4. events   sentences become coded events                           (newsevents.events)
    5. time     each event's date                                        (newsevents.time)
    6. places   each place named, resolved; each event's place          (newsevents.places)
    7. store    batches of results into DuckDB                           (newsevents.store)

Stages 1-6 are a pure function of a batch of documents (:func:`process_batch`), so they can run
in any process; only stage 7 writes (:func:`run`). A document that fails any stage becomes a
Failure and the batch goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import TYPE_CHECKING

from newsevents import nlp
from newsevents.config import Settings
from newsevents.errors import NewsEventsError
from newsevents.ingest import read_documents
from newsevents.ingest.article import to_article
from newsevents.records import (
    Article,
    CodedArticle,
    DocumentMeta,
    Event,
    Failure,
    Item,
    RawDocument,
    RunSummary,
    WorkerMemory,
)
from newsevents.store import Store

if TYPE_CHECKING:
    from spacy.tokens import Doc

ProgressCallback = Callable[[RunSummary], None]


def process_batch(
    items: Sequence[Item], *, settings: Settings, published: dt.date | None = None
) -> list[CodedArticle | Failure]:
    """Stages 1-6 on a batch of documents, in order: one CodedArticle or Failure per item."""
    # 1. ingest: extract or clean each body, settle the metadata, derive the id
    results: list[CodedArticle | Failure | Article] = [
        attempt(item, settings=settings, published=published) for item in items
    ]
    codable = [i for i, r in enumerate(results) if isinstance(r, Article) and _codable(r)]
    # 2. nlp: one nlp.pipe over the batch (only English articles are coded)
    texts = [coded_text(results[i], settings=settings) for i in codable]  # type: ignore[arg-type]
    docs = nlp.parse(texts, model=settings.model, batch_size=settings.nlp_batch_size)
    for i, doc in zip(codable, docs, strict=True):
        results[i] = _attempt_code(results[i], doc, settings=settings)  # type: ignore[arg-type]
    return [CodedArticle(r) if isinstance(r, Article) else r for r in results]


def _attempt_code(article: Article, doc: Doc, *, settings: Settings) -> CodedArticle | Failure:
    try:
        return code_article(article, doc, settings=settings)
    except Exception as exc:
        message = str(exc) if isinstance(exc, NewsEventsError) else f"unexpected error: {exc}"
        return Failure(
            source=article.origin,
            stage="code",
            error=type(exc).__name__,
            message=f"{message} (article {article.id})",
        )


def code_article(article: Article, doc: Doc, *, settings: Settings) -> CodedArticle:
    """Stages 3-6 on one parsed article."""
    from newsevents.actors.dictionaries import load_dictionaries
    from newsevents.actors.resolve import resolve_actors
    from newsevents.events.coders import get_coder
    from newsevents.events.contexts import article_contexts, with_contexts
    from newsevents.places import resolve_places
    from newsevents.places.locate import locate_events
    from newsevents.time import date_events

    coder = get_coder(settings.coder, settings=settings)
    dictionaries = load_dictionaries(extra=settings.actor_files)
    # 3. actors: every mention coded, later mentions resolved to the first
    actors = resolve_actors(doc, on=article.published, dictionaries=dictionaries)
    # 4. events: patterns over each sentence's parse; repeats merged into one event; the
    #    article's topics (migration, crime ...) join each event's PLOVER contexts
    events = coder.code(article, doc, actors)
    events = with_contexts(events, article_contexts(article.text, title=article.title))
    # 5. time: each event's date from the expressions governing it
    events = date_events(events, doc, published=article.published)
    # 6. places: every place the article names, resolved; each event's place from its sentence
    places = resolve_places(doc, title=article.title)
    events = locate_events(events, doc, places)
    article = _with_limit_notes(article, doc, settings=settings)
    return CodedArticle(article, tuple(events), coder=coder.name, places=places.mentions)


def _with_limit_notes(article: Article, doc: Doc, *, settings: Settings) -> Article:
    """``article`` with a note for each coding limit it met, so a reader of the stored article
    knows its events come from part of the text only (the whole text is stored either way)."""
    notes: list[str] = []
    if len(article.text) > settings.max_coded_chars:
        notes.append(
            f"only the first {len(doc.text):,} of {len(article.text):,} characters were parsed "
            "and coded (max_coded_chars)"
        )
    sentences = sum(1 for _ in doc.sents)
    if sentences > settings.max_coded_sentences:
        notes.append(
            f"only the first {settings.max_coded_sentences:,} of {sentences:,} sentences were "
            "coded (max_coded_sentences)"
        )
    return replace(article, notes=article.notes + tuple(notes)) if notes else article


def check_coding(settings: Settings) -> None:
    """Load the model, the dictionaries and the coder once, before any document: a missing
    model or a broken user dictionary stops the command with one error instead of failing
    every document."""
    from newsevents.actors.dictionaries import load_dictionaries
    from newsevents.events.coders import get_coder

    nlp.load_model(settings.model)
    load_dictionaries(extra=settings.actor_files)
    get_coder(settings.coder, settings=settings)


def coded_text(article: Article, *, settings: Settings) -> str:
    """The part of the article that is parsed and coded: all of it up to
    ``Settings.max_coded_chars``, cut at the last paragraph or sentence end before the cap."""
    text = article.text
    if len(text) <= settings.max_coded_chars:
        return text
    head = text[: settings.max_coded_chars]
    cut = max(head.rfind("\n"), head.rfind(". "))
    return head[: cut + 1] if cut > 0 else head


def _codable(article: Article) -> bool:
    return article.is_english and bool(article.text.strip())


def code_documents(
    sources: Iterable[str], *, settings: Settings, published: dt.date | None = None
) -> Iterator[CodedArticle | Failure]:
    """Stages 1-6 on every document of ``sources``, without a database, in input order."""
    yield from code_items(
        read_documents(sources, settings=settings), settings=settings, published=published
    )


def code_items(
    items: Iterable[Item], *, settings: Settings, published: dt.date | None = None
) -> Iterator[CodedArticle | Failure]:
    """:func:`process_batch` over ``items`` in batches of ``Settings.batch_size``."""
    it = iter(items)
    while batch := list(islice(it, settings.batch_size)):
        yield from process_batch(batch, settings=settings, published=published)


def code_texts(
    texts: Iterable[str],
    *,
    settings: Settings,
    published: dt.date | Sequence[dt.date | None] | None = None,
    include_unresolved: bool = False,
) -> Iterator[tuple[Event, ...]]:
    """The events of each plain English text, in order (for scoring against gold sentences).

    ``published`` is one date for all texts or a sequence with one per text. With
    ``include_unresolved`` the coder also returns events whose source actor it could not code
    (``source.code == ""``): the action alone, enough to classify a sentence.
    """
    texts = list(texts)
    dates = list(published) if isinstance(published, Sequence) else [published] * len(texts)
    if include_unresolved:
        settings = settings.replace(keep_unresolved=True)
    items = (
        RawDocument(
            origin=f"text:{n}",
            content=text,
            format="text",
            # The texts are English by contract (gold sentences): a one-line guess is unreliable.
            meta=DocumentMeta(published=day, published_from="user" if day else None, language="en"),
        )
        for n, (text, day) in enumerate(zip(texts, dates, strict=True))
    )
    for result in code_items(items, settings=settings):
        if isinstance(result, Failure) and result.stage == "code":
            # A scorer must not count a broken coder as "no events".
            raise NewsEventsError(f"coding {result.source} failed: {result.message}")
        yield result.events if isinstance(result, CodedArticle) else ()


def run(
    sources: Iterable[str],
    *,
    store: Store,
    run_id: int,
    settings: Settings,
    published: dt.date | None = None,
    on_batch: ProgressCallback | None = None,
    workers: int | None = None,
) -> RunSummary:
    """Every document of ``sources`` through stages 1-6, in ``workers`` processes (default
    ``settings.workers``; see :mod:`newsevents.parallel`), then 7. store, in batches, in input
    order whatever the number of workers."""
    from newsevents import parallel  # it runs this module's process_batch in each worker

    batch = _Batch()
    total = RunSummary(run_id=run_id)
    items = read_documents(sources, settings=settings)
    coded = parallel.code_chunks(items, settings=settings, workers=workers, published=published)
    # closing: an error or Ctrl-C while writing stops the workers now, not when the traceback
    # holding this frame is dropped
    with closing(coded) as chunks:
        for chunk in chunks:
            total = _with_memory(total, chunk.memory)
            for result in chunk.results:
                batch.add(result)
                if len(batch) >= settings.batch_size:
                    total = _flush(
                        batch, store=store, total=total, settings=settings, on_batch=on_batch
                    )
    return _flush(batch, store=store, total=total, settings=settings, on_batch=on_batch)


def _with_memory(total: RunSummary, memory: WorkerMemory | None) -> RunSummary:
    """``total`` with ``memory`` as its process's latest peak (peaks only grow)."""
    if memory is None:
        return total
    if all(w.pid != memory.pid for w in total.workers):
        return replace(total, workers=(*total.workers, memory))
    return replace(
        total, workers=tuple(memory if w.pid == memory.pid else w for w in total.workers)
    )


def attempt(
    item: Item, *, settings: Settings, published: dt.date | None = None
) -> Article | Failure:
    """Stage 1 on one document, or the Failure that says why it could not be used."""
    if isinstance(item, Failure):
        return item
    try:
        return to_article(item, settings=settings, published=published)
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
    coded: list[CodedArticle] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def add(self, item: CodedArticle | Failure) -> None:
        (self.failures if isinstance(item, Failure) else self.coded).append(item)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(self.coded) + len(self.failures)


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
    result = store.write_batch(total.run_id, batch.coded, batch.failures, settings=settings)
    total = RunSummary(
        run_id=total.run_id,
        documents=total.documents + len(batch),
        stored=total.stored + result.stored,
        duplicates=total.duplicates + result.duplicates,
        near_duplicates=total.near_duplicates + result.near_duplicates,
        failed=total.failed + len(batch.failures),
        not_english=total.not_english + sum(not c.article.is_english for c in batch.coded),
        events=total.events + result.events,
        events_replaced=total.events_replaced + result.events_replaced,
        workers=total.workers,
    )
    batch.coded.clear()
    batch.failures.clear()
    if on_batch:
        on_batch(total)
    return total
