"""An article's text cut into evidence sentences, actors, actions and places."""

from __future__ import annotations

from newsevents.web.article import article_blocks
from tests.store._events import BOGOTA, EVENTS

BOGOTA_PLACE = {"start": BOGOTA.text.index("Bogota"), "name": "Bogotá", "country": "COL"}
BOGOTA_PLACE["end"] = BOGOTA_PLACE["start"] + len("Bogota")


def marked(blocks, kind: str) -> list[str]:
    return [p.text for b in blocks for p in b.pieces if kind in p.kinds]


def test_the_blocks_put_the_text_back_together():
    events = [EVENTS["visit"], EVENTS["talks"]]
    blocks = article_blocks(BOGOTA.text, events, [BOGOTA_PLACE], selected=None)
    assert "".join(p.text for b in blocks for p in b.pieces) == BOGOTA.text


def test_each_sentence_with_events_is_one_evidence_block_and_the_chosen_one_is_selected():
    events = [EVENTS["visit"], EVENTS["talks"], EVENTS["tariff"]]
    blocks = article_blocks(BOGOTA.text, events, [], selected=EVENTS["talks"].id)
    evidence = [b for b in blocks if b.evidence]
    assert ["".join(p.text for p in b.pieces) for b in evidence] == [e.sentence for e in events]
    assert [b.selected for b in evidence] == [False, True, False]
    assert evidence[1].event_ids == (EVENTS["talks"].id,)


def test_actors_actions_and_places_are_marked_with_their_codes():
    blocks = article_blocks(BOGOTA.text, [EVENTS["talks"]], [BOGOTA_PLACE], selected=None)
    assert marked(blocks, "actor") == ["She", "Laura Sarabia"]
    assert marked(blocks, "action") == ["held talks"]
    assert marked(blocks, "place") == ["Bogota"]
    notes = {p.text: p.note for b in blocks for p in b.pieces if p.kinds}
    assert notes == {
        "She": "Kristi Noem (USAGOV)",
        "held talks": "040",
        "Laura Sarabia": "Laura Sarabia (COLGOV)",
        "Bogota": "Bogotá, COL",
    }


def test_an_unresolved_place_is_not_marked():
    unresolved = {**BOGOTA_PLACE, "name": None, "country": None}
    assert marked(article_blocks(BOGOTA.text, [], [unresolved], selected=None), "place") == []
