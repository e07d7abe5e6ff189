"""scripts/bench_scale.py runs end to end and reports every number it promises (no timing is
asserted: the numbers depend on the machine)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsevents.config import Settings

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench_scale.py"
FIELDS = {
    "engine",
    "workers",
    "articles",
    "words",
    "events",
    "seconds",
    "startup_s",
    "steady_articles_per_s",
    "peak_rss_mb",
    "events_digest",
    "articles_per_s",
    "words_per_s",
    "speedup",
    "efficiency",
}


@pytest.mark.slow
def test_bench_scale_runs_one_and_two_workers_on_four_articles() -> None:
    command = [sys.executable, str(SCRIPT), "--articles", "4", "--workers", "1,2"]
    command += ["--batch", "1", "--machines", "1,4", "--json"]
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600)
    data = json.loads(result.stdout)
    assert data["articles"] == 4 and data["words"] > 0
    runs = data["runs"]
    assert [(r["engine"], r["workers"]) for r in runs] == [("local", 1), ("local", 2)]
    for r in runs:
        assert set(r) >= FIELDS
        assert r["articles"] == 4 and r["seconds"] > 0 and r["articles_per_s"] > 0
        assert r["events"] > 0
        # A worker still loading its model when the others finish reports nothing.
        assert 1 <= len(r["peak_rss_mb"]) <= r["workers"] and min(r["peak_rss_mb"]) > 50
        assert r["efficiency"] == pytest.approx(r["speedup"] / r["workers"])
    assert runs[0]["speedup"] == pytest.approx(1.0)
    # Both runs coded the same events (and there were events to compare).
    assert runs[0]["events_digest"] == runs[1]["events_digest"] and data["same_events"]
    projection = data["projection"]
    assert set(projection["hours"]) == {"1", "4"}
    assert projection["hours"]["4"] == pytest.approx(projection["hours"]["1"] / 4, abs=0.01)
    assert projection["articles"] == 200_000


@pytest.mark.slow
def test_an_engine_that_is_not_there_is_named_and_skipped() -> None:
    command = [sys.executable, str(SCRIPT), "--articles", "2", "--workers", "1"]
    command += ["--engines", "local,nosuch"]
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600)
    assert "nosuch: unknown engine (choose from local, ray)" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("corpus: 2 articles")
    assert lines[2].split()[:2] == ["local", "1"]
    assert "same events in every run: yes" in result.stdout


def test_the_corpus_can_be_read_from_given_sources(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_scale", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_scale"] = bench  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    pages = tmp_path / "pages"
    pages.mkdir()
    for n, text in enumerate(["One two three.\n\nFour five.", "Six seven eight nine."]):
        (pages / f"{n}.txt").write_text(text)
    corpus = bench.write_corpus(
        tmp_path, articles=None, repeat=2, settings=Settings(), sources=[str(pages)]
    )
    lines = [json.loads(line) for line in corpus.shard.read_text().splitlines()]
    assert corpus.articles == 4 and len(lines) == 4
    assert [line["text"] for line in lines[:2]] == [line["text"] for line in lines[2:]]
    assert "Six seven eight nine." in lines[1]["text"]
