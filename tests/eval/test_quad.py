"""The five-class suite: its loader, the scoring on hand-made cases, and the floor."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from newsevents.errors import DataFileError, UsageError
from newsevents.eval.quad import (
    CLASSES,
    QuadGold,
    QuadReport,
    load_quad,
    run_quad_suite,
    score_quad,
)
from tests.eval._events import FakeCoder, event

FLOORS = Path(__file__).resolve().parents[2] / "eval" / "floors.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "train.tsv"
    path.write_bytes(text.encode("utf-8"))
    return path


def test_load_reads_sentences_and_labels(tmp_path: Path) -> None:
    # CRLF line ends as in the shared file; a tab inside the sentence; a blank line
    text = "Troops shelled the town.\t4\r\n\r\nHe said:\tthe talks went well.\t0\r\n"
    assert load_quad(write(tmp_path, text)) == (
        QuadGold(1, "Troops shelled the town.", 4),
        QuadGold(3, "He said:\tthe talks went well.", 0),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A sentence with no label\n", "line 1: expected"),
        ("Fine.\t1\nA bad label.\t5\n", "line 2: expected"),
        ("\t3\n", "line 1: expected"),
        ("\n\n", "no sentences"),
    ],
)
def test_load_names_the_bad_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        load_quad(write(tmp_path, text))


def test_load_says_when_the_file_is_missing(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load_quad(tmp_path / "absent.tsv")


# (gold class, events) -> predicted class, or None for no event
ROW_CASES = [
    pytest.param(1, [event("042")], 1, id="consult is verbal cooperation"),
    pytest.param(0, [event("010", plover_type=None)], 0, id="a statement"),
    pytest.param(3, [event("160", plover_type="SANCTION")], 3, id="root 16 is verbal conflict"),
    pytest.param(4, [event("145", plover_type="PROTEST")], 4, id="root 14 is material conflict"),
    pytest.param(2, [event("042", confidence=0.2), event("070", confidence=0.7)], 2,
                 id="the surest event decides"),
    pytest.param(4, [event("190", action=(30, 36)), event("040", action=(2, 9))], 1,
                 id="a tie goes to the first action in the text"),
    pytest.param(3, [], None, id="no event"),
]  # fmt: skip


@pytest.mark.parametrize(("gold", "events", "predicted"), ROW_CASES)
def test_each_sentence_gets_the_class_of_its_best_event(
    gold: int, events: list, predicted: int | None
) -> None:
    (row,) = score_quad((QuadGold(1, "0123456789" * 4, gold),), [tuple(events)]).rows
    assert row.predicted == predicted
    assert row.events == len(events)


def five_sentences() -> QuadReport:
    gold = tuple(QuadGold(n, f"sentence {n}", label) for n, label in enumerate([0, 1, 1, 4, 3]))
    events = [
        (event("010", plover_type=None),),  # 0 -> 0
        (event("042"),),  # 1 -> 1
        (event("190"),),  # 1 -> 4
        (),  # 4 -> none
        (event("111"),),  # 3 -> 3
    ]
    return score_quad(gold, events, seconds=2.0)


def test_report_counts() -> None:
    report = five_sentences()
    assert (report.sentences, report.correct, report.covered) == (5, 3, 4)
    assert report.accuracy == 0.6 and report.coverage == 0.8 and report.covered_accuracy == 0.75
    rows = {s.label: (s.support, s.predicted, s.correct) for s in report.classes}
    assert rows == {
        "statement": (1, 1, 1),
        "verbal cooperation": (2, 1, 1),
        "material cooperation": (0, 0, 0),
        "verbal conflict": (1, 1, 1),
        "material conflict": (1, 1, 0),
    }
    assert [s.label for s in report.classes] == list(CLASSES)
    assert report.macro_f1 == pytest.approx((1 + 2 / 3 + 0 + 1 + 0) / 5)
    assert report.confusion == (
        (1, 0, 0, 0, 0, 0),
        (0, 1, 0, 0, 1, 0),
        (0, 0, 0, 0, 0, 0),
        (0, 0, 0, 1, 0, 0),
        (0, 0, 0, 0, 0, 1),
    )


def test_report_summary_and_json() -> None:
    report = five_sentences()
    summary = report.summary()
    assert "accuracy          0.6000  (3/5)" in summary
    assert "covered accuracy  0.7500  (3/4)" in summary
    assert "  4 material conflict        0     0     0     0     0     1" in summary
    data = json.loads(json.dumps(report.to_dict()))
    assert data["accuracy"] == 0.6 and data["labels"] == list(CLASSES)
    assert data["confusion"][1] == [0, 1, 0, 0, 1, 0]
    assert data["rows"][2] == {
        "line": 2,
        "text": "sentence 2",
        "gold": 1,
        "predicted": 4,
        "cameo": "190",
        "action": "ence ",
        "confidence": 0.5,
        "events": 1,
    }


def test_suite_codes_unresolved_events_without_a_date(tmp_path: Path) -> None:
    coder = FakeCoder({"Troops shelled the town.": [event("195", source=None)]})
    path = write(tmp_path, "Troops shelled the town.\t4\nThey met.\t1\n")
    report = run_quad_suite(path, code=coder)
    assert [call[1:] for call in coder.calls] == [([None, None], True)]
    assert (report.correct, report.covered, report.sentences) == (1, 1, 2)


def _read_floor() -> float:
    with FLOORS.open("rb") as handle:
        return float(tomllib.load(handle)["quad"]["accuracy"])


def test_floor_is_pinned() -> None:
    assert 0.0 < _read_floor() <= 1.0


@pytest.mark.shared_data
def test_the_gold_file_reads_as_the_readme_says(shared_data: Path) -> None:
    gold = load_quad(shared_data / "events" / "confliBERT-cameo-train" / "train.tsv")
    assert len(gold) == 1349
    counts = [sum(item.label == label for item in gold) for label in range(5)]
    assert counts == [240, 248, 303, 337, 221]


@pytest.mark.slow
@pytest.mark.shared_data
def test_quad_suite_meets_its_floor(shared_data: Path) -> None:
    from newsevents import api

    report = api.eval_quad(data=shared_data / "events" / "confliBERT-cameo-train" / "train.tsv")
    assert report.sentences == 1349
    assert report.accuracy >= _read_floor(), (
        f"accuracy {report.accuracy:.4f} below the floor (coverage {report.coverage:.4f})"
    )


@pytest.mark.slow
@pytest.mark.parametrize("as_json", [True, False])
def test_command_runs_the_real_coder(tmp_path: Path, as_json: bool) -> None:
    from typer.testing import CliRunner

    from newsevents.cli import app

    path = write(tmp_path, "Rebels attacked an army base on Monday.\t4\nIt rained.\t0\n")
    args = ["eval", "quad", "--data", str(path), *(["--json"] if as_json else [])]
    result = CliRunner().invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    if as_json:
        data = json.loads(result.output)
        assert data["sentences"] == 2 and [row["line"] for row in data["rows"]] == [1, 2]
    else:
        assert result.output.startswith("2 sentences in ")
        assert "confusion (rows gold, columns predicted):" in result.output
