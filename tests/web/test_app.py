"""The dashboard over HTTP (FastAPI's TestClient): pages, their JSON twins, errors, headers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsevents.config import Settings
from newsevents.records import CodedArticle
from newsevents.store import Store
from newsevents.web.app import SECURITY_HEADERS, create_app
from newsevents.web.server import LOOPBACK_NAMES
from tests.store._events import article
from tests.web.conftest import HOSTILE_ACTOR, SCRIPT

SEED = "f2780e3c"  # the seed article (Noem in Colombia) among the demo articles

#: Each JSON twin and the keys its answer has.
ENDPOINTS = [
    ("/api/summary", {"events", "articles", "first_date", "last_date", "stored"}),
    ("/api/timeseries", {"per", "count", "rows"}),
    ("/api/map", {"count", "shade", "countries"}),
    ("/api/places", {"count", "points"}),
    ("/api/network", {"count", "node_kind", "nodes", "edges"}),
    ("/api/events", {"total", "page", "size", "sort", "order", "rows"}),
    (f"/api/articles/{SEED}", {"article", "duplicate_of", "events", "places"}),
    ("/api/jobs", {"jobs"}),
    ("/api", {"views", "filters"}),
]


@pytest.mark.slow
@pytest.mark.parametrize(("path", "keys"), ENDPOINTS, ids=[p for p, _ in ENDPOINTS])
def test_every_json_twin_answers(demo_client: TestClient, path: str, keys: set[str]):
    response = demo_client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert set(response.json()) == keys


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("dyad=USA:COL", lambda r: r["source_code"].startswith("USA")),
        ("root=04", lambda r: r["cameo"].startswith("04")),
        ("quad=1", lambda r: r["quad_class"] == 1),
        ("modality=planned", lambda r: r["modality"] == "planned"),
        ("from=2025-03-27&to=2025-03-28", lambda r: "2025-03-27" <= r["date"] <= "2025-03-28"),
    ],
)
def test_filters_select_the_events_the_table_shows(demo_client: TestClient, query: str, check):
    everything = demo_client.get("/api/events").json()["total"]
    page = demo_client.get(f"/api/events?{query}&size=200").json()
    assert 0 < page["total"] < everything
    assert all(check(row) for row in page["rows"])
    summary = demo_client.get(f"/api/summary?{query}").json()
    assert summary["events"] == page["total"]


@pytest.mark.slow
def test_every_chart_changes_with_a_filter(demo_client: TestClient):
    for view in ("timeseries", "map", "places", "network"):
        everything = demo_client.get(f"/api/{view}?per=month").json()
        narrowed = demo_client.get(f"/api/{view}?per=month&dyad=USA:COL").json()
        assert everything != narrowed, view
    edges = demo_client.get("/api/network?dyad=USA:COL").json()["edges"]
    assert {(e["source_key"], e["target_key"]) for e in edges} == {("USA", "COL")}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sort", "order", "key"),
    [("date", "asc", "date"), ("goldstein", "desc", "goldstein"), ("cameo", "asc", "cameo")],
)
def test_the_table_is_sorted_and_paged_in_the_database(
    demo_client: TestClient, sort: str, order: str, key: str
):
    first = demo_client.get(f"/api/events?sort={sort}&order={order}&size=10").json()
    second = demo_client.get(f"/api/events?sort={sort}&order={order}&size=10&page=2").json()
    values = [r[key] for r in first["rows"] + second["rows"] if r[key] is not None]
    assert values == sorted(values, reverse=order == "desc")
    assert len(first["rows"]) == 10
    assert not {r["id"] for r in first["rows"]} & {r["id"] for r in second["rows"]}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("quad=7", "quad='7'"),
        ("from=yesterday", "from='yesterday'"),
        ("root=99", "'99'"),
        ("dyad=USA", "'USA'"),
        ("modality=maybe", "'maybe'"),
        ("sort=title", "sort='title'"),
        ("size=100000", "size='100000'"),
        ("count=article", "count='article'"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_value(demo_client: TestClient, query: str, named: str):
    for view in ("summary", "events", "timeseries"):
        response = demo_client.get(f"/api/{view}?{query}")
        assert response.status_code == 400
        assert named in response.json()["message"]
    page = demo_client.get(f"/?{query}")
    assert page.status_code == 200 and named in page.text.replace("&#39;", "'")


@pytest.mark.slow
def test_the_home_page_explains_itself_and_shows_counts(demo_client: TestClient):
    page = demo_client.get("/").text
    assert "<h1>Political events in the news</h1>" in page
    counts = " ".join(
        re.sub(r"<[^>]+>", "", page.split('id="counts">')[1].split("</p>")[0]).split()
    )
    assert re.search(r"271 events from \d+ articles", counts)
    for part in ('id="timeseries"', 'id="map"', 'id="network"', 'id="events"', 'id="filters"'):
        assert part in page


@pytest.mark.slow
def test_an_article_page_marks_the_evidence_of_the_chosen_event(demo_client: TestClient):
    data = demo_client.get(f"/api/articles/{SEED}").json()
    chosen = next(e for e in data["events"] if e["cameo"] == "042")
    page = demo_client.get(f"/articles/{SEED}?event={chosen['id']}").text
    marked = page.split('<mark class="evidence selected" id="evidence"')[1].split("</mark>")[0]
    text = re.sub(r"<[^>]+>", "", marked.split(">", 1)[1])
    assert text == chosen["evidence"]["sentence"]
    assert re.search(rf'class="action" title="[^"]*{chosen["cameo"]}', marked)
    assert '<span class="actor' in marked
    sentences = {e["evidence"]["start"] for e in data["events"]}
    assert page.count('<mark class="evidence') == len(sentences) + 1  # + the legend's


@pytest.mark.slow
def test_a_missing_article_is_a_message(demo_client: TestClient):
    response = demo_client.get("/articles/ffffffffff")
    assert response.status_code == 400
    assert "no article 'ffffffffff'" in response.text.replace("&#39;", "'")
    assert demo_client.get("/api/articles/ffffffffff").json()["error"] == "UsageError"


def test_markup_from_an_article_is_shown_as_text(hostile_db: Path):
    with TestClient(create_app(db=hostile_db)) as client:
        [row] = client.get("/api/events").json()["rows"]
        page = client.get(f"/articles/{row['article_id']}?event={row['id']}").text
    assert "<script>alert" not in page and "<img" not in page and "<b onmouseover" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the title, as text
    assert "&lt;img src=x onerror=alert(2)&gt;" in page  # the body
    assert "&lt;b onmouseover=&#34;alert(3)&#34;&gt;Evil Corp&lt;/b&gt;" in page  # the actor
    assert 'href="javascript:' not in page  # a URL that is not http(s) is no link
    assert row["title"] == SCRIPT and row["source_name"] == HOSTILE_ACTOR  # JSON keeps the data


@pytest.mark.parametrize("path", ["/", "/ingest", "/api/summary", "/static/app.css", "/nowhere"])
def test_every_response_has_the_security_headers(hostile_db: Path, path: str):
    with TestClient(create_app(db=hostile_db)) as client:
        response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "unsafe" not in response.headers["content-security-policy"]


def test_pages_load_no_script_or_style_from_elsewhere_and_none_inline(hostile_db: Path):
    with TestClient(create_app(db=hostile_db)) as client:
        pages = [client.get(p).text for p in ("/", "/ingest")]
    for page in pages:
        tags = re.findall(r"<script[^>]*>", page)
        assert tags and all(re.fullmatch(r'<script src="/static/\w+\.js" defer>', t) for t in tags)
        assert "<style" not in page and " style=" not in page
        assert not re.search(r'(src|href)="(https?:)?//', page)


def test_a_foreign_host_header_is_refused_on_loopback(hostile_db: Path):
    app = create_app(db=hostile_db, allowed_hosts=LOOPBACK_NAMES)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/api/summary").status_code == 200
        assert client.get("/api/summary", headers={"host": "evil.example"}).status_code == 400


def test_the_world_borders_are_served_with_alpha3_ids(hostile_db: Path):
    with TestClient(create_app(db=hostile_db)) as client:
        world = client.get("/world.json").json()
    ids = [shape["id"] for shape in world["objects"]["countries"]["geometries"]]
    assert len(ids) == 177 and all(re.fullmatch(r"[A-Z]{3}", i) for i in ids)
    assert {"USA", "COL", "MEX", "SLV", "XKX"} <= set(ids)


def test_no_database_yet_is_explained(tmp_path: Path):
    with TestClient(create_app(db=tmp_path / "none.duckdb")) as client:
        page = client.get("/")
        answer = client.get("/api/events")
    assert page.status_code == 200 and "no database at" in page.text
    assert answer.status_code == 503 and "newsevents demo" in answer.json()["message"]


def test_views_keep_answering_while_an_ingest_writes(hostile_db: Path):
    app = create_app(db=hostile_db)
    second = CodedArticle(article("A second article, about nothing at all."), (), "rules.v1")
    with TestClient(app) as client:
        before = client.get("/api/summary").json()
        with app.state.database.writing():
            with Store.open(hostile_db) as store:  # the job's own connection, as api.ingest's
                run = store.start_run(command="test", sources=[], settings=Settings())
                during = client.get("/api/summary")
                store.write_batch(run, [second], [], settings=Settings())
                app.state.database.changed()  # what a job does after each committed batch
                committed = client.get("/api/summary")
                store.finish_run(run, status="completed")
        after = client.get("/api/summary")
    assert during.status_code == 200 and during.json() == before
    assert committed.status_code == 200
    assert committed.json()["stored"]["articles"] == before["stored"]["articles"] + 1
    assert after.json() == committed.json()
