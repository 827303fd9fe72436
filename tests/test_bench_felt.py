"""The felt figures' helpers (benchmarks/felt.py): what counts as drawn, which order the clicks
take, and how the times are summed up. No time is asserted here: `make bench` measures them."""

import pytest

from benchmarks import felt

pytestmark = pytest.mark.xdist_group("browser")
"""The condition is checked in the browser tests' Chromium (one per process)."""


def _app(main: str = "<h1>Overview — November 2026</h1>", script: str = "notRunning", extra: str = "") -> str:
    """A page shaped as Streamlit's: the app's state on its root, the main section's elements."""
    return (
        f'<div data-testid="stApp" data-test-connection-state="CONNECTED" data-test-script-state="{script}">'
        f'<section data-testid="stMain"><div data-testid="stElementContainer">{main}</div>{extra}</section>'
        "</div>"
    )


@pytest.mark.parametrize(
    "html, before, is_drawn",
    [
        (_app(), "", True),
        (_app(), "Goal cascade — November 2026", True),
        (_app(), "Overview — November 2026", False),  # the page before the click, still shown
        (_app(script="running"), "", False),
        (_app(extra='<div data-stale="true"><p>the last page</p></div>'), "", False),
        (_app(extra='<div data-testid="stSkeleton"></div>'), "", False),
        (_app(extra='<div data-testid="stEChartsChart"></div>'), "", False),  # a chart not yet drawn
        (_app(extra='<div data-testid="stEChartsChart"><canvas></canvas></div>'), "", True),
        (_app(main="<p>no heading yet</p>"), "", False),
        (_app().replace("CONNECTED", "DISCONNECTED_FOREVER"), "", False),
    ],
)
def test_drawn_holds_only_for_a_new_page_streamlit_has_finished(browser, html, before, is_drawn):
    page = browser.new_page()
    page.set_content(html)
    found = page.evaluate(felt.DRAWN, before)
    if is_drawn:
        assert found["heading"] == "Overview — November 2026"
        assert found["at"] > 0
    else:
        assert found is False
    page.close()


def test_the_press_is_kept_before_the_page_acts_on_it(browser):
    page = browser.new_page()
    page.set_content(_app() + "<button onclick='window.seen = window.feltPressed'>go</button>")
    page.evaluate(felt.PRESSED)
    page.evaluate(felt.PRESSED)  # twice, one listener: each page evaluates it before every click
    assert page.evaluate("() => window.feltPressed") is None
    page.click("button")
    pressed = page.evaluate("() => window.feltPressed")
    assert pressed > 0 and page.evaluate("() => window.seen") == pressed  # kept before the button ran
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => window.feltPressed") > pressed
    page.close()


def test_clicks_visit_every_other_page_then_the_first_and_present_last():
    names = ["overview", "goal_cascade", "smart_goals", "why", "departments", "present", "data"]
    order = felt.click_order(names)
    assert [names[n] for n in order] == [
        "goal_cascade",
        "smart_goals",
        "why",
        "departments",
        "data",
        "overview",
        "present",
    ]
    assert felt.click_order(["overview", "departments"]) == [1, 0]  # a department head's sidebar


@pytest.mark.parametrize(
    "times, median, most",
    [([0.2], 0.2, 0.2), ([0.3, 0.1, 0.2], 0.2, 0.3), ([0.1, 0.4, 0.2, 0.3], 0.25, 0.4)],
)
def test_spread_is_the_median_and_the_maximum(times, median, most):
    assert felt.spread(times) == pytest.approx((median, most))


def test_no_times_is_an_error_not_a_zero():
    with pytest.raises(ValueError):
        felt.spread([])
