"""The server file and the handoff route, in one process (the real processes are in
tests/test_concurrency.py)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsevents.config import Settings
from newsevents.errors import UsageError
from newsevents.handoff import (
    KEY_HEADER,
    _summary,
    parse_request,
    settings_from_dict,
    settings_to_dict,
)
from newsevents.records import RunSummary
from newsevents.serverfile import announce, describe_holder, live_server, server_file
from newsevents.web.app import create_app


def test_the_server_file_is_private_and_removed_on_exit(tmp_path: Path):
    db = tmp_path / "news.duckdb"
    with announce(db, url="http://127.0.0.1:8123/", token="t" * 20) as info:
        path = server_file(db)
        assert path.name == "news.duckdb.serve.json"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert live_server(db) == info and info.pid == os.getpid() and len(info.key) > 30
        assert describe_holder(db, os.getpid()).startswith(
            "the dashboard at http://127.0.0.1:8123/ (pid "
        )
    assert not path.exists() and live_server(db) is None


def test_a_second_server_on_the_same_file_is_refused(tmp_path: Path):
    db = tmp_path / "news.duckdb"
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        _write(server_file(db), {"pid": other.pid, "url": "http://127.0.0.1:9/", "key": "k"})
        with pytest.raises(UsageError, match=rf"already running at .*\(pid {other.pid}\)"):
            with announce(db, url="http://127.0.0.1:8124/"):
                pass
    finally:
        other.kill()
        other.wait()


def test_a_stale_or_foreign_server_file_is_ignored(tmp_path: Path):
    db = tmp_path / "news.duckdb"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    _write(server_file(db), {"pid": gone.pid, "url": "http://127.0.0.1:9/", "key": "k"})
    assert live_server(db) is None  # its process is gone (killed before it could remove it)
    reused = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:  # its pid now belongs to a process started after the server
        data = {"pid": reused.pid, "url": "http://127.0.0.1:9/", "key": "k", "started": 1}
        _write(server_file(db), data)
        assert live_server(db) is None
    finally:
        reused.kill()
        reused.wait()
    _write(server_file(db), {"pid": os.getpid(), "url": "http://127.0.0.1:9/", "key": "k"})
    assert live_server(db) is not None
    server_file(db).chmod(0o644)  # readable by others: not one `serve` wrote
    assert live_server(db) is None
    with announce(db, url="http://127.0.0.1:8125/"):  # a stale file does not stop a new server
        assert live_server(db) is not None


def test_settings_go_over_json_unchanged(tmp_path: Path):
    actors = tmp_path / "mine.tsv"
    settings = Settings(batch_size=7, allow_private=True, actor_files=(actors,), workers=2)
    sent = json.loads(json.dumps(settings_to_dict(settings)))
    assert settings_from_dict(sent) == settings
    with pytest.raises(UsageError, match="unknown settings no_such_option"):
        settings_from_dict({**sent, "no_such_option": 1})
    with pytest.raises(UsageError, match="a list of file paths"):
        settings_from_dict({**sent, "actor_files": "mine.tsv"})


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ([], "JSON object"),
        ({"sources": []}, "non-empty list of sources"),
        ({"sources": ["a.txt"], "published": "March"}, "'March' is not a date"),
        ({"sources": ["a.txt"], "settings": {"batch_size": [1]}}, "not a plain value"),
    ],
)
def test_a_bad_handoff_is_refused_with_a_reason(body: Any, says: str):
    with pytest.raises(UsageError, match=says):
        parse_request(body)


def test_the_handoff_route_needs_the_server_files_key(tmp_path: Path):
    calls: list[dict[str, Any]] = []

    def fake(sources: list[str], **options: Any) -> RunSummary:
        calls.append({"sources": sources, **options})
        return RunSummary(run_id=1, documents=len(sources), stored=len(sources))

    app = create_app(db=tmp_path / "x.duckdb", ingest=fake)
    body = {
        "sources": ["/data/a.txt", "https://example.org/"],
        "published": "2025-03-27",
        "settings": settings_to_dict(Settings(batch_size=3)),
    }
    with TestClient(app) as client:
        no_server_file = client.post("/api/ingest/handoff", json=body, headers={KEY_HEADER: "x"})
        app.state.handoff_key = "the-key"
        wrong = client.post("/api/ingest/handoff", json=body, headers={KEY_HEADER: "guess"})
        missing = client.post("/api/ingest/handoff", json=body)
        cross_site = client.post(
            "/api/ingest/handoff",
            json=body,
            headers={KEY_HEADER: "the-key", "origin": "https://evil.example"},
        )
        assert not calls
        accepted = client.post("/api/ingest/handoff", json=body, headers={KEY_HEADER: "the-key"})
        app.state.jobs.wait()
        job = client.get(accepted.json()["status_url"]).json()
    assert [r.status_code for r in (no_server_file, wrong, missing, cross_site)] == [403] * 4
    assert "key of the dashboard's server file" in wrong.json()["message"]
    assert accepted.status_code == 202 and job["state"] == "done"
    assert _summary(job["summary"]) == RunSummary(run_id=1, documents=2, stored=2)
    [call] = calls
    assert call["sources"] == body["sources"] and call["command"] == "ingest"
    assert call["settings"] == Settings(batch_size=3) and str(call["published"]) == "2025-03-27"


def _write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps({"db": str(path), **data}))
    path.chmod(0o600)


def test_a_dashboard_with_a_token_needs_it_for_a_handoff_too(tmp_path: Path):
    def fake(sources: list[str], **options: Any) -> RunSummary:
        return RunSummary(run_id=1, documents=len(sources))

    token = "a-token-of-twenty-chars"
    app = create_app(db=tmp_path / "x.duckdb", ingest=fake, token=token)
    app.state.handoff_key = "the-key"
    body = {"sources": ["/data/a.txt"], "settings": settings_to_dict(Settings())}
    with TestClient(app) as client:
        without = client.post("/api/ingest/handoff", json=body, headers={KEY_HEADER: "the-key"})
        with_token = client.post(
            "/api/ingest/handoff",
            json=body,
            headers={KEY_HEADER: "the-key", "Authorization": f"Bearer {token}"},
        )
        app.state.jobs.wait()
    assert without.status_code == 401 and with_token.status_code == 202
