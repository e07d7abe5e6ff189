"""The fetcher's address guard, attacked: the spellings of a private address that the C library
(and so a browser or curl) accepts, answers from DNS, and redirects, each hop checked anew.

Nothing here connects anywhere: DNS is a table, the HTTP transport is an in-process mock, and a
guard fails any test that opens a socket. (tests/ingest/test_urls.py covers the loopback server,
the pinned transport and TLS.)
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import httpx
import pytest

from newsevents.config import Settings
from newsevents.errors import UnsafeURL
from newsevents.ingest import netguard, urls
from newsevents.ingest.urls import fetch

PUBLIC_IP = "93.184.216.34"  # only ever returned by the fake resolver; never connected to
STRICT = Settings(allow_private=False, fetch_timeout=5.0)
LOCAL = Settings(allow_private=True, fetch_timeout=5.0)
PAGE = "<html><body><p>Noem met Petro.</p></body></html>"


class Resolver:
    """A fake DNS: a table of names, each a list of answers given in turn (the last repeats)."""

    def __init__(self) -> None:
        self.table: dict[str, list[list[str]]] = {}
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        answers = self.table.get(host)
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, f"{host}: Name or service not known")
        return answers.pop(0) if len(answers) > 1 else list(answers[0])


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[Resolver]:
    resolver = Resolver()
    monkeypatch.setattr(urls, "_resolve", resolver)

    def no_sockets(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError(f"a test tried to connect to {address}")

    monkeypatch.setattr(socket, "create_connection", no_sockets)
    yield resolver


def mock_client(
    handler: Callable[[httpx.Request], httpx.Response], seen: list[str]
) -> httpx.Client:
    def recorded(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return handler(request)

    return httpx.Client(transport=httpx.MockTransport(recorded), follow_redirects=False)


# --- literal addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[::]/", "unspecified"),
        ("http://0/", "0 is 0.0.0.0, the unspecified address"),
        ("http://0.0.0.0:8080/", "unspecified"),
        ("http://[::ffff:10.0.0.1]/", "private address (10.0.0.1) inside an IPv6"),
        ("http://[::ffff:7f00:1]/", "loopback address (127.0.0.1) inside an IPv6"),
        ("http://[0:0:0:0:0:ffff:7f00:1]/", "loopback address (127.0.0.1) inside an IPv6"),
        ("http://[::127.0.0.1]/", "reserved"),  # the old IPv4-compatible form
        ("http://[64:ff9b::a9fe:a9fe]/", "metadata address (169.254.169.254) inside an IPv6"),
        ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "(192.0.2.45) inside an IPv6"),  # Teredo
        ("http://[fc00::1]/", "private"),
        ("http://[fe80::1%25eth0]/", "link-local"),
        ("http://100.100.100.200/", "metadata"),
        ("http://169.254.170.2/", "metadata"),
        ("http://100.127.255.254/", "carrier-grade NAT"),
        ("http://198.18.0.1/", "private"),  # benchmarking range
        ("http://017700000001/", "017700000001 is 127.0.0.1, a loopback"),  # octal
        ("http://0x7f000001/", "0x7f000001 is 127.0.0.1"),
        ("http://0x7f.0x0.0x0.0x1/", "is 127.0.0.1"),
        ("http://127.000.000.001/", "is 127.0.0.1"),
        ("http://0177.1/", "0177.1 is 127.0.0.1"),
        ("http://3232235777/", "3232235777 is 192.168.1.1, a private"),
        ("http://127.0.0.1./", "loopback"),  # trailing dot
        ("http://127\u30020\u30020\u30021/", "loopback"),  # ideographic full stops
        ("HTTP://127.0.0.1/", "loopback"),
        ("http://user:secret@127.0.0.1/", "loopback"),
        ("http://news.example@10.0.0.1/", "private"),  # the host is after the @
    ],
)
def test_private_spellings_are_refused_without_dns(dns: Resolver, url: str, reason: str):
    with pytest.raises(UnsafeURL) as caught:
        fetch(url, settings=STRICT)
    assert reason in str(caught.value) and url in str(caught.value)
    assert dns.asked == []  # a literal address is never sent to DNS


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://100.100.100.200/",
        "http://169.254.170.2/v2/credentials",
        "http://[::ffff:169.254.169.254]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://2852039166/",  # 169.254.169.254 as one number
        "http://0251.0376.0251.0376/",  # and in octal
        "http://metadata.google.internal/computeMetadata/v1/",  # by name, through DNS
    ],
)
def test_metadata_addresses_are_refused_even_when_private_is_allowed(dns: Resolver, url: str):
    dns.table["metadata.google.internal"] = [["169.254.169.254"]]
    with pytest.raises(UnsafeURL, match="metadata"):
        fetch(url, settings=LOCAL)


@pytest.mark.parametrize(
    "address",
    sorted(str(a) for a in netguard.METADATA_ADDRESSES),
)
def test_every_metadata_address_is_refused_in_both_modes(address: str):
    for allow in (False, True):
        reason = netguard.refusal_reason(netguard.ip_literal(address), allow_private=allow)  # type: ignore[arg-type]
        assert reason == "a cloud metadata address"


# --- DNS answers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (["::ffff:10.0.0.1"], "private address (10.0.0.1) inside an IPv6"),
        (["::ffff:127.0.0.1"], "loopback address (127.0.0.1) inside an IPv6"),
        (["0.0.0.0"], "unspecified"),
        (["::"], "unspecified"),
        (["100.64.1.1"], "carrier-grade NAT"),
        (["fe80::1"], "link-local"),
        (["169.254.169.254"], "metadata"),
        (["fd00:ec2::254"], "metadata"),
        ([PUBLIC_IP, "::1"], "resolves to ::1, which is a loopback"),  # one bad answer is enough
        (["2606:4700::1", "10.9.8.7"], "resolves to 10.9.8.7"),
        (["not-an-address"], "not an IP address"),
    ],
)
def test_names_resolving_to_private_addresses_are_refused(
    dns: Resolver, answer: list[str], reason: str
):
    dns.table["sneaky.example"] = [answer]
    with pytest.raises(UnsafeURL) as caught:
        fetch("http://sneaky.example/story", settings=STRICT)
    assert reason in str(caught.value)


# --- redirects: every hop checked ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://2130706433/", "2130706433 is 127.0.0.1"),
        ("http://[::ffff:127.0.0.1]/", "loopback address (127.0.0.1) inside an IPv6"),
        ("http://0/", "unspecified"),
        ("http://[::]:8080/", "unspecified"),
        ("http://100.100.100.200/latest/", "metadata"),
        ("http://[fd00:ec2::254]/", "metadata"),
        ("http://100.64.0.1/", "carrier-grade NAT"),
        ("//127.0.0.1/admin", "loopback"),  # scheme-relative
        ("http://mapped.example/", "private address (192.168.0.1) inside an IPv6"),
        ("gopher://public.example/", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
    ],
)
def test_every_redirect_hop_is_checked(dns: Resolver, location: str, reason: str):
    dns.table["public.example"] = [[PUBLIC_IP]]
    dns.table["mapped.example"] = [["::ffff:192.168.0.1"]]
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": location})

    with mock_client(answer, seen) as client, pytest.raises(UnsafeURL) as caught:
        fetch("http://public.example/story", settings=STRICT, client=client)
    assert reason in str(caught.value)
    assert "http://public.example/story redirected to" in str(caught.value)
    assert seen == ["http://public.example/story"]  # the refused hop was never requested


def test_a_redirect_back_to_the_same_name_is_resolved_and_checked_again(dns: Resolver):
    # DNS rebinding across hops: the name is public for the first request and private for the
    # second. The second hop is resolved anew, refused, and never requested.
    dns.table["rebind.example"] = [[PUBLIC_IP], ["127.0.0.1"]]
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "/admin"})

    with mock_client(answer, seen) as client, pytest.raises(UnsafeURL, match=r"127\.0\.0\.1"):
        fetch("http://rebind.example/", settings=STRICT, client=client)
    assert dns.asked == ["rebind.example", "rebind.example"]
    assert seen == ["http://rebind.example/"]


def test_a_public_chain_is_followed_with_each_hop_resolved(dns: Resolver):
    dns.table["a.example"] = [[PUBLIC_IP]]
    dns.table["b.example"] = [["2606:4700:4700::1111"]]
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == "a.example":
            return httpx.Response(301, headers={"Location": "https://b.example/story"})
        return httpx.Response(200, html=PAGE)

    with mock_client(answer, seen) as client:
        fetched = fetch("http://a.example/story", settings=STRICT, client=client)
    assert fetched.url == "https://b.example/story" and b"Petro" in fetched.body
    assert dns.asked == ["a.example", "b.example"]


# --- the pinned transport -----------------------------------------------------------------------


def test_the_pinned_transport_connects_only_to_the_checked_addresses(
    monkeypatch: pytest.MonkeyPatch, dns: Resolver
):
    # Every address the name resolved to is tried, in order, and nothing else: not a second
    # lookup, not the name itself.
    dns.table["multi.example"] = [[PUBLIC_IP, "2606:4700:4700::1111"], ["127.0.0.1"]]
    attempts: list[str] = []

    def refuse(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        attempts.append(str(address[0]))
        raise ConnectionRefusedError("refused by the test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    with pytest.raises(Exception, match="connection failed"):
        fetch("http://multi.example/", settings=STRICT)
    assert attempts == [PUBLIC_IP, "2606:4700:4700::1111"]
    assert dns.asked == ["multi.example"]
