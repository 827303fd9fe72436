"""Cached loaders for pages. Every filter is an argument, the scope always among them:
the caches are shared by all users, so a scope outside the key could leak one department's
numbers to another. `url` is the first argument of every loader.

Entries last until the data changes, not for a time: every key also holds the store's data
version (`kpi.store.data_version`), which every write raises in its own transaction. A run reads
the version once (`version`, one cheap read, none at all on a DuckDB file nobody wrote since),
so a write by any process shows at the next click everywhere, and while nothing changed nothing
is computed again. After a write of its own a page calls `changed()`, so the same run reads the
new version. When a process first sees a new version it drops the entries of older ones (they
can never be asked for again) and warms the first pages' data in the background (`warm`). A loader
of small results keeps at most `KEPT` entries, and the big shared results (`shared`) hold at most
`SHARED_ROWS` rows together, the least recently used going first in both, so many viewers and
months cannot pile up without bound.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date
from typing import Any, Generic, ParamSpec, TypedDict, TypeVar

import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.runtime.scriptrunner import get_script_run_ctx

from kpi import settings
from kpi.domain import access, cycle, months, report, signals
from kpi.domain import attention as attention_
from kpi.domain import owed as owed_
from kpi.domain.access import EVERYTHING, Scope
from kpi.domain.company_events import CompanyEvent
from kpi.domain.cx import SurveyCounts
from kpi.domain.drivers import Slices
from kpi.domain.initiatives import Verdict
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
from kpi.domain.samples import Split
from kpi.domain.smart import Assessment
from kpi.domain.sources import Source
from kpi.files import spreadsheet
from kpi.output import deck as deck_
from kpi.store import (
    closing,
    data_version,
    decks,
    engine,
    importing,
    initiatives,
    monthly,
    queries,
    respondents,
    rules,
    segments,
    setup,
    sourcing,
)
from kpi.store import company as company_settings
from kpi.store import company_events as events_store
from kpi.store import cycle as calendars
from kpi.store import drivers as drivers_
from kpi.store.respondents import Comment, Filter
from kpi.text import i18n
from kpi.text.i18n import t
from kpi.ui import keys, startup, widgets

KEPT = 256
"""Entries a loader of small results keeps at most (its arguments: viewer scopes, months,
languages), the least recently used going first."""
SHARED_ROWS = 25_000
"""Rows (`_rows`) the big shared results hold at most together, the least recently used result
going first. A row of a report, a deck, an assessment or a KPI's trend takes 1-10 KB in memory,
`ROW_BYTES` on average (tracemalloc, the demo and the large company alike), so this is some
80 MB at most. What a result holds grows with its scope's KPIs: the demo's whole year (twelve
months, every person's scope, what each page shares: 6,788 rows) fits four times, and a large
company's (2,020 KPIs) whole-company month is some 9,000 rows, so about three of its months stay.
A bound counted in results cannot do both: the earlier 24 results per loader let a large
company's whole-company reports alone take 340 MB, while the demo's eight scopes built theirs
again and again once people looked at more than three months (tests/test_shared_rows.py,
docs/performance.md)."""


P = ParamSpec("P")
R = TypeVar("R")


class Loader(Generic[P, R]):
    """A loader keyed by the data version: called as the function it wraps."""

    def __init__(self, function: Callable[P, R], kept: Any, ledger: _Ledger | None) -> None:
        self._signature = inspect.signature(function)
        self._kept = kept
        self._ledger = ledger
        self.calls = 0
        """How often the loader's body ran in this process (tests count recomputations)."""
        functools.update_wrapper(self, function)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        call = bound.args
        key = keys.of(version(call[0]), *call)
        value = self._kept(key=key, _call=call)
        if self._ledger is not None:
            built = _built_here()
            if built and built[-1] == (self, key):  # built by this call (a loader it called took its own)
                built.pop()
                self._ledger.built(self, key, value)
            else:
                self._ledger.used(self, key)
        return value

    def clear(self) -> None:
        if self._ledger is not None:  # first: a result stored meanwhile must not leave the ledger
            self._ledger.forget(self)
        self._kept.clear()

    def drop(self, key: str) -> None:
        """Drop the result kept under `key` (the ledger's choice)."""
        self._kept.clear(key=key, _call=())  # `_call` is not part of the hash


class _Ledger:
    """The rows each shared result holds, least recently used first, so that together they stay
    within `budget`: the oldest results are dropped from their caches when a new one would pass it
    (the newest always stays). A result enters once it is in its cache, so a result dropped is
    one that was kept; one cleared meanwhile (a new version) is dropped again, which costs nothing."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._lock = threading.Lock()
        self._rows: OrderedDict[tuple[Loader, str], int] = OrderedDict()
        self.total = 0

    def built(self, loader: Loader, key: str, value: object) -> None:
        rows = _rows(value)
        dropped = []
        with self._lock:
            self.total += rows - self._rows.pop((loader, key), 0)
            self._rows[(loader, key)] = rows
            while self.total > self.budget and len(self._rows) > 1:
                oldest, held = self._rows.popitem(last=False)
                self.total -= held
                dropped.append(oldest)
        for old_loader, old_key in dropped:
            old_loader.drop(old_key)

    def used(self, loader: Loader, key: str) -> None:
        with self._lock:
            if (loader, key) in self._rows:
                self._rows.move_to_end((loader, key))

    def forget(self, loader: Loader) -> None:
        with self._lock:
            for entry in [e for e in self._rows if e[0] is loader]:
                self.total -= self._rows.pop(entry)


def _rows(value: object) -> int:
    """How many rows a result holds, counted without walking into them: the items of a list, a
    dict or a set; of a dataclass, the items of its collections (a report's KPIs, goals and
    cascade roots); of a tuple, its parts' (a deck's slides and its brand); bytes (a deck's logo,
    up to 300 kB) as the rows of `ROW_BYTES` they would fill; at least one."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        held = [getattr(value, f.name) for f in dataclasses.fields(value)]
        return max(1, sum(_size(part) for part in held))
    if isinstance(value, tuple):
        return max(1, sum(_rows(part) for part in value))
    return max(1, _size(value))


def _size(part: object) -> int:
    if isinstance(part, bytes):
        return len(part) // ROW_BYTES
    return len(part) if isinstance(part, _COLLECTIONS) else 0


ROW_BYTES = 3_300
"""What a row of a shared result takes in memory on average (tracemalloc: `SHARED_ROWS`)."""
_COLLECTIONS = (list, dict, set, frozenset)
_building = threading.local()
"""This thread's results just built and not yet taken by their loader's call (`Loader.__call__`)."""


def _built_here() -> list[tuple[Loader, str]]:
    if not hasattr(_building, "keys"):
        _building.keys = []
    built: list[tuple[Loader, str]] = _building.keys
    return built


_SHARED_LEDGER = _Ledger(SHARED_ROWS)


def _keyed(
    function: Callable[..., Any],
    cache: Callable[[Callable[..., Any]], Any],
    ledger: _Ledger | None = None,
) -> Loader:
    loader: Loader

    def by_version(key: str, _call: tuple) -> Any:  # `key`: the data version and `_call` (kpi.ui.keys)
        loader.calls += 1
        value = function(*_call)
        if ledger is not None:
            _built_here().append((loader, key))
        return value

    by_version.__module__ = function.__module__
    by_version.__qualname__ = function.__qualname__  # Streamlit tells caches apart by this
    loader = Loader(function, cache(by_version), ledger)
    _LOADERS.append(loader)
    return loader


_LOADERS: list[Loader] = []


def cached(function: Callable[P, R]) -> Loader[P, R]:
    """For small results: each run gets its own copy (`st.cache_data`), keyed by the data version."""
    return _keyed(function, st.cache_data(max_entries=KEPT, show_spinner=False))


def shared(function: Callable[P, R]) -> Loader[P, R]:
    """For the big read-only results (a month's report, its SMART assessments, trend values, the
    deck): `st.cache_data` copies a result out of its cache by unpickling it on every run, which
    for a large company cost more than the page itself; these are kept once and handed out as
    they are, keyed by the data version. Nothing may change them: pages and views only read
    (tests/test_pages.py checks a report after every page has read it)."""
    return _keyed(function, st.cache_resource(show_spinner=False), _SHARED_LEDGER)


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


_run = threading.local()
"""This thread's current run and the versions it read: (the run's cursors, {url: version})."""
_held: ContextVar[dict[str, int] | None] = ContextVar("held", default=None)
"""The versions a warm-up holds to (it runs outside any page's run)."""
_seen: dict[str, int] = {}
_seen_lock = threading.Lock()


def version(url: str) -> int:
    """The store's data version as this run sees it: read once per run (a page's run, or a
    warm-up), then the same for every loader of the run, so a page is drawn from one version."""
    held = _held.get()
    if held is not None:
        if url not in held:
            held[url] = _read(url)
        return held[url]
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:  # outside a page (a test calling a loader): every call reads
        return _read(url)
    memo: tuple[object, dict[str, int]] | None = getattr(_run, "memo", None)
    if memo is None or memo[0] is not ctx.cursors:  # Streamlit gives each run new cursors
        memo = (ctx.cursors, {})
        _run.memo = memo
    read = memo[1]
    if url not in read:
        read[url] = _read(url)
    return read[url]


def _read(url: str) -> int:
    """Read the version; the first time this process sees a new one, drop what older ones
    cached and warm the first pages again."""
    found = data_version.current(_engine(url))
    with _seen_lock:
        before = _seen.get(url)
        _seen[url] = found
    if before is not None and before != found:
        for loader in _LOADERS:
            loader.clear()
        warm_later(url)
    return found


def changed() -> None:
    """After a write by this run: the rest of the run, and every later one, reads afresh."""
    memo = getattr(_run, "memo", None)
    if memo is not None:
        memo[1].clear()
    held = _held.get()
    if held is not None:
        held.clear()


def refresh() -> None:
    """Drop every cached result so the next read goes to the store (the sidebar's *Refresh
    data*, a retry after the store was unreachable)."""
    st.cache_data.clear()
    for loader in _LOADERS:
        loader.clear()
    changed()


@cached
def data_months(url: str, first: date, last: date) -> tuple[date, date] | None:
    """The first and last month with values from `first` to `last` (the month picker's span)."""
    with engine.reading(_engine(url)) as conn:
        return queries.data_months(conn, first, last)


@cached
def company(url: str) -> company_settings.Company:
    """The company's name, logo and colour (kpi.store.company)."""
    with engine.reading(_engine(url)) as conn:
        return company_settings.read(conn)


@cached
def setup_progress(url: str) -> dict[str, int]:
    """How many rows each setup step has (kpi.store.company.progress)."""
    with engine.reading(_engine(url)) as conn:
        return company_settings.progress(conn)


@cached
def is_demo(url: str) -> bool:
    """Whether the store holds the generated demo company."""
    with engine.reading(_engine(url)) as conn:
        return company_settings.is_demo(conn)


@cached
def scope(url: str, viewer: Person) -> Scope:
    """What `viewer` may read: their departments, and the goals they own or serve elsewhere."""
    return access.scope_for(viewer, goal_links(url))


@shared
def goal_links(url: str) -> list[access.GoalLink]:
    """The goal tree as scopes are worked out from it (one read serves every viewer's scope)."""
    with engine.reading(_engine(url)) as conn:
        return queries.goal_links(conn)


@cached
def people(url: str) -> list[Person]:
    with engine.reading(_engine(url)) as conn:
        return queries.people(conn)


@shared
def month_report(url: str, scope: Scope, month: date, language: str) -> report.MonthReport:
    """`monthly.month_report` with the scope's KPIs and goals and the signal rules from this
    module's loaders: the same for every month, so a scope's other months read only their values
    (a test checks it is the command line's report)."""
    known = kpis(url, scope, language), goals(url, scope, language), signal_rules(url)
    with engine.reading(_engine(url)) as conn:
        return monthly.built_from(conn, scope, month, *known)


@shared
def attention(url: str, scope: Scope, month: date, language: str, today: date) -> list[attention_.Item]:
    """The month's one exception list (`monthly.attention`) as every page shows it, its late
    values and overdue actions as of `today` (a key, so a list read yesterday is not served today). Made from this
    module's loaders of what it reads, not a unit of work of its own: the Overview, the cascade
    and the cards ask for the same commentary, actions, events and late values, so the first
    visit of a scope's month reads each once (tests/test_shared_rows.py checks it is the
    command line's list)."""
    built = month_report(url, scope, month, language)
    items = attention_.of_month(
        built,
        service_priorities(url, scope, language),
        actions(url, scope, language),
        commentary(url, scope, month, month, language),
        late(url, scope, month, language, today),
        company_events(url, scope, language),
        today,
    )
    return monthly.for_reader(scope, built, items, people(url))


@cached
def company_events(url: str, scope: Scope, language: str) -> list[CompanyEvent]:
    """The company events `scope` may read (kpi.store.company_events), oldest first."""
    with engine.reading(_engine(url)) as conn:
        return events_store.read(conn, scope, language)


@cached
def initiative_verdicts(url: str, scope: Scope, month: date, language: str) -> dict[int, Verdict]:
    """`action id → verdict in month` of the initiatives in `scope` (kpi.store.initiatives)."""
    with engine.reading(_engine(url)) as conn:
        return initiatives.verdicts(conn, scope, month, queries.actions(conn, scope, language))


@cached
def late(url: str, scope: Scope, month: date, language: str, today: date) -> dict[str, int]:
    """`kpi code → days late` of the KPIs in `scope` whose value of `month` is overdue on
    `today` (`monthly.late`), for the cards' badges."""
    return monthly.late_on(month_report(url, scope, month, language), calendar(url, month), today)


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


@cached
def origins(url: str, scope: Scope, month: date) -> dict[str, Origin]:
    """Where each KPI's value of `month` came from and when it was loaded (`queries.origins`)."""
    with engine.reading(_engine(url)) as conn:
        return queries.origins(conn, scope, month)


@cached
def promises(url: str, language: str) -> list[Promise]:
    with engine.reading(_engine(url)) as conn:
        return queries.promises(conn, language)


@cached
def actions(url: str, scope: Scope, language: str) -> list[Action]:
    with engine.reading(_engine(url)) as conn:
        return queries.actions(conn, scope, language)


@cached
def commentary(url: str, scope: Scope, first: date, last: date, language: str) -> list[Commentary]:
    with engine.reading(_engine(url)) as conn:
        return queries.commentary(conn, scope, first, last, language)


@cached
def departments(url: str, scope: Scope, language: str) -> list[Department]:
    with engine.reading(_engine(url)) as conn:
        return queries.departments(conn, scope, language)


@cached
def kpis(url: str, scope: Scope, language: str) -> list[Kpi]:
    with engine.reading(_engine(url)) as conn:
        return queries.kpis(conn, scope, language)


@cached
def goals(url: str, scope: Scope, language: str) -> list[Goal]:
    with engine.reading(_engine(url)) as conn:
        return queries.goals(conn, scope, language)


@cached
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


@cached
def signal_rules(url: str) -> signals.RuleSet:
    """The store's signal rules (`kpi.store.rules`), for the Data page's form and the month reports."""
    with engine.reading(_engine(url)) as conn:
        return rules.read(conn)


@cached
def calendar(url: str, month: date) -> cycle.Calendar:
    """The month's reporting calendar, set by an administrator or by the default rule (the
    same for every viewer: dates, nothing of any department)."""
    with engine.reading(_engine(url)) as conn:
        return calendars.read(conn, month)


@cached
def calendars_around(url: str, first: date, last: date) -> list[cycle.Calendar]:
    """Every month's calendar from `first` to `last` (`kpi.store.cycle.listing`)."""
    with engine.reading(_engine(url)) as conn:
        return calendars.listing(conn, first, last)


@shared
def owed(url: str, scope: Scope, month: date, language: str, today: date) -> list[owed_.Item]:
    """Who still owes what for `month` as of `today`, within `scope` (`kpi.store.owing`), from
    this module's loaders of what it reads, as `attention`."""
    built = month_report(url, scope, month, language)
    comments = commentary(url, scope, month, month, language)
    done = closed_month(url, month) is not None  # a closed month owes no commentary
    kept = attention_.compliance(built, service_priorities(url, scope, language))
    return owed_.items(
        built,
        comments,
        actions(url, scope, language),
        calendar(url, month),
        people(url),
        scope,
        today,
        done,
        kept,
    )


@cached
def late_days(url: str) -> int:
    """Days after a month's end by which its values are due (`kpi.store.rules.late_days`)."""
    with engine.reading(_engine(url)) as conn:
        return rules.late_days(conn)


@cached
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


@cached
def sources(url: str) -> dict[str, Source]:
    """Every KPI's source by KPI code, for the KPI editor and "Pull now" (admins only: no scope;
    a query names other departments' tables and KPIs)."""
    with engine.reading(_engine(url)) as conn:
        return {source.kpi: source for source in sourcing.read(conn)}


class Organisation(TypedDict):
    departments: list[Department]
    people: list[Person]


@cached
def organisation(url: str) -> Organisation:
    """Every department and person, retired ones included, with their stored names (an editor
    must not save a translation as the name), for the administration editors (admins only: no
    scope)."""
    with engine.reading(_engine(url)) as conn:
        return {
            "departments": queries.departments(conn, EVERYTHING, None, include_retired=True),
            "people": queries.people(conn, include_retired=True),
        }


@cached
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
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")  # a lone CR quoted


@cached
def target_history(url: str, scope: Scope, goal: str) -> list:
    with engine.reading(_engine(url)) as conn:
        visible = {g.code for g in queries.goals(conn, scope)}
        return queries.target_history(conn, goal) if goal in visible else []


@shared
def deck(url: str, scope: Scope, month: date, language: str, today: date) -> tuple[list, deck_.Brand]:
    """The meeting deck and what makes its pack the company's (title, footer, logo), for `scope`:
    built once per month, scope, language, day and data version (its attention slide names the
    values late on `today`, a key: a deck read yesterday is not served today), so stepping
    through the slides only draws them. Made from this module's loaders of what it reads
    (`decks.made`), as `attention`: an open month's report, commentary and reopenings, and the
    people, the scope's actions, priorities, events and departments, which other pages and months
    ask for too; only a closed month is read from its close. Its driver analysis is
    `driver_analysis`'s, asked with the pair's reach: every scope holding the pair (and the Why
    page) shares one."""
    shown = decks.Reads(
        people(url),
        actions(url, scope, language),
        service_priorities(url, scope, language),
        company_events(url, scope, language),
        departments(url, scope, language),
        company(url),
        calendar(url, month),
        initiative_verdicts(url, scope, month, language),
    )
    if closed_month(url, month) is None:
        built = month_report(url, scope, month, language)
        meeting = closing.open_month(
            built, commentary(url, scope, month, month, language), reopenings(url, month)
        )
    else:
        with engine.reading(_engine(url)) as conn:
            meeting = closing.meeting_month(conn, scope, month, language)
    live = functools.partial(pack_drivers, url, scope, month, language)
    made = decks.made(meeting, shown, scope, today, live)
    return made, decks.branded(shown.company, month, decks.reader(scope, shown.departments))


@cached
def reopenings(url: str, month: date) -> list[closing.Reopening]:
    """Each time `month` was reopened (when, by whom, why), oldest first."""
    with engine.reading(_engine(url)) as conn:
        return closing.reopenings(conn, month)


@cached
def revised(
    url: str, scope: Scope, month: date, language: str
) -> dict[str, tuple[float | None, float | None]]:
    """`scope`'s KPIs whose value for a closed `month` changed since its close (kpi.store.closing)."""
    with engine.reading(_engine(url)) as conn:
        return closing.revised(conn, scope, month, language)


@cached
def closed_month(url: str, month: date) -> tuple | None:
    """(closed at, closed by) when `month` is closed."""
    with engine.reading(_engine(url)) as conn:
        row = closing.closed(conn, month)
    return (row.closed_at, row.closed_by) if row else None


@cached
def commented_kpis(url: str, scope: Scope) -> list[str]:
    """The survey KPIs in scope whose answers hold a comment, the most commented first."""
    return respondents.commented_kpis(_engine(url), scope)


@cached
def comment_choices(url: str, scope: Scope, kpi: str, first: date, last: date) -> dict[str, list[str]]:
    """The segments and touchpoints the KPI's commented answers name in the months."""
    return respondents.choices(_engine(url), scope, kpi, first, last)


@cached
def comments(url: str, scope: Scope, wanted: Filter, page: int) -> tuple[int, list[Comment]]:
    """How many comments `wanted` finds in scope, and those of `page` (kpi.store.respondents)."""
    return respondents.comments(_engine(url), scope, wanted, page)


@cached
def comments_per_touchpoint(url: str, scope: Scope, wanted: Filter) -> list[tuple[str, int]]:
    """The number of comments `wanted` finds per touchpoint, in the touchpoints' order."""
    return respondents.per_touchpoint(_engine(url), scope, wanted)


@cached
def segment_counts(
    url: str, scope: Scope, kpi: str, first: date, last: date, by: str
) -> dict[date, dict[str, SurveyCounts]]:
    """A survey KPI's answers counted per month and segment or touchpoint (`segments.counts`):
    `month → group → counts`; nothing for a KPI beyond the scope's own departments."""
    with engine.reading(_engine(url)) as conn:
        return segments.counts(conn, scope, [kpi], first, last, segments.By(by)).get(kpi, {})


@cached
def splits(url: str, scope: Scope, month: date) -> dict[str, Split]:
    """Each survey KPI's change from last month split into mix and rate by segment
    (`segments.splits`), for the attention list and a goal's detail."""
    with engine.reading(_engine(url)) as conn:
        return segments.splits(conn, scope, month)


@cached
def driver_pairs(url: str, scope: Scope, first: date, last: date, language: str) -> list[drivers_.Pair]:
    """The outcome KPIs in scope whose respondents rated touchpoints in the months (kpi.store.drivers)."""
    with engine.reading(_engine(url)) as conn:
        return drivers_.pairs(conn, scope, first, last, language)


def pack_drivers(url: str, scope: Scope, month: date, language: str) -> drivers_.Found | None:
    """The pair an open month's deck shows and its analysis (`drivers.for_the_pack`), from
    `driver_pairs` and `driver_analysis`, each reading in a connection of its own and cached. The
    deck asks for them outside any connection of its own: DuckDB gives back what a query held
    only when the store's last connection closes (the search for respondents shared among the
    large company's 5 million answers held 12 MB), so the search has given it back before the
    analysis draws its samples (issue 21, peak memory)."""
    first = drivers_.window(month)
    return drivers_.chosen(
        driver_pairs(url, scope, first, month, language),
        first,
        lambda pair: driver_analysis(url, pair.reach, pair.outcome, pair.rating, first, month),
    )


@shared
def driver_analysis(url: str, scope: Scope, outcome: str, rating: str, first: date, last: date) -> Slices:
    """The driver analysis of `outcome` by the ratings on `rating`, everyone and each segment;
    asked with a pair's `reach` (kpi.store.drivers.Pair) by the Why page and the deck alike."""
    with engine.reading(_engine(url)) as conn:
        return drivers_.analysis(conn, scope, outcome, rating, first, last)


_warm_lock = threading.Lock()
_warm_wanted: set[str] = set()
_warm_running = False
_first_run_done = False


def warm(url: str) -> None:
    """Build the data of the Overview and the other first pages (Present's deck, SMART, the
    cascade's actions, the Data page's definitions) for everyone's scope, the latest month with
    values and the company's language, as those pages ask for it, so the first person to open
    them after a start or a write waits for nothing."""
    token = _held.set({})  # one version for the whole warm-up, read once
    language = settings.current().language
    try:
        with i18n.use(language):  # what the loaders word themselves, in the language of their key
            _warm(url, language)
    finally:
        _held.reset(token)


def _warm(url: str, language: str) -> None:
    today = settings.today()
    window = settings.window(today)
    for person in people(url):  # everyone's scope: the first page of each needs theirs
        scope(url, person)
    is_demo(url)
    span = data_months(url, window.first, months.first_of(today))
    if span is None:
        return
    month, everyone = span[1], EVERYTHING
    calendar(url, month)
    month_report(url, everyone, month, language)
    history(url, everyone, months.add(month, -12), month)
    commentary(url, everyone, month, month, language)
    attention(url, everyone, month, language, today)
    splits(url, everyone, month)  # the survey items' mix and rate
    card_facts(url, everyone, month, language)
    company_events(url, everyone, language)  # the bands on the tiles' sparklines
    departments(url, everyone, language)
    owed(url, everyone, month, language, today)
    promises(url, language)
    # the Overview's reads are done: the rest waits for a gap between people's runs, so a first
    # page opened meanwhile does not share the interpreter with the deck (`_after_people`)
    later: tuple[Callable[[], object], ...] = (
        lambda: smart_assessments(url, everyone, month),
        lambda: deck(url, everyone, month, language, today),
        lambda: actions(url, everyone, language),  # the goal cascade's detail, the Data page's plans
        lambda: initiative_verdicts(url, everyone, month, language),
        *(
            functools.partial(_department_page, url, code, month, language)
            for code in _departments_first_shown(url, language)
        ),
        lambda: definitions(url, language),  # the Data page (administrators): some megabytes at most
        lambda: organisation(url),
    )
    for step in later:
        _after_people()
        step()


WARMED_DEPARTMENTS = 4
"""Departments whose page the warm-up builds at most: those the executives open it on."""


def _departments_first_shown(url: str, language: str) -> list[str]:
    """The departments the Departments page opens on for those who read every department (the
    CEO and the CX director: their own, else the first), the first `WARMED_DEPARTMENTS` of them.
    A department head's page opens on the same department's scope, so theirs is warm too."""
    from kpi.ui.views import departments_view  # the page's own rule, kept with the page

    visible = [d.code for d in departments(url, EVERYTHING, language)]
    if not visible:  # a company set up without departments yet: no page to open on
        return []
    shown = {
        departments_view.first_shown(person.department, visible)
        for person in people(url)
        if person.retired_at is None and scope(url, person) == EVERYTHING
    }
    return sorted(shown)[:WARMED_DEPARTMENTS]


def _department_page(url: str, code: str, month: date, language: str) -> None:
    """What the Departments page reads for department `code` in `month` (tests/test_data_version.py
    checks the page then computes nothing)."""
    from kpi.ui.views import departments_view

    scoped = access.department_scope(EVERYTHING, code, goal_links(url))
    report = month_report(url, scoped, month, language)
    trends = history(url, scoped, months.add(month, -departments_view.TREND_MONTHS), month)
    commentary(url, scoped, month, month, language)
    card_facts(url, scoped, month, language)
    events = company_events(url, scoped, language)
    service = service_priorities(url, scoped, language)
    kpis(url, scoped, language)
    actions(url, scoped, language)
    initiative_verdicts(url, scoped, month, language)
    for first in departments_view.trend_rows(report)[:1]:  # the trend chart the page opens on
        departments_view.trend_figure(first, trends.get(first.kpi.code, []), scoped, month, events, service)


QUIET = 1.0
"""Seconds after a page's run ends, or a browser last asked for anything, that the warm-up's
later steps still leave to people: the browser is drawing that page then, or loading the app's
code before a first run, and asks this process for it."""
YIELD_AT_MOST = 10.0
"""How long one later step of the warm-up waits for people at most: on a busy process it goes
on anyway (the pages compute what they ask for themselves meanwhile, as without a warm-up)."""
_runs = threading.Condition()
_runs_now = 0
_last_run_ended = -QUIET
_last_arrival = -QUIET


def arrived() -> None:
    """Called when a browser asks the server for anything but its health (the launcher's
    `kpi.ui.launch.Arrivals`): a person who opens the app loads its code and opens a session for
    about a second before their first run starts, and the later steps leave them that too. On a
    just-started demo the warm-up's later steps shared that second with them and the first page
    was drawn about 0.2 s later (issue 21)."""
    global _last_arrival
    _last_arrival = time.monotonic()


def _after_people() -> None:
    """Wait until no page's run is in progress and none ended, nor a browser asked for anything,
    in the last `QUIET` seconds, at most `YIELD_AT_MOST`. The warm-up and a page's run share one
    interpreter (Python's lock), and so does the server sending a browser the app's code: a
    step of the warm-up started meanwhile slows both; waiting between steps gives the person
    the process."""
    deadline = time.monotonic() + YIELD_AT_MOST
    with _runs:
        while True:
            now = time.monotonic()
            free_at = now if _runs_now == 0 else deadline  # a run's end wakes this wait
            free_at = max(free_at, _last_run_ended + QUIET, _last_arrival + QUIET)
            if free_at <= now or now >= deadline:
                return
            _runs.wait(min(free_at, deadline) - now)


def before_run() -> None:
    """Called when a run of the app's script starts (app.py), paired with `after_run`."""
    global _runs_now
    with _runs:
        _runs_now += 1


def _warming() -> None:
    global _warm_running
    while True:
        with _warm_lock:
            if not _warm_wanted:
                _warm_running = False
                return
            url = _warm_wanted.pop()
        try:
            warm(url)
        except Exception:  # a warm-up only saves time: a page reads for itself what it lacks
            startup.log_failure(t("store.warm_failed"))


def warm_later(url: str) -> None:
    """Warm `url` on a thread of its own, once the process serves pages (not in tests of the
    app, where a background thread would race with what a test counts) and only after a first
    run has imported what the pages need (a thread importing modules while sessions import them
    handed a session a partly initialised module)."""
    global _warm_running
    if not (_first_run_done and served()):
        return
    with _warm_lock:
        _warm_wanted.add(url)
        if _warm_running:
            return
        _warm_running = True
    # after the imports (see there); a failed start-up import frees the warm-up for the next write
    startup.in_background(_warming, lambda: t("store.warm_failed"), _warming_failed)


def _warming_failed() -> None:
    global _warm_running
    with _warm_lock:
        _warm_running = False


def served() -> bool:
    """Whether a Streamlit server runs this process (AppTest puts a stand-in in its place)."""
    from streamlit.runtime import Runtime

    return Runtime.exists() and type(Runtime.instance()) is Runtime


def warm_at_start() -> None:
    """Warm the store's first pages on this thread, right after the process started, before
    anyone opens a page (the launcher, kpi.ui.launch, once the imports are done and Streamlit's
    runtime exists); from then on a new version warms again as after a first run."""
    global _first_run_done
    _first_run_done = True
    warm(engine.resolve_url())


def after_run() -> None:
    """Called when a run of the app's script ends: the first one, in a served app, starts the
    warm-up of the store's first pages (unless the launcher, kpi.ui.launch, already did)."""
    global _first_run_done, _runs_now, _last_run_ended
    with _runs:
        _runs_now = max(_runs_now - 1, 0)
        _last_run_ended = time.monotonic()
        _runs.notify_all()
    if _first_run_done:
        return
    _first_run_done = True
    try:
        url = engine.resolve_url()
    except Exception:  # a setting that does not read: the page already said so
        return
    warm_later(url)
