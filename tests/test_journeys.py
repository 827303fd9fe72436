"""End to end in a real browser: every page for every role, and the main journeys.

`streamlit run` on a copy of the demo store, Debian's Chromium through Playwright. Screenshots
go to screenshots/browser/.
"""

import io

import pytest
from pptx import Presentation

from tests.test_browser import SHOTS, browser, fit_to_content, open_page, server, settle  # noqa: F401

ROLES = {
    "admin": "sofie.dahl@havnhjem.example",
    "executive": "mette.kjaer@havnhjem.example",
    "presenter": "peter.holm@havnhjem.example",
    "department_head": "louise.vang@havnhjem.example",
}
PAGES = {  # path and query → does its main view draw a chart?
    "overview": ("", False),
    "goal_cascade": ("goal_cascade?goal=S1", True),
    "smart_goals": ("smart_goals", False),
    "departments": ("departments", True),
    "present": ("present?slide=3", True),
    "data": ("data", False),
}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_loads_for_every_role(server, browser, role):  # noqa: F811
    for name, (path, has_chart) in PAGES.items():
        if name == "data" and role != "admin":
            continue
        if role == "department_head" and name in ("goal_cascade", "present"):
            path = {"goal_cascade": "goal_cascade?goal=O15", "present": "present?slide=2"}[name]
            has_chart = name == "goal_cascade"
        separator = "&" if "?" in path else "?"
        page = open_page(browser, f"{server}/{path}{separator}month=2026-10&as={ROLES[role]}")
        if has_chart:
            page.wait_for_selector(".js-plotly-plot", timeout=30_000)
        assert not page.query_selector("[data-testid='stException']"), (role, name)
        body = page.inner_text("[data-testid='stMain']")
        assert "Traceback" not in body and "encountered an error" not in body, (role, name)
        if role == "department_head":
            assert "Server downtime" not in body and "More customers recommend us" not in body, name
        fit_to_content(page, 1440)
        page.screenshot(path=str(SHOTS / f"{role}-{name}.png"), full_page=True)
        page.close()


def choose(page, label, option):
    """Pick `option` in the Streamlit selectbox labelled `label`, as a person would."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    page.get_by_role("option", name=option).click()
    settle(page, 1.5)


def test_the_main_journeys(server, browser):  # noqa: F811
    page = open_page(browser, f"{server}/?month=2026-10")
    choose(page, "Month", "August 2026")
    assert "Overview — August 2026" in page.inner_text("[data-testid='stMain']")
    assert "month=2026-08" in page.url

    page.get_by_role("link", name="Departments").click()
    settle(page, 2)
    choose(page, "Department", "IT operations")
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    body = page.inner_text("[data-testid='stMain']")
    assert "IT operations — August 2026" in body and "Server downtime" in body and "department=IT" in page.url

    page.get_by_role("link", name="Present").click()
    settle(page, 2)
    for expected in ("Strategic goals", "More customers recommend us"):
        page.get_by_role("button", name="Next").click()
        settle(page, 1.5)
        assert expected in page.inner_text("[data-testid='stMain']")
    assert "slide=3" in page.url

    page.get_by_role("button", name="Make the PowerPoint pack").click()
    settle(page, 3)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download PPTX").click()
    pack = Presentation(io.BytesIO(download.value.path().read_bytes()))
    assert len(pack.slides) == 17
    assert pack.slides[0].shapes[0].text_frame.text == "Customer experience — August 2026"
    fit_to_content(page, 1440)
    page.screenshot(path=str(SHOTS / "journey-present.png"), full_page=True)
