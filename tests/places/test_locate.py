"""Each event's place from its sentence: the action's locative phrase, a visit's destination,
a meeting during a visit, the dateline — never the actors' countries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from newsevents.actors.dictionaries import load_dictionaries
from newsevents.actors.resolve import resolve_actors
from newsevents.config import Settings
from newsevents.events.coders import get_coder
from newsevents.nlp import load_model
from newsevents.places.locate import locate_events
from newsevents.records import Article, Event, Location

GAZETTEER = {
    "Colombia": Location("Colombia", "COL", None, 4.0, -72.0, 3686110, "country"),
    "Bogotá": Location("Bogotá", "COL", "Bogota D.C.", 4.61, -74.08, 3688689, "city"),
    "El Salvador": Location("El Salvador", "SLV", None, 13.8, -88.9, 3585968, "country"),
    "Mexico": Location("Mexico", "MEX", None, 23.0, -102.0, 3996063, "country"),
    "Nairobi": Location("Nairobi", "KEN", "Nairobi Area", -1.28, 36.82, 184745, "city"),
}


@dataclass
class FakePlaces:
    """Places by the entity's text, as the real resolver's ``at`` gives them."""

    dateline: Location | None = None
    seen: list[str] = field(default_factory=list)

    def at(self, token):
        entity = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        name = entity.text if entity is not None else token.text
        return GAZETTEER.get(name.removeprefix("the "))


def _locate(text: str, *, dateline: Location | None = None) -> list[Event]:
    settings = Settings()
    doc = load_model(settings.model)(text)
    article = Article(id="a" * 20, text=text, origin="test", published=dt.date(2025, 3, 27))
    actors = resolve_actors(doc, on=article.published, dictionaries=load_dictionaries())
    events = get_coder(settings.coder, settings=settings).code(article, doc, actors)
    return locate_events(events, doc, FakePlaces(dateline=dateline))


def _where(events: list[Event], code: str) -> set[str | None]:
    return {e.location.name if e.location else None for e in events if e.cameo == code}


@pytest.mark.parametrize(
    ("text", "code", "place"),
    [
        ("The Kenyan president met the Ugandan president in Nairobi on Monday.", "040", "Nairobi"),
        ("In Bogotá, the Kenyan president met the Ugandan president.", "040", "Bogotá"),
        ("The Kenyan president visited Colombia on Monday.", "042", "Colombia"),
        (
            "The Kenyan president stopped in El Salvador, where he met President Nayib Bukele.",
            "040",
            "El Salvador",
        ),
    ],
)
def test_the_sentence_places_the_action(text: str, code: str, place: str) -> None:
    assert _where(_locate(text), code) == {place}


def test_a_meeting_during_a_visit_is_in_the_visited_country() -> None:
    text = (
        "Homeland Security Secretary Kristi Noem arrived in Colombia on Thursday.\n\n"
        "Secretary Noem held talks with Colombia's foreign minister."
    )
    assert _where(_locate(text), "046") == {"Colombia"}


def test_no_place_in_the_text_means_the_dateline_or_none() -> None:
    text = "The Kenyan president met the Ugandan president."
    assert _where(_locate(text), "040") == {None}
    nairobi = GAZETTEER["Nairobi"]
    assert _where(_locate(text, dateline=nairobi), "040") == {"Nairobi"}
