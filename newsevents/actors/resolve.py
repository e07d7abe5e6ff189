"""Stage 3, actors: every actor mention in one article, coded, with coreference inside it.

:func:`resolve_actors` reads the spaCy parse of a whole article once and returns
:class:`ArticleActors`: the mentions in text order, and for each noun-phrase head the actor(s) the
phrase refers to, so that the event coder's ``of(subject_head)`` is a dictionary lookup.

    1. phrases      every noun, proper noun and pronoun that heads a noun phrase (not a compound
                    or modifier inside another: "U.S." in "U.S.-Colombian relations"), with its
                    left modifiers and the named entity around it. None come from lines of page
                    chrome or attribution ("Loading Now", "Original Source: …"), URLs, an upper-
                    case dateline ("BOGOTA (Reuters) -") or a sentence with a story-scope discard
                    phrase (a sports or entertainment story).
    2. reading      what a phrase names by itself, the first that applies:
                    a. discard     it contains a phrase of the discard table: no actor
                    b. country     a country's name, people, capital or metonym ("Colombia",
                                   "Colombians", "Washington" → government, "the Kremlin");
                                   a capital after "in", "near" … is only the place
                    c. dictionary  a named actor and its role on the article's date: the longest
                                   name that ends the phrase and holds a whole entity ("Homeland
                                   Security Secretary Kristi Noem"), unless the phrase names
                                   another country ("the Colombian Senate" is not the US one);
                                   a person with no role that day gets the title's ("British
                                   Foreign Secretary X" → GBRGOV)
                    d. entity      a PERSON, ORG, NORP or GPE entity no table knows, with its
                                   title's sector (or the known organisation in its title: "Arab
                                   League Secretary General X") and its modifiers' country
                    e. agent       a role noun that ends the phrase ("officials", "foreign
                                   minister", "secretary of state") in the country of a demonym,
                                   possessor or "of"/"from" complement, one actor per country
                                   ("Hungarian and Romanian officials" → HUNGOV, ROUGOV); of a
                                   known organisation modifying it ("Hamas militants", "the
                                   Hizbollah group" with an organisation noun); of an
                                   actor owning it ("his government"); of the first of
                                   conjoined nouns ("Israeli tanks and helicopters"); "members
                                   of X" are X
                    A media outlet is an actor only where it is the source of a statement.
    3. coreference  in text order, a later mention takes the referent of an earlier one:
                    - a name: the same dictionary person or organisation, or a PERSON's surname
                    - he/she: the nearest subject within :data:`PRONOUN_WINDOW` sentences, else
                      the nearest person there; a gender seen once ("Mrs.", "she") sticks
                    - it/they: only a subject of this or the previous sentence that is an
                      organisation or country (it) or a group (they); otherwise no actor
                    - "the secretary", "the government": the latest mention with that word
                    - "the country": the latest country
                    - an apposition that is a role noun, a relative pronoun: its noun's actors
                    - "local police": the country last named as the place of the action
    4. placing      at the end of each sentence, its actors that have a sector but no country
                    ("President X", "police", "the court") take the sentence's country when it
                    names exactly one (as an actor, a people or a place: "President X imposed
                    a curfew in Algiers" is Algeria's). On the PLOVER gold sentences the country
                    so given was the gold source's for 53 of 58 event sources (2026-11-29);
                    the misses were officials of an organisation meeting in a named country.

Every lookup goes through :class:`~newsevents.actors.dictionaries.Dictionaries` (names, countries,
agents, discards); the role nouns agents.tsv lacks are in ``data/actors/agents-supplement.tsv``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from newsevents.actors.dictionaries import (
    DATA,
    Agent,
    Country,
    Dictionaries,
    ResolvedActor,
    read_table,
)
from newsevents.actors.normalise import tokens
from newsevents.ingest.clean import clean_text
from newsevents.records import Actor

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

AGENT_SUPPLEMENT = DATA / "actors" / "agents-supplement.tsv"

#: Parts of speech that head a noun phrase that may be an actor.
PHRASE_POS = frozenset({"NOUN", "PROPN", "PRON"})
#: Parts of speech a phrase does not open with ("So far 50 people" is "50 people").
LEADING_POS = frozenset({"ADV", "CCONJ", "SCONJ", "ADP", "PUNCT", "PART"})
#: Dependencies that make a noun part of a larger noun phrase rather than its head ("U.S." in
#: "U.S. officials", "Kristi" in "Kristi Noem").
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "flat"})
#: Entity labels that can name an actor (DATE, MONEY, LAW … never do). A LOC ("Ivory Coast",
#: "Latin America") is an actor only when the country table knows it.
ENTITY_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC"})
#: Entity labels that name places or peoples: matched whole against the country table.
PLACE_LABELS = frozenset({"GPE", "NORP", "LOC"})
#: Prepositions whose object gives a role noun its country ("the government of Colombia",
#: "officials from Mexico").
COUNTRY_PREPS = frozenset({"of", "from"})
#: Nouns that take the group of the role noun before them: "gang members" are the gang (CRM),
#: "rebel leaders" the rebels, "government spokesman" the government.
MEMBER_NOUNS = frozenset(
    {
        *("member", "members", "leader", "leaders", "official", "officials", "head", "chief"),
        *("supporter", "supporters", "spokesman", "spokeswoman", "spokesperson"),
        *("negotiator", "negotiators", "delegation", "delegations"),
        # a group of fighters or people is the group the noun before names ("rebel forces",
        # "opposition groups"); with nothing before it, "forces" are the military
        *("forces", "force", "group", "groups"),
    }
)
#: Nouns for an organisation or a part of one: they are the named organisation before them ("the
#: Hizbollah group", "the UNITA militarist wing", "al-Qaeda's terror network", "the APEC forum").
ORG_NOUNS = frozenset(
    {
        *("group", "groups", "movement", "network", "wing", "faction", "factions", "forum"),
        *("organisation", "organization", "front", "alliance", "coalition", "militia"),
    }
)
#: Singular role nouns that stand for one person, so that "he"/"she" may refer to them.
PERSON_TITLES = frozenset(
    {
        *("president", "minister", "secretary", "senator", "governor", "mayor", "ambassador"),
        *("envoy", "spokesman", "spokeswoman", "spokesperson", "chancellor", "premier", "king"),
        *("queen", "prince", "judge", "prosecutor", "official", "leader", "chief", "commander"),
        *("general", "director", "chairman", "chairwoman", "lawmaker", "diplomat", "officer"),
        *("head", "emir", "pope", "cardinal", "bishop", "deputy", "ruler", "dictator"),
        # people named by what they are rather than by an office
        *("man", "woman", "boy", "girl", "child", "victim", "patient", "soldier", "doctor"),
        *("nurse", "farmer", "student", "journalist", "activist", "resident", "citizen"),
    }
)
#: Personal pronouns: the kind of referent each needs, and the gender it tells.
PRONOUNS: Mapping[str, tuple[str, str | None]] = {
    **dict.fromkeys(("he", "him", "his", "himself"), ("person", "m")),
    **dict.fromkeys(("she", "her", "hers", "herself"), ("person", "f")),
    **dict.fromkeys(("it", "its", "itself"), ("org", None)),
    **dict.fromkeys(("they", "them", "their", "theirs", "themselves"), ("group", None)),
}
RELATIVE_PRONOUNS = frozenset({"who", "whom", "whose", "which", "that"})
#: Honorifics and nouns that tell a person's gender ("Mr. Obama" … "he", "the girl" … "she").
GENDER_WORDS: Mapping[str, str] = {
    **dict.fromkeys(("mr", "sir", "man", "boy", "father", "husband", "son", "king"), "m"),
    **dict.fromkeys(("mrs", "ms", "miss", "madam", "woman", "girl", "mother", "wife"), "f"),
    **dict.fromkeys(("daughter", "queen"), "f"),
}
#: Verbs after which an "it" subject is usually empty ("it is expected", "it seems").
EXPLETIVE_VERBS = frozenset({"be", "seem", "appear", "remain", "become", "take"})
#: Predicates of "it is …" that say what a referent is ready to do, so that the "it" is no
#: expletive: "Syria says it is willing to withdraw", unlike "it is important to note".
DISPOSITION_WORDS = frozenset(
    {
        *("willing", "unwilling", "ready", "prepared", "determined", "committed", "able"),
        *("unable", "eager", "keen", "reluctant", "opposed", "open", "confident", "resolved"),
    }
)
#: Prepositions whose object is only where something happens ("a bomb in Nairobi", "talks near
#: Moscow"): a capital there is the place, not its government. "To" and "from" are left out:
#: "a letter to Moscow", "a message from Washington" are the government.
LOCATIVE_PREPS = frozenset(
    {"in", "at", "near", "throughout", "outside", "inside", "within", "around", "across", "off"}
)
#: Nouns that refer back to the latest country ("the country", "this nation").
COUNTRY_NOUNS = frozenset({"country", "nation"})
#: Determiners that make a bare role noun refer back ("the secretary", "this country").
DEFINITE = frozenset({"the", "this", "that"})
#: Prepositions whose object is where the action is ("arrived in Colombia", "went to Mexico"):
#: the country last named so is what "local police" are local to.
PLACE_PREPS = frozenset({"in", "to", "at", "inside", "within", "across", "throughout"})
#: How many sentences back a "he"/"she" looks for its referent. Three covers a pronoun that opens
#: a paragraph after a two-sentence quote; further back, a wrong actor is likelier than a right one.
PRONOUN_WINDOW = 3
#: How the actors that a sentence's one country may place were read (step 4).
PLACEABLE = frozenset({"agent", "entity"})
#: Readable names for sectors, for the names of generic actors ("Colombia police").
SECTOR_NAMES: Mapping[str, str] = {
    **{"GOV": "government", "MIL": "military", "COP": "police", "REB": "rebels"},
    **{"OPP": "opposition", "CRM": "criminals", "BUS": "business", "CVL": "civilians"},
    **{"JUD": "judiciary", "MED": "media", "HLH": "health", "LEG": "legislature"},
    **{"EDU": "education", "UAF": "armed group", "AGR": "agriculture", "SPY": "intelligence"},
    **{"LAB": "labour", "ENV": "environment", "REF": "refugees", "PTY": "party"},
    **{"HRI": "human rights", "ELI": "elites", "NGO": "NGO", "IGO": "IGO", "PPL": "people"},
    **{"RAD": "radicals", "MOD": "moderates", "SEP": "separatists", "INS": "insurgents"},
}


@dataclass(frozen=True, slots=True)
class ArticleActors:
    """The actor mentions of one article (stage 3's output), for the event coder.

    ``mentions`` holds every mention in text order; :meth:`of` answers which actors the noun
    phrase headed by a token refers to, from ``by_head`` (token index → actors; not to be
    changed). Built once per article by :func:`resolve_actors`.
    """

    mentions: tuple[Actor, ...]
    by_head: Mapping[int, tuple[Actor, ...]] = field(default_factory=dict, repr=False)

    def of(self, token: Token) -> tuple[Actor, ...]:
        """The actor(s) of the noun phrase headed by ``token`` after coreference; several for a
        conjoined modifier ("Hungarian and Romanian officials"); ``()`` when it is no actor."""
        return self.by_head.get(token.i, ())


def resolve_actors(doc: Doc, *, on: dt.date | None, dictionaries: Dictionaries) -> ArticleActors:
    """Every actor mention in ``doc`` (a parsed article), coded as of day ``on`` (the article's
    publication date; ``None``: unknown), with coreference (see the module docstring)."""
    return _Resolver(doc, on=on, dictionaries=dictionaries).run()


@cache
def supplement_agents() -> Mapping[str, Agent]:
    """The hand-written role nouns of ``agents-supplement.tsv`` (read once per process)."""
    return {
        row["key"]: Agent(
            row["name"],
            row["code"],
            tuple(s for s in row["sectors"].split("|") if s),
            before=row["placement"] == "before",
        )
        for _, row in read_table(AGENT_SUPPLEMENT)
    }


@dataclass(frozen=True, slots=True)
class _Phrase:
    """A noun phrase: tokens ``start``..``end`` (exclusive) of the doc around ``head``."""

    head: Token
    start: int
    end: int
    entity: Span | None
    sentence: int

    @property
    def span(self) -> Span:
        return self.head.doc[self.start : self.end]


@dataclass(frozen=True, slots=True)
class _Reading:
    """What a phrase names by itself (step 2). ``kind`` is person, group, org or country;
    ``referent`` identifies what it names, for coreference ("actor:kristi_noem"); ``agent`` is
    the role noun of an agent reading."""

    name: str
    code: str
    country: str | None
    sector: str | None
    resolved_by: str
    kind: str | None
    referent: str
    agent: Agent | None = None


@dataclass(frozen=True, slots=True)
class _Mention:
    """A resolved phrase, kept for the coreference of later ones."""

    phrase: _Phrase
    actors: tuple[Actor, ...]
    kind: str | None
    referent: str
    subject: bool
    words: frozenset[str]
    place: bool


class _Resolver:
    """One article's resolution: the lookups of step 2 and the state of step 3."""

    def __init__(self, doc: Doc, *, on: dt.date | None, dictionaries: Dictionaries) -> None:
        self.doc = doc
        self.on = on
        self.tables = dictionaries
        self.entity_at: dict[int, Span] = {
            t.i: ent for ent in doc.ents if ent.label_ in ENTITY_LABELS for t in ent
        }
        self.mentions: list[_Mention] = []
        self.by_head: dict[int, tuple[Actor, ...]] = {}
        self.at_head: dict[int, _Mention] = {}
        self.genders: dict[str, str] = {}
        self.claimed: set[int] = set()
        self.discarding: set[int] = set()

    def run(self) -> ArticleActors:
        sentence = None
        for phrase in self._phrases():
            if phrase.sentence != sentence and sentence is not None:
                self._place(sentence)
            sentence = phrase.sentence
            if phrase.head.i not in self.claimed:
                self._resolve(phrase)
        if sentence is not None:
            self._place(sentence)
        actors = sorted(
            (a for m in self.mentions for a in m.actors), key=lambda a: (a.start, a.end)
        )
        return ArticleActors(tuple(actors), dict(self.by_head))

    # --- 1. phrases ----------------------------------------------------------------------------

    def _phrases(self) -> Iterator[_Phrase]:
        chrome = _chrome_ranges(self.doc.text)
        for sentence, sent in enumerate(self.doc.sents):
            if any(lo <= sent.start_char < hi for lo, hi in chrome):
                continue
            found = self.tables.discard(sent.text)
            if found is not None and found.story:
                continue  # a sports or entertainment story: nobody in it is a political actor
            if found is not None:
                self.discarding.add(sentence)  # its phrases are checked one by one
            # A possessor comes after the phrase it is part of, so that "Colombia's Foreign
            # Minister" can claim "Colombia" before "Colombia" is read as an actor by itself.
            heads = sorted((t for t in sent if self._is_head(t, sent)), key=_reading_order)
            for token in heads:
                yield self._phrase(token, sentence)

    def _is_head(self, token: Token, sent: Span) -> bool:
        if token.pos_ not in PHRASE_POS or token.like_url or token.like_email:
            return False
        if _is_dateline(token, sent):
            return False
        entity = self.entity_at.get(token.i)
        if entity is not None and token != entity.root:
            return False
        if token.i + 1 < len(self.doc) and self.doc[token.i + 1].text == "-":
            return token.whitespace_ != ""  # "gang-related": part of a hyphenated modifier
        first = _first_conjunct(token)
        if first.dep_ == "npadvmod" and first.head.pos_ == "ADJ":
            return False
        return not (first.dep_ in MODIFIER_DEPS and first.head.pos_ in ("NOUN", "PROPN"))

    def _phrase(self, head: Token, sentence: int) -> _Phrase:
        start = head.i if head.pos_ == "PRON" else head.left_edge.i
        while start < head.i and self.doc[start].pos_ in LEADING_POS:
            start += 1
        end = head.i + 1
        entity = self.entity_at.get(head.i)
        if entity is not None:
            start, end = min(start, entity.start), max(end, entity.end)
        return _Phrase(head, start, end, entity, sentence)

    # --- 2. reading ----------------------------------------------------------------------------

    def _read(self, phrase: _Phrase) -> tuple[tuple[_Reading, ...], int]:
        """The phrase's readings and the token where the phrase ends (after a complement)."""
        if phrase.sentence in self.discarding and self.tables.is_discard(phrase.span.text):
            return (), phrase.end
        for reader in (self._read_country, self._read_dictionary, self._read_entity):
            reading = reader(phrase)
            if reading is not None:
                return (reading,), phrase.end
        return self._read_agent(phrase)

    def _read_country(self, phrase: _Phrase) -> _Reading | None:
        head = phrase.head
        label = phrase.entity.label_ if phrase.entity is not None else None
        if label == "PERSON" and not self._is_people(phrase.entity):
            return None
        if label is None and head.pos_ == "PROPN" and self._is_people(phrase.span):
            label = "NORP"  # "Bosnian Croats" with no entity around it
        texts = [phrase.entity.text] if phrase.entity is not None else []
        if head.pos_ == "PROPN" or head.text[:1].isupper():
            texts.append(self.doc[_after_determiner(phrase) : phrase.end].text)
        for text in texts:
            match = self.tables.country(text)
            if match is not None:
                # "a bomb in Nairobi": the capital is where it went off, not the government
                sector = None if match.kind == "capitals" and _is_locative(head) else match.sector
                kind = "group" if match.kind == "people" else "country"
                return _country_reading(match.country, sector, kind=kind)
        if label in ("NORP", "PERSON"):
            # "Bosnian Serbs", "Croatian Serb refugees": the first people named
            words = phrase.entity if phrase.entity is not None else phrase.span
            first = self.tables.country(words[0].text)
            if first is not None and len(words) > 1:
                return _country_reading(first.country, None, kind="group")
        return None

    def _is_people(self, span: Span) -> bool:
        """Whether a phrase the parser took for a person, or for no entity, is a people
        ("Bosnian Serbs"): it has several words and every one names a country or its people."""
        words = [t for t in span if not t.is_punct]
        return len(words) > 1 and all(self.tables.country(t.text) is not None for t in words)

    def _read_dictionary(self, phrase: _Phrase) -> _Reading | None:
        named = [t for t in phrase.span if t.pos_ == "PROPN" or t.i in self.entity_at]
        if not named:
            return None
        countries = self._modifier_countries(phrase, upto=phrase.end)
        # A name is matched whole: "Organization" alone is not "the World Health Organization".
        entity = phrase.entity
        last = entity.start + (entity[0].lower_ == "the") if entity is not None else named[-1].i
        for start in range(phrase.start, last + 1):
            resolved = self.tables.actor(self.doc[start : phrase.end].text, on=self.on)
            if resolved is None:
                continue
            outside = {c.alpha3 for c in countries if c.alpha3 != resolved.country}
            if start > phrase.start and resolved.country and outside:
                continue  # "the Colombian Senate" is not the US Senate Phoenix knows
            if resolved.role is None:
                return self._titled_reading(phrase, resolved)
            return self._dictionary_reading(phrase, resolved)
        return None

    def _titled_reading(self, phrase: _Phrase, resolved: ResolvedActor) -> _Reading:
        """A known person who holds no role on the day: what the phrase's title says ("British
        Foreign Secretary Jack Straw" on a day the tables have no office for him is GBRGOV)."""
        unplaced = self._dictionary_reading(phrase, resolved)
        titled = self._read_entity(phrase)
        if titled is None or not titled.code:
            return unplaced
        return replace(titled, name=unplaced.name, referent=unplaced.referent)

    def _dictionary_reading(self, phrase: _Phrase, resolved: ResolvedActor) -> _Reading:
        role = resolved.role
        return _Reading(
            name=resolved.actor.name,
            code=role.code if role else "",
            country=(role.country or None) if role else None,
            sector=role.sectors[0] if role and role.sectors else None,
            resolved_by="dictionary",
            kind=_entity_kind(phrase),
            referent=f"actor:{resolved.actor.id}",
        )

    def _read_entity(self, phrase: _Phrase) -> _Reading | None:
        entity = phrase.entity
        if entity is None or not any(t.is_title or t.is_upper for t in entity):
            return None
        if entity.label_ == "LOC":
            return None  # a region no table knows ("Latin America") does nothing
        name = self.doc[_after_determiner(phrase, within=entity) : entity.end].text
        if entity.label_ == "PERSON":
            owner = self._owner(phrase)  # "Arab League Secretary General Chadli Klibi"
            if owner is not None:
                return replace(owner, name=name, resolved_by="entity", referent=f"entity:{name}")
            agent = self._suffix_agent(self._words(phrase.start, entity.start))
        elif entity.label_ == "ORG":
            match = self.tables.agent(name)
            agent = match.agent if match else None
            if match and self._only_agent_words(entity, match.text):
                return None  # "the Foreign Ministry": a role noun, read as an agent
        else:
            agent = None
        countries = self._modifier_countries(phrase, upto=phrase.end)
        if countries:
            self._claim_possessors(phrase)
        country = countries[0] if countries else None
        code, country_code, sector = _code(country, agent)
        kind = {"PERSON": "person", "NORP": "group"}.get(entity.label_, "org")
        return _Reading(name, code, country_code, sector, "entity", kind, f"entity:{name}")

    def _only_agent_words(self, entity: Span, agent_text: str) -> bool:
        rest = [
            t
            for t in entity
            if t.lower_ not in ("the", "'s")
            and self.tables.country(t.text) is None
            and not t.is_punct
        ]
        return " ".join(w for t in rest for w in self._tokens(t.text)) == agent_text

    def _read_agent(self, phrase: _Phrase) -> tuple[tuple[_Reading, ...], int]:
        head = phrase.head
        if head.pos_ == "PRON":
            return (), phrase.end
        end, complement = self._complement(phrase)
        # With its complement, the role noun must still include the head: "secretary of state",
        # but not "people" in "the health of people".
        reach = len(self._words(head.i, end))
        agent = self._suffix_agent(self._words(phrase.start, end), reach=reach)
        if agent is None and complement is not None:
            end, agent = phrase.end, self._suffix_agent(self._words(phrase.start, phrase.end))
        if agent is None and complement is not None and head.lower_ in MEMBER_NOUNS:
            # "members of the Association of African Jurists" are that association
            return self._read(self._phrase(complement, phrase.sentence))[0], phrase.end
        if agent is None:
            owner = self._owner(phrase) if head.lower_ in ORG_NOUNS else None
            return ((owner,) if owner is not None else ()), phrase.end
        owner = self._owner(phrase)
        if owner is not None:
            return (owner,), phrase.end
        countries = self._modifier_countries(phrase, upto=head.i)
        if countries:
            self._claim_possessors(phrase)
        else:
            countries = self._possessor_countries(head) or self._conjunct_countries(head)
        if end == phrase.end and complement is not None:
            countries += self._complement_countries(complement)
            end = complement.right_edge.i + 1 if countries else end
        kind = _agent_kind(head)
        readings = tuple(_agent_reading(c, agent, kind) for c in _unique(countries)) or (
            _agent_reading(None, agent, kind),
        )
        return readings, end

    def _owner(self, phrase: _Phrase) -> _Reading | None:
        """The named organisation a role noun belongs to ("Hamas militants", "Taliban
        fighters"): an ORG or NORP modifier the dictionaries know, other than a country."""
        spans = [
            self.entity_at[i] for i in range(phrase.start, phrase.head.i) if i in self.entity_at
        ]
        for entity in dict.fromkeys(spans):
            if entity.label_ not in ("ORG", "NORP") or entity.end > phrase.head.i:
                continue
            if self.tables.country(entity.text) is not None:
                continue
            name = entity[1:] if entity[0].lower_ == "the" else entity
            resolved = self.tables.actor(name.text, on=self.on)
            if resolved is not None and resolved.role is not None:
                reading = self._dictionary_reading(phrase, resolved)
                return replace(reading, kind=_agent_kind(phrase.head))
        return None

    def _suffix_agent(self, words: list[str], *, reach: int = 1) -> Agent | None:
        """The longest role noun of at least ``reach`` words that ends ``words``; for a member
        noun ("gang members"), the role noun before it when there is one."""
        found = None
        for n in range(min(len(words), self.tables.longest_agent), reach - 1, -1):
            key = " ".join(words[-n:])
            found = self.tables.agents.get(key) or supplement_agents().get(key)
            if found is not None:
                break
        if words and words[-1] in MEMBER_NOUNS and (found is None or n == 1):
            return self._suffix_agent(words[:-1]) or found
        return found

    def _complement(self, phrase: _Phrase) -> tuple[int, Token | None]:
        """Where the phrase ends with its "of"/"from" complement, and the complement's object."""
        for prep in phrase.head.rights:
            if prep.dep_ == "prep" and prep.lower_ in COUNTRY_PREPS:
                objects = [c for c in prep.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0].right_edge.i + 1, objects[0]
        return phrase.end, None

    def _possessor_countries(self, head: Token) -> list[Country]:
        """The country of an actor the role noun belongs to: "his government" after "Prime
        Minister Mahendra Chaudhry" is Fiji's."""
        found = []
        for child in head.lefts:
            for actor in self.by_head.get(child.i, ()) if child.dep_ == "poss" else ():
                country = self.tables.countries.get(actor.country or "")
                if country is not None:
                    found.append(country)
        return found

    def _conjunct_countries(self, head: Token) -> list[Country]:
        """The countries of the first of conjoined role nouns, for a later one with no
        modifier of its own: "Israeli tanks and helicopters" are both Israel's."""
        first = _first_conjunct(head)
        if first is head or any(c.dep_ in (*MODIFIER_DEPS, "poss", "det") for c in head.lefts):
            return []
        mention = self._mention_at(first.i)
        if mention is None or not mention.actors or mention.actors[0].resolved_by != "agent":
            return []
        found = (self.tables.countries.get(a.country or "") for a in mention.actors)
        return [c for c in found if c is not None]

    def _claim_possessors(self, phrase: _Phrase) -> None:
        """Possessors that gave the phrase its country are part of it, not actors of their own
        ("Colombia" in "Colombia's Foreign Minister")."""
        for child in phrase.head.lefts:
            if child.dep_ == "poss" and child.pos_ != "PRON":
                self.claimed.add(child.i)

    def _complement_countries(self, obj: Token) -> list[Country]:
        found = []
        for token in (obj, *obj.conjuncts):
            entity = self.entity_at.get(token.i)
            text = entity.text if entity is not None else token.text
            match = self.tables.country(text)
            if match is not None:
                found.append(match.country)
                self.claimed.add(token.i)
        return found

    def _modifier_countries(self, phrase: _Phrase, *, upto: int) -> list[Country]:
        """Countries named by the phrase's modifiers before token ``upto`` ("Hungarian and
        Romanian", "U.S.-Colombian", "Colombia's"), in order."""
        found: list[Country] = []
        i = phrase.start
        while i < upto:
            entity = self.entity_at.get(i)
            if entity is not None and entity.label_ in PLACE_LABELS:
                found += self._countries_in(self.doc[i : min(entity.end, upto)].text)
                i = min(entity.end, upto)
                continue
            # Inside a name, a word may still be a demonym ("the Colombian Senate"), but a
            # person's name is no country ("Jordan Peterson").
            token = self.doc[i]
            if i != phrase.head.i and token.ent_type_ != "PERSON" and not token.is_punct:
                found += self._countries_in(token.text)
            i += 1
        return found

    def _countries_in(self, text: str) -> list[Country]:
        match = self.tables.country(text)
        if match is not None:
            return [match.country]
        words = text.split()
        if len(words) > 1 and all(self.tables.country(w) is not None for w in words):
            return self._countries_in(words[0])  # "Bosnian Serb leaders": the place first
        if "-" not in text:
            return []
        parts = (self.tables.country(part) for part in text.split("-"))
        return [m.country for m in parts if m is not None]

    def _words(self, start: int, end: int) -> list[str]:
        """The match words of tokens ``start``..``end``, after a possessor that comes before
        the phrase's head ("Colombia's", "her") and without determiners."""
        begin = start
        for token in self.doc[start:end]:
            if token.dep_ == "case" or token.tag_ == "PRP$":
                if token.head.i > token.i or token.head.head.i > token.i:
                    begin = token.i + 1
        return [w for t in self.doc[begin:end] if t.dep_ != "det" for w in self._tokens(t.text)]

    @staticmethod
    @lru_cache(maxsize=1 << 16)  # the words of a corpus recur; bounded for long runs
    def _tokens(text: str) -> tuple[str, ...]:
        return tokens(text)

    # --- 3. coreference ------------------------------------------------------------------------

    def _resolve(self, phrase: _Phrase) -> None:
        readings: tuple[_Reading, ...] = ()
        if phrase.head.pos_ == "PRON":
            antecedent = self._pronoun_antecedent(phrase)
        else:
            readings, end = self._read(phrase)
            phrase = replace(phrase, end=end)
            antecedent = self._antecedent(phrase, readings)
        if antecedent is not None:
            self._corefer(phrase, antecedent)
        elif readings:
            self._add(phrase, tuple(self._localise(phrase, r) for r in readings))

    def _antecedent(self, phrase: _Phrase, readings: tuple[_Reading, ...]) -> _Mention | None:
        head = phrase.head
        if head.dep_ == "appos" and _is_role(readings) and head.head.i in self.by_head:
            return self._mention_at(head.head.i)  # "Marco Rubio, the secretary of state,"
        if _is_named(readings):
            return self._same_referent(readings[0])
        if self._is_definite(phrase):
            if head.lemma_.lower() in COUNTRY_NOUNS and head.tag_ == "NN":
                return next((m for m in reversed(self.mentions) if m.kind == "country"), None)
            return self._titled(head)
        return None

    def _same_referent(self, reading: _Reading) -> _Mention | None:
        if reading.sector is None and reading.kind != "person":
            return None  # a place ("Pennsylvania" → USA) is read again, not referred back to
        if reading.resolved_by == "dictionary":
            return next((m for m in self.mentions if m.referent == reading.referent), None)
        if reading.kind != "person":
            return None
        words = self._tokens(reading.name)
        for mention in reversed(self.mentions):
            if mention.kind != "person" or not mention.actors:
                continue
            theirs = self._tokens(mention.actors[0].name)
            if words == theirs or (len(words) == 1 and theirs and theirs[-1] == words[0]):
                return mention
        return None

    def _is_definite(self, phrase: _Phrase) -> bool:
        first = self.doc[phrase.start]
        between = self.doc[phrase.start + 1 : phrase.head.i]
        return (
            first.lower_ in DEFINITE
            and first.i != phrase.head.i
            and all(t.pos_ == "ADJ" and t.ent_type_ == "" for t in between)
        )

    def _titled(self, head: Token) -> _Mention | None:
        """The latest mention whose words had this role noun ("the secretary" … "Homeland
        Security Secretary Kristi Noem"); only for role nouns, not for "the meeting"."""
        forms = _forms(head)
        if not any(f in PERSON_TITLES or self._is_agent(f) for f in forms):
            return None
        return next((m for m in reversed(self.mentions) if m.words.intersection(forms)), None)

    def _is_agent(self, word: str) -> bool:
        return word in self.tables.agents or word in supplement_agents()

    def _pronoun_antecedent(self, phrase: _Phrase) -> _Mention | None:
        token = phrase.head
        word = token.lower_
        if word in RELATIVE_PRONOUNS:
            noun = token.head.head if token.head.dep_ == "relcl" else None
            return self._mention_at(noun.i) if noun is not None else None
        if word not in PRONOUNS or self._is_expletive(token):
            return None
        kind, gender = PRONOUNS[word]
        found = self._salient(token, phrase.sentence, kind, gender)
        if found is not None and gender and found.kind == "person":
            self.genders.setdefault(found.referent, gender)
        return found

    def _salient(
        self, token: Token, sentence: int, kind: str, gender: str | None
    ) -> _Mention | None:
        window = PRONOUN_WINDOW if kind == "person" else 1
        nearest = None
        for mention in reversed(self.mentions):  # sentence numbers only fall going back
            if sentence - mention.phrase.sentence > window:
                break
            if mention.phrase.head.i < token.i and self._compatible(mention, kind, gender):
                if mention.subject:
                    return mention
                nearest = nearest or mention
        return nearest if kind == "person" else None

    def _compatible(self, mention: _Mention, kind: str, gender: str | None) -> bool:
        if not mention.actors:
            return False
        if kind == "person":
            known = self.genders.get(mention.referent)
            return mention.kind == "person" and (gender is None or known in (None, gender))
        if kind == "org":
            return mention.kind in ("org", "country")
        return mention.kind == "group" or len(mention.actors) > 1

    def _is_expletive(self, token: Token) -> bool:
        if token.dep_ == "expl":
            return True
        if token.lower_ != "it" or token.head.lemma_ not in EXPLETIVE_VERBS:
            return False
        return not any(
            c.dep_ == "acomp" and c.lower_ in DISPOSITION_WORDS for c in token.head.children
        )

    def _localise(self, phrase: _Phrase, reading: _Reading) -> _Reading:
        """A "local" role noun with no country takes the country last named as a place."""
        if reading.agent is None or reading.country is not None:
            return reading
        if not any(t.lower_ == "local" for t in phrase.span):
            return reading
        place = next((m for m in reversed(self.mentions) if m.place), None)
        country = self.tables.countries.get(place.actors[0].country or "") if place else None
        return _agent_reading(country, reading.agent, reading.kind) if country else reading

    # --- 4. placing ----------------------------------------------------------------------------

    def _place(self, sentence: int) -> None:
        """Actors of ``sentence`` with a sector but no country take the one country the
        sentence names, if it names exactly one ("President X threatened a curfew in Algiers")."""
        here = []  # mentions come in sentence order: this sentence's are the last ones
        for i in range(len(self.mentions) - 1, -1, -1):
            if self.mentions[i].phrase.sentence != sentence:
                break
            here.append(i)
        named = {a.country for i in here for a in self.mentions[i].actors}
        states = [self.tables.countries[c] for c in named if c in self.tables.countries]
        if len(states) != 1:
            return
        for i in here:
            mention = self.mentions[i]
            if all(_is_unplaced(a) for a in mention.actors):
                actors = tuple(_placed(a, states[0]) for a in mention.actors)
                self.mentions[i] = replace(mention, actors=actors)
                self.at_head[mention.phrase.head.i] = self.mentions[i]
                self.by_head[mention.phrase.head.i] = actors

    # --- mentions ------------------------------------------------------------------------------

    def _corefer(self, phrase: _Phrase, antecedent: _Mention) -> None:
        if _is_unquoted_outlet(phrase.head, antecedent.actors[0]):
            return
        actors = tuple(
            replace(a, text=phrase.span.text, resolved_by="coreference", **_offsets(phrase))
            for a in antecedent.actors
        )
        self._record(phrase, actors, antecedent.kind, antecedent.referent)

    def _add(self, phrase: _Phrase, readings: tuple[_Reading, ...]) -> None:
        actors = tuple(
            Actor(
                text=phrase.span.text,
                name=r.name,
                code=r.code,
                country=r.country,
                sector=r.sector,
                resolved_by=r.resolved_by,
                **_offsets(phrase),
            )
            for r in readings
        )
        if not _is_unquoted_outlet(phrase.head, actors[0]):
            self._record(phrase, actors, readings[0].kind, readings[0].referent)

    def _record(
        self, phrase: _Phrase, actors: tuple[Actor, ...], kind: str | None, referent: str
    ) -> None:
        for token in phrase.span:
            word = token.lower_.rstrip(".")
            if word in GENDER_WORDS and token.ent_type_ != "PERSON":
                self.genders.setdefault(referent, GENDER_WORDS[word])
        head = phrase.head
        words = frozenset(w for t in phrase.span if t.ent_type_ != "PERSON" for w in _forms(t))
        place = kind == "country" and _is_place(head)
        mention = _Mention(phrase, actors, kind, referent, _is_subject(head), words, place)
        self.mentions.append(mention)
        self.at_head[head.i] = mention
        self.by_head[head.i] = actors

    def _mention_at(self, i: int) -> _Mention | None:
        return self.at_head.get(i)


# --- small helpers ---------------------------------------------------------------------------


def _chrome_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of the lines the ingest cleaner would drop as chrome or attribution."""
    ranges, offset = [], 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped and not clean_text(stripped).text:
            ranges.append((offset, offset + len(line)))
        offset += len(line)
    return ranges


def _after_determiner(phrase: _Phrase, *, within: Span | None = None) -> int:
    start = within.start if within is not None else phrase.start
    return start + 1 if phrase.head.doc[start].lower_ == "the" and start < phrase.head.i else start


def _entity_kind(phrase: _Phrase) -> str | None:
    if phrase.entity is None:
        return "org" if phrase.head.pos_ == "NOUN" else "person"
    return {"PERSON": "person", "NORP": "group", "GPE": "country"}.get(phrase.entity.label_, "org")


def _agent_kind(head: Token) -> str:
    if head.tag_ in ("NNS", "NNPS"):
        return "group"
    return "person" if head.lemma_.lower() in PERSON_TITLES else "org"


def _code(country: Country | None, agent: Agent | None) -> tuple[str, str | None, str | None]:
    """The CAMEO code, country and first sector of ``agent`` in ``country`` (either may be
    missing). A "before" agent (PETRARCH's ``IGO~``) puts its code first and is the country."""
    cameo = country.cameo if country is not None else ""
    if agent is None:
        return cameo, country.alpha3 if country else None, None
    if agent.before:
        return agent.code + cameo, agent.sectors[0] if agent.sectors else None, None
    sector = agent.sectors[0] if agent.sectors else None
    return cameo + agent.code, country.alpha3 if country else None, sector


def _country_reading(country: Country, sector: str | None, *, kind: str = "country") -> _Reading:
    """A country, or with ``kind`` "group" its people ("Colombians", "Bosnian Serbs"), whom a
    later "they" may refer to."""
    name = f"{country.name} {_sector_name(sector)}" if sector else country.name
    code = country.cameo + (sector or "")
    return _Reading(name, code, country.alpha3, sector, "country", kind, f"country:{code}")


def _agent_reading(country: Country | None, agent: Agent, kind: str | None) -> _Reading:
    code, country_code, sector = _code(country, agent)
    words = [country.name] if country is not None else []
    name = " ".join([*words, _sector_name(sector or (agent.sectors or ("",))[0])]).strip()
    return _Reading(name, code, country_code, sector, "agent", kind, f"agent:{code}", agent)


def _sector_name(sector: str | None) -> str:
    return SECTOR_NAMES.get(sector or "", (sector or "").lower())


def _unique(countries: list[Country]) -> list[Country]:
    return list({c.alpha3: c for c in countries}.values())


def _is_named(readings: tuple[_Reading, ...]) -> bool:
    return bool(readings) and readings[0].resolved_by in ("dictionary", "entity", "country")


def _is_dateline(token: Token, sent: Span) -> bool:
    """Whether ``token`` is in an upper-case dateline that opens a sentence: "BOGOTA (Reuters) -",
    "SAN SALVADOR, March 26 -". The place is where the story was filed, not an actor."""
    if not token.is_upper or token.i - sent.start > 4:
        return False
    run = token.doc[sent.start : token.i + 1]
    following = token.nbor(1) if token.i + 1 < sent.end else None
    return (
        all(t.is_upper or t.is_punct for t in run)
        and following is not None
        and (following.is_upper or following.text in ("(", ",", "-", "—", "–", ":"))
    )


def _is_role(readings: tuple[_Reading, ...]) -> bool:
    return bool(readings) and readings[0].resolved_by == "agent"


def _reading_order(token: Token) -> tuple[int, int]:
    if token.dep_ == "poss" and token.head.i > token.i and token.pos_ != "PRON":
        return token.head.i, 1
    return token.i, 0


def _is_locative(head: Token) -> bool:
    """Whether ``head`` is (a conjunct of) the object of a preposition of place (in, near …)."""
    token = _first_conjunct(head)
    return token.dep_ == "pobj" and token.head.lower_ in LOCATIVE_PREPS


def _is_place(head: Token) -> bool:
    """Whether a country is named as where the action is: "arrived in Colombia", "visited
    Colombia", "to Slovenia, Croatia and Denmark"."""
    token = _first_conjunct(head)
    if token.dep_ == "pobj":
        return token.head.lower_ in PLACE_PREPS
    return token.dep_ == "dobj" and token.head.lemma_ == "visit"


def _first_conjunct(token: Token) -> Token:
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token


def _is_subject(head: Token) -> bool:
    token = _first_conjunct(head.head if head.dep_ == "poss" else head)
    return token.dep_ in ("nsubj", "nsubjpass")


def _is_unquoted_outlet(head: Token, actor: Actor) -> bool:
    """Whether ``actor`` is a named media outlet that is not the source of a statement here:
    the subject of a verb ("Reuters reported"), the one told ("told the BBC") or "according to"
    it are; a dateline's "(Reuters)" is not."""
    if actor.sector != "MED" or actor.resolved_by == "agent":
        return False
    if head.dep_ in ("nsubj", "nsubjpass", "dobj", "dative"):
        return False
    prep = head.head
    return not (head.dep_ == "pobj" and prep.lower_ == "to" and prep.head.lower_ == "according")


def _is_unplaced(actor: Actor) -> bool:
    """Whether ``actor`` is a role with no country that a sentence may place: read from a role
    noun or title, not a table's actor that has no country ("Reuters": MED)."""
    return actor.country is None and bool(actor.code) and actor.resolved_by in PLACEABLE


def _placed(actor: Actor, country: Country) -> Actor:
    """``actor`` (a sector with no country) in ``country``."""
    name = f"{country.name} {_sector_name(actor.sector)}" if actor.sector else country.name
    if actor.resolved_by == "entity":
        name = actor.name
    return replace(actor, code=country.cameo + actor.code, country=country.alpha3, name=name)


def _forms(token: Token) -> tuple[str, ...]:
    return (token.lower_, token.lemma_.lower())


def _offsets(phrase: _Phrase) -> dict[str, int]:
    span = phrase.span
    return {"start": span.start_char, "end": span.end_char}
