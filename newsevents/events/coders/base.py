"""What an event coder is: a versioned name and one method from a parsed article to events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from newsevents.actors.resolve import ArticleActors
    from newsevents.records import Article, Event


class Coder(Protocol):
    """An event coder. ``name`` is versioned ("rules.v1"): a change of behaviour is a new name,
    and every stored event records the name of the coder that produced it."""

    name: str

    def code(self, article: Article, doc: Doc, actors: ArticleActors) -> tuple[Event, ...]:
        """The events of one article, in text order, repeats already merged."""
        ...
