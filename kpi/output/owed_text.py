"""Who still owes what (`kpi.domain.owed`) for the command line: lines for people, JSON for tools.

The JSON is the documented shape `python -m kpi owed --json` prints: `{"month", "today",
"calendar": {"data_due", "commentary_due", "close", "meeting", "set"}, "items": [{"kind",
"email", "department", "code", "subject", "due", "overdue"}]}`, dates as `YYYY-MM-DD`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from kpi.domain import cycle, months, owed
from kpi.text import fmt
from kpi.text.i18n import t


def as_dict(month: date, today: date, calendar: cycle.Calendar, found: Sequence[owed.Item]) -> dict:
    """The month's owed items in the documented shape."""
    dates = {name: calendar.due(name).isoformat() for name in cycle.DATES}
    return {
        "month": months.key(month),
        "today": today.isoformat(),
        "calendar": {**dates, "set": calendar.is_set},
        "items": [
            {
                "kind": str(i.kind),
                "email": i.email,
                "department": i.department,
                "code": i.code,
                "subject": i.subject,
                "due": i.due.isoformat(),
                "overdue": i.overdue,
            }
            for i in found
        ],
    }


def calendar_line(calendar: cycle.Calendar) -> str:
    """A month's calendar in one line, and whether an administrator set it."""
    dates = {name: calendar.due(name).isoformat() for name in cycle.DATES}
    how = t("cycle.is_set") if calendar.is_set else t("cycle.is_default")
    return t("cli.calendar_line", month=months.key(calendar.month), how=how, **dates)


def lines(found: Sequence[owed.Item], names: Mapping[str, str]) -> list[str]:
    """Per person (by name, then e-mail; nobody named last), a line per item: whether it is
    overdue, what is owed, its subject, its department and its due date."""
    out: list[str] = []
    groups = owed.by_person(found)
    for email in sorted(groups, key=lambda e: (e is None, names.get(e or "", e or ""))):
        who = _who(email, names)
        out.append(t("cli.owed_person", who=who, count=len(groups[email])))
        for i in groups[email]:
            state = t("cycle.overdue") if i.overdue else t("cycle.not_yet")
            what = t(f"cycle.kind_{i.kind}")
            out.append("\t".join(["  " + state, what, i.subject, i.department or "", fmt.day(i.due)]))
    return out


def _who(email: str | None, names: Mapping[str, str]) -> str:
    """A person as `Name <e-mail>`, or who nobody named is."""
    if email is None:
        return t("cycle.nobody")
    return f"{names[email]} <{email}>" if email in names else email
