"""The store: runs, idempotent batches, near-duplicate links, failures, locks and crashes."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import duckdb
import pytest

from newsevents import __version__
from newsevents.config import Settings
from newsevents.errors import DatabaseLocked, EmptyDocument, HTTPStatusError, StoreError
from newsevents.ingest.dedup import NUM_BANDS, content_id
from newsevents.records import Article, CodedArticle, Failure, RunSummary
from newsevents.store import Outcome, Store
from tests.ingest.test_dedup import fixture, wire_copy
from tests.store import _writer

SETTINGS = Settings()
WIRE = fixture("wire-story.txt")
COPY = wire_copy(edits=3)


def article(text: str, origin: str = "a.txt", **fields: object) -> Article:
    return Article(id=content_id(text), text=text, origin=origin, **fields)  # type: ignore[arg-type]


def uncoded(articles: list[Article]) -> list[CodedArticle]:
    """Articles as stage 6 hands them over when no event was coded."""
    return [CodedArticle(a) for a in articles]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "news.duckdb") as opened:
        yield opened


def write(store: Store, *batches: list[Article], failures: list[Failure] | None = None) -> int:
    """A run writing ``batches`` in order; its id."""
    run_id = store.start_run(command="ingest", sources=["test"], settings=SETTINGS)
    for batch in batches:
        store.write_batch(run_id, uncoded(batch), failures or [], settings=SETTINGS)
    store.finish_run(run_id, status="completed")
    return run_id


def rows(store: Store, sql: str) -> list[tuple]:
    return store._con.execute(sql).fetchall()


# -- articles and sightings ------------------------------------------------------------------------


def test_article_fields_round_trip(store: Store):
    stored = article(
        WIRE,
        "feeds/wire.xml",
        title="Border crossing to reopen",
        published=dt.date(2024, 3, 14),
        published_from="feed",
        url="https://example.org/a",
        source="example.org",
        original_source="Wire",
        author="A. Writer",
        language="en",
        external_id="w-1",
        notes=("invalid UTF-8 replaced",),
    )
    run_id = write(store, [stored])
    [row] = store.articles(include_text=True).to_pylist()
    expected = {k: v for k, v in asdict(stored).items() if k != "notes"}
    assert {k: row[k] for k in expected} == expected
    assert row["notes"] == ["invalid UTF-8 replaced"]
    assert row["word_count"] == len(WIRE.split())
    assert (row["first_run"], row["duplicate_of"], row["similarity"]) == (run_id, None, None)
    assert "text" not in store.articles().column_names


@pytest.mark.parametrize(
    ("batches", "sightings", "outcomes"),
    [
        ([["a.txt", "b.txt"]], 2, ["stored", "duplicate"]),
        ([["a.txt"], ["b.txt"]], 2, ["stored", "duplicate"]),
        ([["a.txt", "a.txt"]], 1, ["stored", "duplicate"]),
        ([["a.txt"], ["a.txt"]], 1, ["stored", "duplicate"]),
    ],
    ids=["two-origins-one-batch", "two-origins-two-batches", "same-origin", "same-origin-again"],
)
def test_same_article_twice_is_one_row(
    store: Store, batches: list[list[str]], sightings: int, outcomes: list[str]
):
    run_id = store.start_run(command="ingest", sources=[], settings=SETTINGS)
    results = [
        store.write_batch(
            run_id, uncoded([article(WIRE, o) for o in origins]), [], settings=SETTINGS
        )
        for origins in batches
    ]
    assert [o.outcome for r in results for o in r.outcomes] == outcomes
    assert store.article_count() == 1
    assert store.counts()["sightings"] == sightings


def test_rewriting_a_batch_stores_nothing_new(store: Store):
    batch = [article(WIRE, "w.txt"), article(COPY, "c.txt"), article(fixture("election-a.txt"))]
    write(store, batch)
    before = store.counts()
    run_id = store.start_run(command="ingest", sources=[], settings=SETTINGS)
    result = store.write_batch(run_id, uncoded(batch), [], settings=SETTINGS)
    assert (result.stored, result.near_duplicates, result.duplicates) == (0, 0, 3)
    assert store.counts() == {**before, "runs": 2}


def test_empty_batch_is_fine(store: Store):
    run_id = store.start_run(command="ingest", sources=[], settings=SETTINGS)
    result = store.write_batch(run_id, [], [], settings=SETTINGS)
    assert (result.stored, result.duplicates, result.failed, result.outcomes) == (0, 0, 0, ())


# -- near duplicates -------------------------------------------------------------------------------


def near_duplicate_rows(store: Store) -> dict[str, tuple[str | None, float | None]]:
    table = store.articles().to_pylist()
    return {r["id"]: (r["duplicate_of"], r["similarity"]) for r in table}


@pytest.mark.parametrize("split", [False, True], ids=["one-batch", "two-runs"])
def test_near_duplicate_is_stored_and_linked_to_the_first(store: Store, split: bool):
    first, copy = article(WIRE, "wire.txt"), article(COPY, "copy.txt")
    if split:
        write(store, [first])
        write(store, [copy])
    else:
        write(store, [first, copy])
    links = near_duplicate_rows(store)
    assert links[first.id] == (None, None)
    assert links[copy.id][0] == first.id
    assert links[copy.id][1] >= SETTINGS.near_duplicate_threshold
    assert store.articles(include_duplicates=False)["id"].to_pylist() == [first.id]


def test_batch_outcomes_name_the_first(store: Store):
    run_id = store.start_run(command="ingest", sources=[], settings=SETTINGS)
    batch = [article(WIRE), article(COPY, "c.txt"), article(WIRE, "again.txt")]
    result = store.write_batch(run_id, uncoded(batch), [], settings=SETTINGS)
    assert result.outcomes == (
        Outcome(batch[0].id, "stored"),
        Outcome(batch[1].id, "near_duplicate", batch[0].id),
        Outcome(batch[0].id, "duplicate"),
    )
    assert (result.stored, result.near_duplicates, result.duplicates) == (1, 1, 1)


#: Edits that move the copy further from the wire story, one word each.
FURTHER_EDITS = [
    ("lorries", "trucks"),
    ("grain and fuel", "grain and oil"),
    ("coastal city", "port city"),
    ("three days", "four days"),
    ("Saturday\nmorning", "Sunday\nmorning"),
]


def second_copy() -> str:
    """A copy of :data:`COPY` close to it but too far from the wire story itself."""
    text = COPY
    for old, new in FURTHER_EDITS:
        assert old in text
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize("split", [False, True], ids=["one-batch", "three-runs"])
def test_copy_of_a_copy_links_to_the_first_not_to_the_copy(store: Store, split: bool):
    from newsevents.ingest.dedup import signature, similarity

    again = second_copy()
    threshold = SETTINGS.near_duplicate_threshold
    assert similarity(signature(again), signature(COPY)) >= threshold
    assert similarity(signature(again), signature(WIRE)) < threshold
    batch = [article(WIRE, "w.txt"), article(COPY, "c.txt"), article(again, "c2.txt")]
    if split:
        for item in batch:
            write(store, [item])
    else:
        write(store, batch)
    links = near_duplicate_rows(store)
    assert links[batch[2].id][0] == batch[0].id
    # The similarity recorded is to the article linked, below the threshold here.
    assert links[batch[2].id][1] == similarity(signature(again), signature(WIRE))


def test_different_stories_on_one_topic_are_both_stored(store: Store):
    batch = [article(fixture("election-a.txt")), article(fixture("election-b.txt"), "b.txt")]
    write(store, batch)
    assert [r[0] for r in near_duplicate_rows(store).values()] == [None, None]


def test_every_stored_article_has_its_signature_and_bands(store: Store):
    write(store, [article(WIRE), article(COPY, "c.txt"), article("Short text.", "s.txt")])
    [(missing,)] = rows(
        store,
        "SELECT count(*) FROM articles a "
        "LEFT JOIN article_signatures s ON s.article_id = a.id WHERE s.article_id IS NULL",
    )
    assert missing == 0
    per_article = rows(store, "SELECT count(*) FROM article_bands GROUP BY article_id")
    assert per_article == [(NUM_BANDS,)] * 3


# -- runs and failures -----------------------------------------------------------------------------


FAILURES = [
    Failure.from_exception(EmptyDocument("empty.txt: empty"), source="empty.txt", stage="ingest"),
    Failure.from_exception(
        HTTPStatusError("https://x.org: 503", status=503), source="https://x.org", stage="fetch"
    ),
    Failure(
        source="odd.html",
        stage="extract",
        error="ValueError",
        message="unexpected error (please report it): boom",
        at=dt.datetime(2024, 5, 3, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    ),
]


@pytest.mark.parametrize("failure", FAILURES, ids=lambda f: f.error)
def test_failures_are_recorded_with_their_fields(store: Store, failure: Failure):
    run_id = write(store, [], failures=[failure])
    [row] = store.failures().to_pylist()
    assert row["run_id"] == run_id
    for name in ("source", "stage", "error", "message", "transient"):
        assert row[name] == getattr(failure, name)
    assert row["failed_at"] == failure.at.astimezone(dt.UTC).replace(tzinfo=None)


def test_failures_default_to_the_latest_run(store: Store):
    first = write(store, [], failures=FAILURES[:2])
    write(store, [], failures=FAILURES[2:])
    assert store.failures()["source"].to_pylist() == ["odd.html"]
    assert store.failures(run_id=first)["source"].to_pylist() == ["empty.txt", "https://x.org"]
    write(store, [article(WIRE)])
    assert store.failures().num_rows == 0


def test_run_is_recorded_with_counts_kept_batch_by_batch(store: Store):
    settings = Settings(batch_size=7)
    run_id = store.start_run(command="ingest", sources=["a/", "b.txt"], settings=settings)
    batch = uncoded([article(WIRE), article(COPY, "c")])
    store.write_batch(run_id, batch, FAILURES[:1], settings=settings)
    store.write_batch(run_id, uncoded([article(WIRE, "again")]), [], settings=settings)
    [row] = store.runs().to_pylist()
    assert row["status"] == "running" and row["finished_at"] is None
    counts = {k: row[k] for k in ("documents", "stored", "duplicates", "near_duplicates", "failed")}
    assert counts == {
        "documents": 4,
        "stored": 1,
        "duplicates": 1,
        "near_duplicates": 1,
        "failed": 1,
    }
    assert (row["command"], row["sources"], row["code_version"]) == (
        "ingest",
        ["a/", "b.txt"],
        __version__,
    )
    assert json.loads(row["settings"]) == json.loads(json.dumps(asdict(settings), default=str))
    store.finish_run(run_id, status="completed")
    [row] = store.runs().to_pylist()
    assert row["status"] == "completed" and row["finished_at"] >= row["started_at"]
    assert row["documents"] == 4


def test_finish_run_with_counts_replaces_them(store: Store):
    run_id = store.start_run(command="ingest", sources=[], settings=SETTINGS)
    summary = RunSummary(run_id=run_id, documents=5, stored=3, duplicates=1, failed=1)
    store.finish_run(run_id, status="failed", counts=summary)
    [row] = store.runs().to_pylist()
    assert (row["status"], row["documents"], row["stored"], row["failed"]) == ("failed", 5, 3, 1)


def test_finish_run_refuses_an_unknown_status(store: Store):
    run_id = store.start_run(command="ingest", sources=[], settings=SETTINGS)
    with pytest.raises(ValueError, match="'done'"):
        store.finish_run(run_id, status="done")  # type: ignore[arg-type]


def test_a_new_run_marks_a_stale_running_run_interrupted(store: Store):
    stale = store.start_run(command="ingest", sources=[], settings=SETTINGS)
    done = write(store, [])
    fresh = store.start_run(command="ingest", sources=[], settings=SETTINGS)
    status = {r["id"]: r["status"] for r in store.runs().to_pylist()}
    assert status == {stale: "interrupted", done: "completed", fresh: "running"}
    assert store.runs()["id"].to_pylist() == [fresh, done, stale]


def test_read_only_store_refuses_to_write(store: Store):
    write(store, [article(WIRE)])
    store.close()
    with Store.open(store.path, read_only=True) as reader:
        assert reader.article_count() == 1
        with pytest.raises(StoreError, match="read-only"):
            reader.start_run(command="ingest", sources=[], settings=SETTINGS)


def test_articles_limit_keeps_ingest_order(store: Store):
    texts = [fixture("election-b.txt"), WIRE, fixture("election-a.txt")]
    write(store, [article(t, f"{i}.txt") for i, t in enumerate(texts)])
    assert store.articles(limit=2)["origin"].to_pylist() == ["0.txt", "1.txt"]


# -- other processes -------------------------------------------------------------------------------

HOLDER = """
import sys
from pathlib import Path
from newsevents.store import Store
with Store.open(Path(sys.argv[1])):
    print("ready", flush=True)
    sys.stdin.readline()
"""


@pytest.mark.parametrize("read_only", [False, True])
def test_file_held_by_another_process_is_database_locked(tmp_path: Path, read_only: bool):
    path = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(DatabaseLocked) as caught:
            Store.open(path, read_only=read_only)
    finally:
        holder.communicate("\n", timeout=30)
    message = str(caught.value)
    assert f"{path} is in use by another newsevents process (pid {holder.pid}: " in message
    assert " -c import sys from pathlib" in message  # its command line, on one line
    assert caught.value.holder == holder.pid
    assert "wait for it to finish or use another --db" in message
    assert caught.value.transient
    Store.open(path).close()  # free again once the holder is gone


WRITER = Path(_writer.__file__)
TOTAL, BATCH = 400, 10


def run_writer(db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(db), str(TOTAL), str(BATCH)],
        stdout=subprocess.PIPE,
        text=True,
    )


def check_consistent(db: Path) -> dict[str, int]:
    """Every article complete; run counts match the rows. The counts of the file."""
    with duckdb.connect(str(db), read_only=True) as con:
        [(incomplete,)] = con.execute(
            """
            SELECT count(*) FROM articles a
            LEFT JOIN article_signatures s ON s.article_id = a.id
            LEFT JOIN (SELECT article_id, count(*) AS n FROM article_bands GROUP BY article_id) b
                ON b.article_id = a.id
            LEFT JOIN article_sightings o ON o.article_id = a.id AND o.origin = a.origin
            WHERE s.article_id IS NULL OR b.n IS DISTINCT FROM ? OR o.article_id IS NULL
            """,
            [NUM_BANDS],
        ).fetchall()
        assert incomplete == 0
        [(dangling,)] = con.execute(
            "SELECT count(*) FROM articles a LEFT JOIN articles f ON f.id = a.duplicate_of "
            "WHERE a.duplicate_of IS NOT NULL AND (f.id IS NULL OR f.duplicate_of IS NOT NULL)"
        ).fetchall()
        assert dangling == 0
        [(mismatched,)] = con.execute(
            """
            SELECT count(*) FROM runs r
            WHERE r.stored + r.near_duplicates
                    != (SELECT count(*) FROM articles WHERE first_run = r.id)
               OR r.failed != (SELECT count(*) FROM failures WHERE run_id = r.id)
            """
        ).fetchall()
        assert mismatched == 0
    with Store.open(db, read_only=True) as store:
        return store.counts()


@pytest.mark.slow
def test_kill_9_mid_run_leaves_a_consistent_file_and_a_rerun_completes(tmp_path: Path):
    db = tmp_path / "crash.duckdb"
    writer = run_writer(db)
    assert writer.stdout is not None
    lines = [writer.stdout.readline().strip() for _ in range(3)]
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    assert lines == [f"committed {BATCH * i}" for i in (1, 2, 3)]

    counts = check_consistent(db)
    assert 3 * BATCH <= counts["articles"] + counts["failures"] < TOTAL  # committed, not finished
    with Store.open(db, read_only=True) as store:
        assert store.runs()["status"].to_pylist() == ["running"]

    out, _ = run_writer(db).communicate(timeout=300)
    assert out.splitlines()[-1] == "done"
    check_consistent(db)
    items = _writer.synthetic_items(TOTAL)
    expected = [a for a in items if isinstance(a, Article)]
    with Store.open(db, read_only=True) as store:
        stored = store.articles()["id"].to_pylist()
        runs = sorted(store.runs().to_pylist(), key=lambda r: r["id"])
    assert stored == [a.id for a in expected]  # each exactly once, in order
    assert [r["status"] for r in runs] == ["interrupted", "completed"]
    assert sum(r["near_duplicates"] for r in runs) > 0
    assert runs[1]["failed"] == TOTAL - len(expected)  # failures are recorded again, per run
    assert runs[0]["stored"] + runs[1]["stored"] + sum(r["near_duplicates"] for r in runs) == len(
        expected
    )


@pytest.mark.parametrize(
    ("raised", "expected"),
    [(duckdb.IOException("disk full"), StoreError), (KeyboardInterrupt(), KeyboardInterrupt)],
    ids=["database-error", "interrupt"],
)
def test_a_batch_that_fails_half_way_leaves_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch, raised: BaseException, expected: type
):
    run_id = store.start_run(command="ingest", sources=[], settings=SETTINGS)

    def fail(*args: object, **kwargs: object) -> None:
        raise raised

    # Sightings are written after the articles, signatures and bands of the batch.
    monkeypatch.setattr("newsevents.store.db._sightings", fail)
    with pytest.raises(expected):
        store.write_batch(run_id, uncoded([article(WIRE)]), FAILURES[:1], settings=SETTINGS)
    monkeypatch.undo()
    assert store.counts() == {
        "articles": 0,
        "near_duplicates": 0,
        "sightings": 0,
        "failures": 0,
        "runs": 1,
        "events": 0,
    }
    assert rows(store, "SELECT count(*) FROM article_bands") == [(0,)]
    result = store.write_batch(run_id, uncoded([article(WIRE)]), [], settings=SETTINGS)
    assert result.stored == 1
