"""What the event-coding suites share: per-class scores, the best event, the coder call."""

from __future__ import annotations

import datetime as dt

import pytest

from newsevents.eval.events import best_event, class_scores, code_all, macro_f1, micro, share
from tests.eval._events import FakeCoder, event

# Items are (gold label, predicted labels); expected rows are (label, P, R, F1, gold, pred, hit).
SCORE_CASES = [
    pytest.param([("A", ["A"]), ("B", ["B"])], [("A", 1, 1, 1, 1, 1, 1), ("B", 1, 1, 1, 1, 1, 1)],
                 id="all right"),
    pytest.param([("A", ["B"])], [("A", 0, 0, 0, 1, 0, 0), ("B", 0, 0, 0, 0, 1, 0)],
                 id="one swap: a miss for A, a false alarm for B"),
    pytest.param([("A", [])], [("A", 0, 0, 0, 1, 0, 0)], id="nothing predicted"),
    pytest.param([("A", ["A", "B"]), ("A", [])],
                 [("A", 1, 0.5, 2 / 3, 2, 1, 1), ("B", 0, 0, 0, 0, 1, 0)],
                 id="two guesses: one right, one false alarm"),
    pytest.param([("A", ["A", "A"])], [("A", 1, 1, 1, 1, 1, 1)],
                 id="a label predicted twice counts once"),
    pytest.param([("A", ["A"]), ("A", ["B"]), ("B", ["B"]), ("B", ["B"])],
                 [("A", 1, 0.5, 2 / 3, 2, 1, 1), ("B", 2 / 3, 1, 0.8, 2, 3, 2)],
                 id="mixed"),
]  # fmt: skip


@pytest.mark.parametrize(("items", "expected"), SCORE_CASES)
def test_class_scores(items: list[tuple[str, list[str]]], expected: list[tuple]) -> None:
    scores = class_scores(items)
    got = [
        (s.label, s.precision, s.recall, s.f1, s.support, s.predicted, s.correct) for s in scores
    ]
    assert len(got) == len(expected)
    for row, want in zip(got, expected, strict=True):
        assert row[0] == want[0]
        assert row[1:4] == pytest.approx(want[1:4])
        assert row[4:] == want[4:]


def test_class_scores_keeps_the_given_label_order_then_sorts_the_rest() -> None:
    scores = class_scores([("Z", ["Y"]), ("B", ["A"])], labels=("Z", "Q"))
    assert [s.label for s in scores] == ["Z", "Q", "A", "B", "Y"]
    assert scores[1].support == scores[1].predicted == 0 and scores[1].f1 == 0


def test_micro_pools_counts_and_macro_averages_f1() -> None:
    scores = class_scores([("A", ["A"]), ("A", ["B"]), ("B", ["B"]), ("B", ["B"])])
    pooled = micro(scores)
    assert (pooled.support, pooled.predicted, pooled.correct) == (4, 4, 3)
    assert pooled.precision == pooled.recall == pooled.f1 == 0.75
    assert macro_f1(scores) == pytest.approx((2 / 3 + 0.8) / 2)
    assert macro_f1([]) == 0.0


@pytest.mark.parametrize(
    ("hits", "total", "expected"), [(3, 4, 0.75), (0, 4, 0.0), (0, 0, 0.0), (2, 2, 1.0)]
)
def test_share(hits: int, total: int, expected: float) -> None:
    assert share(hits, total) == expected


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([], None),
        ([event("042", confidence=0.4), event("190", confidence=0.9)], "190"),
        # a tie goes to the action that comes first in the text, whatever the list order
        ([event("190", action=(20, 25)), event("042", action=(3, 8))], "042"),
    ],
)
def test_best_event(events: list, expected: str | None) -> None:
    best = best_event(events)
    assert (best.cameo if best else None) == expected


def test_code_all_makes_one_call_with_every_date() -> None:
    day = dt.date(2000, 1, 1)
    coder = FakeCoder({"b": [event()]})
    found = code_all(["a", "b"], [day, None], code=coder, include_unresolved=True)
    assert found == [(), (event(),)]
    assert coder.calls == [(["a", "b"], [day, None], True)]


def test_code_all_refuses_a_coder_that_loses_a_text() -> None:
    def short(texts, *, published, include_unresolved):  # type: ignore[no-untyped-def]
        return [()] * (len(texts) - 1)

    with pytest.raises(ValueError):
        code_all(["a", "b"], [None, None], code=short)
    with pytest.raises(ValueError, match="2 texts but 1"):
        code_all(["a", "b"], [None], code=short)
