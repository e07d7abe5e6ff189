"""The places suite: both XML formats, span alignment, the gold country, scoring, the floors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from newsevents import api
from newsevents.errors import DataFileError, UsageError
from newsevents.eval.places import MentionResult, load_places, report, run_places_suite

FLOORS = Path(__file__).resolve().parents[2] / "eval" / "floors.toml"

GWN = """<?xml version="1.0" ?>
<articles><article file="0"><title>T</title><link>L</link>
<text>Police in Bogotá met envoys from Texas and Irish diplomats.</text>
<toponyms>
<toponym><extractedName>Bogotá</extractedName><type>Literal</type><start>10</start><end>16</end>
<geonamesID>3688689</geonamesID><latitude>4.61</latitude><longitude>-74.08</longitude></toponym>
<toponym><extractedName>Texas</extractedName><type>Literal</type><start>34</start><end>39</end>
<geonamesID>4736286</geonamesID><latitude>31.25</latitude><longitude>-99.25</longitude></toponym>
<toponym><extractedName>Irish</extractedName><type>Non_Literal_Modifier</type><start>44</start>
<end>49</end><geonamesID>2963597</geonamesID><latitude>53.0</latitude><longitude>-8.0</longitude>
</toponym>
<toponym><extractedName>Police</extractedName><type>Non_Toponym</type><start>0</start><end>6</end>
</toponym>
<toponym><extractedName>envoys</extractedName><type>Literal</type><start>21</start><end>27</end>
<latitude>4.61</latitude><longitude>-74.08</longitude></toponym>
</toponyms></article></articles>
"""

# GeoVirus counts offsets from 1: the loader moves each span onto its name.
GEOVIRUS = """<articles><article><source>S</source>
<text>Flooding hit Lima, Peru on Monday.</text>
<locations>
<location><name>Lima</name><start>14</start><end>18</end><lat>-12.04</lat><lon>-77.03</lon>
<page>https://en.wikipedia.org/wiki/Lima</page></location>
<location><name>Peru</name><start>20</start><end>24</end><lat>-10.0</lat><lon>-76.0</lon>
<page>https://en.wikipedia.org/wiki/Peru</page></location>
</locations></article></articles>
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gold.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_gwn_counts_located_toponyms_with_a_geonames_id(tmp_path: Path) -> None:
    fmt, articles, left_out = load_places(write(tmp_path, GWN))
    assert fmt == "GeoWebNews" and left_out == 1  # "envoys": coordinates but no GeoNames id
    assert [m.name for m in articles[0].mentions] == ["Bogotá", "Texas", "Irish"]


def test_geovirus_spans_are_moved_onto_their_names(tmp_path: Path) -> None:
    fmt, articles, _ = load_places(write(tmp_path, GEOVIRUS))
    text = articles[0].text
    assert fmt == "GeoVirus"
    assert [text[m.start : m.end] for m in articles[0].mentions] == ["Lima", "Peru"]


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        ("<articles><article><x/></article></articles>", DataFileError, "neither GeoWebNews"),
        ("<articles", DataFileError, "not XML"),
    ],
)
def test_load_rejects(tmp_path: Path, content: str, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        load_places(write(tmp_path, content))


def test_load_says_when_the_file_is_missing(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load_places(tmp_path / "absent.xml")


@pytest.mark.parametrize(("content", "fmt"), [(GWN, "GeoWebNews"), (GEOVIRUS, "GeoVirus")])
def test_small_suites_score_every_mention_right(tmp_path: Path, content: str, fmt: str) -> None:
    result = run_places_suite(write(tmp_path, content))
    assert result.format == fmt
    assert result.country_accuracy == 1.0
    assert result.coverage == 1.0
    # Texas resolves to a derived state point, Peru to a country point: both near the gold
    assert result.accuracy_161 == 1.0


OCEAN_AND_REGION = """<?xml version="1.0" ?>
<articles><article file="0"><title>T</title><link>L</link>
<text>Ships crossed the Atlantic to the Middle East. Storms hit Paris.</text>
<toponyms>
<toponym><extractedName>Atlantic</extractedName><normalisedName>Atlantic Ocean</normalisedName>
<type>Literal</type><start>18</start><end>26</end><geonamesID>3411923</geonamesID>
<latitude>14.6</latitude><longitude>-27.4</longitude></toponym>
<toponym><extractedName>Middle East</extractedName><normalisedName>Middle East</normalisedName>
<type>Literal</type><start>34</start><end>45</end><geonamesID>6269133</geonamesID>
<latitude>33.14</latitude><longitude>35.86</longitude></toponym>
<toponym><extractedName>Paris</extractedName><normalisedName>Paris</normalisedName>
<type>Literal</type><start>58</start><end>63</end><geonamesID>99999999</geonamesID>
<latitude>48.86</latitude><longitude>2.35</longitude></toponym>
</toponyms></article></articles>
"""


def test_gold_country_of_an_ocean_or_a_region_of_countries_is_none(tmp_path: Path) -> None:
    # Neither id is a gazetteer entry; the nearest city would give Cape Verde and Syria. The data's
    # own name for the entity says what it is: an ocean and a region of countries have no country.
    # A city the gazetteer lacks by id still takes the country of the entry of its name nearby.
    from newsevents.eval.places import gold_country
    from newsevents.places.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    _, articles, _ = load_places(write(tmp_path, OCEAN_AND_REGION))
    assert [gold_country(m, gaz) for m in articles[0].mentions] == [None, None, "FRA"]
    result = run_places_suite(write(tmp_path, OCEAN_AND_REGION))
    assert result.country_accuracy == 1.0


def row(gold: str | None, country: str | None, kind: str | None, km: float | None) -> MentionResult:
    return MentionResult(0, "X", "Literal", gold, country, kind, km)


def test_report_arithmetic() -> None:
    rows = [
        row("COL", "COL", "city", 3.0),  # right country, near
        row("USA", "USA", "admin1", 200.0),  # right country, too far
        row("USA", "MEX", "city", 150.0),  # wrong country, within 161 km
        row(None, None, "region", 50.0),  # no gold country, none resolved: correct
        row("PER", None, None, None),  # unresolved: wrong on both counts
    ]
    result = report("GeoWebNews", articles=1, rows=rows, left_out=0, seconds=0.0)
    assert (result.mentions, result.resolved) == (5, 4)
    assert result.country_accuracy == pytest.approx(3 / 5)
    assert result.accuracy_161 == pytest.approx(3 / 5)
    assert result.median_error_km == pytest.approx((50.0 + 150.0) / 2)
    assert result.by_kind == {"city": 2, "admin1": 1, "region": 1, "unresolved": 1}


@pytest.mark.slow
@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("suite", "file"), [("places-gwn", "GWN.xml"), ("places-geovirus", "GeoVirus.xml")]
)
def test_places_suites_meet_their_floors(shared_data: Path, suite: str, file: str) -> None:
    floors = tomllib.loads(FLOORS.read_text(encoding="utf-8"))[suite]
    result = api.eval_places(data=shared_data / "geo" / file)
    assert result.country_accuracy >= floors["country"]
    assert result.accuracy_161 >= floors["within_161km"]
