"""The Python API. The CLI and the web app are thin layers over these functions.

>>> from newsevents import api
>>> summary = api.ingest(["articles/"], db="news.duckdb")
>>> api.articles(db="news.duckdb").to_pylist()  # an Arrow table; .to_pandas() with pandas
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from newsevents import pipeline
from newsevents.config import DEFAULT_DB, Settings
from newsevents.ingest import read_documents
from newsevents.records import Article, Failure, RunSummary
from newsevents.store import Store

if TYPE_CHECKING:
    import pyarrow as pa

    from newsevents.eval.extraction import ExtractionReport

EXAMPLES = Path(__file__).parent / "examples"


def read(
    sources: Iterable[str], *, settings: Settings | None = None, published: dt.date | None = None
) -> Iterator[Article | Failure]:
    """Stage 1 only, no database: each document as an Article, or a Failure saying why not."""
    settings = settings or Settings()
    for item in read_documents(sources, settings=settings):
        yield pipeline.attempt(item, settings=settings, published=published)


def ingest(
    sources: Iterable[str],
    *,
    db: Path | str = DEFAULT_DB,
    settings: Settings | None = None,
    published: dt.date | None = None,
    command: str = "ingest",
    on_batch: pipeline.ProgressCallback | None = None,
) -> RunSummary:
    """Ingest ``sources`` into the database at ``db``; re-ingesting stores nothing twice."""
    settings = settings or Settings()
    sources = list(sources)
    with Store.open(Path(db)) as store:
        run_id = store.start_run(command=command, sources=sources, settings=settings)
        try:
            summary = pipeline.run(
                sources,
                store=store,
                run_id=run_id,
                settings=settings,
                published=published,
                on_batch=on_batch,
            )
        except BaseException:
            store.finish_run(run_id, status="failed", counts=None)
            raise
        store.finish_run(run_id, status="completed", counts=summary)
    return summary


def demo(
    *, db: Path | str = DEFAULT_DB, on_batch: pipeline.ProgressCallback | None = None
) -> RunSummary:
    """Ingest the example articles bundled with newsevents (see examples/ATTRIBUTION.md)."""
    sources = sorted(str(p) for p in EXAMPLES.iterdir() if p.suffix in {".txt", ".jsonl"})
    return ingest(sources, db=db, command="demo", on_batch=on_batch)


def articles(
    *, db: Path | str = DEFAULT_DB, limit: int | None = None, include_text: bool = False
) -> pa.Table:
    """Stored articles, oldest first, as an Arrow table."""
    with Store.open(Path(db), read_only=True) as store:
        return store.articles(limit=limit, include_text=include_text)


def failures(*, db: Path | str = DEFAULT_DB, run_id: int | None = None) -> pa.Table:
    """Documents that could not be used, with their reasons (default: the latest run's)."""
    with Store.open(Path(db), read_only=True) as store:
        return store.failures(run_id=run_id)


def runs(*, db: Path | str = DEFAULT_DB) -> pa.Table:
    """Every run recorded in the database, newest first."""
    with Store.open(Path(db), read_only=True) as store:
        return store.runs()


def eval_extraction(*, data: Path | None = None) -> ExtractionReport:
    """Score body extraction on the scrapinghub article-extraction benchmark."""
    from newsevents.config import shared_data_dir
    from newsevents.eval.extraction import run_extraction_suite

    return run_extraction_suite(data or shared_data_dir() / "extraction" / "scrapinghub")
