"""Closing a month for the management meeting, and reading a month as the meeting sees it.

An administrator closes a month once its data is in: the snapshot (kpi.domain.snapshot) freezes it,
and meeting mode and exports read the snapshot from then on. Values changed later show as
"revised after close", with the closed and the current value. Closing is audited like every
write; a closed month stays closed (a second close is refused with the first one's date).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from kpi.domain import access, months, report, snapshot
from kpi.domain.access import EVERYTHING, Scope
from kpi.domain.errors import Denied, Problem, Refused
from kpi.domain.model import Commentary, MonthValue, Person
from kpi.store import monthly, queries
from kpi.store import schema as s
from kpi.store.writes import Writer
from kpi.text import i18n


@dataclass
class MeetingMonth:
    """A month's report as a meeting should show it, with where it came from."""

    report: report.MonthReport
    commentary: list[Commentary]
    values: list[MonthValue] = field(default_factory=list)
    """The month values behind the report (from `report.history_start` on, and each KPI's
    baseline), for trends."""
    closed_at: datetime | None = None
    closed_by: str | None = None
    revised: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


def closed(conn: sa.Connection, month: date) -> sa.Row | None:
    return conn.execute(sa.select(s.month_close).where(s.month_close.c.month == month)).first()


def close(conn: sa.Connection, viewer: Person, month: date) -> datetime:
    """Freeze `month` for meetings and exports; returns when it was closed."""
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_define"))
    already = closed(conn, month)
    if already is not None:
        when = already.closed_at.strftime("%Y-%m-%d %H:%M")
        raise Refused(Problem("closing.already", "month", (("month", months.key(month)), ("when", when))))
    values = monthly.report_values(conn, EVERYTHING, month)
    if not any(v.month == month for v in values):
        raise Refused(Problem("closing.no_values", "month", (("month", months.key(month)),)))
    by_language = {
        language: (
            queries.kpis(conn, EVERYTHING, language),
            queries.goals(conn, EVERYTHING, language),
            queries.commentary(conn, EVERYTHING, month, month, language),
        )
        for language in i18n.languages()
    }
    now = datetime.now().replace(microsecond=0)
    Writer(conn, viewer.email).insert(
        s.month_close,
        {
            "month": month,
            "closed_at": now,
            "closed_by": viewer.email,
            "snapshot": snapshot.freeze(month, values, by_language, monthly.context(conn, EVERYTHING, month)),
        },
    )
    return now


def meeting_month(conn: sa.Connection, scope: Scope, month: date, language: str) -> MeetingMonth:
    """The closed month from its snapshot (with revisions marked), or the live month if open."""
    row = closed(conn, month)
    if row is None or not row.snapshot:
        live = monthly.report_values(conn, scope, month)
        built = report.build(
            month,
            queries.kpis(conn, scope, language),
            queries.goals(conn, scope, language),
            live,
            monthly.context(conn, scope, month),
        )
        return MeetingMonth(built, queries.commentary(conn, scope, month, month, language), live)
    frozen = snapshot.thaw(row.snapshot, language, scope)
    built = report.build(month, frozen.kpis, frozen.goals, frozen.values, frozen.context)
    live = queries.month_values(conn, scope, month, month)
    return MeetingMonth(
        built,
        frozen.commentary,
        frozen.values,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        revised=snapshot.revisions(frozen, live),
    )
