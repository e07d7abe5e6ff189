"""Every crash the fuzz campaign found, as the smallest input that showed it.

Each test names the exception the input used to raise out of the parser; after the fix the input
is a Failure with a documented error (or an ordinary "no value" answer), and the read goes on.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import time
from pathlib import Path
from unittest import mock

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsevents.config import Settings
from newsevents.ingest.feeds import entry_date, feed_entries
from newsevents.ingest.files import file_documents
from newsevents.records import Failure, RawDocument

SETTINGS = Settings()
DEEP = 5000  # past Python's default recursion limit (1000)


def read(path: Path) -> list[RawDocument | Failure]:
    return list(file_documents(path, settings=SETTINGS))


# --- JSON nested past the recursion limit: RecursionError ---------------------------------------


@pytest.mark.parametrize("name", ["deep.json", "deep"])  # by its name, and sniffed
def test_deeply_nested_json_file_is_malformed(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"[" * DEEP + b"]" * DEEP)
    [failure] = read(path)
    assert isinstance(failure, Failure) and failure.error == "MalformedDocument"
    assert "nested too deeply" in failure.message


def test_deeply_nested_jsonl_line_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    good = json.dumps({"text": "Noem arrived in Bogotá on Thursday."})
    path.write_text(f"{good}\n{'[' * DEEP}{']' * DEEP}\n{good}\n", encoding="utf-8")
    first, bad, last = read(path)
    assert isinstance(first, RawDocument) and isinstance(last, RawDocument)
    assert isinstance(bad, Failure) and bad.error == "MalformedDocument"
    assert bad.source.endswith(":2") and "line 2" in bad.message


def test_deeply_nested_json_feed_is_malformed() -> None:
    data = b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * DEEP + b"]" * DEEP
    [failure] = feed_entries(data + b"}", origin="feed.json", settings=SETTINGS)
    assert isinstance(failure, Failure) and failure.error == "MalformedDocument"


@pytest.mark.parametrize("sidecar", ["[" * DEEP + "]" * DEEP, '["a list, not an object"]'])
def test_bad_sidecar_is_malformed(tmp_path: Path, sidecar: str) -> None:
    (tmp_path / "story.txt").write_text("Noem arrived in Bogotá on Thursday.", encoding="utf-8")
    (tmp_path / "story.json").write_text(sidecar, encoding="utf-8")
    [failure] = read(tmp_path / "story.txt")
    assert isinstance(failure, Failure) and failure.error == "MalformedDocument"
    assert "story.json" in failure.message


# --- metadata -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["-", "_", "-US"])
def test_language_with_no_code_is_no_language(tmp_path: Path, language: str) -> None:
    # was: DocumentMeta(language="") - a blank value where None means "not given"
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps({"text": "Some text.", "language": language}) + "\n", "utf-8")
    [document] = read(path)
    assert isinstance(document, RawDocument) and document.meta.language is None


def test_feed_date_of_year_zero_is_no_date() -> None:
    # feedparser parses "0000-00-00" into a struct_time of year 0: ValueError from dt.date
    rss = (
        b'<rss version="2.0"><channel><title>t</title><item><title>a</title>'
        b"<link>https://news.example/a</link><pubDate>0000-00-00</pubDate></item></channel></rss>"
    )
    [entry] = feed_entries(rss, origin="feed.xml", settings=SETTINGS)
    assert not isinstance(entry, Failure)
    assert entry.url == "https://news.example/a" and entry.meta.published is None
    assert entry_date(None, parsed=time.struct_time((0, 0, 0, 0, 0, 0, 0, 0, 0))) is None


@pytest.mark.parametrize(
    "rss",
    [
        # feedparser decodes the declaration's encoding name as UTF-8: UnicodeDecodeError
        b'<?xml version="1.0" encoding="is\xac"?><rss version="2.0"><channel></channel></rss>',
        # ... and passes a NUL in it to bytes.decode: ValueError
        b'<?xml version="1.0" encoding="\x00tf-8"?><rss version="2.0"><channel></channel></rss>',
        # a character reference past U+10FFFF in a latin-1 feed: ValueError from chr()
        b'<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>&#99999999;</title></item></channel></rss>",
    ],
)
def test_feed_that_feedparser_cannot_decode_is_malformed(tmp_path: Path, rss: bytes) -> None:
    [failure] = feed_entries(rss, origin="feed.xml", settings=SETTINGS)
    assert isinstance(failure, Failure) and failure.error == "MalformedDocument"
    (tmp_path / "feed.xml").write_bytes(rss)
    [failure] = read(tmp_path / "feed.xml")  # a file with a NUL in it is refused as binary first
    assert isinstance(failure, Failure)
    assert failure.error in ("MalformedDocument", "BinaryDocument")


# --- gzip: a damaged .jsonl.gz raised EOFError / zlib.error out of the reader ---------------------

LINES = b"".join(json.dumps({"text": f"Story {n} text."}).encode() + b"\n" for n in range(200))


def test_truncated_jsonl_gz_keeps_lines_read_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl.gz"
    data = gzip.compress(LINES, mtime=0)
    path.write_bytes(data[: len(data) - 12])  # cut inside the deflate stream's last block
    items = read(path)
    assert isinstance(items[-1], Failure) and items[-1].error == "MalformedDocument"
    assert "not valid gzip data" in items[-1].message
    assert all(isinstance(i, RawDocument) for i in items[:-1])


def test_corrupt_jsonl_gz_fails(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl.gz"
    data = bytearray(gzip.compress(LINES, mtime=0))
    data[20:40] = b"\xff" * 20  # garbage in the deflate stream
    path.write_bytes(bytes(data))
    items = read(path)
    assert items and isinstance(items[-1], Failure)
    assert items[-1].error in ("MalformedDocument", "InputError")  # zlib error or bad header
    assert all(isinstance(i, RawDocument) for i in items[:-1])


# --- WARC: a response record without WARC-Target-URI raised AttributeError in warcio --------------


def test_warc_response_without_target_uri_is_corrupt(tmp_path: Path) -> None:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        "", "response", payload=io.BytesIO(b"<p>Noem met Petro.</p>"), http_headers=http
    )
    writer.write_record(record)
    path = tmp_path / "a.warc"
    path.write_bytes(out.getvalue())
    [failure] = read(path)
    assert isinstance(failure, Failure) and failure.error == "MalformedDocument"
    assert "corrupt or truncated archive at byte 0" in failure.message


# --- dates at the calendar's edges: OverflowError / ValueError from date arithmetic --------------


@pytest.mark.parametrize(
    ("text", "anchor", "tense"),
    [
        ("previous-30,THURSDAY,9999", dt.date(9999, 12, 31), "present"),
        ("HUNDRED\nJUNE\nÅ÷-HALF  CURRENTLY,", dt.date(9999, 12, 31), "past"),
        ("september NEXT¥\x91,30 2,month\n", dt.date(9999, 12, 1), "present"),
        ("SUMMER SUMMER\n-,SUMMER ", dt.date(1, 1, 31), "past"),
        ("next year", dt.date.max, "future"),
        ("last week", dt.date.min, "past"),
    ],
)
def test_expressions_past_the_calendar_name_no_date(text: str, anchor: dt.date, tense: str) -> None:
    from newsevents.time import read_expression, resolve

    value = read_expression(text, anchor, tense=tense)
    assert value is None or value.start is None or dt.date.min <= value.start <= dt.date.max
    resolved = resolve(text, anchor, tense=tense)
    assert resolved is None or isinstance(resolved[0], dt.date)


# --- places: an empty span got the focus with name ""; a huge span took cubic time ----------------


def test_empty_span_names_no_place() -> None:
    from newsevents.places import resolve_spans

    text = "°òd  \x9cÁ\x9c\nBOGOTA,  near \x9cÁ\x9c \x9cÁ\x9c\nthe,القاهرة  the,GEORGIA,"
    found = resolve_spans(text, [(1, 1), (24, 25), (0, 15)])
    assert found[0] is None
    assert all(loc is None or loc.name.strip() for loc in found)


def test_long_span_looks_up_a_bounded_number_of_names() -> None:
    from newsevents.places import resolve, resolve_spans

    sentence = "President Petro will meet President Sheinbaum in Mexico City on Friday. "
    text = "Paris, Texas " + sentence * 100  # 1,200 words in one span
    calls = 0
    real_key = resolve.key

    def counting_key(name: str) -> str:
        nonlocal calls
        calls += 1
        return real_key(name)

    with mock.patch.object(resolve, "key", counting_key):
        [location] = resolve_spans(text, [(0, len(text))])
    # Every run of every length was 1,200²/2 ≈ 720,000 names (each keyed twice); runs of at most
    # eight words are under 10,000.
    assert calls < 40_000, calls
    assert location is None or location.name


# --- the whole pipeline at the calendar's edge --------------------------------------------------


@pytest.mark.slow
def test_coding_with_a_publication_date_at_the_calendar_end() -> None:
    from newsevents.pipeline import code_texts

    texts = ["The minister will visit Colombia next year.", "Rebels attacked Kabul last week."]
    for published in (dt.date.max, dt.date.min):
        events = list(code_texts(texts, settings=SETTINGS, published=published))
        assert len(events) == 2
        for event in (e for found in events for e in found):
            assert event.date is None or isinstance(event.date, dt.date)
