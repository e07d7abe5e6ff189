"""Users' own actor dictionaries and patterns, given on the command line, win over the shipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsevents.cli import app

DOC = json.dumps(
    {"id": "a1", "text": "The Acme Militia bombarded Colombian police.", "published": "2025-03-01"}
)
ACTORS = "# my actors\nactor_id\tcode\tnames\tstart\tend\nacme_militia\tCOLREB\tAcme Militia\t\t\n"
PATTERN_HEADER = (
    "verb_lemma\tparticle\tsubject\tnoun\tprep\tprep_noun\tprep2\tprep2_noun\ttarget\tcameo"
    "\treverse_cameo\tsource\tnote\n"
)


def _code(*options: str) -> list[tuple[str, str, str | None]]:
    result = CliRunner().invoke(app, ["code", "-", "--input-format", "jsonl", *options], input=DOC)
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    return [
        (e["source"]["code"], e["cameo"], e["target"]["code"] if e["target"] else None)
        for e in json.loads(line)["events"]
    ]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    actors = tmp_path / "actors.tsv"
    actors.write_text(ACTORS, encoding="utf-8")
    patterns = tmp_path / "patterns.tsv"
    patterns.write_text(PATTERN_HEADER + "bombard\t\t\t\t\t\t\t\tdobj\t194\t\tmine\tshelling\n")
    bad = tmp_path / "bad.tsv"
    bad.write_text(PATTERN_HEADER + "bombard\t\t\t\t\t\t\t\tdobj\t42\t\tmine\tnot zero-padded\n")
    return {"actors": actors, "patterns": patterns, "bad": bad}


def test_shipped_coding(files: dict[str, Path]) -> None:
    assert ("COLREB", "194", "COLCOP") not in _code()


def test_own_actors_and_patterns_win(files: dict[str, Path]) -> None:
    coded = _code("--actors", str(files["actors"]), "--patterns", str(files["patterns"]))
    assert ("COLREB", "194", "COLCOP") in coded


def test_a_broken_pattern_file_stops_the_command_with_its_line(files: dict[str, Path]) -> None:
    result = CliRunner().invoke(
        app, ["code", "-", "--input-format", "jsonl", "--patterns", str(files["bad"])], input=DOC
    )
    assert result.exit_code != 0
    assert "line 2" in str(result.exception or result.output)
