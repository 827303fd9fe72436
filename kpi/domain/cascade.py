"""The goal tree: strategic → tactical → operational, its roll-up and its warnings.

A goal's own status comes from its own KPI. Its roll-up status comes from its children, weighted.
Comparing the two finds the cases leadership must see: "green parts, red whole" (every measured
child on track while the goal itself is off track or missed: the parts are not adding up) and the
reverse, "red parts, green whole".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from kpi.domain.model import Goal, GoalStatus, Level

_SCORE = {
    GoalStatus.ACHIEVED: 1.0,
    GoalStatus.ON_TRACK: 1.0,
    GoalStatus.AT_RISK: 0.5,
    GoalStatus.OFF_TRACK: 0.0,
    GoalStatus.MISSED: 0.0,
}
"""How much each measured status counts towards a roll-up (no data does not count)."""
ROLLUP_ON_TRACK = 0.85
ROLLUP_AT_RISK = 0.5


class Mismatch(StrEnum):
    GREEN_PARTS_RED_WHOLE = "green_parts_red_whole"
    RED_PARTS_GREEN_WHOLE = "red_parts_green_whole"


@dataclass(slots=True)
class Node:
    goal: Goal
    status: GoalStatus
    children: list[Node] = field(default_factory=list)
    rollup: GoalStatus = GoalStatus.NO_DATA
    mismatch: Mismatch | None = None
    partial: bool = False
    """Seen with only some of its sub-goals (line of sight): no roll-up is known, so none is
    shown (a head saw "No data" beside the sub-goals of a goal that had data)."""

    @property
    def rolls_up(self) -> bool:
        """Whether it has a roll-up to show: sub-goals, all of them seen."""
        return bool(self.children) and not self.partial

    @property
    def effective(self) -> GoalStatus:
        """The status that counts upwards: the goal's own, or its roll-up when unmeasured."""
        return self.rollup if self.status is GoalStatus.NO_DATA else self.status


def rollup(children: Sequence[tuple[GoalStatus, float]]) -> GoalStatus:
    """Weighted roll-up of children's (status, weight).

    Achieved when every measured child is achieved; otherwise the weighted mean score decides:
    ≥ ROLLUP_ON_TRACK on track, ≥ ROLLUP_AT_RISK at risk, below off track. No measured child:
    no data.
    """
    measured = [(s, w) for s, w in children if s in _SCORE and w > 0]
    if not measured:
        return GoalStatus.NO_DATA
    if all(s is GoalStatus.ACHIEVED for s, _ in measured):
        return GoalStatus.ACHIEVED
    score = sum(_SCORE[s] * w for s, w in measured) / sum(w for _, w in measured)
    if score >= ROLLUP_ON_TRACK:
        return GoalStatus.ON_TRACK
    return GoalStatus.AT_RISK if score >= ROLLUP_AT_RISK else GoalStatus.OFF_TRACK


def mismatch(own: GoalStatus, children: Sequence[GoalStatus]) -> Mismatch | None:
    """Green parts, red whole (or the reverse) for a goal's own status and its children's."""
    measured = [s for s in children if s is not GoalStatus.NO_DATA]
    if not measured:
        return None
    if own.is_red and all(s.is_green for s in measured):
        return Mismatch.GREEN_PARTS_RED_WHOLE
    if own.is_green and all(s.is_red for s in measured):
        return Mismatch.RED_PARTS_GREEN_WHOLE
    return None


def build(
    goals: Sequence[Goal], statuses: Mapping[str, GoalStatus], partial: Collection[str] = ()
) -> list[Node]:
    """The forest of goals (roots are goals whose parent is absent), rolled up bottom-up.

    Goals whose parent is out of the viewer's scope become roots of their own, so a department
    head still sees a whole tree of what they may see. The `partial` goals are seen with only
    some of their sub-goals (line of sight): they get no roll-up and no warning, which the
    missing sub-goals would change.
    """
    nodes = {g.code: Node(g, statuses.get(g.code, GoalStatus.NO_DATA)) for g in goals}
    roots: list[Node] = []
    for goal in sorted(goals, key=lambda g: (g.level.depth, _natural(g.code))):
        parent = nodes.get(goal.parent) if goal.parent else None
        (parent.children if parent else roots).append(nodes[goal.code])
    for root in roots:
        _settle(root, frozenset(partial))
    return roots


def _settle(node: Node, partial: frozenset[str]) -> None:
    if not node.children:
        return  # a leaf keeps no roll-up and no mismatch
    for child in node.children:
        _settle(child, partial)
    if node.goal.code in partial:
        node.partial = True
        return
    node.rollup = rollup([(c.effective, c.goal.weight) for c in node.children])
    node.mismatch = mismatch(node.status, [c.effective for c in node.children])


def _natural(code: str) -> tuple[str, int, str]:
    """Sort `O2` before `O10`."""
    head = code.rstrip("0123456789_")
    tail = code[len(head) :].replace("_", "")
    return (head, int(tail) if tail.isdigit() else 0, code)


def own_tops(roots: Sequence[Node], served: Collection[str]) -> list[Node]:
    """The topmost goals that are the viewer's own, below the goals above them they only serve
    (line of sight, kpi.domain.access): a head's Overview tiles and pack slides are their goals."""
    tops: list[Node] = []
    for node in roots:
        tops += own_tops(node.children, served) if node.goal.code in served else [node]
    return tops


def flatten(roots: Sequence[Node]) -> list[tuple[int, Node]]:
    """(depth, node) in display order, for tables and the tree list."""
    out: list[tuple[int, Node]] = []

    def visit(node: Node, depth: int) -> None:
        out.append((depth, node))
        for child in node.children:
            visit(child, depth + 1)

    for root in roots:
        visit(root, 0)
    return out


def board(goals: Sequence[Goal]) -> str | None:
    """The department that acts as the executive board: the one owning the most strategic goals
    (the store marks no board). A tie goes to the department listed first in code order; no
    strategic goal, no board. Its slides open the departments in the meeting."""
    owned: dict[str, int] = {}
    for goal in goals:
        if goal.level is Level.STRATEGIC and goal.department:
            owned[goal.department] = owned.get(goal.department, 0) + 1
    if not owned:
        return None
    return min(owned, key=lambda code: (-owned[code], _natural(code)))
