"""The codebook: generated from the shipped tables, complete, in three formats."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from newsevents.cli import app
from newsevents.errors import UsageError
from newsevents.events.ontology import all_codes, cameo
from newsevents.events.tables import data_file
from newsevents.explore.codebook import (
    CODEBOOK_FORMATS,
    agent_sector_codes,
    codebook,
    render_codebook,
)


@pytest.mark.parametrize("fmt", CODEBOOK_FORMATS)
def test_every_cameo_code_of_the_table_is_in_the_codebook(fmt: str):
    text = render_codebook(codebook(), fmt=fmt)
    if fmt == "json":
        listed = [entry["code"] for entry in json.loads(text)["cameo"]]
    else:
        # the code as the first cell of its row: "042  Make a visit" or "| 042 | Make a visit |"
        listed = re.findall(r"^\|? ?(\d{2,4})\s*\|?\s+\S", text, re.MULTILINE)
    assert listed == list(all_codes())
    assert len(listed) == 312


@pytest.mark.parametrize(
    ("code", "name", "goldstein", "quad", "plover"),
    [
        ("042", "Make a visit", 1.9, 1, "CONSULT"),
        ("0211", "Appeal for economic cooperation", 3.4, 1, None),
        ("163", "Impose embargo, boycott, or sanctions", -8.0, 4, "COERCE"),
        ("190", "Use conventional military force", -10.0, 4, "ASSAULT"),
    ],
)
def test_codebook_rows_are_the_tables_values(code, name, goldstein, quad, plover):
    [entry] = [e for e in codebook().cameo if e.code == code]
    assert (entry.name, entry.goldstein, entry.quad_class, entry.plover_type) == (
        name,
        goldstein,
        quad,
        plover,
    )
    assert entry == cameo(code)


def test_quad_classes_cover_every_root_once():
    roots = [root for q in codebook().quad_classes for root in q.roots]
    assert roots == [f"{n:02d}" for n in range(1, 21)]
    assert [q.name for q in codebook().quad_classes] == [
        "Verbal cooperation",
        "Material cooperation",
        "Verbal conflict",
        "Material conflict",
    ]


def test_sources_say_where_goldstein_and_quad_class_come_from():
    text = render_codebook(codebook(), fmt="text")
    assert "ICEWS" in text and "andybega/icews" in text
    assert "016 (-2.0 there), 022 (3.2), 164 (-7.0) and 165 (-6.5)" in text  # GDELT's values
    assert "GDELT's QuadClass by root" in text
    assert "CAMEO2PLOVER-2021.txt" in text
    assert "Permission is hereby granted" not in text  # licence boilerplate is left out


def test_every_sector_code_of_the_agents_tables_is_described():
    described = {s.code for s in codebook().sectors}
    assert agent_sector_codes() <= described
    assert {
        "GOV",
        "MIL",
        "COP",
        "JUD",
        "LEG",
        "OPP",
        "REB",
        "PTY",
        "BUS",
        "MED",
        "CVL",
    } <= described
    assert {
        "REF",
        "IGO",
        "NGO",
        "EDU",
        "LAB",
        "HLH",
        "CRM",
        "UAF",
        "ELI",
        "SPY",
        "AGR",
    } <= described
    assert all(s.description and s.source in ("CAMEO", "Phoenix") for s in codebook().sectors)


@pytest.mark.parametrize(
    ("code", "example", "plural"),
    [("COP", "deputy", "deputies"), ("UAF", "gunman", "gunmen"), ("REF", "refugee", "refugees")],
)
def test_sectors_list_role_nouns_that_give_them_without_plurals(code, example, plural):
    [sector] = [s for s in codebook().sectors if s.code == code]
    assert sector.agents > len(sector.examples) > 0
    assert example in sector.examples and plural not in sector.examples


def test_sector_table_names_its_source_and_licence():
    head = data_file("actors", "sectors.tsv").read_text(encoding="utf-8").split("\ncode\t")[0]
    assert "# Source:" in head and "# Licence: MIT" in head


@pytest.mark.parametrize(
    ("alpha3", "numeric", "fips", "cameo_code"),
    [
        ("COL", "170", "CO", "COL"),
        ("ISR", "376", "IS", "ISR"),
        ("DEU", "276", "GM", "DEU"),
        ("TLS", "626", "TT", "TMP"),
        ("XKX", "", "KV", "KSV"),
    ],
)
def test_country_crosswalk(alpha3: str, numeric: str, fips: str, cameo_code: str):
    [row] = [c for c in codebook().countries if c.alpha3 == alpha3]
    assert (row.numeric, row.fips, row.cameo) == (numeric, fips, cameo_code)
    assert len(codebook().countries) == 250


def test_markdown_tables_escape_pipes_and_have_one_cell_per_column():
    text = render_codebook(codebook(), fmt="markdown")
    for line in text.splitlines():
        if line.startswith("| code | name | goldstein"):
            width = line.count(" | ")
        elif line.startswith("| 0"):  # a CAMEO row
            assert len(re.split(r"(?<!\\)\|", line)) - 3 == width


def test_an_unknown_format_is_a_usage_error():
    with pytest.raises(UsageError, match="choose text, json, markdown"):
        render_codebook(codebook(), fmt="pdf")


@pytest.mark.parametrize("fmt", CODEBOOK_FORMATS)
def test_cli_prints_the_codebook(fmt: str):
    result = CliRunner().invoke(app, ["codebook", "--format", fmt])
    assert result.exit_code == 0, result.output
    assert "Make a visit" in result.output
    if fmt == "json":
        assert len(json.loads(result.output)["countries"]) == 250
