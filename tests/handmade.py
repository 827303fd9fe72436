"""A small company made by hand, for direct tests of the modules that read a month's report.

Five KPIs in three departments and six goals, chosen so that every status and warning occurs
once: a strategic goal that is off track while its parts are green (a mismatch), an achieved
and an on-track part, a goal at risk, a missed goal and a KPI without a value this month. The
statuses follow from the values below by the rules in kpi.domain.status; the tests that use
them say which they expect, so a change of rule shows up as a failing row.
"""

from __future__ import annotations

from datetime import date

from kpi.domain import report
from kpi.domain.model import (
    Action,
    ActionStatus,
    Aggregation,
    Commentary,
    Department,
    Direction,
    Goal,
    Kpi,
    Level,
    MonthValue,
)

OCTOBER = date(2026, 10, 1)
SEPTEMBER = date(2026, 9, 1)
YEAR = {"start": date(2026, 1, 1), "deadline": date(2026, 12, 31)}

DEPARTMENTS = [
    Department("MGMT", "Board"),
    Department("CS", "Service desk"),
    Department("IT", "Platform team"),
    Department("MKT", "Campaigns"),  # no KPI of its own
]
KPIS = [
    Kpi("NPS", "Recommend score", "MGMT", "nps", Direction.HIGHER, Aggregation.NPS, target=40),
    Kpi("WAIT", "Wait on the phone", "CS", "s", Direction.LOWER, Aggregation.MEAN, target=60),
    Kpi("MAIL", "Answer to e-mail", "CS", "h", Direction.LOWER, Aggregation.MEAN, target=24, tolerance=0.1),
    Kpi("DOWN", "Minutes the shop is down", "IT", "min", Direction.LOWER, Aggregation.SUM, target=30),
    Kpi("PAGE", "Page load time", "IT", "ms", Direction.LOWER, Aggregation.MEAN, target=1000),
]
GOALS = [
    Goal("S1", Level.STRATEGIC, "Customers recommend us", "NPS", "MGMT", baseline=20, target=40, **YEAR),
    Goal(
        "T1",
        Level.TACTICAL,
        "E-mails answered within a day",
        "MAIL",
        "CS",
        parent="S1",
        baseline=40,
        target=24,
        **YEAR,
    ),
    Goal(
        "O1",
        Level.OPERATIONAL,
        "Short waits on the phone",
        "WAIT",
        "CS",
        parent="T1",
        baseline=100,
        target=60,
        **YEAR,
    ),
    Goal("S2", Level.STRATEGIC, "The shop stays up", "DOWN", "IT", baseline=120, target=30, **YEAR),
    Goal(
        "O2",
        Level.OPERATIONAL,
        "Pages load fast",
        "PAGE",
        "IT",
        parent="S2",
        baseline=2000,
        target=1000,
        **YEAR,
    ),
    Goal(
        "O3",
        Level.OPERATIONAL,
        "Checkout fast by summer",
        "PAGE",
        "IT",
        parent="S2",
        baseline=2000,
        target=1200,
        start=date(2026, 1, 1),
        deadline=date(2026, 6, 30),
    ),
]
VALUES = [
    MonthValue("NPS", SEPTEMBER, 25, n=400, margin=4.5),
    MonthValue("NPS", OCTOBER, 22, n=410, margin=4.4),  # 10 % of the way, 83 % of the time: off track
    MonthValue("WAIT", SEPTEMBER, 70),  # red in September
    MonthValue("WAIT", OCTOBER, 55),  # green, and its goal achieved
    MonthValue("MAIL", SEPTEMBER, 26),
    MonthValue("MAIL", OCTOBER, 26),  # amber (within 10 %), its goal on track (87.5 % of the way)
    MonthValue("DOWN", SEPTEMBER, 45),  # and no value in October
    MonthValue("PAGE", SEPTEMBER, 1500),
    MonthValue("PAGE", OCTOBER, 1360),  # 64 % of the way: at risk; past O3's deadline: missed
]
"""Statuses in October: S1 off track with green parts (a mismatch), T1 on track, O1 achieved,
S2 no data (DOWN has no value), O2 at risk, O3 missed."""
ACTIONS = [
    Action(1, "O2", "Put images on a CDN", "it@example.com", date(2026, 9, 15), ActionStatus.PLANNED),
    Action(2, "O2", "Tune the slow queries", "it@example.com", date(2026, 12, 1), ActionStatus.DOING),
    Action(3, "O1", "Hire two agents", "cs@example.com", date(2026, 8, 1), ActionStatus.DONE),
    Action(4, "GONE", "Not in this report", "cs@example.com", date(2026, 1, 1), ActionStatus.PLANNED),
]
"""Only action 1 is overdue in October: 2 is not due yet, 3 is done, 4's goal is not visible."""
OWNERS = {"it@example.com": "Ina Tang", "cs@example.com": "Carl Sand"}


def month_report(month: date = OCTOBER, values: list[MonthValue] | None = None) -> report.MonthReport:
    return report.build(month, KPIS, GOALS, VALUES if values is None else values)


def comment(id_: int, text: str, *, kpi: str | None = None, goal: str | None = None) -> Commentary:
    return Commentary(id_, OCTOBER, "cs@example.com", text, kpi=kpi, goal=goal)
