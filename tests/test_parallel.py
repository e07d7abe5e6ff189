"""``ingest --workers N``: the same stored result as one process, and no document lost when a
worker dies (newsevents.parallel)."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import pytest

from newsevents import api, parallel
from newsevents.config import Settings
from newsevents.errors import NewsEventsError, UsageError
from newsevents.ingest import read_documents
from newsevents.records import CodedArticle, Failure, Item, RawDocument

WIKINEWS = Path(api.__file__).parent / "examples" / "wikinews.jsonl"
#: Columns that record when or in which run a row was written, not what was coded.
WHEN = {
    "articles": "ingested_at",
    "events": "run_id, coded_at",
    "failures": "id, run_id, failed_at",
}
ORDER = {"articles": "seq", "events": "id", "failures": "source, message", "places": "article_id"}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The Wikinews examples, then a near-duplicate, an exact duplicate and three bad files."""
    folder = tmp_path_factory.mktemp("inputs")
    first = json.loads(WIKINEWS.read_text().splitlines()[3])
    near = {**first, "title": "A changed headline", "url": "https://example.org/copy"}
    near["text"] = first["text"].replace(".", ";", 1)
    extra = folder / "extra.jsonl"
    extra.write_text(json.dumps(near) + "\n" + json.dumps(first) + "\n{not json\n")
    (folder / "empty.txt").write_text("")
    (folder / "binary.html").write_bytes(bytes(range(256)) * 4)
    return [str(WIKINEWS), str(extra), str(folder / "empty.txt"), str(folder / "binary.html")]


def stored(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table a run fills, ordered, without the columns that say when it was written."""
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            table: con.execute(
                f"SELECT * {'EXCLUDE (' + WHEN[table] + ')' if table in WHEN else ''} "
                f"FROM {table} ORDER BY {order}, 2, 3, 4"
            ).fetchall()
            for table, order in ORDER.items()
        }


def ingest(sources: list[str], db: Path, *, workers: int, settings: Settings) -> dict:
    summary = api.ingest(sources, db=db, settings=settings, workers=workers)
    return {"summary": summary, "tables": stored(db)}


@pytest.mark.slow
def test_two_workers_store_exactly_what_one_worker_stores(inputs: list[str], tmp_path: Path):
    # Workers take chunks of 4 (one spaCy batch); the parent writes batches of 10 from them.
    settings = Settings(batch_size=10, nlp_batch_size=4)
    one_worker = ingest(inputs, tmp_path / "one.duckdb", workers=1, settings=settings)
    two = ingest(inputs, tmp_path / "two.duckdb", workers=2, settings=settings)
    expected = one_worker["tables"]
    # The inputs exercise every path: coded articles, duplicates, failures.
    assert len(expected["articles"]) >= 40 and len(expected["events"]) > 0
    assert len(expected["failures"]) >= 2 and one_worker["summary"].duplicates >= 1
    assert any(row[15] is not None for row in expected["articles"]), "no near-duplicate"
    for table in ORDER:
        assert two["tables"][table] == expected[table], table
    counted = ("documents", "stored", "duplicates", "near_duplicates", "failed", "events")
    for name in counted:
        assert getattr(two["summary"], name) == getattr(one_worker["summary"], name), name
    # Coded in the pool, not here (a worker slow to start may have had no chunk), each
    # process with its peak memory.
    pids = [w.pid for w in two["summary"].workers]
    assert 1 <= len(set(pids)) <= 2 and os.getpid() not in pids
    assert all(w.peak_rss_bytes > 50 * 2**20 for w in two["summary"].workers)
    assert [w.pid for w in one_worker["summary"].workers] == [os.getpid()]


def test_an_input_of_one_batch_is_coded_without_a_pool():
    documents = list(read_documents([str(WIKINEWS)], settings=Settings()))[:3]
    chunks = list(parallel.code_chunks(documents, settings=Settings(batch_size=5), workers=2))
    assert multiprocessing.active_children() == []
    assert [c.memory.pid for c in chunks if c.memory] == [os.getpid()]
    assert [_origin(r) for c in chunks for r in c.results] == [d.origin for d in documents]


@pytest.mark.parametrize(("given", "expected"), [(1, 1), (3, 3), (None, os.cpu_count() or 1)])
def test_workers_default_to_one_per_core(given: int | None, expected: int):
    assert parallel.resolve_workers(given) == expected


def test_zero_workers_is_refused():
    with pytest.raises(UsageError, match="at least 1, not 0"):
        parallel.resolve_workers(0)


# -- a worker that dies --------------------------------------------------------------------------


def _crash_on_poison(chunk: Sequence[Item], settings: Settings, published: object):
    """Runs in a worker: dies like a segfault when its chunk holds the poisoned document."""
    if any(isinstance(i, RawDocument) and "POISON" in i.content for i in chunk):
        os._exit(70)
    return parallel._code_chunk(chunk, settings, None)


def _documents(count: int) -> list[RawDocument]:
    documents = [d for d in read_documents([str(WIKINEWS)], settings=Settings())]
    return documents[:count]  # type: ignore[return-value]


def _results(chunks: list[parallel.CodedChunk]) -> list[CodedArticle | Failure]:
    return [r for c in chunks for r in c.results]


@pytest.mark.slow
def test_a_chunk_that_kills_its_worker_twice_becomes_failures_and_the_rest_is_coded():
    documents = _documents(12)
    poisoned = RawDocument(origin="poison.txt", content="POISON. " * 20, format="text")
    items = [*documents[:5], poisoned, *documents[5:]]  # chunks of 3: the second holds it
    settings = Settings(batch_size=3)
    chunks = list(
        parallel._pooled(
            parallel._chunked(items, size=3),
            workers=2,
            settings=settings,
            published=None,
            task=_crash_on_poison,
        )
    )
    results = _results(chunks)
    assert [_origin(r) for r in results] == [i.origin for i in items]  # each once, in order
    died = [r for r in results if isinstance(r, Failure)]
    assert [f.source for f in died] == [i.origin for i in items[3:6]]
    assert {f.error for f in died} == {parallel.WORKER_DIED}
    assert all("--workers 1" in f.message and f.transient for f in died)
    coded = [r for r in results if isinstance(r, CodedArticle)]
    alone = parallel._code_chunk([*items[:3], *items[6:]], settings, None).results
    assert [c.article.id for c in coded] == [c.article.id for c in alone]  # type: ignore[union-attr]
    assert [c.events for c in coded] == [c.events for c in alone]  # type: ignore[union-attr]
    assert multiprocessing.active_children() == []


def _origin(result: CodedArticle | Failure) -> str:
    return result.source if isinstance(result, Failure) else result.article.origin


def _killing(items: list[RawDocument], *, at: int) -> Iterator[RawDocument]:
    """``items``, killing a pool worker with SIGKILL just before yielding item ``at``."""
    for n, item in enumerate(items):
        if n == at:
            children = multiprocessing.active_children()
            assert children, "no worker to kill"
            os.kill(children[0].pid, signal.SIGKILL)  # type: ignore[arg-type]
        yield item


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_no_document():
    documents = _documents(20)
    settings = Settings(batch_size=4)  # with 2 workers, 4 chunks of 4 are in flight
    chunks = list(parallel.code_chunks(_killing(documents, at=17), settings=settings, workers=2))
    results = _results(chunks)
    assert [_origin(r) for r in results] == [d.origin for d in documents]
    # Each chunk the dead pool held ran again alone, so every document is coded, as in-process.
    reference = parallel._code_chunk(documents, settings, None).results
    assert all(isinstance(r, CodedArticle) for r in results)
    assert [r.events for r in results] == [r.events for r in reference]  # type: ignore[union-attr]
    # More processes than the two first workers coded: the replacements reported too.
    assert len({c.memory.pid for c in chunks if c.memory}) > 2
    assert multiprocessing.active_children() == []


# -- the parent killed ---------------------------------------------------------------------------


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_workers_exit_when_the_ingest_is_killed_and_a_rerun_completes(tmp_path: Path):
    folder = tmp_path / "many"
    folder.mkdir()
    count = 240
    for i in range(count):
        words = " ".join(f"w{i}x{j}" for j in range(60))
        (folder / f"{i:04d}.txt").write_text(f"Story number {i} reports that {words}.")
    db = tmp_path / "news.duckdb"
    command = [sys.executable, "-m", "newsevents", "ingest", str(folder), "--db", str(db)]
    command += ["--batch-size", "10", "--workers", "2"]
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    seen = 0
    while seen < 3:  # a few committed batches (the test timeout bounds the wait)
        line = process.stderr.readline()  # type: ignore[union-attr]
        assert line, "the ingest ended before reporting progress"
        seen += line.startswith("Ingesting:")
    workers = _children(process.pid)
    assert len(workers) >= 2  # the pool (and multiprocessing's resource tracker)
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 60
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not any(_alive(w) for w in workers), "workers outlived their killed parent"
    with duckdb.connect(str(db), read_only=True) as con:
        assert 0 < con.execute("SELECT count(*) FROM articles").fetchone()[0] < count  # type: ignore[index]
    rerun = subprocess.run(command, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchall() == [
            (count, count)
        ]
        statuses = con.execute("SELECT status FROM runs ORDER BY id").fetchall()
    assert statuses == [("interrupted",), ("completed",)]


@pytest.mark.slow
def test_a_model_missing_in_the_workers_is_one_clear_error_not_failures():
    documents = _documents(4)
    settings = Settings(batch_size=2, model="no_such_model_xyz")
    with pytest.raises(NewsEventsError, match="no_such_model_xyz"):
        list(parallel.code_chunks(documents, settings=settings, workers=2))
    # The pool is stopped; a killed worker can take a moment to be reaped.
    deadline = time.monotonic() + 60
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert multiprocessing.active_children() == []
