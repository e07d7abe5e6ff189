"""WARC archives written in the test with warcio: which records become pages, offsets, limits,
and damaged files."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsevents.config import Settings
from newsevents.ingest.files import file_documents
from newsevents.ingest.warc import warc_documents, warc_stream
from newsevents.records import Failure, RawDocument

PAGE = "<html><body><p>Noem arrived in Bogotá on Thursday.</p></body></html>".encode()

#: (record type, URI, HTTP status or None for a resource, content type, body, extra headers)
Record = tuple[str, str, str | None, str, bytes, list[tuple[str, str]]]

MIXED: list[Record] = [
    ("response", "https://news.example/a", "200 OK", "text/html; charset=utf-8", PAGE, []),
    ("request", "https://news.example/a", None, "application/http", b"GET /a HTTP/1.1\r\n\r\n", []),
    ("response", "https://news.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n", []),
    ("response", "https://news.example/gone", "404 Not Found", "text/html", b"<p>404</p>", []),
    ("response", "https://news.example/old", "301 Moved", "text/html", b"", [("Location", "/a")]),
    ("metadata", "https://news.example/a", None, "application/warc-fields", b"via: x\r\n", []),
    ("resource", "https://news.example/b", None, "application/xhtml+xml", PAGE, []),
    ("response", "https://news.example/c", "200 OK", "application/xhtml+xml", PAGE, []),
    ("response", "https://news.example/js", "200 OK", "application/javascript", b"x=1", []),
]


def write_warc(path: Path, records: list[Record], *, gzip_records: bool) -> Path:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip_records)
        for kind, uri, status, ctype, body, extra in records:
            http = None
            if status is not None:
                headers = [("Content-Type", ctype), *extra]
                http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri,
                kind,
                payload=io.BytesIO(body),
                http_headers=http,
                warc_content_type=ctype if status is None else None,
            )
            writer.write_record(record)
    return path


def read(path: Path, **settings: object) -> list[RawDocument | Failure]:
    return list(warc_documents(path, settings=Settings().replace(**settings)))


@pytest.fixture(params=[False, True], ids=["plain", "gzip"])
def gzipped(request: pytest.FixtureRequest) -> bool:
    return request.param


def test_only_html_pages_with_status_200_are_read(tmp_path: Path, gzipped: bool):
    path = write_warc(tmp_path / "crawl.warc", MIXED, gzip_records=gzipped)
    docs = read(path)
    assert all(isinstance(doc, RawDocument) for doc in docs)
    assert [doc.meta.url for doc in docs] == [  # type: ignore[union-attr]
        "https://news.example/a",
        "https://news.example/b",
        "https://news.example/c",
    ]
    assert all(doc.format == "html" and "Bogotá" in doc.content for doc in docs)  # type: ignore[union-attr]


def test_origin_is_the_byte_offset_of_the_record(tmp_path: Path, gzipped: bool):
    path = write_warc(tmp_path / "crawl.warc", MIXED, gzip_records=gzipped)
    data = path.read_bytes()
    for doc in read(path):
        assert isinstance(doc, RawDocument)
        name, offset = doc.origin.rsplit("@", 1)
        assert name == str(path)
        record = data[int(offset) :]
        if gzipped:  # each record is its own gzip member
            record = zlib.decompressobj(wbits=31).decompress(record)
        assert record.startswith(b"WARC/1")
        assert f"WARC-Target-URI: {doc.meta.url}".encode() in record[:1000]


def test_a_stream_reads_as_its_file_with_the_name_given(tmp_path: Path, gzipped: bool):
    # what `newsevents run` uses for a WARC on remote storage: a seekable stream, not a path
    path = write_warc(tmp_path / "crawl.warc", MIXED, gzip_records=gzipped)
    streamed = list(warc_stream(io.BytesIO(path.read_bytes()), name="s3://bucket/crawl.warc",
                                settings=Settings()))  # fmt: skip
    from_file = read(path)
    assert [d.origin.replace(str(path), "s3://bucket/crawl.warc") for d in from_file] == [
        d.origin for d in streamed
    ]
    assert [d.content for d in streamed] == [d.content for d in from_file]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("ctype", "body", "extra", "text", "note"),
    [
        (
            "text/html; charset=iso-8859-1",
            "<p>Bogotá</p>".encode("latin-1"),
            [],
            "Bogotá",
            "iso-8859-1",
        ),
        (
            "text/html",
            "<p>Bogotá y Medellín</p>".encode() * 3 + b"\xff",
            [],
            "Medellín",
            "invalid UTF-8",
        ),
        ("text/html", gzip.compress(PAGE), [("Content-Encoding", "gzip")], "Bogotá", None),
        (
            "text/html",
            b"a\r\n<p>Bogot\xc3\xa1\r\n4\r\n</p>\r\n0\r\n\r\n",
            [("Transfer-Encoding", "chunked")],
            "<p>Bogotá</p>",
            None,
        ),
    ],
)
def test_bodies_are_decoded(
    tmp_path: Path,
    ctype: str,
    body: bytes,
    extra: list[tuple[str, str]],
    text: str,
    note: str | None,
):
    records: list[Record] = [("response", "https://news.example/x", "200 OK", ctype, body, extra)]
    [doc] = read(write_warc(tmp_path / "x.warc.gz", records, gzip_records=True))
    assert isinstance(doc, RawDocument) and text in doc.content
    assert (note in " ".join(doc.notes)) if note else doc.notes == ()


@pytest.mark.parametrize(
    ("body", "extra", "how"),
    [
        (b"<p>" + b"x" * 5000 + b"</p>", [("Content-Length", "5007")], "declares 5,007 bytes"),
        (b"<p>" + b"x" * 5000 + b"</p>", [], "is larger"),
        # Compressed it is small; inflated it is over the cap, and is not inflated past it.
        (gzip.compress(b"<p>" + b"x" * 500_000), [("Content-Encoding", "gzip")], "is larger"),
    ],
)
def test_page_over_the_cap_is_a_failure_and_the_next_is_read(
    tmp_path: Path, gzipped: bool, body: bytes, extra: list[tuple[str, str]], how: str
):
    records: list[Record] = [
        ("response", "https://news.example/big", "200 OK", "text/html", body, extra),
        ("response", "https://news.example/a", "200 OK", "text/html", PAGE, []),
    ]
    failure, doc = read(
        write_warc(tmp_path / "x.warc", records, gzip_records=gzipped), max_document_bytes=1000
    )
    assert isinstance(failure, Failure) and failure.error == "DocumentTooLarge"
    assert how in failure.message and "1,000-byte limit" in failure.message
    assert "https://news.example/big" in failure.message and failure.source.endswith("@0")
    assert isinstance(doc, RawDocument) and doc.meta.url == "https://news.example/a"


@pytest.mark.parametrize("keep", [0.45, 0.7, 0.8, 0.97])
def test_truncated_archive_is_one_failure_and_stops(tmp_path: Path, gzipped: bool, keep: float):
    records: list[Record] = [
        ("response", f"https://news.example/{n}", "200 OK", "text/html", PAGE * 5, [])
        for n in range(4)
    ]
    whole = write_warc(tmp_path / "whole.warc", records, gzip_records=gzipped).read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(whole[: int(len(whole) * keep)])
    items = read(cut)
    *docs, failure = items
    assert all(isinstance(doc, RawDocument) for doc in docs) and len(docs) < 4
    assert isinstance(failure, Failure) and failure.error == "MalformedDocument"
    offset = int(failure.source.rsplit("@", 1)[1])
    assert f"at byte {offset:,}" in failure.message and offset < len(whole)
    assert "the rest of the file was skipped" in failure.message


@pytest.mark.parametrize(
    "data",
    [b"this is not an archive\r\n\r\n", b"\x1f\x8b\x08\x00garbage" * 10, b"WARC/1.0\r\nbroken"],
)
def test_garbage_is_malformed(tmp_path: Path, data: bytes):
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(data)
    [failure] = read(path)
    assert isinstance(failure, Failure) and failure.error == "MalformedDocument"
    assert str(path) in failure.message and "at byte 0" in failure.message
    assert len(failure.message) < 400  # warcio quotes the garbage; only a little is kept


def test_empty_archive_has_no_documents(tmp_path: Path):
    path = tmp_path / "empty.warc"
    path.write_bytes(b"")
    assert read(path) == []


def test_missing_file_is_a_failure(tmp_path: Path):
    [failure] = read(tmp_path / "nope.warc.gz")
    assert isinstance(failure, Failure) and "cannot be read" in failure.message


def test_files_source_reads_warc_by_name(tmp_path: Path):
    path = write_warc(tmp_path / "crawl.warc.gz", MIXED, gzip_records=True)
    docs = list(file_documents(path, settings=Settings()))
    assert len(docs) == 3 and all(isinstance(doc, RawDocument) for doc in docs)
