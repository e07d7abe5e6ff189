"""End to end through the command line: what a user types, what they get back."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from newsevents.cli import app

SEED_TITLE = "U.S. Homeland Security Secretary Noem Visits Colombia for Immigration Talks"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), terminal_width=200)


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def seed(shared_data: Path) -> Path:
    return shared_data / "seed" / "noem-colombia.txt"


def test_read_seed_prints_clean_article_json(seed: Path):
    result = invoke("read", str(seed))
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    article = json.loads(line)
    assert set(article) >= {
        "id",
        "url",
        "title",
        "published",
        "published_from",
        "source",
        "original_source",
        "language",
        "text",
    }
    assert article["title"] == SEED_TITLE
    assert article["published"] == "2025-03-27"
    assert article["published_from"] == "metadata"
    assert article["original_source"] == "www.winnipegfreepress.com"
    assert article["language"] == "en"
    for chrome in ("Loading Now", "Post Comment", "Original Source"):
        assert chrome not in article["text"]
    assert article["text"].startswith("U.S. Homeland Security Secretary Kristi Noem visited")


def test_seed_ingested_twice_is_one_article(seed: Path, tmp_path: Path):
    db = tmp_path / "news.duckdb"
    copy = tmp_path / "copy" / "noem.txt"
    copy.parent.mkdir()
    shutil.copyfile(seed, copy)
    for source in (seed, seed, copy):
        assert invoke("ingest", str(source), "--db", str(db)).exit_code == 0
    assert query(db, "select count(*) from articles") == [(1,)]
    assert query(db, "select count(distinct origin) from article_sightings") == [(2,)]


def test_bad_inputs_are_recorded_and_the_good_ones_stored(fixtures: Path, tmp_path: Path):
    db = tmp_path / "news.duckdb"
    folder = tmp_path / "inputs"
    shutil.copytree(fixtures / "inputs", folder)
    (folder / "huge.txt").write_text("Too big to read. " * 4000)
    result = invoke("ingest", str(folder), "--db", str(db))
    assert result.exit_code == 1, result.output
    assert "newsevents failures" in result.stdout
    failures = dict(query(db, "select regexp_extract(source, '[^/]+$'), error from failures"))
    assert failures["empty.txt"] == "EmptyDocument"
    assert failures["blank.txt"] == "EmptyDocument"
    assert failures["picture.txt"] == "BinaryDocument"
    assert failures["broken.json"] == "MalformedDocument"
    assert failures["front-page.html"] == "NoArticleContent"
    assert failures["lines.jsonl:2"] == "MalformedDocument"
    stored = dict(query(db, "select regexp_extract(origin, '[^/]+$'), language from articles"))
    assert stored["spanish.txt"] == "es"
    assert {"article.html", "story.txt", "latin1.txt", "utf8-bad-byte.txt", "lines.jsonl:1"} <= set(
        stored
    )
    notes = query(db, "select notes from articles where origin like '%utf8-bad-byte.txt'")
    assert "invalid UTF-8 replaced" in notes[0][0][0]
    shown = invoke("failures", "--db", str(db))
    assert "picture.txt" in shown.stdout and "PNG image" in shown.stdout


def test_oversized_file_is_recorded(fixtures: Path, tmp_path: Path):
    db = tmp_path / "news.duckdb"
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (30 * 1024 * 1024 // 5 + 1))  # just over the 25 MB default cap
    assert invoke("ingest", str(big), "--db", str(db)).exit_code == 1
    [(error, message)] = query(db, "select error, message from failures")
    assert error == "DocumentTooLarge" and "limit" in message


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body>Not found</body></html>")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def loopback_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_url_failures_are_recorded(loopback_server: str, tmp_path: Path):
    db = tmp_path / "news.duckdb"
    unreachable = f"http://127.0.0.1:{_closed_port()}/story"
    urls = [f"{loopback_server}/missing", f"{loopback_server}/loop", unreachable]
    result = invoke("ingest", *urls, "--db", str(db), "--allow-private")
    assert result.exit_code == 1, result.output
    errors = dict(query(db, "select source, error from failures"))
    assert errors == {
        f"{loopback_server}/missing": "HTTPStatusError",
        f"{loopback_server}/loop": "TooManyRedirects",
        unreachable: "ConnectFailed",
    }


def test_private_address_refused_without_the_flag(loopback_server: str, tmp_path: Path):
    db = tmp_path / "news.duckdb"
    result = invoke("ingest", f"{loopback_server}/missing", "--db", str(db))
    assert result.exit_code == 1
    assert query(db, "select error from failures") == [("UnsafeURL",)]


def test_errors_are_one_line_without_traceback(tmp_path: Path):
    env = {**os.environ, "COLUMNS": "200"}
    result = subprocess.run(
        [sys.executable, "-m", "newsevents", "articles", "--db", str(tmp_path / "none.duckdb")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "no such database" in result.stderr


def test_bad_published_option_is_a_clear_error(seed: Path, tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "newsevents", "read", str(seed), "--published", "yesterday"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr


@pytest.mark.slow
def test_killed_run_resumes_with_every_article_exactly_once(tmp_path: Path):
    folder = tmp_path / "many"
    folder.mkdir()
    count = 400
    for i in range(count):
        words = " ".join(f"w{i}x{j}" for j in range(60))
        (folder / f"{i:04d}.txt").write_text(f"Story number {i} reports that {words}.")
    db = tmp_path / "news.duckdb"
    command = [
        sys.executable,
        "-m",
        "newsevents",
        "ingest",
        str(folder),
        "--db",
        str(db),
        "--batch-size",
        "10",
    ]
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    seen = 0
    deadline = time.monotonic() + 120
    while seen < 5 and time.monotonic() < deadline:  # wait for a few committed batches
        line = process.stderr.readline()  # type: ignore[union-attr]
        seen += line.startswith("Ingesting:")
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert seen == 5, "the ingest never reported progress"
    partial = query(db, "select count(*) from articles")[0][0]
    assert 0 < partial < count
    rerun = subprocess.run(command, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert query(db, "select count(*), count(distinct id) from articles") == [(count, count)]
    statuses = [row[0] for row in query(db, "select status from runs order by id")]
    assert statuses == ["interrupted", "completed"]
