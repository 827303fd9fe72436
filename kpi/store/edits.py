"""Edits people make in the app: commentary, actions, accepting a goal.

Each function checks the viewer's right to write (kpi.domain.access) and the input, then writes through
the audited `Writer` inside the caller's transaction. A refusal raises `Denied`, `Refused` or
`NotFound` (kpi.domain.errors) with the problem's key and values; nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import sqlalchemy as sa

from kpi.domain import access, bounds, checks, identity, months
from kpi.domain.errors import Denied, NotFound, Problem, Refused
from kpi.domain.model import ActionStatus, Person, Role
from kpi.files import tables
from kpi.store import closing, known, queries
from kpi.store import schema as s
from kpi.store.writes import Writer

MAX_TEXT = bounds.TEXT
"""The longest comment or action title (kpi.domain.bounds)."""


def _goal(conn: sa.Connection, code: str) -> sa.Row:
    found = conn.execute(sa.select(s.goal).where(s.goal.c.code == code)).first()
    if found is None:
        raise NotFound(Problem("edit.unknown_goal", "goal", (("code", code),)))
    return found


def _kpi_department(conn: sa.Connection, code: str) -> str:
    found = conn.execute(sa.select(s.kpi.c.department).where(s.kpi.c.code == code)).scalar()
    if found is None:
        raise NotFound(Problem("edit.unknown_kpi", "kpi", (("code", code),)))
    return found


def checked_text(text: str, field: str) -> str:
    """`text` as it is written: what a person typed, without unseen characters and outer spaces;
    refused when nothing a reader sees is left, when too long, or with control characters."""
    cleaned = identity.unseen_removed(text or "").strip()  # as an import reads it (`tables._text`)
    if identity.blank(cleaned):  # spaces alone, or zero-width ones: nothing a reader sees
        raise Refused(Problem("edit.empty", field))
    if len(cleaned) > MAX_TEXT:
        raise Refused(Problem("edit.too_long", field, (("length", len(cleaned)), ("limit", MAX_TEXT))))
    control = bounds.control_problems({field: cleaned})
    if control:
        raise Refused(control)
    return cleaned


def add_commentary(
    conn: sa.Connection,
    viewer: Person,
    *,
    month: date,
    text: str,
    kpi: str | None = None,
    goal: str | None = None,
) -> int:
    """The month's explanation on one KPI or one goal. Stored and shown as plain text."""
    if (kpi is None) == (goal is None):
        raise Refused(Problem("edit.comment_subject"))
    if goal is not None:
        row = _goal(conn, goal)
        allowed = access.may_comment(viewer, row.department, row.owner)
    else:
        allowed = access.may_comment(viewer, _kpi_department(conn, kpi or ""))
    if not allowed:
        raise Denied(Problem("edit.denied"))
    if closing.closed(conn, months.first_of(month)) is not None:
        # its packs and the Present page hold its words as closed: a word added now would show on
        # the pages and not in the meeting (a presenter's trial)
        raise Refused(Problem("closing.closed_words", "month", (("month", months.key(month)),)))
    values = {
        "kpi": kpi,
        "goal": goal,
        "month": month,
        "author": viewer.email,
        "text": checked_text(text, "edit.field_text"),
        "written_at": datetime.now(),
    }
    return int(Writer(conn, viewer.email).insert(s.commentary, values))


def _read_action(values: dict) -> tuple[dict, list[Problem]]:
    """The action's owner and status read as an actions file's are (`tables.read`): `done`,
    `færdig` or `Færdig` is the status `done`."""
    typed = {name: values[name] for name in ("owner", "status") if name in values}
    read, problems = tables.read("actions", typed)
    return {**values, **{k: v for k, v in read.items() if v is not None}}, problems


def _check_action(
    conn: sa.Connection,
    values: dict,
    unread: list[Problem],
    viewer: Person,
    given: bool = True,
    stored: Mapping[str, object] | None = None,
) -> None:
    """The action as it will be stored, checked as an imported action is (`checks.action`), and
    its owner one `viewer` may give it to (`access.may_give_action`) when it is `given` now (a
    new action, or another owner). A text it keeps as `stored` is not refused for a line break
    stored before names and titles held one line: the status form has no title to mend it in."""
    fields = {p.field for p in unread}
    found = [p for p in checks.action(values, known.read(conn)) if p.field not in fields]
    kept = stored or {}
    problems = unread + [
        p
        for p in found
        if not (p.key == "not_one_line" and p.field in kept and kept[p.field] == values.get(p.field))
    ]
    if given and values.get("owner") and "owner" not in {p.field for p in problems}:
        problems += _beyond_reach(conn, viewer, str(values["owner"]), str(values["goal"]))
    if problems:
        raise Refused(problems)


def _beyond_reach(conn: sa.Connection, viewer: Person, owner: str, goal: str) -> list[Problem]:
    """The owner, when `viewer` may not give them an action of `goal`: they do not read it (one
    who owns an open action of it already does)."""
    p, a = s.person, s.action
    found = conn.execute(
        sa.select(p.c.email, p.c.name, p.c.role, p.c.department).where(p.c.email == owner)
    ).first()
    row = _goal(conn, goal)
    if found is None:
        return []  # an unknown owner is checks.action's
    person = Person(found.email, found.name, Role(found.role), found.department)
    if access.may_give_action(viewer, person, row.department, row.owner):
        return []
    acting = sa.select(a.c.id).where(a.c.goal == row.code, a.c.owner == owner, queries.is_open(a))
    if conn.execute(acting).first() is not None:
        return []
    return [Problem("edit.owner_out_of_reach", "owner", (("name", found.name),))]


def add_action(
    conn: sa.Connection,
    viewer: Person,
    *,
    goal: str,
    title: str,
    owner: str | None,
    due: date | None,
    status: str = ActionStatus.PLANNED,
) -> int:
    """A step of the action plan: who does what, by when."""
    row = _goal(conn, goal)
    if not access.may_plan(viewer, row.department, row.owner):
        raise Denied(Problem("edit.denied"))
    values, unread = _read_action(
        {
            "goal": row.code,
            "title": checked_text(title, "edit.field_title"),
            "owner": owner,
            "due": due,
            "status": status,
        }
    )
    _check_action(conn, values, unread + _same_title(conn, values), viewer)
    return int(Writer(conn, viewer.email).insert(s.action, values))


def _same_title(conn: sa.Connection, values: dict) -> list[Problem]:
    """A new action titled as one the goal has already (compared as a file's rows are): a goal's
    actions are known by their titles in the actions file, so a second one broke the round trip
    (its download refused on import, "appears again")."""
    title = values.get("title")
    if not isinstance(title, str) or not title:
        return []
    stored = conn.execute(sa.select(s.action.c.title).where(s.action.c.goal == values["goal"])).scalars()
    if all(identity.code_key(other) != identity.code_key(title) for other in stored):
        return []
    return [Problem("edit.duplicate_action", "title", (("title", title),))]


def _planned_action(conn: sa.Connection, viewer: Person, action_id: int) -> sa.RowMapping:
    """The stored action with its goal's department, when `viewer` may plan there."""
    a, g = s.action, s.goal
    found = (
        conn.execute(
            sa.select(a, g.c.department, g.c.owner.label("goal_owner"))
            .join(g, g.c.code == a.c.goal)
            .where(a.c.id == action_id)
        )
        .mappings()
        .first()
    )
    if found is None:
        raise NotFound(Problem("edit.unknown_action", "action", (("id", action_id),)))
    if not access.may_plan(viewer, found["department"], found["goal_owner"]):
        raise Denied(Problem("edit.denied"))
    return found


def set_action_status(
    conn: sa.Connection,
    viewer: Person,
    action_id: int,
    status: str,
    owner: str | None = None,
    due: date | None = None,
) -> str:
    """Move an action along (planned → doing → done, or dropped), and change who and by when."""
    found = _planned_action(conn, viewer, action_id)
    changed = {"status": status, "owner": owner or found["owner"]} | ({"due": due} if due is not None else {})
    values, unread = _read_action({**found, **changed})
    # given when it changes hands, or is opened again (only an open action lets its owner read
    # the goal's actions: a head reopened a done one whose owner was elsewhere, a review found)
    reopened = not ActionStatus(found["status"]).is_open and ActionStatus(values["status"]).is_open
    given = values.get("owner") != found["owner"] or reopened
    # the new due date too (it was written unchecked)
    _check_action(conn, values, unread, viewer, given, dict(found))
    row: dict = {"id": action_id, "status": values["status"]}
    if owner is not None:
        row["owner"] = values["owner"]
    if due is not None:
        row["due"] = due
    return Writer(conn, viewer.email).upsert(s.action, row)


def set_initiative(conn: sa.Connection, viewer: Person, action_id: int, values: dict) -> str:
    """Make an action an initiative, or change it: its go-live day, the KPI it should move and
    which way, as typed (`2026-03-01`, a KPI code, `lower`/`lavere`); all three empty make it a
    plain action again. Read as an actions file's columns are and checked as an imported action
    is (`checks.action`: all three or none, a known KPI, a day in the window); audited."""
    found = _planned_action(conn, viewer, action_id)
    typed = {name: values.get(name) for name in checks.INITIATIVE_FIELDS}
    read, unread = tables.read("actions", typed)
    row = {k: v for k, v in found.items() if k not in ("department", "goal_owner")} | read
    _check_action(conn, row, unread, viewer, given=False, stored=dict(found))
    kpi = read.get("kpi")
    if kpi and not _readable_kpi(conn, viewer, str(kpi)):  # refused as an unknown code is: no hint it exists
        raise Refused(Problem("unknown_reference", "kpi", (("value", kpi),)))
    return Writer(conn, viewer.email).upsert(s.action, {"id": action_id, **read})


def _readable_kpi(conn: sa.Connection, viewer: Person, code: str) -> bool:
    """Whether `viewer` reads the KPI `code` (an initiative names a KPI its planner reads: a head
    could link another department's KPI and so learn that its code exists)."""
    department = conn.execute(sa.select(s.kpi.c.department).where(s.kpi.c.code == code)).scalar()
    return access.scope_for(viewer, queries.goal_links(conn)).sees_kpi(code, department)


def accept_goal(conn: sa.Connection, viewer: Person, code: str, today: date) -> str:
    """The owner accepts the goal (the A in SMART): who and when go to the audit."""
    row = _goal(conn, code)
    if not access.may_accept(viewer, row.owner):
        raise Denied(Problem("edit.denied_accept"))
    return Writer(conn, viewer.email).upsert(s.goal, {"code": code, "accepted_at": today})
