"""HTML extraction: body, title, dates (and where they came from), language, hostile input."""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import json
import pickle
import random
from pathlib import Path

import pytest

from newsevents.errors import MalformedDocument, NoArticleContent
from newsevents.ingest.decode import decode_bytes
from newsevents.ingest.html import (
    Extracted,
    date_in_url,
    declared_language,
    extract_html,
    states_day,
)

BODY = (
    "<p>The foreign minister met her counterpart in Bogotá on Thursday to discuss migration, "
    "trade and security cooperation between the two countries.</p>"
    "<p>Officials said the talks would continue next week in Mexico City, where the delegation "
    "is expected to meet the president and senior cabinet members.</p>"
)
TITLE = "Minister visits Bogotá"


def page(body: str = BODY, *, head: str = "", lang: str | None = None, footer: str = "") -> str:
    """A small news page: navigation, an article with a headline, a footer."""
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f"<!DOCTYPE html><html{lang_attr}><head><title>{TITLE}</title>{head}</head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header>"
        f"<article><h1>{TITLE}</h1>{body}</article>"
        f"<footer>{footer or 'Contact us'}</footer></body></html>"
    )


def test_body_is_paragraphs_without_the_title() -> None:
    extracted = extract_html(page())
    assert extracted.title == TITLE
    assert extracted.text.split("\n\n") == [
        "The foreign minister met her counterpart in Bogotá on Thursday to discuss migration, "
        "trade and security cooperation between the two countries.",
        "Officials said the talks would continue next week in Mexico City, where the delegation "
        "is expected to meet the president and senior cabinet members.",
    ]
    assert "Home" not in extracted.text and "Contact us" not in extracted.text


def test_site_and_author_from_metadata() -> None:
    head = (
        '<meta property="og:site_name" content="Example News">'
        '<meta name="author" content="Jane Doe">'
    )
    extracted = extract_html(page(head=head))
    assert (extracted.site, extracted.author) == ("Example News", "Jane Doe")


def test_extracted_is_frozen_and_pickles() -> None:
    extracted = extract_html(page())
    assert pickle.loads(pickle.dumps(extracted)) == extracted
    with pytest.raises(AttributeError):
        extracted.text = "changed"  # type: ignore[misc]


# --- dates ------------------------------------------------------------------------------------

PUBLISHED_TIME = '<meta property="article:published_time" content="2024-05-03T10:00:00Z">'
DATED_URL = "https://example.com/news/2024/05/03/minister-visits.html"
UNDATED_URL = "https://example.com/news/minister-visits"


@pytest.mark.parametrize(
    ("html", "url", "published", "origin"),
    [
        pytest.param(page(head=PUBLISHED_TIME), None, dt.date(2024, 5, 3), "html-meta", id="meta"),
        pytest.param(
            page(head='<meta property="article:published_time" content="2024-05-01">'),
            None,
            dt.date(2024, 5, 1),
            "html-meta",
            id="meta-first-of-month",
        ),
        pytest.param(
            page(head=PUBLISHED_TIME),
            "https://example.com/2020/01/02/x.html",
            dt.date(2024, 5, 3),
            "html-meta",
            id="markup-before-url",
        ),
        pytest.param(page(), DATED_URL, dt.date(2024, 5, 3), "url", id="url-only"),
        pytest.param(
            page(head=f'<link rel="canonical" href="{DATED_URL}">'),
            None,
            dt.date(2024, 5, 3),
            "url",
            id="canonical-url",
        ),
        pytest.param(
            page("<p>Published March 3, 2024</p>" + BODY),
            None,
            dt.date(2024, 3, 3),
            "html-text",
            id="visible-text",
        ),
        pytest.param(
            page(BODY + "<p>Posted on March 1, 2024</p>"),
            None,
            dt.date(2024, 3, 1),
            "html-text",
            id="text-first-of-month-written-out",
        ),
        pytest.param(page(), None, None, None, id="no-date"),
        pytest.param(page(), UNDATED_URL, None, None, id="undated-url"),
        pytest.param(page(footer="© 2019 Example News"), None, None, None, id="copyright-only"),
        pytest.param(
            page(footer="Copyright 2019. All rights reserved."), None, None, None, id="copyright"
        ),
        pytest.param(page(BODY + "<p>Filed in March 2024</p>"), None, None, None, id="month-only"),
    ],
)
def test_publication_date_and_origin(
    html: str, url: str | None, published: dt.date | None, origin: str | None
) -> None:
    extracted = extract_html(html, url=url)
    assert (extracted.published, extracted.published_from) == (published, origin)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/2024/05/03/story.html", dt.date(2024, 5, 3)),
        ("https://example.com/news/2024-05-03-story", dt.date(2024, 5, 3)),
        ("https://example.com/a/2024/5/3/b", dt.date(2024, 5, 3)),
        ("https://example.com/2024/05/story", None),  # no day
        ("https://example.com/2024/13/03/story", None),  # no such month
        ("https://example.com/2024/02/30/story", None),  # no such day
        ("https://example.com/1970/01/02/story", None),  # before news URLs existed
        ("https://example.com/2999/01/02/story", None),  # the future
        ("https://example.com/2024/05-03/story", None),  # mixed separators
        ("https://2024.05.03.example.com/story", None),  # the host, not the path
        ("https://example.com/story?d=2024-05-03", None),  # the query, not the path
        ("", None),
        (None, None),
    ],
)
def test_date_in_url(url: str | None, expected: dt.date | None) -> None:
    assert date_in_url(url) == expected


@pytest.mark.parametrize(
    ("markup", "day", "expected"),
    [
        ("anything", dt.date(2019, 3, 2), True),  # not the 1st: cannot come from a partial date
        ("© 2019", dt.date(2019, 1, 1), False),
        ("March 2019", dt.date(2019, 3, 1), False),
        ("2019-03-01T10:00", dt.date(2019, 3, 1), True),
        ("01.03.2019", dt.date(2019, 3, 1), True),
        ("03/01/2019", dt.date(2019, 3, 1), True),
        ("1 March 2019", dt.date(2019, 3, 1), True),
        ("1st of Mar. 2019", dt.date(2019, 3, 1), True),
        ("March 1, 2019", dt.date(2019, 3, 1), True),
        ("March 11, 2019", dt.date(2019, 3, 1), False),
        ("2019-03-10", dt.date(2019, 3, 1), False),
    ],
)
def test_states_day(markup: str, day: dt.date, expected: bool) -> None:
    assert states_day(markup, day) is expected


# --- language ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "head", "expected"),
    [
        ("en-US", "", "en"),
        ("pt_BR", "", "pt"),
        ("FR", "", "fr"),
        ("zh-Hans-CN", "", "zh"),
        (None, "", None),
        ("english", "", None),  # not a language code
        ("", "", None),
        (None, '<meta http-equiv="Content-Language" content="de-AT, en">', "de"),
    ],
)
def test_declared_language(lang: str | None, head: str, expected: str | None) -> None:
    assert extract_html(page(head=head, lang=lang)).language == expected


def test_declared_language_on_a_bare_tree() -> None:
    from lxml import html as lxml_html

    assert declared_language(lxml_html.fromstring('<html lang="ru"><p>x</p></html>')) == "ru"


# --- hostile input ----------------------------------------------------------------------------

_JUNK = bytes(random.Random(7).randrange(256) for _ in range(4000)).decode("latin-1")


@pytest.mark.parametrize(
    "html",
    [
        pytest.param("", id="empty"),
        pytest.param(" \n\t ", id="whitespace"),
        pytest.param(_JUNK, id="binary-junk"),
        pytest.param("just a line of plain text", id="plain-text"),
        pytest.param("https://example.com/a-url-not-a-page", id="a-url"),
        pytest.param("<html><body></body></html>", id="no-body"),
        pytest.param(
            "<html><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/w'>World</a></li>"
            "</ul></nav><footer>Contact us</footer></body></html>",
            id="navigation-only",
        ),
    ],
)
def test_no_article_raises_no_article_content(html: str) -> None:
    with pytest.raises(NoArticleContent) as info:
        extract_html(html)
    assert str(info.value)


def test_deep_nesting_never_crashes() -> None:
    depth = 50_000
    html = "<html><body>" + "<div>" * depth + BODY + "</div>" * depth + "</body></html>"
    try:
        extract_html(html)
    except (NoArticleContent, MalformedDocument):
        pass


def test_bare_fragment_is_read_as_a_page() -> None:
    assert extract_html(BODY).text.startswith("The foreign minister")


# --- decoding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text", "noted"),
    [
        ("<p>Bogotá</p>".encode(), "<p>Bogotá</p>", False),
        (codecs.BOM_UTF8 + "<p>Bogotá</p>".encode(), "<p>Bogotá</p>", False),
        (
            '<meta charset="iso-8859-1"><p>Bogotá</p>'.encode("latin-1"),
            '<meta charset="iso-8859-1"><p>Bogotá</p>',
            True,
        ),
        (
            "<p>Bogotá é ótimo</p>".encode() + b"\xff",
            "<p>Bogotá é ótimo</p>\ufffd",
            True,
        ),
    ],
)
def test_decode_bytes_for_pages(data: bytes, text: str, noted: bool) -> None:
    decoded, notes = decode_bytes(data)
    assert decoded == text
    assert bool(notes) is noted


@pytest.mark.shared_data
def test_benchmark_pages_extract(shared_data: Path) -> None:
    data_dir = shared_data / "extraction" / "scrapinghub"
    if not (data_dir / "ground-truth.json").exists():
        pytest.skip(f"benchmark pages not found at {data_dir} (set NEWSEVENTS_SHARED_DATA)")
    gold = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(gold)[:20]:
        data = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes())
        extracted = extract_html(decode_bytes(data)[0], url=gold[page_id]["url"])
        assert isinstance(extracted, Extracted) and extracted.text
        assert extracted.published_from in (None, "html-meta", "html-text", "url")
