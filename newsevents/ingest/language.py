"""Which language an article is written in (py3langid, whose model ships inside the package)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

#: Below this many characters a statistical guess is unreliable, so a language the page declares
#: wins; above it, the text wins (templates often declare "en" on every page of a site).
_MIN_CHARS_TO_TRUST = 200
#: The classifier is linear in its input; the opening of an article is enough to tell.
_SAMPLE_CHARS = 3000
#: On a short text, the least (normalised) probability at which the guess is kept; below it
#: the language is unknown (``None``, coded as English). One sentence full of place names
#: ("Kenya and Uganda signed a trade agreement.") reads as Luganda at 0.53, and a Nigerian
#: news sentence as Nigerian Pidgin at 0.69; real Spanish or French sentences score 0.9+
#: once the candidates are the languages with two-letter codes.
_MIN_SHORT_PROBABILITY = 0.8


def detect_language(text: str, *, declared: str | None = None) -> str | None:
    """An ISO 639-1 code for ``text``; ``declared`` (from the page) decides for short texts."""
    if declared and len(text) < _MIN_CHARS_TO_TRUST:
        return declared
    sample = text[:_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return declared
    language, probability = _identifier().classify(sample)
    if len(text) < _MIN_CHARS_TO_TRUST and probability < _MIN_SHORT_PROBABILITY:
        return None
    return str(language)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    # Built on first use, once per process: unpacking the model takes a few tenths of a second.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # Only languages with ISO 639-1 codes: the model's regional varieties and creoles (Nigerian
    # Pidgin, Extremaduran, Venetian) take short English and Spanish news text otherwise.
    identifier.set_languages([code for code in identifier.nb_classes if len(code) == 2])
    return identifier
