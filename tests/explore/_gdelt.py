"""A reader for GDELT 2.0 event files ("export" files), written for the real ones.

It knows nothing of newsevents: column names come from GDELT's documentation
(tests/fixtures/gdelt/events-2.0-header.txt), fields are split on tabs with no quoting, codes
stay strings (CAMEO "042" is not 42) and numbers are typed as GDELT's codebook types them, an
empty cell read as ``None``.
"""

from __future__ import annotations

import csv
from pathlib import Path

HEADER_FILE = Path(__file__).parent.parent / "fixtures" / "gdelt" / "events-2.0-header.txt"

_INTEGERS = {
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "IsRootEvent", "QuadClass", "NumMentions",
    "NumSources", "NumArticles", "Actor1Geo_Type", "Actor2Geo_Type", "ActionGeo_Type",
    "DATEADDED",
}  # fmt: skip
_FLOATS = {
    "FractionDate", "GoldsteinScale", "AvgTone", "Actor1Geo_Lat", "Actor1Geo_Long",
    "Actor2Geo_Lat", "Actor2Geo_Long", "ActionGeo_Lat", "ActionGeo_Long",
}  # fmt: skip


def gdelt_header() -> list[str]:
    return HEADER_FILE.read_text(encoding="utf-8").split()


def read_gdelt_events(path: Path) -> list[dict[str, object]]:
    """Every row of a GDELT 2.0 event file; ``ValueError`` naming the line on a malformed one."""
    header = gdelt_header()
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for number, cells in enumerate(reader, start=1):
            if len(cells) != len(header):
                raise ValueError(f"line {number}: {len(cells)} fields, GDELT has {len(header)}")
            rows.append(
                {name: _typed(name, cell) for name, cell in zip(header, cells, strict=True)}
            )
    return rows


def _typed(name: str, cell: str) -> object:
    if cell == "":
        return None
    if name in _INTEGERS:
        return int(cell)
    if name in _FLOATS:
        return float(cell)
    return cell
