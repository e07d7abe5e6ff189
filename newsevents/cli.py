"""The command line: thin Typer commands over :mod:`newsevents.api`. The only module that prints."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsevents import __version__, api, handoff
from newsevents.config import DEFAULT_DB, Settings
from newsevents.errors import NewsEventsError, UsageError
from newsevents.events.ontology import cameo as cameo_code
from newsevents.events.serialize import event_to_dict
from newsevents.records import Article, CodedArticle, Event, Failure, RunSummary
from newsevents.store import ArticleView
from newsevents.store.rows import event_from_row

app = typer.Typer(
    name="newsevents",
    help="News pages in, political event data out. Start with: newsevents demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Score newsevents against gold data sets.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB file to use.", dir_okay=False)]
ActorsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--actors",
        help="An actor dictionary of your own (TSV, the format of newsevents/data/actors); "
        "repeatable. Its entries win over the shipped ones.",
        exists=True,
        dir_okay=False,
    ),
]
PatternsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--patterns",
        help="Verb/noun patterns of your own (TSV, the format of newsevents/data/patterns); "
        "repeatable. They win over the shipped ones.",
        exists=True,
        dir_okay=False,
    ),
]
# The filters of `events`, `aggregate` and `export` (newsevents.store.EventFilter).
FromOption = Annotated[
    str | None, typer.Option("--from", help="Events on or after this date (YYYY-MM-DD).")
]
ToOption = Annotated[
    str | None, typer.Option("--to", help="Events on or before this date (YYYY-MM-DD).")
]
ActorOption = Annotated[
    str | None,
    typer.Option(help="Either side: a country (USA), an actor code prefix (USAGOV) or a name."),
]
SourceOption = Annotated[str | None, typer.Option(help="The source actor, matched like --actor.")]
TargetOption = Annotated[str | None, typer.Option(help="The target actor, matched like --actor.")]
DyadOption = Annotated[
    str | None, typer.Option(help="A directed pair SOURCE:TARGET, e.g. USA:COL.")
]
CameoOption = Annotated[
    str | None, typer.Option(help="A CAMEO code or prefix: 04 selects every 04x code.")
]
RootOption = Annotated[str | None, typer.Option(help="A CAMEO root code, 01 to 20.")]
QuadOption = Annotated[
    int | None,
    typer.Option(min=1, max=4, help="QuadClass: 1 verbal coop. ... 4 material conflict."),
]
ModalityOption = Annotated[
    str | None, typer.Option(help="asserted, planned, intended, hypothetical, negated, reported.")
]
ArticleOption = Annotated[str | None, typer.Option(help="An article id or its prefix.")]
CoderOption = Annotated[str | None, typer.Option(help="A versioned coder name, e.g. rules.v1.")]
EXIT_FAILED_DOCUMENTS = 1
EXIT_ERROR = 2


def _published(value: str | None) -> dt.date | None:
    return _date(value, option="--published")


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(help="Files, folders, URLs or feeds.")],
    db: DbOption = DEFAULT_DB,
    published: Annotated[
        str | None, typer.Option(help="Publication date (YYYY-MM-DD) for every document read.")
    ] = None,
    allow_private: Annotated[
        bool, typer.Option(help="Allow fetching from private, loopback and link-local addresses.")
    ] = False,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Documents per database transaction.")
    ] = Settings().batch_size,
    actors: ActorsOption = None,
    patterns: PatternsOption = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            show_default="one per core",
            help="Processes coding documents (the result is the same for any number). An input "
            "of one batch (--batch-size) or less is coded in one process, with no start-up cost.",
        ),
    ] = None,
    wait: Annotated[
        float,
        typer.Option(
            min=0,
            help="Seconds to wait when another newsevents process is writing to --db "
            "(0: fail at once). A dashboard serving --db takes the job over instead.",
        ),
    ] = handoff.DEFAULT_WAIT,
) -> None:
    """Read SOURCES, code their events and store articles and events in the database.

    When `newsevents serve` has --db open, the dashboard runs the ingest (its views keep
    answering); when another ingest is writing to it, this one waits for it.
    Example: newsevents ingest articles/ https://example.org/feed.xml --db news.duckdb
    """
    settings = Settings(
        allow_private=allow_private,
        batch_size=batch_size,
        actor_files=tuple(actors or ()),
        pattern_files=tuple(patterns or ()),
    )
    with _progress("Ingesting") as on_batch:
        summary = handoff.ingest(
            sources,
            db=db,
            settings=settings,
            published=_published(published),
            on_batch=on_batch,
            workers=workers,
            wait=wait,
            on_wait=lambda message: err.print(message, markup=False, highlight=False),
            on_handoff=lambda server, job: err.print(
                f"{db} is open in the dashboard at {server.url} (pid {server.pid}): handed to it "
                f"as ingest job {job} (Ctrl-C here stops following the job, not the job)",
                markup=False,
                highlight=False,
            ),
        )
    _report(summary, db=db)


@app.command()
def demo(db: DbOption = DEFAULT_DB) -> None:
    """Ingest the bundled example articles and show what was stored.

    Example: newsevents demo --db demo.duckdb
    """
    with _progress("Ingesting the examples") as on_batch:
        summary = api.demo(db=db, on_batch=on_batch)
    _report(summary, db=db)
    _print_articles(api.articles(db=db).to_pylist(), fmt="table")
    # The seed article's events show what coding gives: actors, codes, modality, dates.
    table = api.events(db=db, actor="Noem")
    out.print("\nEvents of the seed article (newsevents events --actor Noem):", highlight=False)
    _print_events(table.to_pylist(), fmt="table", columns=table.column_names)
    total = len(api.events(db=db))
    out.print(f"{total} events in all: newsevents events --db {db}", highlight=False)


@app.command()
def read(
    sources: Annotated[list[str], typer.Argument(help="Files, folders, URLs or feeds.")],
    published: Annotated[
        str | None, typer.Option(help="Publication date (YYYY-MM-DD) for every document read.")
    ] = None,
    allow_private: Annotated[
        bool, typer.Option(help="Allow fetching from private, loopback and link-local addresses.")
    ] = False,
) -> None:
    """Stage 1 only, no database: print each article as one JSON object per line.

    Failures go to standard error, one line each.
    Example: newsevents read ../shared/data/seed/noem-colombia.txt
    """
    settings = Settings(allow_private=allow_private)
    failed = 0
    for item in api.read(sources, settings=settings, published=_published(published)):
        if isinstance(item, Failure):
            failed += 1
            err.print(
                f"failed: {item.source}: {item.error}: {item.message}",
                markup=False,
                highlight=False,
            )
        else:
            sys.stdout.write(json.dumps(_article_json(item), ensure_ascii=False) + "\n")
    if failed:
        raise typer.Exit(EXIT_FAILED_DOCUMENTS)


def _article_json(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "published_from": article.published_from,
        "source": article.source,
        "original_source": article.original_source,
        "language": article.language,
        "origin": article.origin,
        "text": article.text,
    }


@app.command()
def articles(
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help="table, json, jsonl or csv.")] = "table",
    limit: Annotated[int | None, typer.Option(min=1, help="Show at most this many.")] = None,
    text: Annotated[bool, typer.Option(help="Include the body text.")] = False,
) -> None:
    """List the stored articles.

    Example: newsevents articles --format csv > articles.csv
    """
    if fmt not in {"table", "json", "jsonl", "csv"}:
        raise UsageError(f"--format {fmt!r}: choose table, json, jsonl or csv")
    rows = api.articles(db=_existing(db), limit=limit, include_text=text).to_pylist()
    _print_articles(rows, fmt=fmt)


@app.command()
def failures(
    db: DbOption = DEFAULT_DB,
    run: Annotated[int | None, typer.Option(help="Run id (default: the latest run).")] = None,
) -> None:
    """List the documents that could not be used, and why.

    Example: newsevents failures --db news.duckdb
    """
    rows = api.failures(db=_existing(db), run_id=run).to_pylist()
    if not rows:
        out.print("No failures.")
        return
    if not out.is_terminal:  # plain lines for pipes and scripts: never wrapped or cut
        for row in rows:
            sys.stdout.write(f"{row['source']}\t{row['stage']}\t{row['error']}\t{row['message']}\n")
        return
    table = Table("source", "stage", "error", "message", show_lines=False)
    for row in rows:
        table.add_row(str(row["source"]), row["stage"], row["error"], row["message"])
    out.print(table)


@app.command()
def runs(db: DbOption = DEFAULT_DB) -> None:
    """List the runs recorded in the database, newest first.

    Example: newsevents runs --db news.duckdb
    """
    rows = api.runs(db=_existing(db)).to_pylist()
    table = Table("id", "started", "command", "status", "documents", "stored", "failed", "version")
    for row in rows:
        table.add_row(
            *(
                str(row.get(k, ""))
                for k in (
                    "id",
                    "started_at",
                    "command",
                    "status",
                    "documents",
                    "stored",
                    "failed",
                    "code_version",
                )
            )
        )
    out.print(table)


# -- events: list, show one article, code without a database --------------------------------------

EVENT_FORMATS = ("table", "jsonl", "csv")
#: Characters of the sentence shown in the terminal table; the full sentence is in every format.
SENTENCE_WIDTH = 90


@app.command()
def events(
    db: DbOption = DEFAULT_DB,
    date_from: FromOption = None,
    date_to: ToOption = None,
    actor: ActorOption = None,
    source: SourceOption = None,
    target: TargetOption = None,
    dyad: DyadOption = None,
    cameo: CameoOption = None,
    root: RootOption = None,
    quad: QuadOption = None,
    modality: ModalityOption = None,
    article: ArticleOption = None,
    coder: CoderOption = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Show at most this many.")] = None,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="table, jsonl or csv.")] = "table",
) -> None:
    """List stored events, oldest first (then by article and place in the text).

    A table on a terminal, tab-separated lines in a pipe; jsonl gives every field.
    Example: newsevents events --dyad USA:COL --cameo 04 --from 2025-03-01 --db news.duckdb
    """
    if fmt not in EVENT_FORMATS:
        raise UsageError(f"--format {fmt!r}: choose {', '.join(EVENT_FORMATS)}")
    table = api.events(
        db=_existing(db),
        **_filters(
            date_from,
            date_to,
            actor=actor,
            source=source,
            target=target,
            dyad=dyad,
            cameo=cameo,
            root=root,
            quad=quad,
            modality=modality,
            article=article,
            coder=coder,
        ),
        limit=limit,
        offset=offset,
    )
    _print_events(table.to_pylist(), fmt=fmt, columns=table.column_names)


def _filters(
    date_from: str | None, date_to: str | None, *, quad: int | None, **fields: str | None
) -> dict[str, Any]:
    """The shared filter options as ``EventFilter`` keywords, for events, aggregate and export."""
    return {
        "start": _date(date_from, option="--from"),
        "end": _date(date_to, option="--to"),
        "quad_class": quad,
        **fields,
    }


def _date(value: str | None, *, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date; use YYYY-MM-DD") from None


def _print_events(rows: list[dict[str, Any]], *, fmt: str, columns: list[str]) -> None:
    if fmt == "jsonl":
        for row in rows:
            sys.stdout.write(json.dumps(_event_row_json(row), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns)
        writer.writeheader()
        writer.writerows({k: _plain(v) for k, v in row.items()} for row in rows)
    elif out.is_terminal:
        _events_table(rows)
    else:  # plain lines for pipes and scripts: never wrapped or cut
        for row in rows:
            fields = (*_event_cells(row), row["article_id"], row["sentence"])
            sys.stdout.write("\t".join(fields) + "\n")


def _event_row_json(row: dict[str, Any]) -> dict[str, Any]:
    article = {
        "id": row["article_id"],
        "title": row["title"],
        "url": row["url"],
        "published": _plain(row["published"]),
    }
    return {"article": article, **event_to_dict(event_from_row(row))}


def _event_cells(row: dict[str, Any]) -> tuple[str, ...]:
    """Date, source, CAMEO code and name, target, modality: the columns a person scans."""
    source = _actor_label(row["source_name"], row["source_code"])
    target = _actor_label(row["target_name"], row["target_code"])
    date = row["date"].isoformat() if row["date"] else ""
    return (date, source, _cameo_label(row["cameo"]), target, row["modality"])


def _events_table(rows: list[dict[str, Any]]) -> None:
    table = Table("date", "source", "event", "target", "modality", "sentence")
    for row in rows:
        sentence = row["sentence"]
        if len(sentence) > SENTENCE_WIDTH:
            sentence = sentence[: SENTENCE_WIDTH - 1] + "…"
        table.add_row(*(Text(cell) for cell in (*_event_cells(row), sentence)))
    out.print(table)
    out.print(f"{len(rows)} event{'s' if len(rows) != 1 else ''}", highlight=False)


def _actor_label(name: str | None, code: str | None) -> str:
    if name is None:
        return ""
    return f"{name} ({code})" if code else name


def _cameo_label(code: str) -> str:
    try:
        return f"{code} {cameo_code(code).name}"
    except NewsEventsError:  # a code this version's table no longer has: the code alone
        return code


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="An article id, or its first 6+ hex digits.")],
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Show one article with the evidence for each of its events.

    Each sentence that has events is followed by them (source -> event -> target, modality,
    date, confidence); actors are in bold on a terminal and in [brackets] otherwise.
    Example: newsevents show 3fa2c1 --db news.duckdb
    """
    if fmt not in {"text", "json"}:
        raise UsageError(f"--format {fmt!r}: choose text or json")
    view = api.show(article_id, db=_existing(db))
    if fmt == "json":
        value = {
            "article": {**_article_json(view.article), "duplicate_of": view.duplicate_of},
            "events": [event_to_dict(e) for e in view.events],
        }
        sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
        return
    _show_header(view)
    _show_evidence(view, marks=out.is_terminal)


def _show_header(view: ArticleView) -> None:
    article = view.article
    out.print(Text(article.title or "(no title)", style="bold"))
    published = article.published.isoformat() if article.published else "no date"
    where = f"url: {article.url}" if article.url else f"read from: {article.origin}"
    lines = [f"published: {published}", where]
    lines.append(
        f"id: {article.id}; {len(view.events)} event{'s' if len(view.events) != 1 else ''}"
    )
    if view.duplicate_of:
        lines.append(f"near-duplicate of: {view.duplicate_of}")
    for line in lines:
        out.print(Text(line))
    out.print()


def _show_evidence(view: ArticleView, *, marks: bool) -> None:
    """The article's text; each sentence with events on its own line(s), followed by them."""
    text, cursor = view.article.text, 0
    several_coders = len({e.coder for e in view.events}) > 1
    for start, group in _by_sentence(view.events):
        end = max(e.sentence_end for e in group)
        if start < cursor:  # overlaps the sentence before: shown there already
            start = cursor
        _print_plain(text[cursor:start])
        spans = [(a.start, a.end) for e in group for a in (e.source, e.target) if a is not None]
        out.print(_marked(text, start, end, spans, bold=marks))
        for event in group:
            out.print(Text(f"    -> {_event_line(event, coder=several_coders)}", style="dim"))
        cursor = max(cursor, end)
    _print_plain(text[cursor:])


def _by_sentence(events: tuple[Event, ...]) -> list[tuple[int, list[Event]]]:
    groups: dict[int, list[Event]] = {}
    for event in sorted(events, key=lambda e: (e.sentence_start, e.action_start)):
        groups.setdefault(event.sentence_start, []).append(event)
    return sorted(groups.items())


def _print_plain(text: str) -> None:
    if text.strip():
        out.print(Text(text.strip()))


def _marked(text: str, start: int, end: int, spans: list[tuple[int, int]], *, bold: bool) -> Text:
    """``text[start:end]``, each span inside it in bold (or [brackets]); of overlaps, the first."""
    marked, cursor = Text(), start
    for span_start, span_end in sorted(set(spans)):
        if span_start < cursor or span_end > end:
            continue
        marked.append(text[cursor:span_start])
        mention = text[span_start:span_end]
        if bold:
            marked.append(mention, style="bold")
        else:
            marked.append(f"[{mention}]")
        cursor = span_end
    marked.append(text[cursor:end])
    return marked


def _event_line(event: Event, *, coder: bool) -> str:
    target = event.target
    parts = [
        _actor_label(event.source.name, event.source.code),
        _cameo_label(event.cameo),
        _actor_label(target.name, target.code) if target else "(no target)",
    ]
    date = f"{event.date} ({event.date_precision})" if event.date else "no date"
    details = [event.modality, date, f"confidence {event.confidence:.2f}"]
    if event.location:
        details.append(f"in {event.location.name}")
    if event.reported_by:
        details.append(f"reported by {event.reported_by.name}")
    if coder:
        details.append(event.coder)
    return " -> ".join(parts) + "; " + ", ".join(details)


@app.command()
def code(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders, URLs or feeds; with --input-format jsonl: JSONL files, - (stdin)."
        ),
    ],
    published: Annotated[
        str | None, typer.Option(help="Publication date (YYYY-MM-DD) for every document read.")
    ] = None,
    input_format: Annotated[
        str,
        typer.Option(help='auto (like ingest) or jsonl ({"id", "text", "published"} per line).'),
    ] = "auto",
    allow_private: Annotated[
        bool, typer.Option(help="Allow fetching from private, loopback and link-local addresses.")
    ] = False,
    actors: ActorsOption = None,
    patterns: PatternsOption = None,
) -> None:
    """Code SOURCES into events, no database: one JSON line per input document, in order.

    Each line is {"id", "article_id", "coder", "events": [...]}, "id" being the input's own id
    when it has one; a document that fails is {"id": null, "source", "error": {...}} and the exit
    status is then 1.
    Example: newsevents code ../shared/data/seed/noem-colombia.txt --published 2025-03-27
    """
    settings = Settings(
        allow_private=allow_private,
        actor_files=tuple(actors or ()),
        pattern_files=tuple(patterns or ()),
    )
    results = api.code(
        sources,
        settings=settings,
        published=_published(published),
        input_format=input_format,
    )
    failed = 0
    for item in results:
        failed += isinstance(item, Failure)
        sys.stdout.write(json.dumps(_coded_json(item), ensure_ascii=False) + "\n")
    if failed:
        raise typer.Exit(EXIT_FAILED_DOCUMENTS)


def _coded_json(item: CodedArticle | Failure) -> dict[str, Any]:
    if isinstance(item, Failure):
        error = {
            "type": item.error,
            "stage": item.stage,
            "message": item.message,
            "transient": item.transient,
        }
        return {"id": None, "source": item.source, "error": error}
    article = item.article
    return {
        "id": article.external_id or article.id,
        "article_id": article.id,
        "coder": item.coder,
        "events": [event_to_dict(e) for e in item.events],
    }


# -- explore: aggregates ---------------------------------------------------------------------------

AGGREGATE_FORMATS = ("table", "csv", "jsonl")


@app.command()
def aggregate(
    by: Annotated[
        str, typer.Option(help="What to count by: country, dyad, root, cameo, quad or place.")
    ],
    per: Annotated[
        str | None, typer.Option(help="day, week or month (default: totals over the range).")
    ] = None,
    db: DbOption = DEFAULT_DB,
    count: Annotated[
        str,
        typer.Option(help="cluster: each real-world event once; mention: every report of it."),
    ] = "cluster",
    normalise: Annotated[
        bool, typer.Option(help="Add the articles published per period and events per article.")
    ] = False,
    baseline: Annotated[
        int | None,
        typer.Option(min=1, help="Add the mean of the previous N periods and the change."),
    ] = None,
    undirected: Annotated[
        bool, typer.Option(help="With --by dyad: A->B and B->A count as one pair.")
    ] = False,
    top: Annotated[
        int | None,
        typer.Option(min=1, help="Only the N keys with the most events (all periods kept)."),
    ] = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    actor: ActorOption = None,
    source: SourceOption = None,
    target: TargetOption = None,
    dyad: DyadOption = None,
    cameo: CameoOption = None,
    root: RootOption = None,
    quad: QuadOption = None,
    modality: ModalityOption = None,
    article: ArticleOption = None,
    coder: CoderOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or jsonl.")] = "table",
) -> None:
    """Count stored events by country, dyad, code, QuadClass or place, per day, week or month.

    Each row: the events, their mean Goldstein and the share in conflict (QuadClass 3-4); periods
    without events are listed with 0. The filters are those of `newsevents events`.
    Example: newsevents aggregate --by dyad --per week --cameo 19 --baseline 4 --db news.duckdb
    """
    if fmt not in AGGREGATE_FORMATS:
        raise UsageError(f"--format {fmt!r}: choose {', '.join(AGGREGATE_FORMATS)}")
    table = api.aggregate(
        by=by,
        per=per,
        db=_existing(db),
        count=count,
        normalise=normalise,
        baseline=baseline,
        directed=not undirected,
        top=top,
        output="arrow",
        **_filters(
            date_from,
            date_to,
            actor=actor,
            source=source,
            target=target,
            dyad=dyad,
            cameo=cameo,
            root=root,
            quad=quad,
            modality=modality,
            article=article,
            coder=coder,
        ),
    )
    _print_aggregate(table.to_pylist(), fmt=fmt, columns=table.column_names)


def _print_aggregate(rows: list[dict[str, Any]], *, fmt: str, columns: list[str]) -> None:
    rows = [{k: _plain(v) for k, v in row.items()} for row in rows]
    if fmt == "jsonl":
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv" or not out.is_terminal:  # plain rows for pipes and scripts
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(*columns)
        for row in rows:
            table.add_row(*(_aggregate_cell(row[c]) for c in columns))
        out.print(table)


def _aggregate_cell(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:.3f}" if isinstance(value, float) else str(value)


# -- explore: exports and the codebook -----------------------------------------------------------


@app.command()
def export(
    out_path: Annotated[
        Path,
        typer.Option("--out", help="The file to write (replaced if it exists).", dir_okay=False),
    ],
    fmt: Annotated[
        str, typer.Option("--format", help="csv, parquet, jsonl (PLOVER-style), gdelt or gexf.")
    ],
    db: DbOption = DEFAULT_DB,
    count: Annotated[
        str | None,
        typer.Option(
            help="cluster: one row per real-world event (default for gdelt, gexf); "
            "mention: one per article's report (default for csv, parquet, jsonl)."
        ),
    ] = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    actor: ActorOption = None,
    source: SourceOption = None,
    target: TargetOption = None,
    dyad: DyadOption = None,
    cameo: CameoOption = None,
    root: RootOption = None,
    quad: QuadOption = None,
    modality: ModalityOption = None,
    article: ArticleOption = None,
    coder: CoderOption = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="At most this many rows (gexf: edges).")
    ] = None,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many rows first.")] = 0,
) -> None:
    """Write stored events to a file other tools read, with the filters of `newsevents events`.

    gdelt: GDELT 2.0's event table (61 tab-separated columns, no header row, FIPS 10-4 country
    codes in the geo columns); jsonl: PLOVER-style records; csv/parquet: the events table with
    each article's URL and title; gexf: the actor network for Gephi or networkx.
    Example: newsevents export --format gdelt --out events.tsv --from 2025-03-01 --db news.duckdb
    """
    result = api.export(
        out_path,
        fmt=fmt,
        db=_existing(db),
        count=count,
        **_filters(
            date_from,
            date_to,
            actor=actor,
            source=source,
            target=target,
            dyad=dyad,
            cameo=cameo,
            root=root,
            quad=quad,
            modality=modality,
            article=article,
            coder=coder,
        ),
        limit=limit,
        offset=offset,
    )
    unit = "clusters" if result.count == "cluster" else "mentions"
    what = (
        f"{result.nodes} actors and {result.rows} edges (weights count {unit})"
        if result.format == "gexf"
        else f"{result.rows} rows ({unit})"
    )
    err.print(f"Wrote {what} to {result.path} ({result.format}).", highlight=False, markup=False)


@app.command()
def codebook(
    fmt: Annotated[str, typer.Option("--format", help="text, json or markdown.")] = "text",
) -> None:
    """Print the codebook: CAMEO codes and names, Goldstein and QuadClass with their sources, the
    PLOVER crosswalk, sector codes and the country code crosswalk (ISO alpha-3, numeric, FIPS).

    Generated from the tables newsevents codes with, so it always matches them.
    Example: newsevents codebook --format markdown > CODEBOOK.md
    """
    from newsevents.explore.codebook import render_codebook

    sys.stdout.write(render_codebook(api.codebook(), fmt=fmt))


@eval_app.command("extraction")
def eval_extraction(
    data: Annotated[
        Path | None, typer.Option(help="Folder with html/ and ground-truth.json.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Body extraction on the scrapinghub benchmark: token precision, recall and F1 per page.

    Example: newsevents eval extraction --data ../shared/data/extraction/scrapinghub
    """
    report = api.eval_extraction(data=data)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
        return
    out.print(report.summary() if hasattr(report, "summary") else report.to_dict())


@eval_app.command("events-plover")
def eval_events_plover(
    data: Annotated[
        Path | None,
        typer.Option(help="The PLOVER gold file (PLOVER_GSR_CAMEO.txt).", dir_okay=False),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON, with every sentence.")
    ] = False,
) -> None:
    """Event coding on the PLOVER gold sentences: type+source share, per-type P/R/F1, actors.

    Example: newsevents eval events-plover --data ../shared/data/events/plover/PLOVER_GSR_CAMEO.txt
    """
    _print_report(api.eval_events_plover(data=data), as_json=as_json)


@eval_app.command("quad")
def eval_quad(
    data: Annotated[
        Path | None, typer.Option(help="A sentence<TAB>label file (labels 0-4).", dir_okay=False)
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON, with every sentence.")
    ] = False,
) -> None:
    """Five-class event grouping on the ConfliBERT CAMEO sentences: accuracy, per-class F1.

    Example: newsevents eval quad --data ../shared/data/events/confliBERT-cameo-train/train.tsv
    """
    _print_report(api.eval_quad(data=data), as_json=as_json)


@eval_app.command("dates")
def eval_dates(
    data: Annotated[
        Path | None, typer.Option(help="A folder of TimeML .tml files.", file_okay=False)
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON, with every expression.")
    ] = False,
) -> None:
    """Date resolution on TimeML DATE expressions: value accuracy overall and by kind.

    Example: newsevents eval dates --data ../shared/data/time/te3-platinum
    """
    _print_report(api.eval_dates(data=data), as_json=as_json)


@eval_app.command("places")
def eval_places(
    data: Annotated[
        Path | None,
        typer.Option(help="GeoWebNews (GWN.xml) or GeoVirus XML, told apart.", dir_okay=False),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON, with every mention.")
    ] = False,
) -> None:
    """Toponym resolution on gold place mentions: country accuracy, within 161 km, median km.

    Example: newsevents eval places --data ../shared/data/geo/GeoVirus.xml
    """
    _print_report(api.eval_places(data=data), as_json=as_json)


def _print_report(report: Any, *, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        out.print(report.summary(), markup=False, highlight=False)


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port to listen on.")] = 8000,
    host: Annotated[
        str, typer.Option(help="Address to listen on; beyond loopback needs --allow-remote.")
    ] = "127.0.0.1",
    allow_remote: Annotated[
        bool,
        typer.Option(
            help="Allow a --host other machines can reach: they can read every view, and add "
            "articles only with the token."
        ),
    ] = False,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="NEWSEVENTS_TOKEN",
            show_envvar=True,
            help="Token the ingest form and uploads need (at least 16 characters). Default: "
            "none on loopback; beyond it, a new one, printed at start.",
        ),
    ] = None,
    tls_cert: Annotated[
        Path | None,
        typer.Option(
            help="Serve over https with this PEM certificate (chain), so the token and the "
            "sign-in cookie cross the network encrypted.",
        ),
    ] = None,
    tls_key: Annotated[
        Path | None,
        typer.Option(help="The certificate's private key (PEM), unless it is in --tls-cert."),
    ] = None,
    private: Annotated[
        bool,
        typer.Option(
            help="Every page and /api view needs the token too, not only adding articles "
            "(a token is made if none is given, on loopback as well).",
        ),
    ] = False,
) -> None:
    """Serve the dashboard: filters, time series, map, network, events and an ingest form.

    Opens the database read-only for its views; the ingest form writes to it.
    Example: newsevents serve --db news.duckdb --port 8000
    """
    from newsevents.web.server import is_loopback

    def ready(url: str, made: str | None) -> None:
        out.print(f"Dashboard for {db} at {url} (Ctrl-C stops it)")
        needs = "Reading and adding articles need" if private else "Adding articles needs"
        if made:
            out.print(
                f"{needs} this token (enter it at {url}login, or send "
                f"'Authorization: Bearer TOKEN'): {made}",
                markup=False,
                soft_wrap=True,
            )
        elif token:
            out.print(f"{needs} the token given with --token or NEWSEVENTS_TOKEN.")
        if not url.startswith("https:") and not is_loopback(host):
            err.print(
                "Warning: this is plain http beyond loopback: the token and the sign-in cookie "
                "cross the network unencrypted. Use --tls-cert/--tls-key, or a TLS proxy.",
                markup=False,
                soft_wrap=True,
            )

    api.serve(
        db=db,
        host=host,
        port=port,
        allow_remote=allow_remote,
        token=token,
        tls_cert=tls_cert,
        tls_key=tls_key,
        private=private,
        on_ready=ready,
    )


@app.command()
def run(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="JSONL, WARC and Parquet files or folders of them: local paths or any URI "
            "pyarrow opens (s3://bucket/crawl/, gs://...)."
        ),
    ],
    out_dir: Annotated[
        str, typer.Option("--out", help="Folder (or URI) of the Parquet dataset to write.")
    ],
    engine: Annotated[
        str, typer.Option(help="ray (Ray Data: here, or a cluster with --address) or local.")
    ] = "ray",
    address: Annotated[
        str | None,
        typer.Option(
            help="A Ray cluster to join: auto, HOST:PORT or ray://HOST:PORT. Default: "
            "start Ray here, for this job."
        ),
    ] = None,
    num_cpus: Annotated[
        int | None, typer.Option(min=1, help="CPUs of the Ray started here (default: all).")
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Coder workers, each loading the model once (default: one per "
            "CPU of the cluster).",
        ),
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Documents per batch and part.")] = 16,
    actors: ActorsOption = None,
    patterns: PatternsOption = None,
) -> None:
    """Code INPUTS into a Parquet dataset (articles, events, places, failures by publication
    month), on Ray or in this process. Re-running replaces the dataset; store it with `load`.

    Ray is an optional extra: pip install 'newsevents\\[ray]'.
    Example: newsevents run --engine ray --address auto s3://bucket/crawl/ --out s3://bucket/out
    """
    settings = Settings(actor_files=tuple(actors or ()), pattern_files=tuple(patterns or ()))
    summary = api.run(
        inputs,
        out_dir,
        engine=engine,
        settings=settings,
        address=address,
        num_cpus=num_cpus,
        batch_size=batch_size,
        concurrency=concurrency,
    )
    startup = f" (Ray start-up {summary.startup_s:.1f} s)" if summary.engine == "ray" else ""
    out.print(
        f"Job into {summary.out} ({summary.engine}): {summary.documents} documents, "
        f"{summary.articles} articles, {summary.events} events, {summary.failures} failures "
        f"in {summary.seconds:.1f} s{startup}.",
        highlight=False,
    )
    for worker in summary.workers:
        out.print(
            f"  worker {worker.pid}: {worker.documents} documents in {worker.batches} batches, "
            f"peak memory {worker.peak_rss_mb:.0f} MB",
            highlight=False,
        )
    out.print(f"Store it with: newsevents load {summary.out} --db {DEFAULT_DB}", highlight=False)
    if summary.failures:
        raise typer.Exit(EXIT_FAILED_DOCUMENTS)


@app.command()
def load(
    dataset: Annotated[str, typer.Argument(help="A dataset folder written by `newsevents run`.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Store a dataset written by `newsevents run` (articles, events, places, failures) in the
    database, by ingest's rules: loading it twice stores no article or event twice.

    Example: newsevents load out/ --db news.duckdb
    """
    with _progress("Loading") as on_batch:
        summary = api.load(dataset, db=db, on_batch=on_batch)
    _report(summary, db=db)


@app.command()
def version() -> None:
    """Print the version."""
    out.print(f"newsevents {__version__}")


def _existing(db: Path) -> Path:
    if not db.exists():
        raise UsageError(f"{db}: no such database; run `newsevents ingest SOURCE --db {db}` first")
    return db


def _print_articles(rows: list[dict[str, Any]], *, fmt: str) -> None:
    rows = [{k: _plain(v) for k, v in row.items()} for row in rows]
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "jsonl":
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        if rows:
            writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    else:
        _articles_table(rows)


def _articles_table(rows: list[dict[str, Any]]) -> None:
    table = Table("id", "published", "lang", "title", "source", "duplicate of")
    for row in rows:
        title = (row.get("title") or "")[:70]
        table.add_row(
            row["id"],
            row.get("published") or "",
            row.get("language") or "",
            title,
            row.get("original_source") or row.get("source") or "",
            row.get("duplicate_of") or "",
        )
    out.print(table)
    out.print(f"{len(rows)} article{'s' if len(rows) != 1 else ''}")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


@contextmanager
def _progress(label: str) -> Iterator[api.pipeline.ProgressCallback]:
    """A live counter on a terminal; one plain log line per batch otherwise."""
    if err.is_terminal:
        with err.status(f"{label}…") as status:
            yield lambda s: status.update(f"{label}: {_counts(s)}")
    else:
        yield lambda s: err.print(f"{label}: {_counts(s)}", markup=False, highlight=False)


def _counts(summary: RunSummary) -> str:
    return (
        f"{summary.documents} documents, {summary.stored} stored, "
        f"{summary.duplicates} duplicates, {summary.near_duplicates} near-duplicates, "
        f"{summary.failed} failed, {summary.events} events{_worker_memory(summary)}"
    )


def _worker_memory(summary: RunSummary) -> str:
    """Each coding process's peak memory, so a long run shows whether it stays flat."""
    if not summary.workers:
        return ""
    peaks = ", ".join(f"{w.peak_rss_bytes / 2**20:.0f}" for w in summary.workers)
    return f"; peak memory per worker: {peaks} MB"


def _report(summary: RunSummary, *, db: Path) -> None:
    out.print(f"Run {summary.run_id} into {db}: {_counts(summary)}.", highlight=False)
    if summary.events_replaced:
        out.print(
            f"{summary.events_replaced} events stored before were replaced: their articles were "
            "coded again with a different result (a new coder version)."
        )
    if summary.not_english:
        out.print(
            f"{summary.not_english} articles are not in English: stored with their language; "
            "event coding will skip them."
        )
    if summary.failed:
        out.print(
            f"{summary.failed} documents failed; see them with: newsevents failures --db {db}"
        )
        raise typer.Exit(EXIT_FAILED_DOCUMENTS)


def main() -> None:
    """Entry point: one clear line on error, never a traceback."""
    try:
        # Outside standalone mode click returns a command's typer.Exit code instead of raising.
        status = app(standalone_mode=False)
        if isinstance(status, int):
            sys.exit(status)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except NewsEventsError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        sys.exit(130)
    except Exception as exc:  # a bug: still one line, with how to get the traceback
        import click

        # A bad option: click's own exception, or that of the click copy typer>=0.20 ships.
        if isinstance(exc, click.exceptions.ClickException | typer.TyperException):
            if hasattr(exc, "show"):
                exc.show()
            else:
                err.print(f"error: {exc}", markup=False, highlight=False)
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort | typer.Abort):
            sys.exit(1)
        err.print(
            f"error: unexpected {type(exc).__name__}: {exc} (run with NEWSEVENTS_DEBUG=1 "
            "for the traceback, and please report it)",
            markup=False,
            highlight=False,
        )
        if _debug():
            raise
        sys.exit(EXIT_ERROR)


def _debug() -> bool:
    import os

    return os.environ.get("NEWSEVENTS_DEBUG") == "1"


if __name__ == "__main__":
    main()
