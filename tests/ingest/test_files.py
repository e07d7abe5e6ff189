"""Local files and folders: each bad file becomes a Failure with its reason, the rest goes on."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from newsevents.config import Settings
from newsevents.ingest.decode import decode_bytes, sniff_binary
from newsevents.ingest.files import file_documents, inflate, parse_date
from newsevents.records import Failure, RawDocument

SETTINGS = Settings()


def read(path: Path, settings: Settings = SETTINGS) -> list[RawDocument | Failure]:
    return list(file_documents(path, settings=settings))


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        ("empty.txt", "EmptyDocument", "empty"),
        ("blank.txt", "EmptyDocument", "empty"),
        ("picture.txt", "BinaryDocument", "PNG image"),
        ("broken.json", "MalformedDocument", "line 1"),
        ("missing.txt", "InputError", "no such file"),
    ],
)
def test_bad_file_is_a_failure_with_its_reason(fixtures: Path, name: str, error: str, words: str):
    [failure] = read(fixtures / "inputs" / name)
    assert isinstance(failure, Failure)
    assert (failure.error, failure.stage) == (error, "ingest")
    assert words in failure.message
    assert name in failure.source


def test_jsonl_bad_lines_name_their_line_and_good_lines_survive(fixtures: Path):
    items = read(fixtures / "inputs" / "lines.jsonl")
    by_line = {
        item.origin.rsplit(":", 1)[1]
        if isinstance(item, RawDocument)
        else item.source.rsplit(":", 1)[1]: item
        for item in items
    }
    assert sorted(by_line) == ["1", "2", "3", "4", "5"]
    assert isinstance(by_line["1"], RawDocument)
    assert by_line["1"].meta.published == dt.date(2024, 5, 3)
    assert by_line["1"].meta.external_id == "a1"
    assert isinstance(by_line["2"], Failure) and "line 2" in by_line["2"].message
    assert by_line["2"].error == "MalformedDocument"
    assert isinstance(by_line["3"], RawDocument)
    assert by_line["3"].meta.published is None
    assert any("not a date" in note for note in by_line["3"].notes)
    assert isinstance(by_line["4"], Failure) and "expected a JSON object" in by_line["4"].message
    assert isinstance(by_line["5"], Failure) and by_line["5"].error == "EmptyDocument"


def test_sidecar_json_is_metadata_not_a_document(fixtures: Path, tmp_path: Path):
    for name in ("story.txt", "story.json"):
        (tmp_path / name).write_bytes((fixtures / "inputs" / name).read_bytes())
    [doc] = read(tmp_path)
    assert isinstance(doc, RawDocument)
    assert doc.format == "text"
    assert doc.meta.published == dt.date(2024, 2, 5)
    assert doc.meta.published_from == "metadata"
    assert doc.meta.url == "https://www.example.com/2024/02/05/protest-arrests"


def test_folder_is_walked_recursively_in_sorted_order(tmp_path: Path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second story text.")
    (tmp_path / "a.txt").write_text("First story text.")
    (tmp_path / ".hidden.txt").write_text("Not read.")
    origins = [Path(item.origin).name for item in read(tmp_path)]
    assert origins == ["a.txt", "two.txt"]


def test_gzipped_html_is_inflated(fixtures: Path, tmp_path: Path):
    page = (fixtures / "inputs" / "article.html").read_bytes()
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(page))
    [doc] = read(tmp_path / "page.html.gz")
    assert isinstance(doc, RawDocument) and doc.format == "html"
    assert "border crossings" in doc.content


def test_gzip_bomb_is_refused_without_inflating_it_whole(tmp_path: Path):
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))  # 50 MB of zeros packs into ~50 KB
    with pytest.raises(Exception, match="inflates to over"):
        inflate(bomb, limit=1024 * 1024, name="bomb.gz")
    (tmp_path / "bomb.txt.gz").write_bytes(bomb)
    [failure] = read(tmp_path / "bomb.txt.gz", Settings(max_inflated_bytes=1024 * 1024))
    assert isinstance(failure, Failure) and failure.error == "DocumentTooLarge"


def test_file_over_the_size_cap_is_refused(fixtures: Path):
    [failure] = read(fixtures / "inputs" / "story.txt", Settings(max_document_bytes=100))
    assert isinstance(failure, Failure) and failure.error == "DocumentTooLarge"
    assert "100-byte limit" in failure.message


def test_jsonl_line_over_the_size_cap_is_skipped_and_the_next_line_read(tmp_path: Path):
    long = json.dumps({"text": "word " * 500})
    short = json.dumps({"text": "A short article about talks."})
    (tmp_path / "x.jsonl").write_text(f"{long}\n{short}\n")
    items = read(tmp_path / "x.jsonl", Settings(max_document_bytes=200))
    assert isinstance(items[0], Failure) and items[0].error == "DocumentTooLarge"
    assert isinstance(items[1], RawDocument) and items[1].origin.endswith(":2")


def test_json_feed_file_is_read_as_a_feed(tmp_path: Path):
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Example",
        "items": [
            {
                "id": "1",
                "url": "https://example.org/1",
                "title": "One",
                "content_text": "Full text of the story. " * 40,
                "date_published": "2024-01-02T10:00:00Z",
            }
        ],
    }
    (tmp_path / "feed.json").write_text(json.dumps(feed))
    [doc] = read(tmp_path / "feed.json")
    assert isinstance(doc, RawDocument)
    assert doc.meta.url == "https://example.org/1"
    assert doc.meta.published == dt.date(2024, 1, 2)


@pytest.mark.parametrize(
    ("data", "text", "note"),
    [
        (b"plain ascii", "plain ascii", None),
        ("Bogotá".encode(), "Bogotá", None),
        ("\ufeffBogotá".encode(), "Bogotá", None),
        (
            "Bogotá and Medellín ".encode() * 3 + b"\xff",
            None,
            "invalid UTF-8 replaced (1 character)",
        ),
        (
            '<meta charset="windows-1252"><p>Caf\xe9</p>'.encode("cp1252"),
            '<meta charset="windows-1252"><p>Café</p>',
            "declared charset windows-1252",
        ),
    ],
)
def test_decode_bytes(data: bytes, text: str | None, note: str | None):
    decoded, notes = decode_bytes(data)
    if text is not None:
        assert decoded == text
    assert (note in notes[0]) if note else notes == ()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7 ...", "PDF"),
        (b"PK\x03\x04....", "ZIP"),
        (b"abc\x00def", "NUL"),
        (b"An ordinary sentence.", None),
        ("Привет, мир".encode("utf-16"), None),
    ],
)
def test_sniff_binary(data: bytes, kind: str | None):
    found = sniff_binary(data)
    assert (kind in found) if kind else found is None


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2025-03-27", dt.date(2025, 3, 27)),
        ("2025-03-27T23:30:00Z", dt.date(2025, 3, 27)),
        ("2025-03-27T23:30:00+05:00", dt.date(2025, 3, 27)),
        ("March 27, 2025", None),
        ("2025-13-40", None),
        (20250327, None),
    ],
)
def test_parse_date_never_guesses(value: object, date: dt.date | None):
    assert parse_date(value) == date
