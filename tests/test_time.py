"""Stage 5: time expressions resolved against the publication date and the action's tense."""

from __future__ import annotations

import datetime as dt

import pytest

from newsevents.config import Settings
from newsevents.pipeline import code_texts
from newsevents.time import resolve

THURSDAY = dt.date(2025, 3, 27)


@pytest.mark.parametrize(
    ("text", "future", "expected"),
    [
        ("Thursday", False, (dt.date(2025, 3, 27), "day")),
        ("Monday", False, (dt.date(2025, 3, 24), "day")),
        ("Friday", False, (dt.date(2025, 3, 21), "day")),
        ("Friday", True, (dt.date(2025, 3, 28), "day")),
        ("Thursday", True, (dt.date(2025, 4, 3), "day")),
        ("last Thursday", False, (dt.date(2025, 3, 20), "day")),
        ("next Monday", False, (dt.date(2025, 3, 31), "day")),
        ("yesterday", False, (dt.date(2025, 3, 26), "day")),
        ("today", False, (THURSDAY, "day")),
        ("tomorrow", True, (dt.date(2025, 3, 28), "day")),
        ("last week", False, (dt.date(2025, 3, 20), "week")),
        ("next month", True, (dt.date(2025, 4, 1), "month")),
        ("last year", False, (dt.date(2024, 1, 1), "year")),
        ("January", False, (dt.date(2025, 1, 1), "month")),
        ("December", False, (dt.date(2024, 12, 1), "month")),
        ("June", True, (dt.date(2025, 6, 1), "month")),
        ("March 5", False, (dt.date(2025, 3, 5), "day")),
        ("March 30", False, (dt.date(2024, 3, 30), "day")),
        ("March 5, 2013", False, (dt.date(2013, 3, 5), "day")),
        ("2013", False, (dt.date(2013, 1, 1), "year")),
        ("three days ago", False, (dt.date(2025, 3, 24), "day")),
        ("two years ago", False, (dt.date(2023, 1, 1), "year")),
        ("25%", False, None),
        ("decades", False, None),
    ],
)
def test_resolve(text: str, future: bool, expected: tuple[dt.date, str] | None) -> None:
    assert resolve(text, THURSDAY, future=future) == expected


@pytest.mark.parametrize(
    ("sentence", "date", "precision"),
    [
        ("Kenyan police arrested Ugandan protesters on Monday.", dt.date(2025, 3, 24), "day"),
        ("The Kenyan president will visit Uganda on Friday.", dt.date(2025, 3, 28), "day"),
        ("The Kenyan president visited Uganda.", THURSDAY, "publication"),
        ("The Kenyan president visited Uganda yesterday.", dt.date(2025, 3, 26), "day"),
    ],
)
def test_event_dates(sentence: str, date: dt.date, precision: str) -> None:
    [events] = code_texts([sentence], settings=Settings(), published=THURSDAY)
    # The act itself, not the intent to do it (expressed on the day of publication).
    acts = [e for e in events if not e.cameo.startswith("03")]
    assert acts, f"no event coded from {sentence!r}"
    assert {(e.date, e.date_precision) for e in acts} == {(date, precision)}


def test_no_publication_date_means_no_event_date() -> None:
    [events] = code_texts(["The Kenyan president visited Uganda yesterday."], settings=Settings())
    assert events and all(e.date is None and e.date_precision is None for e in events)
