"""Who still owes what for a month: values missing, commentary owed, goals awaiting acceptance and
actions overdue, each with the person who owes it, their department, its due date from the
month's calendar (`kpi.domain.cycle`) and whether it is overdue.

Pure: built from a month report made for the viewer's scope, the month's commentary and actions,
the calendar, the people and "today". The Overview's section, `python -m kpi owed` and the
reminders read the same records, so they can never disagree. Who owes an item:
- a KPI's value or word: the owner of the most strategic goal the KPI measures (the owner the
  attention list names, `attention.kpi_goals`), else the head of the KPI's department;
- a goal's word, acceptance or plan: the goal's owner (acceptance is owed by an owner only: a
  goal without one is the SMART page's business, not a reminder's), else the department's head;
  a plan is an open action for a goal off track or missed that has none (`attention.unplanned`);
- an action: its owner, else its goal's owner, else the department's head.
A value is due on the calendar's data due date, a word on its commentary due date, a plan and
an acceptance by the meeting (where the goals are presented), an action on its own due date. An
item is overdue from the day after it was due. Only items of the viewer's departments, of
goals they own elsewhere and of actions they own elsewhere (`Scope.acting`) are kept: a
department head learns nothing else of other departments. An action is owed for a month when it
is due by the month's end and still open, as of today (not only as of the month's end).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kpi.domain import attention, months
from kpi.domain.access import Scope
from kpi.domain.cycle import Calendar
from kpi.domain.model import Action, Commentary, Person, Role
from kpi.domain.priorities import Compliance
from kpi.domain.report import MonthReport


class Kind(StrEnum):
    """What is owed, in the order a month needs it."""

    VALUE = "value"
    COMMENTARY = "commentary"
    PLAN = "plan"
    """An action for a goal off track or missed that has none (`attention.unplanned`)."""
    ACCEPTANCE = "acceptance"
    ACTION = "action"


@dataclass(frozen=True)
class Item:
    """One thing a person still owes for the month."""

    kind: Kind
    email: str | None
    """Who owes it (None: nobody is named, the department has no head)."""
    department: str | None
    code: str
    """The KPI or goal code, or the action's id."""
    subject: str
    """The KPI's name, the goal's title or the action's title, in the reader's language."""
    due: date
    overdue: bool
    goal: str | None = None
    """The goal to open (the KPI's most strategic goal, the action's goal)."""


def heads(people: Iterable[Person]) -> dict[str, str]:
    """`department → e-mail` of its head (the first by e-mail where there are several)."""
    out: dict[str, str] = {}
    for person in sorted(people, key=lambda p: p.email):
        if person.role is Role.DEPARTMENT_HEAD and person.department and person.retired_at is None:
            out.setdefault(person.department, person.email)
    return out


def items(
    built: MonthReport,
    comments: Sequence[Commentary],
    actions: Sequence[Action],
    calendar: Calendar,
    people: Sequence[Person],
    scope: Scope,
    today: date,
    closed: bool = False,
    compliance: Sequence[Compliance] = (),
) -> list[Item]:
    """Everything owed for the report's month as of `today`, in the viewer's `scope`: overdue
    first, then by due date, kind and subject. A `closed` month owes no commentary: its words
    are frozen with it, and none can be given now. A service priority broken this month
    (`compliance`: `attention.compliance`) with no plan owes one, as a goal off track does."""
    heads_of, by_kpi, kpi_owner = heads(people), attention.kpi_goals(built), attention.kpi_owners(built)

    def owner(*candidates: str | None) -> str | None:
        return next((c for c in candidates if c), None)

    def item(
        kind: Kind,
        email: str | None,
        department: str | None,
        code: str,
        subject: str,
        due: date,
        goal: str | None,
    ) -> Item:
        return Item(kind, email, department, code, subject, due, today > due, goal)

    out: list[Item] = []
    for row in built.missing():
        if row.kpi.retired_at is not None:
            continue
        top = by_kpi.get(row.kpi.code)
        email = owner(kpi_owner.get(row.kpi.code), heads_of.get(row.kpi.department))
        goal = top.goal.code if top else None
        out.append(
            item(Kind.VALUE, email, row.kpi.department, row.kpi.code, row.kpi.name, calendar.data_due, goal)
        )
    for what, code in [] if closed else attention.needs_commentary(built, comments):
        if what == "kpi":
            kpi = built.kpis[code].kpi
            top = by_kpi.get(code)
            email = owner(kpi_owner.get(code), heads_of.get(kpi.department))
            goal = top.goal.code if top else None
            out.append(
                item(Kind.COMMENTARY, email, kpi.department, code, kpi.name, calendar.commentary_due, goal)
            )
        else:
            g = built.goals[code].goal
            email = owner(g.owner, heads_of.get(g.department or ""))
            out.append(
                item(Kind.COMMENTARY, email, g.department, code, g.title, calendar.commentary_due, code)
            )
    for code in attention.unplanned(built, actions):  # presented at the meeting: due by it
        g = built.goals[code].goal
        email = owner(g.owner, heads_of.get(g.department or ""))
        out.append(item(Kind.PLAN, email, g.department, code, g.title, calendar.meeting, code))
    # none where a goal on its KPI owes the plan already (`unplanned_priorities`): one plan, one item
    for priority, goal in attention.unplanned_priorities(built, actions, compliance):
        kpi = built.kpis[priority.kpi].kpi
        email = owner(kpi_owner.get(kpi.code), heads_of.get(kpi.department))
        out.append(
            item(Kind.PLAN, email, kpi.department, priority.code, priority.text, calendar.meeting, goal)
        )
    for goal_row in built.goals.values():
        g = goal_row.goal
        if g.owner and g.accepted_at is None and g.retired_at is None:
            out.append(
                item(Kind.ACCEPTANCE, g.owner, g.department, g.code, g.title, calendar.meeting, g.code)
            )
    goals = built.goals
    # every open action due by the month's end is owed for it (one due later is a later
    # month's), overdue from the day after its date (`item`: today > due), which on any day
    # marks the same actions `outlook.overdue` counts for the attention list
    end = months.end_of(built.month)
    mine = [a for a in actions if a.goal in goals and a.due is not None and a.due <= end]
    for action in (a for a in mine if a.status.is_open):
        g = goals[action.goal].goal
        email = owner(action.owner, g.owner, heads_of.get(g.department or ""))
        due = action.due or calendar.meeting
        out.append(item(Kind.ACTION, email, g.department, str(action.id), action.title, due, g.code))
    kept = [i for i in out if scope.allows(i.department) or _beyond(i, scope)]
    order = list(Kind)
    return sorted(kept, key=lambda i: (not i.overdue, i.due, order.index(i.kind), i.subject))


REMIND_DAYS = 3
"""How many days before its due date an item is first reminded of (`python -m kpi remind`)."""


def to_remind(found: Iterable[Item], today: date, days: int = REMIND_DAYS) -> list[Item]:
    """The items a reminder names on `today`: those overdue and those due within the next `days`
    days (due on or before today + `days`), in their order. The one home of the reminders' rule."""
    return [i for i in found if i.overdue or (i.due - today).days <= days]


def mine_first(found: Sequence[Item], email: str) -> list[Item]:
    """`found` with the items `email` owes first, each part in its order."""
    return [i for i in found if i.email == email] + [i for i in found if i.email != email]


def by_person(found: Iterable[Item]) -> dict[str | None, list[Item]]:
    """The items per person who owes them (None: nobody named), in their order."""
    out: dict[str | None, list[Item]] = {}
    for i in found:
        out.setdefault(i.email, []).append(i)
    return out


def by_department(found: Iterable[Item]) -> dict[str | None, list[Item]]:
    """The items per department, in their order."""
    out: dict[str | None, list[Item]] = {}
    for i in found:
        out.setdefault(i.department, []).append(i)
    return out


def _beyond(item: Item, scope: Scope) -> bool:
    """An item of another department the reader is told of: any of a goal they own, and an
    action of a goal they own an action under."""
    if item.goal is None:
        return False
    return item.goal in scope.owned or (
        item.kind is Kind.ACTION and scope.reads_actions(item.goal, item.department)
    )


FROZEN = (Kind.VALUE, Kind.COMMENTARY)
"""What a close freezes of what is owed: a value or a word missing then is missing in the meeting
and its packs (acceptances and actions go on after it)."""


@dataclass(frozen=True)
class LeftOut:
    """What closing a month now would leave out: how many values and comments are still owed
    (`FROZEN`, by kind, those with any), and whether the calendar's close day is still ahead."""

    owed: tuple[tuple[Kind, int], ...]
    close: date
    data_due: date
    early: bool
    items: tuple[Item, ...] = ()
    """The values and comments still owed, each with who owes it (the close named only how many)."""

    def __bool__(self) -> bool:
        return bool(self.owed) or self.early


def left_out(found: Iterable[Item], calendar: Calendar, today: date) -> LeftOut:
    """`LeftOut` of a month whose owed items are `found` (read for everyone), as of `today` (a
    trial closed November on 6 December, ten days before its planned close, with ten comments
    owed, and nothing said so)."""
    items = list(found)
    counts = tuple((kind, n) for kind in FROZEN if (n := sum(1 for i in items if i.kind is kind)))
    frozen = tuple(i for i in items if i.kind in FROZEN)
    return LeftOut(counts, calendar.close, calendar.data_due, today < calendar.close, frozen)
