"""Building a month's meeting deck for a viewer: the one path for the Present page and packs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kpi import settings
from kpi.domain import cycle, owed
from kpi.domain.access import EVERYTHING, Scope
from kpi.domain.company_events import CompanyEvent
from kpi.domain.initiatives import Verdict
from kpi.domain.model import Action, Department, Person, ServicePriority
from kpi.output import deck, driver_slide
from kpi.store import closing, company_events, drivers, initiatives, monthly, queries
from kpi.store import company as company_settings
from kpi.store import cycle as calendars
from kpi.text import fmt
from kpi.text.i18n import t


@dataclass(frozen=True)
class Reads:
    """What a month's deck shows besides the month itself (`closing.MeetingMonth`), each a read
    of its own: `reads` takes them from a connection; the app hands the ones it keeps for its other
    pages (kpi.ui.data), so a scope's deck of another month reads none of them again."""

    people: list[Person]
    actions: list[Action]
    priorities: list[ServicePriority]
    events: list[CompanyEvent]
    departments: list[Department]
    company: company_settings.Company
    calendar: cycle.Calendar
    """The month's: its values are late after its data due date."""
    verdicts: dict[int, Verdict]
    """The month's verdicts of the initiatives among `actions`."""


def reads(conn: sa.Connection, scope: Scope, month: date, language: str) -> Reads:
    """What `month`'s deck reads for `scope`, in `language`, besides the month itself."""
    actions = queries.actions(conn, scope, language)
    return Reads(
        queries.people(conn),
        actions,
        queries.service_priorities(conn, scope, language),
        company_events.read(conn, scope, language),
        queries.departments(conn, scope, language),
        company_settings.read(conn),
        calendars.read(conn, month),
        initiatives.verdicts(conn, scope, month, actions),
    )


def brand(
    conn: sa.Connection, month: date, scope: Scope = EVERYTHING, language: str | None = None
) -> deck.Brand:
    """What makes `month`'s pack the company's (`branded`) and `scope`'s, as the store holds it."""
    return branded(
        company_settings.read(conn), month, reader(scope, queries.departments(conn, scope, language))
    )


def reader(scope: Scope, departments: Sequence[Department]) -> str | None:
    """Whose pack a scope's is, for its title, footer and file name: a department head's
    departments by name; None for a pack of the whole company."""
    if scope.departments is None:
        return None
    return ", ".join(d.name for d in departments if d.code in scope.departments) or None


def branded(company: company_settings.Company, month: date, part: str | None = None) -> deck.Brand:
    """What makes `month`'s pack `company`'s: its name in the title and footer, its logo and
    colour (kpi.store.company), and whose part of it the pack is (`reader`: a head's pack had
    the company pack's title and file name, nothing in it said "Customer service"). A store
    without a name yet says only the product's."""
    when = fmt.month_long(month)
    whose = f"{part} · {when}" if part else when
    if company.name is None:
        footer = t("deck.footer_unnamed", month=whose)
        title = t("deck.pack_title_unnamed", month=whose)
    else:
        footer = t("deck.footer", company=company.name, month=whose)
        title = t("deck.pack_title", company=company.name, month=whose)
    return deck.Brand(footer, title, company.colour, company.logo)


def slides(
    conn: sa.Connection,
    scope: Scope,
    month: date,
    language: str,
    today: date | None = None,
    analyse: drivers.Analyse = drivers.analysis,
) -> list[deck.Slide]:
    """The deck of `month` (from its close if closed), limited to `scope`, in `language`, read from
    the store (packs, the command line; the app makes it from its cached reads, `made`): its
    attention slide names the values late on `today` (the company's today, `settings.today`, when
    not given). An open month's driver slide gets its analysis from `analyse` (a run's
    `drivers.Memo`, so readers of the same pair share one)."""
    meeting = closing.meeting_month(conn, scope, month, language)
    return made(
        meeting,
        reads(conn, scope, month, language),
        scope,
        today,
        lambda: drivers.for_the_pack(conn, scope, month, language, analyse),
    )


def made(
    meeting: closing.MeetingMonth,
    shown: Reads,
    scope: Scope,
    today: date | None,
    live_drivers: Callable[[], drivers.Found | None],
) -> list[deck.Slide]:
    """The deck of `meeting`'s month for `scope` from what it reads (`Reads`): its attention slide
    names the values late on `today` (the company's today when not given), and its driver slide
    shows what the close kept, or else `live_drivers` (the pair and analysis of the live
    answers, `drivers.for_the_pack`), asked only then."""
    source = deck.Meeting(
        meeting.report,
        meeting.commentary,
        meeting.values,
        meeting.revised,
        meeting.closed_at,
        shown.priorities,
        [(r.at, r.by, r.reason) for r in meeting.reopened],
        scope.served,
        monthly.late_on(meeting.report, shown.calendar, today),
        shown.events,
        shown.verdicts,
        scope,
        owed.heads(shown.people),
        meeting.closed_by,
        today or settings.today(),
    )
    built = deck.build(
        source,
        shown.company.title(t("app.title")),
        shown.departments,
        shown.actions,
        {p.email: p.name for p in shown.people},
    )
    return _with_drivers(built, scope, meeting, live_drivers)


def _with_drivers(
    built: list[deck.Slide],
    scope: Scope,
    meeting: closing.MeetingMonth,
    live_drivers: Callable[[], drivers.Found | None],
) -> list[deck.Slide]:
    """The deck with the driver analysis's slide after what needs attention, when the reader's
    scope holds a survey whose respondents rated touchpoints (kpi.store.drivers): of a closed
    month as its close kept it, of an open one (or one closed before closes kept it) from the
    live answers."""
    month = meeting.report.month
    if meeting.is_closed and meeting.drivers is not None:
        kpis = [row.kpi for row in meeting.report.kpis.values()]
        found = drivers.from_the_close(meeting.drivers, kpis, scope)
    else:
        found = live_drivers()
    extra = (
        driver_slide.slide(found[1], found[0].outcome_name, found[2], month, found[0].scale)
        if found
        else None
    )
    if extra is None:
        return built
    kinds = [s.kind for s in built]  # after the flow's attention slides (the rest end the pack)
    start = kinds.index("exceptions") if "exceptions" in kinds else len(built)
    after = next((i for i in range(start, len(built)) if kinds[i] != "exceptions"), len(built))
    return [*built[:after], extra, *built[after:]]
