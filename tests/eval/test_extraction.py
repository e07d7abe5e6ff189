"""The extraction scorer on hand-made pairs, and the suite against its pinned floor."""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from newsevents.eval.extraction import (
    ExtractionReport,
    bag_of_tokens,
    harmonic_mean,
    run_extraction_suite,
    score_bags,
    score_text,
)

FLOORS = Path(__file__).resolve().parents[2] / "eval" / "floors.toml"


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        ("The cat, the HAT.", 1, {"the": 2, "cat": 1, "hat": 1}),
        ("Bogotá — São Paulo", 1, {"bogotá": 1, "são": 1, "paulo": 1}),
        ("it's 25%", 1, {"it": 1, "s": 1, "25": 1}),
        ("", 1, {}),
        ("!!! ...", 1, {}),
        ("a b c d e", 4, {"a b c d": 1, "b c d e": 1}),
        ("a b", 4, {"a b": 1}),  # shorter than a shingle: one shingle
        ("", 4, {}),
    ],
)
def test_bag_of_tokens(text: str, n: int, expected: dict[str, int]) -> None:
    assert bag_of_tokens(text, n=n) == Counter(expected)


@pytest.mark.parametrize(
    ("gold", "predicted", "precision", "recall", "f1"),
    [
        ("a b c d", "a b c d", 1.0, 1.0, 1.0),
        ("a b c d", "D c B a", 1.0, 1.0, 1.0),  # a bag: order and case do not count
        ("a b c d", "a b", 1.0, 0.5, 2 / 3),
        ("a b", "a b c d", 0.5, 1.0, 2 / 3),
        ("a a b", "a b b", 2 / 3, 2 / 3, 2 / 3),  # multiset intersection: one a, one b
        ("a b c d", "a x y z w", 0.2, 0.25, 2 * 0.2 * 0.25 / 0.45),
        ("a b", "x y", 0.0, 0.0, 0.0),
        ("", "", 1.0, 1.0, 1.0),  # nothing to find, nothing found
        ("a b", "", 0.0, 0.0, 0.0),
        ("", "a b", 0.0, 0.0, 0.0),
        ("...", "!!!", 1.0, 1.0, 1.0),  # no tokens on either side
    ],
)
def test_score_text(gold: str, predicted: str, precision: float, recall: float, f1: float) -> None:
    score = score_text(gold, predicted)
    assert score.precision == pytest.approx(precision)
    assert score.recall == pytest.approx(recall)
    assert score.f1 == pytest.approx(f1)


def test_score_shingles() -> None:
    # gold shingles: "a b c d", "b c d e"; predicted: "a b c d", "b c d x"
    score = score_text("a b c d e", "a b c d x", n=4)
    assert (score.precision, score.recall, score.f1) == (0.5, 0.5, 0.5)


def test_score_bags_matches_score_text() -> None:
    assert score_bags(Counter("aab"), Counter("ab")) == score_text("a a b", "a b")


@pytest.mark.parametrize(
    ("precision", "recall", "expected"),
    [(1.0, 1.0, 1.0), (0.5, 1.0, 2 / 3), (0.0, 0.0, 0.0), (0.0, 1.0, 0.0)],
)
def test_harmonic_mean(precision: float, recall: float, expected: float) -> None:
    assert harmonic_mean(precision, recall) == pytest.approx(expected)


def _tiny_suite(tmp_path: Path) -> Path:
    """Two pages: one extracts exactly, one has no article and scores zero."""
    import gzip

    body = (
        "The foreign minister met her counterpart in Bogotá on Thursday to discuss migration "
        "and security cooperation between the two countries."
    )
    pages = {
        "good": (f"<html><body><article><h1>Talks</h1><p>{body}</p></article></body></html>", body),
        "empty": ("<html><body></body></html>", "Some gold text."),
    }
    (tmp_path / "html").mkdir()
    gold = {}
    for page_id, (html, text) in pages.items():
        (tmp_path / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode()))
        gold[page_id] = {"articleBody": text, "url": f"https://example.com/{page_id}"}
    (tmp_path / "ground-truth.json").write_text(json.dumps(gold), encoding="utf-8")
    return tmp_path


def test_suite_on_a_tiny_set(tmp_path: Path) -> None:
    report = run_extraction_suite(_tiny_suite(tmp_path), worst=1)
    assert report.pages == 2
    assert (report.mean_precision, report.mean_recall, report.mean_f1) == (0.5, 0.5, 0.5)
    assert report.f1 == report.f1_of_means == 0.5
    assert [row.id for row in report.rows] == ["empty", "good"]
    assert report.rows[0].error and report.rows[0].error.startswith("NoArticleContent")
    assert [row.id for row in report.worst] == ["empty"]
    data = json.loads(json.dumps(report.to_dict()))
    assert data["f1"] == 0.5 and data["pages"] == 2 and len(data["rows"]) == 2


def _read_floor() -> float:
    with FLOORS.open("rb") as handle:
        return float(tomllib.load(handle)["extraction"]["f1"])


def test_floor_is_pinned() -> None:
    assert 0.95 <= _read_floor() <= 1.0


@pytest.mark.slow
@pytest.mark.shared_data
def test_extraction_suite_meets_its_floor(shared_data: Path) -> None:
    data_dir = shared_data / "extraction" / "scrapinghub"
    if not (data_dir / "ground-truth.json").exists():
        pytest.skip(f"benchmark pages not found at {data_dir} (set NEWSEVENTS_SHARED_DATA)")
    report = run_extraction_suite(data_dir)
    assert isinstance(report, ExtractionReport)
    assert report.pages == 181
    worst = ", ".join(f"{row.id[:8]}={row.f1:.2f}" for row in report.worst)
    assert report.f1 >= _read_floor(), f"F1 {report.f1:.4f} below the floor; worst: {worst}"
