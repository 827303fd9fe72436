"""`python -m kpi status` without `--json`: a table a person reads in a terminal.

The tests read the printed text the way a person does: columns are where every line has a gap
of at least two spaces, so they hold however wide the columns are made.
"""

from dataclasses import replace

import pytest

from kpi.domain.outlook import Forecast
from kpi.output import cli_table
from kpi.text import fmt, i18n
from tests import handmade


def columns(lines: list[str]) -> list[list[str]]:
    """An aligned block of lines cut into cells: a column starts after a gap (two or more
    spaces) that runs through every line."""
    width = max(len(line) for line in lines)
    padded = [line.ljust(width) for line in lines]
    gap = [all(line[i] == " " for line in padded) for i in range(width)]
    starts = [0] + [i for i in range(2, width) if gap[i - 1] and gap[i - 2] and not gap[i]]
    bounds = list(zip(starts, [*starts[1:], width], strict=True))
    return [[line[a:b].strip() for a, b in bounds] for line in padded]


def printed(capsys, month_report=None, forecasts=None) -> tuple[list[str], list[str], list[str]]:
    """(the KPI table's lines, the goal table's lines, the two headings)."""
    cli_table.print_report(month_report or handmade.month_report(), forecasts or {})
    lines = capsys.readouterr().out.splitlines()
    blank = lines.index("")
    return lines[1:blank], lines[blank + 2 :], [lines[0], lines[blank + 1]]


def test_two_tables_each_with_a_heading_and_a_header(capsys):
    kpis, goals, headings = printed(capsys)
    assert headings == ["KPIs — October 2026", "Goals — October 2026"]
    assert columns(kpis)[0] == ["KPI", "Value", "Target", "Target is", "Status"]
    assert columns(goals)[0][:6] == ["Goal", "Value", "Target", "Status", "Sub-goals", "Forecast"]
    assert len(kpis) == 1 + len(handmade.KPIS) and len(goals) == 1 + len(handmade.GOALS)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # no whole year behind them: each month's target is the year's (a summed KPI's, a month's)
        (1, ["Recommend score", fmt.value(22, "nps"), fmt.value(40, "nps"), "2026 target", "Off target"]),
        (2, ["Wait on the phone", fmt.value(55, "s"), fmt.value(60, "s"), "2026 target", "On target"]),
        (3, ["Answer to e-mail", fmt.value(26, "h"), fmt.value(24, "h"), "2026 target", "Close"]),
        (
            4,
            [
                "Minutes the shop is down",
                fmt.value(None, "min"),
                fmt.value(30, "min"),
                "2026 target",
                "No data",
            ],
        ),
    ],
)
def test_a_kpi_row_shows_value_target_and_status_in_words(capsys, row, expected):
    kpis, _, _ = printed(capsys)
    assert columns(kpis)[row] == expected


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
    _, goals, _ = printed(capsys, forecasts={"S1": Forecast(31.2)})
    row = next(n for n, line in enumerate(goals) if line.strip().startswith(goal.title))
    assert goals[row].startswith(indent + goal.title)
    cells = columns(goals)[row]
    assert cells[:6] == [goal.title, value, target, *words, forecast]
    assert (flag in " ".join(cells[6:]) and "←" in goals[row]) if flag else "←" not in goals[row]


def test_a_name_longer_than_its_column_is_cut_so_the_columns_stay_in_line(capsys):
    long = replace(
        handmade.KPIS[1], name="Average time a customer waits on the phone before an agent answers"
    )
    month_report = handmade.month_report()
    month_report.kpis["WAIT"] = replace(month_report.kpis["WAIT"], kpi=long)
    kpis, _, _ = printed(capsys, month_report)
    name, *rest = columns(kpis)[2]
    assert len(name) < len(long.name) and long.name.startswith(name.rstrip("…").rstrip())
    assert rest == [fmt.value(55, "s"), fmt.value(60, "s"), "2026 target", "On target"]


def test_the_table_speaks_the_reader_s_language(capsys):
    with i18n.use("da"):
        kpis, goals, headings = printed(capsys)
        assert headings == ["KPI'er — oktober 2026", "Mål — oktober 2026"]
        assert columns(kpis)[0] == ["KPI", "Værdi", "Målværdi", "Målværdien er", "Status"]
        row = ["Answer to e-mail", fmt.value(26, "h"), fmt.value(24, "h"), "målværdi for 2026", "Tæt på"]
        assert columns(kpis)[3] == row
        assert fmt.value(26, "h").startswith("26,0")
        assert columns(goals)[-1][:4] == [
            "Checkout fast by summer",
            fmt.value(1360, "ms"),
            fmt.value(1200, "ms"),
            "Ikke nået",
        ]


def test_a_survey_goal_s_forecast_carries_its_margin_as_its_tile_does(capsys):
    """The tile said "+40 ± 17.1 pts, … too uncertain to call" where the command line printed a
    bare "+40" (a review): a survey goal's forecast is printed with its margin."""
    _, goals, _ = printed(capsys, forecasts={"S1": Forecast(31.2, 17.08)})
    row = next(line for line in goals if line.strip().startswith(handmade.GOALS[0].title))
    unit = next(k.unit for k in handmade.KPIS if k.code == handmade.GOALS[0].kpi)
    assert f"{fmt.value(31.2, unit)}\u00a0±\u00a0{fmt.margin(17.08, unit)}" in row
