"""Whether a coded action happened, from the words around its trigger in the parse.

One of :data:`newsevents.records.MODALITIES`. The trigger's own clause is read first, then the
chain of verbs that govern it through ``xcomp``/``conj``/``advcl``/``ccomp`` (so "is scheduled
to meet" is planned and "said Y attacked Z" is reported). When several cues apply, the strongest
wins, in this order:

    negated > hypothetical > intended > planned > reported > asserted

"Refused to meet" is not a negated meeting: the refusal has a pattern of its own (CAMEO 12); the
meeting under it reads as intended (it was sought, not held).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

ORDER = ("negated", "hypothetical", "intended", "planned", "reported", "asserted")

#: Verbs whose ``xcomp`` is scheduled or expected to happen ("is scheduled to meet", "set to").
PLANNING = frozenset(
    {"schedule", "expect", "plan", "set", "due", "prepare", "slate", "poise", "begin", "start"}
)
#: Verbs whose ``xcomp`` is wanted, sought or refused, not (yet) done.
INTENDING = frozenset(
    {
        "want", "seek", "intend", "hope", "aim", "try", "attempt", "wish", "strive", "plan",
        "vow", "pledge", "promise", "offer", "agree", "threaten", "refuse", "decline", "urge",
        "ask", "call", "demand", "push", "press", "propose", "consider", "mull", "weigh",
        "decide", "resolve", "move", "need", "fail",
    }
)  # fmt: skip
#: Modal auxiliaries: a future ("will") is planned; the rest make the action only possible.
FUTURE = frozenset({"will", "shall", "'ll"})
POSSIBLE = frozenset({"could", "might", "may", "would", "should", "can", "must", "ought"})
#: Subordinators of a condition ("if they attack").
CONDITIONS = frozenset({"if", "unless", "whether", "lest"})
#: Adjectives and adverbs on a nominal trigger that make it planned ("the impending talks").
PLANNED_MODIFIERS = frozenset(
    {"impending", "upcoming", "planned", "scheduled", "proposed", "forthcoming", "expected",
     "future", "next", "possible", "potential", "prospective", "looming", "pending"}
)  # fmt: skip
NEGATIONS = frozenset({"not", "n't", "never", "no", "neither", "nor", "without"})
#: Verbs that report speech or belief: "X said (that) Y attacked Z" reports Y's act.
SPEECH = frozenset(
    {
        "say", "tell", "state", "claim", "report", "allege", "announce", "add", "insist",
        "note", "declare", "assert", "confirm", "deny", "believe", "think", "argue",
        "suggest", "write", "explain", "warn", "acknowledge", "admit", "contend",
        "maintain", "reveal", "disclose", "indicate", "testify", "recall", "reiterate",
        "stress", "emphasize", "emphasise", "repeat", "conclude", "reaffirm", "remind",
    }
)  # fmt: skip
#: Verbs and adjectives by which an actor commits itself to an action it names in an infinitive
#: ("agreed to provide aid", "is ready to contribute troops"): CAMEO codes that commitment as an
#: expression of intent (03 for cooperation, 13 for conflict), an event of its own.
COMMITTING = frozenset(
    {"agree", "promise", "pledge", "vow", "swear", "offer", "decide", "plan", "intend", "want",
     "seek", "hope", "commit", "threaten", "undertake", "resolve", "volunteer", "propose"}
)  # fmt: skip
COMMITTING_ADJECTIVES = frozenset({"ready", "willing", "prepared", "determined", "eager"})
#: Dependencies through which a governing verb's modality reaches the trigger.
_UPWARD = frozenset({"xcomp", "conj", "advcl", "ccomp", "pcomp", "acl", "relcl", "parataxis"})


def modality_of(trigger: Token) -> tuple[str, Token | None]:
    """The trigger's modality, and for "reported" the speech verb (whose subject is speaking)."""
    cues: list[str] = []
    speaker_verb: Token | None = None
    verb = verb_of(trigger)
    if trigger.pos_ in ("NOUN", "PROPN") and _has_planned_modifier(trigger):
        cues.append("planned")
    if trigger.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "neg" for c in trigger.children):
        cues.append("negated")
    child = trigger if verb is trigger else None
    for step, current in enumerate(governing_chain(verb)):
        cues.extend(_clause_cues(current, governed=child, first=step == 0))
        if child is not None and child.dep_ in ("ccomp", "parataxis") and _lemma(current) in SPEECH:
            cues.append("reported")
            speaker_verb = speaker_verb or current
            break  # the speaker's own modality is the statement's, not the reported act's
        child = current
    if not cues:
        return "asserted", None
    best = min(cues, key=ORDER.index)
    return best, speaker_verb if best == "reported" else None


def _clause_cues(verb: Token, *, governed: Token | None, first: bool) -> list[str]:
    cues = []
    lemma = _lemma(verb)
    if governed is not None and governed.dep_ == "xcomp":
        if lemma in PLANNING or (lemma == "be" and _is_to_infinitive(governed)):
            cues.append("planned")
        elif lemma in INTENDING:
            cues.append("intended")
    if governed is not None and governed.dep_ == "advcl" and _is_to_infinitive(governed):
        cues.append("intended")  # a purpose: "visited Colombia to discuss crime"
    for child in verb.children:
        word = child.lower_
        if child.dep_ == "neg" or (child.dep_ == "advmod" and word in ("never",)):
            if first or (governed is not None and governed.dep_ == "xcomp"):
                cues.append("negated")
        elif child.dep_ == "aux" and child.tag_ == "MD":
            cues.append("planned" if word in FUTURE else "hypothetical")
        elif child.dep_ == "aux" and word == "going":
            cues.append("planned")  # "is going to meet"
        elif child.dep_ == "mark" and word in CONDITIONS:
            cues.append("hypothetical")
    return cues


def governing_chain(verb: Token | None) -> list[Token]:
    """The verb and the verbs governing it, nearest first, up to the clause that is asserted."""
    chain = []
    while verb is not None and len(chain) < 8:
        chain.append(verb)
        if verb.dep_ not in _UPWARD or verb.head is verb:
            break
        verb = verb.head if verb.head.pos_ in ("VERB", "AUX") else None
    return chain


def verb_of(trigger: Token) -> Token | None:
    """The trigger itself when it is a verb, else the nearest verb governing the noun."""
    token = trigger
    for _ in range(6):
        if token.pos_ in ("VERB", "AUX"):
            return token
        if token.head is token:
            return None
        token = token.head
    return None


def _has_planned_modifier(noun: Token) -> bool:
    return any(c.dep_ in ("amod", "advmod", "compound") and c.lower_ in PLANNED_MODIFIERS
               for c in noun.children)  # fmt: skip


def _is_to_infinitive(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _lemma(token: Token) -> str:
    return token.lemma_.lower()


def commitment_of(trigger: Token) -> Token | None:
    """The word by which the actor commits to ``trigger``'s action, if any: the governing verb
    of "agreed to give", the adjective of "is ready to send", or, for an action in the future
    tense inside a statement ("said it will support"), the speech verb."""
    if trigger.dep_ == "xcomp":
        head = trigger.head
        if head.lemma_.lower() in COMMITTING and head.pos_ in ("VERB", "AUX"):
            return None if any(c.dep_ == "neg" for c in head.children) else head
        if head.lower_ in COMMITTING_ADJECTIVES and head.pos_ == "ADJ":
            return head
    future = [
        c for c in trigger.children if c.dep_ == "aux" and c.lower_ in ("will", "would", "'ll")
    ]
    if future and trigger.dep_ in ("ccomp", "parataxis") and _lemma(trigger.head) in SPEECH:
        return trigger.head
    if (conditional := conditional_modal(trigger)) is not None:
        return conditional  # "may halt mediation if ...": a conditional threat or promise
    if (
        future
        and future[0].lower_ != "would"
        and not any(c.dep_ == "neg" for c in trigger.children)
    ):
        # "The UN will provide food aid": news reports an announced plan in the future tense,
        # which CAMEO codes as the expression of intent (the "would" of conditions is not one).
        return future[0]
    return None


#: Modals by which a speaker says what another must do ("Libya must hand over the suspects").
OBLIGATION = frozenset({"must", "should"})


def demanded_of(verb: Token) -> Token | None:
    """The speech verb through which someone demands ``verb``'s action of its subject: "X said
    (that) Y must do Z", "X insisted Y should ...". ``None`` when it is no such demand."""
    if verb.dep_ not in ("ccomp", "parataxis") or _lemma(verb.head) not in SPEECH:
        return None
    obliged = any(c.dep_ == "aux" and c.lower_ in OBLIGATION for c in verb.children)
    has_to = any(c.dep_ == "xcomp" for c in verb.children) and _lemma(verb) in ("have", "need")
    return verb.head if obliged or has_to else None


def conditional_modal(trigger: Token) -> Token | None:
    """The modal of an action made conditional ("may halt talks if the fighting goes on",
    "will strike unless they withdraw"): announcing it is a threat or a promise."""
    clauses = [c for c in trigger.children if c.dep_ == "advcl"]
    if not any(m.dep_ == "mark" and m.lower_ in CONDITIONS for c in clauses for m in c.children):
        return None
    return next((c for c in trigger.children if c.dep_ == "aux" and c.tag_ == "MD"), None)


def refusal_of(trigger: Token) -> Token | None:
    """The negated future by which an actor refuses an action ("will not meet the demands",
    "won't negotiate"): the auxiliary, or ``None``."""
    if not any(c.dep_ == "neg" for c in trigger.children):
        return None
    return next(
        (c for c in trigger.children if c.dep_ == "aux" and c.lower_ in ("will", "would", "wo")),
        None,
    )
