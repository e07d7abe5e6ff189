"""Fixtures for the dashboard tests: a demo store, a store of hostile text, a test client."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsevents import api
from newsevents.config import Settings
from newsevents.records import CodedArticle
from newsevents.store import Store
from newsevents.web.app import create_app
from newsevents.web.server import free_port
from tests.store._events import actor, article, event

#: Markup that must reach the page as text: in a title, a URL, an actor's name, the body.
SCRIPT = "<script>alert(1)</script>"
HOSTILE_TEXT = "Evil Corp attacked <img src=x onerror=alert(2)> in Paris. Nothing else happened."
HOSTILE_ACTOR = '<b onmouseover="alert(3)">Evil Corp</b>'


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled examples, ingested once for the whole session (read-only in the tests)."""
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    api.demo(db=db)
    return db


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    """One article whose title, URL, text and actor name are all markup."""
    item = article(HOSTILE_TEXT, title=SCRIPT, url="javascript:alert(4)")
    source = actor(HOSTILE_TEXT, "Evil Corp", name=HOSTILE_ACTOR, code="FRABUS")
    target = actor(HOSTILE_TEXT, "Paris", name="Paris", code="FRA")
    coded = event(item, sentence=0, source=source, target=target, code="190", action="attacked")
    db = tmp_path / "hostile.duckdb"
    with Store.open(db) as store:
        run = store.start_run(command="test", sources=["test"], settings=Settings())
        store.write_batch(run, [CodedArticle(item, (coded,), "rules.v1")], [], settings=Settings())
        store.finish_run(run, status="completed")
    return db


@pytest.fixture
def demo_client(demo_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db=demo_db)) as client:
        yield client


def served(app: Any, *, tls: tuple[Path, Path] | None = None) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port while the generator is open; over
    https with ``tls`` (certificate, key)."""
    import uvicorn

    port = free_port()
    cert, key = tls or (None, None)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            ssl_certfile=cert, ssl_keyfile=key)  # fmt: skip
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
