"""Running the dashboard: uvicorn on loopback unless the user explicitly says otherwise."""

from __future__ import annotations

import ipaddress
import secrets
import socket
import ssl
from collections.abc import Callable
from pathlib import Path

from newsevents.config import Settings
from newsevents.errors import UsageError
from newsevents.serverfile import announce

#: Host header values a loopback server answers (anything else is a DNS-rebinding attempt).
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]
#: Characters a token given by the user has at least: shorter ones can be guessed.
MIN_TOKEN_CHARS = 16


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine's loopback interface only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, *, allow_remote: bool) -> None:
    """Refuse to listen beyond loopback unless ``allow_remote``: anyone who can reach the
    server reads the whole database, and its ingest form makes it fetch URLs and write."""
    if not is_loopback(host) and not allow_remote:
        raise UsageError(
            f"--host {host} would let other machines read this dashboard (and, with its token, "
            "add articles); add --allow-remote if that is what you want"
        )


def server_token(host: str, token: str | None, *, private: bool = False) -> tuple[str | None, bool]:
    """The token writes need and whether it was made here (so it must be shown once): the
    given one, else a new one beyond loopback or for a private dashboard, else none (loopback
    needs no token)."""
    if token is not None:
        if len(token) < MIN_TOKEN_CHARS:
            raise UsageError(f"a token shorter than {MIN_TOKEN_CHARS} characters can be guessed")
        return token, False
    if is_loopback(host) and not private:
        return None, False
    return secrets.token_urlsafe(32), True


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` now (for tests and --port 0)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host.strip("[]"), 0))
        return int(probe.getsockname()[1])


def check_tls(cert: Path | None, key: Path | None) -> None:
    """A certificate and its key that TLS can use, or a :class:`UsageError` saying what is
    wrong with them (checked before the server starts, not on the first visitor)."""
    if cert is None:
        if key is not None:
            raise UsageError("--tls-key needs --tls-cert, the certificate it belongs to")
        return
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except FileNotFoundError as exc:
        raise UsageError(f"{exc.filename}: no such file") from None
    except (ssl.SSLError, OSError, ValueError) as exc:
        named = f"{cert} and {key}" if key else str(cert)
        raise UsageError(
            f"{named}: not a PEM certificate and its private key ({exc}); give the key with "
            "--tls-key when it is in a file of its own"
        ) from None


def serve(
    *,
    db: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_remote: bool = False,
    token: str | None = None,
    settings: Settings | None = None,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
    private: bool = False,
    on_ready: Callable[[str, str | None], None] | None = None,
) -> None:
    """Serve the dashboard for ``db`` until interrupted. Writes need ``token`` if given; beyond
    loopback one is made if not given. ``private``: reads need it too (made if not given, on
    loopback as well). With ``tls_cert`` (and ``tls_key``, unless the key is in the
    certificate's file) it is served over https. ``on_ready`` gets the URL first, and the token
    if it was made here (the caller shows it: nothing else ever does)."""
    import uvicorn

    from newsevents.web.app import create_app

    check_host(host, allow_remote=allow_remote)
    check_tls(tls_cert, tls_key)
    token, made = server_token(host, token, private=private)
    hosts = LOOPBACK_NAMES if is_loopback(host) else None
    app = create_app(db=db, settings=settings, allowed_hosts=hosts, token=token, private=private)
    scheme = "https" if tls_cert else "http"
    cert = str(tls_cert.resolve()) if tls_cert else None
    # The server file lets `newsevents ingest --db` on this file hand its job over (handoff.py).
    with announce(db, url=_local_url(host, port, scheme), token=token, cert=cert) as info:
        app.state.handoff_key = info.key
        if on_ready:
            shown = f"[{host}]" if ":" in host else host
            on_ready(f"{scheme}://{shown}:{port}/", token if made else None)
        uvicorn.run(
            app,
            host=host.strip("[]"),
            port=port,
            log_level="warning",
            ssl_certfile=tls_cert,
            ssl_keyfile=tls_key,
        )


def _local_url(host: str, port: int, scheme: str = "http") -> str:
    """The URL this machine's processes reach the server at (a wildcard bind: loopback)."""
    bare = host.strip("[]")
    if bare in ("0.0.0.0", ""):
        bare = "127.0.0.1"
    elif bare == "::":
        bare = "::1"
    return f"{scheme}://{f'[{bare}]' if ':' in bare else bare}:{port}/"
