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

from kpi.domain import words as score_groups
from kpi.domain.access import EVERYTHING
from kpi.store import decks, engine, queries, respondents
from kpi.store import drivers as driver_store
from kpi.text import fmt, i18n
from kpi.text.i18n import t
from tests.sharing import WHY_TABS
from tests.test_browser import SHOTS, fit_to_content, main, open_page, settle
from tools.screenshot import SETTLE_MS

pytestmark = pytest.mark.xdist_group("browser-journeys")
"""With `make test` running tests in two processes, this module's tests share one, its Streamlit
server and its Chromium; the other browser modules are groups of their own, so both processes run
browser tests at the start of the run instead of one process running them all in turn."""

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
    "present": ("present?slide=4", True),  # the first strategic goal, with its trend
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
            expect(page.locator("[data-testid='stEChartsChart'] canvas").first).to_be_visible()
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
    expect(page.locator("[data-testid='stEChartsChart'] canvas").first).to_be_visible()

    page.get_by_role("link", name="Present").click()
    expect(main(page)).to_contain_text(august_deck[0].title)
    settle(page)
    for number, slide in enumerate(august_deck[1:3], start=2):
        page.get_by_role("button", name="Next").click()
        expect(page).to_have_url(re.compile(f"slide={number}"))
        expect(main(page)).to_contain_text(slide.title)
        settle(page)  # until the run ends, the last slide's stale buttons stand beside the new ones

    page.get_by_role("button", name="Handouts").click()  # the packs, in one place beside the buttons
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


OCTOBER = date(2026, 10, 1)
CX_DIRECTOR = "jonas.lund@havnhjem.example"
IT_HEAD = "henrik.juul@havnhjem.example"
"""The head of IT operations: no survey in the department, so nothing under any tab of Why."""


@pytest.fixture(scope="module")
def why_facts(demo_duckdb_file):
    """What the Why page must show the CX director in October, per language, from the store: the
    heading of the Segments tab's month table, the Drivers tab's count of respondents, and the newest
    comment the Customers' own words tab lists first."""
    first = date(2026, 8, 1)  # the tabs' default window: the last three months
    store = engine.create(f"duckdb:///{demo_duckdb_file}")
    with engine.reading(store) as conn:
        pair = driver_store.pairs(conn, EVERYTHING, first, OCTOBER, "en")[0]
        analysis = driver_store.analysis(conn, pair.reach, pair.outcome, pair.rating, first, OCTOBER)
    commented = respondents.commented_kpis(store, EVERYTHING)[0]
    with engine.reading(store) as conn:
        kind = next(k.aggregation for k in queries.kpis(conn, EVERYTHING) if k.code == commented)
    worst = score_groups.GROUPS[kind][0]  # the words open on the worst group, as the chart counts it
    newest = respondents.comments(
        store, EVERYTHING, respondents.Filter(commented, first, OCTOBER, group=worst)
    )[1][0]
    facts = {}
    for language in ("en", "da"):
        with i18n.use(language):
            facts[language] = {
                "segments": t(  # the month's scores by segment, of the company's NPS (the first)
                    "segments.month_heading",
                    month=fmt.month_long(OCTOBER),
                    by=t("segments.by_segment").lower(),
                ),
                "drivers": fmt.number(analysis.everyone.n),
                "words": newest.text,
            }
    return facts


def _tab(page, language: str, key: str):
    """Open the Why page's tab titled by catalogue key `key`; the panel it shows."""
    with i18n.use(language):
        title = t(key)
    page.get_by_role("tab", name=title).click()
    panel = page.get_by_role("tabpanel")  # only the open tab's panel is shown
    expect(panel).to_have_count(1)
    return panel


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_why_page_journey(server, browser, why_facts, language):
    """The CX director reads each tab of Why it moved: the segments of NPS, the drivers chart, a
    customer's own words; the head of IT, whose department has no survey, is told so on each."""
    facts = why_facts[language]
    page = open_page(browser, f"{server}/why?month=2026-10&as={CX_DIRECTOR}&lang={language}")
    with i18n.use(language):
        heading = t("why.title", month=fmt.month_long(OCTOBER))
        chart_title = t("drivers.chart_title")
    expect(main(page).locator("h1").first).to_have_text(heading)
    panel = _tab(page, language, "why.tab_segments")
    expect(panel).to_contain_text(facts["segments"])
    panel = _tab(page, language, "why.tab_drivers")
    expect(panel).to_contain_text(chart_title)
    expect(panel).to_contain_text(facts["drivers"])
    expect(panel.locator("[data-testid='stEChartsChart'] canvas").first).to_be_visible()
    panel = _tab(page, language, "why.tab_words")
    expect(panel).to_contain_text(facts["words"])
    settle(page)
    assert not page.query_selector("[data-testid='stException']")
    fit_to_content(page, 1440)
    page.screenshot(path=str(SHOTS / f"why-words-{language}.png"), full_page=True)
    page.close()

    page = open_page(browser, f"{server}/why?month=2026-10&as={IT_HEAD}&lang={language}")
    expect(main(page).locator("h1").first).to_have_text(heading)
    with i18n.use(language):
        nothing = {
            "why.tab_segments": t("segments.no_surveys"),
            "why.tab_drivers": t("drivers.nothing"),
            "why.tab_words": t("words.none"),
        }
    for key in WHY_TABS:
        panel = _tab(page, language, key)
        expect(panel).to_contain_text(nothing[key])
        expect(panel.locator("[data-testid='stEChartsChart']")).to_have_count(0)
    assert not page.query_selector("[data-testid='stException']")
    body = main(page).inner_text()
    assert "Traceback" not in body and "encountered an error" not in body
    page.close()
