"""Running the dashboard: uvicorn on loopback unless the user explicitly says otherwise."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from pathlib import Path

from newsevents.config import Settings
from newsevents.errors import UsageError

#: Host header values a loopback server answers (anything else is a DNS-rebinding attempt).
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine's loopback interface only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, *, allow_remote: bool) -> None:
    """Refuse to listen beyond loopback unless ``allow_remote``: the dashboard has no login, and
    its ingest form makes the server fetch URLs and write to the database."""
    if not is_loopback(host) and not allow_remote:
        raise UsageError(
            f"--host {host} would let other machines use this dashboard, which has no login; "
            "add --allow-remote if that is what you want"
        )


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` now (for tests and --port 0)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host.strip("[]"), 0))
        return int(probe.getsockname()[1])


def serve(
    *,
    db: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_remote: bool = False,
    settings: Settings | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the dashboard for ``db`` until interrupted; ``on_ready`` gets the URL first."""
    import uvicorn

    from newsevents.web.app import create_app

    check_host(host, allow_remote=allow_remote)
    hosts = LOOPBACK_NAMES if is_loopback(host) else None
    app = create_app(db=db, settings=settings, allowed_hosts=hosts)
    if on_ready:
        shown = f"[{host}]" if ":" in host else host
        on_ready(f"http://{shown}:{port}/")
    uvicorn.run(app, host=host.strip("[]"), port=port, log_level="warning")
