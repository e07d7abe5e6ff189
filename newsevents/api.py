"""The Python API. The CLI and the web app are thin layers over these functions.

>>> from newsevents import api
>>> summary = api.ingest(["articles/"], db="news.duckdb")
>>> api.articles(db="news.duckdb").to_pylist()  # an Arrow table; .to_pandas() with pandas
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsevents import parallel, pipeline
from newsevents.config import DEFAULT_DB, Settings
from newsevents.errors import UsageError
from newsevents.ingest import read_documents
from newsevents.records import Article, CodedArticle, Failure, RawDocument, RunSummary
from newsevents.store import ArticleView, EventFilter, Store
from newsevents.store.db import RunStatus

if TYPE_CHECKING:
    import pyarrow as pa

    from newsevents.distributed import RayJobSummary
    from newsevents.eval.dates import DatesReport
    from newsevents.eval.extraction import ExtractionReport
    from newsevents.eval.places import PlacesReport
    from newsevents.eval.plover import PloverReport
    from newsevents.eval.quad import QuadReport
    from newsevents.explore.codebook import Codebook
    from newsevents.explore.exports import ExportResult

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
    workers: int | None = None,
) -> RunSummary:
    """Ingest ``sources`` into the database at ``db``; re-ingesting stores nothing twice.

    ``workers`` processes code the documents (default ``settings.workers``: one per core); the
    stored result is the same for any number.
    """
    settings = settings or Settings()
    if workers is not None:
        settings = settings.replace(workers=workers)
    sources = list(sources)
    if parallel.resolve_workers(settings.workers) == 1:
        pipeline.check_coding(settings)
    # With workers, each loads the model itself and the first chunk raises any error here: a
    # load in this process too would add its seconds to every run.
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
                workers=settings.workers,
            )
        except BaseException as exc:
            store.finish_run(run_id, status=_ended_by(exc), counts=None)
            raise
        store.finish_run(run_id, status="completed", counts=summary)
    return summary


def _ended_by(exc: BaseException) -> RunStatus:
    """How a run that raised ``exc`` is recorded: a user's Ctrl-C is not a failure."""
    return "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"


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


def events(*, db: Path | str = DEFAULT_DB, **filters: Any) -> pa.Table:
    """Stored events, by date, as an Arrow table with each article's title, url and published.

    ``filters`` are the fields of :class:`newsevents.store.EventFilter`: ``start``, ``end``
    (dates), ``actor``, ``source``, ``target``, ``dyad`` ("USA:COL"), ``cameo`` (a code prefix),
    ``root``, ``quad_class``, ``modality``, ``article``, ``coder``, ``limit``, ``offset``.

    >>> api.events(db="news.duckdb", dyad="USA:COL", cameo="04", start=date(2025, 3, 1))
    """
    try:
        chosen = EventFilter(**filters)
    except TypeError as exc:  # an unknown keyword: name the ones there are
        raise UsageError(
            f"{exc}; filters are {', '.join(EventFilter.__dataclass_fields__)}"
        ) from None
    with Store.open(Path(db), read_only=True) as store:
        return store.events(chosen)


def show(article_id: str, *, db: Path | str = DEFAULT_DB) -> ArticleView:
    """One stored article and its events; ``article_id`` may be a unique prefix (6+ hex digits)."""
    with Store.open(Path(db), read_only=True) as store:
        return store.show(article_id)


#: What :func:`aggregate` returns: a pandas or polars DataFrame, or the Arrow table itself.
OUTPUTS = ("pandas", "polars", "arrow")


def aggregate(
    *,
    by: str,
    per: str | None = None,
    db: Path | str = DEFAULT_DB,
    count: str = "cluster",
    normalise: bool = False,
    baseline: int | None = None,
    directed: bool = True,
    top: int | None = None,
    output: str = "pandas",
    **filters: Any,
) -> Any:
    """Event counts, mean Goldstein and conflict share by ``by`` (country, dyad, root, cameo,
    quad, place), per ``per`` period (day, week, month) with empty periods as zeros.

    ``count`` "cluster" (each real-world event once) or "mention"; ``normalise`` adds the
    articles published per period and events per article; ``baseline`` N adds the mean of the
    previous N periods and the change against it; ``directed=False`` counts dyads both ways as
    one; ``top`` keeps the keys with the most events. ``filters`` are those of :func:`events`.
    Columns: :func:`newsevents.explore.aggregates.aggregate`. ``output``: "pandas" (a
    DataFrame), "polars" (when installed) or "arrow".

    >>> api.aggregate(by="dyad", per="week", db="news.duckdb", cameo="19", baseline=4)
    """
    if output not in OUTPUTS:
        raise UsageError(f"output {output!r}: choose {', '.join(OUTPUTS)}")
    chosen = _filters(filters)
    with Store.open(Path(db), read_only=True) as store:
        table = store.aggregate(
            by=by,
            per=per,
            filters=chosen,
            count=count,
            normalise=normalise,
            baseline=baseline,
            directed=directed,
            top=top,
        )
    return _frame(table, output=output)


def _filters(filters: dict[str, Any]) -> EventFilter:
    try:
        return EventFilter(**filters)
    except TypeError as exc:  # an unknown keyword: name the ones there are
        raise UsageError(
            f"{exc}; filters are {', '.join(EventFilter.__dataclass_fields__)}"
        ) from None


def _frame(table: pa.Table, *, output: str) -> Any:
    if output == "arrow":
        return table
    if output == "polars":
        try:
            import polars
        except ImportError:
            raise UsageError(
                "output 'polars' needs polars, which is not installed: pip install polars"
            ) from None
        return polars.from_arrow(table)
    return table.to_pandas()


def export(
    path: Path | str,
    *,
    fmt: str,
    db: Path | str = DEFAULT_DB,
    count: str | None = None,
    **filters: Any,
) -> ExportResult:
    """Write stored events to ``path`` as ``fmt``: csv, parquet, jsonl (PLOVER-style), gdelt
    (GDELT 2.0's 61 tab-separated columns) or gexf (the actor network).

    ``count`` "cluster" (one row per real-world event, GDELT's NumMentions/NumArticles/NumSources
    from its cluster) or "mention" (one row per article's report); the default is "mention" for
    csv, parquet and jsonl, "cluster" for gdelt and gexf. ``filters`` are those of :func:`events`.
    See :mod:`newsevents.explore.exports` for every column.

    >>> api.export("events.tsv", fmt="gdelt", db="news.duckdb", start=date(2025, 3, 1))
    """
    try:
        chosen = EventFilter(**filters)
    except TypeError as exc:  # an unknown keyword: name the ones there are
        raise UsageError(
            f"{exc}; filters are {', '.join(EventFilter.__dataclass_fields__)}"
        ) from None
    with Store.open(Path(db), read_only=True) as store:
        return store.export(Path(path), fmt=fmt, filters=chosen, count=count)


def codebook() -> Codebook:
    """The codebook that ships with newsevents: CAMEO codes, Goldstein, QuadClass, the PLOVER
    crosswalk, sector codes and the country code crosswalk, read from the shipped tables.
    ``newsevents.explore.codebook.render_codebook`` writes it as text, JSON or Markdown."""
    from newsevents.explore.codebook import codebook as read_codebook

    return read_codebook()


#: What ``code`` reads its sources as: "auto" like ``ingest`` (by name and content), or "jsonl"
#: (every source is JSON lines; "-" is standard input).
INPUT_FORMATS = ("auto", "jsonl")


def code(
    sources: Iterable[str],
    *,
    settings: Settings | None = None,
    published: dt.date | None = None,
    input_format: str = "auto",
) -> Iterator[CodedArticle | Failure]:
    """Stages 1-6, no database: each input document coded, or the Failure saying why not, in
    input order. With ``input_format="jsonl"`` each source is a JSONL file or "-" (standard
    input) of objects ``{"id", "text", "published", ...}`` (the ``id`` becomes the article's
    ``external_id``)."""
    settings, sources = settings or Settings(), list(sources)
    if input_format not in INPUT_FORMATS:
        raise UsageError(f"input format {input_format!r}: choose {' or '.join(INPUT_FORMATS)}")
    if input_format == "auto" and "-" in sources:
        raise UsageError("to read standard input ('-'), say its format: --input-format jsonl")
    pipeline.check_coding(settings)
    if input_format == "auto":
        return pipeline.code_documents(sources, settings=settings, published=published)
    items = _jsonl_items(sources, settings=settings)
    return pipeline.code_items(items, settings=settings, published=published)


def _jsonl_items(sources: list[str], *, settings: Settings) -> Iterator[RawDocument | Failure]:
    from newsevents.ingest.files import jsonl_file_documents, jsonl_stream

    for source in sources:
        if source == "-":
            yield from jsonl_stream(sys.stdin.buffer, name="<stdin>", settings=settings)
        else:
            yield from jsonl_file_documents(Path(source), settings=settings)


def eval_extraction(*, data: Path | None = None) -> ExtractionReport:
    """Score body extraction on the scrapinghub article-extraction benchmark."""
    from newsevents.config import shared_data_dir
    from newsevents.eval.extraction import run_extraction_suite

    return run_extraction_suite(data or shared_data_dir() / "extraction" / "scrapinghub")


def eval_events_plover(
    *, data: Path | None = None, settings: Settings | None = None
) -> PloverReport:
    """Score event types and actor countries on the PLOVER gold-standard sentences."""
    from newsevents.config import shared_data_dir
    from newsevents.eval.events import pipeline_coder
    from newsevents.eval.plover import run_plover_suite

    path = data or shared_data_dir() / "events" / "plover" / "PLOVER_GSR_CAMEO.txt"
    return run_plover_suite(path, code=pipeline_coder(settings or Settings()))


def eval_quad(*, data: Path | None = None, settings: Settings | None = None) -> QuadReport:
    """Score the five-class event grouping on the ConfliBERT CAMEO sentences."""
    from newsevents.config import shared_data_dir
    from newsevents.eval.events import pipeline_coder
    from newsevents.eval.quad import run_quad_suite

    path = data or shared_data_dir() / "events" / "confliBERT-cameo-train" / "train.tsv"
    return run_quad_suite(path, code=pipeline_coder(settings or Settings()))


def eval_dates(*, data: Path | None = None, settings: Settings | None = None) -> DatesReport:
    """Score date resolution on the DATE expressions of a folder of TimeML files."""
    from newsevents.config import shared_data_dir
    from newsevents.eval.dates import run_dates_suite
    from newsevents.nlp import parse

    settings = settings or Settings()
    return run_dates_suite(
        data or shared_data_dir() / "time" / "te3-platinum",
        parse=lambda texts: parse(texts, model=settings.model, batch_size=settings.nlp_batch_size),
    )


def eval_places(*, data: Path | None = None) -> PlacesReport:
    """Score toponym resolution on gold place mentions: GeoWebNews (the default) or GeoVirus."""
    from newsevents.config import shared_data_dir
    from newsevents.eval.places import run_places_suite

    return run_places_suite(data or shared_data_dir() / "geo" / "GWN.xml")


def serve(
    *,
    db: Path | str = DEFAULT_DB,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_remote: bool = False,
    token: str | None = None,
    settings: Settings | None = None,
    tls_cert: Path | str | None = None,
    tls_key: Path | str | None = None,
    private: bool = False,
    on_ready: Callable[[str, str | None], None] | None = None,
) -> None:
    """Serve the dashboard for ``db`` at ``http://host:port/`` until interrupted (Ctrl-C).

    Only loopback unless ``allow_remote``; then writes (the ingest form, uploads) need a token:
    ``token`` if given, else one made at start; ``private``: every read too (a token is then made
    on loopback as well). ``tls_cert`` (a PEM certificate, with its key in
    ``tls_key`` or in the same file) serves it over https instead. ``on_ready`` is called before
    the server starts with the URL and the token if it was made (to show it once), else None.
    """
    from newsevents.web.server import serve as run_server

    run_server(
        db=Path(db),
        host=host,
        port=port,
        allow_remote=allow_remote,
        token=token,
        settings=settings,
        tls_cert=Path(tls_cert) if tls_cert else None,
        tls_key=Path(tls_key) if tls_key else None,
        private=private,
        on_ready=on_ready,
    )


#: Engines of :func:`run`: "ray" (Ray Data, local or a cluster) or "local" (this process).
ENGINES = ("ray", "local")


def run(
    inputs: Iterable[str],
    out: Path | str,
    *,
    engine: str = "ray",
    settings: Settings | None = None,
    address: str | None = None,
    num_cpus: int | None = None,
    batch_size: int = 16,
    concurrency: int | None = None,
) -> RayJobSummary:
    """Stages 1-6 over JSONL, WARC and Parquet ``inputs`` into a Parquet dataset at ``out``
    (articles, events, places, failures by publication month; see
    :mod:`newsevents.distributed`). Re-running replaces the dataset; :func:`load` stores it."""
    from newsevents import distributed

    settings, inputs = settings or Settings(), list(inputs)
    if engine not in ENGINES:
        raise UsageError(f"engine {engine!r}: choose {' or '.join(ENGINES)}")
    if engine == "local":
        pipeline.check_coding(settings)
        return distributed.run_local(inputs, out, settings=settings, batch_size=batch_size)
    return distributed.run_ray(
        inputs,
        out,
        settings=settings,
        address=address,
        num_cpus=num_cpus,
        batch_size=batch_size,
        concurrency=concurrency,
    )


def load(
    dataset: Path | str,
    *,
    db: Path | str = DEFAULT_DB,
    settings: Settings | None = None,
    on_batch: pipeline.ProgressCallback | None = None,
) -> RunSummary:
    """Store a dataset written by :func:`run` in the database at ``db``, by the rules of
    :func:`ingest`: loading it twice stores no article or event twice."""
    from newsevents.distributed import is_dataset, load_dataset

    settings = settings or Settings()
    if not is_dataset(dataset):
        raise UsageError(
            f"{dataset}: not a dataset written by `newsevents run` (no articles/, events/)"
        )
    with Store.open(Path(db)) as store:
        run_id = store.start_run(command="load", sources=[str(dataset)], settings=settings)
        try:
            summary = load_dataset(
                dataset, store=store, run_id=run_id, settings=settings, on_batch=on_batch
            )
        except BaseException as exc:
            store.finish_run(run_id, status=_ended_by(exc), counts=None)
            raise
        store.finish_run(run_id, status="completed", counts=summary)
    return summary
