"""scripts/bench_memory.py: its corpus and arithmetic, and an end-to-end run on a tiny size that
reports every number it promises (no memory or time threshold is asserted: those depend on the
machine and are the benchmark's to report)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench_memory.py"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_memory", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_memory", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_corpus_is_distinct_articles_of_example_sentences(tmp_path: Path) -> None:
    bench = _script()
    path = tmp_path / "a.jsonl"
    assert bench.write_jsonl(path, count=50) == 50
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len({row["id"] for row in rows}) == len({row["url"] for row in rows}) == 50
    assert len({row["text"] for row in rows}) == 50
    pool = bench.sentence_pool()
    assert len(pool) > 500
    for row in rows[:5]:
        assert any(row["text"].startswith(sentence) for sentence in pool)
        assert row["text"].count("\n\n") >= 1  # paragraphs
    # By size: stops at the first article past it.
    sized = tmp_path / "b.jsonl"
    bench.write_jsonl(sized, size_bytes=100_000)
    assert 100_000 <= sized.stat().st_size < 100_000 + 20_000


def test_articles_read_come_from_the_process_file_offset(tmp_path: Path) -> None:
    bench = _script()
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b"one\ntwo two\nthree\n")
    ends = bench.line_offsets(path)
    assert ends == [4, 12, 18]
    with path.open("rb", buffering=0) as handle:  # unbuffered: the offset is what was read
        assert bench._articles_read(os.getpid(), path, ends) == 0
        handle.read(4)
        assert bench._articles_read(os.getpid(), path, ends) == 1
        handle.read(10)
        assert bench._articles_read(os.getpid(), path, ends) == 2
    assert bench._articles_read(os.getpid(), path, ends) is None  # closed: not found


def test_slope_is_per_thousand_articles_after_the_warmup() -> None:
    bench = _script()
    growing = [bench.Sample(0, 100 + 0.5 * n / 100, n) for n in range(0, 5001, 100)]
    assert bench.slope_per_1000(growing, after=1000) == pytest.approx(5.0)
    flat = [bench.Sample(0, 300.0 if n else 900.0, n) for n in range(0, 5001, 100)]
    assert bench.slope_per_1000(flat, after=0) == 0  # the spike at 0 is the warm-up
    assert bench.slope_per_1000(flat[:2], after=0) is None  # too few points


@pytest.mark.slow
def test_bench_runs_on_a_tiny_size(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--size-mb",
            "2",
            "--articles",
            "12",
            "--workers",
            "1",
            "--path",
            str(tmp_path),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    data = json.loads(result.stdout)
    read, ingest = data["read"], data["ingest"]
    assert read["returncode"] == 0 and read["failures"] == 0
    assert read["articles_out"] == read["articles_in"] > 0
    assert 2.0 <= read["file_mb"] < 2.1
    assert read["peak_rss_mb"] > 0 and read["samples"] > 0
    assert set(read) >= {"seconds", "mb_per_s", "under_target", "slope_mb_per_1000_articles"}
    assert ingest["returncode"] == 0 and ingest["articles"] == 12
    assert ingest["peak_rss_mb"] > 0 and ingest["samples"] > 0
    assert read["rss_by_articles"] and read["rss_by_articles"][-1][0] <= read["articles_in"]
    # 12 articles are read in a blink, maybe between two samples: only the keys are certain.
    assert {"slope_mb_per_1000_articles", "rss_by_articles", "peak_tree_rss_mb"} <= set(ingest)
    assert (tmp_path / "bench-ingest.duckdb").exists()
