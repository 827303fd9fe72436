"""A value far from its KPI's usual ones: most often a slip in the file, not news.

A Danish "1.234,5" read where "77,5" was meant, or a share typed as 0.943 where the KPI counts
in per cent (94.3), passes every check of what a unit allows, and the cockpit then reports a
month sixteen times worse than any before. An import does not refuse such a value (a real
outage is far from usual too); it names it, with the KPI's usual value, for the person to look
at before the meeting sees it. Pure: the store gives each value the values before it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median

FACTOR = 5
"""A value this many times its KPI's usual one, or this many times smaller, is named. A decimal
point in the wrong place makes a value ten times the one meant, and the one meant lies either
side of the usual one: at 10 a "1.234,5" typed for 123,45 beside a usual 124 (9.96 times) went
unnamed. The demo company's real outages reach 4.9 times their usual downtime."""
RARE_COUNT = 10
"""A count whose usual value is below this is of rare things, which vary by many times from month
to month (one complaint, then five): such a value is named only from `FACTOR` × `RARE_COUNT` up
(two critical incidents a month, then 1e11, went unnamed)."""
HISTORY = 12
"""Months before a value that tell what is usual for its KPI."""
MIN_KNOWN = 6
"""Values among them needed to say what is usual. A KPI's first months have fewer before them:
the store then takes the months around them (`kpi.store.usual`), so a day-one file of last
year's history is checked too."""


@dataclass(frozen=True)
class Unusual:
    kpi: str
    month: date
    value: float
    usual: float
    """The median of the KPI's values of the `HISTORY` months before."""
    unit: str

    @property
    def times(self) -> float:
        """How many times its usual value it is (below 1: how small a share of it; infinite for
        a rare count whose usual month has none)."""
        return self.value / self.usual if self.usual else math.inf


def unusual(kpi: str, month: date, value: float, unit: str, before: Sequence[float]) -> Unusual | None:
    """`value` of `kpi` in `month` when it lies `FACTOR` times or more from the median of `before`
    (the KPI's values of the months before it, or around it in its first months), else None. A
    KPI whose usual value is not above 0 (an NPS about zero), a count of rare things
    (`RARE_COUNT`), a value of 0 or below, and a history of fewer than `MIN_KNOWN` values say
    nothing of what is usual; a rare count's is named only far beyond any of its months."""
    if len(before) < MIN_KNOWN or value <= 0:
        return None
    usual = median(before)
    if unit == "count" and 0 <= usual < RARE_COUNT:  # rare things, most months none: only a value
        return (
            Unusual(kpi, month, value, usual, unit) if value >= FACTOR * RARE_COUNT else None
        )  # none reaches
    if usual <= 0:
        return None
    ratio = value / usual
    return Unusual(kpi, month, value, usual, unit) if ratio >= FACTOR or ratio <= 1 / FACTOR else None
