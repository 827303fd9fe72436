"""Months as the product counts them: a `date` on the first day of the month.

One representation everywhere (store, rules, URLs as `YYYY-MM`) keeps month arithmetic in
one small, tested place.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


_ENGLISH = "january february march april may june july august september october november december"
_DANISH = "januar februar marts april maj juni juli august september oktober november december"
NAMES: dict[str, int] = {
    name: number
    for language in (_ENGLISH, _DANISH)
    for number, whole in enumerate(language.split(), start=1)
    for name in (whole, whole[:3], *(("sept",) if number == 9 else ()))
}
"""Month names a file may write a month with, in lower case: English and Danish, whole or
short as spreadsheets abbreviate them ("November 2026", "nov-26", "okt. 2026")."""


def named(name: str) -> int | None:
    """`"Nov"`, `"november"`, `"okt."` → 11, 11, 10; None for any other word."""
    return NAMES.get(name.lower().rstrip("."))


def parse(text: str) -> date:
    """`2026-10` → date(2026, 10, 1); raises ValueError with the offending text."""
    match = _MONTH_RE.match(str(text))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month in the form YYYY-MM")
    return date(int(match.group(1)), int(match.group(2)), 1)


def key(month: date) -> str:
    """date(2026, 10, 1) → `2026-10`, the form used in URLs, files and JSON."""
    return f"{month.year:04d}-{month.month:02d}"


def first_of(day: date) -> date:
    return date(day.year, day.month, 1)


def add(month: date, months: int) -> date:
    """The month `months` after (or before, when negative) `month`."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def between(first: date, last: date) -> list[date]:
    """Every month from `first` to `last`, both included."""
    count = diff(first, last)
    return [add(first, i) for i in range(count + 1)]


def diff(first: date, last: date) -> int:
    """Whole months from `first` to `last` (negative when `last` is earlier)."""
    return (last.year - first.year) * 12 + last.month - first.month


def settled(last_with_values: date, today: date) -> date:
    """The month a reader is shown first: the last complete one, or the last with values where that
    is earlier (one early value of the running month made it everyone's month, most of its
    numbers not in yet: a day-one trial). The app's month and a pack's without `--month`."""
    return min(last_with_values, last_complete(today))


def last_complete(today: date) -> date:
    """The month before the one `today` falls in: the newest month whose data can be whole."""
    return add(first_of(today), -1)


def end_of(month: date) -> date:
    """The last day of `month` (December 9999 too, which has no month after it)."""
    return date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
