"""The readable table that `python -m kpi status` prints without `--json`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from kpi.domain.attention import Item
from kpi.domain.month_rows import GoalRow
from kpi.domain.outlook import Forecast
from kpi.domain.report import MonthReport
from kpi.text import fmt, phrases, words
from kpi.text.i18n import t

NAME_WIDTH = 50
"""The most characters a KPI name or goal title takes; a longer one ends in "…"."""


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Aligned lines: the first column (names) at most NAME_WIDTH wide, the others as wide as
    their widest cell, so a status or a value is never cut in any language."""
    lines = [[words.cut(cells[0], NAME_WIDTH), *cells[1:]] for cells in (header, *rows)]
    widths = [max(len(cells[i]) for cells in lines) for i in range(len(header))]
    return ["  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() for cells in lines]


def print_report(
    report: MonthReport,
    forecasts: Mapping[str, Forecast],
    attention: Sequence[Item] = (),
    owners: Mapping[str, str] | None = None,
) -> None:
    """The month's report as tables: what needs attention (its owners by name, `owners`: e-mail
    → name, as the app names them), the KPIs, the goals."""
    month = fmt.month_long(report.month)
    if attention:
        print(t("cli.attention_heading", month=month))
        header = [t("cli.col_attention"), "", t("cli.col_value"), t("cli.col_target"), ""]
        rows = []
        for lead in attention:  # told by measure: the items on its number indented under it
            for item in lead.every():  # each row says its own comment (`attention.explained`)
                kind, value, target, note = phrases.attention_facts(replace(item, also=()), owners or {})
                rows.append(
                    [item.subject if item is lead else f"  {item.subject}", kind, value, target, note]
                )
        print("\n".join(table(header, rows)))
        print()
    print(t("cli.kpis_heading", month=month))
    header = [
        t("cli.col_kpi"),
        t("cli.col_value"),
        t("cli.col_target"),
        t("cli.col_target_kind"),
        t("cli.col_status"),
    ]
    rows = []
    for row in report.kpis.values():
        k = row.kpi
        target_value = row.target.value if row.target else None
        value = fmt.beside(row.value.value if row.value else None, target_value, k.unit, k.direction)
        target = fmt.value(target_value, k.unit)
        rows.append(
            [
                k.name,
                value,
                target,
                phrases.target_kind(row.target, report.month),
                t(f"status.kpi.{row.status}"),
            ]
        )
    # a department with none said only the headers of two empty tables (a trial)
    print("\n".join(table(header, rows)) if rows else t("cli.no_kpis"))
    print()
    print(t("cli.goals_heading", month=month))
    header = [
        t("cli.col_goal"),
        t("cli.col_value"),
        t("cli.col_target"),
        t("cli.col_status"),
        t("cli.col_rollup"),
        t("cli.col_forecast"),
        "",
    ]
    rows = [_goal_cells(depth, row, forecasts) for depth, row in _ordered(report)]
    print("\n".join(table(header, rows)) if rows else t("cli.no_goals"))


def _goal_cells(depth: int, row: GoalRow, forecasts: Mapping[str, Forecast]) -> list[str]:
    unit = row.kpi.unit if row.kpi else "count"
    flag = {"green_parts_red_whole": t("cli.flag_gprw"), "red_parts_green_whole": t("cli.flag_rpgw")}
    return [
        "  " * depth + row.goal.title,
        *phrases.goal_figures(row),
        t(f"status.goal.{row.status}"),
        t(f"status.goal.{row.rollup}") if row.node.rolls_up else "",
        _forecast(forecasts.get(row.goal.code), unit),
        flag[row.mismatch] if row.mismatch else "",
    ]


def _forecast(ahead: Forecast | None, unit: str) -> str:
    """`+40`, or a survey goal's `+40 ± 17.1 pts`, as its tile writes it (`phrases.forecast`)."""
    if ahead is None or ahead.value is None:
        return fmt.value(None, unit)
    return phrases.forecast_value(ahead.value, unit, ahead.margin)


def _ordered(report: MonthReport) -> list[tuple[int, GoalRow]]:
    from kpi.domain.cascade import flatten

    return [(depth, report.goals[node.goal.code]) for depth, node in flatten(report.roots)]
