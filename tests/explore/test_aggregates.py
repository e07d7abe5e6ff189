"""Aggregates: counts by key and period, zeros filled, normalised, against a baseline, filtered."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from newsevents import api
from newsevents.cli import app
from newsevents.errors import UsageError
from newsevents.explore.aggregates import (
    aggregate,
    map_counts,
    map_points,
    network,
    timeseries,
)
from newsevents.store import EventFilter
from tests.explore._store import Paper, build, ev

SCRIPTS = Path(__file__).parents[2] / "scripts"

# Three weeks of March 2025 (Mondays: 3, 10, 17, 24). Articles a-f on their events' dates;
# "copy" near-duplicates "a"; "quiet" reports nothing, on 11 March (an article to normalise by).
SPECS = [
    ev("a", "USAGOV>COLGOV", "042", "2025-03-03", place="COL", mentions=2),
    ev("copy", "USAGOV>COLGOV", "042", "2025-03-03", place="COL", mentions=2),
    ev("b", "USAGOV>COLGOV", "042", "2025-03-04", place="COL"),  # same cluster as a's
    ev("b", "COLGOV>USAGOV", "043", "2025-03-04"),
    ev("c", "MEXGOV>USAGOV", "112", "2025-03-05", place="MEX"),
    ev("d", "USAMIL>MEXMIL", "190", "2025-03-19", place="MEX"),
    ev("e", "USAGOV>USALEG", "010", "2025-03-20"),
    ev("f", "MEXGOV>", "010", None),  # no date: in totals, not in periods (f has none either)
]
PAPERS = (Paper("a"), Paper("copy", copy_of="a"), Paper("quiet", published="2025-03-11"))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("agg") / "news.duckdb", SPECS, PAPERS)


@pytest.fixture(scope="module")
def con(db: Path):
    with duckdb.connect(str(db), read_only=True) as connection:
        yield connection


def rows(table: pa.Table, *columns: str) -> list[tuple]:
    return [tuple(row[c] for c in columns) for row in table.to_pylist()]


TOTALS = {
    # clusters: a+copy+b's visit is one; every other event is one
    "root, clusters": (dict(by="root"), [("01", 2), ("04", 2), ("11", 1), ("19", 1)]),
    # mentions: a 2 + copy 0 (a near-duplicate's copy) + b 1 for 042, b 1 for 043
    "root, mentions": (
        dict(by="root", count="mention"),
        [("04", 4), ("01", 2), ("11", 1), ("19", 1)],
    ),
    "cameo": (dict(by="cameo"), [("010", 2), ("042", 1), ("043", 1), ("112", 1), ("190", 1)]),
    "quad": (dict(by="quad"), [("1", 4), ("3", 1), ("4", 1)]),
    # each country the events involve, once per event: USA in 5 (e is domestic: once)
    "country": (dict(by="country"), [("USA", 5), ("MEX", 3), ("COL", 2)]),
    "dyad": (
        dict(by="dyad"),
        [("COL->USA", 1), ("MEX->USA", 1), ("USA->COL", 1), ("USA->MEX", 1), ("USA->USA", 1)],
    ),
    "dyad undirected": (
        dict(by="dyad", directed=False),
        [("COL<->USA", 2), ("MEX<->USA", 2), ("USA<->USA", 1)],
    ),
    "place": (dict(by="place"), [("MEX", 2), ("COL", 1)]),
    "top": (dict(by="country", top=2), [("USA", 5), ("MEX", 3)]),
    "filter root": (dict(by="country", filters=EventFilter(root="04")), [("COL", 2), ("USA", 2)]),
    "filter actor": (
        dict(by="root", filters=EventFilter(actor="MEX")),
        [("01", 1), ("11", 1), ("19", 1)],
    ),
    "filter dyad": (dict(by="cameo", filters=EventFilter(dyad="USA:COL")), [("042", 1)]),
    "filter quad": (dict(by="dyad", filters=EventFilter(quad_class=4)), [("USA->MEX", 1)]),
    "filter dates": (
        dict(by="root", filters=EventFilter(start=dt.date(2025, 3, 4), end=dt.date(2025, 3, 5))),
        [("04", 2), ("11", 1)],
    ),
}


@pytest.mark.parametrize(("options", "expected"), TOTALS.values(), ids=TOTALS.keys())
def test_totals(con, options, expected):
    assert rows(aggregate(con, **options), "key", "events") == expected


def test_means_and_conflict_share(con):
    table = aggregate(con, by="quad", count="mention")
    found = {r["key"]: (r["goldstein_mean"], r["conflict_share"]) for r in table.to_pylist()}
    # quad 1: 042 (1.9) x 3 mentions, 043 (2.8) x 1, 010 (0.0) x 2
    assert found["1"][0] == pytest.approx((1.9 * 3 + 2.8) / 6)
    assert found["1"][1] == 0 and found["3"] == (pytest.approx(-2.0), 1) and found["4"][1] == 1


def test_periods_are_filled_with_zeros(con):
    table = aggregate(con, by="place", per="week")
    assert rows(table, "period", "key", "events") == [
        (dt.date(2025, 3, 3), "COL", 1),
        (dt.date(2025, 3, 3), "MEX", 1),
        (dt.date(2025, 3, 10), "COL", 0),
        (dt.date(2025, 3, 10), "MEX", 0),
        (dt.date(2025, 3, 17), "COL", 0),
        (dt.date(2025, 3, 17), "MEX", 1),
    ]
    empty = table.to_pylist()[2]
    assert empty["goldstein_mean"] is None and empty["conflict_share"] is None


def test_the_range_runs_from_the_filters_dates(con):
    options = dict(start=dt.date(2025, 2, 20), end=dt.date(2025, 4, 2))
    table = timeseries(con, per="month", filters=EventFilter(**options))
    assert rows(table, "period", "events") == [
        (dt.date(2025, 2, 1), 0),
        (dt.date(2025, 3, 1), 5),
        (dt.date(2025, 4, 1), 0),
    ]


@pytest.mark.parametrize(
    ("per", "count", "expected"),
    [
        ("day", "cluster", [1, 1, 1] + [0] * 13 + [1, 1]),  # 3 to 20 March
        ("week", "cluster", [3, 0, 2]),  # the visit (a, copy, b), b's 043, c's 112; d, e
        ("week", "mention", [5, 0, 2]),  # a 2, the copy 0, b 1 + 1, c 1; d, e
    ],
)
def test_timeseries(con, per, count, expected):
    assert [r["events"] for r in timeseries(con, per=per, count=count).to_pylist()] == expected


def test_normalised_by_the_articles_of_the_period(con):
    table = aggregate(con, by="quad", per="week", normalise=True, filters=EventFilter(quad_class=1))
    # articles published: week 1 a, b, c (the copy is not a second article); week 2 quiet;
    # week 3 d, e
    assert rows(table, "period", "events", "articles", "per_article") == [
        (dt.date(2025, 3, 3), 2, 3, pytest.approx(2 / 3)),
        (dt.date(2025, 3, 10), 0, 1, 0.0),
        (dt.date(2025, 3, 17), 1, 2, 0.5),
    ]


def test_normalised_totals(con):
    table = aggregate(con, by="quad", normalise=True, filters=EventFilter(end=dt.date(2025, 3, 5)))
    # articles published by 5 March: a, b, c (not the copy; f has no date)
    assert rows(table, "key", "events", "articles") == [("1", 2, 3), ("3", 1, 3)]


def test_change_against_the_previous_periods(con):
    table = aggregate(con, by="quad", per="day", baseline=2, filters=EventFilter(quad_class=1))
    found = rows(table, "period", "events", "baseline_mean", "change")[:4]
    assert found == [
        (dt.date(2025, 3, 3), 1, None, None),  # no two periods before it yet
        (dt.date(2025, 3, 4), 1, None, None),
        (dt.date(2025, 3, 5), 0, 1.0, -1.0),
        (dt.date(2025, 3, 6), 0, 0.5, -0.5),
    ]


def test_the_baseline_looks_before_the_start(con):
    filters = EventFilter(quad_class=1, start=dt.date(2025, 3, 5))
    table = aggregate(con, by="quad", per="day", baseline=2, filters=filters)
    first = table.to_pylist()[0]
    assert (first["period"], first["events"], first["baseline_mean"]) == (
        dt.date(2025, 3, 5),
        0,
        1.0,
    )


def test_network(con):
    table = network(con, count="mention")
    assert rows(table, "source_key", "target_key", "events") == [
        ("USA", "COL", 3),
        ("COL", "USA", 1),
        ("MEX", "USA", 1),
        ("USA", "MEX", 1),
        ("USA", "USA", 1),
    ]
    actors = network(con, nodes="actor", directed=False, limit=2)
    assert rows(actors, "source_key", "target_key", "events") == [
        ("COLGOV", "USAGOV", 2),
        ("MEXGOV", "USAGOV", 1),
    ]


def test_map_counts_and_points(con):
    assert rows(map_counts(con), "country", "events") == [("USA", 5), ("MEX", 3), ("COL", 2)]
    assert rows(map_counts(con, by="place"), "country", "events") == [("MEX", 2), ("COL", 1)]
    assert rows(map_points(con), "name", "events", "lat") == [
        ("Mexico City", 2, 19.43),
        ("Bogotá", 1, 4.61),
    ]


BAD = {
    "by": dict(by="city"),
    "per": dict(by="root", per="year"),
    "count": dict(by="root", count="articles"),
    "baseline without periods": dict(by="root", baseline=3),
    "baseline of zero": dict(by="root", per="week", baseline=0),
    "undirected countries": dict(by="country", directed=False),
    "top zero": dict(by="root", top=0),
}


@pytest.mark.parametrize("options", BAD.values(), ids=BAD.keys())
def test_bad_options_are_usage_errors(con, options):
    with pytest.raises(UsageError):
        aggregate(con, **options)


# -- the API and the CLI -------------------------------------------------------------------------


def test_api_returns_pandas_by_default_and_arrow_on_request(db: Path):
    frame = api.aggregate(by="root", db=db)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.key) == ["01", "04", "11", "19"]
    table = api.aggregate(by="root", db=db, output="arrow", quad_class=3)
    assert isinstance(table, pa.Table) and table.column("key").to_pylist() == ["11"]


def test_api_polars_names_the_package_when_missing(db: Path, monkeypatch):
    monkeypatch.setitem(sys.modules, "polars", None)  # import polars now fails
    with pytest.raises(UsageError, match="pip install polars"):
        api.aggregate(by="root", db=db, output="polars")


def test_api_refuses_unknown_filters(db: Path):
    with pytest.raises(UsageError, match="filters are"):
        api.aggregate(by="root", db=db, country="USA")


def test_cli_csv(db: Path):
    result = CliRunner().invoke(
        app,
        [
            *("aggregate", "--by", "dyad", "--undirected", "--per", "week"),
            *("--from", "2025-03-10", "--format", "csv", "--db", str(db)),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "period,key,events,goldstein_mean,conflict_share",
        "2025-03-10,MEX<->USA,0,,",
        "2025-03-10,USA<->USA,0,,",
        "2025-03-17,MEX<->USA,1,-10.0,1.0",
        "2025-03-17,USA<->USA,1,0.0,0.0",
    ]


# -- a synthetic store: the same counts computed in pandas from the raw rows ----------------------


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory):
    sys.path.insert(0, str(SCRIPTS))
    try:
        from make_synthetic import make_store
    finally:
        sys.path.remove(str(SCRIPTS))
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.duckdb"
    make_store(path, events=3000, seed=7, start=dt.date(2024, 1, 1), days=60)
    with duckdb.connect(str(path), read_only=True) as connection:
        yield connection


def test_synthetic_store_is_complete(synthetic):
    [(events, clusters, clustered)] = synthetic.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM clusters), "
        "(SELECT count(*) FROM event_clusters)"
    ).fetchall()
    assert events == clustered == 3000 and 0 < clusters < events  # reports of one event merge
    texts = synthetic.execute(
        "SELECT count(*) FROM events e JOIN articles a ON a.id = e.article_id "
        "WHERE substr(a.text, e.sentence_start + 1, length(e.sentence)) <> e.sentence"
    ).fetchall()
    assert texts == [(0,)]  # every sentence is at its offsets, so an article view can mark it


@pytest.mark.parametrize("count", ["cluster", "mention"])
def test_synthetic_counts_match_a_direct_computation(synthetic, count):
    raw = synthetic.execute(
        "SELECT e.root, c.cluster_id, c.weight, c.day FROM events e "
        "JOIN event_clusters c ON c.event_id = e.id"
    ).df()
    if count == "mention":
        expected = raw.groupby("root")["weight"].sum().to_dict()
    else:
        expected = raw.groupby("root")["cluster_id"].nunique().to_dict()
    found = {
        r["key"]: r["events"] for r in aggregate(synthetic, by="root", count=count).to_pylist()
    }
    assert found == {k: int(v) for k, v in expected.items() if v}


def test_synthetic_weekly_series_adds_up(synthetic):
    table = timeseries(synthetic, per="week", count="mention")
    [(total,)] = synthetic.execute(
        "SELECT sum(weight) FROM event_clusters WHERE day IS NOT NULL"
    ).fetchall()
    assert sum(table.column("events").to_pylist()) == total
    weeks = table.column("period").to_pylist()
    assert all((b - a).days == 7 for a, b in itertools.pairwise(weeks))
    assert not any(math.isnan(v) for v in table.column("events").to_pylist())
    assert Counter(d.weekday() for d in weeks) == Counter({0: len(weeks)})  # ISO weeks: Mondays
