"""What the checks of kpi.domain.checks must know of the store, read in one place.

The import and the forms check a record against the same codes, people and goal tree, so both
read them here: retired definitions included, since history may still name them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from kpi import settings
from kpi.domain.checks import WHOLE_NOISE, Known, KnownKpi, name_key
from kpi.domain.model import Aggregation, Level, Role
from kpi.store import schema as s


def _codes(conn: sa.Connection, column: sa.Column) -> frozenset[str]:
    return frozenset(conn.execute(sa.select(column)).scalars())


def _names(conn: sa.Connection, table: sa.Table) -> dict[str, str]:
    """`name key → code` of a table's records (`checks.name_key`), by their name in every
    language the store holds (a Danish file says "Kundeservice" of the department CS)."""
    tr = s.translation
    translated = sa.select(tr.c.key, tr.c.text).where(tr.c.table_name == table.name, tr.c.field == "name")
    found = {name_key(r.text): r.key for r in conn.execute(translated)}
    return found | {name_key(r.name): r.code for r in conn.execute(sa.select(table.c.code, table.c.name))}


def _kpi_names(conn: sa.Connection) -> dict[tuple[str, str], frozenset[str]]:
    """`(department, name key) → codes` of the current KPIs, by their names in every language the
    store holds (`Known.kpi_names`)."""
    k, tr = s.kpi, s.translation
    current = k.c.retired_at.is_(None)
    translated = (
        sa.select(k.c.department, tr.c.text.label("name"), k.c.code)
        .join(k, k.c.code == tr.c.key)
        .where(tr.c.table_name == k.name, tr.c.field == "name", current)
    )
    base = sa.select(k.c.department, k.c.name, k.c.code).where(current)
    found: dict[tuple[str, str], set[str]] = {}
    for r in [*conn.execute(translated), *conn.execute(base)]:
        found.setdefault((r.department, name_key(r.name)), set()).add(r.code)
    return {key: frozenset(codes) for key, codes in found.items()}


def _addresses(conn: sa.Connection) -> dict[str, str]:
    """`name key → e-mail address` of the active people the store holds, a name two people share
    (a deactivated one too) left out: neither address would be the one meant for sure."""
    p = s.person
    named: dict[str, set[str]] = {}
    active: set[str] = set()
    for name, email, retired in conn.execute(sa.select(p.c.name, p.c.email, p.c.retired_at)):
        named.setdefault(name_key(name), set()).add(email)
        if retired is None:
            active.add(email)
    return {key: next(iter(emails)) for key, emails in named.items() if len(emails) == 1 and emails <= active}


def _measured(conn: sa.Connection) -> tuple[frozenset[str], frozenset[str]]:
    """KPIs with monthly values, and those of them with a value that is not a whole number
    (`checks.Known.measured`, `.fractional`): one pass over the values."""
    m = s.measurement
    apart = sa.func.max(sa.func.abs(m.c.value - sa.func.round(m.c.value)))
    rows = conn.execute(sa.select(m.c.kpi, apart).group_by(m.c.kpi)).all()
    return frozenset(r[0] for r in rows), frozenset(r[0] for r in rows if (r[1] or 0) >= WHOLE_NOISE)


def _retired(conn: sa.Connection, table: sa.Table) -> frozenset[str]:
    key = table.primary_key.columns.values()[0]
    return frozenset(conn.execute(sa.select(key).where(table.c.retired_at.is_not(None))).scalars())


def read(conn: sa.Connection, *, confirm_future: bool = False, hints: bool = False) -> Known:
    """Every department (with its parent), person, promise, service priority, KPI (with its unit
    and kind) and goal (with its place in the tree) the store holds, which of them are retired,
    the active administrators, and the months the settings allow (far-ahead ones when the
    person confirmed them). With `hints` a refusal may name what the store holds
    (`Known.hints`): only for a check an administrator asks for."""
    kpis = conn.execute(sa.select(s.kpi.c.code, s.kpi.c.unit, s.kpi.c.aggregation, s.kpi.c.direction))
    g = s.goal
    goals = conn.execute(
        sa.select(g.c.code, g.c.level, g.c.parent, g.c.kpi, g.c.baseline, g.c.target, g.c.retired_at)
    )
    d, p = s.department, s.person
    admins = sa.select(p.c.email).where(p.c.role == str(Role.ADMIN), p.c.retired_at.is_(None))
    measured, fractional = _measured(conn)
    rows = goals.all()
    return Known(
        departments=_codes(conn, s.department.c.code),
        people=_codes(conn, s.person.c.email),
        promises=_codes(conn, s.promise.c.code),
        priorities=_codes(conn, s.service_priority.c.code),
        kpis={r.code: KnownKpi(r.unit, Aggregation(r.aggregation), r.direction) for r in kpis},
        goals={r.code: (Level(r.level), r.parent) for r in rows},
        aims=_aims(rows),
        answered=_codes(conn, s.response_month.c.kpi),
        measured=measured,
        fractional=fractional,
        kpi_names=(kpi_names := _kpi_names(conn)),
        kpi_names_held=kpi_names,
        names={
            "departments": _names(conn, s.department),
            "kpis": _names(conn, s.kpi),
            "people": _addresses(conn),
        },
        window=settings.window(confirmed=confirm_future),
        retired={
            "departments": _retired(conn, d),
            "people": _retired(conn, p),
            "goals": _retired(conn, s.goal),
        },
        department_parents={r.code: r.parent for r in conn.execute(sa.select(d.c.code, d.c.parent))},
        admins=frozenset(conn.execute(admins).scalars()),
        hints=hints,
    )


def _aims(goals: Sequence[sa.Row]) -> dict[str, tuple[tuple[str, float, float], ...]]:
    """`kpi → (goal, baseline, target)` of each active goal that asks its KPI to move."""
    out: dict[str, list[tuple[str, float, float]]] = {}
    for r in goals:
        measured = r.kpi and r.retired_at is None and r.baseline is not None and r.target is not None
        if measured and r.baseline != r.target:
            out.setdefault(r.kpi, []).append((r.code, r.baseline, r.target))
    return {kpi: tuple(found) for kpi, found in out.items()}


CODED = {"department": s.department.c.code, "kpi": s.kpi.c.code, "goal": s.goal.c.code}
"""What an option or a link may name by its code."""


def codes(conn: sa.Connection, what: str) -> list[str]:
    """Every code of `what` (`CODED`) the store holds, retired ones too, in order."""
    column = CODED[what]
    return list(conn.execute(sa.select(column).order_by(column)).scalars())
