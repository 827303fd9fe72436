"""Closed by default: without a configured sign-in the app serves no data; demo mode only when
asked for by name (as `make run` asks for it, for the demo store), and never silently elsewhere."""

from __future__ import annotations

import shlex

import pytest
from streamlit.testing.v1 import AppTest

from kpi.store import company, engine, setup
from kpi.store import schema as s
from kpi.text.i18n import t
from tests import visible
from tests.conftest import ROOT, point_app_at
from tests.test_no_leaks import PAGES
from tests.test_pages import texts

MONTH = "2026-10"


def _target(name: str) -> tuple[list[str], list[str]]:
    """A Makefile target's prerequisites and recipe lines."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{name}:"))
    prerequisites = lines[start].split(":", 1)[1].replace("|", " ").split()
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return prerequisites, recipe


def make_run_environment() -> dict[str, str]:
    """The settings `make run` gives the app: the NAME=value words before its launcher."""
    _, recipe = _target("run")
    words = shlex.split(next(line for line in recipe if "-m kpi.ui.launch" in line))
    return dict(word.split("=", 1) for word in words[: words.index(next(w for w in words if "=" not in w))])


def _app(url: str, monkeypatch, **environ: str) -> AppTest:
    point_app_at(monkeypatch, url, **environ)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["month"] = MONTH
    return at


def _secrets(url: str) -> visible.Secrets:
    with engine.reading(engine.create(url)) as conn:
        return visible.Secrets.of(conn, frozenset())  # nothing is anybody's without a sign-in


@pytest.mark.reads_only
@pytest.mark.parametrize("mode", ["", "auto"])
def test_without_sign_in_no_page_serves_data(app_url, monkeypatch, mode):
    at = _app(app_url, monkeypatch, KPI_AUTH_MODE=mode).run()
    assert not at.exception, at.exception
    assert [i.value for i in at.info] == [t("frame.no_sign_in")] and not at.metric
    assert "KPI_AUTH_MODE=oidc" in texts(at) and "KPI_AUTH_MODE=header" in texts(at)
    seen = {"app": visible.in_app(at)}
    for page in PAGES:  # each page as a bookmark
        alone = AppTest.from_file(str(ROOT / page), default_timeout=60)
        alone.query_params["month"] = MONTH
        alone.run()
        assert not alone.exception and [i.value for i in alone.info] == [t("frame.no_sign_in")], page
        seen[page] = visible.in_app(alone)
    secrets = _secrets(app_url)
    assert {where: found for where, s in seen.items() if (found := secrets.found_in(s))} == {}
    assert secrets.words and secrets.numbers  # a test with teeth


@pytest.mark.reads_only
def test_make_run_serves_the_demo_store_in_demo_mode(app_url, monkeypatch):
    prerequisites, _ = _target("run")
    assert "data/kpi.duckdb" in prerequisites
    assert _target("data/kpi.duckdb")[1] == ["$(BIN)/python -m kpi init --demo"]
    environment = make_run_environment()
    assert environment == {"KPI_AUTH_MODE": "demo"}
    monkeypatch.delenv("KPI_AUTH_MODE", raising=False)
    at = _app(app_url, monkeypatch, **environment).run()  # the demo store, as `init --demo` made it
    assert not at.exception, at.exception
    assert at.metric and "More customers recommend us" in texts(at)
    assert t("frame.demo_banner") in [w.value for w in at.warning]
    assert not at.error  # the demo store is demo mode's home: no warning that it is not


def test_demo_mode_on_another_store_says_so_on_every_page(app_url, monkeypatch):
    with engine.writing(engine.create(app_url)) as conn:  # the demo company, but not the demo store
        conn.execute(s.meta.delete().where(s.meta.c.key == "demo"))
    at = _app(app_url, monkeypatch, KPI_AUTH_MODE="demo").run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [t("frame.demo_not_demo_store")]
    for page in ("pages/goal_cascade.py", "pages/departments.py"):
        at.switch_page(page).run()
        assert [e.value for e in at.error] == [t("frame.demo_not_demo_store")], page


def test_an_older_store_keeps_its_company_name_and_knows_if_it_is_the_demo(demo_duckdb_url):
    """Schema v8 moves the company's name from `meta` to `setting`; a store `init --demo` made
    (it alone records `demo_end`) is marked the demo store, any other is not."""
    store = engine.create(demo_duckdb_url)
    with engine.writing(store) as conn:  # back to what schema v7 wrote
        conn.execute(s.meta.delete().where(s.meta.c.key.in_(["demo", "company"])))
        conn.execute(s.setting.delete().where(s.setting.c.name == company.NAME))
        conn.execute(s.meta.insert().values(key="company", value="Havn & Hjem A/S"))
        conn.execute(s.meta.insert().values(key="demo_end", value=MONTH))
        conn.execute(s.meta.update().where(s.meta.c.key == "schema_version").values(value="7"))
    assert setup.ensure(store) == s.SCHEMA_VERSION  # 8 and every later step
    with engine.reading(store) as conn:
        assert company.read(conn).name == "Havn & Hjem A/S" and company.is_demo(conn)
        assert setup.get_meta(conn, "company") is None  # one home
        conn.rollback()
    with engine.writing(store) as conn:
        conn.execute(s.meta.delete().where(s.meta.c.key.in_(["demo", "demo_end"])))
        conn.execute(s.meta.update().where(s.meta.c.key == "schema_version").values(value="7"))
    setup.ensure(store)
    with engine.reading(store) as conn:
        assert not company.is_demo(conn)
