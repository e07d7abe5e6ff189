"""URLs: a careful HTTP(S) fetcher, and the documents behind a list of URLs.

:func:`fetch` gets one URL:

    1. check the URL         http or https only; the host resolved once, and every address
                             checked (no private, loopback, link-local or metadata address)
    2. connect               to the checked address only (:mod:`.netguard`), so DNS cannot
                             answer differently between the check and the connection
    3. redirects             followed here, one hop at a time, each hop checked as in 1;
                             at most ``Settings.max_redirects``, and a loop named as a loop
    4. the response          status (4xx/5xx refused), content type (HTML, text or a feed),
                             size (``Settings.max_fetch_bytes``, enforced while reading), all
                             within one total deadline (``Settings.fetch_timeout``)

:func:`fetch_documents` turns fetched pages into raw documents, and feeds into their entries.
"""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import socket
import time
import urllib.parse
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from newsevents.config import Settings
from newsevents.errors import (
    ConnectFailed,
    EmptyDocument,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    NewsEventsError,
    ResponseTooLarge,
    TooManyRedirects,
    UnsafeURL,
    UnsupportedContentType,
)
from newsevents.ingest import netguard
from newsevents.ingest.decode import decode_bytes, sniff_binary
from newsevents.ingest.feeds import FEED_MEDIA_TYPES, FeedEntry, feed_entries, is_feed, media_type
from newsevents.records import DocumentMeta, Failure, Item, RawDocument

Kind = Literal["html", "text", "feed"]

_SCHEMES = ("http", "https")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain"})
#: Types that may or may not be a feed: the body decides.
_MAYBE_FEED_TYPES = frozenset({"application/xml", "text/xml", "application/json"})
_ACCEPTED_TYPES = _HTML_TYPES | _TEXT_TYPES | _MAYBE_FEED_TYPES | {"application/feed+json"}
_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/feed+json,application/xml;q=0.9,text/plain;q=0.8"
)
#: gzip and deflate only, decoded here (:class:`_BoundedDecoder`) rather than by httpx, so that
#: no read inflates more than the bytes the size cap still allows: a "zip bomb" response costs
#: no more memory than ``Settings.max_fetch_bytes``.
_ACCEPT_ENCODING = "gzip, deflate"
_GZIP = frozenset({"gzip", "x-gzip"})
_IDENTITY = frozenset({"", "identity"})


@dataclass(frozen=True, slots=True)
class Fetched:
    """One successful fetch. ``url`` is where the redirects ended; ``content_type`` is the bare
    media type (``"text/html"``), ``charset`` the one the Content-Type header names, if any."""

    url: str
    requested_url: str
    status: int
    content_type: str | None
    body: bytes
    charset: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    redirects: tuple[str, ...] = ()  # the URLs that redirected, in order

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)


@dataclass(frozen=True, slots=True)
class _Target:
    url: httpx.URL
    host: str
    addresses: tuple[str, ...]


# --- one URL ------------------------------------------------------------------------------------


def make_client(*, settings: Settings) -> httpx.Client:
    """An httpx client whose connections go only to addresses :func:`fetch` checked."""
    return httpx.Client(
        transport=netguard.PinnedTransport(),
        timeout=httpx.Timeout(settings.fetch_timeout),
        follow_redirects=False,
        trust_env=False,  # no proxies or .netrc credentials from the environment
    )


def fetch(url: str, *, settings: Settings, client: httpx.Client | None = None) -> Fetched:
    """Fetch ``url`` safely (see the module docstring) or raise a :class:`FetchError`.

    Without ``client`` a pinned one is made for this call. A client given by the caller is used
    as it is: its transport decides where it connects, so only one from :func:`make_client`
    pins the checked addresses; the checks themselves run either way.
    """
    if client is None:
        with make_client(settings=settings) as own:
            return fetch(url, settings=settings, client=own)
    deadline = time.monotonic() + settings.fetch_timeout
    with netguard.fetch_scope(deadline=deadline) as scope:
        return _follow(url, client=client, scope=scope, settings=settings)


def _follow(
    url: str, *, client: httpx.Client, scope: netguard.FetchScope, settings: Settings
) -> Fetched:
    chain = [url]
    while True:
        target = _checked_hop(chain, settings=settings)
        scope.pin(target.host, target.addresses)
        sent = _send(client, target, scope=scope, settings=settings)
        with _errors_named(chain[-1], settings=settings), sent as response:
            location = _redirect_location(response)
            if location is None:
                return _read(response, chain=chain, scope=scope, settings=settings)
        chain.append(_next_hop(chain, location, settings=settings))


def _checked_hop(chain: list[str], *, settings: Settings) -> _Target:
    try:
        return _checked_target(chain[-1], settings=settings)
    except UnsafeURL as exc:
        if len(chain) == 1:
            raise
        # Say where the refused address came from: the user never typed it.
        raise UnsafeURL(f"{chain[0]} redirected to {exc.message}", source=chain[0]) from None


def _next_hop(chain: list[str], location: httpx.URL, *, settings: Settings) -> str:
    following = str(location)
    if following in chain:
        loop = " → ".join([*chain[chain.index(following) :], following])
        raise TooManyRedirects(f"{chain[0]}: redirect loop: {loop}", source=chain[0])
    if len(chain) > settings.max_redirects:
        raise TooManyRedirects(
            f"{chain[0]}: more than {settings.max_redirects} redirects "
            f"(max_redirects); the last went to {following}",
            source=chain[0],
        )
    return following


def _checked_target(url: str, *, settings: Settings) -> _Target:
    """Parse ``url``, resolve its host and check every address; raise UnsafeURL if refused."""
    parsed = _parse_url(url, settings=settings)
    host = parsed.raw_host.decode("ascii").lower()
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        literal = netguard.ip_literal(host)
    except ValueError as exc:
        raise UnsafeURL(f"{url}: {host!r} is not a valid IP address ({exc})", source=url) from None
    if literal is not None:
        addresses = [str(literal)]
    else:
        addresses = _resolve_or_fail(host, port, url=url)
    for address in addresses:
        _refuse_if_unsafe(url, host=host, address=address, settings=settings)
    return _Target(url=parsed, host=host, addresses=tuple(addresses))


def _parse_url(url: str, *, settings: Settings) -> httpx.URL:
    scheme = urllib.parse.urlsplit(url.strip()).scheme.lower()
    if scheme not in _SCHEMES:
        shown = f"{scheme}://" if scheme else "a URL without a scheme"
        raise UnsafeURL(f"{url}: only http and https URLs are fetched, not {shown}", source=url)
    _refuse_odd_literal(url, settings=settings)
    try:
        parsed = httpx.URL(url.strip())
    except httpx.InvalidURL as exc:
        raise FetchError(f"{url}: not a valid URL ({exc})", source=url) from None
    if not parsed.raw_host:
        raise FetchError(f"{url}: the URL has no host", source=url)
    return parsed


def _refuse_odd_literal(url: str, *, settings: Settings) -> None:
    # httpx rejects some numeric hosts that getaddrinfo would accept (e.g. octal "0177.0.0.1");
    # read the host as the C library would and refuse a private one by its real name.
    host = urllib.parse.urlsplit(url.strip()).hostname or ""
    with contextlib.suppress(ValueError):
        literal = netguard.ip_literal(host)
        if literal is not None and str(literal) != host:
            reason = netguard.refusal_reason(literal, allow_private=settings.allow_private)
            if reason:
                raise UnsafeURL(f"{url}: {host} is {literal}, {reason}; refused", source=url)


def _resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in the resolver's order (tests replace this)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _resolve_or_fail(host: str, port: int, *, url: str) -> list[str]:
    try:
        addresses = _resolve(host, port)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise ConnectFailed(f"{url}: could not resolve host {host} ({exc})", source=url) from None
    if not addresses:
        raise ConnectFailed(f"{url}: host {host} has no address", source=url)
    return addresses


def _refuse_if_unsafe(url: str, *, host: str, address: str, settings: Settings) -> None:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        message = f"{url}: {host} resolved to {address!r}, not an IP address"
        raise UnsafeURL(message, source=url) from None
    reason = netguard.refusal_reason(ip, allow_private=settings.allow_private)
    if reason is None:
        return
    named = host if host == str(ip) else f"{host} resolves to {ip}, which"
    hint = "" if "metadata" in reason else " (set allow_private to fetch such addresses)"
    raise UnsafeURL(f"{url}: {named} is {reason}; refused{hint}", source=url)


@contextlib.contextmanager
def _send(
    client: httpx.Client, target: _Target, *, scope: netguard.FetchScope, settings: Settings
) -> Iterator[httpx.Response]:
    remaining = scope.remaining()
    if remaining <= 0:
        raise httpx.ReadTimeout("the total deadline passed before the request")
    request = client.build_request(
        "GET",
        target.url,
        headers={
            "User-Agent": settings.user_agent,
            "Accept": _ACCEPT,
            "Accept-Encoding": _ACCEPT_ENCODING,
        },
        timeout=httpx.Timeout(remaining),
    )
    response = client.send(request, stream=True, follow_redirects=False)
    try:
        yield response
    finally:
        response.close()


def _redirect_location(response: httpx.Response) -> httpx.URL | None:
    if response.status_code not in _REDIRECTS:
        return None
    location = response.headers.get("Location")
    if not location:
        return None  # _read refuses a redirect status without a target
    return response.url.join(location.strip()).copy_with(fragment=None)


@contextlib.contextmanager
def _errors_named(url: str, *, settings: Settings) -> Iterator[None]:
    """Turn httpx's exceptions into ours, each naming the URL."""
    try:
        yield
    except httpx.TimeoutException:
        raise FetchTimeout(
            f"{url}: no complete answer within {settings.fetch_timeout:g} s (fetch_timeout)",
            source=url,
        ) from None
    except (httpx.ConnectError, httpx.ReadError, httpx.WriteError, httpx.CloseError) as exc:
        raise ConnectFailed(f"{url}: connection failed ({_reason(exc)})", source=url) from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: the fetch failed ({_reason(exc)})", source=url) from None


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _read(
    response: httpx.Response, *, chain: list[str], scope: netguard.FetchScope, settings: Settings
) -> Fetched:
    url = str(response.url)
    _check_status(response, url=url)
    content_type = response.headers.get("Content-Type")
    _check_type(media_type(content_type), url=url)
    _check_length(response, url=url, settings=settings)
    body = _body(response, url=url, scope=scope, settings=settings)
    return Fetched(
        url=url,
        requested_url=chain[0],
        status=response.status_code,
        content_type=media_type(content_type),
        body=body,
        charset=response.charset_encoding,
        headers=tuple(response.headers.items()),
        redirects=tuple(chain[:-1]),
    )


def _check_status(response: httpx.Response, *, url: str) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
    detail = " without a Location header" if status in _REDIRECTS else ""
    raise HTTPStatusError(
        f"{url}: the server answered {status}{phrase}{detail}", source=url, status=status
    )


def _check_type(media: str | None, *, url: str) -> None:
    if media is None or media in _ACCEPTED_TYPES or media in FEED_MEDIA_TYPES:
        return
    raise UnsupportedContentType(
        f"{url}: the server sent {media}, not HTML, text or a feed", source=url
    )


def _check_length(response: httpx.Response, *, url: str, settings: Settings) -> None:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > settings.max_fetch_bytes:
        raise ResponseTooLarge(
            f"{url}: the server announces {int(declared):,} bytes, over the "
            f"{settings.max_fetch_bytes:,}-byte limit (max_fetch_bytes)",
            source=url,
        )


def _body(
    response: httpx.Response, *, url: str, scope: netguard.FetchScope, settings: Settings
) -> bytes:
    limit = settings.max_fetch_bytes
    if response.is_stream_consumed:
        # Already in memory (a response built in-process, e.g. by a mock transport), and
        # already decoded by httpx.
        raws, decoder = response.iter_bytes(), _BoundedDecoder("", url=url)
    else:
        encoding = response.headers.get("Content-Encoding", "")
        raws, decoder = response.iter_raw(), _BoundedDecoder(encoding, url=url)
    chunks: list[bytes] = []
    size = 0
    for raw in raws:
        for chunk in decoder.decode(raw, room=limit - size + 1):
            size += len(chunk)
            if size > limit:
                raise ResponseTooLarge(
                    f"{url}: the body passed {limit:,} bytes (max_fetch_bytes); stopped reading",
                    source=url,
                )
            chunks.append(chunk)
        if scope.remaining() <= 0:
            # The pinned transport enforces this on every read; a client given by the caller
            # may not, so check between chunks as well.
            raise httpx.ReadTimeout("the total deadline passed while reading")
    return b"".join(chunks)


class _BoundedDecoder:
    """Undo a gzip or deflate Content-Encoding without ever producing more than ``room`` bytes
    per call: zlib's ``max_length`` keeps the rest of the input for the next call, so a 1,000:1
    "zip bomb" stops at the size cap instead of inflating a whole network read first."""

    def __init__(self, encoding: str, *, url: str) -> None:
        self.encoding = encoding.strip().lower()
        self.url = url
        if self.encoding not in _IDENTITY | _GZIP | {"deflate"}:
            raise UnsupportedContentType(
                f"{url}: the server sent the body in {encoding!r} encoding, which was not asked "
                "for (gzip or deflate)",
                source=url,
            )
        self._inflater = self._new() if self.encoding not in _IDENTITY else None
        self._started = False
        self._ended = False  # the compressed stream ended; what follows is ignored, as httpx does

    def _new(self, *, raw_deflate: bool = False) -> Any:
        if self.encoding in _GZIP:
            return zlib.decompressobj(zlib.MAX_WBITS | 16)
        # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
        return zlib.decompressobj(-zlib.MAX_WBITS if raw_deflate else zlib.MAX_WBITS)

    def decode(self, data: bytes, *, room: int) -> Iterator[bytes]:
        """The decoded bytes of ``data``, in pieces; past ``room`` bytes the caller stops."""
        if self._inflater is None:
            yield data
            return
        while data and room > 0 and not self._ended:
            out = self._inflate(data, room)
            room -= len(out)
            yield out
            data = self._inflater.unconsumed_tail
            if self._inflater.eof:
                data = self._inflater.unused_data + data
                # A gzip body may hold several members, one after another; anything else after
                # the end (padding, garbage) is ignored.
                if self.encoding in _GZIP and data.startswith(b"\x1f\x8b"):
                    self._inflater = self._new()
                else:
                    self._ended = True

    def _inflate(self, data: bytes, room: int) -> bytes:
        try:
            out = self._inflater.decompress(data, room)  # type: ignore[union-attr]
        except zlib.error as exc:
            if self.encoding == "deflate" and not self._started:
                self._inflater = self._new(raw_deflate=True)
                self._started = True
                return self._inflate(data, room)
            raise FetchError(
                f"{self.url}: the body is not valid {self.encoding} data ({exc})", source=self.url
            ) from None
        self._started = True
        return out


# --- what a fetched body is ---------------------------------------------------------------------


def content_kind(fetched: Fetched) -> Kind:
    """Whether a fetched body is an HTML page, plain text or a feed; refuse anything else."""
    media = fetched.content_type
    if is_feed(fetched.body, content_type=media):
        return "feed"
    binary = sniff_binary(fetched.body)
    if binary:
        served = f"served as {media}" if media else "served without a content type"
        raise UnsupportedContentType(
            f"{fetched.url}: {served}, but the body looks like {binary}", source=fetched.url
        )
    if media in _HTML_TYPES:
        return "html"
    if media in _TEXT_TYPES:
        return "text"
    if _looks_like_html(fetched.body):
        return "html"  # XHTML served as application/xml, or no content type at all
    if media is None:
        return "text"
    raise UnsupportedContentType(
        f"{fetched.url}: the server sent {media} that is neither a feed nor a web page",
        source=fetched.url,
    )


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<body" in head


# --- many URLs ----------------------------------------------------------------------------------


def fetch_documents(urls: Iterable[str], *, settings: Settings) -> Iterator[Item]:
    """Fetch each URL (one shared client) and yield its document, or a Failure, in order.

    A feed yields the documents of its entries: full-text entries directly, the others fetched.
    """
    with make_client(settings=settings) as client:
        for url in urls:
            yield from _documents_at(url, entry=None, client=client, settings=settings)


def documents_from_feed(content: bytes, *, origin: str, settings: Settings) -> Iterator[Item]:
    """The documents of a feed read from a file: full-text entries as they are, others fetched."""
    with make_client(settings=settings) as client:
        yield from _feed_documents(content, origin=origin, client=client, settings=settings)


def _documents_at(
    url: str,
    *,
    entry: FeedEntry | None,
    client: httpx.Client,
    settings: Settings,
) -> Iterator[Item]:
    """One URL's document; or, for a feed given directly, its entries' documents."""
    try:
        fetched = fetch(url, settings=settings, client=client)
        kind = content_kind(fetched)
        if kind == "feed" and entry is not None:
            # One level only: a feed whose entries are feeds could lead anywhere.
            raise UnsupportedContentType(
                f"{url}: a feed entry links to another feed, which is not followed", source=url
            )
        meta = entry.meta if entry else None
        document = None if kind == "feed" else _document(fetched, kind=kind, meta=meta)
    except NewsEventsError as exc:
        yield Failure.from_exception(exc, source=url, stage="fetch")
        return
    if document is not None:
        yield document
    else:
        yield from _feed_documents(
            fetched.body, origin=fetched.url, client=client, settings=settings
        )


def _feed_documents(
    content: bytes, *, origin: str, client: httpx.Client, settings: Settings
) -> Iterator[Item]:
    for item in feed_entries(content, origin=origin, settings=settings):
        if isinstance(item, Failure):
            yield item
        elif item.document is not None:
            yield item.document
        elif item.url is not None:
            yield from _documents_at(item.url, entry=item, client=client, settings=settings)


def _document(fetched: Fetched, *, kind: Kind, meta: DocumentMeta | None) -> RawDocument:
    header = fetched.header("Content-Type")
    text, notes = decode_bytes(fetched.body, content_type=header)
    if not text.strip():
        raise EmptyDocument(f"{fetched.url}: the server sent an empty page", source=fetched.url)
    # The page's own address wins (it is where the redirects ended); what a feed said about
    # the entry (title, date, author, id) is kept as the document's metadata.
    merged = dataclasses.replace(meta or DocumentMeta(), url=fetched.url)
    return RawDocument(
        origin=fetched.requested_url,
        content=text,
        format="html" if kind == "html" else "text",
        meta=merged,
        notes=notes,
    )
