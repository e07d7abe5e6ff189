"""The fetcher: a real server on 127.0.0.1 for HTTP behaviour, mocks for everything else.

No test here may reach anything but loopback. :func:`guard` (autouse) makes that hold even if
the code under test has a bug: name resolution is a fake table (no DNS traffic), and any TCP
connection to a non-loopback address fails the test instead of leaving the machine.
"""

from __future__ import annotations

import gzip
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsevents.config import Settings
from newsevents.errors import (
    ConnectFailed,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    ResponseTooLarge,
    TooManyRedirects,
    UnsafeURL,
    UnsupportedContentType,
)
from newsevents.ingest import netguard, urls
from newsevents.ingest.decode import decode_bytes
from newsevents.ingest.urls import documents_from_feed, fetch, fetch_documents
from newsevents.records import Failure, RawDocument

LOOPBACK = {"127.0.0.1", "::1"}
PUBLIC_IP = "93.184.216.34"  # only ever returned by the fake resolver; never connected to
LOCAL = Settings(allow_private=True, fetch_timeout=5.0)
STRICT = Settings(allow_private=False, fetch_timeout=5.0)
_REAL_RESOLVE = urls._resolve

PAGE = "<html><head><title>Talks in Bogotá</title></head><body><p>Noem met Petro.</p></body></html>"


# --- the guard ----------------------------------------------------------------------------------


class Resolver:
    """A fake DNS: a table of names, and a log of what was asked."""

    def __init__(self) -> None:
        self.table: dict[str, list[str] | Callable[[], list[str]]] = {"localhost": ["127.0.0.1"]}
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        answer = self.table.get(host)
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, f"{host}: Name or service not known")
        return answer() if callable(answer) else list(answer)


@pytest.fixture(autouse=True)
def guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[Resolver]:
    resolver = Resolver()
    monkeypatch.setattr(urls, "_resolve", resolver)
    real_connect = socket.create_connection

    def loopback_only(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        host = str(address[0])
        assert host in LOOPBACK, f"a test tried to connect to {host}; only loopback is allowed"
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", loopback_only)
    yield resolver


def mock_client(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    """A client whose transport answers in-process, and refuses any host but the mocked ones."""

    def checked(request: httpx.Request) -> httpx.Response:
        assert request.url.host.endswith(".example"), f"unexpected request to {request.url}"
        return handler(request)

    return httpx.Client(transport=httpx.MockTransport(checked), follow_redirects=False)


# --- the loopback server ------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, Callable[[Handler], None]]] = {}

    def do_GET(self) -> None:
        route = self.routes.get(self.path.split("?", 1)[0])
        if route is None:
            self.answer(404, b"<p>not here</p>")
        else:
            route(self)

    def answer(
        self,
        status: int,
        body: bytes,
        ctype: str | None = "text/html; charset=utf-8",
        **headers: str,
    ) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if "Content_Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output clean


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hang up on purpose (size cap, timeouts)


def _routes() -> dict[str, Callable[[Handler], None]]:
    def redirect(target: str, status: int = 302) -> Callable[[Handler], None]:
        return lambda h: h.answer(status, b"", Location=target)

    def chain(n: int) -> Callable[[Handler], None]:
        return redirect(f"/chain/{n + 1}") if n < 10 else (lambda h: h.answer(200, PAGE.encode()))

    def slow(h: Handler) -> None:
        time.sleep(3)
        h.answer(200, PAGE.encode())

    def trickle(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        for _ in range(50):  # 5 s in all, each byte well within any read timeout
            h.wfile.write(b"x")
            time.sleep(0.1)

    def unsized(h: Handler) -> None:  # no Content-Length: the cap must stop the read itself
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b"<p>" + b"x" * 1000 + b"</p>")

    def echo(header: str) -> Callable[[Handler], None]:
        return lambda h: h.answer(200, f"<p>{header}: {h.headers[header]}</p>".encode())

    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
      <item><title>Feed title</title><link>/page-untitled</link>
        <pubDate>Thu, 27 Mar 2025 09:00:00 -0500</pubDate><guid>w-1</guid></item>
      <item><title>Gone</title><link>/missing</link></item>
      <item><title>Nested</title><link>/feed.rss</link></item>
      <item><title>Full</title><link>/full</link><description>Short.</description>
        <content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[
        <p>{"The minister arrived in Bogotá on Thursday. " * 20}</p>]]></content:encoded></item>
    </channel></rss>""".encode()
    bomb = gzip.compress(b"\0" * 5_000_000)
    return {
        "/page": lambda h: h.answer(200, PAGE.encode()),
        "/page-untitled": lambda h: h.answer(200, b"<html><body><p>Text.</p></body></html>"),
        "/text": lambda h: h.answer(200, b"Plain words.", "text/plain"),
        "/latin1": lambda h: h.answer(
            200, "<p>Bogotá</p>".encode("latin-1"), "text/html; charset=ISO-8859-1"
        ),
        "/bad-utf8": lambda h: h.answer(200, "<p>Bogotá y Medellín</p>".encode() + b"\xff"),
        "/no-type": lambda h: h.answer(200, PAGE.encode(), None),
        "/xhtml": lambda h: h.answer(200, PAGE.encode(), "application/xhtml+xml"),
        "/gone": lambda h: h.answer(410, b"gone"),
        "/error": lambda h: h.answer(500, b"oops"),
        "/throttled": lambda h: h.answer(429, b"slow down"),
        "/image": lambda h: h.answer(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png"),
        "/pdf": lambda h: h.answer(200, b"%PDF-1.4", "application/pdf"),
        "/png-as-html": lambda h: h.answer(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
        "/json": lambda h: h.answer(200, b'{"a": 1}', "application/json"),
        "/empty": lambda h: h.answer(200, b"   "),
        "/huge": lambda h: h.answer(200, b"x" * 50_000),
        "/unsized": unsized,
        "/bomb": lambda h: h.answer(200, bomb, Content_Encoding="gzip"),
        "/gzip": lambda h: h.answer(200, gzip.compress(PAGE.encode()), Content_Encoding="gzip"),
        "/slow": slow,
        "/trickle": trickle,
        "/host": echo("Host"),
        "/ua": echo("User-Agent"),
        "/moved": redirect("/page", 301),
        "/relative-moved": redirect("page", 307),
        "/loop-a": redirect("/loop-b"),
        "/loop-b": redirect("/loop-a"),
        "/self": redirect("/self"),
        "/no-location": lambda h: h.answer(302, b""),
        "/to-file": redirect("file:///etc/passwd"),
        "/feed.rss": lambda h: h.answer(200, feed, "application/rss+xml"),
        **{f"/chain/{n}": chain(n) for n in range(11)},
    }


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    Handler.routes = _routes()
    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# --- HTTP behaviour against the loopback server -------------------------------------------------


@pytest.mark.parametrize(
    ("path", "final", "content_type", "text"),
    [
        ("/page", "/page", "text/html", "Bogotá"),
        ("/text", "/text", "text/plain", "Plain words."),
        ("/xhtml", "/xhtml", "application/xhtml+xml", "Noem"),
        ("/no-type", "/no-type", None, "Noem"),
        ("/gzip", "/gzip", "text/html", "Noem"),
        ("/moved", "/page", "text/html", "Bogotá"),
        ("/relative-moved", "/page", "text/html", "Bogotá"),
        ("/chain/8", "/chain/10", "text/html", "Bogotá"),
    ],
)
def test_fetch_ok(base: str, path: str, final: str, content_type: str | None, text: str):
    fetched = fetch(base + path, settings=LOCAL)
    assert fetched.status == 200
    assert fetched.url == base + final
    assert fetched.requested_url == base + path
    assert fetched.content_type == content_type
    assert text.encode() in fetched.body


@pytest.mark.parametrize(
    ("path", "error", "words"),
    [
        ("/missing", HTTPStatusError, ["404"]),
        ("/gone", HTTPStatusError, ["410"]),
        ("/error", HTTPStatusError, ["500"]),
        ("/no-location", HTTPStatusError, ["302", "without a Location"]),
        ("/loop-a", TooManyRedirects, ["redirect loop", "/loop-a → ", "/loop-b → "]),
        ("/self", TooManyRedirects, ["redirect loop"]),
        ("/chain/0", TooManyRedirects, ["more than 5 redirects", "/chain/6"]),
        ("/to-file", UnsafeURL, ["file://", "only http and https"]),
        ("/image", UnsupportedContentType, ["image/png"]),
        ("/pdf", UnsupportedContentType, ["application/pdf"]),
        ("/huge", ResponseTooLarge, ["50,000 bytes", "10,000-byte limit"]),
        ("/unsized", ResponseTooLarge, ["passed 10,000 bytes"]),
        ("/bomb", ResponseTooLarge, ["passed 10,000 bytes"]),
    ],
)
def test_fetch_refusals(base: str, path: str, error: type[Exception], words: list[str]):
    settings = LOCAL.replace(max_fetch_bytes=10_000)
    with pytest.raises(error) as caught:
        fetch(base + path, settings=settings)
    message = str(caught.value)
    assert base in message or path.startswith("/to-file")
    for word in words:
        assert word in message


@pytest.mark.parametrize(("status", "transient"), [(404, False), (500, True), (429, True)])
def test_status_errors_carry_the_status(base: str, status: int, transient: bool):
    path = {404: "/missing", 500: "/error", 429: "/throttled"}[status]
    with pytest.raises(HTTPStatusError) as caught:
        fetch(base + path, settings=LOCAL)
    assert caught.value.status == status
    assert caught.value.transient is transient


def test_redirect_cap_is_the_setting(base: str):
    with pytest.raises(TooManyRedirects, match="more than 1 redirects"):
        fetch(base + "/chain/8", settings=LOCAL.replace(max_redirects=1))
    assert fetch(base + "/chain/9", settings=LOCAL.replace(max_redirects=1)).status == 200


def test_slow_server_times_out(base: str):
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match=r"within 0\.5 s"):
        fetch(base + "/slow", settings=LOCAL.replace(fetch_timeout=0.5))
    assert time.monotonic() - started < 2


def test_deadline_is_total_not_per_read(base: str):
    # Each byte comes 0.1 s after the last, far inside any per-read timeout.
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetch(base + "/trickle", settings=LOCAL.replace(fetch_timeout=0.6))
    assert time.monotonic() - started < 1.5


def test_refused_connection_is_connect_failed():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again at once: nobody listens there
    with pytest.raises(ConnectFailed) as caught:
        fetch(f"http://127.0.0.1:{port}/", settings=LOCAL)
    assert caught.value.transient and f"127.0.0.1:{port}" in str(caught.value)


def test_unresolvable_host_is_connect_failed(guard: Resolver):
    with pytest.raises(ConnectFailed, match=r"could not resolve host nowhere\.example"):
        fetch("http://nowhere.example/", settings=LOCAL)


def test_connection_goes_to_the_checked_address_with_the_hostname_kept(base: str, guard: Resolver):
    # news.example exists only in the fake resolver, so the request can only arrive if the
    # transport connected to the address fetch() checked, not to a name of its own resolving.
    port = base.rsplit(":", 1)[1]
    guard.table["news.example"] = ["127.0.0.1"]
    fetched = fetch(f"http://news.example:{port}/host", settings=LOCAL)
    assert f"Host: news.example:{port}".encode() in fetched.body
    assert fetched.url == f"http://news.example:{port}/host"
    assert guard.asked == ["news.example"]


def test_user_agent_is_the_configured_one(base: str):
    fetched = fetch(base + "/ua", settings=LOCAL.replace(user_agent="newsevents-test/1"))
    assert b"User-Agent: newsevents-test/1" in fetched.body


# --- SSRF: refused before any connection --------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://localhost:8080/admin", "localhost resolves to 127.0.0.1, which is a loopback"),
        ("http://10.0.0.1/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://172.16.0.1/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[fd00:ec2::254]/", "metadata"),
        ("http://[::1]/", "loopback"),
        ("http://[fe80::1]/", "link-local"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://100.64.0.1/", "carrier-grade NAT"),
        ("http://224.0.0.1/", "multicast"),
        ("http://2130706433/", "loopback"),
        ("http://0x7f.1/", "loopback"),
        ("http://0177.0.0.1/", "0177.0.0.1 is 127.0.0.1, a loopback"),
        ("http://127.1/", "loopback"),
        ("http://0xa9fea9fe/", "metadata"),
        ("http://[::ffff:127.0.0.1]/", "loopback address (127.0.0.1) inside an IPv6"),
        ("http://[::ffff:a00:1]/", "private address (10.0.0.1) inside an IPv6"),
        ("http://[2002:c0a8:101::1]/", "private address (192.168.1.1) inside an IPv6"),
        ("http://intranet.example/", "intranet.example resolves to 10.1.2.3"),
        ("http://mixed.example/", "resolves to 192.168.0.10"),
        ("https://intranet.example:8443/x", "10.1.2.3"),
    ],
)
def test_private_addresses_are_refused(guard: Resolver, url: str, reason: str):
    guard.table["intranet.example"] = ["10.1.2.3"]
    guard.table["mixed.example"] = [PUBLIC_IP, "192.168.0.10"]  # one bad address is enough
    with pytest.raises(UnsafeURL) as caught:
        fetch(url, settings=STRICT)
    assert reason in str(caught.value)
    assert url in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example/file.txt",
        "gopher://gopher.example/",
        "javascript:alert(1)",
        "news.example/page",
        "dict://127.0.0.1:11211/",
    ],
)
def test_other_schemes_are_refused(url: str):
    with pytest.raises(UnsafeURL, match="only http and https"):
        fetch(url, settings=LOCAL)


def test_metadata_address_is_refused_even_when_private_is_allowed():
    with pytest.raises(UnsafeURL, match="metadata"):
        fetch("http://169.254.169.254/latest/", settings=LOCAL)


def test_rebinding_cannot_move_the_connection(monkeypatch: pytest.MonkeyPatch, guard: Resolver):
    # The name answers public first and loopback after: the connection must go to the address
    # that was checked, and the name must be looked up once only.
    answers = iter([[PUBLIC_IP], ["127.0.0.1"]])
    guard.table["rebind.example"] = lambda: next(answers)
    attempts: list[str] = []

    def record(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        attempts.append(str(address[0]))
        raise ConnectionRefusedError("refused by the test")

    monkeypatch.setattr(socket, "create_connection", record)
    with pytest.raises(ConnectFailed):
        fetch("http://rebind.example/", settings=STRICT)
    assert attempts == [PUBLIC_IP]
    assert guard.asked == ["rebind.example"]


def test_pinned_transport_refuses_a_host_nobody_checked():
    # Outside fetch() there is no scope, so the pinned client connects nowhere.
    with urls.make_client(settings=LOCAL) as client, pytest.raises(httpx.ConnectError):
        client.get("http://127.0.0.1:9/")


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://127.0.0.1/admin", "loopback"),
        ("http://[::1]:8080/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://intranet.example/", "10.1.2.3"),
        ("file:///etc/passwd", "only http and https"),
    ],
)
def test_redirects_to_private_addresses_are_refused(guard: Resolver, location: str, reason: str):
    guard.table["public.example"] = [PUBLIC_IP]
    guard.table["intranet.example"] = ["10.1.2.3"]
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": location})

    with mock_client(answer) as client, pytest.raises(UnsafeURL, match=reason):
        fetch("http://public.example/story", settings=STRICT, client=client)
    assert seen == ["http://public.example/story"]  # the private target was never requested


def test_public_host_through_a_mocked_transport(guard: Resolver):
    guard.table["public.example"] = [PUBLIC_IP]
    guard.table["www.public.example"] = [PUBLIC_IP]

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == "public.example":
            return httpx.Response(301, headers={"Location": "https://www.public.example/a"})
        return httpx.Response(200, html=PAGE)

    with mock_client(answer) as client:
        fetched = fetch("http://public.example/a", settings=STRICT, client=client)
    assert fetched.url == "https://www.public.example/a"
    assert fetched.redirects == ("http://public.example/a",)
    assert guard.asked == ["public.example", "www.public.example"]


# --- address rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7F000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("192.168.257", "192.168.1.1"),
        ("93.184.216.34", "93.184.216.34"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("example.org", None),
        ("123abc.example", None),
        ("0x.example", None),
    ],
)
def test_ip_literal(host: str, address: str | None):
    literal = netguard.ip_literal(host)
    assert (str(literal) if literal else None) == address


@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.1.1.1", "1.16777216", "09.1.1.1"])
def test_numeric_hosts_that_are_not_addresses(host: str):
    with pytest.raises(ValueError):
        netguard.ip_literal(host)


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("93.184.216.34", False),
        ("8.8.8.8", False),
        ("2606:4700:4700::1111", False),
        ("127.0.0.1", True),
        ("10.255.255.255", True),
        ("172.31.0.1", True),
        ("172.32.0.1", False),
        ("100.127.255.255", True),
        ("192.0.2.1", True),  # documentation range
        ("240.0.0.1", True),
        ("255.255.255.255", True),
        ("fc00::1", True),
        ("ff02::1", True),
        ("64:ff9b::a00:1", True),  # NAT64 of 10.0.0.1
        ("64:ff9b::5db8:d822", False),  # NAT64 of 93.184.216.34
    ],
)
def test_refusal_reason(address: str, refused: bool):
    reason = netguard.refusal_reason(ipaddress.ip_address(address), allow_private=False)
    assert (reason is not None) is refused


def test_real_resolver_reads_numeric_hosts_without_dns():
    assert _REAL_RESOLVE("127.0.0.1", 80) == ["127.0.0.1"]


# --- decoding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "text", "note"),
    [
        ("Bogotá".encode(), "text/html; charset=utf-8", "Bogotá", None),
        ("Bogotá".encode("latin-1"), "text/html; charset=iso-8859-1", "Bogotá", "iso-8859-1"),
        ('<meta charset="windows-1252"><p>Caf\xe9'.encode("cp1252"), None, "Café", "windows-1252"),
        ("\ufeffBogotá".encode("utf-16"), None, "Bogotá", None),
        ("Bogotá y Medellín ".encode() * 3 + b"\xff", "text/html", "Medellín", "invalid UTF-8"),
    ],
)
def test_decode_bytes_for_fetched_bodies(
    body: bytes, content_type: str | None, text: str, note: str | None
):
    decoded, notes = decode_bytes(body, content_type=content_type)
    assert text in decoded
    assert (note in " ".join(notes)) if note else notes == ()


# --- many URLs ----------------------------------------------------------------------------------


def test_one_bad_url_does_not_stop_the_batch(base: str):
    items = list(
        fetch_documents(
            [base + "/page", base + "/missing", "ftp://x.example/", base + "/text"],
            settings=LOCAL,
        )
    )
    assert [type(item).__name__ for item in items] == [
        "RawDocument",
        "Failure",
        "Failure",
        "RawDocument",
    ]
    page, missing, ftp, text = items
    assert isinstance(page, RawDocument) and page.format == "html" and "Bogotá" in page.content
    assert page.meta.url == base + "/page" and page.origin == base + "/page"
    assert isinstance(missing, Failure) and missing.error == "HTTPStatusError"
    assert missing.stage == "fetch" and missing.source == base + "/missing"
    assert isinstance(ftp, Failure) and ftp.error == "UnsafeURL"
    assert isinstance(text, RawDocument) and text.format == "text"


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/json", "UnsupportedContentType"),
        ("/png-as-html", "UnsupportedContentType"),
        ("/empty", "EmptyDocument"),
        ("/image", "UnsupportedContentType"),
    ],
)
def test_unusable_bodies_are_failures(base: str, path: str, error: str):
    [item] = fetch_documents([base + path], settings=LOCAL)
    assert isinstance(item, Failure) and item.error == error


@pytest.mark.parametrize(
    ("path", "note"),
    [("/latin1", "declared charset iso-8859-1"), ("/bad-utf8", "invalid UTF-8 replaced")],
)
def test_decoding_notes_reach_the_document(base: str, path: str, note: str):
    [doc] = fetch_documents([base + path], settings=LOCAL)
    assert isinstance(doc, RawDocument) and "Bogotá" in doc.content
    assert any(note in n for n in doc.notes)


def test_redirected_page_keeps_the_final_url(base: str):
    [doc] = fetch_documents([base + "/moved"], settings=LOCAL)
    assert isinstance(doc, RawDocument)
    assert doc.origin == base + "/moved" and doc.meta.url == base + "/page"


def test_a_feed_url_yields_its_entries(base: str):
    items = list(fetch_documents([base + "/feed.rss"], settings=LOCAL))
    assert len(items) == 4
    linked, gone, nested, full = items
    assert isinstance(linked, RawDocument) and linked.meta.url == base + "/page-untitled"
    assert linked.meta.title == "Feed title" and linked.meta.source == "Wire"
    assert str(linked.meta.published) == "2025-03-27" and linked.meta.published_from == "feed"
    assert linked.meta.external_id == "w-1"
    assert isinstance(gone, Failure) and gone.error == "HTTPStatusError"
    assert isinstance(nested, Failure) and "another feed" in nested.message
    assert isinstance(full, RawDocument) and full.format == "html"
    assert "arrived in Bogotá" in full.content and full.meta.url == base + "/full"


def test_a_feed_file_fetches_its_links(base: str):
    feed = f"""<rss version="2.0"><channel><title>Local</title>
      <item><title>One</title><link>{base}/page</link></item></channel></rss>""".encode()
    [doc] = documents_from_feed(feed, origin="feeds/local.rss", settings=LOCAL)
    assert isinstance(doc, RawDocument) and doc.meta.title == "One"
    assert doc.meta.url == base + "/page"


def test_feed_links_are_checked_like_any_url():
    feed = b"""<rss version="2.0"><channel><title>Evil</title>
      <item><title>Metadata</title><link>http://169.254.169.254/latest/</link></item>
      </channel></rss>"""
    [failure] = documents_from_feed(feed, origin="evil.rss", settings=STRICT)
    assert isinstance(failure, Failure) and failure.error == "UnsafeURL"


def test_fetch_errors_pickle():
    import pickle

    error = pickle.loads(pickle.dumps(HTTPStatusError("x: 404", source="x", status=404)))
    assert error.status == 404 and isinstance(error, FetchError)


# --- TLS through the pinned transport -----------------------------------------------------------


def _self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def tls_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path, list[str]]]:
    """An HTTPS server on 127.0.0.1 whose certificate names news.example; it logs the SNI."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = _self_signed(folder, "news.example")
    names: list[str] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name or "")  # type: ignore[func-returns-value]
    Handler.routes = Handler.routes or _routes()
    server = Server(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], cert, names
    server.shutdown()
    server.server_close()


def test_tls_verifies_the_hostname_while_connecting_to_the_pinned_address(
    tls_base: tuple[int, Path, list[str]], guard: Resolver
):
    port, cert, names = tls_base
    guard.table["news.example"] = ["127.0.0.1"]
    trusting = ssl.create_default_context(cafile=str(cert))
    with httpx.Client(transport=netguard.PinnedTransport(ssl_context=trusting)) as client:
        fetched = fetch(f"https://news.example:{port}/host", settings=LOCAL, client=client)
    assert f"Host: news.example:{port}".encode() in fetched.body
    assert names[-1] == "news.example"  # SNI is the hostname, not 127.0.0.1


def test_tls_certificate_for_another_name_is_refused(
    tls_base: tuple[int, Path, list[str]], guard: Resolver
):
    port, cert, _ = tls_base
    guard.table["other.example"] = ["127.0.0.1"]
    trusting = ssl.create_default_context(cafile=str(cert))
    with httpx.Client(transport=netguard.PinnedTransport(ssl_context=trusting)) as client:
        with pytest.raises(ConnectFailed, match=r"other\.example.*certificate"):
            fetch(f"https://other.example:{port}/host", settings=LOCAL, client=client)


_STYLES = ["{:d}", "0{:o}", "0x{:x}", "0X{:X}"]


@st.composite
def numeric_hosts(draw: st.DrawFn) -> str:
    """Hosts in every spelling C's inet_aton reads: 1-4 parts, decimal, octal or hex."""
    parts = draw(st.integers(min_value=1, max_value=4))
    number = st.one_of(st.integers(0, 255), st.integers(0, 2**32 - 1))
    numbers = draw(st.lists(number, min_size=parts, max_size=parts))
    styles = draw(st.lists(st.sampled_from(_STYLES), min_size=parts, max_size=parts))
    return ".".join(style.format(n) for style, n in zip(styles, numbers, strict=True))


@given(numeric_hosts())
def test_ip_literal_reads_numbers_as_the_c_library_does(host: str):
    try:
        expected = socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        with pytest.raises(ValueError):
            netguard.ip_literal(host)
    else:
        assert str(netguard.ip_literal(host)) == expected
