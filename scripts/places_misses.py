"""Error analysis for the places suite: the gold mentions resolved wrong, grouped by cause.

    .venv/bin/python scripts/places_misses.py ../shared/data/geo/GWN.xml [--top 15]

A mention is a miss when it is not within 161 km of its gold point. Causes, by what was chosen:

    far, right country    the right country but a point >161 km off: mostly country and state
                          points that differ from the gold's (GeoNames' or Wikipedia's own)
    wrong country         a namesake elsewhere was chosen (kind: the chosen entry's)
    vicinity              the gazetteer does not know the name; it was placed at the article's focus
    unresolved            no candidate and no focus

Each cause lists its most frequent (name, chosen country, gold country, km) rows, so the biggest
general faults show first. For development only: it prints, and nothing imports it.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsevents.eval.places import MentionResult, run_places_suite  # noqa: E402


def cause(row: MentionResult) -> str:
    if row.kind is None:
        return "unresolved"
    if row.kind == "vicinity":
        return "vicinity, " + ("right country" if row.country_correct else "wrong country")
    if row.country_correct:
        return f"far, right country ({row.kind})"
    return f"wrong country ({row.kind})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="GWN.xml or GeoVirus.xml")
    parser.add_argument("--top", type=int, default=12, help="rows listed per cause")
    args = parser.parse_args()
    report = run_places_suite(args.data)
    groups: dict[str, Counter[tuple]] = defaultdict(Counter)
    for row in report.rows:
        if not row.within:
            km = round(row.error_km) if row.error_km is not None else None
            groups[cause(row)][(row.name, row.country, row.gold_country, km)] += 1
    print(f"{report.format}: {report.mentions} mentions, {report.within_161} within 161 km, "
          f"{report.mentions - report.within_161} misses")  # fmt: skip
    for name, rows in sorted(groups.items(), key=lambda g: -g[1].total()):
        print(f"\n{rows.total():5d}  {name}")
        for (mention, country, gold, km), n in rows.most_common(args.top):
            print(f"       {n:4d}  {mention!r} -> {country} (gold {gold}), {km} km")


if __name__ == "__main__":
    main()
