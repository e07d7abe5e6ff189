"""How one batch of articles is sorted before it is written (pure: no database here).

Each article of a batch is one of:

- ``duplicate``: its id (the content id of its text) is already stored, or came earlier in
  the same batch. Nothing new is stored but the place it was read from (a sighting).
- ``near_duplicate``: a new text whose estimated similarity to an earlier article reaches
  ``Settings.near_duplicate_threshold``. It is stored (nothing is lost) with ``duplicate_of``
  naming the first article of its group, which is never itself a near-duplicate.
- ``stored``: a new text that duplicates nothing.

"Earlier" is ingest order (``articles.seq``): stored articles come before the batch's, and within
a batch the order given.

An article's events (:func:`plan_events`) follow its first occurrence in the batch. A new article
(stored or near-duplicate) brings its events. An article stored before brings none when the
stored events of its coder's family are exactly the new ones (an exact duplicate adds nothing);
otherwise it was coded again, by another version of the coder or with another result, and its
stored events of that family are replaced, counted in ``events_replaced``. Events of other coder
families stay, so two coders can be compared on the same articles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, NamedTuple

from newsevents.ingest.dedup import Signature, bands, signature, similarity
from newsevents.records import Article, CodedArticle, Event

OutcomeKind = Literal["stored", "duplicate", "near_duplicate"]


class Outcome(NamedTuple):
    """What happened to one article of a batch; ``duplicate_of`` is set for near-duplicates."""

    article_id: str
    outcome: OutcomeKind
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Counts for one written batch (each article counted once) and each article's outcome."""

    stored: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    failed: int = 0
    outcomes: tuple[Outcome, ...] = ()
    events: int = 0
    events_replaced: int = 0


@dataclass(frozen=True, slots=True)
class Sketch:
    """A text's MinHash signature and its LSH band hashes."""

    signature: Signature
    bands: list[int]

    @classmethod
    def of(cls, text: str) -> Sketch:
        sig = signature(text)
        return cls(signature=sig, bands=bands(sig))


@dataclass(frozen=True, slots=True)
class Target:
    """An earlier article a new one may duplicate: its order, signature and group's first."""

    id: str
    seq: int
    signature: Signature
    root: str | None = None  # its duplicate_of, if it is a near-duplicate itself
    root_seq: int | None = None
    root_signature: Signature | None = None


@dataclass(frozen=True, slots=True)
class NewArticle:
    """A new article as it will be stored."""

    article: Article
    seq: int
    sketch: Sketch
    duplicate_of: str | None = None
    similarity: float | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    new: list[NewArticle] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def result(self, *, failed: int, events: EventPlan) -> BatchResult:
        kinds = [o.outcome for o in self.outcomes]
        return BatchResult(
            stored=kinds.count("stored"),
            duplicates=kinds.count("duplicate"),
            near_duplicates=kinds.count("near_duplicate"),
            failed=failed,
            outcomes=tuple(self.outcomes),
            events=len(events.insert),
            events_replaced=events.replaced,
        )


def new_articles(articles: Iterable[Article], *, existing: set[str]) -> list[Article]:
    """The first occurrence of each id not already stored, in batch order."""
    seen = set(existing)
    new = []
    for article in articles:
        if article.id not in seen:
            seen.add(article.id)
            new.append(article)
    return new


def plan_batch(
    articles: Sequence[Article],
    *,
    sketches: dict[str, Sketch],
    stored_targets: dict[str, list[Target]],
    threshold: float,
    first_seq: int,
) -> Plan:
    """Sort the batch. ``sketches`` holds exactly the new articles (see :func:`new_articles`);
    ``stored_targets`` the stored articles sharing a band with each of them, by new id."""
    linker = _Linker(stored_targets=stored_targets, threshold=threshold)
    unseen = dict(sketches)  # an id's first occurrence takes its sketch; later ones are duplicates
    plan = Plan()
    for article in articles:
        sketch = unseen.pop(article.id, None)
        if sketch is None:
            plan.outcomes.append(Outcome(article.id, "duplicate"))
            continue
        new = linker.link(article, sketch=sketch, seq=first_seq + len(plan.new))
        plan.new.append(new)
        kind: OutcomeKind = "stored" if new.duplicate_of is None else "near_duplicate"
        plan.outcomes.append(Outcome(article.id, kind, new.duplicate_of))
    return plan


class _Linker:
    """Finds, for each new article in turn, the first article of the group it belongs to."""

    def __init__(self, *, stored_targets: dict[str, list[Target]], threshold: float) -> None:
        self.stored_targets = stored_targets
        self.threshold = threshold
        self.batch: dict[str, Target] = {}
        self.buckets: defaultdict[tuple[int, int], list[str]] = defaultdict(list)

    def link(self, article: Article, *, sketch: Sketch, seq: int) -> NewArticle:
        sig = sketch.signature
        targets = self._targets(article.id, sketch)
        root = _group_first([t for t in targets if similarity(sig, t.signature) >= self.threshold])
        new = NewArticle(article=article, seq=seq, sketch=sketch)
        if root is not None:
            new = replace(new, duplicate_of=root.id, similarity=similarity(sig, root.signature))
        self._remember(new, root=root)
        return new

    def _targets(self, article_id: str, sketch: Sketch) -> list[Target]:
        ids = {i for key in enumerate(sketch.bands) for i in self.buckets.get(key, ())}
        in_batch = [self.batch[i] for i in ids]
        return self.stored_targets.get(article_id, []) + in_batch

    def _remember(self, new: NewArticle, *, root: Target | None) -> None:
        self.batch[new.article.id] = Target(
            id=new.article.id,
            seq=new.seq,
            signature=new.sketch.signature,
            root=root.id if root else None,
            root_seq=root.seq if root else None,
            root_signature=root.signature if root else None,
        )
        for key in enumerate(new.sketch.bands):
            self.buckets[key].append(new.article.id)


def _group_first(matches: list[Target]) -> Target | None:
    """The earliest match that is a group's first; failing that, the earliest match's first.

    A match is a near-duplicate itself when the new text resembles a copy more than the original
    (each edit moves it further); it still joins the original's group, so groups never chain.
    """
    direct = [t for t in matches if t.root is None]
    if direct:
        return min(direct, key=lambda t: t.seq)
    if not matches:
        return None
    return _root_of(min(matches, key=lambda t: (t.root_seq or 0, t.seq)))


def _root_of(target: Target) -> Target:
    """The group's first article of a near-duplicate ``target``."""
    assert target.root is not None
    # Without the first's signature (one of another SIGNATURE_VERSION), the match's stands in.
    sig = target.root_signature if target.root_signature is not None else target.signature
    return Target(id=target.root, seq=target.root_seq or 0, signature=sig)


@dataclass(frozen=True, slots=True)
class EventPlan:
    """Events to insert, and the (article id, coder) pairs whose stored events go first."""

    insert: list[Event] = field(default_factory=list)
    delete: list[tuple[str, str]] = field(default_factory=list)
    replaced: int = 0


def coder_family(coder: str) -> str:
    """The coder without its version: ``rules.v2`` -> ``rules``. Versions replace each other."""
    family, dot, version = coder.rpartition(".")
    return family if dot and version[:1] == "v" and version[1:].isdigit() else coder


def plan_events(
    coded: Sequence[CodedArticle],
    *,
    existing: set[str],
    stored: Mapping[str, Sequence[Event]],
) -> EventPlan:
    """The batch's event writes (see the module docstring). ``existing``: the batch's article ids
    stored before it; ``stored``: the stored events of those articles, by article id."""
    insert: list[Event] = []
    delete: list[tuple[str, str]] = []
    replaced, seen = 0, set()
    for item in coded:
        article_id = item.article.id
        if article_id in seen or item.coder is None:
            continue
        seen.add(article_id)
        events = _checked_events(item)
        if article_id in existing:
            old = [e for e in stored.get(article_id, ()) if _same_family(e.coder, item.coder)]
            if set(old) == set(events):
                continue
            delete.extend((article_id, c) for c in sorted({e.coder for e in old}))
            replaced += len(old)
        insert.extend(events)
    return EventPlan(insert=insert, delete=delete, replaced=replaced)


def _same_family(a: str, b: str) -> bool:
    return coder_family(a) == coder_family(b)


def _checked_events(item: CodedArticle) -> list[Event]:
    """The article's events, each id once (the first kept); a mislabelled event is a bug."""
    unique: dict[str, Event] = {}
    for event in item.events:
        if event.article_id != item.article.id or event.coder != item.coder:
            raise ValueError(
                f"event {event.id} says article {event.article_id}, coder {event.coder}, but "
                f"was given with article {item.article.id}, coder {item.coder}"
            )
        unique.setdefault(event.id, event)
    return list(unique.values())
