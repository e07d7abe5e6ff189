"""Places suite: toponym resolution on gold mentions (GeoWebNews ``geo/GWN.xml``, GeoVirus
``geo/GeoVirus.xml``; either format, told apart by its elements).

Which gold mentions count:
    GeoWebNews   every ``<toponym>`` with gold coordinates and a GeoNames id (2,401 of 6,612):
                 literal, metonymic, modifier ("Irish"), embedded and mixed uses alike, since the
                 annotators located each; the 206 with coordinates but no GeoNames id (streets,
                 schools) are left out, as GeoNames-based systems are scored without them, and
                 the types with no coordinates (non-toponyms, demonyms, expressions) cannot be
                 scored. The report counts the left-out mentions.
    GeoVirus     every ``<location>`` (all have coordinates).

Each article's gold spans are resolved together by :func:`newsevents.places.resolve_spans` (the
spans are given: this measures resolution, not finding names). Per mention:

    error km          great-circle distance from the resolved point to the gold point
    within 161 km     error <= 161 km (100 miles, the usual "accuracy at 161 km")
    country correct   resolved country == gold country

The gold country is that of the gazetteer entry the gold names: GeoWebNews's GeoNames id when the
gazetteer has that id; else the entry named as the data names the entity (GeoVirus's Wikipedia page
title, GeoWebNews's normalised name) that lies within 100 km of the gold point or is a country,
continent or region of that name; else the country of the gazetteer city nearest the gold point.
So an ocean or a region of several countries ("Atlantic Ocean", "Middle East") has no country, as
in GeoNames, rather than that of the city nearest its point (Cape Verde, Syria). A gold mention with
no country counts correct when the resolved place has none either.

Accuracies are over all counted mentions: an unresolved mention counts wrong. The median error is
over resolved mentions; ``coverage`` is resolved / counted.
"""

from __future__ import annotations

import math
import statistics
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from newsevents.errors import DataFileError, UsageError
from newsevents.places.gazetteer import Gazetteer, distance_km, load_gazetteer
from newsevents.places.resolve import resolve_spans

#: The usual geoparsing threshold: 161 km = 100 miles.
WITHIN_KM = 161.0
#: How near a gazetteer entry named like a GeoVirus page must be to be taken as the gold's entry.
PAGE_MATCH_KM = 100.0


@dataclass(frozen=True, slots=True)
class GoldMention:
    """One gold toponym: its span in the article text, gold point, and what the data says of it."""

    start: int
    end: int
    name: str
    lat: float
    lon: float
    geonameid: int | None = None
    page: str | None = None
    type: str | None = None
    normalised: str | None = None


@dataclass(frozen=True, slots=True)
class GoldArticle:
    text: str
    mentions: tuple[GoldMention, ...]
    title: str | None = None


@dataclass(frozen=True, slots=True)
class MentionResult:
    """One scored mention (``kind`` of the resolved place; ``None`` when unresolved)."""

    article: int
    name: str
    type: str | None
    gold_country: str | None
    country: str | None
    kind: str | None
    error_km: float | None

    @property
    def within(self) -> bool:
        return self.error_km is not None and self.error_km <= WITHIN_KM

    @property
    def country_correct(self) -> bool:
        return self.kind is not None and self.country == self.gold_country


@dataclass(frozen=True, slots=True)
class PlacesReport:
    """The suite's result."""

    format: str
    articles: int
    mentions: int
    left_out: int
    resolved: int
    country_correct: int
    within_161: int
    median_error_km: float | None
    seconds: float
    by_type: dict[str, dict[str, float]]
    by_kind: dict[str, int]
    rows: tuple[MentionResult, ...]

    @property
    def country_accuracy(self) -> float:
        return self.country_correct / self.mentions if self.mentions else 0.0

    @property
    def accuracy_161(self) -> float:
        return self.within_161 / self.mentions if self.mentions else 0.0

    @property
    def coverage(self) -> float:
        return self.resolved / self.mentions if self.mentions else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k != "rows"}
        data |= {
            "country_accuracy": self.country_accuracy,
            "accuracy_161km": self.accuracy_161,
            "coverage": self.coverage,
            "rows": [asdict(r) for r in self.rows],
        }
        return data

    def summary(self) -> str:
        median = f"{self.median_error_km:.1f} km" if self.median_error_km is not None else "-"
        lines = [
            f"places ({self.format}): {self.articles} articles, {self.mentions} gold mentions "
            f"scored ({self.left_out} left out), {self.seconds:.1f} s",
            f"  country accuracy  {self.country_accuracy:.4f} ({self.country_correct}/"
            f"{self.mentions})",
            f"  within 161 km     {self.accuracy_161:.4f} ({self.within_161}/{self.mentions})",
            f"  median error      {median} (resolved mentions)",
            f"  coverage          {self.coverage:.4f} ({self.resolved}/{self.mentions})",
            "  resolved as       " + ", ".join(f"{k} {n}" for k, n in self.by_kind.items()),
        ]
        for name, row in self.by_type.items():
            lines.append(
                f"  {name:<22} n={int(row['n']):>5}  country {row['country']:.3f}  "
                f"161 km {row['within_161']:.3f}"
            )
        return "\n".join(lines)


def load_places(path: Path) -> tuple[str, tuple[GoldArticle, ...], int]:
    """(format, articles, left-out mention count) from a GeoWebNews or GeoVirus XML file."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise DataFileError(f"{path}: not XML: {exc}", source=str(path)) from exc
    articles = root.findall("article")
    if articles and articles[0].find("toponyms") is not None:
        return ("GeoWebNews", *_read_gwn(articles))
    if articles and articles[0].find("locations") is not None:
        return "GeoVirus", tuple(_read_geovirus(a) for a in articles), 0
    raise DataFileError(
        f"{path}: neither GeoWebNews (<article><toponyms>) nor GeoVirus (<article><locations>)",
        source=str(path),
    )


def _read_gwn(articles: list[ET.Element]) -> tuple[tuple[GoldArticle, ...], int]:
    out, left_out = [], 0
    for article in articles:
        mentions = []
        for t in article.find("toponyms") or ():
            if t.findtext("latitude") is None:
                continue  # not a located toponym: nothing to score
            if not t.findtext("geonamesID"):
                left_out += 1
                continue
            mentions.append(
                GoldMention(
                    start=int(t.findtext("start") or 0),
                    end=int(t.findtext("end") or 0),
                    name=t.findtext("extractedName") or "",
                    lat=float(t.findtext("latitude") or 0),
                    lon=float(t.findtext("longitude") or 0),
                    geonameid=int(t.findtext("geonamesID") or 0),
                    type=t.findtext("type"),
                    normalised=t.findtext("normalisedName"),
                )
            )
        text = article.findtext("text") or ""
        mentions = [_aligned(text, m) for m in mentions]
        out.append(GoldArticle(text, tuple(mentions), title=article.findtext("title")))
    return tuple(out), left_out


def _read_geovirus(article: ET.Element) -> GoldArticle:
    mentions = tuple(
        GoldMention(
            start=int(loc.findtext("start") or 0),
            end=int(loc.findtext("end") or 0),
            name=loc.findtext("name") or "",
            lat=float(loc.findtext("lat") or 0),
            lon=float(loc.findtext("lon") or 0),
            page=loc.findtext("page"),
        )
        for loc in article.find("locations") or ()
    )
    text = article.findtext("text") or ""
    return GoldArticle(text, tuple(_aligned(text, m) for m in mentions))


def _aligned(text: str, mention: GoldMention) -> GoldMention:
    """The mention with its span moved onto its name when the data's offsets are off by a few
    characters (GeoVirus counts from 1); left as given when the name is not near."""
    if text[mention.start : mention.end] == mention.name:
        return mention
    for shift in (-1, 1, -2, 2, -3, 3):
        start = mention.start + shift
        if start >= 0 and text[start : start + len(mention.name)] == mention.name:
            return replace(mention, start=start, end=start + len(mention.name))
    return mention


def gold_country(mention: GoldMention, gaz: Gazetteer) -> str | None:
    """The gold point's country (see the module docstring)."""
    if mention.geonameid:
        place = gaz.by_id(mention.geonameid)
        if place is not None:
            return place.country
    for title in _gold_names(mention):
        for place in gaz.lookup(title):
            if place.kind in ("country", "continent", "region") or (
                distance_km(mention.lat, mention.lon, place.lat, place.lon) <= PAGE_MATCH_KM
            ):
                return place.country
    return gaz.nearest(mention.lat, mention.lon).country


def _gold_names(mention: GoldMention) -> list[str]:
    """What the data calls the gold entity: GeoVirus's Wikipedia page title, GeoWebNews's
    normalised name ("Atlantic Ocean" for "Atlantic"). Not the mention's own words, which would
    let the resolver's reading of them decide the gold."""
    names = []
    if mention.page:
        names.append(unquote(mention.page.rsplit("/", 1)[-1]).replace("_", " ").split(",")[0])
    if mention.normalised:
        names.append(mention.normalised)
    return names


def score_article(index: int, article: GoldArticle, gaz: Gazetteer) -> list[MentionResult]:
    spans = [(m.start, m.end) for m in article.mentions]
    resolved = resolve_spans(article.text, spans, title=article.title, gazetteer=gaz)
    rows = []
    for mention, loc in zip(article.mentions, resolved, strict=True):
        error = None
        if loc is not None and loc.lat is not None and not math.isnan(loc.lat):
            error = distance_km(mention.lat, mention.lon, loc.lat, loc.lon or 0.0)
        rows.append(
            MentionResult(
                article=index,
                name=article.text[mention.start : mention.end],
                type=mention.type,
                gold_country=gold_country(mention, gaz),
                country=loc.country if loc else None,
                kind=loc.kind if loc else None,
                error_km=error,
            )
        )
    return rows


def run_places_suite(path: Path, *, gazetteer: Gazetteer | None = None) -> PlacesReport:
    gaz = gazetteer or load_gazetteer()
    fmt, articles, left_out = load_places(path)
    started = time.perf_counter()
    rows = [r for i, a in enumerate(articles) for r in score_article(i, a, gaz)]
    return report(fmt, articles=len(articles), rows=rows, left_out=left_out,
                  seconds=time.perf_counter() - started)  # fmt: skip


def report(
    fmt: str, *, articles: int, rows: list[MentionResult], left_out: int, seconds: float
) -> PlacesReport:
    errors = [r.error_km for r in rows if r.error_km is not None]
    by_type: dict[str, dict[str, float]] = {}
    for name in sorted({r.type for r in rows if r.type}):
        group = [r for r in rows if r.type == name]
        by_type[name] = {
            "n": len(group),
            "country": sum(r.country_correct for r in group) / len(group),
            "within_161": sum(r.within for r in group) / len(group),
        }
    kinds = Counter(r.kind or "unresolved" for r in rows)
    return PlacesReport(
        format=fmt,
        articles=articles,
        mentions=len(rows),
        left_out=left_out,
        resolved=sum(r.kind is not None for r in rows),
        country_correct=sum(r.country_correct for r in rows),
        within_161=sum(r.within for r in rows),
        median_error_km=statistics.median(errors) if errors else None,
        seconds=seconds,
        by_type=by_type,
        by_kind=dict(kinds.most_common()),
        rows=tuple(rows),
    )
