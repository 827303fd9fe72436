"""When a KPI's value for a month is late: the month has ended, its grace days have passed, and
the value is still not there.

Pure. A value is due `days` days after its month's last day (the store's `late_days` setting,
`kpi.store.rules`); from the day after, a KPI without it is late, by as many days as have passed
since it was due. A survey KPI's value is its answers, so it is late when it has none by then.
A retired KPI is never late. The cockpit keeps no measurement frequency: every KPI is due every
month. "Today" is an argument, so the rule reads the same in a test as on any calendar day.
"""

from __future__ import annotations

from datetime import date, timedelta

from kpi.domain import months, validate
from kpi.domain.errors import Problem
from kpi.domain.report import MonthReport

DEFAULT_DAYS = 10
"""Grace days after a month's end when the store sets none: values of most months are in by then."""
DAYS_RANGE = (0, 60)
"""The fewest and most grace days a store may set: a value due the day after its month, at the
latest two months after it (a later value is no help to the month's meeting)."""
SETTING = "late_days"
"""The setting's name: the store's `setting` row, the form field and the problem's field."""


def due(month: date, days: int) -> date:
    """The last day on which `month`'s value is on time: `days` days after the month's end."""
    return months.end_of(month) + timedelta(days=days)


def overdue(month: date, today: date, days: int, *, has_value: bool, is_retired: bool = False) -> int | None:
    """How many days `month`'s value is late on `today` (1 the day after it was due); None when it
    is not late: there is a value, the KPI is retired, or the value is not due yet."""
    if has_value or is_retired:
        return None
    late = (today - due(month, days)).days
    return late if late > 0 else None


def late_kpis(built: MonthReport, today: date, days: int) -> dict[str, int]:
    """`kpi code → days late` of every KPI of a month's report whose value is late on `today`
    (the report holds the KPIs in its viewer's scope, so lateness never reaches beyond it)."""
    out = {}
    for code, row in built.kpis.items():
        is_retired = row.kpi.retired_at is not None
        late = overdue(built.month, today, days, has_value=row.value is not None, is_retired=is_retired)
        if late is not None:
            out[code] = late
    return out


def check_days(value: object) -> tuple[int | None, list[Problem]]:
    """The grace days a person typed (`"10"`, 10) as a whole number within `DAYS_RANGE`, or the
    problem saying what it must be. The one check of the setting, for the form and the store."""
    low, high = DAYS_RANGE
    text = str(value).strip() if value is not None else ""
    number = validate.whole_number(value)
    if number is None or not low <= number <= high:
        params = (("value", text), ("low", low), ("high", high), ("default", DEFAULT_DAYS))
        return None, [Problem("late_days", SETTING, params)]
    return number, []
