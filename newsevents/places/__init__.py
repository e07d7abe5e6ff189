"""Stage 6, places: every place an article names, resolved offline to a gazetteer entry.

``resolve_places(doc, title=...)`` for a parsed article (:class:`ArticlePlaces`: mentions in text
order, ``at(token)``, ``dateline``); ``resolve_spans(text, spans)`` for given spans (gold
toponyms). The gazetteer (:mod:`newsevents.places.gazetteer`) loads on first use.
"""

from newsevents.places.gazetteer import PLACE_KINDS, Gazetteer, Place, load_gazetteer
from newsevents.places.resolve import ArticlePlaces, resolve_places, resolve_spans

__all__ = [
    "PLACE_KINDS",
    "ArticlePlaces",
    "Gazetteer",
    "Place",
    "load_gazetteer",
    "resolve_places",
    "resolve_spans",
]
