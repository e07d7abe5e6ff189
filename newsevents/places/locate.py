"""Stage 6, second half: each event's place, from the article's resolved place mentions.

An event happened where its sentence says, tried in this order:

    1. action    a place in a locative phrase of the action ("met Bukele in San Salvador",
                 "In El Salvador, she toured ...", "the talks in Mexico"), of its object ("toured
                 a prison in El Salvador") or of a verb governing it ("is expected to meet ...
                 in Mexico"); the place a relative "where" stands for ("her stop in El Salvador,
                 where she met Bukele")
    2. visit     for a visit (CAMEO 042-045 with PLOVER mode "visit"), the place visited: its
                 target when that names a place, or the destination of a "to" phrase ("her
                 journey to Mexico")
    3. host      a meeting (root 04) of a visitor with the host's people, when the article has the
                 visitor visiting that country: talks with Colombia's foreign minister during a
                 visit to Colombia took place in Colombia
    4. dateline  the article's dateline ("BOGOTA, Colombia (AP) -")
    5. none      the actors' countries are not the event's place

Of an event's mentions (the first and its repeats) the first that names a place decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from newsevents.events.modality import governing_chain, verb_of
from newsevents.records import Event, Location

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: Prepositions that place an action ("in", "at") rather than aim it ("to", "against").
LOCATIVE = frozenset(
    {"in", "at", "near", "inside", "outside", "across", "throughout", "around", "within", "on"}
)
#: Prepositions of destination, for visits ("a trip to Mexico").
DESTINATION = frozenset({"to", "into"})


class Places(Protocol):
    """What stage 6's resolver gives for one article (``newsevents.places.ArticlePlaces``)."""

    dateline: Location | None

    def at(self, token: Token) -> Location | None: ...


def locate_events(events: Iterable[Event], doc: Doc, places: Places) -> list[Event]:
    """Each event with ``location`` set (``None`` when the article does not say where)."""
    events = list(events)
    by_offset = {token.idx: token for token in doc}
    visits = _visits(events, by_offset, places)
    located = []
    for event in events:
        triggers = [by_offset[o] for o in (event.action_start, *event.repeats) if o in by_offset]
        where = next((p for t in triggers if (p := place_of_action(t, places))), None)
        if where is None and _is_visit(event):
            where = next(
                (p for t in triggers if (p := _visited(t, event, by_offset, places))), None
            )
        if where is None:
            where = _hosted(event, visits)
        located.append(replace(event, location=where or places.dateline))
    return located


def place_of_action(trigger: Token, places: Places) -> Location | None:
    """The place the sentence ties to the action of ``trigger`` (rule 1), or ``None``."""
    verb = verb_of(trigger)
    heads = [trigger, *(c for c in trigger.children if c.dep_ in ("dobj", "attr"))]
    if verb is not None and verb is not trigger:
        heads.append(verb)
    if verb is not None:
        heads += [v for v in governing_chain(verb)[1:] if v.pos_ in ("VERB", "AUX")]
    for head in heads:
        if (found := _locative(head, places)) is not None:
            return found
    return _where(verb, places) if verb is not None else None


def _locative(head: Token, places: Places) -> Location | None:
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in LOCATIVE:
            for obj in prep.children:
                if obj.dep_ == "pobj" and (found := places.at(obj)) is not None:
                    return found
    return None


def _where(verb: Token, places: Places) -> Location | None:
    """ "her previous stop in El Salvador, where she met ...": the place "where" stands for."""
    if verb.dep_ != "relcl" or not any(c.lower_ == "where" for c in verb.children):
        return None
    return places.at(verb.head)


def _is_visit(event: Event) -> bool:
    return event.plover_mode == "visit" or event.cameo in ("042", "043", "044", "045")


def _visited(
    trigger: Token, event: Event, by_offset: dict[int, Token], places: Places
) -> Location | None:
    """Rule 2: the place a visit goes to: its target when that is a place, else a "to" phrase."""
    visited = event.source if event.cameo == "043" else event.target
    if visited is not None and (token := by_offset.get(visited.start)) is not None:
        if (found := places.at(token)) is not None:
            return found
    for head in (trigger, *(c for c in trigger.children if c.dep_ == "dobj")):
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ in DESTINATION:
                for obj in prep.children:
                    if obj.dep_ == "pobj" and (found := places.at(obj)) is not None:
                        return found
    return None


def _visits(
    events: Sequence[Event], by_offset: dict[int, Token], places: Places
) -> dict[tuple[str, str], Location]:
    """(visitor, country) -> the place of its visit, for each visit the article codes."""
    found: dict[tuple[str, str], Location] = {}
    for event in events:
        if event.cameo != "042" or event.modality not in ("asserted", "planned"):
            continue
        trigger = by_offset.get(event.action_start)
        where = place_of_action(trigger, places) if trigger is not None else None
        where = where or (_visited(trigger, event, by_offset, places) if trigger else None)
        if where is not None and where.country:
            found.setdefault((event.source.name, where.country), where)
    return found


def _hosted(event: Event, visits: dict[tuple[str, str], Location]) -> Location | None:
    """Rule 3: a meeting between a visitor and the host country's people, during the visit."""
    if event.root != "04" or event.target is None:
        return None
    for visitor, host in ((event.source, event.target), (event.target, event.source)):
        if host.country and (found := visits.get((visitor.name, host.country))) is not None:
            return found  # where the visitor was: the country, or the city the visit went to
    return None
