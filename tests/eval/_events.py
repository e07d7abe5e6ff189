"""Hand-made events for the event-coding suites' tests: just the fields the scorers read."""

from __future__ import annotations

from collections.abc import Sequence

from newsevents.records import Actor, Event


def actor(country: str | None, *, sector: str | None = None) -> Actor:
    code = (country or "") + (sector or "")
    return Actor(code, code, code, country, sector, "country", 0, 3)


def event(
    cameo: str = "042",
    *,
    plover_type: str | None = "CONSULT",
    source: str | None = "USA",
    target: str | None = None,
    confidence: float = 0.5,
    action: tuple[int, int] = (4, 9),
) -> Event:
    """An event with CAMEO code ``cameo`` between the given countries (``None``: no target)."""
    return Event(
        id=f"e-{cameo}-{action[0]}",
        article_id="a",
        source=actor(source),
        target=None if target is None else actor(target),
        cameo=cameo,
        root=cameo[:2],
        quad_class=1,
        goldstein=1.0,
        plover_type=plover_type,
        plover_mode=None,
        plover_context=None,
        modality="asserted",
        sentence="",
        sentence_start=0,
        action_start=action[0],
        action_end=action[1],
        confidence=confidence,
        coder="fake.v1",
    )


class FakeCoder:
    """Answers each text from a table (``()`` for texts it does not know); records its calls."""

    def __init__(self, answers: dict[str, Sequence[Event]]) -> None:
        self.answers = answers
        self.calls: list[tuple[list[str], list[object], bool]] = []

    def __call__(self, texts, *, published, include_unresolved):  # type: ignore[no-untyped-def]
        self.calls.append((list(texts), list(published), include_unresolved))
        return [tuple(self.answers.get(text, ())) for text in texts]
