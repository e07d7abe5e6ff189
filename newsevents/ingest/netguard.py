"""Which addresses the fetcher may connect to, and a transport that connects only to those.

The fetcher must not become a way into the user's own network (SSRF): a URL, or a redirect, that
names a loopback, private, link-local or cloud-metadata address is refused. Checking the name is
not enough, because DNS can answer differently a moment later ("DNS rebinding"). So
:func:`newsevents.ingest.urls.fetch` resolves each host once, checks every address, and records
the checked addresses in a :class:`FetchScope`; :class:`PinnedTransport` then opens its TCP
connections to those addresses only. The URL is passed on unchanged, so the ``Host`` header and
TLS (SNI and certificate checks) still use the hostname.

The scope also carries the request's total deadline: every socket read, write and connect is
given at most the time left, so a server that trickles one byte at a time cannot stretch a
request past ``Settings.fetch_timeout``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import ssl
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Instance-metadata services of the cloud providers: a fetch from a cloud VM to one of these can
#: hand out the machine's credentials. Refused even when private addresses are allowed.
METADATA_ADDRESSES = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, ...
        ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
        ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    }
)

_CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


# --- addresses ----------------------------------------------------------------------------------


def ip_literal(host: str) -> IPAddress | None:
    """The address a host names literally, or None for a name that needs DNS.

    Besides the usual forms this reads what C's ``inet_aton`` (and so ``getaddrinfo``) accepts:
    ``2130706433``, ``0x7f.1``, ``0177.0.0.1``, ``127.1`` are all 127.0.0.1. A host made only of
    such numbers that is not a valid address raises ValueError rather than being sent to DNS.
    """
    host = host.strip("[]").rstrip(".")
    if ":" in host:
        return ipaddress.IPv6Address(host)
    labels = host.split(".")
    if not all(_NUMERIC_LABEL.match(label) for label in labels):
        return None
    return ipaddress.IPv4Address(_inet_aton(labels))


def _inet_aton(labels: list[str]) -> int:
    # a.b.c.d, a.b.c (c fills 16 bits), a.b (b fills 24 bits) or a (32 bits).
    if len(labels) > 4:
        raise ValueError(f"{'.'.join(labels)} has more than four parts")
    numbers = [_number(label) for label in labels]
    *head, last = numbers
    if any(n > 0xFF for n in head) or last >= 1 << (8 * (5 - len(numbers))):
        raise ValueError(f"{'.'.join(labels)} is out of range for an IPv4 address")
    value = 0
    for n in head:
        value = value << 8 | n
    return value << (8 * (5 - len(numbers))) | last


def _number(label: str) -> int:
    if label.lower().startswith("0x"):
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        return int(label, 8)
    return int(label)


def refusal_reason(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why ``address`` may not be fetched from, or None when it may."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        reason = refusal_reason(embedded, allow_private=allow_private)
        return f"{reason} ({embedded}) inside an IPv6 address" if reason else None
    if allow_private:
        return None
    return _non_public_reason(address)


def _non_public_reason(address: IPAddress) -> str | None:
    checks = (
        (address.is_loopback, "a loopback address"),
        (address.is_unspecified, "the unspecified address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address in _CARRIER_GRADE_NAT, "a carrier-grade NAT address (100.64.0.0/10)"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public address"),
    )
    return next((reason for refused, reason in checks if refused), None)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    # IPv4-mapped (::ffff:a.b.c.d), 6to4 (2002::/16), Teredo and NAT64 addresses all lead to an
    # IPv4 address, which is the one that must be checked.
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


# --- the scope of one fetch ---------------------------------------------------------------------


@dataclass(slots=True)
class FetchScope:
    """What one call of ``fetch`` allows: the checked addresses of each host, and a deadline."""

    deadline: float
    pins: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def pin(self, host: str, addresses: Iterable[str]) -> None:
        self.pins[host.lower().rstrip(".")] = tuple(addresses)

    def addresses(self, host: str) -> tuple[str, ...]:
        return self.pins.get(host.lower().rstrip("."), ())

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


_SCOPE: ContextVar[FetchScope | None] = ContextVar("newsevents_fetch_scope", default=None)


@contextlib.contextmanager
def fetch_scope(*, deadline: float) -> Iterator[FetchScope]:
    """Open a scope for one fetch; connections opened outside any scope are refused."""
    scope = FetchScope(deadline=deadline)
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)


def _clamp(timeout: float | None, *, kind: type[httpcore.TimeoutException]) -> float | None:
    scope = _SCOPE.get()
    if scope is None:
        return timeout
    remaining = scope.remaining()
    if remaining <= 0:
        raise kind("the request's total deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


# --- the pinned transport -----------------------------------------------------------------------


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation ends by the scope's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, kind=httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, kind=httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        clamped = _clamp(timeout, kind=httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, clamped))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Opens TCP connections only to the addresses the current scope checked for the host."""

    def __init__(self) -> None:
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        scope = _SCOPE.get()
        addresses = scope.addresses(host) if scope else ()
        if not addresses:
            # Fail closed: a host nobody resolved and checked is never connected to.
            raise httpcore.ConnectError(f"{host} was not resolved and checked before connecting")
        error: Exception | None = None
        for address in addresses:
            try:
                stream = self._sockets.connect_tcp(
                    address,
                    port,
                    timeout=_clamp(timeout, kind=httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _DeadlineStream(stream)
        assert error is not None
        raise error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("Unix sockets are never used for fetching")


class PinnedTransport(httpx.HTTPTransport):
    """httpx's own transport, with its connection pool opening sockets through the pinned backend.

    httpx 0.28 has no public way to pass a network backend, so the pool httpx built is replaced
    by an httpcore pool (public API) that uses ours; everything else — request and response
    conversion, exception mapping, TLS settings — stays httpx's.
    ``tests/ingest/test_urls.py`` checks that a request really goes to the pinned address.
    """

    def __init__(
        self, *, ssl_context: ssl.SSLContext | None = None, limits: httpx.Limits | None = None
    ) -> None:
        limits = limits or httpx.Limits(max_connections=10, max_keepalive_connections=5)
        super().__init__(trust_env=False, limits=limits)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=_PinnedBackend(),
        )
