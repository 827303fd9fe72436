"""A month's report: every KPI and goal in scope with its status, deltas, forecast and warnings.

Pure: it takes records and month values (already scoped by the store) and returns plain data.
The Overview, the cascade, `python -m kpi status` and the exports all read the same report, so
they can never disagree about a number.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from kpi.domain import cascade, months, signals, status, targets, verdicts
from kpi.domain.model import (
    UNIT_RANGES,
    Action,
    Aggregation,
    Goal,
    GoalStatus,
    Kpi,
    KpiStatus,
    MonthValue,
)
from kpi.domain.targets import MonthTarget

ValueIndex = dict[str, dict[date, MonthValue]]
"""Month values indexed as `kpi code → month → value`."""

HISTORY_MONTHS = 13
"""Months of values before its month that a meeting keeps beside the report, for trend lines."""


def history_start(month: date) -> date:
    """The first month of the run of months the report for `month` reads (besides each KPI's
    baseline, `signals.BASELINE_POINTS` months from its latest process change): January of the
    year before last month's year. Last year's profile phases this month's target (and, in
    January, the year before last phases December's); the months since give the same month
    last year, last month, the tail the signal rules look at and how long a status has held.
    Forecasts read their own months, and only where they are shown (`forecast`)."""
    return date(months.add(month, -1).year - 1, 1, 1)


@dataclass(frozen=True)
class Context:
    """What a report needs besides values: explicit month targets (`kpi → month → target`), the
    months of recorded process changes (`kpi → months`) and the store's signal rules."""

    targets: Mapping[str, Mapping[date, float]] = field(default_factory=dict)
    changes: Mapping[str, Sequence[date]] = field(default_factory=dict)
    rules: signals.RuleSet = signals.DEFAULT_RULES


NO_CONTEXT = Context()


@dataclass(frozen=True, slots=True)
class KpiRow:
    kpi: Kpi
    value: MonthValue | None
    previous: MonthValue | None
    year_ago: MonthValue | None
    status: KpiStatus
    previous_status: KpiStatus
    target: MonthTarget | None = None
    """The month's target (`targets.month_target`): the one every page, slide and file shows."""
    previous_target: MonthTarget | None = None
    reading: signals.Reading | None = None
    """The month as a process behaviour chart reads it; None with too short a history."""
    series: Mapping[date, MonthValue] = field(default_factory=dict)
    """The KPI's values the report read, by month (for how long a status has held)."""
    explicit: Mapping[date, float] = field(default_factory=dict)
    previous_reading: signals.Reading | None = None
    """Last month's reading, where this month's found a signal (to tell a new one from a run)."""
    reason: verdicts.Reason | None = None
    """Why the status is not what the value alone says (too few answers to tell)."""
    changes: Sequence[date] = ()
    rules: signals.RuleSet = signals.DEFAULT_RULES

    def process_chart(self, month: date) -> tuple[signals.Limits | None, list[signals.Signal]]:
        """The month's process limits and every signal in the months the report read since
        `history_start(month)` (a shift or trend marked in each of its months), for charts."""
        if self.reading is None:
            return None, []
        start = signals.latest_change(self.changes, month)
        window = sorted(
            (p for p in _points(self.series) if (start is None or p.month >= start) and p.month <= month),
            key=lambda p: p.month,
        )
        base = signals.baseline(window, start)
        first = max(history_start(month), start or date.min)
        recent = [p for p in window if p.month >= first]
        return self.reading.limits, (signals.fired(recent, base, self.rules) if base and recent else [])

    def chart_marks(
        self, month: date
    ) -> tuple[tuple[float, float] | None, tuple[tuple[date, signals.Variation], ...]]:
        """(lower, upper) process limits and the ringed months (`signals.marks`) a chart of
        `month` draws."""
        limits, fired = self.process_chart(month)
        bounds = (limits.lower, limits.upper) if limits else None
        return bounds, signals.marks(fired, self.kpi.direction)

    @property
    def delta_previous(self) -> float | None:
        return _delta(self.value, self.previous)

    @property
    def new_signal(self) -> signals.Variation | None:
        """Improvement or concern when a rule fired this month and last month read otherwise:
        news, where a shift that has run for months is not. A KPI's first month with limits has
        no last month to compare with, so its signals there are history, not news."""
        now, before = self.reading, self.previous_reading
        if now is None or before is None or now.variation is signals.Variation.COMMON_CAUSE:
            return None
        return now.variation if before.variation is not now.variation else None

    def missing_since(self, month: date) -> date | None:
        """The first month without a value in the run of such months up to `month` (as far back
        as the report read); None when `month` has a value."""
        if month in self.series:
            return None
        earlier = [m for m in self.series if m < month]
        return months.add(max(earlier), 1) if earlier else None

    def target_at(self, month: date) -> MonthTarget | None:
        """The KPI's target in any month the report read."""
        return kpi_target(self.kpi, self.series, month, self.explicit)

    def since(self, month: date) -> date | None:
        """The first month of the run of months, up to `month`, with this month's status (as far
        back as the report read); None without a status."""
        if self.status is KpiStatus.NO_DATA:
            return None
        first = month
        while True:
            before = months.add(first, -1)
            value = self.series.get(before)
            target = self.target_at(before) if value is not None else None
            if value is None or _kpi_status(self.kpi, value, target) is not self.status:
                return first
            first = before


@dataclass(frozen=True, slots=True)
class GoalRow:
    goal: Goal
    kpi: Kpi | None
    value: MonthValue | None
    status: GoalStatus
    previous_status: GoalStatus
    node: cascade.Node
    reason: verdicts.Reason | None = None
    """Why the goal's status is tempered, or differs from its KPI's (`verdicts`)."""

    @property
    def rollup(self) -> GoalStatus:
        return self.node.rollup

    def since(self, month: date, series: Mapping[date, MonthValue]) -> date | None:
        """The first month of the run of months, up to `month`, with this month's status (as
        far back as `series`, the KPI's values, reaches); None without a status."""
        if self.status is GoalStatus.NO_DATA or self.kpi is None:
            return None
        first = month
        while True:
            before = months.add(first, -1)
            value = series.get(before)
            if value is None or _goal_status(self.goal, self.kpi, value, before) is not self.status:
                return first
            first = before

    @property
    def mismatch(self) -> cascade.Mismatch | None:
        return self.node.mismatch

    def pace(self, month: date) -> tuple[float, float] | None:
        """(progress made, time elapsed) as shares from 0 to 1, when both can be known."""
        g = self.goal
        if (
            self.value is None
            or g.baseline is None
            or g.target is None
            or g.start is None
            or g.deadline is None
        ):
            return None
        made = status.progress(self.value.value, g.baseline, g.target)
        if made is None:
            return None
        return made, status.expected_progress(g.start, g.deadline, month)


@dataclass(frozen=True, slots=True)
class Flip:
    """A status that changed since last month."""

    code: str
    kind: str
    """`kpi` or `goal`."""
    before: str
    after: str
    is_better: bool


@dataclass
class MonthReport:
    month: date
    kpis: dict[str, KpiRow] = field(default_factory=dict)
    goals: dict[str, GoalRow] = field(default_factory=dict)
    roots: list[cascade.Node] = field(default_factory=list)

    def flips(self) -> list[Flip]:
        """Status changes since last month: worse news first, goals before KPIs."""
        out = _flips(self.goals, "goal", _GOAL_ORDER)
        out += _flips(self.kpis, "kpi", _KPI_ORDER)
        return sorted(out, key=lambda f: (f.is_better, f.kind != "goal", f.code))

    def is_signal(self, flip: Flip) -> bool:
        """Whether a status change is also a signal: the KPI (a goal's KPI, for a goal) reads as
        a special cause this month on the same side, an improvement for a change for the better,
        a concern for one for the worse. Any other change is a wiggle across a tolerance edge
        (or against the process's direction), which is noise."""
        if flip.kind == "goal":
            goal = self.goals.get(flip.code)
            code = goal.kpi.code if goal is not None and goal.kpi is not None else None
        else:
            code = flip.code
        row = self.kpis.get(code) if code else None
        if row is None or row.reading is None:
            return False
        side = signals.Variation.IMPROVEMENT if flip.is_better else signals.Variation.CONCERN
        return row.reading.variation is side

    def signals(self) -> list[KpiRow]:
        """KPIs with a new signal this month (`KpiRow.new_signal`): concerns first."""
        found = [row for row in self.kpis.values() if row.new_signal is not None]
        return sorted(found, key=lambda r: (r.new_signal is not signals.Variation.CONCERN, r.kpi.name))

    def missing(self) -> list[KpiRow]:
        """KPIs with no value this month (stale or not yet loaded)."""
        return [row for row in self.kpis.values() if row.value is None]


_GOAL_ORDER = [
    GoalStatus.ACHIEVED,
    GoalStatus.ON_TRACK,
    GoalStatus.AT_RISK,
    GoalStatus.OFF_TRACK,
    GoalStatus.MISSED,
    GoalStatus.NO_DATA,
]
_KPI_ORDER = [KpiStatus.GREEN, KpiStatus.AMBER, KpiStatus.RED, KpiStatus.NO_DATA]


def _flips(
    rows: Mapping[str, KpiRow | GoalRow], kind: str, order: Sequence[KpiStatus | GoalStatus]
) -> list[Flip]:
    """Rows whose status flipped since last month (`status.flipped`); better = earlier in `order`."""
    return [
        Flip(
            code,
            kind,
            str(r.previous_status),
            str(r.status),
            order.index(r.status) < order.index(r.previous_status),
        )
        for code, r in rows.items()
        if status.flipped(r.status, r.previous_status)
    ]


def _delta(now: MonthValue | None, then: MonthValue | None) -> float | None:
    return None if now is None or then is None else now.value - then.value


def annual_target(kpi: Kpi) -> float | None:
    """The KPI's target as a year's: a summed KPI's target is a month's (44 minutes of downtime
    a month), so its year's total is twelve of them; every other KPI's is the year's level."""
    if kpi.target is None:
        return None
    return kpi.target * 12 if kpi.aggregation is Aggregation.SUM else kpi.target


def kpi_target(
    kpi: Kpi, series: Mapping[date, MonthValue], month: date, explicit: Mapping[date, float]
) -> MonthTarget | None:
    """The KPI's target in `month` (`targets.month_target`), phased by the year before's values."""
    return _target(kpi, _year(series, month.year - 1), month, explicit)


def _year(series: Mapping[date, MonthValue], year: int) -> dict[date, float]:
    return {m: v.value for m, v in series.items() if m.year == year}


def _target(
    kpi: Kpi, last_year: Mapping[date, float], month: date, explicit: Mapping[date, float]
) -> MonthTarget | None:
    return targets.month_target(month, annual_target(kpi), last_year, kpi.aggregation, kpi.unit, explicit)


def _kpi_status(kpi: Kpi, value: MonthValue | None, target: MonthTarget | None) -> KpiStatus:
    return _kpi_verdict(kpi, value, target)[0]


def _kpi_verdict(
    kpi: Kpi, value: MonthValue | None, target: MonthTarget | None
) -> tuple[KpiStatus, verdicts.Reason | None]:
    return verdicts.kpi_status(value, target.value if target else None, kpi.direction, kpi.tolerance)


def _points(series: Mapping[date, MonthValue], start: date | None = None) -> list[signals.Point]:
    """The KPI's values as process chart points, from `start` on."""
    return [
        signals.Point(m, v.value, signals.standard_error(v.margin))
        for m, v in series.items()
        if start is None or m >= start
    ]


def _kpi_row(kpi: Kpi, values: ValueIndex, month: date, last: date, context: Context) -> KpiRow:
    series = values.get(kpi.code, _NO_VALUES)
    explicit = context.targets.get(kpi.code, _NO_TARGETS)
    now, previous = series.get(month), series.get(last)
    profile = _year(series, month.year - 1)
    target = _target(kpi, profile, month, explicit)
    before = profile if last.year == month.year else _year(series, last.year - 1)
    previous_target = _target(kpi, before, last, explicit)
    reading = previous_reading = None
    if now is not None and len(series) >= signals.MIN_POINTS:
        changes = context.changes.get(kpi.code, ())
        start = signals.latest_change(changes, last)  # no month before it counts, this month or last
        reader = signals.Reader(_points(series, start), kpi.direction, changes, context.rules)
        reading = reader.read(month, target.value if target else None)
        if previous is not None and reading is not None and reading.signals:
            # last month's reading tells a new signal from a running one; without one it is not needed
            previous_reading = reader.read(last, previous_target.value if previous_target else None)
    found, reason = _kpi_verdict(kpi, now, target)
    return KpiRow(
        kpi,
        now,
        previous,
        series.get(months.add(month, -12)),
        found,
        _kpi_status(kpi, previous, previous_target),
        target,
        previous_target,
        reading,
        series,
        explicit,
        previous_reading,
        reason,
        context.changes.get(kpi.code, ()),
        context.rules,
    )


def _goal_status(
    goal: Goal, kpi: Kpi, value: MonthValue | None, month: date, reading: signals.Reading | None = None
) -> GoalStatus:
    return verdicts.goal_status(goal, kpi.direction, value, month, reading)[0]


_NO_VALUES: dict[date, MonthValue] = {}
_NO_TARGETS: dict[date, float] = {}


def build(
    month: date,
    kpis: Sequence[Kpi],
    goals: Sequence[Goal],
    values: Sequence[MonthValue],
    context: Context = NO_CONTEXT,
    partial: Collection[str] = (),
) -> MonthReport:
    """The report for `month` from the KPIs, goals and month values in the viewer's scope (values
    of months after `month` are left out), with the explicit targets, process changes and rules
    of `context`. `partial` goals are seen without all their sub-goals (cascade.build)."""
    index: ValueIndex = {}
    for v in values:
        if v.month <= month:
            index.setdefault(v.kpi, {})[v.month] = v
    by_code = {k.code: k for k in kpis}
    last = months.add(month, -1)
    report = MonthReport(month, {k.code: _kpi_row(k, index, month, last, context) for k in kpis})
    own: dict[str, GoalStatus] = {}
    reasons: dict[str, verdicts.Reason | None] = {}
    facts: dict[str, tuple[Kpi | None, MonthValue | None, GoalStatus]] = {}
    for g in goals:
        kpi = by_code.get(g.kpi) if g.kpi else None
        if kpi is None:
            own[g.code], reasons[g.code] = GoalStatus.NO_DATA, None
            facts[g.code] = (None, None, GoalStatus.NO_DATA)
            continue
        series = index.get(kpi.code, _NO_VALUES)
        now, row = series.get(month), report.kpis.get(kpi.code)
        reading = row.reading if row is not None else None
        own[g.code], reason = verdicts.goal_status(g, kpi.direction, now, month, reading)
        reasons[g.code] = reason or (verdicts.disagreement(own[g.code], row.status) if row else None)
        earlier = row.previous_reading if row is not None and row.previous_reading else reading
        facts[g.code] = (kpi, now, _goal_status(g, kpi, series.get(last), last, earlier))
    report.roots = cascade.build(goals, own, partial)
    for _, node in cascade.flatten(report.roots):
        code = node.goal.code
        kpi, now, before = facts[code]
        report.goals[code] = GoalRow(node.goal, kpi, now, own[code], before, node, reasons[code])
    return report


def forecast(row: GoalRow, series: Sequence[MonthValue], month: date) -> float | None:
    """The goal's KPI value at the deadline, on the line through the KPI's values in the months
    of `status.forecast_window(month)`; `series` holds the KPI's month values (any months, any
    order: a page passes the trend values it draws). None when the goal has no KPI or deadline,
    its deadline's month has come, or the window holds too few values or a low-confidence one.
    The value stays within what the KPI's unit can reach."""
    deadline = row.goal.deadline
    if row.kpi is None or deadline is None or months.first_of(deadline) <= month:
        return None
    window = set(status.forecast_window(month))
    recent = [v for v in series if v.month in window and v.kpi == row.kpi.code]
    if any(v.is_low_confidence for v in recent):
        return None  # a line through a handful of answers a month would be noise, not a forecast
    return status.forecast([(v.month, v.value) for v in recent], deadline, UNIT_RANGES[row.kpi.unit])


def overdue(actions: Sequence[Action], month: date) -> list[Action]:
    """Actions still open after their due date, as seen at the end of `month`."""
    end = months.end_of(month)
    return [a for a in actions if a.status.is_open and a.due is not None and a.due < end]


def promise_kept(report: MonthReport, promise: str) -> tuple[int, int]:
    """(green, measured) KPIs among those whose goals prove `promise`."""
    codes = {row.kpi.code for row in report.goals.values() if row.goal.promise == promise and row.kpi}
    rows = [
        report.kpis[c] for c in codes if c in report.kpis and report.kpis[c].status is not KpiStatus.NO_DATA
    ]
    return sum(1 for r in rows if r.status is KpiStatus.GREEN), len(rows)


def year_to_date(values: Sequence[MonthValue], month: date, kpi: Kpi) -> float | None:
    """The KPI's value from January to `month` of that year, by its aggregation."""
    first = date(month.year, 1, 1)
    return status.period_value([v for v in values if first <= v.month <= month], kpi.aggregation)
