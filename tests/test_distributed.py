"""`newsevents run`: the Ray engine (a local Ray with 2 CPUs, one session for the module) and the
in-process engine write the same Parquet dataset, with the events `newsevents code` gives; a
re-run replaces it, a killed worker's batch is redone once (twice killed, it is failures), and
`load` stores what `ingest` stores."""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.dataset as pads
import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsevents import api, distributed
from newsevents.cli import app
from newsevents.config import Settings
from newsevents.errors import SetupError
from newsevents.pipeline import code_documents
from newsevents.records import CodedArticle, Failure
from newsevents.store import Store
from newsevents.store.rows import EVENT_SCHEMA

# One Ray session codes the corpus once for the module; on a busy 2-core machine that alone can
# pass the suite's 600 s default.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

WIKINEWS = Path(distributed.__file__).parent / "examples" / "wikinews.jsonl"
JSONL_DOCS, WARC_DOCS = 16, 8  # two dozen documents and a bad line


def _wikinews() -> list[dict[str, Any]]:
    return [json.loads(line) for line in WIKINEWS.read_text(encoding="utf-8").splitlines()]


def _write_corpus(folder: Path) -> Path:
    """A JSONL shard (dated, undated and one bad line) and a gzipped WARC shard of pages."""
    folder.mkdir()
    stories = _wikinews()
    with (folder / "a.jsonl").open("w", encoding="utf-8") as handle:
        for n, story in enumerate(stories[:JSONL_DOCS]):
            if n % 3 < 2:
                story = {**story, "published": ["2025-03-14", "2024-11-02"][n % 3]}
            handle.write(json.dumps(story) + "\n")
        handle.write("{not json\n")
    with (folder / "b.warc.gz").open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for n, story in enumerate(stories[JSONL_DOCS : JSONL_DOCS + WARC_DOCS]):
            paragraphs = "".join(f"<p>{p}</p>" for p in story["text"].split("\n") if p.strip())
            page = (
                f"<html><head><title>{story['title']}</title></head><body><article>"
                f"<h1>{story['title']}</h1>{paragraphs}</article></body></html>"
            )
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                f"https://news.example/{n}",
                "response",
                payload=io.BytesIO(page.encode()),
                http_headers=http,
            )
            writer.write_record(record)
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_corpus(tmp_path_factory.mktemp("job") / "in")


@pytest.fixture(scope="module")
def reference(corpus: Path) -> dict[str, Any]:
    """What `newsevents code` gives for the corpus: events by origin, and the failed origins."""
    coded: dict[str, tuple[str, frozenset[tuple]]] = {}
    failed = []
    for item in code_documents([str(corpus)], settings=Settings()):
        if isinstance(item, Failure):
            failed.append(item.source)
        else:
            assert isinstance(item, CodedArticle)
            events = frozenset(_event_key(_as_row(e)) for e in item.events)
            coded[item.article.origin] = (item.article.id, events)
    assert len(coded) == JSONL_DOCS + WARC_DOCS and len(failed) == 1
    assert sum(len(events) for _, events in coded.values()) > 20  # the comparison has teeth
    return {"coded": coded, "failed": sorted(failed)}


def _as_row(event: Any) -> dict[str, Any]:
    return {
        "id": event.id,
        "cameo": event.cameo,
        "modality": event.modality,
        "source_code": event.source.code,
        "target_code": event.target.code if event.target else None,
        "date": event.date,
        "location_name": event.location.name if event.location else None,
    }


def _event_key(row: dict[str, Any]) -> tuple:
    return tuple(
        row[k]
        for k in ("id", "cameo", "modality", "source_code", "target_code", "date", "location_name")
    )


def _table(out: Path, name: str) -> list[dict[str, Any]]:
    folder = out / name
    files = sorted(folder.rglob("*.parquet"))
    if not files:
        return []
    return pads.dataset(str(folder), format="parquet", partitioning="hive").to_table().to_pylist()


def _dataset_view(out: Path) -> dict[str, Any]:
    """The dataset as the reference is shaped, plus each origin's count (to catch doubles)."""
    articles = _table(out, "articles")
    events: dict[str, set[tuple]] = {}
    for row in _table(out, "events"):
        events.setdefault(row["article_id"], set()).add(_event_key(row))
    coded = {a["origin"]: (a["id"], frozenset(events.get(a["id"], ()))) for a in articles}
    return {
        "coded": coded,
        "failed": sorted(f["source"] for f in _table(out, "failures")),
        "origin_counts": Counter(a["origin"] for a in articles),
        "months": {a["origin"]: a["month"] for a in articles},
        "event_rows": len(_table(out, "events")),
    }


@pytest.fixture(scope="module")
def ray_session() -> Iterator[Any]:
    ray = pytest.importorskip("ray", reason="Ray is not installed: pip install 'newsevents[ray]'")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def ray_out(ray_session: Any, corpus: Path) -> tuple[Path, distributed.RayJobSummary]:
    out = corpus.parent / "out"
    summary = distributed.run_ray([str(corpus)], out, settings=Settings(), batch_size=4)
    return out, summary


def test_ray_job_gives_the_events_code_gives(ray_out, reference):
    out, summary = ray_out
    view = _dataset_view(out)
    assert view["coded"] == reference["coded"]
    bad_line = f"{out.parent / 'in' / 'a.jsonl'}:{JSONL_DOCS + 1}"
    assert view["failed"] == reference["failed"] == [bad_line]
    assert max(view["origin_counts"].values()) == 1
    assert summary.documents == JSONL_DOCS + WARC_DOCS + 1
    assert summary.articles == JSONL_DOCS + WARC_DOCS and summary.failures == 1
    assert summary.events == view["event_rows"]
    assert {w.pid for w in summary.workers} and all(w.peak_rss_mb > 50 for w in summary.workers)
    assert summary.startup_s >= 0 and summary.process_s > 0


def test_ray_job_partitions_by_publication_month(ray_out):
    out, _ = ray_out
    months = _dataset_view(out)["months"]
    jsonl = str(out.parent / "in" / "a.jsonl")
    assert months[f"{jsonl}:1"] == "2025-03"
    assert months[f"{jsonl}:2"] == "2024-11"
    assert months[f"{jsonl}:3"] == "unknown"
    assert {p.name for p in (out / "events").iterdir()} <= {
        p.name for p in (out / "articles").iterdir()
    }
    assert not list(out.glob(".staging-*"))


def test_killed_worker_has_its_batch_redone_once(ray_out, reference, tmp_path):
    """A re-run of the same job into the same folder, with a worker killed mid-job."""
    out, first = ray_out
    pids = tmp_path / "pids"
    pids.mkdir()
    killed: list[int] = []
    killer = threading.Thread(target=_kill_first_busy_worker, args=(pids, killed), daemon=True)
    killer.start()
    probe = distributed.WorkerProbe(pid_dir=str(pids), pause_s=1.0)
    summary = distributed.run_ray(
        [str(out.parent / "in")], out, settings=Settings(), batch_size=4, probe=probe
    )
    killer.join(timeout=5)
    assert killed, "no worker was killed: the test proves nothing"
    started = {int(p.name) for p in pids.iterdir()}
    assert killed[0] in started and len(started) >= 3  # two workers, and the restarted one
    view = _dataset_view(out)
    assert max(view["origin_counts"].values()) == 1
    assert view["coded"] == reference["coded"]
    assert view["failed"] == reference["failed"]
    assert summary.events == first.events  # replaced, not added to


def test_a_batch_that_kills_its_worker_twice_becomes_failures(ray_session, tmp_path):
    """A poison document (its worker dies whenever it codes it): its batch is tried twice, then
    written as WorkerDied failures; the job ends and every other document is coded once."""
    stories = _wikinews()[:6]
    stories[3] = {**stories[3], "text": stories[3]["text"] + " POISON-7f3"}
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(s) + "\n" for s in stories), encoding="utf-8")
    out = tmp_path / "out"
    probe = distributed.WorkerProbe(die_on="POISON-7f3")
    summary = distributed.run_ray([str(source)], out, settings=Settings(), batch_size=2,
                                  probe=probe)  # fmt: skip
    failures = _table(out, "failures")
    assert sorted(f["source"] for f in failures) == [f"{source}:3", f"{source}:4"]  # its batch
    assert {f["error"] for f in failures} == {"WorkerDied"}
    assert all("--engine local" in f["message"] and f["transient"] for f in failures)
    view = _dataset_view(out)
    assert sorted(view["coded"]) == [f"{source}:{n}" for n in (1, 2, 5, 6)]
    assert max(view["origin_counts"].values()) == 1
    assert (summary.documents, summary.articles, summary.failures) == (6, 4, 2)
    assert not list(out.glob(".staging-*"))


def test_each_start_of_a_batch_is_counted(tmp_path):
    staging = str(tmp_path / ".staging-x")
    assert [distributed.started_before(staging, [5, 6]) for _ in range(3)] == [0, 1, 2]
    assert distributed.started_before(staging, [7, 8]) == 0  # another batch, its own count


def _kill_first_busy_worker(pids: Path, killed: list[int]) -> None:
    """SIGKILL the first worker that has finished a batch (it is then pausing inside its task)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        for path in pids.iterdir():
            if path.read_text().strip():
                pid = int(path.name)
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
        time.sleep(0.05)


def test_loading_the_dataset_stores_what_ingest_stores(ray_out, corpus, tmp_path):
    out, _ = ray_out
    loaded = api.load(out, db=tmp_path / "loaded.duckdb")
    ingested = api.ingest([str(corpus)], db=tmp_path / "ingested.duckdb")
    assert (loaded.stored, loaded.events, loaded.failed) == (
        ingested.stored,
        ingested.events,
        ingested.failed,
    )
    assert _stored(tmp_path / "loaded.duckdb") == _stored(tmp_path / "ingested.duckdb")
    again = api.load(out, db=tmp_path / "loaded.duckdb")
    assert (again.stored, again.events, again.duplicates) == (0, 0, loaded.stored)
    assert _stored(tmp_path / "loaded.duckdb") == _stored(tmp_path / "ingested.duckdb")


def _stored(db: Path) -> dict[str, Any]:
    with Store.open(db, read_only=True) as store:
        events = store.events().to_pylist()
        return {
            "articles": sorted(a["id"] for a in store.articles().to_pylist()),
            "events": sorted(_event_key(e) for e in events),
            "places": store.places().num_rows,
        }


# -- without Ray: the in-process engine, the layout, the message ---------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    stories = _wikinews()[:3]
    stories[0] = {**stories[0], "published": "2025-03-14"}
    path = folder / "three.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in stories), encoding="utf-8")
    return path


def test_rerun_replaces_the_dataset(small, tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["run", "--engine", "local", str(small), "--out", str(out), "--batch-size", "2"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "3 documents, 3 articles" in first.output
    before = _dataset_view(out)
    stale = out / "articles" / "month=1999-01" / "part-stale.parquet"
    stale.parent.mkdir()
    stale.write_bytes(next((out / "articles" / "month=2025-03").glob("*.parquet")).read_bytes())
    assert max(_dataset_view(out)["origin_counts"].values()) == 2  # the check sees doubles
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    after = _dataset_view(out)
    assert after["coded"] == before["coded"] and len(after["coded"]) == 3
    assert max(after["origin_counts"].values()) == 1
    assert not (out / "articles" / "month=1999-01").exists()
    assert not list(out.glob(".staging-*"))


def test_dataset_columns_are_the_stores(small, tmp_path):
    out = tmp_path / "out"
    distributed.run_local([str(small)], out, settings=Settings())
    with Store.open(tmp_path / "schema.duckdb"):
        pass
    con = duckdb.connect(str(tmp_path / "schema.duckdb"), read_only=True)
    try:
        for table in ("articles", "events", "places", "failures"):
            stored = {r[0]: r[1] for r in con.execute(f"DESCRIBE {table}").fetchall()}
            dataset = (
                con.execute(
                    f"DESCRIBE SELECT * FROM read_parquet('{out}/{table}/**/*.parquet', "
                    "hive_partitioning = false)"
                ).fetchall()
                if list((out / table).rglob("*.parquet"))
                else []
            )
            for name, kind, *_ in dataset:
                if (table, name) in {("articles", "coder"), ("failures", "seq")}:
                    continue  # what a loader needs that the database keeps elsewhere
                assert stored.get(name) == kind, (table, name, kind, stored.get(name))
    finally:
        con.close()
    events = pads.dataset(str(out / "events"), format="parquet").schema
    assert events.names == [n for n in EVENT_SCHEMA.names if n != "run_id"]


def test_without_ray_the_command_says_how_to_install_it(monkeypatch, small, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(SetupError, match=r"pip install 'newsevents\[ray\]'"):
        distributed.run_ray([str(small)], tmp_path / "out", settings=Settings())
    result = CliRunner().invoke(app, ["run", str(small), "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "pip install 'newsevents[ray]'" in str(result.exception) + result.output


def test_uri_inputs_are_read_through_pyarrow_filesystems(small, tmp_path):
    """file:// URIs take the path of s3:// ones (pyarrow.fs): gzipped JSONL and Parquet shards
    give the articles the local JSONL gives (ids come from the text alone)."""
    import gzip

    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl.gz").write_bytes(gzip.compress(small.read_bytes()))
    rows = [json.loads(line) for line in small.read_text(encoding="utf-8").splitlines()]
    pq.write_table(pa.Table.from_pylist(rows), folder / "b.parquet")
    out = tmp_path / "out"
    summary = distributed.run_local([folder.as_uri()], out.as_uri(), settings=Settings())
    expected = {
        c.article.id: c.article.published
        for c in code_documents([str(small)], settings=Settings())
        if isinstance(c, CodedArticle)
    }
    articles = _table(out, "articles")
    assert summary.documents == 6 and summary.failures == 0
    assert sorted(a["origin"] for a in articles) == [
        f"{folder.as_uri()}/a.jsonl.gz:{n}" for n in (1, 2, 3)
    ] + [f"{folder.as_uri()}/b.parquet[{n}]" for n in (0, 1, 2)]
    assert Counter(a["id"] for a in articles) == dict.fromkeys(expected, 2)
    assert all(a["published"] == expected[a["id"]] for a in articles)


def test_object_store_swap_moves_every_part(tmp_path):
    """On a filesystem without folder renames (S3, GCS) the staged parts move one by one."""
    import pyarrow.fs as pafs

    fs = pafs.SubTreeFileSystem(str(tmp_path), pafs.LocalFileSystem())
    for name in ("month=2025-03/part-a.parquet", "month=unknown/part-b.parquet"):
        (tmp_path / "staging" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "staging" / name).write_bytes(b"PAR1")
    distributed._move_tree(fs, "staging", "out/articles")
    moved = sorted(p.relative_to(tmp_path / "out").as_posix() for p in tmp_path.rglob("*.parquet"))
    assert moved == [
        "articles/month=2025-03/part-a.parquet",
        "articles/month=unknown/part-b.parquet",
    ]
