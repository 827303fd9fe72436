"""Initiatives' verdicts read from the store: each action with a go-live, a KPI and a direction,
judged in a month (kpi.domain.initiatives) on the KPI's values as the viewer's scope reads them.

Only the actions in scope are judged (`queries.actions`), and only on values the scope may read:
a department head learns nothing of another department's KPI through an initiative.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa

from kpi.domain import initiatives, months, signals
from kpi.domain.access import Scope
from kpi.domain.model import Action
from kpi.store import queries, rules

HISTORY = signals.BASELINE_POINTS
"""Months before go-live whose values draw the limits the months after are read against."""


def is_initiative(action: Action) -> bool:
    return action.go_live is not None and action.kpi is not None and action.direction is not None


def verdicts(
    conn: sa.Connection, scope: Scope, month: date, actions: Sequence[Action]
) -> dict[int, initiatives.Verdict]:
    """`action id → verdict in month` of the initiatives among `actions` live by `month`."""
    live = [a for a in actions if is_initiative(a) and a.go_live and months.first_of(a.go_live) <= month]
    if not live:
        return {}
    first = months.add(min(months.first_of(a.go_live) for a in live if a.go_live), -HISTORY)
    series: dict[str, list[signals.Point]] = {}
    judged = {a.kpi for a in live if a.kpi}  # the KPIs of the live initiatives: not every KPI's months
    for v in queries.month_values(conn, scope, first, month, kpis=judged):
        series.setdefault(v.kpi, []).append(signals.Point(v.month, v.value, signals.standard_error(v.margin)))
    chosen = rules.read(conn)
    out = {}
    for action in live:
        points = series.get(action.kpi or "")
        if points and action.go_live and action.direction:
            out[action.id] = initiatives.judge(points, action.go_live, action.direction, month, chosen)
    return out
