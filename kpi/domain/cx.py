"""Survey scores from individual answers: NPS, CSAT and CES, each with n and a 95 % margin.

The store counts answers per KPI and month (promoters, detractors, satisfied, sum, sum of
squares); these functions turn the counts into the score a CEO reads, and say how sure it is.
With fewer than `LOW_CONFIDENCE_N` answers the value is flagged low-confidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kpi.domain.model import LOW_CONFIDENCE_N, Aggregation

Z95 = 1.96
PROMOTER_MIN = 9
"""NPS answers from 9 up are promoters."""
DETRACTOR_MAX = 6
"""NPS answers up to 6 are detractors."""
SATISFIED_MIN = 4
"""CSAT answers from 4 up are satisfied."""


@dataclass(frozen=True, slots=True)
class SurveyCounts:
    """Answer counts of one KPI in one month, as the store aggregates them."""

    n: int
    promoters: int = 0
    """Answers 9-10 (NPS)."""
    detractors: int = 0
    """Answers 0-6 (NPS)."""
    satisfied: int = 0
    """Answers 4-5 (CSAT)."""
    total: float = 0.0
    """Sum of scores (CES)."""
    total_sq: float = 0.0
    """Sum of squared scores (CES)."""


@dataclass(frozen=True, slots=True)
class SurveyValue:
    value: float | None
    n: int
    margin: float | None
    """Half-width of the 95 % confidence interval, in the value's own unit."""

    @property
    def is_low_confidence(self) -> bool:
        return self.n < LOW_CONFIDENCE_N


def nps(counts: SurveyCounts) -> SurveyValue:
    """NPS = %(9-10) − %(0-6), in points from −100 to +100."""
    if counts.n == 0:
        return SurveyValue(None, 0, None)
    p, d = counts.promoters / counts.n, counts.detractors / counts.n
    variance = p + d - (p - d) ** 2
    return SurveyValue(100 * (p - d), counts.n, _margin(100 * Z95 * math.sqrt(variance / counts.n), counts.n))


def csat(counts: SurveyCounts) -> SurveyValue:
    """CSAT = share of answers 4-5 on a 1-5 scale, in percent."""
    if counts.n == 0:
        return SurveyValue(None, 0, None)
    p = counts.satisfied / counts.n
    return SurveyValue(100 * p, counts.n, _margin(100 * Z95 * math.sqrt(p * (1 - p) / counts.n), counts.n))


def ces(counts: SurveyCounts) -> SurveyValue:
    """CES = mean answer on a 1-7 scale; the margin uses the sample standard deviation."""
    if counts.n == 0:
        return SurveyValue(None, 0, None)
    mean = counts.total / counts.n
    if counts.n < 2:
        return SurveyValue(mean, counts.n, None)
    variance = max(counts.total_sq - counts.n * mean * mean, 0.0) / (counts.n - 1)
    return SurveyValue(mean, counts.n, _margin(Z95 * math.sqrt(variance / counts.n), counts.n))


def _margin(margin: float, n: int) -> float | None:
    """A month's margin of error, None where its answers cannot give one: a single answer, or a
    few all alike (5 of 5 promoters), whose spread of 0 says nothing of the customers' ("+100,
    n = 1 answer, ± 0.0" read as certain). Many answers all alike keep their 0."""
    if n < 2 or (margin == 0 and n < LOW_CONFIDENCE_N):
        return None
    return margin


SCORES = {Aggregation.NPS: nps, Aggregation.CSAT: csat, Aggregation.CES: ces}


def score(aggregation: Aggregation, counts: SurveyCounts) -> SurveyValue:
    """The survey value of a KPI of kind `aggregation` from its month's answer counts."""
    return SCORES[aggregation](counts)
