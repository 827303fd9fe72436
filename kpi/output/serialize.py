"""A month's report as plain JSON-ready data, in the shape documented in product.md §6."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kpi.domain import months
from kpi.domain.attention import Item
from kpi.domain.model import within_unit
from kpi.domain.month_rows import GoalRow, KpiRow
from kpi.domain.outlook import Forecast
from kpi.domain.report import MonthReport
from kpi.domain.smart import Assessment, Criterion
from kpi.text import words


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def kpi_dict(row: KpiRow) -> dict:
    k = row.kpi
    out = {
        "code": k.code,
        "name": k.name,
        "department": k.department,
        "unit": k.unit,
        "direction": str(k.direction),
        "value": _round(row.value.value if row.value else None),
        "target": _round(row.target.value if row.target else None),
        "target_kind": str(row.target.kind) if row.target else None,
        "status": str(row.status),
        **reading_dict(row),
    }
    if k.aggregation.is_survey:
        out["n"] = row.value.n if row.value else 0
        out["margin"] = _round(row.value.margin if row.value else None)
    return out


def reading_dict(row: KpiRow) -> dict:
    """The month as a process behaviour chart reads it: nulls (and no signals) when the KPI's
    history since its latest process change is too short to tell. The limits are held within what
    the unit can reach, as the charts draw them (a downtime's lower limit was −15.99 minutes)."""
    reading = row.reading
    if reading is None:
        return {"variation": None, "assurance": None, "limits": None, "signals": []}
    limits, unit = reading.limits, row.kpi.unit
    return {
        "variation": str(reading.variation),
        "assurance": str(reading.assurance) if reading.assurance else None,
        "limits": {
            "centre": _round(limits.centre),
            "lower": _round(within_unit(limits.lower, unit)),
            "upper": _round(within_unit(limits.upper, unit)),
        },
        "signals": sorted({str(s.rule) for s in reading.signals}),
    }


def goal_dict(row: GoalRow, forecast: Forecast | None) -> dict:
    g = row.goal
    ahead = forecast or Forecast(None)
    return {
        "code": g.code,
        "parent": g.parent,
        "level": str(g.level),
        "title": g.title,
        "kpi": g.kpi,
        "department": g.department,
        "owner": g.owner,
        "value": _round(row.value.value if row.value else None),
        "baseline": g.baseline,
        "target": g.target,
        "deadline": g.deadline.isoformat() if g.deadline else None,
        "status": str(row.status),
        "rollup_status": str(row.rollup),
        "forecast": _round(ahead.value),
        "forecast_margin": _round(ahead.margin),
        "green_parts_red_whole": row.mismatch is not None and row.mismatch.value == "green_parts_red_whole",
        "reason": str(row.reason) if row.reason else None,
    }


def attention_dict(item: Item) -> dict:
    """One exception of the month's list (`attention.items`), in the documented shape: told by
    measure (`attention.by_measure`), the items on its number under `also`."""
    return {
        "kind": str(item.kind),
        "code": item.code,
        "kpi": item.kpi,
        "value": _round(item.value),
        "target": _round(item.target),
        "owner": item.owner,
        "since": months.key(item.since) if item.since else None,
        "since_or_earlier": item.since_or_earlier,
        "plan": [action.id for action in item.plan] if item.plan is not None else None,
        "commented": item.commented,
        "owed": item.owed,
        "also": [attention_dict(other) for other in item.also],
    }


def report_dict(
    report: MonthReport,
    forecasts: Mapping[str, Forecast],
    smart: Mapping[str, Assessment] | None = None,
    attention: Sequence[Item] | None = None,
) -> dict:
    """The documented JSON shape, with each goal's forecast from `forecasts` (see
    `reports.forecasts`); goals carry their `smart` object when assessments are given, and the
    top level the month's exception list when it is given."""
    goals = []
    for row in report.goals.values():
        entry = goal_dict(row, forecasts.get(row.goal.code))
        if smart is not None and row.goal.code in smart:
            entry["smart"] = smart_dict(smart[row.goal.code])
        goals.append(entry)
    out = {
        "month": months.key(report.month),
        "kpis": [kpi_dict(row) for row in report.kpis.values()],
        "goals": goals,
    }
    if attention is not None:
        out["attention"] = [attention_dict(item) for item in attention]
    return out


def smart_dict(assessment: Assessment) -> dict:
    """The `smart` object of `status --json`: each check passed or not, and the reasons."""
    out: dict = {str(c): c in assessment.checks and assessment.checks[c].passed for c in Criterion}
    out["reasons"] = words.smart_reasons(assessment)
    return out
