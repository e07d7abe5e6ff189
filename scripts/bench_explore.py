"""How long aggregates, the dashboard's queries and the cluster refresh take on a large store.

    python scripts/bench_explore.py [--db PATH] [--events 1000000] [--repeat 3]

Without ``--db`` it writes a synthetic store of ``--events`` events first (scripts/
make_synthetic.py) in a temporary folder. Prints one line per query: the best of ``--repeat``
runs, and the rows returned. The issue's bar is one second per aggregate at 1 M events.
A benchmark, not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from newsevents.explore.aggregates import aggregate, map_counts, map_points, network, timeseries
from newsevents.store import EventFilter, Store

#: A month in the middle of the synthetic range, as a dashboard user narrows it.
_MONTH = EventFilter(start=dt.date(2023, 6, 1), end=dt.date(2023, 6, 30))

Query = Callable[[duckdb.DuckDBPyConnection], pa.Table]

QUERIES: dict[str, Query] = {
    "aggregate country": lambda con: aggregate(con, by="country"),
    "aggregate country, mentions": lambda con: aggregate(con, by="country", count="mention"),
    "aggregate dyad per week, top 20": lambda con: aggregate(con, by="dyad", per="week", top=20),
    "aggregate dyad undirected per month": lambda con: aggregate(
        con, by="dyad", per="month", directed=False, top=50
    ),
    "aggregate root per month, normalised, baseline 3": lambda con: aggregate(
        con, by="root", per="month", normalise=True, baseline=3
    ),
    "aggregate cameo per day, one month": lambda con: aggregate(
        con, by="cameo", per="day", filters=_MONTH
    ),
    "aggregate quad per week, actor RUS": lambda con: aggregate(
        con, by="quad", per="week", filters=EventFilter(actor="RUS")
    ),
    "aggregate place per month, dyad USA:CHN": lambda con: aggregate(
        con, by="place", per="month", filters=EventFilter(dyad="USA:CHN")
    ),
    "timeseries per day": lambda con: timeseries(con, per="day"),
    "timeseries per week, root 19": lambda con: timeseries(
        con, per="week", filters=EventFilter(root="19")
    ),
    "network, 100 edges": lambda con: network(con),
    "network of actors, mentions": lambda con: network(con, nodes="actor", count="mention"),
    "map_counts": lambda con: map_counts(con),
    "map_counts by place, one month": lambda con: map_counts(con, by="place", filters=_MONTH),
    "map_points, 5000": lambda con: map_points(con),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="an existing store (default: make a synthetic one)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.db:
        run(args.db, repeat=args.repeat)
        return
    sys.path.insert(0, str(Path(__file__).parent))  # a sibling script, not a package
    from make_synthetic import make_store

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.duckdb"
        print(f"writing {args.events:,} synthetic events ...", flush=True)
        timings = make_store(path, events=args.events, start=dt.date(2022, 1, 1))
        for step, seconds in timings.items():
            print(f"  {step:<24} {seconds:7.2f} s")
        run(path, repeat=args.repeat)


def run(path: Path, *, repeat: int) -> None:
    with duckdb.connect(str(path), read_only=True) as con:
        [(events,)] = con.execute("SELECT count(*) FROM events").fetchall()
        print(f"\n{path}: {events:,} events\n{'query':<52} {'best s':>7} {'rows':>10}")
        for name, query in QUERIES.items():
            seconds, rows = _best(lambda q=query: q(con), repeat=repeat)
            print(f"{name:<52} {seconds:7.3f} {rows:>10,}", flush=True)
    with Store.open(path) as store:
        seconds, clusters = _best(store.refresh_clusters, repeat=1)
    print(f"{'refresh_clusters (whole store, with commit)':<52} {seconds:7.3f} {clusters:>10,}")


def _best(call: Callable[[], pa.Table | int], *, repeat: int) -> tuple[float, int]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    rows = result if isinstance(result, int) else result.num_rows
    return min(times), rows


if __name__ == "__main__":
    main()
