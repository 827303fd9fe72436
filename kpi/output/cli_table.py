"""The readable table that `python -m kpi status` prints without `--json`."""

from __future__ import annotations

from collections.abc import Mapping

from kpi.domain.report import MonthReport
from kpi.text import fmt
from kpi.text.i18n import t


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell[:w].ljust(w) for cell, w in zip(cells, widths, strict=True)).rstrip()


def print_report(report: MonthReport, forecasts: Mapping[str, float | None]) -> None:
    month = fmt.month_long(report.month)
    widths = [44, 12, 12, 12]
    print(t("cli.kpis_heading", month=month))
    print(_line([t("cli.col_kpi"), t("cli.col_value"), t("cli.col_target"), t("cli.col_status")], widths))
    for row in report.kpis.values():
        k = row.kpi
        value = fmt.value(row.value.value if row.value else None, k.unit)
        print(_line([k.name, value, fmt.value(k.target, k.unit), t(f"status.kpi.{row.status}")], widths))
    print()
    widths = [50, 12, 12, 12, 12, 12]
    print(t("cli.goals_heading", month=month))
    header = [
        t("cli.col_goal"),
        t("cli.col_value"),
        t("cli.col_target"),
        t("cli.col_status"),
        t("cli.col_rollup"),
        t("cli.col_forecast"),
    ]
    print(_line(header, widths))
    for node_depth, row in _ordered(report):
        unit = row.kpi.unit if row.kpi else "count"
        flag = {"green_parts_red_whole": t("cli.flag_gprw"), "red_parts_green_whole": t("cli.flag_rpgw")}
        cells = [
            "  " * node_depth + row.goal.title,
            fmt.value(row.value.value if row.value else None, unit),
            fmt.value(row.goal.target, unit),
            t(f"status.goal.{row.status}"),
            t(f"status.goal.{row.rollup}") if row.node.children else "",
            fmt.value(forecasts.get(row.goal.code), unit),
        ]
        print(_line(cells, widths) + ("  " + flag[row.mismatch] if row.mismatch else ""))


def _ordered(report: MonthReport) -> list:
    from kpi.domain.cascade import flatten

    return [(depth, report.goals[node.goal.code]) for depth, node in flatten(report.roots)]
