"""Time expressions read against an anchor date and a tense: event dates, TimeML values, kinds."""

from __future__ import annotations

import datetime as dt

import pytest

from newsevents.time import TimeValue, kind_of, read_expression, resolve, resolve_value

THURSDAY = dt.date(2025, 3, 27)  # the seed article's publication date


@pytest.mark.parametrize(
    ("text", "tense", "expected"),
    [
        # weekdays: past on or before the anchor, future on or after it, present the nearer
        ("Thursday", "past", (dt.date(2025, 3, 27), "day")),
        ("Thursday", "future", (dt.date(2025, 3, 27), "day")),  # wire style: the day itself
        ("Monday", "past", (dt.date(2025, 3, 24), "day")),
        ("Friday", "past", (dt.date(2025, 3, 21), "day")),
        ("Friday", "future", (dt.date(2025, 3, 28), "day")),
        ("Friday", "present", (dt.date(2025, 3, 28), "day")),
        ("Monday", "present", (dt.date(2025, 3, 24), "day")),
        ("Friday night", "future", (dt.date(2025, 3, 28), "day")),
        ("last Thursday", "present", (dt.date(2025, 3, 20), "day")),
        ("next Monday", "past", (dt.date(2025, 3, 31), "day")),
        # days and periods counted from the anchor
        ("yesterday", "past", (dt.date(2025, 3, 26), "day")),
        ("today", "present", (THURSDAY, "day")),
        ("tonight", "future", (THURSDAY, "day")),
        ("last night", "past", (dt.date(2025, 3, 26), "day")),
        ("this morning", "past", (THURSDAY, "day")),
        ("tomorrow", "future", (dt.date(2025, 3, 28), "day")),
        ("last week", "past", (dt.date(2025, 3, 17), "week")),
        ("this week", "past", (dt.date(2025, 3, 24), "week")),
        ("next week", "future", (dt.date(2025, 3, 31), "week")),
        ("this weekend", "future", (dt.date(2025, 3, 29), "week")),
        ("next month", "future", (dt.date(2025, 4, 1), "month")),
        ("last month", "past", (dt.date(2025, 2, 1), "month")),
        ("last year", "past", (dt.date(2024, 1, 1), "year")),
        ("earlier this year", "past", (dt.date(2025, 1, 1), "year")),
        ("later this month", "future", (dt.date(2025, 3, 1), "month")),
        ("the end of the year", "future", (dt.date(2025, 1, 1), "year")),
        ("the end of the year", "past", (dt.date(2024, 1, 1), "year")),
        ("three days ago", "past", (dt.date(2025, 3, 24), "day")),
        ("two years ago", "past", (dt.date(2023, 1, 1), "year")),
        ("a month ago", "past", (dt.date(2025, 2, 1), "month")),
        ("the past two weeks", "past", (dt.date(2025, 3, 13), "month")),
        ("the past three days", "past", (dt.date(2025, 3, 24), "week")),
        # months, days of months and years; a name without a year takes the tense's year
        ("January", "past", (dt.date(2025, 1, 1), "month")),
        ("since January", "present", (dt.date(2025, 1, 1), "month")),
        ("December", "past", (dt.date(2024, 12, 1), "month")),
        ("December", "present", (dt.date(2024, 12, 1), "month")),
        ("June", "future", (dt.date(2025, 6, 1), "month")),
        ("last March", "past", (dt.date(2024, 3, 1), "month")),
        ("May of next year", "present", (dt.date(2026, 5, 1), "month")),
        ("March 5", "past", (dt.date(2025, 3, 5), "day")),
        ("on March 5", "future", (dt.date(2026, 3, 5), "day")),
        ("March 30", "past", (dt.date(2024, 3, 30), "day")),
        ("Feb. 28", "past", (dt.date(2025, 2, 28), "day")),
        ("5th April", "future", (dt.date(2025, 4, 5), "day")),
        ("March 5, 2013", "future", (dt.date(2013, 3, 5), "day")),
        ("March 5-7", "past", (dt.date(2025, 3, 5), "week")),
        ("April 1-30", "future", (dt.date(2025, 4, 1), "month")),
        ("2025-03-05", "present", (dt.date(2025, 3, 5), "day")),
        ("May 2010", "past", (dt.date(2010, 5, 1), "month")),
        ("2013", "past", (dt.date(2013, 1, 1), "year")),
        ("in 2013", "past", (dt.date(2013, 1, 1), "year")),
        ("early 2011", "past", (dt.date(2011, 1, 1), "year")),
        ("2009-2010", "past", (dt.date(2009, 1, 1), "year")),
        # seasons and quarters hold no finer event precision than the year
        ("last summer", "present", (dt.date(2024, 6, 1), "year")),
        ("this winter", "present", (dt.date(2025, 12, 1), "year")),
        ("the first quarter", "past", (dt.date(2025, 1, 1), "year")),
        ("Q3 2012", "past", (dt.date(2012, 7, 1), "year")),
        # no date an event can take: vague references, lengths, decades
        ("now", "present", None),
        ("currently", "present", None),
        ("in the past", "past", None),
        ("five years", "past", None),
        ("decades", "past", None),
        ("the 1990s", "past", None),
        ("the 20th century", "past", None),
    ],
)
def test_resolve(text: str, tense: str, expected: tuple[dt.date, str] | None) -> None:
    assert resolve(text, THURSDAY, tense=tense) == expected


@pytest.mark.parametrize(
    "text",
    [
        "25%",
        "Loading Now",
        "a 25-year sentence",
        "the 24-hour strike",
        "24-hour",
        "63-year-old",
        "a 63-year-old man",
        "25",
        "1,500",
        "the day",
        "that year",
        "digital",
        "",
    ],
)
def test_not_dates(text: str) -> None:
    for tense in ("past", "present", "future"):
        assert resolve(text, THURSDAY, tense=tense) is None


@pytest.mark.parametrize(
    ("text", "anchor", "tense", "value"),
    [
        ("Friday", dt.date(2013, 3, 22), "past", "2013-03-22"),
        ("Thursday", dt.date(2013, 3, 22), "past", "2013-03-21"),
        ("this week", dt.date(2013, 3, 22), "past", "2013-W12"),
        ("the last week", dt.date(2013, 3, 22), "past", "2013-W11"),
        ("this weekend", dt.date(2013, 3, 20), "future", "2013-W12-WE"),
        ("this month", dt.date(2013, 3, 21), "past", "2013-03"),
        ("last summer", dt.date(2013, 3, 22), "past", "2012-SU"),
        ("the second quarter", dt.date(2013, 3, 22), "future", "2013-Q2"),
        ("the second half of 2013", dt.date(2013, 3, 22), "future", "2013-H2"),
        ("next year", dt.date(2013, 3, 22), "future", "2014"),
        ("the 1990s", dt.date(2013, 3, 22), "past", "199"),
        ("the '60s", dt.date(2013, 3, 22), "past", "196"),
        ("the 1800s", dt.date(2013, 3, 22), "past", "18"),
        ("the 20th century", dt.date(2013, 3, 22), "past", "19"),
        ("the twenty-first century", dt.date(2013, 3, 22), "present", "20"),
        ("now", dt.date(2013, 3, 22), "present", "PRESENT_REF"),
        ("at the time", dt.date(2013, 3, 22), "past", "PAST_REF"),
        ("the future", dt.date(2013, 3, 22), "future", "FUTURE_REF"),
        ("five years", dt.date(2013, 3, 22), "future", "P5Y"),
        ("several days", dt.date(2013, 3, 22), "past", "PXD"),
        ("the past two weeks", dt.date(2013, 3, 22), "past", "P2W"),
        ("24-hour", dt.date(2013, 3, 22), "past", "PT24H"),
        ("eight years from now", dt.date(2013, 3, 21), "future", "2021"),
        ("a 25-year sentence", dt.date(2013, 3, 22), "past", None),
    ],
)
def test_resolve_value(text: str, anchor: dt.date, tense: str, value: str | None) -> None:
    assert resolve_value(text, anchor, tense=tense) == value


def test_one_reading_gives_both_forms() -> None:
    value = read_expression("last May", THURSDAY, tense="present")
    assert value == TimeValue("month", dt.date(2024, 5, 1))
    assert (value.timeml, value.event_date()) == ("2024-05", (dt.date(2024, 5, 1), "month"))


def test_an_unknown_tense_is_refused() -> None:
    with pytest.raises(ValueError, match="tense 'perfect'"):
        resolve("Friday", THURSDAY, tense="perfect")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Friday", "weekday"),
        ("Friday's", "weekday"),
        ("last Thursday", "weekday"),
        ("Friday, March 22", "absolute"),
        ("2010", "absolute"),
        ("May 2010", "absolute"),
        ("early August", "absolute"),
        ("the 1990s", "absolute"),
        ("the 20th century", "absolute"),
        ("last year", "relative"),
        ("this week", "relative"),
        ("late last July", "relative"),
        ("two years ago", "relative"),
        ("tonight", "relative"),
        ("now", "vague"),
        ("currently", "vague"),
        ("the past", "vague"),
        ("digital", "other"),
    ],
)
def test_kind_of(text: str, kind: str) -> None:
    assert kind_of(text) == kind
