"""The status rules, case by case (README: "How status is computed")."""

import math
from datetime import date

import pytest

from kpi.domain import status
from kpi.domain.model import UNIT_RANGES, Direction, GoalStatus, KpiStatus
from kpi.text import fmt

H, L = Direction.HIGHER, Direction.LOWER


@pytest.mark.parametrize(
    ("value", "target", "direction", "tolerance", "expected"),
    [
        (85, 80, H, 0.05, KpiStatus.GREEN),
        (80, 80, H, 0.05, KpiStatus.GREEN),  # exactly at target meets it
        (78, 80, H, 0.05, KpiStatus.AMBER),  # 2 short, tolerance 4
        (76, 80, H, 0.05, KpiStatus.AMBER),  # exactly at the tolerance edge
        (75.9, 80, H, 0.05, KpiStatus.RED),
        (55, 60, L, 0.10, KpiStatus.GREEN),  # lower is better: below target is good
        (65, 60, L, 0.10, KpiStatus.AMBER),
        (120, 90, L, 0.05, KpiStatus.RED),
        (0, 0, L, 0.05, KpiStatus.GREEN),  # zero target, met
        (1, 0, L, 0.05, KpiStatus.RED),  # zero target: no tolerance band at all
        (-3, 5, H, 0.10, KpiStatus.RED),  # NPS below zero
        (4.5, 5, H, 0.10, KpiStatus.AMBER),
        (None, 80, H, 0.05, KpiStatus.NO_DATA),
        (80, None, H, 0.05, KpiStatus.NO_DATA),  # a KPI without a target cannot be judged
    ],
)
def test_kpi_status(value, target, direction, tolerance, expected):
    assert status.kpi_status(value, target, direction, tolerance) is expected


START, DEADLINE = date(2026, 1, 1), date(2026, 12, 31)


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (date(2025, 12, 1), 0.0),  # before the start: nothing expected yet
        (date(2026, 1, 1), 31 / 365),
        (date(2026, 6, 1), 181 / 365),
        (date(2026, 12, 1), 1.0),
        (date(2027, 3, 1), 1.0),  # after the deadline: everything expected
    ],
)
def test_expected_progress(month, expected):
    assert status.expected_progress(START, DEADLINE, month) == pytest.approx(expected)


def test_a_deadline_before_the_start_expects_everything_at_once():
    assert status.expected_progress(DEADLINE, START, date(2026, 1, 1)) == 1.0


def goal(
    value, baseline=100.0, target=200.0, direction=H, month=date(2026, 6, 1), start=START, deadline=DEADLINE
):
    return status.goal_status(
        value,
        baseline=baseline,
        target=target,
        direction=direction,
        start=start,
        deadline=deadline,
        month=month,
    )


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (None, {}, GoalStatus.NO_DATA),
        (200, {}, GoalStatus.ACHIEVED),
        (250, {}, GoalStatus.ACHIEVED),
        (150, {}, GoalStatus.ON_TRACK),  # 50 % done, 49.6 % of time used
        (146, {}, GoalStatus.ON_TRACK),  # 46 % ≥ 49.6 % − 5 %
        (140, {}, GoalStatus.AT_RISK),  # 40 %: within 20 points
        (125, {}, GoalStatus.OFF_TRACK),  # 25 %: more than 20 points behind
        (90, {}, GoalStatus.OFF_TRACK),  # worse than the baseline
        # lower is better: from 140 s down to 60 s
        (100, {"baseline": 140, "target": 60, "direction": L}, GoalStatus.ON_TRACK),
        (130, {"baseline": 140, "target": 60, "direction": L}, GoalStatus.OFF_TRACK),
        (55, {"baseline": 140, "target": 60, "direction": L}, GoalStatus.ACHIEVED),
        # a month before the start's: not judged yet (a goal starting in January 2026 read "off
        # track since February 2025"), whatever the value, the target met included
        (101, {"month": date(2025, 11, 1)}, GoalStatus.NO_DATA),
        (90, {"month": date(2025, 11, 1)}, GoalStatus.NO_DATA),
        (250, {"month": date(2025, 11, 1)}, GoalStatus.NO_DATA),
        # the start's own month: judged on the month's share of the time (31 of 365 days)
        (110, {"month": date(START.year, START.month, 1)}, GoalStatus.ON_TRACK),
        (90, {"month": date(START.year, START.month, 1)}, GoalStatus.AT_RISK),  # 10 % worse than baseline
        # the deadline has passed without reaching the target
        (199, {"month": date(2027, 1, 1)}, GoalStatus.MISSED),
        # …but reaching it late still counts as achieved
        (201, {"month": date(2027, 1, 1)}, GoalStatus.ACHIEVED),
        # the deadline's own month is judged on pace, not missed yet
        (199, {"month": date(2026, 12, 1)}, GoalStatus.ON_TRACK),
        # target equal to baseline ("hold the line"): met is achieved, not met is off track
        (100, {"target": 100.0}, GoalStatus.ACHIEVED),
        (99, {"target": 100.0}, GoalStatus.OFF_TRACK),
        # zero target on a lower-is-better KPI
        (0, {"baseline": 5, "target": 0, "direction": L}, GoalStatus.ACHIEVED),
        (3, {"baseline": 5, "target": 0, "direction": L}, GoalStatus.AT_RISK),
        # no baseline: pace cannot be judged
        (150, {"baseline": None}, GoalStatus.NO_DATA),
        # no start or deadline: better than baseline is at risk at best
        (150, {"deadline": None}, GoalStatus.AT_RISK),
        (90, {"start": None}, GoalStatus.OFF_TRACK),
        (None, {"target": None}, GoalStatus.NO_DATA),
    ],
)
def test_goal_status(value, kwargs, expected):
    assert goal(value, **kwargs) is expected


@pytest.mark.parametrize(
    ("history", "at", "expected"),
    [
        ([(date(2026, m, 1), 10.0 + m) for m in range(1, 7)], date(2026, 12, 1), 22.0),  # +1 a month
        ([(date(2026, m, 1), 50.0) for m in range(1, 7)], date(2027, 6, 1), 50.0),  # flat stays flat
        ([(date(2026, m, 1), 100.0 - 2 * m) for m in range(1, 13)], date(2027, 12, 1), 100.0 - 48),
        ([(date(2026, 1, 1), 1.0), (date(2026, 2, 1), 2.0)], date(2026, 12, 1), None),  # too few points
    ],
)
def test_forecast(history, at, expected):
    result = status.forecast(history, at)
    assert result == (pytest.approx(expected) if expected is not None else None)


RISING = [(date(2026, m, 1), 90.0 + 2 * m) for m in range(1, 7)]  # 92 % in January, 2 more a month
FALLING = [(date(2026, m, 1), 40.0 - 8 * m) for m in range(1, 7)]  # 32 in January, 8 fewer a month


@pytest.mark.parametrize(
    ("history", "unit", "expected"),
    [
        (RISING, "%", None),  # the line reaches 130 % by August 2027, which a share cannot
        (RISING, "count", 130.0),  # a count has no ceiling
        (FALLING, "s", None),  # the line falls to −120 s, which a waiting time cannot
        (FALLING, "nps", None),  # nor NPS, to −120
        ([(date(2026, m, 1), 4.0) for m in range(1, 7)], "ces", 4.0),  # inside the range: untouched
    ],
)
def test_a_line_that_runs_past_what_the_unit_can_reach_is_no_forecast(history, unit, expected):
    """ "Forecast at deadline: 0 s, reaching the target" stood under three months of a falling
    wait (a day-one trial): a line past the unit's end no longer says where the number will be."""
    said = status.forecast(history, date(2027, 8, 1), UNIT_RANGES[unit])
    assert said == (pytest.approx(expected) if expected is not None else None)
    if unit in ("%", "s"):
        assert status.line_at(history, date(2027, 8, 1)) == pytest.approx(130.0 if unit == "%" else -120.0)


def test_every_unit_has_a_range():
    assert set(UNIT_RANGES) == set(fmt.UNITS)
    assert all(low < high for low, high in UNIT_RANGES.values())


def test_one_extraordinary_month_does_not_swing_the_forecast():
    steady = [(date(2026, m, 1), 40.0 + (m % 2)) for m in range(1, 6)]
    outage = [(date(2026, 6, 1), 310.0)]
    without = status.forecast(steady, date(2027, 2, 1))
    # A least-squares line through these six points would forecast over 500 minutes.
    assert abs(status.forecast(steady + outage, date(2027, 2, 1)) - without) < 5


def test_forecast_uses_only_recent_months():
    old_slump = [(date(2025, m, 1), 0.0) for m in range(1, 13)]
    recent = [(date(2026, m, 1), 50.0) for m in range(1, 7)]
    assert status.forecast(old_slump + recent, date(2026, 12, 1)) == pytest.approx(50.0)


@pytest.mark.parametrize(
    ("change", "direction", "expected"),
    [
        (5, H, True),
        (-5, H, False),
        (-5, L, True),
        (5, L, False),
        (0, H, None),
    ],
)
def test_change_is_better(change, direction, expected):
    assert status.change_is_better(change, direction) is expected


def mv(month, value, n=None, parts=None, kpi="K"):
    from kpi.domain.model import MonthValue

    top, bottom = parts or (None, None)
    return MonthValue(kpi, date(2026, month, 1), value, n, numerator=top, denominator=bottom)


@pytest.mark.parametrize(
    ("values", "aggregation", "expected"),
    [
        ([mv(1, 40), mv(2, 300), mv(3, 20)], "sum", 360),  # downtime minutes add up
        ([mv(1, 70), mv(2, 80)], "mean", 75),
        ([mv(2, 5), mv(1, 9)], "last", 5),  # the newest month, whatever the order
        ([mv(1, 5), mv(2, 9)], "min", 5),
        ([mv(1, 5), mv(2, 9)], "max", 9),
        ([mv(1, 30, n=100), mv(2, 60, n=300)], "nps", 52.5),  # pooled by answers, not averaged
        ([mv(1, 80, n=0)], "csat", None),
        ([], "mean", None),
    ],
)
def test_period_value(values, aggregation, expected):
    from kpi.domain.model import Aggregation

    result = status.period_value(values, Aggregation(aggregation), "count")
    assert result == (pytest.approx(expected) if expected is not None else None)


# 45 of 50 calls answered in time (90 %) and 10 of 100 (10 %): 55 of 150 together
NINETY, TEN = mv(1, 90, parts=(45, 50)), mv(2, 10, parts=(10, 100))


@pytest.mark.parametrize(
    ("values", "aggregation", "unit", "expected"),
    [
        ([NINETY, TEN], "mean", "%", 100 * 55 / 150),  # 36.7 %, not the 50 % of an average
        ([TEN, NINETY], "mean", "%", 100 * 55 / 150),  # whatever the order
        ([NINETY, mv(2, 10)], "mean", "%", 50),  # a month without its parts: averaged as before
        ([NINETY, mv(2, 10, parts=(10, None))], "mean", "%", 50),  # half a ratio is none
        ([mv(1, 0.9, parts=(45, 50)), mv(2, 0.1, parts=(10, 100))], "mean", "%", 0.5),  # parts ≠ value
        ([mv(1, 60, parts=(3000, 50)), mv(2, 100, parts=(1000, 10))], "mean", "s", 4000 / 60),  # s per call
        ([mv(1, 900, parts=(45, 50)), mv(2, 100, parts=(10, 100))], "mean", "per1000", 1000 * 55 / 150),
        ([NINETY], "mean", "%", 90),  # one month is its own ratio
        ([mv(1, 40, parts=(40, 1)), mv(2, 300, parts=(300, 1))], "sum", "min", 340),  # minutes still add up
        ([NINETY, TEN], "last", "%", 10),  # the aggregation chosen stays chosen
        ([NINETY, TEN], "min", "%", 10),
        ([NINETY, TEN], "max", "%", 90),
    ],
)
def test_an_averaged_ratio_is_a_ratio_of_sums(values, aggregation, unit, expected):
    from kpi.domain.model import Aggregation

    assert status.period_value(values, Aggregation(aggregation), unit) == pytest.approx(expected)


def test_the_year_to_date_is_this_years_months_of_this_kpi():
    from kpi.domain import outlook
    from kpi.domain.model import Aggregation, Kpi

    share = Kpi("K", "Answered in time", "CS", "%", Direction.HIGHER, Aggregation.MEAN, 80.0)
    last_december = mv(12, 10, parts=(1, 10))._replace(month=date(2025, 12, 1))
    values = [
        last_december,
        NINETY,
        TEN,
        mv(3, 50, parts=(500, 1000), kpi="OTHER"),
        mv(11, 20, parts=(2, 10)),
    ]
    assert outlook.year_to_date(values, date(2026, 2, 1), share) == pytest.approx(100 * 55 / 150)
    assert outlook.year_to_date(values, date(2026, 1, 1), share) == pytest.approx(90)


def test_a_forecast_s_scatter_interval_widens_with_the_months_spread_and_the_distance():
    """A survey forecast's margin counted only its months' sampling error: months that scatter
    more than their margins said read as a surer line than they are (a review). The scatter's
    interval is a least-squares line's: none for months on a line, wider the further ahead."""
    on_line = [(date(2026, m, 1), 10.0 + m) for m in range(5, 11)]
    assert status.forecast_scatter(on_line, date(2027, 6, 1)) == pytest.approx(0.0, abs=1e-9)
    noisy = [(date(2026, m, 1), 30.0 + (4 if m % 2 else -4)) for m in range(5, 11)]
    near, far = (status.forecast_scatter(noisy, date(y, 12, 1)) for y in (2026, 2027))
    assert 0 < near < far
    # six months, 4 degrees of freedom: t = 2.776, s from the residuals about the fitted line
    xs = list(range(6))
    ys = [v for _, v in noisy]
    slope = sum((x - 2.5) * (y - 30.0) for x, y in zip(xs, ys, strict=True)) / 17.5
    s = math.sqrt(sum((y - 30.0 - slope * (x - 2.5)) ** 2 for x, y in zip(xs, ys, strict=True)) / 4)
    assert near == pytest.approx(2.776 * s * math.sqrt(1 / 6 + (7 - 2.5) ** 2 / 17.5))
    assert status.forecast_scatter(noisy[:2], date(2027, 1, 1)) == math.inf
