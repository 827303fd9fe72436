"""The benchmark's references compute what the product does, or a ratio would compare different
work: the pandas status (benchmarks/pandas_status.py) and the hand-written service level."""

import duckdb
import pytest
import sqlalchemy as sa

from benchmarks import items, pandas_status
from kpi.domain import months
from kpi.domain.access import EVERYTHING
from kpi.sources import recipes
from kpi.store import engine, monthly
from tests.conftest import DEMO_END

pytestmark = pytest.mark.usefixtures("not_kept")
"""The pandas reference reads the file with DuckDB's own `connect`, as the benchmark does in a
process that keeps no file open between units: DuckDB refuses it beside a kept connection."""


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


def test_the_service_level_reference_computes_what_the_recipe_does(tmp_path):
    """The bench's hand-written query and the service-level recipe agree on the value, so its
    ratio compares the same work (benchmarks/items.py, `service_level_vs_sql`)."""
    path = tmp_path / "calls.parquet"
    items.call_records(path, 5_000)
    (ours,) = recipes.service_level(path, month=items.MONTH)
    params = {"file": str(path), "first": items.MONTH, "after": months.add(items.MONTH, 1)}
    with duckdb.connect(":memory:") as con:
        (reference,) = con.execute(items.SERVICE_LEVEL_SQL, params).fetchone()
    assert 0 < ours.ratio.numerator < ours.ratio.denominator <= 5_000
    assert ours.value == pytest.approx(reference)
