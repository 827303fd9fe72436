"""`python -m kpi status` without `--json`: a table a person reads in a terminal."""

from dataclasses import replace

import pytest

from kpi.output import cli_table
from kpi.text import fmt, i18n
from tests import handmade

KPI_WIDTHS = [44, 12, 12, 12]
GOAL_WIDTHS = [50, 12, 12, 12, 12, 12]


def cells(line: str, widths: list[int]) -> list[str]:
    """A printed row cut back into its cells (two spaces between columns)."""
    out, at = [], 0
    for width in widths:
        out.append(line[at : at + width].rstrip())
        at += width + 2
    return out


def printed(capsys, month_report=None, forecasts=None) -> list[str]:
    cli_table.print_report(month_report or handmade.month_report(), forecasts or {})
    return capsys.readouterr().out.splitlines()


def test_two_tables_each_with_a_heading_and_a_header(capsys):
    lines = printed(capsys)
    blank = lines.index("")
    assert lines[0] == "KPIs — October 2026" and lines[blank + 1] == "Goals — October 2026"
    assert cells(lines[1], KPI_WIDTHS) == ["KPI", "Value", "Target", "Status"]
    assert cells(lines[blank + 2], GOAL_WIDTHS) == [
        "Goal",
        "Value",
        "Target",
        "Status",
        "Sub-goals",
        "Forecast",
    ]
    assert len(lines[2:blank]) == len(handmade.KPIS) and len(lines[blank + 3 :]) == len(handmade.GOALS)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (0, ["Recommend score", fmt.value(22, "nps"), fmt.value(40, "nps"), "Off target"]),
        (1, ["Wait on the phone", fmt.value(55, "s"), fmt.value(60, "s"), "On target"]),
        (2, ["Answer to e-mail", fmt.value(26, "h"), fmt.value(24, "h"), "Close"]),
        (3, ["Minutes the shop is down", fmt.value(None, "min"), fmt.value(30, "min"), "No data"]),
    ],
)
def test_a_kpi_row_shows_value_target_and_status_in_words(capsys, row, expected):
    assert cells(printed(capsys)[2 + row], KPI_WIDTHS) == expected


@pytest.mark.parametrize(
    ("code", "indent", "numbers", "words", "flag"),
    [
        ("S1", "", (22, 40, 31.2), ["Off track", "On track"], "green parts, red whole"),
        ("T1", "  ", (26, 24, None), ["On track", "Achieved"], None),
        ("O1", "    ", (55, 60, None), ["Achieved", ""], None),  # a leaf has no roll-up
        ("O3", "  ", (1360, 1200, None), ["Missed", ""], None),
    ],
)
def test_a_goal_row_is_indented_by_its_depth_and_flags_a_mismatch(capsys, code, indent, numbers, words, flag):
    goal = next(g for g in handmade.GOALS if g.code == code)
    unit = next(k.unit for k in handmade.KPIS if k.code == goal.kpi)
    value, target, forecast = (fmt.value(n, unit) for n in numbers)
    line = next(ln for ln in printed(capsys, forecasts={"S1": 31.2}) if ln.strip().startswith(goal.title))
    assert cells(line.split("  ←")[0], GOAL_WIDTHS) == [indent + goal.title, value, target, *words, forecast]
    assert line.endswith(f"← {flag}") if flag else "←" not in line


def test_a_name_longer_than_its_column_is_cut_so_the_columns_stay_in_line(capsys):
    long = replace(
        handmade.KPIS[1], name="Average time a customer waits on the phone before an agent answers"
    )
    month_report = handmade.month_report()
    month_report.kpis["WAIT"] = replace(month_report.kpis["WAIT"], kpi=long)
    line = printed(capsys, month_report)[3]
    assert cells(line, KPI_WIDTHS) == [long.name[:44], "55 s", "60 s", "On target"]


def test_the_table_speaks_the_reader_s_language(capsys):
    with i18n.use("da"):
        lines = printed(capsys)
        assert lines[0] == "KPI'er — oktober 2026"
        assert cells(lines[1], KPI_WIDTHS) == ["KPI", "Værdi", "Målværdi", "Status"]
        assert cells(lines[4], KPI_WIDTHS) == ["Answer to e-mail", "26,0 t.", "24,0 t.", "Tæt på"]
        assert lines[-1].startswith("  Checkout fast by summer") and "Ikke nået" in lines[-1]
