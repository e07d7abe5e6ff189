"""Clusters: one event reported by many articles, with GDELT's mention, article, source counts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from newsevents.store import Store
from tests.explore._store import Paper, build, ev, write


def clusters_of(path: Path) -> list[set[int]]:
    """The clusters as sets of event positions (events in spec order: article, then position)."""
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            """
            SELECT c.cluster_id, e.article_id, e.id FROM events e
            JOIN event_clusters c ON c.event_id = e.id
            """
        ).fetchall()
        order = con.execute("SELECT id, seq FROM articles").fetchall()
    seq = dict(order)
    ranked = sorted(rows, key=lambda r: (seq[r[1]], r[2]))
    groups: dict[int, set[int]] = {}
    for n, (cluster, _, _) in enumerate(ranked):
        groups.setdefault(cluster, set()).add(n)
    return sorted(groups.values(), key=min)


def counts(path: Path) -> list[tuple]:
    """(num_events, num_mentions, num_articles, num_sources) of each cluster, by first date."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT num_events, num_mentions, num_articles, num_sources FROM clusters "
            "ORDER BY cluster_id"
        ).fetchall()


# Each case: events (one per article, so positions follow the articles a, b, c ...), and the
# expected clusters as sets of those positions.
CASES = {
    "same day, two articles": (
        [
            ev("a", "USAGOV>COLGOV", "042", "2025-03-03"),
            ev("b", "USAGOV>COLGOV", "042", "2025-03-03"),
        ],
        [{0, 1}],
    ),
    "a day apart merge": (
        [
            ev("a", "USAGOV>COLGOV", "042", "2025-03-03"),
            ev("b", "USAGOV>COLGOV", "043", "2025-03-04"),
        ],
        [{0, 1}],
    ),
    "two days apart split": (
        [
            ev("a", "USAGOV>COLGOV", "042", "2025-03-03"),
            ev("b", "USAGOV>COLGOV", "042", "2025-03-05"),
        ],
        [{0}, {1}],
    ),
    "daily reports chain": (
        [
            ev("a", "USAGOV>COLGOV", "042", "2025-03-03"),
            ev("b", "USAGOV>COLGOV", "042", "2025-03-04"),
            ev("c", "USAGOV>COLGOV", "042", "2025-03-05"),
        ],
        [{0, 1, 2}],
    ),
    "other direction": (
        [
            ev("a", "USAGOV>COLGOV", "042", "2025-03-03"),
            ev("b", "COLGOV>USAGOV", "042", "2025-03-03"),
        ],
        [{0}, {1}],
    ),
    "other sector": (
        [
            ev("a", "USAGOV>COLGOV", "042", "2025-03-03"),
            ev("b", "USAMIL>COLGOV", "042", "2025-03-03"),
        ],
        [{0}, {1}],
    ),
    "other root": (
        [
            ev("a", "USAGOV>COLGOV", "042", "2025-03-03"),
            ev("b", "USAGOV>COLGOV", "051", "2025-03-03"),
        ],
        [{0}, {1}],
    ),
    "other place country": (
        [
            ev("a", "USAGOV>COLGOV", "042", "2025-03-03", place="COL"),
            ev("b", "USAGOV>COLGOV", "042", "2025-03-03", place="MEX"),
        ],
        [{0}, {1}],
    ),
    "placed and unplaced differ": (
        [
            ev("a", "USAGOV>COLGOV", "042", "2025-03-03", place="COL"),
            ev("b", "USAGOV>COLGOV", "042", "2025-03-03"),
        ],
        [{0}, {1}],
    ),
    "no target is a dyad of its own": (
        [ev("a", "USAGOV>", "163", "2025-03-03"), ev("b", "USAGOV>", "163", "2025-03-03")],
        [{0, 1}],
    ),
    "other coder": (
        [
            ev("a", "USAGOV>COLGOV", "042", "2025-03-03"),
            ev("b", "USAGOV>COLGOV", "042", "2025-03-03", coder="rules.v2"),
        ],
        [{0}, {1}],
    ),
    "uncoded sources stay alone": (
        [ev("a", ">COLGOV", "042", "2025-03-03"), ev("b", ">COLGOV", "042", "2025-03-03")],
        [{0}, {1}],
    ),
}


@pytest.mark.parametrize(("specs", "expected"), CASES.values(), ids=CASES.keys())
def test_clusters(tmp_path: Path, specs, expected):
    assert clusters_of(build(tmp_path / "news.duckdb", specs)) == expected


def test_undated_events_cluster_by_publication_date(tmp_path: Path):
    papers = (Paper("a", published="2025-03-03"), Paper("b", published="2025-03-04"))
    papers += (Paper("c", published="2025-03-09"), Paper("d"))
    specs = [ev(name, "USAGOV>COLGOV", "042", None) for name in "abcd"]
    path = build(tmp_path / "news.duckdb", specs, papers)
    # a and b a day apart; c five days later; d has no date at all: a cluster of its own.
    assert clusters_of(path) == [{0, 1}, {2}, {3}]
    with duckdb.connect(str(path), read_only=True) as con:
        dates = con.execute("SELECT first_date, last_date FROM clusters ORDER BY cluster_id")
        assert [tuple(str(d) for d in row) for row in dates.fetchall()] == [
            ("2025-03-03", "2025-03-04"),
            ("2025-03-09", "2025-03-09"),
            ("None", "None"),
        ]


def test_counts_mentions_articles_and_sites(tmp_path: Path):
    papers = (Paper("a", site="one.example"), Paper("b", site="one.example"))
    papers += (Paper("c", site="two.example"),)
    specs = [
        ev("a", "USAGOV>COLGOV", "042", "2025-03-03", mentions=2),
        ev("a", "USAGOV>COLGOV", "043", "2025-03-03"),
        ev("b", "USAGOV>COLGOV", "042", "2025-03-04"),
        ev("c", "USAGOV>COLGOV", "042", "2025-03-04", mentions=3),
    ]
    # 4 events; mentions 2 + 1 + 1 + 3; articles a, b, c; sites one and two (www. dropped).
    assert counts(build(tmp_path / "news.duckdb", specs, papers)) == [(4, 7, 3, 2)]


def test_near_duplicates_do_not_inflate(tmp_path: Path):
    papers = (Paper("a", site="one.example"), Paper("copy", site="two.example", copy_of="a"))
    specs = [
        ev("a", "USAGOV>COLGOV", "042", "2025-03-03", mentions=2),
        ev("copy", "USAGOV>COLGOV", "042", "2025-03-03", mentions=2),
        # the copy alone reports this one (an edited paragraph): it counts
        ev("copy", "USAGOV>COLGOV", "043", "2025-03-03"),
    ]
    path = build(tmp_path / "news.duckdb", specs, papers)
    with duckdb.connect(str(path), read_only=True) as con:
        [(near,)] = con.execute("SELECT count(duplicate_of) FROM articles").fetchall()
    assert near == 1  # the copy was stored as a near-duplicate
    # 3 events, mentions 2 (a's) + 1 (the copy's own event), one article, its site only.
    assert counts(path) == [(3, 3, 1, 1)]


def test_counts_span_the_whole_store(tmp_path: Path):
    path = build(tmp_path / "news.duckdb", [ev("a", "USAGOV>COLGOV", "042", "2025-03-03")])
    assert counts(path) == [(1, 1, 1, 1)]
    write(path, [ev("b", "USAGOV>COLGOV", "042", "2025-03-04")])  # a later run, another site
    assert counts(path) == [(2, 2, 2, 2)]


def test_refresh_returns_the_number_of_clusters(tmp_path: Path):
    specs = [ev("a", "USAGOV>COLGOV", "042", "2025-03-03"), ev("b", "MEXGOV>", "010", None)]
    path = build(tmp_path / "news.duckdb", specs)
    with Store.open(path) as store:
        assert store.refresh_clusters() == 2
        assert store.refresh_clusters() == 2  # idempotent: a rewrite, not an addition


def test_a_store_older_than_clusters_gets_them_on_upgrade(tmp_path: Path):
    specs = [
        ev("a", "USAGOV>COLGOV", "042", "2025-03-03"),
        ev("b", "USAGOV>COLGOV", "042", "2025-03-03"),
    ]
    path = build(tmp_path / "news.duckdb", specs)
    with duckdb.connect(str(path)) as con:  # back to schema version 3
        con.execute("DROP TABLE clusters; DROP TABLE event_clusters")
        con.execute("DELETE FROM schema_migrations WHERE version = 4")
    Store.open(path).close()
    assert counts(path) == [(2, 2, 2, 2)]
