"""Property tests over every parser a user's input reaches (the fuzz campaign's quick form).

Each test feeds a few hundred generated inputs (valid-ish documents, damaged ones, raw bytes,
odd text) to one target of :mod:`tests.fuzz.targets`; the target raises when an exception other
than the documented errors escapes or an output is malformed. ``scripts/fuzz.py`` runs the same
targets for 100,000+ inputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzz.targets import TARGETS

#: No deadline (trafilatura and spaCy vary), no example database in the checkout, and no
#: complaints that the structured generators are slow or large: they are meant to be.
FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _run(name: str, workdir: Path, examples: int = 200) -> None:
    target = TARGETS[name]

    @settings(FUZZ, max_examples=examples)
    @given(target.strategy)
    def check(value: Any) -> None:
        target.check(value, workdir)

    check()


def test_file_sniffing_and_format_detection(workdir: Path) -> None:
    _run("sniff", workdir)


def test_json_documents(workdir: Path) -> None:
    _run("json", workdir)


def test_jsonl_documents(workdir: Path) -> None:
    _run("jsonl", workdir)


def test_feeds_rss_atom_and_json_feed(workdir: Path) -> None:
    _run("feed", workdir, examples=100)  # ~1 s an input: feedparser, then extraction


def test_warc_archives(workdir: Path) -> None:
    _run("warc", workdir)


def test_gzip_files(workdir: Path) -> None:
    _run("gzip", workdir)


def test_byte_decoding(workdir: Path) -> None:
    _run("decode", workdir, examples=400)


def test_text_cleaner(workdir: Path) -> None:
    _run("clean", workdir, examples=400)


def test_html_extraction(workdir: Path) -> None:
    _run("html", workdir)


def test_date_resolver(workdir: Path) -> None:
    _run("time", workdir, examples=400)


def test_place_resolver(workdir: Path) -> None:
    _run("places", workdir, examples=300)


@pytest.mark.slow
def test_event_coder_on_odd_texts(workdir: Path) -> None:
    _run("coder", workdir, examples=100)
