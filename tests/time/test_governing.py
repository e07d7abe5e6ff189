"""Which expressions govern an action, the tense they are read in, and events' dates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from newsevents.config import Settings
from newsevents.nlp import load_model
from newsevents.pipeline import code_texts
from newsevents.time import date_of, expression_tense, tense_of

if TYPE_CHECKING:
    from spacy.language import Language

THURSDAY = dt.date(2025, 3, 27)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_model(Settings().model)


@pytest.mark.parametrize(
    ("sentence", "expression", "tense"),
    [
        ("Police arrested protesters on Monday.", "Monday", "past"),
        ("Rebels have attacked the town in the past two weeks.", "the past two weeks", "past"),
        ("The talks will be held March 5-7 in Geneva.", "March 5-7", "future"),
        ("The president is expected to travel to Uganda on Friday.", "Friday", "future"),
        ("The summit is scheduled for the second quarter.", "the second quarter", "future"),
        ("The trial begins on Monday.", "Monday", "future"),
        ("The minister says the border reopened on Friday.", "Friday", "past"),
        ("The minister wants to visit Kampala in June.", "June", "future"),
        ("BP agreed to sell its stake to Rosneft in October.", "October", "present"),
        ("Tensions have escalated since January.", "January", "past"),
        ("The envoy, now in Nairobi, flies home on Sunday.", "Sunday", "present"),
    ],
)
def test_expression_tense(nlp: Language, sentence: str, expression: str, tense: str) -> None:
    doc = nlp(sentence)
    [span] = [e for e in doc.ents if e.text == expression]
    assert expression_tense(span) == tense


@pytest.mark.parametrize(
    ("sentence", "verb", "modality", "tense"),
    [
        ("The army shelled the town.", "shelled", "asserted", "past"),
        ("The army did not shell the town.", "shell", "negated", "past"),
        ("The army could have shelled the town.", "shelled", "hypothetical", "past"),
        ("The army would shell the town.", "shell", "hypothetical", "future"),
        ("The army is going to shell the town.", "shell", "planned", "future"),
        ("The army shells the town.", "shells", "asserted", "present"),
    ],
)
def test_tense_of(nlp: Language, sentence: str, verb: str, modality: str, tense: str) -> None:
    [token] = [t for t in nlp(sentence) if t.text == verb]
    assert tense_of(token, modality=modality) == tense


def test_since_january_in_the_seed_is_the_month_before_publication(nlp: Language) -> None:
    doc = nlp(
        "Tensions have escalated since January over the repatriation of immigrants deported "
        "from the U.S."
    )
    [escalated] = [t for t in doc if t.text == "escalated"]
    assert date_of(escalated, THURSDAY, modality="asserted") == (dt.date(2025, 1, 1), "month")


@pytest.mark.parametrize(
    ("sentence", "date", "precision"),
    [
        ("Kenyan police arrested Ugandan protesters on Monday.", dt.date(2025, 3, 24), "day"),
        ("The Kenyan president will visit Uganda on Friday.", dt.date(2025, 3, 28), "day"),
        ("The Kenyan president is scheduled to visit Uganda on Friday.", dt.date(2025, 3, 28),
         "day"),
        ("The Kenyan president arrived in Uganda on Thursday.", THURSDAY, "day"),
        ("The Kenyan president visited Uganda.", THURSDAY, "publication"),
        ("The Kenyan president visited Uganda yesterday.", dt.date(2025, 3, 26), "day"),
        ("Kenyan police arrested Ugandan protesters last week.", dt.date(2025, 3, 17), "week"),
        ("The Kenyan president visited Uganda three years ago.", dt.date(2022, 1, 1), "year"),
        ("The Kenyan president visited Uganda in 2013.", dt.date(2013, 1, 1), "year"),
        ("The Kenyan president visited Uganda on March 5.", dt.date(2025, 3, 5), "day"),
        ("The Kenyan president will visit Uganda next month.", dt.date(2025, 4, 1), "month"),
        ("A Kenyan court gave a Ugandan rebel a 25-year sentence.", THURSDAY, "publication"),
        ("The 63-year-old Kenyan president visited Uganda.", THURSDAY, "publication"),
        ("The Kenyan president visited Uganda now.", THURSDAY, "publication"),
    ],
)  # fmt: skip
def test_event_dates(sentence: str, date: dt.date, precision: str) -> None:
    [events] = code_texts([sentence], settings=Settings(), published=THURSDAY)
    # The act itself, not the intent to do it (expressed on the day of publication).
    acts = [e for e in events if not e.cameo.startswith("03")]
    assert acts, f"no event coded from {sentence!r}"
    assert {(e.date, e.date_precision) for e in acts} == {(date, precision)}


def test_no_publication_date_means_no_event_date() -> None:
    [events] = code_texts(["The Kenyan president visited Uganda yesterday."], settings=Settings())
    assert events and all(e.date is None and e.date_precision is None for e in events)
