"""Stage 4, events: sentences to coded events.

``ontology`` holds the vocabulary (CAMEO codes, QuadClass, Goldstein, PLOVER); ``patterns`` loads
the verb and noun patterns a rule-based coder applies. Both read data files lazily, once per
process.
"""
