"""Which time expressions govern an event's action, the tense they are read in, event dates.

A time expression (a spaCy DATE or TIME entity) governs an action when walking up the parse
from the expression reaches the action's verb (or the action noun) before any other verb, or
reaches a verb that governs the action through ``xcomp`` ("On Friday, she is expected to
continue ..."). It is read (:mod:`newsevents.time.expressions`) against the publication date in
the tense of the word it hangs on:

    future   a modal without "have" ("will", "would", "could"), "going to", a present-tense
             verb of planning ("is expected to travel", "is scheduled for", "begins") or of
             intending with an infinitive ("wants to visit"); an untensed action planned or
             intended ("is scheduled to meet") unless planned in the past ("agreed to sell in
             October": then present, as it may fall before or after publication)
    past     a past-tense verb (VBD), a perfect ("has met", "had left"), a past auxiliary ("was
             meeting", "did not meet"), a participle without an auxiliary ("the man arrested
             Friday"), a modal with "have"; and any expression after "since"
    present  everything else ("says", a noun with no verb above it): the nearer occurrence

Of the expressions governing an action the most precise wins. With none, the event takes the
publication date with precision "publication"; a past action marked as earlier ("her previous
stop, where she met ...") takes the week of the day before publication (precision "week"). An
article without a publication date gives its events no date. Of an event's several mentions, the
most precise date wins. A week-precision date is the Monday of its week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from newsevents.events.modality import INTENDING, PLANNING, governing_chain, modality_of, verb_of
from newsevents.records import Event
from newsevents.time.expressions import resolve

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

Resolved = tuple[dt.date, str]

_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "publication": 4}
#: Modifiers that place a past action before the article's main news ("her previous stop").
EARLIER = frozenset({"previous", "earlier", "prior", "previously", "already", "former"})
#: Auxiliaries of a past tense or a perfect ("was meeting", "did not meet", "has met").
PAST_AUXILIARIES = frozenset({"was", "were", "did", "had", "has", "have", "'d", "'ve"})


def date_events(events: Iterable[Event], doc: Doc, *, published: dt.date | None) -> list[Event]:
    """Each event with ``date`` and ``date_precision`` set."""
    events = list(events)
    if published is None:
        return [replace(e, date=None, date_precision=None) for e in events]
    by_offset = {token.idx: token for token in doc}
    dated = []
    for event in events:
        triggers = [by_offset[o] for o in (event.action_start, *event.repeats) if o in by_offset]
        day, precision = _best(triggers, event, published)
        dated.append(replace(event, date=day, date_precision=precision))
    return dated


def _best(triggers: Sequence[Token], event: Event, published: dt.date) -> Resolved:
    found = [r for t in triggers if (r := date_of(t, published, modality=event.modality))]
    if not found:
        return published, "publication"
    return min(found, key=lambda r: _PRECISION_RANK[r[1]])


def date_of(trigger: Token, published: dt.date, *, modality: str) -> Resolved | None:
    """The most precise date the expressions governing ``trigger`` give, or ``None``."""
    found = [
        resolved
        for expression in governing_expressions(trigger)
        if (resolved := resolve(expression.text, published, tense=expression_tense(expression)))
    ]
    if found:
        return min(found, key=lambda r: _PRECISION_RANK[r[1]])
    if modality not in ("planned", "intended") and _is_past(trigger) and _marked_earlier(trigger):
        day_before = published - dt.timedelta(days=1)
        return day_before - dt.timedelta(days=day_before.weekday()), "week"
    return None


def governing_expressions(trigger: Token) -> list[Span]:
    """DATE/TIME entities of the trigger's sentence that govern it (see the module docstring)."""
    verb = verb_of(trigger)
    governors = (
        {t.i for t in governing_chain(verb) if t is verb or t.dep_ == "xcomp"} if verb else set()
    )
    governors |= {trigger.i}
    if verb is not None:
        governors |= {t.head.i for t in governing_chain(verb) if t.dep_ == "xcomp"}
    return [
        entity
        for entity in trigger.sent.ents
        if entity.label_ in ("DATE", "TIME") and _attached_to(entity.root) in governors
    ]


def expression_tense(expression: Span) -> str:
    """The tense a time expression is read in: the tense of the word it hangs on."""
    if expression.root.head.lower_ == "since":
        return "past"  # "since January": the January before, whatever the verb
    attached = expression.doc[_attached_to(expression.root)]
    modality, _ = modality_of(attached)
    return tense_of(verb_of(attached), modality=modality)


def tense_of(verb: Token | None, *, modality: str = "asserted") -> str:
    """The tense of a verb in its clause: "past", "present" or "future" (module docstring)."""
    own = _grammatical_tense(verb) if verb is not None else "present"
    if own != "present" or modality not in ("planned", "intended"):
        return own
    # A plan with no tense of its own ("to sell", "to meet") is ahead of a present plan; of a
    # past one ("agreed to sell in October") it may be before or after publication: the nearer.
    governor = verb.head if verb is not None and verb.dep_ in ("xcomp", "advcl") else None
    planned_in_the_past = governor is not None and _grammatical_tense(governor) == "past"
    return "present" if planned_in_the_past else "future"


def _grammatical_tense(verb: Token) -> str:
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {c.lower_ for c in auxiliaries}
    if any(c.tag_ == "MD" for c in auxiliaries):
        return "past" if "have" in words else "future"
    if "going" in words:
        return "future"
    if verb.tag_ == "VBD" or words & PAST_AUXILIARIES or (verb.tag_ == "VBN" and not words):
        return "past"
    lemma = verb.lemma_.lower()
    intends = lemma in INTENDING and any(c.dep_ == "xcomp" for c in verb.children)
    return "future" if lemma in PLANNING or intends else "present"


def _attached_to(token: Token) -> int:
    """The first verb (or nominal trigger) above a time expression, as a token index."""
    current = token
    for _ in range(8):
        if current.head is current:
            return current.i
        current = current.head
        if current.pos_ == "VERB" or (current.pos_ in ("AUX", "NOUN") and current.dep_ != "pobj"):
            return current.i
    return current.i


def _is_past(trigger: Token) -> bool:
    verb = verb_of(trigger)
    return verb is not None and (
        verb.tag_ == "VBD" or any(c.lower_ in ("had", "has", "have") for c in verb.children)
    )


def _marked_earlier(trigger: Token) -> bool:
    current = trigger
    for _ in range(8):
        if any(c.lower_ in EARLIER for c in current.children if c.dep_ in ("amod", "advmod")):
            return True
        if current.head is current:
            return False
        current = current.head
    return False
