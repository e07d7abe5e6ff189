"""The dashboard in real Chromium (Playwright driving Debian's chromium), on the demo data.

Screenshots of each view are written to ``$NEWSEVENTS_SCREENSHOTS`` or, by default, to
``tests/web/screenshots/`` (git-ignored); the test prints where. Without chromium or Playwright
the tests skip with the reason, except in CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsevents.web.app import create_app
from newsevents.web.server import LOOPBACK_NAMES
from tests.web.conftest import served

pytestmark = pytest.mark.slow
SHOTS = Path(os.environ.get("NEWSEVENTS_SCREENSHOTS", Path(__file__).parent / "screenshots"))
#: Milliseconds Playwright waits for a page or an element: a first load parses the world map.
WAIT_MS = 20_000
SEED = Path(__file__).parents[2] / "newsevents" / "examples" / "noem-colombia.txt"


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    reason = None
    if path is None:
        reason = "chromium is not installed (apt-get install chromium; .ci/run does it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "playwright is not installed (pip install -e '.[test]')"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    return str(path)


@pytest.fixture(scope="module")
def server(demo_db: Path) -> Iterator[str]:
    """The dashboard on the demo store, served by uvicorn on a free loopback port."""
    yield from served(create_app(db=demo_db, allowed_hosts=LOOPBACK_NAMES))


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots of the dashboard: {SHOTS}")
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        chromium = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not errors, f"errors in the browser: {errors}"


def loaded(page: Any, after: int = 0) -> int:
    """Wait until every view has drawn a newer state than ``after``; its generation."""
    # A CSS selector, not wait_for_function: the page's CSP forbids the eval that one needs.
    newer = f'body[data-generation]:not([data-generation="{after}"])'
    page.wait_for_selector(newer, state="attached")
    for panel in ("timeseries", "map", "network", "table"):
        assert page.get_attribute(f"#{panel}-panel", "data-state") == "ready", panel
    return int(page.get_attribute("body", "data-generation"))


def view_state(page: Any) -> dict[str, Any]:
    return {
        "counts": page.inner_text("#counts"),
        "bars": page.locator("#timeseries rect.count").count(),
        "shaded": sorted(
            page.eval_on_selector_all("#map path.has-events", "ps => ps.map(p => p.dataset.id)")
        ),
        "nodes": sorted(
            page.eval_on_selector_all("#network .node", "ns => ns.map(n => n.dataset.key)")
        ),
        "rows": page.locator("#events tbody tr[data-event]").count(),
        "first": page.inner_text("#events tbody tr:first-child")
        if page.locator("#events tbody tr").count()
        else "",
    }


def test_the_dashboard_loads_filters_and_opens_the_evidence(server: str, page: Any):
    page.goto(server + "/")
    generation = loaded(page)
    before = view_state(page)
    assert "271 events" in before["counts"]
    assert before["bars"] > 0 and before["rows"] == 25 and len(before["nodes"]) > 5
    assert {"USA", "COL", "ISR"} <= set(before["shaded"])
    assert page.locator("#map circle.place").count() > 0
    page.screenshot(path=str(SHOTS / "1-home.png"), full_page=True)
    for panel in ("timeseries", "map", "network", "table"):
        page.locator(f"#{panel}-panel").screenshot(path=str(SHOTS / f"2-{panel}.png"))

    page.fill("input[name=dyad]", "USA:COL")
    page.click("#filters button[type=submit]")
    generation = loaded(page, generation)
    after = view_state(page)
    assert "dyad=USA%3ACOL" in page.url or "dyad=USA:COL" in page.url  # bookmarkable
    assert after["counts"] != before["counts"] and after["rows"] < before["rows"]
    assert after["nodes"] == ["COL", "USA"] and after["shaded"] == ["COL", "USA"]
    assert after["bars"] != before["bars"] or after["first"] != before["first"]
    page.screenshot(path=str(SHOTS / "3-filtered.png"), full_page=True)

    page.select_option("select[name=quad]", "1")  # a select applies at once
    generation = loaded(page, generation)
    assert "quad=1" in page.url
    first = page.locator("#events tbody tr[data-event]").first
    event_id = first.get_attribute("data-event")
    first.locator("a.article-link").click()
    page.wait_for_selector("#evidence")
    evidence = page.locator("mark.evidence.selected")
    assert evidence.count() == 1 and evidence.get_attribute("id") == "evidence"
    assert event_id in (evidence.get_attribute("data-events") or "").split()
    assert evidence.locator(".actor").count() >= 1 and evidence.locator(".action").count() >= 1
    assert page.locator(f"#event-{event_id}.selected").count() == 1
    page.screenshot(path=str(SHOTS / "4-article.png"), full_page=True)

    page.go_back()
    loaded(page)
    assert page.input_value("input[name=dyad]") == "USA:COL"  # the view came back from the URL


def test_sorting_and_paging_the_table(server: str, page: Any):
    page.goto(server + "/?sort=goldstein&order=desc")
    generation = loaded(page)
    scores = page.eval_on_selector_all(
        "#events tbody tr[data-event] td:nth-child(6)",
        "cells => cells.map(c => Number(c.textContent))",
    )
    assert scores == sorted(scores, reverse=True)
    assert page.inner_text("#page-info").startswith("1–25 of 271")
    page.click("#next")
    generation = loaded(page, generation)
    assert page.inner_text("#page-info").startswith("26–50 of 271") and "page=2" in page.url
    page.click("#events th[data-sort=date]")
    loaded(page, generation)
    assert "sort=date" in page.url and "page=" not in page.url


def test_the_map_shades_by_goldstein_on_request(server: str, page: Any):
    page.goto(server + "/")
    generation = loaded(page)
    colour = page.get_attribute("#map path[data-id=USA]", "fill")
    page.select_option("#shade", "goldstein")
    loaded(page, generation)
    assert "shade=goldstein" in page.url
    assert page.get_attribute("#map path[data-id=USA]", "fill") != colour
    page.locator("#map-panel").screenshot(path=str(SHOTS / "5-map-goldstein.png"))


def test_the_ingest_form_shows_progress_and_failures(server: str, page: Any, tmp_path: Path):
    # The store is shared by these tests, so the pasted article is one it has (a duplicate).
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"\x00\x01 not a page")
    page.goto(server + "/ingest")
    page.fill("#text", SEED.read_text(encoding="utf-8"))
    page.set_input_files("#files", str(bad))
    page.click("#ingest button[type=submit]")
    page.wait_for_selector("#job[data-state=done]")
    assert "2 documents read, 0 stored, 1 duplicates, 1 failed" in page.inner_text("#job-state")
    failure = page.inner_text("#job-failures li")
    assert failure.startswith("01-bad.html: BinaryDocument") and "/tmp" not in failure
    assert page.is_visible("#job-done")
    page.screenshot(path=str(SHOTS / "6-ingest.png"), full_page=True)
