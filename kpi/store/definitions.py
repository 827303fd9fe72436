"""Changing the strategy's definitions: goals, KPIs, customer promises, service priorities.

Admins only (kpi.domain.access.may_define). Every field is checked, by the same checks an import
uses (kpi.domain.checks), and every problem reported at once (`validate.Rejected`); nothing is
written unless all is well. Writes go through the audited `Writer`, so a changed target keeps its
before and after, who and when: history is never rewritten. Nothing is deleted: retiring hides a
definition from reports and keeps its data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

import sqlalchemy as sa

from kpi.domain import access, checks, identity, priority_events, sources, validate
from kpi.domain.errors import Denied, NotFound, Problem
from kpi.domain.model import DEFAULT_TOLERANCE, DEFAULT_WEIGHT, EventMeasure, Person
from kpi.domain.validate import Rejected
from kpi.files import tables
from kpi.sources import recipe_source
from kpi.store import known, sourcing
from kpi.store import priority_events as event_measures
from kpi.store import schema as s
from kpi.store.writes import Writer
from kpi.text import fmt


def _check_admin(viewer: Person) -> None:
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_define"))


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
            self.problems.append(Problem("required", name))
        return value

    def number(self, name: str, *, required: bool = False) -> float | None:
        try:  # typed by a person: their language decides what "1.234" means
            return validate.number(
                self.values.get(name), name, required=required, decimal=fmt.decimal_symbol()
            )
        except Rejected as rejected:
            self.problems.extend(rejected.problems)
            return None

    def read(self, kind: str, names: tuple[str, ...]) -> dict[str, Any]:
        """The fields `names` of a `kind` record, read as a file's row is (`tables.read`): the
        same words for enumerations, formats for months and dates, and problems."""
        typed = {name: self.values.get(name) for name in names}
        row, problems = tables.read(kind, typed, decimal=fmt.decimal_symbol())
        self.problems += problems
        return row

    def choice(self, name: str, allowed: set[str], *, required: bool = True) -> str | None:
        value = self.text(name)
        if not value:
            if required:
                self.problems.append(Problem("required", name))
            return None
        if value not in allowed:
            self.problems.append(Problem("unknown_code", name, (("value", value),)))
        return value

    def code(self, existing: set[str], is_new: bool) -> str:
        typed = self.text("code", required=True)
        code = identity.match(typed, existing) or identity.spelling(typed)
        lookalike = checks.lookalike(typed, "code")
        if lookalike:
            self.problems += lookalike
        elif code and not checks.is_code(code):
            self.problems.append(Problem("bad_code", "code", (("value", code),)))
        self._taken(code, existing, is_new)
        return code

    def read_code(self, code: object, existing: set[str], is_new: bool) -> str:
        """The record's code as `read` read it: new, or one the store holds."""
        if code is None:
            if "code" not in {p.field for p in self.problems}:
                self.problems.append(Problem("required", "code"))
            return ""
        self._taken(str(code), existing, is_new)
        return str(code)

    def _taken(self, code: str, existing: set[str], is_new: bool) -> None:
        if is_new and code in existing:
            self.problems.append(Problem("duplicate_code", "code", (("value", code),)))
        if not is_new and code not in existing:
            self.problems.append(Problem("unknown_code", "code", (("value", code),)))

    def check(
        self,
        check: Callable[[checks.Fields, checks.Known], list[Problem]],
        row: checks.Fields,
        stored: checks.Known,
        before: checks.Fields | None = None,
    ) -> None:
        """The record's problems by its kind's check, except for fields already unreadable: a
        target that is not a number is not also reported as missing; a far-ahead month the
        record already had (`before`) needs no new confirmation."""
        unreadable = {p.field for p in self.problems}
        found = checks.confirmed_by_store(check(row, stored), row, before or {})
        self.problems += [p for p in found if p.field not in unreadable]

    def finish(self) -> None:
        if self.problems:
            raise Rejected(self.problems)


GOAL_FIELDS = (
    "code",
    "title",
    "description",
    "level",
    "parent",
    "kpi",
    "department",
    "owner",
    "baseline",
    "target",
    "start",
    "deadline",
    "weight",
    "promise",
)
"""The goal form's fields: a goals file's columns but `accepted` (the owner's own act)."""
KPI_FIELDS = tuple(c.name for c in tables.KINDS["kpis"] if c.name not in tables.SOURCE_COLUMNS)
"""The KPI form's fields, read as a KPIs file's columns are (its benchmark is read apart; its
source has a form of its own, kpi.store.sourcing.save)."""


def save_goal(
    conn: sa.Connection,
    viewer: Person,
    values: Mapping[str, object],
    *,
    is_new: bool,
    confirm_future: bool = False,
) -> str:
    """Create or change a goal; a changed target or deadline asks the owner to accept again.
    Checked as an imported goal is (`checks.goal`): a start or deadline more than a year ahead
    needs `confirm_future`, unless the goal already has it."""
    _check_admin(viewer)
    form, stored = _Form(values), known.read(conn, confirm_future=confirm_future, hints=True)
    row = checks.spelled("goals", form.read("goals", GOAL_FIELDS), checks.spellings(stored))
    # a field the form could not read is left out of `row`, its problem said (a code "new g;3")
    row["code"] = form.read_code(row.get("code"), set(stored.goals), is_new)
    row["title"] = row.get("title") or ""
    row["description"] = row.get("description") or ""
    current = conn.execute(sa.select(s.goal).where(s.goal.c.code == row["code"])).mappings().first()
    form.check(checks.goal, row, stored, dict(current) if current is not None else {})
    form.finish()
    if row["weight"] is None:
        row["weight"] = DEFAULT_WEIGHT
    if current is not None and current["accepted_at"] is not None:
        terms_changed = (current["target"], current["deadline"]) != (row["target"], row["deadline"])
        row["accepted_at"] = None if terms_changed else current["accepted_at"]
    return Writer(conn, viewer.email).upsert(s.goal, row)


def save_kpi(conn: sa.Connection, viewer: Person, values: Mapping[str, object], *, is_new: bool) -> str:
    """Create or change a KPI, checked as an imported KPI is (`checks.kpi`; and, when it has a
    source, refused where the change breaks the source: `sources.unfit_edit`)."""
    _check_admin(viewer)
    form, stored = _Form(values), known.read(conn, hints=True)
    row = checks.spelled("kpis", form.read("kpis", KPI_FIELDS), checks.spellings(stored))
    row["code"] = form.read_code(row.get("code"), set(stored.kpis), is_new)  # unreadable: said
    row["name"] = row.get("name") or ""
    row["definition"] = row.get("definition") or ""
    row["benchmark"] = form.text("benchmark") or None
    current = conn.execute(sa.select(s.kpi).where(s.kpi.c.code == row["code"])).mappings().first()
    form.check(checks.kpi, row, stored, dict(current) if current is not None else {})
    for source in sourcing.read(conn, str(row["code"])):  # its source must still fit, as in a KPIs file
        form.problems += sources.unfit_edit(source, row)
    form.finish()
    if row["tolerance"] is None:
        row["tolerance"] = DEFAULT_TOLERANCE
    return Writer(conn, viewer.email).upsert(s.kpi, row)


def save_promise(conn: sa.Connection, viewer: Person, values: Mapping[str, object], *, is_new: bool) -> str:
    """Create or change a customer promise, checked as an imported one is (`checks.promise`)."""
    _check_admin(viewer)
    form, stored = _Form(values), known.read(conn, hints=True)
    row = {"code": form.code(_codes(conn, s.promise), is_new), "text": form.text("text")}
    form.check(checks.promise, row, stored)
    form.finish()
    return Writer(conn, viewer.email).upsert(s.promise, row)


def save_priority(
    conn: sa.Connection,
    viewer: Person,
    values: Mapping[str, object],
    *,
    is_new: bool,
    found: sources.Found | None = None,
) -> str:
    """Create or change a service priority, checked as an imported one is (`checks.service_priority`).
    `found` is what its call-record pattern names (`priority_files`), looked up before the store
    was taken for writing; without it the pattern is looked up here."""
    _check_admin(viewer)
    form, stored = _Form(values), known.read(conn, hints=True)
    row = {
        "code": form.code(_codes(conn, s.service_priority), is_new),
        "text": form.text("text"),
        "kpi": form.text("kpi") or None,
        "threshold": form.number("threshold"),
        "comparison": form.text("comparison") or None,
    }
    form.check(checks.service_priority, row, stored)
    found = priority_files(values) if found is None else found
    measure = _event_measure(form, str(row["code"]), stored, found)
    form.finish()
    writer = Writer(conn, viewer.email)
    outcome = writer.upsert(s.service_priority, row)
    if measure is not None:  # measured over call records (kpi.domain.priority_events)
        event_measures.write(writer, {str(row["code"]): measure})
        changed = any(writer.tally.get(s.priority_measure.name, o) for o in ("inserted", "updated"))
    else:  # all four left empty: judged by its KPI's value again
        changed = event_measures.remove(writer, str(row["code"]))
    return "updated" if outcome == "unchanged" and changed else outcome  # the priority changed


EVENT_FIELDS = ("files", "queue", "within_s", "share")
"""The service priority editor's optional fields of a measure over call records."""


def priority_files(values: Mapping[str, object]) -> sources.Found:
    """The call records a service priority form's pattern names: one glob of the file system,
    run before the store is taken for writing, so a large folder never holds the store."""
    files = str(values.get("files") or "").strip()
    return recipe_source.looked_up((), [files] if files else [])


def _event_measure(form: _Form, code: str, stored: checks.Known, found: sources.Found) -> EventMeasure | None:
    """The priority's measure over call records as the form gives it, checked by the one check
    the definitions file uses too; None when its fields are all empty."""
    if not any(str(form.values.get(name) or "").strip() for name in EVENT_FIELDS):
        return None
    fields: dict[str, object] = {
        "priority": code,
        "files": form.text("files") or None,
        "queue": form.text("queue") or None,
        "within_s": form.number("within_s"),
        "share": form.number("share"),
    }
    known_now = replace(stored, priorities=stored.priorities | {code})  # a new priority is known
    unreadable = {p.field for p in form.problems}
    unfit = [p for p in priority_events.check(fields, known_now, found) if p.field not in unreadable]
    form.problems += unfit
    return priority_events.record(fields) if not unfit and not unreadable & set(EVENT_FIELDS) else None


RETIRABLE = {"goal": s.goal, "kpi": s.kpi, "promise": s.promise, "service_priority": s.service_priority}


def retire(conn: sa.Connection, viewer: Person, table: str, code: str, today: date | None) -> str:
    """Retire (or, with `today=None`, restore) a definition. Its history stays in the store."""
    _check_admin(viewer)
    defined = RETIRABLE[table]
    if conn.execute(sa.select(defined.c.code).where(defined.c.code == code)).first() is None:
        raise NotFound(Problem("unknown_code", "code", (("value", code),)))
    if table == "goal" and today is not None:
        g = s.goal
        children = (
            conn.execute(sa.select(g.c.code).where(g.c.parent == code, g.c.retired_at.is_(None)))
            .scalars()
            .all()
        )
        if children:
            raise Rejected([Problem("active_children", "code", (("codes", ", ".join(sorted(children))),))])
    return Writer(conn, viewer.email).upsert(RETIRABLE[table], {"code": code, "retired_at": today})
