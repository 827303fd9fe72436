"""Building a month's meeting deck for a viewer: the one path for the Present page and packs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa

from kpi.domain.access import Scope
from kpi.domain.report import MonthReport
from kpi.output import deck, driver_slide
from kpi.store import closing, company_events, drivers, initiatives, monthly, queries
from kpi.store import company as company_settings
from kpi.text import fmt
from kpi.text.i18n import t


def brand(conn: sa.Connection, month: date) -> deck.Brand:
    """What makes `month`'s pack the company's: its name in the title and footer, its logo and
    colour (kpi.store.company). A store without a name yet says only the product's."""
    company = company_settings.read(conn)
    when = fmt.month_long(month)
    if company.name is None:
        footer = t("deck.footer_unnamed", month=when)
        title = t("deck.pack_title_unnamed", month=when)
    else:
        footer = t("deck.footer", company=company.name, month=when)
        title = t("deck.pack_title", company=company.name, month=when)
    return deck.Brand(footer, title, company.colour, company.logo)


def slides(
    conn: sa.Connection,
    scope: Scope,
    month: date,
    language: str,
    today: date | None = None,
    analyse: drivers.Analyse = drivers.analysis,
    live_report: Callable[[], MonthReport] | None = None,
    live_drivers: Callable[[], drivers.Found | None] | None = None,
) -> list[deck.Slide]:
    """The deck of `month` (from its close if closed), limited to `scope`, in `language`; its
    attention slide names the values late on `today` (the company's today, `settings.today`, when
    not given). An open month's driver slide gets its analysis from `analyse` (a run's
    `drivers.Memo` or the app's cache, so readers of the same pair share one); an open month's
    report from `live_report` and its driver slide's pair and analysis from `live_drivers` when
    the caller keeps them (`closing.meeting_month`, `drivers.for_the_pack`)."""
    meeting = closing.meeting_month(conn, scope, month, language, live_report)
    owners = {p.email: p.name for p in queries.people(conn)}
    actions = queries.actions(conn, scope, language)
    source = deck.Meeting(
        meeting.report,
        meeting.commentary,
        meeting.values,
        meeting.revised,
        meeting.closed_at,
        queries.service_priorities(conn, scope, language),
        [(r.at, r.by, r.reason) for r in meeting.reopened],
        scope.served,
        monthly.late(conn, meeting.report, today),
        company_events.read(conn, scope, language),
        initiatives.verdicts(conn, scope, month, actions),
    )
    built = deck.build(
        source,
        company_settings.read(conn).title(t("app.title")),
        queries.departments(conn, scope, language),
        actions,
        owners,
    )
    return _with_drivers(conn, built, scope, meeting, language, analyse, live_drivers)


def _with_drivers(
    conn: sa.Connection,
    built: list[deck.Slide],
    scope: Scope,
    meeting: closing.MeetingMonth,
    language: str,
    analyse: drivers.Analyse,
    live_drivers: Callable[[], drivers.Found | None] | None,
) -> list[deck.Slide]:
    """The deck with the driver analysis's slide after what needs attention, when the reader's
    scope holds a survey whose respondents rated touchpoints (kpi.store.drivers): of a closed
    month as its close kept it, of an open one (or one closed before closes kept it) from the
    live answers."""
    month = meeting.report.month
    if meeting.is_closed and meeting.drivers is not None:
        kpis = [row.kpi for row in meeting.report.kpis.values()]
        found = drivers.from_the_close(meeting.drivers, kpis, scope)
    elif live_drivers is not None:
        found = live_drivers()
    else:
        found = drivers.for_the_pack(conn, scope, month, language, analyse)
    extra = driver_slide.slide(found[1], found[0].outcome_name, found[2], month) if found else None
    if extra is None:
        return built
    after = max((i for i, s in enumerate(built) if s.kind == "exceptions"), default=len(built) - 1)
    return [*built[: after + 1], extra, *built[after + 1 :]]
