"""Write a newsevents store of synthetic events, for benchmarks and the dashboard's load check.

    python scripts/make_synthetic.py OUT.duckdb [--events 1000000] [--seed 1] [--start 2022-01-01]
                                     [--days 1096]

The distributions are skewed like real event data, not uniform: countries by a power law with
the news-heavy ones first, one event in three domestic, CAMEO roots in proportions close to
GDELT's (statements, consultations and appeals common, mass violence rare), codes within a root
uniform, about five events per article, weekends quieter and a few news spikes, 3% of articles
near-duplicates, 30% of events reported again by a later article (so clusters form), half the
events placed in one of the five largest gazetteer cities (or the country) of their target or
source. Every event's sentence is in its article's text at its offsets, so the dashboard can
open it. Arrow bulk inserts; then the run is finished like an ingest, which computes the
clusters (timed apart).
A benchmark input, not test data: the events mean nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import time
from collections import defaultdict
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from newsevents.config import Settings
from newsevents.events.ontology import all_codes, cameo
from newsevents.places.gazetteer import COUNTRIES, GAZETTEER
from newsevents.records import RunSummary
from newsevents.store import Store

#: Most reported first (a guess from GDELT's country totals; the rest follow in table order).
NEWSWORTHY = (
    "USA RUS UKR CHN ISR PSE GBR IRN FRA DEU IND TUR SYR JPN KOR PRK PAK AFG IRQ SAU MEX BRA COL "
    "VEN NGA EGY ZAF KEN ETH SDN CAN AUS ITA ESP POL PHL IDN TWN LBN YEM"
).split()
#: Share of each CAMEO root, roughly GDELT's event table (01 statements ... 20 mass violence).
ROOT_SHARES = (12, 6, 7, 22, 7, 3, 3, 3, 1, 2, 5, 2, 3, 2, 1, 2, 5, 6, 9, 0.4)
SECTORS = (None, "GOV", "MIL", "COP", "REB", "OPP", "BUS", "CVL", "JUD", "LEG", "MED", "EDU")
SECTOR_SHARES = (30, 30, 10, 6, 4, 4, 4, 4, 3, 2, 2, 1)
MODALITY_SHARES = {"asserted": 70, "reported": 10, "planned": 8, "intended": 5}
MODALITY_SHARES |= {"hypothetical": 4, "negated": 3}
EVENTS_PER_ARTICLE = 5
NEAR_DUPLICATE_SHARE = 0.03
PLACED_SHARE = 0.5
UNDATED_SHARE = 0.1
#: Events that another article reported already (same actors, code and place, days apart).
REPORTED_AGAIN = 0.3
SITES = 300
CODER = "synthetic.v1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="the DuckDB file to write (must not exist)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2022, 1, 1))
    parser.add_argument("--days", type=int, default=1096, help="span of the dates (3 years)")
    args = parser.parse_args()
    timings = make_store(
        args.out, events=args.events, seed=args.seed, start=args.start, days=args.days
    )
    for step, seconds in timings.items():
        print(f"{step:<24} {seconds:8.2f} s")


def make_store(
    path: Path, *, events: int = 1_000_000, seed: int = 1, start: dt.date, days: int = 1096
) -> dict[str, float]:
    """Write ``events`` synthetic events into a new store at ``path``; seconds per step."""
    if path.exists():
        raise SystemExit(f"{path} exists; give a new file")
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    rng = np.random.default_rng(seed)
    articles = max(1, events // EVENTS_PER_ARTICLE)
    article_table = _articles(rng, articles, start=start, days=days)
    event_table = _events(rng, events, article_table)
    timings["generate"] = time.perf_counter() - clock
    with Store.open(path) as store:
        run_id = store.start_run(command="synthetic", sources=[str(events)], settings=Settings())
    clock = time.perf_counter()
    with duckdb.connect(str(path)) as con:
        _insert(con, article_table, event_table, run_id=run_id)
    timings["insert"] = time.perf_counter() - clock
    clock = time.perf_counter()
    with Store.open(path) as store:
        summary = RunSummary(run_id=run_id, documents=articles, stored=articles, events=events)
        store.finish_run(run_id, status="completed", counts=summary)  # computes the clusters
    timings["finish run (clusters)"] = time.perf_counter() - clock
    return timings


def _articles(rng: np.random.Generator, count: int, *, start: dt.date, days: int) -> pa.Table:
    """Publication day, site and near-duplicate link of each article, in publication order."""
    day = np.arange(days)
    weekday = (np.datetime64(start, "D") + day).astype("datetime64[D]").view("int64")
    weights = np.where((weekday + 3) % 7 >= 5, 0.6, 1.0)  # 1970-01-01 was a Thursday
    weights[rng.choice(days, size=max(1, days // 100), replace=False)] *= 4  # news spikes
    published = np.sort(rng.choice(days, size=count, p=weights / weights.sum()))
    sites = np.minimum(rng.zipf(1.3, size=count), SITES) - 1
    # A near-duplicate copies the article before it (same day or the day before).
    near = rng.random(count) < NEAR_DUPLICATE_SHARE
    near[0] = False
    near[1:] &= ~near[:-1]  # a copy of a copy would name the first article, not the one before
    index = np.arange(count)
    duplicate_of = np.where(near, index - 1, -1)
    return pa.table(
        {
            "n": index,
            "published": pa.array(np.datetime64(start, "D") + published, pa.date32()),
            "site": pa.array([f"site{k}.example" for k in range(SITES)]).take(pa.array(sites)),
            "duplicate_of": pa.array(duplicate_of, mask=duplicate_of < 0),
        }
    )


def _events(rng: np.random.Generator, count: int, articles: pa.Table) -> pa.Table:
    """The coded fields of each event (the text is made in SQL, see _insert)."""
    alpha3, names = _countries()
    article = np.sort(rng.integers(0, articles.num_rows, size=count))
    source = _skewed(rng, len(alpha3), count)
    domestic = rng.random(count) < 1 / 3
    target = np.where(domestic, source, _skewed(rng, len(alpha3), count))
    no_target = rng.random(count) < 0.15
    codes, fields = _codes(rng, count)
    place_of = np.where((rng.random(count) < 0.5) & ~no_target, target, source)
    who = {
        "source_country": _take(alpha3, source),
        "source_country_name": _take(names, source),
        "source_sector": _sectors(rng, count),
        "target_country": _take(alpha3, target, mask=no_target),
        "target_country_name": _take(names, target, mask=no_target),
        "target_sector": _sectors(rng, count, mask=no_target),
        "cameo": codes,
        **fields,
        **_places(rng, alpha3, place_of),
    }
    reported = _reported_again(rng, count, days=_span(articles))
    published = articles.column("published").to_numpy().astype("datetime64[D]")[article]
    lag = rng.choice(3, size=count, p=(0.7, 0.2, 0.1))
    return pa.table(
        {
            "n": np.arange(count),
            "article": article,
            **{name: column.take(reported) for name, column in who.items()},
            "modality": _choice(rng, list(MODALITY_SHARES), list(MODALITY_SHARES.values()), count),
            "date": pa.array(published - lag, pa.date32(), mask=rng.random(count) < UNDATED_SHARE),
            "mentions": pa.array(rng.geometric(0.7, size=count), pa.int32()),
            "confidence": pa.array(rng.uniform(0.5, 1.0, size=count)),
        }
    )


def _reported_again(rng: np.random.Generator, count: int, *, days: int) -> pa.Array:
    """For each event, the event whose who-did-what-where it has: itself, or for REPORTED_AGAIN
    of them an event of the last two days or so (events run in publication order), so that
    clusters of several articles form as they do in the news."""
    window = max(2, 2 * count // max(days, 1))
    earlier = np.maximum(np.arange(count) - rng.integers(1, window, size=count), 0)
    return pa.array(np.where(rng.random(count) < REPORTED_AGAIN, earlier, np.arange(count)))


def _span(articles: pa.Table) -> int:
    published = articles.column("published").to_numpy().astype("datetime64[D]")
    return int((published.max() - published.min()).astype(int)) + 1


def _codes(rng: np.random.Generator, count: int) -> tuple[pa.Array, dict[str, pa.Array]]:
    by_root: defaultdict[str, list[str]] = defaultdict(list)
    for code in all_codes():
        by_root[code[:2]].append(code)
    roots = sorted(by_root)
    shares = np.array(ROOT_SHARES) / sum(ROOT_SHARES)
    root = rng.choice(len(roots), size=count, p=shares)
    # A code uniform within its root: its root's first code plus a uniform offset.
    sizes = np.array([len(by_root[r]) for r in roots])
    first = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    flat = [cameo(c) for r in roots for c in by_root[r]]
    index = pa.array(first[root] + (rng.random(count) * sizes[root]).astype(np.int64))

    def column(values: list, kind: pa.DataType) -> pa.Array:
        return pa.array(values, kind).take(index)

    return column([c.code for c in flat], pa.string()), {
        "root": column([c.root for c in flat], pa.string()),
        "quad_class": column([c.quad_class for c in flat], pa.int8()),
        "goldstein": column([c.goldstein for c in flat], pa.float64()),
        "plover_type": column([c.plover_type for c in flat], pa.string()),
        "plover_mode": column([c.plover_mode for c in flat], pa.string()),
        "verb": column([c.name.lower() for c in flat], pa.string()),
    }


def _places(
    rng: np.random.Generator, alpha3: list[str], country: np.ndarray
) -> dict[str, pa.Array]:
    """Half the events placed: one of the country's five largest cities, or the country."""
    largest = _largest_places(set(alpha3))
    options = [largest.get(code, []) for code in alpha3]
    sizes = np.array([len(o) for o in options])
    first = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    flat = [place for o in options for place in o]
    placed = (rng.random(len(country)) < PLACED_SHARE) & (sizes[country] > 0)
    pick = first[country] + rng.integers(0, 6, size=len(country)) % np.maximum(sizes[country], 1)
    index = pa.array(np.where(placed, pick, 0), mask=~placed)
    columns = ("location_name", "location_country", "location_lat", "location_lon")
    columns += ("location_geonameid", "location_kind")
    types = (pa.string(), pa.string(), pa.float64(), pa.float64(), pa.int64(), pa.string())
    return {
        name: pa.array([place[k] for place in flat], kind).take(index)
        for k, (name, kind) in enumerate(zip(columns, types, strict=True))
    }


def _largest_places(countries: set[str]) -> dict[str, list[tuple]]:
    """Per country, the country itself and its five most populous gazetteer cities."""
    found: defaultdict[str, list[tuple[int, tuple]]] = defaultdict(list)
    with gzip.open(GAZETTEER, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            gid, kind, name, country, _, lat, lon, population, *_ = line.split("\t")
            if country in countries and kind in ("country", "city") and lat and lon:
                place = (name, country, float(lat), float(lon), int(gid), kind)
                found[country].append((int(population or 0) if kind == "city" else -1, place))
    return {
        country: [p for _, p in sorted(entries, key=lambda e: (e[1][5] != "country", -e[0]))[:6]]
        for country, entries in found.items()
    }


def _countries() -> tuple[list[str], list[str]]:
    rows = [
        line.split("\t")
        for line in COUNTRIES.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#") and not line.startswith("alpha3\t")
    ]
    names = {row[0]: row[5] for row in rows}
    order = [c for c in NEWSWORTHY if c in names] + [c for c in names if c not in NEWSWORTHY]
    return order, [names[c] for c in order]


def _skewed(rng: np.random.Generator, size: int, count: int) -> np.ndarray:
    # Power law over the ordered countries: the first takes ~8%, the top 40 about two thirds.
    weights = 1 / np.arange(1, size + 1) ** 1.1
    return rng.choice(size, size=count, p=weights / weights.sum())


def _sectors(rng: np.random.Generator, count: int, *, mask: np.ndarray | None = None) -> pa.Array:
    return _choice(rng, list(SECTORS), list(SECTOR_SHARES), count, mask=mask)


def _choice(
    rng: np.random.Generator,
    values: list,
    shares: list,
    count: int,
    *,
    mask: np.ndarray | None = None,
) -> pa.Array:
    index = rng.choice(len(values), size=count, p=np.array(shares) / sum(shares))
    return _take(values, index, mask=mask)


def _take(values: list, index: np.ndarray, *, mask: np.ndarray | None = None) -> pa.Array:
    taken = pa.array(values, pa.string()).take(pa.array(index))
    if mask is None:
        return taken
    return pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), taken)


# The text of each event (actors and verb, at their offsets) and each article (its events'
# sentences one after the other), made in SQL from the generated codes.
_EVENT_ROWS = """
CREATE TEMP TABLE synthetic AS
WITH named AS (
    SELECT *,
        source_country_name || coalesce(' ' || lower(source_sector), '') AS source_text,
        target_country_name || coalesce(' ' || lower(target_sector), '') AS target_text
    FROM synthetic_events
),
sentences AS (
    SELECT *, source_text || ' ' || verb || coalesce(' ' || target_text, '') || '.' AS sentence
    FROM named
)
SELECT *,
    coalesce(sum(length(sentence) + 1) OVER (
        PARTITION BY article ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ), 0) AS sentence_start
FROM sentences
"""

_ARTICLES = """
INSERT INTO articles (id, seq, url, title, published, published_from, source, language, text,
    word_count, origin, notes, duplicate_of, similarity, first_run, ingested_at)
SELECT md5('a' || a.n)[:20], a.n + 1, 'https://' || a.site || '/story/' || a.n,
    'Synthetic story ' || a.n, a.published, 'metadata', a.site, 'en',
    coalesce(t.text, 'Nothing happened.'), coalesce(t.words, 2), 'synthetic/' || a.n, [],
    CASE WHEN a.duplicate_of IS NOT NULL THEN md5('a' || a.duplicate_of)[:20] END,
    CASE WHEN a.duplicate_of IS NOT NULL THEN 0.9 END, $run, $now
FROM synthetic_articles a
LEFT JOIN (
    SELECT article, string_agg(sentence, ' ' ORDER BY n) AS text,
        CAST(sum(length(sentence) - length(replace(sentence, ' ', '')) + 1) AS INTEGER) AS words
    FROM synthetic GROUP BY article
) t ON t.article = a.n
"""

_EVENTS = """
INSERT INTO events (id, article_id, coder,
    source_text, source_name, source_code, source_country, source_sector, source_resolved_by,
    source_start, source_end,
    target_text, target_name, target_code, target_country, target_sector, target_resolved_by,
    target_start, target_end,
    cameo, root, quad_class, goldstein, plover_type, plover_mode, plover_context, modality,
    date, date_precision, location_name, location_country, location_lat, location_lon,
    location_geonameid, location_kind, sentence, sentence_start, sentence_end, action_start,
    action_end, confidence, mentions, repeats, run_id, coded_at)
SELECT md5('e' || n)[:16], md5('a' || article)[:20], $coder,
    source_text, source_text, source_country || coalesce(source_sector, ''), source_country,
    source_sector, 'dictionary', sentence_start, sentence_start + length(source_text),
    target_text, target_text, target_country || coalesce(target_sector, ''), target_country,
    target_sector, CASE WHEN target_text IS NOT NULL THEN 'dictionary' END,
    CASE WHEN target_text IS NOT NULL
        THEN sentence_start + length(sentence) - 1 - length(target_text) END,
    CASE WHEN target_text IS NOT NULL THEN sentence_start + length(sentence) - 1 END,
    cameo, root, quad_class, goldstein, plover_type, plover_mode, NULL, modality,
    date, CASE WHEN date IS NULL THEN NULL ELSE 'day' END, location_name, location_country,
    location_lat, location_lon, location_geonameid, location_kind,
    sentence, sentence_start, sentence_start + length(sentence),
    sentence_start + length(source_text) + 1,
    sentence_start + length(source_text) + 1 + length(verb),
    confidence, mentions, [], $run, $now
FROM synthetic
"""


def _insert(
    con: duckdb.DuckDBPyConnection, articles: pa.Table, events: pa.Table, *, run_id: int
) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.register("synthetic_articles", articles)
    con.register("synthetic_events", events)
    con.begin()
    con.execute(_EVENT_ROWS)
    con.execute(_ARTICLES, {"run": run_id, "now": now})
    con.execute(_EVENTS, {"run": run_id, "now": now, "coder": CODER})
    con.execute("DROP TABLE synthetic")
    con.commit()


if __name__ == "__main__":
    main()
