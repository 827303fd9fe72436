"""Administrators' edits of a KPI's month targets and recorded process changes.

Both are checked by the same checks as their import kinds (`checks.month_target`,
`checks.process_change`) and written through the audited `Writer`, so a changed target or a
removed process change keeps who, when, before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime

import sqlalchemy as sa

from kpi.domain import access, checks, months, validate
from kpi.domain.errors import Denied, NotFound, Problem
from kpi.domain.model import Person
from kpi.domain.validate import Rejected
from kpi.store import known
from kpi.store import schema as s
from kpi.store.writes import Writer
from kpi.text import fmt


def _check(conn: sa.Connection, viewer: Person, problems_of: checks.Check, fields: dict) -> None:
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_define"))
    problems = problems_of(fields, known.read(conn))
    if problems:
        raise Rejected(problems)


def set_month_target(conn: sa.Connection, viewer: Person, kpi: str, month: date, target: float | None) -> str:
    """The KPI's explicit target for `month`; None removes it (the phased target holds again)."""
    if target is None:
        _check(conn, viewer, checks.kpi_month, {"kpi": kpi, "month": month})
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
    _check(conn, viewer, checks.kpi_month, {"kpi": kpi, "month": month})
    return Writer(conn, viewer.email).delete(s.process_change, {"kpi": kpi, "month": month})


def _typed(values: Mapping[str, object], parse: Mapping[str, Callable[[object, str], object]]) -> dict:
    """The form's fields parsed as typed (`12,5` in Danish, `2026-10`), every problem at once."""
    parsed: dict[str, object] = {}
    problems: list[Problem] = []
    for name, read in parse.items():
        try:
            parsed[name] = read(values.get(name), name)
        except Rejected as rejected:
            problems += rejected.problems
    if problems:
        raise Rejected(problems)
    return parsed


def _month(text: object, field: str) -> date | None:
    return validate.month(text, field, required=True)


def _number(text: object, field: str) -> float | None:
    return validate.number(text, field, decimal=fmt.decimal_symbol())


def edit_target(conn: sa.Connection, viewer: Person, values: Mapping[str, object]) -> str:
    """The Data page's month target form: kpi, month (YYYY-MM) and target as a person types them;
    an empty target removes the month's explicit target. Checked as the `targets` import is."""
    parsed = _typed(values, {"month": _month, "target": _number})
    kpi, month = str(values.get("kpi") or ""), parsed["month"]
    return set_month_target(conn, viewer, kpi, month, parsed["target"])


def edit_change(conn: sa.Connection, viewer: Person, values: Mapping[str, object], *, remove: bool) -> str:
    """The Data page's process change form: kpi, month (YYYY-MM) and note as typed; `remove`
    forgets the change recorded for that month. Checked as the `changes` import is."""
    month = _typed(values, {"month": _month})["month"]
    kpi = str(values.get("kpi") or "")
    if remove:
        if not remove_change(conn, viewer, kpi, month):
            raise NotFound(Problem("plans.no_change", "month", (("kpi", kpi), ("month", months.key(month)))))
        return "deleted"
    return record_change(conn, viewer, kpi, month, str(values.get("note") or ""))


def changes(conn: sa.Connection, kpi: str) -> list[tuple[date, str, str, datetime]]:
    """(month, note, who, when) of every process change recorded for `kpi`, oldest first."""
    c = s.process_change
    stmt = sa.select(c.c.month, c.c.note, c.c.who, c.c.at).where(c.c.kpi == kpi).order_by(c.c.month)
    return [(r.month, r.note, r.who, r.at) for r in conn.execute(stmt)]
