"""The gazetteer: folded keys, entry fields, country names and demonyms, loading cost."""

from __future__ import annotations

import time

import pytest

from newsevents.places import PLACE_KINDS, load_gazetteer
from newsevents.places.gazetteer import distance_km


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Bogotá", ("Bogotá", "COL", "city")),
        ("BOGOTA", ("Bogotá", "COL", "city")),
        ("Ciudad de México", ("Ciudad de México", "MEX", "admin1")),
        ("the United States", ("United States", "USA", "country")),
        ("U.S.", ("United States", "USA", "country")),
        ("Texas", ("Texas", "USA", "admin1")),
        ("Europe", ("Europe", None, "continent")),
        ("Persian Gulf", ("Persian Gulf", None, "region")),
    ],
)
def test_lookup_finds(name: str, expected: tuple[str, str | None, str]) -> None:
    found = {(p.name, p.country, p.kind) for p in load_gazetteer().lookup(name)}
    assert expected in found


@pytest.mark.parametrize("name", ["Now", "Colombian", "", "Qwxzv"])
def test_lookup_finds_nothing_for(name: str) -> None:
    assert load_gazetteer().lookup(name) == ()


def test_demonyms_name_countries_but_are_not_places() -> None:
    gaz = load_gazetteer()
    assert gaz.countries.demonyms["salvadoran"] == "SLV"
    assert "salvadoran" not in gaz.countries.names


def test_location_carries_admin1_name_and_kind() -> None:
    gaz = load_gazetteer()
    atlanta = max(gaz.lookup("Atlanta"), key=lambda p: p.population)
    loc = gaz.location(atlanta)
    assert (loc.country, loc.admin1, loc.kind) == ("USA", "Georgia", "city")
    assert loc.geonameid == atlanta.geonameid and loc.kind in PLACE_KINDS


def test_nearest_and_by_id() -> None:
    gaz = load_gazetteer()
    assert gaz.nearest(4.6, -74.08).name == "Bogotá"
    bogota = gaz.nearest(4.6, -74.08)
    assert gaz.by_id(bogota.geonameid) == bogota
    assert gaz.by_id(-999_999) is None


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [((0.0, 0.0), (0.0, 1.0), 111.19), ((4.61, -74.08), (4.61, -74.08), 0.0)],
)
def test_distance_km(a: tuple[float, float], b: tuple[float, float], km: float) -> None:
    assert distance_km(*a, *b) == pytest.approx(km, abs=0.05)


def test_loading_takes_well_under_a_second() -> None:
    load_gazetteer.cache_clear()
    started = time.perf_counter()
    load_gazetteer()
    assert time.perf_counter() - started < 2.0  # measured ~0.5 s; slack for a busy CI machine
