"""The reporting cycle in the store: each month's calendar (`month_calendar`, set by
administrators, audited). Who owes what by it is `kpi.store.owing`.

A month without a calendar row follows the default rule (`kpi.domain.cycle.default`) from the
store's grace days (`rules.late_days`). The form, the `calendar` import and the command line are
held to one check (`kpi.domain.cycle.check`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa

from kpi import settings
from kpi.domain import access, cycle, months
from kpi.domain.errors import Denied, Problem, Refused
from kpi.domain.model import Person
from kpi.files import tables
from kpi.store import rules
from kpi.store import schema as s
from kpi.store.writes import Writer

KIND = "calendar"
"""The import kind whose columns read a calendar (`kpi.files.tables.KINDS`)."""


def _stored(conn: sa.Connection, first: date, last: date) -> dict[date, dict[str, date]]:
    c = s.month_calendar
    found = conn.execute(sa.select(c).where(c.c.month >= first, c.c.month <= last)).mappings()
    return {row["month"]: {name: row[name] for name in cycle.DATES} for row in found}


def read(conn: sa.Connection, month: date) -> cycle.Calendar:
    """`month`'s calendar: as an administrator set it, else by the default rule."""
    month = months.first_of(month)
    return cycle.of(month, _stored(conn, month, month).get(month), rules.late_days(conn))


def listing(conn: sa.Connection, first: date, last: date) -> list[cycle.Calendar]:
    """The calendar of every month from `first` to `last`, set or by default."""
    stored, days = _stored(conn, first, last), rules.late_days(conn)
    return [cycle.of(m, stored.get(m), days) for m in months.between(first, last)]


def write(conn: sa.Connection, viewer: Person, typed: Mapping[str, object]) -> str:
    """Set a month's calendar from its fields as typed (text: `2026-12`, `10.01.2027`; or dates),
    administrators only, checked by `cycle.check` with every problem at once; audited. Returns
    `inserted`, `updated` or `unchanged`."""
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_define"))
    text = {name: _text(typed.get(name)) for name in ("month", *cycle.DATES)}
    fields, problems = tables.read(KIND, text)
    problems += [
        p
        for p in cycle.check(fields, settings.window(confirmed=True))
        if p.field not in {q.field for q in problems}
    ]
    if problems:
        raise Refused(problems)
    return Writer(conn, viewer.email).upsert(s.month_calendar, fields)


def _text(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)
