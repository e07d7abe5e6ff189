"""Actor, country, agent and discard lookups on the shipped tables, and the tables themselves."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import pytest

from newsevents.actors import dictionaries as dictionaries_module
from newsevents.actors.dictionaries import (
    ACTOR_NAMES,
    ACTOR_ROLES,
    AGENTS,
    COUNTRIES,
    COUNTRY_KINDS,
    DISCARDS,
    SUPPLEMENT,
    Dictionaries,
    load_dictionaries,
    read_table,
)
from newsevents.actors.normalise import key, split_code
from newsevents.errors import UsageError

D = dt.date
SHIPPED = [ACTOR_NAMES, ACTOR_ROLES, SUPPLEMENT, AGENTS, DISCARDS, COUNTRIES]
CONVERTED = [ACTOR_NAMES, ACTOR_ROLES, AGENTS, DISCARDS]


@pytest.fixture(scope="module")
def tables() -> Dictionaries:
    return load_dictionaries()


# --- actors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "on", "code", "actor_id"),
    [
        ("Kristi Noem", D(2025, 3, 27), "USAGOV", "kristi_noem"),
        ("Secretary Noem", D(2025, 3, 27), "USAGOV", "kristi_noem"),
        ("Noem’s", D(2025, 3, 27), "USAGOV", "kristi_noem"),
        ("Donald Trump", D(2019, 6, 1), "USAGOV", "donald_trump"),
        ("Donald Trump", D(2022, 6, 1), "USAELI", "donald_trump"),
        ("Trump", D(2025, 3, 27), "USAGOV", "donald_trump"),
        ("Barack Obama", D(2010, 6, 1), "USAGOV", "barack_obama"),
        ("Barack Obama", D(2018, 1, 1), "USAELI", "barack_obama"),
        ("President Gustavo Petro", D(2025, 3, 27), "COLGOV", "gustavo_petro"),
        ("President Nayib Bukele", D(2025, 3, 26), "SLVGOV", "nayib_bukele"),
        ("Claudia Sheinbaum", D(2025, 3, 28), "MEXGOV", "claudia_sheinbaum"),
        ("López Obrador", D(2025, 3, 28), "MEXELI", "andres_manuel_lopez_obrador"),
        ("Marco Rubio", D(2025, 3, 1), "USAGOV", "marco_rubio"),
        ("Marco Rubio", D(2020, 3, 1), "USAGOVLEG", "marco_rubio"),
        ("Pete Hegseth", D(2025, 3, 1), "USAGOVMIL", "pete_hegseth"),
        ("Volodymyr Zelenskyy", D(2023, 1, 1), "UKRGOV", "volodymyr_zelensky"),
        ("Keir Starmer", D(2022, 1, 1), "GBROPP", "keir_starmer"),
        ("Keir Starmer", D(2025, 1, 1), "GBRGOV", "keir_starmer"),
        ("Ursula von der Leyen", D(2024, 1, 1), "IGOEUREEC", "ursula_von_der_leyen"),
        ("Vladimir Putin", D(2024, 1, 1), "RUSGOV", "vladimir_putin"),
        # two actors share the name; the dates pick the one in office
        ("President Bush", D(1990, 6, 1), "USAGOV", "george_bush"),
        ("President Bush", D(2003, 6, 1), "USAGOV", "george_w_bush"),
    ],
)
def test_actor_role_on_a_day(
    tables: Dictionaries, name: str, on: dt.date, code: str, actor_id: str
) -> None:
    resolved = tables.actor(name, on=on)
    assert resolved is not None
    assert (resolved.actor.id, resolved.code, resolved.resolution) == (actor_id, code, "dated")
    assert resolved.country == code[:3]
    assert resolved.text == name


@pytest.mark.parametrize(
    ("name", "on", "code"),
    [
        ("Joe Biden", D(2021, 1, 20), "USAGOV"),
        ("Donald Trump", D(2021, 1, 20), "USAELI"),
        ("Donald Trump", D(2025, 1, 20), "USAGOV"),
        ("Joe Biden", D(2025, 1, 20), "USAELI"),
    ],
)
def test_on_a_hand_over_day_the_role_that_starts_wins(
    tables: Dictionaries, name: str, on: dt.date, code: str
) -> None:
    resolved = tables.actor(name, on=on)
    assert resolved is not None and resolved.code == code


@pytest.mark.parametrize(
    ("name", "code", "resolution"),
    [
        ("Donald Trump", "USAGOV", "latest"),  # the open-ended role that started last
        ("Barack Obama", "USAELI", "latest"),  # the supplement's ELI outlives Phoenix's open GOV
        ("Kofi Annan", "ELI", "latest"),  # every dated role ended: the default
    ],
)
def test_unknown_date_gives_the_latest_role(
    tables: Dictionaries, name: str, code: str, resolution: str
) -> None:
    resolved = tables.actor(name, on=None)
    assert resolved is not None
    assert (resolved.code, resolved.resolution) == (code, resolution)


def test_undated_default_applies_when_no_dated_role_does(tables: Dictionaries) -> None:
    resolved = tables.actor("Kofi Annan", on=D(2010, 1, 1))
    assert resolved is not None
    assert (resolved.code, resolved.country, resolved.sectors) == ("ELI", None, ("ELI",))
    assert resolved.resolution == "default"


def test_known_actor_with_no_role_that_day(tables: Dictionaries) -> None:
    resolved = tables.actor("Kristi Noem", on=D(2020, 6, 1))  # governor: a state office, left out
    assert resolved is not None
    assert (resolved.role, resolved.code, resolved.country) == (None, None, None)
    assert resolved.resolution == "none"


@pytest.mark.parametrize("name", ["Nobody Atall", "", "  ", "us"])
def test_unknown_names(tables: Dictionaries, name: str) -> None:
    assert tables.actor(name, on=D(2025, 1, 1)) is None


# --- countries ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "alpha3", "kind", "sector"),
    [
        ("Salvadoran", "SLV", "demonyms", None),
        ("Salvadorean", "SLV", "demonyms", None),
        ("Colombian", "COL", "demonyms", None),
        ("Colombians", "COL", "people", None),
        ("Colombia's", "COL", "name", None),
        ("American", "USA", "demonyms", None),
        ("Americans", "USA", "people", None),
        ("U.S.", "USA", "aliases", None),
        ("US", "USA", "aliases", None),
        ("the United States", "USA", "name", None),
        ("THE UNITED STATES", "USA", "name", None),
        ("the States", "USA", "aliases", None),
        ("Washington", "USA", "capitals", "GOV"),
        ("White House", "USA", "metonyms", "GOV"),
        ("the Pentagon", "USA", "metonyms", "MIL"),
        ("Kremlin", "RUS", "metonyms", "GOV"),
        ("the Kremlin", "RUS", "metonyms", "GOV"),
        ("Downing Street", "GBR", "metonyms", "GOV"),
        ("Élysée", "FRA", "metonyms", "GOV"),
        ("Beijing", "CHN", "capitals", "GOV"),
        ("Bogotá", "COL", "capitals", "GOV"),
        ("bogota", "COL", "capitals", "GOV"),
        ("UK", "GBR", "aliases", None),
        ("Great Britain", "GBR", "aliases", None),
        ("British", "GBR", "demonyms", None),
        ("DRC", "COD", "aliases", None),
        ("Congo", "COD", "aliases", None),
        ("Congo-Brazzaville", "COG", "aliases", None),
        ("Emirati", "ARE", "demonyms", None),
        ("Filipino", "PHL", "demonyms", None),
        ("Côte d’Ivoire", "CIV", "name", None),
        ("Ivory Coast", "CIV", "aliases", None),
        ("Türkiye", "TUR", "aliases", None),
        ("Kosovo", "XKX", "name", None),
        ("Gaza", "PSE", "aliases", None),
    ],
)
def test_country(
    tables: Dictionaries, text: str, alpha3: str, kind: str, sector: str | None
) -> None:
    match = tables.country(text)
    assert match is not None
    assert (match.country.alpha3, match.kind, match.sector) == (alpha3, kind, sector)
    assert match.text == text


@pytest.mark.parametrize("text", ["us", "Korea", "Virgin Islands", "the", "", "Atlantis", "car"])
def test_not_a_country(tables: Dictionaries, text: str) -> None:
    assert tables.country(text) is None


@pytest.mark.parametrize(
    ("code", "alpha3", "fips"),
    [("USA", "USA", "US"), ("col", "COL", "CO"), ("TMP", "TLS", "TT"), ("KSV", "XKX", "KV")],
)
def test_country_by_code(tables: Dictionaries, code: str, alpha3: str, fips: str) -> None:
    country = tables.country_by_code(code)
    assert country is not None and (country.alpha3, country.fips) == (alpha3, fips)


# --- agents and discards -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "words", "code"),
    [
        ("Colombia's Foreign Minister", "foreign minister", "GOV"),
        ("local police", "police", "COP"),
        ("riot police officers", "police officers", "COP"),
        ("rebels", "rebels", "REB"),
        ("gang members", "gang", "CRM"),
        ("Mexican President", "president", "GOV"),
        ("Colombian officials' soldiers", "soldiers", "MIL"),
        ("thieves", "thieves", "CRM"),
        ("congressmen", "congressmen", "LEG"),
    ],
)
def test_agent(tables: Dictionaries, phrase: str, words: str, code: str) -> None:
    match = tables.agent(phrase)
    assert match is not None
    assert (match.text, match.agent.code, match.agent.sectors) == (words, code, (code,))
    assert " ".join(key(phrase).split()[match.start : match.end]) == words


@pytest.mark.parametrize("phrase", ["the weather", "", "Kristi Noem"])
def test_no_agent(tables: Dictionaries, phrase: str) -> None:
    assert tables.agent(phrase) is None


@pytest.mark.parametrize(
    ("text", "discarded"),
    [
        ("He scored a goal in the World Cup final", True),
        ("The baseballs flew over the fence", True),  # a stem: "baseball" continues
        ("Troops attacked rebels near the border", False),
        ("Homeland Security Secretary Kristi Noem arrived in Colombia", False),
    ],
)
def test_is_discard(tables: Dictionaries, text: str, discarded: bool) -> None:
    assert tables.is_discard(text) is discarded


def test_story_level_discard_comes_first(tables: Dictionaries) -> None:
    found = tables.discard("The Commonwealth Games opened in Glasgow")
    assert found is not None and found.story


# --- user dictionaries -------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_user_dictionary_adds_an_actor(tmp_path: Path) -> None:
    user = write(
        tmp_path / "mine.tsv",
        "# my actors\nactor_id\tcode\tstart\tend\tnames\n"
        "ana_perez\tCOLGOVCOP\t2025-02\t\tAna Pérez|Commissioner Pérez\n",
    )
    assert load_dictionaries().actor("Ana Perez", on=D(2025, 3, 27)) is None
    tables = load_dictionaries(extra=[user])
    resolved = tables.actor("Ana Perez", on=D(2025, 3, 27))
    assert resolved is not None
    assert (resolved.actor.name, resolved.country, resolved.sectors) == (
        "Ana Pérez",
        "COL",
        ("GOV", "COP"),
    )
    assert resolved.role is not None and resolved.role.start == D(2025, 2, 1)
    assert resolved.role.source == "mine.tsv:3"
    assert tables.actor("Ana Perez", on=D(2025, 1, 31)).resolution == "none"  # type: ignore[union-attr]
    assert tables.actor("Kristi Noem", on=D(2025, 3, 27)) is not None  # shipped tables still there


def test_user_names_file_adds_a_synonym_and_wins_ties(tmp_path: Path) -> None:
    names = write(tmp_path / "names.tsv", "actor_id\tname\nkristi_noem\tPresident Bush\n")
    tables = load_dictionaries(extra=[names])
    resolved = tables.actor("President Bush", on=D(2025, 3, 27))
    assert resolved is not None and resolved.actor.id == "kristi_noem"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("actor_id\tcode\nx\tUSAGOV\textra\n", r"bad\.tsv:2: 3 tab-separated fields"),
        ("actor_id\tcode\nx\tusagov\n", r"bad\.tsv:2: not a CAMEO actor code"),
        ("actor_id\tcode\tstart\nx\tUSAGOV\t2025-13-01\n", r"bad\.tsv:2: "),
        ("actor_id\tcode\tstart\tend\nx\tUSAGOV\t2025-02-01\t2025-01-01\n", "is after end"),
        ("who\twhat\nx\ty\n", "needs columns actor_id and code"),
    ],
)
def test_bad_user_dictionary_names_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load_dictionaries(extra=[write(tmp_path / "bad.tsv", text)])


def test_missing_user_dictionary(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read dictionary"):
        load_dictionaries(extra=[tmp_path / "absent.tsv"])


def test_tables_are_loaded_once() -> None:
    assert load_dictionaries() is load_dictionaries()
    assert dictionaries_module._load.cache_info().currsize >= 1


# --- the shipped files -------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_file_has_a_header_with_source_and_licence(path: Path) -> None:
    head = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        head.append(line)
    text = "\n".join(head)
    assert len(head) >= 5
    assert re.search(r"Sources?\b", text) and "Licence: MIT" in text
    if path in CONVERTED:
        assert "Copyright (c) 2014 Open Event Data" in text
        assert "Converted by scripts/convert_phoenix.py on " in text


def rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    return list(read_table(path))


def check_role(row: dict[str, str]) -> None:
    assert split_code(row["code"]) == (
        row["country"],
        tuple(filter(None, row["sectors"].split("|"))),
    )
    dates = [dictionaries_module._parse_date(row[c], last=c == "end") for c in ("start", "end")]
    assert None in dates or dates[0] <= dates[1]


def test_every_name_row_parses() -> None:
    ids = set()
    for _, row in rows(ACTOR_NAMES):
        assert row["key"] == key(row["name"]) != ""
        assert row["kind"] in ("canonical", "synonym")
        assert (row["kind"] == "canonical") == (row["actor_id"] not in ids)
        ids.add(row["actor_id"])
    assert len(ids) > 20_000


def test_every_role_row_parses() -> None:
    named = {row["actor_id"] for _, row in rows(ACTOR_NAMES)}
    found = rows(ACTOR_ROLES)
    for _, row in found:
        check_role(row)
        assert row["actor_id"] in named and re.fullmatch(r"\w+:\d+", row["source"])
    assert len(found) > 30_000


def test_every_supplement_row_parses_and_every_actor_has_a_name() -> None:
    named = {row["actor_id"] for _, row in rows(ACTOR_NAMES)}
    for _, row in rows(SUPPLEMENT):
        check_role(row)
        assert row["note"], row
        named.update(row["actor_id"] for name in row["names"].split("|") if name)
        assert row["actor_id"] in named, f"{row['actor_id']} has no name"


def test_every_agent_and_discard_row_parses() -> None:
    for _, row in rows(AGENTS):
        assert row["key"] == key(row["name"]) != ""
        assert "|".join(re.findall("...", row["code"])) == row["sectors"]
        assert row["placement"] in ("before", "after")
    for _, row in rows(DISCARDS):
        assert row["key"] == key(row["key"]) != ""
        assert (row["scope"], row["match"]) in {
            (s, m) for s in ("sentence", "story") for m in ("word", "stem")
        }


def test_country_table_codes() -> None:
    table = [row for _, row in rows(COUNTRIES)]
    assert len(table) == 250
    for column, pattern in (("alpha3", "[A-Z]{3}"), ("alpha2", "[A-Z]{2}"), ("numeric", r"\d{3}|")):
        values = [row[column] for row in table]
        assert all(re.fullmatch(pattern, v) for v in values), column
        assert len(set(values) - {""}) == len([v for v in values if v]), f"{column} repeats"
    assert all(re.fullmatch(r"[A-Z]{2}|", row["fips"]) for row in table)
    assert all(re.fullmatch(r"(?:[A-Z]{3})+", row["cameo"]) for row in table)
    for row in table:
        for item in filter(None, row["metonyms"].split("|")):
            assert re.fullmatch(r"[^=]+=(?:[A-Z]{3})+", item), item


def test_no_country_key_names_two_countries() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for _, row in rows(COUNTRIES):
        texts = [t for column, _ in COUNTRY_KINDS for t in row[column].split("|")]
        texts += [m.rpartition("=")[0] for m in row["metonyms"].split("|")]
        for text in filter(None, texts):
            owners[key(text)].add(row["alpha3"])
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    assert not shared
