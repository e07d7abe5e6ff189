"""Fuzz targets: each parser a user's input reaches, called through its public entry point, with
the properties its output must have.

A target's ``check(value, workdir)`` feeds one generated input to the parser and raises when a
property fails: an exception other than the project's documented errors escapes, a Failure has
no reason or names an undocumented error, or an output is malformed (offsets outside the text, a
date that is not a date, a code that is not a string). Used by ``tests/fuzz/test_*.py`` (a few
hundred inputs each) and by ``scripts/fuzz.py`` (the long campaign).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import strategies as st

from newsevents import errors
from newsevents.config import Settings
from newsevents.records import (
    DATE_ORIGINS,
    DATE_PRECISIONS,
    MODALITIES,
    Article,
    CodedArticle,
    DocumentMeta,
    Failure,
    Location,
    RawDocument,
)
from tests.fuzz import strategies as gen


def _subclasses(cls: type) -> Iterator[type]:
    yield cls
    for sub in cls.__subclasses__():
        yield from _subclasses(sub)


#: The error names a Failure may carry: the project's documented exceptions.
DOCUMENTED_ERRORS = frozenset(c.__name__ for c in _subclasses(errors.NewsEventsError))

#: Small limits, so the size checks are reached by small inputs; the rest are the defaults.
SETTINGS = Settings().replace(
    max_document_bytes=1 << 20, max_inflated_bytes=1 << 20, max_feed_entries=3
)


@dataclass(frozen=True)
class Target:
    """One parser under fuzz: what to generate, how to check it, and its share of a campaign
    (``weight``, in inputs per hundred: cheap parsers get more than trafilatura or spaCy; the
    shares were set from measured inputs per second of each target)."""

    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any, Path], None]
    weight: float


# --- properties ---------------------------------------------------------------------------------


def check_failure(failure: Failure) -> None:
    """A Failure names a documented error, says why, and says where."""
    assert failure.error in DOCUMENTED_ERRORS, f"undocumented error {failure.error}: {failure}"
    assert failure.message.strip(), f"a Failure without a reason: {failure}"
    assert "unexpected error" not in failure.message, failure.message
    assert failure.source, f"a Failure without a source: {failure}"


def check_raw(document: RawDocument) -> None:
    assert isinstance(document.content, str) and document.content.strip()
    assert document.format in ("text", "html"), document.format
    assert document.origin
    check_meta(document.meta)
    assert all(isinstance(note, str) and note for note in document.notes)


def check_meta(meta: DocumentMeta) -> None:
    assert meta.published is None or type(meta.published) is dt.date, meta.published
    assert meta.published_from is None or meta.published_from in DATE_ORIGINS
    for name in ("url", "title", "source", "original_source", "author", "language"):
        value = getattr(meta, name)
        assert value is None or (isinstance(value, str) and value.strip()), (name, value)
    if meta.url is not None:
        assert meta.url.strip(), meta.url


def check_article(article: Article, settings: Settings) -> None:
    assert isinstance(article.text, str) and article.text == article.text.strip()
    assert len(article.text) >= max(settings.min_text_chars, 1)
    assert isinstance(article.id, str) and article.id
    assert article.published is None or type(article.published) is dt.date
    assert (article.published is None) == (article.published_from is None), article
    assert article.published_from is None or article.published_from in DATE_ORIGINS
    assert article.language is None or (isinstance(article.language, str) and article.language)
    assert article.title is None or isinstance(article.title, str)


def check_items(items: Iterable[Any], settings: Settings = SETTINGS) -> list[Article]:
    """Every item a source yields is a good RawDocument or Failure, and stage 1 turns each
    document into a good Article or a Failure with a documented reason."""
    from newsevents.pipeline import attempt

    articles = []
    for item in itertools.islice(items, 50):
        if isinstance(item, Failure):
            check_failure(item)
            continue
        assert isinstance(item, RawDocument), type(item)
        check_raw(item)
        result = attempt(item, settings=settings)
        if isinstance(result, Failure):
            check_failure(result)
        else:
            check_article(result, settings)
            articles.append(result)
    return articles


def _no_network(url: str, **_: Any) -> Any:
    raise errors.ConnectFailed(f"{url}: the fuzz run does not fetch", source=url)


@contextmanager
def offline() -> Iterator[None]:
    """Feed entries that are links are 'fetched' by a stand-in that fails like a dead host."""
    with mock.patch("newsevents.ingest.urls.fetch", _no_network):
        yield


def read_file(name: str, data: bytes, workdir: Path, settings: Settings = SETTINGS) -> None:
    """Write ``data`` as ``workdir/name`` and read it the way ``newsevents read`` does."""
    from newsevents.ingest import read_documents

    for old in workdir.iterdir():
        old.unlink()
    path = workdir / name
    path.write_bytes(data)
    with offline():
        check_items(read_documents([str(path)], settings=settings), settings)


# --- targets: files and formats -----------------------------------------------------------------

_NAMES = (
    "doc",
    "doc.txt",
    "doc.html",
    "doc.htm",
    "doc.json",
    "doc.jsonl",
    "doc.ndjson",
    "doc.xml",
    "doc.rss",
    "doc.atom",
    "doc.warc",
    "doc.warc.gz",
    "doc.txt.gz",
    "doc.html.gz",
    "doc.jsonl.gz",
    "doc.gz",
    "doc.dat",
    "doc.pdf",
    "DOC.HTML",
)


def _any_bytes() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=512),
        gen.encoded(gen.odd_text()),
        gen.mutated(gen.encoded(gen.odd_text())),
        gen.html_page().map(lambda h: h.encode("utf-8", "surrogatepass")),
        gen.json_document(),
        gen.xml_feed(),
    )


def _check_sniff(value: tuple[str, bytes], workdir: Path) -> None:
    name, data = value
    read_file(name, data, workdir)


def _check_json(data: bytes, workdir: Path) -> None:
    read_file("items.json", data, workdir)
    read_file("items", data, workdir)  # found by sniffing


def _check_jsonl(data: bytes, workdir: Path) -> None:
    read_file("items.jsonl", data, workdir)


def _check_feed(data: bytes, workdir: Path) -> None:
    from newsevents.ingest.feeds import FeedEntry, feed_entries, is_feed

    is_feed(data)
    for entry in feed_entries(data, origin="https://news.example/feed", settings=SETTINGS):
        if isinstance(entry, Failure):
            check_failure(entry)
            continue
        assert isinstance(entry, FeedEntry)
        assert (entry.url is None) != (entry.document is None), entry
        if entry.url is not None:
            assert entry.url.lower().startswith(("http://", "https://")), entry.url
        else:
            check_raw(entry.document)  # type: ignore[arg-type]
        check_meta(entry.meta)
    read_file("feed.json" if data.lstrip()[:1] == b"{" else "feed.xml", data, workdir)


def _check_warc(value: tuple[str, bytes], workdir: Path) -> None:
    name, data = value
    read_file(name, data, workdir)


def _check_gzip(value: tuple[str, bytes], workdir: Path) -> None:
    from newsevents.ingest.files import inflate

    name, data = value
    try:
        out = inflate(data, limit=SETTINGS.max_inflated_bytes, name=name)
        assert len(out) <= SETTINGS.max_inflated_bytes
    except (errors.MalformedDocument, errors.DocumentTooLarge) as exc:
        assert str(exc)
    read_file(name, data, workdir)


def _check_decode(data: bytes, _: Path) -> None:
    from newsevents.ingest.decode import declared_charset, decode_bytes, sniff_binary

    binary = sniff_binary(data)
    assert binary is None or (isinstance(binary, str) and binary)
    charset = declared_charset(
        data, content_type="text/html; charset=" + data[:12].decode("latin-1")
    )
    assert charset is None or isinstance(charset, str)
    text, notes = decode_bytes(data)
    assert isinstance(text, str)
    assert all(isinstance(n, str) and n for n in notes)
    try:
        assert text == data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError:
        pass


def _check_clean(text: str, _: Path) -> None:
    from newsevents.ingest.clean import clean_text

    cleaned = clean_text(text)
    assert isinstance(cleaned.text, str)
    assert cleaned.text == cleaned.text.strip() or not cleaned.text.strip()
    assert "\r" not in cleaned.text
    assert cleaned.title is None or (cleaned.title.strip() and "\n" not in cleaned.title)
    assert cleaned.original_source is None or cleaned.original_source.strip()
    assert all(isinstance(line, str) for line in cleaned.removed)


def _check_html(value: tuple[str, str | None], _: Path) -> None:
    from newsevents.ingest.html import extract_html

    page, url = value
    try:
        found = extract_html(page, url=url)
    except (errors.NoArticleContent, errors.MalformedDocument) as exc:
        assert str(exc)
        return
    assert found.text.strip() and found.text == found.text.strip()
    assert found.published is None or type(found.published) is dt.date
    assert (found.published is None) == (found.published_from is None)
    assert found.published_from in (None, "html-meta", "html-text", "url")
    assert found.language is None or (len(found.language) == 2 and found.language.islower())
    assert found.title is None or found.title.strip()


# --- targets: dates and places ------------------------------------------------------------------


def _check_time(value: tuple[str, dt.date, str], _: Path) -> None:
    from newsevents.time import kind_of, read_expression, resolve, resolve_value

    text, anchor, tense = value
    found = read_expression(text, anchor, tense=tense)
    if found is not None:
        assert isinstance(found.grain, str) and found.grain
        for day in (found.start, found.end):
            assert day is None or type(day) is dt.date
        if found.start is not None and found.end is not None:
            assert found.start <= found.end, found
        assert isinstance(found.timeml, str) and found.timeml
    resolved = resolve(text, anchor, tense=tense)
    if resolved is not None:
        day, precision = resolved
        assert type(day) is dt.date and precision in DATE_PRECISIONS, resolved
    value_ = resolve_value(text, anchor, tense=tense)
    assert value_ is None or (isinstance(value_, str) and value_)
    assert kind_of(text) in ("vague", "absolute", "weekday", "relative", "other")


def check_location(location: Location | None) -> None:
    if location is None:
        return
    assert isinstance(location.name, str) and location.name
    assert location.country is None or (isinstance(location.country, str) and location.country)
    if location.lat is not None:
        assert -90 <= location.lat <= 90 and -180 <= location.lon <= 180, location  # type: ignore[operator]


@st.composite
def _places_input(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]], str | None]:
    text = draw(st.one_of(gen.words_text(gen.PLACE_WORDS, 12), gen.odd_text(6)))
    bound = st.integers(0, len(text))
    spans = [tuple(sorted(draw(st.tuples(bound, bound)))) for _ in range(draw(st.integers(0, 6)))]
    title = draw(st.one_of(st.none(), gen.words_text(gen.PLACE_WORDS, 4)))
    return text, spans, title  # type: ignore[return-value]


def _check_places(value: tuple[str, list[tuple[int, int]], str | None], _: Path) -> None:
    from newsevents.places import resolve_spans

    text, spans, title = value
    found = resolve_spans(text, spans, title=title)
    assert len(found) == len(spans)
    for location in found:
        assert location is None or isinstance(location, Location)
        check_location(location)


# --- target: the whole pipeline on odd sentences ------------------------------------------------


def check_coded(coded: CodedArticle) -> None:
    """Events and places of a coded article are well formed and point into its text."""
    text = coded.article.text
    for event in coded.events:
        assert isinstance(event.cameo, str) and event.cameo.isdigit(), event.cameo
        assert event.root == event.cameo[:2], (event.root, event.cameo)
        assert event.quad_class in (1, 2, 3, 4) and -10 <= event.goldstein <= 10
        assert event.modality in MODALITIES, event.modality
        assert 0 <= event.sentence_start <= event.sentence_end <= len(text)
        assert text[event.sentence_start : event.sentence_end] == event.sentence
        assert event.sentence_start <= event.action_start < event.action_end <= event.sentence_end
        for actor in (event.source, event.target, event.reported_by):
            if actor is not None:
                assert isinstance(actor.code, str)
                assert 0 <= actor.start <= actor.end <= len(text), actor
                assert text[actor.start : actor.end] == actor.text, (
                    actor,
                    text[actor.start : actor.end],
                )
        assert event.date is None or type(event.date) is dt.date
        assert event.date_precision is None or event.date_precision in DATE_PRECISIONS
        assert (event.date is None) == (event.date_precision is None), event
        assert 0 <= event.confidence <= 1, event.confidence
        check_location(event.location)
    for place in coded.places:
        assert 0 <= place.start <= place.end <= len(text)
        assert text[place.start : place.end] == place.text, place
        check_location(place.location)


@st.composite
def _coder_input(draw: st.DrawFn) -> list[tuple[str, dt.date | None, str]]:
    text = st.one_of(
        gen.odd_text(8),
        st.lists(st.sampled_from(gen.FRAGMENTS[34:]), min_size=1, max_size=8).map("".join),
    ).map(lambda t: t[:6000])
    fmt = st.sampled_from(["text", "text", "html"])
    return draw(
        st.lists(st.tuples(text, st.one_of(st.none(), gen.DATES), fmt), min_size=1, max_size=3)
    )


def _check_coder(value: list[tuple[str, dt.date | None, str]], _: Path) -> None:
    from newsevents.pipeline import code_texts, process_batch

    items = [
        RawDocument(
            origin=f"fuzz:{n}",
            content=text,
            format=fmt,  # type: ignore[arg-type]
            meta=DocumentMeta(published=day, published_from="user" if day else None, language="en"),
        )
        for n, (text, day, fmt) in enumerate(value)
    ]
    results = process_batch(items, settings=SETTINGS)
    assert len(results) == len(items)
    for result in results:
        if isinstance(result, Failure):
            check_failure(result)
        else:
            check_article(result.article, SETTINGS)
            check_coded(result)
    texts = [text for text, _, fmt in value if fmt == "text"]
    days = [day for _, day, fmt in value if fmt == "text"]
    for events in code_texts(texts, settings=SETTINGS, published=days, include_unresolved=True):
        assert all(isinstance(e.cameo, str) for e in events)


# --- the list -----------------------------------------------------------------------------------

_GZ_NAMES = st.sampled_from(["doc.txt.gz", "doc.html.gz", "doc.gz", "doc.jsonl.gz", "doc.json.gz"])

TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("sniff", st.tuples(st.sampled_from(_NAMES), _any_bytes()), _check_sniff, 2.5),
        Target("json", gen.json_document(), _check_json, 2.5),
        Target("jsonl", gen.jsonl_document(), _check_jsonl, 2.5),
        Target("feed", st.one_of(gen.xml_feed(), gen.json_feed()), _check_feed, 2),
        Target(
            "warc",
            st.tuples(st.sampled_from(["a.warc", "a.warc.gz", "a.arc.gz"]), gen.warc_archive()),
            _check_warc,
            2,
        ),
        Target("gzip", st.tuples(_GZ_NAMES, gen.gzipped()), _check_gzip, 2.5),
        Target(
            "decode",
            st.one_of(
                st.binary(max_size=1024),
                gen.encoded(gen.odd_text()),
                gen.mutated(gen.encoded(gen.odd_text())),
            ),
            _check_decode,
            20,
        ),
        Target("clean", gen.odd_text(16), _check_clean, 30),
        Target(
            "html",
            st.tuples(
                st.one_of(gen.html_page(), gen.odd_text(8)),
                st.sampled_from(
                    [
                        None,
                        "https://news.example/2024/05/03/a",
                        "",
                        "x",
                        "https://n.example/0000/99/99/",
                    ]
                ),
            ),
            _check_html,
            1.5,
        ),
        Target(
            "time",
            st.tuples(
                st.one_of(gen.words_text(gen.TIME_WORDS), gen.odd_text(4)),
                gen.DATES,
                st.sampled_from(["past", "present", "future"]),
            ),
            _check_time,
            28,
        ),
        Target("places", _places_input(), _check_places, 5),
        Target("coder", _coder_input(), _check_coder, 0.6),
    )
}
