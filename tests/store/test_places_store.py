"""Place mentions in the store: written with new articles, replaced when an article is re-coded."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from newsevents.config import Settings
from newsevents.records import CodedArticle, Location, PlaceMention
from newsevents.store import Store
from tests.store._events import BOGOTA, BOGOTA_TEXT, coded

SETTINGS = Settings()
COLOMBIA = Location("Colombia", "COL", None, 4.0, -72.0, 3686110, "country")


def _mention(text: str, location: Location | None) -> PlaceMention:
    start = BOGOTA_TEXT.index(text)
    return PlaceMention(text, start, start + len(text), location)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "news.duckdb") as opened:
        yield opened


def _write(store: Store, item: CodedArticle) -> None:
    run_id = store.start_run(command="ingest", sources=["test"], settings=SETTINGS)
    store.write_batch(run_id, [item], [], settings=SETTINGS)
    store.finish_run(run_id, status="completed")


def _placed(item: CodedArticle, *mentions: PlaceMention) -> CodedArticle:
    return replace(item, places=mentions)


def test_place_mentions_are_stored_resolved_or_not(store: Store) -> None:
    _write(store, _placed(coded(BOGOTA, "visit"), _mention("Colombia", COLOMBIA)))
    [row] = store.places(BOGOTA.id).to_pylist()
    assert (row["text"], row["country"], row["kind"], row["geonameid"]) == (
        "Colombia",
        "COL",
        "country",
        3686110,
    )
    assert BOGOTA_TEXT[row["start"] : row["end"]] == "Colombia"


def test_an_unresolved_mention_is_kept_with_no_place(store: Store) -> None:
    _write(store, _placed(coded(BOGOTA, "visit"), _mention("Colombia", None)))
    [row] = store.places().to_pylist()
    assert row["text"] == "Colombia" and row["country"] is None and row["lat"] is None


def test_a_duplicate_does_not_add_mentions_and_a_recoding_replaces_them(store: Store) -> None:
    first = _placed(coded(BOGOTA, "visit", "talks"), _mention("Colombia", COLOMBIA))
    _write(store, first)
    _write(store, first)
    assert store.places().num_rows == 1
    _write(store, _placed(coded(BOGOTA, "visit"), _mention("Colombia", None)))
    [row] = store.places().to_pylist()
    assert row["country"] is None
