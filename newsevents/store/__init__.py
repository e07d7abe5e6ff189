"""Stage 7, store: batches of results into one DuckDB file, through recorded migrations.

>>> with Store.open(Path("news.duckdb")) as store:
...     run_id = store.start_run(command="ingest", sources=["a.txt"], settings=Settings())
...     result = store.write_batch(run_id, coded_articles, failures, settings=Settings())
...     store.finish_run(run_id, status="completed")
...     table = store.events(EventFilter(dyad="USA:COL", cameo="04"))
"""

from newsevents.store.batch import BatchResult, Outcome
from newsevents.store.db import Store
from newsevents.store.queries import ArticleView, EventFilter

__all__ = ["ArticleView", "BatchResult", "EventFilter", "Outcome", "Store"]
