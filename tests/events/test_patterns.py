"""Verb and noun patterns: codes exist, lookups find the expected codes, bad files say where."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from newsevents.errors import DataFileError
from newsevents.events.ontology import cameo
from newsevents.events.patterns import (
    COLUMNS,
    NULL_CODE,
    Pattern,
    Patterns,
    load_patterns,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "newsevents" / "data" / "patterns"


def best(candidates: tuple[Pattern, ...], **wanted: str) -> Pattern:
    """The pattern a coder would pick for exactly these words: most specific, later on a tie."""
    fits = [p for p in candidates if all(getattr(p, k) == wanted.get(k, "") for k in FIELDS)]
    assert fits, f"no pattern with {wanted}"
    return max(enumerate(fits), key=lambda item: (item[1].specificity, item[0]))[1]


FIELDS = ("particle", "subject", "noun", "prep", "prep_noun", "prep2", "prep2_noun")


@pytest.fixture(scope="module")
def patterns() -> Patterns:
    return load_patterns()


def test_every_pattern_code_exists_in_the_ontology(patterns: Patterns):
    assert len(patterns) > 5000
    for pattern in patterns:
        if pattern.cameo != NULL_CODE:
            assert cameo(pattern.cameo).code == pattern.cameo
        if pattern.reverse_cameo:
            assert cameo(pattern.reverse_cameo).code == pattern.reverse_cameo


@pytest.mark.parametrize(
    ("verb", "words", "code", "reverse"),
    [
        ("visit", {}, "042", "043"),
        ("host", {}, "043", "042"),
        ("meet", {}, "040", ""),
        ("meet", {"prep": "with"}, "040", ""),
        ("tour", {}, "042", "043"),  # extra.tsv overrides Phoenix's 040
        ("arrive", {"prep": "in"}, "042", "043"),
        ("travel", {"prep": "to"}, "042", "043"),
        ("hold", {"noun": "talk"}, "046", "046"),
        ("hold", {"noun": "talk", "prep": "with"}, "046", "046"),
        ("hold", {"noun": "meeting", "prep": "with"}, "040", "040"),
        ("engage", {"prep": "in", "prep_noun": "discussion", "prep2": "with"}, "046", "046"),
        ("deport", {}, "174", ""),
        ("expel", {"noun": "diplomat"}, "161", ""),
        ("sanction", {}, "163", ""),
        ("impose", {"noun": "sanction"}, "163", ""),
        ("impose", {"noun": "sanction", "prep": "on"}, "163", ""),
        ("impose", {"noun": "tariff", "prep": "on"}, "163", ""),
        ("announce", {"noun": "tariff", "prep": "on"}, "163", ""),
        ("impose", {"noun": "curfew"}, "1723", ""),
        ("impose", {"noun": "martial law"}, "1724", ""),
        ("threaten", {}, "130", ""),
        ("threaten", {"noun": "sanction"}, "1312", ""),
        ("lift", {"noun": "sanction"}, "085", ""),
        ("negotiate", {"prep": "with"}, "046", "046"),
    ],
)
def test_verb_lookups(
    patterns: Patterns, verb: str, words: dict[str, str], code: str, reverse: str
):
    pattern = best(patterns.for_verb(verb), **words)
    assert (pattern.cameo, pattern.reverse_cameo) == (code, reverse), pattern.origin


@pytest.mark.parametrize(
    ("noun", "prep", "code"),
    [
        ("visit", "to", "042"),
        ("talk", "with", "046"),
        ("tariff", "on", "163"),
        ("sanction", "against", "163"),
        ("threat", "to", "130"),
        ("deportation", "of", "174"),
    ],
)
def test_nominal_lookups(patterns: Patterns, noun: str, prep: str, code: str):
    pattern = best(patterns.for_noun(noun), noun=noun, prep=prep)
    assert pattern.is_nominal and pattern.cameo == code and pattern.target == "prep"


@pytest.mark.parametrize(
    ("verb", "words", "target"),
    [
        ("visit", {}, "dobj"),
        ("meet", {"prep": "with"}, "prep"),
        ("impose", {"noun": "sanction", "prep": "on"}, "prep"),
        ("engage", {"prep": "in", "prep_noun": "talk", "prep2": "with"}, "prep2"),
        ("impose", {"noun": "curfew"}, ""),
    ],
)
def test_targets(patterns: Patterns, verb: str, words: dict[str, str], target: str):
    assert best(patterns.for_verb(verb), **words).target == target


def test_lookups_are_case_blind_and_empty_for_unknown_words(patterns: Patterns):
    assert patterns.for_verb("VISIT") == patterns.for_verb("visit")
    assert patterns.for_verb("nonexistentverb") == () and patterns.for_noun("zzz") == ()


def test_synsets(patterns: Patterns):
    assert {"truce", "ceasefire", "armistice"} <= patterns.members("&ceasefire")
    assert patterns.members("troop") == {"troop"}
    used = {
        w
        for p in patterns
        for c in ("subject", "noun", "prep_noun", "prep2_noun")
        for w in getattr(p, c).split()
        if w.startswith("&")
    }
    assert used <= set(patterns.synsets)


def test_specificity():
    def pattern(**cells: str) -> Pattern:
        return Pattern(**{c: "" for c in COLUMNS} | {"verb_lemma": "x", "cameo": "010"} | cells)

    assert pattern().specificity == 0
    assert pattern(noun="martial law", prep="on").specificity == 3
    assert pattern(prep="in", prep_noun="*").specificity == 1


def test_tables_have_no_repeated_pattern():
    for name in ("verbs.tsv", "extra.tsv"):
        rows = [
            line.split("\t")[:9]
            for line in (DATA / name).read_text().splitlines()
            if not line.startswith("#")
        ]
        assert len({tuple(r) for r in rows}) == len(rows), name


@pytest.mark.parametrize("path", sorted(DATA.glob("*.tsv")), ids=lambda p: p.name)
def test_data_files_name_source_and_licence(path: Path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ")
    assert "\n# Source:" in text and "\n# Licence:" in text


GOOD = "visit\t\t\t\t\t\t\t\tdobj\t042\t043\tmine\tmy note"


def write_table(tmp_path: Path, *rows: str, header: str = "\t".join(COLUMNS)) -> Path:
    path = tmp_path / "mine.tsv"
    path.write_text("# my patterns\n" + header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_extra_files_load_after_the_shipped_ones(tmp_path: Path, patterns: Patterns):
    path = write_table(tmp_path, "inspect\t\t\t\t\t\t\t\tdobj\t090\t\tmine\tan inspection")
    loaded = load_patterns(extra=[path])
    assert len(loaded) == len(patterns) + 1
    assert loaded.for_verb("inspect")[-1].origin == "mine.tsv:3"
    assert len(load_patterns()) == len(patterns)  # the shipped set is not changed


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (GOOD.replace("\t042\t", "\t42\t"), "line 3: cameo: '42' is not a CAMEO code"),
        (
            GOOD.replace("\t042\t", "\t0999\t"),
            "line 3: cameo: '0999' is not in the CAMEO code table",
        ),
        (GOOD.replace("\t042\t", "\t\t"), "line 3: cameo is empty"),
        (GOOD.replace("\t043\t", "\t43\t"), "line 3: reverse_cameo"),
        (GOOD.replace("dobj", "prep"), "target is 'prep' but that column is empty"),
        (GOOD.replace("dobj", "object"), "target 'object' is not one of"),
        (GOOD.replace("visit", "Visit"), "verb_lemma 'Visit' must be lower case"),
        (GOOD.replace("visit\t\t\t", "visit\t\t\t&nothing"), "'&nothing' is not a synset"),
        (GOOD.replace("visit", ""), "needs a verb_lemma, or a noun"),
        (GOOD.replace("\tmine\t", "\t\t"), "source is empty"),
        ("\t".join(GOOD.split("\t")[:5]), "5 cells where the header has 13"),
    ],
)
def test_bad_rows_name_the_file_and_line(tmp_path: Path, row: str, message: str):
    path = write_table(tmp_path, row)
    with pytest.raises(DataFileError, match=message) as caught:
        load_patterns(extra=[path])
    assert str(path) in str(caught.value)


def test_wrong_header_is_refused(tmp_path: Path):
    path = write_table(tmp_path, GOOD, header="verb\tcode")
    with pytest.raises(DataFileError, match="line 2: columns are 'verb code'"):
        load_patterns(extra=[path])


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("script", "folder"),
    [("convert_cameo", "cameo"), ("convert_verbs", "patterns")],
)
def test_shipped_tables_are_what_the_converters_write(
    shared_data: Path, tmp_path: Path, script: str, folder: str
):
    _script(script).main(["--data", str(shared_data), "--out", str(tmp_path)])
    written = sorted(tmp_path.glob("*.tsv"))
    assert written
    for path in written:
        shipped = ROOT / "newsevents" / "data" / folder / path.name
        assert path.read_text() == shipped.read_text(), (
            f"{path.name} is out of date: rerun {script}"
        )
