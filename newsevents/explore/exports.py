"""Stored events written out in the formats other tools read: CSV, Parquet, JSONL, GDELT, GEXF.

Every export selects events with an :class:`EventFilter` (the filters of ``newsevents events``;
``limit``/``offset`` page the rows, or cap a network's edges) and counts one of two ways:

- ``count="mention"``: one row per stored event, except a near-duplicate article's copies of its
  original's events (their ``event_clusters.weight`` is 0), which would count the story twice;
- ``count="cluster"``: one row per real-world event (:mod:`newsevents.explore.clusters`), the
  event first seen (earliest ingested article, then place in the text) standing for it, with the
  cluster's ``NumMentions``/``NumArticles``/``NumSources`` over the whole store.

What the default is depends on the format: the row tables (csv, parquet, jsonl) list mentions,
each row carrying its cluster's id and counts; ``gdelt`` and ``gexf`` count clusters, as GDELT's
event table does. Formats:

- ``csv``/``parquet``: every column of the events table, with the article's URL, title,
  publication date, site and near-duplicate link, and the cluster's id and counts;
- ``jsonl``: one PLOVER-style record per line (:func:`plover_sql`);
- ``gdelt``: GDELT 2.0's event table, 61 tab-separated columns in GDELT's order
  (:data:`GDELT_COLUMNS`), no header row, no quoting; see :func:`gdelt_sql` for each column;
- ``gexf``: the actor network (GEXF 1.3): nodes are actors (country and sector, as the dashboard's
  network), edges source -> target with the count and mean Goldstein of their events.

The four row formats are written by DuckDB's ``COPY`` from one SELECT, so rows never pass through
Python (1 million synthetic events from scripts/make_synthetic.py: 4-12 s a format; the sort by
date makes DuckDB hold about 1.5 GB, spilling to disk past its memory limit). The network is
aggregated in DuckDB; only its nodes and edges are built in Python.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

import newsevents
from newsevents.errors import UsageError
from newsevents.explore.aggregates import network
from newsevents.explore.codebook import codebook
from newsevents.store.queries import EventFilter, registered

EXPORT_FORMATS = ("csv", "parquet", "jsonl", "gdelt", "gexf")
COUNTS = ("cluster", "mention")
#: What a row is when the caller does not say (see the module docstring).
DEFAULT_COUNT = {
    "csv": "mention",
    "parquet": "mention",
    "jsonl": "mention",
    "gdelt": "cluster",
    "gexf": "cluster",
}

#: GDELT 2.0 event table columns, in file order (GDELT Event Codebook V2.0; the list is also in
#: tests/fixtures/gdelt/ with its source).
GDELT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(
        f"Actor{n}{name}"
        for n in (1, 2)
        for name in (
            "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
            "Religion2Code", "Type1Code", "Type2Code", "Type3Code",
        )
    ),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(
        f"{block}Geo_{name}"
        for block in ("Actor1", "Actor2", "Action")
        for name in (
            "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID",
        )
    ),
    "DATEADDED", "SOURCEURL",
)  # fmt: skip

#: IsRootEvent is GDELT's mark for events in a document's lead paragraph, "a proxy for the rough
#: importance of an event". Here: the event's sentence starts before the article's first line
#: break, and within its first LEAD_CHARS characters, so that a text without paragraph breaks
#: has a lead of its first two or three sentences (news leads run 25-40 words, 150-250
#: characters; the demo's summary paragraphs run to about 420).
LEAD_CHARS = 500

#: Non-state roots that stand where an actor code's country would (IGOUNO, MNCUSA): GDELT writes
#: the root as Type1Code and the group that follows as KnownGroupCode (MNC: the home country).
NON_STATE_ROOTS = ("IGO", "NGO", "NGM", "IMG", "MNC")


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What :func:`export_events` wrote: ``rows`` data rows (gexf: edges) and, for gexf, nodes."""

    path: Path
    format: str
    count: str
    rows: int
    nodes: int = 0


def export_events(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    fmt: str,
    filters: EventFilter | None = None,
    count: str | None = None,
) -> ExportResult:
    """Write the events ``filters`` selects to ``path`` in ``fmt`` (one of :data:`EXPORT_FORMATS`),
    counted by ``count`` ("cluster" or "mention"; default: :data:`DEFAULT_COUNT` of the format)."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"export format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    count = count or DEFAULT_COUNT[fmt]
    if count not in COUNTS:
        raise UsageError(f"count {count!r}: choose cluster or mention")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: no such folder {path.parent}")
    filters = filters or EventFilter()
    rows, nodes = _WRITERS[fmt](con, path, filters=filters, count=count)
    return ExportResult(path=path, format=fmt, count=count, rows=rows, nodes=nodes)


# -- the rows: events or clusters ----------------------------------------------------------------

# Each selected event with its article and cluster. ``weight`` is what the event adds to its
# cluster's mentions (0 for a near-duplicate's copy); an event the clusters have not seen yet
# (written, not yet refreshed) counts with its own mentions and stands alone.
_SELECTED = """
SELECT e.*,
    a.url AS article_url, a.title AS article_title, a.published AS article_published,
    a.source AS article_source, a.origin AS article_origin,
    a.duplicate_of AS article_duplicate_of, a.seq AS article_seq,
    ec.cluster_id, c.num_mentions AS cluster_mentions, c.num_articles AS cluster_articles,
    c.num_sources AS cluster_sources,
    coalesce(ec.weight, e.mentions) AS weight,
    coalesce(CAST(ec.cluster_id AS VARCHAR), 'event ' || e.id) AS cluster_key{extra}
FROM events e
JOIN articles a ON a.id = e.article_id
LEFT JOIN event_clusters ec ON ec.event_id = e.id
LEFT JOIN clusters c ON c.cluster_id = ec.cluster_id
WHERE {where}
"""
# The lead's end (see LEAD_CHARS), only for the GDELT export: it reads the article texts.
_LEAD = f""",
    least(coalesce(nullif(strpos(a.text, chr(10)), 0) - 1, length(a.text)), {LEAD_CHARS})
        AS article_lead_end"""
_ORDER = "ORDER BY date NULLS LAST, article_seq, sentence_start, action_start, id"
# The first-seen event of each cluster among the selected ones: an original before its copies.
_FIRST_SEEN = (
    "QUALIFY row_number() OVER (PARTITION BY cluster_key "
    "ORDER BY weight = 0, article_seq, sentence_start, action_start, id) = 1"
)
#: Internal columns that no export writes.
_INTERNAL = ("article_seq", "cluster_key", "weight")


def selected_rows(filters: EventFilter, *, count: str, lead: bool = False) -> tuple[str, list[Any]]:
    """SQL (and its parameters) for the export's rows: one per counted event or cluster, by date,
    with the columns of :data:`_SELECTED` (and ``article_lead_end`` with ``lead``)."""
    where, params = filters.where()
    base = _SELECTED.format(where=where, extra=_LEAD if lead else "")
    keep = "WHERE weight > 0" if count == "mention" else _FIRST_SEEN
    sql = f"SELECT * FROM ({base}) {keep} {_ORDER} LIMIT ? OFFSET ?"
    return sql, [*params, filters.limit, filters.offset]  # LIMIT NULL: no limit


def _table_sql(filters: EventFilter, *, count: str) -> tuple[str, list[Any]]:
    sql, params = selected_rows(filters, count=count)
    return f"SELECT * EXCLUDE ({', '.join(_INTERNAL)}) FROM ({sql})", params


def _copy(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any], path: Path, options: str
) -> int:
    # COPY takes no parameter for its target: the path goes in as a quoted SQL string literal.
    target = "'" + str(path).replace("'", "''") + "'"
    try:
        [(rows,)] = con.execute(f"COPY ({sql}) TO {target} ({options})", params).fetchall()
    except duckdb.IOException as exc:
        raise UsageError(f"cannot write {path}: {exc}") from exc
    return int(rows)


def _write_csv(
    con: duckdb.DuckDBPyConnection, path: Path, *, filters: EventFilter, count: str
) -> tuple[int, int]:
    sql, params = _table_sql(filters, count=count)
    return _copy(con, sql, params, path, "FORMAT csv, HEADER true"), 0


def _write_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, *, filters: EventFilter, count: str
) -> tuple[int, int]:
    sql, params = _table_sql(filters, count=count)
    return _copy(con, sql, params, path, "FORMAT parquet, COMPRESSION zstd"), 0


# -- jsonl: PLOVER-style records -----------------------------------------------------------------


def _write_jsonl(
    con: duckdb.DuckDBPyConnection, path: Path, *, filters: EventFilter, count: str
) -> tuple[int, int]:
    rows_sql, params = selected_rows(filters, count=count)
    return _copy(con, plover_sql(rows_sql), params, path, "FORMAT json"), 0


def plover_sql(rows_sql: str) -> str:
    """The SELECT of one PLOVER-style record per row of ``rows_sql``, written by DuckDB's JSON
    writer (one object per line, keys in this order, NULL as null).

    PLOVER's fields first: ``id, date, actor, recipient, event, mode, context, event_loc,
    event_text`` (actor and recipient as CAMEO actor codes, null when uncoded; ``context`` a
    list; ``event_loc`` the place: name, country, admin1, lat, lon, geonameid, kind). Then
    newsevents' own: the date's precision, each actor in full (``actor_detail``,
    ``recipient_detail``, ``reported_by``: text, name, code, country, sector, resolved_by and
    character offsets), the CAMEO code, root, QuadClass, Goldstein, modality, the evidence and
    action offsets, confidence, coder, mentions, the article (id, url, title, published, source,
    duplicate_of) and the cluster (id and its counts).
    """
    context = (
        "CASE WHEN coalesce(plover_context, '') = '' THEN CAST([] AS VARCHAR[]) "
        "ELSE string_split(plover_context, ';') END"
    )
    fields = [
        ("id", "id"),
        ("date", "date"),
        ("actor", "nullif(source_code, '')"),
        ("recipient", "nullif(target_code, '')"),
        ("event", "plover_type"),
        ("mode", "plover_mode"),
        ("context", context),
        ("event_loc", _struct("location_name", _LOCATION, prefix="location_")),
        ("event_text", "sentence"),
        ("date_precision", "date_precision"),
        ("actor_detail", _struct("source_text", _ACTOR, prefix="source_")),
        ("recipient_detail", _struct("target_text", _ACTOR, prefix="target_")),
        *((name, name) for name in ("cameo", "root", "quad_class", "goldstein", "modality")),
        ("reported_by", _struct("reported_by_text", _ACTOR, prefix="reported_by_")),
        ("evidence", "{'start': sentence_start, 'end': sentence_end}"),
        ("action", "{'start': action_start, 'end': action_end}"),
        *((name, name) for name in ("confidence", "coder", "mentions")),
        ("article", _struct("article_id", _ARTICLE)),
        ("cluster", _struct("cluster_id", _CLUSTER)),
    ]
    return f"SELECT {', '.join(f'{sql} AS {name}' for name, sql in fields)} FROM ({rows_sql})"


_ACTOR = {name: name for name in ("text", "name", "code", "country", "sector", "resolved_by")}
_ACTOR |= {"start": "start", "end": "end"}
_LOCATION = {name: name for name in ("name", "country", "admin1", "lat", "lon", "geonameid")}
_LOCATION |= {"kind": "kind"}
_ARTICLE = {
    "id": "article_id",
    "url": "article_url",
    "title": "article_title",
    "published": "article_published",
    "source": "article_source",
    "duplicate_of": "article_duplicate_of",
}
_CLUSTER = {
    "id": "cluster_id",
    "num_mentions": "cluster_mentions",
    "num_articles": "cluster_articles",
    "num_sources": "cluster_sources",
}


def _struct(present: str, columns: dict[str, str], *, prefix: str = "") -> str:
    """A JSON object of ``columns`` (key -> column), or null when column ``present`` is NULL."""
    # Keys and columns are the constants above, never user input; "end" needs quoting.
    body = ", ".join(f"'{key}': \"{prefix}{column}\"" for key, column in columns.items())
    return f"CASE WHEN {present} IS NULL THEN NULL ELSE {{{body}}} END"


# -- gdelt ---------------------------------------------------------------------------------------


def _write_gdelt(
    con: duckdb.DuckDBPyConnection, path: Path, *, filters: EventFilter, count: str
) -> tuple[int, int]:
    rows_sql, params = selected_rows(filters, count=count, lead=True)
    with (
        registered(con, "gdelt_actors", _actor_table(con)),
        registered(con, "gdelt_countries", _country_table()),
    ):
        sql = gdelt_sql(rows_sql, count=count)
        # No header (GDELT's files have none), no quoting: text cells hold no tab or line break.
        return _copy(
            con, sql, params, path, "FORMAT csv, DELIMITER '\t', HEADER false, QUOTE ''"
        ), 0


def gdelt_sql(rows_sql: str, *, count: str) -> str:
    """The SELECT of the 61 GDELT columns over ``rows_sql`` (:func:`selected_rows` with ``lead``).

    - GLOBALEVENTID: the event id's first 15 hex digits as an integer (60 bits: fits GDELT's
      BIGINT; stable across re-ingests, as the event id is);
    - SQLDATE, MonthYear, Year, FractionDate: the event's date, else its article's publication
      date (empty when there is neither); FractionDate is the year plus the fraction of it gone
      before that day, to 4 decimals;
    - Actor blocks: the CAMEO actor code, the canonical name in capitals as GDELT writes names,
      the CAMEO country code (countries.tsv's cameo column, its 3-letter territory code for a
      dependency coded parent+territory), religion sector codes as Religion1/2Code, the other
      sector codes in order as Type1-3Code, a non-state root (IGO...) as Type1Code with the
      group after it as KnownGroupCode; EthnicCode is always empty (ethnicity is not coded);
    - IsRootEvent: see :data:`LEAD_CHARS`; EventCode the CAMEO code as a zero-padded string,
      EventBaseCode its first three digits, EventRootCode its root; QuadClass, GoldsteinScale
      from the code (ICEWS Goldstein values, see ``newsevents codebook``);
    - NumMentions, NumSources, NumArticles: the cluster's (whole store) with ``count="cluster"``;
      with ``count="mention"`` the row is one article's report: its mentions, 1 and 1;
    - AvgTone: empty, always: newsevents computes no tone, and 0 would read as neutral;
    - Actor1Geo and Actor2Geo: Type 0 and empty (newsevents places the action, not each actor);
      ActionGeo: the event's place. Type 1 country, 2/5 a US/other first-level division, 3/4 a
      US/other city or any other place; CountryCode and ADM1Code the FIPS 10-4 country code
      (newsevents has no FIPS admin1 codes, so ADM1Code stops at the country, as GDELT's does for
      a country-level place); ADM2Code empty; FeatureID the FIPS code for a country, else the
      GeoNames id (GDELT writes GNS ids; both are numeric);
    - DATEADDED: when the event was coded (UTC, YYYYMMDDHHMMSS); SOURCEURL: the article's URL,
      else where it was read from.
    """
    day = "coalesce(r.date, r.article_published)"
    counts = (
        ["r.cluster_mentions", "r.cluster_sources", "r.cluster_articles"]
        if count == "cluster"
        else ["r.mentions", "1", "1"]
    )
    columns = [
        "coalesce(try_cast('0x' || left(r.id, 15) AS BIGINT), CAST(hash(r.id) >> 1 AS BIGINT))",
        f"strftime({day}, '%Y%m%d')",
        f"strftime({day}, '%Y%m')",
        f"strftime({day}, '%Y')",
        f"printf('%.4f', year({day}) + (dayofyear({day}) - 1) "
        f"/ dayofyear(make_date(year({day}), 12, 31)))",
        *_gdelt_actor("source", "a1"),
        *_gdelt_actor("target", "a2"),
        "CASE WHEN r.sentence_start < r.article_lead_end THEN 1 ELSE 0 END",
        "r.cameo",
        "left(r.cameo, 3)",
        "r.root",
        "r.quad_class",
        "r.goldstein",
        *(f"coalesce({c}, 1)" for c in counts),
        "NULL",
        *_empty_geo(),
        *_empty_geo(),
        *_action_geo(),
        "strftime(r.coded_at, '%Y%m%d%H%M%S')",
        _clean("coalesce(r.article_url, r.article_origin)"),
    ]
    selects = ",\n    ".join(
        f'CAST({sql} AS VARCHAR) AS "{name}"'
        for sql, name in zip(columns, GDELT_COLUMNS, strict=True)
    )
    return f"""
SELECT {selects}
FROM ({rows_sql}) r
LEFT JOIN gdelt_actors a1
    ON a1.code = r.source_code AND a1.country IS NOT DISTINCT FROM r.source_country
LEFT JOIN gdelt_actors a2
    ON a2.code = r.target_code AND a2.country IS NOT DISTINCT FROM r.target_country
LEFT JOIN gdelt_countries g ON g.alpha3 = r.location_country
"""


def _clean(sql: str) -> str:
    """Text as a GDELT cell: tabs and line breaks (which would break the row) become spaces."""
    return f"regexp_replace({sql}, '[\\t\\r\\n]+', ' ', 'g')"


def _gdelt_actor(side: str, alias: str) -> list[str]:
    return [
        f"nullif(r.{side}_code, '')",
        _clean(f"upper(r.{side}_name)"),
        *(
            f"{alias}.{name}"
            for name in (
                "country_code", "known_group", "ethnic", "religion1", "religion2",
                "type1", "type2", "type3",
            )
        ),
    ]  # fmt: skip


def _empty_geo() -> list[str]:
    return ["0", *(["NULL"] * 7)]


def _action_geo() -> list[str]:
    us = "r.location_country = 'USA'"
    kind = (
        "CASE WHEN r.location_name IS NULL THEN 0 WHEN r.location_kind = 'country' THEN 1 "
        f"WHEN r.location_kind = 'admin1' THEN (CASE WHEN {us} THEN 2 ELSE 5 END) "
        f"ELSE (CASE WHEN {us} THEN 3 ELSE 4 END) END"
    )
    admin1 = (
        "CASE WHEN r.location_kind <> 'country' AND r.location_admin1 <> r.location_name "
        "THEN r.location_admin1 END"
    )
    country = "CASE WHEN coalesce(r.location_kind, '') <> 'country' THEN g.name END"
    return [
        kind,
        _clean(f"nullif(concat_ws(', ', r.location_name, {admin1}, {country}), '')"),
        "nullif(g.fips, '')",
        "nullif(g.fips, '')",
        "NULL",
        "r.location_lat",
        "r.location_lon",
        "CASE WHEN r.location_kind = 'country' THEN nullif(g.fips, '') "
        "ELSE CAST(r.location_geonameid AS VARCHAR) END",
    ]


_ACTOR_FIELDS = (
    "code", "country", "country_code", "known_group", "ethnic", "religion1", "religion2",
    "type1", "type2", "type3",
)  # fmt: skip


def _actor_table(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The GDELT actor columns of every (actor code, country) pair stored: a few thousand rows
    worked out in Python, joined to the events in DuckDB."""
    pairs = con.execute(
        "SELECT DISTINCT source_code, source_country FROM events WHERE source_code <> '' "
        "UNION SELECT DISTINCT target_code, target_country FROM events WHERE target_code <> ''"
    ).fetchall()
    rows = [gdelt_actor(code, country) for code, country in pairs]
    return pa.table(
        {
            name: pa.array([row[i] for row in rows], pa.string())
            for i, name in enumerate(_ACTOR_FIELDS)
        }
    )


def gdelt_actor(code: str, country: str | None) -> tuple[str | None, ...]:
    """(code, country, CountryCode, KnownGroupCode, EthnicCode, Religion1Code, Religion2Code,
    Type1Code, Type2Code, Type3Code) of an actor coded ``code`` with ``country``."""
    countries, religions = _cameo_countries(), _religion_codes()
    groups = [code[i : i + 3] for i in range(0, len(code), 3)]
    if country is not None and groups:
        groups = groups[1:]  # the country part, however the code spells it (KSV for XKX)
    country_code, known, types = countries.get(country or ""), None, []
    if country in NON_STATE_ROOTS:
        types.append(country)
        if groups and groups[0] not in _sector_codes():
            head = groups.pop(0)
            if country == "MNC" and head in countries:
                country_code = countries[head]
            else:
                known = head
    faiths = [g for g in groups if g in religions]
    types += [g for g in groups if g not in religions and g in _sector_codes()]
    return (
        code,
        country,
        country_code,
        known,
        None,
        *_padded(faiths, 2),
        *_padded(types, 3),
    )


def _padded(values: list[str], width: int) -> list[str | None]:
    return [*values[:width], *([None] * (width - len(values[:width])))]


@cache
def _cameo_countries() -> dict[str, str]:
    """ISO alpha-3 -> CAMEO country code (3 letters: a parent+territory code gives the
    territory's, which is its alpha-3)."""
    found = {}
    for c in codebook().countries:
        found[c.alpha3] = c.cameo if len(c.cameo) == 3 else c.alpha3
    return found


@cache
def _religion_codes() -> frozenset[str]:
    return frozenset(s.code for s in codebook().sectors if s.group == "religion")


@cache
def _sector_codes() -> frozenset[str]:
    return frozenset(s.code for s in codebook().sectors)


def _country_table() -> pa.Table:
    countries = codebook().countries
    return pa.table(
        {
            "alpha3": pa.array([c.alpha3 for c in countries], pa.string()),
            "fips": pa.array([c.fips for c in countries], pa.string()),
            "name": pa.array([c.name for c in countries], pa.string()),
        }
    )


# -- gexf: the actor network ---------------------------------------------------------------------

GEXF_NAMESPACE = "http://gexf.net/1.3"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
# XML 1.0 allows no control characters but tab, line feed and carriage return, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_NODE_ATTRIBUTES = (("country", "string"), ("sector", "string"), ("name", "string"))
_EDGE_ATTRIBUTES = (
    ("events", "integer"),
    ("goldstein_mean", "double"),
    ("conflict_share", "double"),
)


def _write_gexf(
    con: duckdb.DuckDBPyConnection, path: Path, *, filters: EventFilter, count: str
) -> tuple[int, int]:
    limit = filters.limit or sys.maxsize
    edges = network(con, filters=filters, count=count, limit=limit, nodes="actor").to_pylist()
    keys = sorted({e["source_key"] for e in edges} | {e["target_key"] for e in edges})
    root = _gexf_root(count)
    graph = ET.SubElement(root, "graph", mode="static", defaultedgetype="directed")
    _declare(graph, "node", _NODE_ATTRIBUTES)
    _declare(graph, "edge", _EDGE_ATTRIBUTES)
    _gexf_nodes(ET.SubElement(graph, "nodes"), keys, names=_node_names(con, filters))
    _gexf_edges(ET.SubElement(graph, "edges"), edges)
    ET.indent(root)
    with _open_for_writing(path) as out:
        ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return len(edges), len(keys)


def _gexf_root(count: str) -> ET.Element:
    # The namespace declarations as plain attributes: children stay unprefixed, in GEXF's
    # default namespace, and ElementTree's global prefix registry is left alone.
    root = ET.Element(
        "gexf",
        {
            "xmlns": GEXF_NAMESPACE,
            "xmlns:xsi": _XSI,
            "xsi:schemaLocation": f"{GEXF_NAMESPACE} {GEXF_NAMESPACE}/gexf.xsd",
            "version": "1.3",
        },
    )
    meta = ET.SubElement(root, "meta", lastmodifieddate=dt.date.today().isoformat())
    ET.SubElement(meta, "creator").text = f"newsevents {newsevents.__version__}"
    unit = "real-world events (clusters)" if count == "cluster" else "mentions"
    ET.SubElement(meta, "description").text = (
        "Who acts on whom: nodes are actors (country and sector), edges source -> target; "
        f"weight counts {unit}, goldstein_mean is their mean Goldstein value."
    )
    return root


def _gexf_nodes(parent: ET.Element, keys: list[str], *, names: dict[str, str]) -> None:
    for key in keys:
        country, sector = key[:3], key[3:] or None  # node keys are country + first sector
        node = ET.SubElement(parent, "node", id=_xml(key), label=_xml(node_label(country, sector)))
        _values(node, {"country": country, "sector": sector, "name": names.get(key)})


def _gexf_edges(parent: ET.Element, edges: list[dict[str, Any]]) -> None:
    for number, edge in enumerate(edges):
        element = ET.SubElement(
            parent,
            "edge",
            id=str(number),
            source=_xml(edge["source_key"]),
            target=_xml(edge["target_key"]),
            weight=str(edge["events"]),
        )
        _values(element, {name: edge[name] for name, _ in _EDGE_ATTRIBUTES})


def _declare(graph: ET.Element, kind: str, attributes: tuple[tuple[str, str], ...]) -> None:
    declared = ET.SubElement(graph, "attributes", {"class": kind, "mode": "static"})
    for name, kind_of in attributes:
        ET.SubElement(declared, "attribute", id=name, title=name, type=kind_of)


def _values(element: ET.Element, values: dict[str, Any]) -> None:
    present = {name: value for name, value in values.items() if value is not None}
    if not present:
        return
    holder = ET.SubElement(element, "attvalues")
    for name, value in present.items():
        ET.SubElement(holder, "attvalue", {"for": name, "value": _xml(_text(value))})


def _text(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def node_label(country: str, sector: str | None) -> str:
    """A reader's label for an actor node: "United States: Government", "IGO", "Colombia"."""
    countries, sectors = _label_names()
    place = countries.get(country) or sectors.get(country) or country
    return f"{place}: {sectors.get(sector, sector)}" if sector else place


@cache
def _label_names() -> tuple[dict[str, str], dict[str, str]]:
    book = codebook()
    return {c.alpha3: c.name for c in book.countries}, {s.code: s.name for s in book.sectors}


def _node_names(con: duckdb.DuckDBPyConnection, filters: EventFilter) -> dict[str, str]:
    """Each actor node's most frequent actor name among the selected events (ties: A-Z)."""
    where, params = filters.where()
    sql = f"""
    WITH sides AS (
        SELECT e.source_country || coalesce(e.source_sector, '') AS key, e.source_name AS name
        FROM events e WHERE {where}
        UNION ALL
        SELECT e.target_country || coalesce(e.target_sector, ''), e.target_name
        FROM events e WHERE {where}
    )
    SELECT key, name FROM sides WHERE key IS NOT NULL AND name IS NOT NULL GROUP BY key, name
    QUALIFY row_number() OVER (PARTITION BY key ORDER BY count(*) DESC, name) = 1
    """
    return {str(k): str(v) for k, v in con.execute(sql, [*params, *params]).fetchall()}


# -- helpers -------------------------------------------------------------------------------------


def _open_for_writing(path: Path) -> Any:
    try:
        return path.open("wb")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from exc


_WRITERS = {
    "csv": _write_csv,
    "parquet": _write_parquet,
    "jsonl": _write_jsonl,
    "gdelt": _write_gdelt,
    "gexf": _write_gexf,
}
