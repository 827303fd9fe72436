"""A closed month, frozen: what the meeting saw, kept exactly.

Closing a month stores the inputs of its report (the KPI and goal records in every language,
thirteen months of values, the month's commentary, and the pack's driver analysis: see
kpi.domain.pack_drivers) as JSON. The report is rebuilt from them by
the same rules, so every number, target and status is as it was at the close, while changes
made afterwards are found by comparing the frozen values with the live ones.
Pure: JSON in, records out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from kpi.domain import pack_drivers, signals
from kpi.domain.access import Scope
from kpi.domain.errors import Problem, Unavailable
from kpi.domain.model import Aggregation, Commentary, Direction, Goal, Kpi, Level, MonthValue
from kpi.domain.month_rows import NO_CONTEXT, Context

FORMAT = 1
"""The layout of the JSON `freeze` writes; `thaw` refuses any other rather than misread it."""

Row = dict[str, Any]
"""A record as JSON: field name → value as `json` reads and writes it."""

Texts = tuple[Sequence[Kpi], Sequence[Goal], Sequence[Commentary]]
"""What a snapshot keeps per language: the KPI and goal records and the month's commentary."""


def _encode(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _records(
    items: Sequence[Kpi] | Sequence[Goal] | Sequence[MonthValue] | Sequence[Commentary],
) -> list[Row]:
    return [
        {k: _encode(v) for k, v in (item._asdict() if isinstance(item, MonthValue) else asdict(item)).items()}
        for item in items
    ]


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _kpi(row: Row) -> Kpi:
    return Kpi(
        **{
            **row,
            "direction": Direction(row["direction"]),
            "aggregation": Aggregation(row["aggregation"]),
            "retired_at": _date(row.get("retired_at")),
        }
    )


def _goal(row: Row) -> Goal:
    dates = {k: _date(row.get(k)) for k in ("start", "deadline", "accepted_at", "retired_at")}
    return Goal(**{**row, **dates, "level": Level(row["level"])})


def _value(row: Row) -> MonthValue:
    return MonthValue(**{**row, "month": date.fromisoformat(row["month"])})


def _comment(row: Row) -> Commentary:
    written = row.get("written_at")
    return Commentary(
        **{
            **row,
            "month": date.fromisoformat(row["month"]),
            "written_at": datetime.fromisoformat(written) if written else None,
        }
    )


def _context_json(context: Context) -> dict[str, Any]:
    return {
        "targets": {k: {m.isoformat(): v for m, v in by.items()} for k, by in context.targets.items()},
        "changes": {k: [m.isoformat() for m in ms] for k, ms in context.changes.items()},
        "rules": {
            "rules": sorted(str(r) for r in context.rules.rules),
            "shift_run": context.rules.shift_run,
            "trend_run": context.rules.trend_run,
        },
    }


def _context(data: Mapping[str, Any], visible: set[str]) -> Context:
    """The month targets, process changes and rules a snapshot kept (none in a snapshot made
    before they existed: its report then uses annual targets and the default rules)."""
    if "context" not in data:
        return NO_CONTEXT
    kept = data["context"]
    rules = kept.get("rules")
    rules = rules if isinstance(rules, Mapping) else {}
    return Context(
        {
            k: {date.fromisoformat(m): v for m, v in by.items()}
            for k, by in kept["targets"].items()
            if k in visible
        },
        {k: [date.fromisoformat(m) for m in ms] for k, ms in kept["changes"].items() if k in visible},
        signals.stored_rules(rules.get("rules"), rules.get("shift_run"), rules.get("trend_run")),
    )


def freeze(
    month: date,
    values: Sequence[MonthValue],
    by_language: Mapping[str, Texts],
    context: Context = NO_CONTEXT,
    drivers: pack_drivers.Kept | None = None,
) -> str:
    """The snapshot as JSON; `by_language` maps a language to its (kpis, goals, commentary);
    `context` holds the month targets, process changes and rules the report was built with;
    `drivers` the pack's driver analysis (left out when not given)."""
    kept = {} if drivers is None else {"drivers": pack_drivers.to_json(drivers)}
    return json.dumps(
        {
            **kept,
            "format": FORMAT,
            "month": month.isoformat(),
            "context": _context_json(context),
            "values": _records(values),
            "languages": {
                lang: {"kpis": _records(k), "goals": _records(g), "commentary": _records(c)}
                for lang, (k, g, c) in by_language.items()
            },
        },
        ensure_ascii=False,
        sort_keys=True,
    )


@dataclass(frozen=True)
class Frozen:
    month: date
    kpis: list[Kpi]
    goals: list[Goal]
    values: list[MonthValue]
    commentary: list[Commentary]
    context: Context = NO_CONTEXT
    drivers: pack_drivers.Kept | None = None
    """The pack's driver analysis as closed; None in a snapshot made before closes kept it."""


def thaw(text: str, language: str, scope: Scope) -> Frozen:
    """The month as closed, in `language` (else the first stored), limited to `scope` (but for
    the driver analysis, kept whole: kpi.store.drivers picks what the reader's scope may see).

    A snapshot in another format (written by a newer release) is refused, not guessed at."""
    data = json.loads(text)
    if data.get("format") != FORMAT:
        found = (("format", data.get("format")), ("known", FORMAT))
        raise Unavailable(Problem("snapshot_format", params=found))
    languages = data["languages"]
    texts = languages.get(language) or next(iter(languages.values()))
    kpis = [k for k in map(_kpi, texts["kpis"]) if scope.sees_kpi(k.code, k.department)]
    visible = {k.code for k in kpis}
    goals = [g for g in map(_goal, texts["goals"]) if scope.sees_goal(g.code, g.department)]
    home = {k.code for k in kpis if scope.allows(k.department)}  # commentary: not on served goals' KPIs
    followed = {g.code for g in goals if scope.follows(g.code, g.department)}
    values = [v for v in map(_value, data["values"]) if v.kpi in visible]
    comments = [c for c in map(_comment, texts["commentary"]) if c.kpi in home or c.goal in followed]
    context = _context(data, visible)
    drivers = pack_drivers.from_json(data["drivers"]) if "drivers" in data else None
    return Frozen(date.fromisoformat(data["month"]), kpis, goals, values, comments, context, drivers)


def revisions(frozen: Frozen, live: Sequence[MonthValue]) -> dict[str, tuple[float | None, float | None]]:
    """KPIs whose value for the closed month changed after the close: `code → (closed, now)`."""
    closed = {v.kpi: v.value for v in frozen.values if v.month == frozen.month}
    now = {v.kpi: v.value for v in live if v.month == frozen.month}
    changed: dict[str, tuple[float | None, float | None]] = {}
    for code in {k.code for k in frozen.kpis}:
        before, after = closed.get(code), now.get(code)
        if _moved(before, after):
            changed[code] = (before, after)
    return changed


def _moved(before: float | None, after: float | None) -> bool:
    """Whether a value was added, removed or changed (beyond float noise)."""
    if before is None or after is None:
        return (before is None) != (after is None)
    return abs(before - after) > 1e-9
