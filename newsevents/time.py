"""Stage 5, time: each event's date, from the time expressions that govern its action.

A time expression (a spaCy DATE or TIME entity) governs an action when walking up the parse
from the expression reaches the action's verb (or the action noun) before any other verb, or
reaches a verb that governs the action through ``xcomp`` ("On Friday, she is expected to
continue ..."). It is resolved against the article's publication date and the action's tense:

    weekday        past: the latest such day on or before publication ("arrived on Thursday");
                   future or planned: the next one after it ("is expected ... on Friday")
    relative       today, tonight, yesterday, tomorrow; last/this/next week, month, year;
                   "earlier this week"; "three days ago"
    absolute       "March 5", "March 5, 2024", "in January" / "since January" (month), "2013"
                   (year); a month or day without a year takes the year that fits the tense

With no expression the event takes the publication date with precision "publication"; a past
action marked as earlier ("her previous stop, where she met ...") takes the week before
publication (precision "week"). An article without a publication date gives its events no date.
Of an event's several mentions, the most precise date wins.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from newsevents.events.modality import governing_chain, verb_of
from newsevents.records import Event

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

Resolved = tuple[dt.date, str]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "publication": 4}
#: Modifiers that place a past action before the article's main news ("her previous stop").
EARLIER = frozenset({"previous", "earlier", "prior", "previously", "already", "former"})
_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "several": 3}  # fmt: skip


def date_events(events: Iterable[Event], doc: Doc, *, published: dt.date | None) -> list[Event]:
    """Each event with ``date`` and ``date_precision`` set."""
    events = list(events)
    if published is None:
        return [replace(e, date=None, date_precision=None) for e in events]
    by_offset = {token.idx: token for token in doc}
    dated = []
    for event in events:
        triggers = [by_offset[o] for o in (event.action_start, *event.repeats) if o in by_offset]
        day, precision = _best(triggers, event, published)
        dated.append(replace(event, date=day, date_precision=precision))
    return dated


def _best(triggers: Sequence[Token], event: Event, published: dt.date) -> Resolved:
    found = [r for t in triggers if (r := date_of(t, published, modality=event.modality))]
    if not found:
        return published, "publication"
    return min(found, key=lambda r: _PRECISION_RANK[r[1]])


def date_of(trigger: Token, published: dt.date, *, modality: str) -> Resolved | None:
    """The date the expressions governing ``trigger`` give, or ``None`` when there are none."""
    future = modality in ("planned", "intended") or _has_future_aux(trigger)
    for expression in governing_expressions(trigger):
        resolved = resolve(expression.text, published, future=future)
        if resolved is not None:
            return resolved
    if not future and _is_past(trigger) and _marked_earlier(trigger):
        return published - dt.timedelta(days=1), "week"
    return None


def governing_expressions(trigger: Token) -> list[Span]:
    """DATE/TIME entities of the trigger's sentence that govern it (see the module docstring)."""
    verb = verb_of(trigger)
    governors = (
        {t.i for t in governing_chain(verb) if t is verb or t.dep_ == "xcomp"} if verb else set()
    )
    governors |= {trigger.i}
    if verb is not None:
        governors |= {t.head.i for t in governing_chain(verb) if t.dep_ == "xcomp"}
    found = []
    for entity in trigger.sent.ents:
        if entity.label_ in ("DATE", "TIME") and _attached_to(entity.root) in governors:
            found.append(entity)
    return found


def _attached_to(token: Token) -> int:
    """The first verb (or nominal trigger) above a time expression, as a token index."""
    current = token
    for _ in range(8):
        if current.head is current:
            return current.i
        current = current.head
        if current.pos_ == "VERB" or (current.pos_ in ("AUX", "NOUN") and current.dep_ != "pobj"):
            return current.i
    return current.i


def resolve(text: str, published: dt.date, *, future: bool) -> Resolved | None:
    """``text`` (a time expression) as a date and precision, or ``None`` if it is not one."""
    words = re.findall(r"[a-z]+|\d+", text.lower())
    if not words:
        return None
    for rule in (_relative_day, _weekday, _relative_period, _ago, _month_day, _month, _year):
        found = rule(words, published, future)
        if found is not None:
            return found
    return None


def _relative_day(words: list[str], published: dt.date, future: bool) -> Resolved | None:
    offsets = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
    for word in words:
        if word in offsets:
            return published + dt.timedelta(days=offsets[word]), "day"
    if words[:2] in (["this", "morning"], ["this", "afternoon"], ["this", "evening"]):
        return published, "day"
    if words[:2] == ["last", "night"]:
        return published - dt.timedelta(days=1), "day"
    return None


def _weekday(words: list[str], published: dt.date, future: bool) -> Resolved | None:
    day = next((WEEKDAYS.index(w) for w in words if w in WEEKDAYS), None)
    if day is None or len(words) > 4:
        return None
    if "next" in words or (future and "last" not in words):
        ahead = (day - published.weekday()) % 7 or 7
        return published + dt.timedelta(days=ahead), "day"
    back = (published.weekday() - day) % 7
    if "last" in words and back == 0:
        back = 7
    return published - dt.timedelta(days=back), "day"


def _relative_period(words: list[str], published: dt.date, future: bool) -> Resolved | None:
    unit = next((w for w in words if w in ("week", "month", "year")), None)
    which = next((w for w in words if w in ("last", "this", "next", "past", "coming")), None)
    if unit is None or which is None or len(words) > 4:
        return None
    step = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1}[which]
    if unit == "week":
        return published + dt.timedelta(days=7 * step), "week"
    if unit == "month":
        month = published.month - 1 + step
        return dt.date(published.year + month // 12, month % 12 + 1, 1), "month"
    return dt.date(published.year + step, 1, 1), "year"


def _ago(words: list[str], published: dt.date, future: bool) -> Resolved | None:
    if "ago" not in words or len(words) < 3:
        return None
    amount, unit = words[-3], words[-2]
    number = int(amount) if amount.isdigit() else _NUMBERS.get(amount)
    if number is None:
        return None
    if unit in _UNITS:
        precision = "day" if _UNITS[unit] == 1 else "week"
        return published - dt.timedelta(days=number * _UNITS[unit]), precision
    if unit in ("month", "months"):
        month = published.month - 1 - number
        return dt.date(published.year + month // 12, month % 12 + 1, 1), "month"
    if unit in ("year", "years"):
        return dt.date(published.year - number, 1, 1), "year"
    return None


def _month_number(word: str) -> int | None:
    if word in MONTHS:
        return MONTHS.index(word) + 1
    return _MONTH_ABBR.get(word) if len(word) in (3, 4) else None


def _month_day(words: list[str], published: dt.date, future: bool) -> Resolved | None:
    for i, word in enumerate(words[:-1]):
        month = _month_number(word)
        nxt = words[i + 1]
        if month and nxt.isdigit() and 1 <= int(nxt) <= 31:
            year = _year_in(words[i + 2 :])
            try:
                day = dt.date(year or published.year, month, int(nxt))
            except ValueError:
                return None
            return (day if year else _fit_year(day, published, future)), "day"
    return None


def _month(words: list[str], published: dt.date, future: bool) -> Resolved | None:
    month = next((m for w in words if (m := _month_number(w)) and w != "may"), None)
    if month is None and "may" in words and len(words) <= 3 and words[-1] in ("may",):
        month = 5
    if month is None:
        return None
    year = _year_in(words)
    day = dt.date(year or published.year, month, 1)
    if not year:
        day = _fit_year(day, dt.date(published.year, published.month, 1), future)
    return day, "month"


def _year(words: list[str], published: dt.date, future: bool) -> Resolved | None:
    year = _year_in(words)
    return (dt.date(year, 1, 1), "year") if year and len(words) <= 3 else None


def _year_in(words: Sequence[str]) -> int | None:
    return next((int(w) for w in words if len(w) == 4 and w.isdigit() and 1900 <= int(w) <= 2100),
                None)  # fmt: skip


def _fit_year(day: dt.date, published: dt.date, future: bool) -> dt.date:
    """A date given without a year, in the year that agrees with the tense."""
    if not future and day > published:
        return day.replace(year=day.year - 1)
    if future and day < published:
        return day.replace(year=day.year + 1)
    return day


def _has_future_aux(trigger: Token) -> bool:
    verb = verb_of(trigger)
    return verb is not None and any(
        c.dep_ == "aux" and c.lower_ in ("will", "shall", "'ll") for c in verb.children
    )


def _is_past(trigger: Token) -> bool:
    verb = verb_of(trigger)
    return verb is not None and (
        verb.tag_ == "VBD" or any(c.lower_ in ("had", "has", "have") for c in verb.children)
    )


def _marked_earlier(trigger: Token) -> bool:
    current = trigger
    for _ in range(8):
        if any(c.lower_ in EARLIER for c in current.children if c.dep_ in ("amod", "advmod")):
            return True
        if current.head is current:
            return False
        current = current.head
    return False
