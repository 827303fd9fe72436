"""Start-up imports (kpi/ui/startup.py): a thread the app starts beside a first run never imports
alongside it, and once `load` is done the warm-up and the first engines import nothing of the
libraries or the app. Each case runs in a fresh interpreter, where nothing is imported yet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from kpi import collector
from tests.conftest import ROOT

RACE = textwrap.dedent(
    """
    import json, logging, sys, threading

    from kpi.ui import startup

    failures = []

    class Kept(logging.Handler):
        def emit(self, record):
            failures.append(record.getMessage()[:300] + " " + str(record.exc_info and record.exc_info[1]))

    logging.getLogger("kpi.ui.startup").addHandler(Kept())
    go, done = threading.Barrier(2), threading.Event()
    order = []

    def first_run():  # what app.py does first in a session's thread
        go.wait()
        try:
            startup.load()
            from kpi.ui import data, frame, notices  # noqa: F401
        except Exception as error:
            failures.append(f"first run: {error!r}")

    def warming():  # what the warm-up's thread needs: the loaders and an engine of each kind
        order.append(startup._done)
        from kpi.store import engine
        from kpi.ui import data  # noqa: F401

        engine.create("duckdb:///:memory:")
        engine.create("postgresql://nobody@127.0.0.1:1/none")
        done.set()

    first = threading.Thread(target=first_run)
    first.start()
    go.wait()
    startup.in_background(warming, lambda: "warm-up failed")
    first.join()
    finished = done.wait(120)
    print(json.dumps({"failures": failures, "after_load": order, "finished": finished}))
    """
)


@pytest.mark.parametrize("attempt", range(3))
def test_a_background_thread_started_with_a_first_run_waits_for_its_imports(attempt):
    """A thread importing the app's modules while `load` runs fails every time ("partially
    initialized module 'pandas'"): the app's own threads wait for `load` instead."""
    done = subprocess.run([sys.executable, "-c", RACE], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout.strip().splitlines()[-1])
    assert said == {"failures": [], "after_load": [True], "finished": True}


AFTER_LOAD = textwrap.dedent(
    """
    import json, sys

    from kpi.ui import startup

    startup.load()
    before = set(sys.modules)
    from kpi import settings
    from kpi.store import engine
    from kpi.ui import data

    kept = settings.current.cache_info().currsize  # read later, once Streamlit set the secrets' entries

    url = sys.argv[1]
    engine.create(url)  # makes no connection
    if engine.is_duckdb(url):
        data.warm(url)
    watched = ("sqlalchemy", "duckdb", "psycopg", "pandas", "plotly", "pyarrow", "kpi")
    late = sorted(name for name in set(sys.modules) - before if name.split(".")[0] in watched)
    print(json.dumps({"late": late, "psycopg": "psycopg" in before, "parquet": "pyarrow.parquet" in before, "kept": kept}))
    """
)


def _after_load(url: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", AFTER_LOAD, url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "KPI_DATABASE_URL": url},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_after_load_the_warm_up_and_a_first_engine_import_nothing_more(demo_duckdb_url):
    """What a thread of the app does after start-up (the warm-up, a store's first engine) finds
    every module it needs imported: no import of its own that could race with a session's. A
    process serving a DuckDB store holds no PostgreSQL driver and no Parquet writer (the demo's
    event files are written before a server starts): 14 MB it would never use. Choosing the
    driver keeps no settings: the launcher loads before Streamlit puts the secrets file's
    entries into the environment, and the process's settings are read after that."""
    assert _after_load(demo_duckdb_url) == {"late": [], "psycopg": False, "parquet": False, "kept": 0}


def test_a_process_serving_postgresql_has_its_driver_before_any_thread_asks():
    said = _after_load("postgresql://nobody@127.0.0.1:1/none")
    assert said["late"] == [] and said["psycopg"] is True and said["kept"] == 0


def test_a_half_built_module_from_another_thread_is_imported_again_and_logged_with_every_stack_once(
    monkeypatch, caplog
):
    """A race `load` cannot prevent (a thread it does not start) costs a second try, not a
    page: the first failure is logged with every thread's stack, a later one without."""
    from kpi.ui import startup

    tries: list[int] = []

    def racing() -> None:
        tries.append(len(tries))
        if len(tries) < 3:
            raise ImportError("cannot import name 'X' from partially initialized module 'sqlalchemy.engine'")

    monkeypatch.setattr(startup, "_done", False)
    monkeypatch.setattr(startup, "_dumped", False)
    monkeypatch.setattr(startup, "_import_all", racing)
    with caplog.at_level("WARNING", logger="kpi.ui.startup"):
        startup.load()
    assert startup._done and len(tries) == 3
    first, second = (r.getMessage() for r in caplog.records)
    assert "partially initialized" in str(caplog.records[0].exc_info[1])
    assert "Thread MainThread" in first and "Thread " not in second


def test_an_import_that_fails_for_another_reason_is_not_tried_again(monkeypatch):
    from kpi.ui import startup

    def missing() -> None:
        raise ImportError("No module named 'nothing'")

    monkeypatch.setattr(startup, "_done", False)
    monkeypatch.setattr(startup, "_import_all", missing)
    with pytest.raises(ImportError, match="nothing"):
        startup.load()
    assert not startup._done


def test_a_warm_up_whose_imports_failed_lets_the_next_write_warm_again(monkeypatch):
    """The warm-up marks itself running until its queue is empty; when its thread cannot even
    import (`load` fails), it is marked stopped again, or no later write would warm anything."""
    from kpi.ui import data, startup

    def missing() -> None:
        raise ImportError("No module named 'nothing'")

    monkeypatch.setattr(startup, "_done", False)
    monkeypatch.setattr(startup, "_import_all", missing)
    monkeypatch.setattr(data, "_first_run_done", True)
    monkeypatch.setattr(data, "served", lambda: True)
    monkeypatch.setattr(data, "_warm_running", False)
    monkeypatch.setattr(data, "_warm_wanted", set())
    started = []
    real = startup.in_background
    monkeypatch.setattr(startup, "in_background", lambda *a: started.append(real(*a)) or started[-1])
    data.warm_later("duckdb:///:memory:")
    started[0].join(60)
    assert not started[0].is_alive() and data._warm_running is False
    data.warm_later("duckdb:///:memory:")  # a later write starts a warm-up again
    started[-1].join(60)
    assert len(started) == 2


ARROW_POOL = textwrap.dedent(
    """
    import json

    import pyarrow

    from kpi.ui import startup

    own = pyarrow.default_memory_pool().backend_name
    startup.load()
    table = pyarrow.table({"value": [float(n) for n in range(10_000)]})  # as Streamlit makes one
    print(json.dumps([own, pyarrow.default_memory_pool().backend_name, pyarrow.system_memory_pool().bytes_allocated()]))
    """
)


def test_after_load_arrow_allocates_from_malloc_as_python_and_duckdb_do():
    """Arrow's own pool (mimalloc) kept what a large company's first tables needed, megabytes of
    the process's peak; after `load` the tables Streamlit makes come from malloc."""
    done = subprocess.run(
        [sys.executable, "-c", ARROW_POOL], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    own, after, allocated = json.loads(done.stdout.strip().splitlines()[-1])
    assert own != "system" and after == "system"
    assert allocated >= 10_000 * 8  # the table's values live in the system pool


FROZEN = textwrap.dedent(
    """
    import gc, json

    from kpi.ui import startup

    python_own = gc.get_threshold()
    startup.load()
    from kpi.store import monthly

    made_later = {"later": [1]}  # a run's objects stay in the collector's sight
    tracked = {id(o) for o in gc.get_objects()}
    print(json.dumps([
        gc.get_freeze_count(), id(monthly.month_report) in tracked, id(made_later) in tracked,
        [python_own, gc.get_threshold()],
    ]))
    """
)


@pytest.fixture(scope="module")
def loaded() -> list:
    """What the collector knows in a process right after `startup.load` (one process for the
    module's tests): frozen objects, whether an import's function and a later object are
    tracked, and the thresholds before and after."""
    done = subprocess.run(
        [sys.executable, "-c", FROZEN], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_after_load_what_the_imports_made_is_out_of_the_collectors_sight(loaded):
    """A full collection walks every object the collector tracks; the imports' 160,000 objects
    live as long as the process, so `load` freezes them (a full collection over them alone took
    70 ms, and a large company's first pages set off several)."""
    frozen, function_tracked, later_tracked, _thresholds = loaded
    assert frozen > 100_000 and not function_tracked and later_tracked


def test_the_apps_process_collects_as_the_collector_module_says(loaded):
    """`load` sets the collector in the app's process as `kpi.collector.tune` says: the youngest
    generation's threshold, the older generations' left as Python's."""
    python_own, after = loaded[3]
    assert after == [collector.YOUNG, *python_own[1:]] and python_own[0] != collector.YOUNG
