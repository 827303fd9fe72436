"""What a recipe returns, and the few steps every recipe shares (`kpi.sources.recipes`).

A `Measured` is one month's value of a measure with the numerator and denominator behind it
(`kpi.domain.ratios.Ratio`); a `Compliance` is a service priority's month with its worst day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kpi.domain import months
from kpi.domain.ratios import Ratio

Files = str | Path | Sequence[str | Path]
"""A file, a glob (`calls/2026-*.parquet`) or a list of them."""


@dataclass(frozen=True, slots=True)
class Measured:
    """One month's value of a measure (of one queue, when `group` is set)."""

    measure: str
    month: date
    group: str | None
    value: float | None
    """None when nothing was counted."""
    ratio: Ratio | None
    """The numerator and denominator behind `value`; None for a percentile, which cannot be
    combined: compute it again over the grouping wanted."""


@dataclass(frozen=True, slots=True)
class Compliance:
    """A service priority's month: the share of calls kept to the promise, and its worst day."""

    month: date
    share: Ratio
    worst_day: date | None
    """The day with the lowest share (the earliest of equals); None without counted calls."""
    worst: Ratio | None

    def meets(self, at_least_percent: float) -> bool | None:
        """Whether the month's share reaches `at_least_percent` (None without counted calls)."""
        value = self.share.value
        return None if value is None else value >= at_least_percent


def window(column: str, month: date | None, params: dict[str, Any]) -> str:
    """The condition keeping rows of `month` only (all rows without one)."""
    if month is None:
        return "TRUE"
    params.update(first=months.first_of(month), after=months.add(months.first_of(month), 1))
    return f"{column} >= $first AND {column} < $after"


def month_of(column: str) -> str:
    """SQL: the month of the time in `column`, as the DATE of its first day (a row's month)."""
    return f"CAST(date_trunc('month', {column}) AS DATE)"


def ratios(measure: str, counted: Iterable[Sequence[Any]], scale: float = 1.0) -> list[Measured]:
    """One `Measured` per counted row — month, group (or None), numerator, denominator — as
    every recipe that counts ends: the value is `scale` × numerator ÷ denominator, both kept."""
    found = []
    for month, group, numerator, denominator in counted:
        ratio = Ratio(numerator, denominator, scale)
        found.append(Measured(measure, month, group, ratio.value, ratio))
    return found
