"""Events reported by many articles: clusters, with GDELT's NumMentions, NumArticles, NumSources.

Two stored events are the same real-world event when they have the same directed dyad (source
and target country and sector), the same CAMEO root, the same place country, the same coder, and
dates a day or less apart. Within each such group, ordered by date, a new cluster starts where the
gap to the previous event is more than one day (gaps and islands), so a run of daily reports
chains into one cluster. An event's date is its own, else its article's publication date; an
event with neither is a cluster of its own, and so is one whose source actor is uncoded (code
""): two unknown actors are not known to be the same one.

Counts, over the whole store (not only the run that first saw the event):

- ``num_articles``: distinct articles, a near-duplicate counted as the article it copies;
- ``num_sources``: distinct sites of those articles (``source``, else the URL's host without
  ``www.``, else where the file was read from);
- ``num_mentions``: GDELT counts every mention, repeats within one document included, so each
  event adds its ``mentions`` (the sentences of its article that report it). A near-duplicate's
  copy of an event adds nothing: within a cluster, among the copies of one story, only the copy
  with the most mentions of a code (the original on a tie) counts. Its ``weight`` in
  ``event_clusters`` is what an event adds (0 for a copy), which aggregates by mention sum.
"""

from __future__ import annotations

from contextlib import suppress

import duckdb

#: What makes events the same event, besides their dates (the partition of the gaps-and-islands).
CLUSTER_KEY = (
    "coder",
    "source_country",
    "source_sector",
    "target_country",
    "target_sector",
    "root",
    "location_country",
)

#: Dates further apart than this (in days) start a new cluster: the issue's "within a day".
MAX_GAP_DAYS = 1

_COLUMNS = ", ".join(f"e.{name}" for name in CLUSTER_KEY)

# 1. each event with its day, story (its article, or the article a near-duplicate copies), site,
#    and its group: a 64-bit hash of its key (sorting on seven text columns took three times as
#    long at 1 M events; two keys colliding would merge only events also a day apart, at odds of
#    about 1e-8 for a million keys). An uncoded source's event is a group of its own.
# 2. within a group in date order, a new island starts at the first event, after a gap, and at
#    every undated event;
# 3. clusters are numbered by first date (then group and island);
# 4. within a cluster, one copy per (story, code) counts: the one with the most mentions, the
#    earliest article on a tie. Only stories with several articles need the choice.
_ISLANDS = f"""
CREATE TEMP TABLE _islands AS
WITH dated AS (
    SELECT e.id, e.article_id, e.cameo, e.mentions, {_COLUMNS},
        hash({_COLUMNS}, CASE WHEN coalesce(e.source_code, '') = '' THEN e.id END) AS grp,
        coalesce(e.date, a.published) AS day,
        coalesce(a.duplicate_of, a.id) AS story,
        a.seq,
        a.duplicate_of IS NOT NULL OR a.id IN (SELECT duplicate_of FROM articles) AS shared,
        lower(coalesce(
            nullif(o.source, ''),
            nullif(regexp_extract(o.url, '^[a-zA-Z][a-zA-Z0-9+.-]*://(www\\.)?([^/:?#]+)', 2), ''),
            o.origin
        )) AS site
    FROM events e
    JOIN articles a ON a.id = e.article_id
    JOIN articles o ON o.id = coalesce(a.duplicate_of, a.id)
),
starts AS (
    SELECT *,
        CASE WHEN day - lag(day) OVER (PARTITION BY grp ORDER BY day) <= {MAX_GAP_DAYS}
             THEN 0 ELSE 1 END AS starts
    FROM dated
)
SELECT *, sum(starts) OVER (
    PARTITION BY grp ORDER BY day, starts DESC, id ROWS UNBOUNDED PRECEDING
) AS island
FROM starts
"""

_CLUSTERED = """
CREATE TEMP TABLE _clustered AS
WITH numbers AS (
    SELECT grp, island, row_number() OVER (ORDER BY min(day), grp, island) AS cluster_id
    FROM _islands GROUP BY grp, island
),
numbered AS (SELECT i.*, n.cluster_id FROM _islands i JOIN numbers n USING (grp, island)),
copies AS (
    SELECT cluster_id, story, cameo, article_id, any_value(seq) AS seq, sum(mentions) AS m
    FROM numbered WHERE shared GROUP BY ALL
),
chosen AS (
    SELECT cluster_id, story, cameo, arg_min(article_id, (-m, seq)) AS chosen
    FROM copies GROUP BY ALL
)
SELECT n.*, CASE WHEN c.chosen IS NULL OR c.chosen = n.article_id THEN n.mentions ELSE 0 END
    AS weight
FROM numbered n LEFT JOIN chosen c USING (cluster_id, story, cameo)
"""

_CLUSTERS = """
INSERT INTO clusters
SELECT cluster_id, any_value(coder), any_value(source_country), any_value(source_sector),
    any_value(target_country), any_value(target_sector), any_value(root),
    any_value(location_country), min(day), max(day), count(*), sum(weight),
    count(DISTINCT story), count(DISTINCT site)
FROM _clustered
GROUP BY cluster_id
"""


def refresh_clusters(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute ``clusters`` and ``event_clusters`` over the whole store; how many clusters.

    Run it inside the caller's transaction (``Store.refresh_clusters`` does), so that readers
    never see the tables half rewritten.
    """
    try:
        con.execute(_ISLANDS)
        con.execute(_CLUSTERED)
        con.execute("DELETE FROM event_clusters")
        con.execute("DELETE FROM clusters")
        con.execute("INSERT INTO event_clusters SELECT id, cluster_id, day, weight FROM _clustered")
        con.execute(_CLUSTERS)
    finally:
        # After a failed statement DuckDB refuses this until the rollback: report that failure.
        with suppress(duckdb.Error):
            con.execute("DROP TABLE IF EXISTS _islands")
            con.execute("DROP TABLE IF EXISTS _clustered")
    [(count,)] = con.execute("SELECT count(*) FROM clusters").fetchall()
    return int(count)
