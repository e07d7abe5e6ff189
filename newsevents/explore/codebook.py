"""The codebook: what every code in newsevents' output means, generated from the shipped tables.

There is one source of truth for each part, the table the coder itself reads, so the codebook
cannot drift from the data:

- CAMEO event codes, names, Goldstein values and QuadClass: ``data/cameo/cameo.tsv`` (through
  :mod:`newsevents.events.ontology`); the PLOVER crosswalk: ``data/cameo/cameo-plover.tsv``;
  PLOVER type names, current and draft: ``data/cameo/plover-names.tsv``;
- sector codes: ``data/actors/sectors.tsv`` (what each code means), with the role nouns of
  ``data/actors/agents.tsv`` and ``agents-supplement.tsv`` that give each code;
- the country code crosswalk (ISO alpha-3, alpha-2, numeric, FIPS 10-4, CAMEO):
  ``data/countries.tsv``.

Each table's provenance (its ``#`` header: source, licence, conventions) is carried along, so
the Goldstein note (ICEWS values; GDELT's copy differs on 016, 022, 164 and 165) and the
QuadClass mapping are printed as the data files state them.

>>> book = codebook()
>>> print(render_codebook(book, fmt="markdown"))
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from newsevents.actors.dictionaries import COUNTRIES
from newsevents.actors.dictionaries import read_table as read_country_table
from newsevents.errors import UsageError
from newsevents.events.ontology import CameoCode, all_codes, cameo
from newsevents.events.tables import Row, data_file, read_table

#: Formats :func:`render_codebook` writes.
CODEBOOK_FORMATS = ("text", "json", "markdown")

#: GDELT's names for its four QuadClass values (the roots of each come from cameo.tsv).
QUAD_CLASS_NAMES = {
    1: "Verbal cooperation",
    2: "Material cooperation",
    3: "Verbal conflict",
    4: "Material conflict",
}

#: Role nouns listed as examples beside each sector code.
SECTOR_EXAMPLES = 5

_SECTOR_COLUMNS = ("code", "group", "name", "description", "source")
_AGENT_COLUMNS = ("key", "name", "code", "sectors", "placement", "source")
_COUNTRY_COLUMNS = ("alpha3", "alpha2", "numeric", "fips", "cameo", "name")
_PLOVER_NAME_COLUMNS = ("name", "current", "status", "note")
# Licence boilerplate reproduced in a table's header is not provenance worth printing again.
_BOILERPLATE = "The MIT License"


@dataclass(frozen=True, slots=True)
class QuadClass:
    """One of GDELT's four QuadClass values and the CAMEO roots it covers."""

    number: int
    name: str
    roots: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PloverName:
    """A PLOVER event type name: a current type, or a draft name and the type that replaced it."""

    name: str
    current: str
    status: str
    note: str


@dataclass(frozen=True, slots=True)
class Sector:
    """A 3-letter actor sector code (``GOV`` in ``USAGOV``), what it means, how many role noun
    forms in the agents tables give it (singular and plural count apart), and a few of them."""

    code: str
    group: str
    name: str
    description: str
    source: str
    agents: int
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CountryCodes:
    """One row of the country code crosswalk. ``fips`` is "" where FIPS 10-4 has no code."""

    alpha3: str
    alpha2: str
    numeric: str
    fips: str
    cameo: str
    name: str


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where one table comes from: its path under ``newsevents/data`` and its header notes."""

    table: str
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Codebook:
    """Everything :func:`codebook` reads, in codebook order."""

    cameo: tuple[CameoCode, ...]
    quad_classes: tuple[QuadClass, ...]
    plover_names: tuple[PloverName, ...]
    sectors: tuple[Sector, ...]
    countries: tuple[CountryCodes, ...]
    sources: tuple[Provenance, ...]

    def to_dict(self) -> dict[str, Any]:
        """The codebook as JSON-ready lists (a CAMEO entry's contexts as a list)."""
        return {
            "cameo": [_cameo_dict(entry) for entry in self.cameo],
            "quad_classes": [asdict(q) for q in self.quad_classes],
            "plover_names": [asdict(p) for p in self.plover_names],
            "sectors": [asdict(s) for s in self.sectors],
            "countries": [asdict(c) for c in self.countries],
            "sources": [asdict(p) for p in self.sources],
        }


@cache
def codebook() -> Codebook:
    """The codebook, read from the shipped tables once per process."""
    codes = tuple(cameo(code) for code in all_codes())
    return Codebook(
        cameo=codes,
        quad_classes=_quad_classes(codes),
        plover_names=_plover_names(),
        sectors=_sectors(),
        countries=_countries(),
        sources=tuple(_provenance(*parts) for parts in _TABLES),
    )


# The tables the codebook is made of, in the order their provenance is printed.
_TABLES = (
    ("cameo", "cameo.tsv"),
    ("cameo", "cameo-plover.tsv"),
    ("cameo", "plover-names.tsv"),
    ("actors", "sectors.tsv"),
    ("actors", "agents.tsv"),
    ("actors", "agents-supplement.tsv"),
    ("countries.tsv",),
)


def _quad_classes(codes: Sequence[CameoCode]) -> tuple[QuadClass, ...]:
    roots: defaultdict[int, list[str]] = defaultdict(list)
    for entry in codes:
        if entry.is_root:
            roots[entry.quad_class].append(entry.root)
    return tuple(
        QuadClass(number, QUAD_CLASS_NAMES[number], tuple(roots[number]))
        for number in sorted(roots)
    )


def _plover_names() -> tuple[PloverName, ...]:
    _, rows = read_table(data_file("cameo", "plover-names.tsv"), columns=_PLOVER_NAME_COLUMNS)
    return tuple(PloverName(**row.cells) for row in rows)


def _sectors() -> tuple[Sector, ...]:
    forms, examples = _agent_nouns()
    _, rows = read_table(data_file("actors", "sectors.tsv"), columns=_SECTOR_COLUMNS)
    return tuple(
        Sector(
            **row.cells,
            agents=forms[row["code"]],
            # one-word nouns first ("police" before "police official"): the plainest examples
            examples=tuple(sorted(examples[row["code"]], key=_words)[:SECTOR_EXAMPLES]),
        )
        for row in rows
    )


def _words(noun: str) -> int:
    return noun.count(" ") + 1


def _agent_nouns() -> tuple[Counter[str], dict[str, list[str]]]:
    """Per sector code: how many noun forms give it, and the nouns in table order, without the
    plural of a noun already listed ("soldier", not also "soldiers")."""
    forms: Counter[str] = Counter()
    examples: defaultdict[str, list[str]] = defaultdict(list)
    plurals: defaultdict[str, set[str]] = defaultdict(set)
    for row in _agent_rows():
        for sector in filter(None, row["sectors"].split("|")):
            forms[sector] += 1
            name = row["name"]
            if name not in examples[sector] and name not in plurals[sector]:
                examples[sector].append(name)
                plurals[sector] |= _plurals(name)
    return forms, examples


def _plurals(noun: str) -> set[str]:
    """The ways the agents tables write the plural of ``noun`` (soldiers, deputies, gunmen)."""
    forms = {noun + "s", noun + "es", noun + "ses"}
    if noun.endswith("y"):
        forms.add(noun[:-1] + "ies")
    if noun.endswith("man"):
        forms.add(noun[:-3] + "men")
    return forms


def _agent_rows() -> Iterable[Row]:
    for name in ("agents.tsv", "agents-supplement.tsv"):
        _, rows = read_table(data_file("actors", name), columns=_AGENT_COLUMNS)
        yield from rows


def agent_sector_codes() -> set[str]:
    """Every sector code the agents tables give (each must have a row in sectors.tsv)."""
    return {sector for row in _agent_rows() for sector in row["sectors"].split("|") if sector}


def _countries() -> tuple[CountryCodes, ...]:
    rows = read_country_table(COUNTRIES)
    return tuple(CountryCodes(*(row[c] for c in _COUNTRY_COLUMNS)) for _, row in rows)


def _provenance(*parts: str) -> Provenance:
    notes: list[str] = []
    for line in data_file(*parts).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        note = line[1:].rstrip()
        if note.strip().startswith(_BOILERPLATE):
            break
        notes.append(note[1:] if note.startswith(" ") else note)
    while notes and not notes[-1].strip():
        notes.pop()
    return Provenance("/".join(parts), tuple(notes))


def _cameo_dict(entry: CameoCode) -> dict[str, Any]:
    values = asdict(entry)
    values["plover_context"] = list(entry.plover_context)
    return values


# -- rendering ----------------------------------------------------------------------------------


def render_codebook(book: Codebook, *, fmt: str = "text") -> str:
    """``book`` as plain text, JSON or Markdown (one of :data:`CODEBOOK_FORMATS`)."""
    if fmt == "json":
        return json.dumps(book.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return "\n".join(_markdown(book)) + "\n"
    if fmt == "text":
        return "\n".join(_text(book)) + "\n"
    raise UsageError(f"codebook format {fmt!r}: choose {', '.join(CODEBOOK_FORMATS)}")


def _sections(book: Codebook) -> list[tuple[str, str, list[str], list[list[str]]]]:
    """(title, note, column names, rows) of each table, shared by the text and Markdown forms."""
    return [
        (
            f"CAMEO event codes ({len(book.cameo)})",
            "Goldstein: the ICEWS CAMEO table's values; QuadClass: GDELT's mapping by root. "
            "PLOVER type, mode and context: the 2021 CAMEO-to-PLOVER crosswalk "
            "(no type for roots 01 and 02). Sources below.",
            ["code", "name", "goldstein", "quad", "plover type", "mode", "context"],
            [_cameo_row(entry) for entry in book.cameo],
        ),
        (
            "QuadClass",
            "GDELT's four classes, by CAMEO root.",
            ["quad", "name", "roots"],
            [[str(q.number), q.name, " ".join(q.roots)] for q in book.quad_classes],
        ),
        (
            "PLOVER event types",
            "The 16 current types, and draft names found in older PLOVER data.",
            ["name", "current", "status", "note"],
            [[p.name, p.current, p.status, p.note] for p in book.plover_names],
        ),
        (
            f"Sector codes ({len(book.sectors)})",
            "The 3-letter groups after an actor code's country (USAGOV: USA + GOV); "
            "IGO, NGO, MNC and the like stand in place of a country. "
            "'nouns': role nouns in the agents tables that give the code.",
            ["code", "group", "name", "description", "nouns", "e.g.", "source"],
            [_sector_row(s) for s in book.sectors],
        ),
        (
            f"Country codes ({len(book.countries)})",
            "newsevents writes ISO alpha-3 everywhere; FIPS 10-4 only in the GDELT export's geo "
            "columns, CAMEO in its actor country columns.",
            ["alpha3", "alpha2", "numeric", "fips", "cameo", "name"],
            [[c.alpha3, c.alpha2, c.numeric, c.fips, c.cameo, c.name] for c in book.countries],
        ),
    ]


def _cameo_row(entry: CameoCode) -> list[str]:
    return [
        entry.code,
        entry.name,
        f"{entry.goldstein:.1f}",
        str(entry.quad_class),
        entry.plover_type or "",
        entry.plover_mode or "",
        ", ".join(entry.plover_context),
    ]


def _sector_row(sector: Sector) -> list[str]:
    return [
        sector.code,
        sector.group,
        sector.name,
        sector.description,
        str(sector.agents),
        ", ".join(sector.examples),
        sector.source,
    ]


def _text(book: Codebook) -> Iterable[str]:
    yield "newsevents codebook (generated from the tables in newsevents/data)"
    for number, (title, note, columns, rows) in enumerate(_sections(book), start=1):
        yield ""
        yield f"{number}. {title}"
        yield note
        yield ""
        yield from _aligned(columns, rows)
    yield ""
    yield "Sources"
    for source in book.sources:
        yield ""
        yield f"data/{source.table}:"
        yield from (f"  {note}" for note in source.notes)


#: Columns wider than this are not padded (the last column never is): long names and
#: descriptions would push every row off the screen.
_MAX_PAD = 40


def _aligned(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> Iterable[str]:
    widths = [
        min(_MAX_PAD, max(len(cells[i]) for cells in [columns, *rows])) for i in range(len(columns))
    ]
    for cells in [columns, *rows]:
        padded = [cell.ljust(width) for cell, width in zip(cells[:-1], widths, strict=False)]
        yield "  ".join([*padded, cells[-1]]).rstrip()


def _markdown(book: Codebook) -> Iterable[str]:
    yield "# newsevents codebook"
    yield ""
    yield "Generated from the tables in `newsevents/data` by `newsevents codebook`."
    for title, note, columns, rows in _sections(book):
        yield ""
        yield f"## {title}"
        yield ""
        yield note
        yield ""
        yield "| " + " | ".join(columns) + " |"
        yield "|" + "---|" * len(columns)
        yield from ("| " + " | ".join(_md_cell(c) for c in cells) + " |" for cells in rows)
    yield ""
    yield "## Sources"
    for source in book.sources:
        yield ""
        yield f"`data/{source.table}`:"
        yield ""
        yield "```"
        yield from source.notes
        yield "```"


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")
