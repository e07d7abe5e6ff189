"""Body-extraction suite: :func:`~newsevents.ingest.html.extract_html` against the scrapinghub
article-extraction benchmark (``extraction/scrapinghub``: 181 news pages with hand-made bodies).

Scoring, per page, on bags of tokens (``\\w+``, Unicode, lowercased; a token that occurs twice
counts twice):

    precision = |predicted ∩ gold| / |predicted|     (multiset intersection)
    recall    = |predicted ∩ gold| / |gold|
    F1        = harmonic mean of the two (0 when nothing matches)

Edge cases: both texts empty → P = R = F1 = 1 (nothing to find, nothing found); exactly one empty
→ P = R = F1 = 0 (a page that yields no text counts against precision too).

Pages are then averaged two ways: ``mean_f1`` (the mean of per-page F1) and ``f1_of_means`` (the
F1 of mean precision and mean recall). The benchmark's published figures (trafilatura 2.0.0:
0.958) are F1 of means — its ``evaluate.py`` averages precision and recall over pages and only
then combines them — so the floor pins ``f1_of_means`` (:attr:`ExtractionReport.f1`). The
benchmark also scores 4-token shingles rather than single tokens; ``benchmark_f1`` repeats the
computation that way, so a figure comparable to the published table is at hand.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from newsevents.errors import NewsEventsError

_TOKEN = re.compile(r"\w+")  # str patterns match Unicode word characters
#: The benchmark's shingle length (its evaluate.py, ``ngram_n=4``).
BENCHMARK_SHINGLE = 4
#: Pages listed as the worst in a report: enough to see a pattern, few enough to read.
WORST_PAGES = 10


@dataclass(frozen=True, slots=True)
class Score:
    """Precision, recall and F1 of one predicted text against its gold text."""

    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class PageScore:
    """One page of the suite: its scores, sizes and the extraction error, if any."""

    id: str
    url: str | None
    precision: float
    recall: float
    f1: float
    gold_tokens: int
    predicted_tokens: int
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ExtractionReport:
    """The suite's result: page averages, each page's row and the worst pages (lowest F1)."""

    pages: int
    mean_precision: float
    mean_recall: float
    mean_f1: float
    f1_of_means: float
    benchmark_f1: float
    seconds: float
    rows: tuple[PageScore, ...]
    worst: tuple[PageScore, ...]

    @property
    def f1(self) -> float:
        """The number the floor in ``eval/floors.toml`` pins: F1 of mean P and mean R."""
        return self.f1_of_means

    def summary(self) -> str:
        """A few lines for a person: the averages, the time taken and the worst pages."""
        lines = [
            f"{self.pages} pages in {self.seconds:.1f} s",
            f"precision {self.mean_precision:.4f}  recall {self.mean_recall:.4f}  "
            f"F1 {self.f1_of_means:.4f} (of the means; per-page mean {self.mean_f1:.4f}; "
            f"4-token shingles as published {self.benchmark_f1:.4f})",
            "worst pages:",
        ]
        lines += [
            f"  {row.f1:.3f}  P {row.precision:.3f}  R {row.recall:.3f}  {row.url or row.id}"
            + (f"  ({row.error})" if row.error else "")
            for row in self.worst
        ]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (for ``newsevents eval extraction --json``)."""
        data = asdict(self)
        data["f1"] = self.f1
        data["rows"] = [asdict(row) for row in self.rows]
        data["worst"] = [asdict(row) for row in self.worst]
        return data


def bag_of_tokens(text: str, *, n: int = 1) -> Counter[str]:
    """The multiset of lowercased word tokens of ``text`` (of ``n``-token shingles if n > 1)."""
    tokens = _TOKEN.findall(text.lower())
    if n == 1 or not tokens:
        return Counter(tokens)
    # A text shorter than n tokens is one shingle, as in the benchmark's scorer.
    starts = range(max(1, len(tokens) - n + 1))
    return Counter(" ".join(tokens[i : i + n]) for i in starts)


def score_text(gold: str, predicted: str, *, n: int = 1) -> Score:
    """Token-bag precision, recall and F1 of ``predicted`` against ``gold`` (see module doc)."""
    return score_bags(bag_of_tokens(gold, n=n), bag_of_tokens(predicted, n=n))


def score_bags(gold: Counter[str], predicted: Counter[str]) -> Score:
    """Precision, recall and F1 of two token multisets, with the module's edge cases."""
    gold_size, predicted_size = gold.total(), predicted.total()
    if gold_size == 0 and predicted_size == 0:
        return Score(1.0, 1.0, 1.0)
    if gold_size == 0 or predicted_size == 0:
        return Score(0.0, 0.0, 0.0)
    common = (gold & predicted).total()
    precision, recall = common / predicted_size, common / gold_size
    return Score(precision, recall, harmonic_mean(precision, recall))


def harmonic_mean(precision: float, recall: float) -> float:
    """F1 of a precision and a recall; 0 when both are 0."""
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


def run_extraction_suite(data_dir: Path, *, worst: int = WORST_PAGES) -> ExtractionReport:
    """Extract every page of ``data_dir`` (``html/<id>.html.gz``, ``ground-truth.json``), score it.

    ``seconds`` covers decoding and extraction, not scoring. A page whose extraction fails
    scores as an empty prediction and keeps the error message in its row.
    """
    gold = _load_gold(data_dir)
    started = time.perf_counter()
    predictions = {
        page: _predict(data_dir, page, url=item.get("url")) for page, item in gold.items()
    }
    seconds = time.perf_counter() - started
    rows = tuple(_page_score(page, item, *predictions[page]) for page, item in sorted(gold.items()))
    shingled = [
        score_text(item.get("articleBody") or "", predictions[page][0], n=BENCHMARK_SHINGLE)
        for page, item in gold.items()
    ]
    return _report(rows, shingled, seconds=seconds, worst=worst)


def _load_gold(data_dir: Path) -> dict[str, dict[str, Any]]:
    path = data_dir / "ground-truth.json"
    with path.open(encoding="utf-8") as handle:
        gold: dict[str, dict[str, Any]] = json.load(handle)
    if not gold:
        raise ValueError(f"{path}: no pages in the ground truth")
    return gold


def _predict(data_dir: Path, page: str, *, url: str | None) -> tuple[str, str | None]:
    from newsevents.ingest.decode import decode_bytes
    from newsevents.ingest.html import extract_html

    data = gzip.decompress((data_dir / "html" / f"{page}.html.gz").read_bytes())
    html, _notes = decode_bytes(data)
    try:
        return extract_html(html, url=url).text, None
    except NewsEventsError as exc:
        return "", f"{type(exc).__name__}: {exc}"


def _page_score(page: str, item: dict[str, Any], predicted: str, error: str | None) -> PageScore:
    gold_bag, predicted_bag = bag_of_tokens(item.get("articleBody") or ""), bag_of_tokens(predicted)
    score = score_bags(gold_bag, predicted_bag)
    return PageScore(
        id=page,
        url=item.get("url"),
        precision=score.precision,
        recall=score.recall,
        f1=score.f1,
        gold_tokens=gold_bag.total(),
        predicted_tokens=predicted_bag.total(),
        error=error,
    )


def _report(
    rows: tuple[PageScore, ...], shingled: list[Score], *, seconds: float, worst: int
) -> ExtractionReport:
    mean_precision = _mean(row.precision for row in rows)
    mean_recall = _mean(row.recall for row in rows)
    return ExtractionReport(
        pages=len(rows),
        mean_precision=mean_precision,
        mean_recall=mean_recall,
        mean_f1=_mean(row.f1 for row in rows),
        f1_of_means=harmonic_mean(mean_precision, mean_recall),
        benchmark_f1=harmonic_mean(
            _mean(s.precision for s in shingled), _mean(s.recall for s in shingled)
        ),
        seconds=seconds,
        rows=rows,
        worst=tuple(sorted(rows, key=lambda row: (row.f1, row.id))[:worst]),
    )


def _mean(values: Any) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0
