"""Closing a month for the management meeting, and reading a month as the meeting sees it.

An administrator closes a month once its data is in: the snapshot (kpi.domain.snapshot) freezes it,
the pack's driver analysis included, and meeting mode and exports read the snapshot from then on.
Values changed later show as "revised after close", with the closed and the current value. Closing is audited like every
write; a second close is refused with the first one's date. An administrator may reopen a
closed month, with a reason: the close is undone (its snapshot stays in the audit), the reopening
is kept (`month_reopen`), and the month's deck and packs say it was reopened, also after it is
closed again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from kpi.domain import access, bounds, identity, months, pack_drivers, report, snapshot
from kpi.domain.access import EVERYTHING, Scope
from kpi.domain.errors import Denied, Problem, Refused
from kpi.domain.model import Commentary, MonthValue, Person
from kpi.store import drivers, monthly, queries
from kpi.store import schema as s
from kpi.store.writes import Writer
from kpi.text import i18n

REASON_LIMIT = 4000


@dataclass(frozen=True)
class Reopening:
    """A closed month opened again: when, by whom, why, and the close it undid."""

    at: datetime
    by: str
    reason: str
    closed_at: datetime
    closed_by: str


@dataclass
class MeetingMonth:
    """A month's report as a meeting should show it, with where it came from."""

    report: report.MonthReport
    commentary: list[Commentary]
    values: list[MonthValue] = field(default_factory=list)
    """The month values behind the report (from `month_rows.history_start` on, and each KPI's
    baseline), for trends."""
    closed_at: datetime | None = None
    closed_by: str | None = None
    revised: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    reopened: list[Reopening] = field(default_factory=list)
    drivers: pack_drivers.Kept | None = None
    """What the close kept of the pack's driver analysis (None when open, or closed before
    closes kept it: the pack then analyses the live answers)."""

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


def closed(conn: sa.Connection, month: date) -> sa.Row | None:
    return conn.execute(sa.select(s.month_close).where(s.month_close.c.month == month)).first()


def may_close(conn: sa.Connection, viewer: Person, month: date) -> None:
    """Refuses (Denied, Refused) a close `viewer` may not make: of anyone but an administrator, or
    of a month closed already. Asked first, before anything of the month is read or said: the
    command line told a department head what every department still owed, then that she may not
    close (a code review)."""
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_close"))
    already = closed(conn, month)
    if already is not None:
        when = already.closed_at  # written in the reader's format (`words`)
        raise Refused(Problem("closing.already", "month", (("month", months.key(month)), ("when", when))))


def close(conn: sa.Connection, viewer: Person, month: date) -> datetime:
    """Freeze `month` for meetings and exports; returns when it was closed."""
    may_close(conn, viewer, month)
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
            "snapshot": snapshot.freeze(
                month,
                values,
                by_language,
                monthly.context(conn, EVERYTHING, month),
                drivers.kept_at_close(conn, month),
            ),
        },
    )
    return now


def reopen(conn: sa.Connection, viewer: Person, month: date, reason: str) -> datetime:
    """Open a closed `month` again (administrators, with a reason; audited); returns when."""
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_close"))
    reason = reason.strip()
    problems = []
    if identity.blank(reason):  # spaces or zero-width ones alone: no reason a reader sees
        problems.append(Problem("required", "closing.reason"))
    elif len(reason) > REASON_LIMIT:
        problems.append(
            Problem("too_long", "closing.reason", (("length", len(reason)), ("limit", REASON_LIMIT)))
        )
    problems += bounds.control_problems({"closing.reason": reason})
    row = closed(conn, month)
    if row is None:
        problems.append(Problem("closing.not_closed", "month", (("month", months.key(month)),)))
    if problems:
        raise Refused(problems)
    assert row is not None
    now = datetime.now().replace(microsecond=0)
    writer = Writer(conn, viewer.email)
    writer.delete(s.month_close, {"month": month})  # the audit keeps the whole close, snapshot included
    writer.insert(
        s.month_reopen,
        {
            "month": month,
            "reopened_at": now,
            "reopened_by": viewer.email,
            "reason": reason,
            "closed_at": row.closed_at,
            "closed_by": row.closed_by,
        },
    )
    return now


def reopenings(conn: sa.Connection, month: date) -> list[Reopening]:
    """Each time `month` was reopened, oldest first."""
    r = s.month_reopen
    rows = conn.execute(sa.select(r).where(r.c.month == month).order_by(r.c.reopened_at))
    return [Reopening(x.reopened_at, x.reopened_by, x.reason, x.closed_at, x.closed_by) for x in rows]


def open_month(
    built: report.MonthReport, commentary: list[Commentary], reopened: list[Reopening]
) -> MeetingMonth:
    """An open month as a meeting shows it, from its live report (whose rows hold every value it
    was built from), its commentary and its reopenings."""
    live = [v for kpi_row in built.kpis.values() for v in kpi_row.series.values()]
    return MeetingMonth(built, commentary, live, reopened=reopened)


def revised(
    conn: sa.Connection, scope: Scope, month: date, language: str
) -> dict[str, tuple[float | None, float | None]]:
    """`scope`'s KPIs whose value for `month` changed since it was closed, `code → (closed,
    now)`; nothing for an open month. The Overview shows the values now, the meeting and the
    packs the closed ones marked revised: it says which differ (an administrator's trial)."""
    row = closed(conn, month)
    if row is None or not row.snapshot:
        return {}
    frozen = snapshot.thaw(row.snapshot, language, scope)
    return snapshot.revisions(frozen, queries.month_values(conn, scope, month, month))


def meeting_month(
    conn: sa.Connection,
    scope: Scope,
    month: date,
    language: str,
) -> MeetingMonth:
    """The closed month from its snapshot (with revisions marked), or the live month if open (the
    app makes an open month from its cached reads: `open_month`)."""
    row = closed(conn, month)
    if row is None or not row.snapshot:  # open: the same month as the app makes from its cached reads
        built = monthly.month_report(conn, scope, month, language)
        return open_month(
            built, queries.commentary(conn, scope, month, month, language), reopenings(conn, month)
        )
    frozen = snapshot.thaw(row.snapshot, language, scope)
    built = report.build(month, frozen.kpis, frozen.goals, frozen.values, frozen.context, scope.seen_in_part)
    live = queries.month_values(conn, scope, month, month)
    return MeetingMonth(
        built,
        frozen.commentary,
        frozen.values,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        revised=snapshot.revisions(frozen, live),
        reopened=reopenings(conn, month),
        drivers=frozen.drivers,
    )
