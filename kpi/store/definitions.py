"""Changing the strategy's definitions: goals, KPIs, customer promises, service priorities.

Admins only (kpi.domain.access.may_define). Every field is checked and every problem reported at once
(`validate.Rejected`); nothing is written unless all is well. Writes go through the audited
`Writer`, so a changed target keeps its before and after, who and when: history is never
rewritten. Nothing is deleted: retiring hides a definition from reports and keeps its data.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa

from kpi.domain import access, validate
from kpi.domain.model import Aggregation, Direction, Level, Person
from kpi.domain.validate import Problem, Rejected
from kpi.store import schema as s
from kpi.store.edits import Denied
from kpi.store.writes import Writer
from kpi.text import fmt
from kpi.text.i18n import t

_CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def _check_admin(viewer: Person) -> None:
    if not access.may_define(viewer):
        raise Denied(t("edit.denied_define"))


def _codes(conn: sa.Connection, table: sa.Table, column: str = "code") -> set[str]:
    return set(conn.execute(sa.select(table.c[column])).scalars())


class _Form:
    """Collects every problem of a form before anything is written."""

    def __init__(self, values: Mapping[str, object]) -> None:
        self.values = values
        self.problems: list[Problem] = []

    def text(self, name: str, *, required: bool = False) -> str:
        value = str(self.values.get(name) or "").strip()
        if required and not value:
            self.problems.append(Problem("required", t(f"field.{name}")))
        return value

    def number(self, name: str, *, required: bool = False) -> float | None:
        try:  # typed by a person: their language decides what "1.234" means
            return validate.number(
                self.values.get(name), t(f"field.{name}"), required=required, decimal=fmt.decimal_symbol()
            )
        except Rejected as rejected:
            self.problems.extend(rejected.problems)
            return None

    def month(self, name: str, *, required: bool = False) -> date | None:
        return self._try(validate.month, name, required)

    def day(self, name: str, *, required: bool = False) -> date | None:
        return self._try(validate.day, name, required)

    def _try(self, parse: object, name: str, required: bool) -> object:
        try:
            return parse(self.values.get(name), t(f"field.{name}"), required=required)  # type: ignore[operator]
        except Rejected as rejected:
            self.problems.extend(rejected.problems)
            return None

    def choice(self, name: str, allowed: set[str], *, required: bool = True) -> str | None:
        value = self.text(name)
        if not value:
            if required:
                self.problems.append(Problem("required", t(f"field.{name}")))
            return None
        if value not in allowed:
            self.problems.append(Problem("unknown_code", t(f"field.{name}"), (("value", value),)))
        return value

    def code(self, existing: set[str], is_new: bool) -> str:
        code = self.text("code", required=True).upper()
        if code and not set(code) <= _CODE_CHARS:
            self.problems.append(Problem("bad_code", t("field.code"), (("value", code),)))
        if is_new and code in existing:
            self.problems.append(Problem("duplicate_code", t("field.code"), (("value", code),)))
        if not is_new and code not in existing:
            self.problems.append(Problem("unknown_code", t("field.code"), (("value", code),)))
        return code

    def finish(self) -> None:
        if self.problems:
            raise Rejected(self.problems)


def save_goal(conn: sa.Connection, viewer: Person, values: Mapping[str, object], *, is_new: bool) -> str:
    """Create or change a goal; a changed target or deadline asks the owner to accept again."""
    _check_admin(viewer)
    form = _Form(values)
    goals = {
        r.code: (Level(r.level), r.parent)
        for r in conn.execute(sa.select(s.goal.c.code, s.goal.c.level, s.goal.c.parent))
    }
    code = form.code(set(goals), is_new)
    level = form.choice("level", {str(lvl) for lvl in Level})
    parent = form.text("parent") or None
    row = {
        "code": code,
        "title": form.text("title", required=True),
        "description": form.text("description"),
        "level": level,
        "parent": parent,
        "kpi": form.choice("kpi", _codes(conn, s.kpi)),
        "department": form.choice("department", _codes(conn, s.department)),
        "owner": form.choice("owner", _codes(conn, s.person, "email"), required=False),
        "baseline": form.number("baseline"),
        "target": form.number("target", required=True),
        "start": form.month("start", required=True),
        "deadline": form.day("deadline"),
        "weight": form.number("weight") or 1.0,
        "promise": form.choice("promise", _codes(conn, s.promise), required=False),
    }
    if level in {str(lvl) for lvl in Level} and code:
        form.problems += validate.goal_tree(
            code, Level(level), parent, {c: v for c, v in goals.items() if c != code}
        )
    if row["start"] and row["deadline"] and row["deadline"] <= row["start"]:
        form.problems.append(Problem("deadline_before_start", t("field.deadline")))
    if row["weight"] is not None and row["weight"] <= 0:
        form.problems.append(Problem("weight_positive", t("field.weight")))
    form.finish()
    current = conn.execute(sa.select(s.goal).where(s.goal.c.code == code)).mappings().first()
    if current is not None and current["accepted_at"] is not None:
        terms_changed = (current["target"], current["deadline"]) != (row["target"], row["deadline"])
        row["accepted_at"] = None if terms_changed else current["accepted_at"]
    return Writer(conn, viewer.email).upsert(s.goal, row)


def save_kpi(conn: sa.Connection, viewer: Person, values: Mapping[str, object], *, is_new: bool) -> str:
    _check_admin(viewer)
    form = _Form(values)
    row = {
        "code": form.code(_codes(conn, s.kpi), is_new),
        "name": form.text("name", required=True),
        "department": form.choice("department", _codes(conn, s.department)),
        "unit": form.choice("unit", set(fmt.UNITS)),
        "direction": form.choice("direction", {str(d) for d in Direction}),
        "aggregation": form.choice("aggregation", {str(a) for a in Aggregation}),
        "target": form.number("target"),
        "tolerance": form.number("tolerance"),
        "journey_phase": form.text("journey_phase") or None,
        "definition": form.text("definition"),
        "benchmark": form.text("benchmark") or None,
    }
    if row["tolerance"] is None:
        row["tolerance"] = 0.05
    elif not 0 <= row["tolerance"] <= 1:
        form.problems.append(Problem("tolerance_share", t("field.tolerance")))
    form.finish()
    return Writer(conn, viewer.email).upsert(s.kpi, row)


def save_promise(conn: sa.Connection, viewer: Person, values: Mapping[str, object], *, is_new: bool) -> str:
    _check_admin(viewer)
    form = _Form(values)
    row = {"code": form.code(_codes(conn, s.promise), is_new), "text": form.text("text", required=True)}
    form.finish()
    return Writer(conn, viewer.email).upsert(s.promise, row)


def save_priority(conn: sa.Connection, viewer: Person, values: Mapping[str, object], *, is_new: bool) -> str:
    _check_admin(viewer)
    form = _Form(values)
    row = {
        "code": form.code(_codes(conn, s.service_priority), is_new),
        "text": form.text("text", required=True),
        "kpi": form.choice("kpi", _codes(conn, s.kpi)),
        "threshold": form.number("threshold", required=True),
        "comparison": form.choice("comparison", {"<=", ">="}),
    }
    form.finish()
    return Writer(conn, viewer.email).upsert(s.service_priority, row)


RETIRABLE = {"goal": s.goal, "kpi": s.kpi, "promise": s.promise, "service_priority": s.service_priority}


def retire(conn: sa.Connection, viewer: Person, table: str, code: str, today: date | None) -> str:
    """Retire (or, with `today=None`, restore) a definition. Its history stays in the store."""
    _check_admin(viewer)
    if table == "goal" and today is not None:
        g = s.goal
        children = (
            conn.execute(sa.select(g.c.code).where(g.c.parent == code, g.c.retired_at.is_(None)))
            .scalars()
            .all()
        )
        if children:
            raise Rejected(
                [Problem("active_children", t("field.code"), (("codes", ", ".join(sorted(children))),))]
            )
    return Writer(conn, viewer.email).upsert(RETIRABLE[table], {"code": code, "retired_at": today})
