"""Stage 6: place mentions in an article, resolved to gazetteer entries in the article's context.

    1. mentions   spaCy's GPE and LOC entities, FAC entities that name a street or a site, any
                  entity whose whole text is a country name (the small model tags "Colombia"
                  ORG now and then), and well-known names NER missed after "in", "to", "from"…;
                  demonyms ("Colombian") are never places
    2. context    the countries the article names (country mentions, demonyms, the title), the
                  dateline ("BOGOTA, Colombia (AP) -"), and "Name, Qualifier" pairs ("Paris, Texas")
    3. rank       each mention's candidates scored by :func:`score`: population, kind, and the
                  countries and states the rest of the article is about; twice, the second time
                  with the first pass's choices of the other mentions as context (not those of
                  mentions of the same name, which would only echo this one's first guess); a
                  name qualified once ("Paris, Tennessee") keeps that sense where it recurs
    4. vicinity   a name the gazetteer does not know (a street, a building) is placed, as kind
                  ``vicinity``, at a known name inside it in a country the article names
                  ("University of California", "Mexican Senate") or at a region inside it
                  ("European Commission"), else at the article's focus:
                  the city or state it names most within the country it names most, else that
                  country

:func:`resolve_places` does this for a parsed article; :func:`resolve_spans` for given character
spans (gold toponyms), with the same steps 2-4.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby, pairwise
from typing import TYPE_CHECKING

from newsevents.actors.normalise import key
from newsevents.places.gazetteer import Gazetteer, Place, load_gazetteer
from newsevents.records import Location, PlaceMention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# Scoring weights. A candidate's score is the sum of these terms (see :func:`score`); the numbers
# were set on the reasoning in each comment and checked on the tests' sentences and GeoWebNews.
#: Per decade of population: Paris, France (2.1M) is 2 points ahead of Paris, Texas (25k).
W_POPULATION = 1.0
#: A country name means the country: 6 points let Georgia the country (3.7M) beat Georgia the US
#: state (10M people, +3 as an admin1) when the article gives no hint either way.
#: A named region ("the Middle East", "the Gulf") has no population: 12 stands in for the 6 of
#: its kind plus the 6 decades of population a region of countries would have.
W_KIND = {
    "country": 6.0,
    "continent": 6.0,
    "region": 12.0,
    "admin1": 3.0,
    "admin2": 0.5,
    "city": 0.0,
}
#: A national capital is what news means by the bare name: 5 points put Washington, D.C. (0.7M,
#: capital) ahead of Washington State (6.5M, +3 as an admin1) but keep every country ahead of a
#: capital that shares its name (Mexico, Panama, Kuwait: +6 for the country).
W_CAPITAL = 5.0
#: A city inside a first-level subdivision of the same name ("San Salvador" in San Salvador
#: department, New York City in New York State) beats it: news names the city; this outweighs the
#: admin1 bonus. Not for a county of the same name: a small US town beside its namesake county
#: ("Allendale", South Carolina) would beat bigger towns of that name (measured: GeoWebNews within
#: 161 km +12 mentions, GeoVirus +3, when the rule stopped counting counties).
W_SEAT = 3.5
#: The candidate lies in a country the rest of the article names: enough to beat a city ten
#: times bigger elsewhere (San Salvador, El Salvador over San Salvador in Argentina or Angola).
W_COUNTRY = 4.0
#: The candidate lies in a state the rest of the article names ("Georgia" near "Atlanta").
W_ADMIN1 = 3.0
#: "Name, Qualifier" and the candidate lies in the qualifier ("Paris, Texas"): near certain.
W_QUALIFIER = 10.0
#: The dateline's place counts as this many extra mentions of its country and state.
DATELINE_WEIGHT = 2.0
#: The name is the entry's main name, not one of its alternate names.
W_MAIN_NAME = 1.0
#: FAC entities count as places only when their last word is one of these.
SITE_WORDS = frozenset(
    "street st road avenue ave boulevard square plaza bridge airport port harbour harbor park "
    "highway lane river lake mountain mount island valley bay gulf sea ocean canal border "
    "crossing prison camp base".split()
)
#: Words that start a name without naming a place ("West Surrey", "Upper Nile"): a known place
#: found inside an unknown name must not start with one, as Cameroon's "West" region would.
COMPASS = frozenset(
    "north south east west northern southern eastern western central upper lower greater "
    "north-east north-west south-east south-west northeast northwest southeast southwest".split()
)
_ENTITY_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: A capitalised name right after one of these, which NER left untagged, is a place when the
#: gazetteer knows it as a country, region, state or a city of MISSED_CITY_PEOPLE or more: the
#: small model misses "in Bogotá" now and then, and a preposition of place makes it near certain.
LOCATIVES = frozenset("in to from at near into across outside inside toward towards via".split())
MISSED_CITY_PEOPLE = 100_000
_DATELINE = re.compile(
    r"\A\s*([A-Z][A-Z.'\- ]{2,40}?)"  # BOGOTA
    r"(?:,\s*([A-Z][A-Za-z.'\- ]{1,40}?))?"  # , Colombia
    r"\s*(?:\([^)]{1,40}\))?\s*[-—–]"  # (AP) —
)
_CAPITALISED = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of\s+)?[A-Z][\w'’.-]*){0,3}")


@dataclass(frozen=True, slots=True)
class ArticlePlaces:
    """Stage 6's output for one article: its place mentions in text order, and its dateline."""

    mentions: tuple[PlaceMention, ...] = ()
    dateline: Location | None = None
    _starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def at(self, token: Token) -> Location | None:
        """The location of the place mention containing ``token``, or ``None``."""
        return self.at_offset(token.idx)

    def at_offset(self, offset: int) -> Location | None:
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and self.mentions[i].start <= offset < self.mentions[i].end:
            return self.mentions[i].location
        return None


@dataclass(frozen=True, slots=True)
class Context:
    """What the rest of an article says about where it is: weighted counts of its countries and
    of its (country, admin1) states, and the qualifier of the mention being scored."""

    countries: Counter[str] = field(default_factory=Counter)
    states: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)
    qualifier: Place | None = None
    named: Counter[str] = field(default_factory=Counter)


def score(place: Place, *, name: str, context: Context, seat: bool = False) -> float:
    """How likely ``place`` is the referent of ``name`` in ``context`` (higher is likelier)."""
    total = W_POPULATION * math.log10(place.population + 10)
    total += W_KIND.get(place.kind, 0.0) + (W_CAPITAL if place.capital else 0.0)
    total += W_SEAT if seat else 0.0
    total += W_MAIN_NAME if key(place.name) == key(name) else 0.0
    if place.country and context.countries.get(place.country, 0) > 0:
        total += W_COUNTRY
    if (
        place.kind not in ("country", "continent", "region")
        and context.states.get(place.region, 0) > 0
    ):
        total += W_ADMIN1
    if context.qualifier is not None and _within(place, context.qualifier):
        total += W_QUALIFIER
    return total


def _within(place: Place, region: Place) -> bool:
    if region.kind == "country":
        return place.country == region.country and place.kind not in ("country", "region")
    if region.kind in ("admin1", "admin2"):
        return place.region == region.region and place.geonameid != region.geonameid
    return False


@dataclass(slots=True)
class _Mention:
    text: str
    start: int
    end: int
    candidates: tuple[Place, ...]
    qualifier: _Mention | None = None
    choice: Place | None = None
    key: str = ""

    def __post_init__(self) -> None:
        self.key = key(self.text)


def resolve_places(
    doc: Doc, *, title: str | None = None, gazetteer: Gazetteer | None = None
) -> ArticlePlaces:
    """Every place the parsed article names, resolved (see the module docstring)."""
    gaz = gazetteer or load_gazetteer()
    spans = list(_mention_spans(doc, gaz))
    demonyms = [ent.text for ent in doc.ents if ent.label_ == "NORP"]
    return _resolve(doc.text, spans, gaz=gaz, title=title, demonyms=demonyms, strict=True)


def resolve_spans(
    text: str,
    spans: Sequence[tuple[int, int]],
    *,
    title: str | None = None,
    gazetteer: Gazetteer | None = None,
) -> list[Location | None]:
    """The location of each given (start, end) span of ``text``, resolved in the context of the
    others. A demonym span ("Irish") resolves to its country: the caller says it is a toponym."""
    gaz = gazetteer or load_gazetteer()
    places = _resolve(text, list(spans), gaz=gaz, title=title, demonyms=[], strict=False)
    by_span = {(m.start, m.end): m.location for m in places.mentions}
    return [by_span.get((start, end)) for start, end in spans]


def _resolve(
    text: str,
    spans: list[tuple[int, int]],
    *,
    gaz: Gazetteer,
    title: str | None,
    demonyms: Iterable[str],
    strict: bool,
) -> ArticlePlaces:
    mentions = [_mention(text, s, e, gaz=gaz, strict=strict) for s, e in sorted(set(spans))]
    _pair_qualifiers(text, mentions, gaz)
    dateline = _dateline(text, gaz)
    base = _signals(text, title, demonyms, gaz=gaz, dateline=dateline)
    for _ in range(2):  # pass 1: country signals only; pass 2: also the other mentions' choices
        chosen = [m.choice for m in mentions]
        for m in mentions:
            # the other mentions of the same name are no evidence for it: their choice is this
            # one's, and counting them would let a first-pass guess confirm itself
            others = [c for o, c in zip(mentions, chosen, strict=True) if o.key != m.key]
            own = _without_own(base, m, gaz)
            m.choice = _choose(m, _context(own, others, qualifier=m.qualifier))
    _one_sense(mentions)
    focus = _focus(mentions, dateline, _top_country(base, mentions, dateline, gaz))
    final = _context(base, [m.choice for m in mentions], qualifier=None)
    records = tuple(
        PlaceMention(
            m.text, m.start, m.end, _location(m, gaz=gaz, focus=_near(m, final, gaz, focus))
        )
        for m in mentions
    )
    return ArticlePlaces(
        mentions=records,
        dateline=gaz.location(dateline) if dateline else None,
        _starts=tuple(m.start for m in records),
    )


def _mention(text: str, start: int, end: int, *, gaz: Gazetteer, strict: bool) -> _Mention:
    name = text[start:end]
    if not strict:  # a given span that is a demonym ("Canadian") means the country, not a town
        country = gaz.country(gaz.countries.demonyms.get(key(name)))
        if country is not None:
            return _Mention(name, start, end, (country,))
    return _Mention(name, start, end, gaz.lookup(name))


def _one_sense(mentions: list[_Mention]) -> None:
    """A name qualified once ("Santa Ana, California") means that place wherever the article
    repeats it: news qualifies a name on first mention only."""
    qualified = {m.key: m.choice for m in mentions if m.qualifier is not None and m.choice}
    for m in mentions:
        if m.qualifier is None and m.key in qualified:
            m.choice = qualified[m.key]


def _pair_qualifiers(text: str, mentions: list[_Mention], gaz: Gazetteer) -> None:
    """``Paris, Texas``: the second mention qualifies the first when only ", " lies between,
    unless the first is a country's name or already follows a mention after a comma: "Mexico,
    China, Japan" is a list, and China is not a town in Japan."""
    listed = False
    for first, second in pairwise(mentions):
        comma = text[first.end : second.start].strip() == ","
        if (
            comma
            and not listed
            and first.key not in gaz.countries.names
            and any(c.kind in ("country", "admin1", "admin2") for c in second.candidates)
        ):
            first.qualifier = second
        listed = comma


def _choose(mention: _Mention, context: Context) -> Place | None:
    if not mention.candidates:
        return None
    regions = {c.region for c in mention.candidates if c.kind == "admin1"}

    def ranked(place: Place) -> float:
        seat = place.kind == "city" and place.region in regions
        return score(place, name=mention.text, context=context, seat=seat)

    return max(mention.candidates, key=ranked)


def _context(base: Context, chosen: list[Place | None], *, qualifier: _Mention | None) -> Context:
    countries, states = Counter(base.countries), Counter(base.states)
    for place in chosen:
        if place is not None:
            if place.country:
                countries[place.country] += 1
            if place.kind not in ("country", "continent", "region"):
                states[place.region] += 1
    region = qualifier.choice if qualifier else None
    return Context(countries=countries, states=states, qualifier=region)


def _signals(
    text: str, title: str | None, demonyms: Iterable[str], *, gaz: Gazetteer, dateline: Place | None
) -> Context:
    """Countries named anywhere (capitalised country names and demonyms in the text and the
    title), and the dateline's country and state."""
    countries: Counter[str] = Counter()
    named: Counter[str] = Counter()
    for source in (text, title or ""):
        for match in _CAPITALISED.finditer(source):
            k = key(match.group())
            alpha3 = gaz.countries.names.get(k) or gaz.countries.demonyms.get(k)
            if alpha3:
                countries[alpha3] += 1
                named[k] += 1
    for name in demonyms:
        alpha3 = gaz.countries.demonyms.get(key(name))
        if alpha3:
            countries[alpha3] += 1
    states: Counter[tuple[str | None, str | None]] = Counter()
    if dateline is not None and dateline.country:
        countries[dateline.country] += DATELINE_WEIGHT
        if dateline.kind != "country":
            states[dateline.region] += DATELINE_WEIGHT
    return Context(countries=countries, states=states, named=named)


def _without_own(base: Context, mention: _Mention, gaz: Gazetteer) -> Context:
    """The article's signals less those its own name gave: "Georgia" must not count as a mention
    of the country Georgia when deciding whether "Georgia" is that country or the US state."""
    own = base.named.get(mention.key, 0)
    alpha3 = gaz.countries.names.get(mention.key) or gaz.countries.demonyms.get(mention.key)
    if not own or not alpha3:
        return base
    countries = Counter(base.countries)
    countries[alpha3] -= own
    return Context(countries=+countries, states=base.states, named=base.named)


def _dateline(text: str, gaz: Gazetteer) -> Place | None:
    """The place of a wire dateline opening the text: "BOGOTA, Colombia (AP) —"."""
    match = _DATELINE.match(text[:120])
    if match is None:
        return None
    candidates = gaz.lookup(match.group(1))
    qualifier = gaz.lookup(match.group(2)) if match.group(2) else ()
    region = next((q for q in qualifier if q.kind in ("country", "admin1")), None)
    context = Context(qualifier=region)
    if region is not None and region.country:
        context.countries[region.country] += 1
    return max(candidates, key=lambda p: score(p, name=p.name, context=context), default=None)


def _focus(mentions: list[_Mention], dateline: Place | None, country: Place | None) -> Place | None:
    """The city or subdivision the article names most (the dateline counts double) within the
    country it names most, else that country: an article about Darfur that names one town
    across the border in South Sudan is not centred there."""
    counts: Counter[int] = Counter()
    places: dict[int, Place] = {}
    for place in [m.choice for m in mentions] + [dateline, dateline]:
        if (
            place is not None
            and place.kind in ("city", "admin2", "admin1")
            and (country is None or place.country == country.country)
        ):
            counts[place.geonameid] += 1
            places[place.geonameid] = place
    if not counts:
        return country
    return places[counts.most_common(1)[0][0]]


def _top_country(
    base: Context, mentions: list[_Mention], dateline: Place | None, gaz: Gazetteer
) -> Place | None:
    """The country the article names most: its mentions' choices (a city counts for its
    country), its country signals and its dateline (counted in the signals)."""
    counts = Counter(base.countries)
    counts.update(m.choice.country for m in mentions if m.choice and m.choice.country)
    return gaz.country(counts.most_common(1)[0][0]) if counts else None


def _near(mention: _Mention, context: Context, gaz: Gazetteer, focus: Place | None) -> Place | None:
    """Where an unknown name lies: the place a known name inside it names ("University of
    California", "Dulles International Airport", "Mexican Senate"), else the article's focus.
    The longest known name wins; among names as long, the best scored ("California" over the town
    of University, Florida)."""
    if mention.candidates:
        return focus
    if not mention.text.strip():
        return None  # an empty or blank span names no place, near or far
    for _size, runs in groupby(_inner_names(mention.text), key=len):
        found = [p for p in (_inner_place(" ".join(r), context, gaz) for r in runs) if p]
        if found:
            return max(found, key=lambda p: score(p, name=p.name, context=context))
    return focus


def _inner_place(name: str, context: Context, gaz: Gazetteer) -> Place | None:
    """The place a name inside an unknown name stands for: a country by its name or demonym, a
    region or continent ("European Commission", "Eastern Mediterranean"), or a gazetteer entry in
    a country the article names."""
    alpha3 = gaz.countries.names.get(key(name)) or gaz.countries.demonyms.get(key(name))
    if alpha3 and gaz.country(alpha3) is not None:
        return gaz.country(alpha3)
    place = _choose(_Mention(name, 0, 0, gaz.lookup(name)), context)
    if place is not None and place.kind in ("region", "continent"):
        return place
    if place is not None and context.countries.get(place.country or "", 0) > 0:
        return place
    return None


#: Longest name looked for inside an unknown name (the United Kingdom's full name has 8 words).
_MAX_INNER_WORDS = 8


def _inner_names(text: str) -> Iterable[list[str]]:
    """The capitalised word runs inside a name, longest first, then left to right."""
    words = re.findall(r"[\w.'’&]+", text)
    # A place name is a few words: capping the run length keeps a span of thousands of words
    # (a given span, a mis-tagged entity) linear instead of cubic.
    for size in range(min(len(words) - 1, _MAX_INNER_WORDS), 0, -1):
        for i in range(len(words) - size + 1):
            run = words[i : i + size]
            if run[0][:1].isupper() and run[-1][:1].isupper() and key(run[0]) not in COMPASS:
                yield run


def _location(mention: _Mention, *, gaz: Gazetteer, focus: Place | None) -> Location | None:
    if mention.choice is not None:
        return gaz.location(mention.choice)
    if focus is None:
        return None
    near = gaz.location(focus)
    return Location(
        name=mention.text,
        country=near.country,
        admin1=near.admin1,
        lat=near.lat,
        lon=near.lon,
        geonameid=None,
        kind="vicinity",
    )


def _mention_spans(doc: Doc, gaz: Gazetteer) -> Iterable[tuple[int, int]]:
    yield from _entity_spans(doc, gaz)
    yield from _missed_spans(doc, gaz)


def _missed_spans(doc: Doc, gaz: Gazetteer) -> Iterable[tuple[int, int]]:
    """Known place names after a locative preposition that NER did not tag (see LOCATIVES)."""
    for token in doc[:-1]:
        if token.lower_ not in LOCATIVES:
            continue
        end = token.i + 1
        while end < len(doc) and end - token.i <= 4 and _untagged_name(doc[end]):
            end += 1
        for stop in range(end, token.i + 1, -1):  # the longest known name wins
            span = doc[token.i + 1 : stop]
            if any(_well_known(p) for p in gaz.lookup(span.text)):
                yield span.start_char, span.end_char
                break


def _untagged_name(token: Token) -> bool:
    """A capitalised word that NER did not tag as a place or a people ("Bogotá" as PERSON)."""
    return token.is_title and token.ent_type_ not in _ENTITY_LABELS | {"NORP"}


def _well_known(place: Place) -> bool:
    if place.kind == "city":
        return place.capital or place.population >= MISSED_CITY_PEOPLE
    return place.kind in ("country", "region", "continent", "admin1")


def _entity_spans(doc: Doc, gaz: Gazetteer) -> Iterable[tuple[int, int]]:
    for ent in doc.ents:
        if ent.label_ == "NORP":
            continue
        if ent.label_ in _ENTITY_LABELS and (
            ent.label_ != "FAC" or ent[-1].lower_.strip(".") in SITE_WORDS
        ):
            yield _trim_the(ent)
        elif key(ent.text) in gaz.countries.names:
            yield _trim_the(ent)


def _trim_the(ent: Span) -> tuple[int, int]:
    """Drop a leading "the" from the span ("the United States" -> "United States")."""
    if ent[0].lower_ == "the" and len(ent) > 1:
        return ent[1].idx, ent.end_char
    return ent.start_char, ent.end_char
