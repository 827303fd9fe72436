"""Load what a month's report needs, in one place for the app, the command line and exports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import sqlalchemy as sa

from kpi import settings
from kpi.domain import attention as attention_
from kpi.domain import cycle as domain_cycle
from kpi.domain import lateness, month_rows, months, outlook, owed, report, signals, smart, status
from kpi.domain.access import Scope
from kpi.domain.model import Goal, Kpi, MonthValue, Person
from kpi.store import company_events, cycle, queries, rules


def month_report(
    conn: sa.Connection, scope: Scope, month: date, language: str | None = None
) -> report.MonthReport:
    """Every KPI and goal in `scope` with its status for `month`."""
    return built_from(
        conn,
        scope,
        month,
        queries.kpis(conn, scope, language),
        queries.goals(conn, scope, language),
        rules.read(conn),
    )


def built_from(
    conn: sa.Connection,
    scope: Scope,
    month: date,
    kpis: list[Kpi],
    goals: list[Goal],
    chosen: signals.RuleSet,
) -> report.MonthReport:
    """`month_report` with the scope's KPIs and goals and the signal rules at hand, the same for
    every month (the app keeps them: a scope's other months read only their values)."""
    values = report_values(conn, scope, month)
    return report.build(
        month,
        kpis,
        goals,
        values,
        context(conn, scope, month, chosen),
        scope.seen_in_part,  # without all their sub-goals: no roll-up
    )


def report_values(conn: sa.Connection, scope: Scope, month: date) -> list[MonthValue]:
    """The month values a report for `month` reads: from `month_rows.history_start` to `month`, and
    each KPI's baseline months (`signals.BASELINE_POINTS` from its latest process change)."""
    return queries.report_values(conn, scope, month_rows.history_start(month), month, signals.BASELINE_POINTS)


def context(
    conn: sa.Connection, scope: Scope, month: date, chosen: signals.RuleSet | None = None
) -> month_rows.Context:
    """The explicit targets, process changes and rules (`chosen`, else the store's) a month's
    report needs besides values."""
    return month_rows.Context(
        queries.month_targets(conn, scope, month_rows.history_start(month), month),
        queries.process_changes(conn, scope, month),
        rules.read(conn) if chosen is None else chosen,
    )


def attention(
    conn: sa.Connection,
    scope: Scope,
    built: report.MonthReport,
    language: str | None = None,
    today: date | None = None,
) -> list[attention_.Item]:
    """The month's one exception list (`attention.items`) for a report built for `scope`, its
    late values and overdue actions as of `today` (the company's today, `settings.today`, when
    not given)."""
    month, today = built.month, today or settings.today()
    items = attention_.of_month(
        built,
        queries.service_priorities(conn, scope, language),
        queries.actions(conn, scope, language),
        queries.commentary(conn, scope, month, month, language),
        late(conn, built, today),
        company_events.read(conn, scope, language),
        today,
    )
    return for_reader(scope, built, items, queries.people(conn))


def for_reader(
    scope: Scope, built: report.MonthReport, items: Sequence[attention_.Item], people: Iterable[Person]
) -> list[attention_.Item]:
    """The month's items as `scope`'s reader is told them (`attention.as_told`), for every list:
    the command line's, the pages', the alerts'; the packs' tell them the same way."""
    return attention_.as_told(items, built, scope, owed.heads(people))


def late(conn: sa.Connection, built: report.MonthReport, today: date | None = None) -> dict[str, int]:
    """`kpi code → days late` of the report's KPIs whose value is overdue on `today` (the
    company's today, `settings.today`, when not given): due on the month calendar's data due date
    (`cycle.read`: by default the store's grace days after the month's end). The report
    was built for a scope, so a department head learns only of their own KPIs."""
    return late_on(built, cycle.read(conn, built.month), today)


def late_on(
    built: report.MonthReport, calendar: domain_cycle.Calendar, today: date | None = None
) -> dict[str, int]:
    """`late` with the month's `calendar` at hand (the app keeps it for every page)."""
    days = (calendar.data_due - months.end_of(built.month)).days
    return lateness.late_kpis(built, today or settings.today(), days)


def forecasts(conn: sa.Connection, scope: Scope, built: report.MonthReport) -> dict[str, outlook.Forecast]:
    """Every goal's forecast in a month's report (`code → value at the deadline`, with a survey
    goal's margin), for the command line; pages work it out from the trend values they draw."""
    window = status.forecast_window(built.month)
    series: dict[str, list] = {}
    for v in queries.month_values(conn, scope, window[0], built.month):
        series.setdefault(v.kpi, []).append(v)
    return {
        code: outlook.forecast_with_margin(row, series.get(row.kpi.code, []) if row.kpi else [], built.month)
        for code, row in built.goals.items()
    }


SMART_HISTORY_MONTHS = 36
"""History the realistic check looks through for the KPI's best run."""


def smart_assessments(conn: sa.Connection, scope: Scope, month: date) -> dict:
    """Every goal in `scope` assessed against SMART as of `month`: `code → Assessment`.

    Goals are judged on their own text (the base text stored in the goal), never on a
    translation: whether a title says enough is a fact about the goal, the same in every
    language it is read in."""
    goals = queries.goals(conn, scope)
    measured_by = {g.kpi for g in goals if g.kpi}  # a KPI no goal names is not read
    values = queries.month_values(
        conn, scope, months.add(month, -SMART_HISTORY_MONTHS), month, kpis=measured_by
    )
    kpis = {k.code: k for k in queries.kpis(conn, scope)}
    names = {p.email: p.name for p in queries.people(conn)}
    by_kpi: dict[str, list] = {}
    for v in values:
        by_kpi.setdefault(v.kpi, []).append(v)
    return {
        g.code: smart.assess(
            g, kpis.get(g.kpi or ""), by_kpi.get(g.kpi or "", []), month, names.get(g.owner or "")
        )
        for g in goals
    }
