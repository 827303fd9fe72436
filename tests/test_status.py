"""The status rules, case by case (README: "How status is computed")."""

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
        # a month before the start: expected progress 0, so any move the right way is on track
        (101, {"month": date(2025, 11, 1)}, GoalStatus.ON_TRACK),
        (90, {"month": date(2025, 11, 1)}, GoalStatus.AT_RISK),  # 10 % worse than baseline
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
        (RISING, "%", 100.0),  # the line reaches 130 % by August 2027; a share stops at 100 %
        (RISING, "count", 130.0),  # a count has no ceiling
        (FALLING, "s", 0.0),  # the line falls to −120 s; a waiting time stops at zero
        (FALLING, "nps", -100.0),  # NPS may be negative, down to −100
        ([(date(2026, m, 1), 4.0) for m in range(1, 7)], "ces", 4.0),  # inside the range: untouched
    ],
)
def test_a_forecast_stays_within_what_the_unit_can_reach(history, unit, expected):
    assert status.forecast(history, date(2027, 8, 1), UNIT_RANGES[unit]) == pytest.approx(expected)
    if unit in ("%", "s"):
        assert status.forecast(history, date(2027, 8, 1)) == pytest.approx(130.0 if unit == "%" else -120.0)


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


def mv(month, value, n=None):
    from kpi.domain.model import MonthValue

    return MonthValue("K", date(2026, month, 1), value, n)


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

    result = status.period_value(values, Aggregation(aggregation))
    assert result == (pytest.approx(expected) if expected is not None else None)
