"""The converted Phoenix tables are what scripts/convert_phoenix.py writes today: no drift."""

from __future__ import annotations

import importlib.util
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

import newsevents.actors.dictionaries as dictionaries

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "convert_phoenix.py"
OUTPUTS = ["actors.tsv", "roles.tsv", "agents.tsv", "discards.txt"]


@cache
def converter() -> ModuleType:
    """scripts/convert_phoenix.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("convert_phoenix", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.shared_data
def test_shipped_tables_are_the_converter_output(shared_data: Path, tmp_path: Path) -> None:
    shipped = dictionaries.ACTOR_NAMES.parent
    header = (shipped / "actors.tsv").read_text(encoding="utf-8")
    date = re.search(r"Converted by scripts/convert_phoenix\.py on (\S+);", header)
    assert date is not None
    module = converter()
    source = shared_data / "events" / "petrarch-dictionaries"
    summary = module.write_all(source, tmp_path, date=module.conversion_date(date.group(1)))
    assert "dropped" in summary and "kept" in summary
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (shipped / name).read_bytes(), name


@pytest.mark.parametrize(
    ("phrase", "name"),
    [
        ("BARACK_OBAMA", "Barack Obama"),
        ("MR._OBAMA", "Mr. Obama"),
        ("U.S._STATE_DEPARTMENT", "U.S. State Department"),
        (
            "POPULAR_FRONT_FOR_THE_LIBERATION_OF_PALESTINE",
            "Popular Front for the Liberation of Palestine",
        ),
        ("ABU_BAKR_AL-BAGHDADI", "Abu Bakr al-Baghdadi"),
        ("AL-QAEDA", "Al-Qaeda"),
        ("PKK", "PKK"),
        ("LORD'S_RESISTANCE_ARMY", "Lord's Resistance Army"),
    ],
)
def test_display_names(phrase: str, name: str) -> None:
    assert converter().display_name(converter().clean_phrase(phrase)) == name


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("", None, None),
        (">090120", "2009-01-20", None),
        ("<900823", None, "1990-08-23"),
        ("780101-000101", "1978-01-01", "2000-01-01"),
        ("19270101-730717", "1927-01-01", "1973-07-17"),
    ],
)
def test_date_restrictions(text: str, start: str | None, end: str | None) -> None:
    got = converter().parse_restriction(text)
    assert tuple(d.isoformat() if d else None for d in got) == (start, end)


@pytest.mark.parametrize(
    "text", ["20121204", "2004017-20061201", "20121207-20120802", ">201005011"]
)
def test_unusable_date_restrictions(text: str) -> None:
    with pytest.raises(ValueError):
        converter().parse_restriction(text)


@pytest.mark.parametrize(
    ("phrase", "plural"),
    [
        ("foreign minister", "foreign ministers"),
        ("deputy", "deputies"),
        ("envoy", "envoys"),
        ("witness", "witnesses"),
        ("church", "churches"),
        ("gunman", "gunmen"),
        ("human", "humans"),
    ],
)
def test_regular_plurals(phrase: str, plural: str) -> None:
    assert converter().plural(phrase) == plural
