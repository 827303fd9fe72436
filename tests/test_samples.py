"""Segments and touchpoints: the significance tests and the mix/rate split, against values worked
out by hand (the formulas are in kpi/domain/samples.py's docstring and the README's design notes)."""

import math
from datetime import date
from fractions import Fraction

import pytest

from kpi.domain import cx, samples
from kpi.domain.model import Aggregation, MonthValue


def nps_counts(n, promoters, detractors):
    return cx.SurveyCounts(n, promoters=promoters, detractors=detractors)


def csat_counts(n, satisfied):
    return cx.SurveyCounts(n, satisfied=satisfied)


def ces_counts(n, mean, variance):
    """Counts with this mean and sample variance: Σx = n·mean, Σx² = (n − 1)·s² + n·mean²."""
    return cx.SurveyCounts(n, total=n * mean, total_sq=(n - 1) * variance + n * mean * mean)


# Worked by hand:
# NPS: now 100 promoters and 40 detractors of 200 (+30, v = 0.5 + 0.2 − 0.3² = 0.61), before 40 and
#   30 of 100 (+10, v = 0.7 − 0.1² = 0.69): se = 100·√(0.61/200 + 0.69/100) = 100·√0.00995 = 9.97497,
#   z = 20 / 9.97497 = 2.00502, p = erfc(z/√2) = 0.04496.
# CSAT: 90 of 100 against 80 of 100, pooled 0.85: se = √(0.85·0.15·(1/100 + 1/100)) = 0.0504975,
#   z = 0.10 / 0.0504975 = 1.98030, p = 0.04767.
# CES: 50 answers, mean 5.0, s² 1.0 against 40, mean 4.5, s² 1.5: a = 0.02, b = 0.0375,
#   t = 0.5 / √0.0575 = 2.08514, df = 0.0575² / (0.02²/49 + 0.0375²/39) = 74.77, p = 0.0404.
@pytest.mark.parametrize(
    ("aggregation", "now", "before", "difference", "statistic", "p_value", "significant"),
    [
        (Aggregation.NPS, nps_counts(200, 100, 40), nps_counts(100, 40, 30), 20.0, 2.00502, 0.04496, True),
        (Aggregation.NPS, nps_counts(200, 90, 40), nps_counts(100, 40, 30), 15.0, 1.51234, 0.13045, False),
        (Aggregation.CSAT, csat_counts(100, 90), csat_counts(100, 80), 10.0, 1.98030, 0.04767, True),
        (Aggregation.CSAT, csat_counts(100, 80), csat_counts(100, 90), -10.0, -1.98030, 0.04767, True),
        (Aggregation.CSAT, csat_counts(100, 85), csat_counts(100, 80), 5.0, 0.93048, 0.35212, False),
        (Aggregation.CES, ces_counts(50, 5.0, 1.0), ces_counts(40, 4.5, 1.5), 0.5, 2.08514, 0.0404, True),
        # below MIN_N answers the change is never called significant, however large
        (Aggregation.CSAT, csat_counts(20, 20), csat_counts(20, 0), 100.0, 6.32456, 0.0, False),
        (Aggregation.NPS, nps_counts(29, 29, 0), nps_counts(300, 0, 300), 200.0, math.inf, 0.0, False),
        # the same score from other counts (5 of 23 against 5 of 23 net): exactly no change
        (Aggregation.NPS, nps_counts(23, 8, 3), nps_counts(23, 10, 5), 0.0, 0.0, 1.0, False),
        # neither month varies and nothing changed: no change
        (Aggregation.NPS, nps_counts(40, 40, 0), nps_counts(50, 50, 0), 0.0, 0.0, 1.0, False),
    ],
)
def test_a_change_is_significant_by_the_test_of_its_kind(
    aggregation, now, before, difference, statistic, p_value, significant
):
    change = samples.compare(aggregation, now, before)
    assert change is not None
    assert change.difference == pytest.approx(difference)
    if difference == 0:
        assert change.difference == 0.0  # exactly, not a rounding error shown as "+0.00"
    assert change.statistic == pytest.approx(statistic, abs=1e-4)
    assert change.p_value == pytest.approx(p_value, abs=1e-4)
    assert change.significant is significant


def test_the_second_nps_row_by_hand():
    """+25 against +10: v = 0.45 + 0.2 − 0.25² = 0.5875, se = 100·√(0.5875/200 + 0.69/100) = 9.91842,
    z = 15 / 9.91842 = 1.51234, p = erfc(z/√2) = 0.13045: not significant at 5 %."""
    se = 100 * math.sqrt((0.65 - 0.0625) / 200 + 0.69 / 100)
    assert se == pytest.approx(9.91842, abs=1e-5) and 15 / se == pytest.approx(1.51234, abs=1e-5)


@pytest.mark.parametrize(
    ("t", "df", "p"),
    [  # Student's t table: the two-sided 5 % and 10 % critical values
        (2.228139, 10, 0.05),
        (1.812461, 10, 0.10),
        (2.042272, 30, 0.05),
        (12.706205, 1, 0.05),
        (1.959964, 1e9, 0.05),  # many degrees of freedom: the normal distribution
        (0.0, 5, 1.0),
    ],
)
def test_students_t_matches_the_table(t, df, p):
    assert samples._t_two_sided(t, df) == pytest.approx(p, abs=1e-6)


def test_no_answers_in_a_month_is_no_comparison():
    assert samples.compare(Aggregation.NPS, nps_counts(0, 0, 0), nps_counts(100, 50, 10)) is None
    assert samples.compare(Aggregation.CES, ces_counts(100, 4, 1), cx.SurveyCounts(0)) is None


@pytest.mark.parametrize(("n", "enough"), [(0, False), (29, False), (30, True), (1000, True)])
def test_min_n(n, enough):
    assert samples.MIN_N == 30
    assert samples.is_enough(n) is enough


def _exact(split):
    """mix + rate against the change, and each part's mix + rate against its total."""
    assert math.fsum(p.mix + p.rate for p in split.parts) == pytest.approx(split.total, abs=1e-12)
    assert split.mix + split.rate == pytest.approx(split.total, abs=1e-12)


def test_a_worked_split_by_hand():
    """Private +40 both months, business 0 both months; business's share grows from 20 % to 40 %:
    NPS 32 → 24, all of it mix. Centre (32 + 24)/2 = 28: private (0.6 − 0.8)·(40 − 28) = −2.4,
    business (0.4 − 0.2)·(0 − 28) = −5.6."""
    before = {"private": nps_counts(80, 40, 8), "business": nps_counts(20, 5, 5)}
    now = {"private": nps_counts(60, 30, 6), "business": nps_counts(40, 10, 10)}
    split = samples.split(Aggregation.NPS, before, now)
    assert split is not None
    assert (split.before, split.now) == pytest.approx((32.0, 24.0))
    parts = {p.segment: p for p in split.parts}
    assert parts["private"].mix == pytest.approx(-2.4) and parts["private"].rate == pytest.approx(0.0)
    assert parts["business"].mix == pytest.approx(-5.6) and parts["business"].rate == pytest.approx(0.0)
    assert split.mix == pytest.approx(-8.0) and split.rate == pytest.approx(0.0)
    _exact(split)
    # business moved the score most, but had 20 answers before (under MIN_N): never named
    assert split.largest().segment == "private"


def test_rate_alone_when_the_shares_stay():
    """Same shares (50/50), private falls from 80 % to 60 % satisfied: CSAT 70 → 60, all rate,
    private's rate −20·0.5 = −10."""
    before = {"private": csat_counts(100, 80), "business": csat_counts(100, 60)}
    now = {"private": csat_counts(50, 30), "business": csat_counts(50, 30)}
    split = samples.split(Aggregation.CSAT, before, now)
    parts = {p.segment: p for p in split.parts}
    assert split.total == pytest.approx(-10.0)
    assert parts["private"].rate == pytest.approx(-10.0) and parts["private"].mix == pytest.approx(0.0)
    assert parts["business"].total == pytest.approx(0.0)
    _exact(split)


def _random_counts(rng, segments, aggregation):
    out = {}
    for segment in segments:
        n = rng.randint(1, 400)
        if aggregation is Aggregation.NPS:
            p = rng.randint(0, n)
            out[segment] = nps_counts(n, p, rng.randint(0, n - p))
        elif aggregation is Aggregation.CSAT:
            out[segment] = csat_counts(n, rng.randint(0, n))
        else:
            scores = [rng.randint(1, 7) for _ in range(n)]
            out[segment] = cx.SurveyCounts(
                n, total=float(sum(scores)), total_sq=float(sum(s * s for s in scores))
            )
    return out


@pytest.mark.parametrize("aggregation", [Aggregation.NPS, Aggregation.CSAT, Aggregation.CES])
@pytest.mark.parametrize(
    ("before_segments", "now_segments"),
    [
        (["all"], ["all"]),  # one segment: no mix at all
        (["private", "business"], ["private", "business"]),
        (["private"], ["private", "business"]),  # a new segment
        (["private", "business"], ["business"]),  # a segment gone
        (["a", "b", "c"], ["b", "c", "d"]),  # one new and one gone at once
    ],
)
def test_the_parts_add_up_to_the_change(aggregation, before_segments, now_segments):
    import random

    rng = random.Random(f"{aggregation}{before_segments}{now_segments}")
    for _ in range(50):
        before = _random_counts(rng, before_segments, aggregation)
        now = _random_counts(rng, now_segments, aggregation)
        split = samples.split(aggregation, before, now)
        _exact(split)
        whole_before = cx.score(aggregation, samples.summed(before.values())).value
        assert split.before == pytest.approx(whole_before)
        for part in split.parts:
            if part.segment not in before or part.segment not in now:
                assert part.rate == 0.0  # answered in one month only: all of it is mix
        if before_segments == now_segments == ["all"]:
            assert split.parts[0].mix == pytest.approx(0.0, abs=1e-12)
            assert split.parts[0].rate == pytest.approx(split.total)


def test_the_midpoint_identity_is_exact_in_rationals():
    """The identity itself, without rounding: Σ Δw·((r₀+r₁)/2 − c) + Δr·(w₀+w₁)/2 = S₁ − S₀."""
    w0, w1 = [Fraction(8, 10), Fraction(2, 10)], [Fraction(3, 10), Fraction(6, 10), Fraction(1, 10)]
    r0, r1 = [Fraction(40), Fraction(-5)], [Fraction(31), Fraction(-12), Fraction(70)]
    w0 = [*w0, Fraction(0)]
    r0 = [*r0, r1[2]]  # a new segment: its score now stands in for before
    s0 = sum(w * r for w, r in zip(w0, r0, strict=True))
    s1 = sum(w * r for w, r in zip(w1, r1, strict=True))
    c = (s0 + s1) / 2
    parts = [
        (b1 - a0) * ((x0 + x1) / 2 - c) + (y1 - y0) * (a0 + b1) / 2
        for a0, b1, x0, x1, y0, y1 in zip(w0, w1, r0, r1, r0, r1, strict=True)
    ]
    assert sum(parts) == s1 - s0


@pytest.mark.parametrize(
    ("before", "now"),
    [
        ({}, {"private": nps_counts(10, 5, 1)}),
        ({"private": nps_counts(10, 5, 1)}, {}),
        ({"private": cx.SurveyCounts(0)}, {"private": nps_counts(10, 5, 1)}),
        ({}, {}),
    ],
)
def test_zero_answers_in_a_month_has_no_split(before, now):
    assert samples.split(Aggregation.NPS, before, now) is None


def test_a_low_n_segment_is_never_named_the_reason():
    before = {"private": nps_counts(300, 150, 30), "business": nps_counts(10, 0, 10)}
    now = {"private": nps_counts(300, 140, 40), "business": nps_counts(12, 12, 0)}
    split = samples.split(Aggregation.NPS, before, now)
    assert abs({p.segment: p for p in split.parts}["business"].total) > abs(split.parts[1].total)
    assert split.largest().segment == "private"
    only_low = samples.split(Aggregation.NPS, {"b": nps_counts(10, 0, 10)}, {"b": nps_counts(12, 12, 0)})
    assert only_low.largest() is None


def test_ranks_skip_low_n_cells():
    values = {
        "phone": cx.SurveyValue(40.0, 100, 5.0),
        "chat": cx.SurveyValue(60.0, 12, 30.0),  # best, but too few answers to rank
        "webshop": cx.SurveyValue(50.0, 30, 9.0),
        "store": cx.SurveyValue(None, 0, None),
    }
    assert samples.ranked(values, higher_is_better=True) == {"webshop": 1, "phone": 2}
    assert samples.ranked(values, higher_is_better=False) == {"phone": 1, "webshop": 2}


def test_cells_rank_the_readable_groups_and_grey_the_rest():
    now = {"private": csat_counts(200, 170), "business": csat_counts(40, 38), "chat": csat_counts(10, 10)}
    before = {"private": csat_counts(180, 160), "business": csat_counts(35, 30), "store": csat_counts(50, 40)}
    found = samples.cells(Aggregation.CSAT, now, before, higher_is_better=True)
    assert [(c.group, c.rank) for c in found] == [
        ("business", 1),
        ("private", 2),
        ("chat", None),
        ("store", None),
    ]
    by_group = {c.group: c for c in found}
    assert by_group["chat"].change is None and not by_group["chat"].is_enough  # new, and too few
    assert by_group["store"].value.n == 0 and by_group["store"].before.value == pytest.approx(80.0)
    assert by_group["private"].change.difference == pytest.approx(85.0 - 160 / 1.8)


def _month_value(month: int, survey: cx.SurveyValue) -> MonthValue:
    assert survey.value is not None
    return MonthValue("NPS", date(2026, month, 1), survey.value, survey.n, survey.margin)


def test_a_change_is_noise_where_the_test_on_the_answers_finds_it_not_significant():
    """A tile has the two months' values, sizes and margins, not the answers: the change is
    sampling noise when it is within the margins combined, the same verdict, for NPS, as the
    z-test `compare` makes from the counts (away from the edge, where 1.96 and the exact
    quantile may part)."""
    judged = 0
    for n_now, n_before in ((40, 60), (200, 150), (1200, 1400)):
        for promoters in range(0, n_now + 1, max(1, n_now // 10)):
            now_counts = nps_counts(n_now, promoters, (n_now - promoters) // 3)
            before_counts = nps_counts(n_before, n_before // 2, n_before // 5)
            change = samples.compare(Aggregation.NPS, now_counts, before_counts)
            assert change is not None
            if abs(abs(change.statistic) - cx.Z95) < 0.02:
                continue
            now, before = _month_value(11, cx.nps(now_counts)), _month_value(10, cx.nps(before_counts))
            noise = samples.noise(now, before)
            assert (noise is None) is change.significant, (n_now, promoters, change)
            assert noise in (None, samples.Noise.WITHIN_MARGIN)
            judged += 1
    assert judged > 20


def test_a_change_of_too_few_answers_is_noise_and_a_measured_value_s_is_not_judged():
    """A month of fewer than `MIN_N` answers: its change is never called real, however large
    (+26 points from 23 answers each). A measured KPI's values (no answers) and a month without
    the month before are not judged here."""
    few = _month_value(11, cx.nps(nps_counts(23, 15, 4))), _month_value(10, cx.nps(nps_counts(23, 9, 4)))
    assert samples.noise(*few) is samples.Noise.FEW_ANSWERS
    measured = MonthValue("CS_WAIT", date(2026, 11, 1), 96.0), MonthValue("CS_WAIT", date(2026, 10, 1), 80.0)
    assert samples.noise(*measured) is None
    assert samples.noise(few[0], None) is None and samples.noise(None, few[1]) is None
