"""A raw document becomes an Article: extract or clean the body, settle the metadata, give it an id.

Metadata precedence: what the user or the document's own metadata says (a sidecar, a JSON field,
a feed entry) wins over what extraction finds in the page, which wins over nothing. A date nobody
gave stays ``None``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from newsevents.config import Settings
from newsevents.errors import NoArticleContent
from newsevents.ingest.dedup import content_id
from newsevents.ingest.language import detect_language
from newsevents.records import Article, RawDocument


@dataclass(frozen=True, slots=True)
class _Body:
    text: str
    title: str | None = None
    published: dt.date | None = None
    published_from: str | None = None
    source: str | None = None
    original_source: str | None = None
    author: str | None = None
    language: str | None = None


def to_article(
    raw: RawDocument, *, settings: Settings, published: dt.date | None = None
) -> Article:
    """Stage 1's last step. ``published`` (from ``--published``) overrides every other date."""
    body = _html_body(raw) if raw.format == "html" else _text_body(raw)
    text = body.text.strip()
    if len(text) < settings.min_text_chars:
        raise NoArticleContent(f"{raw.origin}: no article text left after extraction")
    meta = raw.meta
    date, date_from = _date(raw, body, published)
    return Article(
        id=content_id(text),
        text=text,
        origin=raw.origin,
        title=meta.title or body.title,
        published=date,
        published_from=date_from,
        url=meta.url,
        source=meta.source or body.source,
        original_source=meta.original_source or body.original_source,
        author=meta.author or body.author,
        language=meta.language or detect_language(text, declared=body.language),
        external_id=meta.external_id,
        notes=raw.notes,
    )


def _date(
    raw: RawDocument, body: _Body, published: dt.date | None
) -> tuple[dt.date | None, str | None]:
    if published is not None:
        return published, "user"
    if raw.meta.published is not None:
        return raw.meta.published, raw.meta.published_from or "metadata"
    return body.published, body.published_from if body.published else None


def _html_body(raw: RawDocument) -> _Body:
    from newsevents.ingest.html import extract_html

    page = extract_html(raw.content, url=raw.meta.url)
    return _Body(
        text=page.text,
        title=page.title,
        published=page.published,
        published_from=page.published_from,
        source=page.site,
        author=page.author,
        language=page.language,
    )


def _text_body(raw: RawDocument) -> _Body:
    from newsevents.ingest.clean import clean_text

    cleaned = clean_text(raw.content)
    text = cleaned.text
    if raw.meta.title and cleaned.title and cleaned.title != raw.meta.title:
        # The document has a title of its own, so the first line was a real first line.
        text = f"{cleaned.title}\n\n{text}"
    return _Body(text=text, title=cleaned.title, original_source=cleaned.original_source)
