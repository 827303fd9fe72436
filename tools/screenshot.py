"""Take full-page Chromium screenshots of running app pages, to look at what users see.

    python tools/screenshot.py http://localhost:8501/ out.png [--width 1440] [--wait 3]

Uses Debian's chromium through Playwright (no browser download). Waits for Streamlit to finish
running the script and for any Plotly chart to draw.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

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


IDLE = (
    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
    " && !document.querySelector('[data-stale=\"true\"]')"
)
"""Streamlit is not running the script and shows no element left over from an earlier run."""


def settle(page: Page, wait_seconds: float = 2.0) -> None:
    """Wait until Streamlit is idle and charts have drawn."""
    page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    page.wait_for_function(IDLE, timeout=60_000)
    page.wait_for_timeout(wait_seconds * 1000)
    page.wait_for_function(IDLE, timeout=60_000)  # a run the first one set off (the URL's state)


def fit_to_content(page: Page, width: int) -> None:
    """Streamlit scrolls inside its main section, so grow the window to the content's height."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 12_000)})
    page.wait_for_timeout(1500)


def shoot(url: str, out: Path, width: int = 1440, wait: float = 2.0) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(url)
        settle(page, wait)
        fit_to_content(page, width)
        page.screenshot(path=str(out), full_page=True)
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("out", type=Path)
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--wait", type=float, default=2.0)
    args = parser.parse_args()
    shoot(args.url, args.out, args.width, args.wait)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
