"""`send`: a closed month mailed to each person as they may see it, with their own pack.

Each active person with something to read gets one mail: the month in one paragraph, the items
of what needs attention that are theirs (they own it, or it is of the department they head), the
commentary they owe, and the PowerPoint pack of the month built with their scope exactly as the
Present page and `export` build it (kpi.store.decks), so a department head's mail and pack hold
only their department. Only a closed month is sent, read from its close. The delivery log
(kpi.store.deliveries) keeps who got which month: sending again sends nothing new, and a letter
that failed goes out the next time. The mail server is talked to outside any write transaction;
each result is written (and audited) on its own right after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa

from kpi.delivery import mail
from kpi.domain import access, attention, months
from kpi.domain.errors import Denied, Problem, Refused, Unavailable
from kpi.domain.model import GoalStatus, Person, Role
from kpi.domain.report import MonthReport
from kpi.output import deck, slide
from kpi.store import closing, company_events, decks, deliveries, drivers, engine, monthly, queries
from kpi.store import company as company_settings
from kpi.text import fmt, phrases
from kpi.text.i18n import t

KIND = "month"
"""The delivery log's kind for a closed month sent to a person."""
LISTED = 10
"""The most attention items a mail lists; the pack holds them all."""


@dataclass(frozen=True)
class Planned:
    """One person's mail for the month, before its pack is drawn."""

    letter: mail.Letter
    slides: Sequence[deck.Slide]
    brand: deck.Brand
    items: int
    """Attention items listed as theirs."""
    owed: int
    """Numbers they owe a comment on."""
    already: bool
    """Sent before: not sent again."""

    def with_pack(self) -> mail.Letter:
        from kpi.output import pptx_pack  # python-pptx, lxml and Pillow (13 MB) only when a pack is drawn

        pack = pptx_pack.render(list(self.slides), self.brand)
        return replace(self.letter, attachment=(pack_name(self.letter.subject), pack))


@dataclass
class Outcome:
    month: date
    planned: list[Planned]
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    """E-mail → why its mail did not go."""


def pack_name(subject: str) -> str:
    """The attachment's file name from the mail's subject (`slide.file_name`:
    `Havn-Hjem-A-S-October-2026.pptx`)."""
    return slide.file_name(subject, "pptx")


def _sees_anything(scope: access.Scope) -> bool:
    return scope.departments is None or bool(scope.departments) or bool(scope.goals)


def _theirs(person: Person, department: str | None, owner: str | None) -> bool:
    heads = person.role is Role.DEPARTMENT_HEAD and department is not None and department == person.department
    return owner == person.email or heads


def _kpi_owners(built: MonthReport) -> dict[str, tuple[str | None, str]]:
    """KPI code → (owner of the most strategic goal on it, that goal's department)."""
    found: dict[str, tuple[str | None, str]] = {}
    for row in sorted(built.goals.values(), key=lambda r: (r.goal.level.depth, r.goal.code)):
        if row.kpi is not None:
            found.setdefault(row.kpi.code, (row.goal.owner, row.kpi.department))
    return found


class Owed(NamedTuple):
    """A number owed a comment: `goal` or `kpi`, its code, and its name in the reader's language."""

    kind: str
    code: str
    name: str


def owed(person: Person, built: MonthReport, comments: Sequence) -> list[Owed]:
    """The numbers `person` owes a comment on (`attention.needs_commentary`): those of goals they
    own, of KPIs whose most strategic goal they own, and of the department they head."""
    kpi_owner = _kpi_owners(built)
    out = []
    for kind, code in attention.needs_commentary(built, comments):
        if kind == "goal":
            goal = built.goals[code].goal
            if _theirs(person, goal.department, goal.owner):
                out.append(Owed(kind, code, goal.title))
        else:
            kpi = built.kpis[code].kpi
            owner = kpi_owner.get(code, (None, kpi.department))[0]
            if _theirs(person, kpi.department, owner):
                out.append(Owed(kind, code, kpi.name))
    return out


def _paragraph(built: MonthReport, closed_at: str, found: int, scope: access.Scope) -> str:
    """The month in one paragraph, of the reader's own goals and KPIs (`MonthReport.own`), as
    their pack's month slide counts them."""
    goals, kpis = built.own(scope)
    statuses = [row.status for row in goals]
    counted = " · ".join(  # in the statuses' own order, achieved first
        f"{t(f'status.goal.{status}')} {statuses.count(status)}"
        for status in GoalStatus
        if status in statuses
    )
    measured = [r for r in kpis if r.value is not None]
    green = sum(1 for r in measured if str(r.status) == "green")
    said = t(
        "delivery.paragraph",
        month=fmt.month_long(built.month),
        closed=closed_at,
        goals=counted or "–",
        green=green,
        kpis=len(kpis),
        items=t("delivery.items_needing", count=found),
    )
    return said[:1].upper() + said[1:]  # a sentence starts with a capital, also "oktober 2026 …"


def _items(items: Sequence, heading: str, owners: Mapping[str, str]) -> list[str]:
    """A heading and the first `LISTED` items, a line each, and under it the items told with it
    on its number (the rest counted: the pack has them); `owners`: e-mail → name."""
    lines = [heading]
    for item in items[:LISTED]:
        kind, value, target, _ = phrases.attention_facts(item, {})
        lines.append(
            t("delivery.item", kind=kind, subject=item.subject, numbers=phrases.numbers(item, value, target))
        )
        also = phrases.told_with_line(item, owners)
        if also:
            lines.append(f"  {also}")
    if len(items) > LISTED:
        lines.append(t("delivery.more_items", count=len(items) - LISTED))
    return lines


def told_as_owed(mine: Sequence[attention.Item], due: Sequence[Owed]) -> list[attention.Item]:
    """The reader's items that only owe a comment (`Kind.COMMENTARY_OWED`, nothing told with
    them) on a number `due` holds (by kind and code: a goal and a KPI may share a name): the mail
    tells them once, among the numbers that went to the meeting without a comment, with their
    numbers (Henrik's mail named "Time to restore service" under both headings, a trial)."""
    numbers = {(o.kind, o.code) for o in due}
    return [
        i
        for i in mine
        if i.kind is attention.Kind.COMMENTARY_OWED and not i.also and (attention.about(i), i.code) in numbers
    ]


def _owed_line(number: Owed, told: Sequence[attention.Item]) -> str:
    """`- Time to restore service · 1.6 h (target 1.8 h this month)`: a number owed a comment,
    with its numbers when the reader's items had them (`told_as_owed`)."""
    for item in told:
        if (attention.about(item), item.code) == (number.kind, number.code):
            _kind, value, target, _ = phrases.attention_facts(item, {})
            return f"- {number.name} · {phrases.numbers(item, value, target)}"
    return f"- {number.name}"


def yours(
    mine: Sequence[attention.Item], told: Sequence[attention.Item], found: int, owners: Mapping[str, str]
) -> list[str]:
    """The reader's items (those `told` among the numbers owed a comment left out); with none,
    that nothing is theirs, but only where nothing is told below either: "Nothing that needs
    attention is yours" stood over the numbers owed their comment (a review)."""
    if mine:
        return _items(mine, t("delivery.your_items", count=len(mine)), owners)
    return [] if told else [t("delivery.none_yours", items=found)]


def _body(
    person: Person,
    built: MonthReport,
    closed_at: str,
    found: list,
    mine: list,
    due: list[Owed],
    scope: access.Scope,
    owners: Mapping[str, str],
) -> str:
    """The mail's text; a reader of every department (`scope`) is also told the most severe of
    the rest (the CEO's mail named her own three items and none of the three broken service
    priorities). An item that only owes a comment on a number `due` names is told once, there."""
    told = told_as_owed(mine, due)
    mine = [i for i in mine if i not in told]
    whole = scope.departments is None
    lines = [
        t("delivery.greeting", name=person.name),
        "",
        _paragraph(built, closed_at, len(found), scope),
        "",
    ]
    lines += yours(mine, told, len(found), owners)
    rest = [item for item in found if item not in mine and item not in told] if whole else []
    if rest:
        heading = t("delivery.most_severe", count=min(len(rest), LISTED), total=len(rest))
        lines += ["", *_items(rest, heading, owners)]
    if lines[-1]:  # after the reader's items: none, where all of them are told below
        lines.append("")
    if due:
        lines.append(t("delivery.owed", count=len(due)))
        lines += [_owed_line(number, told) for number in due]
    else:
        lines.append(t("delivery.none_owed"))
    return "\n".join(lines)


def plan(conn: sa.Connection, month: date, language: str, today: date | None = None) -> list[Planned]:
    """Every person's mail for the closed `month`, in `language`; refused when it is not closed."""
    row = closing.closed(conn, month)
    if row is None:
        raise Refused(Problem("delivery.not_closed", "month", (("month", months.key(month)),)))
    closed_at = fmt.day(row.closed_at.date())
    links = queries.goal_links(conn)
    company = company_settings.read(conn).title(t("app.title"))
    already = {r for _, r in deliveries.sent(conn, KIND, [months.key(month)])}
    analyses = drivers.Memo()  # a close made before closes kept the analysis: one per pair, not per person
    out = []
    everyone = queries.people(conn)
    for person in everyone:
        scope = access.scope_for(person, links)
        if not _sees_anything(scope):
            continue
        slides = decks.slides(conn, scope, month, language, today, analyses)
        meeting = closing.meeting_month(conn, scope, month, language)
        built = meeting.report
        found = attention.items(
            built,
            queries.actions(conn, scope, language),
            meeting.commentary,
            attention.compliance(built, queries.service_priorities(conn, scope, language)),
            monthly.late(conn, built, today),
            company_events.read(conn, scope, language),
            today,
        )
        found = monthly.for_reader(scope, built, found, everyone)  # as the pages and the pack tell them
        found = attention.by_measure(found)  # the items on one number as one, as the pack tells them
        mine = [i for i in found if any(_theirs(person, e.department, e.owner) for e in i.every())]
        due = owed(person, built, meeting.commentary)
        subject = t("delivery.subject", company=company, month=fmt.month_long(month))
        body = _body(person, built, closed_at, found, mine, due, scope, {p.email: p.name for p in everyone})
        body += "\n\n" + t("delivery.pack", count=len(slides))
        letter = mail.Letter(person.email, person.name, subject, body)
        brand = decks.brand(conn, month, scope, language)  # whose pack it is: a head's says so
        listed = len(mine) - len(told_as_owed(mine, due))  # as the mail counts them
        out.append(Planned(letter, slides, brand, listed, len(due), person.email in already))
    return out


def prepare(store: sa.Engine, viewer: Person, month: date, language: str) -> Outcome:
    """Who would get what of `month` (administrators only); nothing is sent: a dry run."""
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_administration"))
    with engine.reading(store) as conn:
        return Outcome(month, plan(conn, month, language))


def deliver(store: sa.Engine, viewer: Person, outcome: Outcome) -> Outcome:
    """Send each prepared mail not sent before, one by one; a refused one is named and the others
    still go. Each result is recorded (and audited) right after its letter was tried."""
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_administration"))
    missing = mail.missing()
    if missing is not None and any(not p.already for p in outcome.planned):
        raise Unavailable(missing)
    item = months.key(outcome.month)
    for one in outcome.planned:
        if one.already:
            continue
        why = mail.send(one.with_pack())
        with engine.writing(store) as conn:
            deliveries.record(conn, viewer.email, KIND, item, one.letter.to, why)
        if why:
            outcome.failed[one.letter.to] = why
        else:
            outcome.sent.append(one.letter.to)
    return outcome
