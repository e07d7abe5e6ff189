"""Stage 8, explore: events read as clusters, aggregates, time series, maps, networks, exports.

Everything here is computed in DuckDB over the store and returned as Arrow tables, so a
dashboard or a script on a million events gets a few hundred rows, never the events themselves.

>>> from newsevents.explore.aggregates import aggregate
>>> aggregate(con, by="dyad", per="week", filters=EventFilter(cameo="19"), count="cluster")
"""
