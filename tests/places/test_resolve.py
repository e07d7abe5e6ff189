"""Stage 6 resolution: place mentions in parsed sentences, given spans, and the scoring terms."""

from __future__ import annotations

import math
import re

import pytest
from spacy.tokens import Doc

from newsevents.config import Settings
from newsevents.nlp import load_model
from newsevents.places import Place, resolve_places, resolve_spans
from newsevents.places.gazetteer import load_gazetteer
from newsevents.places.resolve import (
    W_ADMIN1,
    W_CAPITAL,
    W_COUNTRY,
    W_KIND,
    W_MAIN_NAME,
    W_POPULATION,
    W_QUALIFIER,
    W_SEAT,
    Context,
    score,
)


def parse(text: str) -> Doc:
    return load_model(Settings().model)(text)


def places(text: str) -> dict[str, tuple[str | None, str | None, str | None]]:
    """mention text -> (country, kind, admin1) of its resolution."""
    found = resolve_places(parse(text))
    return {
        m.text: (m.location.country, m.location.kind, m.location.admin1) if m.location else None
        for m in found.mentions
    }


# (sentence, mention, expected country, expected kind, expected admin1 or None to skip)
SENTENCES = [
    ("Noem held talks in Bogotá on Thursday.", "Bogotá", "COL", "city", None),
    ("Noem held talks in Bogota on Thursday.", "Bogota", "COL", "city", None),
    (
        "Protests spread across El Salvador. Police in San Salvador arrested dozens.",
        "San Salvador",
        "SLV",
        "city",
        None,
    ),
    (
        "Storms hit Atlanta on Monday, and officials across Georgia closed schools.",
        "Georgia",
        "USA",
        "admin1",
        "Georgia",
    ),
    ("Georgia and Russia fought a short war in 2008.", "Georgia", "GEO", "country", None),
    ("The rodeo in Paris, Texas drew large crowds.", "Paris", "USA", "city", "Texas"),
    ("Tourists crowded the museums of Paris last summer.", "Paris", "FRA", "city", None),
    ("The Mexican president met officials in Mexico City.", "Mexico City", "MEX", "city", None),
    ("Washington imposed new sanctions on Iran.", "Washington", "USA", "city", None),
    ("Troops moved into the Middle East.", "Middle East", None, "region", None),
]


@pytest.mark.parametrize(("text", "name", "country", "kind", "admin1"), SENTENCES)
def test_sentence_places(
    text: str, name: str, country: str | None, kind: str, admin1: str | None
) -> None:
    found = places(text)
    assert name in found, found
    got_country, got_kind, got_admin1 = found[name]
    assert (got_country, got_kind) == (country, kind)
    if admin1 is not None:
        assert got_admin1 == admin1


@pytest.mark.parametrize(
    "text",
    [
        "The Colombian government said it would reply.",  # a demonym is not a place
        "Loading Now",  # "Now" names no place
        "Salvadoran officials met on Friday.",
    ],
)
def test_no_place_is_found_in(text: str) -> None:
    assert places(text) == {}


def test_dateline_and_at() -> None:
    doc = parse("BOGOTA, Colombia (AP) — Noem arrived in Colombia on Thursday.")
    found = resolve_places(doc)
    assert found.dateline is not None
    assert (found.dateline.name, found.dateline.country) == ("Bogotá", "COL")
    colombia = next(t for t in doc if t.text == "Colombia" and t.i > 5)
    assert found.at(colombia) is not None
    assert found.at(colombia).country == "COL"
    assert found.at(doc[0]) is None  # the dateline is not a mention


@pytest.mark.parametrize(
    ("text", "span", "country", "kind"),
    [
        ("The Irish government objected.", "Irish", "IRL", "country"),  # a given demonym span
        ("She flew to Ciudad de México on Friday.", "Ciudad de México", "MEX", None),
        ("An unknown street: Calle Falsa, in Bogotá.", "Calle Falsa", "COL", "vicinity"),
        ("Nothing here but Qwxzv.", "Qwxzv", None, None),
    ],
)
def test_resolve_spans(text: str, span: str, country: str | None, kind: str | None) -> None:
    spans = [(text.index(span), text.index(span) + len(span))]
    if "Bogotá" in text:
        spans.append((text.index("Bogotá"), text.index("Bogotá") + len("Bogotá")))
    location = resolve_spans(text, spans)[0]
    if country is None:
        assert location is None
    else:
        assert location is not None and location.country == country
        if kind is not None:
            assert location.kind == kind


def place(**kw: object) -> Place:
    base = dict(geonameid=1, kind="city", name="Paris", country="USA", admin1="TX", lat=0.0,
                lon=0.0, population=24_990)  # fmt: skip
    return Place(**(base | kw))  # type: ignore[arg-type]


# (place, context, seat, expected score)
SCORE_CASES = [
    (place(), Context(), False, W_POPULATION * math.log10(25_000) + W_MAIN_NAME),
    (
        place(kind="admin1", population=9_990),
        Context(),
        False,
        W_POPULATION * 4 + W_KIND["admin1"] + W_MAIN_NAME,
    ),
    (
        place(capital=True, population=990),
        Context(),
        False,
        W_POPULATION * 3 + W_CAPITAL + W_MAIN_NAME,
    ),
    (
        place(population=990),
        Context(countries={"USA": 1}, states={("USA", "TX"): 1}),  # type: ignore[arg-type]
        True,
        W_POPULATION * 3 + W_MAIN_NAME + W_SEAT + W_COUNTRY + W_ADMIN1,
    ),
    (
        place(population=990, name="Paris City"),  # matched by an alias: no main-name term
        Context(qualifier=place(kind="admin1", geonameid=2, name="Texas")),
        False,
        W_POPULATION * 3 + W_QUALIFIER,
    ),
    (
        place(population=990, admin1="KY"),  # another state: neither state nor qualifier terms
        Context(states={("USA", "TX"): 1}, qualifier=place(kind="admin1", geonameid=2)),  # type: ignore[arg-type]
        False,
        W_POPULATION * 3 + W_MAIN_NAME,
    ),
]


@pytest.mark.parametrize(("candidate", "context", "seat", "expected"), SCORE_CASES)
def test_score_terms(candidate: Place, context: Context, seat: bool, expected: float) -> None:
    assert score(candidate, name="Paris", context=context, seat=seat) == pytest.approx(expected)


def test_context_outweighs_a_tenfold_population() -> None:
    """The reason for W_COUNTRY: a town in the article's country beats one ten times bigger."""
    small = place(population=99_990, country="SLV")
    big = place(population=999_990, country="ARG")
    context = Context(countries={"SLV": 1})  # type: ignore[arg-type]
    assert score(small, name="Paris", context=context) > score(big, name="Paris", context=context)


def spans_of(text: str, *names: str) -> list[tuple[int, int]]:
    """Every occurrence of each name in the text, as (start, end) spans."""
    out = []
    for name in names:
        start = text.find(name)
        while start >= 0:
            out.append((start, start + len(name)))
            start = text.find(name, start + 1)
    return sorted(out)


def test_repeated_name_is_not_its_own_context() -> None:
    # Without the qualifier, each later "Santa Ana" once counted the others' first-pass guess
    # (the bigger Santa Ana in El Salvador) as the article's country and kept it.
    text = (
        "Police in Santa Ana, California made arrests. Santa Ana officials said the Santa Ana "
        "shelter would stay open, and Santa Ana residents agreed."
    )
    spans = spans_of(text, "Santa Ana", "California")
    found = resolve_spans(text, spans)
    ana = [loc for (s, e), loc in zip(spans, found, strict=True) if text[s:e] == "Santa Ana"]
    assert len(ana) == 4
    assert all(
        loc is not None and (loc.country, loc.admin1) == ("USA", "California") for loc in ana
    )


@pytest.mark.parametrize(
    ("text", "span", "country", "admin1"),
    [
        # a known place inside an unknown name, in a country the article names
        (
            "Students at Colorado State University in Fort Collins, in the United States, marched.",
            "Colorado State University",
            "USA",
            "Colorado",
        ),
        (
            "The Mexican Senate voted on Tuesday. Mexico's president objected.",
            "Mexican Senate",
            "MEX",
            None,
        ),
        # a compass word alone is no place: "West" is a region of Cameroon
        ("Flooding hit West Qwxzvshire in England.", "West Qwxzvshire", "GBR", None),
        # an article naming only countries: the unknown name lies in the country named most
        ("Nigeria's army said the Qwxzv market in Nigeria was shut.", "Qwxzv", "NGA", None),
    ],
)
def test_unknown_name_is_placed_by_what_it_contains_or_the_top_country(
    text: str, span: str, country: str, admin1: str | None
) -> None:
    names = [n for n in ("United States", "Mexico", "England", "Nigeria") if n in text]
    spans = spans_of(text, span, *names)
    location = resolve_spans(text, spans)[spans.index(spans_of(text, span)[0])]
    assert location is not None and location.kind == "vicinity"
    assert location.country == country
    if admin1 is not None:
        assert location.admin1 == admin1


@pytest.mark.parametrize(
    ("text", "span", "region"),
    [
        # a region inside an unknown name places it there, though the article names no country
        # of the region: the European Commission is not in Finland
        (
            "Finland asked the European Commission for help.",
            "European Commission",
            "European Union",
        ),
        (
            "Finland's navy sailed to the Eastern Mediterranean.",
            "Eastern Mediterranean",
            "Mediterranean Sea",
        ),
    ],
)
def test_unknown_name_inside_a_region_lies_in_the_region(text: str, span: str, region: str) -> None:
    spans = spans_of(text, span, "Finland")
    location = resolve_spans(text, spans)[spans.index(spans_of(text, span)[0])]
    assert location is not None and location.kind == "vicinity"
    assert (location.country, location.lat, location.lon) == (None, *region_point(region))


def region_point(name: str) -> tuple[float, float]:
    place = next(p for p in load_gazetteer().lookup(name) if p.kind == "region")
    return place.lat, place.lon


@pytest.mark.parametrize(
    ("text", "span", "name", "country", "kind"),
    [
        ("A tanker was hit in the Red Sea off Yemen.", "Red Sea", "Red Sea", None, "region"),
        (
            "Talks on the South China Sea resumed.",
            "South China Sea",
            "South China Sea",
            None,
            "region",
        ),
        (
            "Flooding in Northern Africa and Southern Europe.",
            "Northern Africa",
            "North Africa",
            None,
            "region",
        ),
        ("T&T beat Jamaica in Port of Spain.", "T&T", "Trinidad and Tobago", "TTO", "country"),
    ],
)
def test_seas_regions_and_abbreviations(
    text: str, span: str, name: str, country: str | None, kind: str
) -> None:
    location = resolve_spans(text, spans_of(text, span))[0]
    assert location is not None
    assert (location.name, location.country, location.kind) == (name, country, kind)


@pytest.mark.parametrize(
    ("text", "admin1"),
    [
        ("The plant in Springfield, Ill., closed.", "Illinois"),  # the AP abbreviation qualifies
        ("The plant in Springfield, Mass., closed.", "Massachusetts"),
        ("The plant in Springfield, MO closed.", "Missouri"),  # and the postal code
    ],
)
def test_state_abbreviation_qualifies_a_town(text: str, admin1: str) -> None:
    qualifier = re.search(r"(?<=, )[A-Z][A-Za-z.]+", text)
    assert qualifier is not None
    spans = [*spans_of(text, "Springfield"), qualifier.span()]
    town, state = resolve_spans(text, spans)
    assert town is not None and (town.kind, town.admin1) == ("city", admin1)
    assert state is not None and (state.kind, state.name) == ("admin1", admin1)


@pytest.mark.parametrize(
    ("text", "country", "kind"),
    [
        # the name "Georgia" is no evidence for the country Georgia: the U.S. mention decides
        ("The U.S. government said Georgia would get disaster aid.", "USA", "admin1"),
        ("Georgia and Russia fought a short war in 2008.", "GEO", "country"),
    ],
)
def test_own_name_is_not_a_country_signal(text: str, country: str, kind: str) -> None:
    spans = spans_of(text, "Georgia", "U.S.", "Russia")
    location = resolve_spans(text, spans)[spans.index(spans_of(text, "Georgia")[0])]
    assert location is not None and (location.country, location.kind) == (country, kind)


def test_a_list_of_countries_is_not_a_name_and_its_qualifier() -> None:
    # "China, Japan" would read as a town called China in Japan (there is one)
    text = "Trials ran in other countries such as Mexico, China, Japan and Ukraine."
    spans = spans_of(text, "Mexico", "China", "Japan", "Ukraine")
    found = resolve_spans(text, spans)
    assert [(loc.country, loc.kind) for loc in found if loc] == [
        ("MEX", "country"),
        ("CHN", "country"),
        ("JPN", "country"),
        ("UKR", "country"),
    ]


def test_a_name_qualified_once_keeps_that_sense() -> None:
    text = "Storms hit Paris, Tennessee on Monday. Paris officials opened a shelter."
    spans = spans_of(text, "Paris", "Tennessee")
    first, _state, second = resolve_spans(text, spans)
    assert first is not None and (first.country, first.admin1) == ("USA", "Tennessee")
    assert second is not None and (second.country, second.admin1) == ("USA", "Tennessee")
