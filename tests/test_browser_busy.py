"""Four people keep browsing while the command line imports two million survey answers.

DuckDB lets one process hold its file at a time, so while the import writes, every page the app
runs waits for the store (up to `KPI_BUSY_WAIT`) and, should the import outlast that, says the
store is busy with a *Try again* button (the session then asks for the page again). What must
never happen is what an adversarial run saw: "This app has encountered an error" on 7 of 674 page
runs. Each session asks for a page and a month it has not asked for before, so no visit is
served from the cache alone, and a visit counts only when the page drew its heading. The store
is watched in /proc/locks, so the test knows when the import really held it and that every
session was browsing then.
"""

import asyncio
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from playwright.async_api import async_playwright

from kpi.domain import months
from kpi.domain.model import SURVEY_SCALES, Aggregation, Role
from kpi.store import engine
from kpi.store import schema as s
from tests.conftest import DEMO_END, ROOT
from tests.test_browser import SHOTS, STORES, serve
from tools.load import PAGES
from tools.screenshot import CHROMIUM, CHROMIUM_ARGS, IDLE, SETTLE_MS

pytestmark = pytest.mark.xdist_group("browser-busy")
"""A group of its own, apart from the other browser tests: it starts its own server and Chromium,
so under `make test` it runs in one process while the other runs the rest of the browser tests."""
ANSWERS = 2_000_000
SESSIONS = 4
FIRST_DAY = months.add(DEMO_END, -11)
"""The answers fall on every day of the demo's last twelve months, replacing what it holds."""
BUSY_TRIES = 20
"""A page that still says "busy" after this many tries is a failure, not a wait."""
IMPORT_SECONDS = 600


@dataclass
class Visit:
    person: str
    address: str
    started: float
    ended: float = 0.0
    busy: int = 0
    """How many times the page said the store was busy before it drew."""
    problems: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def store_facts(demo_duckdb_file):
    """The demo's people who browse (executives and department heads) and its survey KPIs."""
    with engine.reading(engine.create(f"duckdb:///{demo_duckdb_file}")) as conn:
        people = conn.execute(
            sa.select(s.person.c.email)
            .where(s.person.c.role.in_([Role.EXECUTIVE, Role.DEPARTMENT_HEAD]))
            .order_by(s.person.c.email)
        ).scalars()
        surveys = conn.execute(
            sa.select(s.kpi.c.code, s.kpi.c.aggregation)
            .where(s.kpi.c.aggregation.in_([kind.value for kind in SURVEY_SCALES]))
            .order_by(s.kpi.c.code)
        ).all()
        return list(people)[:SESSIONS], surveys


@pytest.fixture(scope="module")
def answers_file(store_facts, tmp_path_factory) -> Path:
    """Two million answers in the plain shape survey tools export, written by DuckDB in a
    second or two: round the survey KPIs, every day of the last twelve months, every score of
    each KPI's scale in turn."""
    _, surveys = store_facts
    scales = [SURVEY_SCALES[Aggregation(kind)] for _, kind in surveys]
    path = tmp_path_factory.mktemp("answers") / "answers.csv"
    days = (months.add(DEMO_END, 1) - FIRST_DAY).days
    generated = duckdb.connect().sql(
        "SELECT $codes[1 + i % $n] AS kpi, $first + CAST(i // $n % $days AS INTEGER) AS date, "
        "$lows[1 + i % $n] + CAST(i // ($n * $days) % $widths[1 + i % $n] AS INTEGER) AS score "
        "FROM range($answers) AS answers(i)",
        params={
            "codes": [code for code, _ in surveys],
            "lows": [low for low, _ in scales],
            "widths": [high - low + 1 for low, high in scales],
            "n": len(surveys),
            "first": FIRST_DAY,
            "days": days,
            "answers": ANSWERS,
        },
    )
    generated.write_csv(str(path), header=True)
    return path


@pytest.fixture(scope="module")
def busy_server(demo_duckdb_file, tmp_path_factory):
    with serve(demo_duckdb_file, tmp_path_factory.mktemp("busy")) as base:
        yield base, STORES[base]


def _address(base: str, person: str, number: int) -> str:
    """The `number`th visit of a session: each a month it has not asked for yet, pages in turn."""
    path, _, query = PAGES[number % len(PAGES)].partition("?")
    month = months.key(months.add(DEMO_END, -(number % 24)))
    return f"{base}/{path}?" + "&".join(filter(None, [query, f"month={month}", f"as={person}"]))


async def _look(page, visit: Visit) -> bool:
    """Whether the page is drawn; a busy notice is counted (and asks for another try), anything
    that looks like an error is one of the visit's problems."""
    await page.wait_for_function(IDLE, timeout=SETTLE_MS)
    body = await page.locator("[data-testid='stApp']").inner_text()
    exception = page.locator("[data-testid='stException']")
    if await exception.count():  # its first lines, to say which
        shown = " ".join((await exception.first.inner_text()).split())
        visit.problems.append(f"an exception on the page: {shown[:600]}")
    for words in ("Traceback", "This app has encountered an error", "Cannot open the store"):
        if words in body:
            visit.problems.append(f"“{words}” on the page")
    if await page.get_by_role("button", name="Try again").count():
        visit.busy += 1
        return False
    if not await page.locator("[data-testid='stMain'] h1").count():
        visit.problems.append("the page drew no heading")
    return True


async def _browse(browser, base: str, person: str, stop: threading.Event, warm, visits: list) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(SETTLE_MS)
    page = await context.new_page()
    number = 0
    while number == 0 or not stop.is_set():
        visit = Visit(person, _address(base, person, number), time.monotonic())
        for _ in range(BUSY_TRIES):
            await page.goto(visit.address, timeout=SETTLE_MS)
            if await _look(page, visit):
                break
        else:
            visit.problems.append(f"still busy after {BUSY_TRIES} tries")
        visit.ended = time.monotonic()
        visits.append(visit)
        if number == 0:
            warm.release()
        number += 1
    await context.close()


async def _sessions(base: str, people: list[str], stop: threading.Event, warm, visits: list) -> None:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(*(_browse(browser, base, who, stop, warm, visits) for who in people))
        finally:
            await browser.close()


def _holds(store: Path, importer: subprocess.Popen) -> list[tuple[float, float]]:
    """When `importer` held a lock on the store file, from /proc/locks, until it exits."""
    marker = f":{store.stat().st_ino} "
    held: list[tuple[float, float]] = []
    since = None
    while True:
        locks = Path("/proc/locks").read_text().splitlines()
        holding = any(marker in line and line.split()[4] == str(importer.pid) for line in locks)
        now = time.monotonic()
        if holding and since is None:
            since = now
        elif not holding and since is not None:
            held.append((since, now))
            since = None
        try:
            importer.wait(timeout=0.01)  # the next look at the locks, unless the import ends first
        except subprocess.TimeoutExpired:
            continue
        if since is not None:
            held.append((since, time.monotonic()))
        return held


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="the file locks are read from /proc/locks")
def test_four_sessions_keep_browsing_while_two_million_answers_are_imported(
    busy_server, store_facts, answers_file
):
    base, store = busy_server
    people, _ = store_facts
    assert len(people) == SESSIONS
    stop, warm, visits = threading.Event(), threading.Semaphore(0), []
    with ThreadPoolExecutor(1) as pool:  # Playwright's async API, on a thread of its own
        browsing = pool.submit(asyncio.run, _sessions(base, people, stop, warm, visits))
        for _ in people:  # each session has drawn its first page, so the app is warm when the import starts
            while not warm.acquire(timeout=1):
                if browsing.done():
                    browsing.result()  # a session failed: its error
                    raise AssertionError("the sessions ended before each had drawn a page")
        started = time.monotonic()
        command = ["-m", "kpi", "--db", f"duckdb:///{store}", "import", "responses", str(answers_file)]
        importer = subprocess.Popen(
            [sys.executable, *command], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            held = _holds(store, importer)
            out, err = importer.communicate(timeout=IMPORT_SECONDS)
        finally:
            stop.set()  # each session ends after the page it is on
            browsing.result()
    assert importer.returncode == 0, err
    assert out.startswith(f"{ANSWERS:,} rows: 0 new, {ANSWERS:,} replaced"), out  # as English writes numbers
    assert held, "the import never held the store"
    first, last = max(held, key=lambda span: span[1] - span[0])  # the write itself
    assert [(v.address, v.problems) for v in visits if v.problems] == []
    during = [v for v in visits if v.started < last and v.ended > first]
    assert {v.person for v in during} == set(people), "every session was browsing while the import wrote"
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "busy-import.txt").write_text(  # the figures, for a person to read
        f"{ANSWERS:,} answers; the import held the store from {first - started:.1f} s for {last - first:.1f} s; "
        f"{len(visits)} visits, {len(during)} while it wrote, {sum(v.busy for v in visits)} busy notices\n"
    )
    with engine.reading(engine.create(f"duckdb:///{store}")) as conn:
        landed = conn.execute(
            sa.select(sa.func.count()).select_from(s.response).where(s.response.c.date >= FIRST_DAY)
        ).scalar_one()
    assert landed == ANSWERS
