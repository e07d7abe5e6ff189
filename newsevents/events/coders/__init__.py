"""Event coders by versioned name (``Settings.coder``).

    rules.v1   dependency patterns from data files (newsevents/data/patterns), with modality,
               reported speech and repeats merged (:mod:`newsevents.events.coders.rules`)

A coder is built once per process and set of options, then reused for every article.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from newsevents.config import Settings
from newsevents.errors import UsageError
from newsevents.events.coders.base import Coder


def _rules_v1(settings: Settings) -> Coder:
    from newsevents.events.coders.rules import RulesCoder
    from newsevents.events.patterns import load_patterns

    patterns = load_patterns(extra=settings.pattern_files)
    return RulesCoder(
        patterns=patterns,
        keep_unresolved=settings.keep_unresolved,
        max_sentences=settings.max_coded_sentences,
    )


#: Versioned name -> factory. A coder whose behaviour changes gets a new name beside the old.
CODERS: dict[str, Callable[[Settings], Coder]] = {"rules.v1": _rules_v1}


def get_coder(name: str, *, settings: Settings) -> Coder:
    """The coder registered as ``name``, built for ``settings`` (cached per process)."""
    if name not in CODERS:
        known = ", ".join(sorted(CODERS))
        raise UsageError(f"unknown coder {name!r}; known coders: {known}")
    return _build(
        name, settings.pattern_files, settings.keep_unresolved, settings.max_coded_sentences
    )


@cache
def _build(name: str, pattern_files: tuple, keep_unresolved: bool, max_sentences: int) -> Coder:
    settings = Settings(
        pattern_files=pattern_files,
        keep_unresolved=keep_unresolved,
        max_coded_sentences=max_sentences,
    )
    return CODERS[name](settings)
