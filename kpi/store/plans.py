"""Administrators' edits of a KPI's month targets and recorded process changes.

Both are checked by the same checks as their import kinds (`checks.month_target`,
`checks.process_change`) and written through the audited `Writer`, so a changed target or a
removed process change keeps who, when, before and after.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from kpi.domain import access, checks
from kpi.domain.errors import Denied, Problem
from kpi.domain.model import Person
from kpi.domain.validate import Rejected
from kpi.store import known
from kpi.store import schema as s
from kpi.store.writes import Writer


def _check(conn: sa.Connection, viewer: Person, problems_of: checks.Check, fields: dict) -> None:
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_define"))
    problems = problems_of(fields, known.read(conn))
    if problems:
        raise Rejected(problems)


def set_month_target(conn: sa.Connection, viewer: Person, kpi: str, month: date, target: float | None) -> str:
    """The KPI's explicit target for `month`; None removes it (the phased target holds again)."""
    if target is None:
        _check(conn, viewer, checks.process_change, {"kpi": kpi, "month": month})
        deleted = Writer(conn, viewer.email).delete(s.kpi_target, {"kpi": kpi, "month": month})
        return "deleted" if deleted else "unchanged"
    fields = {"kpi": kpi, "month": month, "target": target}
    _check(conn, viewer, checks.month_target, fields)
    return Writer(conn, viewer.email).upsert(s.kpi_target, fields)


def record_change(conn: sa.Connection, viewer: Person, kpi: str, month: date, note: str) -> str:
    """A change to how the KPI's process runs, from `month` on: its limits start afresh there."""
    fields = {"kpi": kpi, "month": month, "note": (note or "").strip()}
    _check(conn, viewer, checks.process_change, fields)
    row = {**fields, "who": viewer.email, "at": datetime.now()}
    writer = Writer(conn, viewer.email)
    writer.upsert_many(s.process_change, [row], volatile=("who", "at"))
    return next(o for o in ("inserted", "updated", "unchanged") if writer.tally.get("process_change", o))


def remove_change(conn: sa.Connection, viewer: Person, kpi: str, month: date) -> bool:
    """Forget a recorded process change (the audit keeps it)."""
    _check(conn, viewer, checks.process_change, {"kpi": kpi, "month": month})
    return Writer(conn, viewer.email).delete(s.process_change, {"kpi": kpi, "month": month})


def changes(conn: sa.Connection, kpi: str) -> list[tuple[date, str, str, datetime]]:
    """(month, note, who, when) of every process change recorded for `kpi`, oldest first."""
    c = s.process_change
    stmt = sa.select(c.c.month, c.c.note, c.c.who, c.c.at).where(c.c.kpi == kpi).order_by(c.c.month)
    return [(r.month, r.note, r.who, r.at) for r in conn.execute(stmt)]
