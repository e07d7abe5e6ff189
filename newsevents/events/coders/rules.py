"""rules.v1: events from verb and noun patterns (data files) applied over the dependency parse.

For each sentence:

    1. triggers   every verb with patterns for its lemma, then every noun that is an event by
                  itself ("visit", "talks") and was not already part of a verb's pattern;
    2. match      the most specific pattern whose words are all in place (particle, subject,
                  object, prepositions); a null pattern (``---``) means no event;
    3. actors     source: the verb's subject, the ``by`` agent of a passive, the controller of
                  an infinitive ("she is expected to continue"), the subject of the verb a
                  nominal trigger hangs from, or its possessor ("Noem's visit"); target: where the
                  pattern says, else the object, else an actor in a prepositional phrase. Each
                  side's conjuncts make one event per pair ("met Petro and local police");
    4. modality   from the trigger's clause and the verbs governing it
                  (:mod:`newsevents.events.modality`); reported speech keeps the act's own
                  actors and names the speaker in ``reported_by``;
    5. derive     root, QuadClass, Goldstein, PLOVER from the CAMEO code; a pattern's reverse
                  code adds the mirrored event (a visit is also hosted).

Then repeats are merged: the same source, target, root and modality class in one article is one
event with several mentions (a summary paragraph repeating the lead is not a second event).

Confidence is a heuristic score, not a calibrated probability: it rises with the pattern's
specificity, with dictionary-resolved actors and with a target, and falls for nominal triggers,
unasserted modality and actors found only by coreference (see :func:`_confidence`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import TYPE_CHECKING

from newsevents.events.modality import commitment_of, demanded_of, modality_of, refusal_of
from newsevents.events.ontology import event_fields, intent_code, refusal_code
from newsevents.events.patterns import Pattern, Patterns
from newsevents.records import Actor, Article, Event

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from newsevents.actors.resolve import ArticleActors

NAME = "rules.v1"
#: "X said Y must do Z" is X demanding it of Y (CAMEO 100, demand, not specified).
DEMAND = "100"
_OBJECTS = ("dobj", "attr", "oprd")
_SUBJECTS = ("nsubj", "csubj")
_PREPS = ("prep", "agent", "dative")
_NOUNS = ("NOUN", "PROPN")
_RELATIVE = ("who", "that", "which", "whom")
#: Prepositions whose object is a place, a time or the agent, not whom an action is done to
#: ("arrested protesters in Nairobi"); a pattern that wants one names it in its prep column.
_NOT_TARGET_PREPS = frozenset(
    {"by", "in", "at", "near", "during", "since", "after", "before", "until", "amid", "amidst",
     "despite", "inside", "within", "throughout", "across", "around", "like", "as", "of"}
)  # fmt: skip
#: Above this many tokens a "sentence" is a list or a run-on the parser splits badly; skipped.
MAX_SENTENCE_TOKENS = 150


@dataclass(frozen=True, slots=True)
class Match:
    """A pattern found in place: its trigger and the tokens that filled its slots."""

    pattern: Pattern
    trigger: Token
    noun: Token | None = None
    prep_object: Token | None = None
    prep2_object: Token | None = None


class RulesCoder:
    """The pattern coder. Build once per process (:func:`newsevents.events.coders.get_coder`)."""

    name = NAME

    def __init__(
        self,
        *,
        patterns: Patterns,
        keep_unresolved: bool = False,
        max_sentences: int | None = None,
    ) -> None:
        self.patterns = patterns
        self.keep_unresolved = keep_unresolved
        self.max_sentences = max_sentences

    def code(self, article: Article, doc: Doc, actors: ArticleActors) -> tuple[Event, ...]:
        """The events of the first ``max_sentences`` sentences (``Settings.max_coded_sentences``;
        ``None``: all); the pipeline notes on the article that the rest was not coded."""
        found: list[Event] = []
        for sentence in islice(doc.sents, self.max_sentences):
            if len(sentence) <= MAX_SENTENCE_TOKENS:
                found.extend(self._sentence(article, sentence, actors))
        return merge_repeats(found)

    # 1-2. triggers and matches ---------------------------------------------------------------

    def _sentence(self, article: Article, sentence: Span, actors: ArticleActors) -> Iterator[Event]:
        verbs = [m for v in sentence if v.pos_ == "VERB" and (m := self.match_verb(v))]
        used = {t.i for m in verbs for t in (m.noun, m.prep_object, m.prep2_object) if t}
        # A verb a pattern used as its complement ("declined to comment") is no trigger itself.
        matches = [m for m in verbs if m.trigger.i not in used]
        for noun in sentence:
            if noun.pos_ in _NOUNS and noun.i not in used and (m := self.match_noun(noun)):
                matches.append(m)
        for match in matches:
            if not match.pattern.is_null:
                yield from self._events(article, sentence, match, actors)
        for verb in sentence:
            if verb.pos_ in ("VERB", "AUX") and (speech := demanded_of(verb)) is not None:
                yield from self._demand(article, sentence, verb, speech, actors)

    def _demand(
        self, article: Article, sentence: Span, verb: Token, speech: Token, actors: ArticleActors
    ) -> Iterator[Event]:
        pattern = Pattern(speech.lemma_.lower(), *[""] * 8, DEMAND, "", "rule", "say that ... must")
        match = Match(pattern, speech)
        modality, _ = modality_of(speech)
        targets = _resolve(_with_conjuncts(source_of(verb)), actors)
        for source in _resolve(_source_tokens(match), actors):
            for target in targets or [None]:
                if target is None or not _same(source, target):
                    yield self._event(article, sentence, match, source, target, modality, None)

    def match_verb(self, verb: Token) -> Match | None:
        """The most specific pattern of ``verb``'s lemma that fits its dependents, if any."""
        best: Match | None = None
        has_particle = any(c.dep_ == "prt" for c in verb.children)
        for pattern in self.patterns.for_verb(verb_lemma(verb)):
            if has_particle and not pattern.particle:
                continue  # "call off" is not "call": a particle changes the verb
            match = self._fit(pattern, verb)
            if match and (best is None or pattern.specificity >= best.pattern.specificity):
                best = match
        return best

    def match_noun(self, noun: Token) -> Match | None:
        """The most specific nominal pattern ("visit to X") that ``noun`` heads, if any.

        A pattern without a preposition ("demonstration") needs support: the noun is the object
        of a verb that only stages it ("staged a demonstration", :data:`SUPPORT_VERBS`) or has an
        actor of its own ("the army's offensive"); otherwise every passing mention ("police
        dispersed the demonstration") would become its subject's act.
        """
        best: Match | None = None
        for pattern in self.patterns.for_noun(noun.lemma_.lower()):
            if not self._phrase(pattern.noun, noun):
                continue
            if not pattern.prep and not _supported(noun):
                continue
            match = self._fit_preps(pattern, noun, noun_token=noun)
            if match and (best is None or pattern.specificity >= best.pattern.specificity):
                best = match
        return best

    def _fit(self, pattern: Pattern, verb: Token) -> Match | None:
        if pattern.particle and not _particle(verb, pattern.particle):
            return None
        if pattern.subject and not any(self._phrase(pattern.subject, s) for s in _subjects(verb)):
            return None
        noun = None
        if pattern.noun:
            complements = [*_objects(verb), *(c for c in verb.children if c.dep_ == "xcomp")]
            noun = next((o for o in complements if self._phrase(pattern.noun, o)), None)
            if noun is None:
                return None
        return self._fit_preps(pattern, verb, noun_token=noun)

    def _fit_preps(
        self, pattern: Pattern, trigger: Token, *, noun_token: Token | None
    ) -> Match | None:
        first = second = None
        heads = [t for t in (trigger, noun_token) if t is not None]
        if pattern.prep:
            first = self._prep_object(pattern.prep, pattern.prep_noun, heads)
            if first is None:
                return None
        if pattern.prep2:
            second = self._prep_object(pattern.prep2, pattern.prep2_noun, [*heads, first])
            if second is None:
                return None
        return Match(pattern, trigger, noun_token, first, second)

    def _prep_object(self, prep: str, phrase: str, heads: Sequence[Token | None]) -> Token | None:
        for head in heads:
            for child in head.children if head is not None else ():
                if child.dep_ in _PREPS and child.lower_ == prep:
                    obj = next((g for g in child.children if g.dep_ in ("pobj", "pcomp")), None)
                    if obj is not None and (not phrase or self._phrase(phrase, obj)):
                        return obj
        return None

    def _phrase(self, phrase: str, token: Token) -> bool:
        """Whether ``token`` heads ``phrase`` (head last; synsets expanded; "*" any noun)."""
        if phrase == "*":
            return token.pos_ in (*_NOUNS, "PRON", "NUM")
        *modifiers, head = phrase.split()
        if head.startswith("&"):
            return any(self._phrase(m, token) for m in self.patterns.members(head)) and (
                not modifiers or self._modifiers(modifiers, token)
            )
        if head not in (token.lemma_.lower(), token.lower_):
            return False
        return not modifiers or self._modifiers(modifiers, token)

    def _modifiers(self, words: Sequence[str], token: Token) -> bool:
        near = {w for c in token.children for w in (c.lemma_.lower(), c.lower_)}
        return all(
            any(m.split()[-1] in near for m in self.patterns.members(w)) if w.startswith("&")
            else w in near
            for w in words
        )  # fmt: skip

    # 3-5. actors, modality, derived values ---------------------------------------------------

    def _events(
        self, article: Article, sentence: Span, match: Match, actors: ArticleActors
    ) -> Iterator[Event]:
        source_tokens = _source_tokens(match)
        target_token = self._target_token(match, actors, exclude=source_tokens)
        sources = _resolve(source_tokens, actors)
        if not sources and self.keep_unresolved:
            sources = [_unresolved(source_tokens, match.trigger)]
        targets: list[Actor | None] = list(_resolve(_with_conjuncts(target_token), actors))
        modality, speech_verb = modality_of(match.trigger)
        speaker = (
            next(iter(_resolve(_subjects(speech_verb), actors)), None) if speech_verb else None
        )
        commitment = commitment_of(match.trigger)
        intent = intent_code(match.pattern.cameo) if commitment is not None else None
        if commitment is None and (commitment := refusal_of(match.trigger)) is not None:
            intent = refusal_code(match.pattern.cameo)  # "will not meet": a rejection (12)
        pairs = [(s, t) for s in sources for t in targets or [None]]
        if not targets and len(sources) > 1 and match.pattern.reverse_cameo == match.pattern.cameo:
            # A reciprocal act with no other party ("Chinese and Russian leaders held talks"):
            # the co-subjects act on each other.
            pairs = [(s, t) for s in sources for t in sources if not _same(s, t)]
        for source, target in pairs:
            if target is not None and _same(source, target):
                continue
            yield self._event(article, sentence, match, source, target, modality, speaker)
            if intent is not None and commitment is not None:
                # "agreed to provide aid": the commitment is an event of its own (0331)
                said, _ = modality_of(commitment)
                said = "asserted" if said == "negated" else said  # the refusal itself happened
                yield self._event(
                    article,
                    sentence,
                    match,
                    source,
                    target,
                    said,
                    None,
                    code=intent,
                    start=commitment.idx,
                )
            reverse = match.pattern.reverse_cameo
            if reverse and target is not None and source.code:
                yield self._event(
                    article, sentence, match, target, source, modality, speaker, code=reverse
                )

    def _target_token(
        self, match: Match, actors: ArticleActors, *, exclude: Sequence[Token]
    ) -> Token | None:
        where = match.pattern.target
        if where == "prep":
            return match.prep_object
        if where == "prep2":
            return match.prep2_object
        trigger = match.trigger
        candidates = [] if trigger.pos_ in _NOUNS else _objects(trigger)
        if where == "dobj":
            return next(iter(candidates), None)
        for head in (trigger, match.noun):
            for child in head.children if head is not None else ():
                if child.dep_ in ("prep", "dative") and child.lower_ not in _NOT_TARGET_PREPS:
                    candidates.extend(g for g in child.children if g.dep_ == "pobj")
                elif child.dep_ == "dative":
                    candidates.append(child)
        # The pattern's own noun stays a candidate: in "expelled Indian diplomats" the noun the
        # pattern asks for (diplomat) is also the target.
        skip = {t.i for t in exclude}
        # "demanded that the government provide ...": the clause's subject is acted on.
        for clause in (c for c in trigger.children if c.dep_ == "ccomp"):
            candidates.extend(_subjects(clause))
        return next((c for c in candidates if c.i not in skip and actors.of(c)), None)

    def _event(
        self,
        article: Article,
        sentence: Span,
        match: Match,
        source: Actor,
        target: Actor | None,
        modality: str,
        speaker: Actor | None,
        *,
        code: str | None = None,
        start: int | None = None,
    ) -> Event:
        derived = event_fields(code or match.pattern.cameo)
        text = sentence.text.rstrip()
        trigger = match.trigger
        action_start = trigger.idx if start is None else min(start, trigger.idx)
        action_end = max(t.idx + len(t) for t in (trigger, match.noun) if t is not None)
        return Event(
            id=_event_id(article.id, str(derived["cameo"]), action_start, source, target),
            article_id=article.id,
            source=source,
            target=target,
            **derived,  # type: ignore[arg-type]
            modality=modality,
            sentence=text,
            sentence_start=sentence.start_char,
            action_start=action_start,
            action_end=action_end,
            confidence=_confidence(match, source, target, modality),
            coder=NAME,
            reported_by=speaker if modality == "reported" else None,
        )


# Actors of a match -------------------------------------------------------------------------


def _source_tokens(match: Match) -> list[Token]:
    trigger = match.trigger
    if trigger.pos_ in _NOUNS:
        head = _nominal_source(trigger)
    else:
        head = source_of(trigger)
    return _with_conjuncts(head)


def source_of(verb: Token, *, depth: int = 0) -> Token | None:
    """The token naming who does ``verb``: its subject, a passive's agent, or the controller
    of an infinitive or the first of coordinated verbs."""
    if depth > 6:
        return None
    if _is_passive(verb):
        return _agent(verb)
    subject = next(iter(_subjects(verb)), None)
    if subject is not None:
        if subject.lower_ in _RELATIVE and verb.dep_ == "relcl":
            return verb.head
        return subject
    head = verb.head
    if head is verb:
        return None
    if verb.dep_ == "xcomp":
        # Object control ("urged Y to meet Z": Y meets) before subject control.
        obj = next((c for c in head.children if c.dep_ == "dobj"), None)
        return obj if obj is not None else _controller(head, depth)
    if verb.dep_ in ("conj", "advcl") and head.pos_ in ("VERB", "AUX"):
        return _controller(head, depth)
    if verb.dep_ == "acl" and verb.tag_ == "VBG":
        return head  # "troops attacking the town"
    return None


def _controller(verb: Token, depth: int) -> Token | None:
    """The grammatical subject of the verb an infinitive or conjunct depends on: "she is
    expected to continue" (passive: its patient), "X arrived and is scheduled to meet"."""
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")), None)
    if subject is not None:
        if subject.lower_ in _RELATIVE and verb.dep_ == "relcl":
            return verb.head
        return subject
    # Up through coordination, infinitives and predicate adjectives ("it is willing to go").
    if depth < 6 and verb.dep_ in ("conj", "xcomp", "advcl", "acomp") and verb.head is not verb:
        return _controller(verb.head, depth + 1)
    return None


def _nominal_source(noun: Token) -> Token | None:
    for child in noun.children:
        if child.dep_ == "poss":
            return child
    for child in noun.children:
        if child.dep_ in ("compound", "amod") and (child.ent_type_ or child.pos_ == "PROPN"):
            return child
    agent = next((c for c in noun.children if c.dep_ == "acl" and _agent(c) is not None), None)
    if agent is not None:
        return _agent(agent)  # "tariff threats posed by the Trump administration"
    token = noun
    for _ in range(5):
        if token.dep_ in ("nsubj", "nsubjpass", "ROOT") or token.head is token:
            return None
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            return source_of(token)
    return None


#: Verbs that only stage, begin, continue or carry out the event their object names.
SUPPORT_VERBS = frozenset(
    {"stage", "hold", "organize", "organise", "begin", "start", "launch", "continue", "mount",
     "carry", "conduct", "call", "lead", "join", "resume", "make", "undertake", "go", "wage",
     "step", "escalate", "intensify", "unleash", "open", "complete", "announce", "declare",
     "renew", "reopen", "restart"}
)  # fmt: skip


def _supported(noun: Token) -> bool:
    if any(c.dep_ == "poss" for c in noun.children):
        return True
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ == "on":
        head = head.head  # "went on a hunger strike"
    return noun.dep_ in ("dobj", "pobj") and verb_lemma(head) in SUPPORT_VERBS


#: Lemmas the small English model gets wrong for verbs news uses ("staged" -> "stag"), with
#: the lemma meant. Checked against spaCy en_core_web_sm 3.8.
_LEMMA_FIXES = {"stag": "stage", "wag": "wage"}


def verb_lemma(token: Token) -> str:
    """The token's lemma, lower-cased, with the model's known verb lemma errors repaired."""
    lemma = token.lemma_.lower()
    return _LEMMA_FIXES.get(lemma, lemma) if token.pos_ in ("VERB", "AUX") else lemma


def _agent(verb: Token) -> Token | None:
    by = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((g for g in by.children if g.dep_ == "pobj"), None) if by is not None else None


def _is_passive(verb: Token) -> bool:
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        return True
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _subjects(verb: Token | None) -> list[Token]:
    if verb is None:
        return []
    return [c for c in verb.children if c.dep_ in _SUBJECTS]


def _objects(verb: Token) -> list[Token]:
    found = [c for c in verb.children if c.dep_ in _OBJECTS]
    if _is_passive(verb):
        found += [c for c in verb.children if c.dep_ == "nsubjpass"]
        if verb.dep_ == "acl":
            found.append(verb.head)  # "immigrants deported from the U.S."
    return found


def _particle(verb: Token, word: str) -> bool:
    return any(c.dep_ in ("prt", "advmod", "prep") and c.lower_ == word for c in verb.children)


def _with_conjuncts(token: Token | None) -> list[Token]:
    return [] if token is None else [token, *token.conjuncts]


def _resolve(tokens: Sequence[Token], actors: ArticleActors) -> list[Actor]:
    found: dict[tuple[str, str], Actor] = {}
    for token in tokens:
        known = [a for a in actors.of(_through_quantity(token)) if a.code]
        for actor in known or _apposed(token, actors) or actors.of(_through_quantity(token)):
            if not actor.country:
                actor = _placed(actor, token, actors)
            found.setdefault((actor.name, actor.code), actor)
    return list(found.values())


def _apposed(token: Token, actors: ArticleActors) -> tuple[Actor, ...]:
    """For a name no table knows, what its apposition says it is: "Kenzo Oshima, the United
    Nations relief coordinator" acts as the UN; the mention keeps the name as written."""
    for appos in (c for c in token.children if c.dep_ == "appos"):
        found = tuple(a for a in actors.of(appos) if a.code)
        if found:
            span = token.doc[token.left_edge.i : token.i + 1]
            return tuple(
                replace(a, text=span.text, start=span.start_char, end=span.end_char) for a in found
            )
    return ()


#: Heads that only count or group the actor in their "of" phrase ("thousands of Iraqi Kurds").
QUANTITIES = frozenset(
    {"thousand", "hundred", "dozen", "million", "ten", "tens", "score", "group", "number", "some",
     "many", "most", "all", "several", "members", "member", "band", "crowd", "handful", "bunch"}
)  # fmt: skip


def _through_quantity(token: Token) -> Token:
    if token.lemma_.lower() not in QUANTITIES and token.lower_ not in QUANTITIES:
        return token
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    inner = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
    return inner if inner is not None else token


#: Prepositions that place a group ("students throughout Indonesia", "rebels in Ivory Coast").
_PLACING = frozenset({"in", "throughout", "across", "from", "of", "inside"})


def _placed(actor: Actor, token: Token, actors: ArticleActors) -> Actor:
    """A countryless actor (police, rebels, students) with the country of the place its own
    phrase puts it in; unchanged when the phrase names none."""
    for prep in token.children:
        if prep.dep_ != "prep" or prep.lower_ not in _PLACING:
            continue
        for obj in prep.children:
            place = next(
                (a for a in actors.of(obj) if a.country and a.resolved_by == "country"), None
            )
            if obj.dep_ == "pobj" and place is not None:
                code = place.country + actor.code
                return replace(actor, country=place.country, code=code)
    return actor


def _unresolved(tokens: Sequence[Token], trigger: Token) -> Actor:
    """A placeholder source for scoring actions alone (``Settings.keep_unresolved``)."""
    token = tokens[0] if tokens else trigger
    return Actor(
        text=token.text if tokens else "",
        name="",
        code="",
        country=None,
        sector=None,
        resolved_by="unresolved",
        start=token.idx,
        end=token.idx + (len(token) if tokens else 0),
    )


def _same(a: Actor, b: Actor) -> bool:
    return a.name == b.name and a.code == b.code


# Confidence, ids, repeats --------------------------------------------------------------------

_RESOLUTION_WEIGHT = {"dictionary": 0.15, "country": 0.12, "agent": 0.08, "coreference": 0.05}


def _confidence(match: Match, source: Actor, target: Actor | None, modality: str) -> float:
    """Heuristic in [0.05, 0.95]: see the module docstring."""
    score = 0.45 + 0.05 * min(match.pattern.specificity, 3)
    score += _RESOLUTION_WEIGHT.get(source.resolved_by, 0.0)
    score += 0.1 if target is not None else -0.05
    score -= 0.1 if match.trigger.pos_ in _NOUNS else 0.0
    score -= 0.0 if modality == "asserted" else 0.15 if modality != "reported" else 0.05
    score -= 0.3 if not source.code else 0.0
    return round(min(0.95, max(0.05, score)), 3)


def _event_id(article_id: str, code: str, action: int, source: Actor, target: Actor | None) -> str:
    parts = [article_id, NAME, code, str(action), source.code, source.name]
    if target is not None:
        parts += [target.code, target.name]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def merge_repeats(events: Sequence[Event]) -> tuple[Event, ...]:
    """One event per occurrence: later events with the same source, target, root and modality
    class become mentions of the first (keeping its evidence; the highest confidence)."""
    merged: dict[tuple, Event] = {}
    for event in events:
        key = _occurrence(event)
        first = merged.get(key)
        if first is None:
            merged[key] = event
            continue
        if event.action_start == first.action_start or event.action_start in first.repeats:
            continue  # the same words coded twice (a verb and its noun)
        merged[key] = replace(
            first,
            mentions=first.mentions + 1,
            repeats=(*first.repeats, event.action_start),
            confidence=max(first.confidence, event.confidence),
        )
    return tuple(merged.values())


def _occurrence(event: Event) -> tuple:
    def who(actor: Actor | None) -> tuple[str, str] | None:
        return None if actor is None else (actor.name, actor.code)

    return (who(event.source), who(event.target), event.root, event.modality == "asserted")
