"""Counts and mean Goldstein of stored events by country, dyad, code, QuadClass or place, over time.

Every function selects events with an :class:`EventFilter` (the filters of ``newsevents events``;
its ``limit`` and ``offset`` page lists and are ignored here) and counts them one of two ways:

- ``count="cluster"``: each real-world event once (:mod:`newsevents.explore.clusters`), placed in
  the period of its first selected event; a cluster touching two keys (a country as source and
  as target; two codes of one root) counts once under each;
- ``count="mention"``: the mentions of the selected events, a near-duplicate's copies adding
  nothing (``event_clusters.weight``).

An event's day is its own date, else its article's publication date (the ``start``/``end`` filters
see the event's own date only). ``goldstein_mean`` is the mean over what is counted (a cluster's
Goldstein: the mean of its selected events); ``conflict_share`` the share in QuadClass 3-4. Periods
with nothing are filled: ``events`` 0, the means NULL (the mean of nothing is not 0, which would
read as neutral). Keys that are unknown (an event without a target has no dyad) are left out.
All of it runs in DuckDB; only the result rows reach Python.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from newsevents.errors import UsageError
from newsevents.store.queries import EventFilter

BY = ("country", "dyad", "root", "cameo", "quad", "place")
PERIODS = ("day", "week", "month")
COUNTS = ("cluster", "mention")
#: Network nodes: countries (USA), or countries with their sector, like an actor code (USAGOV).
NODES = ("country", "actor")

# SQL for each key, on ``events e``; a tuple is read as one pass over the events per item.
# "country" is each distinct country an event involves, so a country's count is the events it
# takes part in (their sum exceeds the total): the source's, and the target's when it is another
# (two passes: 2-3x faster at 1 M events than unnesting a list of both).
_KEYS: dict[str, str | tuple[str, ...]] = {
    "country": (
        "e.source_country",
        "CASE WHEN e.source_country IS NULL OR e.target_country <> e.source_country "
        "THEN e.target_country END",
    ),
    "root": "e.root",
    "cameo": "e.cameo",
    "quad": "CAST(e.quad_class AS VARCHAR)",
    "place": "e.location_country",
}
_DIRECTED = "e.source_country || '->' || e.target_country"
# least() and greatest() skip NULLs: without the CASE an event with no target would be a pair.
_UNDIRECTED = (
    "CASE WHEN e.target_country IS NOT NULL THEN least(e.source_country, e.target_country) "
    "|| '<->' || greatest(e.source_country, e.target_country) END"
)
_NODE = {
    "country": "e.{side}_country",
    "actor": "e.{side}_country || coalesce(e.{side}_sector, '')",
}


@dataclasses.dataclass(frozen=True, slots=True)
class _Query:
    """A query under construction: its SQL pieces in text order and their parameters in order.

    ``passes``: for each pass over the events, output column -> SQL expression on ``events e``
    (every pass has the same columns).
    """

    passes: tuple[dict[str, str], ...]
    filters: EventFilter
    count: str
    per: str | None = None

    @classmethod
    def of(
        cls,
        keys: dict[str, str | tuple[str, ...]],
        filters: EventFilter,
        count: str,
        per: str | None = None,
    ) -> _Query:
        """One pass per alternative of the (single) key given as a tuple, else one pass."""
        split = [(name, sql) for name, sql in keys.items() if isinstance(sql, tuple)]
        if not split:
            return cls((keys,), filters, count, per)  # type: ignore[arg-type]
        [(name, alternatives)] = split
        return cls(tuple(keys | {name: sql} for sql in alternatives), filters, count, per)

    @property
    def names(self) -> list[str]:
        return list(self.passes[0])

    def counted(self) -> tuple[str, list[Any]]:
        """CTEs ``base`` and ``counted``: one row per counted unit (n, g, conflict, period)."""
        where, params = self.filters.where()
        names = "".join(f"{name}, " for name in self.names)
        known = " AND ".join(f"{name} IS NOT NULL" for name in self.names) or "TRUE"
        if self.count == "mention":
            unit = (
                f"SELECT {names}{_trunc(self.per, 'day')} AS period, weight AS n, goldstein AS g, "
                f"quad_class >= 3 AS conflict FROM base WHERE {known}"
            )
        else:
            unit = (
                f"SELECT {names}{_trunc(self.per, 'min(day)')} AS period, 1 AS n, "
                f"avg(goldstein) AS g, any_value(quad_class) >= 3 AS conflict "
                f"FROM base WHERE {known} GROUP BY {names}cluster_id"
            )
        base = " UNION ALL ".join(
            "SELECT "
            + "".join(f"{sql} AS {name}, " for name, sql in keys.items())
            + "c.cluster_id, c.day, c.weight, e.goldstein, e.quad_class "
            f"FROM events e JOIN event_clusters c ON c.event_id = e.id WHERE {where}"
            for keys in self.passes
        )
        sql = f"""
        base AS ({base}),
        counted AS ({unit})"""
        return sql, params * len(self.passes)

    def grouped(self) -> tuple[str, list[Any]]:
        """CTEs up to ``grouped``: events, goldstein_mean, conflict_share per key (and period)."""
        counted, params = self.counted()
        columns = ", ".join((["period"] if self.per else []) + self.names)
        dated = "WHERE period IS NOT NULL" if self.per else ""
        sql = f"""{counted},
        grouped AS (
            SELECT {columns}, CAST(sum(n) AS BIGINT) AS events,
                sum(g * n) / nullif(sum(n), 0) AS goldstein_mean,
                sum(CASE WHEN conflict THEN n ELSE 0 END) / nullif(sum(n), 0) AS conflict_share
            FROM counted {dated}
            GROUP BY {columns or "()"}
        )"""
        return sql, params


def aggregate(
    con: duckdb.DuckDBPyConnection,
    *,
    by: str,
    per: str | None = None,
    filters: EventFilter | None = None,
    count: str = "cluster",
    normalise: bool = False,
    baseline: int | None = None,
    directed: bool = True,
    top: int | None = None,
) -> pa.Table:
    """Events counted by ``by`` (and by ``per`` period), with mean Goldstein and conflict share.

    Columns: ``period`` (DATE, with ``per``), ``key`` ("USA", "USA->COL", "COL<->USA" undirected,
    "04"), ``events``, ``goldstein_mean``, ``conflict_share``; with ``normalise``, ``articles``
    (articles published in the period, near-duplicates left out, whatever the filters) and
    ``per_article``; with ``baseline`` N, ``baseline_mean`` (the mean of the previous N periods'
    counts, NULL until there are N) and ``change`` (events minus that mean). ``top`` keeps the
    keys with the most events. Rows come by period then key, or by events when ``per`` is None.
    """
    filters = filters or EventFilter()
    _check(by=by, per=per, count=count, baseline=baseline, directed=directed, top=top)
    key = _DIRECTED if by == "dyad" and directed else _UNDIRECTED if by == "dyad" else _KEYS[by]
    wide = _widened(filters, per=per, baseline=baseline)
    query = _Query.of({"key": key}, wide, count, per)
    if per is None:
        sql, params = _totals(query, normalise=normalise, top=top)
    else:
        sql, params = _series(query, normalise=normalise, baseline=baseline, top=top)
        if wide is not filters:  # the periods before the start only fed the baseline
            since = f"WHERE period >= {_trunc(per, '?')} ORDER BY period, key"
            sql, params = f"SELECT * FROM ({sql}) {since}", [*params, filters.start]
    return _arrow(con, sql, params)


def timeseries(
    con: duckdb.DuckDBPyConnection,
    *,
    per: str,
    filters: EventFilter | None = None,
    count: str = "cluster",
) -> pa.Table:
    """``period``, ``events``, ``goldstein_mean``, ``conflict_share`` of every period in range."""
    filters = filters or EventFilter()
    _check(by="root", per=per, count=count)
    if per is None:
        raise UsageError("a time series needs a period: day, week or month")
    query = _Query.of({}, filters, count, per)
    sql, params = _series(query, normalise=False, baseline=None, top=None)
    return _arrow(con, sql, params)


def network(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: EventFilter | None = None,
    count: str = "cluster",
    limit: int = 100,
    nodes: str = "country",
    directed: bool = True,
) -> pa.Table:
    """The ``limit`` strongest edges ``source_key`` -> ``target_key``, with ``events``,
    ``goldstein_mean`` and ``conflict_share``.

    ``nodes`` "country" (USA) or "actor" (USAGOV: country and sector). Undirected: each pair once,
    its keys in alphabetical order.
    """
    filters = filters or EventFilter()
    _check(by="dyad", per=None, count=count, top=limit)
    if nodes not in NODES:
        raise UsageError(f"nodes {nodes!r}: choose {' or '.join(NODES)}")
    source, target = (_NODE[nodes].format(side=side) for side in ("source", "target"))
    if not directed:
        both = f"{source} IS NOT NULL AND {target} IS NOT NULL"
        source, target = (
            f"CASE WHEN {both} THEN {pick}({source}, {target}) END"
            for pick in ("least", "greatest")
        )
    query = _Query.of({"source_key": source, "target_key": target}, filters, count)
    grouped, params = query.grouped()
    sql = f"""WITH {grouped}
    SELECT source_key, target_key, events, goldstein_mean, conflict_share FROM grouped
    WHERE events > 0 ORDER BY events DESC, source_key, target_key LIMIT ?"""
    return _arrow(con, sql, [*params, limit])


def map_counts(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: EventFilter | None = None,
    count: str = "cluster",
    by: str = "country",
) -> pa.Table:
    """``country`` (ISO alpha-3), ``events``, ``goldstein_mean`` for every country with events.

    ``by`` "country": the countries events involve (source or target); "place": where they were.
    """
    if by not in ("country", "place"):
        raise UsageError(f"map by {by!r}: choose country or place")
    table = aggregate(con, by=by, filters=filters, count=count)
    return table.rename_columns(["country", *table.column_names[1:]])


def map_points(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: EventFilter | None = None,
    limit: int = 5000,
    count: str = "cluster",
) -> pa.Table:
    """The ``limit`` places with the most events: ``lat``, ``lon``, ``name``, ``events``,
    ``goldstein_mean``."""
    filters = filters or EventFilter()
    _check(by="place", per=None, count=count, top=limit)
    keys = {"lat": "e.location_lat", "lon": "e.location_lon", "name": "e.location_name"}
    grouped, params = _Query.of(keys, filters, count).grouped()
    sql = f"""WITH {grouped}
    SELECT lat, lon, name, events, goldstein_mean FROM grouped
    WHERE events > 0 ORDER BY events DESC, name, lat, lon LIMIT ?"""
    return _arrow(con, sql, [*params, limit])


# -- the two shapes: totals per key, and series per key and period ----------------------------


def _totals(query: _Query, *, normalise: bool, top: int | None) -> tuple[str, list[Any]]:
    grouped, params = query.grouped()
    columns = "key, events, goldstein_mean, conflict_share"
    if normalise:
        articles, more = _article_count(query.filters)
        columns += f", ({articles}) AS articles, events / nullif(({articles}), 0) AS per_article"
        params += more + more
    sql = f"WITH {grouped} SELECT {columns} FROM grouped ORDER BY events DESC, key"
    if top is not None:
        sql, params = f"{sql} LIMIT ?", [*params, top]
    return sql, params


def _series(
    query: _Query, *, normalise: bool, baseline: int | None, top: int | None
) -> tuple[str, list[Any]]:
    """Every period from the start to the end of the range, for every key, zeros filled."""
    grouped, params = query.grouped()
    per = query.per
    keyed = bool(query.names)
    start, end = query.filters.start, query.filters.end
    low = _trunc(per, "?") if start else "(SELECT min(period) FROM grouped)"
    high = _trunc(per, "?") if end else "(SELECT max(period) FROM grouped)"
    params += [d for d in (start, end) if d]
    ctes = [
        grouped,
        f"""periods AS (
            SELECT CAST(unnest(generate_series({low}, {high}, INTERVAL 1 {per})) AS DATE) AS period
        )""",
    ]
    if keyed:
        limit = "LIMIT ?" if top is not None else ""
        ctes.append(
            f"""keys AS (
            SELECT key FROM grouped GROUP BY key ORDER BY sum(events) DESC, key {limit}
        )"""
        )
        params += [top] if top is not None else []
    ctes.append(_filled(keyed))
    columns = ["f.period", *(["f.key"] if keyed else []), "f.events", "f.goldstein_mean"]
    columns.append("f.conflict_share")
    joins = ""
    if normalise:
        articles, more = _articles_per_period(per)
        ctes.append(articles)
        params += more
        joins = "LEFT JOIN articles_per p ON p.period = f.period"
        columns += [
            "coalesce(p.articles, 0) AS articles",
            "f.events / nullif(p.articles, 0) AS per_article",
        ]
    if baseline:
        columns += _baseline_columns(baseline, keyed=keyed)
    order = "f.period, f.key" if keyed else "f.period"
    select = f"SELECT {', '.join(columns)} FROM filled f {joins} ORDER BY {order}"
    sql = f"WITH {', '.join(ctes)} {select}"
    return sql, params


def _filled(keyed: bool) -> str:
    if not keyed:
        return """filled AS (
            SELECT p.period, coalesce(g.events, 0) AS events, g.goldstein_mean, g.conflict_share
            FROM periods p LEFT JOIN grouped g ON g.period = p.period
        )"""
    return """filled AS (
            SELECT p.period, k.key, coalesce(g.events, 0) AS events, g.goldstein_mean,
                g.conflict_share
            FROM periods p CROSS JOIN keys k
            LEFT JOIN grouped g ON g.period = p.period AND g.key = k.key
        )"""


def _baseline_columns(periods: int, *, keyed: bool) -> list[str]:
    # ``periods`` is a checked int, so it can stand in the window frame (which takes no parameter).
    partition = "PARTITION BY f.key " if keyed else ""
    window = f"({partition}ORDER BY f.period ROWS BETWEEN {periods} PRECEDING AND 1 PRECEDING)"
    mean = f"CASE WHEN count(*) OVER {window} = {periods} THEN avg(f.events) OVER {window} END"
    return [f"{mean} AS baseline_mean", f"f.events - {mean} AS change"]


def _articles_per_period(per: str) -> tuple[str, list[Any]]:
    # Articles published in each period, whatever the filters: the news volume events are read
    # against. A near-duplicate is not a second article.
    sql = f"""articles_per AS (
            SELECT {_trunc(per, "published")} AS period, count(*) AS articles
            FROM articles WHERE duplicate_of IS NULL AND published IS NOT NULL GROUP BY 1
        )"""
    return sql, []


def _article_count(filters: EventFilter) -> tuple[str, list[Any]]:
    """Articles published within the filters' date range (all of them without one)."""
    sql = "SELECT count(*) FROM articles WHERE duplicate_of IS NULL"
    params: list[Any] = []
    if filters.start:
        sql, params = f"{sql} AND published >= ?", [*params, filters.start]
    if filters.end:
        sql, params = f"{sql} AND published <= ?", [*params, filters.end]
    return sql, params


# -- checks and helpers --------------------------------------------------------------------------


def _check(
    *,
    by: str,
    per: str | None,
    count: str,
    baseline: int | None = None,
    directed: bool = True,
    top: int | None = None,
) -> None:
    _choice("by", by, BY)
    if per is not None:
        _choice("per", per, PERIODS)
    _choice("count", count, COUNTS)
    if baseline is not None and (per is None or baseline < 1):
        raise UsageError("a baseline is the previous N periods: give N >= 1 and a period (--per)")
    if not directed and by != "dyad":
        raise UsageError(f"undirected counts apply to dyads, not to {by!r}")
    if top is not None and top < 1:
        raise UsageError(f"top {top}: give at least 1")


def _choice(name: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise UsageError(f"{name} {value!r}: choose one of {', '.join(allowed)}")


def _trunc(per: str | None, expression: str) -> str:
    # ``per`` is one of PERIODS (checked), never user text.
    if per is None:
        return expression
    return f"CAST(date_trunc('{per}', {expression}) AS DATE)"


def _widened(filters: EventFilter, *, per: str | None, baseline: int | None) -> EventFilter:
    """``filters`` starting ``baseline`` periods earlier, so the first periods have a baseline."""
    if not baseline or not filters.start or per is None:
        return filters
    start = filters.start
    if per == "day":
        start -= dt.timedelta(days=baseline)
    elif per == "week":
        start -= dt.timedelta(weeks=baseline)
    else:
        months = start.year * 12 + start.month - 1 - baseline
        start = dt.date(months // 12, months % 12 + 1, 1)
    return dataclasses.replace(filters, start=start)


def _arrow(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> pa.Table:
    relation = con.sql(sql, params=params)
    # Newer DuckDB calls it to_arrow_table() (arrow() now returns a reader); older ones, arrow().
    fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
    return fetch()
