"""Hypothesis generators for the fuzz campaign: odd text, raw and mutated bytes, and valid-ish
documents of every format newsevents reads (HTML, JSON, JSONL, feeds, WARC, gzip).

Structured generators produce inputs that get past the first check of a parser (a JSON object
with a ``text`` field, a WARC record with a length), so the fuzzing reaches the code behind it;
:func:`mutated` then damages them the way real files are damaged (truncated, bytes flipped,
slices repeated or dropped). Shared by ``tests/fuzz`` and ``scripts/fuzz.py``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from typing import Any

from hypothesis import strategies as st

#: Pieces that are hard on text handling: empty and blank, control characters, bidi controls and
#: right-to-left scripts, emoji with joiners, combining marks, surrogate-adjacent code points,
#: markup, repeated punctuation, and a few real news sentences so the coder has work to do.
FRAGMENTS: tuple[str, ...] = (
    "",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\n\n",
    "\x00",
    "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    "\x1b[31m",
    "\u200b\u200c\u200d\ufeff",
    "\u202e\u202d\u2066\u2069",
    "مرحبا بالعالم. ",
    "שלום עולם. ",
    "Привет мир. ",
    "你好，世界。",
    "😀👍🏽👨‍👩‍👧‍👦🇨🇴",
    "e\u0301\u0301\u0301",
    "\ufffd",
    "\U0010ffff",
    "!!!!!!!!",
    "?!?!?!",
    "......",
    "-- -- --",
    "&amp;&lt;&#0;&#x110000;&#99999999;",
    "<script>alert(1)</script>",
    "<b>",
    "</p>",
    "<![CDATA[",
    "]]>",
    "<!--",
    "Loading Now",
    "Post Comment",
    "Share on Facebook",
    "Original Source: Reuters",
    "BOGOTÁ, Colombia (AP) — ",
    "Noem arrived in Bogotá on Thursday. ",
    "Colombia's Foreign Minister met the US Secretary of State in Washington last week. ",
    "President Petro will meet President Sheinbaum in Mexico City on Friday. ",
    "Trump announced a 25% tariff on auto imports. ",
    "Rebels attacked a police station near Kabul yesterday, killing three officers. ",
    "He said they did not sign the agreement since January. ",
    "on 2024-02-30 ",
    "in the 1990s ",
    "next Friday ",
    "three years ago ",
    "Paris, Texas",
    "the United States",
    "U.S.",
    "Georgia",
    "1/2/3",
    "25%",
    "a 63-year-old",
)

#: Words that time expressions are made of, for the date resolver.
TIME_WORDS: tuple[str, ...] = (
    "on",
    "in",
    "since",
    "last",
    "next",
    "this",
    "the",
    "of",
    "ago",
    "early",
    "late",
    "mid",
    "past",
    "coming",
    "previous",
    "following",
    "yesterday",
    "today",
    "tomorrow",
    "tonight",
    "now",
    "currently",
    "recently",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan.",
    "sept",
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
    "week",
    "weeks",
    "weekend",
    "month",
    "months",
    "year",
    "years",
    "decade",
    "century",
    "quarter",
    "half",
    "first",
    "second",
    "third",
    "fourth",
    "1st",
    "2nd",
    "31st",
    "0",
    "1",
    "5",
    "13",
    "29",
    "30",
    "31",
    "32",
    "99",
    "1990s",
    "'90s",
    "2024",
    "0000",
    "9999",
    "10000",
    "1900",
    "-",
    "–",
    ",",
    ".",
    "'s",
    "two",
    "three",
    "twelve",
    "hundred",
    "few",
    "several",
    "a",
    "an",
    "q1",
    "q4",
    "h1",
    "2024-02-29",
    "2023-02-29",
    "0001-01-01",
    "9999-12-31",
    "99999999999999999999",
)

#: Place names and demonyms the gazetteer knows, ambiguous names, and near misses.
PLACE_WORDS: tuple[str, ...] = (
    "Bogotá",
    "BOGOTA",
    "Colombia",
    "Colombian",
    "Mexico",
    "Mexico City",
    "Paris",
    "Texas",
    "Paris, Texas",
    "Georgia",
    "Washington",
    "the United States",
    "U.S.",
    "US",
    "Europe",
    "Persian Gulf",
    "Kabul",
    "Kyiv",
    "Kiev",
    "Gaza",
    "San Salvador",
    "El Salvador",
    "Irish",
    "Springfield",
    "Alexandria",
    "Córdoba",
    "Now",
    "Qwxzv",
    "the",
    ",",
    " ",
    "\n",
    "(AP)",
    "—",
    "in",
    "near",
    "visit to",
    "北京",
    "Москва",
    "القاهرة",
)

#: Dates a document may carry, extremes included: a published date comes from the user's data.
DATES = st.one_of(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(
        [dt.date.min, dt.date.max, dt.date(1, 1, 31), dt.date(9999, 12, 1), dt.date(2024, 2, 29)]
    ),
)


def odd_text(max_pieces: int = 12) -> st.SearchStrategy[str]:
    """Text built from hard fragments, arbitrary Unicode and the odd huge repetition."""
    piece = st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(max_size=30),
        st.tuples(st.sampled_from(FRAGMENTS[1:]), st.integers(1, 400)).map(lambda t: t[0] * t[1]),
        st.integers(1, 5000).map(lambda n: "x" * n),  # one huge token
    )
    return st.lists(piece, max_size=max_pieces).map("".join)


def words_text(words: tuple[str, ...], max_words: int = 8) -> st.SearchStrategy[str]:
    """Phrases made of ``words`` with a little noise between them."""
    sep = st.sampled_from([" ", " ", " ", "", ",", "  ", "\n", "-"])
    token = st.one_of(
        st.sampled_from(words), st.sampled_from(words).map(str.upper), st.text(max_size=6)
    )
    return st.lists(st.tuples(token, sep), max_size=max_words).map(
        lambda pairs: "".join(t + s for t, s in pairs)
    )


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[bytes], max_ops: int = 4) -> bytes:
    """``base``'s bytes damaged by up to ``max_ops`` edits (flip, drop, insert, cut, repeat)."""
    data = bytearray(draw(base))
    for _ in range(draw(st.integers(0, max_ops))):
        op = draw(st.sampled_from(["flip", "drop", "insert", "cut", "repeat"]))
        if not data:
            op = "insert"
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip":
            data[at] = draw(st.integers(0, 255))
        elif op == "drop":
            del data[at : at + draw(st.integers(1, 16))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "cut":
            del data[at:]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 64))] * draw(st.integers(1, 8))
    return bytes(data)


def encoded(text: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    """``text`` as bytes in an encoding a page might use (or claim to use)."""
    encodings = st.sampled_from(
        ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "gb18030"]
    )
    return st.tuples(text, encodings).map(lambda t: t[0].encode(t[1], errors="replace"))


# --- HTML ---------------------------------------------------------------------------------------

_TAGS = (
    "p",
    "div",
    "span",
    "article",
    "section",
    "h1",
    "h2",
    "a",
    "b",
    "i",
    "li",
    "ul",
    "table",
    "td",
    "tr",
    "blockquote",
    "script",
    "style",
    "noscript",
    "svg",
    "math",
    "iframe",
    "template",
    "time",
    "main",
    "nav",
    "footer",
    "aside",
    "figure",
    "pre",
)
_META = (
    '<meta property="article:published_time" content="{date}">',
    '<meta name="date" content="{date}">',
    '<meta http-equiv="Content-Language" content="{lang}">',
    '<meta charset="{charset}">',
    '<link rel="canonical" href="https://news.example/{date}/story">',
    '<time datetime="{date}">{date}</time>',
    '<script type="application/ld+json">{{"datePublished": "{date}"}}</script>',
    "<title>{title}</title>",
)
_DATE_STRINGS = st.one_of(
    DATES.map(dt.date.isoformat),
    st.sampled_from(["2024-13-45", "0000-00-00", "March 1, 2019", "99999-01-01", "", "yesterday"]),
)


@st.composite
def html_page(draw: st.DrawFn) -> str:
    """A page with head metadata and a body of nested blocks, some unclosed, some very deep."""
    head = "".join(
        draw(st.sampled_from(_META)).format(
            date=draw(_DATE_STRINGS),
            lang=draw(st.sampled_from(["en", "en-US", "es", "ar", "", "x" * 300, "zz-ZZ, fr"])),
            charset=draw(st.sampled_from(["utf-8", "latin-1", "bogus", "utf-7", "x" * 100])),
            title=draw(odd_text(3)),
        )
        for _ in range(draw(st.integers(0, 4)))
    )
    blocks = []
    for _ in range(draw(st.integers(0, 8))):
        tag = draw(st.sampled_from(_TAGS))
        attrs = draw(st.sampled_from(["", ' class="content"', ' id="x"', ' lang="en"', " x=<>"]))
        close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", "</div>"]))
        blocks.append(f"<{tag}{attrs}>{draw(odd_text(6))}{close}")
    depth = draw(st.sampled_from([0, 0, 0, 3, 50, 400, 3000]))
    body = "<div>" * depth + "".join(blocks) + "</div>" * draw(st.integers(0, depth))
    lang = draw(st.sampled_from(["", ' lang="en"', ' lang="es-MX"', " lang=''", ' xml:lang="fr"']))
    shape = draw(st.sampled_from(["full", "full", "fragment", "no-body", "doctype-only"]))
    if shape == "fragment":
        return body
    if shape == "no-body":
        return f"<html{lang}><head>{head}</head></html>"
    if shape == "doctype-only":
        return "<!DOCTYPE html>" + body
    return f"<!DOCTYPE html><html{lang}><head>{head}</head><body>{body}</body></html>"


# --- JSON and JSONL -----------------------------------------------------------------------------

_JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    odd_text(4),
)
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
_FIELDS = (
    "text",
    "html",
    "title",
    "url",
    "published",
    "date",
    "language",
    "id",
    "source",
    "original_source",
    "author",
    "version",
    "items",
)


@st.composite
def article_object(draw: st.DrawFn) -> dict[str, Any]:
    """A JSON article record: known fields with good, odd or wrongly typed values."""
    obj: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(_FIELDS), max_size=6, unique=True)):
        if name == "html":
            value = draw(st.one_of(html_page(), _JSON_VALUES))
        elif name in ("published", "date"):
            value = draw(st.one_of(_DATE_STRINGS, _JSON_VALUES, st.just("2024-05-03T10:00:00Z")))
        elif name == "language":
            value = draw(
                st.one_of(st.sampled_from(["en", "EN-us", "es_MX", "", "-", "_"]), _JSON_VALUES)
            )
        else:
            value = draw(st.one_of(odd_text(8), _JSON_VALUES))
        obj[name] = value
    return obj


def json_document() -> st.SearchStrategy[bytes]:
    """A .json file: one record, a list of records, any JSON value, or very deep nesting."""
    value = st.one_of(article_object(), st.lists(article_object(), max_size=4), _JSON_VALUES)
    dumped = value.map(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    deep = st.integers(1, 200_000).map(lambda n: b"[" * n + b"]" * n)
    deep_obj = st.integers(1, 200_000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n)
    return st.one_of(mutated(dumped), deep, deep_obj)


@st.composite
def jsonl_document(draw: st.DrawFn) -> bytes:
    """A .jsonl file: record lines, junk lines, blank lines, deep nesting, odd line ends."""
    line = st.one_of(
        st.tuples(article_object(), st.booleans()).map(
            lambda t: json.dumps(t[0], ensure_ascii=t[1])
        ),
        st.text(max_size=40),
        st.just(""),
        st.integers(1, 100_000).map(lambda n: "[" * n + "]" * n),
    )
    ending = st.sampled_from(["\n", "\r\n", "\n\n", "\r", ""])
    lines = draw(st.lists(st.tuples(line, ending), max_size=6))
    data = "".join(text + end for text, end in lines).encode("utf-8", "surrogatepass")
    return draw(mutated(st.just(data), max_ops=2))


# --- feeds --------------------------------------------------------------------------------------

_LINKS = st.sampled_from(
    [
        "https://news.example/a",
        "/relative/b",
        "javascript:alert(1)",
        "",
        "urn:uuid:1",
        "http://",
        "ftp://x/y",
        "https://news.example/2024/05/03/story",
        "http://[::1",
        "https://%zz",
    ]
)
_FEED_DATES = st.one_of(
    _DATE_STRINGS,
    st.sampled_from(
        [
            "Thu, 03 May 2024 10:00:00 GMT",
            "Mon, 31 Feb 2024 99:99:99 +9999",
            "Fri, 1 Jan 0001",
            "2024-05-03T10:00:00+25:00",
            "Sat, 01 Jan 10000 00:00:00 GMT",
        ]
    ),
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def xml_feed(draw: st.DrawFn) -> bytes:
    """An RSS 2.0, RSS 1.0 or Atom feed whose entries carry links, teasers or full text."""
    kind = draw(st.sampled_from(["rss", "atom", "rdf"]))
    entries = []
    for _ in range(draw(st.integers(0, 4))):
        title = _escape(draw(odd_text(3)))
        link = _escape(draw(_LINKS))
        date = _escape(draw(_FEED_DATES))
        body = draw(st.one_of(odd_text(6), odd_text(6).map(lambda t: (t + " ") * 60)))
        body = draw(st.sampled_from([_escape(body), f"<![CDATA[{body}]]>", body]))
        if kind == "atom":
            entries.append(
                f'<entry><title>{title}</title><link href="{link}"/><updated>{date}</updated>'
                f'<id>{link}</id><content type="html">{body}</content></entry>'
            )
        else:
            tag = "item"
            entries.append(
                f"<{tag}><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
                f"<description>{body}</description></{tag}>"
            )
    items = "".join(entries)
    prolog = draw(
        st.sampled_from(
            [
                '<?xml version="1.0" encoding="utf-8"?>',
                "",
                "<!-- x -->",
                '<?xml version="1.0" encoding="iso-8859-1"?>',
            ]
        )
    )
    if kind == "atom":
        doc = f'{prolog}<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{items}</feed>'
    elif kind == "rdf":
        doc = (
            f'{prolog}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            f'xmlns="http://purl.org/rss/1.0/"><channel><title>t</title></channel>{items}</rdf:RDF>'
        )
    else:
        doc = f'{prolog}<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    return draw(mutated(st.just(doc.encode("utf-8", "surrogatepass")), max_ops=2))


@st.composite
def json_feed(draw: st.DrawFn) -> bytes:
    """A JSON Feed (1.0 or 1.1) with items of every shape, authors as objects or not."""
    items = []
    for _ in range(draw(st.integers(0, 4))):
        item: dict[str, Any] = {}
        for name in draw(
            st.lists(
                st.sampled_from(
                    [
                        "id",
                        "url",
                        "external_url",
                        "title",
                        "content_html",
                        "content_text",
                        "summary",
                        "date_published",
                        "date_modified",
                        "author",
                        "authors",
                    ]
                ),
                max_size=6,
                unique=True,
            )
        ):
            if name in ("url", "external_url"):
                item[name] = draw(st.one_of(_LINKS, _JSON_VALUES))
            elif name.startswith("date"):
                item[name] = draw(st.one_of(_FEED_DATES, _JSON_VALUES))
            elif name == "content_html":
                item[name] = draw(st.one_of(html_page(), odd_text(6).map(lambda t: t * 40)))
            else:
                item[name] = draw(st.one_of(odd_text(6), _JSON_VALUES))
        items.append(item if draw(st.integers(0, 9)) else draw(_JSON_VALUES))
    feed: dict[str, Any] = {
        "version": draw(
            st.sampled_from(["https://jsonfeed.org/version/1.1", "https://jsonfeed.org/"])
        ),
        "items": items if draw(st.integers(0, 9)) else draw(_JSON_VALUES),
    }
    if draw(st.booleans()):
        feed["title"] = draw(_JSON_VALUES)
    if draw(st.booleans()):
        feed["authors"] = draw(st.one_of(_JSON_VALUES, st.just([{"name": "A"}]), st.just([])))
    data = json.dumps(feed, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    return draw(mutated(st.just(data), max_ops=2))


# --- WARC ---------------------------------------------------------------------------------------


@st.composite
def warc_archive(draw: st.DrawFn) -> bytes:
    """A WARC file written with warcio (plain or gzipped records), some records not pages."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=draw(st.booleans()))
    for number in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["response", "response", "resource", "request", "metadata"]))
        ctype = draw(
            st.sampled_from(
                [
                    "text/html; charset=utf-8",
                    "application/xhtml+xml",
                    "image/png",
                    "text/html; charset=bogus",
                    "TEXT/HTML",
                    "",
                ]
            )
        )
        body = draw(
            st.one_of(
                html_page().map(lambda h: h.encode("utf-8", "surrogatepass")),
                st.binary(max_size=64),
            )
        )
        http = None
        if kind == "request":  # warcio parses a request's payload as HTTP: give it one
            body, ctype = b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n", "application/http"
        if kind == "response":
            status = draw(st.sampled_from(["200 OK", "404 Not Found", "301 Moved", "200"]))
            headers = [("Content-Type", ctype)]
            if draw(st.integers(0, 4)) == 0:
                headers.append(("Content-Length", draw(st.sampled_from(["0", "99999999999", "x"]))))
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        uri = draw(st.sampled_from(["https://news.example/a", "", "not a uri", "https://x/é"]))
        record = writer.create_warc_record(
            uri,
            kind,
            payload=io.BytesIO(body),
            http_headers=http,
            warc_content_type=ctype if http is None else None,
            # Fixed id and date: hypothesis needs the same draws to give the same bytes.
            warc_headers_dict={
                "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{number:012d}>",
                "WARC-Date": "2024-05-03T10:00:00Z",
            },
        )
        writer.write_record(record)
    return draw(mutated(st.just(out.getvalue()), max_ops=3))


# --- gzip ---------------------------------------------------------------------------------------


@st.composite
def gzipped(draw: st.DrawFn) -> bytes:
    """Gzip data: text or HTML compressed, several members, a bomb-like run, then damaged."""
    inner = draw(
        st.one_of(
            encoded(odd_text(6)),
            html_page().map(lambda h: h.encode("utf-8", "surrogatepass")),
            st.binary(max_size=128),
            st.integers(1, 4 << 20).map(lambda n: b"\x00" * n),  # compresses ~1000:1
        )
    )
    data = gzip.compress(inner, compresslevel=draw(st.integers(0, 9)), mtime=0)
    if draw(st.booleans()):
        data += draw(st.one_of(st.just(data), st.binary(max_size=16)))  # a second member, or junk
    return draw(mutated(st.just(data), max_ops=2))
