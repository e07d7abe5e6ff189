"""Stage 3, actors: who a mention refers to, with a country code and a sector code.

``normalise`` turns a mention into the token key every table is matched on; ``dictionaries`` loads
the shipped actor, agent, country and discard tables (and user tables in the same format) and
answers lookups against them.
"""
