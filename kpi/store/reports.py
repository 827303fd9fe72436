"""Load what a month's report needs, in one place for the app, the command line and exports."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from kpi import months, report
from kpi.access import Scope
from kpi.store import queries


def month_report(
    conn: sa.Connection, scope: Scope, month: date, language: str | None = None
) -> report.MonthReport:
    """Every KPI and goal in `scope` with its status for `month`."""
    values = queries.month_values(conn, scope, months.add(month, -report.HISTORY_MONTHS), month)
    return report.build(
        month, queries.kpis(conn, scope, language), queries.goals(conn, scope, language), values
    )
