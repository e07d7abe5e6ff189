"""Time every dashboard view's JSON twin on a large store (the issue asks < 1 s at 1M events).

    python scripts/make_synthetic.py /tmp/synth.duckdb --events 1000000
    python scripts/bench_web.py /tmp/synth.duckdb [--repeat 3]

Each request goes through the whole app (routing, DuckDB, JSON) in-process, once to warm up and
then ``--repeat`` times with the app's view cache emptied first (a first visit; a repeat is
served from memory in about 2 ms); the best and worst are printed, per view and filter set, and
the script exits 1 if any worst time is 1 s or more.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from newsevents.web.app import create_app

VIEWS = ("summary", "timeseries", "map", "places", "network", "events")
#: Filter sets a user would try: none, a country, a dyad and a root, a date range, a deep page.
QUERIES = (
    "",
    "actor=USA",
    "dyad=USA:RUS&root=19",
    "from=2023-01-01&to=2023-03-31&quad=4&count=mention",
    "sort=goldstein&order=desc&page=500",
    "per=day&modality=planned&nodes=actor",
)
LIMIT_SECONDS = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    slowest = 0.0
    with TestClient(create_app(db=args.db)) as client:
        events = client.get("/api/summary").json()["stored"]["events"]
        print(f"{args.db}: {events:,} events")
        for query in QUERIES:
            for view in VIEWS:
                best, worst, size = _time(client, f"/api/{view}?{query}", repeat=args.repeat)
                slowest = max(slowest, worst)
                _line(view, query or "(no filter)", best, worst, size)
        article = client.get("/api/events?size=1").json()["rows"][0]
        for path in (f"/articles/{article['article_id']}", "/"):
            best, worst, size = _time(client, path, repeat=args.repeat)
            slowest = max(slowest, worst)
            _line("page", path, best, worst, size)
    print(f"slowest: {slowest:.3f} s (limit {LIMIT_SECONDS} s)")
    return 0 if slowest < LIMIT_SECONDS else 1


def _line(view: str, query: str, best: float, worst: float, size: int) -> None:
    print(f"{view:>10} {query:<52} {best:6.3f} {worst:6.3f} s  {size:>8,} B")


def _time(client: TestClient, path: str, *, repeat: int) -> tuple[float, float, int]:
    response = client.get(path)  # warm-up: first use of the connection and DuckDB's caches
    response.raise_for_status()
    times = []
    for _ in range(repeat):
        client.app.state.cache.clear()  # type: ignore[attr-defined]  # time DuckDB, not the cache
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
    return min(times), max(times), len(response.content)


if __name__ == "__main__":
    sys.exit(main())
