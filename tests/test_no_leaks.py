"""Department heads see their own department and nothing else: every page, every element.

For each department head and each page, everything AppTest can see is gathered (texts, metrics,
table cells, chart specs, the options of every picker) and searched for the names of other
departments' KPIs and goals. The command line and the cached loaders are held to the same rule.
"""

import json
from datetime import date

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi import cli
from kpi.domain import access
from kpi.domain.access import EVERYTHING
from kpi.domain.model import Role
from kpi.store import engine, queries

PAGES = ["pages/overview.py", "pages/goal_cascade.py", "pages/departments.py"]
MONTH = "2026-10"


@pytest.fixture(scope="module")
def catalogue(demo_duckdb_file):
    with engine.reading(engine.create(f"duckdb:///{demo_duckdb_file}")) as conn:
        heads = [p for p in queries.people(conn) if p.role is Role.DEPARTMENT_HEAD]
        kpis = queries.kpis(conn, EVERYTHING)
        goals = queries.goals(conn, EVERYTHING)
    return heads, kpis, goals


def everything_visible(at: AppTest) -> str:
    """All text of the rendered page, including what hides in tables, charts and pickers."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "info",
        "warning",
        "success",
        "error",
        "expander",
        "tab",
    ):
        parts += [str(getattr(e, "value", "") or getattr(e, "label", "")) for e in at.get(kind)]
    parts += [f"{m.label} {m.value} {m.delta or ''} {m.proto.help}" for m in at.metric]
    parts += [e.value.to_csv() for e in at.dataframe]
    parts += [e.proto.spec for e in at.get("plotly_chart")]
    for widget in (*at.selectbox, *at.multiselect):
        parts += [str(o) for o in widget.options]
    return "\n".join(parts)


def foreign_names(head, kpis, goals):
    own = [k.name for k in kpis if k.department == head.department] + [
        g.title for g in goals if g.department == head.department
    ]
    others = [k.name for k in kpis if k.department != head.department] + [
        g.title for g in goals if g.department != head.department
    ]
    return [name for name in others if not any(name in mine for mine in own)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.split("/")[1].removesuffix(".py"))
def test_a_department_head_sees_no_other_department_on_any_page(app, catalogue, page):
    heads, kpis, goals = catalogue
    for head in heads:
        st.cache_data.clear()
        at = app(month=MONTH, **{"as": head.email}).run()
        if page != "pages/overview.py":
            at.switch_page(page).run()
        assert not at.exception, (head.email, page)
        seen = everything_visible(at)
        leaked = [name for name in foreign_names(head, kpis, goals) if name in seen]
        assert leaked == [], (head.email, page, leaked)
        own_goals = [g.title for g in goals if g.department == head.department]
        assert any(title in seen for title in own_goals) or page == "pages/departments.py", (head.email, page)


def test_an_executive_sees_every_department(app, catalogue):
    _, kpis, goals = catalogue
    at = app(month=MONTH).run()
    at.switch_page("pages/goal_cascade.py").run()
    seen = everything_visible(at)
    assert all(g.title in seen for g in goals)


def test_a_bookmark_to_another_department_shows_ones_own(app):
    at = app(month=MONTH, department="IT", **{"as": "camilla.berg@havnhjem.example"}).run()
    at.switch_page("pages/departments.py")
    at.query_params["department"] = "IT"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Customer service — October 2026"
    seen = everything_visible(at)
    assert "Server downtime" not in seen and "Average wait time on the phone" in seen


def test_cached_loaders_keep_scopes_apart(demo_duckdb_url):
    from kpi.ui import data

    st.cache_data.clear()
    month = date(2026, 10, 1)
    cs = data.month_report(demo_duckdb_url, access.Scope(frozenset({"CS"})), month, "en")
    it = data.month_report(demo_duckdb_url, access.Scope(frozenset({"IT"})), month, "en")
    again = data.month_report(demo_duckdb_url, access.Scope(frozenset({"CS"})), month, "en")
    assert {r.kpi.department for r in cs.kpis.values()} == {"CS"}
    assert {r.kpi.department for r in it.kpis.values()} == {"IT"}
    assert again.kpis.keys() == cs.kpis.keys()
    assert data.month_report(demo_duckdb_url, access.NOTHING, month, "en").kpis == {}
    st.cache_data.clear()


def test_status_json_for_each_head_names_only_their_department(demo_duckdb_url, catalogue, capsys):
    heads, kpis, goals = catalogue
    for head in heads:
        assert (
            cli.main(
                [
                    "--db",
                    demo_duckdb_url,
                    "--as",
                    head.email,
                    "status",
                    "--month",
                    MONTH,
                    "--json",
                    "--department",
                    head.department,
                ]
            )
            == 0
        )
        out = capsys.readouterr().out
        data = json.loads(out)
        assert {k["department"] for k in data["kpis"]} == {head.department}
        assert [name for name in foreign_names(head, kpis, goals) if name in out] == []
        other = next(k.department for k in kpis if k.department != head.department)
        assert (
            cli.main(
                [
                    "--db",
                    demo_duckdb_url,
                    "--as",
                    head.email,
                    "status",
                    "--month",
                    MONTH,
                    "--department",
                    other,
                ]
            )
            == 1
        )
        capsys.readouterr()
