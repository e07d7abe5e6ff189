"""PLOVER contexts from what an article is about (stage 4, events: the topic part).

The CAMEO-to-PLOVER crosswalk gives each event the contexts of its verb
(``ontology.cameo(code).plover_context``: "legal" for an arrest). PLOVER also wants the contexts
of the story the event sits in — an arrest in a story about gangs is "crime", a meeting about
deportations is "migration" — and its manual expects them to be coded at the paragraph or
document level. This module finds them by counting keyword phrases from
``newsevents/data/contexts.tsv`` (built from the Phoenix issue dictionary by
``scripts/convert_issues.py``):

    1. split    the text into paragraphs (line breaks) and sentences (". ", "! ", "? " before a
                capital or digit, not after an abbreviation such as "U.S." or "Mr.")
    2. tokens   each sentence and the title through ``newsevents.actors.normalise.tokens``, the
                key of the table: whole tokens, so "gang" never matches "gangway"
    3. match    every table phrase that starts at every token (plural and verb forms are rows)
    4. exclude  an ``exclude`` 1 row ("~" in Phoenix: "flood of" for "flood") cancels the matches
                of its context that it overlaps; an ``exclude`` 2 row ("~~") cancels its context
                in its whole sentence. Phoenix meant "~~" for the whole story ("article
                nukers"); one sentence is enough for its cases ("OPEC oil cartel", "RAF Typhoon
                jets") and story-wide, one mention of oil would remove "crime" from every story
                about cartels stealing fuel.
    5. count    per context, the leftmost-longest matches that do not overlap ("drug cartel"
                counts once, not once more for "cartel")
    6. keep     a context with MIN_MATCHES in the title and text, or MIN_LEAD_MATCHES in the
                title or lead; by count (most first), ties by name; at most MAX_CONTEXTS.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from newsevents.actors.normalise import tokens
from newsevents.errors import DataFileError
from newsevents.events.tables import data_file, read_table
from newsevents.records import Event

#: Columns of ``newsevents/data/contexts.tsv`` (its header explains each).
COLUMNS = ("key", "phrase", "context", "exclude", "source")

#: The PLOVER context names newsevents may write, from three sources:
#:   - the 2021 CAMEO-to-PLOVER crosswalk (``data/cameo/cameo-plover.tsv``): asylum, cbrn,
#:     corruption, crime, democracy, diplomatic, economic, executive, human_rights,
#:     human_security, humanitarian, intelligence, legal, military, peacekeeping,
#:     political_institutions, pro_autocracy, religion_ethnicity, rights_freedoms;
#:   - the general contexts of the PLOVER manual (draft 0.7b1, "Context codes that can be used
#:     with any category"): those above plus culture, cyber, disease, election, enviro_disaster,
#:     gender, government, legislative, lgbt, migration, political, resource, terrorism and the
#:     crime_* subtypes;
#:   - names newsevents uses where the manual merges topics or lacks one (disease → health;
#:     enviro_disaster → environment, disaster; agriculture, business, pro_democracy), and the
#:     older "refugee" of the PLOVER gold-standard records.
#: The manual's future, historical and hypothetical are not topics: newsevents codes them as
#: the event's modality.
ALLOWED_CONTEXTS = frozenset(
    {
        *("asylum", "cbrn", "corruption", "crime", "democracy", "diplomatic", "economic"),
        *("executive", "human_rights", "human_security", "humanitarian", "intelligence"),
        *("legal", "military", "peacekeeping", "political_institutions", "pro_autocracy"),
        *("religion_ethnicity", "rights_freedoms"),
        *("culture", "cyber", "disease", "election", "enviro_disaster", "gender", "government"),
        *("legislative", "lgbt", "migration", "political", "resource", "terrorism"),
        *("crime_murder", "crime_theft", "crime_drugs", "crime_sexual"),
        *("agriculture", "business", "disaster", "environment", "health", "pro_democracy"),
        "refugee",
    }
)

#: Matches in the title and text for a context to count. One mention is often an aside ("a
#: former drug trafficker", "after the floods of 2010"); two is the smallest count that is not a
#: single aside, and a 300-word wire story often names its real topic only two or three times.
MIN_MATCHES = 2
#: Matches in the title or lead that are enough alone: news is written top down (the inverted
#: pyramid), so what the headline or first paragraph names is what the story is about.
MIN_LEAD_MATCHES = 1
#: The lead is the first paragraph, but at most this many sentences of it: text scraped without
#: line breaks is one paragraph, and the whole article must not count as its lead. Wire leads
#: run one to three sentences.
LEAD_SENTENCES = 3
#: Contexts kept per article. PLOVER allows several; past the third, keyword contexts of a news
#: story are asides (the places a visit went through, the history recalled in the last lines).
MAX_CONTEXTS = 3

#: Typographic punctuation and what normalise.tokens makes of it (see _tokens).
_TYPOGRAPHY = (("’", "'"), ("‘", "'"), ("“", " "), ("”", " "), ("—", " "), ("–", " "))
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
#: Words whose final period does not end a sentence: initials and "U.S.", titles, months.
_ABBREVIATION = re.compile(
    r"[\"'“‘(\[]?(?:(?:[A-Za-z]\.)+|(?:Mr|Mrs|Ms|Dr|Prof|St|Gen|Gov|Sen|Rep|Lt|Col|Sgt|Capt|Jr|Sr"
    r"|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)"
)


@dataclass(frozen=True, slots=True)
class ContextPhrase:
    """One row of the table: the tokens to match, the context, and how the match acts."""

    tokens: tuple[str, ...]
    context: str
    #: 0 counts a match; 1 cancels the matches of the context it overlaps; 2 cancels the
    #: context in its sentence.
    exclude: int


@dataclass(slots=True)
class _Node:
    """A trie node: the phrases that end here, and the next tokens. Built once, then only read."""

    ends: list[tuple[str, int]] = field(default_factory=list)
    children: dict[str, _Node] = field(default_factory=dict)


def article_contexts(text: str, *, title: str | None = None) -> tuple[str, ...]:
    """The PLOVER contexts ``text`` is about, most mentioned first (see the module docstring).

    >>> article_contexts("Gangs ran the prison. Two gang leaders were moved.")
    ('crime',)
    """
    trie = _trie()
    total: Counter[str] = Counter()
    lead: Counter[str] = Counter()
    if title:
        lead.update(_sentence_counts(_tokens(title), trie))
    total.update(lead)
    for in_lead, sentence in _sentences(text):
        counts = _sentence_counts(_tokens(sentence), trie)
        total.update(counts)
        if in_lead:
            lead.update(counts)
    kept = [c for c in total if total[c] >= MIN_MATCHES or lead[c] >= MIN_LEAD_MATCHES]
    return tuple(sorted(kept, key=lambda c: (-total[c], c))[:MAX_CONTEXTS])


def with_contexts(events: Iterable[Event], contexts: Sequence[str]) -> list[Event]:
    """``events`` with the article's ``contexts`` after the crosswalk contexts they already have.

    ``plover_context`` stays a ";"-joined string (None when empty); a context the crosswalk
    already gave is not repeated.
    """
    return [
        replace(event, plover_context=merge_contexts(event.plover_context, contexts))
        for event in events
    ]


def merge_contexts(existing: str | None, contexts: Iterable[str]) -> str | None:
    """``"legal"`` + ``("crime", "legal")`` → ``"legal;crime"``; nothing at all → None."""
    merged = dict.fromkeys(c for c in (existing or "").split(";") if c)
    merged.update(dict.fromkeys(contexts))
    return ";".join(merged) or None


def load_phrases() -> tuple[ContextPhrase, ...]:
    """Every row of ``newsevents/data/contexts.tsv``, checked (DataFileError names the line)."""
    source = data_file("contexts.tsv")
    _, rows = read_table(source, columns=COLUMNS)
    phrases = []
    for row in rows:
        if row["context"] not in ALLOWED_CONTEXTS:
            raise DataFileError(f"{source}, line {row.line}: unknown context {row['context']!r}")
        if row["exclude"] not in ("0", "1", "2") or not row["key"]:
            raise DataFileError(f"{source}, line {row.line}: needs a key and exclude 0, 1 or 2")
        phrases.append(
            ContextPhrase(tuple(row["key"].split(" ")), row["context"], int(row["exclude"]))
        )
    return tuple(phrases)


@cache
def _trie() -> _Node:
    """The phrases as a token trie, so that a start costs its longest match, not its phrase
    count ("united" opens 82 phrases); built once per process."""
    root = _Node()
    for phrase in load_phrases():
        node = root
        for token in phrase.tokens:
            node = node.children.setdefault(token, _Node())
        node.ends.append((phrase.context, phrase.exclude))
    return root


def _tokens(sentence: str) -> tuple[str, ...]:
    """``normalise.tokens(sentence)``, faster.

    Typographic quotes and dashes are first replaced by what its steps make of them (’ ‘ → ',
    “ ” — – → a separator), which leaves most English sentences ASCII: its ``str.translate``
    then takes CPython's ASCII fast path instead of a dictionary look-up per character.
    """
    if not sentence.isascii():
        for typographic, plain in _TYPOGRAPHY:
            sentence = sentence.replace(typographic, plain)
    return tokens(sentence)


def _sentences(text: str) -> Iterator[tuple[bool, str]]:
    """(in the lead?, sentence) for every sentence of ``text``."""
    lead = True
    for paragraph in text.splitlines():
        if not paragraph.strip():
            continue
        for number, sentence in enumerate(_split_sentences(paragraph)):
            yield lead and number < LEAD_SENTENCES, sentence
        lead = False


def _split_sentences(paragraph: str) -> Iterator[str]:
    start = 0
    for boundary in _BOUNDARY.finditer(paragraph):
        end = boundary.start() + 1
        word = paragraph[max(start, paragraph.rfind(" ", start, end) + 1) : end]
        if _ABBREVIATION.fullmatch(word):
            continue
        yield paragraph[start:end]
        start = boundary.end()
    yield paragraph[start:]


def _sentence_counts(words: tuple[str, ...], trie: _Node) -> dict[str, int]:
    """Matches per context in one sentence's tokens, after exclusions, without overlaps."""
    spans: dict[str, list[tuple[int, int, int]]] = {}
    for i, word in enumerate(words):
        node, end = trie.children.get(word), i + 1
        while node is not None:
            for context, exclude in node.ends:
                spans.setdefault(context, []).append((i, end, exclude))
            node = node.children.get(words[end]) if end < len(words) else None
            end += 1
    counts = {context: _count(found) for context, found in spans.items()}
    return {context: n for context, n in counts.items() if n}


def _count(spans: list[tuple[int, int, int]]) -> int:
    """Leftmost-longest non-overlapping matches of one context, exclusions applied."""
    if any(exclude == 2 for _, _, exclude in spans):
        return 0
    blocked = [(start, end) for start, end, exclude in spans if exclude == 1]
    matches = sorted(
        (start, -end)
        for start, end, exclude in spans
        if exclude == 0 and not any(start < b_end and b_start < end for b_start, b_end in blocked)
    )
    count, reached = 0, 0
    for start, negative_end in matches:
        if start >= reached:
            count, reached = count + 1, -negative_end
    return count
