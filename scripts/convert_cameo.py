"""Rebuild newsevents/data/cameo/ from the shared CAMEO data (run from the project root).

    python scripts/convert_cameo.py [--data ../shared/data] [--out FOLDER]

Reads
  events/cameo/cameo-codes-icews.csv   CAMEO codes, names, descriptions, Goldstein (MIT, ICEWS)
  events/cameo/CAMEO2PLOVER-2021.txt   CAMEO -> PLOVER event type, mode, context (CC BY-SA 4.0)
and writes
  cameo.tsv         code, root, name, description, goldstein, quad_class, phoenix_class
  cameo-docs.tsv    code, usage_notes, example (for the codebook, not for coding)
  cameo-plover.tsv  code, plover_type, plover_mode, plover_context, note
The PLOVER crosswalk is kept in its own file because its licence (share-alike) differs.
plover-names.tsv (PLOVER type names, current and draft) is written by hand.
Prints what it repaired and which codes the crosswalk does not cover.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsevents.config import shared_data_dir  # noqa: E402
from newsevents.events.tables import format_table  # noqa: E402

OUT = ROOT / "newsevents" / "data" / "cameo"

ICEWS_SOURCE = (
    "Source: cameo-codes-icews.csv from https://github.com/andybega/icews "
    "(MIT licence, Copyright (c) Andreas Beger); CAMEO codebook by Schrodt, Gerner & Yilmaz."
)
PLOVER_SOURCE = (
    "Source: CAMEO2PLOVER-2021.txt, PLOVER manual draft 0.8 (17 September 2021), "
    "edited by Philip Schrodt, https://github.com/openeventdata/PLOVER"
)
PLOVER_LICENCE = (
    "Licence: Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0); "
    "this file is an adaptation and is shared under the same licence."
)

#: GDELT's QuadClass: verbal cooperation, material cooperation, verbal conflict, material
#: conflict, by CAMEO root (GDELT 2.0 event codebook).
QUAD_CLASS = {root: 1 for root in range(1, 6)} | {root: 2 for root in range(6, 10)}
QUAD_CLASS |= {root: 3 for root in range(10, 15)} | {root: 4 for root in range(15, 21)}

#: The five-class grouping the ConfliBERT CAMEO set is labelled with (Phoenix pentaclass):
#: 0 statement, 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material
#: conflict. Unlike QuadClass, investigate (09) and reduce relations (16) are verbal conflict,
#: protest (14) is material conflict.
PHOENIX_CLASS = {1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2, 8: 2, 9: 3, 10: 3, 11: 3, 12: 3}
PHOENIX_CLASS |= {13: 3, 14: 4, 15: 4, 16: 3, 17: 4, 18: 4, 19: 4, 20: 4}

#: Bytes the upstream file lost outright (a "?" stands where a byte was): repaired by hand.
KNOWN_LOSSES = {b"C\xac? ankaya": "Çankaya".encode()}  # the Ankara district


def repair_mojibake(data: bytes) -> tuple[str, int]:
    """Undo the upstream double encoding; returns the text and the number of repairs.

    The CSV's UTF-8 punctuation was once read as Mac Roman and written back as Windows-1252
    (’ became the bytes 82 C4 F4, "‚Äô"), so each run of non-ASCII bytes is reversed through
    the same two code pages.
    """
    for lost, original in KNOWN_LOSSES.items():
        data = data.replace(lost, original)
    count = 0

    def reverse(match: re.Match[bytes]) -> bytes:
        nonlocal count
        run = match.group()
        try:
            fixed = run.decode("cp1252").encode("mac_roman").decode("utf-8")
        except UnicodeError:
            return run  # already proper UTF-8 (the hand repairs above)
        count += 1
        return fixed.encode()

    return re.sub(rb"[\x80-\xff]+", reverse, data).decode("utf-8"), count


def _clean(value: str) -> str:
    value = " ".join(value.split())
    return "" if value == "NA" else value


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    root: str
    name: str
    description: str
    goldstein: str
    usage_notes: str
    example: str


def read_icews(path: Path) -> list[Code]:
    text, repairs = repair_mojibake(path.read_bytes())
    print(f"{path.name}: repaired {repairs} mis-encoded character runs")
    codes = []
    for row in csv.DictReader(io.StringIO(text)):
        code = row["code"]
        if not re.fullmatch(r"\d{2,4}", code) or row["root_code"] != code[:2]:
            raise ValueError(f"{path.name}: unexpected code {code!r} (root {row['root_code']!r})")
        name = _clean(row["name"])
        codes.append(
            Code(
                code=code,
                root=code[:2],
                # A few names start in lower case ("find guilty…"); the codebook capitalises.
                name=name[:1].upper() + name[1:],
                description=_clean(row["description"]),
                goldstein=f"{float(row['goldstein']):.1f}",
                usage_notes=_clean(row["usage_notes"]),
                example=_clean(row["example"]),
            )
        )
    return codes


@dataclass(frozen=True, slots=True)
class PloverEntry:
    code: str
    type: str
    mode: str
    context: str
    line: int


CROSSWALK_LINE = re.compile(r"^(\d{2,4}):\s*([^#]*?)\s*(?:#.*)?$")


def read_crosswalk(path: Path) -> dict[str, PloverEntry]:
    """Code -> PLOVER entry; the two-digit section headings are left to :func:`plover_rows`."""
    entries: dict[str, PloverEntry] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = CROSSWALK_LINE.match(line.strip())
        if not match or len(match.group(1)) == 2:
            continue
        code, fields = match.group(1), [f.strip() for f in match.group(2).split(",")]
        fields += [""] * (3 - len(fields))
        context = ";".join(c.strip() for c in fields[2].split(";") if c.strip())
        entry = PloverEntry(code, fields[0], fields[1], context, number)
        previous = entries.get(code)
        if previous and (previous.type, previous.mode, previous.context) != (
            entry.type,
            entry.mode,
            entry.context,
        ):
            raise ValueError(
                f"{path.name}: code {code} mapped twice, lines {previous.line}, {number}"
            )
        entries.setdefault(code, entry)
    return entries


def cameo_rows(codes: Iterable[Code]) -> list[list[str]]:
    return [
        [
            c.code,
            c.root,
            c.name,
            c.description,
            c.goldstein,
            str(QUAD_CLASS[int(c.root)]),
            str(PHOENIX_CLASS[int(c.root)]),
        ]
        for c in codes
    ]


def plover_rows(codes: Iterable[Code], crosswalk: dict[str, PloverEntry]) -> list[list[str]]:
    rows = []
    for c in codes:
        # A root takes the mapping of its general code (08 -> 080): the crosswalk's two-digit
        # lines are section headings, and 08 heads two sections (CONCEDE and RETREAT).
        key = c.root + "0" if len(c.code) == 2 else c.code
        entry = crosswalk.get(key)
        if entry is None:
            rows.append([c.code, "none", "", "", f"{key} is not in CAMEO2PLOVER-2021.txt"])
            continue
        note = f"root: mapping of {key}" if key != c.code else f"line {entry.line}"
        rows.append([c.code, entry.type, entry.mode, entry.context, note])
    return rows


def write(path: Path, *, comments: list[str], columns: list[str], rows: list[list[str]]) -> None:
    path.write_text(format_table(comments=comments, columns=columns, rows=rows), encoding="utf-8")
    print(f"wrote {path} ({len(rows)} rows)")


def cameo_comments() -> list[str]:
    return [
        "CAMEO event codes: name, description, Goldstein value, QuadClass, Phoenix class.",
        ICEWS_SOURCE,
        "Licence: MIT (see the source repository). Converted by scripts/convert_cameo.py.",
        "Codes are zero-padded strings: 2 digits = root (cue category), 3-4 digits = event.",
        "Repairs: mis-encoded punctuation (Mac Roman/Windows-1252 double encoding) restored;",
        "  whitespace collapsed; 'NA' written as empty; names capitalised.",
        "goldstein: the CAMEO Goldstein (1992) scale values as distributed in the ICEWS CSV.",
        "  GDELT's CAMEO.goldsteinscale.txt (as copied in public repositories) differs for",
        "  016 (-2.0 there), 022 (3.2), 164 (-7.0) and 165 (-6.5), and lacks 1213.",
        "quad_class: GDELT's QuadClass by root: 1 = 01-05 verbal cooperation,",
        "  2 = 06-09 material cooperation, 3 = 10-14 verbal conflict, 4 = 15-20 material conflict.",
        "phoenix_class: the five-class grouping used to label the ConfliBERT CAMEO set:",
        "  0 = 01-02 statement, 1 = 03-05 verbal cooperation, 2 = 06-08 material cooperation,",
        "  3 = 09-13 and 16 verbal conflict, 4 = 14, 15, 17-20 material conflict.",
    ]


def docs_comments() -> list[str]:
    return [
        "CAMEO usage notes and example sentences, for the codebook (not used in coding).",
        ICEWS_SOURCE,
        "Licence: MIT (see the source repository). Converted by scripts/convert_cameo.py.",
        "Examples are the CAMEO manual's own; empty cells mean the source has none.",
    ]


def plover_comments(missing: list[str], extra: list[str]) -> list[str]:
    return [
        "CAMEO code -> PLOVER event type, mode and context.",
        PLOVER_SOURCE,
        PLOVER_LICENCE,
        "Converted by scripts/convert_cameo.py: spaces trimmed; contexts joined by ';'.",
        "plover_type 'none': the crosswalk gives no PLOVER type for the code (listed below).",
        "Root codes take the mapping of their general code (e.g. 08 -> 080).",
        "Mode and context are kept as the crosswalk has them, including 175's mode",
        "  'pro_autocracy' (a context name elsewhere in the crosswalk).",
        f"Codes without a PLOVER type ({len(missing)}): {' '.join(missing)}",
        f"Crosswalk codes not in the CAMEO table, left out: {' '.join(extra) or 'none'}",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=shared_data_dir())
    parser.add_argument(
        "--out", type=Path, default=OUT, help="folder to write (default: the package's)"
    )
    args = parser.parse_args(argv)
    folder, out = args.data / "events" / "cameo", args.out
    codes = read_icews(folder / "cameo-codes-icews.csv")
    crosswalk = read_crosswalk(folder / "CAMEO2PLOVER-2021.txt")
    known = {c.code for c in codes}
    plover = plover_rows(codes, crosswalk)
    missing = [row[0] for row in plover if row[1] == "none"]
    extra = sorted(set(crosswalk) - known)
    print(f"{len(codes)} codes; {len(missing)} without PLOVER type; crosswalk-only: {extra}")
    out.mkdir(parents=True, exist_ok=True)
    columns = ["code", "root", "name", "description", "goldstein", "quad_class", "phoenix_class"]
    write(out / "cameo.tsv", comments=cameo_comments(), columns=columns, rows=cameo_rows(codes))
    write(
        out / "cameo-docs.tsv",
        comments=docs_comments(),
        columns=["code", "usage_notes", "example"],
        rows=[[c.code, c.usage_notes, c.example] for c in codes],
    )
    write(
        out / "cameo-plover.tsv",
        comments=plover_comments(missing, extra),
        columns=["code", "plover_type", "plover_mode", "plover_context", "note"],
        rows=plover,
    )


if __name__ == "__main__":
    main()
