"""Local files and folders: .txt, .html/.htm (also gzipped), .json, .jsonl, feeds and WARC.

A folder is walked recursively in sorted order (so two runs see documents in the same order).
``NAME.json`` beside ``NAME.txt`` or ``NAME.html`` is that document's metadata, not a document.
Every file that cannot be read becomes a :class:`Failure` with its reason; the walk goes on.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from newsevents.config import Settings
from newsevents.errors import (
    BinaryDocument,
    DocumentTooLarge,
    EmptyDocument,
    InputError,
    MalformedDocument,
    NewsEventsError,
)
from newsevents.ingest.decode import decode_bytes, sniff_binary
from newsevents.records import DocumentMeta, Failure, Item, RawDocument

_TEXT = {".txt", ".text"}
_HTML = {".html", ".htm", ".xhtml", ".shtml"}
_FEEDS = {".rss", ".atom", ".xml"}
_SIDECAR_OF = _TEXT | _HTML
_META_FIELDS = ("url", "title", "source", "original_source", "author", "language")
#: What :func:`_lines` yields for an over-long line whose end was not found (never a real line:
#: blank lines are not yielded).
_ENDLESS = b""
#: json.loads recurses once per nesting level; "[[[[…" past Python's recursion limit is junk.
_TOO_DEEP = "the JSON is nested too deeply to read"


def file_documents(path: Path, *, settings: Settings) -> Iterator[Item]:
    """Yield the documents of one file or of every file under a folder."""
    if not path.exists():
        yield _failure(path, InputError(f"{path}: no such file or directory"))
    elif path.is_dir():
        for file in _walk(path):
            yield from _guarded(file, settings=settings)
    else:
        yield from _guarded(path, settings=settings)


def _walk(folder: Path) -> Iterator[Path]:
    # followlinks=False: a symlink back up the tree must not loop forever.
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        names = set(files)
        for name in sorted(files):
            if name.startswith(".") or _is_sidecar(name, names):
                continue
            yield Path(root) / name


def _is_sidecar(name: str, siblings: set[str]) -> bool:
    if not name.lower().endswith(".json"):
        return False
    stem = name[: -len(".json")]
    return any(f"{stem}{ext}" in siblings or f"{stem}{ext}.gz" in siblings for ext in _SIDECAR_OF)


def _guarded(
    path: Path, *, settings: Settings, read: Callable[..., Iterator[Item]] | None = None
) -> Iterator[Item]:
    try:
        yield from (read or _read_file)(path, settings=settings)
    except NewsEventsError as exc:
        yield _failure(path, exc)
    except OSError as exc:
        yield _failure(path, InputError(f"{path}: cannot be read ({exc.strerror or exc})"))


def _read_file(path: Path, *, settings: Settings) -> Iterator[Item]:
    kind = _kind(path)
    if kind == "warc":
        from newsevents.ingest.warc import warc_documents

        yield from warc_documents(path, settings=settings)
    elif kind == "jsonl":
        yield from _jsonl_documents(path, settings=settings)
    else:
        data = _read_bytes(path, settings=settings)
        yield from _documents_from_bytes(path, data, kind=kind, settings=settings)


def _kind(path: Path) -> str:
    """The reader for ``path`` by its name; "sniff" when the name does not say."""
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz", ".arc.gz")):
        return "warc"
    suffix = Path(name[:-3]).suffix if name.endswith(".gz") else path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix in _HTML:
        return "html"
    if suffix in _TEXT:
        return "text"
    if suffix in _FEEDS:
        return "feed"
    return "sniff"


def _read_bytes(path: Path, *, settings: Settings) -> bytes:
    size = path.stat().st_size
    limit = settings.max_document_bytes
    if size > limit:
        raise DocumentTooLarge(
            f"{path}: {size:,} bytes is over the {limit:,}-byte limit (max_document_bytes)"
        )
    data = path.read_bytes()
    if path.name.lower().endswith(".gz") or data[:2] == b"\x1f\x8b":
        # Inflated, the document must fit both caps: never inflate more than either allows.
        inflated = settings.max_inflated_bytes
        setting = "max_inflated_bytes" if inflated <= limit else "max_document_bytes"
        data = inflate(data, limit=min(inflated, limit), name=str(path), setting=setting)
    return data


def inflate(data: bytes, *, limit: int, name: str, setting: str = "max_inflated_bytes") -> bytes:
    """Gunzip ``data``, refusing output over ``limit`` bytes without inflating it whole: at most
    ``limit + 1`` bytes are ever produced, so a "zip bomb" costs no more memory than the cap."""
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise MalformedDocument(f"{name}: not valid gzip data ({exc})") from None
    if len(out) > limit:
        raise DocumentTooLarge(
            f"{name}: inflates to over {limit:,} bytes, the limit ({setting}); refused"
        )
    return out


def _documents_from_bytes(
    path: Path, data: bytes, *, kind: str, settings: Settings
) -> Iterator[Item]:
    if not data.strip():
        raise EmptyDocument(f"{path}: the file is empty")
    binary = sniff_binary(data)
    if binary:
        raise BinaryDocument(f"{path}: not a text document; it looks like {binary}")
    text, notes = decode_bytes(data)
    if not text.strip():
        raise EmptyDocument(f"{path}: the file holds only whitespace")
    if kind == "sniff":
        kind = _sniff_kind(text)
    if kind == "json":
        yield from _json_documents(path, text, notes=notes, settings=settings)
    elif kind == "feed":
        yield from _feed_documents(path, data, settings=settings)
    else:
        meta = _sidecar_meta(path, limit=settings.max_document_bytes)
        yield RawDocument(origin=str(path), content=text, format=kind, meta=meta, notes=notes)  # type: ignore[arg-type]


def _sniff_kind(text: str) -> str:
    head = text[:2048].lstrip().lower()
    if head.startswith(("{", "[")):
        return "json"
    if head.startswith("<?xml") and any(tag in head for tag in ("<rss", "<feed", "<rdf")):
        return "feed"
    if head.startswith(("<rss", "<feed")):
        return "feed"
    if head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head or "<p>" in head:
        return "html"
    return "text"


def _feed_documents(path: Path, data: bytes, *, settings: Settings) -> Iterator[Item]:
    from newsevents.ingest.urls import documents_from_feed

    yield from documents_from_feed(data, origin=str(path), settings=settings)


def _json_documents(
    path: Path, text: str, *, notes: tuple[str, ...], settings: Settings
) -> Iterator[Item]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedDocument(
            f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise MalformedDocument(f"{path}: {_TOO_DEEP}") from None
    if isinstance(value, dict) and str(value.get("version", "")).startswith("https://jsonfeed.org"):
        yield from _feed_documents(path, text.encode("utf-8"), settings=settings)
        return
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items):
        origin = str(path) if len(items) == 1 else f"{path}[{index}]"
        try:
            yield document_from_object(item, origin=origin, notes=notes)
        except NewsEventsError as exc:
            yield _failure(origin, exc)


def _jsonl_documents(path: Path, *, settings: Settings) -> Iterator[Item]:
    """Stream a JSONL file line by line; a bad line is a failure naming its line number."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:  # type: ignore[operator]
        try:
            yield from jsonl_stream(handle, name=str(path), settings=settings)
        except (EOFError, zlib.error) as exc:  # a gzip stream cut short or damaged
            raise MalformedDocument(
                f"{path}: not valid gzip data ({exc}); the rest of the file was skipped"
            ) from None


def jsonl_file_documents(path: Path, *, settings: Settings) -> Iterator[Item]:
    """A file read as JSONL whatever its name says (``--input-format jsonl``)."""
    yield from _guarded(path, settings=settings, read=_jsonl_documents)


def jsonl_stream(handle: BinaryIO, *, name: str, settings: Settings) -> Iterator[Item]:
    """The documents of the JSONL read from ``handle`` (a file, standard input), in order; each
    one's origin is ``name:LINE``, and a bad line is a failure naming its line number."""
    limit = settings.max_document_bytes
    lines = _lines(handle, limit=limit, skip_limit=settings.max_inflated_bytes)
    for number, line in lines:
        origin = f"{name}:{number}"
        try:
            yield _jsonl_line(line, origin=origin, limit=limit)
        except NewsEventsError as exc:
            yield _failure(origin, exc)
        if line == _ENDLESS:
            return


def _lines(handle: Any, *, limit: int, skip_limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield (line number, bytes), or None for a line over ``limit`` (skipped, never held whole).

    Skipping reads on to the next line end, but at most ``skip_limit`` more bytes: a line with
    no end in sight (a gzipped "zip bomb" of zeros, a binary file) yields :data:`_ENDLESS`, and
    the rest of the file is given up rather than read or inflated to its end.
    """
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            yield number, None if _skip(handle, skip_limit) else _ENDLESS
            continue
        if line.strip():
            yield number, line


def _skip(handle: Any, budget: int) -> bool:
    """Read past the rest of a line, 1 MB at a time; False when ``budget`` bytes run out first."""
    while budget > 0:
        chunk = handle.readline(min(1 << 20, budget))
        if not chunk or chunk.endswith(b"\n"):
            return True
        budget -= len(chunk)
    return False


def _jsonl_line(line: bytes | None, *, origin: str, limit: int) -> RawDocument:
    if line is None:
        raise DocumentTooLarge(
            f"line {_line_of(origin)}: over the {limit:,}-byte document limit (max_document_bytes)"
        )
    if line == _ENDLESS:
        raise DocumentTooLarge(
            f"line {_line_of(origin)}: over the {limit:,}-byte document limit "
            "(max_document_bytes), with no line end within max_inflated_bytes after it; "
            "the rest of the file was skipped"
        )
    text, notes = decode_bytes(line)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedDocument(
            f"line {_line_of(origin)}: malformed JSON at column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise MalformedDocument(f"line {_line_of(origin)}: {_TOO_DEEP}") from None
    return document_from_object(value, origin=origin, notes=notes)


def _line_of(origin: str) -> str:
    return origin.rsplit(":", 1)[-1]


def document_from_object(value: Any, *, origin: str, notes: tuple[str, ...] = ()) -> RawDocument:
    """A JSON article object (``text`` or ``html``, optional metadata) as a raw document."""
    if not isinstance(value, dict):
        raise MalformedDocument(f"{origin}: expected a JSON object, got {type(value).__name__}")
    html, text = value.get("html"), value.get("text")
    content, fmt = (html, "html") if _nonblank(html) else (text, "text")
    if not _nonblank(content):
        raise EmptyDocument(f"{origin}: the object has no non-empty 'text' or 'html' field")
    meta, meta_notes = meta_from_mapping(value, origin=origin)
    return RawDocument(
        origin=origin, content=content, format=fmt, meta=meta, notes=notes + meta_notes
    )  # type: ignore[arg-type]


def _nonblank(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _sidecar_meta(path: Path, *, limit: int) -> DocumentMeta:
    name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    sidecar = path.with_name(Path(name).stem + ".json")
    if not sidecar.is_file():
        return DocumentMeta()
    if sidecar.stat().st_size > limit:
        raise DocumentTooLarge(
            f"{sidecar}: the metadata file is over the {limit:,}-byte limit (max_document_bytes)"
        )
    try:
        value = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        reason = _TOO_DEEP if isinstance(exc, RecursionError) else exc
        raise MalformedDocument(
            f"{sidecar}: the metadata file is not valid JSON ({reason})"
        ) from None
    if not isinstance(value, dict):
        raise MalformedDocument(f"{sidecar}: the metadata file is not a JSON object")
    meta, _ = meta_from_mapping(value, origin=str(sidecar))
    return meta


def meta_from_mapping(
    value: Mapping[str, Any], *, origin: str
) -> tuple[DocumentMeta, tuple[str, ...]]:
    """Read the optional metadata fields of a JSON object; bad values are noted and ignored."""
    fields: dict[str, Any] = {}
    notes: list[str] = []
    for name in _META_FIELDS:
        if _nonblank(value.get(name)):
            fields[name] = value[name].strip()
    if "language" in fields:
        # "-" or "_x" leave no code: no language then, so stage 1 detects it from the text
        fields["language"] = fields["language"].lower().split("-")[0].split("_")[0].strip()
        if not fields["language"]:
            del fields["language"]
    external = value.get("id")
    if isinstance(external, (str, int)) and not isinstance(external, bool):
        fields["external_id"] = str(external)
    published = value.get("published") or value.get("date")
    if published:
        date = parse_date(published)
        if date is None:
            notes.append(f"published value {str(published)[:40]!r} is not a date; ignored")
        else:
            fields["published"], fields["published_from"] = date, "metadata"
    return DocumentMeta(**fields), tuple(notes)


def parse_date(value: Any) -> dt.date | None:
    """An ISO 8601 date or date-time as a date; anything else is None (never guessed)."""
    if not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


def _failure(source: Path | str, exc: NewsEventsError) -> Failure:
    return Failure.from_exception(exc, source=str(source), stage="ingest")
