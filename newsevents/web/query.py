"""A dashboard view as a URL query: the filters every view shares, and each view's own options.

The query string is the whole state of a view, so a view can be bookmarked or sent to a colleague:
``/?from=2025-03-01&dyad=USA:COL&quad=1&per=week``. Filters become an
:class:`~newsevents.store.EventFilter` (whose ``where()`` keeps user values out of the SQL); a
bad value is a :class:`~newsevents.errors.UsageError` naming it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from newsevents.errors import UsageError
from newsevents.store import EventFilter

#: URL parameter -> EventFilter field, for the filters every view shares.
FILTER_PARAMS = {
    "from": "start",
    "to": "end",
    "actor": "actor",
    "dyad": "dyad",
    "root": "root",
    "quad": "quad_class",
    "modality": "modality",
}
COUNTS = ("cluster", "mention")
#: "auto" picks day, week or month from the range of the selected events' dates.
PERIODS = ("auto", "day", "week", "month")
SHADES = ("events", "goldstein")
#: Network nodes: countries (USA), or countries with their sector like an actor code (USAGOV).
NODES = ("country", "actor")
#: Event table columns a user can sort by, each with the SQL it sorts on (never user text).
SORTS = {
    "date": "e.date",
    "source": "e.source_name",
    "cameo": "e.cameo",
    "target": "e.target_name",
    "modality": "e.modality",
    "goldstein": "e.goldstein",
    "place": "e.location_name",
}
#: Rows per table page at most: a page is read by a person, and paging is done in DuckDB.
MAX_PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class ViewQuery:
    """One view's state: ``filters`` (shared), how to count, and the table's page and sort."""

    filters: EventFilter
    count: str = "cluster"
    per: str = "auto"
    shade: str = "events"
    nodes: str = "country"
    page: int = 1
    size: int = 25
    sort: str = "date"
    descending: bool = False

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def parse_query(params: Mapping[str, str]) -> ViewQuery:
    """The view named by URL parameters ``params``; empty values count as absent."""
    values = {k: v.strip() for k, v in params.items() if v and v.strip()}
    return ViewQuery(
        filters=_filters(values),
        count=_choice(values, "count", COUNTS),
        per=_choice(values, "per", PERIODS),
        shade=_choice(values, "shade", SHADES),
        nodes=_choice(values, "nodes", NODES),
        page=_integer(values, "page", default=1, low=1, high=10**9),
        size=_integer(values, "size", default=25, low=1, high=MAX_PAGE_SIZE),
        sort=_choice(values, "sort", tuple(SORTS)),
        descending=_choice(values, "order", ("asc", "desc")) == "desc",
    )


def filter_params(params: Mapping[str, str]) -> dict[str, str]:
    """The shared filters among ``params``, as given: what links between views carry along."""
    return {k: v.strip() for k, v in params.items() if k in FILTER_PARAMS and v and v.strip()}


def _filters(values: Mapping[str, str]) -> EventFilter:
    chosen: dict[str, object] = {}
    for param, field in FILTER_PARAMS.items():
        if param in values:
            chosen[field] = values[param]
    for param in ("from", "to"):
        if param in values:
            chosen[FILTER_PARAMS[param]] = _date(values[param], param=param)
    if "quad" in values:
        chosen["quad_class"] = _integer(values, "quad", default=0, low=1, high=4)
    if "root" in values and values["root"].isdigit() and len(values["root"]) == 1:
        chosen["root"] = "0" + values["root"]  # "4" from a hand-written URL means "04"
    return EventFilter(**chosen)  # type: ignore[arg-type]


def _date(value: str, *, param: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{param}={value!r} is not a date; use YYYY-MM-DD") from None


def _choice(
    values: Mapping[str, str], name: str, choices: tuple[str, ...], *, default: str | None = None
) -> str:
    value = values.get(name, default or choices[0])
    if value not in choices:
        raise UsageError(f"{name}={value!r}: choose {', '.join(choices)}")
    return value


def _integer(values: Mapping[str, str], name: str, *, default: int, low: int, high: int) -> int:
    raw = values.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise UsageError(f"{name}={raw!r}: give a whole number from {low} to {high}")
    return int(raw)
