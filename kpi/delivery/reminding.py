"""`remind`: each person mailed what they still owe for a month, before the calendar's dates.

What is owed is `kpi.store.owing.owed_items`, read with the person's own scope, exactly what the
Overview's "who still owes what" shows them (a department head's mail holds only their
department); which of it a reminder names is `kpi.domain.owed.to_remind` (overdue, or due within
`owed.REMIND_DAYS` days). Each person who owes something gets one mail listing their items with
due dates, the overdue ones marked; an item that turns up later the same day goes in a mail of
its own, naming only what was not named that day. The delivery log keeps (person, item, day): an item is
reminded at most once a day, so a second run the same day sends nothing new and the next day
reminds again while it is still owed. "Today" is the company's today (`settings.today`), the same
the calendar's overdue uses. A refused mail is named and the others still go; each result is
recorded (and audited) in its own short write, outside any talk with the mail server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from kpi import settings
from kpi.delivery import mail
from kpi.domain import access, cycle, months, owed
from kpi.domain.errors import Denied, Problem, Unavailable
from kpi.domain.model import Person
from kpi.store import company as company_settings
from kpi.store import cycle as calendars
from kpi.store import deliveries, engine, owing, queries
from kpi.text import fmt
from kpi.text.i18n import t

KIND = "remind"
"""The delivery log's kind for a reminder of one owed item on one day."""


def key(month: date, item: owed.Item, today: date) -> str:
    """The delivery log's item for `item` of `month` reminded on `today`."""
    return f"{months.key(month)}:{item.kind}:{item.code}:{today.isoformat()}"


def reminded_on(logged: str) -> str:
    """The day (ISO) a delivery log's item of `key` was reminded on."""
    return logged.rpartition(":")[2]


@dataclass(frozen=True)
class Planned:
    """One person's reminder: every item a reminder would name today (`items`) and those not
    reminded of today yet (`new`, what the letter lists; empty: nothing to send)."""

    letter: mail.Letter
    items: list[owed.Item]
    new: list[owed.Item]

    @property
    def already(self) -> bool:
        return not self.new


@dataclass
class Outcome:
    month: date
    today: date
    planned: list[Planned]
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    """E-mail → why its mail did not go."""


def _line(item: owed.Item) -> str:
    what = t(f"cycle.kind_{item.kind}")
    said = "remind.item_overdue" if item.overdue else "remind.item"
    return t(said, what=what, subject=item.subject, due=fmt.day(item.due))


def _body(person: Person, month: date, calendar: cycle.Calendar, items: list[owed.Item]) -> str:
    lines = [t("delivery.greeting", name=person.name), ""]
    lines.append(t("remind.intro", count=len(items), month=fmt.month_long(month)))
    lines += [_line(i) for i in items]
    lines += ["", t("remind.calendar", **{name: fmt.day(calendar.due(name)) for name in cycle.DATES})]
    lines.append(t("remind.rule", count=owed.REMIND_DAYS))
    return "\n".join(lines)


def plan(conn: sa.Connection, month: date, language: str, today: date) -> list[Planned]:
    """Every person's reminder of what they owe for `month` on `today`, in `language`."""
    links = queries.goal_links(conn)
    company = company_settings.read(conn).title(t("app.title"))
    calendar = calendars.read(conn, month)
    subject = t("remind.subject", company=company, month=fmt.month_long(month))
    out = []
    for person in queries.people(conn):
        scope = access.scope_for(person, links)
        found = owing.owed_items(conn, scope, month, language, today)
        items = owed.to_remind([i for i in found if i.email == person.email], today)
        if not items:
            continue
        keys = [key(month, i, today) for i in items]
        reminded = {item for item, who in deliveries.sent(conn, KIND, keys) if who == person.email}
        new = [i for i, k in zip(items, keys, strict=True) if k not in reminded]
        body = _body(person, month, calendar, new or items)  # an item named once a day at most
        out.append(Planned(mail.Letter(person.email, person.name, subject, body), items, new))
    return out


def prepare(
    store: sa.Engine, viewer: Person, month: date, language: str, today: date | None = None
) -> Outcome:
    """Who would be reminded of what for `month` (administrators only); nothing is sent: a dry
    run. `today` is the company's today unless given."""
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_administration"))
    day = today or settings.today()
    with engine.reading(store) as conn:
        return Outcome(month, day, plan(conn, month, language, day))


def deliver(store: sa.Engine, viewer: Person, outcome: Outcome) -> Outcome:
    """Send each prepared reminder with something new today, one by one; a refused one is named
    and the others still go. Each item's result is recorded (and audited) right after its letter
    was tried, so a failed one is tried again on the next run."""
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_administration"))
    missing = mail.missing()
    if missing is not None and any(not p.already for p in outcome.planned):
        raise Unavailable(missing)
    for one in outcome.planned:
        if one.already:
            continue
        why = mail.send(one.letter)
        with engine.writing(store) as conn:
            for item in one.new:
                deliveries.record(
                    conn, viewer.email, KIND, key(outcome.month, item, outcome.today), one.letter.to, why
                )
        if why:
            outcome.failed[one.letter.to] = why
        else:
            outcome.sent.append(one.letter.to)
    return outcome
