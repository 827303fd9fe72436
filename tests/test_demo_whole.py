"""`init --demo` is one unit (issue 18, review finding #14): the company, its sources and the pull
of its history land in one transaction, so a pull that fails or a source that is refused leaves
the store as it was, with no company in it; and the demo's sources pass the same check as every
other source (kpi.store.sourcing.define), so a broken one is refused before anything is written.
"""

from __future__ import annotations

import pytest

from kpi import cli
from kpi.demo import events
from kpi.demo.generate import generate
from kpi.domain.errors import Problem, Refused
from kpi.sources import recipes
from kpi.sources.failing import SourceFailed
from kpi.store import demo_store, engine, setup
from tests.conftest import DEMO_END, said, table_counts
from tests.sharing import fingerprint

COMPANY_TABLES = ("department", "person", "kpi", "goal", "service_priority", "measurement", "response")


@pytest.fixture(scope="module")
def company():
    """The demo company over three months with a hundredth of its answers: what is proven is that
    the load is one transaction (every table of the company written, then rolled back when a pull
    fails), which the whole demo's 300,000 answers and 36 months only made seconds dearer."""
    return generate(DEMO_END, history=3, answers_factor=0.01)


def _empty(url: str) -> dict[str, int]:
    """The store's rows per table, after checking no table of the company holds one."""
    with engine.reading(engine.create(url)) as conn:
        counts = table_counts(conn)
    assert {name: counts[name] for name in COMPANY_TABLES} == dict.fromkeys(COMPANY_TABLES, 0)
    return counts


def test_a_demo_whose_pull_fails_leaves_an_empty_store(empty_url, company, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a PostgreSQL store's events go under ./data/events/
    store = engine.create(empty_url)
    setup.ensure(store)
    before = fingerprint(empty_url)

    def refusing(files, **choices):
        raise Refused(Problem("recipe.no_files", file="calls.parquet"))

    monkeypatch.setitem(recipes.RECIPES, "abandonment", refusing)  # CS_ABANDON's recipe
    with pytest.raises(SourceFailed) as caught:
        demo_store.load(store, empty_url, company)
    assert "CS_ABANDON (pull:recipe:abandonment), calls.parquet" in said(caught.value)
    assert fingerprint(empty_url) == before
    _empty(empty_url)


def test_a_broken_demo_source_is_refused_by_the_one_check_and_nothing_is_written(
    tmp_path, monkeypatch, capsys
):
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    sources = events.sources

    def broken(where):
        found = sources(where)
        for row in found:
            if row["kpi"] == "CS_SL":
                row["query"] = "service_level(within_s=-30)"  # no wait is negative
        return found

    monkeypatch.setattr(events, "sources", broken)
    assert cli.main(["--db", url, "init", "--demo", "--demo-end", "2026-10"]) == 1
    err = capsys.readouterr().err
    assert "init --demo, row 3" in err and "Traceback" not in err, err
    assert _empty(url)["kpi_source"] == 0
