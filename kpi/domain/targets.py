"""The month's target of a KPI: explicit, or phased from the annual target by last year's profile.

A flat target turns every seasonal peak red: the waiting time of every December, the orders of
every Black Friday. Planners therefore phase an annual target over the months by how last year
ran. The rules, in order:

1. An **explicit** monthly target, where one is given for the month, wins.
2. Otherwise the KPI's target is the **annual** target, **phased** by last year's monthly
   profile when last year has all twelve months:
   - KPIs summed over the month (`sum`) keep the annual total: each month gets the annual
     target × its share of last year's total, so the twelve targets add up to it;
   - every other KPI keeps the annual average: each month gets the annual target × its value
     relative to last year's average when the unit is a ratio scale (times, counts, shares, all
     last year's values above zero), or the annual target plus its distance from last year's
     average on interval scales (NPS, CES) and whenever a ratio would divide by zero.
3. Otherwise (no full year behind it) the annual target holds in every month: as it is for
   averaged KPIs, a twelfth of it for summed ones.

A phased target stays within what the unit can reach (a share's target phased by a strong
month stood at 105.7 %) and is given to the precision its values are written with
(`precision.as_written`: 82.6 %, not 82.6447 %), so the target the rules judge by is the one a
reader sees. An explicit target and the KPI's own (a summed KPI's being a month's) stand as
people gave them.

Pure: numbers in, targets out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kpi.domain.model import UNIT_RANGES, Aggregation, within_unit
from kpi.domain.precision import as_written, half_up


class TargetKind(StrEnum):
    EXPLICIT = "explicit"
    PHASED = "phased"
    ANNUAL = "annual"


@dataclass(frozen=True, slots=True)
class MonthTarget:
    value: float
    kind: TargetKind


def _is_ratio_scale(unit: str, profile: Mapping[int, float]) -> bool:
    low, _ = UNIT_RANGES.get(unit, (0.0, 0.0))
    return low == 0.0 and all(v > 0 for v in profile.values())


def phased(
    annual: float, profile: Mapping[int, float], aggregation: Aggregation, unit: str
) -> dict[int, float]:
    """Twelve monthly targets (calendar month → target) from `annual` and last year's values
    by calendar month, as phasing makes them (`by_year_before` gives a month's as worked out:
    within the unit, to its precision); flat (a twelfth each for summed KPIs) when the profile
    is not a whole year."""
    if sorted(profile) != list(range(1, 13)):
        return dict.fromkeys(range(1, 13), annual / 12 if aggregation is Aggregation.SUM else annual)
    return {m: _phase(annual, profile, aggregation, unit, m) for m in profile}


def _phase(
    annual: float, profile: Mapping[int, float], aggregation: Aggregation, unit: str, month: int
) -> float:
    """The target of calendar `month` phased by a whole year's `profile` (`phased`'s rules): a
    report asks for one month of each KPI, so only that month is worked out."""
    value = profile[month]
    total = math.fsum(profile.values())  # exact: the same whatever order the months come in
    if aggregation is Aggregation.SUM and total > 0 and all(v >= 0 for v in profile.values()):
        return annual * value / total
    average = total / 12
    if _is_ratio_scale(unit, profile):
        return annual * value / average
    return annual + value - average


def by_year_before(
    month: date,
    annual: float | None,
    year_before: Mapping[int, float],
    aggregation: Aggregation,
    unit: str,
    explicit: Mapping[date, float] | None = None,
    own: float | None = None,
) -> MonthTarget | None:
    """The target of `month`: explicit, else phased from `annual` by `year_before`, the values
    of the year before `month`'s year by calendar month (a report works that year out once for a
    KPI's month and last month); annual when that year is not whole or is flat: `own`, the KPI's
    target as it was given, where known (a summed KPI's is a month's, and a twelfth of twelve of
    them is not always the number given: 766.7 came back 766.7000000000002)."""
    if explicit and month in explicit:
        return MonthTarget(explicit[month], TargetKind.EXPLICIT)
    if annual is None:
        return None
    if len(year_before) < 12:  # (twelve months of one year: each calendar month once)
        flat = annual / 12 if aggregation is Aggregation.SUM else annual
        return MonthTarget(flat if own is None else own, TargetKind.ANNUAL)  # the KPI's own, as given
    if len(set(year_before.values())) == 1:  # a flat year phases nothing: as without one
        return by_year_before(month, annual, {}, aggregation, unit, own=own)
    return MonthTarget(
        worked_out(_phase(annual, year_before, aggregation, unit, month.month), unit, aggregation),
        TargetKind.PHASED,
    )


def annual(target: float | None, aggregation: Aggregation) -> float | None:
    """A KPI's target as a year's: a summed KPI's target is a month's (44 minutes of downtime a
    month), so its year's total is twelve of them; every other KPI's is the year's level."""
    if target is None:
        return None
    return target * 12 if aggregation is Aggregation.SUM else target


@dataclass(frozen=True, slots=True)
class Moved:
    """How a year's month targets move when a value of the year before, which phases them,
    changes: the month whose target moves the most, from `before` to `after` (in `unit`), and how
    many of the twelve move."""

    month: date
    before: float
    after: float
    count: int
    unit: str


def moved(
    year: int,
    before: Mapping[int, float],
    after: Mapping[int, float],
    target: float | None,
    aggregation: Aggregation,
    unit: str,
    explicit: Mapping[date, float] | None = None,
) -> Moved | None:
    """What `year`'s month targets do when the year before's values (by calendar month) go from
    `before` to `after` (a correction, or a month deleted): a value corrected last year silently
    moved this year's targets, and every status judged by them."""
    yearly, changed = annual(target, aggregation), []
    for number in range(1, 13):
        month = date(year, number, 1)
        old = by_year_before(month, yearly, before, aggregation, unit, explicit, own=target)
        new = by_year_before(month, yearly, after, aggregation, unit, explicit, own=target)
        if old is not None and new is not None and old.value != new.value:
            changed.append((abs(new.value - old.value), -number, month, old.value, new.value))
    if not changed:
        return None
    _, _, month, old_value, new_value = max(changed)  # the largest move; of equal ones the earliest
    return Moved(month, old_value, new_value, len(changed), unit)


COUNT_WHOLE = 10
"""From this many, a phased target of a summed count is whole: things counted come whole (bikes
sold read "target 1,002.4"); below it one decimal stays, so a target of 0.7 incidents does not
read as 1 beside a value of 1. A count averaged over a month (cases open a day) keeps its decimal."""


def worked_out(target: float, unit: str, aggregation: Aggregation | None = None) -> float:
    """A target the product worked out, as it is given: within the unit, to its written precision."""
    shown = as_written(within_unit(target, unit), unit)
    if unit == "count" and aggregation is Aggregation.SUM and abs(shown) >= COUNT_WHOLE:
        return float(half_up(shown, 0))
    return shown
