"""Company events: the things that happened to the whole company or part of it (an outage, a
campaign, a price change, a go-live) and that explain why numbers moved.

Not the raw *events* of calls, baskets and probes a KPI is counted from (kpi.sources.events,
kpi.domain.priority_events): these are a handful of dated happenings an administrator records
(Data page, or the `events` import), each with a scope: the whole company, one department, or
some KPIs. Charts shade the months an event touches on every KPI it affects, and a signal in
such a month names the event ("during IT incident: payment platform outage (Sep 2026)").

Pure. `check` is the one validator of an event, for the import and the form alike.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kpi.domain import bounds, months
from kpi.domain.errors import Problem


class EventKind(StrEnum):
    OUTAGE = "outage"
    CAMPAIGN = "campaign"
    PRICE_CHANGE = "price_change"
    GO_LIVE = "go_live"
    OTHER = "other"


class EventScope(StrEnum):
    ALL = "all"
    DEPARTMENT = "department"
    KPIS = "kpis"


EVENT_REQUIRED = ("title", "kind", "start")
KPI_SEPARATOR = ","
"""An event's KPIs are kept, imported and exported as one text of codes: `IT_DOWNTIME,ECOM_CONV`."""


@dataclass(frozen=True, slots=True)
class CompanyEvent:
    id: int
    title: str
    kind: EventKind
    start: date
    end: date
    """The last day (the same as `start` for a one-day event)."""
    department: str | None = None
    kpis: tuple[str, ...] = ()

    @property
    def scope(self) -> EventScope:
        if self.kpis:
            return EventScope.KPIS
        return EventScope.DEPARTMENT if self.department else EventScope.ALL

    def affects(self, kpi: str, department: str | None) -> bool:
        """Whether the event bears on the KPI (of `department`): all, its department, or named."""
        if self.kpis:
            return kpi in self.kpis
        return self.department is None or self.department == department

    def touches(self, month: date) -> bool:
        """Whether any day of the event falls in `month` (a month's first day)."""
        return self.start <= months.end_of(month) and self.end >= months.first_of(month)

    @property
    def first_month(self) -> date:
        return months.first_of(self.start)

    @property
    def last_month(self) -> date:
        return months.first_of(self.end)


def kpi_codes(text: object) -> tuple[str, ...]:
    """`IT_DOWNTIME, ecom_conv` → the codes as written (their case is the store's, see `check`)."""
    if text is None:
        return ()
    if isinstance(text, tuple | list):
        return tuple(str(c).strip() for c in text if str(c).strip())
    return tuple(c.strip() for c in str(text).split(KPI_SEPARATOR) if c.strip())


def check(
    fields: Mapping[str, object],
    kpis: Collection[str],
    departments: Collection[str],
    window: bounds.Window | None = None,
) -> list[Problem]:
    """Everything wrong with an event, all at once: no title, kind or start; a kind that is not
    one of `EventKind`; an end before the start; an unknown department or KPI (`kpis` and
    `departments`: the codes the store knows); both a department and KPIs (say one
    scope); a date outside the window; a title too long."""
    problems = [Problem("required", name) for name in EVENT_REQUIRED if _empty(fields.get(name))]
    kind = fields.get("kind")
    if not _empty(kind) and str(kind) not in set(EventKind):
        allowed = ", ".join(str(k) for k in EventKind)
        problems.append(Problem("not_one_of", "kind", (("value", kind), ("allowed", allowed))))
    start, end = fields.get("start"), fields.get("end")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        problems.append(Problem("event_end_before_start", "end", (("start", start.isoformat()),)))
    department = fields.get("department")
    if not _empty(department) and department not in departments:
        problems.append(Problem("unknown_reference", "department", (("value", department),)))
    codes = kpi_codes(fields.get("kpis"))
    unknown = [c for c in codes if c not in kpis]
    if unknown:
        problems.append(Problem("unknown_reference", "kpis", (("value", ", ".join(unknown)),)))
    if codes and not _empty(department):
        problems.append(Problem("event_one_scope", "kpis"))
    if window is not None:
        for name in ("start", "end"):
            value = fields.get(name)
            found = window.problem(value, name) if isinstance(value, date) else None
            if found is not None:
                problems.append(found)
    return problems + bounds.text_problems(fields)


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def affecting(events: Iterable[CompanyEvent], kpi: str, department: str | None) -> list[CompanyEvent]:
    """The events that bear on the KPI, oldest first."""
    return sorted((e for e in events if e.affects(kpi, department)), key=lambda e: (e.start, e.id))


def during(
    events: Iterable[CompanyEvent], kpi: str, department: str | None, month: date
) -> tuple[CompanyEvent, ...]:
    """The events bearing on the KPI that touch `month`: what a signal that month points to."""
    return tuple(e for e in affecting(events, kpi, department) if e.touches(month))


@dataclass(frozen=True, slots=True)
class Band:
    """A shaded stretch of a monthly chart: the months an event touches, and its short label."""

    first: date
    last: date
    label: str
    kind: str


def bands(
    events: Sequence[CompanyEvent], kpi: str, department: str | None, shown: Sequence[date] = ()
) -> tuple[Band, ...]:
    """The bands of a KPI's monthly chart: one per event bearing on it, over the months it
    touches (within the months `shown`, when given; an event wholly outside them is left out)."""
    found = []
    for event in affecting(events, kpi, department):
        first, last = event.first_month, event.last_month
        if shown:
            if last < min(shown) or first > max(shown):
                continue
            first, last = max(first, min(shown)), min(last, max(shown))
        found.append(Band(first, last, event.title, str(event.kind)))
    return tuple(found)
