"""The data version (kpi/store/data_version.py): every write that changes a row raises it in its
own transaction, a failed, rehearsed or idle one (a pull or import of what the store already
holds) does not, and the app's caches (kpi/ui/data.py) hold until it changes:
a run reads it once, nothing is computed again while it stays, and a write by another process
shows at the next run. On DuckDB and PostgreSQL."""

from __future__ import annotations

import subprocess
import threading
from datetime import date

import pytest
import sqlalchemy as sa

from kpi import settings
from kpi.domain import months
from kpi.domain.access import EVERYTHING
from kpi.files.tables import ImportRejected
from kpi.output import charts
from kpi.store import data_version, decks, engine, importing, schema
from kpi.text import fmt, i18n
from kpi.ui import data, figures
from tests.commands import in_a_process, in_process
from tests.conftest import as_admin, point_app_at

MONTH = date(2026, 10, 1)
ADMIN = "sofie.dahl@havnhjem.example"


def version_of(url: str) -> int:
    with engine.reading(engine.create(url)) as conn:
        return data_version.read(conn)


def cli(url: str, *args: str) -> subprocess.CompletedProcess:
    """The command line's `main` as an administrator, in this process (tests/commands.py): the
    version lives in the store, so who writes it matters not; a write by another process is
    `test_a_write_by_another_process_shows_at_the_next_read_and_nothing_recomputes_meanwhile`'s."""
    return in_process("--db", url, *args, "--as", ADMIN)


def cli_elsewhere(url: str, *args: str) -> subprocess.CompletedProcess:
    """`python -m kpi` in a process of its own, as an administrator: a write by another process."""
    return in_a_process("--db", url, *args, "--as", ADMIN)


def calls() -> dict[str, int]:
    return {loader.__name__: loader.calls for loader in data._LOADERS}


def test_every_write_raises_the_version_and_a_refused_rehearsed_or_failed_one_does_not(demo_url, tmp_path):
    store = engine.create(demo_url)
    before = version_of(demo_url)
    done = cli(demo_url, "calendar", "--month", "2026-10", "--meeting", "2026-11-20")
    assert done.returncode == 0, done.stderr
    assert version_of(demo_url) == before + 1
    refused = cli(
        demo_url, "calendar", "--month", "2026-10", "--meeting", "2026-09-01"
    )  # before the month ends
    assert refused.returncode != 0
    assert version_of(demo_url) == before + 1
    calendar = tmp_path / "calendar.csv"
    calendar.write_text(
        "month,data_due,commentary_due,close,meeting\n2026-10,2026-11-10,2026-11-13,2026-11-16,2026-11-17\n"
    )
    rehearsed = cli(demo_url, "import", "calendar", str(calendar), "--dry-run")
    assert rehearsed.returncode == 0, rehearsed.stderr
    assert version_of(demo_url) == before + 1
    imported = cli(demo_url, "import", "calendar", str(calendar))
    assert imported.returncode == 0, imported.stderr
    assert version_of(demo_url) == before + 2
    with pytest.raises(RuntimeError), engine.writing(store) as conn:  # fails after it wrote
        conn.execute(schema.setting.delete())
        raise RuntimeError("half-way")
    assert version_of(demo_url) == before + 2
    with engine.reading(store) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.setting)).scalar() > 0


def test_the_bump_is_the_last_statement_of_the_write_s_own_transaction(demo_url):
    """Seen from the driver: the UPDATE of the version runs on the connection that wrote, after
    its other statements and before that connection's commit."""
    store = engine.create(demo_url)
    seen: list[tuple[int, str, object]] = []

    def executed(conn, cursor, statement, parameters, *rest):
        seen.append((id(conn), statement, parameters))

    sa.event.listen(store, "before_cursor_execute", executed)
    sa.event.listen(store, "commit", lambda conn: seen.append((id(conn), "COMMIT", None)))
    with engine.writing(store) as conn:
        conn.execute(schema.meta.insert().values(key="test.last", value="x"))
        writer = id(conn)
    mine = [(statement, str(parameters)) for who, statement, parameters in seen if who == writer]
    commit = [statement for statement, _ in mine].index("COMMIT")
    assert "test.last" in mine[commit - 2][1]  # the write's own statement
    assert (
        mine[commit - 1][0].startswith("UPDATE meta SET value=CAST(")
        and data_version.KEY in mine[commit - 1][1]
    )
    after = [statement for statement, _ in mine[commit + 1 :]]
    assert after == (
        ["CHECKPOINT"] if engine.is_duckdb(store) else []
    )  # DuckDB folds its log on the same opening


def test_a_write_that_changes_no_row_leaves_the_version(demo_url):
    """Statements that match nothing, or a delete of what is not there, change no row: no bump."""
    store = engine.create(demo_url)
    before = version_of(demo_url)
    with engine.writing(store) as conn:
        conn.execute(schema.meta.update().where(schema.meta.c.key == "nothing").values(value="x"))
        conn.execute(schema.setting.delete().where(schema.setting.c.name == "nothing"))
    assert version_of(demo_url) == before
    with engine.writing(store) as conn:
        conn.execute(schema.meta.insert().values(key="test.changed", value="x"))
    assert version_of(demo_url) == before + 1


def test_a_pull_or_import_that_changes_nothing_leaves_the_version_and_a_changed_value_raises_it(
    demo_url, tmp_path
):
    """The nightly pull of values the store already holds, or a file imported twice, changes no
    row (nothing written, nothing audited): every page's cache still holds. A changed value
    raises the version once; a refused file leaves it."""
    store = engine.create(demo_url)
    before = version_of(demo_url)
    pulled = cli(demo_url, "pull", "--month", "2026-10")  # as cron runs it, alerts and all
    assert pulled.returncode == 0, pulled.stderr
    assert "0 new, 0 replaced" in pulled.stdout
    assert version_of(demo_url) == before
    with engine.reading(store) as conn:
        m = schema.measurement
        stored = conn.execute(
            sa.select(m.c.value).where(m.c.kpi == "CS_WAIT", m.c.month == MONTH)
        ).scalar_one()
    same = f"kpi,month,value\nCS_WAIT,2026-10,{stored}\n".encode()
    importing.run(store, "measurements", same, "measurements.csv", as_admin())
    assert version_of(demo_url) == before
    changed = f"kpi,month,value\nCS_WAIT,2026-10,{stored + 1}\n".encode()
    summary = importing.run(store, "measurements", changed, "measurements.csv", as_admin())
    assert summary.counts.get("updated") == 1
    assert version_of(demo_url) == before + 1
    importing.run(store, "measurements", changed, "measurements.csv", as_admin())
    assert version_of(demo_url) == before + 1
    with pytest.raises(ImportRejected):
        importing.run(store, "measurements", b"kpi,month,value\nCS_WAIT,2026-10,x\n", "bad.csv", as_admin())
    assert version_of(demo_url) == before + 1


def test_writes_at_the_same_time_each_raise_the_version(demo_url):
    """DuckDB refuses two transactions of one process that change one row, so a process writes
    into a file one at a time; PostgreSQL orders them by the row's lock. None is lost."""
    store = engine.create(demo_url)
    before = version_of(demo_url)
    start, failed = threading.Barrier(4), []

    def write(n: int) -> None:
        start.wait()
        try:
            with engine.writing(store) as conn:
                conn.execute(schema.meta.insert().values(key=f"test.{n}", value="x"))
        except Exception as error:  # every failure is reported
            failed.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert version_of(demo_url) == before + 4


def test_a_write_by_another_process_shows_at_the_next_read_and_nothing_recomputes_meanwhile(
    demo_url, monkeypatch
):
    point_app_at(monkeypatch, demo_url)
    first = data.calendar(demo_url, MONTH)
    report = data.month_report(demo_url, EVERYTHING, MONTH, "en")
    counted = calls()
    assert data.calendar(demo_url, MONTH) == first
    assert data.month_report(demo_url, EVERYTHING, MONTH, "en") is report
    assert calls() == counted  # the same version: nothing computed again
    done = cli_elsewhere(demo_url, "calendar", "--month", "2026-10", "--meeting", "2026-11-20")
    assert done.returncode == 0, done.stderr
    assert data.calendar(demo_url, MONTH).meeting == date(2026, 11, 20)
    assert data.month_report(demo_url, EVERYTHING, MONTH, "en") is not report
    assert calls()["calendar"] == counted["calendar"] + 1
    assert calls()["month_report"] == counted["month_report"] + 1


def test_a_run_reads_the_version_once_and_the_next_run_recomputes_nothing(app, app_url, monkeypatch):
    reads: list[str] = []
    current = data_version.current

    def counting(store: sa.Engine) -> int:
        reads.append(str(store.url))
        return current(store)

    monkeypatch.setattr(data_version, "current", counting)
    at = app(month="2026-10").run()  # the Overview
    assert not at.exception
    counted, read = calls(), len(reads)
    at.run()
    assert not at.exception
    assert len(reads) == read + 1  # once per run, however many loaders ask
    assert calls() == counted
    done = cli_elsewhere(app_url, "calendar", "--month", "2026-10", "--meeting", "2026-11-20")
    assert done.returncode == 0, done.stderr
    at.run()
    meeting = fmt.day_unbroken(date(2026, 11, 20))
    assert any(meeting in caption.value for caption in at.caption), "the new meeting date shows"
    assert calls()["calendar"] == counted["calendar"] + 1


def test_a_form_saved_in_the_app_raises_the_version_and_shows_in_the_same_run(app, app_url):
    before = version_of(app_url)
    at = app(month="2026-10", **{"as": "ida.krogh@havnhjem.example"}).run()
    at.switch_page("pages/smart_goals.py").run()
    [b for b in at.button if b.key == "smart.mine.accept.O18"][0].click().run()
    assert not at.exception
    assert version_of(app_url) == before + 1
    row = at.dataframe[0].value.set_index("Goal").loc["Fewer customers complain about campaigns"]
    assert list(row["Accepted"]) == ["✓"]


def test_warming_builds_what_the_overview_asks_for(app, app_url):
    """After `warm` the Overview of everyone's scope in the latest month computes nothing."""
    data.warm(app_url)
    counted = calls()
    at = app().run()  # the CEO, the latest month, the company's language
    assert not at.exception
    assert at.title[0].value.startswith("Overview")
    assert calls() == counted


def test_warming_builds_the_departments_page_the_executives_open_first(app, app_url, monkeypatch):
    """After `warm` the Departments page as the demo's two executives first see it (their own
    department, management) computes nothing, not even the trend chart it opens on."""
    figures._trend.clear()  # no figure kept from an earlier test
    made = []
    trend = charts.trend
    monkeypatch.setattr(charts, "trend", lambda *args: made.append(args) or trend(*args))
    data.warm(app_url)
    counted, warmed = calls(), len(made)
    assert warmed >= 1
    for viewer in ("mette.kjaer@havnhjem.example", "jonas.lund@havnhjem.example"):
        at = app(**{"as": viewer}).run()
        at.switch_page("pages/departments.py").run()
        assert not at.exception, at.exception
        assert at.selectbox(key="department").value == "MGMT"
        assert len(at.get("echarts_chart")) == 1
    assert calls() == counted
    assert len(made) == warmed


def test_warming_a_company_with_an_administrator_and_no_departments_yet_warms_no_departments_page(
    empty_url, monkeypatch
):
    """Right after the first run's form (a company and its administrator, nothing else) the
    executives' Departments page has no department to open on: the warm-up builds none and
    fails on nothing (it read the first of no departments: IndexError)."""
    from kpi.store import company, setup

    point_app_at(monkeypatch, empty_url)
    store = engine.create(empty_url)
    setup.ensure(store)
    with engine.writing(store) as conn:
        company.start(conn, "ada@example.com", "Ada Admin", "Ada's Shop", None, company.DEFAULT_COLOUR)
    people = data.people(empty_url)
    assert [p.email for p in people] == ["ada@example.com"]
    assert data.scope(empty_url, people[0]) == EVERYTHING
    assert data._departments_first_shown(empty_url, "en") == []
    data.warm(empty_url)  # no values either: it ends early, and raises nothing


def test_warming_words_what_it_builds_in_the_language_of_its_key(demo_url, monkeypatch):
    """The warm-up runs outside any page: what the loaders word themselves (the deck's titles)
    is in the company's language, the one in the key, whatever the thread's language was."""
    point_app_at(monkeypatch, demo_url, KPI_LANGUAGE="da")
    data.warm(demo_url)  # this test runs in English
    today = settings.today()
    window = settings.window(today)
    span = data.data_months(demo_url, window.first, months.first_of(today))
    assert span is not None
    counted = calls()
    slides, _ = data.deck(demo_url, EVERYTHING, span[1], "da", today)
    assert calls() == counted  # the warm-up's
    with i18n.use("da"), engine.reading(engine.create(demo_url)) as conn:
        expected = decks.slides(conn, EVERYTHING, span[1], "da", today)
    assert [s.title for s in slides] == [s.title for s in expected]


def test_warming_builds_what_the_data_page_and_the_cascade_read_of_everyone(app, app_url):
    """After `warm` an administrator's Data page computes none of the definitions, the people
    and departments, the actions or their verdicts (the large company's slowest reads there)."""
    data.warm(app_url)
    counted = calls()
    at = app(**{"as": "sofie.dahl@havnhjem.example"}).run()  # the latest month, the company's language
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    warmed = ["definitions", "organisation", "actions", "initiative_verdicts"]
    assert {name: calls()[name] for name in warmed} == {name: counted[name] for name in warmed}
