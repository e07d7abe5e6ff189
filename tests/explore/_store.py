"""Small stores of hand-made events for the cluster and aggregate tests (no spaCy, no coder).

An event is written as a short spec: ``ev("a", "USAGOV>COLGOV", "042", "2025-03-03")`` is an
event of article "a" (its text made up from the name), source USAGOV, target COLGOV, code 042,
dated 3 March 2025. Articles are published on their first event's date unless told otherwise,
and come from the site their spec names (default: one site per article).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

from newsevents.config import Settings
from newsevents.events.ontology import event_fields
from newsevents.ingest.dedup import content_id
from newsevents.records import Actor, Article, CodedArticle, Event, Location
from newsevents.store import Store

CODER = "rules.v1"
_WORDS = [f"{a}{b}{c}" for a in "bdfgklmnprst" for b in "aeiou" for c in "lnrst"]
#: Capitals for the places the specs name (a map point needs coordinates).
_PLACES = {
    "COL": Location("Bogotá", "COL", None, 4.61, -74.08, 3688689, "city"),
    "MEX": Location("Mexico City", "MEX", None, 19.43, -99.13, 3530597, "city"),
    "USA": Location("Washington", "USA", None, 38.9, -77.04, 4140963, "city"),
}


@dataclass(frozen=True)
class Spec:
    """One event to store; see the module docstring."""

    article: str
    dyad: str  # "SOURCE>TARGET" actor codes, "SOURCE>" without a target, ">X": uncoded source
    code: str
    date: str | None
    place: str | None = None
    mentions: int = 1
    coder: str = CODER


@dataclass(frozen=True)
class Paper:
    """An article: its site, publication date, and (name of) the article it near-duplicates."""

    name: str
    site: str | None = None
    published: str | None = None
    copy_of: str | None = None


def ev(article: str, dyad: str, code: str, date: str | None, **fields: object) -> Spec:
    return Spec(article, dyad, code, date, **fields)  # type: ignore[arg-type]


def text_of(name: str, *, copy_of: str | None = None) -> str:
    """200 made-up words for article ``name``; a copy changes three words of the original's."""
    if copy_of is not None:
        words = text_of(copy_of).split()
        words[10], words[100], words[190] = "changed", "edited", name
        return " ".join(words)
    rng = random.Random(name)
    return " ".join(rng.choice(_WORDS) for _ in range(200))


def build(path: Path, specs: list[Spec], papers: tuple[Paper, ...] = ()) -> Path:
    """A store at ``path`` holding the ``specs`` events in one run (clusters refreshed)."""
    write(path, specs, papers)
    return path


def write(path: Path, specs: list[Spec], papers: tuple[Paper, ...] = ()) -> None:
    """One more ingest run into ``path``: the articles of ``specs`` and ``papers`` in order."""
    known = {p.name: p for p in papers}
    names = list(dict.fromkeys([p.name for p in papers] + [s.article for s in specs]))
    coded = []
    for name in names:
        paper = known.get(name, Paper(name))
        mine = [s for s in specs if s.article == name]
        item = _article(paper, first=mine[0].date if mine else None)
        events = tuple(_event(item, spec, n) for n, spec in enumerate(mine))
        coded.append(CodedArticle(item, events, coder=mine[0].coder if mine else CODER))
    settings = Settings()
    with Store.open(path) as store:
        run_id = store.start_run(command="test", sources=["test"], settings=settings)
        store.write_batch(run_id, coded, [], settings=settings)
        store.finish_run(run_id, status="completed")


def _article(paper: Paper, *, first: str | None) -> Article:
    text = text_of(paper.name, copy_of=paper.copy_of)
    published = paper.published or first
    site = paper.site or f"{paper.name}.example"
    return Article(
        id=content_id(text),
        text=text,
        origin=f"test/{paper.name}.txt",
        title=f"Story {paper.name}",
        published=dt.date.fromisoformat(published) if published else None,
        url=f"https://www.{site}/{paper.name}",
        language="en",
    )


def _event(item: Article, spec: Spec, n: int) -> Event:
    source, _, target = spec.dyad.partition(">")
    key = f"{item.id}|{spec.coder}|{n}|{spec}"
    return Event(
        id=hashlib.sha256(key.encode()).hexdigest()[:16],
        article_id=item.id,
        source=_actor(source),
        target=_actor(target) if target else None,
        **event_fields(spec.code),  # type: ignore[arg-type]
        modality="asserted",
        sentence=item.text[:40],
        sentence_start=0,
        action_start=5,
        action_end=10,
        confidence=0.8,
        coder=spec.coder,
        date=dt.date.fromisoformat(spec.date) if spec.date else None,
        date_precision="day" if spec.date else None,
        location=_PLACES[spec.place] if spec.place else None,
        mentions=spec.mentions,
    )


def _actor(code: str) -> Actor:
    country, sector = (code[:3], code[3:] or None) if code else (None, None)
    return Actor(code or "someone", code or "someone", code, country, sector, "dictionary", 0, 4)
