"""A month's report: every KPI and goal in scope with its status, deltas, forecast and warnings.

Pure: it takes records and month values (already scoped by the store) and returns plain data.
The Overview, the cascade, `python -m kpi status` and the exports all read the same report, so
they can never disagree about a number. A row's own reading is `kpi.domain.rows`; what a page
reads off a report besides (forecasts, overdue actions, promises) is `kpi.domain.outlook`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from kpi.domain import cascade, months, signals, status, verdicts
from kpi.domain.access import Scope
from kpi.domain.model import Goal, GoalStatus, Kpi, KpiStatus, MonthValue
from kpi.domain.month_rows import NO_CONTEXT, Context, GoalRow, KpiRow, ValueIndex, goal_status, kpi_row


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

    def flips(self, scope: Scope | None = None) -> list[Flip]:
        """Status changes since last month: worse news first, goals before KPIs; of `scope`'s own
        goals and KPIs only (`own`) when given."""
        goals, kpis = (self.goals, self.kpis) if scope is None else self._own_maps(scope)
        out = _flips(goals, "goal", _GOAL_ORDER)
        out += _flips(kpis, "kpi", _KPI_ORDER)
        return sorted(out, key=lambda f: (f.is_better, f.kind != "goal", f.code))

    def _own_maps(self, scope: Scope) -> tuple[dict[str, GoalRow], dict[str, KpiRow]]:
        goals, kpis = self.own(scope)
        return {r.goal.code: r for r in goals}, {r.kpi.code: r for r in kpis}

    def is_signal(self, flip: Flip) -> bool:
        """Whether a status change is also a signal: the KPI (a goal's KPI, for a goal) reads as
        a special cause this month on the same side, an improvement for a change for the better,
        a concern for one for the worse, new this month; or the month's step since the last is
        beyond routine variation and sampling (`KpiRow.change_noise`), the way the status went.
        A shift or trend fires in every month of its run: a flip on a routine step inside one is
        a wiggle across a tolerance edge (a CX director's trial found "Turned better" listing
        credit complaints, −3, which the slide called usual month-to-month variation). Any other
        change is a wiggle, which is noise."""
        if flip.kind == "goal":
            goal = self.goals.get(flip.code)
            code = goal.kpi.code if goal is not None and goal.kpi is not None else None
        else:
            code = flip.code
        row = self.kpis.get(code) if code else None
        if row is None or row.reading is None:
            return False
        side = signals.Variation.IMPROVEMENT if flip.is_better else signals.Variation.CONCERN
        if row.new_signal is side:
            return True
        # a step beyond routine variation (Wheeler's moving range past its limit, or a limit
        # crossed; a survey's beyond its margin), the way the status went: with a month target
        # that moves, a status may turn better while its value turned worse; under a lasting
        # improvement, a jump for the worse is news too (an adversarial round found one folded
        # as "a step within the usual variation" that its card called larger than usual)
        moved = status.change_is_better(row.delta_previous or 0.0, row.kpi.direction)
        return row.change_noise is None and moved is flip.is_better

    def signals(self, scope: Scope | None = None) -> list[KpiRow]:
        """KPIs with a new signal this month (`KpiRow.new_signal`): concerns first; of `scope`'s
        own KPIs only (`own`) when given."""
        rows = self.kpis.values() if scope is None else self.own(scope)[1]
        found = [row for row in rows if row.new_signal is not None]
        return sorted(found, key=lambda r: (r.new_signal is not signals.Variation.CONCERN, r.kpi.name))

    def own(self, scope: Scope) -> tuple[list[GoalRow], list[KpiRow]]:
        """The goals and KPIs that are `scope`'s reader's own: of a department they read, a goal
        they own, the KPI of a goal they own elsewhere. What they read only as context (the goals
        their work serves and those goals' KPIs, another department's KPI measuring a goal of
        theirs) is neither counted as theirs nor on their list of what needs attention
        (`attention.as_told`)."""
        if scope.departments is None:
            return list(self.goals.values()), list(self.kpis.values())
        goals = [
            r for r in self.goals.values() if scope.allows(r.goal.department) or r.goal.code in scope.owned
        ]
        # a goal she owns elsewhere: its KPI too. Another department's KPI on one of her
        # department's goals is context: its number is told with her goal, its own item is its
        # department's (her list named it hers, with herself as owner, where everyone else's
        # named its own department's)
        measuring = {r.kpi.code for r in goals if r.kpi is not None and r.goal.code in scope.owned}
        kpis = [r for r in self.kpis.values() if scope.allows(r.kpi.department) or r.kpi.code in measuring]
        return goals, kpis

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
            kept = index.get(v.kpi)
            if kept is None:  # not `setdefault`: that makes a dict for each of 47,000 values
                kept = index[v.kpi] = {}
            kept[v.month] = v
    by_code = {k.code: k for k in kpis}
    last = months.add(month, -1)
    report = MonthReport(month, {k.code: kpi_row(k, index, month, last, context) for k in kpis})
    own: dict[str, GoalStatus] = {}
    reasons: dict[str, verdicts.Reason | None] = {}
    facts: dict[str, tuple[Kpi | None, MonthValue | None, GoalStatus]] = {}
    for g in goals:
        kpi = by_code.get(g.kpi) if g.kpi else None
        if kpi is None:
            own[g.code], reasons[g.code] = GoalStatus.NO_DATA, None
            facts[g.code] = (None, None, GoalStatus.NO_DATA)
            continue
        series = index.get(kpi.code, {})
        now, row = series.get(month), report.kpis.get(kpi.code)
        reading = row.reading if row is not None else None
        own[g.code], reason = verdicts.goal_status(g, kpi.direction, now, month, reading)
        reasons[g.code] = reason or (verdicts.disagreement(own[g.code], row.status) if row else None)
        earlier = row.previous_reading if row is not None and row.previous_reading else reading
        facts[g.code] = (kpi, now, goal_status(g, kpi, series.get(last), last, earlier))
    report.roots = cascade.build(goals, own, partial)
    for _, node in cascade.flatten(report.roots):
        code = node.goal.code
        kpi, now, before = facts[code]
        measured = report.kpis.get(kpi.code) if kpi is not None else None
        target = measured.target.value if measured is not None and measured.target is not None else None
        report.goals[code] = GoalRow(node.goal, kpi, now, own[code], before, node, reasons[code], target)
    return report
