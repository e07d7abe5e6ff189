"""Events in the store: round trip, filters, re-coding, duplicates, migration from version 1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from newsevents.config import Settings
from newsevents.errors import InvalidCameoCode, StoreError, UsageError
from newsevents.records import CodedArticle
from newsevents.store import EventFilter, Store, migrations
from newsevents.store.batch import coder_family, plan_events
from newsevents.store.rows import event_from_row
from tests.store._events import BOGOTA, EVENTS, MEXICO, article, both, coded, full_event

SETTINGS = Settings()
NOW = dt.datetime(2025, 3, 27, 12, 0)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "news.duckdb") as opened:
        yield opened


def write(store: Store, batch: list[CodedArticle]):
    """One run writing ``batch``; the batch's result."""
    run_id = store.start_run(command="ingest", sources=["test"], settings=SETTINGS)
    result = store.write_batch(run_id, batch, [], settings=SETTINGS)
    store.finish_run(run_id, status="completed")
    return result


def names(table) -> list[str]:
    """The :data:`EVENTS` names of the events in an ``events`` table, in its order."""
    by_id = {e.id: name for name, e in EVENTS.items()}
    return [by_id[i] for i in table["id"].to_pylist()]


# -- round trip ------------------------------------------------------------------------------------


def test_events_round_trip_field_for_field(store: Store):
    result = write(store, both())
    assert (result.stored, result.events, result.events_replaced) == (2, 4, 0)
    assert store.stored_events(BOGOTA.id) == [EVENTS["visit"], EVENTS["talks"], EVENTS["tariff"]]
    assert store.stored_events(MEXICO.id) == [EVENTS["mexico"]]
    rows = store.events().to_pylist()
    assert [event_from_row(r) for r in rows] == [EVENTS[n] for n in names(store.events())]


def test_every_event_field_round_trips(store: Store):
    event = full_event()
    write(store, [CodedArticle(BOGOTA, (event,), coder=event.coder)])
    assert store.stored_events(BOGOTA.id) == [event]
    [row] = store.events().to_pylist()
    assert event_from_row(row) == event
    assert (row["reported_by_name"], row["repeats"], row["location_lat"]) == (
        "Donald Trump",
        [120, 131],
        4.61,
    )


def test_events_table_has_article_fields_and_zero_padded_codes(store: Store):
    write(store, both())
    table = store.events()
    assert {"title", "url", "published", "run_id", "coded_at"} <= set(table.column_names)
    row = next(r for r in table.to_pylist() if r["id"] == EVENTS["visit"].id)
    assert (row["title"], row["url"], row["published"]) == (
        "Noem visits Colombia",
        "https://example.org/noem",
        dt.date(2025, 3, 27),
    )
    assert (row["cameo"], row["root"], row["sentence_end"]) == ("042", "04", 41)
    assert BOGOTA.text[row["sentence_start"] : row["sentence_end"]] == row["sentence"]


def test_events_are_ordered_by_date_then_article_then_sentence(store: Store):
    write(store, both())
    assert names(store.events()) == ["tariff", "visit", "talks", "mexico"]


def test_event_without_a_date_comes_last(store: Store):
    undated = replace(EVENTS["visit"], date=None, date_precision=None)
    write(store, [CodedArticle(BOGOTA, (undated, EVENTS["talks"]), coder="rules.v1")])
    assert store.events()["date"].to_pylist() == [dt.date(2025, 3, 27), None]


# -- filters ---------------------------------------------------------------------------------------

FILTERS = [
    ({}, ["tariff", "visit", "talks", "mexico"]),
    ({"start": dt.date(2025, 3, 27)}, ["visit", "talks", "mexico"]),
    ({"end": dt.date(2025, 3, 26)}, ["tariff"]),
    ({"start": dt.date(2025, 3, 27), "end": dt.date(2025, 3, 27)}, ["visit", "talks"]),
    ({"actor": "USA"}, ["tariff", "visit", "talks", "mexico"]),
    ({"actor": " col "}, ["visit", "talks"]),
    ({"actor": "COLGOV"}, ["talks"]),
    ({"actor": "sarabia"}, ["talks"]),
    ({"actor": "MEX"}, ["mexico"]),
    ({"source": "MEX"}, ["mexico"]),
    ({"target": "USA"}, ["mexico"]),
    ({"source": "Noem"}, ["visit", "talks"]),
    ({"dyad": "USA:COL"}, ["visit", "talks"]),
    ({"dyad": "COL:USA"}, []),
    ({"dyad": "MEX:USA"}, ["mexico"]),
    ({"dyad": "USAGOV:COLGOV"}, ["talks"]),
    ({"cameo": "04"}, ["visit", "talks"]),
    ({"cameo": "042"}, ["visit"]),
    ({"cameo": "16"}, ["tariff"]),
    ({"root": "03"}, ["mexico"]),
    ({"quad_class": 4}, ["tariff"]),
    ({"quad_class": 1}, ["visit", "talks", "mexico"]),
    ({"modality": "planned"}, ["tariff"]),
    ({"modality": "negated"}, []),
    ({"article": MEXICO.id}, ["mexico"]),
    ({"article": BOGOTA.id[:6]}, ["tariff", "visit", "talks"]),
    ({"coder": "rules.v1"}, ["tariff", "visit", "talks", "mexico"]),
    ({"coder": "rules.v2"}, []),
    ({"actor": "USA", "cameo": "04", "start": dt.date(2025, 3, 27)}, ["visit", "talks"]),
    ({"limit": 2}, ["tariff", "visit"]),
    ({"limit": 2, "offset": 3}, ["mexico"]),
]


@pytest.mark.parametrize(("filters", "expected"), FILTERS, ids=[str(f) for f, _ in FILTERS])
def test_filters(store: Store, filters: dict, expected: list[str]):
    write(store, both())
    assert names(store.events(EventFilter(**filters))) == expected


INJECTIONS = [
    {"actor": "USA' OR 1=1 --"},
    {"source": "x'); DROP TABLE events; --"},
    {"dyad": "USA' OR '1'='1:COL"},
    {"coder": "rules.v1' OR coder <> '"},
    {"modality": None, "article": "abcdef' OR TRUE --"},
    {"actor": "%"},
    {"actor": "_"},
]


@pytest.mark.parametrize("filters", INJECTIONS, ids=[str(f) for f in INJECTIONS])
def test_sql_looking_filter_values_are_just_strings(store: Store, filters: dict):
    write(store, both())
    assert store.events(EventFilter(**filters)).num_rows == 0
    assert store.counts()["events"] == 4


BAD_FILTERS = [
    ({"cameo": "42"}, InvalidCameoCode, "zero-padded"),
    ({"cameo": "04'; --"}, InvalidCameoCode, "CAMEO code"),
    ({"root": "4"}, UsageError, "two-digit"),
    ({"root": "21"}, UsageError, "01 to 20"),
    ({"quad_class": 5}, UsageError, "1, 2, 3 or 4"),
    ({"modality": "maybe"}, UsageError, "asserted"),
    ({"dyad": "USA"}, UsageError, "SOURCE:TARGET"),
    ({"start": dt.date(2025, 3, 2), "end": dt.date(2025, 3, 1)}, UsageError, "empty"),
    ({"limit": -1}, UsageError, "negative"),
]


@pytest.mark.parametrize(
    ("filters", "error", "message"), BAD_FILTERS, ids=[str(f) for f, *_ in BAD_FILTERS]
)
def test_bad_filter_values_are_usage_errors(filters: dict, error: type, message: str):
    with pytest.raises(error, match=message):
        EventFilter(**filters)


# -- re-coding and duplicates ----------------------------------------------------------------------


def runs_counts(store: Store) -> list[tuple[int, int]]:
    return [(r["events"], r["events_replaced"]) for r in store.runs().to_pylist()][::-1]


def test_exact_duplicate_article_adds_no_events(store: Store):
    write(store, both())
    again = write(store, both())
    assert (again.duplicates, again.events, again.events_replaced) == (2, 0, 0)
    assert store.counts()["events"] == 4
    assert runs_counts(store) == [(4, 0), (0, 0)]


def test_same_article_twice_in_a_batch_stores_its_events_once(store: Store):
    result = write(store, [coded(BOGOTA, "visit"), coded(BOGOTA, "visit")])
    assert (result.stored, result.duplicates, result.events) == (1, 1, 1)
    assert store.counts()["events"] == 1


@pytest.mark.parametrize(
    ("recoded", "expected", "replaced"),
    [
        (coded(BOGOTA, "visit"), ["visit"], 3),
        (coded(BOGOTA), [], 3),
        (coded(BOGOTA, "visit", "talks", "tariff", coder=None), ["tariff", "visit", "talks"], 0),
    ],
    ids=["fewer-events", "no-events-now", "not-coded"],
)
def test_recoding_with_the_same_coder_replaces_its_events(
    store: Store, recoded: CodedArticle, expected: list[str], replaced: int
):
    write(store, [coded(BOGOTA, "visit", "talks", "tariff")])
    result = write(store, [recoded])
    assert (result.duplicates, result.events_replaced) == (1, replaced)
    assert names(store.events()) == expected
    assert runs_counts(store)[1] == (result.events, replaced)


def with_coder(item: CodedArticle, coder: str) -> CodedArticle:
    """``item`` as coded by ``coder``, which makes its own event ids."""
    events = tuple(replace(e, coder=coder, id=f"{e.id}-{coder}") for e in item.events)
    return CodedArticle(item.article, events, coder=coder)


def test_a_new_coder_version_replaces_the_old_ones_events(store: Store):
    write(store, [coded(BOGOTA, "visit", "talks")])
    result = write(store, [with_coder(coded(BOGOTA, "visit"), "rules.v2")])
    assert (result.events, result.events_replaced) == (1, 2)
    assert store.events()["coder"].to_pylist() == ["rules.v2"]


def test_another_coder_family_keeps_the_first_ones_events(store: Store):
    write(store, [coded(BOGOTA, "visit", "talks")])
    result = write(store, [with_coder(coded(BOGOTA, "visit"), "llm.v1")])
    assert (result.events, result.events_replaced) == (1, 0)
    assert sorted(store.events()["coder"].to_pylist()) == ["llm.v1", "rules.v1", "rules.v1"]
    assert store.events(EventFilter(coder="llm.v1")).num_rows == 1


def test_an_article_stored_before_events_existed_gets_them_on_reingest(store: Store):
    write(store, [CodedArticle(BOGOTA)])
    result = write(store, [coded(BOGOTA, "visit")])
    assert (result.duplicates, result.events, result.events_replaced) == (1, 1, 0)


def test_a_mislabelled_event_is_refused_and_nothing_is_written(store: Store):
    wrong = CodedArticle(MEXICO, (EVENTS["visit"],), coder="rules.v1")
    with pytest.raises(ValueError, match="was given with article"):
        write(store, [coded(BOGOTA, "visit"), wrong])
    assert store.counts()["events"] == store.counts()["articles"] == 0


@pytest.mark.parametrize(
    ("coder", "family"),
    [
        ("rules.v1", "rules"),
        ("rules.v12", "rules"),
        ("my.rules.v2", "my.rules"),
        ("rules", "rules"),
        ("rules.vx", "rules.vx"),
        ("rules.2", "rules.2"),
    ],
)
def test_coder_family(coder: str, family: str):
    assert coder_family(coder) == family


def test_plan_events_keeps_the_first_of_repeated_ids():
    item = coded(BOGOTA, "visit", "visit", "talks")
    plan = plan_events([item], existing=set(), stored={})
    assert plan.insert == [EVENTS["visit"], EVENTS["talks"]] and plan.delete == []


# -- one article -----------------------------------------------------------------------------------

ODD_IDS = ["abcdef0123456789aaaa", "abcdef9876543210bbbb"]


def test_show_gives_the_article_and_its_events(store: Store):
    write(store, both())
    view = store.show(BOGOTA.id[:8])
    assert view.article == BOGOTA
    assert view.events == (EVENTS["visit"], EVENTS["talks"], EVENTS["tariff"])
    assert view.duplicate_of is None


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("abcde", "at least its first 6 hex digits"),
        ("not-hex-at-all", "hex digits"),
        ("abcdef", r"ambiguous \(abcdef0123456789aaaa, abcdef9876543210bbbb\)"),
        ("fedcba98", "no article 'fedcba98'"),
    ],
)
def test_show_refuses_a_short_unknown_or_ambiguous_id(store: Store, given: str, message: str):
    odd = [replace(article(f"Story {i}."), id=i) for i in ODD_IDS]
    write(store, [CodedArticle(a) for a in odd])
    with pytest.raises(UsageError, match=message):
        store.show(given)


def test_show_takes_a_unique_prefix_in_any_case(store: Store):
    odd = [replace(article(f"Story {i}."), id=i) for i in ODD_IDS]
    write(store, [CodedArticle(a) for a in odd])
    assert store.show("ABCDEF01").article.id == ODD_IDS[0]


# -- migration from version 1 ----------------------------------------------------------------------


def test_a_version_1_database_migrates_and_keeps_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "old.duckdb"
    with monkeypatch.context() as patched, duckdb.connect(str(path)) as con:
        patched.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
        assert migrations.migrate(con, path=path) == [1]
        con.execute(
            "INSERT INTO runs (started_at, command, sources, settings, code_version, status, "
            "stored) VALUES (?, 'ingest', ['old/'], '{}', '0.0.1', 'completed', 1)",
            [NOW],
        )
        con.execute(
            "INSERT INTO articles (id, seq, text, word_count, origin, notes, first_run, "
            "ingested_at) VALUES (?, 1, ?, 22, 'old/noem.txt', [], 1, ?)",
            [BOGOTA.id, BOGOTA.text, NOW],
        )
    with Store.open(path) as new:
        assert new.articles()["id"].to_pylist() == [BOGOTA.id]
        [run] = new.runs().to_pylist()
        assert (run["stored"], run["events"], run["events_replaced"]) == (1, 0, 0)
        result = write(new, [coded(BOGOTA, "visit", "talks")])
        assert (result.duplicates, result.events) == (1, 2)
        assert names(new.events(EventFilter(dyad="USA:COL"))) == ["visit", "talks"]
    with duckdb.connect(str(path), read_only=True) as con:
        versions = con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    assert versions == [(m.version,) for m in migrations.MIGRATIONS]


def test_a_failed_batch_leaves_no_events(store: Store, monkeypatch: pytest.MonkeyPatch):
    run_id = store.start_run(command="ingest", sources=[], settings=SETTINGS)

    def fail(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException("disk full")

    # Sightings are written after the articles and events of the batch.
    monkeypatch.setattr("newsevents.store.db._sightings", fail)
    with pytest.raises(Exception, match="disk full"):
        store.write_batch(run_id, both(), [], settings=SETTINGS)
    assert store.counts()["events"] == 0


def test_a_failed_statement_is_reported_by_its_own_error(store: Store):
    write(store, [coded(BOGOTA, "visit")])
    clash = replace(EVENTS["talks"], id=EVENTS["visit"].id, coder="llm.v1")
    with pytest.raises(StoreError, match="Duplicate key"):
        write(store, [CodedArticle(BOGOTA, (clash,), coder="llm.v1")])
