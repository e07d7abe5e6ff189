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


Stage = Literal["ingest", "fetch", "extract", "code", "store"]


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


#: What a source yields for each document: the document, or the Failure that says why not.
Item = RawDocument | Failure


@dataclass(frozen=True, slots=True)
class WorkerMemory:
    """The peak resident memory of one process that ran stages 1-6 (``ingest --workers``), so a
    user can see it stay flat over a long run."""

    pid: int
    peak_rss_bytes: int


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
    #: Events stored by the run (an exact duplicate article adds none).
    events: int = 0
    #: Stored events deleted because their article was coded again by the same coder family
    #: with a different result (e.g. ``rules.v1`` events replaced by ``rules.v2``'s).
    events_replaced: int = 0
    status: str = "completed"
    #: Each coding process's peak memory so far, in the order they first reported (one entry,
    #: the run's own process, with ``--workers 1``); empty where the platform cannot tell.
    workers: tuple[WorkerMemory, ...] = ()


# Stages 3-6: actors, events, dates, places.

#: What an event's text says about whether it happened, from the coder's reading of the sentence.
MODALITIES = (
    "asserted",  # it happened or is happening ("Noem visited Colombia")
    "planned",  # scheduled or expected ("is scheduled to meet", "will travel on Friday")
    "intended",  # wanted, sought, threatened as an aim ("wants to meet", "seeks talks")
    "hypothetical",  # conditional or possible ("could impose", "if they attack")
    "negated",  # said not to happen ("did not meet", "refused to sign" is coded as its own act)
    "reported",  # only in someone's statement ("X said Y attacked Z"): the event is Y → Z
)

#: How precise an event's date is. "publication": the text gives no time; the article's date is
#: used. ``None`` (no date at all) when the article has no publication date either.
DATE_PRECISIONS = ("day", "week", "month", "year", "publication")


@dataclass(frozen=True, slots=True)
class Actor:
    """One mention of an actor in an article, coded.

    ``text`` is the mention as written ("she", "Colombia's Foreign Minister"); ``name`` the
    canonical name of what it refers to after coreference ("Kristi Noem", "Colombia"); ``code``
    the CAMEO actor code ("USAGOV"), made of ``country`` (ISO alpha-3, or a non-state root such as
    IGO; ``None`` when unknown) and ``sector`` (the first sector code, e.g. GOV; ``None`` for a
    country or people as a whole). ``resolved_by`` says how: ``dictionary`` (a named actor with a
    role on the article's date), ``country`` (a country name, demonym, capital), ``agent`` (a role
    noun such as "police", with its country from the phrase), ``entity`` (a named entity no table
    knows), ``coreference`` (a later mention: pronoun, surname, title). ``start``/``end`` are
    character offsets in the article text.
    """

    text: str
    name: str
    code: str
    country: str | None
    sector: str | None
    resolved_by: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Location:
    """A place resolved to a gazetteer entry (filled by stage 6)."""

    name: str
    country: str | None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in an article (``start``/``end``: character offsets in its text) and the
    gazetteer entry it resolved to (``None`` when no entry fits)."""

    text: str
    start: int
    end: int
    location: Location | None


@dataclass(frozen=True, slots=True)
class Event:
    """Who did what to whom, in one sentence of one article, coded.

    ``cameo`` is the zero-padded CAMEO code ("042"); ``root`` its first two digits; ``quad_class``
    and ``goldstein`` from GDELT's tables; ``plover_*`` from the CAMEO-to-PLOVER crosswalk.
    ``sentence_start``/``action_start``/``action_end`` are character offsets in the article text
    (source and target carry their own). ``mentions`` counts the sentences of the article that
    report this same event (a summary paragraph's repeat adds a mention, not an event).
    ``reported_by`` is the speaker when the event is only in someone's statement; ``repeats``
    holds the action offsets of the later mentions merged into this event.
    ``id`` is derived from the article, the coder and the event's content, so re-coding the same
    article with the same coder gives the same ids.
    """

    id: str
    article_id: str
    source: Actor
    target: Actor | None
    cameo: str
    root: str
    quad_class: int
    goldstein: float
    plover_type: str | None
    plover_mode: str | None
    plover_context: str | None
    modality: str
    sentence: str
    sentence_start: int
    action_start: int
    action_end: int
    confidence: float
    coder: str
    date: dt.date | None = None
    date_precision: str | None = None
    location: Location | None = None
    reported_by: Actor | None = None
    mentions: int = 1
    #: Where the repeats start (``action_start`` of each later mention in the article).
    repeats: tuple[int, ...] = ()

    @property
    def sentence_end(self) -> int:
        return self.sentence_start + len(self.sentence)


@dataclass(frozen=True, slots=True)
class CodedArticle:
    """Stages 1-6's output for one document: the article and the events coded from it.

    ``events`` is empty for an article that is not English or that reports no event; ``coder``
    names the coder that ran (``None`` when none did, e.g. a Spanish article).
    """

    article: Article
    events: tuple[Event, ...] = ()
    coder: str | None = None
    #: Every place the article names, resolved (stage 6), for maps beyond the events' places.
    places: tuple[PlaceMention, ...] = ()
