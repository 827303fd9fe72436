"""Service priorities: concrete promises such as "invoice callers wait at most 90 seconds",
checked month by month against their KPI."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kpi.domain import months
from kpi.domain.model import MonthValue, ServicePriority

WINDOW_MONTHS = 12


def is_met(priority: ServicePriority, value: float) -> bool:
    if priority.comparison == "<=":
        return value <= priority.threshold
    if priority.comparison == ">=":
        return value >= priority.threshold
    raise ValueError(f"unknown comparison {priority.comparison!r} in service priority {priority.code}")


@dataclass(frozen=True)
class Compliance:
    priority: ServicePriority
    value: float | None
    """The KPI's value in the month (None without data)."""
    is_met_now: bool | None
    met: int
    """Months met in the window that ends with the month."""
    measured: int
    """Months with a value in that window."""
    broken_run: int = 0
    """Months in a row, up to the month, in which the priority was not kept (within the window)."""

    @property
    def share(self) -> float | None:
        return self.met / self.measured if self.measured else None


def compliance(priority: ServicePriority, values: Sequence[MonthValue], month: date) -> Compliance:
    """How the priority fared in `month` and in the WINDOW_MONTHS months up to it."""
    first = months.add(month, -(WINDOW_MONTHS - 1))
    window = [v for v in values if v.kpi == priority.kpi and first <= v.month <= month]
    now = next((v for v in window if v.month == month), None)
    met = sum(is_met(priority, v.value) for v in window)
    by_month = {v.month: v.value for v in window}
    run = 0
    while run < WINDOW_MONTHS:
        value = by_month.get(months.add(month, -run))
        if value is None or is_met(priority, value):
            break
        run += 1
    return Compliance(
        priority,
        now.value if now else None,
        is_met(priority, now.value) if now else None,
        met,
        len(window),
        run,
    )
