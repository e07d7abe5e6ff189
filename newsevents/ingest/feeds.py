"""RSS 2.0, RSS 1.0, Atom (through feedparser) and JSON Feed (read here: feedparser does not).

A feed is a list of entries. An entry that carries the article's full text becomes a
:class:`~newsevents.records.RawDocument` at once; any other entry is a link to fetch, and carries
what the feed says about it (title, date, author, id) for the fetched page to keep.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin

from newsevents.config import Settings
from newsevents.errors import DocumentTooLarge, MalformedDocument, NoArticleContent
from newsevents.records import DocumentFormat, DocumentMeta, Failure, RawDocument

#: Media types that are feeds whatever their content.
FEED_MEDIA_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/rdf+xml",
    }
)

#: An entry's content is taken for the article itself when its text is at least this long (a
#: teaser is a sentence or two; a news story is rarely under 500 characters) ...
FULL_TEXT_MIN_CHARS = 500
#: ... and at least this many times longer than the entry's summary, so that a content field that
#: repeats the summary with "Read more" is not taken for the article.
FULL_TEXT_OVER_SUMMARY = 1.5

_SNIFF_CHARS = 4096
_PROLOG = re.compile(r"^(?:\s+|<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>)*", re.DOTALL)
_FEED_ROOT = re.compile(r"<(?:rss|feed|(?:[a-z0-9_-]+:)?rdf)[\s>/]")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_OTHER_SCHEME = re.compile(r"^(?!https?:)[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_HTML_TYPES = {"text/html", "application/xhtml+xml", "html", "xhtml"}


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One usable entry: either a ``url`` to fetch or a ready ``document`` (never both).

    ``meta`` is what the feed says about the entry; a page fetched from ``url`` keeps it.
    """

    url: str | None
    document: RawDocument | None
    meta: DocumentMeta = field(default_factory=DocumentMeta)


@dataclass(frozen=True, slots=True)
class _Entry:
    """An entry of either feed format, in one shape."""

    link: str | None = None
    title: str | None = None
    date: str | None = None
    parsed_date: time.struct_time | None = None
    author: str | None = None
    id: str | None = None
    content: str | None = None
    content_is_html: bool = True
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class _Feed:
    title: str | None
    entries: list[_Entry | MalformedDocument]
    problem: str | None = None  # set when the XML was broken but some entries were recovered
    #: Atom and JSON Feed make the feed's author the author of every entry that names none
    #: (an RSS channel's managingEditor is not an author, so RSS has no such default).
    author: str | None = None


# --- sniffing -----------------------------------------------------------------------------------


def media_type(content_type: str | None) -> str | None:
    """``"text/html"`` from ``"Text/HTML; charset=utf-8"``; None when there is none."""
    if not content_type:
        return None
    value = content_type.split(";", 1)[0].strip().lower()
    return value or None


def is_feed(content: bytes | str, *, content_type: str | None = None) -> bool:
    """Whether ``content`` is a feed, from its media type or its first few kilobytes."""
    if media_type(content_type) in FEED_MEDIA_TYPES:
        return True
    head = _head(content)
    if head.startswith("{"):
        # JSON escapes "/" as "\/" at will, so the version URL is matched both ways.
        return '"version"' in head and "jsonfeed.org" in head.replace("\\/", "/")
    return _FEED_ROOT.match(_PROLOG.sub("", head, count=1)) is not None


def _head(content: bytes | str) -> str:
    if isinstance(content, bytes):
        content = content[:_SNIFF_CHARS].decode("utf-8", errors="ignore")
    return content[:_SNIFF_CHARS].lstrip("\ufeff \t\r\n").lower()


# --- entries ------------------------------------------------------------------------------------


def feed_entries(
    content: bytes | str, *, origin: str, settings: Settings
) -> Iterator[FeedEntry | Failure]:
    """Every entry of a feed as a :class:`FeedEntry`, or a :class:`Failure` saying why not.

    A feed that does not parse is one Failure (MalformedDocument). Entries past
    ``settings.max_feed_entries`` are not read; one Failure says how many were skipped.
    """
    try:
        feed = _parse(content, origin=origin)
    except MalformedDocument as exc:
        yield Failure.from_exception(exc, source=origin, stage="ingest")
        return
    if feed.problem:
        yield _failure(MalformedDocument(feed.problem), origin)
    limit = settings.max_feed_entries
    for index, entry in enumerate(feed.entries[:limit]):
        yield _feed_entry(entry, index=index, origin=origin, feed=feed)
    if len(feed.entries) > limit:
        skipped = len(feed.entries) - limit
        yield _failure(
            DocumentTooLarge(
                f"{origin}: the feed has {len(feed.entries):,} entries; only the first {limit:,} "
                f"were read (max_feed_entries) and {skipped:,} skipped"
            ),
            origin,
        )


def _feed_entry(
    entry: _Entry | MalformedDocument, *, index: int, origin: str, feed: _Feed
) -> FeedEntry | Failure:
    where = f"{origin}[{index}]"
    if isinstance(entry, MalformedDocument):
        return _failure(entry, where)
    link = _absolute(entry.link, origin=origin)
    meta = DocumentMeta(
        url=link,
        title=_clean(entry.title),
        published=entry_date(entry.date, parsed=entry.parsed_date),
        source=_clean(feed.title),
        author=_clean(entry.author or feed.author),
        external_id=_clean(entry.id),
    )
    if meta.published is not None:
        meta = replace(meta, published_from="feed")
    if entry.content and (_is_full_text(entry) or not link):
        fmt: DocumentFormat = "html" if entry.content_is_html else "text"
        document = RawDocument(origin=where, content=entry.content, format=fmt, meta=meta)
        return FeedEntry(url=None, document=document, meta=meta)
    if not link:
        title = f" ({meta.title!r})" if meta.title else ""
        return _failure(
            NoArticleContent(f"{where}: entry {index + 1}{title} has no web link and no text"),
            where,
        )
    return FeedEntry(url=link, document=None, meta=meta)


def _is_full_text(entry: _Entry) -> bool:
    content = text_length(entry.content or "", is_html=entry.content_is_html)
    summary = text_length(entry.summary or "", is_html=True)
    if content == summary:
        summary = 0  # feedparser copies a lone Atom <content> into the summary
    return content >= FULL_TEXT_MIN_CHARS and content >= FULL_TEXT_OVER_SUMMARY * summary


def text_length(value: str, *, is_html: bool) -> int:
    """Characters of readable text in ``value``, markup and repeated whitespace not counted."""
    if is_html:
        value = html.unescape(_TAG.sub(" ", _SCRIPT.sub(" ", value)))
    return len(_SPACE.sub(" ", value).strip())


def entry_date(value: str | None, *, parsed: time.struct_time | None = None) -> dt.date | None:
    """The calendar date an entry gives, as the publisher wrote it (not converted to UTC)."""
    if value:
        value = value.strip()
        try:
            return dt.datetime.fromisoformat(value).date()
        except ValueError:
            pass
        try:
            return email.utils.parsedate_to_datetime(value).date()
        except (TypeError, ValueError, IndexError):
            pass
    if parsed is not None:
        # feedparser's parse of odd formats, already converted to UTC: the best left. It
        # passes impossible dates through ("0000-00-00" gives year 0): those are no date.
        try:
            return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
        except ValueError:
            return None
    return None


# --- parsing ------------------------------------------------------------------------------------


def _parse(content: bytes | str, *, origin: str) -> _Feed:
    if _head(content).startswith("{"):
        return _parse_json_feed(content, origin=origin)
    # feedparser fetches a str that looks like a URL and opens one that names a file: only ever
    # hand it bytes.
    data = content.encode("utf-8") if isinstance(content, str) else content
    return _parse_xml_feed(data, origin=origin)


def _parse_xml_feed(data: bytes, *, origin: str) -> _Feed:
    import feedparser  # slow to import; only feeds need it

    try:
        parsed = feedparser.parse(data)
    except ValueError as exc:
        # feedparser lets some junk escape instead of setting "bozo": non-UTF-8 bytes or a NUL
        # in the XML declaration's encoding name (UnicodeDecodeError, ValueError), a character
        # reference past U+10FFFF ("&#99999999;": ValueError from chr).
        raise MalformedDocument(f"{origin}: not a valid RSS or Atom feed ({exc})") from None
    if not parsed.get("version"):
        reason = _bozo_reason(parsed) or "no RSS or Atom root element"
        raise MalformedDocument(f"{origin}: not a valid RSS or Atom feed ({reason})")
    problem = None
    if parsed.get("bozo") and _is_syntax_error(parsed.get("bozo_exception")):
        problem = (
            f"{origin}: the feed is not well-formed XML ({_bozo_reason(parsed)}); "
            f"{len(parsed.entries)} entries were recovered from it"
        )
    entries: list[_Entry | MalformedDocument] = [_xml_entry(e) for e in parsed.entries]
    author = parsed.feed.get("author") if parsed.version.startswith("atom") else None
    return _Feed(title=parsed.feed.get("title"), entries=entries, problem=problem, author=author)


def _is_syntax_error(exc: object) -> bool:
    # feedparser also sets "bozo" for a charset mismatch between HTTP and the XML prolog, which
    # it recovers from completely; only XML syntax errors lose content.
    import xml.sax

    return isinstance(exc, xml.sax.SAXException)


def _bozo_reason(parsed: Mapping[str, Any]) -> str | None:
    exc = parsed.get("bozo_exception")
    if exc is None:
        return None
    return str(exc).replace("<unknown>:", "line ", 1) or type(exc).__name__


def _xml_entry(entry: Mapping[str, Any]) -> _Entry:
    content, is_html = _longest_content(entry.get("content") or [])
    date_key = next((k for k in ("published", "updated", "created") if entry.get(k)), None)
    return _Entry(
        link=_xml_link(entry),
        title=entry.get("title"),
        date=entry.get(date_key) if date_key else None,
        parsed_date=entry.get(f"{date_key}_parsed") if date_key else None,
        author=entry.get("author"),
        id=entry.get("id"),
        content=content,
        content_is_html=is_html,
        summary=entry.get("summary"),
    )


def _xml_link(entry: Mapping[str, Any]) -> str | None:
    # An Atom rel="self" link points at the entry's XML, not at a page; feedparser then falls
    # back to the entry's id, which is often a urn:, so only http(s) candidates count.
    candidates = [
        link.get("href")
        for link in entry.get("links") or []
        if link.get("rel", "alternate") == "alternate"
    ]
    candidates.append(entry.get("link"))
    return next((c for c in candidates if c and not _OTHER_SCHEME.match(c)), None)


def _longest_content(contents: list[Mapping[str, Any]]) -> tuple[str | None, bool]:
    best: tuple[int, str | None, bool] = (-1, None, True)
    for item in contents:
        value = item.get("value") or ""
        is_html = item.get("type", "text/html") in _HTML_TYPES
        length = text_length(value, is_html=is_html)
        if length > best[0]:
            best = (length, value, is_html)
    return best[1], best[2]


def _parse_json_feed(content: bytes | str, *, origin: str) -> _Feed:
    try:
        value = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MalformedDocument(f"{origin}: not a valid JSON Feed ({exc})") from None
    except RecursionError:
        raise MalformedDocument(f"{origin}: not a valid JSON Feed (nested too deeply)") from None
    if not isinstance(value, dict) or not isinstance(value.get("items"), list):
        raise MalformedDocument(f'{origin}: not a JSON Feed (no top-level "items" list)')
    entries = [_json_entry(item, index=i, origin=origin) for i, item in enumerate(value["items"])]
    return _Feed(title=_string(value.get("title")), entries=entries, author=_json_author(value))


def _json_entry(item: Any, *, index: int, origin: str) -> _Entry | MalformedDocument:
    if not isinstance(item, dict):
        return MalformedDocument(f"{origin}[{index}]: a JSON Feed item must be an object")
    content_html = _string(item.get("content_html"))
    content_text = _string(item.get("content_text"))
    html_length = text_length(content_html or "", is_html=True)
    use_html = content_html is not None and html_length >= len(content_text or "")
    return _Entry(
        link=_string(item.get("url")) or _string(item.get("external_url")),
        title=_string(item.get("title")),
        date=_string(item.get("date_published")) or _string(item.get("date_modified")),
        author=_json_author(item),
        id=_string(item.get("id")),
        content=content_html if use_html else content_text,
        content_is_html=use_html,
        summary=_string(item.get("summary")),
    )


def _json_author(item: Mapping[str, Any]) -> str | None:
    # JSON Feed 1.1 has "authors" (a list); 1.0 had "author" (one object).
    authors = item.get("authors")
    first = authors[0] if isinstance(authors, list) and authors else item.get("author")
    return _string(first.get("name")) if isinstance(first, dict) else None


# --- small helpers ------------------------------------------------------------------------------


def _string(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # JSON Feed ids are strings, but numbers turn up
    return value if isinstance(value, str) and value.strip() else None


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    return _SPACE.sub(" ", html.unescape(value)).strip() or None


def _is_web_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _absolute(link: str | None, *, origin: str) -> str | None:
    if not link:
        return None
    link = link.strip()
    if not _is_web_url(link) and _is_web_url(origin):
        link = urljoin(origin, link)
    return link if _is_web_url(link) else None


def _failure(exc: Exception, source: str) -> Failure:
    return Failure.from_exception(exc, source=source, stage="ingest")
