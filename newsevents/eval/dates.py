"""Dates suite: time expressions resolved against TimeML gold values (TempEval-3 platinum).

Each ``.tml`` file of a folder holds one article: its creation date in ``<DCT><TIMEX3 value=...>``
and its text in ``<TEXT>``, where every time expression is a ``<TIMEX3 type=... value=...>``
element. The suite takes each expression of type DATE, finds its span in the text (tags
stripped, character offsets), parses the text with spaCy to read the tense of the verb the
expression hangs on (:func:`newsevents.time.expression_tense`), resolves the expression's text
against the creation date (:func:`newsevents.time.resolve_value`) and compares the result with
the gold value as strings ("2013-03-22", "2013-W12", "2012-SU", "PRESENT_REF"):

    accuracy = expressions whose resolved value equals the gold value / all DATE expressions

An expression the resolver does not read counts wrong. Accuracy is also given by kind
(:func:`newsevents.time.kind_of`, from the expression's words alone): weekday ("Friday"),
relative ("last year", "this week", "two years ago"), absolute ("2010", "May 2010", "August",
"the 20th century"), vague ("now", "the past"), other (none of these: "the day", "digital").
"""

from __future__ import annotations

import datetime as dt
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsevents.errors import DataFileError, UsageError
from newsevents.eval.events import share
from newsevents.time import expression_tense, kind_of, resolve_value

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: The kinds accuracy is broken down by, in the order the summary lists them.
KINDS = ("weekday", "relative", "absolute", "vague", "other")

Parse = Callable[[Sequence[str]], Iterable["Doc"]]


@dataclass(frozen=True, slots=True)
class Timex:
    """One gold DATE expression: its id, text, TimeML value and character span in the text."""

    tid: str
    text: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TimeMLDocument:
    """One ``.tml`` file: its name, creation date, text (tags stripped) and DATE expressions."""

    name: str
    created: dt.date
    text: str
    expressions: tuple[Timex, ...]


@dataclass(frozen=True, slots=True)
class DateRow:
    """One expression with its gold and resolved value, kind and the tense it was read in."""

    file: str
    tid: str
    text: str
    gold: str
    predicted: str | None
    kind: str
    tense: str

    @property
    def correct(self) -> bool:
        return self.predicted == self.gold


@dataclass(frozen=True, slots=True)
class KindScore:
    """Accuracy on the expressions of one kind, with the counts behind it."""

    kind: str
    expressions: int
    correct: int

    @property
    def accuracy(self) -> float:
        return share(self.correct, self.expressions)


@dataclass(frozen=True, slots=True)
class DatesReport:
    """The suite's result: value accuracy overall and by kind, and every expression."""

    documents: int
    expressions: int
    correct: int
    kinds: tuple[KindScore, ...]
    seconds: float
    rows: tuple[DateRow, ...]

    @property
    def accuracy(self) -> float:
        """The number the floor in ``eval/floors.toml`` pins (module docstring)."""
        return share(self.correct, self.expressions)

    def summary(self) -> str:
        """A few lines for a person: accuracy overall and by kind, then every mistake."""
        lines = [
            f"{self.expressions} DATE expressions in {self.documents} documents, "
            f"{self.seconds:.1f} s",
            f"value accuracy  {self.accuracy:.4f}  ({self.correct}/{self.expressions})",
            *(
                f"  {s.kind:<10}  {s.accuracy:.4f}  ({s.correct}/{s.expressions})"
                for s in self.kinds
            ),
            "mistakes (file, text, tense: gold -> predicted):",
        ]
        lines += [
            f"  {row.file}  {row.text!r} {row.tense}: {row.gold} -> {row.predicted}"
            for row in self.rows
            if not row.correct
        ]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values, with every expression (text, gold, predicted, kind, file)."""
        data = asdict(self)
        data["accuracy"] = self.accuracy
        data["kinds"] = {s.kind: {**asdict(s), "accuracy": s.accuracy} for s in self.kinds}
        for row, plain in zip(self.rows, data["rows"], strict=True):
            plain["correct"] = row.correct
        return data


def run_dates_suite(folder: Path, *, parse: Parse) -> DatesReport:
    """Resolve every DATE expression of the ``.tml`` files in ``folder`` and score the values.

    ``parse`` turns texts into spaCy docs, in order; ``seconds`` covers parsing and resolving.
    """
    documents = load_timeml_folder(folder)
    started = time.perf_counter()
    docs = parse([document.text for document in documents])
    rows = [
        _row(document, expression, doc)
        for document, doc in zip(documents, docs, strict=True)
        for expression in document.expressions
    ]
    return score_dates(rows, documents=len(documents), seconds=time.perf_counter() - started)


def _row(document: TimeMLDocument, expression: Timex, doc: Doc) -> DateRow:
    span = doc.char_span(expression.start, expression.end, alignment_mode="expand")
    tense = expression_tense(span) if span is not None and len(span) else "present"
    return DateRow(
        file=document.name,
        tid=expression.tid,
        text=expression.text,
        gold=expression.value,
        predicted=resolve_value(expression.text, document.created, tense=tense),
        kind=kind_of(expression.text),
        tense=tense,
    )


def score_dates(rows: Sequence[DateRow], *, documents: int, seconds: float = 0.0) -> DatesReport:
    """Count the correct values, overall and by kind (kinds with no expression are left out)."""
    kinds = tuple(
        KindScore(kind, len(of_kind), sum(row.correct for row in of_kind))
        for kind in KINDS
        if (of_kind := [row for row in rows if row.kind == kind])
    )
    return DatesReport(
        documents=documents,
        expressions=len(rows),
        correct=sum(row.correct for row in rows),
        kinds=kinds,
        seconds=seconds,
        rows=tuple(rows),
    )


def load_timeml_folder(folder: Path) -> tuple[TimeMLDocument, ...]:
    """Every ``.tml`` file of ``folder``, by name."""
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder (a folder of TimeML .tml files; see --data)")
    documents = tuple(load_timeml(path) for path in sorted(folder.glob("*.tml")))
    if not documents:
        raise DataFileError(f"{folder}: no .tml files")
    return documents


def load_timeml(path: Path) -> TimeMLDocument:
    """One TimeML file: the creation date, the text of ``<TEXT>`` and its DATE expressions."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise DataFileError(f"{path}: not well-formed XML ({error})") from None
    created = root.find("DCT/TIMEX3")
    body = root.find("TEXT")
    if created is None or body is None:
        raise DataFileError(f"{path}: expected <DCT><TIMEX3 value=...> and <TEXT>")
    try:
        day = dt.date.fromisoformat(created.get("value", "")[:10])
    except ValueError:
        raise DataFileError(f"{path}: creation date {created.get('value')!r} is no date") from None
    text, expressions = _flatten(body)
    return TimeMLDocument(name=path.name, created=day, text=text, expressions=expressions)


def _flatten(body: ET.Element) -> tuple[str, tuple[Timex, ...]]:
    """The element's text with the tags stripped, and each DATE TIMEX3 in it with its span."""
    parts: list[str] = []
    found: list[Timex] = []
    _visit(body, parts, found, offset=0)
    return "".join(parts), tuple(found)


def _visit(node: ET.Element, parts: list[str], found: list[Timex], *, offset: int) -> int:
    """Append the text inside ``node`` to ``parts``; the offset where it ends."""
    start = offset
    offset += _append(parts, node.text)
    for child in node:
        offset = _visit(child, parts, found, offset=offset)
        offset += _append(parts, child.tail)
    if node.tag == "TIMEX3" and node.get("type") == "DATE":
        text = "".join(node.itertext())
        found.append(Timex(node.get("tid", ""), text, node.get("value", ""), start, offset))
    return offset


def _append(parts: list[str], piece: str | None) -> int:
    parts.append(piece or "")
    return len(piece or "")
