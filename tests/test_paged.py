"""Long lists are paged (kpi.ui.widgets.paged): a large company's thousand attention items are
not a thousand elements at once, yet every item is reachable by *Show more*; a list that fits in
one page is drawn whole, with no button. A folded section (kpi.ui.widgets.folded) sends nothing
of what it holds until it is opened."""

from contextlib import contextmanager

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tools import serve
from tools.screenshot import settle


def listing(count, page):
    """A list of `count` numbered rows, paged by `page`, each row drawn as a text."""
    import streamlit as st

    from kpi.ui import widgets

    def rows(shown):
        for row in shown:
            st.text(f"row {row}")

    widgets.paged("test.rows", [f"{n:04}" for n in range(count)], rows, page=page)


def shown(at) -> list[str]:
    return [text.value.removeprefix("row ") for text in at.text]


def more(at):
    return [b for b in at.button if b.key == "test.rows.more"]


@pytest.mark.parametrize(("count", "page"), [(0, 5), (3, 5), (5, 5)])
def test_a_list_that_fits_in_a_page_is_drawn_whole_without_a_button(count, page):
    at = AppTest.from_function(listing, args=(count, page), default_timeout=30).run()
    assert not at.exception, at.exception
    assert shown(at) == [f"{n:04}" for n in range(count)]
    assert not more(at)


def test_a_long_list_shows_a_page_and_every_row_is_reached_by_show_more():
    at = AppTest.from_function(listing, args=(23, 10), default_timeout=30).run()
    assert not at.exception, at.exception
    assert shown(at) == [f"{n:04}" for n in range(10)]
    assert "10" in at.caption[0].value and "23" in at.caption[0].value  # "10 of 23 shown"
    (button,) = more(at)
    assert button.label == "Show 10 more"
    button.click().run()
    assert shown(at) == [f"{n:04}" for n in range(20)]
    (button,) = more(at)
    assert button.label == "Show 3 more"  # what is left, not a whole page
    button.click().run()
    assert shown(at) == [f"{n:04}" for n in range(23)]  # every row, in order, once
    assert not more(at) and not at.caption


def fold(expanded):
    """A folded section holding a list of three rows, and a line above it."""
    import streamlit as st

    from kpi.ui import widgets

    st.caption("above")
    widgets.folded(
        "test.fold", "Three rows", lambda: [st.text(f"row {n:04}") for n in range(3)], expanded=expanded
    )


def test_a_folded_section_sends_its_content_only_while_open():
    at = AppTest.from_function(fold, args=(False,), default_timeout=30).run()
    assert not at.exception, at.exception
    (section,) = at.expander
    assert section.label == "Three rows" and shown(at) == [] and [c.value for c in at.caption] == ["above"]
    assert at.session_state["fold-test.fold"] is False
    at.session_state["fold-test.fold"] = True  # as a click on it does
    at.run()
    assert shown(at) == ["0000", "0001", "0002"]
    at.session_state["fold-test.fold"] = False  # closed again: its content goes
    at.run()
    assert shown(at) == []


def test_a_folded_section_asked_open_is_drawn_at_once():
    at = AppTest.from_function(fold, args=(True,), default_timeout=30).run()
    assert not at.exception, at.exception
    assert shown(at) == ["0000", "0001", "0002"]


DANISH_LIST = """
import streamlit as st

from kpi.text import i18n
from kpi.text.i18n import t
from kpi.ui import widgets

i18n.set_language("da")  # as frame.sidebar sets it for a page's run; a fragment's own run skips it


def rows(shown):
    for row in shown:
        st.text(t("widget.shown_of", shown=row, total=7))


widgets.paged("test.rows", list(range(7)), rows, page=3)
"""
ROWS = "[data-testid=stText]"


@contextmanager
def served(browser, tmp_path, script: str):
    """`script` served by Streamlit, and a tab of `browser` opened on it."""
    path = tmp_path / "script.py"
    path.write_text(script)
    port = serve.free_port()
    base = f"http://127.0.0.1:{port}"
    process = serve.start(f"duckdb:///{tmp_path / 'unused.duckdb'}", port, script=path, PYTHONPATH=str(ROOT))
    try:
        serve.wait_healthy(base, process)
        page = browser.new_page()
        page.goto(base)
        yield page
        page.close()
    finally:
        serve.stop(process)


def click_once_drawn(page, name: str) -> None:
    """Click the button `name` once the run that drew it has ended: a click made while that run
    was still going was lost once in ten to twenty tries under load (Streamlit's race, the
    folded section's run and the list's rerun)."""
    button = page.get_by_role("button", name=name)
    button.wait_for()
    settle(page)
    button.click()


def six_rows_in_danish(page) -> None:
    """Wait for six rows, then check they are the list's first six, worded in Danish."""
    page.wait_for_function(
        f"() => document.querySelectorAll('{ROWS}').length >= 6 && !document.querySelector('[data-stale=true]')"
    )
    assert page.locator(ROWS).all_inner_texts() == [f"{n} af 7 vist" for n in range(6)]


@pytest.mark.xdist_group("browser")
def test_show_more_keeps_the_readers_language(browser, tmp_path):
    """In a browser, where *Show more* reruns the list alone (AppTest runs the whole script on
    every click, so it cannot tell)."""
    with served(browser, tmp_path, DANISH_LIST) as page:
        click_once_drawn(page, "Vis 3 mere")
        six_rows_in_danish(page)
        assert page.get_by_role("button", name="Vis én mere").count() == 1


DANISH_FOLD = """
import streamlit as st

from kpi.text import i18n
from kpi.text.i18n import t
from kpi.ui import widgets

i18n.set_language("da")


def rows(shown):
    for row in shown:
        st.text(t("widget.shown_of", shown=row, total=7))


st.caption("above")
widgets.folded("test.fold", t("overview.more_items", count=7), lambda: widgets.paged("test.rows", list(range(7)), rows, page=3))
"""


@pytest.mark.xdist_group("browser")
def test_opening_a_folded_section_draws_its_list_in_the_readers_language(browser, tmp_path):
    """In a browser, opening the section reruns it alone, and so does *Show more* inside it (the
    list is drawn as part of the section, not as a fragment in a fragment): both in the
    reader's language."""
    with served(browser, tmp_path, DANISH_FOLD) as page:
        page.get_by_text("above").wait_for()
        assert page.locator(ROWS).count() == 0  # closed: nothing of the list was sent
        page.get_by_text("7 punkter mere").click()
        click_once_drawn(page, "Vis 3 mere")
        six_rows_in_danish(page)
