"""Stage 3, actors: who a mention refers to, with a country code and a sector code.

``normalise`` turns a mention into the token key every table is matched on; ``dictionaries`` loads
the shipped actor, agent, country and discard tables (and user tables in the same format) and
answers lookups against them; ``resolve`` codes every actor mention of a parsed article, with
coreference inside it (:func:`resolve_actors` → :class:`ArticleActors`).
"""

from newsevents.actors.resolve import ArticleActors, resolve_actors

__all__ = ["ArticleActors", "resolve_actors"]
