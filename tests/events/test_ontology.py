"""The CAMEO ontology: codes are zero-padded strings, and each carries the values users expect."""

from __future__ import annotations

import csv
import io
import json
import pickle
import re
from pathlib import Path

import pytest

from newsevents.errors import NewsEventsError
from newsevents.events.ontology import (
    PLOVER_TYPES,
    InvalidCameoCode,
    UnknownPloverName,
    all_codes,
    cameo,
    check_code,
    plover_current,
    root_of,
)

DATA = Path(__file__).resolve().parents[2] / "newsevents" / "data"


@pytest.mark.parametrize(
    ("code", "root", "quad", "goldstein", "plover", "mode"),
    [
        ("042", "04", 1, 1.9, "CONSULT", "visit"),
        ("043", "04", 1, 2.8, "CONSULT", "visit"),
        ("04", "04", 1, 1.0, "CONSULT", None),
        ("046", "04", 1, 7.0, "CONSULT", None),
        ("057", "05", 1, 8.0, "SUPPORT", None),
        ("0871", "08", 2, 9.0, "RETREAT", "ceasefire"),
        ("090", "09", 2, -2.0, "ACCUSE", "investigate"),
        ("1312", "13", 3, -5.8, "THREATEN", "restrict"),
        ("163", "16", 4, -8.0, "COERCE", "restrict"),
        ("174", "17", 4, -5.0, "COERCE", "deport"),
        ("190", "19", 4, -10.0, "ASSAULT", None),
        ("2042", "20", 4, -10.0, "ASSAULT", "unconventional"),
        ("010", "01", 1, 0.0, None, None),
    ],
)
def test_code_values(code, root, quad, goldstein, plover, mode):
    entry = cameo(code)
    assert (entry.code, entry.root, entry.quad_class) == (code, root, quad)
    assert entry.goldstein == goldstein
    assert (entry.plover_type, entry.plover_mode) == (plover, mode)
    assert root_of(code) == root


@pytest.mark.parametrize(
    ("code", "phoenix"),
    [
        ("010", 0),
        ("020", 0),
        ("036", 1),
        ("042", 1),
        ("073", 2),
        ("0841", 2),
        ("090", 3),
        ("111", 3),
        ("1312", 3),
        ("163", 3),
        ("141", 4),
        ("154", 4),
        ("173", 4),
        ("190", 4),
    ],
)
def test_phoenix_five_class(code, phoenix):
    assert cameo(code).phoenix_class == phoenix


def test_names_descriptions_and_contexts():
    assert cameo("042").name == "Make a visit"
    assert cameo("116").name.startswith("Find guilty")  # capitalised by the converter
    assert cameo("094").plover_context == ("military", "legal")
    assert cameo("04").is_root and not cameo("042").is_root


@pytest.mark.parametrize(
    ("bad", "hint"),
    [
        ("42", "'042'"),
        (42, "'042'"),
        ("4", "'04'"),
        ("21", "'021'"),
        ("0420", "not in the CAMEO code table"),
        ("", "zero-padded"),
        (" 042", "zero-padded"),
        ("04a", "zero-padded"),
        ("00", "zero-padded"),
        (None, "strings"),
        (4.2, "strings"),
    ],
)
def test_bad_codes_raise_with_a_clear_message(bad, hint):
    with pytest.raises(InvalidCameoCode, match=re.escape(hint)):
        cameo(bad)


def test_check_code_checks_only_the_form():
    assert check_code("0999") == "0999"
    with pytest.raises(InvalidCameoCode):
        check_code("42")


def test_invalid_code_is_a_value_error_in_the_tree_and_pickles():
    with pytest.raises(InvalidCameoCode) as caught:
        cameo("42")
    error = caught.value
    assert isinstance(error, ValueError) and isinstance(error, NewsEventsError)
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


def test_every_code_is_a_zero_padded_string_with_a_root():
    codes = all_codes()
    assert len(codes) == len(set(codes)) == 312
    for code in codes:
        assert isinstance(code, str) and re.fullmatch(r"\d{2,4}", code)
        assert cameo(code).root == code[:2] and code[:2] in codes


def test_every_code_has_quad_class_by_gdelt_roots():
    expected = {**dict.fromkeys(range(1, 6), 1), **dict.fromkeys(range(6, 10), 2)}
    expected |= {**dict.fromkeys(range(10, 15), 3), **dict.fromkeys(range(15, 21), 4)}
    for code in all_codes():
        assert cameo(code).quad_class in (1, 2, 3, 4)
        assert cameo(code).quad_class == expected[int(code[:2])], code


def test_every_code_has_a_phoenix_class_and_goldstein_in_range():
    for code in all_codes():
        assert cameo(code).phoenix_class in (0, 1, 2, 3, 4)
        assert -10.0 <= cameo(code).goldstein <= 10.0


def test_every_code_has_a_plover_type_or_an_explicit_none():
    missing = {code[:2] for code in all_codes() if cameo(code).plover_type is None}
    assert missing == {"01", "02"}  # the 2021 crosswalk leaves statements and appeals out
    for code in all_codes():
        assert cameo(code).plover_type in (*PLOVER_TYPES, None)


@pytest.mark.parametrize(
    ("name", "current"),
    [
        ("DEMAND", "REQUEST"),
        ("DISAPPROVE", "ACCUSE"),
        ("INVESTIGATE", "ACCUSE"),
        ("FIGHT", "ASSAULT"),
        ("demand", "REQUEST"),
        (" Consult ", "CONSULT"),
    ]
    + [(name, name) for name in PLOVER_TYPES],
)
def test_plover_current(name, current):
    assert plover_current(name) == current


@pytest.mark.parametrize(
    ("name", "message"), [("DOCUMENT", "not a PLOVER event type"), ("FLY", "known names")]
)
def test_plover_current_refuses(name, message):
    with pytest.raises(UnknownPloverName, match=message):
        plover_current(name)


@pytest.mark.shared_data
def test_every_event_name_of_the_plover_gold_file_maps(shared_data: Path):
    records = json.loads((shared_data / "events" / "plover" / "PLOVER_GSR_CAMEO.txt").read_text())
    names = {record["event"] for record in records} - {"DOCUMENT"}
    assert {plover_current(name) for name in names} <= set(PLOVER_TYPES)


@pytest.mark.shared_data
def test_goldstein_values_are_those_of_the_icews_csv(shared_data: Path):
    text = (shared_data / "events" / "cameo" / "cameo-codes-icews.csv").read_text(
        encoding="latin-1"
    )
    source = {row["code"]: float(row["goldstein"]) for row in csv.DictReader(io.StringIO(text))}
    assert source == {code: cameo(code).goldstein for code in all_codes()}


def test_mojibake_repaired():
    text = (DATA / "cameo" / "cameo-docs.tsv").read_text(encoding="utf-8")
    assert "\u201a\u00c4" not in text and "\ufffd" not in text  # "‚Ä" starts every mis-encoding
    assert "Ankara’s Çankaya" in text


@pytest.mark.parametrize("path", sorted((DATA / "cameo").glob("*.tsv")), ids=lambda p: p.name)
def test_data_files_name_source_and_licence(path: Path):
    text = path.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert text.startswith("# ")
    assert any(line.startswith("# Source:") for line in header)
    assert any(line.startswith("# Licence:") for line in header)
