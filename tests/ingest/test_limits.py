"""Every input limit at its boundary: the last size accepted, the first refused, and a refusal
that is a Failure naming the limit and its setting while the batch goes on. Also: input is
streamed (JSONL line by line, folders lazily), and a gzip "zip bomb" (1 GB of zeros in ~1 MB)
is refused with memory that stays small, from a file, a JSONL stream and an HTTP response."""

from __future__ import annotations

import gzip
import io
import json
import os
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from newsevents.config import Settings
from newsevents.errors import FetchError, FetchTimeout, ResponseTooLarge, UnsupportedContentType
from newsevents.ingest.feeds import feed_entries
from newsevents.ingest.files import file_documents, jsonl_stream
from newsevents.ingest.urls import fetch, fetch_documents
from newsevents.records import Failure, RawDocument
from tests.ingest.test_warc import Record, write_warc

KB = 1024
MB = 1024 * KB
#: Python allocations allowed while refusing a 1 GB bomb with a 1 MB cap: a few caps' worth.
SMALL_MEMORY = 16 * MB


def items(path: Path, **settings: object) -> list[RawDocument | Failure]:
    return list(file_documents(path, settings=Settings().replace(**settings)))


def kinds(found: list[RawDocument | Failure]) -> list[str]:
    return ["doc" if isinstance(item, RawDocument) else item.error for item in found]


def peak_allocated(work: Callable[[], object]) -> tuple[object, int]:
    """``work()``'s result and the peak of Python allocations while it ran."""
    tracemalloc.start()
    try:
        result = work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


@pytest.fixture(scope="session")
def bomb() -> bytes:
    """A real gzip file of 1 GB of zeros, about 1 MB: 16 members of 64 MB each (gzip allows
    several members; every reader inflates them in turn), so it is built in a second."""
    member = gzip.compress(bytes(64 * MB), compresslevel=9)
    data = member * 16
    assert len(data) < 2 * MB
    return data


# --- per-document size (max_document_bytes) -----------------------------------------------------


def test_a_file_at_the_cap_is_read_and_one_byte_more_is_a_failure(tmp_path: Path):
    (tmp_path / "a-fits.txt").write_bytes(b"x" * 1000)
    (tmp_path / "b-over.txt").write_bytes(b"x" * 1001)
    (tmp_path / "c-small.txt").write_text("A small story.")
    found = items(tmp_path, max_document_bytes=1000)
    assert kinds(found) == ["doc", "DocumentTooLarge", "doc"]  # the batch goes on
    failure = found[1]
    assert isinstance(failure, Failure) and failure.source.endswith("b-over.txt")
    assert "1,001 bytes" in failure.message and "1,000-byte limit" in failure.message
    assert "max_document_bytes" in failure.message


def test_a_json_array_file_over_the_cap_is_refused_before_parsing(tmp_path: Path):
    path = tmp_path / "all.json"
    path.write_text(json.dumps([{"text": f"Story number {n}."} for n in range(100)]))
    [failure] = items(path, max_document_bytes=path.stat().st_size - 1)
    assert isinstance(failure, Failure) and "max_document_bytes" in failure.message
    assert len(items(path, max_document_bytes=path.stat().st_size)) == 100


def test_an_oversized_metadata_sidecar_is_a_failure(tmp_path: Path):
    (tmp_path / "story.txt").write_text("A small story.")
    (tmp_path / "story.json").write_text(json.dumps({"title": "t" * 2000}))
    [failure] = items(tmp_path, max_document_bytes=1000)
    assert isinstance(failure, Failure) and failure.error == "DocumentTooLarge"
    assert "story.json" in failure.message and "max_document_bytes" in failure.message


@pytest.mark.parametrize(
    ("inflated", "caps", "refused_by"),
    [
        (1000, {"max_inflated_bytes": 1000}, None),
        (1001, {"max_inflated_bytes": 1000}, "max_inflated_bytes"),
        # Inflated, a document must also fit the document cap, whichever is smaller.
        (1001, {"max_inflated_bytes": 5000, "max_document_bytes": 1000}, "max_document_bytes"),
    ],
)
def test_a_gzipped_file_is_capped_once_inflated(
    tmp_path: Path, inflated: int, caps: dict[str, int], refused_by: str | None
):
    path = tmp_path / "story.txt.gz"
    path.write_bytes(gzip.compress(b"x" * inflated))
    [item] = items(path, **caps)
    if refused_by is None:
        assert isinstance(item, RawDocument) and len(item.content) == inflated
    else:
        assert isinstance(item, Failure) and item.error == "DocumentTooLarge"
        assert "inflates to over 1,000 bytes" in item.message and refused_by in item.message


# --- JSONL: one line at a time, each line capped ------------------------------------------------


def _line(text_chars: int, n: int = 0) -> bytes:
    """A JSONL line (without its newline) whose size grows byte for byte with ``text_chars``."""
    return json.dumps({"id": n, "text": "x" * text_chars}).encode()


def test_a_jsonl_line_at_the_cap_is_read_and_one_byte_more_is_a_failure(tmp_path: Path):
    fits, over = _line(200, 1), _line(201, 2)
    limit = len(fits)  # the newline is not counted
    path = tmp_path / "lines.jsonl"
    path.write_bytes(fits + b"\n" + over + b"\n" + _line(5, 3) + b"\n")
    found = items(path, max_document_bytes=limit)
    assert kinds(found) == ["doc", "DocumentTooLarge", "doc"]
    failure = found[1]
    assert isinstance(failure, Failure) and failure.source.endswith("lines.jsonl:2")
    assert f"{limit:,}-byte document limit (max_document_bytes)" in failure.message
    assert isinstance(found[2], RawDocument) and found[2].meta.external_id == "3"


def test_the_last_jsonl_line_without_a_newline_is_capped_the_same(tmp_path: Path):
    line = _line(200)
    (tmp_path / "fits.jsonl").write_bytes(line)
    (tmp_path / "over.jsonl").write_bytes(line + b" ")
    found = items(tmp_path, max_document_bytes=len(line))
    assert kinds(found) == ["doc", "DocumentTooLarge"]


def test_an_endless_jsonl_line_gives_up_the_file_instead_of_reading_it_all():
    # A line over the cap is skipped to its end, but only up to max_inflated_bytes further.
    data = io.BytesIO(_line(10, 1) + b"\n" + b"x" * (3 * MB) + b"\n" + _line(10, 3) + b"\n")
    settings = Settings(max_document_bytes=KB, max_inflated_bytes=MB)
    found = list(jsonl_stream(data, name="endless.jsonl", settings=settings))
    assert kinds(found) == ["doc", "DocumentTooLarge"]
    assert "the rest of the file was skipped" in found[1].message  # type: ignore[union-attr]
    assert data.tell() <= KB + 1 + MB + 64  # stopped reading near the budget
    # With a line end inside the budget the next line is read as usual.
    data = io.BytesIO(_line(10, 1) + b"\n" + b"x" * (MB // 2) + b"\n" + _line(10, 3) + b"\n")
    assert kinds(list(jsonl_stream(data, name="x", settings=settings))) == [
        "doc",
        "DocumentTooLarge",
        "doc",
    ]


def test_jsonl_is_streamed_line_by_line_from_a_pipe():
    # The first article comes out while the writer has not written the second: nothing waits
    # for the end of the input (standard input works the same way).
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as reader, os.fdopen(write_end, "wb") as writer:
        writer.write(json.dumps({"id": 1, "text": "First story."}).encode() + b"\n")
        writer.flush()
        stream = jsonl_stream(reader, name="<stdin>", settings=Settings())
        first = next(stream)
        assert isinstance(first, RawDocument) and first.content == "First story."
        writer.write(json.dumps({"id": 2, "text": "Second story."}).encode() + b"\n")
        writer.close()
        [second] = list(stream)
    assert isinstance(second, RawDocument) and second.origin == "<stdin>:2"


def test_a_folder_is_walked_lazily(tmp_path: Path):
    # Each file is read when its turn comes: one removed after the first document came out
    # is reported missing, which it could not be had the walk read every file up front.
    (tmp_path / "a.txt").write_text("First story.")
    (tmp_path / "b.txt").write_text("Second story.")
    stream = file_documents(tmp_path, settings=Settings())
    first = next(stream)
    assert isinstance(first, RawDocument) and first.content == "First story."
    (tmp_path / "b.txt").unlink()
    [second] = list(stream)
    assert isinstance(second, Failure) and "b.txt" in second.source


# --- the zip bomb -------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_bomb_inflates_to_a_gigabyte(bomb: bytes):
    # Guard for the tests below: the file really is a bomb (counted in 64 MB steps).
    with gzip.GzipFile(fileobj=io.BytesIO(bomb)) as inflating:
        total = sum(len(chunk) for chunk in iter(lambda: inflating.read(64 * MB), b""))
    assert total == 1024 * MB


@pytest.mark.parametrize("name", ["bomb.txt.gz", "bomb.html.gz", "bomb.json.gz", "no-extension"])
def test_a_gzip_bomb_file_is_refused_in_small_memory(tmp_path: Path, bomb: bytes, name: str):
    path = tmp_path / name  # gzip is recognised by its magic number without the extension
    path.write_bytes(bomb)
    found, peak = peak_allocated(lambda: items(path, max_inflated_bytes=MB))
    [failure] = found  # type: ignore[misc]
    assert isinstance(failure, Failure) and failure.error == "DocumentTooLarge"
    assert "inflates to over 1,048,576 bytes" in failure.message
    assert "max_inflated_bytes" in failure.message
    assert peak < SMALL_MEMORY


def test_a_gzip_bomb_jsonl_is_refused_in_small_memory(tmp_path: Path, bomb: bytes):
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(bomb)
    settings = {"max_document_bytes": MB, "max_inflated_bytes": MB}
    found, peak = peak_allocated(lambda: items(path, **settings))
    [failure] = found  # type: ignore[misc]
    assert isinstance(failure, Failure) and "the rest of the file was skipped" in failure.message
    assert peak < SMALL_MEMORY
    # ... and without inflating it whole: the reader stopped about two caps in.
    with gzip.open(path, "rb") as handle:
        list(jsonl_stream(handle, name="bomb", settings=Settings(**settings)))  # type: ignore[arg-type]
        assert handle.tell() <= 2 * MB + 2


# --- WARC records (max_document_bytes) ----------------------------------------------------------


@pytest.mark.parametrize("gzipped", [False, True])
def test_a_warc_page_at_the_cap_is_read_and_one_byte_more_is_a_failure(
    tmp_path: Path, gzipped: bool
):
    def page(size: int, n: int) -> Record:
        body = b"<p>" + b"x" * (size - 7) + b"</p>"
        return ("response", f"https://news.example/{n}", "200 OK", "text/html", body, [])

    records = [page(1000, 1), page(1001, 2), page(10, 3)]
    path = write_warc(tmp_path / "x.warc", records, gzip_records=gzipped)
    found = items(path, max_document_bytes=1000)
    assert kinds(found) == ["doc", "DocumentTooLarge", "doc"]
    failure = found[1]
    assert isinstance(failure, Failure) and "https://news.example/2" in failure.message
    assert "1,000-byte limit (max_document_bytes)" in failure.message


# --- feeds (max_feed_entries) -------------------------------------------------------------------


def _feed(entries: int) -> bytes:
    items = "".join(
        f"<item><title>Story {n}</title>"
        f"<content:encoded>Text of story {n}.</content:encoded></item>"
        for n in range(entries)
    )
    namespace = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    channel = f"<channel>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0" {namespace}>{channel}</rss>'.encode()


@pytest.mark.parametrize(("entries", "skipped"), [(5, 0), (6, 1)])
def test_feed_entries_at_the_cap_are_read_and_the_rest_counted(
    tmp_path: Path, entries: int, skipped: int
):
    path = tmp_path / "wire.rss"
    path.write_bytes(_feed(entries))
    found = items(path, max_feed_entries=5)
    assert kinds(found) == ["doc"] * 5 + ["DocumentTooLarge"] * (skipped > 0)
    if skipped:
        assert "max_feed_entries" in found[-1].message  # type: ignore[union-attr]
        assert f"{skipped:,} skipped" in found[-1].message  # type: ignore[union-attr]


def test_feed_entries_past_the_cap_are_never_turned_into_entries():
    found = list(feed_entries(_feed(50), origin="wire", settings=Settings(max_feed_entries=3)))
    assert len(found) == 4 and "47 skipped" in found[-1].message  # type: ignore[union-attr]


# --- URL fetch size and time (max_fetch_bytes, fetch_timeout) -----------------------------------


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, Callable[[_Handler], None]]] = {}

    def do_GET(self) -> None:
        self.routes[self.path](self)

    def send(self, body: bytes, *, sized: bool = True, **headers: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if sized:
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client hangs up on purpose


STORY = b"<p>Noem met Petro in Bogota on Thursday; the talks went on until late.</p>"


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def _page(size: int) -> bytes:
    return b"<p>" + b"x" * (size - 7) + b"</p>"


def _trickle(handler: _Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    for _ in range(100):  # 10 s in all, each byte well within any per-read timeout
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.1)


def _silent(handler: _Handler) -> None:
    time.sleep(5)  # accepts the connection, never answers in time
    handler.send(_page(100))


@pytest.fixture(scope="module")
def server(bomb: bytes) -> Iterator[str]:
    _Handler.routes = {
        "/fits": lambda h: h.send(_page(1000)),
        "/over": lambda h: h.send(_page(1001)),
        "/fits-unsized": lambda h: h.send(_page(1000), sized=False, Connection="close"),
        "/over-unsized": lambda h: h.send(_page(1001), sized=False, Connection="close"),
        "/bomb": lambda h: h.send(bomb, Content_Encoding="gzip"),
        "/trickle": _trickle,
        "/silent": _silent,
        "/ok": lambda h: h.send(_page(100)),
        "/gzip": lambda h: h.send(gzip.compress(STORY), Content_Encoding="gzip"),
        "/gzip-members": lambda h: h.send(
            gzip.compress(STORY[:20]) + gzip.compress(STORY[20:]), Content_Encoding="gzip"
        ),
        "/gzip-padded": lambda h: h.send(
            gzip.compress(STORY) + b"\0" * 10, Content_Encoding="gzip"
        ),
        "/deflate": lambda h: h.send(zlib.compress(STORY), Content_Encoding="deflate"),
        "/raw-deflate": lambda h: h.send(_raw_deflate(STORY), Content_Encoding="deflate"),
        "/broken-gzip": lambda h: h.send(b"\x1f\x8bnot really", Content_Encoding="gzip"),
        "/brotli": lambda h: h.send(b"\x0b\x02\x80story", Content_Encoding="br"),
    }
    httpd = _Server(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


LOCAL = Settings(allow_private=True, fetch_timeout=5.0, max_fetch_bytes=1000)


@pytest.mark.parametrize("sized", ["", "-unsized"])
def test_a_body_at_the_fetch_cap_is_read_and_one_byte_more_is_refused(server: str, sized: str):
    assert len(fetch(f"{server}/fits{sized}", settings=LOCAL).body) == 1000
    with pytest.raises(ResponseTooLarge, match="max_fetch_bytes") as caught:
        fetch(f"{server}/over{sized}", settings=LOCAL)
    assert "1,000" in str(caught.value)


def test_a_gzip_bomb_response_is_refused_in_small_memory(server: str):
    settings = LOCAL.replace(max_fetch_bytes=MB)

    def attempt() -> Exception | None:
        try:
            fetch(f"{server}/bomb", settings=settings)
        except ResponseTooLarge as exc:
            return exc
        return None

    refused, peak = peak_allocated(attempt)
    assert isinstance(refused, ResponseTooLarge) and "max_fetch_bytes" in str(refused)
    assert peak < SMALL_MEMORY


@pytest.mark.parametrize("path", ["/trickle", "/silent"])
def test_a_slow_server_is_cut_off_at_the_total_deadline(server: str, path: str):
    with pytest.raises(FetchTimeout, match=r"within 0\.5 s \(fetch_timeout\)"):
        fetch(server + path, settings=LOCAL.replace(fetch_timeout=0.5))


def test_fetch_limits_are_failures_and_the_batch_goes_on(server: str):
    urls = [f"{server}/over", f"{server}/trickle", f"{server}/ok"]
    found = list(fetch_documents(urls, settings=LOCAL.replace(fetch_timeout=0.5)))
    assert kinds(found) == ["ResponseTooLarge", "FetchTimeout", "doc"]
    assert [item.source for item in found if isinstance(item, Failure)] == urls[:2]


@pytest.mark.parametrize(
    "path", ["/gzip", "/gzip-members", "/gzip-padded", "/deflate", "/raw-deflate"]
)
def test_compressed_bodies_are_decoded_within_the_cap(server: str, path: str):
    assert fetch(server + path, settings=LOCAL).body == STORY


@pytest.mark.parametrize(
    ("path", "error", "words"),
    [
        ("/broken-gzip", FetchError, "not valid gzip data"),
        ("/brotli", UnsupportedContentType, "'br' encoding"),
    ],
)
def test_undecodable_bodies_are_refused(server: str, path: str, error: type, words: str):
    with pytest.raises(error, match=words):
        fetch(server + path, settings=LOCAL)


# --- coding: characters parsed and sentences coded per document ---------------------------------

_SENTENCES = (
    "Kenyan police arrested protesters in Nairobi. "
    "Uganda's president met Kenya's president in Kampala. "
    "Russia attacked Ukraine. France condemned Iran. "
)


def _coded(**settings: object):  # type: ignore[no-untyped-def]
    from newsevents.pipeline import process_batch
    from newsevents.records import CodedArticle, DocumentMeta

    document = RawDocument(
        origin="limits", content=_SENTENCES * 3, format="text", meta=DocumentMeta(language="en")
    )
    [coded] = process_batch([document], settings=Settings().replace(**settings))
    assert isinstance(coded, CodedArticle)
    return coded


def test_sentences_past_the_cap_are_not_coded_and_the_article_says_so():
    whole = _coded()
    assert whole.article.notes == ()
    assert {e.cameo for e in whole.events} >= {"190", "111"}  # sentences 3 and 4 are coded
    capped = _coded(max_coded_sentences=2)
    assert capped.article.notes == (
        "only the first 2 of 12 sentences were coded (max_coded_sentences)",
    )
    assert capped.events and all(
        e.sentence_start < _SENTENCES.index("Russia") for e in capped.events
    )
    assert capped.article.text == whole.article.text  # the whole text is kept
    assert len(_coded(max_coded_sentences=12).article.notes) == 0  # the boundary


def test_characters_past_the_cap_are_not_parsed_and_the_article_says_so():
    capped = _coded(max_coded_chars=100)
    [note] = capped.article.notes
    total = len(capped.article.text)
    assert f"of {total:,} characters were parsed and coded (max_coded_chars)" in note
    assert all(e.sentence_start < 100 for e in capped.events)
