"""World borders for the map: world-atlas's TopoJSON with each country's id as ISO alpha-3.

The file (static/world-110m.json, see world-110m.LICENSE.txt) names countries by ISO numeric code;
the event store by alpha-3. The table between them is newsevents/data/countries.tsv. The map
shades a country by matching these ids against ``map_counts``'s ``country`` column.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from newsevents.actors.dictionaries import COUNTRIES, read_table

WORLD = Path(__file__).parent / "static" / "world-110m.json"
#: Shapes Natural Earth draws without an ISO numeric code, by the name world-atlas gives them:
#: Kosovo has its own code here (XKX); the other two are shaded with the state that claims them.
UNNUMBERED = {"Kosovo": "XKX", "N. Cyprus": "CYP", "Somaliland": "SOM"}


@cache
def world_topology() -> bytes:
    """The TopoJSON, ids rewritten to alpha-3 (``name`` kept), as the bytes served."""
    topology = json.loads(WORLD.read_text(encoding="utf-8"))
    alpha3 = numeric_to_alpha3()
    for shape in topology["objects"]["countries"]["geometries"]:
        name = shape.get("properties", {}).get("name", "")
        shape["id"] = alpha3.get(shape.get("id") or "", UNNUMBERED.get(name, ""))
    return json.dumps(topology, separators=(",", ":")).encode()


def numeric_to_alpha3() -> dict[str, str]:
    """ISO numeric (zero-padded, as world-atlas writes it) -> alpha-3."""
    return {row["numeric"]: row["alpha3"] for _, row in read_table(COUNTRIES) if row["numeric"]}


def country_names() -> dict[str, Any]:
    """alpha-3 -> common English name, for the map's and the network's labels."""
    return {row["alpha3"]: row["name"] for _, row in read_table(COUNTRIES)}
