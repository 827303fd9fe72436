"""From a month's value to a status a CEO can trust: KPI status, goal pace and forecast.

All pure functions. The exact rules are written out in the README ("How status is computed")
and each has a table-driven test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from statistics import median

from kpi.domain import months, ratios
from kpi.domain.model import Aggregation, Direction, GoalStatus, KpiStatus, MonthValue

ON_TRACK_SLACK = 0.05
"""A goal is on track while its progress is at most this far behind the time elapsed."""
AT_RISK_SLACK = 0.20
"""…and at risk while it is at most this far behind; further behind is off track."""
FORECAST_MONTHS = 6
"""The forecast fits a straight line through at most this many recent months."""
FORECAST_MIN_POINTS = 3
FORECAST_MAX_SPREAD = 0.2
"""A survey KPI's forecast is given only while its 95 % interval, from its months' margins of
error, reaches at most this share of what the KPI's unit can reach either side of it (±40 NPS
points, ±20 points of a share): a line through six months of 40 answers each, stretched over two
years, forecast +100 and then -60 for a board's NPS goal (a new company's trial)."""


def meets(value: float, target: float, direction: Direction) -> bool:
    """Whether `value` is at or beyond `target` in the KPI's good direction."""
    return value >= target if direction is Direction.HIGHER else value <= target


def kpi_status(
    value: float | None, target: float | None, direction: Direction, tolerance: float
) -> KpiStatus:
    """Green at or beyond target; amber when short by at most tolerance × |target|; else red."""
    if value is None or target is None:
        return KpiStatus.NO_DATA
    if meets(value, target, direction):
        return KpiStatus.GREEN
    return KpiStatus.AMBER if abs(value - target) <= tolerance * abs(target) else KpiStatus.RED


def flipped(now: KpiStatus | GoalStatus, before: KpiStatus | GoalStatus) -> bool:
    """Whether a status changed from last month to this one, both months measured: a month
    without data is a gap in the record, not news (a KPI first loaded is no flip)."""
    measured = KpiStatus.NO_DATA not in (now, before) and GoalStatus.NO_DATA not in (now, before)
    return now != before and measured


def expected_progress(start: date, deadline: date, month: date) -> float:
    """Share of the start→deadline time that has passed at the end of `month`, from 0 to 1."""
    span = (deadline - start).days + 1
    if span <= 0:
        return 1.0
    share = (months.add(month, 1) - start).days / span  # the time passed by the end of `month`
    return 0.0 if share < 0.0 else 1.0 if share > 1.0 else share


def progress(value: float, baseline: float, target: float) -> float | None:
    """How far from baseline to target `value` has come: 0 at baseline, 1 at target."""
    if target == baseline:
        return None
    return (value - baseline) / (target - baseline)


def goal_status(
    value: float | None,
    *,
    baseline: float | None,
    target: float | None,
    direction: Direction,
    start: date | None,
    deadline: date | None,
    month: date,
) -> GoalStatus:
    """The goal's status in `month` (see the README for the whole rule). A goal is judged from
    its start's month: before it, no status (a goal starting in January 2026 read "off track
    since February 2025")."""
    if value is None or target is None or not_started(start, month):
        return GoalStatus.NO_DATA
    if meets(value, target, direction):
        return GoalStatus.ACHIEVED
    if deadline is not None and month > months.first_of(deadline):
        return GoalStatus.MISSED
    if baseline is None:
        return GoalStatus.NO_DATA
    actual = progress(value, baseline, target)
    if actual is None:  # target equals baseline and is not met: the line was not held
        return GoalStatus.OFF_TRACK
    if start is None or deadline is None:
        return GoalStatus.AT_RISK if actual > 0 else GoalStatus.OFF_TRACK
    expected = expected_progress(start, deadline, month)
    if actual >= expected - ON_TRACK_SLACK:
        return GoalStatus.ON_TRACK
    if actual >= expected - AT_RISK_SLACK:
        return GoalStatus.AT_RISK
    return GoalStatus.OFF_TRACK


def not_started(start: date | None, month: date) -> bool:
    """Whether a goal starting on `start` has not started by `month`'s end."""
    return start is not None and months.first_of(start) > month


def forecast_window(month: date) -> list[date]:
    """The months a forecast made in `month` looks at: the FORECAST_MONTHS months up to and
    including it, oldest first. Older months are not recent, even when some are missing."""
    return [months.add(month, back) for back in range(1 - FORECAST_MONTHS, 1)]


def forecast(
    history: Sequence[tuple[date, float]], at: date, within: tuple[float, float] = (-math.inf, math.inf)
) -> float | None:
    """The value at month `at` on a line through the recent months of `history`.

    Uses the last FORECAST_MONTHS points (by month); None with fewer than FORECAST_MIN_POINTS.
    The line is Theil–Sen (the median of all pairwise slopes, through the median point), so
    one extraordinary month, such as an outage, does not swing the forecast. None too where the
    line runs past what the KPI's unit can reach (`within`, `model.UNIT_RANGES`): a line may run
    on past 100 % or below zero seconds, a KPI cannot, so the line no longer tells where it will
    be ("Forecast at deadline: 0 s" stood under three months of a falling wait, a day-one trial).
    """
    ahead = line_at(history, at)
    lowest, highest = within
    return ahead if ahead is not None and lowest <= ahead <= highest else None


def line_at(history: Sequence[tuple[date, float]], at: date) -> float | None:
    """Where `forecast`'s line stands at month `at`, wherever that is; None with too few months."""
    recent = sorted(history)[-FORECAST_MONTHS:]
    if len(recent) < FORECAST_MIN_POINTS:
        return None
    origin = recent[0][0]
    xs = [(m.year - origin.year) * 12 + m.month - origin.month for m, _ in recent]
    ys = [v for _, v in recent]
    count = len(xs)
    slope = median([(ys[j] - ys[i]) / (xs[j] - xs[i]) for i in range(count) for j in range(i + 1, count)])
    intercept = median([y - slope * x for x, y in zip(xs, ys, strict=True)])
    return intercept + slope * months.diff(origin, months.first_of(at))


def forecast_spread(history: Sequence[tuple[date, float, float]], at: date) -> float:
    """The 95 % half-width of a forecast at month `at` from survey months (month, value, margin):
    each month's margin a 95 % half-width of its own, independent of the others, carried to `at`
    by the weight a least-squares line gives that month there (`1/n + (x - x̄)(at - x̄)/Sxx`), so
    a noisy month far from the middle counts most, and the further `at` lies, the wider. The
    forecast is a Theil–Sen line, which a noisy month swings less: this errs on the wide side."""
    recent = sorted(history)[-FORECAST_MONTHS:]
    xs, mean, spread, ahead = _line_frame([m for m, _, _ in recent], at)
    if not spread:
        return math.inf
    weights = [1 / len(xs) + (x - mean) * (ahead - mean) / spread for x in xs]
    return math.sqrt(sum((w * margin) ** 2 for w, (_, _, margin) in zip(weights, recent, strict=True)))


def _line_frame(at_months: Sequence[date], at: date) -> tuple[list[int], float, float, int]:
    """A line's months (in order) as x from the first, their mean, their sum of squares about
    it (Sxx) and where `at` lies on that x: what both forecast intervals weigh by."""
    origin = at_months[0]
    xs = [months.diff(origin, m) for m in at_months]
    mean = sum(xs) / len(xs)
    return xs, mean, sum((x - mean) ** 2 for x in xs), months.diff(origin, months.first_of(at))


T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306}
"""Student's t at 97.5 % by degrees of freedom (a 95 % two-sided interval), for a line through
the `FORECAST_MONTHS` months at most: `forecast_scatter`."""


def forecast_scatter(history: Sequence[tuple[date, float]], at: date) -> float:
    """The 95 % half-width of a line's value at month `at` from how far its months (month, value)
    scatter about it: a least-squares line's confidence interval there, `t · s · √(1/n + (x − x̄)²
    / Sxx)`, `s` the residuals' standard deviation on n − 2 degrees of freedom. Infinite where the
    months cannot tell (fewer than three, or all one month)."""
    recent = sorted(history)[-FORECAST_MONTHS:]
    count = len(recent)
    if count < 3:
        return math.inf
    xs, mean_x, spread, ahead = _line_frame([m for m, _ in recent], at)
    if not spread:
        return math.inf
    ys = [v for _, v in recent]
    mean_y = sum(ys) / count
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    residuals = [y - mean_y - slope * (x - mean_x) for x, y in zip(xs, ys, strict=True)]
    deviation = math.sqrt(sum(r * r for r in residuals) / (count - 2))
    return T95[count - 2] * deviation * math.sqrt(1 / count + (ahead - mean_x) ** 2 / spread)


def change_is_better(change: float, direction: Direction) -> bool | None:
    """Whether a change is good news for a KPI of `direction` (None for no change)."""
    if change == 0:
        return None
    return change > 0 if direction is Direction.HIGHER else change < 0


def period_value(values: Sequence[MonthValue], aggregation: Aggregation, unit: str) -> float | None:
    """One value for several months (a year to date, a quarter) by the KPI's aggregation.

    `mean`, `sum`, `min`, `max` as named; `last` is the newest month's value. Survey KPIs are
    pooled: the mean of the monthly scores weighted by their answers, which equals the score of
    all the period's answers together (NPS, CSAT and CES are means of per-answer scores).

    An averaged KPI whose every month keeps the numerator and denominator it was made from (a
    pulled share of calls, seconds of wait per answered call) is their ratio of sums instead,
    shown on the `unit`'s scale (× 100 for %): 45 of 50 calls (90 %) and 10 of 100 (10 %) are
    55 of 150, 36.7 %, not the 50 % an average of the two shares says. One month without its
    parts (typed, imported, corrected by hand) or with parts its value does not equal, and the
    period is averaged as before: a ratio of some months' sums would leave the others out. Other
    aggregations keep their own rule (a summed KPI adds its months, `min`, `max` and `last` pick
    one month as chosen).
    """
    if not values:
        return None
    ordered = sorted(values, key=lambda v: v.month)
    numbers = [v.value for v in ordered]
    if aggregation.is_survey:
        weights = [v.n or 0 for v in ordered]
        total = sum(weights)
        return sum(w * x for w, x in zip(weights, numbers, strict=True)) / total if total else None
    if aggregation is Aggregation.SUM:
        return sum(numbers)
    if aggregation is Aggregation.MIN:
        return min(numbers)
    if aggregation is Aggregation.MAX:
        return max(numbers)
    if aggregation is Aggregation.LAST:
        return numbers[-1]
    pooled = _ratio_of_sums(ordered, ratios.scale_of(unit))
    return pooled if pooled is not None else sum(numbers) / len(numbers)


def _ratio_of_sums(values: Sequence[MonthValue], scale: float) -> float | None:
    """sum(numerators) ÷ sum(denominators) × `scale`, when every month has parts that make its
    value; None otherwise."""
    parts = []
    for v in values:
        if v.numerator is None or v.denominator is None:
            return None
        part = ratios.Ratio(v.numerator, v.denominator, scale)
        if not part.agrees_with(v.value):
            return None
        parts.append(part)
    return ratios.combined(parts, scale).value
