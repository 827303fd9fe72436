"""Cached loaders for pages. Every filter is an argument, the scope always among them:
`st.cache_data` is shared by all users, so a scope outside the key could leak one department's
numbers to another. Entries live for `TTL`, so data loaded by the command line shows up within
a minute (or at once with the page's refresh).
"""

from __future__ import annotations

from datetime import date
from typing import TypedDict

import streamlit as st
from sqlalchemy.engine import Engine

from kpi import settings
from kpi.domain import access, cycle, report, signals
from kpi.domain import attention as attention_
from kpi.domain import owed as owed_
from kpi.domain.access import EVERYTHING, Scope
from kpi.domain.drivers import Slices
from kpi.domain.model import (
    Action,
    Commentary,
    Department,
    Goal,
    Kpi,
    MonthValue,
    Origin,
    Person,
    Promise,
    ServicePriority,
)
from kpi.domain.smart import Assessment
from kpi.domain.sources import Source
from kpi.files import spreadsheet
from kpi.output import deck as deck_
from kpi.store import company as company_settings
from kpi.store import cycle as calendars
from kpi.store import drivers as drivers_
from kpi.store import engine, monthly, owing, queries, rules, setup
from kpi.ui import widgets

TTL = 60

shared = st.cache_resource(ttl=TTL, show_spinner=False)
"""For the big read-only results (a month's report, its SMART assessments, trend values, the
deck): `st.cache_data` copies a result out of its cache by unpickling it on every run, which for
a large company cost more than the page itself; these are kept once and handed out as they are.
Nothing may change them: pages and views only read (tests/test_pages.py checks a report after
every page has read it)."""


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    store = engine.create(url)
    setup.ensure(store)
    return store


def store() -> Engine:
    return _engine(engine.resolve_url())


def forget_store() -> None:
    """Open the store anew next time (after it was unreachable: a restarted server, a new file)."""
    _engine.clear()


@st.cache_data(ttl=TTL, show_spinner=False)
def data_months(url: str, first: date, last: date) -> tuple[date, date] | None:
    """The first and last month with values from `first` to `last` (the month picker's span)."""
    with engine.reading(_engine(url)) as conn:
        return queries.data_months(conn, first, last)


@st.cache_data(ttl=TTL, show_spinner=False)
def company(url: str) -> company_settings.Company:
    """The company's name, logo and colour (kpi.store.company)."""
    with engine.reading(_engine(url)) as conn:
        return company_settings.read(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def setup_progress(url: str) -> dict[str, int]:
    """How many rows each setup step has (kpi.store.company.progress)."""
    with engine.reading(_engine(url)) as conn:
        return company_settings.progress(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def is_demo(url: str) -> bool:
    """Whether the store holds the generated demo company."""
    with engine.reading(_engine(url)) as conn:
        return company_settings.is_demo(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def scope(url: str, viewer: Person) -> Scope:
    """What `viewer` may read: their departments, and the goals they own or serve elsewhere."""
    with engine.reading(_engine(url)) as conn:
        return access.scope_for(viewer, queries.goal_links(conn))


@st.cache_data(ttl=TTL, show_spinner=False)
def people(url: str) -> list[Person]:
    with engine.reading(_engine(url)) as conn:
        return queries.people(conn)


@shared
def month_report(url: str, scope: Scope, month: date, language: str) -> report.MonthReport:
    with engine.reading(_engine(url)) as conn:
        return monthly.month_report(conn, scope, month, language)


@shared
def attention(url: str, scope: Scope, month: date, language: str, today: date) -> list[attention_.Item]:
    """The month's one exception list (`monthly.attention`) as every page shows it, its late
    values as of `today` (a key, so a list read yesterday is not served today)."""
    built = month_report(url, scope, month, language)
    with engine.reading(_engine(url)) as conn:
        return monthly.attention(conn, scope, built, language, today)


@st.cache_data(ttl=TTL, show_spinner=False)
def late(url: str, scope: Scope, month: date, language: str, today: date) -> dict[str, int]:
    """`kpi code → days late` of the KPIs in `scope` whose value of `month` is overdue on
    `today` (`monthly.late`), for the cards' badges."""
    built = month_report(url, scope, month, language)
    with engine.reading(_engine(url)) as conn:
        return monthly.late(conn, built, today)


@shared
def history(url: str, scope: Scope, first: date, last: date) -> dict[str, list[MonthValue]]:
    """Month values per KPI code, oldest first, for trend charts."""
    with engine.reading(_engine(url)) as conn:
        values = queries.month_values(conn, scope, first, last)
    out: dict[str, list[MonthValue]] = {}
    for v in sorted(values, key=lambda v: v.month):
        out.setdefault(v.kpi, []).append(v)
    return out


def card_facts(url: str, scope: Scope, month: date, language: str) -> widgets.CardFacts:
    """What the cards of `scope`'s KPIs say besides the report: which values are late today,
    when they were due, and where each value came from."""
    today = settings.today()
    return widgets.CardFacts(
        late(url, scope, month, language, today),
        calendar(url, month).data_due,
        origins(url, scope, month),
    )


@st.cache_data(ttl=TTL, show_spinner=False)
def origins(url: str, scope: Scope, month: date) -> dict[str, Origin]:
    """Where each KPI's value of `month` came from and when it was loaded (`queries.origins`)."""
    with engine.reading(_engine(url)) as conn:
        return queries.origins(conn, scope, month)


@st.cache_data(ttl=TTL, show_spinner=False)
def promises(url: str, language: str) -> list[Promise]:
    with engine.reading(_engine(url)) as conn:
        return queries.promises(conn, language)


@st.cache_data(ttl=TTL, show_spinner=False)
def actions(url: str, scope: Scope, language: str) -> list[Action]:
    with engine.reading(_engine(url)) as conn:
        return queries.actions(conn, scope, language)


@st.cache_data(ttl=TTL, show_spinner=False)
def commentary(url: str, scope: Scope, first: date, last: date, language: str) -> list[Commentary]:
    with engine.reading(_engine(url)) as conn:
        return queries.commentary(conn, scope, first, last, language)


def refresh() -> None:
    """Drop cached data so the next run reads the store afresh."""
    st.cache_data.clear()
    for loader in (month_report, attention, history, smart_assessments, deck, owed):
        loader.clear()


@st.cache_data(ttl=TTL, show_spinner=False)
def departments(url: str, scope: Scope, language: str) -> list[Department]:
    with engine.reading(_engine(url)) as conn:
        return queries.departments(conn, scope, language)


@st.cache_data(ttl=TTL, show_spinner=False)
def kpis(url: str, scope: Scope, language: str) -> list[Kpi]:
    with engine.reading(_engine(url)) as conn:
        return queries.kpis(conn, scope, language)


@st.cache_data(ttl=TTL, show_spinner=False)
def service_priorities(url: str, scope: Scope, language: str) -> list[ServicePriority]:
    with engine.reading(_engine(url)) as conn:
        return queries.service_priorities(conn, scope, language)


@shared
def smart_assessments(url: str, scope: Scope, month: date) -> dict[str, Assessment]:
    """SMART verdicts, the same in every language (goals are judged on their own text)."""
    with engine.reading(_engine(url)) as conn:
        return monthly.smart_assessments(conn, scope, month)


class Definitions(TypedDict):
    goals: list[Goal]
    kpis: list[Kpi]
    promises: list[Promise]
    priorities: list[ServicePriority]
    departments: list[Department]


@st.cache_data(ttl=TTL, show_spinner=False)
def signal_rules(url: str) -> signals.RuleSet:
    """The store's signal rules (`kpi.store.rules`), for the Data page's form."""
    with engine.reading(_engine(url)) as conn:
        return rules.read(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def calendar(url: str, month: date) -> cycle.Calendar:
    """The month's reporting calendar, set by an administrator or by the default rule (the
    same for every viewer: dates, nothing of any department)."""
    with engine.reading(_engine(url)) as conn:
        return calendars.read(conn, month)


@st.cache_data(ttl=TTL, show_spinner=False)
def calendars_around(url: str, first: date, last: date) -> list[cycle.Calendar]:
    """Every month's calendar from `first` to `last` (`kpi.store.cycle.listing`)."""
    with engine.reading(_engine(url)) as conn:
        return calendars.listing(conn, first, last)


@shared
def owed(url: str, scope: Scope, month: date, language: str, today: date) -> list[owed_.Item]:
    """Who still owes what for `month` as of `today`, within `scope` (`kpi.store.owing`)."""
    built = month_report(url, scope, month, language)
    with engine.reading(_engine(url)) as conn:
        return owing.owed_in(conn, scope, built, language, today)


@st.cache_data(ttl=TTL, show_spinner=False)
def late_days(url: str) -> int:
    """Days after a month's end by which its values are due (`kpi.store.rules.late_days`)."""
    with engine.reading(_engine(url)) as conn:
        return rules.late_days(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def definitions(url: str, language: str) -> Definitions:
    """Everything an administrator edits, retired items included (admins only: no scope)."""
    with engine.reading(_engine(url)) as conn:
        return {
            "goals": queries.goals(conn, EVERYTHING, None, include_retired=True),
            "kpis": queries.kpis(conn, EVERYTHING, None, include_retired=True),
            "promises": queries.promises(conn, None, include_retired=True),
            "priorities": queries.service_priorities(conn, EVERYTHING, None, include_retired=True),
            "departments": queries.departments(conn, EVERYTHING, language),
        }


@st.cache_data(ttl=TTL, show_spinner=False)
def sources(url: str) -> dict[str, Source]:
    """Every KPI's source by KPI code, for the KPI editor and "Pull now" (admins only: no scope;
    a query names other departments' tables and KPIs)."""
    from kpi.store import sourcing

    with engine.reading(_engine(url)) as conn:
        return {source.kpi: source for source in sourcing.read(conn)}


class Organisation(TypedDict):
    departments: list[Department]
    people: list[Person]


@st.cache_data(ttl=TTL, show_spinner=False)
def organisation(url: str) -> Organisation:
    """Every department and person, retired ones included, with their stored names (an editor
    must not save a translation as the name), for the administration editors (admins only: no
    scope)."""
    with engine.reading(_engine(url)) as conn:
        return {
            "departments": queries.departments(conn, EVERYTHING, None, include_retired=True),
            "people": queries.people(conn, include_retired=True),
        }


@st.cache_data(ttl=TTL, show_spinner=False)
def audit(
    url: str,
    tables: tuple[str, ...],
    who: str | None,
    first: date | None,
    last: date | None,
    key: str | None,
    limit: int,
) -> tuple[list[dict], int]:
    """The newest `limit` matching changes, and how many match in all."""
    with engine.reading(_engine(url)) as conn:
        rows = queries.audit(conn, tables=list(tables), who=who, first=first, last=last, key=key, limit=limit)
        return rows, queries.audit_count(conn, tables=list(tables), who=who, first=first, last=last, key=key)


def import_file(url: str, kind: str) -> bytes:
    """The store's `kind` rows as an import file, built when its download is clicked, through
    the one engine the app keeps (a new engine per click would leave its pool behind)."""
    from kpi.store import importing

    with engine.reading(_engine(url)) as conn:
        return importing.export(conn, kind)


def audit_csv(
    url: str, tables: tuple[str, ...], who: str | None, first: date | None, last: date | None, key: str | None
) -> bytes:
    """Every matching change as CSV (built when the download is clicked, not on every run)."""
    import pandas as pd

    with engine.reading(_engine(url)) as conn:
        rows = queries.audit(conn, tables=list(tables), who=who, first=first, last=last, key=key)
    frame = pd.DataFrame(rows, columns=["at", "who", "table_name", "key", "before", "after"])
    frame = frame.map(lambda v: spreadsheet.neutral(v) if isinstance(v, str) else v)  # safe in Excel
    return frame.to_csv(index=False).encode("utf-8-sig")


@st.cache_data(ttl=TTL, show_spinner=False)
def target_history(url: str, scope: Scope, goal: str) -> list:
    with engine.reading(_engine(url)) as conn:
        visible = {g.code for g in queries.goals(conn, scope)}
        return queries.target_history(conn, goal) if goal in visible else []


@shared
def deck(url: str, scope: Scope, month: date, language: str) -> tuple[list, deck_.Brand]:
    """The meeting deck and what makes its pack the company's (title, footer, logo), for `scope`."""
    from kpi.store import decks

    with engine.reading(_engine(url)) as conn:
        return decks.slides(conn, scope, month, language), decks.brand(conn, month)


@st.cache_data(ttl=TTL, show_spinner=False)
def reopenings(url: str, month: date) -> list[tuple]:
    """(when, by whom, why) each time `month` was reopened, oldest first."""
    from kpi.store import closing

    with engine.reading(_engine(url)) as conn:
        return [(r.at, r.by, r.reason) for r in closing.reopenings(conn, month)]


@st.cache_data(ttl=TTL, show_spinner=False)
def closed_month(url: str, month: date) -> tuple | None:
    """(closed at, closed by) when `month` is closed."""
    from kpi.store import closing

    with engine.reading(_engine(url)) as conn:
        row = closing.closed(conn, month)
    return (row.closed_at, row.closed_by) if row else None


@st.cache_data(ttl=TTL, show_spinner=False)
def driver_pairs(url: str, scope: Scope, first: date, last: date, language: str) -> list[drivers_.Pair]:
    """The outcome KPIs in scope whose respondents rated touchpoints in the months (kpi.store.drivers)."""
    with engine.reading(_engine(url)) as conn:
        return drivers_.pairs(conn, scope, first, last, language)


@shared
def driver_analysis(url: str, scope: Scope, outcome: str, rating: str, first: date, last: date) -> Slices:
    """The driver analysis of `outcome` by the ratings on `rating`, everyone and each segment."""
    with engine.reading(_engine(url)) as conn:
        return drivers_.analysis(conn, scope, outcome, rating, first, last)
