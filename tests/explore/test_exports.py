"""Exports: GDELT 2.0 read back by a GDELT reader, PLOVER JSONL, CSV/Parquet, the GEXF network."""

from __future__ import annotations

import csv
import hashlib
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from newsevents import api
from newsevents.cli import app
from newsevents.config import Settings
from newsevents.errors import UsageError
from newsevents.explore.exports import (
    GDELT_COLUMNS,
    GEXF_NAMESPACE,
    gdelt_actor,
    node_label,
)
from newsevents.records import Article, CodedArticle, Event
from newsevents.store import Store
from tests.explore._gdelt import gdelt_header, read_gdelt_events
from tests.store._events import BOGOTA, BOGOTA_TEXT, EVENTS, MEXICO, actor, article

# A wire copy of BOGOTA (a near-duplicate: its events must not count twice), and another site's
# report of the visit, in its second paragraph (not the lead: IsRootEvent 0).
COPY = article(BOGOTA_TEXT + " Reporting by Wire.", url="https://copy.example.net/noem")
OTHER_TEXT = "Colombia welcomed a visitor.\n\nKristi Noem visited Colombia on Thursday."
OTHER = article(OTHER_TEXT, title="Visit", url="https://www.other.example.com/a", source=None)
ESCAPED_NAME = '<script>alert("x")</script> &\tCo\n\x01'


def _copy_of(event: Event, item: Article) -> Event:
    copy_id = hashlib.sha256(f"{item.id}{event.id}".encode()).hexdigest()[:16]
    return replace(event, id=copy_id, article_id=item.id)


def _other_visit() -> Event:
    start = OTHER_TEXT.index("Kristi")
    noem = actor(OTHER_TEXT, "Kristi Noem", name="Kristi Noem", code="USAGOV")
    colombia = actor(OTHER_TEXT, "Colombia", name="Colombia", code="COL", occurrence=1)
    action = OTHER_TEXT.index("visited")
    return replace(
        EVENTS["visit"],
        id="0123456789abcdef",
        article_id=OTHER.id,
        source=noem,
        target=colombia,
        sentence=OTHER_TEXT[start:],
        sentence_start=start,
        action_start=action,
        action_end=action + len("visited"),
    )


def _batch() -> list[CodedArticle]:
    bogota = [EVENTS[n] for n in ("visit", "talks", "tariff")]
    mexico = EVENTS["mexico"]
    odd = replace(mexico, source=replace(mexico.source, name=ESCAPED_NAME))
    return [
        CodedArticle(BOGOTA, tuple(bogota), coder="rules.v1"),
        CodedArticle(MEXICO, (odd,), coder="rules.v1"),
        CodedArticle(COPY, tuple(_copy_of(e, COPY) for e in bogota), coder="rules.v1"),
        CodedArticle(OTHER, (_other_visit(),), coder="rules.v1"),
    ]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "news.duckdb"
    settings = Settings()
    with Store.open(path) as store:
        run_id = store.start_run(command="test", sources=["test"], settings=settings)
        store.write_batch(run_id, _batch(), [], settings=settings)
        store.finish_run(run_id, status="completed")  # clusters are refreshed here
    return path


def test_the_fixture_has_a_near_duplicate_and_a_second_report(db: Path):
    articles = {row["id"]: row for row in api.articles(db=db).to_pylist()}
    assert articles[COPY.id]["duplicate_of"] == BOGOTA.id
    assert articles[OTHER.id]["duplicate_of"] is None


# -- gdelt ---------------------------------------------------------------------------------------


def test_the_column_list_is_gdelt_2_documented_header():
    assert len(GDELT_COLUMNS) == 61
    assert list(GDELT_COLUMNS) == gdelt_header()


@pytest.mark.parametrize(
    ("count", "rows", "visit"),
    [
        # by cluster: the visit once, with BOGOTA and OTHER (the copy counts as BOGOTA)
        ("cluster", 4, [("https://example.org/noem", 2, 2, 2, 1)]),
        # by mention: each article's report; the copy's events are left out
        (
            "mention",
            5,
            [
                ("https://example.org/noem", 1, 1, 1, 1),
                ("https://www.other.example.com/a", 1, 1, 1, 0),
            ],
        ),
    ],
)
def test_gdelt_export_reads_back_with_a_gdelt_reader(
    db: Path, tmp_path: Path, count: str, rows: int, visit: list[tuple]
):
    out = tmp_path / "events.tsv"
    result = api.export(out, fmt="gdelt", count=count, db=db)
    records = read_gdelt_events(out)
    assert result.rows == len(records) == rows
    assert not out.read_text().startswith("GLOBALEVENTID")  # GDELT's files have no header row
    visits = [r for r in records if r["EventCode"] == "042"]
    found = [
        (r["SOURCEURL"], r["NumMentions"], r["NumSources"], r["NumArticles"], r["IsRootEvent"])
        for r in visits
    ]
    assert sorted(found) == visit


def test_gdelt_fields_of_one_event(db: Path, tmp_path: Path):
    out = tmp_path / "events.tsv"
    api.export(out, fmt="gdelt", db=db)
    [talks] = [r for r in read_gdelt_events(out) if r["EventCode"] == "040"]
    event = EVENTS["talks"]
    expected = {
        "GLOBALEVENTID": int(event.id[:15], 16),
        "SQLDATE": 20250327,
        "MonthYear": 202503,
        "Year": 2025,
        "FractionDate": 2025.2329,  # 85 of 365 days gone
        "Actor1Code": "USAGOV",
        "Actor1Name": "KRISTI NOEM",
        "Actor1CountryCode": "USA",
        "Actor1Type1Code": "GOV",
        "Actor2Code": "COLGOV",
        "Actor2CountryCode": "COL",
        "Actor2Type1Code": "GOV",
        "IsRootEvent": 1,
        "EventCode": "040",
        "EventBaseCode": "040",
        "EventRootCode": "04",
        "QuadClass": 1,
        "GoldsteinScale": event.goldstein,
        "AvgTone": None,
        "Actor1Geo_Type": 0,
        "Actor1Geo_CountryCode": None,
        "ActionGeo_Type": 4,
        "ActionGeo_FullName": "Bogotá, Bogota D.C., Colombia",
        "ActionGeo_CountryCode": "CO",  # FIPS 10-4 (Colombia's is ISO's alpha-2 too)
        "ActionGeo_ADM1Code": "CO",
        "ActionGeo_ADM2Code": None,
        "ActionGeo_Lat": 4.61,
        "ActionGeo_Long": -74.08,
        "ActionGeo_FeatureID": "3688689",
        "SOURCEURL": "https://example.org/noem",
    }
    assert {name: talks[name] for name in expected} == expected
    assert len(str(talks["DATEADDED"])) == 14


def test_gdelt_event_without_a_target_has_an_empty_actor2(db: Path, tmp_path: Path):
    out = tmp_path / "events.tsv"
    api.export(out, fmt="gdelt", db=db)
    [tariff] = [r for r in read_gdelt_events(out) if r["EventCode"] == "163"]
    assert all(tariff[f"Actor2{name}"] is None for name in ("Code", "Name", "CountryCode"))
    assert tariff["EventRootCode"] == "16" and tariff["QuadClass"] == 4


def test_gdelt_cells_never_hold_tabs_or_line_breaks(db: Path, tmp_path: Path):
    out = tmp_path / "events.tsv"
    api.export(out, fmt="gdelt", db=db)
    [mexico] = [r for r in read_gdelt_events(out) if r["EventCode"] == "036"]
    assert mexico["Actor1Name"] == '<SCRIPT>ALERT("X")</SCRIPT> & CO \x01'


@pytest.mark.parametrize(
    ("code", "country", "expected"),
    [
        ("USAGOV", "USA", ("USA", None, None, None, ("GOV", None, None))),
        ("COL", "COL", ("COL", None, None, None, (None, None, None))),
        ("USAGOVHLH", "USA", ("USA", None, None, None, ("GOV", "HLH", None))),
        ("IGOUNO", "IGO", (None, "UNO", None, None, ("IGO", None, None))),
        ("MNCUSA", "MNC", ("USA", None, None, None, ("MNC", None, None))),
        ("ISRRELJEW", "ISR", ("ISR", None, "REL", "JEW", (None, None, None))),
        ("GOV", None, (None, None, None, None, ("GOV", None, None))),
        ("TMPGOV", "TLS", ("TMP", None, None, None, ("GOV", None, None))),  # CAMEO's Timor-Leste
    ],
)
def test_gdelt_actor_columns(code: str, country: str | None, expected: tuple):
    row = gdelt_actor(code, country)
    assert row[:2] == (code, country)
    country_code, known, religion1, religion2, types = expected
    assert (row[2], row[3], row[4], row[5], row[6]) == (
        country_code,
        known,
        None,
        religion1,
        religion2,
    )
    assert row[7:] == types


# -- jsonl, csv, parquet -------------------------------------------------------------------------

PLOVER_KEYS = [
    "id", "date", "actor", "recipient", "event", "mode", "context", "event_loc", "event_text",
]  # fmt: skip


@pytest.mark.parametrize(("count", "rows"), [("mention", 5), ("cluster", 4)])
def test_jsonl_is_plover_records_then_ours(db: Path, tmp_path: Path, count: str, rows: int):
    out = tmp_path / "events.jsonl"
    result = api.export(out, fmt="jsonl", count=count, db=db)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert result.rows == len(records) == rows
    assert all(list(r)[: len(PLOVER_KEYS)] == PLOVER_KEYS for r in records)
    [talks] = [r for r in records if r["cameo"] == "040"]
    assert (talks["actor"], talks["recipient"], talks["event"]) == ("USAGOV", "COLGOV", "CONSULT")
    assert talks["event_loc"]["geonameid"] == 3688689
    assert talks["event_text"] == EVENTS["talks"].sentence
    assert talks["article"]["url"] == "https://example.org/noem"
    assert isinstance(talks["context"], list)
    assert talks["cluster"]["num_articles"] == 1


def test_csv_has_every_event_column_with_the_article(db: Path, tmp_path: Path):
    out = tmp_path / "events.csv"
    result = api.export(out, fmt="csv", db=db)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert result.count == "mention" and result.rows == len(rows) == 5
    assert {r["cameo"] for r in rows} == {"042", "040", "163", "036"}
    assert {"article_url", "article_title", "cluster_id", "cluster_articles"} <= set(rows[0])
    assert COPY.id not in {r["article_id"] for r in rows}


@pytest.mark.parametrize(("count", "rows"), [("mention", 5), ("cluster", 4)])
def test_parquet_keeps_types_and_codes(db: Path, tmp_path: Path, count: str, rows: int):
    out = tmp_path / "events.parquet"
    api.export(out, fmt="parquet", count=count, db=db)
    table = pq.read_table(out)
    assert table.num_rows == rows
    assert str(table.schema.field("cameo").type) == "string"
    assert str(table.schema.field("date").type) == "date32[day]"
    assert "https://example.org/noem" in table["article_url"].to_pylist()


def test_filters_apply_to_every_format(db: Path, tmp_path: Path):
    out = tmp_path / "events.jsonl"
    api.export(out, fmt="jsonl", db=db, dyad="USA:COL", cameo="042")
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["cameo"] for r in records} == {"042"} and len(records) == 2
    api.export(out, fmt="jsonl", db=db, limit=1, offset=1)
    assert len(out.read_text().splitlines()) == 1


# -- gexf ----------------------------------------------------------------------------------------

NS = {"g": GEXF_NAMESPACE}


def _gexf(path: Path) -> tuple[dict[str, dict], dict[tuple[str, str], dict]]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{{{GEXF_NAMESPACE}}}gexf" and root.get("version") == "1.3"
    nodes = {
        n.get("id"): {"label": n.get("label"), **_values(n)}
        for n in root.iterfind(".//g:nodes/g:node", NS)
    }
    edges = {
        (e.get("source"), e.get("target")): {"weight": float(e.get("weight")), **_values(e)}
        for e in root.iterfind(".//g:edges/g:edge", NS)
    }
    return nodes, edges


def _values(element: ET.Element) -> dict[str, str]:
    return {v.get("for"): v.get("value") for v in element.iterfind("g:attvalues/g:attvalue", NS)}


@pytest.mark.parametrize(("count", "visits"), [("cluster", 1.0), ("mention", 2.0)])
def test_gexf_is_the_actor_network(db: Path, tmp_path: Path, count: str, visits: float):
    out = tmp_path / "network.gexf"
    result = api.export(out, fmt="gexf", count=count, db=db)
    nodes, edges = _gexf(out)
    assert (result.nodes, result.rows) == (len(nodes), len(edges)) == (4, 3)
    assert set(edges) == {("USAGOV", "COL"), ("USAGOV", "COLGOV"), ("MEXGOV", "USAGOV")}
    assert edges[("USAGOV", "COL")]["weight"] == visits
    assert float(edges[("USAGOV", "COL")]["goldstein_mean"]) == pytest.approx(
        EVENTS["visit"].goldstein
    )
    assert nodes["USAGOV"] == {
        "label": "United States: Government",
        "country": "USA",
        "sector": "GOV",
        "name": "Kristi Noem",
    }


def test_gexf_escapes_what_articles_say(db: Path, tmp_path: Path):
    out = tmp_path / "network.gexf"
    api.export(out, fmt="gexf", db=db)
    nodes, _ = _gexf(out)
    assert nodes["MEXGOV"]["name"] == ESCAPED_NAME.replace("\x01", "")
    assert "<script>" not in out.read_text(encoding="utf-8")


def test_gexf_reads_in_networkx(db: Path, tmp_path: Path):
    nx = pytest.importorskip("networkx")
    out = tmp_path / "network.gexf"
    api.export(out, fmt="gexf", count="mention", db=db)
    graph = nx.read_gexf(out, version="1.3")
    assert graph.is_directed() and graph.number_of_edges() == 3
    assert graph.edges["USAGOV", "COL"]["weight"] == 2
    assert graph.nodes["COLGOV"]["label"] == "Colombia: Government"


@pytest.mark.parametrize(
    ("country", "sector", "label"),
    [
        ("USA", "GOV", "United States: Government"),
        ("COL", None, "Colombia"),
        ("IGO", None, "Intergovernmental organisation"),
        ("XXX", "ZZZ", "XXX: ZZZ"),
    ],
)
def test_node_labels(country: str, sector: str | None, label: str):
    assert node_label(country, sector) == label


def test_cli_writes_the_export(db: Path, tmp_path: Path):
    out = tmp_path / "events.tsv"
    args = ["export", "--format", "gdelt", "--out", str(out), "--db", str(db), "--dyad", "USA:COL"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Wrote 2 rows (clusters)" in result.output
    assert {r["EventCode"] for r in read_gdelt_events(out)} == {"042", "040"}


# -- choices -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fmt": "xlsx"}, "export format 'xlsx'"),
        ({"fmt": "csv", "count": "article"}, "count 'article'"),
        ({"fmt": "csv", "cameo": "42"}, "CAMEO"),
    ],
)
def test_bad_choices_are_usage_errors(db: Path, tmp_path: Path, options: dict, message: str):
    with pytest.raises(UsageError, match=message):
        api.export(tmp_path / "out", db=db, **options)


def test_a_missing_folder_is_a_usage_error(db: Path, tmp_path: Path):
    with pytest.raises(UsageError, match="no such folder"):
        api.export(tmp_path / "nowhere" / "out.csv", fmt="csv", db=db)


# -- the demo data ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    api.demo(db=path)
    return path


@pytest.mark.slow
def test_demo_gdelt_export_reads_back_with_leading_zeros(demo_db: Path, tmp_path: Path):
    out = tmp_path / "demo.tsv"
    result = api.export(out, fmt="gdelt", count="mention", db=demo_db)
    records = read_gdelt_events(out)  # raises unless every row has GDELT's 61 fields
    stored = api.events(db=demo_db)
    assert result.rows == len(records) > 200
    assert {r["EventCode"] for r in records} == set(stored["cameo"].to_pylist())
    assert any(str(r["EventCode"]).startswith("0") for r in records)
    assert all(len(str(r["EventRootCode"])) == 2 for r in records)
    # FIPS 10-4 in the geo columns: Israel is IS there (ISO: IL, ISR)
    israel = {r["ActionGeo_CountryCode"] for r in records if r["ActionGeo_FullName"] == "Israel"}
    assert israel == {"IS"}


@pytest.mark.slow
def test_demo_gdelt_export_reads_in_pandas_as_gdelt_users_read_it(demo_db: Path, tmp_path: Path):
    pd = pytest.importorskip("pandas")
    out = tmp_path / "demo.tsv"
    api.export(out, fmt="gdelt", db=demo_db)
    codes = {"EventCode": str, "EventBaseCode": str, "EventRootCode": str}
    frame = pd.read_csv(out, sep="\t", header=None, names=gdelt_header(), dtype=codes, quoting=3)
    clusters = api.export(tmp_path / "clusters.csv", fmt="csv", count="cluster", db=demo_db)
    assert frame.shape == (clusters.rows, 61)
    assert frame["EventRootCode"].str.len().eq(2).all()
    assert frame["QuadClass"].between(1, 4).all()


@pytest.mark.slow
def test_demo_exports_in_every_format(demo_db: Path, tmp_path: Path):
    for fmt in ("csv", "parquet", "jsonl", "gexf"):
        result = api.export(tmp_path / f"demo.{fmt}", fmt=fmt, db=demo_db)
        assert result.rows > 0, fmt
    nodes, edges = _gexf(tmp_path / "demo.gexf")
    assert edges and all(key[0] in nodes and key[1] in nodes for key in edges)
