"""`newsevents serve --tls-cert/--tls-key`: the dashboard over https, with certificates a test
CA (trustme) issues for 127.0.0.1: pages and headers over TLS, the sign-in cookie marked Secure,
plain http refused, bad certificate options refused before start, and `newsevents ingest`
handing its job to an https dashboard."""

from __future__ import annotations

import http.client
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsevents.errors import UsageError
from newsevents.handoff import local_tls
from newsevents.serverfile import live_server
from newsevents.web.app import SESSION_COOKIE, create_app
from newsevents.web.server import check_tls, free_port
from tests.web.conftest import served

trustme = pytest.importorskip(
    "trustme", reason="trustme is not installed: pip install -e '.[test]'"
)

TOKEN = "tls-test-token-0123456789"


@pytest.fixture(scope="module")
def ca() -> Any:
    return trustme.CA()


@pytest.fixture(scope="module")
def pem(ca: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key, in two PEM files."""
    folder = tmp_path_factory.mktemp("tls")
    issued = ca.issue_cert("127.0.0.1", "localhost")
    cert, key = folder / "cert.pem", folder / "key.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    for extra in issued.cert_chain_pems[1:]:
        extra.write_to_path(str(cert), append=True)
    issued.private_key_pem.write_to_path(str(key))
    return cert, key


def _client_context(ca: Any) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def _open(url: str, ca: Any, **request: Any) -> Any:
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=_client_context(ca))
    )
    return opener.open(urllib.request.Request(url, **request), timeout=60)


@pytest.fixture
def https_app(demo_db: Path, pem: tuple[Path, Path]) -> Iterator[str]:
    app = create_app(db=demo_db, token=TOKEN)
    yield from served(app, tls=pem)


def test_pages_and_data_come_over_https_with_the_security_headers(https_app: str, ca: Any):
    with _open(f"{https_app}/api/summary", ca) as response:
        assert response.status == 200 and response.headers["content-type"].startswith(
            "application/json"
        )
        assert "default-src 'none'" in response.headers["content-security-policy"]
    with _open(f"{https_app}/", ca) as response:
        assert response.status == 200 and b"<html" in response.read()


def test_plain_http_to_the_https_port_gets_no_page(https_app: str):
    port = urllib.parse.urlsplit(https_app).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/api/summary")
        status = connection.getresponse().status
    except (ConnectionError, http.client.HTTPException):
        status = None  # the server drops a connection that does not speak TLS
    finally:
        connection.close()
    assert status in (None, 400)


def test_a_certificate_nobody_trusts_is_refused_by_clients(https_app: str):
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        )
        opener.open(f"{https_app}/api/summary", timeout=30)


def test_the_sign_in_cookie_is_secure_over_https(https_app: str, ca: Any):
    body = urllib.parse.urlencode({"token": TOKEN}).encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPSHandler(context=_client_context(ca)),
        NoRedirect(),
    )
    request = urllib.request.Request(
        f"{https_app}/login",
        data=body,
        headers={"Origin": https_app, "Content-Type": "application/x-www-form-urlencoded"},
    )
    with pytest.raises(urllib.error.HTTPError) as answer:  # the 303 is not followed
        opener.open(request, timeout=60)
    assert answer.value.code == 303
    cookie = answer.value.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "Secure" in cookie and "HttpOnly" in cookie


def test_the_local_client_trusts_the_servers_own_certificate_only(
    https_app: str, pem: tuple[Path, Path], tmp_path: Path
):
    cert, _ = pem
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=local_tls(str(cert)))
    )
    with opener.open(f"{https_app}/api/summary", timeout=60) as response:
        assert response.status == 200
    other = trustme.CA().issue_cert("127.0.0.1")  # another certificate for the same address
    stranger = tmp_path / "other.pem"
    other.cert_chain_pems[0].write_to_path(str(stranger))
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPSHandler(context=local_tls(str(stranger))),
    )
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        opener.open(f"{https_app}/api/summary", timeout=30)


def test_bad_certificate_options_are_refused_before_the_server_starts(
    pem: tuple[Path, Path], tmp_path: Path
):
    cert, key = pem
    check_tls(cert, key)  # the good pair passes
    with pytest.raises(UsageError, match="--tls-key needs --tls-cert"):
        check_tls(None, key)
    with pytest.raises(UsageError, match="no such file"):
        check_tls(tmp_path / "absent.pem", key)
    junk = tmp_path / "junk.pem"
    junk.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    with pytest.raises(UsageError, match="not a PEM certificate and its private key"):
        check_tls(junk, key)
    with pytest.raises(UsageError, match="not a PEM certificate and its private key"):
        check_tls(cert, None)  # the key is in a file of its own
    db = tmp_path / "x.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "newsevents", "serve", "--db", str(db), "--port",
         str(free_port()), "--tls-cert", str(junk), "--tls-key", str(key)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "error: " in result.stderr and "not a PEM certificate" in result.stderr
    assert "Traceback" not in result.stderr
    assert not db.with_name(db.name + ".serve.json").exists()


@pytest.mark.slow
def test_an_ingest_hands_its_job_to_an_https_dashboard(
    demo_db: Path, pem: tuple[Path, Path], tmp_path: Path, ca: Any
):
    from tests.test_concurrency import INPUTS, finished, newsevents

    cert, key = pem
    db = tmp_path / "served.duckdb"
    db.write_bytes(demo_db.read_bytes())
    port = free_port()
    log = tmp_path / "serve"
    server = newsevents("serve", "--db", str(db), "--port", str(port), "--tls-cert", str(cert),
                        "--tls-key", str(key), log=log)  # fmt: skip
    url = f"https://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 300
        while live_server(db) is None:
            assert server.poll() is None, log.with_suffix(".err").read_text()
            assert time.monotonic() < deadline, "the dashboard did not start"
            time.sleep(0.2)
        assert live_server(db).url == url and live_server(db).cert == str(cert.resolve())
        ingest_log = tmp_path / "ingest"
        code, out, err = finished(newsevents("ingest", INPUTS[0], "--db", str(db),
                                             log=ingest_log), ingest_log)  # fmt: skip
        assert code == 0, out + err
        assert f"is open in the dashboard at {url}" in err and "handed to it" in err
        with _open(f"{url}api/summary", ca) as response:
            assert response.status == 200
        assert f"Dashboard for {db} at {url}" in log.with_suffix(".out").read_text()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
