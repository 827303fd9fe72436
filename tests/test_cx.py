"""NPS, CSAT and CES from answer counts, with sample size and 95 % margin."""

import math

import pytest

from kpi.domain import cx
from kpi.domain.model import Aggregation


def counts_of(scores):
    return cx.SurveyCounts(
        n=len(scores),
        promoters=sum(s >= 9 for s in scores),
        detractors=sum(s <= 6 for s in scores),
        satisfied=sum(s >= 4 for s in scores),
        total=float(sum(scores)),
        total_sq=float(sum(s * s for s in scores)),
    )


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([10] * 50 + [7] * 30 + [3] * 20, 30.0),  # 50 % promoters − 20 % detractors
        ([9, 10, 8, 7], 50.0),  # passives count in the denominator
        ([8, 7, 8, 7], 0.0),  # 7-8 is not 9-10: satisfied, not loyal
        ([0] * 10, -100.0),
        ([10] * 10, 100.0),
    ],
)
def test_nps(scores, expected):
    assert cx.nps(counts_of(scores)).value == pytest.approx(expected)


def test_nps_margin_matches_the_formula():
    result = cx.nps(counts_of([10] * 50 + [7] * 30 + [3] * 20))
    p, d = 0.5, 0.2
    assert result.margin == pytest.approx(100 * 1.96 * math.sqrt((p + d - (p - d) ** 2) / 100))
    assert result.n == 100 and not result.is_low_confidence


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([5, 4, 3, 2], 50.0),
        ([5] * 9 + [1], 90.0),
    ],
)
def test_csat(scores, expected):
    assert cx.csat(counts_of(scores)).value == pytest.approx(expected)


def test_ces_mean_and_margin():
    scores = [7, 6, 5, 4, 3]
    result = cx.ces(counts_of(scores))
    assert result.value == pytest.approx(5.0)
    sd = math.sqrt(sum((s - 5) ** 2 for s in scores) / 4)
    assert result.margin == pytest.approx(1.96 * sd / math.sqrt(5))


@pytest.mark.parametrize("aggregation", [Aggregation.NPS, Aggregation.CSAT, Aggregation.CES])
def test_no_answers_means_no_value(aggregation):
    assert cx.score(aggregation, cx.SurveyCounts(n=0)).value is None


def test_fewer_than_30_answers_is_low_confidence():
    assert cx.nps(counts_of([10] * 29)).is_low_confidence
    assert not cx.nps(counts_of([10] * 30)).is_low_confidence


@pytest.mark.parametrize("aggregation", [Aggregation.NPS, Aggregation.CSAT, Aggregation.CES])
def test_one_answer_has_a_value_and_no_margin(aggregation):
    """One answer has no spread to measure: NPS and CSAT gave it a margin of 0 (the Overview said
    "+100, n = 1 answer, ± 0.0", an adversarial trial), as CES already gave none."""
    one = cx.score(aggregation, counts_of([5]))
    assert one.value is not None and one.n == 1 and one.margin is None
    assert (
        cx.score(aggregation, counts_of([9, 5] if aggregation is Aggregation.NPS else [5, 3])).margin
        is not None
    )
    # a few answers all alike have no spread to tell of either (a review: "n = 5, ± 0.0");
    # many all alike keep their margin of 0
    alike = [10] if aggregation is Aggregation.NPS else [5]
    assert cx.score(aggregation, counts_of(alike * 5)).margin is None
    assert cx.score(aggregation, counts_of(alike * 30)).margin == 0
