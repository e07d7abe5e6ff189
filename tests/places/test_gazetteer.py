"""The gazetteer: folded keys, entry fields, country names and demonyms, subdivision points."""

from __future__ import annotations

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


def test_loaded_once_per_process() -> None:
    # how long loading takes is measured by scripts/bench_pipeline.py, not asserted here
    assert load_gazetteer() is load_gazetteer()


def test_city_keeps_its_english_short_name() -> None:
    # New York City has 97 alternate names, listed alphabetically: "New York" must survive the cut
    found = {(p.name, p.kind) for p in load_gazetteer().lookup("New York")}
    assert ("New York City", "city") in found and ("New York", "admin1") in found


def test_subdivision_code_of_three_letters_is_a_key() -> None:
    found = {(p.name, p.country, p.kind) for p in load_gazetteer().lookup("NSW")}
    assert ("New South Wales", "AUS", "admin1") in found


@pytest.mark.parametrize(
    ("name", "country", "lat", "lon"),
    [
        # large subdivisions whose cities crowd one edge: their point is the iso3166-2 one, not
        # the middle of their cities (Ontario's cities sit along the US border near 43-45 N)
        ("Ontario", "CAN", (48.0, 53.0), (-90.0, -82.0)),
        ("Queensland", "AUS", (-25.0, -19.0), (141.0, 148.0)),
    ],
)
def test_subdivision_point_is_central(
    name: str, country: str, lat: tuple[float, float], lon: tuple[float, float]
) -> None:
    place = next(
        p for p in load_gazetteer().lookup(name) if p.kind == "admin1" and p.country == country
    )
    assert lat[0] <= place.lat <= lat[1] and lon[0] <= place.lon <= lon[1]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("NJ", ("New Jersey", "USA")),
        ("N.J.", ("New Jersey", "USA")),
        ("BC", ("British Columbia", "CAN")),
        ("IN", ("Indiana", "USA")),
        ("Calif.", ("California", "USA")),  # the AP Stylebook's abbreviations
        ("W.Va.", ("West Virginia", "USA")),
    ],
)
def test_postal_code_in_capitals_names_its_state(name: str, expected: tuple[str, str]) -> None:
    found = [(p.name, p.country) for p in load_gazetteer().lookup(name) if p.kind == "admin1"]
    assert found[:1] == [expected]


@pytest.mark.parametrize("name", ["In", "in", "Nj", "La", "Wash"])
def test_postal_code_not_in_capitals_is_no_state(name: str) -> None:
    assert not [
        p for p in load_gazetteer().lookup(name) if p.kind == "admin1" and p.country == "USA"
    ]


def test_subdivision_code_that_is_a_word_needs_capitals() -> None:
    gaz = load_gazetteer()
    territory = ("Australian Capital Territory", "AUS", "admin1")
    assert territory in {(p.name, p.country, p.kind) for p in gaz.lookup("ACT")}
    assert territory not in {(p.name, p.country, p.kind) for p in gaz.lookup("Act")}
