"""Building a month's meeting deck for a viewer: the one path for the Present page and packs."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from kpi.domain.access import Scope
from kpi.output import deck
from kpi.store import closing, queries, setup


def company(conn: sa.Connection) -> str:
    return setup.get_meta(conn, "company") or "CX Cockpit"


def slides(conn: sa.Connection, scope: Scope, month: date, language: str) -> list[deck.Slide]:
    """The deck of `month` (from its close if closed), limited to `scope`, in `language`."""
    meeting = closing.meeting_month(conn, scope, month, language)
    owners = {p.email: p.name for p in queries.people(conn)}
    source = deck.Meeting(
        meeting.report,
        meeting.commentary,
        meeting.values,
        meeting.revised,
        meeting.closed_at,
        queries.service_priorities(conn, scope, language),
    )
    return deck.build(
        source,
        company(conn),
        queries.departments(conn, scope, language),
        queries.actions(conn, scope, language),
        owners,
    )
