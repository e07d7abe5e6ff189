"""scripts/bench_pipeline.py runs end to end and reports every number it promises (no timing
is asserted: the numbers depend on the machine)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench_pipeline.py"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_pipeline", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_pipeline", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_bench_runs_on_three_articles() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--repeat", "1", "--articles", "3", "--batch", "2", "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    data = json.loads(result.stdout)
    assert (data["articles"], data["coded_articles"], data["repeat"]) == (3, 3, 1)
    assert data["words"] > 0
    for side in ("bare", "pipeline"):
        assert set(data[side]) >= {"seconds", "articles_per_s", "words_per_s"}
        assert data[side]["seconds"] > 0
    assert data["ratio"] > 0
    assert sum(stage["share"] for stage in data["stages"].values()) == pytest.approx(1, abs=1e-6)
    assert {"1 ingest", "2 parse", "other"} <= set(data["stages"])
    assert [n for n, _ in data["memory"]["rss_mb"]] == [2, 3]
    assert data["memory"]["peak_mb"] >= data["memory"]["peak_after_warm_up_mb"] > 0
    table = _script().render(data).splitlines()
    assert table[0].startswith("corpus: 3 articles x 1 = 3 articles")
    assert table[2].startswith("bare spaCy") and table[3].startswith("pipeline 1-6")
    assert table[4].startswith("ratio pipeline/bare:")


def test_rss_slope() -> None:
    slope = _script().slope_per_1000
    assert slope([(100, 500.0)]) is None
    # the first checkpoint is left out: 1 MB more per 100 articles after it
    assert slope([(100, 300.0), (200, 500.0), (300, 501.0), (400, 502.0)]) == pytest.approx(10)
    assert slope([(100, 300.0), (200, 500.0), (300, 500.0)]) == pytest.approx(0)
