"""Load: many people using the app at once, on one process or several behind a proxy.

    python tools/load.py [--sessions 25] [--seconds 120] [--client socket|browser]   (make load)
    python tools/load.py --burst 20 [--rounds 3] [--client socket|browser]
    python tools/load.py --processes 2 --sessions 50 [--seconds 120]

Starts the app (`python -m kpi.ui.launch`) on 127.0.0.1 with a copy of the demo store (DuckDB);
with `--processes K`, K app processes on a throw-away PostgreSQL server holding the demo company, behind HAProxy with
sticky sessions (tools/cluster.py), and every session goes through the proxy. Then either

- keeps N sessions busy for the given time (sustained), each moving between pages and months as
  a different person of the demo company (the executives and the department heads, in turn), or
- `--burst N`: the start of a management meeting. N new sessions open the Overview within one
  second (evenly spread over it), each as one person; a round ends when every one has its page,
  and the next round starts then. The first round comes right after the app answers its health
  check, the worst case of people arriving at a freshly started app; the report gives each
  round's p50, p95 and slowest.

Each session talks to the app as:

- `socket` (the default): each session is one Streamlit websocket client, as the browser keeps
  one, sending what a click sends (the page and the URL's month) and timing until the app says
  the run finished. The clients cost next to nothing, so the times are the app's.
- `browser`: each session is a tab of one headless Chromium (Debian's) loading the page afresh,
  the heaviest case; on a small machine the browser and the app then share the cores.

Reports errors (an exception on the page, a page the app does not know, or no answer within a
minute), the p50 and p95 time from asking for a page to seeing it complete, and the app's
memory before and after (each process's). Traffic goes only to the app on the loopback address; every loop is
bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import websockets
from playwright.async_api import async_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.typing import Origin, Subprotocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi.demo.generate import Company, generate
from kpi.domain import months
from kpi.domain.model import Role
from kpi.store import engine, seeding, setup
from tools import cluster, serve
from tools.screenshot import CHROMIUM, CHROMIUM_ARGS

PAGES = ["", "goal_cascade?goal=S2", "smart_goals", "departments?department=CS", "present?slide=3"]
END = date(2026, 10, 1)
ANSWER_SECONDS = 60
SHOWN = {"STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": "full"}
"""A page that fails tells the load what failed and where (people are shown no details)."""
SETTLED = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]') && !!document.querySelector('[data-testid=\"stMain\"] h1')"


def _memory_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024


def _step(rng: random.Random, person: str) -> tuple[str, str]:
    """A random page (path, query) and month, as `person`."""
    target = rng.choice(PAGES)
    path, _, query = target.partition("?")
    month = months.key(months.add(END, -rng.randint(0, 11)))
    return path, "&".join(filter(None, [query, f"month={month}", f"as={person}"]))


async def _browser_session(
    browser: object, base: str, stop_at: float, seed: int, person: str, timings: list, errors: list
) -> None:
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page = await context.new_page()
    while time.monotonic() < stop_at:
        path, query = _step(rng, person)
        await _load(page, f"{base}/{path}?{query}", f"{path} {query}", timings, errors)
    await context.close()


async def _load(page: object, url: str, what: str, timings: list, errors: list) -> None:
    """Open `url` in a browser tab and time it until the page is done; an exception on it, or
    no page within a minute, is an error about `what`."""
    started = time.perf_counter()
    try:
        await page.goto(url, timeout=ANSWER_SECONDS * 1000)  # type: ignore[attr-defined]
        await page.wait_for_function(SETTLED, timeout=ANSWER_SECONDS * 1000)  # type: ignore[attr-defined]
        if await page.query_selector("[data-testid='stException']"):  # type: ignore[attr-defined]
            errors.append(f"exception on {what}")
        timings.append(time.perf_counter() - started)
    except Exception as error:
        errors.append(f"{what}: {type(error).__name__}")


def _connect(base: str) -> websockets.connect:
    """A websocket to the app's stream, as a browser tab opens it."""
    address = base.replace("http://", "ws://") + "/_stcore/stream"
    return websockets.connect(
        address,
        subprotocols=[Subprotocol("streamlit")],
        origin=Origin(base),
        max_size=None,
        open_timeout=ANSWER_SECONDS,  # as a browser waits for a busy server: an error is no answer within a minute
    )


async def _socket_session(
    base: str, stop_at: float, seed: int, person: str, timings: list, errors: list
) -> None:
    """One person's session over one websocket, as a browser tab keeps it."""
    rng = random.Random(seed)
    waiting = "while connecting"
    try:
        async with _connect(base) as ws:
            while time.monotonic() < stop_at:
                path, query = _step(rng, person)
                waiting = f"waiting for {path or 'overview'} {query}"
                await _ask(ws, path, query, timings, errors, time.perf_counter())
    except Exception as error:
        errors.append(f"session {seed}, {waiting}: {type(error).__name__}: {error}")


async def _ask(
    ws: websockets.ClientConnection, path: str, query: str, timings: list, errors: list, started: float
) -> None:
    """Ask for a page as a click does and wait until its run finishes, timed from `started`; an
    exception on the page is an error."""
    await _rerun(ws, path, query)
    problem = await asyncio.wait_for(_until_finished(ws), ANSWER_SECONDS)
    if problem:
        errors.append(f"{problem} on {path or 'overview'} {query}")
    timings.append(time.perf_counter() - started)


async def _rerun(ws: websockets.ClientConnection, path: str, query: str) -> None:
    """Ask the app to run page `path` ("" for the main page) with `query`, as a click does."""
    ask = BackMsg()
    ask.rerun_script.page_name = path
    ask.rerun_script.query_string = query
    await ws.send(ask.SerializeToString())


async def _until_finished(
    ws: websockets.ClientConnection, seen: Callable[[ForwardMsg, int], None] | None = None
) -> str | None:
    """Read the app's messages until its run finishes (each handed to `seen` with its size in
    bytes, when given); what went wrong, if anything."""
    problem = None
    while True:
        message = ForwardMsg()
        raw = await ws.recv()
        message.ParseFromString(raw)
        if seen is not None:
            seen(message, len(raw))
        kind = message.WhichOneof("type")
        if kind == "page_not_found":
            problem = "page not found"
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            if message.delta.new_element.WhichOneof("type") == "exception":
                shown = message.delta.new_element.exception
                where = shown.stack_trace[-1].strip() if shown.stack_trace else ""
                problem = f"exception {shown.type}: {shown.message[:200]} {where[:200]}"
        elif kind == "script_finished":
            return problem


async def _arrive(base: str, delay: float, person: str, timings: list, errors: list) -> None:
    """One person opening the Overview `delay` seconds into a burst: a new websocket, one page."""
    await asyncio.sleep(delay)
    started = time.perf_counter()  # the connection is part of arriving
    try:
        async with _connect(base) as ws:
            await _ask(ws, "", f"as={person}", timings, errors, started)
    except Exception as error:
        errors.append(f"{person}: {type(error).__name__}: {error}")


async def _arrive_in_browser(
    browser: object, base: str, delay: float, person: str, timings: list, errors: list
) -> None:
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    await _load(
        await context.new_page(), f"{base}/?as={person}", f"the overview for {person}", timings, errors
    )
    await context.close()


async def _burst(
    base: str, people: list[str], sessions: int, rounds: int, client: str
) -> list[tuple[list, list]]:
    """`rounds` bursts of `sessions` arrivals within one second; (timings, errors) per round."""
    who = [people[i % len(people)] for i in range(sessions)]
    results = []
    async with async_playwright() as p:
        browser = None
        if client == "browser":
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(rounds):
            timings: list[float] = []
            errors: list[str] = []
            if browser is None:
                arrivals = (_arrive(base, i / sessions, who[i], timings, errors) for i in range(sessions))
            else:
                arrivals = (
                    _arrive_in_browser(browser, base, i / sessions, who[i], timings, errors)
                    for i in range(sessions)
                )
            await asyncio.gather(*arrivals)
            results.append((timings, errors))
        if browser is not None:
            await browser.close()
    return results


def _spread(timings: list[float]) -> tuple[float, float, float]:
    """p50, p95 and the slowest, in seconds."""
    if not timings:
        return float("nan"), float("nan"), float("nan")
    ordered = sorted(timings)
    p95 = ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank: never below the median
    return statistics.median(ordered), p95, ordered[-1]


async def _drive(
    base: str, people: list[str], sessions: int, seconds: float, client: str
) -> tuple[list, list]:
    timings: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + seconds
    who = [people[i % len(people)] for i in range(sessions)]
    if client == "socket":
        await asyncio.gather(
            *(_socket_session(base, stop_at, i, who[i], timings, errors) for i in range(sessions))
        )
        return timings, errors
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        await asyncio.gather(
            *(_browser_session(browser, base, stop_at, i, who[i], timings, errors) for i in range(sessions))
        )
        await browser.close()
    return timings, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--client", choices=["socket", "browser"], default="socket")
    parser.add_argument(
        "--burst", type=int, metavar="N", help="N sessions open the Overview within one second"
    )
    parser.add_argument("--rounds", type=int, default=3, help="bursts one after another (with --burst)")
    parser.add_argument(
        "--processes",
        type=int,
        default=0,
        metavar="K",
        help="K app processes on PostgreSQL behind HAProxy (tools/cluster.py) instead of one on DuckDB",
    )
    parser.add_argument(
        "--logs",
        type=Path,
        help="with --processes: keep what the app processes and the proxy print in this folder",
    )
    args = parser.parse_args()
    company = generate(END)
    people = [p.email for p in company.people if p.role in (Role.EXECUTIVE, Role.DEPARTMENT_HEAD)]
    with _serving(company, args.processes, args.logs) as (base, pids):
        before = [_memory_mb(pid) for pid in pids]
        if args.burst:
            rounds = asyncio.run(_burst(base, people, args.burst, args.rounds, args.client))
        else:
            timings, errors = asyncio.run(_drive(base, people, args.sessions, args.seconds, args.client))
        after = [_memory_mb(pid) for pid in pids]
    where = f"{args.processes} processes on PostgreSQL behind HAProxy" if args.processes else "one process"
    memory = ", ".join(f"{b:.0f} MB before, {a:.0f} MB after" for b, a in zip(before, after, strict=True))
    if args.burst:
        return _report_bursts(args.client, args.burst, rounds, where, memory)
    p50, p95, _slowest = _spread(timings)
    print(
        f"{args.client} sessions {args.sessions}, {args.seconds:.0f} s, {where}: "
        f"{len(timings)} page updates, {len(errors)} errors"
    )
    print(f"page update p50 {p50:.2f} s, p95 {p95:.2f} s")
    print(f"app memory {memory}")
    for error in errors[:10]:
        print(f"  error: {error}")
    return 1 if errors else 0


@contextmanager
def _serving(company: Company, processes: int, logs: Path | None) -> Iterator[tuple[str, list[int]]]:
    """The app with `company`, healthy, until the block ends: its address and process ids. One
    process on a DuckDB copy, or `processes` on PostgreSQL behind the proxy."""
    if processes:
        with (
            cluster.postgres_store(company) as url,
            cluster.cluster(url, processes, logs=logs, **SHOWN) as running,
        ):
            yield running.base, [app.process.pid for app in running.apps.values()]
        return
    with tempfile.TemporaryDirectory(prefix="kpi-load-") as folder:
        store = engine.create(f"duckdb:///{folder}/store.duckdb")
        setup.ensure(store)
        with engine.writing(store) as conn:
            seeding.load_company(conn, company, who="load")
        with serve.app(str(store.url), **SHOWN) as running:
            yield running.base, [running.pid]


def _report_bursts(
    client: str, sessions: int, rounds: list[tuple[list, list]], where: str, memory: str
) -> int:
    print(
        f"{client} burst, {where}: {sessions} sessions open the Overview within one second, {len(rounds)} rounds"
    )
    for number, (timings, errors) in enumerate(rounds, 1):
        p50, p95, slowest = _spread(timings)
        first = " (right after start)" if number == 1 else ""
        print(
            f"round {number}{first}: {len(timings)} pages, {len(errors)} errors, "
            f"p50 {p50:.2f} s, p95 {p95:.2f} s, slowest {slowest:.2f} s"
        )
        for error in errors[:5]:
            print(f"  error: {error}")
    print(f"app memory {memory}")
    return 1 if any(errors for _timings, errors in rounds) else 0


if __name__ == "__main__":
    sys.exit(main())
