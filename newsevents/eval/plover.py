"""PLOVER suite: event types and actor countries against the PLOVER gold-standard records
(``events/plover/PLOVER_GSR_CAMEO.txt``: 322 example sentences of the CAMEO manual, each coded
with one PLOVER event, its source and target actors as country + sector, mode and context).

Each gold sentence is coded as a document of its own, published on the record's ``date``; only
events whose source actor was coded count (what a user of ``newsevents`` sees). Per sentence:

    type+source  some event has the gold type AND a source country among the gold sources
                 (the headline; the floor in ``eval/floors.toml`` pins it)
    type         some event has the gold type
    top type     the event the coder is surest of has the gold type
    source       some event's source country is among the gold sources (sentences with a source)
    target       some event's target country is among the gold targets (sentences with a target)
    covered      the sentence has any event

Shares are over all 322 sentences except source and target, which count only the sentences whose
record names one. Per-type precision, recall and F1 count each predicted type once per sentence
(:func:`newsevents.eval.events.class_scores`).

Gold names are read as the current PLOVER types (:func:`~newsevents.events.ontology.
plover_current`: DEMAND→REQUEST, DISAPPROVE→ACCUSE, INVESTIGATE→ACCUSE, FIGHT→ASSAULT), and
three actor codes that are no ISO or CAMEO code are read as the country meant
(:data:`GOLD_CODE_FIXES`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsevents.errors import DataFileError, UnknownPloverName, UsageError
from newsevents.eval.events import (
    ClassScore,
    CodeTexts,
    best_event,
    class_scores,
    class_table,
    code_all,
    macro_f1,
    micro,
    share,
)
from newsevents.events.ontology import PLOVER_TYPES, plover_current

if TYPE_CHECKING:
    from newsevents.records import Event

#: Actor codes of the gold file that are no country code, read as the country the sentence
#: names: JAP for Japan ("Tokyo", "Japanese Prime Minister"), ITL for Italy, VTN for Vietnam
#: ("Vietnamese-led forces"). Other non-ISO codes (IGO, NGO, IMG, ISM) are CAMEO's non-state
#: roots and are compared as they are.
GOLD_CODE_FIXES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
#: Most frequent mistakes listed in a report: the top of the list shows where rules are missing.
CONFUSIONS = 12
#: Label of a sentence with no event, and of an event with no PLOVER type (CAMEO 01, 02).
NO_EVENT, NO_TYPE = "none", "untyped"

# A JSON string (kept as it is) or a comma before a closing bracket (dropped).
_TRAILING_COMMA = re.compile(r'("(?:[^"\\]|\\.)*")|,(\s*[\]}])')


@dataclass(frozen=True, slots=True)
class PloverGold:
    """One gold record: the sentence, its event type (current name) and actor countries."""

    id: str
    text: str
    published: dt.date | None
    event: str
    draft_event: str  # the name as the file writes it (DEMAND, FIGHT …)
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    mode: str | None = None
    context: str | None = None


@dataclass(frozen=True, slots=True)
class PredictedEvent:
    """What the coder said about one event of a gold sentence (for error analysis)."""

    plover_type: str | None
    cameo: str
    action: str
    source: str
    source_country: str | None
    target: str | None
    target_country: str | None
    modality: str
    confidence: float


@dataclass(frozen=True, slots=True)
class PloverRow:
    """One gold sentence: gold values, the coder's events and which checks they passed."""

    id: str
    text: str
    gold_event: str
    draft_event: str
    gold_sources: tuple[str, ...]
    gold_targets: tuple[str, ...]
    predicted: tuple[PredictedEvent, ...]
    top: str  # the type of the event the coder is surest of, or none / untyped
    type_source_hit: bool
    type_hit: bool
    top_type_hit: bool
    source_hit: bool | None  # None: the record names no source
    target_hit: bool | None  # None: the record names no target


@dataclass(frozen=True, slots=True)
class PloverReport:
    """The suite's result: shares with their counts, per-type scores, mistakes and rows."""

    sentences: int
    type_source_hits: int
    type_hits: int
    top_type_hits: int
    source_hits: int
    source_sentences: int
    target_hits: int
    target_sentences: int
    covered: int
    events: int
    types: tuple[ClassScore, ...]
    micro: ClassScore
    macro_f1: float
    confusions: tuple[tuple[str, str, int], ...]  # (gold, predicted, sentences), most first
    renamed: tuple[tuple[str, str, int], ...]  # (draft name, current type, records)
    seconds: float
    rows: tuple[PloverRow, ...]

    @property
    def type_source_accuracy(self) -> float:
        """The number the floor in ``eval/floors.toml`` pins (module docstring)."""
        return share(self.type_source_hits, self.sentences)

    @property
    def type_accuracy(self) -> float:
        return share(self.type_hits, self.sentences)

    @property
    def top_type_accuracy(self) -> float:
        return share(self.top_type_hits, self.sentences)

    @property
    def source_accuracy(self) -> float:
        return share(self.source_hits, self.source_sentences)

    @property
    def target_accuracy(self) -> float:
        return share(self.target_hits, self.target_sentences)

    @property
    def coverage(self) -> float:
        return share(self.covered, self.sentences)

    def summary(self) -> str:
        """A few lines for a person: the shares with counts, per-type scores, top mistakes."""
        lines = [
            f"{self.sentences} sentences, {self.events} events in {self.seconds:.1f} s",
            _line("type+source", self.type_source_hits, self.sentences),
            _line("type (any event)", self.type_hits, self.sentences),
            _line("type (top event)", self.top_type_hits, self.sentences),
            _line("source country", self.source_hits, self.source_sentences),
            _line("target country", self.target_hits, self.target_sentences),
            _line("coverage", self.covered, self.sentences),
            f"type micro P {self.micro.precision:.4f}  R {self.micro.recall:.4f}  "
            f"F1 {self.micro.f1:.4f}   macro F1 {self.macro_f1:.4f}",
        ]
        lines += class_table(self.types, heading="type")
        lines.append("most frequent mistakes (gold -> top predicted):")
        lines += [f"  {count:3d}  {gold} -> {guess}" for gold, guess, count in self.confusions]
        renamed = ", ".join(f"{old}->{new} ({n})" for old, new, n in self.renamed)
        lines.append(f"draft names read as current types: {renamed or 'none'}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values, with every sentence's gold and predicted events."""
        data = asdict(self)
        for name in (
            "type_source_accuracy",
            "type_accuracy",
            "top_type_accuracy",
            "source_accuracy",
            "target_accuracy",
            "coverage",
        ):
            data[name] = getattr(self, name)
        return data


def run_plover_suite(path: Path, *, code: CodeTexts) -> PloverReport:
    """Code every gold sentence of the file at ``path`` with ``code`` and score the events.

    ``seconds`` covers the coding, not the loading or scoring.
    """
    gold = load_plover(path)
    started = time.perf_counter()
    events = code_all(
        [record.text for record in gold], [record.published for record in gold], code=code
    )
    return score_plover(gold, events, seconds=time.perf_counter() - started)


def load_plover(path: Path) -> tuple[PloverGold, ...]:
    """The event records of a PLOVER gold file (JSON list, trailing commas allowed).

    Records whose event is DOCUMENT describe the file and are skipped.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file (the PLOVER gold records; see --data)") from None
    try:
        records = json.loads(_TRAILING_COMMA.sub(lambda m: m.group(1) or m.group(2), text))
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{path}, line {exc.lineno}: not JSON: {exc.msg}") from None
    if not isinstance(records, list):
        raise DataFileError(f"{path}: expected a JSON list of records")
    gold = tuple(
        _gold(record, path=path) for record in records if record.get("event") != "DOCUMENT"
    )
    if not gold:
        raise DataFileError(f"{path}: no event records")
    return gold


def _gold(record: dict[str, Any], *, path: Path) -> PloverGold:
    name = str(record.get("id", "?"))
    if not record.get("text") or not record.get("event"):
        raise DataFileError(f"{path}: record {name} has no text or no event")
    try:
        event = plover_current(record["event"])
    except UnknownPloverName as exc:
        raise DataFileError(f"{path}: record {name}: {exc}") from None
    return PloverGold(
        id=name,
        text=record["text"],
        published=_date(record.get("date"), path=path, name=name),
        event=event,
        draft_event=record["event"],
        sources=_countries(record.get("source")),
        targets=_countries(record.get("target")),
        mode=record.get("mode") or None,
        context=record.get("context") or None,
    )


def _date(value: object, *, path: Path, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DataFileError(f"{path}: record {name}: date {value!r} is not YYYY-MM-DD") from None


def _countries(actors: object) -> tuple[str, ...]:
    """The distinct country codes of a gold actor list; anything but a list (the file has "" and
    one context word in its place) names no actor."""
    if not isinstance(actors, list):
        return ()
    codes = (str(actor.get("code") or "").strip().upper()[:3] for actor in actors)
    return tuple(dict.fromkeys(GOLD_CODE_FIXES.get(code, code) for code in codes if code))


def score_plover(
    gold: tuple[PloverGold, ...], events: list[tuple[Event, ...]], *, seconds: float = 0.0
) -> PloverReport:
    """Score ``events`` (one tuple per gold record, in order) against ``gold``."""
    rows = tuple(_row(record, found) for record, found in zip(gold, events, strict=True))
    types = class_scores(
        ((row.gold_event, _types(row.predicted)) for row in rows), labels=PLOVER_TYPES
    )
    types = tuple(score for score in types if score.support or score.predicted)
    with_source = [row for row in rows if row.source_hit is not None]
    with_target = [row for row in rows if row.target_hit is not None]
    return PloverReport(
        sentences=len(rows),
        type_source_hits=sum(row.type_source_hit for row in rows),
        type_hits=sum(row.type_hit for row in rows),
        top_type_hits=sum(row.top_type_hit for row in rows),
        source_hits=sum(bool(row.source_hit) for row in with_source),
        source_sentences=len(with_source),
        target_hits=sum(bool(row.target_hit) for row in with_target),
        target_sentences=len(with_target),
        covered=sum(bool(row.predicted) for row in rows),
        events=sum(len(row.predicted) for row in rows),
        types=types,
        micro=micro(types),
        macro_f1=macro_f1(types),
        confusions=_confusions(rows),
        renamed=_renamed(gold),
        seconds=seconds,
        rows=rows,
    )


def _row(record: PloverGold, events: tuple[Event, ...]) -> PloverRow:
    predicted = tuple(_predicted(record.text, event) for event in events)
    top = _label(best_event(events))
    sources = {event.source.country for event in events}
    targets = {event.target.country for event in events if event.target}
    return PloverRow(
        id=record.id,
        text=record.text,
        gold_event=record.event,
        draft_event=record.draft_event,
        gold_sources=record.sources,
        gold_targets=record.targets,
        predicted=predicted,
        top=top,
        type_source_hit=any(
            event.plover_type == record.event and event.source.country in record.sources
            for event in events
        ),
        type_hit=record.event in _types(predicted),
        top_type_hit=top == record.event,
        source_hit=bool(sources & set(record.sources)) if record.sources else None,
        target_hit=bool(targets & set(record.targets)) if record.targets else None,
    )


def _predicted(text: str, event: Event) -> PredictedEvent:
    target = event.target
    return PredictedEvent(
        plover_type=event.plover_type,
        cameo=event.cameo,
        action=text[event.action_start : event.action_end],
        source=event.source.code,
        source_country=event.source.country,
        target=target.code if target else None,
        target_country=target.country if target else None,
        modality=event.modality,
        confidence=event.confidence,
    )


def _types(predicted: tuple[PredictedEvent, ...]) -> set[str]:
    return {event.plover_type for event in predicted if event.plover_type}


def _confusions(rows: tuple[PloverRow, ...]) -> tuple[tuple[str, str, int], ...]:
    """(gold type, the top event's label, count) for sentences whose events all miss the gold
    type, most frequent first."""
    mistakes: Counter[tuple[str, str]] = Counter()
    for row in rows:
        if row.type_hit:
            continue
        mistakes[row.gold_event, row.top] += 1
    ranked = sorted(mistakes.items(), key=lambda item: (-item[1], item[0]))
    return tuple((gold, guess, count) for (gold, guess), count in ranked[:CONFUSIONS])


def _label(event: Event | None) -> str:
    return NO_EVENT if event is None else (event.plover_type or NO_TYPE)


def _renamed(gold: tuple[PloverGold, ...]) -> tuple[tuple[str, str, int], ...]:
    counts = Counter((r.draft_event, r.event) for r in gold if r.draft_event != r.event)
    return tuple((old, new, count) for (old, new), count in sorted(counts.items()))


def _line(name: str, hits: int, total: int) -> str:
    return f"{name:<17} {share(hits, total):.4f}  ({hits}/{total})"
