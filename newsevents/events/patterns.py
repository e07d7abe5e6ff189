"""Verb and noun patterns for the rule-based coder, read from tables (patterns are data).

Shipped tables live in ``newsevents/data/patterns/``: ``verbs.tsv`` (converted from the Phoenix
CAMEO verb dictionary by ``scripts/convert_verbs.py``) and ``extra.tsv`` (written by hand for
modern news verbs, light verbs and nominal events). Users add their own files in the same format.

One row is one pattern over a dependency parse. Words are compared in lower case; lemmas are
spaCy's English lemmas ("talks" -> "talk", even "taxes" -> "taxis"), and a phrase ("martial
law") is written head last: the head is a lemma, the words before it must appear among the
head's modifiers (compare them with a token's lemma or its lower-cased text). A word written
``&name`` stands for any member of the synonym set ``name`` in ``synsets.tsv`` ("&military":
army, troop, armed force, ...), as head or as modifier.

    verb_lemma    lemma of the governing verb ("meet"). Empty for a nominal trigger: a noun that
                  is an event by itself ("visit" in "Noem's visit to Colombia").
    particle      a particle the verb must carry ("up" in "step up"): a ``prt`` child, or, since
                  parsers disagree, an ``advmod``/``prep`` child with that word.
    subject       a noun the verb's subject must be ("troop" in "troops rushed to the border").
    noun          verb rows: the object or complement the verb must govern ("talk" in "hold
                  talks", "sanction" in "impose sanctions"); nominal rows: the trigger noun.
    prep          a preposition that must hang from the verb or from ``noun`` ("with" in "meet
                  with X", "on" in "impose sanctions on X").
    prep_noun     what ``prep`` must govern: a phrase; ``*`` for any noun, which is then not
                  the target ("arrive in * for talks"); or empty for anything (then usually
                  the target).
    prep2, prep2_noun  a second preposition, hanging from the verb, the noun or ``prep_noun``.
    target        where the target actor is: ``dobj`` (the direct object: "visit X"), ``prep``
                  or ``prep2`` (the object of that preposition), or empty when the pattern does
                  not say (the coder's default: the direct object if there is one, else an actor
                  in a prepositional phrase of the verb or the noun).
    cameo         the CAMEO code of the event, or ``---``: this construction is no event (it
                  blocks the verb's own code, as Phoenix's null patterns do).
    reverse_cameo a second event with source and target swapped, or empty ("visit" 042 also
                  means the target hosts the source, 043).
    source        where the row comes from: ``phoenix``, ``extra``, or a user's label.
    note          provenance and reasoning, for people.

The source actor is the verb's subject; for a nominal trigger, the possessor or a compound
("Noem's visit", "US sanctions") or else the subject of the verb governing the noun. Passives
are derived, not written: in "X was visited by Y" the passive subject plays ``dobj`` and the
``by`` agent plays the subject. When several patterns match, the most specific wins
(:attr:`Pattern.specificity`); on a tie the one loaded later wins, so ``extra.tsv`` overrides
``verbs.tsv`` and a user's file overrides both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

from newsevents.errors import DataFileError, InvalidCameoCode
from newsevents.events.ontology import cameo
from newsevents.events.tables import Row, data_file, read_table

COLUMNS = (
    "verb_lemma",
    "particle",
    "subject",
    "noun",
    "prep",
    "prep_noun",
    "prep2",
    "prep2_noun",
    "target",
    "cameo",
    "reverse_cameo",
    "source",
    "note",
)
SYNSET_COLUMNS = ("synset", "member")
#: The code of a pattern that matches but codes no event.
NULL_CODE = "---"
TARGETS = ("", "dobj", "prep", "prep2")
#: The shipped tables, in load order (Phoenix first, then the hand-written additions).
SHIPPED = ("verbs.tsv", "extra.tsv")
SYNSETS = "synsets.tsv"
_PHRASE_COLUMNS = ("subject", "noun", "prep_noun", "prep2_noun")


@dataclass(frozen=True, slots=True)
class Pattern:
    """One row of a pattern table (columns described in the module docstring)."""

    verb_lemma: str
    particle: str
    subject: str
    noun: str
    prep: str
    prep_noun: str
    prep2: str
    prep2_noun: str
    target: str
    cameo: str
    reverse_cameo: str
    source: str
    note: str
    #: "FILE:LINE" the row was read from.
    origin: str = ""

    @property
    def is_nominal(self) -> bool:
        """True for a noun that is an event by itself (no governing verb required)."""
        return not self.verb_lemma

    @property
    def is_null(self) -> bool:
        """True when the pattern matches but codes no event."""
        return self.cameo == NULL_CODE

    @property
    def noun_head(self) -> str:
        return self.noun.rsplit(" ", 1)[-1]

    @property
    def specificity(self) -> int:
        """How many words the pattern requires beyond the verb; more specific patterns win."""
        phrases = (self.subject, self.noun, self.prep_noun, self.prep2_noun)
        words = sum(len(p.split()) for p in phrases if p and p != "*")
        return words + sum(bool(x) for x in (self.particle, self.prep, self.prep2))


@dataclass(frozen=True)
class Patterns:
    """A loaded set of patterns with lookups by verb lemma and by nominal trigger."""

    patterns: tuple[Pattern, ...]
    by_verb: Mapping[str, tuple[Pattern, ...]]
    by_noun: Mapping[str, tuple[Pattern, ...]]
    #: Synonym sets: "&military" -> its member phrases (head last, head lemmatized).
    synsets: Mapping[str, frozenset[str]]

    @classmethod
    def of(cls, patterns: Iterable[Pattern], *, synsets: Mapping[str, frozenset[str]]) -> Patterns:
        patterns = tuple(patterns)
        by_verb: dict[str, list[Pattern]] = {}
        by_noun: dict[str, list[Pattern]] = {}
        for pattern in patterns:
            if pattern.is_nominal:
                by_noun.setdefault(pattern.noun_head, []).append(pattern)
            else:
                by_verb.setdefault(pattern.verb_lemma, []).append(pattern)
        return cls(
            patterns,
            {k: tuple(v) for k, v in by_verb.items()},
            {k: tuple(v) for k, v in by_noun.items()},
            synsets,
        )

    def for_verb(self, lemma: str) -> tuple[Pattern, ...]:
        """Patterns governed by the verb ``lemma`` ("meet"), in load order."""
        return self.by_verb.get(lemma.lower(), ())

    def for_noun(self, lemma: str) -> tuple[Pattern, ...]:
        """Nominal triggers whose head noun is ``lemma`` ("visit"), in load order."""
        return self.by_noun.get(lemma.lower(), ())

    def members(self, word: str) -> frozenset[str]:
        """The phrases ``word`` stands for: a synset's members for "&name", else ``{word}``."""
        return self.synsets[word] if word.startswith("&") else frozenset({word})

    def __len__(self) -> int:
        return len(self.patterns)

    def __iter__(self) -> Iterator[Pattern]:
        return iter(self.patterns)


def load_patterns(*, extra: Sequence[Path] = ()) -> Patterns:
    """The shipped patterns, then those of each file in ``extra``, checked.

    Raises :class:`~newsevents.events.tables.DataFileError` naming the file and line of the
    first bad row (an unknown CAMEO code or synset, a target with no preposition, a
    capitalised lemma).
    """
    shipped = _shipped()
    if not extra:
        return shipped
    added = [p for path in extra for p in read_patterns(path, synsets=shipped.synsets)]
    return Patterns.of(shipped.patterns + tuple(added), synsets=shipped.synsets)


@cache
def _shipped() -> Patterns:
    # Read once per process: parsing and checking the tables takes a noticeable moment.
    synsets = read_synsets(data_file("patterns", SYNSETS))
    patterns = [
        pattern
        for name in SHIPPED
        for pattern in read_patterns(data_file("patterns", name), synsets=synsets)
    ]
    return Patterns.of(patterns, synsets=synsets)


def read_synsets(source: Traversable | Path) -> dict[str, frozenset[str]]:
    """``synsets.tsv``: synset name ("&military") -> member phrases."""
    _, rows = read_table(source, columns=SYNSET_COLUMNS)
    members: dict[str, set[str]] = {}
    for row in rows:
        name, member = row["synset"], row["member"]
        if not name.startswith("&") or not member or member != member.lower():
            raise DataFileError(f"{source}, line {row.line}: bad synset row {name!r} {member!r}")
        members.setdefault(name, set()).add(member)
    return {name: frozenset(phrases) for name, phrases in members.items()}


def read_patterns(
    source: Traversable | Path, *, synsets: Mapping[str, frozenset[str]]
) -> list[Pattern]:
    """The checked rows of one pattern table; ``synsets`` are the names rows may use."""
    _, rows = read_table(source, columns=COLUMNS)
    name = getattr(source, "name", str(source))
    return [
        _pattern(row, synsets, where=f"{source}, line {row.line}", origin=f"{name}:{row.line}")
        for row in rows
    ]


def _pattern(
    row: Row, synsets: Mapping[str, frozenset[str]], *, where: str, origin: str
) -> Pattern:
    cells = {column: row[column].strip() for column in COLUMNS}
    for problem in _problems(cells, synsets):
        raise DataFileError(f"{where}: {problem}")
    return Pattern(**cells, origin=origin)


def _problems(cells: Mapping[str, str], synsets: Mapping[str, frozenset[str]]) -> Iterator[str]:
    yield from _code_problems(cells["cameo"], column="cameo", allow_null=True)
    yield from _code_problems(cells["reverse_cameo"], column="reverse_cameo", allow_null=False)
    if not cells["verb_lemma"] and not cells["noun"]:
        yield "a pattern needs a verb_lemma, or a noun for a nominal trigger"
    if cells["target"] not in TARGETS:
        yield f"target {cells['target']!r} is not one of {', '.join(repr(t) for t in TARGETS)}"
    elif cells["target"] in ("prep", "prep2") and not cells[cells["target"]]:
        yield f"target is {cells['target']!r} but that column is empty"
    for prep in ("prep", "prep2"):
        if cells[f"{prep}_noun"] and not cells[prep]:
            yield f"{prep}_noun {cells[f'{prep}_noun']!r} without a {prep}"
    for column in COLUMNS[:8]:
        if cells[column] != cells[column].lower():
            yield f"{column} {cells[column]!r} must be lower case (lemmas are compared lowered)"
    if not cells["source"]:
        yield "source is empty (phoenix, extra, or your own label)"
    for column in _PHRASE_COLUMNS:
        for word in cells[column].split():
            if word.startswith("&") and word not in synsets:
                yield f"{column}: {word!r} is not a synset in {SYNSETS}"


def _code_problems(code: str, *, column: str, allow_null: bool) -> Iterator[str]:
    if not code or (allow_null and code == NULL_CODE):
        if not code and allow_null:
            yield f"{column} is empty (use {NULL_CODE} for a construction that is no event)"
        return
    try:
        cameo(code)
    except InvalidCameoCode as error:
        yield f"{column}: {error}"
