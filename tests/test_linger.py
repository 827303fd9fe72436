"""The app process keeps a DuckDB file open a moment between units of work
(`engine.linger_between_units`, turned on by the launcher): the next unit does not start DuckDB
afresh, and another process still gets the file when it asks for it. Whether two units shared one
open database is seen in DuckDB itself: a global setting made in one unit lives only as long as
the database stays open."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from kpi.store import data_version, engine
from tests.conftest import APP_TIMEOUT, ROOT
from tests.holding import HOLD, kept_open

SAMPLE = ROOT / "data" / "samples" / "measurements.csv"


@pytest.fixture
def lingering() -> Iterator[None]:
    """Linger as the launcher turns it on, for this test only."""
    with kept_open():
        yield


def _mark(store: sa.Engine) -> None:
    with engine.reading(store) as conn:
        conn.exec_driver_sql("SET GLOBAL default_order = 'DESC'")


def _marked(store: sa.Engine) -> bool:
    with engine.reading(store) as conn:
        return str(conn.exec_driver_sql("SELECT current_setting('default_order')").scalar()).upper() == "DESC"


def _held(store: sa.Engine) -> bool:
    keeper = engine._keeper(store)
    return keeper is not None and keeper.held is not None


def _until(condition, seconds: float = APP_TIMEOUT) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        threading.Event().wait(0.01)
    return True


def test_without_linger_each_unit_opens_the_database_afresh(demo_duckdb_url, not_kept):
    """As the command line works: no file is kept."""
    store = engine.create(demo_duckdb_url)
    _mark(store)
    assert engine._keeper(store) is None
    assert not _marked(store)


def test_units_one_after_another_share_one_open_database_until_it_is_let_go(demo_duckdb_url, lingering):
    store = engine.create(demo_duckdb_url)
    _mark(store)
    assert _held(store)
    assert _marked(store)  # the second unit found the database the first one left open
    assert _until(lambda: not _held(store))  # let go once no unit has used it for the linger
    assert not _marked(store)


def test_a_file_with_much_read_into_memory_is_let_go_at_once(demo_duckdb_url, lingering, monkeypatch):
    """What DuckDB read stays in the process until the file's last connection closes (a large
    company's driver search: 29 MB): past `KEEP_AT_MOST` it is not kept for the next unit."""
    monkeypatch.setattr(engine, "KEEP_AT_MOST", 0)
    store = engine.create(demo_duckdb_url)
    with engine.reading(store) as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM measurement").scalar()
    assert not _held(store)


def test_a_write_while_the_file_is_kept_still_folds_its_log_into_the_file(demo_duckdb_url, lingering):
    """A write checkpoints as it ends (`engine._checkpoint`), so the next process to open the file
    replays no log: the kept connection holds no transaction that would stop it."""
    store = engine.create(demo_duckdb_url)
    for _ in range(2):
        _mark(store)
        with engine.writing(store) as conn:
            conn.exec_driver_sql("UPDATE meta SET value = value WHERE key = 'data_version'")
        assert _held(store)
        assert not Path(f"{store.url.database}.wal").exists()


def test_a_file_another_process_waits_for_is_let_go_at_once(demo_duckdb_url, lingering):
    """Its marker beside the file says so (engine's docstring): a unit of work of this process
    yields to it and lets the file go, however long the linger."""
    engine.linger_between_units(APP_TIMEOUT)
    store = engine.create(demo_duckdb_url)
    _mark(store)
    assert _held(store)
    Path(f"{store.url.database}.waiting").touch()
    with engine.reading(store, wait=0.05) as conn:
        conn.exec_driver_sql("SELECT 1").scalar_one()
    assert not _held(store)


def test_a_keeper_that_cannot_ask_duckdb_lets_the_file_go_and_the_unit_is_unharmed(
    demo_duckdb_url, lingering, monkeypatch
):
    """Keeping the file is only a saving: whatever fails in it, the page's read still works."""
    monkeypatch.setattr(engine, "_DUCKDB_MEMORY", "SELECT no_such_column FROM duckdb_memory()")
    store = engine.create(demo_duckdb_url)
    with engine.reading(store) as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM kpi").scalar()
    assert not _held(store)


def test_an_idle_kept_file_is_let_go_as_soon_as_another_process_waits_for_it(demo_duckdb_url, lingering):
    """Nobody of this process opens a unit meanwhile: the keeper itself looks for the marker."""
    engine.linger_between_units(APP_TIMEOUT)
    store = engine.create(demo_duckdb_url)
    _mark(store)
    assert _held(store)
    Path(f"{store.url.database}.waiting").touch()
    assert _until(lambda: not _held(store), 10)


def test_a_unit_that_never_got_in_leaves_nothing_kept(demo_duckdb_url, lingering):
    """Another process holds the file; the read is refused as busy, and this process keeps no
    count of it (a count left at one would keep the file until the process ends)."""
    store = engine.create(demo_duckdb_url)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(store.url.database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(engine.StoreBusy), engine.reading(store, wait=0.1):
            pass
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
    keeper = engine._keeper(store)
    assert keeper is not None and keeper.units == 0 and keeper.held is None
    _mark(store)  # and the next read gets in, and is kept
    assert _held(store)


def test_a_store_file_replaced_while_kept_is_read_anew(demo_duckdb_url, tmp_path, lingering):
    """A copy moved into the store's place (a restore): DuckDB hands a new connection the
    database it already has open under that name, so the kept one is let go first."""
    engine.linger_between_units(APP_TIMEOUT)
    store = engine.create(demo_duckdb_url)
    _mark(store)
    assert _held(store)
    copy = tmp_path / "restored.duckdb"
    shutil.copy(store.url.database, copy)
    restored = duckdb.connect(str(copy))
    restored.execute("UPDATE meta SET value = '4711' WHERE key = 'data_version'")
    restored.close()
    os.replace(copy, str(store.url.database))
    with engine.reading(store) as conn:
        assert data_version.read(conn) == 4711
    assert not _marked(store)


def test_another_process_gets_the_file_within_the_linger(demo_duckdb_url, lingering):
    """An import from the command line while the app has just read: it waits its turn, briefly
    (with readers busy all the while: `test_imports.test_an_import_goes_before_pages_that_keep_the_store_open_in_turns`)."""
    url = demo_duckdb_url
    _mark(engine.create(url))
    assert _held(engine.create(url))
    result = subprocess.run(
        [sys.executable, "-m", "kpi", "--db", url, "import", "measurements", str(SAMPLE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "KPI_BUSY_WAIT": "8"},
    )
    assert result.returncode == 0, result.stderr
