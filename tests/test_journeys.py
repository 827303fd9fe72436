"""End to end in a real browser: every page for every role, and the main journeys.

`streamlit run` on a copy of the demo store, Debian's Chromium through Playwright. Screenshots
go to screenshots/browser/.
"""

import io
import re
from datetime import date

import pytest
from playwright.sync_api import expect
from pptx import Presentation

from kpi.domain.access import EVERYTHING
from kpi.store import decks, engine
from tests.test_browser import SHOTS, fit_to_content, main, open_page, settle
from tools.screenshot import SETTLE_MS

pytestmark = pytest.mark.xdist_group("browser")
"""With `make test` running tests in two processes, the browser tests share one: a Streamlit
server and a Chromium each are as much as this machine gives one process at a time."""

ROLES = {
    "admin": "sofie.dahl@havnhjem.example",
    "executive": "mette.kjaer@havnhjem.example",
    "department_head": "louise.vang@havnhjem.example",
}
"""A presenter reads and is shown exactly what an executive is (kpi.domain.access treats the two
alike; tests/test_access.py holds it), so the executive's tab stands for both."""
PAGES = {  # path and query of a deep link, or None to go there by the sidebar → a chart?
    "goal_cascade": ("goal_cascade?goal=S1", True),
    "overview": (None, False),
    "smart_goals": (None, False),
    "why": (None, False),
    "departments": (None, True),
    "data": (None, False),
    "present": ("present?slide=3", True),
}
"""In the order a tab visits them. The deep links are opened by address, as a bookmark is (for a
department head, a goal and a slide of their own); the other pages through the sidebar, which
switches pages over the same connection without loading the app again. The Present page starts
with the sidebar shut, so it comes last."""
HEADINGS = {  # what a page's title says once the sidebar switched to it (the month carried over)
    "overview": "Overview — October 2026",
    "smart_goals": "SMART goals — October 2026",
    "why": "Why it moved — October 2026",
    "departments": re.compile(r"^.+ — October 2026$"),  # the department's own name
    "data": "Data",
}
NAV_TITLES = {
    "overview": "Overview",
    "smart_goals": "SMART goals",
    "why": "Why it moved",
    "departments": "Departments",
    "data": "Data",
}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_loads_for_every_role(server, browser, role):
    """One tab per role goes from page to page, as a person does: the app's code loads once, and
    only the deep links are opened by address."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(SETTLE_MS)
    for name, (path, has_chart) in PAGES.items():
        if name == "data" and role != "admin":
            continue
        if role == "department_head" and name in ("goal_cascade", "present"):
            path = {"goal_cascade": "goal_cascade?goal=O15", "present": "present?slide=2"}[name]
            has_chart = name == "goal_cascade"
        page.set_viewport_size({"width": 1440, "height": 900})
        if path is None:
            page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=NAV_TITLES[name]).click()
            expect(main(page).locator("h1").first).to_have_text(HEADINGS[name])
            if name == "departments":  # its title is a department's name: wait for its own section
                expect(main(page)).to_contain_text("Trends, the last")
        else:
            page.goto(f"{server}/{path}&month=2026-10&as={ROLES[role]}")
        settle(page)
        if has_chart:
            expect(page.locator(".js-plotly-plot").first).to_be_visible()
            settle(page)
        assert not page.query_selector("[data-testid='stException']"), (role, name)
        body = main(page).inner_text()
        assert "Traceback" not in body and "encountered an error" not in body, (role, name)
        if role == "department_head":
            assert "Server downtime" not in body and "More customers recommend us" not in body, name
        fit_to_content(page, 1440)
        page.screenshot(path=str(SHOTS / f"{role}-{name}.png"), full_page=True)
    page.close()


def choose(page, label, option):
    """Pick `option` in the Streamlit selectbox labelled `label`, as a person would; the caller
    then waits for what the choice should show."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option).click()


@pytest.fixture(scope="module")
def august_deck(demo_duckdb_file):
    """The slides of August for an executive, as the store builds them."""
    with engine.reading(engine.create(f"duckdb:///{demo_duckdb_file}")) as conn:
        return decks.slides(conn, EVERYTHING, date(2026, 8, 1), "en")


def test_the_main_journeys(server, browser, august_deck):
    page = open_page(browser, f"{server}/?month=2026-10")
    choose(page, "Month", "August 2026")
    expect(main(page)).to_contain_text("Overview — August 2026")
    expect(page).to_have_url(re.compile("month=2026-08"))

    page.get_by_role("link", name="Departments").click()
    expect(page).to_have_url(re.compile("/departments"))
    choose(page, "Department", "IT operations")
    expect(main(page)).to_contain_text("IT operations — August 2026")
    expect(main(page)).to_contain_text("Server downtime")
    expect(page).to_have_url(re.compile("department=IT"))
    expect(page.locator(".js-plotly-plot").first).to_be_visible()

    page.get_by_role("link", name="Present").click()
    expect(main(page)).to_contain_text(august_deck[0].title)
    settle(page)
    for number, slide in enumerate(august_deck[1:3], start=2):
        page.get_by_role("button", name="Next").click()
        expect(page).to_have_url(re.compile(f"slide={number}"))
        expect(main(page)).to_contain_text(slide.title)
        settle(page)  # until the run ends, the last slide's stale buttons stand beside the new ones

    page.get_by_role("button", name="Make the PowerPoint pack").click()
    download_button = page.get_by_role("button", name="Download PPTX")
    expect(download_button).to_be_visible()
    with page.expect_download() as download:
        download_button.click()
    pack = Presentation(io.BytesIO(download.value.path().read_bytes()))
    assert len(pack.slides) == len(august_deck)
    assert [s.shapes[0].text_frame.text for s in pack.slides] == [s.title for s in august_deck]
    settle(page)
    fit_to_content(page, 1440)
    page.screenshot(path=str(SHOTS / "journey-present.png"), full_page=True)
