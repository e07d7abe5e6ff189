"""The data behind each view, as JSON-ready dicts: the pages draw them, ``/api/...`` returns them.

Every count and mean is computed in DuckDB (by :mod:`newsevents.explore.aggregates`, or here for
the table's one page), so a store of a million events sends the browser a few hundred rows at
most, never the events themselves.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import duckdb
import pyarrow as pa

from newsevents.errors import NewsEventsError
from newsevents.events.ontology import cameo as cameo_code
from newsevents.web.query import SORTS, ViewQuery

#: Edges the network draws at most (the strongest): more is a hairball, not a picture.
NETWORK_EDGES = 60
#: Event places the map draws at most (the most reported).
MAP_POINTS = 2000


def summary(con: duckdb.DuckDBPyConnection, query: ViewQuery) -> dict[str, Any]:
    """What the filters select: events, articles, first and last date; and what is stored."""
    where, params = query.filters.where()
    sql = (
        "SELECT count(*), count(DISTINCT e.article_id), min(e.date), max(e.date) "
        f"FROM events e WHERE {where}"
    )
    [(events, articles, first, last)] = con.execute(sql, params).fetchall()
    [(stored_events, stored_articles)] = con.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM articles)"
    ).fetchall()
    return {
        "events": events,
        "articles": articles,
        "first_date": first,
        "last_date": last,
        "stored": {"events": stored_events, "articles": stored_articles},
    }


def timeseries(con: duckdb.DuckDBPyConnection, query: ViewQuery) -> dict[str, Any]:
    """Events and mean Goldstein per period (empty periods are zeros)."""
    from newsevents.explore.aggregates import timeseries as series

    per = _period(con, query)
    table = series(con, per=per, filters=query.filters, count=query.count)
    return {"per": per, "count": query.count, "rows": _rows(table)}


#: Longest ranges (in days) drawn by day and by week under ``per=auto``; longer ones by month.
#: About 90 bars at most by day, 160 by week: each bar stays a few pixels wide.
AUTO_DAYS, AUTO_WEEKS = 92, 1100


def _period(con: duckdb.DuckDBPyConnection, query: ViewQuery) -> str:
    if query.per != "auto":
        return query.per
    where, params = query.filters.where()
    sql = f"SELECT min(e.date), max(e.date) FROM events e WHERE {where}"
    [(first, last)] = con.execute(sql, params).fetchall()
    days = (last - first).days if first and last else 0
    return "day" if days <= AUTO_DAYS else "week" if days <= AUTO_WEEKS else "month"


def world(con: duckdb.DuckDBPyConnection, query: ViewQuery) -> dict[str, Any]:
    """Events and mean Goldstein per country (alpha-3): how the map shades countries."""
    from newsevents.explore.aggregates import map_counts

    countries = map_counts(con, filters=query.filters, count=query.count)
    return {"count": query.count, "shade": query.shade, "countries": _rows(countries)}


def places(con: duckdb.DuckDBPyConnection, query: ViewQuery) -> dict[str, Any]:
    """The event places with the most events: the map's points. A view of its own so that
    each of the map's two queries answers within the second on a million events."""
    from newsevents.explore.aggregates import map_points

    points = map_points(con, filters=query.filters, limit=MAP_POINTS, count=query.count)
    return {"count": query.count, "points": _rows(points)}


def network(con: duckdb.DuckDBPyConnection, query: ViewQuery) -> dict[str, Any]:
    """Who acts on whom: the strongest directed edges and their nodes with their totals."""
    from newsevents.explore.aggregates import network as edges_of

    table = edges_of(
        con, filters=query.filters, count=query.count, limit=NETWORK_EDGES, nodes=query.nodes
    )
    edges = _rows(table)
    totals: Counter[str] = Counter()
    for edge in edges:
        totals[edge["source_key"]] += edge["events"]
        totals[edge["target_key"]] += edge["events"]
    nodes = [{"key": key, "events": n} for key, n in sorted(totals.items())]
    return {"count": query.count, "node_kind": query.nodes, "nodes": nodes, "edges": edges}


#: The table's columns: what a person scans, plus the ids the row links with.
_TABLE = """
SELECT e.id, e.article_id, e.date, e.source_name, e.source_code, e.cameo, e.quad_class,
    e.goldstein, e.target_name, e.target_code, e.modality, e.location_name,
    e.location_country, e.sentence, a.title
FROM (
    SELECT * FROM events e WHERE {where}
    ORDER BY {sort} {direction} NULLS LAST, e.id LIMIT ? OFFSET ?
) e JOIN articles a ON a.id = e.article_id
ORDER BY {sort} {direction} NULLS LAST, e.id
"""


def events_page(con: duckdb.DuckDBPyConnection, query: ViewQuery) -> dict[str, Any]:
    """One page of the event table, sorted in DuckDB, with the number of events in all."""
    where, params = query.filters.where()
    [(total,)] = con.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchall()
    # ``sort`` is a key of SORTS (checked by parse_query): only our own SQL is formatted in.
    sql = _TABLE.format(
        where=where, sort=SORTS[query.sort], direction="DESC" if query.descending else "ASC"
    )
    rows = con.execute(sql, [*params, query.size, query.offset]).fetchall()
    columns = [d[0] for d in con.description or ()]
    events = [dict(zip(columns, row, strict=True)) for row in rows]
    for event in events:
        event["cameo_name"] = cameo_name(event["cameo"])
    return {
        "total": total,
        "page": query.page,
        "size": query.size,
        "sort": query.sort,
        "order": "desc" if query.descending else "asc",
        "rows": events,
    }


def cameo_name(code: str) -> str:
    """The CAMEO code's name in sentence case, or "" for a code the table no longer has."""
    try:
        return cameo_code(code).name.capitalize()
    except NewsEventsError:
        return ""


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()
