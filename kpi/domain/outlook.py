"""What a page reads off a month report besides its rows: a goal's forecast to its deadline, the
actions overdue, how many of a customer promise's KPIs are green, a KPI's year to date.

Pure: records and month values in, numbers and records out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

from kpi.domain import months, status
from kpi.domain.model import UNIT_RANGES, Action, Kpi, KpiStatus, MonthValue, within_unit
from kpi.domain.month_rows import GoalRow, KpiRow
from kpi.domain.report import MonthReport


def forecast(row: GoalRow, series: Sequence[MonthValue], month: date) -> float | None:
    """The goal's KPI value at the deadline, on the line through the KPI's values in the months
    of `status.forecast_window(month)`; `series` holds the KPI's month values (any months, any
    order: a page passes the trend values it draws). None when the goal has no KPI or deadline,
    its deadline's month has come, or the window holds too few values or a low-confidence one,
    or the line runs past what the KPI's unit can reach by then (`runs_out`)."""
    recent = _forecastable(row, series, month)
    if recent is None or row.kpi is None or row.goal.deadline is None:
        return None
    return status.forecast([(v.month, v.value) for v in recent], row.goal.deadline, UNIT_RANGES[row.kpi.unit])


def _forecastable(row: GoalRow, series: Sequence[MonthValue], month: date) -> list[MonthValue] | None:
    """The months a goal's forecast is drawn through (`forecast`), or None where it has none,
    whatever they show: no KPI or deadline, its deadline's month come, the goal not yet started
    (no path to forecast along), or survey months too uncertain (`too_uncertain`)."""
    deadline = row.goal.deadline
    if row.kpi is None or deadline is None or months.first_of(deadline) <= month:
        return None
    if status.not_started(row.goal.start, month):
        return None
    recent = _recent(row.kpi.code, series, month)
    return None if _uncertain(recent, deadline, row.kpi.unit) else recent


def _recent(kpi: str, series: Sequence[MonthValue], month: date) -> list[MonthValue]:
    """The KPI's values in the months a forecast made in `month` looks at."""
    window = set(status.forecast_window(month))
    return [v for v in series if v.month in window and v.kpi == kpi]


class Forecast(NamedTuple):
    """A goal's forecast at its deadline (`forecast`) and, for a survey goal, its 95 % half-width
    (`forecast_margin`); None where there is none."""

    value: float | None
    margin: float | None = None


def forecast_with_margin(row: GoalRow, series: Sequence[MonthValue], month: date) -> Forecast:
    """`forecast` and `forecast_margin` together, as the command line and its JSON tell them."""
    value = forecast(row, series, month)
    return Forecast(value, forecast_margin(row, series, month) if value is not None else None)


def forecast_margin(row: GoalRow, series: Sequence[MonthValue], month: date) -> float | None:
    """The 95 % half-width of the forecast of a survey goal that has one (`forecast`: asked of
    those only): the wider of what its months' margins of error carry to the deadline
    (`status.forecast_spread`) and what their scatter about the line does
    (`status.forecast_scatter`: months that vary more than their margins say); None for a measured
    KPI. "+40, still reaching the target" stood under eight flat months of an NPS measured to ±4
    points a month (a CX director's trial): the line's reach is uncertain, and the reader is told
    how much."""
    deadline = row.goal.deadline
    if row.kpi is None or deadline is None:
        return None
    margins = _surveyed(_recent(row.kpi.code, series, month))
    if not margins:
        return None
    scatter = status.forecast_scatter([(m, v) for m, v, _ in margins], deadline)
    return max(status.forecast_spread(margins, deadline), scatter)


def _surveyed(recent: Sequence[MonthValue]) -> list[tuple[date, float, float]]:
    """(month, value, margin) of the `recent` months, where every one has a margin of error and
    there are enough of them for a line (`status.FORECAST_MIN_POINTS`); else none."""
    margins = [(v.month, v.value, v.margin) for v in recent if v.margin is not None]
    return margins if len(margins) == len(recent) >= status.FORECAST_MIN_POINTS else []


def runs_out(row: GoalRow, series: Sequence[MonthValue], month: date) -> float | None:
    """The end of the KPI's unit (`UNIT_RANGES`) the goal's line passes before its deadline, where
    that is why `forecast` gives none (a tile says so): 0 for a wait falling 15 s a month."""
    recent = _forecastable(row, series, month)
    if recent is None or row.kpi is None or row.goal.deadline is None:
        return None
    ahead = status.line_at([(v.month, v.value) for v in recent], row.goal.deadline)
    if ahead is None:
        return None
    bound = within_unit(ahead, row.kpi.unit)
    return None if bound == ahead else bound


def too_uncertain(row: GoalRow, series: Sequence[MonthValue], month: date) -> bool:
    """Whether the goal's survey months are too uncertain for a forecast (`forecast` gives none,
    and a tile says why)."""
    deadline = row.goal.deadline
    if row.kpi is None or deadline is None:
        return False
    return _uncertain(_recent(row.kpi.code, series, month), deadline, row.kpi.unit)


def _uncertain(recent: Sequence[MonthValue], deadline: date, unit: str) -> bool:
    """A month of too few answers among the `recent` ones, or margins that make the line's
    interval at the deadline reach past `status.FORECAST_MAX_SPREAD` of the unit's range (a line
    their sampling noise could as well have drawn)."""
    if any(v.is_low_confidence for v in recent):
        return True  # a line through a handful of answers a month would be noise, not a forecast
    low, high = UNIT_RANGES[unit]
    margins = _surveyed(recent)
    return bool(margins) and status.forecast_spread(margins, deadline) > status.FORECAST_MAX_SPREAD * (
        high - low
    )


def overdue(actions: Sequence[Action], month: date, today: date | None = None) -> list[Action]:
    """The actions overdue in `month`'s report read on `today`: still open, due by the month's
    end and before `today` (one due on 30 November is overdue for November from 1 December;
    read in the middle of the month, those past their date so far). Without `today`, as read
    after the month: every one due by its end. The attention list, the month's counts, the owed
    lists and the mails all judge so (an action due on the month's last day was overdue in one
    and "in progress" in the other)."""
    after = months.end_of(month) + timedelta(days=1)
    return overdue_on(actions, min(today, after) if today else after)


def overdue_on(actions: Sequence[Action], day: date) -> list[Action]:
    """Actions still open whose due date lies before `day`."""
    return [a for a in actions if a.status.is_open and a.due is not None and a.due < day]


def promise_kpis(report: MonthReport, promise: str) -> list[KpiRow]:
    """The measured KPIs whose goals prove `promise`, in the report's order."""
    codes = {row.kpi.code for row in report.goals.values() if row.goal.promise == promise and row.kpi}
    return [row for code, row in report.kpis.items() if code in codes and row.status is not KpiStatus.NO_DATA]


def year_to_date(values: Sequence[MonthValue], month: date, kpi: Kpi) -> float | None:
    """The KPI's value from January to `month` of that year, by its aggregation (a ratio of
    sums where every month keeps its numerator and denominator: `status.period_value`)."""
    first = date(month.year, 1, 1)
    months_so_far = [v for v in values if first <= v.month <= month and v.kpi == kpi.code]
    return status.period_value(months_so_far, kpi.aggregation, kpi.unit)
