"""Taking back what should never have gone in: deleting or correcting a month's values, or a
month's survey answers (administrators, in the app's Data page and with `python -m kpi delete`
and `correct`).

The checks keep absurd values out (kpi.domain.bounds), but a wrong number that looks plausible,
or a store written before the checks knew better (a month 9999-12), must not stay for ever.
Every deletion and correction goes through the audited `Writer`: a deleted value keeps its whole
row in the audit, deleted answers their count. A request that matches nothing is refused
politely (`NotFound`); nothing else is touched. Months are taken as written, even outside the
window the checks allow, since those are the rows to clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from kpi.domain import access, checks, identity, months, validate
from kpi.domain.errors import Denied, NotFound, Problem, Refused
from kpi.domain.model import Person
from kpi.domain.unusual import Unusual
from kpi.store import known, usual
from kpi.store import schema as s
from kpi.store.writes import Writer


@dataclass(frozen=True)
class Deleted:
    values: int
    answers: int


CORRECTED = "correction"
"""A value's source once corrected by hand: a pull keeps it (kpi.store.pulling)."""


def _check_admin(viewer: Person) -> None:
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_define"))


def _spelled(conn: sa.Connection, kpi: str) -> str:
    """The KPI `kpi` names, without regard to case, as the store spells it (else as typed)."""
    return identity.match(kpi, known.codes(conn, "kpi")) or kpi.strip()


def delete(
    conn: sa.Connection, viewer: Person, month: date, kpi: str | None = None, *, answers: bool = False
) -> Deleted:
    """Delete the month's value of `kpi` (or of every KPI), or with `answers` its survey answers
    in that month; refused when nothing matches."""
    _check_admin(viewer)
    kpi = _spelled(conn, kpi) if kpi else kpi
    writer = Writer(conn, viewer.email)
    if answers:
        count = _delete_answers(conn, writer, month, kpi)
        found = Deleted(0, count)
    else:
        m = s.measurement
        where = [m.c.month == month] + ([m.c.kpi == kpi] if kpi else [])
        codes = conn.execute(sa.select(m.c.kpi).where(*where).order_by(m.c.kpi)).scalars().all()
        for code in codes:
            writer.delete(m, {"kpi": code, "month": month})
        found = Deleted(len(codes), 0)
    if not found.values and not found.answers:
        what = "correct.no_answers" if answers else "correct.no_values"
        raise NotFound(Problem(what, "", (("kpi", kpi or "*"), ("month", months.key(month)))))
    return found


def _delete_answers(conn: sa.Connection, writer: Writer, month: date, kpi: str | None) -> int:
    """Delete the month's answers (of `kpi`, or of every survey KPI) with their monthly counts;
    one audit row per KPI with the number of answers it had."""
    r, summary = s.response, s.response_month
    in_month = [r.c.date >= month, r.c.date <= months.end_of(month)] + ([r.c.kpi == kpi] if kpi else [])
    counts = conn.execute(
        sa.select(r.c.kpi, sa.func.count()).where(*in_month).group_by(r.c.kpi).order_by(r.c.kpi)
    ).all()
    now = datetime.now()
    for code, count in counts:
        conn.execute(r.delete().where(*in_month, r.c.kpi == code))
        conn.execute(summary.delete().where(summary.c.kpi == code, summary.c.month == month))
        conn.execute(
            s.audit.insert().values(
                **writer.audit_row(now, r, f"{code}|{months.key(month)}", {"answers": count}, None)
            )
        )
        writer.tally.add(r.name, "deleted", count)
    return sum(count for _, count in counts)


@dataclass(frozen=True)
class Corrected:
    """What a correction did (`Writer.upsert`'s outcome, or `unchanged`), and the value as read
    from what was typed, in its KPI's unit: "is now 74.5 %", not the "74,5" typed."""

    outcome: str
    value: float
    unit: str
    unusual: list[Unusual] = field(default_factory=list)
    """The value when far from its KPI's usual ones (`usual.far`): to look at once more."""


def correct(conn: sa.Connection, viewer: Person, kpi: str, month: date, value: object) -> Corrected:
    """Give the month's value of `kpi` another value (typed as a person writes it), checked as
    an imported value is (`checks.measurement`); refused when the month has no value to correct."""
    _check_admin(viewer)
    kpi, m = _spelled(conn, kpi), s.measurement
    current = conn.execute(sa.select(m).where(m.c.kpi == kpi, m.c.month == month)).mappings().first()
    if current is None:
        raise NotFound(Problem("correct.no_values", "", (("kpi", kpi), ("month", months.key(month)))))
    number = validate.number(value, "value", required=True)
    assert number is not None  # required: a missing one is refused
    seen = known.read(conn)
    problems = checks.measurement({"kpi": kpi, "month": month, "value": number}, seen)
    if problems:
        raise Refused(problems)
    unit = seen.kpis[kpi].unit  # known: the check refuses a KPI that is not
    if number == current["value"]:
        return Corrected("unchanged", number, unit)
    far = usual.far(conn, [(kpi, month, number)])  # before it is written
    # a corrected ratio's parts no longer make its value: they go
    row = {"kpi": kpi, "month": month, "value": number, "numerator": None, "denominator": None}
    row |= {"source": CORRECTED, "loaded_at": datetime.now()}
    return Corrected(Writer(conn, viewer.email).upsert(m, row), number, unit, far)
