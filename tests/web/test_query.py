"""URL queries into filters and view options."""

from __future__ import annotations

import datetime as dt

import pytest

from newsevents.errors import UsageError
from newsevents.store import EventFilter
from newsevents.web.query import filter_params, parse_query


@pytest.mark.parametrize(
    ("params", "filters"),
    [
        ({}, EventFilter()),
        ({"from": "2025-03-01", "to": ""}, EventFilter(start=dt.date(2025, 3, 1))),
        ({"dyad": " USA:COL ", "quad": "3"}, EventFilter(dyad="USA:COL", quad_class=3)),
        ({"root": "4"}, EventFilter(root="04")),
        ({"actor": "Noem", "modality": "planned"}, EventFilter(actor="Noem", modality="planned")),
    ],
)
def test_filters_from_the_url(params: dict[str, str], filters: EventFilter):
    assert parse_query(params).filters == filters


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"count": "cluster", "per": "auto", "page": 1, "size": 25, "sort": "date"}),
        ({"count": "mention", "per": "month"}, {"count": "mention", "per": "month"}),
        ({"page": "3", "size": "10"}, {"page": 3, "size": 10, "offset": 20}),
        ({"sort": "goldstein", "order": "desc"}, {"sort": "goldstein", "descending": True}),
        ({"shade": "goldstein", "nodes": "actor"}, {"shade": "goldstein", "nodes": "actor"}),
    ],
)
def test_view_options_from_the_url(params: dict[str, str], expected: dict[str, object]):
    query = parse_query(params)
    assert {name: getattr(query, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2025-13-01"}, "from='2025-13-01' is not a date"),
        ({"from": "2025-03-02", "to": "2025-03-01"}, "is empty"),
        ({"quad": "0"}, "quad='0'"),
        ({"page": "0"}, "page='0'"),
        ({"page": "-1"}, "page='-1'"),
        ({"size": "201"}, "size='201'"),
        ({"sort": "sentence; DROP TABLE events"}, "sort="),
        ({"per": "year"}, "per='year'"),
        ({"nodes": "people"}, "nodes='people'"),
    ],
)
def test_bad_values_are_named(params: dict[str, str], message: str):
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        parse_query(params)


def test_links_carry_the_filters_only():
    params = {"dyad": "USA:COL", "page": "2", "sort": "cameo", "quad": "", "from": "2025-03-01"}
    assert filter_params(params) == {"dyad": "USA:COL", "from": "2025-03-01"}
