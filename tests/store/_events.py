"""Hand-coded articles and events for the store and CLI tests (no spaCy, no coder).

Two articles, four events::

    visit     2025-03-27  Kristi Noem (USAGOV) -> Colombia (COL)            042  asserted
    talks     2025-03-27  Kristi Noem (USAGOV) -> Laura Sarabia (COLGOV)    040  asserted
    tariff    2025-03-26  Donald Trump (USAGOV) -> none                     163  planned
    mexico    2025-03-28  Claudia Sheinbaum (MEXGOV) -> Kristi Noem (USAGOV) 036  intended
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import MISSING, fields, replace

from newsevents.events.ontology import event_fields
from newsevents.ingest.dedup import content_id
from newsevents.records import Actor, Article, CodedArticle, Event, Location

BOGOTA_TEXT = (
    "Kristi Noem visited Colombia on Thursday. "
    "She held talks with Foreign Minister Laura Sarabia in Bogota. "
    "Donald Trump is to impose a 25% tariff on car imports."
)
MEXICO_TEXT = (
    "Mexican President Claudia Sheinbaum wants to meet Kristi Noem in Mexico City on Friday."
)
CODER = "rules.v1"


def article(text: str, **fields: object) -> Article:
    return Article(
        id=content_id(text),
        text=text,
        origin="test.txt",
        published=dt.date(2025, 3, 27),
        language="en",
        **fields,  # type: ignore[arg-type]
    )


def actor(text: str, mention: str, *, name: str, code: str, occurrence: int = 0) -> Actor:
    """``mention`` as found in ``text`` (its ``occurrence``-th time), coded ``code``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(mention, start + 1)
    country, sector = code[:3], code[3:] or None
    return Actor(mention, name, code, country, sector, "dictionary", start, start + len(mention))


def event(
    item: Article,
    *,
    sentence: int,
    source: Actor,
    target: Actor | None,
    code: str,
    action: str,
    modality: str = "asserted",
    date: dt.date | None = None,
    coder: str = CODER,
    location: Location | None = None,
    reported_by: Actor | None = None,
) -> Event:
    """An event in the ``sentence``-th sentence of ``item`` (split at ". ")."""
    sentences = item.text.split(". ")
    start = sum(len(s) + 2 for s in sentences[:sentence])
    text = sentences[sentence] + ("." if sentence < len(sentences) - 1 else "")
    action_start = item.text.index(action, start)
    key = f"{item.id}|{coder}|{code}|{source.code}|{target.code if target else ''}|{start}"
    return Event(
        id=hashlib.sha256(key.encode()).hexdigest()[:16],
        article_id=item.id,
        source=source,
        target=target,
        **event_fields(code),
        modality=modality,
        sentence=text,
        sentence_start=start,
        action_start=action_start,
        action_end=action_start + len(action),
        confidence=0.8,
        coder=coder,
        date=date,
        date_precision="day" if date else None,
        location=location,
        reported_by=reported_by,
    )


BOGOTA = article(BOGOTA_TEXT, title="Noem visits Colombia", url="https://example.org/noem")
MEXICO = article(MEXICO_TEXT, title="Sheinbaum to meet Noem", url="https://example.org/mx")

_NOEM = actor(BOGOTA_TEXT, "Kristi Noem", name="Kristi Noem", code="USAGOV")
_SHE = replace(
    actor(BOGOTA_TEXT, "She", name="Kristi Noem", code="USAGOV"), resolved_by="coreference"
)
EVENTS = {
    "visit": event(
        BOGOTA,
        sentence=0,
        source=_NOEM,
        target=actor(BOGOTA_TEXT, "Colombia", name="Colombia", code="COL"),
        code="042",
        action="visited",
        date=dt.date(2025, 3, 27),
    ),
    "talks": event(
        BOGOTA,
        sentence=1,
        source=_SHE,
        target=actor(BOGOTA_TEXT, "Laura Sarabia", name="Laura Sarabia", code="COLGOV"),
        code="040",
        action="held talks",
        date=dt.date(2025, 3, 27),
        location=Location("Bogotá", "COL", "Bogota D.C.", 4.61, -74.08, 3688689, "city"),
    ),
    "tariff": event(
        BOGOTA,
        sentence=2,
        source=actor(BOGOTA_TEXT, "Donald Trump", name="Donald Trump", code="USAGOV"),
        target=None,
        code="163",
        action="impose",
        modality="planned",
        date=dt.date(2025, 3, 26),
    ),
    "mexico": event(
        MEXICO,
        sentence=0,
        source=actor(MEXICO_TEXT, "Claudia Sheinbaum", name="Claudia Sheinbaum", code="MEXGOV"),
        target=actor(MEXICO_TEXT, "Kristi Noem", name="Kristi Noem", code="USAGOV"),
        code="036",
        action="wants to meet",
        modality="intended",
        date=dt.date(2025, 3, 28),
    ),
}


def coded(item: Article, *names: str, coder: str | None = CODER) -> CodedArticle:
    """``item`` with the events of :data:`EVENTS` called ``names``."""
    return CodedArticle(item, tuple(EVENTS[n] for n in names), coder=coder)


def both() -> list[CodedArticle]:
    return [coded(BOGOTA, "visit", "talks", "tariff"), coded(MEXICO, "mexico")]


def full_event() -> Event:
    """An event with every field that has a default set to something else, so a round trip
    covers them all; a field added to Event later fails here until it is set (and stored)."""
    speaker = actor(BOGOTA_TEXT, "Donald Trump", name="Donald Trump", code="USAGOV")
    event = replace(EVENTS["talks"], reported_by=speaker, mentions=2, repeats=(120, 131))
    unset = [
        f.name
        for f in fields(Event)
        if f.default is not MISSING and getattr(event, f.name) == f.default
    ]
    assert not unset, f"set {unset} in full_event() so that the round trips cover them"
    return event
