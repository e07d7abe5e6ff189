"""Which language an article is written in (py3langid, whose model ships inside the package)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

#: Below this many characters a statistical guess is unreliable, so a language the page declares
#: wins; above it, the text wins (templates often declare "en" on every page of a site).
_MIN_CHARS_TO_TRUST = 200
#: The classifier is linear in its input; the opening of an article is enough to tell.
_SAMPLE_CHARS = 3000


def detect_language(text: str, *, declared: str | None = None) -> str | None:
    """An ISO 639-1 code for ``text``; ``declared`` (from the page) decides for short texts."""
    if declared and len(text) < _MIN_CHARS_TO_TRUST:
        return declared
    sample = text[:_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return declared
    language, _ = _identifier().classify(sample)
    return str(language)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    # Built on first use, once per process: unpacking the model takes a few tenths of a second.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)
