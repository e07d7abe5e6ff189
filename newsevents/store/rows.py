"""Events as rows of the ``events`` table and back: the one place the flattening is defined.

Each :class:`~newsevents.records.Event` is one row; its actors (``source``, ``target``,
``reported_by``) and its ``location`` become prefixed columns (``source_code``,
``location_lat``, …), all NULL when the actor or place is absent. The JSON shape printed to users
is :mod:`newsevents.events.serialize`'s, not this one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from functools import cache
from typing import Any

import pyarrow as pa

from newsevents.errors import StoreError
from newsevents.records import Actor, CodedArticle, Event, Location

_ACTOR_TYPES = {"start": pa.int32(), "end": pa.int32()}
_LOCATION_TYPES = {"lat": pa.float64(), "lon": pa.float64(), "geonameid": pa.int64()}
_ACTORS = ("source", "target", "reported_by")

#: The Event fields stored as they are, with their column types.
_SCALARS: dict[str, pa.DataType] = {
    "id": pa.string(),
    "article_id": pa.string(),
    "coder": pa.string(),
    "cameo": pa.string(),
    "root": pa.string(),
    "quad_class": pa.int8(),
    "goldstein": pa.float64(),
    "plover_type": pa.string(),
    "plover_mode": pa.string(),
    "plover_context": pa.string(),
    "modality": pa.string(),
    "date": pa.date32(),
    "date_precision": pa.string(),
    "sentence": pa.string(),
    "sentence_start": pa.int32(),
    "sentence_end": pa.int32(),
    "action_start": pa.int32(),
    "action_end": pa.int32(),
    "confidence": pa.float64(),
    "mentions": pa.int32(),
    "repeats": pa.list_(pa.int32()),
}


def _prefixed(
    prefix: str, record: type, types: Mapping[str, pa.DataType]
) -> dict[str, pa.DataType]:
    return {f"{prefix}_{f.name}": types.get(f.name, pa.string()) for f in fields(record)}


#: Every column of ``events`` this module writes, with its Arrow type (see migration 2).
EVENT_SCHEMA = pa.schema(
    {
        **_SCALARS,
        **{k: v for a in _ACTORS for k, v in _prefixed(a, Actor, _ACTOR_TYPES).items()},
        **_prefixed("location", Location, _LOCATION_TYPES),
        "run_id": pa.int64(),
        "coded_at": pa.timestamp("us"),
    }
)


def events_table(events: Sequence[Event], *, run_id: int, now: dt.datetime) -> pa.Table:
    """``events`` as rows to insert into ``events``, coded by run ``run_id`` at ``now``."""
    getters = _getters()
    columns = {
        name: pa.array([getters[name](e) for e in events], EVENT_SCHEMA.field(name).type)
        for name in getters
    }
    columns["run_id"] = pa.array([run_id] * len(events), pa.int64())
    columns["coded_at"] = pa.array([now] * len(events), pa.timestamp("us"))
    return pa.table(columns, schema=EVENT_SCHEMA)


@cache
def _getters() -> dict[str, Callable[[Event], Any]]:
    getters: dict[str, Callable[[Event], Any]] = {
        name: (lambda e, n=name: getattr(e, n)) for name in _SCALARS
    }
    for prefix in _ACTORS:
        for f in fields(Actor):
            getters[f"{prefix}_{f.name}"] = lambda e, p=prefix, n=f.name: _part(e, p, n)
    for f in fields(Location):
        getters[f"location_{f.name}"] = lambda e, n=f.name: _part(e, "location", n)
    return getters


def _part(event: Event, attribute: str, name: str) -> Any:
    part = getattr(event, attribute)
    return None if part is None else getattr(part, name)


def event_from_row(row: Mapping[str, Any]) -> Event:
    """The :class:`Event` stored as ``row`` (a dict of ``events`` columns; others ignored)."""
    values = {name: row[name] for name in _SCALARS if name != "sentence_end"}
    values["repeats"] = tuple(values["repeats"])
    return Event(
        **values,
        source=_source(row),
        target=_actor(row, "target"),
        reported_by=_actor(row, "reported_by"),
        location=_location(row),
    )


def _source(row: Mapping[str, Any]) -> Actor:
    source = _actor(row, "source")
    if source is None:  # written from Event.source, which is never None: the row was edited
        raise StoreError(f"event {row['id']} has no source actor in the database")
    return source


def _actor(row: Mapping[str, Any], prefix: str) -> Actor | None:
    if row[f"{prefix}_text"] is None:
        return None
    return Actor(**{f.name: row[f"{prefix}_{f.name}"] for f in fields(Actor)})


def _location(row: Mapping[str, Any]) -> Location | None:
    if row["location_name"] is None:
        return None
    return Location(**{f.name: row[f"location_{f.name}"] for f in fields(Location)})


#: The ``places`` table's columns, in order, with their Arrow types.
PLACE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("text", pa.string()),
        ("name", pa.string()),
        ("country", pa.string()),
        ("admin1", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("geonameid", pa.int64()),
        ("kind", pa.string()),
    ]
)


def places_table(coded: Sequence[CodedArticle]) -> pa.Table:
    """Every place mention of ``coded`` as rows of ``places`` (an unresolved one: NULL place)."""
    rows: list[dict[str, Any]] = []
    for item in coded:
        seen: set[int] = set()
        for mention in item.places:
            if mention.start in seen:
                continue
            seen.add(mention.start)
            where = mention.location
            rows.append(
                {
                    "article_id": item.article.id,
                    "start": mention.start,
                    "end": mention.end,
                    "text": mention.text,
                    **{
                        name: getattr(where, name) if where is not None else None
                        for name in ("name", "country", "admin1", "lat", "lon", "geonameid", "kind")
                    },
                }
            )
    return pa.Table.from_pylist(rows, schema=PLACE_SCHEMA)
