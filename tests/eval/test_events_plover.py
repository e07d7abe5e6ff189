"""The PLOVER suite: its tolerant loader, the scoring on hand-made cases, and the floor."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest

from newsevents.errors import DataFileError, UsageError
from newsevents.eval.plover import (
    GOLD_CODE_FIXES,
    PloverGold,
    PloverReport,
    load_plover,
    run_plover_suite,
    score_plover,
)
from tests.eval._events import FakeCoder, event

FLOORS = Path(__file__).resolve().parents[2] / "eval" / "floors.toml"
DAY = dt.date(2000, 1, 1)

# Written for these tests in the file's shape: a DOCUMENT record, trailing commas, a comma and
# a bracket inside a string, a target that is "" and one that is a stray word, a draft name.
TINY_FILE = """[
{"id": "X-DOCUMENT-0001", "event": "DOCUMENT", "comment": "describes the file, ]",},
{
    "id": "X-DEMAND-0001", "date": "2000-01-01", "event": "DEMAND",
    "source": [{"actorText": "Tokyo", "code": "JAP", "sector": "GOV"},
               {"actorText": "Seoul", "code": "KOR"},],
    "target": [{"actorText": "Pyongyang", "code": "PRK"}],
    "text": "Tokyo and Seoul demanded that Pyongyang stop its tests, officials said, ]",
},
{"id": "X-AGREE-0001", "date": "", "event": "AGREE", "source": [{"code": "IGO"}], "target": "",
 "mode": "", "text": "The forum agreed to meet again.",},
{"id": "X-AGREE-0002", "event": "agree", "target": "diplomatic", "text": "They agreed.",},
]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gold.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_reads_the_records_tolerantly(tmp_path: Path) -> None:
    demand, agree, bare = load_plover(write(tmp_path, TINY_FILE))
    assert demand == PloverGold(
        id="X-DEMAND-0001",
        text="Tokyo and Seoul demanded that Pyongyang stop its tests, officials said, ]",
        published=DAY,
        event="REQUEST",
        draft_event="DEMAND",
        sources=("JPN", "KOR"),
        targets=("PRK",),
    )
    assert (agree.published, agree.sources, agree.targets, agree.mode) == (None, ("IGO",), (), None)
    assert (bare.event, bare.sources, bare.targets) == ("AGREE", (), ())


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ('[{"id": "a", "event": "AGREE", "text": "x",', DataFileError, "line 1: not JSON"),
        ('{"id": "a"}', DataFileError, "expected a JSON list"),
        ('[{"id": "a", "event": "DOCUMENT"}]', DataFileError, "no event records"),
        ('[{"id": "a", "event": "AGREE"}]', DataFileError, "record a has no text"),
        ('[{"id": "a", "event": "HUG", "text": "x"}]', DataFileError, "'HUG' is not a PLOVER"),
        ('[{"id": "a", "event": "AGREE", "text": "x", "date": "1/2/03"}]', DataFileError, "date"),
    ],
)
def test_load_names_what_is_wrong(tmp_path: Path, text: str, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        load_plover(write(tmp_path, text))


def test_load_says_when_the_file_is_missing(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load_plover(tmp_path / "absent.txt")


GOLD = PloverGold("g", "text", DAY, "REQUEST", "DEMAND", sources=("JPN", "KOR"), targets=("PRK",))
NO_ACTORS = PloverGold("g", "text", DAY, "AGREE", "AGREE", sources=(), targets=())

# (gold, events) -> type+source, type, top type, source, target, top label
ROW_CASES = [
    pytest.param(GOLD, [event("100", plover_type="REQUEST", source="KOR", target="PRK")],
                 (True, True, True, True, True, "REQUEST"), id="all right"),
    pytest.param(GOLD, [event("100", plover_type="REQUEST", source="CHN", target="PRK")],
                 (False, True, True, False, True, "REQUEST"), id="type right, source wrong"),
    pytest.param(GOLD, [event("100", plover_type="REQUEST", source=None)],
                 (False, True, True, False, False, "REQUEST"), id="source country unknown"),
    pytest.param(GOLD, [event("042", source="JPN"), event("100", plover_type="REQUEST",
                                                          source="CHN", confidence=0.1)],
                 (False, True, False, True, False, "CONSULT"),
                 id="type and source right, but on different events"),
    pytest.param(GOLD, [event("042", source="CHN", confidence=0.1),
                        event("100", plover_type="REQUEST", source="JPN", confidence=0.9)],
                 (True, True, True, True, False, "REQUEST"), id="second event right"),
    pytest.param(GOLD, [event("020", plover_type=None, source="JPN")],
                 (False, False, False, True, False, "untyped"), id="CAMEO 02 has no type"),
    pytest.param(GOLD, [], (False, False, False, False, False, "none"), id="no event"),
    pytest.param(NO_ACTORS, [event("030", plover_type="AGREE", source="USA", target="FRA")],
                 (False, True, True, None, None, "AGREE"), id="gold names no actors"),
]  # fmt: skip


@pytest.mark.parametrize(("gold", "events", "expected"), ROW_CASES)
def test_each_sentence_is_checked(gold: PloverGold, events: list, expected: tuple) -> None:
    (row,) = score_plover((gold,), [tuple(events)]).rows
    got = (
        row.type_source_hit,
        row.type_hit,
        row.top_type_hit,
        row.source_hit,
        row.target_hit,
        row.top,
    )
    assert got == expected


def three_sentences() -> PloverReport:
    gold = (
        PloverGold("1", "Japan asked for talks.", DAY, "REQUEST", "DEMAND", ("JPN",), ()),
        PloverGold("2", "Rebels attacked the town.", DAY, "ASSAULT", "FIGHT", ("SYR",), ("SYR",)),
        PloverGold("3", "Iran rejected the plan.", DAY, "REJECT", "REJECT", ("IRN",), ("USA",)),
    )
    events = [
        (event("100", plover_type="REQUEST", source="JPN", action=(6, 11)),),
        (
            event("190", plover_type="ASSAULT", source=None, target="SYR", confidence=0.3),
            event("111", plover_type="ACCUSE", source="SYR", confidence=0.6),
        ),
        (),
    ]
    return score_plover(gold, events, seconds=1.5)


def test_report_counts() -> None:
    report = three_sentences()
    assert (report.sentences, report.events, report.covered) == (3, 3, 2)
    assert (report.type_source_hits, report.type_hits, report.top_type_hits) == (1, 2, 1)
    assert (report.source_hits, report.source_sentences) == (2, 3)
    assert (report.target_hits, report.target_sentences) == (1, 2)
    assert report.type_source_accuracy == pytest.approx(1 / 3)
    assert report.coverage == pytest.approx(2 / 3)
    by_type = {s.label: (s.support, s.predicted, s.correct) for s in report.types}
    assert by_type == {
        "REQUEST": (1, 1, 1),
        "ACCUSE": (0, 1, 0),
        "REJECT": (1, 0, 0),
        "ASSAULT": (1, 1, 1),
    }
    assert [s.label for s in report.types] == ["REQUEST", "ACCUSE", "REJECT", "ASSAULT"]
    assert (report.micro.precision, report.micro.recall) == (pytest.approx(2 / 3),) * 2
    assert report.macro_f1 == pytest.approx((1 + 0 + 0 + 1) / 4)
    assert report.confusions == (("REJECT", "none", 1),)  # ASSAULT was among the events
    assert report.renamed == (("DEMAND", "REQUEST", 1), ("FIGHT", "ASSAULT", 1))
    assert report.rows[0].predicted[0].action == "asked"


def test_report_summary_and_json() -> None:
    report = three_sentences()
    summary = report.summary()
    assert "type+source       0.3333  (1/3)" in summary
    assert "target country    0.5000  (1/2)" in summary
    assert "REJECT -> none" in summary and "DEMAND->REQUEST (1)" in summary
    data = json.loads(json.dumps(report.to_dict()))
    assert data["type_source_accuracy"] == pytest.approx(1 / 3)
    assert data["rows"][1]["predicted"][1]["plover_type"] == "ACCUSE"
    assert data["rows"][1]["gold_event"] == "ASSAULT" and data["rows"][1]["top"] == "ACCUSE"


def test_suite_codes_resolved_events_with_each_record_date(tmp_path: Path) -> None:
    text = "Tokyo and Seoul demanded that Pyongyang stop its tests, officials said, ]"
    coder = FakeCoder({text: [event("100", plover_type="REQUEST", source="JPN", target="PRK")]})
    report = run_plover_suite(write(tmp_path, TINY_FILE), code=coder)
    assert [call[1:] for call in coder.calls] == [([DAY, None, None], False)]
    assert (report.sentences, report.type_source_hits, report.covered) == (3, 1, 1)


def _read_floor() -> float:
    with FLOORS.open("rb") as handle:
        return float(tomllib.load(handle)["events-plover"]["type_source"])


def test_floor_is_pinned() -> None:
    assert 0.0 < _read_floor() <= 1.0


@pytest.mark.shared_data
def test_the_gold_file_reads_as_the_readme_says(shared_data: Path) -> None:
    from newsevents.actors.dictionaries import load_dictionaries

    gold = load_plover(shared_data / "events" / "plover" / "PLOVER_GSR_CAMEO.txt")
    assert len(gold) == 322
    assert sum(not record.sources for record in gold) == 1  # one record names no source
    codes = {code for record in gold for code in (*record.sources, *record.targets)}
    countries = load_dictionaries()
    # every code is an ISO country once the typos are fixed, or one of CAMEO's non-state roots
    assert {c for c in codes if countries.country_by_code(c) is None} == {
        "IGO",
        "NGO",
        "IMG",
        "ISM",
    }
    assert not codes & set(GOLD_CODE_FIXES)


@pytest.mark.slow
@pytest.mark.shared_data
def test_plover_suite_meets_its_floor(shared_data: Path) -> None:
    from newsevents import api

    report = api.eval_events_plover(data=shared_data / "events" / "plover" / "PLOVER_GSR_CAMEO.txt")
    assert report.sentences == 322
    mistakes = ", ".join(f"{gold}->{guess} {n}" for gold, guess, n in report.confusions[:5])
    assert report.type_source_accuracy >= _read_floor(), (
        f"type+source {report.type_source_accuracy:.4f} below the floor; mistakes: {mistakes}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("as_json", [True, False])
def test_command_runs_the_real_coder(tmp_path: Path, as_json: bool) -> None:
    from typer.testing import CliRunner

    from newsevents.cli import app

    args = ["eval", "events-plover", "--data", str(write(tmp_path, TINY_FILE))]
    result = CliRunner().invoke(app, [*args, *(["--json"] if as_json else [])], terminal_width=200)
    assert result.exit_code == 0, result.output
    if as_json:
        data = json.loads(result.output)
        assert data["sentences"] == 3 and data["rows"][0]["gold_event"] == "REQUEST"
    else:
        assert result.output.startswith("3 sentences, ")
        assert "DEMAND->REQUEST (1)" in result.output


def test_command_names_a_missing_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsevents.cli import app

    result = CliRunner().invoke(app, ["eval", "events-plover", "--data", str(tmp_path / "x")])
    assert isinstance(result.exception, UsageError) and "no such file" in str(result.exception)
