"""Each fact has one home: every place that needs a unit, a scale, a phase, a default or a status
rule reads it from there, so changing the fact changes the product everywhere at once."""

import pytest

from kpi.domain import status
from kpi.domain.model import ActionStatus, GoalStatus, KpiStatus


@pytest.mark.parametrize(
    ("now", "before", "expected"),
    [
        (KpiStatus.RED, KpiStatus.GREEN, True),
        (KpiStatus.GREEN, KpiStatus.AMBER, True),
        (KpiStatus.GREEN, KpiStatus.GREEN, False),
        (KpiStatus.RED, KpiStatus.NO_DATA, False),  # first month with data: no news yet
        (KpiStatus.NO_DATA, KpiStatus.AMBER, False),  # a missing month is a gap, not a flip
        (GoalStatus.OFF_TRACK, GoalStatus.ON_TRACK, True),
        (GoalStatus.ACHIEVED, GoalStatus.ACHIEVED, False),
        (GoalStatus.MISSED, GoalStatus.NO_DATA, False),
    ],
)
def test_a_flip_is_a_change_between_two_measured_months(now, before, expected):
    assert status.flipped(now, before) is expected


@pytest.mark.parametrize(
    ("goal_status", "is_red", "is_green"),
    [
        (GoalStatus.ACHIEVED, False, True),
        (GoalStatus.ON_TRACK, False, True),
        (GoalStatus.AT_RISK, False, False),
        (GoalStatus.OFF_TRACK, True, False),
        (GoalStatus.MISSED, True, False),
        (GoalStatus.NO_DATA, False, False),
    ],
)
def test_red_and_green_goals(goal_status, is_red, is_green):
    assert (goal_status.is_red, goal_status.is_green) == (is_red, is_green)


def test_open_actions_are_planned_or_in_progress():
    assert [s for s in ActionStatus if s.is_open] == [ActionStatus.PLANNED, ActionStatus.DOING]
