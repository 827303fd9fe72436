"""The month's target: explicit, phased from the annual target by last year, or annual."""

from datetime import date

import pytest

from kpi.domain import targets
from kpi.domain.model import Aggregation
from kpi.domain.targets import TargetKind

SEASON = {1: 80, 2: 75, 3: 70, 4: 70, 5: 65, 6: 60, 7: 60, 8: 65, 9: 70, 10: 80, 11: 100, 12: 125}
"""Last year's monthly waiting time, seconds: a quiet summer and a December peak."""
LAST_YEAR = {date(2025, m, 1): v for m, v in SEASON.items()}


def test_sum_kpis_keep_the_annual_total():
    phased = targets.phased(12_000, SEASON, Aggregation.SUM, "count")
    assert sum(phased.values()) == pytest.approx(12_000)
    assert phased[12] / phased[6] == pytest.approx(125 / 60)


@pytest.mark.parametrize("aggregation", [Aggregation.MEAN, Aggregation.LAST, Aggregation.MAX])
def test_mean_kpis_keep_the_annual_average(aggregation):
    phased = targets.phased(72, SEASON, aggregation, "s")
    assert sum(phased.values()) / 12 == pytest.approx(72)
    assert phased[12] == pytest.approx(72 * 125 / (sum(SEASON.values()) / 12))


def test_interval_scales_are_phased_by_distance_not_ratio():
    nps = {m: v - 80 for m, v in SEASON.items()}  # from -20 to +45: a ratio would be meaningless
    phased = targets.phased(30, nps, Aggregation.NPS, "nps")
    assert sum(phased.values()) / 12 == pytest.approx(30)
    assert phased[12] - phased[6] == pytest.approx(125 - 60)


def test_a_year_with_a_gap_is_not_phased():
    gap = {m: v for m, v in SEASON.items() if m != 7}
    assert set(targets.phased(72, gap, Aggregation.MEAN, "s").values()) == {72}


@pytest.mark.parametrize(
    "month, explicit, last_year, expected",
    [
        (date(2026, 12, 1), {date(2026, 12, 1): 99.0}, LAST_YEAR, (99.0, TargetKind.EXPLICIT)),
        (date(2026, 12, 1), None, LAST_YEAR, (72 * 125 / (sum(SEASON.values()) / 12), TargetKind.PHASED)),
        (date(2026, 12, 1), None, {}, (72, TargetKind.ANNUAL)),  # no history
        (date(2027, 12, 1), None, LAST_YEAR, (72, TargetKind.ANNUAL)),  # last year is 2026: none
        (date(2026, 3, 1), None, dict.fromkeys(LAST_YEAR, 70.0), (72, TargetKind.ANNUAL)),  # flat
    ],
)
def test_month_target(month, explicit, last_year, expected):
    found = targets.month_target(month, 72, last_year, Aggregation.MEAN, "s", explicit)
    assert (found.value, found.kind) == (pytest.approx(expected[0]), expected[1])


@pytest.mark.parametrize("last_year", [{}, {date(2025, m, 1): 1000.0 for m in range(1, 13)}])
def test_a_summed_kpi_without_a_profile_gets_a_twelfth_of_its_annual_target(last_year):
    found = targets.month_target(date(2026, 12, 1), 12_000, last_year, Aggregation.SUM, "count")
    assert found.value == pytest.approx(1_000) and found.kind is TargetKind.ANNUAL


def test_no_annual_target_and_no_explicit_one_is_no_target():
    assert targets.month_target(date(2026, 1, 1), None, LAST_YEAR, Aggregation.MEAN, "s") is None


def test_the_december_peak_is_within_its_phased_target():
    """A December as busy as last year's, relative to the year, meets a phased target that a
    flat target would call red."""
    annual = 70.0  # this year's ambition: 70 s on average, below last year's 76.7 s
    december = 125 * annual / (sum(SEASON.values()) / 12) * 0.98  # 2 % better than the profile
    target = targets.month_target(date(2026, 12, 1), annual, LAST_YEAR, Aggregation.MEAN, "s")
    assert december <= target.value  # lower is better: met
    assert december > annual  # against the flat annual target it would have failed


@pytest.mark.parametrize(
    ("aggregation", "unit", "low"),
    [
        (Aggregation.SUM, "count", 0),
        (Aggregation.MEAN, "s", 1),
        (Aggregation.NPS, "nps", -100),
        (Aggregation.SUM, "nps", -50),
    ],
)
def test_a_months_target_is_its_month_of_the_phased_year(aggregation, unit, low):
    """A report works out only the month it asks for (`month_target`); it is always that month of
    the twelve `phased` gives, on every scale and rule (a sum, a ratio, a distance)."""
    import random

    rng = random.Random(7)
    for _ in range(50):
        profile = {m: rng.uniform(low, 200) for m in range(1, 13)}
        year = {date(2025, m, 1): v for m, v in profile.items()}
        whole = targets.phased(1_000, profile, aggregation, unit)
        for m in range(1, 13):
            found = targets.month_target(date(2026, m, 1), 1_000, year, aggregation, unit)
            assert found is not None and found.value == whole[m]
