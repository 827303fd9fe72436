"""The reporting cycle of a month: by when its values are due, then its commentary, when it is
closed and when the management meeting reads it.

Pure. An administrator may set a month's four dates (the store's `month_calendar`); a month
without them follows the default rule here, its one home:
- values are due `late_days` days after the month's last day: the store's grace days, the very
  date after which a missing value is *late* (`kpi.domain.lateness`), so the calendar and the
  late badges can never disagree;
- commentary is due `COMMENTARY_DAYS` days later (the owners need the numbers to explain them),
  moved to the next working day when that falls on a weekend;
- the meeting is `MEETING_DAYS` days after the commentary is due, on the next working day;
- the month is closed the working day before the meeting, so the meeting reads a frozen month.

`check` is the one check of a calendar, for the form, the `calendar` import and the command
line: every date given, in order (data due ≤ commentary due ≤ close ≤ meeting), none before the
month's last day, the data due within the grace days a store may set, the rest within
`LATEST_DAYS` of the month's end. Every problem at once, each naming its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from kpi.domain import bounds, checks, lateness, months
from kpi.domain.errors import Problem

DATES = ("data_due", "commentary_due", "close", "meeting")
"""A calendar's dates, in the order they must come (each on or after the one before)."""
COMMENTARY_DAYS = 3
"""Days from the values' due date to the commentary's (default rule)."""
MEETING_DAYS = 3
"""Days from the commentary's due date to the meeting (default rule, then the next working day)."""
LATEST_DAYS = 92
"""The furthest a commentary, close or meeting date may lie after the month's last day: a quarter.
Later, the meeting is about another quarter, and the date is most likely a typo."""
_SATURDAY = 5


@dataclass(frozen=True)
class Calendar:
    """A month's four dates, set by an administrator (`is_set`) or by the default rule."""

    month: date
    data_due: date
    commentary_due: date
    close: date
    meeting: date
    is_set: bool = False

    def due(self, name: str) -> date:
        """One of `DATES` by name."""
        found: date = getattr(self, name)
        return found


def working_day(day: date) -> date:
    """`day`, or the Monday after it when it falls on a weekend."""
    return day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= _SATURDAY else day


def _working_day_before(day: date) -> date:
    before = day - timedelta(days=1)
    while before.weekday() >= _SATURDAY:
        before -= timedelta(days=1)
    return before


def default(month: date, late_days: int) -> Calendar:
    """The month's calendar by the default rule (see the module), from the store's grace days."""
    data_due = lateness.due(month, late_days)
    commentary_due = working_day(data_due + timedelta(days=COMMENTARY_DAYS))
    meeting = working_day(commentary_due + timedelta(days=MEETING_DAYS))
    close = max(_working_day_before(meeting), commentary_due)
    return Calendar(month, data_due, commentary_due, close, meeting)


def of(month: date, stored: Mapping[str, date] | None, late_days: int) -> Calendar:
    """The month's calendar: the dates an administrator set (`stored`), else the default rule."""
    if stored is None:
        return default(month, late_days)
    data_due, commentary_due, close, meeting = (stored[name] for name in DATES)
    return Calendar(month, data_due, commentary_due, close, meeting, is_set=True)


def check(fields: Mapping[str, object], window: bounds.Window | None = None) -> list[Problem]:
    """Everything wrong with a month's calendar as read (`month` a month, the dates days; empty is
    None): what is missing, a date before the month's end or too long after it, dates out of
    order, a month outside `window` (a `bounds.Window`, where the caller has one)."""
    problems = [Problem("required", name) for name in ("month", *DATES) if fields.get(name) is None]
    month = fields.get("month")
    if not isinstance(month, date):
        return problems
    month = months.first_of(month)
    found = window.problem(month, "month", is_month=True) if window is not None else None
    problems += [found] if found is not None else []
    end = months.end_of(month)
    limits = dict.fromkeys(DATES, LATEST_DAYS) | {"data_due": lateness.DAYS_RANGE[1]}
    for name in DATES:
        day = fields.get(name)
        if not isinstance(day, date):
            continue
        if day < end:
            problems.append(Problem("calendar_before_end", name, (("value", day), ("end", end))))
        elif (day - end).days > limits[name]:
            latest = end + timedelta(days=limits[name])
            params = (("value", day), ("days", limits[name]), ("latest", latest))
            problems.append(Problem("calendar_too_late", name, params))
    for before, after in zip(DATES, DATES[1:], strict=False):
        first, then = fields.get(before), fields.get(after)
        if isinstance(first, date) and isinstance(then, date) and then < first:
            problems.append(Problem(f"calendar_order_{after}", after, (("value", then), ("date", first))))
    return problems


def check_row(fields: Mapping[str, object], known: checks.Known) -> list[Problem]:
    """`check` as the import's registry of checks calls it, with the store's window of months. A
    calendar far ahead needs no confirming: dates a year out are planned, not typed by mistake."""
    return check(fields, known.window.confirming())
