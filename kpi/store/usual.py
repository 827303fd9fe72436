"""The values far from their KPI's usual ones (kpi.domain.unusual), read against the store: what
an import, a pull and a correction name for a person to look at, each value against the twelve
months before it (in a KPI's first months, the twelve either side of it), the new values over
the stored ones."""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa

from kpi.domain import months, unusual
from kpi.domain.unusual import Unusual
from kpi.store import schema as s


def far(conn: sa.Connection, values: Sequence[tuple[str, date, float]]) -> list[Unusual]:
    """The `values` ((KPI code, month, value), as they would be written) far from their KPI's
    usual ones, by KPI and month; read before they are written."""
    if not values:
        return []
    m, k = s.measurement, s.kpi
    codes = sorted({code for code, _, _ in values})
    first = months.add(min(month for _, month, _ in values), -unusual.HISTORY)
    read = conn.execute(sa.select(k.c.code, k.c.unit).where(k.c.code.in_(codes)))
    units: dict[str, str] = {str(code): str(unit) for code, unit in read.all()}
    known: dict[str, dict[date, float]] = defaultdict(dict)
    stored = sa.select(m.c.kpi, m.c.month, m.c.value).where(m.c.kpi.in_(codes), m.c.month >= first)
    for code, month, value in conn.execute(stored):
        known[code][month] = value
    for code, month, value in values:
        known[code][month] = value
    ordered = {code: sorted(by_month.items()) for code, by_month in known.items()}  # by month, once
    found = []
    for code, month, value in values:
        series = ordered[code]  # the window of months before: two bisections, not a scan
        low = bisect.bisect_left(series, (months.add(month, -unusual.HISTORY),))
        high = bisect.bisect_left(series, (month,))
        usual = [v for _, v in series[low:high]]
        if len(usual) < unusual.MIN_KNOWN:  # its first months: those around it (a history file's)
            top = bisect.bisect_right(series, (months.add(month, unusual.HISTORY), math.inf))
            usual += [v for when, v in series[high:top] if when != month]
        named = unusual.unusual(code, month, value, units.get(code, "count"), usual)
        if named is not None:
            found.append(named)
    return sorted(found, key=lambda u: (u.kpi, u.month))
