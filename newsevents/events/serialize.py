"""Events as JSON objects: the one place the JSON shape of an event is defined.

``newsevents code``, ``newsevents events --format jsonl`` and ``newsevents show --format json``
all print this shape; :func:`event_from_dict` reads it back. One event::

    {"id": "…",
     "source": {"text", "name", "code", "country", "sector", "resolved_by", "start", "end"},
     "target": {…same keys…} | null,
     "cameo": "042", "root": "04", "quad_class": 1, "goldstein": 1.9,
     "plover": {"type", "mode", "context"}, "modality": "asserted",
     "date": "2025-03-27" | null, "date_precision": "day" | null,
     "location": {"name", "country", "admin1", "lat", "lon", "geonameid", "kind"} | null,
     "evidence": {"sentence", "start", "end"}, "action": {"start", "end"},
     "confidence": 0.87, "coder": "rules.v1", "mentions": 1, "repeats": [1786],
     "reported_by": {…actor keys…} | null}

``start``/``end`` everywhere are character offsets in the article text (end exclusive):
``evidence`` is the sentence's span, ``action`` the words that name the action, and each actor's
the mention's. ``mentions`` counts the sentences reporting the event and ``repeats`` holds where
each later one names the action. ``plover.context`` is a comma-separated string, as in the PLOVER
crosswalk. The article id is not repeated inside each event; callers that print events of
several articles put it beside them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from newsevents.records import Actor, Event, Location


def event_to_dict(event: Event) -> dict[str, Any]:
    """``event`` as the JSON object described in the module docstring."""
    return {
        "id": event.id,
        "source": actor_to_dict(event.source),
        "target": actor_to_dict(event.target),
        "cameo": event.cameo,
        "root": event.root,
        "quad_class": event.quad_class,
        "goldstein": event.goldstein,
        "plover": {
            "type": event.plover_type,
            "mode": event.plover_mode,
            "context": event.plover_context,
        },
        "modality": event.modality,
        "date": event.date.isoformat() if event.date else None,
        "date_precision": event.date_precision,
        "location": asdict(event.location) if event.location else None,
        "evidence": {
            "sentence": event.sentence,
            "start": event.sentence_start,
            "end": event.sentence_end,
        },
        "action": {"start": event.action_start, "end": event.action_end},
        "confidence": event.confidence,
        "coder": event.coder,
        "mentions": event.mentions,
        "repeats": list(event.repeats),
        "reported_by": actor_to_dict(event.reported_by),
    }


def actor_to_dict(actor: Actor | None) -> dict[str, Any] | None:
    """An actor's JSON object (every field of :class:`Actor`), or ``None``."""
    return asdict(actor) if actor else None


def event_from_dict(value: Mapping[str, Any], *, article_id: str) -> Event:
    """The :class:`Event` that :func:`event_to_dict` printed (``KeyError`` on a missing key)."""
    plover, evidence, action = value["plover"], value["evidence"], value["action"]
    location = value.get("location")
    return Event(
        id=value["id"],
        article_id=article_id,
        source=Actor(**value["source"]),
        target=_actor(value.get("target")),
        cameo=value["cameo"],
        root=value["root"],
        quad_class=value["quad_class"],
        goldstein=value["goldstein"],
        plover_type=plover["type"],
        plover_mode=plover["mode"],
        plover_context=plover["context"],
        modality=value["modality"],
        sentence=evidence["sentence"],
        sentence_start=evidence["start"],
        action_start=action["start"],
        action_end=action["end"],
        confidence=value["confidence"],
        coder=value["coder"],
        date=dt.date.fromisoformat(value["date"]) if value.get("date") else None,
        date_precision=value.get("date_precision"),
        location=Location(**location) if location else None,
        reported_by=_actor(value.get("reported_by")),
        mentions=value.get("mentions", 1),
        repeats=tuple(value.get("repeats", ())),
    )


def _actor(value: Mapping[str, Any] | None) -> Actor | None:
    return Actor(**value) if value else None
