"""One database, several processes: `newsevents serve` and `newsevents ingest` on one file, and
two ingests at once. Real processes (the dashboard on 127.0.0.1, a free port); no timings.

DuckDB lets one process write a file: an ingest hands its job to the dashboard serving the file,
or waits for the ingest writing it. No DuckDB lock message may reach the user, and every article
is stored once (compared with one ingest of the same inputs in one process).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from newsevents import api
from newsevents.config import Settings
from newsevents.records import CodedArticle
from newsevents.serverfile import live_server, server_file
from newsevents.store import Store
from newsevents.web.server import free_port
from tests.store._events import article

EXAMPLES = Path(__file__).parents[1] / "newsevents" / "examples"
INPUTS = [str(EXAMPLES / "wikinews.jsonl"), str(EXAMPLES / "te3-platinum.jsonl")]
#: Seconds a process may take (a spaCy model load each, on a machine shared with other jobs).
PATIENCE = 600
#: What DuckDB says about a held file; the user must never see it.
DUCKDB_WORDS = ("Could not set lock", "Conflicting lock", "IO Error")
#: Holds a database open for writing until a line arrives on stdin.
HOLDER = """
import sys
from pathlib import Path
from newsevents.store import Store
with Store.open(Path(sys.argv[1])):
    print("holding", flush=True)
    sys.stdin.readline()
"""

pytestmark = pytest.mark.slow


def newsevents(*args: str, log: Path, **options: Any) -> subprocess.Popen[str]:
    """``newsevents ARGS`` in its own process, its stdout and stderr into ``log``.out/.err."""
    return subprocess.Popen(
        [sys.executable, "-m", "newsevents", *args],
        stdout=log.with_suffix(".out").open("w"),
        stderr=log.with_suffix(".err").open("w"),
        stdin=subprocess.DEVNULL,
        text=True,
        **options,
    )


def finished(process: subprocess.Popen[str], log: Path) -> tuple[int, str, str]:
    """Wait for ``process``: its exit code, stdout and stderr."""
    code = process.wait(timeout=PATIENCE)
    return code, log.with_suffix(".out").read_text(), log.with_suffix(".err").read_text()


def get(url: str) -> tuple[int, Any]:
    """GET a JSON URL of the local server, never through a proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def stored(db: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every stored article id, and every event (id, article, sentence, code, actors, date),
    sorted: what two ways of ingesting the same inputs must agree on."""
    with Store.open(db, read_only=True) as store:
        ids = sorted(store.articles().column("id").to_pylist())
        rows = store.events().to_pylist()
    keys = ("id", "article_id", "sentence", "cameo", "source_code", "target_code", "date")
    return ids, sorted(tuple(str(row.get(k)) for k in keys) for row in rows)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[Any]]:
    """The inputs ingested by one process alone."""
    db = tmp_path_factory.mktemp("reference") / "one.duckdb"
    log = db.with_suffix("")
    alone = newsevents("ingest", *INPUTS, "--db", str(db), "--workers", "1", log=log)
    code, out, err = finished(alone, log)
    assert code == 0, out + err
    return stored(db)


@pytest.fixture
def dashboard(tmp_path: Path) -> Any:
    """`newsevents serve` on a database holding one article; yields (db, url, process)."""
    db = tmp_path / "served.duckdb"
    with Store.open(db) as store:
        run = store.start_run(command="test", sources=["test"], settings=Settings())
        first = CodedArticle(article("An article stored before the dashboard started."))
        store.write_batch(run, [first], [], settings=Settings())
        store.finish_run(run, status="completed")
    port = free_port()
    log = tmp_path / "serve"
    server = newsevents("serve", "--db", str(db), "--port", str(port), log=log)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(server, db, url, log)
        yield db, url, server
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl-C: uvicorn stops, the server file goes
        server.wait(timeout=60)


def _wait_until_up(server: subprocess.Popen[str], db: Path, url: str, log: Path) -> None:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        assert server.poll() is None, log.with_suffix(".err").read_text()
        if live_server(db) is not None:
            try:
                if get(url + "api/summary")[0] == 200:
                    return
            except (urllib.error.URLError, ConnectionError):
                pass
        time.sleep(0.2)
    raise AssertionError("the dashboard did not start")


def test_an_ingest_beside_the_dashboard_is_handed_to_it(tmp_path: Path, dashboard: Any):
    db, url, server = dashboard
    _, before = get(url + "api/summary")
    log = tmp_path / "ingest"
    ingest = newsevents("ingest", *INPUTS, "--db", str(db), "--workers", "1", log=log)
    answers = []  # the dashboard's answers while its ingest job was running
    while ingest.poll() is None:
        _, jobs = get(url + "api/jobs")
        if any(job["state"] == "running" for job in jobs["jobs"]):
            answers.append(get(url + "api/summary"))
        time.sleep(0.2)
    code, out, err = finished(ingest, log)
    assert code == 0, out + err
    assert f"is open in the dashboard at {url} (pid {server.pid}): handed to it" in err
    assert not any(words in out + err for words in DUCKDB_WORDS)
    assert "60 documents, 60 stored" in out
    assert answers and {status for status, _ in answers} == {200}
    status, after = get(url + "api/summary")
    assert status == 200
    assert after["stored"]["articles"] == before["stored"]["articles"] + 60
    assert after["stored"]["events"] > before["stored"]["events"]
    _, events = get(url + "api/events?size=1")
    assert events["total"] == after["stored"]["events"]

    again = newsevents("ingest", *INPUTS, "--db", str(db), "--workers", "1", log=log)
    code, out, err = finished(again, log)
    assert code == 0 and "60 documents, 0 stored, 60 duplicates" in out, out + err
    assert get(url + "api/summary")[1]["stored"] == after["stored"]  # nothing doubled

    server.send_signal(signal.SIGINT)
    server.wait(timeout=60)
    assert not server_file(db).exists()
    articles = api.articles(db=db)  # the file is free again, and holds everything once
    assert articles.num_rows == len(set(articles.column("id").to_pylist())) == 61


def test_two_ingests_at_once_store_everything_once(tmp_path: Path, reference: Any):
    db = tmp_path / "shared.duckdb"
    logs = [tmp_path / "first", tmp_path / "second"]
    runs = [
        newsevents("ingest", *INPUTS, "--db", str(db), "--workers", "1", log=logs[0]),
        newsevents("ingest", *reversed(INPUTS), "--db", str(db), "--workers", "1", log=logs[1]),
    ]
    results = [finished(run, log) for run, log in zip(runs, logs, strict=True)]
    for code, out, err in results:
        assert code == 0, out + err
        assert not any(words in out + err for words in DUCKDB_WORDS)
    assert stored(db) == reference
    # The one that came second found everything stored by the first, whichever it was.
    counts = sorted(re.search(r"60 documents, (\d+) stored", out)[1] for _, out, _ in results)
    assert counts == ["0", "60"]


def test_an_ingest_waits_for_the_process_holding_the_file(tmp_path: Path):
    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        log = tmp_path / "refused"
        refused = newsevents("ingest", INPUTS[1], "--db", str(db), "--wait", "0", log=log)
        code, out, refusal = finished(refused, log)
        assert code == 2, out + refusal
        reader = newsevents("events", "--db", str(db), log=tmp_path / "reader")
        read_code, _, read_refusal = finished(reader, tmp_path / "reader")
        log = tmp_path / "waiting"
        waiting = newsevents("ingest", INPUTS[1], "--db", str(db), "--workers", "1", log=log)
        _wait_for_line(log.with_suffix(".err"), "waiting up to 600 s", waiting)
        assert waiting.poll() is None  # still waiting while the file is held
    finally:
        holder.communicate("\n", timeout=60)
    code, out, err = finished(waiting, log)
    holding = f"{db} is in use by another newsevents process (pid {holder.pid}: "
    assert holding in refusal and "wait for it to finish or use another --db" in refusal
    assert read_code == 2 and holding in read_refusal
    assert code == 0 and "20 documents, 20 stored" in out, out + err
    assert holding in err and "Ctrl-C to stop" in err
    for text in (refusal, read_refusal, err):
        assert not any(words in text for words in DUCKDB_WORDS), text


def _wait_for_line(path: Path, text: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + PATIENCE
    while text not in path.read_text():
        assert process.poll() is None, path.read_text()
        assert time.monotonic() < deadline, path.read_text()
        time.sleep(0.2)
