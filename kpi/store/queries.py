"""Reads. Every function takes a connection and, for department data, a scope (default deny).

Results are domain records. Texts are returned in the requested language where the store has a
translation, else in the base language. Values are bound parameters, never formatted into SQL.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from kpi.domain import cx, identity, months
from kpi.domain.access import GoalLink, Scope
from kpi.domain.model import (
    Action,
    ActionStatus,
    Aggregation,
    Commentary,
    Department,
    Direction,
    Goal,
    Kpi,
    Level,
    MonthValue,
    Origin,
    Person,
    Promise,
    Role,
    ServicePriority,
)
from kpi.store import engine, priority_events
from kpi.store import schema as s

if TYPE_CHECKING:  # DuckDB's driver loads with its dialect
    from duckdb_sqlalchemy import CursorWrapper


def _tuples(conn: sa.Connection, stmt: sa.Select | sa.CompoundSelect) -> Iterator[tuple]:
    """The rows of `stmt` as plain tuples, to be read once, before the next query on `conn`.
    On DuckDB they come straight from the driver, which for the thousands of month values a
    report reads is twice as fast as SQLAlchemy's row objects; the statement is still
    SQLAlchemy's, its values bound parameters. Only for columns the driver already returns as
    Python values (text, numbers, dates).

    The query runs at once; its rows are made `ROWS_AT_ONCE` at a time as the caller reads them.
    Made all at once, the 47,000 rows of a large company's month report were 16 MB of tuples,
    texts and dates alive beside the values built from them, and Python could give little of
    it back, as the values kept were spread among them: the process kept 30 MB after that
    read, 21 MB when its rows are made this way (issue 21, peak memory)."""
    if conn.dialect.name != "duckdb":
        return (tuple(row) for row in conn.execute(stmt))
    return _fetched(engine.on_duckdb_driver(conn, stmt))


ROWS_AT_ONCE = 2048
"""Rows fetched from DuckDB per step of `_tuples`: few enough that a step's tuples reuse the
memory of the step before, many enough that the steps cost nothing to speak of (the large
company's report values took 0.32 s this way against 0.39 s made at once)."""


def _fetched(result: CursorWrapper) -> Iterator[tuple]:
    for rows in _steps(result):
        yield from rows


def _batches(conn: sa.Connection, stmt: sa.Select | sa.CompoundSelect) -> Iterator[Sequence[tuple]]:
    """`_tuples`, a step of rows at a time: for a read of tens of thousands of rows made into
    values by one comprehension per step (no call per row)."""
    if conn.dialect.name != "duckdb":
        return conn.execute(stmt).partitions(ROWS_AT_ONCE)  # rows are tuples to the reader
    return _steps(engine.on_duckdb_driver(conn, stmt))


def _steps(result: CursorWrapper) -> Iterator[list[tuple]]:
    while rows := result.fetchmany(ROWS_AT_ONCE):
        yield rows


class _Shared:
    """One text per KPI code and one date per month among the rows of one read. The driver makes
    a new text and a new date for every row, and month values stay in the caches (a large
    company's month report holds some 37,000): about a quarter of the report's memory."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        self.months: dict[date, date] = {}

    def __call__(self, code: str, month: date) -> tuple[str, date]:
        return self.codes.setdefault(code, code), self.months.setdefault(month, month)


def _in_scope(column: sa.ColumnElement, scope: Scope) -> sa.ColumnElement[bool]:
    if scope.departments is None:
        return sa.true()
    return column.in_(sorted(scope.departments))


def _or_codes(
    department: sa.ColumnElement[bool], code: sa.ColumnElement, codes: frozenset[str]
) -> sa.ColumnElement[bool]:
    """In the scope's departments, or one of `codes` it reads beyond them (kpi.domain.access)."""
    return sa.or_(department, code.in_(sorted(codes))) if codes else department


def _kpi_in_scope(k: sa.Table, scope: Scope) -> sa.ColumnElement[bool]:
    return _or_codes(_in_scope(k.c.department, scope), k.c.code, scope.kpis)


def _goal_in_scope(g: sa.Table, scope: Scope) -> sa.ColumnElement[bool]:
    return _or_codes(_in_scope(g.c.department, scope), g.c.code, scope.goals)


def _goal_followed(g: sa.Table, scope: Scope) -> sa.ColumnElement[bool]:
    """Goals whose actions and commentary the scope reads: its departments', and its owner's."""
    return _or_codes(_in_scope(g.c.department, scope), g.c.code, scope.owned)


def _actions_read(g: sa.Table, scope: Scope) -> sa.ColumnElement[bool]:
    """Goals whose actions the scope reads: those it follows, and those it owns an action of."""
    return _or_codes(_in_scope(g.c.department, scope), g.c.code, scope.owned | scope.acting)


def is_open(a: sa.Table) -> sa.ColumnElement[bool]:
    """An action still to happen (`ActionStatus.is_open`): only such a one widens its owner's
    scope (a done or dropped one widens nothing)."""
    return a.c.status.in_([str(status) for status in ActionStatus if status.is_open])


def goal_links(conn: sa.Connection) -> list[GoalLink]:
    """Every current goal's place, owner, KPI and its actions' owners: what a viewer's scope is
    made from."""
    g, a = s.goal, s.action
    actors: dict[str, set[str]] = {}
    owners = sa.select(a.c.goal, a.c.owner).where(a.c.owner.is_not(None), is_open(a)).distinct()
    for goal, owner in conn.execute(owners):
        actors.setdefault(goal, set()).add(owner)
    rows = conn.execute(
        sa.select(g.c.code, g.c.parent, g.c.department, g.c.owner, g.c.kpi).where(g.c.retired_at.is_(None))
    )
    return [GoalLink(*row, frozenset(actors.get(row.code, ()))) for row in rows]


def _texts(conn: sa.Connection, table: str, language: str | None) -> dict[tuple[str, str], str]:
    if not language:
        return {}
    t = s.translation
    rows = conn.execute(
        sa.select(t.c.key, t.c.field, t.c.text).where(t.c.table_name == table, t.c.language == language)
    )
    return {(r.key, r.field): r.text for r in rows}


def translations(conn: sa.Connection, table: str, language: str | None) -> dict[tuple[str, str], str]:
    """`(key, field) → text` of a table's rows in `language` (none without one)."""
    return _texts(conn, table, language)


def _active(column: sa.ColumnElement, include_retired: bool) -> sa.ColumnElement[bool]:
    return sa.true() if include_retired else column.is_(None)


def departments(
    conn: sa.Connection, scope: Scope, language: str | None = None, *, include_retired: bool = False
) -> list[Department]:
    """Departments in scope; retired ones only when asked (the administration editor)."""
    d = s.department
    texts = _texts(conn, "department", language)
    rows = conn.execute(
        sa.select(d)
        .where(_in_scope(d.c.code, scope), _active(d.c.retired_at, include_retired))
        .order_by(d.c.code)
    )
    return [Department(r.code, texts.get((r.code, "name"), r.name), r.parent, r.retired_at) for r in rows]


def people(conn: sa.Connection, *, include_retired: bool = False) -> list[Person]:
    """The people who may sign in (and be picked); retired ones only when asked."""
    p = s.person
    rows = conn.execute(sa.select(p).where(_active(p.c.retired_at, include_retired)).order_by(p.c.name))
    return [Person(r.email, r.name, Role(r.role), r.department, r.retired_at) for r in rows]


def person(conn: sa.Connection, email: str) -> Person | None:
    """The person an e-mail names, in any case; nobody for a retired person."""
    p = s.person
    r = conn.execute(
        sa.select(p).where(sa.func.lower(p.c.email) == identity.email_key(email), p.c.retired_at.is_(None))
    ).first()
    return Person(r.email, r.name, Role(r.role), r.department) if r else None


def promises(
    conn: sa.Connection, language: str | None = None, *, include_retired: bool = False
) -> list[Promise]:
    texts = _texts(conn, "promise", language)
    p = s.promise
    rows = conn.execute(sa.select(p).where(_active(p.c.retired_at, include_retired)).order_by(p.c.code))
    return [Promise(r.code, texts.get((r.code, "text"), r.text), r.retired_at) for r in rows]


def kpis(
    conn: sa.Connection, scope: Scope, language: str | None = None, *, include_retired: bool = False
) -> list[Kpi]:
    """KPIs in scope; retired ones only when asked (the editing page shows them to restore)."""
    k = s.kpi
    texts = _texts(conn, "kpi", language)
    rows = _tuples(
        conn,
        sa.select(
            k.c.code,
            k.c.name,
            k.c.department,
            k.c.unit,
            k.c.direction,
            k.c.aggregation,
            k.c.target,
            k.c.tolerance,
            k.c.journey_phase,
            k.c.definition,
            k.c.benchmark,
            k.c.retired_at,
        )
        .where(_kpi_in_scope(k, scope), _active(k.c.retired_at, include_retired))
        .order_by(k.c.code),
    )
    # Unpacked by position: a big company has thousands of KPIs, and name lookups on rows add up.
    return [
        Kpi(
            code,
            texts.get((code, "name"), name),
            department,
            unit,
            _DIRECTIONS[direction],
            _AGGREGATIONS[aggregation],
            target,
            tolerance,
            phase,
            texts.get((code, "definition"), definition),
            benchmark,
            retired_at,
        )
        for code, name, department, unit, direction, aggregation, target, tolerance, phase, definition, benchmark, retired_at in rows
    ]


def goals(
    conn: sa.Connection, scope: Scope, language: str | None = None, *, include_retired: bool = False
) -> list[Goal]:
    g = s.goal
    texts = _texts(conn, "goal", language)
    rows = _tuples(
        conn,
        sa.select(
            g.c.code,
            g.c.level,
            g.c.title,
            g.c.kpi,
            g.c.department,
            g.c.owner,
            g.c.parent,
            g.c.description,
            g.c.baseline,
            g.c.target,
            g.c.start,
            g.c.deadline,
            g.c.weight,
            g.c.accepted_at,
            g.c.promise,
            g.c.retired_at,
        )
        .where(_goal_in_scope(g, scope), _active(g.c.retired_at, include_retired))
        .order_by(g.c.code),
    )
    return [
        Goal(
            code,
            _LEVELS[level],
            texts.get((code, "title"), title),
            kpi,
            department,
            owner,
            parent,
            texts.get((code, "description"), description),
            *rest,
        )
        for code, level, title, kpi, department, owner, parent, description, *rest in rows
    ]


_DIRECTIONS = {d.value: d for d in Direction}
_AGGREGATIONS = {a.value: a for a in Aggregation}
_SURVEY_KINDS = s.kpi.c.aggregation.in_([a.value for a in Aggregation if a.is_survey])
"""Answers count only for KPIs that are still survey KPIs (one whose kind was changed on import
reads its monthly values like any other; the answers stay in the store)."""
_LEVELS = {level.value: level for level in Level}


def _scoped_kpis(scope: Scope) -> sa.Select:
    return sa.select(s.kpi.c.code).where(_kpi_in_scope(s.kpi, scope), s.kpi.c.retired_at.is_(None))


def month_values(
    conn: sa.Connection,
    scope: Scope,
    first: date,
    last: date,
    *,
    only: Collection[date] | None = None,
    kpis: Collection[str] | None = None,
) -> list[MonthValue]:
    """Every KPI's value (or only those of the codes in `kpis`) for each month from `first` to
    `last` (or only the months in `only`): measurements as loaded (with a pulled ratio's
    numerator and denominator), survey KPIs from their answer counts (with n and margin)."""
    m, r = s.measurement, s.response_month
    measured = _tuples(
        conn,
        sa.select(m.c.kpi, m.c.month, m.c.value, m.c.numerator, m.c.denominator).where(
            m.c.kpi.in_(_scoped_kpis(scope)), _months(m.c.month, first, last, only), *_codes(m.c.kpi, kpis)
        ),
    )
    shared = _Shared()
    values = [
        MonthValue(*shared(kpi, month), value, numerator=top, denominator=bottom)
        for kpi, month, value, top, bottom in measured
    ]
    window = sa.and_(_months(r.c.month, first, last, only), *_codes(r.c.kpi, kpis))
    return values + _survey_values(conn, scope, window, shared)


def _codes(column: sa.ColumnElement[str], kpis: Collection[str] | None) -> list[sa.ColumnElement[bool]]:
    """The condition that keeps a read to the codes in `kpis`: none when every KPI is wanted."""
    return [] if kpis is None else [column.in_(sorted(kpis))]


def origins(conn: sa.Connection, scope: Scope, month: date) -> dict[str, Origin]:
    """Where each measured value of `month` of the KPIs in scope came from and when it was
    loaded: `kpi code → Origin` (survey KPIs' values come from their answers, not from here)."""
    m = s.measurement
    rows = _tuples(
        conn,
        sa.select(m.c.kpi, m.c.month, m.c.source, m.c.loaded_at, m.c.note).where(
            m.c.kpi.in_(_scoped_kpis(scope)), m.c.month == month
        ),
    )
    return {
        kpi: Origin(kpi, when, source, loaded_at, note or "") for kpi, when, source, loaded_at, note in rows
    }


def report_values(
    conn: sa.Connection, scope: Scope, first: date, last: date, baseline_months: int
) -> list[MonthValue]:
    """Every KPI's values a month's report reads, in one query: each month from `first` to
    `last`, and the `baseline_months` months from the KPI's latest process change on or before
    `last` (from its first month when none is recorded), on which its limits are locked.
    Measurements as loaded (with a pulled ratio's numerator and denominator), survey KPIs from
    their answer counts (with n and margin)."""
    m, r, k, pc = s.measurement, s.response_month, s.kpi, s.process_change
    firsts = sa.union_all(sa.select(m.c.kpi, m.c.month), sa.select(r.c.kpi, r.c.month)).subquery("months")
    opened = sa.select(firsts.c.kpi, sa.func.min(firsts.c.month).label("start")).group_by(firsts.c.kpi)
    changed = sa.select(pc.c.kpi, sa.func.max(pc.c.month).label("start")).where(pc.c.month <= last)
    opened_q, changed_q = opened.subquery("opened"), changed.group_by(pc.c.kpi).subquery("changed")
    starts = (
        sa.select(opened_q.c.kpi, sa.func.coalesce(changed_q.c.start, opened_q.c.start).label("start"))
        .select_from(opened_q.outerjoin(changed_q, changed_q.c.kpi == opened_q.c.kpi))
        .subquery("starts")
    )

    def wanted(month: sa.ColumnElement) -> sa.ColumnElement[bool]:
        in_baseline = sa.and_(
            month >= starts.c.start, _month_number(month) < _month_number(starts.c.start) + baseline_months
        )
        return sa.and_(month <= last, sa.or_(month >= first, in_baseline))

    none = sa.null()
    measured = (
        sa.select(m.c.kpi, m.c.month, m.c.value, m.c.numerator, m.c.denominator, sa.cast(none, sa.String),
                  *(sa.cast(none, sa.Integer) for _ in range(4)), *(sa.cast(none, sa.Float) for _ in range(2)))
        .join(starts, starts.c.kpi == m.c.kpi)
        .where(m.c.kpi.in_(_scoped_kpis(scope)), wanted(m.c.month))
    )  # fmt: skip
    surveyed = (
        sa.select(
            r.c.kpi, r.c.month, *(sa.cast(none, sa.Float) for _ in range(3)), k.c.aggregation, r.c.n,
            r.c.promoters, r.c.detractors, r.c.satisfied, r.c.total, r.c.total_sq,
        )
        .join(k, k.c.code == r.c.kpi)
        .join(starts, starts.c.kpi == r.c.kpi)
        .where(_kpi_in_scope(k, scope), k.c.retired_at.is_(None), _SURVEY_KINDS, wanted(r.c.month))
    )  # fmt: skip
    out: list[MonthValue] = []
    shared = _Shared()
    text, day = shared.codes.setdefault, shared.months.setdefault  # `shared`, without a call of ours per row
    for rows in _batches(conn, sa.union_all(measured, surveyed)):
        # one comprehension per step: a call per row was a third of the read (47,000 rows)
        out += [
            MonthValue(text(row[0], row[0]), day(row[1], row[1]), row[2], None, None, row[3], row[4])
            for row in rows
            if row[5] is None
        ]
        for row in rows:
            if row[5] is not None:
                code, month, aggregation, counts = row[0], row[1], row[5], row[6:]
                survey = cx.score(_AGGREGATIONS[aggregation], cx.SurveyCounts(*counts))
                if survey.value is not None:
                    out.append(MonthValue(*shared(code, month), survey.value, survey.n, survey.margin))
    return out


def _month_number(month: sa.ColumnElement) -> sa.ColumnElement[int]:
    """Months since year 0 (`2026-10` → 24322): month arithmetic both databases do alike."""
    return sa.cast(sa.extract("year", month), sa.Integer) * 12 + sa.cast(
        sa.extract("month", month), sa.Integer
    )


def _months(
    column: sa.ColumnElement, first: date, last: date, only: Collection[date] | None
) -> sa.ColumnElement[bool]:
    window = sa.and_(column >= first, column <= last)
    return window if only is None else sa.and_(window, column.in_(sorted(only)))


def _survey_values(
    conn: sa.Connection, scope: Scope, window: sa.ColumnElement[bool], shared: _Shared
) -> list[MonthValue]:
    """Survey KPIs' monthly scores from the answer counts kept beside the answers (response_month),
    their codes and months `shared` with the read's other values."""
    r, k = s.response_month, s.kpi
    stmt = (
        sa.select(
            r.c.kpi,
            r.c.month,
            k.c.aggregation,
            r.c.n,
            r.c.promoters,
            r.c.detractors,
            r.c.satisfied,
            r.c.total,
            r.c.total_sq,
        )
        .join(k, k.c.code == r.c.kpi)
        .where(_kpi_in_scope(k, scope), k.c.retired_at.is_(None), _SURVEY_KINDS, window)
    )
    out = []
    for kpi, month, aggregation, *counts in _tuples(conn, stmt):
        survey = cx.score(_AGGREGATIONS[aggregation], cx.SurveyCounts(*counts))
        if survey.value is not None:
            out.append(MonthValue(*shared(kpi, month), survey.value, survey.n, survey.margin))
    return out


def month_targets(conn: sa.Connection, scope: Scope, first: date, last: date) -> dict[str, dict[date, float]]:
    """Explicit month targets of the KPIs in scope, `first`…`last`: `kpi → month → target`."""
    t = s.kpi_target
    rows = _tuples(
        conn,
        sa.select(t.c.kpi, t.c.month, t.c.target).where(
            t.c.kpi.in_(_scoped_kpis(scope)), t.c.month >= first, t.c.month <= last
        ),
    )
    out: dict[str, dict[date, float]] = {}
    for kpi, month, target in rows:
        out.setdefault(kpi, {})[month] = target
    return out


def process_changes(conn: sa.Connection, scope: Scope, last: date) -> dict[str, list[date]]:
    """Months of the recorded process changes of the KPIs in scope, up to `last`: `kpi → months`."""
    c = s.process_change
    rows = _tuples(
        conn,
        sa.select(c.c.kpi, c.c.month)
        .where(c.c.kpi.in_(_scoped_kpis(scope)), c.c.month <= last)
        .order_by(c.c.kpi, c.c.month),
    )
    out: dict[str, list[date]] = {}
    for kpi, month in rows:
        out.setdefault(kpi, []).append(month)
    return out


def data_months(conn: sa.Connection, first: date, last: date) -> tuple[date, date] | None:
    """The first and last month from `first` to `last` that hold any value (measurement or
    survey answer). The bounds keep a stray value (a month 9999-12 from before the checks knew
    better) from choosing the month everybody sees first, or a picker of 96,000 months."""
    m, r = s.measurement, s.response
    lo = conn.execute(
        sa.select(sa.func.min(m.c.month), sa.func.max(m.c.month)).where(m.c.month.between(first, last))
    ).one()
    lo_r = conn.execute(
        sa.select(sa.func.min(r.c.date), sa.func.max(r.c.date)).where(
            r.c.date.between(first, months.end_of(last))
        )
    ).one()
    firsts = [d for d in (lo[0], lo_r[0]) if d is not None]
    lasts = [d for d in (lo[1], lo_r[1]) if d is not None]
    if not firsts:
        return None
    return months.first_of(min(firsts)), months.first_of(max(lasts))


def actions(conn: sa.Connection, scope: Scope, language: str | None = None) -> list[Action]:
    a, g = s.action, s.goal
    texts = _texts(conn, "action", language)
    stmt = sa.select(a).join(g, g.c.code == a.c.goal).where(_actions_read(g, scope)).order_by(a.c.due, a.c.id)
    return [
        Action(
            r.id,
            r.goal,
            texts.get((str(r.id), "title"), r.title),
            r.owner,
            r.due,
            ActionStatus(r.status),
            r.go_live,
            r.kpi,
            Direction(r.direction) if r.direction else None,
        )
        for r in conn.execute(stmt)
    ]


def commentary(
    conn: sa.Connection, scope: Scope, first: date, last: date, language: str | None = None
) -> list[Commentary]:
    """Comments on KPIs and goals in scope written for months `first`…`last`, newest first: on
    the goals the scope follows (`_goal_followed`), and on the KPIs of its departments and those
    measuring their goals wherever they sit (the board's page asked for a word on customer
    service's NPS, which measures the board's goal, beside the word its head had written). A
    goal owned elsewhere brings its own words, not those on its KPI: that KPI's department's."""
    c, k, g = s.commentary, s.kpi, s.goal
    texts = _texts(conn, "commentary", language)
    visible = sa.or_(
        c.c.kpi.in_(sa.select(k.c.code).where(_in_scope(k.c.department, scope))),
        c.c.kpi.in_(
            sa.select(g.c.kpi).where(
                _in_scope(g.c.department, scope), g.c.kpi.is_not(None), g.c.retired_at.is_(None)
            )
        ),  # a retired goal brings nothing: the scope's KPIs are its current goals' (`goal_links`)
        c.c.goal.in_(sa.select(g.c.code).where(_goal_followed(g, scope))),
    )
    stmt = (
        sa.select(c).where(visible, c.c.month >= first, c.c.month <= last).order_by(c.c.month.desc(), c.c.id)
    )
    return [
        Commentary(
            r.id, r.month, r.author, texts.get((str(r.id), "text"), r.text), r.kpi, r.goal, r.written_at
        )
        for r in conn.execute(stmt)
    ]


def service_priorities(
    conn: sa.Connection, scope: Scope, language: str | None = None, *, include_retired: bool = False
) -> list[ServicePriority]:
    sp, k = s.service_priority, s.kpi
    texts = _texts(conn, "service_priority", language)
    stmt = (
        sa.select(sp)
        .join(k, k.c.code == sp.c.kpi)
        .where(
            _in_scope(k.c.department, scope),
            _active(sp.c.retired_at, include_retired),
            _active(k.c.retired_at, include_retired),
        )
        .order_by(sp.c.code)
    )
    found = [
        ServicePriority(
            r.code, texts.get((r.code, "text"), r.text), r.kpi, r.threshold, r.comparison, r.retired_at
        )
        for r in conn.execute(stmt)
    ]
    return priority_events.attach(conn, found)  # measured over call records: for these codes only


def _audit_filter(
    stmt: sa.Select,
    tables: list[str] | None,
    who: str | None,
    first: date | None,
    last: date | None,
    key: str | None,
) -> sa.Select:
    a = s.audit
    if tables:
        stmt = stmt.where(a.c.table_name.in_(tables))
    if who:
        stmt = stmt.where(a.c.who == who)
    if first:
        stmt = stmt.where(a.c.at >= first)
    if last:
        stmt = stmt.where(a.c.at < last + timedelta(days=1))
    if key:
        stmt = stmt.where(a.c.key.contains(key, autoescape=True))
    return stmt


def audit(
    conn: sa.Connection,
    *,
    tables: list[str] | None = None,
    who: str | None = None,
    first: date | None = None,
    last: date | None = None,
    key: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    """The audit log, newest first, filtered (and cut to `limit` rows); each row `at, who,
    table_name, key, before, after`."""
    a = s.audit
    stmt = sa.select(a.c.at, a.c.who, a.c.table_name, a.c.key, a.c.before, a.c.after).order_by(a.c.id.desc())
    stmt = _audit_filter(stmt, tables, who, first, last, key)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [dict(r) for r in conn.execute(stmt).mappings().all()]


def audit_count(
    conn: sa.Connection,
    *,
    tables: list[str] | None = None,
    who: str | None = None,
    first: date | None = None,
    last: date | None = None,
    key: str | None = None,
) -> int:
    stmt = _audit_filter(sa.select(sa.func.count()).select_from(s.audit), tables, who, first, last, key)
    return conn.execute(stmt).scalar_one()


def target_history(conn: sa.Connection, goal: str) -> list[tuple[datetime, str, float | None, float | None]]:
    """(when, who, target before, target after) for every write that set the goal's target."""
    a = s.audit
    rows = conn.execute(
        sa.select(a.c.at, a.c.who, a.c.before, a.c.after)
        .where(a.c.table_name == "goal", a.c.key == goal)
        .order_by(a.c.id)
    )
    out = []
    for r in rows:
        after = json.loads(r.after) if r.after else {}
        if "target" in after:
            before = json.loads(r.before) if r.before else {}
            out.append((r.at, r.who, before.get("target"), after["target"]))
    return out


def kpis_in_scope(scope: Scope) -> sa.Select:
    """The codes of the current KPIs `scope` reads, as a subquery for reads kept in other modules
    (`kpi.store.segments`): one home for what a scope lets through."""
    return _scoped_kpis(scope)
