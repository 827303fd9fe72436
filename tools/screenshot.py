"""Take full-page Chromium screenshots of running app pages, to look at what users see.

    python tools/screenshot.py http://localhost:8501/ out.png [--width 1440]

Uses Debian's chromium through Playwright (no browser download). Waits for conditions, never a
number of seconds: Streamlit connected and done running the script, nothing left over from an
earlier run, and every chart drawn. The browser tests share these waits.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null
        && app.dataset.testConnectionState === "CONNECTED"
        && app.dataset.testScriptState === "notRunning"
        && document.querySelector('[data-testid="stStatusWidget"]') === null
        && document.querySelector('[data-stale="true"]') === null
        && document.querySelector('[data-testid="stSkeleton"]') === null
        && document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]') !== null
        && [...document.querySelectorAll("[data-testid='stEChartsChart']")].every((chart) => chart.querySelector("canvas"));
}"""
"""Streamlit is connected, has run the script to the end (its own `data-test-script-state`),
shows nothing left over from an earlier run, has drawn the page, holds no placeholder for an
element still loading (metrics and charts load their code a moment after the run ends), and
every chart has drawn."""

STATE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = [...document.querySelectorAll("[data-testid='stEChartsChart']")];
    return {
        connection: app && app.dataset.testConnectionState,
        script: app && app.dataset.testScriptState,
        status_widget: document.querySelector('[data-testid="stStatusWidget"]') !== null,
        stale: document.querySelectorAll('[data-stale="true"]').length,
        skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
        drawn: document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]') !== null,
        charts: `${charts.filter((chart) => chart.querySelector("canvas")).length}/${charts.length}`,
    };
}"""
"""Each of IDLE's conditions as it stands, for the message when a page does not settle."""

SETTLE_MS = 180_000
"""How long a page may take to settle before the wait gives up: long, since a machine running
other heavy work may take minutes; a page that settles sooner goes on at once."""


def settle(page: Page) -> None:
    """Wait until Streamlit is idle with the page drawn. A click sets off a run a moment later,
    so after one, wait for what the click should show (Playwright's `expect`) before settling.
    A page that does not settle fails naming the conditions that still do not hold."""
    try:
        page.wait_for_function(IDLE, timeout=SETTLE_MS)
    except PlaywrightTimeoutError as timeout:
        state = page.evaluate(STATE)
        raise AssertionError(f"{page.url} did not settle in {SETTLE_MS // 1000} s: {state}") from timeout


def fit_to_content(page: Page, width: int) -> None:
    """Streamlit scrolls inside its main section, so grow the window to the content's height."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    target = min(int(height) + 40, 12_000)
    page.set_viewport_size({"width": width, "height": target})
    page.wait_for_function("(height) => window.innerHeight === height", arg=target, timeout=SETTLE_MS)
    settle(page)


def shoot(url: str, out: Path, width: int = 1440) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.set_default_timeout(SETTLE_MS)  # a click or a wait on a busy machine, not just the settle
        page.goto(url)
        settle(page)
        fit_to_content(page, width)
        page.screenshot(path=str(out), full_page=True)
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("out", type=Path)
    parser.add_argument("--width", type=int, default=1440)
    args = parser.parse_args()
    shoot(args.url, args.out, args.width)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
