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

from newsevents import __version__, api
from newsevents.config import DEFAULT_DB, Settings
from newsevents.errors import NewsEventsError, UsageError
from newsevents.records import Article, Failure, RunSummary

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
EXIT_FAILED_DOCUMENTS = 1
EXIT_ERROR = 2


def _published(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--published {value!r} is not a date; use YYYY-MM-DD") from None


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
) -> None:
    """Read SOURCES, extract the articles and store them in the database.

    Example: newsevents ingest articles/ https://example.org/feed.xml --db news.duckdb
    """
    settings = Settings(allow_private=allow_private, batch_size=batch_size)
    with _progress("Ingesting") as on_batch:
        summary = api.ingest(
            sources, db=db, settings=settings, published=_published(published), on_batch=on_batch
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
        f"{summary.failed} failed"
    )


def _report(summary: RunSummary, *, db: Path) -> None:
    out.print(f"Run {summary.run_id} into {db}: {_counts(summary)}.", highlight=False)
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
        app(standalone_mode=False)
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

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
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
