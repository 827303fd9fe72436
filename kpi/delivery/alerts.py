"""Alerts: after a pull or an import, owners hear of what turned bad, once per change of state.

What alerts (`ALERTING`): a service priority broken, a KPI with a new signal of concern (red or
not), and a KPI whose value is late: the month's attention list (kpi.domain.attention) of the
whole company, built after the new values were committed. Each is a *state*: its kind, what it
is about, and the first month of its run (`since`). A priority broken since September is the same
state in October and November, and alerts once; kept in December and broken again in January,
it is a new state and alerts again. The delivery log (kpi.store.deliveries) records each state
sent to each recipient, so the same state never goes twice, and a failed one is tried again.

Who hears: the item's owner (kpi.domain.attention: the goal's owner, else the owner of the most
strategic goal on the KPI), by mail, when their own scope reads the item; and the department's
webhook (`KPI_WEBHOOK_<CODE>`, `[webhooks]` in the secrets), with that department's items only.
Each gets one digest of their new states. Nothing is sent inside a write transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from kpi import settings
from kpi.delivery import mail
from kpi.domain import access, months
from kpi.domain.access import EVERYTHING
from kpi.domain.attention import Item, Kind
from kpi.domain.model import Person
from kpi.store import company as company_settings
from kpi.store import deliveries, engine, monthly, queries
from kpi.text import fmt, phrases
from kpi.text.i18n import t

KIND = "alert"
"""The delivery log's kind for an alert of one state."""
ALERTING = frozenset({Kind.BROKEN_PRIORITY, Kind.CONCERN, Kind.LATE})
WEBHOOK = "webhook:"
"""A webhook recipient in the delivery log is `webhook:<department code>`."""


def state(item: Item, month: date) -> str:
    """The state an item is in: kind, subject and the first month of its run."""
    return f"{item.kind}:{item.code}:{months.key(item.since or month)}"


@dataclass(frozen=True)
class Digest:
    recipient: str
    """An e-mail, or `webhook:<code>`."""
    name: str
    items: tuple[Item, ...]
    states: tuple[str, ...]
    url: str | None = None
    """The webhook's URL (a secret: never shown or logged)."""


@dataclass
class Outcome:
    month: date
    digests: list[Digest]
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    """Mail recipients left out because no mail server is configured."""


def alerting(conn: sa.Connection, month: date, language: str, today: date | None = None) -> list[Item]:
    """The month's items that alert: broken priorities, late values, new concerns (also on a
    red KPI, whose item is its red status)."""
    built = monthly.month_report(conn, EVERYTHING, month, language)
    found = monthly.attention(conn, EVERYTHING, built, language, today)
    concern = {c for c, r in built.kpis.items() if str(r.new_signal) == "concern"}
    return [i for i in found if i.kind in ALERTING or (i.kind is Kind.RED_KPI and i.code in concern)]


def _sees(scope: access.Scope, item: Item) -> bool:
    return scope.allows(item.department) or (item.goal is not None and item.goal in scope.goals)


def digests(conn: sa.Connection, month: date, language: str, today: date | None = None) -> list[Digest]:
    """Each recipient's digest of the states they have not been sent yet."""
    items = alerting(conn, month, language, today)
    keys = [state(i, month) for i in items]
    done = deliveries.sent(conn, KIND, keys)
    people = {p.email: p for p in queries.people(conn)}
    links = queries.goal_links(conn)
    out: list[Digest] = []
    for email in sorted({i.owner for i in items if i.owner in people}):
        person: Person = people[email]
        scope = access.scope_for(person, links)
        mine = [(i, k) for i, k in zip(items, keys, strict=True) if i.owner == email and _sees(scope, i)]
        new = [(i, k) for i, k in mine if (k, email) not in done]
        if new:
            out.append(Digest(email, person.name, tuple(i for i, _ in new), tuple(k for _, k in new)))
    for department in queries.departments(conn, EVERYTHING, language):
        url = settings.webhook_url(department.code)
        if url is None:
            continue
        recipient = WEBHOOK + department.code
        new = [
            (i, k)
            for i, k in zip(items, keys, strict=True)
            if i.department == department.code and (k, recipient) not in done
        ]
        if new:
            out.append(
                Digest(recipient, department.name, tuple(i for i, _ in new), tuple(k for _, k in new), url)
            )
    return out


def text(company: str, month: date, digest: Digest) -> str:
    """A digest as plain text: a line saying what it is, then a line per item."""
    lines = [t("alerts.heading", company=company, month=fmt.month_long(month), count=len(digest.items))]
    for item in digest.items:
        kind, value, target, _ = phrases.attention_facts(item, {})
        since = phrases.since(item, fmt.month)
        lines.append(
            t(
                "alerts.item",
                kind=kind,
                subject=item.subject,
                numbers=phrases.numbers(item, value, target),
                since=since,
            ).rstrip()
        )
    return "\n".join(lines)


def configured(conn: sa.Connection) -> bool:
    """Whether alerts can go anywhere: a mail server, or a department's webhook."""
    if mail.missing() is None:
        return True
    return any(settings.webhook_url(d.code) for d in queries.departments(conn, EVERYTHING))


def prepare(store: sa.Engine, month: date, language: str, today: date | None = None) -> Outcome:
    with engine.reading(store) as conn:
        return Outcome(month, digests(conn, month, language, today))


def deliver(store: sa.Engine, who: str, outcome: Outcome) -> Outcome:
    """Send each digest: a webhook's by POST, a person's by mail (left out, not failed, while no
    mail server is configured); record each state sent or failed for its recipient."""
    with engine.reading(store) as conn:
        company = company_settings.read(conn).title(t("app.title"))
    no_mail = mail.missing() is not None
    for digest in outcome.digests:
        body = text(company, outcome.month, digest)
        if digest.url is not None:
            why = mail.post(digest.url, body)
        elif no_mail:
            outcome.skipped.append(digest.recipient)
            continue
        else:
            subject = t("alerts.subject", company=company, count=len(digest.items))
            why = mail.send(mail.Letter(digest.recipient, digest.name, subject, body))
        with engine.writing(store) as conn:
            for key in digest.states:
                deliveries.record(conn, who, KIND, key, digest.recipient, why)
        if why:
            outcome.failed[digest.recipient] = why
        else:
            outcome.sent.append(digest.recipient)
    return outcome
