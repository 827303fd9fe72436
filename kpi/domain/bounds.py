"""The limits every value keeps, whichever way it comes in: months, numbers and texts.

Pure. One accepted value out of all proportion (a month `9999-12`, a number `1e308`, a title of a
megabyte) once broke every page for everyone, so the checks of `kpi.domain.checks` hold every
import row and form to these limits, and the pages never trust the store to keep them:

- **Months and dates** lie in a window around today: from `FIRST_MONTH` (the `KPI_FIRST_MONTH`
  setting) to `MONTHS_AHEAD` months after the current month (`KPI_MONTHS_AHEAD`). A month more
  than `CONFIRM_AHEAD` months ahead is accepted only when the person confirms it (a typo such as
  2062 for 2026 is refused, a goal deadline two years out is asked about).
- **Numbers** are finite, below `CEILING` in size (times and counts: a trillion seconds is
  31,000 years), and written with at most `MAX_DIGITS` significant digits; each unit's own range
  (a share 0-100, NPS -100 to 100) is `model.UNIT_RANGES`.
- **Texts** have a maximum length per field (`TEXT_LIMITS`) and hold no control character
  (`CONTROL`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from kpi.domain import months
from kpi.domain.errors import Problem

FIRST_MONTH = date(2000, 1, 1)
"""The earliest month the cockpit holds, unless the `KPI_FIRST_MONTH` setting says otherwise."""
MONTHS_AHEAD = 24
"""How far after the current month a month or date may lie (`KPI_MONTHS_AHEAD`)."""
CONFIRM_AHEAD = 12
"""A month more than this many months after the current one needs the person's confirmation."""
CEILING = 1e12
"""No number is this large or larger (in size): times, counts and weights stay below it."""
MAX_DIGITS = 28
"""Significant digits a typed number may have: more is not a measurement but a mistake (and
beyond what decimal arithmetic keeps exactly)."""

TITLE, TEXT, LABEL, CODE, EMAIL = 200, 4000, 100, 32, 254
RESPONDENT, COMMENT = 64, 2000
TEXT_LIMITS: dict[str, int] = {
    "code": CODE,
    "parent": CODE,
    "kpi": CODE,
    "goal": CODE,
    "department": CODE,
    "promise": CODE,
    "email": EMAIL,
    "owner": EMAIL,
    "name": TITLE,
    "title": TITLE,
    "segment": LABEL,
    "touchpoint": LABEL,
    "respondent": RESPONDENT,
    "comment": COMMENT,
    "description": TEXT,
    "definition": TEXT,
    "note": TEXT,
    "text": TEXT,
}
"""The most characters each text field may hold: codes 32, e-mail addresses 254 (RFC 5321),
names and titles 200, segments and touchpoints 100, a survey answer's respondent 64 and its
comment 2,000, descriptions, definitions, notes, promises and
commentary 4,000."""


@dataclass(frozen=True)
class Window:
    """The months a month or date may lie in."""

    first: date
    """The first month allowed."""
    last: date
    """The last month allowed."""
    confirm_after: date
    """Months after this one are accepted only when `confirmed`."""
    confirmed: bool = False
    today: date | None = None
    """The day the window is around: what happened (a month's value, an answer) is not after it."""

    @classmethod
    def around(
        cls, today: date, first: date = FIRST_MONTH, ahead: int = MONTHS_AHEAD, *, confirmed: bool = False
    ) -> Window:
        current = months.first_of(today)
        return cls(first, months.add(current, ahead), months.add(current, CONFIRM_AHEAD), confirmed, today)

    def confirming(self) -> Window:
        return replace(self, confirmed=True)

    def not_yet(self, when: date, field: str, *, is_month: bool = False) -> Problem | None:
        """What happened on `when` cannot lie ahead of today: a month's value for a month not
        begun, a survey answer dated after today (an adversarial test imported both)."""
        if self.today is None:
            return None
        ahead = months.first_of(when) > months.first_of(self.today) if is_month else when > self.today
        if not ahead:
            return None
        key = "month_not_begun" if is_month else "day_not_come"
        return Problem(
            key, field, (("value", _shown(when, is_month)), ("today", self.today))
        )  # today: the reader's format

    def contains(self, when: date) -> bool:
        return self.first <= months.first_of(when) <= self.last

    def problem(self, when: date, field: str, *, is_month: bool = False) -> Problem | None:
        """What is wrong with `when` (a month when `is_month`, else a day) in `field`, if anything;
        a month is said as one (`2031-01`, not the `2031-01-01` it is kept as)."""
        month = months.first_of(when)
        shown = _shown(when, is_month)
        if not self.contains(when):
            params = (
                ("value", shown),
                ("first", months.key(self.first)),
                ("last", months.key(self.last)),
            )
            return Problem("outside_window", field, params)
        if month > self.confirm_after and not self.confirmed:
            return Problem("far_ahead", field, (("value", shown), ("months", CONFIRM_AHEAD)))
        return None


def _shown(when: date, is_month: bool) -> str:
    """A month as one (`2031-01`, not the `2031-01-01` it is kept as), a day as a day."""
    return months.key(when) if is_month else when.isoformat()


def number_problem(value: float, field: str, typed: str | None = None) -> Problem | None:
    """A number that no field can hold: not finite, or `CEILING` or more in size, said as it was
    `typed` where it was (`1e400` read as infinity is too large, not "“inf” is not finite")."""
    too_large = math.isinf(value) and typed is not None and "inf" not in typed.casefold()
    if not math.isfinite(value) and not too_large:
        return Problem("not_finite", field, (("value", typed or str(value)),))
    if too_large or abs(value) >= CEILING:
        shown = typed if typed is not None else f"{value:.6g}"
        return Problem("too_large", field, (("value", shown), ("ceiling", f"{CEILING:.0e}")))
    return None


def digits(text: str) -> int:
    """Significant digits of a number as written (`0,0012300` → 5, `1.234,5` → 5)."""
    return len("".join(c for c in text if c.isdigit()).lstrip("0")) or 1


CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]"
)
"""Characters no text may hold: control characters but the tab and line ends (invisible; a pack,
which is XML, cannot hold most of them, and one event's title with U+0001 broke every pack; on a
terminal an escape sequence clears the screen), the bidirectional overrides and isolates (a
title with U+202E turned the page's own text after it backwards), the basic plane's
non-characters (U+FDD0-U+FDEF, U+FFFE, U+FFFF) and lone surrogates. Text
from any other script is welcome: its own direction needs none of these."""


ONE_LINE = frozenset({"name", "title", "email", "owner", "segment", "touchpoint"})
"""Fields that hold one line: a name, a title, an address, a label. A line end or tab in a name
broke every line the command line prints (`owed`'s tab-separated lines, `status`'s table) and
split a slide's title; descriptions, definitions, notes and commentary keep theirs. A survey
answer's respondent is checked so by its own rule (`checks`: `respondent_one_line`)."""
BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")
"""What splits a line: a tab, a line end, Unicode's line and paragraph separators."""


def text_problems(fields: Mapping[str, object]) -> list[Problem]:
    """Texts longer than their field's limit (`TEXT_LIMITS`), holding a `CONTROL` character, or
    a line break or tab where the field holds one line (`ONE_LINE`)."""
    problems = []
    for name, value in fields.items():
        limit = TEXT_LIMITS.get(name)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            problems.append(Problem("too_long", name, (("length", len(value)), ("limit", limit))))
        found = BREAKS.search(value) if name in ONE_LINE and isinstance(value, str) else None
        if found is not None:
            problems.append(Problem("not_one_line", name, (("position", found.start() + 1),)))
    return problems + control_problems(fields)


def control_problems(fields: Mapping[str, object]) -> list[Problem]:
    """A problem for each text holding a `CONTROL` character, naming the first (`U+0001`) and
    where it stands, since it cannot be seen."""
    problems = []
    for name, value in fields.items():
        found = CONTROL.search(value) if isinstance(value, str) else None
        if found is not None:
            params = (("char", f"U+{ord(found.group()):04X}"), ("position", found.start() + 1))
            problems.append(Problem("control_char", name, params))
    return problems


def without_controls(text: str) -> str:
    """`text` without its `CONTROL` characters: for what the store held before they were refused,
    on its way into a pack or onto a terminal."""
    return CONTROL.sub("", text)
