"""Load: many people using one app process at once, in real browser sessions.

    python tools/load.py [--sessions 25] [--seconds 120]     (make load)

Starts `streamlit run` on 127.0.0.1 with a copy of the demo store, then opens N sessions in one
headless Chromium (Debian's), each moving between pages and months for the given time. Reports
errors (an exception on the page, or a page that does not settle within a minute), the p50 and
p95 time from asking for a page to seeing it complete, and the app's memory before and after.
Traffic goes only to the app on the loopback address; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi import months
from kpi.demo.generate import generate
from kpi.store import engine, loading, setup
from tools import serve
from tools.screenshot import CHROMIUM, CHROMIUM_ARGS

PAGES = ["", "goal_cascade?goal=S2", "smart_goals", "departments?department=CS", "present?slide=3"]
SETTLED = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]') && !!document.querySelector('[data-testid=\"stMain\"] h1')"


def _memory_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024


async def _session(
    browser: object, base: str, stop_at: float, seed: int, timings: list, errors: list
) -> None:
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page = await context.new_page()
    end = date(2026, 10, 1)
    while time.monotonic() < stop_at:
        target = rng.choice(PAGES)
        month = months.key(months.add(end, -rng.randint(0, 11)))
        separator = "&" if "?" in target else "?"
        started = time.perf_counter()
        try:
            await page.goto(f"{base}/{target}{separator}month={month}", timeout=60_000)
            await page.wait_for_function(SETTLED, timeout=60_000)
            if await page.query_selector("[data-testid='stException']"):
                errors.append(f"exception on {target} {month}")
            timings.append(time.perf_counter() - started)
        except Exception as error:
            errors.append(f"{target} {month}: {type(error).__name__}")
    await context.close()


async def _drive(base: str, sessions: int, seconds: float) -> tuple[list, list]:
    timings: list[float] = []
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(_session(browser, base, stop_at, i, timings, errors) for i in range(sessions)))
        await browser.close()
    return timings, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kpi-load-") as folder:
        store = engine.create(f"duckdb:///{folder}/store.duckdb")
        setup.ensure(store)
        with engine.writing(store) as conn:
            loading.load_company(conn, generate(date(2026, 10, 1)), who="load")
        with serve.app(str(store.url)) as running:
            before = _memory_mb(running.pid)
            timings, errors = asyncio.run(_drive(running.base, args.sessions, args.seconds))
            after = _memory_mb(running.pid)
        shutil.rmtree(folder, ignore_errors=True)
    timings.sort()
    p50 = statistics.median(timings) if timings else float("nan")
    p95 = timings[int(0.95 * (len(timings) - 1))] if timings else float("nan")
    print(
        f"sessions {args.sessions}, {args.seconds:.0f} s: {len(timings)} page updates, {len(errors)} errors"
    )
    print(f"page update p50 {p50:.2f} s, p95 {p95:.2f} s")
    print(f"app memory {before:.0f} MB before, {after:.0f} MB after")
    for error in errors[:10]:
        print(f"  error: {error}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
