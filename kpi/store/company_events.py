"""Company events in the store: read within a scope, written by administrators (audited).

A department head reads the events for everyone, those of their own department and those
naming a KPI they may read (with only those KPIs named); nothing of other departments. The form
on the Data page and the `events` import are held to one check (`company_events.check`, through
`checks.event`), and every write goes through the audited `Writer`.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from kpi.domain import access, checks, company_events
from kpi.domain.access import Scope
from kpi.domain.company_events import CompanyEvent, EventKind
from kpi.domain.errors import Denied, NotFound, Problem, Refused
from kpi.domain.model import Person
from kpi.files import tables
from kpi.store import known, queries
from kpi.store import schema as s
from kpi.store.writes import Writer


def read(conn: sa.Connection, scope: Scope, language: str | None = None) -> list[CompanyEvent]:
    """The events `scope` may read, oldest first (default deny: the empty scope reads none),
    titled in `language` where a translation is kept."""
    e, k = s.company_event, s.kpi
    texts = queries.translations(conn, "company_event", language)
    departments = {r.code: r.department for r in conn.execute(sa.select(k.c.code, k.c.department))}
    out = []
    for r in conn.execute(sa.select(e).order_by(e.c.start, e.c.id)):
        codes = company_events.kpi_codes(r.kpis)
        if codes:
            codes = tuple(c for c in codes if scope.sees_kpi(c, departments.get(c)))
            if not codes:
                continue
        elif r.department is not None and not scope.allows(r.department):
            continue
        elif r.department is None and scope.departments is not None and not scope.departments | scope.goals:
            continue  # nobody: default deny
        title = texts.get((str(r.id), "title"), r.title)
        out.append(CompanyEvent(r.id, title, EventKind(r.kind), r.start, r.end, r.department, codes))
    return out


def _require(viewer: Person) -> None:
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_define"))


def _fields(conn: sa.Connection, values: Mapping[str, object]) -> dict[str, object]:
    """The form's fields read as the `events` file's columns are, then checked as its rows are:
    every problem at once, nothing written until all is well."""
    typed = dict(values)
    chosen = typed.get("kpis")
    if isinstance(chosen, list | tuple):
        typed["kpis"] = company_events.KPI_SEPARATOR.join(str(c) for c in chosen)
    row, unread = tables.read("events", typed)
    if row.get("end") is None and row.get("start") is not None:
        row["end"] = row["start"]
    fields = {p.field for p in unread}
    problems = unread + [p for p in checks.event(row, known.read(conn)) if p.field not in fields]
    if problems:
        raise Refused(problems)
    return row


def save(
    conn: sa.Connection, viewer: Person, values: Mapping[str, object], event_id: int | None = None
) -> str:
    """Record a new event (`event_id` None) or change one: title, kind, start, end, and its scope
    (a department, or KPIs; neither: everyone). Administrators only; audited."""
    _require(viewer)
    row = _fields(conn, values)
    writer = Writer(conn, viewer.email)
    if event_id is None:
        writer.insert(s.company_event, row)
        return "inserted"
    _existing(conn, event_id)
    return writer.upsert(s.company_event, {"id": event_id, **row})


def remove(conn: sa.Connection, viewer: Person, event_id: int) -> str:
    """Forget an event (the audit keeps it). Administrators only."""
    _require(viewer)
    _existing(conn, event_id)
    Writer(conn, viewer.email).delete(s.company_event, {"id": event_id})
    return "deleted"


def _existing(conn: sa.Connection, event_id: int) -> None:
    found = conn.execute(sa.select(s.company_event.c.id).where(s.company_event.c.id == event_id)).first()
    if found is None:
        raise NotFound(Problem("happening.unknown", "event", (("id", event_id),)))
