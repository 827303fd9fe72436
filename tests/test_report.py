"""The month's report reads only the months it needs, and says the same as from all of history."""

from datetime import date

import pytest

from kpi import months, report, status
from kpi.access import EVERYTHING
from kpi.model import Aggregation, Direction, Goal, Kpi, Level, MonthValue
from kpi.store import engine, queries, reports
from tests.conftest import DEMO_END

OCTOBER = date(2026, 10, 1)


def test_the_months_a_report_reads():
    assert report.months_needed(OCTOBER) == [
        date(2025, 10, 1),  # the same month last year
        *(date(2026, m, 1) for m in range(5, 11)),  # the forecast's six months, last month among them
    ]
    assert status.forecast_window(date(2026, 2, 1))[0] == date(2025, 9, 1)


def _facts(built: report.MonthReport) -> dict:
    kpis = {
        code: (row.value, row.previous, row.year_ago, row.status, row.previous_status)
        for code, row in built.kpis.items()
    }
    goals = {
        code: (row.value, row.status, row.previous_status, row.forecast, row.rollup, row.mismatch)
        for code, row in built.goals.items()
    }
    return {"kpis": kpis, "goals": goals, "flips": built.flips()}


@pytest.mark.parametrize("month", [DEMO_END, months.add(DEMO_END, -7)])
def test_the_store_report_equals_one_built_from_all_history(demo_url, month):
    with engine.reading(engine.create(demo_url)) as conn:
        quick = reports.month_report(conn, EVERYTHING, month, "en")
        everything = queries.month_values(conn, EVERYTHING, date(2000, 1, 1), month)
        kpis, goals = queries.kpis(conn, EVERYTHING, "en"), queries.goals(conn, EVERYTHING, "en")
    assert len(quick.kpis) == 40 and any(row.forecast is not None for row in quick.goals.values())
    assert _facts(quick) == _facts(report.build(month, kpis, goals, everything))


def test_a_forecast_uses_the_six_months_up_to_the_report_month_even_with_gaps():
    kpi = Kpi("WAIT", "Wait", "CS", "minutes", Direction.LOWER, Aggregation.MEAN, target=2.0)
    goal = Goal(
        "G1", Level.OPERATIONAL, "Shorter waits", "WAIT", "CS", baseline=6.0, target=2.0,
        start=date(2026, 1, 1), deadline=date(2027, 6, 30),
    )  # fmt: skip
    old = [MonthValue("WAIT", date(2026, m, 1), 9.0) for m in (1, 2, 3)]  # long before the window
    recent = [MonthValue("WAIT", date(2026, m, 1), 12.0 - m) for m in (8, 9, 10)]  # one less a month
    built = report.build(OCTOBER, [kpi], [goal], old + recent)
    assert built.goals["G1"].forecast == pytest.approx(12.0 - 18)  # on the line through Aug-Oct only
    sparse = report.build(OCTOBER, [kpi], [goal], old + recent[1:])
    assert sparse.goals["G1"].forecast is None  # two recent months are too few for a line
