"""Statuses that say no more than the numbers can, and the reason when a goal and its KPI differ.

A KPI's status compares the month's value with the month's target; a goal's compares it with the
goal's trajectory (baseline → target from start to deadline). Three rules keep both honest:

- **Low confidence** (a survey month of fewer than `LOW_CONFIDENCE_N` answers): a status must
  hold across the value's 95 % margin. A KPI whose status would change within the margin shows
  *close* (amber: too few answers to tell); a goal is never *achieved* or *off track*/*missed* on
  such a month alone: it shows *on track* or *at risk* instead.
- **Achieved needs assurance**: where its KPI has a process reading, a goal whose target is met
  this month shows ★ *achieved* only when the process, as its limits say, meets the goal's
  target every month (consistently passing). Met by chance (the target inside the limits), or
  by a process still moving (a shift or trend: its limits no longer describe it), it is *on
  track*, with that reason: met this month, not yet shown to hold.
- **A goal without start or deadline** has no pace: its status (at risk while better than its
  baseline) says so, so a parent and child on the same KPI and target can differ visibly.

Where a goal's status and its KPI's disagree (good against bad), the goal carries a `Reason`.
Pure: statuses in, statuses and reasons out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from kpi.domain import months, signals, status
from kpi.domain.model import Direction, Goal, GoalStatus, KpiStatus, MonthValue


class Reason(StrEnum):
    LOW_CONFIDENCE = "low_confidence"
    """Too few survey answers this month to tell."""
    NOT_ASSURED = "not_assured"
    """The goal's target is met this month, but the process meets it by chance or not at all."""
    NO_DEADLINE = "no_deadline"
    """Without a start and a deadline the goal has no pace to be judged by."""
    NOT_STARTED = "not_started"
    """The goal starts after the month: it is judged from its start."""
    NO_BASELINE = "no_baseline"
    """The KPI has a value, but the goal no baseline to measure its progress from."""
    PACE_AHEAD = "pace_ahead"
    """The goal keeps pace with its trajectory while the KPI misses the month's target."""
    TARGET_BEYOND = "target_beyond"
    """The KPI meets the month's target; the goal aims further and is behind its pace."""


def _edges(value: MonthValue) -> tuple[float, float] | None:
    """The value's 95 % interval when it is a low-confidence survey month with a margin."""
    if not value.is_low_confidence or not value.margin:
        return None
    return value.value - value.margin, value.value + value.margin


def kpi_status(
    value: MonthValue | None, target: float | None, direction: Direction, tolerance: float
) -> tuple[KpiStatus, Reason | None]:
    """The KPI's status against the month's target, amber where too few answers cannot tell."""
    found = status.kpi_status(value.value if value else None, target, direction, tolerance)
    edges = _edges(value) if value else None
    if edges and any(status.kpi_status(e, target, direction, tolerance) is not found for e in edges):
        return KpiStatus.AMBER, Reason.LOW_CONFIDENCE
    return found, None


def goal_status(
    goal: Goal,
    direction: Direction,
    value: MonthValue | None,
    month: date,
    reading: signals.Reading | None = None,
) -> tuple[GoalStatus, Reason | None]:
    """The goal's pace status (`status.goal_status`), tempered by confidence and assurance."""

    def judged(number: float | None) -> GoalStatus:
        return status.goal_status(
            number,
            baseline=goal.baseline,
            target=goal.target,
            direction=direction,
            start=goal.start,
            deadline=goal.deadline,
            month=month,
        )

    if status.not_started(goal.start, month):
        return GoalStatus.NO_DATA, Reason.NOT_STARTED
    found = judged(value.value if value else None)
    edges = _edges(value) if value else None
    if edges and found is GoalStatus.ACHIEVED and any(judged(e) is not found for e in edges):
        return GoalStatus.ON_TRACK, Reason.LOW_CONFIDENCE
    if edges and found.is_red and any(not judged(e).is_red for e in edges):
        return GoalStatus.AT_RISK, Reason.LOW_CONFIDENCE
    if found is GoalStatus.ACHIEVED and reading is not None:
        assured = None if reading.moved else signals.assurance(reading.limits, goal.target, direction)
        if assured is not signals.Assurance.PASSING:
            return GoalStatus.ON_TRACK, Reason.NOT_ASSURED
    if found is not GoalStatus.NO_DATA and (goal.start is None or goal.deadline is None):
        return found, Reason.NO_DEADLINE
    if (
        found is GoalStatus.NO_DATA
        and value is not None
        and goal.target is not None
        and goal.baseline is None
    ):
        return found, Reason.NO_BASELINE  # "no data" beside a value would not say what is missing
    return found, None


_GOAL_RANK = {
    GoalStatus.ACHIEVED: 0,
    GoalStatus.ON_TRACK: 0,
    GoalStatus.AT_RISK: 1,
    GoalStatus.OFF_TRACK: 2,
    GoalStatus.MISSED: 2,
}
_KPI_RANK = {KpiStatus.GREEN: 0, KpiStatus.AMBER: 1, KpiStatus.RED: 2}


def disagreement(goal: GoalStatus, kpi: KpiStatus) -> Reason | None:
    """Why a goal's colour differs from its KPI's (None when they agree, at risk beside amber
    included, or either is unmeasured)."""
    if goal not in _GOAL_RANK or kpi not in _KPI_RANK:
        return None
    ours, theirs = _GOAL_RANK[goal], _KPI_RANK[kpi]
    if ours == theirs:
        return None
    return Reason.PACE_AHEAD if ours < theirs else Reason.TARGET_BEYOND


def path(goal: Goal, shown: Iterable[date]) -> tuple[tuple[date, float], ...]:
    """`(month, level)` of the goal's planned path (`on_pace`) at each month of `shown` it has
    one: what its status is judged against, for a chart to draw under its values."""
    return tuple((month, level) for month in shown if (level := on_pace(goal, month)) is not None)


def on_pace(goal: Goal, month: date) -> float | None:
    """Where the goal's trajectory stands at the end of `month`: baseline + the share of the time
    elapsed × (target − baseline); None without baseline, target, start or deadline."""
    if goal.baseline is None or goal.target is None or goal.start is None or goal.deadline is None:
        return None
    if status.not_started(goal.start, months.first_of(month)):
        return None  # a goal not started has no path yet
    elapsed = status.expected_progress(goal.start, goal.deadline, months.first_of(month))
    return goal.baseline + elapsed * (goal.target - goal.baseline)
