"""Stage 5, time: each event's date, from the time expressions that govern its action.

:mod:`.expressions` reads an expression ("on Thursday", "since January", "the 1990s") into a
calendar value against the publication date and the tense of its verb; :mod:`.governing` finds
the expressions that govern an event's action and dates the events of an article.
"""

from newsevents.time.expressions import (
    TimeValue,
    kind_of,
    read_expression,
    resolve,
    resolve_value,
)
from newsevents.time.governing import (
    date_events,
    date_of,
    expression_tense,
    governing_expressions,
    tense_of,
)

__all__ = [
    "TimeValue",
    "date_events",
    "date_of",
    "expression_tense",
    "governing_expressions",
    "kind_of",
    "read_expression",
    "resolve",
    "resolve_value",
    "tense_of",
]
