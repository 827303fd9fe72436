"""The benchmark's pandas reference computes the same statuses as the product, or its ratio
would compare different work (benchmarks/pandas_status.py)."""

import pytest
import sqlalchemy as sa

from benchmarks import pandas_status
from kpi.domain import months
from kpi.domain.access import EVERYTHING
from kpi.store import engine, monthly
from tests.conftest import DEMO_END


def _status(url: str, month):
    with engine.reading(engine.create(url)) as conn:
        ours = monthly.month_report(conn, EVERYTHING, month, "en")
    return ours, pandas_status.month_status(sa.make_url(url).database, month)


@pytest.mark.parametrize("back", [0, 1, 7, 20, 40])
def test_the_pandas_reference_agrees_with_the_report(demo_duckdb_url, back):
    ours, (kpis, goals) = _status(demo_duckdb_url, months.add(DEMO_END, -back))
    assert pandas_status.disagreements(ours, kpis, goals) == []
    assert len(kpis) == len(ours.kpis) and len(goals) == len(ours.goals)  # both judged everything


def test_a_disagreement_is_named(demo_duckdb_url):
    ours, (kpis, goals) = _status(demo_duckdb_url, DEMO_END)
    code = next(code for code, row in ours.goals.items() if row.node.children)
    goals.loc[code, "rollup"] = "missed"
    kpis.loc["NPS", "status"] = "red" if kpis.loc["NPS", "status"] != "red" else "green"
    found = pandas_status.disagreements(ours, kpis, goals)
    assert len(found) == 2 and found[0].startswith("KPI NPS:") and found[1].startswith(f"goal {code}:")
