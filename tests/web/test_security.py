"""The dashboard under attack: hostile article text, cross-site posts, oversized uploads, a
server beyond loopback without its token, and the security headers on every kind of response.

The hostile store holds articles whose title, URL, source, body, actor names and place name are
markup meant to run (``<script>``, ``onerror=``, ``</script>``, ``javascript:``, SVG). Every page
and JSON view that shows them is fetched: the pages must show them as text, never as elements or
attributes, and the JSON must hand them back unchanged (it is data; the page's scripts set it
with ``textContent``). The browser test loads the pages in Chromium with the CSP switched off, so
that only the escaping stands between the payloads and a running script.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsevents.config import Settings
from newsevents.errors import NewsEventsError, UsageError
from newsevents.records import CodedArticle, Location
from newsevents.store import Store
from newsevents.web import app as web_app
from newsevents.web.app import SECURITY_HEADERS, SESSION_COOKIE, create_app
from newsevents.web.server import LOOPBACK_NAMES, server_token
from tests.store._events import actor, article, event
from tests.web.conftest import served

# -- the payloads ---------------------------------------------------------------------------------

SCRIPT = "<script>window.__pwned=1;alert('script')</script>"
IMG = '"><img src=x onerror="window.__pwned=2;alert(2)">'
CLOSE = "</script><script>window.__pwned=3</script>"
JS_URL = "javascript:window.__pwned=4"
SVG = "<svg onload=window.__pwned=5><text>svg</text></svg>"
ATTR = "' onmouseover='window.__pwned=6' x='"
PAYLOADS = (SCRIPT, IMG, CLOSE, JS_URL, SVG, ATTR)
#: An article id that is markup (no slash: it must reach the article route).
BAD_ID = f"{IMG}<svg onload=alert(9)>"

TITLE = f"Evil news {SCRIPT}{IMG}"
BODY = f"Evil Corp attacked Paris {SCRIPT} {IMG}. Later {SVG} {CLOSE} {ATTR} {JS_URL} was seen."
SOURCE_NAME = f"Evil Corp {IMG}{SVG}"
TARGET_NAME = f"Paris {CLOSE}{ATTR}"
PLACE_NAME = f"Paris {SVG}"
OUTLET = f"Daily {SCRIPT}"
HTTP_URL = f'https://example.org/a"><script>window.__pwned=7</script>?q={ATTR}'
BODY2 = f"Bad Inc attacked Lyon {CLOSE}. Nothing else."
TITLE2 = f"{CLOSE}{SVG}"


def _hostile_store(db: Path) -> dict[str, str]:
    """Two hostile articles with one event each; their ids."""
    one = article(BODY, title=TITLE, url=JS_URL, source=OUTLET, original_source=OUTLET)
    place = Location(PLACE_NAME, "FRA", None, 48.85, 2.35, 2988507, "city")
    first = event(
        one,
        sentence=0,
        source=actor(BODY, "Evil Corp", name=SOURCE_NAME, code="FRABUS"),
        target=actor(BODY, "Paris", name=TARGET_NAME, code="FRA"),
        code="190",
        action="attacked",
        date=dt.date(2025, 3, 27),
        location=place,
    )
    two = article(BODY2, title=TITLE2, url=HTTP_URL)
    second = event(
        two,
        sentence=0,
        source=actor(BODY2, "Bad Inc", name=SOURCE_NAME, code="FRABUS"),
        target=actor(BODY2, "Lyon", name=TARGET_NAME, code="FRA"),
        code="190",
        action="attacked",
        date=dt.date(2025, 3, 28),
    )
    coded = [CodedArticle(one, (first,), "rules.v1"), CodedArticle(two, (second,), "rules.v1")]
    with Store.open(db) as store:
        run = store.start_run(command="test", sources=["test"], settings=Settings())
        store.write_batch(run, coded, [], settings=Settings())
        store.finish_run(run, status="completed")
    return {"one": one.id, "two": two.id, "event_one": first.id, "event_two": second.id}


@pytest.fixture(scope="module")
def attack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    db = tmp_path_factory.mktemp("attack") / "attack.duckdb"
    return db, _hostile_store(db)


def refuse_to_run(sources: list[str], **options: Any) -> Any:
    """An ingest for the form's jobs that fails with markup as its message (the page shows it)."""
    raise NewsEventsError(f"could not read {SCRIPT}{IMG}")


@pytest.fixture
def client(attack: tuple[Path, dict[str, str]]) -> Iterator[TestClient]:
    with TestClient(create_app(db=attack[0], ingest=refuse_to_run)) as client:
        yield client


# -- reading HTML as a browser would --------------------------------------------------------------


class _Page(HTMLParser):
    """Every element with its attributes, and the text a reader sees (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


#: Elements our templates write; anything else in a page came from data.
OUR_TAGS = {
    "html", "head", "meta", "title", "link", "script", "body", "nav", "a", "span", "main", "h1",
    "h2", "p", "header", "strong", "form", "label", "input", "select", "option", "button", "div",
    "section", "svg", "table", "thead", "tr", "th", "tbody", "article", "mark", "aside", "ol",
    "li", "textarea", "progress", "ul", "code",
}  # fmt: skip


def assert_inert(html: str) -> _Page:
    """No element or attribute in ``html`` came from the payloads: the only scripts are ours,
    no event handler, no link to ``javascript:``, no SVG but the three empty charts."""
    page = parsed(html)
    for tag, attrs in page.elements:
        assert tag in OUR_TAGS, f"<{tag}> is no element of ours: {attrs}"
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"<{tag}> has event handlers {handlers}"
        if tag == "script":
            assert re.fullmatch(r"/static/\w+\.js", attrs.get("src", "")), attrs
        for name in ("href", "src", "action"):
            assert not attrs.get(name, "").strip().lower().startswith("javascript:"), attrs
        if tag == "svg":
            assert attrs.get("id") in {"timeseries", "map", "network"}, attrs
    return page


def shown(page: _Page) -> str:
    return "".join(page.text)


# -- every page and view that shows the hostile articles ------------------------------------------


def test_the_article_pages_show_every_payload_as_text(
    client: TestClient, attack: tuple[Path, dict[str, str]]
):
    ids = attack[1]
    one = client.get(f"/articles/{ids['one']}?event={ids['event_one']}")
    two = client.get(f"/articles/{ids['two']}")
    assert one.status_code == two.status_code == 200
    text_one, text_two = shown(assert_inert(one.text)), shown(assert_inert(two.text))
    for value in (TITLE, BODY, OUTLET, JS_URL, *PAYLOADS):
        assert value in text_one, value
    for name in (SOURCE_NAME, TARGET_NAME):  # the actor names in the event list
        assert name in text_one and name in text_two
    assert PLACE_NAME in text_one  # the event's place
    assert TITLE2 in text_two and BODY2 in text_two and HTTP_URL in text_two
    # The http(s) URL is a link whose href is the URL itself, quotes and all, not markup.
    links = [
        a for tag, a in parsed(two.text).elements if tag == "a" and a.get("id") == "article-url"
    ]
    assert [a["href"] for a in links] == [HTTP_URL]
    assert not [
        a for tag, a in parsed(one.text).elements if a.get("id") == "article-url" and tag == "a"
    ]


def test_the_home_page_reflects_a_hostile_filter_only_as_text(client: TestClient):
    for value in PAYLOADS:
        response = client.get("/", params={"actor": value, "dyad": value})
        page = assert_inert(response.text)
        fields = {a.get("name"): a.get("value") for tag, a in page.elements if tag == "input"}
        assert fields["actor"] == value and fields["dyad"] == value
    assert_inert(client.get("/?" + IMG.replace(" ", "%20")).text)  # the raw query in the link


def test_an_error_page_shows_the_hostile_id_as_text(client: TestClient):
    response = client.get(f"/articles/{BAD_ID}")
    assert response.status_code == 400
    assert BAD_ID in shown(assert_inert(response.text))


def test_the_ingest_page_shows_a_hostile_job_error_as_text(client: TestClient):
    answer = client.post("/api/ingest", data={"text": "Some text."})
    assert answer.status_code == 202, answer.text
    client.app.state.jobs.wait()  # type: ignore[attr-defined]
    job = client.get(answer.json()["status_url"]).json()
    assert job["state"] == "failed" and job["error"] == f"could not read {SCRIPT}{IMG}"
    assert f"could not read {SCRIPT}{IMG}" in shown(assert_inert(client.get("/ingest").text))


VIEWS = [
    "/api/summary",
    "/api/timeseries",
    "/api/map",
    "/api/places",
    "/api/network",
    "/api/network?nodes=actor",
    "/api/events",
    "/api/jobs",
    "/api",
]


@pytest.mark.parametrize("path", VIEWS)
def test_the_json_views_are_json_that_keeps_the_data_unchanged(client: TestClient, path: str):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    response.json()  # parses: data, never a page


def test_the_json_twins_give_back_the_payloads_exactly(
    client: TestClient, attack: tuple[Path, dict[str, str]]
):
    ids = attack[1]
    rows = {r["article_id"]: r for r in client.get("/api/events").json()["rows"]}
    assert rows[ids["one"]]["title"] == TITLE and rows[ids["two"]]["title"] == TITLE2
    assert rows[ids["one"]]["source_name"] == SOURCE_NAME
    assert rows[ids["one"]]["target_name"] == TARGET_NAME
    assert SCRIPT in rows[ids["one"]]["sentence"]
    [point] = client.get("/api/places").json()["points"]
    assert point["name"] == PLACE_NAME
    one = client.get(f"/api/articles/{ids['one']}").json()
    assert one["article"]["url"] == JS_URL and one["article"]["text"] == BODY
    assert one["article"]["source"] == OUTLET


def test_the_scripts_put_data_in_the_page_only_as_text():
    """The static scripts never turn a string into markup or code: no innerHTML and friends."""
    sinks = re.compile(
        r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|"
        r"setTimeout\(\s*[\"'`]|setAttribute\(\s*[\"'`]on|createContextualFragment|srcdoc"
    )
    scripts = sorted((Path(web_app.HERE) / "static").glob("*.js"))
    assert scripts
    for script in scripts:
        code = "\n".join(
            line for line in script.read_text().splitlines() if not line.strip().startswith("//")
        )
        assert not sinks.search(code), f"{script.name}: {sinks.search(code)}"


# -- cross-site writes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},  # a sandboxed frame or a data: page
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},  # another port or subdomain of this host
        {"referer": "https://evil.example/form.html"},
        {"origin": "http://testserver.evil.example"},
    ],
    ids=["origin", "null-origin", "cross-site", "same-site", "referer", "lookalike"],
)
def test_a_cross_site_post_is_refused_and_starts_no_job(tmp_path: Path, headers: dict[str, str]):
    calls: list[Any] = []
    app = create_app(db=tmp_path / "x.duckdb", ingest=lambda *a, **k: calls.append(a))
    with TestClient(app) as client:
        response = client.post("/api/ingest", data={"text": "Some text."}, headers=headers)
        login = client.post("/login", data={"token": "x"}, headers=headers)
        jobs = client.get("/api/jobs").json()["jobs"]
    assert response.status_code == 403, response.text
    assert "only the dashboard's own pages" in response.json()["message"]
    assert login.status_code == 403
    assert jobs == [] and calls == [] and not (tmp_path / "x.duckdb").exists()


def test_a_post_from_the_dashboard_itself_is_accepted(tmp_path: Path):
    app = create_app(db=tmp_path / "x.duckdb", ingest=refuse_to_run)
    headers = {"origin": "http://testserver", "sec-fetch-site": "same-origin"}
    with TestClient(app) as client:
        response = client.post("/api/ingest", data={"text": "Some text."}, headers=headers)
    assert response.status_code == 202, response.text


# -- oversized uploads ----------------------------------------------------------------------------


@pytest.fixture
def uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder where the jobs' uploads would be saved (the temporary directory)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_an_oversized_upload_is_a_413_and_stores_nothing(tmp_path: Path, uploads: Path):
    calls: list[Any] = []
    db = tmp_path / "x.duckdb"
    app = create_app(db=db, max_upload_bytes=10_000, ingest=lambda *a, **k: calls.append(a))
    with TestClient(app) as client:
        big = client.post("/api/ingest", files=[("files", ("big.txt", b"x" * 20_000))])
        many = client.post(
            "/api/ingest", files=[("files", (f"{n}.txt", b"x" * 4_000)) for n in range(3)]
        )
        jobs = client.get("/api/jobs").json()["jobs"]
    for response in (big, many):
        assert response.status_code == 413
        assert response.json() == {
            "error": "TooLarge",
            "message": "the documents sent are over 10,000 bytes; use `newsevents ingest` for more",
        }
    assert jobs == [] and calls == [] and not db.exists() and list(uploads.iterdir()) == []


def test_a_body_longer_than_its_content_length_is_cut_off(tmp_path: Path, uploads: Path):
    """Content-Length is only a claim: the body is counted as it arrives."""
    calls: list[Any] = []
    app = create_app(
        db=tmp_path / "x.duckdb", max_upload_bytes=10_000, ingest=lambda *a, **k: calls.append(a)
    )
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\n{'x' * 50_000}\r\n--{boundary}--\r\n"
    ).encode()
    headers = {
        "content-type": f"multipart/form-data; boundary={boundary}",
        "content-length": "900",
    }
    with TestClient(app) as client:
        response = client.post("/api/ingest", content=body, headers=headers)
        jobs = client.get("/api/jobs").json()["jobs"]
    assert response.status_code == 413 and response.json()["error"] == "TooLarge"
    assert jobs == [] and calls == [] and list(uploads.iterdir()) == []


def test_an_upload_without_content_length_is_refused(tmp_path: Path):
    def chunks() -> Iterator[bytes]:
        yield b"text=hello"

    with TestClient(create_app(db=tmp_path / "x.duckdb")) as client:
        response = client.post(
            "/api/ingest",
            content=chunks(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 411


def test_an_upload_under_the_cap_is_saved_for_the_ingest_readers(tmp_path: Path, uploads: Path):
    """An upload is a file in the job's folder, given to the same ingest as a file on the
    command line (which sniffs and checks it like any other input)."""
    seen: dict[str, Any] = {}

    def record(sources: list[str], **options: Any) -> Any:
        seen["files"] = {Path(s).name: Path(s).read_bytes() for s in sources}
        raise NewsEventsError("recorded")

    app = create_app(db=tmp_path / "x.duckdb", max_upload_bytes=10_000, ingest=record)
    with TestClient(app) as client:
        response = client.post(
            "/api/ingest",
            files=[("files", ("../../etc/.evil name.html", b"<p>hi</p>" * 100))],
        )
        client.app.state.jobs.wait()  # type: ignore[attr-defined]
    assert response.status_code == 202
    assert seen["files"] == {"01-evil_name.html": b"<p>hi</p>" * 100}
    assert list(uploads.iterdir()) == []  # the job's folder is gone when it ends


# -- a server beyond loopback: writes need the token ----------------------------------------------

TOKEN = "s3cret-token-for-the-tests-0123456789"


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[tuple[TestClient, list[Any]]]:
    calls: list[Any] = []

    def ingest(sources: list[str], **options: Any) -> Any:
        calls.append(sources)
        raise NewsEventsError("not really")

    app = create_app(db=tmp_path / "x.duckdb", ingest=ingest, token=TOKEN)
    with TestClient(app, base_url="http://192.0.2.10:8000") as client:
        yield client, calls


def test_a_write_without_the_token_is_a_401_and_starts_nothing(remote):
    client, calls = remote
    response = client.post("/api/ingest", data={"text": "Some text."})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "needs the token" in response.json()["message"]
    wrong = client.post(
        "/api/ingest", data={"text": "x"}, headers={"authorization": "Bearer not-the-token"}
    )
    odd = client.post(
        "/api/ingest", data={"text": "x"}, headers={"authorization": "Bearer é".encode("latin-1")}
    )
    forged = client.post(
        "/api/ingest", data={"text": "x"}, cookies={SESSION_COOKIE: TOKEN}
    )  # the token itself is not the cookie's value
    assert wrong.status_code == 403 and odd.status_code == 403 and forged.status_code == 401
    client.app.state.jobs.wait()
    assert client.get("/api/jobs").json()["jobs"] == [] and calls == []


def test_a_write_with_the_token_is_accepted(remote):
    client, calls = remote
    response = client.post(
        "/api/ingest", data={"text": "Some text."}, headers={"authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 202, response.text
    client.app.state.jobs.wait()
    assert len(calls) == 1


def test_the_login_form_turns_the_token_into_a_strict_httponly_cookie(remote):
    client, calls = remote
    assert 'id="ingest"' not in client.get("/ingest").text  # no form before the token
    assert "enter the token" in client.get("/ingest").text
    bad = client.post("/login", data={"token": "guess"}, follow_redirects=False)
    assert bad.status_code == 403 and "set-cookie" not in bad.headers
    good = client.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert good.status_code == 303 and good.headers["location"] == "/ingest"
    cookie = good.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and TOKEN not in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert 'id="ingest"' in client.get("/ingest").text  # the client keeps the cookie
    response = client.post("/api/ingest", data={"text": "Some text."})
    assert response.status_code == 202, response.text
    client.app.state.jobs.wait()
    assert len(calls) == 1


def test_no_page_an_unauthenticated_user_loads_holds_the_token(remote):
    client, _ = remote
    paths = ["/", "/ingest", "/login", "/api", "/api/jobs", "/api/summary", "/nowhere"]
    for path in [*paths, "/static/ingest.js", "/static/dashboard.js"]:
        response = client.get(path)
        assert TOKEN not in response.text and TOKEN not in str(response.headers), path


def test_the_login_form_takes_no_big_body(remote):
    client, _ = remote
    response = client.post("/login", data={"token": "x" * 10_000})
    assert response.status_code == 413


def test_a_token_is_made_beyond_loopback_and_kept_if_given():
    made, new = server_token("0.0.0.0", None)
    assert new and made is not None and len(made) >= 40
    assert server_token("0.0.0.0", None)[0] != made
    assert server_token("127.0.0.1", None) == (None, False)
    assert server_token("::1", TOKEN) == (TOKEN, False)  # asked for on loopback: required too
    with pytest.raises(UsageError, match="can be guessed"):
        server_token("0.0.0.0", "short")


def _serve_with_cli(monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str]):
    """`newsevents serve ARGS`, with uvicorn.run recording the app instead of serving it."""
    import uvicorn

    from newsevents.cli import app as cli

    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app, **options))
    result = CliRunner().invoke(cli, ["serve", *args], env=env)
    return result, served


def test_serve_beyond_loopback_prints_a_new_token_once_and_requires_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    db = str(tmp_path / "x.duckdb")
    args = ["--db", db, "--host", "0.0.0.0", "--allow-remote", "--port", "8123"]
    result, served = _serve_with_cli(monkeypatch, args, {"NEWSEVENTS_TOKEN": ""})
    assert result.exit_code == 0, result.output
    [token] = re.findall(r"needs this token .*: (\S+)", result.output)
    assert result.output.count(token) == 1 and served["host"] == "0.0.0.0"
    assert "http://0.0.0.0:8123/login" in result.output
    assert "plain http beyond loopback" in result.output  # the token would cross unencrypted
    with TestClient(served["app"], base_url="http://192.0.2.10:8123") as client:
        refused = client.post("/api/ingest", data={"text": "x"})
        client.app.state.jobs.shutdown()
    assert refused.status_code == 401
    assert served["app"].state.token == token


def test_serve_takes_the_token_from_the_environment_and_does_not_print_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    db = str(tmp_path / "x.duckdb")
    args = ["--db", db, "--host", "0.0.0.0", "--allow-remote"]
    result, served = _serve_with_cli(monkeypatch, args, {"NEWSEVENTS_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output and "NEWSEVENTS_TOKEN" in result.output
    assert served["app"].state.token == TOKEN


def test_serve_on_loopback_needs_no_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    result, served = _serve_with_cli(
        monkeypatch, ["--db", str(tmp_path / "x.duckdb")], {"NEWSEVENTS_TOKEN": ""}
    )
    assert result.exit_code == 0, result.output
    assert served["app"].state.token is None and "token" not in result.output
    assert "plain http" not in result.output


# -- headers on every kind of response ------------------------------------------------------------


def _broken_world() -> bytes:
    raise RuntimeError("a bug")


HEADER_CASES = [
    ("get", "/", 200),
    ("get", "/ingest", 200),
    ("get", "/login", 200),
    ("get", "/api/summary", 200),
    ("get", "/api/events?quad=9", 400),
    ("get", "/static/app.css", 200),
    ("get", "/static/dashboard.js", 200),
    ("get", "/static/favicon.svg", 200),
    ("get", "/static/missing.js", 404),
    ("get", "/world.json", 500),  # made to fail below: a bug's 500
    ("get", "/nowhere", 404),
    ("post", "/api/summary", 405),
    ("post", "/api/ingest", 401),
]


@pytest.mark.parametrize(("method", "path", "status"), HEADER_CASES)
def test_every_response_carries_the_security_headers(
    attack: tuple[Path, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    path: str,
    status: int,
):
    monkeypatch.setattr(web_app, "world_topology", _broken_world)
    app = create_app(db=attack[0], token=TOKEN)
    with TestClient(app, raise_server_exceptions=True) as client:
        response = client.request(method, path, data={"text": "x"} if method == "post" else None)
    assert response.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    csp = response.headers["content-security-policy"]
    assert "unsafe" not in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_a_refused_host_and_a_large_body_carry_the_headers_too(attack: tuple[Path, dict[str, str]]):
    app = create_app(db=attack[0], allowed_hosts=LOOPBACK_NAMES, max_upload_bytes=100)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        host = client.get("/", headers={"host": "evil.example"})
        large = client.post("/api/ingest", files=[("files", ("a.txt", b"x" * 1000))])
    assert host.status_code == 400 and large.status_code == 413
    for response in (host, large):
        assert all(response.headers.get(k) == v for k, v in SECURITY_HEADERS.items())


# -- in a browser, with the CSP switched off -------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_server(attack: tuple[Path, dict[str, str]]) -> Iterator[str]:
    app = create_app(db=attack[0], allowed_hosts=LOOPBACK_NAMES, ingest=refuse_to_run)
    yield from served(app)


#: In the page: every element that should not be there (handlers, scripts not ours, images,
#: javascript: links, SVG inside text), and whether a payload ran.
AUDIT = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on")) bad.push(`${el.tagName}[${attr.name}]`);
      if (["href", "src", "action"].includes(attr.name) && /^\\s*javascript:/i.test(attr.value))
        bad.push(`${el.tagName}[${attr.name}=${attr.value}]`);
    }
  }
  for (const s of document.scripts) {
    if (!/^\\/static\\/\\w+\\.js$/.test(s.getAttribute("src") || "")) bad.push("inline script");
  }
  for (const i of document.querySelectorAll("img, iframe, object, embed")) bad.push(i.tagName);
  const nested = document.querySelectorAll("svg svg, svg foreignObject, text svg");
  for (const s of nested) bad.push("nested svg");
  return {bad, pwned: typeof window.__pwned};
}"""


@pytest.mark.slow
def test_no_payload_runs_in_the_browser_even_without_the_csp(
    hostile_server: str, attack: tuple[Path, dict[str, str]]
):
    from tests.web.test_browser import WAIT_MS, _chromium, loaded

    executable = _chromium()
    from playwright.sync_api import sync_playwright

    ids = attack[1]
    pages = [
        "/",
        f"/?actor={IMG}",
        f"/articles/{ids['one']}?event={ids['event_one']}",
        f"/articles/{ids['two']}",
        f"/articles/{BAD_ID}",
        "/ingest",
    ]
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        context = browser.new_context(bypass_csp=True)  # only the escaping protects the page
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in pages:
            page.goto(hostile_server + path)
            if path.startswith("/?") or path == "/":
                generation = loaded(page, 0)
                assert generation >= 1
                # The data the scripts drew: the table's link text and the map's tooltips.
                assert page.inner_text("#events tbody tr:first-child a.article-link") in {
                    TITLE,
                    TITLE2,
                }
                tips = page.eval_on_selector_all(
                    "#map circle.place title", "ts => ts.map(t => t.textContent)"
                )
                assert any(PLACE_NAME in t for t in tips), tips
                labels = page.eval_on_selector_all(
                    "#events tbody td", "tds => tds.map(t => t.textContent)"
                )
                assert any(SOURCE_NAME in t for t in labels)
            if path.startswith("/articles/") and "event=" in path:
                assert page.inner_text("#article-title") == TITLE
                assert page.inner_text("#article-url") == JS_URL
            page.hover("body")
            audit = page.evaluate(AUDIT)
            assert audit == {"bad": [], "pwned": "undefined"}, (path, audit)
        if page.locator("#ingest").count():  # a job whose error is markup, shown as it runs
            page.fill("#text", "Some text.")
            page.click("#ingest button[type=submit]")
            page.wait_for_selector("#job[data-state=failed]")
            assert SCRIPT in page.inner_text("#job-state")
            assert page.evaluate(AUDIT) == {"bad": [], "pwned": "undefined"}
        context.close()
        browser.close()
    assert dialogs == []


@pytest.mark.slow
def test_a_browser_adds_articles_only_after_entering_the_token(tmp_path: Path):
    """The whole path in Chromium, CSP on: no form without the token, a wrong token refused,
    the right one kept in the cookie, and the form's post (same origin) then accepted."""
    from tests.web.test_browser import WAIT_MS, _chromium

    executable = _chromium()
    from playwright.sync_api import sync_playwright

    app = create_app(db=tmp_path / "x.duckdb", ingest=refuse_to_run, token=TOKEN)
    server = served(app)
    url = next(server)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
            page = browser.new_page()
            page.set_default_timeout(WAIT_MS)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(url + "/ingest")
            assert page.locator("#ingest").count() == 0 and page.is_visible("#token-needed")
            page.click("#token-needed a")
            page.fill("#token", "a wrong guess")
            page.click("#login button[type=submit]")
            assert "not this dashboard's token" in page.inner_text("#login-message")
            page.fill("#token", TOKEN)
            page.click("#login button[type=submit]")
            page.wait_for_url(url + "/ingest")
            cookies = {c["name"]: c for c in page.context.cookies()}
            session = cookies[SESSION_COOKIE]
            assert session["httpOnly"] and session["sameSite"] == "Strict"
            assert session["value"] != TOKEN
            assert page.evaluate("document.cookie") == ""  # scripts cannot read it
            page.fill("#text", "Some text.")
            page.click("#ingest button[type=submit]")
            page.wait_for_selector("#job[data-state=failed]")  # started, then failed: the fake
            assert "could not read" in page.inner_text("#job-state")
            browser.close()
        assert errors == []
        assert [j.state for j in app.state.jobs.all()] == ["failed"]
    finally:
        server.close()


# -- a private dashboard: reads need the token too ------------------------------------------------


@pytest.fixture
def private(demo_db: Path) -> Iterator[TestClient]:
    app = create_app(db=demo_db, token=TOKEN, private=True)
    with TestClient(app, base_url="http://192.0.2.10:8000") as client:
        yield client


READ_PATHS = ["/", "/ingest", "/articles/x", "/world.json", "/api", "/api/summary",
              "/api/events?dyad=USA:COL", "/api/jobs", "/nowhere"]  # fmt: skip


def test_a_private_dashboard_shows_nothing_without_the_token(private: TestClient):
    for path in READ_PATHS:
        response = private.get(path, follow_redirects=False)
        if path.startswith("/api"):
            assert response.status_code == 401, path
            assert response.json()["error"] == "TokenRequired"
            assert response.headers["www-authenticate"].startswith("Bearer")
        else:
            assert response.status_code == 303 and response.headers["location"] == "/login", path
        assert "default-src 'none'" in response.headers["content-security-policy"], path
        assert "Wikinews" not in response.text and TOKEN not in response.text, path
    assert private.get("/login").status_code == 200
    assert "is private" in private.get("/login").text
    assert private.get("/static/dashboard.js").status_code == 200
    wrong = private.get("/api/summary", headers={"authorization": "Bearer not-the-token-at-all"})
    private.cookies.set(SESSION_COOKIE, TOKEN)  # the token itself is not the cookie's value
    forged = private.get("/api/summary")
    private.cookies.clear()
    assert wrong.status_code == 401 and forged.status_code == 401


def test_a_private_dashboard_reads_with_the_token_or_after_sign_in(private: TestClient):
    answer = private.get("/api/summary", headers={"authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and answer.json()["articles"] > 0
    signed = private.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/"
    for path in ("/", "/api/summary", "/world.json"):
        assert private.get(path).status_code == 200, path  # the client keeps the cookie


def test_a_private_dashboard_needs_a_token(demo_db: Path):
    with pytest.raises(UsageError, match="needs a token"):
        create_app(db=demo_db, private=True)


def test_serve_private_on_loopback_makes_and_prints_a_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    args = ["--db", str(tmp_path / "x.duckdb"), "--private"]
    result, served = _serve_with_cli(monkeypatch, args, {"NEWSEVENTS_TOKEN": ""})
    assert result.exit_code == 0, result.output
    [token] = re.findall(r"Reading and adding articles need this token .*: (\S+)", result.output)
    assert served["app"].state.token == token and served["app"].state.private
    with TestClient(served["app"], base_url="http://127.0.0.1:8000") as client:
        assert client.get("/api/summary").status_code == 401
        client.app.state.jobs.shutdown()
