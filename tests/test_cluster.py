"""Past one process: two app processes on one PostgreSQL store behind HAProxy (tools/cluster.py),
as people meet them: Chromium through the proxy, two people at once.

Sticky sessions send each browser to one process for as long as it lives; what one person writes
is in PostgreSQL for everyone; a process killed mid-session (SIGKILL, no clean shutdown) loses
nothing, and its people's browsers reconnect through the proxy to the other process and get their
page. Every wait is for a condition.
"""

import gzip
import urllib.request
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from kpi.store import engine
from kpi.store import schema as s
from kpi.ui.prefetch import STATIC
from tests.conftest import ROOT
from tests.test_browser import SHOTS, main
from tools import cluster
from tools.screenshot import SETTLE_MS, settle

pytestmark = pytest.mark.xdist_group("cluster")
"""A cluster is two Streamlit servers, a proxy and Chromium: its tests run in one process, one at
a time, and as a group of their own, so the other process of `make test` can run them while this
one runs the other browser tests (the browser groups were one long queue in one process)."""
CEO = "mette.kjaer@havnhjem.example"
HEAD = "camilla.berg@havnhjem.example"
"""The head of Customer service, who may comment on its numbers."""
PAGE = "departments?month=2026-10&department=CS"
RECONNECTED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null && app.dataset.testConnectionState !== "CONNECTED";
}"""


@pytest.fixture(scope="module")
def deployment(pg_server, demo_pg_template):
    """Two app processes on a copy of the demo store in PostgreSQL, behind HAProxy."""
    name = "cluster_" + uuid.uuid4().hex[:8]
    url = pg_server.create_database(name, template=demo_pg_template)
    try:
        logs = SHOTS / "cluster-logs"  # what the processes and the proxy said, kept for a failure
        with cluster.cluster(url, 2, logs=logs, STREAMLIT_CLIENT_SHOW_ERROR_DETAILS="full") as running:
            yield running
    finally:
        pg_server.drop_database(name)


def visit(browser, deployment, person):
    """A browser of its own (its own cookies) opening the Customer service page as `person`."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(SETTLE_MS)
    page = context.new_page()
    page.goto(f"{deployment.base}/{PAGE}&as={person}")
    settle(page)
    expect(main(page)).to_contain_text("Customer service — October 2026")
    return page


def process_of(page):
    """The process the proxy sends this browser to: its sticky-session cookie."""
    return next(c["value"] for c in page.context.cookies() if c["name"] == cluster.COOKIE)


def listed(page, text):
    """The month's commentary list shows `text`: a box of plain text, not the form's text area,
    whose typed content can count as the element's text before anything is saved."""
    return main(page).get_by_test_id("stText").filter(has_text=text).first  # the card and the list


def comment(page, text):
    """Write the month's commentary on the first number the form offers (the one that owes a
    word, else the first: the form chooses none by itself then), and see it saved."""
    area = page.get_by_role("textbox", name="Why did it move, and what are we doing about it?")
    if not area.is_visible():  # the form opens by itself when a number owes a word
        page.get_by_text("Write the commentary for October 2026").click()
    # the first number offered: the one that owes a word, else the first (none is chosen then),
    # by the keys, as a person does (the list's options are drawn in a popover a click misses)
    about = page.get_by_test_id("stSelectbox").filter(has_text="About").get_by_role("combobox")
    about.focus()
    about.press("ArrowDown")
    about.press("Enter")
    expect(about).not_to_have_value("")
    area.fill(text)
    # Ctrl+Enter, the form's own shortcut for Save, goes to the focused text area: a click on
    # Save was once lost on a busy machine (no toast in 3 minutes, the text still typed, so the
    # browser never sent the form), and keys need no hit test on a page still laying out.
    area.press("Control+Enter")
    # The form was sent and the write committed: the toast says so. (The form empties as it goes,
    # or folds when it was opened by hand and its number no longer owes a word: a CI run on
    # 2026-12-04 waited 3 minutes for an emptied text area that had folded away, the text saved.)
    # A toast lasts seconds: on a busy machine the rerun had already listed the text and the toast
    # gone by the time the browser was asked (the text saved, 3 minutes waited for the toast), so
    # either says the form was sent; the list says the rerun read it back, `stored` that it is kept.
    saved = page.get_by_test_id("stToast").filter(has_text="Saved.")
    expect(saved.or_(listed(page, text)).first).to_be_visible()
    expect(listed(page, text)).to_be_visible()
    settle(page)


def stored(deployment, text):
    """How many commentary rows in PostgreSQL say `text`."""
    with engine.reading(engine.create(deployment.store_url)) as conn:
        return conn.execute(
            sa.select(sa.func.count()).select_from(s.commentary).where(s.commentary.c.text == text)
        ).scalar_one()


def two_people(browser, deployment):
    """The CEO and the head of Customer service, each in a browser of their own, on different processes."""
    ceo = visit(browser, deployment, CEO)
    head = visit(browser, deployment, HEAD)
    assert {process_of(ceo), process_of(head)} == set(deployment.apps)  # new browsers are spread
    return ceo, head


def test_a_write_through_one_process_shows_on_the_other_at_the_next_click(browser, deployment):
    ceo, head = two_people(browser, deployment)
    text = f"Wait times up after the phone outage {uuid.uuid4().hex[:6]}"
    assert text not in main(ceo).inner_text()  # the CEO's process has read the month's commentary
    comment(head, text)
    assert stored(deployment, text) == 1
    ceo.goto(f"{deployment.base}/{PAGE}&as={CEO}")  # the CEO's next click, on the other process
    settle(ceo)
    expect(listed(ceo, text)).to_be_visible()  # its cache is keyed by the data version the write raised


def test_a_process_killed_mid_session_loses_nothing_and_its_people_reconnect(browser, deployment):
    ceo, head = two_people(browser, deployment)
    text = f"Queue grew with the new tariff {uuid.uuid4().hex[:6]}"
    comment(head, text)
    assert stored(deployment, text) == 1
    ceo.goto(f"{deployment.base}/{PAGE}&as={CEO}")  # the next click shows the other process's write
    expect(listed(ceo, text)).to_be_visible()

    killed, survivor = process_of(head), process_of(ceo)
    deployment.kill(killed)
    head.wait_for_function(RECONNECTED, timeout=SETTLE_MS)  # the browser noticed its server went away
    settle(head)  # and is connected again, its page drawn: by the survivor, the only one left
    assert process_of(head) == survivor  # the proxy moved the browser's sticky session
    expect(main(head)).to_contain_text("Customer service — October 2026")
    expect(listed(head, text)).to_be_visible()  # what was written before the kill is there
    assert stored(deployment, text) == 1
    # The page is as the dead process drew it, its fragments unknown to the new session, which
    # would drop their reruns (`launch.rerun_lost_fragments`): picking the trend's KPI still works.
    other = main(head).get_by_role("radiogroup", name="Trend of").get_by_role("radio").nth(1)
    name = other.inner_text().strip()
    other.click()
    # its chart drawn, then alone, the last one gone (a chart's accessible name is its title;
    # while the run is drawn the old chart stands beside the new one for a moment)
    charts = main(head).locator("[data-testid='stEChartsChart']")
    expect(charts.and_(main(head).get_by_role("img", name=name, exact=True))).to_be_visible()
    expect(charts).to_have_count(1)

    after = f"Written after the move {uuid.uuid4().hex[:6]}"
    comment(head, after)  # the session goes on working on its new process
    assert stored(deployment, after) == 1
    head.screenshot(path=str(SHOTS / "cluster-after-kill.png"), full_page=True)


def test_the_proxy_compresses_the_code_a_browser_loads(deployment):
    """Streamlit's own server sends its code uncompressed, even to a browser that accepts gzip;
    through the proxy such a browser gets it compressed, the same bytes once unpacked and still
    kept for a year, and one that does not accept gzip gets it as it is."""
    index = next(STATIC.glob("index.*.js"))
    path = f"/static/js/{index.name}"

    def fetch(base, encodings):
        request = urllib.request.Request(
            base + path, headers={"Accept-Encoding": encodings} if encodings else {}
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.headers, answer.read()

    app = next(a for a in deployment.apps.values() if a.process.poll() is None)  # one may have been killed
    direct, _ = fetch(f"http://127.0.0.1:{app.port}", "gzip, deflate, br")
    assert direct.get("Content-Encoding") is None
    headers, body = fetch(deployment.base, "gzip, deflate, br")
    assert headers["Content-Encoding"] == "gzip" and "immutable" in headers["Cache-Control"]
    assert gzip.decompress(body) == index.read_bytes() and len(body) < index.stat().st_size / 2
    headers, body = fetch(deployment.base, "")
    assert headers.get("Content-Encoding") is None and body == index.read_bytes()


def test_the_readme_shows_the_configuration_the_cluster_runs():
    """The Deployment section's HAProxy configuration is the one tools/cluster.py writes."""
    shown = cluster.haproxy_config(80, [("app1", 8501), ("app2", 8502)], address="*")
    assert shown in (ROOT / "README.md").read_text(encoding="utf-8")
