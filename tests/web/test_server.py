"""Where the dashboard listens: loopback unless the user explicitly allows more."""

from __future__ import annotations

import pytest

from newsevents import api
from newsevents.errors import UsageError
from newsevents.web.server import check_host, free_port, is_loopback


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5"])
def test_a_host_beyond_loopback_needs_allow_remote(host: str):
    with pytest.raises(UsageError, match="--allow-remote"):
        check_host(host, allow_remote=False)
    check_host(host, allow_remote=True)


def test_serve_refuses_before_listening(tmp_path):
    with pytest.raises(UsageError, match="add --allow-remote"):
        api.serve(db=tmp_path / "x.duckdb", host="0.0.0.0", port=free_port())
