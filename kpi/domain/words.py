"""Customers' own words: the score groups a survey answer falls in, for every survey kind.

Pure. A comment is read beside its score, so the "customers' own words" view filters by the
score's group, and the demo picks a comment's sentiment by it:

- NPS (0-10): detractors 0-6, passives 7-8, promoters 9-10 (`cx.DETRACTOR_MAX`, `cx.PROMOTER_MIN`);
- CSAT (1-5): dissatisfied 1-2, neutral 3, satisfied 4-5 (`cx.SATISFIED_MIN`: the share CSAT counts);
- CES (1-7, higher is easier): difficult 1-3, neutral 4, easy 5-7 (the scale's middle is neutral).

Each kind's groups run from the worst to the best (`GROUPS`), so the first is the one to read first.
"""

from __future__ import annotations

from kpi.domain import cx
from kpi.domain.model import SURVEY_SCALES, Aggregation

GROUPS: dict[Aggregation, tuple[str, str, str]] = {
    Aggregation.NPS: ("detractors", "passives", "promoters"),
    Aggregation.CSAT: ("dissatisfied", "neutral", "satisfied"),
    Aggregation.CES: ("difficult", "neutral", "easy"),
}
"""Each survey kind's score groups, worst first."""

_CES_NEUTRAL = 4

MIN_N = 30
"""Fewer comments than this in a touchpoint's bar is too few to compare: the bar is greyed (the
bars are never ranked; they keep the touchpoints' order)."""


def bounds(aggregation: Aggregation, group: str) -> tuple[int, int]:
    """The lowest and highest score of `group` (one of `GROUPS[aggregation]`), both included."""
    low, high = SURVEY_SCALES[aggregation]
    cuts = {
        Aggregation.NPS: (cx.DETRACTOR_MAX, cx.PROMOTER_MIN),
        Aggregation.CSAT: (cx.SATISFIED_MIN - 2, cx.SATISFIED_MIN),
        Aggregation.CES: (_CES_NEUTRAL - 1, _CES_NEUTRAL + 1),
    }[aggregation]
    spans = ((low, cuts[0]), (cuts[0] + 1, cuts[1] - 1), (cuts[1], high))
    return spans[GROUPS[aggregation].index(group)]


def score_group(aggregation: Aggregation, score: int) -> str:
    """The group a score falls in (a score off the scale falls in none: ValueError)."""
    for group in GROUPS[aggregation]:
        low, high = bounds(aggregation, group)
        if low <= score <= high:
            return group
    raise ValueError(f"{score} is off the {aggregation} scale")
