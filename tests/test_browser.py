"""The app as a user meets it: `streamlit run`, a real Chromium, real clicks.

Screenshots of what the browser showed go to `screenshots/browser/` (pytest names the folder
in its summary), so a person can look at them.
"""

import socket
import subprocess
import sys
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import ROOT
from tools.screenshot import CHROMIUM, CHROMIUM_ARGS, fit_to_content, settle
from tools.serve import app as serve_app

SHOTS = ROOT / "screenshots" / "browser"
STORES: dict[str, Path] = {}
"""Each running server's store file, for tests that change it from outside."""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(demo_duckdb_file, folder, **settings):
    """`streamlit run app.py` on a copy of the demo store, until the block ends."""
    store = folder / "store.duckdb"
    store.write_bytes(Path(demo_duckdb_file).read_bytes())
    with serve_app(f"duckdb:///{store}", **settings) as running:
        STORES[running.base] = store
        yield running.base


@pytest.fixture(scope="module")
def server(demo_duckdb_file, tmp_path_factory):
    with serve(demo_duckdb_file, tmp_path_factory.mktemp("browser")) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser, url, width=1440):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url)
    settle(page, 1.5)
    return page


def test_health_endpoint_answers_ok(server):
    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=5) as response:
        assert response.read() == b"ok"


def test_overview_in_a_real_browser(server, browser):
    page = open_page(browser, f"{server}/?month=2026-10")
    page.get_by_text("More customers recommend us").first.wait_for(timeout=30_000)
    body = page.inner_text("[data-testid='stMain']")
    assert "Overview — October 2026" in body
    assert "More customers recommend us" in body and "+34" in body
    assert "✓ On track" in body and "✕ Off track" in body
    assert "Green parts, red whole" in body
    assert "Traceback" not in body and "Error" not in body
    fit_to_content(page, 1440)
    page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)


def test_open_a_goal_from_the_overview(server, browser):
    page = open_page(browser, f"{server}/?month=2026-10")
    page.get_by_role("link", name="Open").first.click()
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    settle(page, 1.5)
    body = page.inner_text("[data-testid='stMain']")
    assert "Goal cascade — October 2026" in body
    assert "Customers find us effortless to deal with" in body
    fit_to_content(page, 1440)
    page.screenshot(path=str(SHOTS / "cascade.png"), full_page=True)


def test_overview_in_danish(server, browser):
    page = open_page(browser, f"{server}/?month=2026-10&lang=da")
    body = page.inner_text("[data-testid='stMain']")
    assert "Overblik — oktober 2026" in body and "På sporet" in body
    fit_to_content(page, 1440)
    page.screenshot(path=str(SHOTS / "overview-da.png"), full_page=True)


def test_a_deep_link_as_the_first_request_gets_the_whole_app(demo_duckdb_file, tmp_path, browser):
    """Right after a start, a bookmark must not meet Streamlit's legacy pages/ mode."""
    with serve(demo_duckdb_file, tmp_path) as fresh:
        page = open_page(browser, f"{fresh}/goal_cascade?month=2026-08&goal=O9")
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)
        settle(page, 1.0)
        navigation = page.inner_text("[data-testid='stSidebarNav']")
        assert "Goal cascade" in navigation and "Overview" in navigation
        assert "app" not in navigation.split()
        body = page.inner_text("[data-testid='stMain']")
        assert "Goal cascade — August 2026" in body and "The webshop stays up for customers" in body


@pytest.fixture(scope="module")
def proxied(demo_duckdb_file, tmp_path_factory):
    """The app behind a (simulated) trusted proxy that sets X-Forwarded-Email."""
    with serve(demo_duckdb_file, tmp_path_factory.mktemp("header"), KPI_AUTH_MODE="header") as base:
        yield base


def open_as(browser, url, email):
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, extra_http_headers={"X-Forwarded-Email": email}
    )
    page = context.new_page()
    page.goto(url)
    settle(page, 1.5)
    return page


def test_header_mode_shows_a_department_head_only_their_department(proxied, browser):
    page = open_as(
        browser, f"{proxied}/departments?month=2026-10&department=CS", "henrik.juul@havnhjem.example"
    )
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    body = page.inner_text("[data-testid='stMain']")
    assert "IT operations — October 2026" in body and "Server downtime" in body
    for foreign in (
        "Customer service",
        "Average wait time on the phone",
        "Abandoned baskets",
        "Net Promoter Score",
    ):
        assert foreign not in body
    assert "View as" not in page.inner_text("[data-testid='stSidebar']")  # no demo picker behind a proxy
    fit_to_content(page, 1440)
    page.screenshot(path=str(SHOTS / "header-it-head.png"), full_page=True)


def test_header_mode_shows_an_unknown_email_no_data(proxied, browser):
    page = open_as(browser, f"{proxied}/?month=2026-10", "stranger@example.com")
    body = page.inner_text("[data-testid='stMain']")
    assert "not signed in as a known user" in body
    assert "Net Promoter Score" not in body and "+34" not in body
    assert not page.query_selector("[data-testid='stMetric']")


def test_an_import_from_the_command_line_while_the_app_serves(server, browser):
    page = open_page(browser, f"{server}/departments?month=2026-10&department=CS")
    assert "75 s" in page.inner_text("[data-testid='stMain']")
    csv = ROOT / "screenshots" / "browser" / "wait.csv"
    csv.write_text("kpi;month;value\nCS_WAIT;2026-10;99\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kpi",
            "--db",
            f"duckdb:///{STORES[server]}",
            "import",
            "measurements",
            str(csv),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr  # the app holds the file only while it reads
    page.get_by_role("button", name="Refresh data").click()
    settle(page, 1.5)
    body = page.inner_text("[data-testid='stMain']")
    assert "99 s" in body and "Customer service — October 2026" in body


def test_the_load_script_s_clients_drive_the_app_and_notice_what_goes_wrong(server, monkeypatch):
    """`make load` in small: websocket clients as an executive and a department head get every
    page without an error, and a page the app does not know is counted as one."""
    from tools import load

    people = ["mette.kjaer@havnhjem.example", "rasmus.friis@havnhjem.example"]
    timings, errors = _load(server, people, 2, 4.0)
    assert errors == [] and len(timings) >= 2  # each session's first page at least
    monkeypatch.setattr(load, "PAGES", ["no_such_page"])
    timings, errors = _load(server, people[:1], 1, 0.5)
    assert errors and all("page not found" in e for e in errors)


def test_sessions_that_arrive_together_at_a_fresh_start_all_get_their_pages(demo_duckdb_file, tmp_path):
    """Right after a start, several first runs at once used to race for the imports and the
    store file ("partially initialized module", "Unique file handle conflict")."""
    people = [
        "mette.kjaer@havnhjem.example",
        "camilla.berg@havnhjem.example",
        "rasmus.friis@havnhjem.example",
    ]
    with serve(demo_duckdb_file, tmp_path) as base:
        timings, errors = _load(base, people, 6, 3.0)
    assert errors == [] and len(timings) >= 6  # each session's first page at least


def _load(base, people, sessions, seconds):
    """`tools/load.py`'s websocket sessions, on a thread of their own: Playwright's synchronous
    API keeps an event loop running on this one."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from tools import load

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, load._drive(base, people, sessions, seconds, "socket")).result()
