"""Feeds: sniffing, entries, the full-text rule, limits and broken feeds."""

from __future__ import annotations

import datetime as dt
import json
import socket
import time
from pathlib import Path

import pytest

from newsevents.config import Settings
from newsevents.ingest.feeds import FeedEntry, entry_date, feed_entries, is_feed
from newsevents.records import Failure

SETTINGS = Settings()
STORY = "The minister arrived in Bogotá on Thursday for talks with the foreign minister. " * 8
FEEDS = "extraction/feeds"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing a feed never connects anywhere (feedparser would fetch a str that is a URL)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("feed parsing tried to open a connection")

    monkeypatch.setattr(socket, "create_connection", refuse)


def entries(content: bytes | str, *, origin: str = "https://news.example/feed", **settings):  # type: ignore[no-untyped-def]
    return list(feed_entries(content, origin=origin, settings=SETTINGS.replace(**settings)))


def rss(*items: str, title: str = "Wire") -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{title}</title>{body}</channel></rss>"
    ).encode()


def json_feed(*items: dict) -> bytes:
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "JSON wire", "items": list(items)}
    ).encode()


# --- the real feeds -----------------------------------------------------------------------------


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["feed.json", "feed1.atom", "feed2.rss"])
def test_reference_feeds_sniff_as_feeds(shared_data: Path, name: str):
    assert is_feed((shared_data / FEEDS / name).read_bytes())


@pytest.mark.shared_data
def test_json_feed_from_npr(shared_data: Path):
    items = entries((shared_data / FEEDS / "feed.json").read_bytes())
    assert len(items) == 25 and all(isinstance(item, FeedEntry) for item in items)
    first = items[0]
    assert isinstance(first, FeedEntry) and first.document is None  # ~290 chars: a teaser
    assert first.url is not None and first.url.startswith("https://www.npr.org/2021/10/29/")
    meta = first.meta
    assert meta.title == "Keller Rinaudo: How can delivery drones save lives?"
    assert meta.published == dt.date(2021, 10, 29) and meta.published_from == "feed"
    assert meta.author == "Manoush Zomorodi" and meta.source == "Technology"
    assert meta.external_id == "1050315385"


@pytest.mark.shared_data
def test_atom_feed(shared_data: Path):
    first, second = entries((shared_data / FEEDS / "feed1.atom").read_bytes())
    assert isinstance(first, FeedEntry)
    assert first.url == "http://example.org/2003/12/13/atom03"
    assert first.meta.title == "Atom-Powered Robots Run Amok"
    assert first.meta.published == dt.date(2003, 12, 13)
    assert first.meta.author == "John Doe"  # the feed's author, as Atom says
    assert first.meta.external_id == "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"
    # Its only link is rel="self" (the entry's XML, not a page), and it has no text.
    assert isinstance(second, Failure) and second.error == "NoArticleContent"
    assert "Self-referenced link" in second.message


@pytest.mark.shared_data
def test_rss_feed(shared_data: Path):
    [entry] = entries((shared_data / FEEDS / "feed2.rss").read_bytes())
    assert isinstance(entry, FeedEntry) and entry.url == "http://www.example.com/blog/post/1"
    assert entry.meta.published == dt.date(2009, 9, 6)
    assert entry.meta.external_id == "7bd204c6-1655-4c27-aeee-53f933c5395f"
    assert entry.meta.source == "RSS Title"


# --- sniffing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        (rss("<title>x</title>"), None, True),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', None, True),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', None, True),
        (
            b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- made by hand -->\n<rss version="2.0"/>',
            None,
            True,
        ),
        (b'{"version":"https:\\/\\/jsonfeed.org\\/version\\/1","items":[]}', None, True),
        (json_feed(), None, True),
        ('<rss version="2.0"/>', None, True),
        (b"<!doctype html><html><body>rss feed</body></html>", None, False),
        (b'{"items": [], "version": 2}', None, False),
        (b'<?xml version="1.0"?><note>feed me</note>', None, False),
        (b"just words", None, False),
        (b"", "application/rss+xml; charset=utf-8", True),
        (b"", "application/atom+xml", True),
        (b"", "application/feed+json", True),
        (b"<p>x</p>", "text/html", False),
    ],
)
def test_is_feed(content: bytes | str, content_type: str | None, expected: bool):
    assert is_feed(content, content_type=content_type) is expected


# --- full text or a link ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "kind", "fmt"),
    [
        # RSS content:encoded far longer than the description: the article itself.
        (
            f"<link>/a</link><description>Short.</description>"
            f"<content:encoded><![CDATA[<p>{STORY}</p>]]></content:encoded>",
            "document",
            "html",
        ),
        # A long content that is hardly longer than its summary: a teaser, so fetch the page.
        (
            f"<link>/a</link><description>{STORY[:-100]}</description>"
            f"<content:encoded><![CDATA[<p>{STORY}</p>]]></content:encoded>",
            "url",
            None,
        ),
        # Content under the minimum: fetch.
        (
            "<link>/a</link><content:encoded><![CDATA[<p>Two lines.</p>]]></content:encoded>",
            "url",
            None,
        ),
        # Description only, however long: descriptions are summaries.
        (f"<link>/a</link><description>{STORY}</description>", "url", None),
        # No link at all: whatever text there is is all there is.
        (
            "<title>Note</title><description>x</description>"
            "<content:encoded><![CDATA[<p>Brief note.</p>]]></content:encoded>",
            "document",
            "html",
        ),
    ],
)
def test_rss_full_text_rule(item: str, kind: str, fmt: str | None):
    [entry] = entries(rss(item))
    assert isinstance(entry, FeedEntry)
    if kind == "document":
        assert entry.document is not None and entry.url is None
        assert entry.document.format == fmt
        assert entry.document.origin == "https://news.example/feed[0]"
    else:
        assert entry.document is None and entry.url == "https://news.example/a"


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        (f'<content type="html">&lt;p&gt;{STORY}&lt;/p&gt;</content>', "html"),
        (f'<content type="text">{STORY}</content>', "text"),
    ],
)
def test_atom_content_without_summary_is_the_article(content: str, fmt: str):
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom wire</title><entry>'
        '<title>Talks</title><link href="https://news.example/talks"/><id>tag:x,2025:1</id>'
        f"<published>2025-03-27T23:30:00-05:00</published>{content}</entry></feed>"
    )
    [entry] = entries(feed)
    assert isinstance(entry, FeedEntry) and entry.document is not None
    assert entry.document.format == fmt and "arrived in Bogotá" in entry.document.content
    meta = entry.document.meta
    assert meta.url == "https://news.example/talks" and meta.title == "Talks"
    # The publisher's own calendar day, not the UTC one (which is already the 28th).
    assert meta.published == dt.date(2025, 3, 27) and meta.published_from == "feed"
    assert meta.source == "Atom wire" and meta.external_id == "tag:x,2025:1"


@pytest.mark.parametrize(
    ("item", "kind", "fmt"),
    [
        ({"id": "1", "url": "https://news.example/1", "content_text": STORY}, "document", "text"),
        (
            {
                "id": 2,
                "url": "https://news.example/2",
                "content_html": f"<p>{STORY}</p>",
                "content_text": "short",
            },
            "document",
            "html",
        ),
        (
            {"id": "3", "url": "https://news.example/3", "content_html": "<p>Teaser.</p>"},
            "url",
            None,
        ),
        ({"id": "4", "external_url": "https://news.example/4", "summary": "s"}, "url", None),
    ],
)
def test_json_feed_items(item: dict, kind: str, fmt: str | None):
    item = {
        "title": "Talks",
        "date_published": "2025-03-27T10:00:00Z",
        "authors": [{"name": "A. Reporter"}],
        **item,
    }
    [entry] = entries(json_feed(item))
    assert isinstance(entry, FeedEntry)
    assert entry.meta.author == "A. Reporter" and entry.meta.source == "JSON wire"
    assert entry.meta.external_id == str(item["id"])
    if kind == "document":
        assert entry.document is not None and entry.document.format == fmt
        assert entry.document.meta.published == dt.date(2025, 3, 27)
    else:
        assert entry.document is None and entry.url == f"https://news.example/{item['id']}"


def test_relative_links_resolve_against_the_feed_url():
    [entry] = entries(rss("<link>../stories/1.html</link>"), origin="https://news.example/a/feed")
    assert isinstance(entry, FeedEntry) and entry.url == "https://news.example/stories/1.html"


def test_entry_without_link_or_text_is_a_failure():
    [failure] = entries(rss("<title>Nothing</title><description></description>"))
    assert isinstance(failure, Failure) and failure.error == "NoArticleContent"
    assert "entry 1 ('Nothing')" in failure.message


# --- limits and broken feeds --------------------------------------------------------------------


def test_entries_over_the_cap_are_skipped_and_counted():
    feed = rss(*(f"<link>https://news.example/{n}</link>" for n in range(5)))
    items = entries(feed, max_feed_entries=3)
    assert [type(item).__name__ for item in items] == ["FeedEntry"] * 3 + ["Failure"]
    notice = items[-1]
    assert isinstance(notice, Failure) and notice.error == "DocumentTooLarge"
    assert "5 entries" in notice.message and "2 skipped" in notice.message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"<html><body>Not a feed</body></html>", "not a valid RSS or Atom feed"),
        (b"plain words", "not a valid RSS or Atom feed"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": [', "not a valid JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": "none"}', '"items" list'),
        # A str that is a URL or a path is content, never fetched or opened.
        ("http://127.0.0.1/feed.xml", "not a valid RSS or Atom feed"),
        ("/etc/passwd", "not a valid RSS or Atom feed"),
    ],
)
def test_malformed_feeds(content: bytes | str, words: str):
    [failure] = entries(content)
    assert isinstance(failure, Failure) and failure.error == "MalformedDocument"
    assert words in failure.message and failure.source == "https://news.example/feed"


def test_truncated_feed_reports_and_keeps_what_parsed():
    feed = rss("<link>https://news.example/1</link>", "<link>https://news.example/2</link>")
    items = entries(feed[: feed.index(b"</item>") + len(b"</item><item><lin")])
    assert isinstance(items[0], Failure) and items[0].error == "MalformedDocument"
    assert "not well-formed" in items[0].message
    assert any(isinstance(i, FeedEntry) and i.url == "https://news.example/1" for i in items)


def test_one_bad_json_item_does_not_stop_the_feed():
    items = entries(json_feed("oops", {"id": "2", "url": "https://news.example/2"}))
    assert isinstance(items[0], Failure) and items[0].source == "https://news.example/feed[0]"
    assert isinstance(items[1], FeedEntry) and items[1].url == "https://news.example/2"


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "parsed", "expected"),
    [
        ("2021-10-29T22:26:00-04:00", None, dt.date(2021, 10, 29)),
        ("2024-01-02T10:00:00Z", None, dt.date(2024, 1, 2)),
        ("2024-01-02", None, dt.date(2024, 1, 2)),
        ("Sun, 06 Sep 2009 23:20:00 -0500", None, dt.date(2009, 9, 6)),
        ("yesterday", None, None),
        ("yesterday", time.strptime("2020-05-04", "%Y-%m-%d"), dt.date(2020, 5, 4)),
        (None, None, None),
    ],
)
def test_entry_date(value: str | None, parsed: time.struct_time | None, expected: dt.date | None):
    assert entry_date(value, parsed=parsed) == expected
