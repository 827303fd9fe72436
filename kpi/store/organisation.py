"""Administration of the organisation: departments and people (who signs in, with which role and
department), created, changed, retired and restored by administrators in the app.

Admins only (kpi.domain.access.may_administer), checked here whatever a page shows. A form's
fields are read by the same column readers as an import file of the kind (kpi.files.tables) and
checked by the same check (kpi.domain.checks), every problem at once; nothing is written unless
all is well. Writes go through the audited `Writer`, inside the caller's transaction.

Retiring hides a department or a person from pages, pickers and sign-in, and keeps the row and
its history; restoring brings it back. Retiring is refused while something still depends on it
(a department's KPIs, goals, people and sub-departments; a person's goals and open actions), and
nobody may retire or demote the last administrator, or retire themselves: the cockpit would be
left without anyone who can undo it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

import sqlalchemy as sa

from kpi.domain import access, checks, identity, validate
from kpi.domain.errors import Denied, NotFound, Problem
from kpi.domain.model import ActionStatus, Person
from kpi.files import tables
from kpi.files.tables import KINDS
from kpi.store import known
from kpi.store import schema as s
from kpi.store.writes import Writer

SHOWN = 8
"""How many of the things still in a department (or owned by a person) a refusal names."""


def _check_admin(viewer: Person) -> None:
    if not access.may_administer(viewer):
        raise Denied(Problem("edit.denied_administer"))


def _read(
    kind: str, values: Mapping[str, object], problems: list[Problem], stored: checks.Known
) -> dict[str, Any]:
    """The form's fields read as an import file's row of `kind` is (`tables.read`), every column
    present (None when empty or unreadable; the problem is kept), and the codes it names spelled
    as the store spells them."""
    typed = {column.name: values.get(column.name) or "" for column in KINDS[kind]}
    read, found = tables.read(kind, typed)
    problems += found
    return checks.spelled(kind, {name: read.get(name) for name in typed}, checks.spellings(stored))


def _finish(problems: list[Problem], found: list[Problem], labels: Mapping[str, str] | None = None) -> None:
    """Raise every problem at once: the readers' first, then the check's about other fields;
    `labels` names fields whose label differs from the catalogue's `field.<name>`."""
    unreadable = {p.field for p in problems}
    problems += [p for p in found if p.field not in unreadable]
    if problems:
        named = labels or {}
        raise validate.Rejected([replace(p, field=named.get(p.field, p.field)) for p in problems])


def _before(conn: sa.Connection, table: sa.Table, key: object) -> dict[str, object]:
    """The stored row a form changes (empty for a new one): what it already names may stay."""
    column = table.primary_key.columns.values()[0]
    found = conn.execute(sa.select(table).where(column == key)).mappings().first()
    return dict(found) if found is not None else {}


def save_department(
    conn: sa.Connection, viewer: Person, values: Mapping[str, object], *, is_new: bool
) -> str:
    """Create or change a department (its name and parent), checked as an imported one is
    (`checks.department`: a retired parent, a loop)."""
    _check_admin(viewer)
    problems: list[Problem] = []
    stored = known.read(conn, hints=True)  # administrators only
    row = _read("departments", values, problems, stored)
    before = _before(conn, s.department, row.get("code"))
    found = checks.confirmed_by_store(checks.department(row, stored), row, before)
    found += _fresh_key(row, "code", stored.departments, is_new)
    _finish(problems, found, {"parent": "organisation.field_parent"})  # not a goal's parent
    return Writer(conn, viewer.email).upsert(s.department, row)


def save_person(conn: sa.Connection, viewer: Person, values: Mapping[str, object], *, is_new: bool) -> str:
    """Create or change a person (name, role, department), checked as an imported one is
    (`checks.person`: a retired department, a head without one, the last administrator)."""
    _check_admin(viewer)
    problems: list[Problem] = []
    stored = known.read(conn, hints=True)  # administrators only
    row = _read("people", values, problems, stored)
    before = _before(conn, s.person, row.get("email"))
    found = checks.confirmed_by_store(checks.person(row, stored), row, before)
    taken = _fresh_key(row, "email", stored.people, is_new)
    if taken:  # a new person with an administrator's address demotes nobody: the address is the problem
        found = [p for p in found if p.key != "last_admin"]
    found += taken
    _finish(problems, found)
    return Writer(conn, viewer.email).upsert(s.person, row)


def _fresh_key(
    row: Mapping[str, object], field: str, existing: frozenset[str], is_new: bool
) -> list[Problem]:
    """A new department or person needs a key the store does not hold (retired ones included:
    restore those instead); a change needs one it does."""
    value = row.get(field)
    if not value:
        return []
    if is_new and value in existing:
        return [
            Problem("duplicate_code" if field == "code" else "duplicate_person", field, (("value", value),))
        ]
    if not is_new and value not in existing:
        return [Problem("unknown_code", field, (("value", value),))]
    return []


def retire_department(conn: sa.Connection, viewer: Person, code: str, today: date | None) -> str:
    """Retire (or, with `today=None`, restore) a department; refused while anything active
    still belongs to it."""
    _check_admin(viewer)
    d, k, g, p = s.department, s.kpi, s.goal, s.person
    found = identity.match(code, conn.execute(sa.select(d.c.code)).scalars())
    if found is None:
        raise NotFound(Problem("unknown_code", "code", (("value", code),)))
    code = found  # as the store spells it: codes match without regard to case
    if today is not None:
        dependants = {
            "retire_has_kpis": sa.select(k.c.code).where(k.c.department == code, k.c.retired_at.is_(None)),
            "retire_has_goals": sa.select(g.c.code).where(g.c.department == code, g.c.retired_at.is_(None)),
            "retire_has_people": sa.select(p.c.name).where(p.c.department == code, p.c.retired_at.is_(None)),
            "retire_has_departments": sa.select(d.c.code).where(d.c.parent == code, d.c.retired_at.is_(None)),
        }
        _refuse_while_used(conn, dependants)
    return Writer(conn, viewer.email).upsert(d, {"code": code, "retired_at": today})


def retire_person(conn: sa.Connection, viewer: Person, email: str, today: date | None) -> str:
    """Retire (or, with `today=None`, restore) a person: retired, they sign in as nobody. Refused
    while they own active goals or open actions, for oneself and for the last administrator."""
    _check_admin(viewer)
    p, g, a = s.person, s.goal, s.action
    if conn.execute(sa.select(p.c.email).where(p.c.email == email)).first() is None:
        raise NotFound(Problem("unknown_person", "email", (("value", email),)))
    if today is not None:
        if email == viewer.email:
            raise validate.Rejected([Problem("retire_self", "email")])
        if known.read(conn).admins == {email}:
            raise validate.Rejected([Problem("last_admin", "role")])
        still_open = [str(status) for status in ActionStatus if status.is_open]
        dependants = {
            "retire_owns_goals": sa.select(g.c.code).where(g.c.owner == email, g.c.retired_at.is_(None)),
            "retire_owns_actions": sa.select(a.c.title).where(a.c.owner == email, a.c.status.in_(still_open)),
        }
        _refuse_while_used(conn, dependants)
    return Writer(conn, viewer.email).upsert(p, {"email": email, "retired_at": today})


def _refuse_while_used(conn: sa.Connection, dependants: Mapping[str, sa.Select]) -> None:
    """Every kind of thing that still depends on what is to be retired, at once."""
    problems = []
    for key, stmt in dependants.items():
        found = sorted(conn.execute(stmt).scalars())
        if found:
            shown = ", ".join(found[:SHOWN]) + (" …" if len(found) > SHOWN else "")
            problems.append(Problem(key, "", (("count", len(found)), ("items", shown))))
    if problems:
        raise validate.Rejected(problems)
