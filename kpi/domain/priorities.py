"""Service priorities: concrete promises such as "invoice callers wait at most 90 seconds",
checked month by month.

A month is judged by the priority's event measure where one was pulled for it (the share of the
queue's calls answered within the promise, over every call: kpi.domain.model.EventMeasure), and
otherwise by its KPI's monthly value against the threshold. A promise about every caller is
broken by a month in which too few callers were served in time, even when the month's mean
wait looks fine; where no call records were pulled, the KPI's value is all there is to judge by.
The 12-month window and the run of broken months make the same choice month by month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kpi.domain import months
from kpi.domain.model import EventMonth, MonthValue, ServicePriority

WINDOW_MONTHS = 12


def is_met(priority: ServicePriority, value: float) -> bool:
    """Whether a KPI value keeps the priority (its threshold and comparison)."""
    if priority.comparison == "<=":
        return value <= priority.threshold
    if priority.comparison == ">=":
        return value >= priority.threshold
    raise ValueError(f"unknown comparison {priority.comparison!r} in service priority {priority.code}")


def event_month(priority: ServicePriority, month: date) -> EventMonth | None:
    """The month's event measure when the priority is measured over events and calls were counted
    in it (None otherwise: the KPI's value judges the month)."""
    if priority.events is None:
        return None
    return next((m for m in priority.measured if m.month == month and m.share is not None), None)


def is_kept(priority: ServicePriority, month: date, value: float | None) -> bool | None:
    """Whether the priority was kept in `month`: by its event measure when there is one (share ≥
    the share required), else by the KPI's `value`; None with neither."""
    event = event_month(priority, month)
    if event is not None and event.share is not None and priority.events is not None:
        return event.share >= priority.events.share
    return None if value is None else is_met(priority, value)


def drawn_threshold(service: Sequence[ServicePriority], kpi: str) -> float | None:
    """The threshold a chart of `kpi`'s values draws as a line of its own: that of the first
    priority on it judged by its value. One counted over call records judges a share of calls,
    not the value, and draws none. Every chart of the number draws it, so each level the number
    is judged against stands on it (a head read "broken" against 95 % on one page and "close"
    against 92.9 % on another, the 95 % drawn nowhere)."""
    return next((p.threshold for p in service if p.kpi == kpi and p.events is None), None)


@dataclass(frozen=True)
class Compliance:
    priority: ServicePriority
    value: float | None
    """The KPI's value in the month (None without data)."""
    is_met_now: bool | None
    met: int
    """Months kept in the window that ends with the month."""
    measured: int
    """Months judged (by events or by a KPI value) in that window."""
    broken_run: int = 0
    """Months in a row, up to the month, in which the priority was not kept (within the window)."""
    event: EventMonth | None = None
    """The month's event measure, when it judged the month."""

    @property
    def share(self) -> float | None:
        return self.met / self.measured if self.measured else None

    @property
    def broken_throughout(self) -> bool:
        """Whether it was broken in every month of the window: the run may be older."""
        return self.broken_run >= WINDOW_MONTHS


def compliance(priority: ServicePriority, values: Sequence[MonthValue], month: date) -> Compliance:
    """How the priority fared in `month` and in the WINDOW_MONTHS months up to it."""
    month = months.first_of(month)
    window = [months.add(month, -back) for back in range(WINDOW_MONTHS)]
    by_month = {v.month: v.value for v in values if v.kpi == priority.kpi and v.month in window}
    kept = {m: is_kept(priority, m, by_month.get(m)) for m in window}
    judged = [verdict for verdict in kept.values() if verdict is not None]
    run = 0
    while run < WINDOW_MONTHS and kept[window[run]] is False:
        run += 1
    return Compliance(
        priority,
        by_month.get(month),
        kept[month],
        sum(judged),
        len(judged),
        run,
        event_month(priority, month),
    )
