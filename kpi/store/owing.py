"""Who still owes what for a month (`kpi.domain.owed`), read from the store within the viewer's
scope: the month's report, commentary and actions as the viewer may read them, the month's
calendar and the people. One function for the Overview, `python -m kpi owed` and the reminders.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from kpi import settings
from kpi.domain import attention, owed, report
from kpi.domain.access import Scope
from kpi.store import closing, cycle, monthly, queries


def owed_items(
    conn: sa.Connection, scope: Scope, month: date, language: str | None = None, today: date | None = None
) -> list[owed.Item]:
    """Who still owes what for `month` as of `today` (the company's today when not given), read
    within `scope` (default deny: the empty scope owes nothing it may see)."""
    return owed_in(conn, scope, monthly.month_report(conn, scope, month, language), language, today)


def owed_in(
    conn: sa.Connection,
    scope: Scope,
    built: report.MonthReport,
    language: str | None = None,
    today: date | None = None,
) -> list[owed.Item]:
    """`owed_items` for a month report already built for `scope` (a page's cached one)."""
    month = built.month
    comments = queries.commentary(conn, scope, month, month, language)
    actions = queries.actions(conn, scope, language)
    calendar, people = cycle.read(conn, month), queries.people(conn)
    closed = closing.closed(conn, month) is not None
    kept = attention.compliance(built, queries.service_priorities(conn, scope, language))
    return owed.items(
        built, comments, actions, calendar, people, scope, today or settings.today(), closed, kept
    )
