"""The demo's raw events: deterministic, small, and telling the demo's story. The values the
demo's recipe sources compute from them are the values kpi.demo.generate drew (to within whole
calls, sessions and minutes), so every status of the last year is the same either way."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from kpi.demo import events
from kpi.demo.generate import generate
from kpi.domain import months, outlook, report, sources
from kpi.domain.model import Aggregation, KpiStatus, Measurement, MonthValue
from kpi.domain.sources import Source, SourceKind
from kpi.sources import calls, confine, recipe_source, recipes
from tests.conftest import DEMO_END
from tests.test_demo import _values, context

pytestmark = pytest.mark.xdist_group("demo-events")
"""Under `pytest -n` one process runs this module, so the demo's events are written and every
month of them pulled once (`folder`, `pulled`), not once in each process."""

UNITS = {
    "CS_WAIT": "s",
    "CS_INVOICE_WAIT": "s",
    "CS_SL": "%",
    "CS_ABANDON": "%",
    "ECOM_ABANDON": "%",
    "IT_DOWNTIME": "min",
}
CLOSE = {  # how near the drawn value each measure lands, and why
    "CS_WAIT": 1e-3,  # waits are µs: the mean is exact
    "CS_INVOICE_WAIT": 1e-3,
    "CS_SL": 0.03,  # whole calls of 2,400: half a call is 0.02 points
    "CS_ABANDON": 0.03,
    "ECOM_ABANDON": 0.04,  # whole sessions of 1,500: half a session is 0.033 points
    "IT_DOWNTIME": 0.5,  # whole minutes
}


@pytest.fixture(scope="module")
def company():
    return generate(DEMO_END)


@pytest.fixture(scope="module")
def folder(company, tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("events")
    events.write(company, where)
    return where


@pytest.fixture(scope="module")
def pulled(folder) -> dict[str, dict]:
    """Every month's value of each demo recipe source, as `pull` computes and checks it (reading
    the events' folder: a module's fixture starts before each test's folders are set)."""
    found = {}
    token = confine.FOLDERS.set((str(folder),))
    try:
        for row in events.sources(folder):
            source = Source(str(row["kpi"]), SourceKind.RECIPE, str(row["query"]), url=str(row["url"]))
            values, problems = sources.pulled(recipe_source.run_every_month(source, None), UNITS[source.kpi])
            assert problems == []
            found[source.kpi] = {v.month: v for v in values}
    finally:
        confine.FOLDERS.reset(token)
    return found


def test_the_same_seed_writes_the_same_files_and_another_seed_others(company, folder, tmp_path):
    events.write(company, tmp_path / "again")
    for name in events.FILES.values():
        assert (tmp_path / "again" / name).read_bytes() == (folder / name).read_bytes(), name
    events.write(company, tmp_path / "other", seed=7)
    assert (tmp_path / "other" / "calls.parquet").read_bytes() != (folder / "calls.parquet").read_bytes()


def test_the_events_are_small(folder):
    assert sum(path.stat().st_size for path in folder.iterdir()) < 5_000_000


def test_the_pulled_values_are_the_drawn_ones(company, pulled):
    drawn = {(m.kpi, m.month): m.value for m in company.measurements}
    history = sorted({m.month for m in company.measurements})
    for kpi, close in CLOSE.items():
        assert sorted(pulled[kpi]) == history, kpi
        worst = max(abs(pulled[kpi][month].value - drawn[(kpi, month)]) for month in history)
        assert worst <= close, (kpi, worst)
    assert all(
        v.numerator is not None and v.denominator for by_month in pulled.values() for v in by_month.values()
    )


def test_the_year_to_date_of_the_pulled_values_is_their_ratio_of_sums(company, pulled):
    """January to October 2026 of each pulled KPI as the goal detail shows it: the shares and
    mean waits are all the months' numerators over all their denominators (calls answered in
    time ÷ calls counted × 100; seconds waited ÷ calls answered), the downtime the minutes added
    up. The months answer different numbers of calls, so the mean wait so far is not the
    average of the monthly means."""
    kpis = {k.code: k for k in company.kpis}
    so_far = {
        code: [
            MonthValue(code, v.month, v.value, numerator=v.numerator, denominator=v.denominator)
            for v in by_month.values()
            if v.month.year == DEMO_END.year
        ]
        for code, by_month in pulled.items()
    }
    for code, values in so_far.items():
        assert len(values) == DEMO_END.month, code
        top, bottom = sum(v.numerator for v in values), sum(v.denominator for v in values)
        by_hand = {"%": 100 * top / bottom, "s": top / bottom, "min": sum(v.value for v in values)}
        assert kpis[code].aggregation is (Aggregation.SUM if code == "IT_DOWNTIME" else Aggregation.MEAN)
        ytd = outlook.year_to_date(values, DEMO_END, kpis[code])
        assert ytd == pytest.approx(by_hand[UNITS[code]], rel=1e-12), code
    waits = so_far["CS_WAIT"]
    average = sum(v.value for v in waits) / len(waits)
    assert abs(outlook.year_to_date(waits, DEMO_END, kpis["CS_WAIT"]) - average) > 0.1


def test_every_status_of_the_last_year_is_the_same_with_the_pulled_values(company, pulled):
    from_events = [
        Measurement(m.kpi, m.month, pulled[m.kpi][m.month].value, "", "pull") if m.kpi in pulled else m
        for m in company.measurements
    ]
    drawn_values, pulled_values = _values(company), _values(replace(company, measurements=from_events))
    for offset in range(-12, 1):
        month = months.add(DEMO_END, offset)
        drawn = report.build(month, company.kpis, company.goals, drawn_values, context(company))
        again = report.build(month, company.kpis, company.goals, pulled_values, context(company))
        for kpi in CLOSE:
            assert again.kpis[kpi].status is drawn.kpis[kpi].status, (kpi, month)
        assert {c: g.status for c, g in again.goals.items()} == {c: g.status for c, g in drawn.goals.items()}
    incident = report.build(
        months.add(DEMO_END, -2), company.kpis, company.goals, pulled_values, context(company)
    )
    assert incident.kpis["IT_DOWNTIME"].status is KpiStatus.RED


def test_availability_from_the_same_probes_is_near_the_drawn_one(company, folder):
    """Not a source in the demo (see kpi.demo.events), but the recipe works on its probes."""
    planned = str(folder / events.FILES["maintenance"])
    drawn = {m.month: m.value for m in company.measurements if m.kpi == "IT_UPTIME"}
    found = recipes.availability(str(folder / events.FILES["probes"]), planned)
    assert {m.month for m in found} == set(drawn)
    assert max(abs(m.value - drawn[m.month]) for m in found) < 0.06


def test_the_invoice_queue_is_in_the_call_records_for_the_service_priority(folder):
    path = str(folder / events.FILES["calls"])
    queues = dict(duckdb.sql(f"SELECT queue, count(*) FROM read_parquet('{path}') GROUP BY 1").fetchall())
    assert set(queues) == {"invoice", *events.QUEUES}
    assert queues["invoice"] > 0.2 * sum(queues.values())


def test_october_2026_breaks_the_invoice_promise_by_its_calls_though_their_mean_keeps_it(folder):
    """The demo measures "invoice callers wait at most 90 seconds" over its call records, 80 % of
    them within 90 s (issue 18's point): in October 2026 the answered invoice calls' mean wait is
    under 90 s, yet fewer than 80 % of the counted calls (answered, or abandoned after 5 s) were
    answered within it. Worked out here in plain SQL over the file, then by the recipe."""
    measure = events.priority_measures(folder)[events.PRIORITY_MEASURED]
    assert (measure.queue, measure.within_s, measure.share) == ("invoice", 90.0, 80.0)
    wait = "epoch(answered_at) - epoch(offered_at)"
    mean, within, counted = duckdb.sql(
        f"""SELECT avg({wait}), count(*) FILTER (WHERE {wait} <= 90),
                   count(*) FILTER (WHERE answered_at IS NOT NULL OR epoch(abandoned_at) - epoch(offered_at) > 5)
            FROM read_parquet('{measure.files}')
            WHERE queue = 'invoice' AND offered_at >= '2026-10-01' AND offered_at < '2026-11-01'"""
    ).fetchone()
    assert mean <= 90 and 100 * within / counted < 80, (mean, within, counted)
    [found] = calls.compliance(measure.files, within_s=90, queue="invoice", month=date(2026, 10, 1))
    assert (found.share.numerator, found.share.denominator) == (within, counted)


def test_the_events_folder_is_beside_a_duckdb_store_and_named_for_a_server(tmp_path, monkeypatch):
    store = tmp_path / "kpi.duckdb"
    assert events.folder(f"duckdb:///{store}") == tmp_path / "kpi.duckdb.events"
    monkeypatch.chdir(tmp_path)
    assert events.folder("postgresql+psycopg://me@db/cockpit") == tmp_path / "data" / "events" / "cockpit"
