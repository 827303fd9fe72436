"""The Present page in a real browser, as a presenter drives it: with the keyboard, on a 16:9 screen.

Every slide of the demo deck, for an executive and a department head, in English and Danish,
must fit 1280×720 and 1440×900 without a scrollbar; the keys move through the deck and back;
F switches to full screen and Esc leaves it. The time from a key press to the next slide's title
on the screen is measured and printed, never asserted (a busy machine is slow, not wrong).
Screenshots of every slide at 1280×720 go to screenshots/browser/present/.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from datetime import date

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from kpi.domain import access
from kpi.store import decks, engine, queries
from kpi.text import i18n
from tests.test_browser import SHOTS, main
from tools.screenshot import SETTLE_MS, settle

pytestmark = pytest.mark.xdist_group("browser-present")
"""With `make test` running tests in two processes, this module's tests run in one, with its
Streamlit server and its Chromium, as a group of its own (see tests/test_browser.py)."""

OCTOBER = date(2026, 10, 1)
VIEWERS = {"executive": "mette.kjaer@havnhjem.example", "department_head": "camilla.berg@havnhjem.example"}
SCREENS = [(1280, 720), (1440, 900)]
FORWARD = ["ArrowRight", "PageDown", " "]
"""The keys that go on, taken in turn so each is used."""

OVERFLOW = """() => {
    const page = document.scrollingElement;
    const main = document.querySelector('[data-testid="stMain"]');
    const block = document.querySelector('[data-testid="stMainBlockContainer"]');
    return {
        page: page.scrollHeight - page.clientHeight,
        main: main.scrollHeight - main.clientHeight,
        block: block.getBoundingClientRect().bottom - window.innerHeight,
        wide: page.scrollWidth - page.clientWidth,
    };
}"""
"""How far the page, Streamlit's scrolling main section and the slide's block reach past the
screen (0 or less: no scrollbar)."""

TITLE = """(title) => {
    const heading = document.querySelector('[data-testid="stMain"] h1');
    return heading !== null && heading.innerText.trim() === title;
}"""

REFLOWED = """() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"""


def titles(demo_duckdb_file, who: str, language: str) -> list[str]:
    """The deck's slide titles for `who`, as the store builds them."""
    with engine.reading(engine.create(f"duckdb:///{demo_duckdb_file}")) as conn, i18n.use(language):
        person = next(p for p in queries.people(conn) if p.email == VIEWERS[who])
        scope = access.scope_for(person, queries.goal_links(conn))
        return [slide.title for slide in decks.slides(conn, scope, OCTOBER, language)]


def fits(page, where: str) -> None:
    page.evaluate(REFLOWED)
    reach = page.evaluate(OVERFLOW)
    assert max(reach.values()) <= 0, (where, reach)


@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("who", VIEWERS)
def test_the_keys_walk_a_deck_whose_every_slide_fits_the_screen(
    server, browser, demo_duckdb_file, capsys, who, language
):
    expected = titles(demo_duckdb_file, who, language)
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.set_default_timeout(SETTLE_MS)
    page.goto(f"{server}/present?month=2026-10&slide=1&lang={language}&as={VIEWERS[who]}")
    page.wait_for_function(TITLE, arg=expected[0])
    settle(page)
    folder = SHOTS / "present"
    folder.mkdir(parents=True, exist_ok=True)
    waits = []
    for number, title in enumerate(expected, start=1):
        assert f"slide={number}" in page.url
        for width, height in SCREENS:
            page.set_viewport_size({"width": width, "height": height})
            fits(page, f"slide {number} “{title}” at {width}×{height}")
        page.set_viewport_size({"width": 1280, "height": 720})
        page.evaluate(REFLOWED)
        page.screenshot(path=str(folder / f"{who}-{language}-{number:02d}.png"))
        if number == len(expected):
            break
        started = time.perf_counter()
        page.keyboard.press(FORWARD[number % len(FORWARD)])
        page.wait_for_function(TITLE, arg=expected[number], polling="raf")
        waits.append(time.perf_counter() - started)
        settle(page)
    for key, back in (("ArrowLeft", 2), ("PageUp", 3)):
        page.keyboard.press(key)
        page.wait_for_function(TITLE, arg=expected[len(expected) - back])
        settle(page)
    assert f"slide={len(expected) - 2}" in page.url
    with capsys.disabled():  # said whatever pytest captures: the times are for people to read
        sys.stdout.write(
            f"\n{who}, {language}: key → next slide in {statistics.median(waits):.2f} s median, "
            f"{max(waits):.2f} s at most, over {len(waits)} steps: "
            + " ".join(f"{w:.2f}" for w in waits)
            + "\n"
        )
    page.close()


def test_full_screen_hides_the_app_around_the_slide_and_keys_wait_while_typing(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.set_default_timeout(SETTLE_MS)
    page.goto(f"{server}/present?month=2026-10&slide=2")
    settle(page)
    header = page.locator("[data-testid='stHeader']")
    assert header.is_visible()
    page.keyboard.press("f")
    page.wait_for_function("() => document.body.classList.contains('present-full')")
    assert not header.is_visible()
    fits(page, "full screen")
    opacity = "() => getComputedStyle(document.querySelector('.st-key-present-toolbar')).opacity"
    page.wait_for_function(f"() => ({opacity})() === '0'")  # the room sees the slide alone
    page.locator(".st-key-present-toolbar").hover()  # the presenter's pointer brings it back
    page.wait_for_function(f"() => ({opacity})() === '1'")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.body.classList.contains('present-full')")
    assert header.is_visible()
    page.get_by_role("button", name="Full screen").click()  # the button does what F does
    page.wait_for_function("() => document.body.classList.contains('present-full')")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.body.classList.contains('present-full')")
    settle(page)

    jump = main(page).get_by_role("combobox")  # typing in a field: the keys are the field's
    jump.click()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Escape")
    page.keyboard.type("f ")
    settle(page)
    assert "slide=2" in page.url
    assert not page.evaluate("() => document.body.classList.contains('present-full')")
    page.close()


def test_quick_presses_each_move_one_slide(server, browser):
    """Five presses of → as fast as keys go, then two of ←: each moves one slide. A press while
    the last one's slide was still being made went to that same slide again (five quick presses
    moved three slides: a presenter's trial); the keys now wait their turn (present_view.KEYS)."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.set_default_timeout(SETTLE_MS)
    page.goto(f"{server}/present?month=2026-10&slide=2")
    settle(page)
    page.wait_for_function("() => document.getElementById('present-keys')")
    for keys, slide in ((["ArrowRight"] * 5, "7"), (["ArrowLeft"] * 2, "5")):
        for key in keys:
            page.keyboard.press(key)
        at = f"() => new URLSearchParams(location.search).get('slide') === '{slide}'"
        page.wait_for_function(at, timeout=60_000)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning'"
    )
    settle(page)
    assert "slide=5" in page.url
    assert main(page).get_by_text("5 / ", exact=False).count() >= 1
    page.close()


@pytest.mark.parametrize("language", ["en", "da"])
def test_on_a_phone_back_and_next_stand_side_by_side_above_the_slide(server, browser, language):
    """At 390 px the toolbar wraps rather than stacking its six parts one a row: back, where we
    are and next share the first row, and the slide's title is on the first screen."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(SETTLE_MS)
    page.goto(f"{server}/present?month=2026-10&slide=2&lang={language}")
    settle(page)
    with i18n.use(language):
        back, forward = (
            page.locator(".st-key-present-toolbar").get_by_role("button", name=i18n.t(name)).bounding_box()
            for name in ("present.previous", "present.next")
        )
    assert back is not None and forward is not None
    assert abs(back["y"] - forward["y"]) < 2 and back["x"] + back["width"] <= forward["x"]  # one row
    title = main(page).locator("h1").first.bounding_box()
    assert title is not None and title["y"] + title["height"] <= 844 / 2  # in the first half-screen
    fits_wide = page.evaluate(OVERFLOW)["wide"]
    assert fits_wide <= 0, fits_wide  # nothing runs past the phone's width
    page.close()


def test_on_a_phone_back_and_next_stand_under_the_slide_too_and_the_next_is_read_from_its_top(
    server, browser
):
    """A long slide scrolls on a phone, and the toolbar stood two screens up (a presenter's
    trial); on a wider screen the slide fits under its toolbar and no second pair is shown."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(SETTLE_MS)
    page.goto(f"{server}/present?month=2026-10&slide=2")
    settle(page)
    foot = page.locator(".st-key-present-foot")
    foot.get_by_role("button", name="Next").scroll_into_view_if_needed()
    assert page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTop") > 0
    foot.get_by_role("button", name="Next").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('slide') === '3'")
    settle(page)
    page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop === 0")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_function("() => !document.querySelector('.st-key-present-foot').checkVisibility()")
    page.close()


JUMP_ROOM = """(labels) => {
    const field = document.querySelector('.st-key-present-toolbar [data-testid="stSelectbox"] input');
    const look = getComputedStyle(field);
    const pen = document.createElement('canvas').getContext('2d');
    pen.font = look.font;
    const room = field.clientWidth - parseFloat(look.paddingLeft) - parseFloat(look.paddingRight);
    return labels.filter((label) => pen.measureText(label).width > room);
}"""
"""The jump's labels that its field, drawn in its own font, cuts short."""


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_jump_names_every_slide_whole_on_a_laptop(server, browser, language):
    """At 1280 pixels the jump to a slide cut "10. What drives Net Promoter Score, all custom…"
    (a presenter's trial): it is wide enough for every slide's label of the demo deck."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.set_default_timeout(SETTLE_MS)
    page.goto(f"{server}/present?month=2026-10&slide=1&lang={language}&as={VIEWERS['executive']}")
    settle(page)
    main(page).get_by_role("combobox").click()
    labels = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    assert len(labels) > 10 and any("Net Promoter" in label for label in labels), labels
    assert page.evaluate(JUMP_ROOM, labels) == []
    page.close()


def test_a_slide_click_reruns_the_slide_alone(server, browser, demo_duckdb_file):
    """Next reruns the toolbar and the slide (a fragment, present_view.meeting): the server sends
    the new slide and nothing of the sidebar or the page around it, so the browser redraws
    only the slide."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    expected = titles(demo_duckdb_file, "executive", "en")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.set_default_timeout(SETTLE_MS)
    received: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: received.append(frame)))
    page.goto(f"{server}/present?month=2026-10&slide=1&as={VIEWERS['executive']}")
    page.wait_for_function(TITLE, arg=expected[0])
    settle(page)
    first = [ForwardMsg.FromString(frame) for frame in received if isinstance(frame, bytes)]
    assert any(
        m.HasField("delta") and m.metadata.delta_path[0] == 1 for m in first
    )  # the page drew its sidebar
    received.clear()
    page.get_by_role("button", name="Next").click()
    page.wait_for_function(TITLE, arg=expected[1])
    settle(page)
    deltas = [
        m for m in (ForwardMsg.FromString(f) for f in received if isinstance(f, bytes)) if m.HasField("delta")
    ]
    assert deltas and {m.metadata.delta_path[0] for m in deltas} == {0}  # the main area only
    assert not any(
        m.HasField("navigation") for m in (ForwardMsg.FromString(f) for f in received if isinstance(f, bytes))
    )
    assert "slide=2" in page.url
    assert page.get_by_role("button", name="Previous").is_enabled()  # so ← goes back from here
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(TITLE, arg=expected[0])
    page.close()


CLAMPS = """() => [...document.querySelectorAll(
        '[class*="st-key-present-clamp"] p, [class*="st-key-present-also"] p, [class*="st-key-present-note"] [data-testid="stText"]')]
    .map((e) => [getComputedStyle(e).webkitLineClamp, e.getBoundingClientRect().height])"""
"""Each note of a slide: the lines it is clamped to ("none": whole) and its height."""


@pytest.mark.parametrize("language", ["en", "da"])
def test_on_a_phone_a_slide_s_notes_are_whole(server, browser, language):
    """A strategic goal's note on the goals slide ended "…som sigter længere end denn…" at 390
    pixels: a screen clamps a note to keep the slide on one screen, a phone scrolls it anyway."""
    found = {}
    for width, height in ((390, 844), (1280, 720)):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(SETTLE_MS)
        page.goto(f"{server}/present?month=2026-10&slide=3&lang={language}&as={VIEWERS['executive']}")
        page.wait_for_selector('[class*="st-key-present-clamp"] p')
        settle(page)
        found[width] = page.evaluate(CLAMPS)
        page.close()
    assert found[390] and {clamp for clamp, _ in found[390]} == {"none"}, found[390]
    assert "none" not in {clamp for clamp, _ in found[1280]}, found[1280]  # a screen still clamps


BROKEN_WORDS = """() => {
    const broken = [];
    for (const heading of document.querySelectorAll('[class*="st-key-present-"] h1, [class*="st-key-present-"] h2')) {
        const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const found of node.textContent.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, found.index);
                range.setEnd(node, found.index + found[0].length);
                if (range.getClientRects().length > 1) broken.push(found[0]);
            }
        }
    }
    return broken;
}"""


@pytest.mark.parametrize("slide", [1, 3])
def test_on_a_phone_no_title_breaks_inside_a_word(server, browser, slide):
    """The Danish cover's title read "Kundeoplevels / e — november 2026" on a 390-pixel phone."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(SETTLE_MS)
    page.goto(f"{server}/present?month=2026-10&slide={slide}&lang=da&as={VIEWERS['executive']}")
    page.wait_for_selector('[class*="st-key-present-"] h1')
    settle(page)
    assert page.evaluate(BROKEN_WORDS) == []
    page.close()


def test_a_collapsed_sidebar_leaves_the_slide_the_whole_window(server, browser):
    """Present opens with its sidebar collapsed; at 1280 pixels the laptop's sidebar width
    (`widgets.ROOM_STYLE`) held it open as a blank strip of 272 pixels left of the slide, whose
    notes were cut for want of room (a CEO's review). Collapsed, it takes nothing, at 1280 as at
    1440; opened, it takes the laptop's 272 pixels."""
    from kpi.ui import widgets

    left = """() => document.querySelector('[data-testid="stMainBlockContainer"]').getBoundingClientRect().left"""
    found = {}
    context = browser.new_context()  # of its own: the browser keeps an opened sidebar open
    for width, height in (*SCREENS, SCREENS[0]):  # the last opens the sidebar
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        page.set_default_timeout(SETTLE_MS)
        page.goto(f"{server}/present?month=2026-10&slide=3&as={VIEWERS['executive']}")
        page.wait_for_selector('[class*="st-key-present-clamp"] p')
        settle(page)
        if width in found:
            page.locator('[data-testid="stExpandSidebarButton"]').click()
            page.wait_for_function(f"() => ({left})() >= {widgets.SIDEBAR_WIDTH - 1}")
            found["open"] = page.evaluate(left)
        else:  # collapsed, once its sliding away has ended (CI read 1.02 px of it once, mid-way)
            with contextlib.suppress(PlaywrightTimeoutError):  # else measured as it stands, and named
                page.wait_for_function(f"() => ({left})() === 0", timeout=10_000)
            found[width] = page.evaluate(left)
        page.close()
    assert found[1280] == found[1440] == 0, found
    assert found["open"] == widgets.SIDEBAR_WIDTH, found
