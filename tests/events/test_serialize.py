"""The JSON shape of an event: every field, and back."""

from __future__ import annotations

import json

import pytest

from newsevents.events.serialize import event_from_dict, event_to_dict
from newsevents.records import Event
from tests.store._events import BOGOTA, EVENTS, full_event


@pytest.mark.parametrize("event", [*EVENTS.values(), full_event()], ids=[*EVENTS, "full"])
def test_round_trip_through_json_text(event: Event):
    value = json.loads(json.dumps(event_to_dict(event)))
    assert event_from_dict(value, article_id=event.article_id) == event


def test_documented_shape():
    value = event_to_dict(full_event())
    assert value["cameo"] == "040" and value["root"] == "04" and value["quad_class"] == 1
    assert value["plover"] == {"type": "CONSULT", "mode": None, "context": None}
    assert value["evidence"] == {
        "sentence": "She held talks with Foreign Minister Laura Sarabia in Bogota.",
        "start": 42,
        "end": 103,
    }
    assert BOGOTA.text[value["action"]["start"] : value["action"]["end"]] == "held talks"
    assert value["source"]["text"] == "She" and value["source"]["name"] == "Kristi Noem"
    assert value["target"]["code"] == "COLGOV" and value["target"]["country"] == "COL"
    assert value["location"]["name"] == "Bogotá" and value["location"]["geonameid"] == 3688689
    assert value["reported_by"]["name"] == "Donald Trump"
    assert (value["date"], value["date_precision"], value["mentions"], value["repeats"]) == (
        "2025-03-27",
        "day",
        2,
        [120, 131],
    )
    assert "article_id" not in value


def test_missing_target_location_and_speaker_are_null():
    value = event_to_dict(EVENTS["tariff"])
    assert value["target"] is value["location"] is value["reported_by"] is None
