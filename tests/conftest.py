"""Shared fixtures: demo stores on DuckDB and PostgreSQL, and Streamlit's AppTest.

The demo company is generated and loaded once per backend and run (shared by the processes of
`pytest -n`: DuckDB as a file, PostgreSQL as a template database on the run's one server), then copied for each test
that needs it (a file copy for DuckDB, a template database for PostgreSQL), so tests can write
freely without paying for a fresh load.

A test marked `reads_only` gets the process's one shared copy instead, and the app under test
keeps its caches warm between such tests: most page tests only read, and a private copy with
cold caches each cost them seconds. Whether they really only read is checked, not trusted: at
the end of each module that used the shared copy its fingerprint must be what it was when it was
made, or the module fails and the next one gets a fresh copy.
"""

from __future__ import annotations

import fcntl
import functools
import gc
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi import settings
from kpi.demo.generate import Company, generate
from kpi.domain.errors import CockpitError
from kpi.domain.model import Person, Role
from kpi.domain.validate import Rejected
from kpi.sources import confine
from kpi.store import engine, schema, seeding, setup
from kpi.text import i18n, words
from tests import harness
from tests.pg import Server
from tests.sharing import shared_copies_changed, shared_copy

ROOT = Path(__file__).resolve().parents[1]
APP_TIMEOUT = 180
"""Seconds an AppTest run may take before it gives up: a machine busy with other heavy work may
take minutes, and a run that ends sooner goes on at once."""
DEMO_END = date(2026, 10, 1)
"""Tests pin the demo's last month, so its numbers never depend on the day they run."""
BACKENDS = ["duckdb", "postgresql"]

harness.install()  # AppTest with less CPU (tests/harness.py)


def as_admin(email: str = "test") -> Person:
    """An administrator acting as `email`: who imports a file or loads a definitions file (the
    store refuses anyone else, kpi.store.importing.run and kpi.store.sourcing.load)."""
    return Person(email, email, Role.ADMIN)


def said(error: CockpitError) -> str:
    """What a person is told of a refusal: every problem in words, one per line."""
    return words.said(error)


@contextmanager
def rejected_with(pattern: str, kind: type[CockpitError] = Rejected) -> Iterator[list[CockpitError]]:
    """Expect a `kind` of error whose problems, in words, match `pattern`; yields [the refusal]."""
    caught: list[CockpitError] = []
    with pytest.raises(kind) as info:
        yield caught
    caught.append(info.value)
    assert re.search(pattern, said(info.value)), said(info.value)


def table_counts(conn: sa.Connection) -> dict[str, int]:
    """Rows per table, for tests that prove a refused change wrote nothing."""
    return {
        table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in schema.metadata.sorted_tables
    }


@functools.cache
def demo_company() -> Company:
    """The demo company up to DEMO_END, generated once per process (2.7 s a time): `generate` is
    deterministic (tests/test_demo.py, same seed same numbers), and nothing changes a Company once
    made (a changed one is a `dataclasses.replace` copy)."""
    return generate(DEMO_END)


def load_demo(url: str) -> None:
    load_company(url, demo_company(), who="demo")


def load_company(url: str, company: Company, who: str = "test") -> str:
    """Make a store at `url` holding `company` (a hand-made one, or the demo's); its URL."""
    store = engine.create(url)
    setup.ensure(store)
    with engine.writing(store) as conn:
        seeding.load_company(conn, company, who=who)
    store.dispose()
    return url


@pytest.fixture(autouse=True)
def _collector_as_found():
    """The app and the command line set the garbage collector for their process
    (`kpi.collector.tune`); a test that runs them in this process leaves the worker's settings
    as it found them, so no test runs under another's."""
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English unless it says otherwise."""
    with i18n.use("en"):
        yield


@pytest.fixture(autouse=True)
def _source_folders(tmp_path_factory, monkeypatch):
    """Sources read the files the tests write: the run's temporary folder is one of the folders
    they may read (KPI_SOURCE_FOLDERS for pulls and the commands the tests start; the context
    for a runner a test calls itself), beside the defaults."""
    folders = (str(_run_folder(tmp_path_factory)), *settings.SOURCE_FOLDERS)
    monkeypatch.setenv("KPI_SOURCE_FOLDERS", os.pathsep.join(folders))
    settings.forget()
    token = confine.FOLDERS.set(folders)
    yield
    confine.FOLDERS.reset(token)
    settings.forget()


def _run_folder(tmp_path_factory) -> Path:
    """The folder the whole run shares: with `pytest -n`, the one above each process's own."""
    folder = tmp_path_factory.getbasetemp()
    return folder.parent if os.environ.get("PYTEST_XDIST_WORKER") else folder


@contextmanager
def _run_lock(folder: Path, name: str) -> Iterator[None]:
    """Only one of the run's processes at a time in the block (the others wait)."""
    with open(folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


PG_ADDRESS = "pg-server.json"
"""In the run's folder: where the run's PostgreSQL server listens, for every process to attach."""


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """The run's one PostgreSQL server. Alone, the process starts and stops it; with `pytest -n`,
    the first process to need it starts it and the others attach (every database a test makes has
    a name of its own), and the controller stops it when the run ends (pytest_sessionfinish)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        server = Server()
        yield server
        server.stop()
        return
    folder = _run_folder(tmp_path_factory)
    with _run_lock(folder, "pg-server"):
        address = folder / PG_ADDRESS
        if address.exists():
            server = Server(attach=json.loads(address.read_text()))
        else:
            server = Server()
            address.write_text(json.dumps(server.address()))
    yield server


def pytest_sessionfinish(session):
    """The controller of a `pytest -n` run stops the PostgreSQL server its processes shared."""
    if hasattr(session.config, "workerinput") or not hasattr(session.config, "_tmp_path_factory"):
        return
    address = session.config._tmp_path_factory.getbasetemp() / PG_ADDRESS
    if address.exists():
        Server(attach=json.loads(address.read_text())).stop()
        address.unlink()


@pytest.fixture(scope="session")
def server(demo_duckdb_file, tmp_path_factory) -> Iterator[str]:
    """`streamlit run` on a copy of the demo store, shared by every browser test of the process
    that only reads it (a test that changes its store starts a server of its own)."""
    from tests.test_browser import serve

    with serve(demo_duckdb_file, tmp_path_factory.mktemp("browser")) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """One Chromium for every browser test of the process; each test opens its own page."""
    from tests.test_browser import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture(autouse=True)
def _close_pages(request):
    """After a test that used the shared Chromium, close the pages it opened: each open page is
    a renderer and a live session on a Streamlit server, for the rest of the run."""
    yield
    if "browser" in request.fixturenames:
        request.getfixturevalue("browser").close_pages()


@pytest.fixture(scope="session")
def demo_duckdb_file(tmp_path_factory) -> Path:
    """The demo store, loaded once per run: the first of `make test`'s processes to need it loads
    it into the run's shared folder while the others wait, then each takes a copy of its own (a
    DuckDB file is held by one process at a time, and tests open this one to read it)."""
    run_folder = _run_folder(tmp_path_factory)
    loaded = run_folder / "demo-loaded.duckdb"
    with _run_lock(run_folder, "demo-loaded"):
        if not loaded.exists():
            partial = run_folder / "demo-loading.duckdb"
            for left in (partial, Path(f"{partial}.wal")):  # by a process that failed to load it
                left.unlink(missing_ok=True)
            from tests.holding import kept_open  # it imports this module

            with kept_open(0.0):  # let go before the others copy it: no close may write to it then
                load_demo(f"duckdb:///{partial}")
            partial.rename(loaded)
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    shutil.copy(loaded, path)
    return path


@pytest.fixture(scope="session")
def demo_pg_template(pg_server, tmp_path_factory) -> str:
    """The demo store as a template database on the run's PostgreSQL server, loaded once per run
    by the first process to need it while the others wait (like `demo_duckdb_file`)."""
    run_folder = _run_folder(tmp_path_factory)
    with _run_lock(run_folder, "demo-template"):
        loaded = run_folder / "demo-template.loaded"
        if not loaded.exists():
            load_demo(pg_server.create_database("demo_template"))
            loaded.write_text(str(pg_server.port))
    return "demo_template"


@pytest.fixture
def demo_duckdb_url(demo_duckdb_file, tmp_path) -> str:
    copy = tmp_path / "store.duckdb"
    shutil.copy(demo_duckdb_file, copy)
    return f"duckdb:///{copy}"


def _fresh_database(request, template: str | None = None) -> str:
    """A new PostgreSQL database (a copy of `template`), dropped when the test ends."""
    server = request.getfixturevalue("pg_server")
    name = "t_" + uuid.uuid4().hex[:12]
    url = server.create_database(name, template=template)
    request.addfinalizer(lambda: server.drop_database(name))
    return url


@pytest.fixture(params=BACKENDS)
def empty_url(request, tmp_path) -> str:
    """An empty store on each backend (no tables yet)."""
    if request.param == "duckdb":
        return f"duckdb:///{tmp_path / 'empty.duckdb'}"
    return _fresh_database(request)


def pytest_configure(config):
    # as the app's launcher has it: a DuckDB file stays open between units of work that follow
    # each other (AppTest's page runs, a test's reads) rather than started afresh for each, 12-15
    # ms a time and a tenth of a worker's time; `not_kept` for a test of a process without
    engine.linger_between_units()
    config.addinivalue_line(
        "markers",
        "reads_only: the test reads the demo store and never writes it, so it shares the process's "
        "copy and the app's warm caches (checked at the end of the module)",
    )


def pytest_collection_modifyitems(items):
    """Every test's name is the same in each worker: a case named by bytes that hold the time
    they were made (a workbook or any zip archive records the second it was saved) is named
    apart by two workers that collect across a second's turn, and xdist stops the whole run."""
    timed = [item.nodeid for item in items if "PK\\x03\\x04" in item.nodeid]
    if timed:
        raise pytest.UsageError(f"name these cases with ids=, not by their bytes: {[t[:120] for t in timed]}")


@pytest.fixture
def not_kept() -> Iterator[None]:
    """No DuckDB file kept open between units of work in this test, as the command line runs."""
    from tests.holding import kept_open  # it imports this module

    with kept_open(0.0):
        yield


def reads_only(request) -> bool:
    return request.node.get_closest_marker("reads_only") is not None


@pytest.fixture(scope="module", autouse=True)
def _shared_copy_unchanged(request):
    """Fail the module if one of its `reads_only` tests wrote to the shared copy."""
    yield
    if changed := shared_copies_changed():
        pytest.fail(
            f"a reads_only test of {request.module.__name__} wrote to the shared demo store ({', '.join(changed)})"
        )


def _demo_copy(request) -> str:
    """A private copy of the demo store on the backend the fixture is parametrised with, or the
    shared one for a test marked `reads_only`."""
    if reads_only(request):
        return shared_copy(request, request.param)
    if request.param == "duckdb":
        return request.getfixturevalue("demo_duckdb_url")
    return _fresh_database(request, request.getfixturevalue("demo_pg_template"))


@pytest.fixture(params=BACKENDS)
def demo_url(request) -> str:
    """A private copy of the demo store on each backend."""
    return _demo_copy(request)


@pytest.fixture(params=BACKENDS)
def demo_twins(request, tmp_path) -> tuple[str, str]:
    """Two private copies of the demo store on each backend, to compare two ways of writing."""
    first = _demo_copy(request)
    if request.param == "duckdb":
        twin = tmp_path / "twin.duckdb"
        shutil.copy(request.getfixturevalue("demo_duckdb_file"), twin)
        return first, f"duckdb:///{twin}"
    return first, _fresh_database(request, request.getfixturevalue("demo_pg_template"))


@pytest.fixture(params=BACKENDS)
def app_url(request) -> str:
    """The store the app under test reads: a private copy of the demo on each backend."""
    return _demo_copy(request)


def point_app_at(monkeypatch, url: str, warm: bool = False, **environ: str) -> None:
    """Make the app under test read `url` in demo mode (and any other settings in `environ`),
    with its settings read afresh and its caches empty (kept when `warm`: a shared store that
    nobody writes, whose every cached read is keyed by its URL and the viewer's scope)."""
    monkeypatch.setenv("KPI_DATABASE_URL", url)
    monkeypatch.setenv("KPI_AUTH_MODE", "demo")
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    settings.forget()  # read once per process: each app under test reads its own store and mode
    # AppTest keeps an unpicklable helper in session state; the app itself keeps the check on.
    from streamlit import config

    config.set_option("runner.enforceSerializableSessionState", False)
    config.set_option("client.showErrorDetails", "full")  # tests must see what broke
    if not warm:
        st.cache_data.clear()
        st.cache_resource.clear()


def new_app(user: dict[str, object] | None = None, **query: str) -> AppTest:
    """The app under test, its URL holding `query`; `user` is who the identity provider says
    signed in (oidc mode), if anyone."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
    if user is not None:
        at.user = user
    for key, value in query.items():
        at.query_params[key] = value
    return at


def forget_app() -> None:
    """After a test of the app: its caches emptied and its settings read afresh by the next."""
    st.cache_data.clear()
    st.cache_resource.clear()
    settings.forget()


@pytest.fixture
def app(app_url, monkeypatch, request):
    warm = reads_only(request)
    point_app_at(monkeypatch, app_url, warm=warm)
    yield new_app
    if warm:
        settings.forget()
    else:
        forget_app()


def pytest_terminal_summary(terminalreporter):
    """Say where the browser tests left their screenshots."""
    shots = ROOT / "screenshots" / "browser"
    if shots.is_dir() and any(shots.glob("*.png")):
        terminalreporter.write_line(f"browser screenshots: {shots}")
