"""The ingest form's endpoint and its background jobs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsevents.errors import DatabaseLocked
from newsevents.web.app import create_app

SEED = (Path(__file__).parents[2] / "newsevents" / "examples" / "noem-colombia.txt").read_text()


def finished(client: TestClient, job: dict[str, Any]) -> dict[str, Any]:
    client.app.state.jobs.wait()  # type: ignore[attr-defined]
    return client.get(job["status_url"]).json()


@pytest.mark.slow
def test_pasted_text_and_an_upload_are_coded_stored_and_shown(tmp_path: Path):
    db = tmp_path / "new.duckdb"
    with TestClient(create_app(db=db)) as client:
        response = client.post(
            "/api/ingest",
            data={"text": SEED, "published": "2025-03-27"},
            files=[("files", ("broken.html", b"\x00\x01\x02 not a page", "text/html"))],
        )
        assert response.status_code == 202, response.text
        job = finished(client, response.json())
        summary = client.get("/api/summary").json()
    assert job["state"] == "done", job
    assert job["counts"]["stored"] == 1 and job["counts"]["failed"] == 1
    assert job["counts"]["events"] > 5 and summary["events"] == job["counts"]["events"]
    [failure] = job["failures"]
    assert failure["source"] == "01-broken.html" and failure["error"] == "BinaryDocument"


@pytest.mark.parametrize(
    ("form", "status", "says"),
    [
        ({}, 400, "nothing to ingest"),
        ({"urls": "file:///etc/passwd"}, 400, "not a web address"),
        ({"text": "Some text.", "published": "March"}, 400, "'March' is not a date"),
    ],
)
def test_a_bad_form_is_refused_with_a_reason(tmp_path: Path, form: dict, status: int, says: str):
    with TestClient(create_app(db=tmp_path / "x.duckdb")) as client:
        response = client.post("/api/ingest", data=form)
    assert response.status_code == status
    assert says in response.json()["message"]


def test_uploads_over_the_cap_are_refused(tmp_path: Path):
    with TestClient(create_app(db=tmp_path / "x.duckdb", max_upload_bytes=1000)) as client:
        response = client.post("/api/ingest", files=[("files", ("big.txt", b"x" * 5000))])
    assert response.status_code == 413
    assert "over 1,000 bytes" in response.json()["message"]


def test_a_form_posted_by_another_site_is_refused(tmp_path: Path):
    with TestClient(create_app(db=tmp_path / "x.duckdb")) as client:
        response = client.post(
            "/api/ingest", data={"text": "x"}, headers={"origin": "https://evil.example"}
        )
    assert (
        response.status_code == 403
        and "only the dashboard's own pages" in response.json()["message"]
    )


def test_a_job_that_cannot_write_fails_with_the_reason(tmp_path: Path):
    def locked(sources: list[str], **options: Any) -> Any:
        raise DatabaseLocked("another newsevents process is using x.duckdb")

    with TestClient(create_app(db=tmp_path / "x.duckdb", ingest=locked)) as client:
        job = finished(client, client.post("/api/ingest", data={"text": "Some text."}).json())
        listed = client.get("/api/jobs").json()["jobs"]
        page = client.get("/ingest").text
    assert job["state"] == "failed" and "another newsevents process" in job["error"]
    assert [j["id"] for j in listed] == [job["id"]]
    assert "another newsevents process" in page


def test_a_job_reports_progress_batch_by_batch(tmp_path: Path):
    seen: list[str] = []

    def slow(sources: list[str], *, on_batch: Any, **options: Any) -> Any:
        from newsevents.records import RunSummary

        for n in (1, 2):
            on_batch(RunSummary(run_id=1, documents=n, stored=n))
            seen.append(client.get("/api/jobs/1").json()["state"])
        return RunSummary(run_id=1, documents=2, stored=2)

    with TestClient(create_app(db=tmp_path / "x.duckdb", ingest=slow)) as client:
        started = time.monotonic()
        job = finished(client, client.post("/api/ingest", data={"text": "Some text."}).json())
    assert seen == ["running", "running"] and time.monotonic() - started < 30
    assert job["state"] == "done" and job["counts"]["documents"] == 2
