"""A month report's rows: one KPI's month and one goal's month, each with its status, its target,
its process reading and how long it has been so.

Pure. `kpi_row` reads one KPI's values (already scoped by the store) with the report's context
(explicit targets, process changes, signal rules); `report.build` puts the rows together, so every
page, slide and file reads a KPI's month the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from kpi.domain import cascade, months, samples, signals, status, targets, verdicts
from kpi.domain.model import Goal, GoalStatus, Kpi, KpiStatus, MonthValue
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
    """The month's target (`targets.by_year_before`): the one every page, slide and file shows."""
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

    def limits_since(self, month: date) -> date | None:
        """The first month the process limits of `month` describe: the latest process change on
        or before it (None: every month of the KPI's). A chart draws its limits from there on, and
        marks it even while too few months since it give none (`settling`)."""
        return signals.latest_change(self.changes, month)

    def settling(self, month: date) -> tuple[date, int] | None:
        """Where a process change recorded on or before `month` leaves too few months for limits
        (no reading): the change, and how many months with a value there are since it, up to
        `month`; else None. A change recorded for the month shown took a card's verdict away
        without a word (an adversarial round)."""
        since = self.limits_since(month)
        if self.reading is not None or since is None:
            return None
        return since, sum(1 for m in self.series if since <= m <= month)

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
    def change_noise(self) -> samples.Noise | None:
        """Why the change since last month is no news (`change_noise`), None when it is: a
        change to tell as news, in the colour of its direction."""
        return change_noise(self.value, self.previous, self.reading)

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
    kpi_target: float | None = None
    """Its KPI's target this month, which the KPI's status is judged against: a goal whose status
    differs from its KPI's says both levels (`phrases.goal_reason`)."""

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
            if value is None or goal_status(self.goal, self.kpi, value, before) is not self.status:
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
            or status.not_started(g.start, month)  # no pace before it starts: "not judged yet"
        ):
            return None
        made = status.progress(self.value.value, g.baseline, g.target)
        if made is None:
            return None
        return made, status.expected_progress(g.start, g.deadline, month)


def change_noise(
    now: MonthValue | None, before: MonthValue | None, reading: signals.Reading | None
) -> samples.Noise | None:
    """Why the change from `before` to `now` (a KPI's consecutive months) is no news: a survey
    score's that sampling explains (`samples.noise`), a measured KPI's within its routine
    month-to-month variation (`signals.routine_step`, by this month's `reading`); None when it
    is news."""
    found = samples.noise(now, before)
    if found is not None or now is None or before is None or now.n is not None or before.n is not None:
        return found
    return samples.Noise.ROUTINE if signals.routine_step(reading, before.value, now.value) else None


def _delta(now: MonthValue | None, then: MonthValue | None) -> float | None:
    return None if now is None or then is None else now.value - then.value


def annual_target(kpi: Kpi) -> float | None:
    """The KPI's target as a year's (`targets.annual`)."""
    return targets.annual(kpi.target, kpi.aggregation)


def kpi_target(
    kpi: Kpi, series: Mapping[date, MonthValue], month: date, explicit: Mapping[date, float]
) -> MonthTarget | None:
    """The KPI's target in `month` (`targets.by_year_before`), phased by the year before's values."""
    year_before = _calendar_year(series, month.year - 1)
    return targets.by_year_before(
        month, annual_target(kpi), year_before, kpi.aggregation, kpi.unit, explicit, own=kpi.target
    )


def _calendar_year(series: Mapping[date, MonthValue], year: int) -> dict[int, float]:
    """The values of `year` by calendar month (what a target is phased by)."""
    return {m.month: v.value for m, v in series.items() if m.year == year}


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


def kpi_row(kpi: Kpi, values: ValueIndex, month: date, last: date, context: Context) -> KpiRow:
    series = values.get(kpi.code, _NO_VALUES)
    explicit = context.targets.get(kpi.code, _NO_TARGETS)
    now, previous = series.get(month), series.get(last)
    annual = annual_target(kpi)
    profile = _NO_PROFILE if annual is None else _calendar_year(series, month.year - 1)
    target = targets.by_year_before(
        month, annual, profile, kpi.aggregation, kpi.unit, explicit, own=kpi.target
    )
    if annual is not None and last.year != month.year:
        profile = _calendar_year(series, last.year - 1)
    previous_target = targets.by_year_before(
        last, annual, profile, kpi.aggregation, kpi.unit, explicit, own=kpi.target
    )
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


def goal_status(
    goal: Goal, kpi: Kpi, value: MonthValue | None, month: date, reading: signals.Reading | None = None
) -> GoalStatus:
    return verdicts.goal_status(goal, kpi.direction, value, month, reading)[0]


_NO_VALUES: dict[date, MonthValue] = {}
_NO_TARGETS: dict[date, float] = {}
_NO_PROFILE: dict[int, float] = {}
