"""Time expressions read into calendar values, resolved against an anchor date and a tense.

:func:`read_expression` is the one implementation; :func:`resolve` gives what an event needs
(a date and a precision of :data:`newsevents.records.DATE_PRECISIONS`) and :func:`resolve_value`
what TimeML writes (``2013-03-22``, ``2013-W12``, ``2013-03``, ``2013-Q1``, ``2012-SU``, ``2013``,
``199`` for the 1990s, ``19`` for the 20th century, ``PRESENT_REF``, ``P2W``).

The tense ("past", "present" or "future") of the verb an expression hangs on picks among the
occurrences of a name without a year: "Friday" in the past is the latest Friday on or before the
anchor, in the future the first on or after it, in the present the nearer of the two; the same
for months ("in August"), days of a month ("on March 5"), seasons and quarters. Words inside the
expression come first: "last", "since", "ago", "earlier", "past" make it past; "next",
"coming", "later" future. A name equal to the anchor's own (a "Friday" written on a Friday) is the
anchor's: wire style names the day of the week instead of writing "today".

Expressions are read only when every word is a word of dates (:data:`VOCABULARY`, numbers,
month and weekday names), so "Loading Now", "a 25-year sentence", "63-year-old" and "25%" are
not dates; a bare length ("five years", "24-hour") is a duration, never a date.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

TENSES = ("past", "present", "future")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
#: Seasons by the month they start in (northern hemisphere, meteorological), with TimeML's codes.
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_SEASON_CODES = {3: "SP", 6: "SU", 9: "FA", 12: "WI"}
#: Units of time: (TimeML duration letter, length in months, length in days); hours and minutes
#: have no calendar length (they only make durations).
UNITS = {
    "day": ("D", 0, 1), "week": ("W", 0, 7), "fortnight": ("W", 0, 14), "month": ("M", 1, 0),
    "quarter": ("Q", 3, 0), "year": ("Y", 12, 0), "decade": ("DE", 120, 0),
    "century": ("CE", 1200, 0), "hour": ("H", 0, 0), "minute": ("MIN", 0, 0),
}  # fmt: skip
_PLURALS = {"days": "day", "weeks": "week", "months": "month", "years": "year", "hours": "hour",
            "decades": "decade", "centuries": "century", "quarters": "quarter",
            "minutes": "minute", "fortnights": "fortnight", "weekends": "weekend"}  # fmt: skip
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
           "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100}  # fmt: skip
#: Counts that are not numbers: TimeML writes them as X ("PXD"); a date takes the middle value.
VAGUE_COUNTS = {"several": 3, "few": 3, "couple": 2, "many": 5}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "nineteenth": 19, "twentieth": 20}
#: Words that place the expression before or after the anchor whatever the verb's tense.
PAST_WORDS = frozenset({"last", "past", "previous", "ago", "since", "earlier", "recent", "prior"})
FUTURE_WORDS = frozenset({"next", "coming", "later", "upcoming", "following", "hence"})
#: Vague references, as the whole expression (less filler): TimeML's *_REF values.
REFERENCES = {
    frozenset({"now"}): "present", frozenset({"right", "now"}): "present",
    frozenset({"currently"}): "present", frozenset({"nowadays"}): "present",
    frozenset({"presently"}): "present", frozenset({"present"}): "present",
    frozenset({"these", "days"}): "present", frozenset({"moment"}): "present",
    frozenset({"past"}): "past", frozenset({"time"}): "past", frozenset({"that", "time"}): "past",
    frozenset({"recently"}): "past", frozenset({"formerly"}): "past",
    frozenset({"previously"}): "past", frozenset({"lately"}): "past",
    frozenset({"future"}): "future", frozenset({"soon"}): "future",
    frozenset({"someday"}): "future",
}  # fmt: skip
#: Words that add nothing to the value ("the", "fiscal" in "this fiscal year").
FILLER = frozenset(
    {"the", "of", "on", "in", "at", "by", "during", "around", "about", "some", "nearly", "almost",
     "just", "fiscal", "calendar", "and", "to", "through", "until", "till", "from", "for",
     "early", "late", "mid", "middle", "beginning", "start", "s", "this", "current", "that", "so",
     "far", "as", "same"}
)  # fmt: skip
_PARTS_OF_DAY = frozenset({"morning", "afternoon", "evening", "night", "overnight", "noon"})
#: Every word a time expression may contain; any other word makes the text no date.
VOCABULARY = frozenset(
    FILLER | PAST_WORDS | FUTURE_WORDS | _PARTS_OF_DAY
    | set(WEEKDAYS) | set(MONTHS) | set(_MONTH_ABBR) | set(SEASONS) | set(UNITS) | set(_PLURALS)
    | set(NUMBERS) | set(VAGUE_COUNTS) | set(ORDINALS) | {w for ref in REFERENCES for w in ref}
    | {"today", "tonight", "yesterday", "tomorrow", "weekend", "end", "half", "q"}
)  # fmt: skip
#: Words that make a unit a calendar period counted from the anchor ("this week", "last year").
DEICTIC = frozenset(
    {"this", "last", "next", "past", "coming", "previous", "following", "current", "earlier",
     "later", "end", "recent"}
)  # fmt: skip
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_AGE = re.compile(r"\d+\s*-\s*[a-z]+\s*-\s*old\b")


@dataclass(frozen=True, slots=True)
class TimeValue:
    """What a time expression names, resolved.

    ``grain`` is the calendar period starting on ``start`` (day, weekend, week, month, season,
    quarter, half, year, decade, century); "span" for the days ``start`` to ``end`` ("March 5-7",
    "the past two weeks"); "present", "past" or "future" for a vague reference ("now", "in the
    past"); "duration" for a length that places nothing ("five years"). ``duration`` is the
    length in ISO 8601 ("P2W", "PXD") for durations and for spans counted from the anchor.
    """

    grain: str
    start: dt.date | None = None
    end: dt.date | None = None
    duration: str | None = None

    @property
    def timeml(self) -> str:
        """The value as TimeML's TIMEX3 ``value`` attribute writes it."""
        if self.grain in ("present", "past", "future"):
            return f"{self.grain.upper()}_REF"
        if self.duration is not None or self.start is None:
            return self.duration or "PX"
        return _CALENDAR_FORMATS[self.grain](self.start)

    def event_date(self) -> tuple[dt.date, str] | None:
        """The first day and the finest event precision whose period holds the whole value;
        ``None`` for references, durations and periods longer than a year (decades)."""
        if self.start is None:
            return None
        if self.grain == "span" and self.end is not None:
            days = (self.end - self.start).days + 1
            precision = next((p for limit, p in _SPAN_PRECISIONS if days <= limit), None)
        else:
            precision = _EVENT_PRECISIONS.get(self.grain)
        return None if precision is None else (self.start, precision)


def _week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


_CALENDAR_FORMATS: dict[str, Callable[[dt.date], str]] = {
    "day": dt.date.isoformat,
    "span": dt.date.isoformat,
    "week": _week,
    "weekend": lambda d: _week(d) + "-WE",
    "month": lambda d: f"{d.year:04d}-{d.month:02d}",
    "season": lambda d: f"{d.year:04d}-{_SEASON_CODES[d.month]}",
    "quarter": lambda d: f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}",
    "half": lambda d: f"{d.year:04d}-H{1 if d.month < 7 else 2}",
    "year": lambda d: f"{d.year:04d}",
    "decade": lambda d: f"{d.year:04d}"[:3],
    "century": lambda d: f"{d.year // 100:02d}",  # TimeML writes the 20th century as "19"
}
# Quarters, halves and seasons take year precision: events know no finer grain that holds them.
_EVENT_PRECISIONS = {
    "day": "day", "weekend": "week", "week": "week", "month": "month",
    "season": "year", "quarter": "year", "half": "year", "year": "year",
}  # fmt: skip
_SPAN_PRECISIONS = ((1, "day"), (7, "week"), (31, "month"), (366, "year"))


def resolve(text: str, published: dt.date, *, tense: str = "present") -> tuple[dt.date, str] | None:
    """``text`` as an event date and precision, or ``None`` when it names no date finer than
    a year ("now", "five years", "the 1990s") or is not a time expression at all."""
    value = read_expression(text, published, tense=tense)
    return None if value is None else value.event_date()


def resolve_value(text: str, anchor: dt.date, *, tense: str = "present") -> str | None:
    """``text`` as a TimeML value ("2013-W12", "PRESENT_REF"), or ``None`` if it is no time."""
    value = read_expression(text, anchor, tense=tense)
    return None if value is None else value.timeml


@lru_cache(maxsize=4096)
def read_expression(text: str, anchor: dt.date, *, tense: str = "present") -> TimeValue | None:
    """What ``text`` names, given the anchor (publication) date and the tense of its verb."""
    if tense not in TENSES:
        raise ValueError(f"tense {tense!r} is not one of {TENSES}")
    words = _words(text)
    if words is None:
        return None
    if iso := _ISO_DATE.search(text):
        return _day(*(int(part) for part in iso.groups()))
    if PAST_WORDS.intersection(words):
        tense = "past"
    elif FUTURE_WORDS.intersection(words):
        tense = "future"
    for rule in _RULES:
        try:
            found = rule(words, anchor, tense)
        except (OverflowError, ValueError):
            # Counting from an anchor at the calendar's edge ("next year" on 9999-12-31) leaves
            # the years datetime can hold: the expression names no date we can write.
            return None
        if found is not None:
            return found
    return None


def kind_of(text: str) -> str:
    """Which sort of expression ``text`` is, from its words alone (documented in eval/README.md):
    vague (a reference such as "now"), absolute (a year, month, decade or century by name or
    number, with no word relating it to the anchor), weekday, relative (yesterday, this week,
    three years ago, last May), or other."""
    words = _words(text) or ()
    if frozenset(w for w in words if w not in FILLER) in REFERENCES:
        return "vague"
    if any(w in WEEKDAYS for w in words) and not _has_month(words):
        return "weekday"
    anchored = any(w.isdigit() and len(w) == 4 for w in words) or _has_month(words)
    deictic = PAST_WORDS | FUTURE_WORDS | {"today", "tonight", "yesterday", "tomorrow", "this"}
    if (anchored or "century" in words or "s" in words) and not deictic.intersection(words):
        return "absolute"
    if deictic.intersection(words) or set(words) & (set(UNITS) | set(_PLURALS) | set(SEASONS)):
        return "relative"
    return "other"


def _words(text: str) -> tuple[str, ...] | None:
    lowered = text.lower().replace("\u2019", "'")
    if "%" in lowered or _AGE.search(lowered):
        return None  # "25%", "a 63-year-old": amounts and ages, not times
    lowered = re.sub(r"(?<=[a-z])'s\b", "", lowered)  # "Friday's", not "the 1990's"
    words = tuple(re.findall(r"\d+(?:st|nd|rd|th)\b|[a-z]+|\d+", lowered))
    if not words or any(w not in VOCABULARY and not w[0].isdigit() for w in words):
        return None
    return words


def _ordinal(word: str) -> int | None:
    """An ordinal ("20th", "third") as a number; ``None`` for any other word."""
    if word[0].isdigit() and not word.isdigit():
        return int(word[:-2])
    return ORDINALS.get(word)


def _has_month(words: Sequence[str]) -> bool:
    return any(_month_number(w, words) for w in words)


def _month_number(word: str, words: Sequence[str]) -> int | None:
    if word == "may":
        return 5 if len(words) <= 4 else None  # "may" is a month only in a short expression
    if word in MONTHS:
        return MONTHS.index(word) + 1
    return _MONTH_ABBR.get(word)


def _day(year: int, month: int, day: int) -> TimeValue | None:
    try:
        return TimeValue("day", dt.date(year, month, day))
    except ValueError:
        return None


def _number(word: str) -> int | None:
    """A count: "3", "three", "a"; "several" as its middle value (see :data:`VAGUE_COUNTS`)."""
    if word.isdigit():
        return int(word)
    return NUMBERS.get(word, VAGUE_COUNTS.get(word))


def _shift(day: dt.date, *, months: int = 0, days: int = 0) -> dt.date:
    """``day`` moved by whole months (to the first of the month) and then by days."""
    if months:
        index = day.year * 12 + day.month - 1 + months
        day = dt.date(index // 12, index % 12 + 1, 1)
    return day + dt.timedelta(days=days)


def _fit(
    occurrence: Callable[[int], dt.date | None], current: dt.date, tense: str, *, strict: bool
) -> dt.date | None:
    """Of the occurrences one cycle before, in and after the anchor's (``occurrence(-1, 0, 1)``),
    the one the tense picks around ``current`` (the anchor's own period): the latest on or before
    it (past), the first on or after it (future), the nearer (present; a tie goes to the past).
    ``strict`` leaves out ``current`` itself ("last May" written in May is a year back)."""
    options = [day for k in (-1, 0, 1) if (day := occurrence(k)) is not None]
    before = max((d for d in options if d < current or (d == current and not strict)), default=None)
    after = min((d for d in options if d > current or (d == current and not strict)), default=None)
    if tense == "past" or after is None:
        return before
    if tense == "future" or before is None:
        return after
    return before if current - before <= after - current else after


def _direction(words: Sequence[str], tense: str) -> tuple[str, bool]:
    """The tense to fit by, and whether to skip the anchor's own period ("last", "next")."""
    if "last" in words or "previous" in words:
        return "past", True
    if "next" in words or "following" in words:
        return "future", True
    return tense, False


def _year_in(words: Sequence[str]) -> int | None:
    return next((int(w) for w in words if len(w) == 4 and w.isdigit() and 1000 <= int(w) < 2200),
                None)  # fmt: skip


# The rules, tried in order. Each takes the words, the anchor and the tense.


def _reference(words: Sequence[str], anchor: dt.date, tense: str) -> TimeValue | None:
    grain = REFERENCES.get(frozenset(w for w in words if w not in FILLER))
    if grain is None and "ago" in words and not any(_number(w) for w in words):
        grain = "past"  # "years ago"
    return None if grain is None else TimeValue(grain)


def _relative_day(words: Sequence[str], anchor: dt.date, tense: str) -> TimeValue | None:
    offsets = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
    found = [offsets[w] for w in words if w in offsets]
    if found:
        return TimeValue("day", anchor + dt.timedelta(days=found[0]))
    rest = [w for w in words if w not in FILLER]
    if rest and set(rest) <= _PARTS_OF_DAY | {"last"} and len(rest) <= 2:
        back = 1 if "last" in rest else 0  # "last night"; "this morning"
        return TimeValue("day", anchor - dt.timedelta(days=back))
    return None


def _weekday(words: Sequence[str], anchor: dt.date, tense: str) -> TimeValue | None:
    day = next((WEEKDAYS.index(w) for w in words if w in WEEKDAYS), None)
    if day is None or _has_month(words) or _year_in(words) or len(words) > 5:
        return None
    monday = anchor - dt.timedelta(days=anchor.weekday())
    tense, strict = _direction(words, tense)
    found = _fit(lambda k: monday + dt.timedelta(days=day + 7 * k), anchor, tense, strict=strict)
    return None if found is None else TimeValue("day", found)


def _count_and_unit(words: Sequence[str]) -> tuple[int | None, str, str] | None:
    """The count, unit and the count as TimeML writes it: "three years" (3, "year", "3"),
    "several days" (3, "day", "X"), "weeks" (None, "week", "X"); ``None`` for a unit without a
    count ("the week"), which is a calendar period if anything."""
    for i, word in enumerate(words):
        unit = _PLURALS.get(word, word)
        if unit not in UNITS:
            continue
        count = _number(words[i - 1]) if i else None
        if count is None:
            return (None, unit, "X") if word in _PLURALS else None
        return count, unit, "X" if words[i - 1] in VAGUE_COUNTS else str(count)
    return None


def _iso_length(count: str, unit: str) -> str:
    letter = UNITS[unit][0]
    if unit in ("hour", "minute"):
        return f"PT{count}{letter[0]}"
    return f"P{int(count) * 2}W" if unit == "fortnight" and count != "X" else f"P{count}{letter}"


def _moved(anchor: dt.date, count: int, unit: str, sign: int) -> dt.date:
    _, months, days = UNITS[unit]
    if months:
        return _shift(anchor, months=sign * count * months)
    return _shift(anchor, days=sign * count * days)


def _ago(words: Sequence[str], anchor: dt.date, tense: str) -> TimeValue | None:
    later = ("from" in words and "now" in words) or "hence" in words
    found = _count_and_unit(words)
    if found is None or found[0] is None or not ("ago" in words or later):
        return None
    count, unit, _ = found
    day = _moved(anchor, count, unit, 1 if later else -1)
    grain = {"hour": "day", "minute": "day", "decade": "year", "century": "year"}.get(unit, unit)
    return TimeValue(grain, _start_of(grain, day))


def _span(words: Sequence[str], anchor: dt.date, tense: str) -> TimeValue | None:
    """A span ending at the anchor ("the past two weeks") or starting at it ("the next three
    days"), or a bare length ("five years": a duration, no date)."""
    found = _count_and_unit(words)
    if found is None or "ago" in words:
        return None
    count, unit, written = found
    back = {"past", "last", "previous", "recent"}.intersection(words)
    ahead = {"next", "coming", "following"}.intersection(words)
    length = _iso_length(written, unit)
    if count is None or unit in ("hour", "minute") or not (back or ahead):
        return TimeValue("duration", duration=length)
    if back:
        return TimeValue("span", _moved(anchor, count, unit, -1), anchor, length)
    return TimeValue("span", anchor, _moved(anchor, count, unit, 1), length)


def _start_of(grain: str, day: dt.date) -> dt.date:
    """The first day of the ``grain`` period that holds ``day``."""
    if grain in ("week", "weekend"):
        return day - dt.timedelta(days=day.weekday()) + dt.timedelta(5 if grain == "weekend" else 0)
    if grain == "month":
        return day.replace(day=1)
    if grain in ("quarter", "half"):
        size = 3 if grain == "quarter" else 6
        return dt.date(day.year, (day.month - 1) // size * size + 1, 1)
    if grain in ("year", "decade", "century"):
        size = {"year": 1, "decade": 10, "century": 100}[grain]
        return dt.date(max(day.year // size * size, 1), 1, 1)
    return day


def _step(words: Sequence[str]) -> int:
    """-1 for "last/past/previous", +1 for "next/coming/following", else 0 ("this")."""
    if {"last", "past", "previous"}.intersection(words):
        return -1
    return 1 if {"next", "coming", "following"}.intersection(words) else 0


def _relative_period(words: Sequence[str], anchor: dt.date, tense: str) -> TimeValue | None:
    """A period counted from the anchor's: "this week", "last month", "earlier this year"."""
    grain = next((w for w in words if w in UNITS or w == "weekend"), None)
    if grain is None or grain in ("hour", "minute", "day", "fortnight"):
        return None
    if _year_in(words) or not DEICTIC.intersection(words):
        return None  # "that year", "the week" point back into the text, not to the anchor
    if grain == "year" and "end" in words and not _step(words):
        # "the end of the year": the December the tense points to, at year grain
        december = _fit(lambda k: dt.date(anchor.year + k, 12, 1), anchor, tense, strict=False)
        return None if december is None else TimeValue("year", dt.date(december.year, 1, 1))
    start = _start_of(grain, anchor)
    if grain in ("week", "weekend"):
        return TimeValue(grain, start + dt.timedelta(days=7 * _step(words)))
    return TimeValue(grain, _shift(start, months=_step(words) * UNITS[grain][1]))


def _day_number(word: str) -> int | None:
    number = int(word) if word.isdigit() else _ordinal(word) if word[0].isdigit() else None
    return number if number is not None and 1 <= number <= 31 and len(word) <= 4 else None


def _month_day(words: Sequence[str], anchor: dt.date, tense: str) -> TimeValue | None:
    """A day of a month: "March 5", "5 March", "March 5th, 2013", "March 5-7" (a span)."""
    i, month = next(((i, m) for i, w in enumerate(words) if (m := _month_number(w, words))),
                    (0, None))  # fmt: skip
    nearby = (*words[i + 1 : i + 3], *words[max(i - 1, 0) : i])
    days = [d for w in nearby if (d := _day_number(w)) is not None]
    if month is None or not days:
        return None
    year = _year_in(words)
    if year is not None:
        start = _date_or_none(year, month, days[0])
    else:
        tense, strict = _direction(words, tense)
        start = _fit(lambda k: _date_or_none(anchor.year + k, month, days[0]), anchor, tense,
                     strict=strict)  # fmt: skip
    if start is None:
        return None
    end = _date_or_none(start.year, month, days[1]) if len(days) > 1 else None
    if end is not None and end > start:
        return TimeValue("span", start, end)
    return TimeValue("day", start)


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    found = _day(year, month, day)
    return found.start if found else None


def _named_period(
    words: Sequence[str], anchor: dt.date, tense: str, *, grain: str, month: int
) -> TimeValue:
    """The period of ``grain`` starting in ``month``, in the year the words or the tense give:
    "May 2010", "last May", "May of next year", "this May", or "May" in a past sentence."""
    year = _year_in(words)
    if year is None and "year" in words:
        year = anchor.year + _step(words)
    if year is None and "this" in words:
        year = anchor.year
    if year is not None:
        return TimeValue(grain, dt.date(year, month, 1))
    tense, strict = _direction(words, tense)
    current = _season_start(anchor) if grain == "season" else _start_of(grain, anchor)
    found = _fit(lambda k: dt.date(anchor.year + k, month, 1), current, tense, strict=strict)
    return TimeValue(grain, found or dt.date(anchor.year, month, 1))


def _season_start(day: dt.date) -> dt.date:
    """The first day of the season ``day`` is in (winter starts in December of the year before)."""
    month = max((m for m in _SEASON_CODES if m <= day.month), default=12)
    return dt.date(day.year - (month > day.month), month, 1)


def _month(words: Sequence[str], anchor: dt.date, tense: str) -> TimeValue | None:
    month = next((m for w in words if (m := _month_number(w, words))), None)
    if month is None:
        return None
    return _named_period(words, anchor, tense, grain="month", month=month)


def _season(words: Sequence[str], anchor: dt.date, tense: str) -> TimeValue | None:
    month = next((SEASONS[w] for w in words if w in SEASONS), None)
    if month is None:
        return None
    return _named_period(words, anchor, tense, grain="season", month=month)


def _quarter(words: Sequence[str], anchor: dt.date, tense: str) -> TimeValue | None:
    """A quarter or half year: "the first quarter", "Q3 2012", "the second half of 2013"."""
    grain = "quarter" if {"quarter", "q"}.intersection(words) else "half" if "half" in words else ""
    numbers = (_ordinal(w) or (int(w) if w.isdigit() and len(w) == 1 else None) for w in words)
    ordinal = next((n for n in numbers if n is not None), None)
    if not grain or ordinal is None or not 1 <= ordinal <= (4 if grain == "quarter" else 2):
        return None
    month = (ordinal - 1) * (3 if grain == "quarter" else 6) + 1
    return _named_period(words, anchor, tense, grain=grain, month=month)


def _decade_or_century(words: Sequence[str], anchor: dt.date, tense: str) -> TimeValue | None:
    """A decade or century by name: "the 1990s", "the '90s", "the 1800s", "the 20th century"."""
    if "century" in words and (number := next(filter(None, map(_ordinal, words)), None)):
        if "twenty" in words:
            number += 20  # "the twenty-first century"
        return TimeValue("century", dt.date(max(number - 1, 0) * 100 or 1, 1, 1))
    for word, after in itertools.pairwise(words):
        if word.isdigit() and after == "s" and word.endswith("0") and len(word) in (2, 4):
            year = int(word) if len(word) == 4 else 2000 + int(word)
            year = year - 100 if len(word) == 2 and year > anchor.year else year
            grain = "century" if word.endswith("00") and year < 2000 else "decade"
            return TimeValue(grain, dt.date(year, 1, 1))
    return None


def _year(words: Sequence[str], anchor: dt.date, tense: str) -> TimeValue | None:
    year = _year_in(words)
    return None if year is None else TimeValue("year", dt.date(year, 1, 1))


_RULES = (
    _reference,
    _relative_day,
    _weekday,
    _ago,
    _span,
    _month_day,
    _month,
    _season,
    _quarter,
    _decade_or_century,
    _relative_period,
    _year,
)
