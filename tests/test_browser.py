"""The app as a user meets it: `streamlit run`, a real Chromium, real clicks.

Every wait is for a condition (Playwright's `expect`, or Streamlit done running), never for a
number of seconds, so the tests hold on a busy machine. What a page must show is worked out
from the store it serves, not typed in. Screenshots of what the browser showed go to
`screenshots/browser/` (pytest names the folder in its summary), so a person can look at them.
"""

import re
import socket
import subprocess
import sys
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect, sync_playwright

from kpi.domain import attention
from kpi.domain.access import EVERYTHING
from kpi.store import engine, monthly, queries
from kpi.store import schema as s
from kpi.text import fmt, palette
from kpi.ui.views import cascade_view, overview_view
from tests.conftest import ROOT
from tools.screenshot import CHROMIUM, CHROMIUM_ARGS, SETTLE_MS, fit_to_content, settle
from tools.serve import app as serve_app

pytestmark = pytest.mark.xdist_group("browser")
"""With `make test` running tests in two processes, this module's tests share one, its Streamlit
server and its Chromium. The journeys, the busy import, Present and the cluster are groups of
their own (`browser-journeys`, `browser-busy`, `browser-present`, `cluster`), so the two
processes can each run browser tests rather than one running all of them in turn while the
other runs everything else."""
SHOTS = ROOT / "screenshots" / "browser"
OCTOBER = date(2026, 10, 1)
expect.set_options(timeout=SETTLE_MS)  # a busy machine may take a while; a missing text still fails
STORES: dict[str, Path] = {}
"""Each running server's store file, for tests that change it from outside."""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(demo_duckdb_file, folder, **settings):
    """The app (its launcher, as `make run` starts it) on a copy of the demo store, until the block ends."""
    store = folder / "store.duckdb"
    store.write_bytes(Path(demo_duckdb_file).read_bytes())
    shown = {"STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": "full", **settings}  # a failure says what broke
    with serve_app(f"duckdb:///{store}", **shown) as running:
        STORES[running.base] = store
        yield running.base


class Tabs:
    """A Chromium whose tabs share one browsing context, as a person's tabs share one profile:
    the app's scripts and styles, fetched and compiled by the first tab, come from the context's
    cache for every later one (what that saves Chromium: README, Tests). Nothing of a test is
    left for the next: each tab has its own Streamlit session, and pages are closed after every
    test. A test that needs a browsing context of its own (other request headers) asks for one."""

    def __init__(self, browser: Browser):
        self.browser = browser
        self.shared = browser.new_context()

    def new_page(self, viewport: ViewportSize | None = None) -> Page:
        """A new tab of the shared context, at the viewport asked for (Playwright's default,
        1280 × 720, when none is)."""
        page = self.shared.new_page()
        if viewport is not None:
            page.set_viewport_size(viewport)
        return page

    def new_context(self, **options) -> BrowserContext:
        return self.browser.new_context(**options)

    def close_pages(self) -> None:
        """Close every tab the last test opened, and every context it made of its own."""
        for context in self.browser.contexts:
            if context is self.shared:
                for page in context.pages:
                    page.close()
            else:
                context.close()


@contextmanager
def chromium():
    """Debian's Chromium through Playwright, until the block ends."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield Tabs(launched)
        launched.close()


def open_page(browser, url, width=1440):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(SETTLE_MS)  # clicks too: Playwright's own 30 s ran out on a busy machine
    page.goto(url)
    settle(page)
    return page


def main(page):
    return page.locator("[data-testid='stMain']")


def metric_value(page, label):
    """The value of the metric labelled `label`, once it is drawn."""
    label_element = page.locator("[data-testid='stMetricLabel']").get_by_text(label, exact=True)
    metric = page.locator("[data-testid='stMetric']").filter(has=label_element)
    return metric.first.locator("[data-testid='stMetricValue']")


def shown(row):
    """A report row's value as the pages write it."""
    return fmt.value(row.value.value if row.value else None, row.kpi.unit)


@pytest.fixture(scope="module")
def october(demo_duckdb_file):
    """The demo's October report, as the app works it out for an executive: what pages must show."""
    with engine.reading(engine.create(f"duckdb:///{demo_duckdb_file}")) as conn:
        return monthly.month_report(conn, EVERYTHING, OCTOBER, "en")


@pytest.fixture(scope="module")
def catalogue(demo_duckdb_file):
    """Every KPI of the demo store, to name what one department must not see of another."""
    with engine.reading(engine.create(f"duckdb:///{demo_duckdb_file}")) as conn:
        return queries.kpis(conn, EVERYTHING, "en")


def test_health_endpoint_answers_ok(server):
    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=5) as response:
        assert response.read() == b"ok"


def test_overview_in_a_real_browser(server, browser, october):
    page = open_page(browser, f"{server}/?month=2026-10")
    expect(main(page)).to_contain_text("Overview — October 2026")
    for node in october.roots:  # each strategic goal's tile: its title, status and KPI value
        row = october.goals[node.goal.code]
        expect(main(page)).to_contain_text(row.goal.title)
        expect(main(page)).to_contain_text(palette.label(row.status))
        expect(metric_value(page, row.kpi.name)).to_have_text(shown(row))
    mismatches = [i for i in attention.items(october, []) if i.kind is attention.Kind.MISMATCH]
    assert mismatches  # the demo company's cascade has a goal whose parts do not add up
    for item in mismatches:
        # the exception list's badge, then what it is about
        expect(main(page)).to_contain_text(re.compile(rf"Green parts, red whole\s+{re.escape(item.subject)}"))
    settle(page)
    body = main(page).inner_text()
    assert "Traceback" not in body and "Error" not in body
    fit_to_content(page, 1440)
    page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)


def test_open_a_goal_from_the_overview(server, browser, demo_duckdb_file, october):
    with engine.reading(engine.create(f"duckdb:///{demo_duckdb_file}")) as conn:
        listed = monthly.attention(conn, EVERYTHING, october, "en")  # the Overview's exception list
    linked = [item for item in listed[: overview_view.LIST_LIMIT] if item.goal or item.department]
    number, first = next((n, item) for n, item in enumerate(linked) if item.goal)  # most severe goal
    page = open_page(browser, f"{server}/?month=2026-10")
    page.get_by_role("link", name="Open").nth(number).click()
    expect(main(page)).to_contain_text("Goal cascade — October 2026")
    expect(page).to_have_url(re.compile(f"goal={first.goal}"))
    expect(main(page)).to_contain_text(october.goals[first.goal].goal.title)  # the item's goal, opened
    expect(page.locator("[data-testid='stEChartsChart'] canvas").first).to_be_visible()
    settle(page)
    fit_to_content(page, 1440)
    page.screenshot(path=str(SHOTS / "cascade.png"), full_page=True)


def test_overview_in_danish(server, browser):
    page = open_page(browser, f"{server}/?month=2026-10&lang=da")
    expect(main(page)).to_contain_text("Overblik — oktober 2026")
    expect(main(page)).to_contain_text("På sporet")
    fit_to_content(page, 1440)
    page.screenshot(path=str(SHOTS / "overview-da.png"), full_page=True)


def test_a_deep_link_as_the_first_request_gets_the_whole_app(demo_duckdb_file, tmp_path, browser):
    """Right after a start, a bookmark must not meet Streamlit's legacy pages/ mode."""
    with serve(demo_duckdb_file, tmp_path) as fresh:
        page = open_page(browser, f"{fresh}/goal_cascade?month=2026-08&goal=O9")
        expect(main(page)).to_contain_text("Goal cascade — August 2026")
        expect(main(page)).to_contain_text("The webshop stays up for customers")
        expect(page.locator("[data-testid='stEChartsChart'] canvas").first).to_be_visible()
        navigation = page.locator("[data-testid='stSidebarNav']")
        expect(navigation).to_contain_text("Goal cascade")
        expect(navigation).to_contain_text("Overview")
        settle(page)
        assert "app" not in navigation.inner_text().split()


def test_a_saved_comment_leaves_an_empty_form_in_the_browser(demo_duckdb_file, tmp_path, browser):
    """A head's trial on a phone: after "Saved." the form still showed what was typed, though the
    server had forgotten it (the browser keeps a widget's value while its key stays), and a
    second tap was refused as a duplicate. Saving makes new, empty fields (`forms._renew`)."""
    with serve(demo_duckdb_file, tmp_path) as fresh:
        head = "ida.krogh@havnhjem.example"
        page = open_page(browser, f"{fresh}/departments?month=2026-10&lang=en&as={head}")
        fold = main(page).locator("[data-testid='stExpander'] summary")
        fold.filter(has_text="Write the commentary for October 2026").click()
        form = main(page).locator("[data-testid='stForm']").first
        subject = form.get_by_role("combobox")
        expect(subject).to_be_visible()
        settle(page)  # the fold's run has drawn the form: keys pressed before reached nothing (CI, once)
        for _ in range(3):  # chosen: a form without its subject is refused, and keeps its text
            subject.focus()
            subject.press("ArrowDown")
            subject.press("Enter")
            try:
                expect(subject).not_to_have_value("", timeout=10_000)
                break
            except AssertionError:
                continue
        expect(subject).not_to_have_value("")
        area = form.locator("textarea")
        area.fill("Two campaigns went out without a briefing.")
        # the form's own shortcut for Save, in the focused box: a click on a page still laying out
        # was lost once on a busy machine (tests/test_cluster.py)
        area.press("Control+Enter")
        # the rerun after the save draws a new, empty box (the old one kept its text)
        expect(main(page).locator("[data-testid='stForm'] textarea").first).to_have_value("")
        settle(page)
        with engine.reading(engine.create(f"duckdb:///{STORES[fresh]}")) as conn:
            said = conn.execute(sa.select(s.commentary.c.text).where(s.commentary.c.author == head)).scalars()
            assert "Two campaigns went out without a briefing." in list(said)


def test_a_link_to_a_page_outside_the_viewers_role_is_refused_in_their_language(server, browser):
    """A department head opening a link to the Data page met Streamlit's own "Page not found"
    dialog, in English, saying the page did not exist, and the Overview ran behind it: the page is
    kept at its address but out of the menu, and it refuses in the viewer's language, with a way
    back to the Overview."""
    page = open_page(browser, f"{server}/data?month=2026-10&lang=da&as=ida.krogh@havnhjem.example", 390)
    expect(main(page)).to_contain_text("Denne side hører ikke til din rolle i cockpittet.")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "data-refused-da-390.png"))
    page.set_viewport_size({"width": 1440, "height": 900})
    navigation = page.locator("[data-testid='stSidebarNav']")
    expect(navigation).to_contain_text("Afdelinger")
    assert not {"Data", "Administration"} & set(navigation.inner_text().split()), navigation.inner_text()
    main(page).get_by_role("link", name="Gå til overblikket").click()
    expect(main(page)).to_contain_text("Overblik — oktober 2026")
    page.close()


UPLOADER_WORDS = """() => [...document.querySelectorAll('[data-testid="stFileUploaderDropzone"]')].map((zone) => {
    const shown = (element) => ({size: getComputedStyle(element).fontSize,
                                 after: getComputedStyle(element, '::after').content});
    return {button: shown(zone.querySelector('button p')),
            limit: shown(zone.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span'))};
})"""
"""What each file uploader's button and limit show: Streamlit's own words (at font size 0) and
ours after them."""


def test_the_file_uploader_speaks_the_page_s_language(server, browser):
    """Streamlit's uploader says "Upload" and "200MB per file • CSV, TXT, XLSX" in English on a
    Danish page: its words are hidden and the page's shown in their place."""
    page = open_page(browser, f"{server}/data?month=2026-10&lang=da&as=sofie.dahl@havnhjem.example")
    expect(page.locator("[data-testid='stFileUploaderDropzone']")).to_be_visible()
    zones = page.evaluate(UPLOADER_WORDS)
    page.screenshot(path=str(SHOTS / "uploader-da.png"))
    page.close()
    limit = "Højst 200\u00a0MB pr. fil · CSV, TXT, XLSX"
    assert zones == [
        {"button": {"size": "0px", "after": '"Vælg fil"'}, "limit": {"size": "0px", "after": f'"{limit}"'}}
    ], zones


HINT = """(field) => { const hint = field.closest('[data-testid]:has([data-testid="InputInstructions"])')
                                   .querySelector('[data-testid="InputInstructions"]');
    return [...hint.children].map((part) => [getComputedStyle(part).fontSize,
                                             getComputedStyle(part, '::after').content]); }"""
"""The parts of the typing hint under a field: each part's font size and what its style writes
after it (Streamlit's English at size 0, the page's words after it; the character count as it
is)."""


def test_the_typing_hints_under_fields_speak_the_page_s_language(server, browser):
    """Streamlit writes "Press Ctrl+Enter to submit form" and "Press Enter to apply" in English
    under a field being typed in, and "No results" in a picker, on a Danish page too."""
    head = "ida.krogh@havnhjem.example"
    page = open_page(browser, f"{server}/departments?month=2026-10&lang=da&as={head}")
    fold = (
        main(page)
        .locator("[data-testid='stExpander'] summary")
        .filter(has_text="Skriv kommentaren for oktober 2026")
    )
    fold.click()  # open by itself only while a number owes a word: none of hers does in October
    area = main(page).locator("[data-testid='stForm'] textarea").first
    area.click()
    area.press_sequentially("Godt")
    expect(main(page).locator("[data-testid='InputInstructions']").first).to_be_visible()
    in_form = area.evaluate(HINT)
    page.close()
    page = open_page(browser, f"{server}/data?month=2026-10&lang=da&as=sofie.dahl@havnhjem.example")
    main(page).get_by_role("tab", name="Revisionslog").click()
    key = main(page).get_by_label("Nøglen indeholder")
    key.click()
    key.press_sequentially("O1")
    expect(main(page).locator("[data-testid='InputInstructions']").first).to_be_visible()
    alone = key.evaluate(HINT)
    main(page).get_by_label("Hvad").click()  # a picker given a word none of its choices hold
    page.keyboard.type("zzz")
    empty = page.locator("[role='listbox'][data-empty='true'] [role='option'] > span")
    expect(empty).to_be_visible()
    nothing = empty.evaluate("(s) => [getComputedStyle(s).fontSize, getComputedStyle(s, '::after').content]")
    page.close()
    # no character count: the box has no cap of its own (a longer paste is refused with its length)
    assert in_form == [["0px", '"Tryk Ctrl+Enter for at sende formularen"']], in_form
    assert alone[0] == ["0px", '"Tryk Enter for at anvende"'], alone
    assert nothing == ["0px", '"Ingen resultater"'], nothing


@pytest.fixture(scope="module")
def proxied(demo_duckdb_file, tmp_path_factory):
    """The app in header mode, reached directly: whoever connects names themselves in
    X-Forwarded-Email (what a trusted proxy in front of it would set)."""
    with serve(demo_duckdb_file, tmp_path_factory.mktemp("header"), KPI_AUTH_MODE="header") as base:
        yield base


SIGNED_IN = "sso_email"
"""The cookie the test's sign-in proxy reads the e-mail from (a stand-in for an SSO session)."""


@pytest.fixture(scope="module")
def signed_in(proxied, tmp_path_factory):
    """A real proxy (HAProxy) in front of the header-mode app, as a deployment has one: it drops
    any X-Forwarded-Email the browser sends and sets it from the sign-in cookie, on the page and on
    the websocket alike. (Chromium sends a context's extra headers on page requests but not on
    the websocket's handshake, so a header set by the browser alone never reaches the app.)"""
    from tools import cluster
    from tools import serve as serve_tools

    folder = tmp_path_factory.mktemp("sso")
    port = serve_tools.free_port()
    config = folder / "haproxy.cfg"
    config.write_text(
        f"""defaults
    mode http
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h

frontend sso
    bind 127.0.0.1:{port}
    http-request del-header X-Forwarded-Email
    http-request set-header X-Forwarded-Email %[req.cook({SIGNED_IN})] if {{ req.cook({SIGNED_IN}) -m found }}
    default_backend app

backend app
    server app {proxied.removeprefix("http://")}
"""
    )
    with open(folder / "haproxy.log", "wb") as log:
        proxy = subprocess.Popen([cluster.haproxy(), "-db", "-f", str(config)], stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        serve_tools.wait_healthy(base, proxy)  # the app's health, through the proxy
        yield base
    finally:
        serve_tools.stop(proxy)


def open_as(browser, base, path, email):
    """`path` on the app through the sign-in proxy, signed in as `email`."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_cookies([{"name": SIGNED_IN, "value": email, "url": base}])
    context.set_default_timeout(SETTLE_MS)
    page = context.new_page()
    page.goto(base + path)
    settle(page)
    return page


def test_header_mode_shows_a_department_head_only_their_department(signed_in, browser, catalogue):
    page = open_as(
        browser, signed_in, "/departments?month=2026-10&department=CS", "henrik.juul@havnhjem.example"
    )
    expect(main(page)).to_contain_text("IT operations — October 2026")
    own = [k.name for k in catalogue if k.department == "IT"]
    for name in own:
        expect(main(page)).to_contain_text(name)
    expect(page.locator("[data-testid='stEChartsChart'] canvas").first).to_be_visible()
    settle(page)
    body = main(page).inner_text()
    foreign = [k.name for k in catalogue if k.department != "IT" and not any(k.name in o for o in own)]
    assert [name for name in [*foreign, "Customer service"] if name in body] == []
    assert "View as" not in page.inner_text("[data-testid='stSidebar']")  # no demo picker behind a proxy
    fit_to_content(page, 1440)
    page.screenshot(path=str(SHOTS / "header-it-head.png"), full_page=True)


def test_header_mode_shows_an_unknown_email_no_data(signed_in, browser, october):
    page = open_as(browser, signed_in, "/?month=2026-10", "stranger@example.com")
    # the address that came is named, so a typo in it can be seen
    expect(main(page)).to_contain_text("whom the cockpit does not know")
    assert "stranger@example.com" in main(page).inner_text().replace("\u2060", "")
    settle(page)
    body = main(page).inner_text()
    first = october.goals[october.roots[0].goal.code]
    assert first.goal.title not in body and first.kpi.name not in body and shown(first) not in body
    assert not page.query_selector("[data-testid='stMetric']")


def test_an_import_from_the_command_line_while_the_app_serves(demo_duckdb_file, tmp_path, browser, october):
    """It changes the store, so it gets a server of its own: the shared one serves the demo as is."""
    with serve(demo_duckdb_file, tmp_path) as server:
        _import_while_serving(server, browser, october)


def _import_while_serving(server, browser, october):
    wait = october.kpis["CS_WAIT"]
    page = open_page(browser, f"{server}/departments?month=2026-10&department=CS")
    expect(metric_value(page, wait.kpi.name)).to_have_text(shown(wait))
    imported = round(wait.value.value) + 24  # a whole number the month did not have
    csv = ROOT / "screenshots" / "browser" / "wait.csv"
    csv.write_text(f"kpi;month;value\nCS_WAIT;2026-10;{imported}\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kpi",
            "--db",
            f"duckdb:///{STORES[server]}",
            "import",
            "measurements",
            str(csv),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr  # the app holds the file only while it reads
    page.reload()  # no Refresh data: the import raised the data version, so the next run reads afresh
    expect(metric_value(page, wait.kpi.name)).to_have_text(fmt.value(imported, wait.kpi.unit))
    expect(main(page)).to_contain_text("Customer service — October 2026")


def test_the_load_script_s_clients_drive_the_app_and_notice_what_goes_wrong(server, monkeypatch):
    """`make load` in small: websocket clients as an executive and a department head get every
    page without an error, and a page the app does not know is counted as one."""
    from tools import load

    people = ["mette.kjaer@havnhjem.example", "rasmus.friis@havnhjem.example"]
    timings, errors = _load(server, people, 2, 4.0)
    assert errors == [] and len(timings) >= 2  # each session's first page at least
    monkeypatch.setattr(load, "PAGES", ["no_such_page"])
    timings, errors = _load(server, people[:1], 1, 0.5)
    assert errors and all("page not found" in e for e in errors)


def test_sessions_that_arrive_together_at_a_fresh_start_all_get_their_pages(demo_duckdb_file, tmp_path):
    """Right after a start, several first runs at once used to race for the imports and the
    store file ("partially initialized module", "Unique file handle conflict")."""
    people = [
        "mette.kjaer@havnhjem.example",
        "camilla.berg@havnhjem.example",
        "rasmus.friis@havnhjem.example",
    ]
    with serve(demo_duckdb_file, tmp_path) as base:
        timings, errors = _load(base, people, 6, 3.0)
    assert errors == [] and len(timings) >= 6  # each session's first page at least


def _load(base, people, sessions, seconds):
    """`tools/load.py`'s websocket sessions, on a thread of their own: Playwright's synchronous
    API keeps an event loop running on this one."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from tools import load

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, load._drive(base, people, sessions, seconds, "socket")).result()


def test_tables_offer_no_download_a_spreadsheet_would_run(server, browser):
    """A table's own CSV download (and copy) would hand a goal or action title typed as
    `=HYPERLINK(…)` to Excel as a live formula, so the app turns them off
    (`client.disableDataExport`); the Data page's downloads are the ones made safe."""
    page = open_page(browser, f"{server}/goal_cascade?month=2026-10")
    main(page).locator("[data-testid='stDataFrame']").first.hover()
    toolbar = page.locator("[data-testid='stElementToolbar']")
    expect(toolbar.get_by_role("button", name="Search")).to_be_visible()  # the table's own toolbar is up
    expect(toolbar.get_by_role("button", name="Download as CSV")).to_have_count(0)


def _page_over_a_websocket(base, headers):
    """The Overview as one websocket client sends for it with `headers` on the upgrade request
    (a list of pairs, so a header may come twice, as a proxy that appends its own would send
    it): the texts of the page's messages, once the run has finished."""
    import asyncio

    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async def run():
        address = base.replace("http://", "ws://") + "/_stcore/stream"
        texts = []
        async with websockets.connect(
            address, subprotocols=["streamlit"], origin=base, additional_headers=headers, max_size=None
        ) as ws:
            ask = BackMsg()
            ask.rerun_script.query_string = "month=2026-10"
            await ws.send(ask.SerializeToString())
            while True:
                message = ForwardMsg()
                message.ParseFromString(await asyncio.wait_for(ws.recv(), SETTLE_MS / 1000))
                if message.WhichOneof("type") == "script_finished":
                    return texts
                if (
                    message.WhichOneof("type") == "delta"
                    and message.delta.WhichOneof("type") == "new_element"
                ):
                    element = message.delta.new_element
                    kind = element.WhichOneof("type")
                    if kind in ("alert", "markdown", "heading", "metric", "exception"):
                        texts.append((kind, str(getattr(element, kind))))

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:  # Playwright's synchronous API keeps a loop on this thread
        return pool.submit(asyncio.run, run()).result()


def test_a_real_request_with_the_identity_header_twice_signs_nobody_in(proxied, october):
    """Through Streamlit's real request handling (the leak matrix replaces the headers a page
    sees): a proxy that appends its X-Forwarded-Email after the client's must not let the
    client choose who they are, whichever of the two comes first."""
    head, admin = "henrik.juul@havnhjem.example", "mette.kjaer@havnhjem.example"
    alone = _page_over_a_websocket(proxied, [("X-Forwarded-Email", admin)])
    first = october.goals[october.roots[0].goal.code]
    assert any(first.kpi.name in text for _, text in alone)  # one header: the person's Overview
    for pair in ([head, admin], [admin, head]):
        texts = _page_over_a_websocket(proxied, [("X-Forwarded-Email", email) for email in pair])
        assert [kind for kind, _ in texts if kind == "exception"] == []
        assert any("named more than one person" in text for kind, text in texts if kind == "alert"), texts
        assert not any(first.kpi.name in text or first.goal.title in text for _, text in texts)


def test_an_address_with_a_danish_letter_in_the_identity_header_is_read_as_the_proxy_wrote_it(proxied):
    """A proxy sends the header's UTF-8 bytes; the server reads bytes as Latin-1, and a person
    named camilla.nø@… was told she was "camilla.nÃ¸@…", whom the cockpit does not know."""
    texts = _page_over_a_websocket(proxied, [("X-Forwarded-Email", "camilla.nø@fjordbank.example")])
    said = " ".join(text for kind, text in texts if kind == "alert")
    assert "You are signed in as camilla.nø" in said and "fjordbank.example" in said, texts
    assert "Ã" not in said, texts


CARD_VALUES = """() => {
    const lines = {};
    for (const column of document.querySelectorAll('[data-testid="stColumn"]')) {
        const value = column.querySelector('[data-testid="stMetricValue"]');
        if (value === null) continue;
        const line = Math.round(column.getBoundingClientRect().top);
        (lines[line] = lines[line] || []).push(Math.round(value.getBoundingClientRect().top));
    }
    return Object.values(lines).filter((tops) => tops.length > 1);
}"""
"""The top of each card's value, for cards that stand side by side (on a phone they stack)."""

CUT_NAMES = """() => [...document.querySelectorAll('[class*="st-key-clamp-"]')]
    .filter((block) => block.clientHeight < 20
        || (getComputedStyle(block).overflow === "hidden" && block.scrollHeight > block.clientHeight + 1))
    .map((block) => block.innerText)"""
"""Card names whose block hides part of them (beyond the "…" of the two-line clamp)."""


@pytest.mark.parametrize("path", ["departments?department=CS", "", "departments?department=ECOM"])
def test_the_values_of_a_row_of_cards_stand_on_one_line(server, browser, path):
    """A name that wraps on one card and not on the next, or process badges on one only, used to
    push that card's value down: names now take two lines of room (cut with "…", whole in the
    help), and what varies in height stands below the value. One page, made narrower: the
    layout is the browser's (CSS), so a new width needs no new run of the app."""
    join = "&" if "?" in path else "?"
    page = open_page(browser, f"{server}/{path}{join}month=2026-10", 1440)
    found = {}
    for width in (1440, 1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function("(width) => window.innerWidth === width", arg=width)
        settle(page)
        found[width] = page.evaluate(CARD_VALUES), page.evaluate(CUT_NAMES)
        name = path.replace("?", "-").replace("=", "-") or "overview"
        page.screenshot(path=str(SHOTS / f"card-values-{name}-{width}.png"))
    page.close()
    for width, (rows, cut) in found.items():
        assert (width == 390) is not bool(rows), (width, rows)  # side by side on a screen, stacked on a phone
        assert cut == [], (width, cut)  # a phone once squeezed the name blocks to nothing
        for tops in rows:
            assert max(tops) - min(tops) <= 1, (width, tops)


ROW_LINKS = """() => [...document.querySelectorAll('[class*="st-key-row-link-"]')].map((row) => {
    const [words, link] = [row.firstElementChild, row.lastElementChild].map((e) => e.getBoundingClientRect());
    return {row: row.getBoundingClientRect().width, words: words.width, below: link.top >= words.bottom - 1};
})"""
"""Each attention row: its width, its words' width, and whether its link stands below them."""


def test_an_attention_row_s_link_goes_under_its_words_on_a_phone(server, browser):
    """At 390 pixels the link at each row's right squeezed an item into half the screen, some
    fourteen lines tall: on a phone it goes under the words, which take the whole width."""
    page = open_page(browser, f"{server}/?month=2026-10", 1440)
    found = {}
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function("(width) => window.innerWidth === width", arg=width)
        settle(page)
        found[width] = page.evaluate(ROW_LINKS)
    page.screenshot(path=str(SHOTS / "overview-attention-390.png"), full_page=True)
    page.close()
    assert found[1440] and len(found[1440]) == len(found[390])
    assert not any(row["below"] for row in found[1440])  # beside the words on a screen
    for row in found[390]:
        assert row["below"] and row["words"] >= row["row"] - 1, row


def test_on_a_phone_the_count_at_the_top_takes_you_to_the_list(server, browser):
    """On a phone the attention list stood some 2,300 pixels down, under the goals' tiles (a
    CEO's trial): the count of items at the top is a link that brings its heading to the top."""
    from kpi.ui.views import overview_view

    page = open_page(browser, f"{server}/?month=2026-10", 390)
    heading = page.locator(f"#{overview_view.LIST_ANCHOR}")
    assert heading.bounding_box()["y"] > 900  # below the first screen
    main(page).locator(f'a[href="#{overview_view.LIST_ANCHOR}"]').first.click()
    page.wait_for_function(
        "(id) => { const top = document.getElementById(id).getBoundingClientRect().top;"
        " return top >= 0 && top < 200; }",
        arg=overview_view.LIST_ANCHOR,
    )
    page.close()


def test_on_a_phone_a_head_s_count_of_what_she_owes_takes_her_to_her_items(server, browser):
    """A head's trial: what she owed stood some 3,500 pixels down the Overview on a phone, and
    nothing at the top said so; now a line at the top counts it and takes her there."""
    from kpi.ui.views import cycle_view

    anchor = cycle_view.OWED_ANCHOR
    page = open_page(browser, f"{server}/?month=2026-10&as=camilla.berg@havnhjem.example", 390)
    link = main(page).locator(f'a[href="#{anchor}"]').first
    expect(link).to_contain_text("You owe")
    assert link.bounding_box()["y"] < 900 < page.locator(f"#{anchor}").bounding_box()["y"]
    link.click()
    page.wait_for_function(
        "(id) => { const top = document.getElementById(id).getBoundingClientRect().top;"
        " return top >= 0 && top < 200; }",
        arg=anchor,
    )
    page.close()


GRIDS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
    .filter((grid) => { const width = grid.getBoundingClientRect().width;
                        return width > 0 && grid.querySelector('.dvn-scroller')
                               && Math.abs(width - grid.parentElement.getBoundingClientRect().width) < 1; })
    .map((grid) => { const s = grid.querySelector('.dvn-scroller');
                     return {width: grid.getBoundingClientRect().width, scroll: s.scrollWidth - s.clientWidth}; })"""
"""The tables on screen, each once it is drawn at the width of its frame: how wide, and how far
each scrolls sideways. A grid drawn again after the window changed width first has no scrolling
area, then for a frame or two a 52-pixel one that scrolls 304 pixels (CI caught it so once),
and only then the frame's width."""


def one_grid_at(page, width):
    """The page's one table (`GRIDS`) once the window is `width` pixels wide and it is drawn."""
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_function("(width) => window.innerWidth === width", arg=width)
    drawn = page.wait_for_function(
        f"() => {{ const grids = ({GRIDS})(); return grids.length === 1 && grids; }}"
    )
    return drawn.json_value()[0]


def test_a_phone_gets_the_cascade_as_a_list_that_fits(server, browser, october):
    """At 390 pixels the cascade's table showed a fifth of each goal's title and left its target
    off the screen: a phone gets the tree as a list, every goal's line inside the screen, and no
    table; a screen keeps the table and shows no list."""
    page = open_page(browser, f"{server}/goal_cascade?month=2026-10", 1440)
    items = page.locator(".st-key-phone-cascade li")
    grid = page.locator(".st-key-wide-cascade [data-testid='stDataFrame']")
    expect(grid).to_be_visible()
    expect(items.first).to_be_hidden()
    page.set_viewport_size({"width": 390, "height": 900})
    expect(items.first).to_be_visible()
    expect(grid).to_be_hidden()
    page.screenshot(path=str(SHOTS / "goal_cascade-list-390.png"), full_page=True)
    edges = items.evaluate_all("(items) => items.map((item) => item.getBoundingClientRect().right)")
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    page.close()
    assert len(edges) == len(october.goals) and max(edges) <= 390, edges
    assert wide <= 0, wide


@pytest.mark.parametrize("language", ["en", "da"])
def test_a_laptop_shows_the_cascade_s_table_whole_and_a_tablet_gets_the_list(server, browser, language):
    """At 1280 pixels Streamlit's sidebar and margins left the cascade's table 820 of the pixels
    it needs: the process verdicts stood off its right edge, a sideways scroll away. A laptop's
    screen now gives the pages their room (`widgets.ROOM_STYLE`), so the table shows whole there
    and at 1440, each column at its width; a narrower window, a tablet's, gets the phone's list."""
    page = open_page(browser, f"{server}/goal_cascade?month=2026-10&lang={language}", 1280)
    found = {}
    for width in (1280, 1440):
        found[width] = one_grid_at(page, width)
        page.screenshot(path=str(SHOTS / f"goal_cascade-table-{language}-{width}.png"))
    page.set_viewport_size({"width": cascade_view.LIST_BELOW - 1, "height": 900})
    expect(page.locator(".st-key-phone-cascade li").first).to_be_visible()
    expect(page.locator(".st-key-wide-cascade [data-testid='stDataFrame']")).to_be_hidden()
    page.close()
    for width, grid in found.items():
        assert grid["scroll"] <= 0 and grid["width"] >= cascade_view.TABLE_WIDTH, (width, grid)


def test_a_goal_opened_on_a_phone_comes_before_the_tree(server, browser, october):
    """The Overview's Open on a phone landed on the cascade's title with the goal's detail some
    2,800 pixels down, under every goal of the tree: a chosen goal comes first there, the list
    after it; a screen keeps the tree (its table) above the detail."""
    title = october.goals["T1"].goal.title
    tops = {}
    for width in (390, 1440):
        page = open_page(browser, f"{server}/goal_cascade?month=2026-10&goal=T1", width)
        heading = page.get_by_role("heading", name=title, exact=True)
        expect(heading).to_be_visible()
        tree = ".st-key-phone-cascade" if width == 390 else ".st-key-wide-cascade"
        tops[width] = page.evaluate(
            "([tree, heading]) => [document.querySelector(tree).getBoundingClientRect().top, heading]",
            [tree, heading.evaluate("(h) => h.getBoundingClientRect().top")],
        )
        page.close()
    assert tops[390][1] < tops[390][0], tops  # the detail above the list
    assert tops[1440][0] < tops[1440][1], tops  # the table above the detail


BUTTONS_PAST_COLUMN = """() => [...document.querySelectorAll('[data-testid="stColumn"] button')]
    .filter((button) => button.getBoundingClientRect().right
        > button.closest('[data-testid="stColumn"]').getBoundingClientRect().right + 1)
    .map((button) => button.innerText)"""
"""The buttons of a row of filters that reach past their column's edge (drawn cut off)."""


CARDS_A_ROW = """() => { const rows = {};
    for (const card of document.querySelectorAll('[class*="st-key-pairs-"] [data-testid="stColumn"]')) {
        const box = card.getBoundingClientRect();
        (rows[Math.round(box.top)] = rows[Math.round(box.top)] || []).push(Math.round(box.right));
    }
    return Object.keys(rows).sort((a, b) => a - b).map((top) => rows[top]); }"""
"""Cards kept in pairs on a phone: the right edge of each card, row by row."""


def test_a_phone_gets_tables_it_can_read(server, browser, october):
    """At 390 pixels the SMART table showed the goal and its level (their widths pushed the rest
    off the screen), and then, narrowed to the goal and its five checks, cut every title at 25
    characters: a phone now gets the goals as a list, each line its checks and its whole title
    inside the screen, and no table; a screen keeps the whole table and no list. The five counts
    above it stood one a row on a phone, a whole screen of them: two a row now, inside the
    screen."""
    path = "smart_goals"
    page = open_page(browser, f"{server}/{path}?month=2026-10", 1440)
    items = page.locator(".st-key-phone-smart li")
    grid = page.locator(".st-key-wide-smart [data-testid='stDataFrame']")
    found = {1440: one_grid_at(page, 1440)}
    expect(items.first).to_be_hidden()
    cards = {1440: page.evaluate(CARDS_A_ROW)}
    page.screenshot(path=str(SHOTS / f"{path}-table-1440.png"))
    page.set_viewport_size({"width": 390, "height": 900})
    expect(items.first).to_be_visible()
    expect(grid).to_be_hidden()
    cards[390] = page.evaluate(CARDS_A_ROW)
    lines = items.evaluate_all(
        "(items) => items.map((item) => [item.innerText, item.getBoundingClientRect().right])"
    )
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    page.screenshot(path=str(SHOTS / f"{path}-list-390.png"), full_page=True)
    # the filters above it: a fourth column cut the levels' last button off ("Operational") at 1280
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_function("() => window.innerWidth === 1280")
    cut = page.evaluate(BUTTONS_PAST_COLUMN)
    page.close()
    assert found[1440]["width"] > 900
    titles = {row.goal.title for row in october.goals.values()}
    assert len(lines) == len(titles), lines
    assert all(any(text.endswith(title) for title in titles) for text, _ in lines), lines
    checks = re.compile(r"(?:[✓✕] S)\s*(?:[✓✕] M)\s*(?:[✓✕] A)\s*(?:[✓✕] R)\s*(?:[✓✕] T)\s")
    assert all(checks.match(text) for text, _ in lines), lines
    assert any("✕" in text for text, _ in lines) and any("✕" not in text for text, _ in lines), lines
    assert max(right for _, right in lines) <= 390 and wide <= 0, (lines, wide)
    assert cut == [], cut
    assert [len(row) for row in cards[1440]] == [5], cards
    assert [len(row) for row in cards[390]] == [2, 2, 1], cards
    assert max(edge for row in cards[390] for edge in row) <= 390, cards
