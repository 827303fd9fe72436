"""The later pages' browser code is fetched while the first page is read (kpi.ui.prefetch): in a
real Chromium, the Overview (which draws no chart or table) leads the browser to load Plotly's
and the tables' code, and Departments' chart then uses that very module (its file is fetched
once in the tab). Every wait is for a condition, never a time."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kpi.ui import prefetch
from tests.test_browser import main, open_page
from tools.screenshot import settle

pytestmark = pytest.mark.xdist_group("browser")

FETCHED = """(names) => {
    const loaded = performance.getEntriesByType("resource").map((entry) => entry.name.split("/").pop());
    return names.map((name) => loaded.filter((file) => file === name).length);
}"""
"""How often the tab fetched each of `names` (file names in Streamlit's static folder)."""
PRELOADED = """(names) => {
    const links = [...document.querySelectorAll('link[rel="modulepreload"]')];
    return names.every((name) => links.some((link) => link.href.endsWith("/static/js/" + name)));
}"""
"""Whether the page asks the browser to preload each of `names`."""


def test_each_chunk_is_one_file_of_the_installed_streamlit():
    """A Streamlit release that renames its chunks must fail here, not silently stop the prefetch."""
    assert len(prefetch.files()) == len(prefetch.CHUNKS)
    for chunk, name in zip(prefetch.CHUNKS, prefetch.files(), strict=True):
        assert re.fullmatch(rf"{chunk}\.[^.]+\.js", name)
        assert (prefetch.STATIC / name).is_file()


def test_the_overview_fetches_the_later_pages_code_and_departments_uses_it(server, browser):
    page = open_page(browser, f"{server}/")
    names = list(prefetch.files())
    page.wait_for_function(PRELOADED, arg=names)  # asked for at once, before any reading time
    page.wait_for_function(f"(names) => ({FETCHED})(names).every((n) => n === 1)", arg=names)
    assert page.locator("[data-testid='stEChartsChart']").count() == 0, "the Overview itself draws no chart"
    assert page.locator("[data-testid='stDataFrame']").count() == 0, "nor a table"
    assert not page.locator(f".st-key-{prefetch.KEY}").is_visible(), "the script takes no room"
    page.wait_for_function("(count) => window.kpiPrefetchRan === count", arg=len(names))  # and ran
    page.locator("[data-testid='stSidebarNav'] a", has_text="Departments").click()
    expect(main(page).locator("[data-testid='stEChartsChart'] canvas").first).to_be_visible()
    settle(page)
    assert page.evaluate(FETCHED, names) == [1] * len(names), "Streamlit's own import found them loaded"
