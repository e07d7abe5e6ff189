"""The article the project started from: the events a reader finds in it, coded end to end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsevents.config import Settings
from newsevents.pipeline import code_documents
from newsevents.records import CodedArticle, Event

PUBLISHED = dt.date(2025, 3, 27)

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def seed(shared_data: Path) -> CodedArticle:
    [coded] = code_documents([str(shared_data / "seed" / "noem-colombia.txt")], settings=Settings())
    assert isinstance(coded, CodedArticle) and coded.article.published == PUBLISHED
    return coded


@pytest.fixture(scope="module")
def seed_events(seed: CodedArticle) -> tuple[Event, ...]:
    return seed.events


def _by_noem(event: Event) -> bool:
    return event.source.name == "Kristi Noem" and event.source.code == "USAGOV"


def _target(event: Event, code: str, name: str | None = None) -> bool:
    target = event.target
    return target is not None and target.code == code and (name is None or target.name == name)


def test_noem_visits_colombia_once(seed_events: tuple[Event, ...]) -> None:
    visits = [
        e for e in seed_events
        if _by_noem(e) and e.cameo == "042" and e.target and e.target.country == "COL"
    ]  # fmt: skip
    assert len(visits) == 1, "the summary's and the conclusion's visit are one event"
    [visit] = visits
    assert visit.date == PUBLISHED and visit.modality == "asserted" and visit.mentions >= 2


def test_talks_with_colombias_foreign_minister(seed_events: tuple[Event, ...]) -> None:
    assert any(
        _by_noem(e) and e.root == "04" and _target(e, "COLGOV") and "Minister" in e.target.text
        for e in seed_events
    )  # fmt: skip


def test_scheduled_meeting_with_petro(seed_events: tuple[Event, ...]) -> None:
    assert any(
        _by_noem(e) and (e.root == "04" or e.cameo == "036") and e.modality == "planned"
        and _target(e, "COLGOV", "Gustavo Petro")
        for e in seed_events
    )  # fmt: skip


def test_met_bukele_in_el_salvador_before_publication(seed_events: tuple[Event, ...]) -> None:
    met = [e for e in seed_events if _by_noem(e) and _target(e, "SLVGOV", "Nayib Bukele")]
    assert any(e.root == "04" and e.date is not None and e.date < PUBLISHED for e in met)


def test_planned_trip_to_mexico_on_friday(seed_events: tuple[Event, ...]) -> None:
    assert any(
        _by_noem(e) and _target(e, "MEXGOV", "Claudia Sheinbaum") and e.modality == "planned"
        and e.date == dt.date(2025, 3, 28)
        for e in seed_events
    )  # fmt: skip


def test_trump_announces_tariff(seed_events: tuple[Event, ...]) -> None:
    assert any(
        e.source.name == "Donald Trump" and e.source.code == "USAGOV"
        and e.root in ("13", "16", "17")
        for e in seed_events
    )  # fmt: skip


def test_no_page_chrome_or_newspaper_as_actor(seed_events: tuple[Event, ...]) -> None:
    actors = [a for e in seed_events for a in (e.source, e.target) if a is not None]
    for actor in actors:
        for chrome in ("Loading Now", "Post Comment", "winnipegfreepress", "Winnipeg"):
            assert chrome.lower() not in actor.text.lower()


def test_events_point_at_their_evidence(seed_events: tuple[Event, ...], shared_data: Path) -> None:
    text = next(
        code_documents([str(shared_data / "seed" / "noem-colombia.txt")], settings=Settings())
    )
    body = text.article.text  # type: ignore[union-attr]
    for event in seed_events:
        assert body[event.sentence_start : event.sentence_end] == event.sentence
        assert event.sentence_start <= event.action_start < event.action_end <= event.sentence_end
        for actor in (event.source, event.target):
            if actor is not None:
                assert body[actor.start : actor.end] == actor.text


def _placed(events: list[Event]) -> set[str | None]:
    return {e.location.country if e.location else None for e in events}


def test_the_colombia_events_happen_in_colombia(seed_events: tuple[Event, ...]) -> None:
    colombia = [
        e for e in seed_events
        if _by_noem(e) and e.target and e.target.country == "COL" and e.root == "04"
    ]  # fmt: skip
    assert len(colombia) >= 3 and _placed(colombia) == {"COL"}


def test_the_bukele_meeting_happens_in_el_salvador(seed_events: tuple[Event, ...]) -> None:
    met = [e for e in seed_events if _by_noem(e) and _target(e, "SLVGOV", "Nayib Bukele")]
    assert met and _placed(met) == {"SLV"}


def test_the_mexico_trip_happens_in_mexico(seed_events: tuple[Event, ...]) -> None:
    trip = [
        e for e in seed_events
        if _by_noem(e) and e.modality == "planned" and e.target and e.target.country == "MEX"
    ]  # fmt: skip
    assert trip and _placed(trip) == {"MEX"}


def test_every_place_the_article_names_is_resolved(seed: CodedArticle) -> None:
    named = {(m.text, m.location.country if m.location else None) for m in seed.places}
    assert {("Colombia", "COL"), ("El Salvador", "SLV"), ("Mexico", "MEX")} <= named
