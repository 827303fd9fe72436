"""Long lists are paged (kpi.ui.widgets.paged): a large company's thousand attention items are
not a thousand elements at once, yet every item is reachable by *Show more*; a list that fits in
one page is drawn whole, with no button."""

import pytest
from streamlit.testing.v1 import AppTest


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
