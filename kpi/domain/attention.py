"""What needs the CEO's attention this month: the Overview's exception list.

Pure: built from a month report and the open actions. Each item names the goal it concerns (so
the page can link to it in the cascade) and is ordered by severity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from kpi.domain import status
from kpi.domain.model import Action, Commentary, GoalStatus, KpiStatus
from kpi.domain.report import MonthReport, overdue


class Kind(StrEnum):
    MISMATCH = "mismatch"
    MISSED = "missed"
    OFF_TRACK = "off_track"
    AT_RISK = "at_risk"
    NO_DATA = "no_data"
    LATE_ACTION = "late_action"


_BEHIND = {
    GoalStatus.MISSED: Kind.MISSED,
    GoalStatus.OFF_TRACK: Kind.OFF_TRACK,
    GoalStatus.AT_RISK: Kind.AT_RISK,
}
BEHIND_KINDS = frozenset(_BEHIND.values())
_ORDER = list(Kind)


@dataclass(frozen=True)
class Item:
    kind: Kind
    goal: str | None
    """The goal to open in the cascade (None for a KPI without a goal)."""
    subject: str
    """What the item is about, in the reader's language: a goal title, KPI name or action title."""
    level_depth: int = 0
    detail: str = ""
    """A kind-specific extra (the mismatch kind, the action's due date as ISO, the KPI code)."""


def items(report: MonthReport, actions: Sequence[Action]) -> list[Item]:
    """Every exception of the month, most severe first, strategic before operational."""
    out: list[Item] = []
    for code, row in report.goals.items():
        depth = row.goal.level.depth
        if row.mismatch:
            out.append(Item(Kind.MISMATCH, code, row.goal.title, depth, str(row.mismatch)))
        elif row.status in _BEHIND:  # a mismatch already says the goal is behind, and why
            out.append(Item(_BEHIND[row.status], code, row.goal.title, depth))
    goal_of_kpi = {row.kpi.code: code for code, row in report.goals.items() if row.kpi}
    for missing in report.missing():
        kpi = missing.kpi
        out.append(Item(Kind.NO_DATA, goal_of_kpi.get(kpi.code), kpi.name, 3, kpi.code))
    visible_goals = set(report.goals)
    for action in overdue([a for a in actions if a.goal in visible_goals], report.month):
        due = action.due.isoformat() if action.due else ""
        out.append(Item(Kind.LATE_ACTION, action.goal, action.title, 3, due))
    return sorted(out, key=lambda i: (_ORDER.index(i.kind), i.level_depth, i.subject))


def needs_commentary(report: MonthReport, comments: Sequence[Commentary]) -> list[tuple[str, str]]:
    """("kpi" | "goal", code) of every number whose status flipped since last month or is red,
    and that nobody has explained yet this month."""
    explained = {("kpi", c.kpi) for c in comments if c.kpi} | {("goal", c.goal) for c in comments if c.goal}
    wanted = [
        ("goal", code)
        for code, row in report.goals.items()
        if row.status.is_red or status.flipped(row.status, row.previous_status)
    ]
    wanted += [
        ("kpi", code)
        for code, row in report.kpis.items()
        if row.status is KpiStatus.RED or status.flipped(row.status, row.previous_status)
    ]
    return [item for item in wanted if item not in explained]
