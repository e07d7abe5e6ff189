"""`newsevents events`, `show` and `code` through the command line."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from newsevents import cli
from newsevents.cli import app
from newsevents.config import Settings
from newsevents.errors import InvalidCameoCode, UsageError
from newsevents.events.serialize import event_from_dict, event_to_dict
from newsevents.store import Store
from tests.store._events import BOGOTA, EVENTS, MEXICO, both

SEED_ID = "f2780e3ca3568fdf2ce0"
EVENT_KEYS = {
    "id",
    "source",
    "target",
    "cameo",
    "root",
    "quad_class",
    "goldstein",
    "plover",
    "modality",
    "date",
    "date_precision",
    "location",
    "evidence",
    "action",
    "confidence",
    "coder",
    "mentions",
    "repeats",
    "reported_by",
}
ACTOR_KEYS = {"text", "name", "country", "sector", "code", "resolved_by", "start", "end"}


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin, terminal_width=200)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database holding the two hand-coded articles of tests/store/_events.py."""
    path = tmp_path / "news.duckdb"
    with Store.open(path) as store:
        run_id = store.start_run(command="ingest", sources=["test"], settings=Settings())
        store.write_batch(run_id, both(), [], settings=Settings())
        store.finish_run(run_id, status="completed")
    return path


def event_names(stdout: str) -> list[str]:
    """The :data:`EVENTS` names of plain ``events`` output lines, by their CAMEO column."""
    by_code = {e.cameo: name for name, e in EVENTS.items()}
    return [by_code[line.split("\t")[2].split()[0]] for line in stdout.splitlines()]


# -- events ----------------------------------------------------------------------------------------

LISTINGS = [
    ([], ["tariff", "visit", "talks", "mexico"]),
    (["--dyad", "USA:COL"], ["visit", "talks"]),
    (["--dyad", "COL:USA"], []),
    (["--cameo", "04"], ["visit", "talks"]),
    (["--root", "16"], ["tariff"]),
    (["--quad", "1", "--from", "2025-03-28"], ["mexico"]),
    (["--from", "2025-03-27", "--to", "2025-03-27"], ["visit", "talks"]),
    (["--actor", "sarabia"], ["talks"]),
    (["--source", "MEX"], ["mexico"]),
    (["--target", "USA"], ["mexico"]),
    (["--modality", "planned"], ["tariff"]),
    (["--article", MEXICO.id[:8]], ["mexico"]),
    (["--coder", "rules.v1", "--limit", "1", "--offset", "1"], ["visit"]),
]


@pytest.mark.parametrize(("options", "expected"), LISTINGS, ids=[" ".join(o) for o, _ in LISTINGS])
def test_events_plain_lines(db: Path, options: list[str], expected: list[str]):
    result = invoke("events", "--db", str(db), *options)
    assert result.exit_code == 0, result.output
    assert event_names(result.stdout) == expected


def test_events_plain_line_columns(db: Path):
    result = invoke("events", "--db", str(db), "--cameo", "042")
    [line] = result.stdout.splitlines()
    assert line.split("\t") == [
        "2025-03-27",
        "Kristi Noem (USAGOV)",
        "042 Make a visit",
        "Colombia (COL)",
        "asserted",
        BOGOTA.id,
        "Kristi Noem visited Colombia on Thursday.",
    ]


def test_events_jsonl_is_the_serializer_shape_with_the_article(db: Path):
    result = invoke("events", "--db", str(db), "--format", "jsonl")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == [
        EVENTS[n].id for n in ("tariff", "visit", "talks")
    ] + [EVENTS["mexico"].id]
    articles = [line.pop("article") for line in lines]
    for line, article in zip(lines, articles, strict=True):
        assert set(line) == EVENT_KEYS and set(line["source"]) == ACTOR_KEYS
        event = event_from_dict(line, article_id=article["id"])
        assert event in EVENTS.values() and event_to_dict(event) == line
    assert articles[1] == {
        "id": BOGOTA.id,
        "title": "Noem visits Colombia",
        "url": "https://example.org/noem",
        "published": "2025-03-27",
    }


def test_events_csv_keeps_codes_as_written(db: Path):
    result = invoke("events", "--db", str(db), "--format", "csv", "--cameo", "04")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["cameo"], r["root"], r["source_code"], r["target_country"]) for r in rows] == [
        ("042", "04", "USAGOV", "COL"),
        ("040", "04", "USAGOV", "COL"),
    ]
    assert rows[1]["location_name"] == "Bogotá" and rows[0]["title"] == "Noem visits Colombia"


def test_events_csv_with_no_rows_still_has_its_header(db: Path):
    result = invoke("events", "--db", str(db), "--format", "csv", "--dyad", "COL:USA")
    assert result.stdout.splitlines()[0].startswith("id,article_id,coder,")
    assert len(result.stdout.splitlines()) == 1


def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """Make the CLI's console a 200-column colour terminal writing into the returned buffer."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=200, color_system="standard")
    monkeypatch.setattr(cli, "out", console)
    return buffer


def test_events_table_on_a_terminal(db: Path, monkeypatch: pytest.MonkeyPatch):
    screen = terminal(monkeypatch)
    assert invoke("events", "--db", str(db), "--cameo", "04").exit_code == 0
    shown = screen.getvalue()
    for cell in (
        "2025-03-27",
        "Kristi Noem (USAGOV)",
        "042 Make a visit",
        "Laura Sarabia (COLGOV)",
    ):
        assert cell in shown
    assert "2 events" in shown


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (["--cameo", "42"], InvalidCameoCode, "zero-padded"),
        (["--root", "4"], UsageError, "two-digit"),
        (["--modality", "perhaps"], UsageError, "asserted"),
        (["--dyad", "USA"], UsageError, "SOURCE:TARGET"),
        (["--from", "yesterday"], UsageError, "--from 'yesterday' is not a date"),
        (["--from", "2025-03-02", "--to", "2025-03-01"], UsageError, "empty"),
        (["--format", "xml"], UsageError, "table, jsonl, csv"),
    ],
)
def test_events_bad_options(db: Path, options: list[str], error: type, message: str):
    result = invoke("events", "--db", str(db), *options)
    assert isinstance(result.exception, error), result.output
    assert message in str(result.exception)


def test_events_bad_option_is_one_line_and_exit_2(db: Path):
    command = [sys.executable, "-m", "newsevents", "events", "--db", str(db), "--cameo", "4"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "did you mean '04'" in result.stderr


# -- show ------------------------------------------------------------------------------------------


def test_show_plain_marks_actors_and_lists_each_sentences_events(db: Path):
    result = invoke("show", BOGOTA.id[:7], "--db", str(db))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "Noem visits Colombia",
        "published: 2025-03-27",
        "url: https://example.org/noem",
        f"id: {BOGOTA.id}; 3 events",
    ]
    evidence = [line for line in lines[4:] if line]
    assert evidence == [
        "[Kristi Noem] visited [Colombia] on Thursday.",
        "    -> Kristi Noem (USAGOV) -> 042 Make a visit -> Colombia (COL); asserted, "
        "2025-03-27 (day), confidence 0.80",
        "[She] held talks with Foreign Minister [Laura Sarabia] in Bogota.",
        "    -> Kristi Noem (USAGOV) -> 040 Consult -> Laura Sarabia (COLGOV); asserted, "
        "2025-03-27 (day), confidence 0.80, in Bogotá",
        "[Donald Trump] is to impose a 25% tariff on car imports.",
        "    -> Donald Trump (USAGOV) -> 163 Impose embargo, boycott, or sanctions -> "
        "(no target); planned, 2025-03-26 (day), confidence 0.80",
    ]


def test_show_keeps_the_text_between_sentences_with_events(tmp_path: Path):
    db = tmp_path / "news.duckdb"
    with Store.open(db) as store:
        run_id = store.start_run(command="ingest", sources=[], settings=Settings())
        only_talks = [type(both()[0])(BOGOTA, (EVENTS["talks"],), coder="rules.v1")]
        store.write_batch(run_id, only_talks, [], settings=Settings())
    lines = [line for line in invoke("show", BOGOTA.id, "--db", str(db)).stdout.splitlines()]
    start = lines.index("Kristi Noem visited Colombia on Thursday.")
    assert lines[start + 1].startswith("[She] held talks")
    assert lines[start + 3] == "Donald Trump is to impose a 25% tariff on car imports."


def test_show_in_bold_on_a_terminal(db: Path, monkeypatch: pytest.MonkeyPatch):
    screen = terminal(monkeypatch)
    assert invoke("show", MEXICO.id, "--db", str(db)).exit_code == 0
    shown = screen.getvalue()
    assert "\x1b[1mClaudia Sheinbaum\x1b[0m" in shown and "[Claudia Sheinbaum]" not in shown


def test_show_json(db: Path):
    result = invoke("show", MEXICO.id[:6], "--db", str(db), "--format", "json")
    value = json.loads(result.stdout)
    assert value["article"]["id"] == MEXICO.id and value["article"]["text"] == MEXICO.text
    assert value["article"]["duplicate_of"] is None
    [event] = value["events"]
    assert event_from_dict(event, article_id=MEXICO.id) == EVENTS["mexico"]


@pytest.mark.parametrize(
    ("given", "message"), [("abc", "at least its first 6"), ("0000000", "no article '0000000'")]
)
def test_show_unknown_or_short_id(db: Path, given: str, message: str):
    result = invoke("show", given, "--db", str(db))
    assert isinstance(result.exception, UsageError) and message in str(result.exception)


# -- code ------------------------------------------------------------------------------------------

JSONL = "\n".join(
    [
        json.dumps(
            {"id": "a1", "text": "Kristi Noem visited Colombia.", "published": "2025-03-27"}
        ),
        "not json",
        json.dumps({"id": 7, "text": ""}),
        json.dumps({"text": "El presidente visitó Colombia el jueves con sus ministros."}),
    ]
)


def test_code_jsonl_from_stdin_gives_one_line_per_input(monkeypatch: pytest.MonkeyPatch):
    result = invoke("code", "-", "--input-format", "jsonl", stdin=JSONL)
    assert result.exit_code == 1, result.output  # some documents failed
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines[:3]] == ["a1", None, None]
    assert lines[0]["coder"] == "rules.v1" and lines[0]["article_id"] != "a1"
    assert lines[1]["source"] == "<stdin>:2" and lines[1]["error"]["type"] == "MalformedDocument"
    assert "line 2" in lines[1]["error"]["message"]
    assert lines[2]["error"]["type"] == "EmptyDocument"
    assert lines[3]["id"] == lines[3]["article_id"]  # no id given: the article's
    assert (lines[3]["coder"], lines[3]["events"]) == (None, [])  # Spanish: not coded


def test_code_jsonl_file_whatever_its_name(tmp_path: Path):
    path = tmp_path / "batch.txt"
    path.write_text(JSONL.splitlines()[0] + "\n")
    result = invoke("code", str(path), "--input-format", "jsonl")
    assert result.exit_code == 0, result.output
    [line] = [json.loads(line) for line in result.stdout.splitlines()]
    assert line["id"] == "a1"


def test_code_stdin_needs_the_input_format():
    result = invoke("code", "-", stdin=JSONL)
    assert isinstance(result.exception, UsageError)
    assert "--input-format jsonl" in str(result.exception)


def test_code_exit_status_1_from_the_installed_entry_point():
    command = [sys.executable, "-m", "newsevents", "code", "-", "--input-format", "jsonl"]
    result = subprocess.run(command, input="not json\n", capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    [line] = result.stdout.splitlines()
    assert json.loads(line)["error"]["type"] == "MalformedDocument"


@pytest.mark.shared_data
def test_code_seed_article(shared_data: Path):
    seed = shared_data / "seed" / "noem-colombia.txt"
    result = invoke("code", str(seed))
    assert result.exit_code == 0, result.output
    [line] = [json.loads(line) for line in result.stdout.splitlines()]
    assert line["id"] == line["article_id"] == SEED_ID and line["coder"] == "rules.v1"
    text = json.loads(invoke("read", str(seed)).stdout)["text"]
    for event in line["events"]:
        assert set(event) == EVENT_KEYS
        evidence, source = event["evidence"], event["source"]
        assert text[evidence["start"] : evidence["end"]] == evidence["sentence"]
        assert text[source["start"] : source["end"]] == source["text"]
        assert evidence["start"] <= event["action"]["start"] < evidence["end"]
    visits = [
        e
        for e in line["events"]
        if e["cameo"] == "042" and e["source"]["country"] == "USA" and e["target"]
    ]
    assert any(e["target"]["country"] == "COL" and e["date"] == "2025-03-27" for e in visits)


@pytest.mark.shared_data
def test_ingest_reports_events_and_a_second_ingest_adds_none(shared_data: Path, tmp_path: Path):
    seed, db = shared_data / "seed" / "noem-colombia.txt", tmp_path / "news.duckdb"
    first = invoke("ingest", str(seed), "--db", str(db))
    second = invoke("ingest", str(seed), "--db", str(db))
    assert first.exit_code == second.exit_code == 0
    stored = len(invoke("events", "--db", str(db)).stdout.splitlines())
    assert (
        stored > 0
        and f"1 stored, 0 duplicates, 0 near-duplicates, 0 failed, {stored} events"
        in (first.stdout)
    )
    assert "0 stored, 1 duplicates, 0 near-duplicates, 0 failed, 0 events" in second.stdout
    shown = invoke("show", SEED_ID[:6], "--db", str(db)).stdout
    assert "[U.S. Homeland Security Secretary Kristi Noem] visited [Colombia]" in shown
