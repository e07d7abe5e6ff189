"""An article's text cut into marked pieces: evidence sentences, actors, actions and places.

The template renders each piece as escaped text inside an element whose class says what it is,
so the marks never pass article text through as HTML. Sentences are the outer marks (one element
per sentence that has events); actors, actions and places are flat pieces inside them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from newsevents.records import Actor, Event


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``start:end`` of the text are a ``kind`` (actor, action, place); ``note`` is
    what the mark's tooltip says (the code, the place's country)."""

    start: int
    end: int
    kind: str
    note: str


@dataclass(frozen=True, slots=True)
class Piece:
    """Text with the kinds of span over it (none: plain text) and their tooltips."""

    text: str
    kinds: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    """A stretch of the article: an evidence sentence (with its events' ids) or text between."""

    pieces: tuple[Piece, ...]
    event_ids: tuple[str, ...] = ()
    selected: bool = False

    @property
    def evidence(self) -> bool:
        return bool(self.event_ids)


def article_blocks(
    text: str, events: Sequence[Event], places: Iterable[dict[str, Any]], *, selected: str | None
) -> list[Block]:
    """``text`` as blocks: each sentence that has events (``selected``'s marked) and the text
    between them, every block cut into pieces at the actors, actions and places inside it."""
    spans = _event_spans(events) + _place_spans(places)
    blocks, cursor = [], 0
    for start, end, ids in _sentences(events):
        start = max(start, cursor)  # overlaps the sentence before: marked there already
        if start >= end:
            continue
        if start > cursor:
            blocks.append(Block(pieces=_pieces(text, cursor, start, spans)))
        pieces = _pieces(text, start, end, spans)
        blocks.append(Block(pieces=pieces, event_ids=ids, selected=selected in ids))
        cursor = end
    if cursor < len(text):
        blocks.append(Block(pieces=_pieces(text, cursor, len(text), spans)))
    return blocks


def _sentences(events: Sequence[Event]) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, event ids) of each evidence sentence, in text order."""
    found: dict[tuple[int, int], list[str]] = {}
    for event in events:
        found.setdefault((event.sentence_start, event.sentence_end), []).append(event.id)
    return [(start, end, tuple(ids)) for (start, end), ids in sorted(found.items())]


def _event_spans(events: Sequence[Event]) -> list[Span]:
    spans = []
    for event in events:
        spans.append(Span(event.action_start, event.action_end, "action", event.cameo))
        for actor in (event.source, event.target):
            if actor is not None and actor.end > actor.start:
                spans.append(Span(actor.start, actor.end, "actor", _actor_note(actor)))
    return spans


def _actor_note(actor: Actor) -> str:
    return f"{actor.name} ({actor.code})" if actor.code else actor.name


def _place_spans(places: Iterable[dict[str, Any]]) -> list[Span]:
    spans = []
    for place in places:
        if place.get("name"):
            note = ", ".join(p for p in (place["name"], place.get("country")) if p)
            spans.append(Span(place["start"], place["end"], "place", note))
    return spans


def _pieces(text: str, start: int, end: int, spans: Sequence[Span]) -> tuple[Piece, ...]:
    """``text[start:end]`` cut at every span boundary inside it."""
    inside = [s for s in spans if s.start < end and s.end > start]
    inner = (max(start, min(end, p)) for s in inside for p in (s.start, s.end))
    cuts = sorted({start, end, *inner})
    pieces = []
    for left, right in itertools.pairwise(cuts):
        over = [s for s in inside if s.start <= left and s.end >= right]
        kinds = tuple(sorted({s.kind for s in over}))
        notes = dict.fromkeys(s.note for s in over if s.note)  # in order, without repeats
        pieces.append(Piece(text=text[left:right], kinds=kinds, note="; ".join(notes)))
    return tuple(pieces)
