"""The offline gazetteer: every place newsevents can resolve a name to, indexed by match key.

Two tables make it, both read once per process on first use:

    1. ``data/places/gazetteer.tsv.gz``  GeoNames countries, continents, first- and second-level
       subdivisions and cities of >= 1000 people, built by ``scripts/build_places.py``
       (its header names the sources and licence). Rows stay raw strings until a lookup needs
       one, so loading is an index build, not 200,000 objects.
    2. ``data/places/regions.tsv``     seas, oceans and groupings of countries ("the Middle East",
       "the Gulf"), written by hand: GeoNames ships them in no package.
    3. ``data/countries.tsv``           the project's country table: names and aliases added as keys
       of each country ("U.S.", "Burma"), and demonyms ("Salvadoran"), which name a country in a
       given span (a gold toponym) and signal it in an article, but are never places by themselves.

Keys are :func:`newsevents.actors.normalise.key` of a name: accents and case folded, so
"Bogotá", "BOGOTA" and "Bogota" meet.
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from newsevents.actors.dictionaries import COUNTRIES, read_table
from newsevents.actors.normalise import key
from newsevents.errors import DataFileError
from newsevents.records import Location

#: The kinds of place an entry (and so a resolved :class:`~newsevents.records.Location`) can be.
#: ``vicinity``: a name the gazetteer does not know (a street, a building), placed at the
#: article's focus (see :mod:`newsevents.places.resolve`).
PLACE_KINDS = ("country", "continent", "region", "admin1", "admin2", "city", "vicinity")

_DATA = resources.files("newsevents") / "data"
GAZETTEER = Path(str(_DATA / "places" / "gazetteer.tsv.gz"))
REGIONS = Path(str(_DATA / "places" / "regions.tsv"))


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry. ``country`` is ISO alpha-3 (``None`` for a continent); ``admin1`` the
    GeoNames first-level code within the country (``"TX"``, ``"34"``); ``capital`` marks a
    national capital."""

    geonameid: int
    kind: str
    name: str
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    population: int
    capital: bool = False

    @property
    def region(self) -> tuple[str | None, str | None]:
        """(country, admin1): what "the same state" means for two places."""
        return self.country, self.admin1


class Gazetteer:
    """Lookups by key over the loaded tables. Build with :func:`load_gazetteer`."""

    def __init__(self, rows: list[str], index: dict[str, int | list[int]], countries: CountryNames):
        self._rows = rows
        self._index = index
        self._parsed: dict[int, Place] = {}
        self._ids: dict[int, int] | None = None
        self._cells: dict[tuple[int, int], list[int]] | None = None
        self.countries = countries
        self._admin1 = {(p.country, p.admin1): p for p in self._of_kind("admin1")}
        self._by_country = {p.country: p for p in self._of_kind("country")}

    def lookup(self, name: str) -> tuple[Place, ...]:
        """Every entry one of whose names has the key of ``name`` (a leading "the" ignored); for
        a short name in capitals ("NJ", "B.C.", "NSW") or one ending in "." ("Calif."), also the
        state or province of that code or abbreviation (see scripts/build_places.py)."""
        k = key(name)
        if k.startswith("the "):
            k = k[4:]
        found = self._hits(k)
        bare = name.replace(".", "").strip()
        if (len(bare) <= 4 and bare.isupper()) or name.rstrip().endswith("."):
            found = self._hits(f"#{k}") + found
        alpha3 = self.countries.names.get(k)
        country = self._by_country.get(alpha3) if alpha3 else None
        if country is not None and country not in found:
            found.insert(0, country)
        return tuple(found)

    def _hits(self, k: str) -> list[Place]:
        hits = self._index.get(k, ())
        return [self._place(hits)] if isinstance(hits, int) else [self._place(i) for i in hits]

    def country(self, alpha3: str | None) -> Place | None:
        return self._by_country.get(alpha3)

    def admin1(self, country: str | None, code: str | None) -> Place | None:
        return self._admin1.get((country, code))

    def location(self, place: Place) -> Location:
        """The record stage 6 hands on: ``admin1`` is the first-level subdivision's name."""
        admin = self.admin1(place.country, place.admin1) if place.kind != "country" else None
        return Location(
            name=place.name,
            country=place.country,
            admin1=admin.name if admin else None,
            lat=place.lat,
            lon=place.lon,
            geonameid=place.geonameid if place.geonameid > 0 else None,
            kind=place.kind,
        )

    def nearest(self, lat: float, lon: float) -> Place:
        """The city closest to a point: a search of the 1-degree grid cells around it, widening
        until a city is found (built on first call; for evaluation, not per article)."""
        grid = self._grid()
        cy, cx = math.floor(lat), math.floor(lon)
        for radius in range(0, 181):
            cells = [(cy + dy, (cx + dx + 180) % 360 - 180)
                     for dy in range(-radius, radius + 1) for dx in range(-radius, radius + 1)
                     if max(abs(dy), abs(dx)) == radius]  # fmt: skip
            found = [self._place(i) for cell in cells for i in grid.get(cell, ())]
            if found:
                # a closer city may sit one ring further out; look there too before choosing
                ring = [(cy + dy, (cx + dx + 180) % 360 - 180)
                        for dy in range(-radius - 1, radius + 2)
                        for dx in range(-radius - 1, radius + 2)
                        if max(abs(dy), abs(dx)) == radius + 1]  # fmt: skip
                found += [self._place(i) for cell in ring for i in grid.get(cell, ())]
                return min(found, key=lambda p: distance_km(lat, lon, p.lat, p.lon))
        raise DataFileError(f"{GAZETTEER}: no city in the gazetteer")

    def by_id(self, geonameid: int) -> Place | None:
        if self._ids is None:
            self._ids = {int(row.split("\t", 1)[0]): i for i, row in enumerate(self._rows)}
        i = self._ids.get(geonameid)
        return self._place(i) if i is not None else None

    def _grid(self) -> dict[tuple[int, int], list[int]]:
        if self._cells is None:
            self._cells = {}
            for i, row in enumerate(self._rows):
                f = row.split("\t", 7)
                if f[1] == "city":
                    cell = (math.floor(float(f[5])), math.floor(float(f[6])))
                    self._cells.setdefault(cell, []).append(i)
        return self._cells

    def _of_kind(self, kind: str) -> list[Place]:
        tag = f"\t{kind}\t"
        return [self._place(i) for i, row in enumerate(self._rows) if tag in row[:24]]

    def _place(self, i: int) -> Place:
        place = self._parsed.get(i)
        if place is None:
            f = self._rows[i].split("\t")
            place = Place(
                geonameid=int(f[0]),
                kind=f[1],
                name=f[2],
                country=f[3] or None,
                admin1=f[4] or None,
                lat=float(f[5]) if f[5] else math.nan,
                lon=float(f[6]) if f[6] else math.nan,
                population=int(f[7] or 0),
                capital=f[8] == "1",
            )
            self._parsed[i] = place
        return place


@dataclass(frozen=True, slots=True)
class CountryNames:
    """The project's country table as keys: ``names`` (names and aliases) and ``demonyms``
    ("salvadoran", "salvadorans") to ISO alpha-3."""

    names: dict[str, str]
    demonyms: dict[str, str]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6,371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


@cache
def load_gazetteer() -> Gazetteer:
    """The gazetteer, read on first call (about half a second) and shared by the process."""
    return read_gazetteer(GAZETTEER, countries=COUNTRIES, regions=REGIONS)


def read_gazetteer(path: Path, *, countries: Path, regions: Path) -> Gazetteer:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            rows = [line.rstrip("\n") for line in handle if not line.startswith("#")]
    except OSError as exc:
        raise DataFileError(f"cannot read the gazetteer {path}: {exc}", source=str(path)) from exc
    rows += _region_rows(regions)
    # Most keys name one entry: an int rather than a one-item list keeps the index small.
    index: dict[str, int | list[int]] = {}
    for i, row in enumerate(rows):
        fields, keys = row.rsplit("\t", 1)
        rows[i] = fields
        for k in keys.split("|"):
            hit = index.setdefault(k, i)
            if isinstance(hit, list):
                hit.append(i)
            elif hit != i:
                index[k] = [hit, i]
    return Gazetteer(rows, index, read_country_names(countries))


def _region_rows(path: Path) -> list[str]:
    """regions.tsv as gazetteer rows (kind ``region``, no GeoNames id: numbered 0, -1, -2 …)."""
    rows = []
    for n, (lineno, row) in enumerate(read_table(path)):
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except ValueError as exc:
            raise DataFileError(f"{path}:{lineno}: bad lat/lon", source=str(path)) from exc
        keys = dict.fromkeys(
            key(name) for name in (row["name"], *row["aliases"].split("|")) if name
        )
        rows.append(f"{-n}\tregion\t{row['name']}\t\t\t{lat}\t{lon}\t0\t0\t{'|'.join(keys)}")
    return rows


def read_country_names(path: Path) -> CountryNames:
    names: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    for _, row in read_table(path):
        for name in (row["name"], *row["aliases"].split("|")):
            if name and key(name):
                names.setdefault(key(name), row["alpha3"])
        for name in (*row["demonyms"].split("|"), *row["people"].split("|")):
            if name and key(name):
                demonyms.setdefault(key(name), row["alpha3"])
    return CountryNames(names=names, demonyms=demonyms)
