"""Scorers and suites that measure newsevents against the shared gold data.

Each suite returns a report dataclass with the numbers and the counts behind them; the floors
they must stay above are pinned in ``eval/floors.toml`` at the repository root and checked by the
test suite. :mod:`.extraction` scores article-body extraction on the scrapinghub benchmark;
:mod:`.plover` event types and actor countries on the PLOVER gold records; :mod:`.quad` the
five-class event grouping on the ConfliBERT CAMEO sentences (:mod:`.events`: what those two share);
:mod:`.dates` resolved time expressions on TimeML's DATE values.
"""
