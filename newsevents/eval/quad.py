"""Five-class suite: the coder's event class against the ConfliBERT CAMEO training sentences
(``events/confliBERT-cameo-train/train.tsv``: 1,349 lines ``sentence<TAB>label``).

The labels are Phoenix's grouping of CAMEO roots (:attr:`~newsevents.events.ontology.CameoCode.
phoenix_class`): 0 statement (01-02), 1 verbal cooperation (03-05), 2 material cooperation
(06-08), 3 verbal conflict (09-13, 16), 4 material conflict (14, 15, 17-20).

Each sentence is coded as a document of its own, with no publication date, and with the events
whose source actor could not be coded (the class of a sentence hangs on its action alone). The
predicted class is that of the event the coder is surest of (ties: the first in the text); a
sentence with no event is predicted ``none``, which is wrong for every gold class:

    accuracy          = sentences whose predicted class is the gold class / all sentences
                        (the headline; the floor in ``eval/floors.toml`` pins it)
    coverage          = sentences with any event / all sentences
    covered accuracy  = correct / sentences with any event

Per-class precision, recall and F1 follow :func:`newsevents.eval.events.class_scores` (a
``none`` prediction counts against recall only); macro F1 is the mean over the five classes.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsevents.errors import DataFileError, UsageError
from newsevents.eval.events import (
    ClassScore,
    CodeTexts,
    best_event,
    class_scores,
    class_table,
    code_all,
    macro_f1,
    share,
)
from newsevents.events.ontology import cameo

if TYPE_CHECKING:
    from newsevents.records import Event

#: The five classes, by label number.
CLASSES = (
    "statement",
    "verbal cooperation",
    "material cooperation",
    "verbal conflict",
    "material conflict",
)
#: The predicted class of a sentence with no event: a sixth column of the confusion matrix.
NONE = "none"


@dataclass(frozen=True, slots=True)
class QuadGold:
    """One gold sentence, with its line number in the file and its class (0-4)."""

    line: int
    text: str
    label: int


@dataclass(frozen=True, slots=True)
class QuadRow:
    """One gold sentence and the event that decided its predicted class (``None``: no event)."""

    line: int
    text: str
    gold: int
    predicted: int | None
    cameo: str | None
    action: str | None
    confidence: float | None
    events: int


@dataclass(frozen=True, slots=True)
class QuadReport:
    """The suite's result: accuracy and coverage with counts, per-class scores, confusion."""

    sentences: int
    correct: int
    covered: int
    classes: tuple[ClassScore, ...]
    macro_f1: float
    confusion: tuple[tuple[int, ...], ...]  # [gold 0-4][predicted 0-4, then none]
    seconds: float
    rows: tuple[QuadRow, ...]

    @property
    def accuracy(self) -> float:
        """The number the floor in ``eval/floors.toml`` pins (module docstring)."""
        return share(self.correct, self.sentences)

    @property
    def coverage(self) -> float:
        return share(self.covered, self.sentences)

    @property
    def covered_accuracy(self) -> float:
        return share(self.correct, self.covered)

    def summary(self) -> str:
        """A few lines for a person: accuracy, coverage, per-class scores, the confusion matrix."""
        width = max(len(name) for name in CLASSES)
        lines = [
            f"{self.sentences} sentences in {self.seconds:.1f} s",
            f"accuracy          {self.accuracy:.4f}  ({self.correct}/{self.sentences})",
            f"coverage          {self.coverage:.4f}  ({self.covered}/{self.sentences})",
            f"covered accuracy  {self.covered_accuracy:.4f}  ({self.correct}/{self.covered})",
            f"macro F1          {self.macro_f1:.4f}",
            *class_table(self.classes, heading="class"),
            "confusion (rows gold, columns predicted):",
            " " * (width + 4) + "".join(f"{head:>6}" for head in ("0", "1", "2", "3", "4", NONE)),
        ]
        lines += [
            f"  {index} {CLASSES[index]:<{width}}" + "".join(f"{n:6d}" for n in counts)
            for index, counts in enumerate(self.confusion)
        ]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values, with every sentence's gold and predicted class."""
        data = asdict(self)
        data["accuracy"] = self.accuracy
        data["coverage"] = self.coverage
        data["covered_accuracy"] = self.covered_accuracy
        data["labels"] = list(CLASSES)
        data["confusion"] = [list(counts) for counts in self.confusion]
        return data


def run_quad_suite(path: Path, *, code: CodeTexts) -> QuadReport:
    """Code every sentence of the file at ``path`` with ``code`` and score the classes.

    ``seconds`` covers the coding, not the loading or scoring.
    """
    gold = load_quad(path)
    started = time.perf_counter()
    events = code_all(
        [item.text for item in gold], [None] * len(gold), code=code, include_unresolved=True
    )
    return score_quad(gold, events, seconds=time.perf_counter() - started)


def load_quad(path: Path) -> tuple[QuadGold, ...]:
    """The sentences of a ``sentence<TAB>label`` file (blank lines skipped)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file (the five-class sentences; see --data)") from None
    gold = tuple(
        _gold(line, number, path=path)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    )
    if not gold:
        raise DataFileError(f"{path}: no sentences")
    return gold


def _gold(line: str, number: int, *, path: Path) -> QuadGold:
    sentence, tab, label = line.rpartition("\t")
    if not tab or not sentence.strip() or label.strip() not in {"0", "1", "2", "3", "4"}:
        raise DataFileError(f"{path}, line {number}: expected 'sentence<TAB>label 0-4'")
    return QuadGold(line=number, text=sentence.strip(), label=int(label))


def score_quad(
    gold: tuple[QuadGold, ...], events: list[tuple[Event, ...]], *, seconds: float = 0.0
) -> QuadReport:
    """Score ``events`` (one tuple per gold sentence, in order) against ``gold``."""
    rows = tuple(_row(item, found) for item, found in zip(gold, events, strict=True))
    classes = class_scores(
        ((CLASSES[row.gold], _predicted_labels(row)) for row in rows), labels=CLASSES
    )
    confusion = [[0] * (len(CLASSES) + 1) for _ in CLASSES]
    for row in rows:
        confusion[row.gold][len(CLASSES) if row.predicted is None else row.predicted] += 1
    return QuadReport(
        sentences=len(rows),
        correct=sum(row.predicted == row.gold for row in rows),
        covered=sum(row.predicted is not None for row in rows),
        classes=classes,
        macro_f1=macro_f1(classes),
        confusion=tuple(tuple(counts) for counts in confusion),
        seconds=seconds,
        rows=rows,
    )


def _row(item: QuadGold, events: tuple[Event, ...]) -> QuadRow:
    best = best_event(events)
    return QuadRow(
        line=item.line,
        text=item.text,
        gold=item.label,
        predicted=None if best is None else cameo(best.cameo).phoenix_class,
        cameo=None if best is None else best.cameo,
        action=None if best is None else item.text[best.action_start : best.action_end],
        confidence=None if best is None else best.confidence,
        events=len(events),
    )


def _predicted_labels(row: QuadRow) -> tuple[str, ...]:
    return () if row.predicted is None else (CLASSES[row.predicted],)
