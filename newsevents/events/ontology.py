"""The event vocabulary: CAMEO codes and what each one implies, and PLOVER type names.

A CAMEO code is a zero-padded string of two to four digits whose first two digits are its root
(cue category, "01"-"20"): "04" is the root CONSULT, "042" make a visit, "1312" threaten with
sanctions. Codes are never numbers: ``42`` or ``"42"`` is refused with a message saying so.

For each code :func:`cameo` gives the values event-data users expect beside it:

- ``quad_class``: GDELT's QuadClass, by root (1 = 01-05 verbal cooperation, 2 = 06-09 material
  cooperation, 3 = 10-14 verbal conflict, 4 = 15-20 material conflict);
- ``goldstein``: the CAMEO Goldstein value as distributed with the ICEWS CAMEO table (GDELT's
  copy differs for four codes; see the header of ``data/cameo/cameo.tsv``);
- ``phoenix_class``: the five-class grouping the ConfliBERT CAMEO set is labelled with
  (0 statement, 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material
  conflict);
- ``plover_type``, ``plover_mode``, ``plover_context``: from the 2021 CAMEO-to-PLOVER crosswalk;
  ``plover_type`` is ``None`` for the codes the crosswalk leaves out (roots 01 and 02).

The tables live in ``newsevents/data/cameo/`` and are read on first use, once per process.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from newsevents.errors import DataFileError, InvalidCameoCode, UnknownPloverName
from newsevents.events.tables import Row, data_file, read_table

#: The sixteen PLOVER event types, from cooperation to violence.
PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "MOBILIZE",
    "SANCTION",
    "COERCE",
    "ASSAULT",
)

# Two to four digits, the first two a root 01-20. Whether the code exists is a table lookup.
_CODE_FORM = re.compile(r"(0[1-9]|1[0-9]|20)[0-9]{0,2}")

_CAMEO_COLUMNS = ("code", "root", "name", "description", "goldstein", "quad_class", "phoenix_class")
_PLOVER_COLUMNS = ("code", "plover_type", "plover_mode", "plover_context", "note")
_NAME_COLUMNS = ("name", "current", "status", "note")


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One CAMEO code and the values derived from it (see the module docstring)."""

    code: str
    name: str
    description: str
    root: str
    quad_class: int
    goldstein: float
    phoenix_class: int
    plover_type: str | None
    plover_mode: str | None
    plover_context: tuple[str, ...]

    @property
    def is_root(self) -> bool:
        """True for the two-digit cue categories ("04"), which name a family of events."""
        return len(self.code) == 2


def cameo(code: str) -> CameoCode:
    """The CAMEO code ``code`` ("042"); :class:`InvalidCameoCode` when it is not one."""
    check_code(code)
    entry = _codes().get(code)
    if entry is None:
        raise InvalidCameoCode(f"{code!r} is not in the CAMEO code table{_suggestion(code)}")
    return entry


def check_code(code: object) -> str:
    """``code`` if it has the form of a CAMEO code (a zero-padded digit string), else raise.

    Only the form is checked; :func:`cameo` also checks that the code exists.
    """
    if not isinstance(code, str):
        raise InvalidCameoCode(
            f"CAMEO codes are strings, got {type(code).__name__} {code!r}{_suggestion(code)}"
        )
    if not _CODE_FORM.fullmatch(code):
        raise InvalidCameoCode(
            f"{code!r} is not a CAMEO code: codes are zero-padded strings of 2-4 digits "
            f"starting with a root 01-20, such as '04', '042' or '1312'{_suggestion(code)}"
        )
    return code


def _suggestion(code: object) -> str:
    # The usual mistake is a code that lost its leading zero on a trip through a number.
    digits = str(code).strip()
    if not digits.isdigit():
        return ""
    candidates = [digits.zfill(width) for width in (2, 3, 4) if width > len(digits)]
    known = [c for c in candidates if c in _codes() and c != digits]
    return f" (did you mean {known[0]!r}?)" if known else ""


def root_of(code: str) -> str:
    """The root (cue category) of ``code``: ``root_of("0421")`` is "04"."""
    return cameo(code).root


def all_codes() -> tuple[str, ...]:
    """Every CAMEO code in the table, roots included, in codebook order."""
    return tuple(_codes())


def plover_current(name: str) -> str:
    """The current PLOVER type for ``name``, which may be a draft name (DEMAND -> REQUEST).

    Case is ignored. Raises :class:`UnknownPloverName` for other names, and for DOCUMENT, which
    the PLOVER gold-standard file uses for records that document the file, not events.
    """
    key = name.strip().upper()
    entry = _plover_names().get(key)
    if entry is None:
        known = ", ".join(_plover_names())
        raise UnknownPloverName(f"{name!r} is not a PLOVER event type; known names: {known}")
    if not entry["current"]:
        raise UnknownPloverName(f"{key} is not a PLOVER event type: {entry['note']}")
    return entry["current"]


@cache
def _codes() -> Mapping[str, CameoCode]:
    source = data_file("cameo", "cameo.tsv")
    _, rows = read_table(source, columns=_CAMEO_COLUMNS)
    plover = _plover_rows()
    codes: dict[str, CameoCode] = {}
    for row in rows:
        if row["code"] not in plover:
            raise DataFileError(
                f"{source}, line {row.line}: no row for {row['code']} in the crosswalk"
            )
        codes[row["code"]] = _code_from(row, plover[row["code"]], source=str(source))
    return codes


def _plover_rows() -> dict[str, Row]:
    _, rows = read_table(data_file("cameo", "cameo-plover.tsv"), columns=_PLOVER_COLUMNS)
    return {row["code"]: row for row in rows}


def _code_from(row: Row, plover: Row, *, source: str) -> CameoCode:
    code = row["code"]
    if not _CODE_FORM.fullmatch(code) or row["root"] != code[:2]:
        raise DataFileError(f"{source}, line {row.line}: malformed code {code!r}")
    plover_type = plover["plover_type"]
    if plover_type != "none" and plover_type not in PLOVER_TYPES:
        raise DataFileError(f"cameo-plover.tsv, line {plover.line}: unknown type {plover_type!r}")
    return CameoCode(
        code=code,
        name=row["name"],
        description=row["description"],
        root=row["root"],
        quad_class=int(row["quad_class"]),
        goldstein=float(row["goldstein"]),
        phoenix_class=int(row["phoenix_class"]),
        plover_type=None if plover_type == "none" else plover_type,
        plover_mode=plover["plover_mode"] or None,
        plover_context=tuple(c for c in plover["plover_context"].split(";") if c),
    )


@cache
def _plover_names() -> Mapping[str, Mapping[str, str]]:
    _, rows = read_table(data_file("cameo", "plover-names.tsv"), columns=_NAME_COLUMNS)
    return {row["name"]: row.cells for row in rows}


#: Intent codes by the action intended: CAMEO's 03 family mirrors roots 04-08 (intent to meet,
#: to cooperate diplomatically or materially, to aid, to yield) and 13 mirrors 15-20 (threats).
#: Longest prefix wins.
_INTENT = {
    "04": "036", "045": "039", "05": "032", "06": "031", "061": "0311", "062": "0312",
    "063": "0313", "064": "0314", "07": "033", "071": "0331", "072": "0332", "073": "0333",
    "074": "0334", "08": "035", "081": "0351", "082": "0352", "083": "034", "084": "0353",
    "085": "0354", "086": "0355", "087": "0356", "14": "133", "15": "130", "16": "131",
    "161": "1313", "162": "1311", "163": "1312", "164": "134", "165": "135", "166": "136",
    "17": "137", "172": "132", "1721": "1321", "1722": "1322",
    "1723": "1323", "1724": "1324", "18": "138", "19": "138",
    "20": "138",
}  # fmt: skip


def intent_code(code: str) -> str | None:
    """The CAMEO code for expressing the intent to do ``code`` ("071" -> "0331" express intent
    to provide economic aid; "190" -> "138" threaten with military force), or ``None`` when
    CAMEO has none (statements, demands, intents themselves)."""
    for length in (4, 3, 2):
        if (found := _INTENT.get(code[:length])) is not None:
            return found
    return None


#: Refusal codes by the action refused: CAMEO's 12 family mirrors the cooperative roots
#: ("will not negotiate" -> 125 reject proposal to meet; "will not release" -> 1243).
_REFUSAL = {
    "03": "120", "04": "125", "045": "126", "05": "120", "06": "121", "061": "1211",
    "062": "1212", "063": "1213", "07": "122", "071": "1221", "072": "1222", "073": "1223",
    "074": "1224", "08": "124", "081": "1241", "082": "1242", "083": "123", "084": "1243",
    "085": "1244", "086": "1245", "087": "1246",
}  # fmt: skip


def refusal_code(code: str) -> str | None:
    """The CAMEO code for refusing to do ``code`` ("046" -> "125"), or ``None`` when the action
    is not one CAMEO's 12 family mirrors (refusing to attack is not a rejection)."""
    for length in (4, 3, 2):
        if (found := _REFUSAL.get(code[:length])) is not None:
            return found
    return None


def event_fields(code: str) -> dict[str, object]:
    """The fields of :class:`~newsevents.records.Event` that follow from its CAMEO code: code,
    root, QuadClass, Goldstein and the PLOVER crosswalk (contexts ";"-joined, ``None`` if none).
    One place, so every coder and tool derives them alike."""
    entry = cameo(code)
    return {
        "cameo": entry.code,
        "root": entry.root,
        "quad_class": entry.quad_class,
        "goldstein": entry.goldstein,
        "plover_type": entry.plover_type,
        "plover_mode": entry.plover_mode,
        "plover_context": ";".join(entry.plover_context) or None,
    }
