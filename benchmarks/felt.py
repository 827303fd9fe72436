"""The felt figures: what one person waits for in Chromium, against a bare Streamlit page.

Four items of `make bench` (issue 21, point 5), each measured against a reference in the same
run, the same Chromium and the same way of timing:

- felt_first_page: the app started on a fresh copy of the demo store, from the process start to
  the Overview drawn; the reference is a bare Streamlit script (a title and a line of text)
  started and drawn the same way. Three turns each, taking turns, the median counts. Also each
  one's wait from the health check's first answer to drawn (`waited_after_healthy_s`): what a
  person who opens the link as soon as the app answers waits, issue 21's "first page after
  start" (the process's own start is a deployment's business, before it is sent anyone).
- felt_clicks: one person (the demo's CEO) clicks through every page in the sidebar and ten
  Present slides by key (→); the median and the maximum of click → drawn, against clicks
  between the two pages of the bare script.
- felt_clicks_reading: the same clicks in a new tab of a new browser context (nothing of the
  app's code loaded yet), the person reading each page for `READ_S` before the next click, as a
  CEO does (the robot above clicks the moment a page is drawn, so work the browser does in a
  reader's idle time, `kpi/ui/prefetch.py`, lands on its next click instead).
- felt_first_page_returning: the same first page after start, from the health check's first
  answer, opened by a browser that has opened the cockpit before (a CEO's browser holds
  Streamlit's code from last month: its files are sent as immutable, and Chromium keeps their
  compiled code beside them); against the bare script opened the same way.
- felt_first_page_remote: the Overview opened over a slower network (`REMOTE`, Chromium's own
  emulation), in a browser that has nothing cached, through HAProxy with the README's
  configuration in front of one app process on the demo; the reference is the same proxy passing
  Streamlit's code on uncompressed, as Streamlit's own server sends it. With the bytes each
  moved. Left out where HAProxy is not installed (`make load` and `make test` install it).
- felt_cold_large: on the large company, a freshly started app: the Overview opened by its
  address, then every other page's first visit by a click in the sidebar; against the bare
  script opened and its second page's first visit.

"Drawn" is `DRAWN`: Streamlit connected and done running (tools/screenshot.py's `IDLE`: nothing
stale, no placeholder, every chart drawn) and the page's heading no longer the one shown before
the click. Click and key times are the page's own clock, from the input event to the first
animation frame the condition holds in, so the browser driver's round trips are not in them.
Nothing here asserts a time: the figures are printed and written to results.json.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.engine import Engine

from benchmarks.items import MONTH, _item, _path
from kpi.domain import months
from tools import serve
from tools.screenshot import CHROMIUM, CHROMIUM_ARGS, IDLE

DEMO_VIEWER = "mette.kjaer@havnhjem.example"
"""The demo's CEO: every page of the sidebar but the administrator's."""
LARGE_VIEWER = "sofie.dahl@havnhjem.example"
"""Who opens the large company's pages (as `app_peak_memory` does): an administrator, every page."""
SLIDES = 10
READ_S = 3.0
"""How long the reading person of `felt_clicks_reading` looks at a page before the next click: a
model of a person, not a wait for a condition (a bench item, never a test)."""
WAIT_MS = 120_000
"""How long a page may take to be drawn before the item fails (a loaded machine is slow)."""
TURNS = 3
HEALTH_EVERY = 0.02
"""How often the start is asked whether it answers, in seconds: finer than the tests' wait so
the first page's figure is not rounded up to it."""

DRAWN = f"""(before) => {{
    const heading = document.querySelector('[data-testid="stMain"] h1');
    if (heading === null || heading.innerText.trim() === before || !({IDLE})()) return false;
    return {{at: performance.now(), heading: heading.innerText.trim()}};
}}"""
"""The page is drawn (`IDLE`) and its heading is not `before` (the one shown before a click):
false until then, then when (the page's clock, milliseconds from its navigation) and the
heading. An object, so a drawn page at 0 ms is still true."""

PRESSED = """() => {
    if (window.feltListening) return;
    window.feltListening = true;
    for (const kind of ["click", "keydown"])
        document.addEventListener(kind, () => { window.feltPressed = performance.now(); }, true);
}"""
"""Keep the time of the last click or key press (the page's clock), before the page acts on it."""

HELLO = '''"""A bare Streamlit app of two pages: the floor the felt figures are measured against."""

import streamlit as st


def first() -> None:
    st.title("First page")
    st.write("Hello.")


def second() -> None:
    st.title("Second page")
    st.write("Hello again.")


st.navigation([st.Page(first, title="First"), st.Page(second, title="Second")]).run()
'''


def spread(times: list[float]) -> tuple[float, float]:
    """The median and the maximum of `times`."""
    if not times:
        raise ValueError("no times to summarise")
    return statistics.median(times), max(times)


@dataclass(frozen=True)
class Click:
    what: str
    """The page or slide the click or key asked for."""
    seconds: float


def _felt(name: str, ours: float, reference: str, reference_s: float, **more: object) -> dict:
    """A bench item (`benchmarks.items._item`) with what else the felt figure tells."""
    return {**_item(name, ours, reference, reference_s), **more}


def demo_store(folder: Path) -> Path:
    """The demo store, loaded once into `folder` as `python -m kpi init --demo` loads it."""
    path = folder / "demo.duckdb"
    if not path.exists():
        subprocess.run(
            [sys.executable, "-m", "kpi", "--db", f"duckdb:///{path}", "init", "--demo"],
            cwd=serve.ROOT,
            check=True,
            capture_output=True,
            timeout=600,
        )
    return path


def hello_script(folder: Path) -> Path:
    script = folder / "hello.py"
    script.write_text(HELLO, encoding="utf-8")
    return script


@contextmanager
def started(
    store_url: str, script: Path = serve.ROOT / "app.py", port: int | None = None
) -> Iterator[tuple[str, float]]:
    """`script` served until the block ends (the app by its launcher, another script by
    `streamlit run`: tools/serve.py), on `port` or a free one: its address and the
    `time.perf_counter()` at which the process was started."""
    port = port or serve.free_port()
    base = f"http://127.0.0.1:{port}"
    at = time.perf_counter()
    process = serve.start(store_url, port, script=script)
    try:
        serve.wait_healthy(base, process, every=HEALTH_EVERY)
        yield base, at
    finally:
        serve.stop(process)


def drawn(page: Page, before: str = "") -> dict:
    """Wait until `page` is drawn with a heading other than `before`: `DRAWN`'s answer. Fails
    when the page shows an exception."""
    found = page.wait_for_function(DRAWN, arg=before, polling="raf", timeout=WAIT_MS).json_value()
    if page.query_selector("[data-testid='stException']"):
        raise RuntimeError(f"{page.url} shows an exception")
    return found


def click(page: Page, act: Callable[[], object]) -> tuple[str, float]:
    """Do `act` (a click or a key) and wait for the next page to be drawn: its heading and the
    seconds from the input event to drawn, on the page's own clock."""
    page.evaluate(PRESSED)
    before = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"] h1').innerText.trim()")
    act()
    found = drawn(page, before)
    pressed = page.evaluate("() => window.feltPressed")
    return found["heading"], (found["at"] - pressed) / 1000


def _links(page: Page) -> list:
    return page.locator("[data-testid='stSidebarNav'] a").all()


def _names(page: Page) -> list[str]:
    """The sidebar's pages by their address (`overview` for the first, the default)."""
    paths = [link.get_attribute("href") or "" for link in _links(page)]
    return [
        path.split("?")[0].rstrip("/").rsplit("/", 1)[-1] if n else "overview" for n, path in enumerate(paths)
    ]


def open_first(browser: Browser, url: str) -> tuple[Page, float]:
    """`url` opened in a new tab and drawn: the tab and the seconds from navigation to drawn."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(WAIT_MS)
    page.goto(url, timeout=WAIT_MS)
    return page, drawn(page)["at"] / 1000


def first_page_turn(browser: Browser, store_url: str, script: Path, query: str) -> tuple[float, float]:
    """One start: seconds from the process start to the first page drawn, and of those, from
    the health check's first answer."""
    with started(store_url, script) as (base, at):
        healthy = time.perf_counter()
        page, _ = open_first(browser, f"{base}/?{query}")
        done = time.perf_counter()
        page.close()
    return done - at, healthy - at


def click_order(names: list[str]) -> list[int]:
    """The sidebar's pages in the order one person clicks them, from the first page shown: every
    other page, then the first again, and the Present page last (it folds the sidebar away to
    give the slide the screen, and its slides follow by key)."""
    others = [n for n in range(1, len(names)) if names[n] != "present"]
    return others + [0] + [n for n in range(1, len(names)) if names[n] == "present"]


def sidebar_clicks(page: Page, read_s: float = 0.0) -> list[Click]:
    """Click every page of the sidebar (`click_order`), then ten Present slides by key: each
    one's felt time; `read_s` seconds of reading on each page before its next click."""
    clicks = []
    names = _names(page)
    for number in click_order(names):
        page.wait_for_timeout(read_s * 1000)
        _heading, seconds = click(page, _links(page)[number].click)
        clicks.append(Click(names[number], seconds))
    if names[-1:] and "present" in names:
        clicks += slide_keys(page, read_s)
    return clicks


def slide_keys(page: Page, read_s: float = 0.0) -> list[Click]:
    """Up to `SLIDES` slides onward by the → key, as a presenter goes: each one's felt time."""
    clicks = []
    for number in range(2, SLIDES + 2):
        if page.locator(".st-key-present-next button").is_disabled():
            break
        page.wait_for_timeout(read_s * 1000)
        heading, seconds = click(page, lambda: page.keyboard.press("ArrowRight"))
        clicks.append(Click(f"slide {number}: {heading}", seconds))
    return clicks


def _chromium() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


chromium = contextmanager(_chromium)


def felt_first_page(folder: Path, store: Engine | None, *, quick: bool) -> dict:
    """The app on a fresh copy of the demo store: process start → Overview drawn, median of
    `TURNS` starts, taking turns with the bare script."""
    demo, hello = demo_store(folder), hello_script(folder)
    ours: list[tuple[float, float]] = []
    floor: list[tuple[float, float]] = []
    with chromium() as browser:
        for turn in range(1 if quick else TURNS):
            fresh = folder / f"first-{turn}.duckdb"
            shutil.copy(demo, fresh)
            ours.append(
                first_page_turn(browser, f"duckdb:///{fresh}", serve.ROOT / "app.py", f"as={DEMO_VIEWER}")
            )
            floor.append(first_page_turn(browser, f"duckdb:///{fresh}", hello, ""))
            fresh.unlink()
    total, _most = spread([t for t, _ in ours])
    reference, _ = spread([t for t, _ in floor])
    healthy, _ = spread([h for _, h in ours])
    after_healthy, _ = spread([t - h for t, h in ours])
    floor_after_healthy, _ = spread([t - h for t, h in floor])
    return _felt(
        "felt_first_page",
        total,
        "a bare Streamlit script (a title, a line) started and drawn the same way",
        reference,
        target_s=1.5,
        healthy_s=round(healthy, 3),
        drawn_after_healthy_s=round(total - healthy, 3),
        # what the person who opens the link as soon as the app answers waits (issue 21's "first
        # page after start"), ours and the bare script's: each the median of its turns
        waited_after_healthy_s=round(after_healthy, 3),
        reference_waited_after_healthy_s=round(floor_after_healthy, 3),
        turns_s=[round(t, 3) for t, _ in ours],
        reference_turns_s=[round(t, 3) for t, _ in floor],
    )


def felt_first_page_returning(folder: Path, store: Engine | None, *, quick: bool) -> dict:
    """The first page after start for a person who has opened the cockpit before: the same
    start and wait as `felt_first_page`, the page opened in a browser profile that has opened
    it twice before (its disk cache and the compiled code Chromium keeps beside it, as a CEO's
    browser has them from last month), on the same address; taking turns with the bare script
    opened the same way. Median of `TURNS` starts each, after one start that fills the cache."""
    demo, hello = demo_store(folder), hello_script(folder)
    runs = {"ours": (serve.ROOT / "app.py", f"as={DEMO_VIEWER}"), "bare": (hello, "")}
    ports = {name: serve.free_port() for name in runs}
    waited: dict[str, list[float]] = {name: [] for name in runs}
    with sync_playwright() as p:
        profile = p.chromium.launch_persistent_context(
            str(folder / "returning-profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            viewport={"width": 1440, "height": 900},
        )
        try:
            for turn in range(1 + (1 if quick else TURNS)):  # turn 0 fills the cache
                for name, (script, query) in runs.items():
                    fresh = folder / f"returning-{name}.duckdb"
                    shutil.copy(demo, fresh)
                    with started(f"duckdb:///{fresh}", script, ports[name]) as (base, _at):
                        healthy = time.perf_counter()
                        for _visit in range(2 if turn == 0 else 1):
                            page = profile.new_page()
                            page.set_default_timeout(WAIT_MS)
                            page.goto(f"{base}/?{query}", timeout=WAIT_MS)
                            drawn(page)
                            done = time.perf_counter()
                            page.close()
                    fresh.unlink()
                    if turn:
                        waited[name].append(done - healthy)
        finally:
            profile.close()
    ours, _ = spread(waited["ours"])
    reference, _ = spread(waited["bare"])
    return _felt(
        "felt_first_page_returning",
        ours,
        "the bare script opened the same way by a browser that had opened it before",
        reference,
        target_s=1.5,
        turns_s=[round(t, 3) for t in waited["ours"]],
        reference_turns_s=[round(t, 3) for t in waited["bare"]],
    )


REMOTE = {"offline": False, "latency": 40, "downloadThroughput": 10e6 / 8, "uploadThroughput": 5e6 / 8}
"""A person away from the server: 10 Mbit/s down, 5 up, 40 ms before each answer begins
(Chromium's network emulation, in bytes per second): an office line to a hosted cockpit, or a
phone's good 4G."""
TRANSFERRED = """() => performance.getEntriesByType("navigation")
    .concat(performance.getEntriesByType("resource"))
    .reduce((sum, entry) => sum + entry.transferSize, 0)"""
"""The bytes the page moved over the network so far, headers included (its own count)."""


def felt_first_page_remote(folder: Path, store: Engine | None, *, quick: bool) -> list[dict]:
    """The Overview over `REMOTE` through HAProxy (tools/cluster.py's configuration, one app
    process on a copy of the demo), in a new browser context each time (nothing cached), the
    server already warm: median of `TURNS` openings, taking turns with the same proxy that
    does not compress; nothing without HAProxy."""
    from tools import cluster

    try:
        cluster.haproxy()
    except RuntimeError:
        print("felt_first_page_remote: skipped, HAProxy is not installed", flush=True)
        return []
    fresh = folder / "remote.duckdb"
    shutil.copy(demo_store(folder), fresh)
    turns: dict[bool, list[tuple[float, int]]] = {True: [], False: []}
    with chromium() as browser:
        for _turn in range(1 if quick else TURNS):
            for compress in (True, False):
                with cluster.cluster(f"duckdb:///{fresh}", 1, compress=compress) as running:
                    url = f"{running.base}/?as={DEMO_VIEWER}"
                    _remote_first(browser, url)  # the server's first page, not the person's
                    turns[compress].append(_remote_first(browser, url))
    fresh.unlink()
    ours, _ = spread([t for t, _ in turns[True]])
    reference, _ = spread([t for t, _ in turns[False]])
    return [
        _felt(
            "felt_first_page_remote",
            ours,
            "the same proxy passing Streamlit's code on uncompressed",
            reference,
            network="10 Mbit/s down, 5 up, 40 ms",
            megabytes=round(statistics.median(b for _, b in turns[True]) / 1e6, 2),
            reference_megabytes=round(statistics.median(b for _, b in turns[False]) / 1e6, 2),
            turns_s=[round(t, 3) for t, _ in turns[True]],
            reference_turns_s=[round(t, 3) for t, _ in turns[False]],
        )
    ]


def _remote_first(browser: Browser, url: str) -> tuple[float, int]:
    """`url` opened over `REMOTE` in a new browser context: seconds to drawn, bytes moved."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        network = context.new_cdp_session(page)
        network.send("Network.enable")
        network.send("Network.emulateNetworkConditions", REMOTE)
        page.goto(url, timeout=WAIT_MS)
        return drawn(page)["at"] / 1000, page.evaluate(TRANSFERRED)
    finally:
        context.close()


def felt_clicks(folder: Path, store: Engine | None, *, quick: bool) -> list[dict]:
    """One person clicks every sidebar page and ten Present slides on the demo: median and
    maximum of click → drawn, against clicks between the bare script's two pages. First right
    after the app's start (each page's first visit), then the same clicks again from a fresh
    Overview (`_again`: what the next meeting feels), then in a new browser context by a person
    who reads each page `READ_S` first (`_reading`)."""
    demo, hello = demo_store(folder), hello_script(folder)
    fresh = folder / "clicks.duckdb"
    shutil.copy(demo, fresh)
    with chromium() as browser:
        with started(f"duckdb:///{fresh}") as (base, _at):
            page, _ = open_first(browser, f"{base}/?as={DEMO_VIEWER}")
            clicks = sidebar_clicks(page)
            page.goto(f"{base}/?as={DEMO_VIEWER}", timeout=WAIT_MS)  # the same again, as a second meeting
            drawn(page)
            again = sidebar_clicks(page)
            page.close()
            reader = browser.new_context(viewport={"width": 1440, "height": 900})
            page = reader.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{base}/?as={DEMO_VIEWER}", timeout=WAIT_MS)
            drawn(page)
            reading = sidebar_clicks(page, READ_S)
            reader.close()
        with started(f"duckdb:///{fresh}", hello) as (base, _at):
            page, _ = open_first(browser, f"{base}/")
            floor = [click(page, _links(page)[n % 2].click)[1] for n in range(1, len(clicks) + 1)]
            page.close()
    return [
        *_median_and_max("felt_clicks", clicks, floor),
        *_median_and_max("felt_clicks_again", again, floor),
        *_median_and_max("felt_clicks_reading", reading, floor),
    ]


def _median_and_max(name: str, clicks: list[Click], floor: list[float]) -> list[dict]:
    """`name`_median and `name`_max of `clicks`, each against the same of the reference's `floor`."""
    median, most = spread([c.seconds for c in clicks])
    floor_median, floor_most = spread(floor)
    reference = "clicks between the two pages of a bare Streamlit script, as many"
    return [
        _felt(
            f"{name}_median",
            median,
            reference + " (median)",
            floor_median,
            target_s=0.15,
            clicks=len(clicks),
            each_s={c.what: round(c.seconds, 3) for c in clicks},
        ),
        _felt(
            f"{name}_max",
            most,
            reference + " (maximum)",
            floor_most,
            target_s=0.5,
            slowest=max(clicks, key=lambda c: c.seconds).what,
        ),
    ]


def felt_cold_large(folder: Path, store: Engine, *, quick: bool) -> list[dict]:
    """On the large company, a fresh app: the Overview opened by its address, then each other
    sidebar page's first visit by a click (`click_order`, the Overview's second visit left
    out); against the bare script opened, then its second page's first visit."""
    hello, store_url = hello_script(folder), f"duckdb:///{_path(store)}"
    with chromium() as browser:
        with started(store_url) as (base, _at):
            page, opened = open_first(browser, f"{base}/?month={months.key(MONTH)}&as={LARGE_VIEWER}")
            names = _names(page)
            firsts = [Click(names[n], click(page, _links(page)[n].click)[1]) for n in click_order(names) if n]
            page.close()
        with started(store_url, hello) as (base, _at):
            page, floor_opened = open_first(browser, f"{base}/")
            floor_click = click(page, _links(page)[1].click)[1]
            page.close()
    results = [
        _felt(
            "felt_cold_large_overview",
            opened,
            "a bare Streamlit script opened right after its start",
            floor_opened,
            target_s=1.0,
        )
    ]
    for first in firsts:
        results.append(
            _felt(
                f"felt_cold_large_{first.what}",
                first.seconds,
                "the bare script's second page, first visit",
                floor_click,
                target_s=1.0,
            )
        )
    return results
