"""WARC (and ARC) archives, plain or gzipped: the HTML pages they captured.

Records are read one at a time as the file streams past; a file is never read whole. A page is
a ``response`` record with HTTP status 200 and an HTML or XHTML Content-Type, or a ``resource``
record with such a Content-Type. Everything else (requests, metadata, images, redirects, error
pages) is skipped without a word: an archive is mostly such records. A page over the size cap
is a Failure; a corrupt or truncated archive is one Failure naming the byte offset, and the
rest of that file is skipped.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsevents.config import Settings
from newsevents.errors import (
    DocumentTooLarge,
    EmptyDocument,
    InputError,
    MalformedDocument,
    NewsEventsError,
)
from newsevents.ingest.decode import decode_bytes
from newsevents.ingest.feeds import media_type
from newsevents.records import DocumentMeta, Failure, Item, RawDocument

_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_PAGE_RECORDS = frozenset({"response", "resource"})
_TAIL_BYTES = 64
_REASON_CHARS = 160  # warcio quotes the garbage it met; a little of it is enough
#: What warcio raises on a damaged file: a garbled header (ArchiveLoadFailed, or ValueError and
#: IndexError from deeper in its header parser), a damaged gzip member (zlib.error), a file cut
#: off mid-record (EOFError).
_CORRUPT = (ArchiveLoadFailed, zlib.error, EOFError, ValueError, IndexError)
#: Reading the next record can also fail with AttributeError: warcio assumes a response or
#: request record names its WARC-Target-URI and calls a method on the missing value.
_CORRUPT_NEXT = (*_CORRUPT, AttributeError)


def warc_documents(path: Path, *, settings: Settings) -> Iterator[Item]:
    """Yield the HTML pages of one WARC/ARC file, each with origin ``PATH@OFFSET``."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield _failure(InputError(f"{path}: cannot be read ({exc.strerror or exc})"), str(path))
        return
    with handle:
        yield from warc_stream(handle, name=str(path), settings=settings)


def warc_stream(handle: BinaryIO, *, name: str, settings: Settings) -> Iterator[Item]:
    """The HTML pages of the WARC/ARC read from ``handle`` (a local file, or any seekable binary
    stream such as a remote file pyarrow opened), in order; each one's origin is
    ``NAME@OFFSET``."""
    iterator = ArchiveIterator(handle, arc2warc=True)
    last: tuple[Any, int] | None = None  # the record read before this one, and its offset
    while True:
        try:
            record = next(iterator, None)
        except _CORRUPT_NEXT as exc:
            yield _corrupt(name, iterator.offset, exc)
            return
        # Once the previous record is consumed, warcio's ``offset`` is where this one starts.
        offset = iterator.offset
        if last is not None and _cut_short(last[0]):
            yield _corrupt(name, last[1], EOFError("the file ends inside this record"))
            return
        if record is None:
            if _has_tail(handle, offset=offset):
                yield _corrupt(name, offset, EOFError("the file ends inside this record"))
            return
        last = (record, offset)
        try:
            document = _page(record, origin=f"{name}@{offset}", settings=settings)
        except NewsEventsError as exc:
            yield _failure(exc, f"{name}@{offset}")
            continue
        except _CORRUPT as exc:
            yield _corrupt(name, offset, exc)
            return
        if document is not None:
            yield document


def _has_tail(handle: Any, *, offset: int) -> bool:
    # warcio ends quietly when the file stops inside a record's headers: it takes the cut-off
    # record for the end of the archive. Anything but blank lines past the last record is that.
    handle.seek(offset)
    return bool(handle.read(_TAIL_BYTES).strip())


def _cut_short(record: Any) -> bool:
    # Once a record has been read to its end, a positive remaining limit means the file (or its
    # gzip member) ended before the record's declared Content-Length: warcio does not say so.
    return getattr(record.raw_stream, "limit", 0) > 0


def _corrupt(name: str, offset: int, exc: BaseException) -> Failure:
    reason = " ".join(str(exc).split())[:_REASON_CHARS] or type(exc).__name__
    error = MalformedDocument(
        f"{name}: corrupt or truncated archive at byte {offset:,} ({reason}); "
        "the rest of the file was skipped"
    )
    return _failure(error, f"{name}@{offset}")


def _page(record: Any, *, origin: str, settings: Settings) -> RawDocument | None:
    """The record's page, or None for a record that is not a captured HTML page."""
    declared = record.rec_headers.get_header("Content-Length") or ""
    if not declared.strip().isdigit():
        # Every record declares its length; a missing or non-numeric one means the header was
        # cut off or the file is not an archive (warcio reads any text line as an ARC header).
        raise ArchiveLoadFailed(f"the record's Content-Length is {declared or 'missing'!r}")
    content_type = _page_content_type(record)
    if content_type is None:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    body = _bounded_body(record, origin=origin, url=url, limit=settings.max_document_bytes)
    text, notes = decode_bytes(body, content_type=content_type)
    if not text.strip():
        raise EmptyDocument(f"{origin} ({url}): the captured page is empty")
    return RawDocument(
        origin=origin, content=text, format="html", meta=DocumentMeta(url=url), notes=notes
    )


def _page_content_type(record: Any) -> str | None:
    """The record's full Content-Type when it holds an HTML page, else None."""
    if record.rec_type not in _PAGE_RECORDS:
        return None
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or http.get_statuscode() != "200":
            return None
        content_type = http.get_header("Content-Type")
    else:
        content_type = record.rec_headers.get_header("Content-Type")
    return content_type if media_type(content_type) in _PAGE_TYPES else None


def _bounded_body(record: Any, *, origin: str, url: str | None, limit: int) -> bytes:
    # content_stream() undoes chunking and gzip; reading one byte past the limit tells whether
    # the page is over it without inflating the rest (warcio then skips the record's remainder).
    declared = _declared_length(record)
    if declared is not None and declared > limit:
        raise _too_large(origin, url, limit, f"declares {declared:,} bytes")
    body = record.content_stream().read(limit + 1)
    if len(body) > limit:
        raise _too_large(origin, url, limit, "is larger")
    if _cut_short(record):
        raise EOFError("the file ends inside this record")
    return body


def _declared_length(record: Any) -> int | None:
    http = record.http_headers
    value = http.get_header("Content-Length") if http is not None else None
    if value and value.strip().isdigit() and not http.get_header("Content-Encoding"):
        return int(value)
    return None


def _too_large(origin: str, url: str | None, limit: int, how: str) -> DocumentTooLarge:
    return DocumentTooLarge(
        f"{origin} ({url}): the captured page {how}, over the {limit:,}-byte limit "
        "(max_document_bytes)"
    )


def _failure(exc: NewsEventsError, source: str) -> Failure:
    return Failure.from_exception(exc, source=source, stage="ingest")
