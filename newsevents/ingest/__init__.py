"""Stage 1, ingest: sources yield raw documents; each becomes an Article or a Failure.

Sources: local files and folders (:mod:`.files`), URLs (:mod:`.urls`), feeds (:mod:`.feeds`) and
WARC archives (:mod:`.warc`). :func:`read_documents` takes what a user typed and picks the source.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from newsevents.config import Settings
from newsevents.records import Failure, Item

_URL_PREFIXES = ("http://", "https://")


def read_documents(sources: Iterable[str], *, settings: Settings) -> Iterator[Item]:
    """Every raw document (or failure) of every source, in the order given."""
    urls: list[str] = []
    for source in sources:
        if source.lower().startswith(_URL_PREFIXES):
            urls.append(source)
            continue
        yield from _flush_urls(urls, settings=settings)
        urls = []
        if "://" in source:
            yield _refused_scheme(source)
            continue
        from newsevents.ingest.files import file_documents

        yield from file_documents(Path(source), settings=settings)
    yield from _flush_urls(urls, settings=settings)


def _flush_urls(urls: list[str], *, settings: Settings) -> Iterator[Item]:
    if not urls:
        return
    from newsevents.ingest.urls import fetch_documents

    yield from fetch_documents(urls, settings=settings)


def _refused_scheme(source: str) -> Failure:
    from newsevents.errors import UnsafeURL

    scheme = source.split("://", 1)[0]
    error = UnsafeURL(f"{source}: only http and https URLs are fetched, not {scheme}://")
    return Failure.from_exception(error, source=source, stage="fetch")
