"""What the event-coding suites share: calling the coder on gold sentences, and per-class scores.

The suites (:mod:`.plover` for PLOVER types and actors, :mod:`.quad` for the five-class
grouping) hand every gold sentence to the coder as a document of its own, through
:func:`newsevents.pipeline.code_texts`, and score the events it returns. A test can pass any
callable with the same shape (:class:`CodeTexts`) instead of the real coder.

Per-class scores (:func:`class_scores`) treat each gold item as having one gold label and a set
of predicted labels (at most one for the five-class suite; every PLOVER type coded in the
sentence, each counted once, for the PLOVER suite). For a label L:

    correct   = items whose gold label is L and whose predictions include L
    precision = correct / items predicted L        (0 when nothing is predicted L)
    recall    = correct / items whose gold is L    (0 when no item is gold L)
    F1        = harmonic mean of the two           (0 when both are 0)

Micro scores pool the counts of every label; macro F1 is the plain mean of the labels' F1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from newsevents.eval.extraction import harmonic_mean

if TYPE_CHECKING:
    from newsevents.config import Settings
    from newsevents.records import Event


class CodeTexts(Protocol):
    """The coder as the suites call it: one tuple of events per text, in order."""

    def __call__(
        self,
        texts: Sequence[str],
        *,
        published: Sequence[dt.date | None],
        include_unresolved: bool,
    ) -> Iterable[tuple[Event, ...]]: ...


@dataclass(frozen=True, slots=True)
class ClassScore:
    """Precision, recall and F1 of one label, with the counts behind them."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int  # gold items with this label
    predicted: int  # items predicted with this label
    correct: int


def pipeline_coder(settings: Settings) -> CodeTexts:
    """The real coder: stages 1-6 on each text (:func:`newsevents.pipeline.code_texts`)."""

    def code(
        texts: Sequence[str], *, published: Sequence[dt.date | None], include_unresolved: bool
    ) -> Iterable[tuple[Event, ...]]:
        from newsevents import pipeline

        return pipeline.code_texts(
            texts, settings=settings, published=published, include_unresolved=include_unresolved
        )

    return code


def code_all(
    texts: Sequence[str],
    published: Sequence[dt.date | None],
    *,
    code: CodeTexts,
    include_unresolved: bool = False,
) -> list[tuple[Event, ...]]:
    """The events of every text, in order, from one call (so spaCy parses them in batches)."""
    if len(texts) != len(published):
        raise ValueError(f"{len(texts)} texts but {len(published)} publication dates")
    coded = code(texts, published=published, include_unresolved=include_unresolved)
    # strict: a coder that drops or adds a text would shift every later sentence's score
    return [tuple(events) for _, events in zip(texts, coded, strict=True)]


def best_event(events: Sequence[Event]) -> Event | None:
    """The event the coder is surest of; on a tie, the one whose action comes first."""
    if not events:
        return None
    return min(events, key=lambda event: (-event.confidence, event.action_start))


def class_scores(
    items: Iterable[tuple[str, Collection[str]]], *, labels: Sequence[str] = ()
) -> tuple[ClassScore, ...]:
    """Scores of each label over ``(gold label, predicted labels)`` items (module docstring).

    Rows come in the order of ``labels``, then any other label seen, sorted.
    """
    support: dict[str, int] = {}
    predicted: dict[str, int] = {}
    correct: dict[str, int] = {}
    for gold, guesses in items:
        support[gold] = support.get(gold, 0) + 1
        for label in set(guesses):
            predicted[label] = predicted.get(label, 0) + 1
            correct[label] = correct.get(label, 0) + (label == gold)
    seen = sorted((set(support) | set(predicted)) - set(labels))
    return tuple(
        _score(label, support.get(label, 0), predicted.get(label, 0), correct.get(label, 0))
        for label in (*labels, *seen)
    )


def micro(scores: Iterable[ClassScore]) -> ClassScore:
    """The counts of every label pooled into one score (label ``micro``)."""
    scores = list(scores)
    return _score(
        "micro",
        sum(s.support for s in scores),
        sum(s.predicted for s in scores),
        sum(s.correct for s in scores),
    )


def macro_f1(scores: Iterable[ClassScore]) -> float:
    """The unweighted mean of the labels' F1 (0 when there are no labels)."""
    return _mean(score.f1 for score in scores)


def class_table(scores: Iterable[ClassScore], *, heading: str) -> list[str]:
    """Aligned lines for a person: one row per label with P, R, F1 and the counts."""
    scores = list(scores)
    width = max((len(score.label) for score in scores), default=0)
    width = max(width, len(heading))
    lines = [f"{heading:<{width}} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5} {'hit':>5}"]
    lines += [
        f"{s.label:<{width}} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
        f"{s.support:5d} {s.predicted:5d} {s.correct:5d}"
        for s in scores
    ]
    return lines


def share(hits: int, total: int) -> float:
    """``hits / total``, 0 when there is nothing to count."""
    return hits / total if total else 0.0


def _score(label: str, support: int, predicted: int, correct: int) -> ClassScore:
    precision, recall = share(correct, predicted), share(correct, support)
    return ClassScore(
        label=label,
        precision=precision,
        recall=recall,
        f1=harmonic_mean(precision, recall),
        support=support,
        predicted=predicted,
        correct=correct,
    )


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0
