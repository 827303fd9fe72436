"""Choices kept in the URL as codes: a link opens the view it names, and the address follows the view."""

import pytest
from streamlit.testing.v1 import AppTest

OPTIONS = ["CS", "IT", "MKT"]


def picker(default, always_in_url, options):
    """A one-widget app: the department picker as a page would draw it."""
    import streamlit as st

    from kpi.ui import urlstate

    chosen = urlstate.selectbox(
        "Department", options, key="department", default=default, always_in_url=always_in_url
    )
    st.text(f"chosen={chosen}")


def two_pages():
    """A picker on one "page"; the other reads the latest choice without showing the picker."""
    import streamlit as st

    from kpi.ui import urlstate

    if st.toggle("Show the picker", value=True, key="with_picker"):
        urlstate.selectbox("Department", ["CS", "IT", "MKT"], key="department", default="CS")
    st.text(f"current={urlstate.current('department')}")


def start(url=None, *, default="CS", always=False, options=OPTIONS):
    at = AppTest.from_function(picker, args=(default, always, options), default_timeout=30)
    if url is not None:
        at.query_params["department"] = url
    return at.run()


def shown(at) -> tuple[str, str | None]:
    """(what the page chose, what the address bar says)."""
    return at.text[0].value.removeprefix("chosen="), at.query_params.get("department")


@pytest.mark.parametrize(
    ("url", "always", "chosen", "address"),
    [
        (None, False, "CS", None),  # the default stays out of the address …
        (None, True, "CS", "CS"),  # … unless it must always be there (the month)
        ("IT", False, "IT", "IT"),  # a link opens what it names
        ("CS", False, "CS", None),  # a link naming the default: the default, and a clean address
        ("it", False, "IT", "IT"),  # a code in another case is the same code, spelled as the store does
        ("Mkt", True, "MKT", "MKT"),
        ("HR", False, "CS", None),  # an unknown code falls back to the default and leaves the address
        ("HR", True, "CS", "CS"),
    ],
)
def test_the_first_view_follows_the_link(url, always, chosen, address):
    assert shown(start(url, always=always)) == (chosen, address)


@pytest.mark.parametrize(
    ("picked", "always", "address"),
    [("MKT", False, "MKT"), ("CS", False, None), ("CS", True, "CS")],
)
def test_a_choice_is_written_to_the_address_as_its_code(picked, always, address):
    at = start("IT", always=always)
    at.selectbox(key="department").set_value(picked).run()
    assert shown(at) == (picked, address)


def test_a_link_changed_from_outside_wins_over_the_session_s_choice():
    at = start()
    at.selectbox(key="department").set_value("MKT").run()
    at.query_params["department"] = "IT"  # the reader follows a link within the same session
    at.run()
    assert shown(at) == ("IT", "IT")
    at.run()  # and it stays chosen on the next run
    assert shown(at) == ("IT", "IT")


def test_an_address_left_as_it_was_does_not_undo_a_choice():
    at = start("IT")
    at.selectbox(key="department").set_value("MKT").run()
    at.run()
    assert shown(at) == ("MKT", "MKT")


def test_a_choice_no_longer_on_offer_falls_back_to_the_default():
    at = AppTest.from_function(picker, args=("CS", False, ["CS", "IT"]), default_timeout=30)
    at.session_state["department"] = "MKT"  # chosen when Marketing was still visible
    assert shown(at.run()) == ("CS", None)


def test_a_page_without_the_picker_still_knows_the_latest_choice():
    at = AppTest.from_function(two_pages, default_timeout=30).run()
    at.selectbox(key="department").set_value("IT").run()
    at.toggle(key="with_picker").set_value(False).run()
    at.run()  # a second run without the widget: Streamlit has let go of the widget's own state
    assert "department" not in at.session_state and at.text[0].value == "current=IT"
    at.toggle(key="with_picker").set_value(True).run()
    assert at.selectbox(key="department").value == "IT"
