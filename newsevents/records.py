"""Frozen records passed between stages. Nothing else crosses a stage boundary.

Stage 1 (ingest) turns each raw document a source yields into an :class:`Article`, or into a
:class:`Failure` that says why not. Later stages add their own records here (actors, events).
All records are plain frozen dataclasses so they pickle across processes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

DocumentFormat = Literal["text", "html"]

#: How an article's publication date was found, from most to least trusted. ``None`` means the
#: article has no date: newsevents never substitutes today's date or the fetch time.
DATE_ORIGINS = (
    "user",  # given on the command line (--published)
    "metadata",  # a sidecar NAME.json, a JSON/JSONL field, a WARC/HTTP record the user supplied
    "feed",  # the feed entry's published/updated date
    "html-meta",  # the page's markup: <meta>, <time>, JSON-LD (htmldate, no free-text search)
    "html-text",  # a date found in the page's visible text (htmldate's extensive search)
    "url",  # a date in the URL path, e.g. /2024/05/03/
)


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What a source knows about a document before its content is read.

    Every field is optional; a value given here wins over what extraction finds in the page.
    """

    url: str | None = None
    title: str | None = None
    published: dt.date | None = None
    published_from: str | None = None
    source: str | None = None
    original_source: str | None = None
    author: str | None = None
    language: str | None = None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One document as a source yields it, decoded but not yet extracted.

    ``origin`` names where it came from precisely enough to find it again: a path, ``path:LINE``
    for a JSONL line, a URL, or ``file.warc.gz@OFFSET`` for a WARC record.
    """

    origin: str
    content: str
    format: DocumentFormat
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    """A news article: clean body text and what is known about it (stage 1's output).

    ``id`` is derived from the normalised body text alone, so the same story read from two paths
    or fetched twice is one article. ``published_from`` is one of :data:`DATE_ORIGINS` or ``None``.
    ``notes`` records repairs made on the way (e.g. invalid UTF-8 replaced).
    """

    id: str
    text: str
    origin: str
    title: str | None = None
    published: dt.date | None = None
    published_from: str | None = None
    url: str | None = None
    source: str | None = None
    original_source: str | None = None
    author: str | None = None
    language: str | None = None
    external_id: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def is_english(self) -> bool:
        return (self.language or "en") == "en"


Stage = Literal["ingest", "fetch", "extract", "store"]


@dataclass(frozen=True, slots=True)
class Failure:
    """A document that could not be used, and why. Recorded; the batch goes on."""

    source: str
    stage: str
    error: str  # the exception class name, e.g. "MalformedDocument"
    message: str
    transient: bool = False
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @classmethod
    def from_exception(cls, exc: BaseException, *, source: str, stage: str) -> Failure:
        return cls(
            source=source,
            stage=stage,
            error=type(exc).__name__,
            message=str(exc) or type(exc).__name__,
            transient=bool(getattr(exc, "transient", False)),
        )


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one ingest run did. ``failed`` counts documents recorded in ``failures``."""

    run_id: int
    documents: int = 0
    stored: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    failed: int = 0
    not_english: int = 0
    status: str = "completed"
