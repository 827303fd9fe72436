"""Importing the app's modules once per process, before several threads race to do it.

Streamlit runs each session's script in a thread of its own, and the app runs its warm-up
(kpi.ui.data.warm) on another. Python's import locks are per module: a thread that enters a
package (`sqlalchemy`) while another has entered one of its submodules directly
(`sqlalchemy.engine`, whose parent it finds already begun) can each wait for the other; Python
then breaks the deadlock by handing one of them the other's module half-built, and that thread
fails with "partially initialized module". Right after a start a first run failed so inside
this `load`, and a thread importing the app's modules beside a running `load` fails so every
time (tests/test_startup.py). So every import that pages or the warm-up make happens here,
under one lock, once (the launcher, kpi.ui.launch, calls `load` before the server starts, so in
an app started by it no run waits for the imports; under `streamlit run app.py` the first run
makes them):

- the libraries, and what the first engine would import later (the dialect and driver of the
  store's kind: `create_engine` loads them on first use, in whichever thread comes first);
- every module of kpi.store and kpi.ui (the pages' views and loaders and what they use);
- a thread the app starts (`in_background`) calls `load` before its work, so it waits for a
  first run's imports instead of making them alongside.

Should a thread this module cannot stop (a library's, Streamlit's) still race with `load`,
`load` tries again (the half-built module is dropped when its import fails) and logs the first
such failure with every thread's stack, once, for whoever reads the server's log: never a
person's page. This module itself imports nothing heavy.
"""

from __future__ import annotations

import gc
import importlib
import logging
import pkgutil
import sys
import threading
import traceback
from collections.abc import Callable

from kpi import collector

_LOCK = threading.Lock()
_done = False
_dumped = False
_DUMP_LOCK = threading.Lock()
_LOG = logging.getLogger(__name__)

LIBRARIES = (
    "pyarrow",
    "sqlalchemy",
    "sqlalchemy.exc",
    "pandas",
    "duckdb",
)
DRIVERS = {
    "duckdb": ("duckdb_sqlalchemy",),
    "postgresql": ("sqlalchemy.dialects.postgresql.psycopg", "psycopg"),
}
"""What the first `create_engine` of a store's kind loads (not importing SQLAlchemy): `load`
imports those of the configured store, both when the setting does not read. psycopg alone holds
8.5 MB that a process serving a DuckDB store never uses (issue 21, peak memory); a PostgreSQL
source pulled into a DuckDB store loads it when first asked."""
PACKAGES = ("kpi.store", "kpi.ui")
ATTEMPTS = 3
"""How often `load` imports again after another thread handed it a half-built module."""


def load() -> None:
    """Import every module the pages and the warm-up use, once per process; later calls return
    at once, and a call while another thread loads waits for it."""
    global _done
    if _done:
        return
    with _LOCK:
        if _done:
            return
        collector.tune()  # before the imports, which make 160,000 objects of their own
        for attempt in range(1, ATTEMPTS + 1):
            try:
                _import_all()
            except (ImportError, AttributeError) as error:
                if "partially initialized module" not in str(error) or attempt == ATTEMPTS:
                    raise
                from kpi.text.i18n import t  # only now: this module imports nothing heavy

                log_failure(t("store.imports_raced", attempt=attempt, attempts=ATTEMPTS))
            else:
                break
        from kpi.text import fmt  # only now: after the libraries it imports

        fmt.read_ahead()  # every language's texts: a first page would read them otherwise
        _out_of_the_collectors_sight()
        _done = True


def _import_all() -> None:
    for name in LIBRARIES:
        importlib.import_module(name)
    for name in drivers():
        importlib.import_module(name)
    _arrow_on_malloc()
    for name in PACKAGES:
        package = importlib.import_module(name)
        for found in pkgutil.walk_packages(package.__path__, f"{name}."):
            importlib.import_module(found.name)


def _out_of_the_collectors_sight() -> None:
    """Move what the imports made (some 160,000 objects: modules, functions, classes, Streamlit's
    and the libraries' tables, all kept for the process's life) out of the garbage collector's
    sight (`gc.freeze`). Python's full collection walks every object it tracks (70 ms over the
    imports alone), and cold reads making tens of thousands of values set one off again and
    again: serving every page of the large company once spent 0.85 s in collections, the longest
    150 ms, and 0.70 s, the longest 105 ms, with them frozen (issue 21; two runs each). What a
    run makes later is collected as before.
    """
    gc.freeze()  # no collection first: one right after the imports finds no garbage (and costs 70 ms)


def drivers() -> tuple[str, ...]:
    """The driver modules of the store this process serves (`DRIVERS`), every kind's when its
    setting does not read (the page says why; the imports are then no concern of it). Read from
    the environment as it is now, without keeping the settings: the launcher loads before
    Streamlit starts and copies the secrets file's top-level entries into the environment, and
    the process's settings (`settings.current`) must be read after that. A store named only
    there gets its driver from its first engine, as before start-up loaded drivers."""
    from kpi import settings
    from kpi.store import engine  # imports SQLAlchemy: only once `LIBRARIES` are loaded

    try:
        kind = "duckdb" if engine.is_duckdb(settings.as_now().database_url) else "postgresql"
    except Exception:
        return tuple(name for names in DRIVERS.values() for name in names)
    return DRIVERS[kind]


def _arrow_on_malloc() -> None:
    """Arrow (Streamlit hands every table to the browser as Arrow) allocates from the C library's
    malloc, as Python and DuckDB do, instead of its own mimalloc. mimalloc kept what the first
    tables of a large company had needed, 9 MB more of the process's peak at the goal cascade's
    first run, where malloc hands it to the next read (issue 21, peak memory). A table of the
    SMART page's size (1,776 rows) to Arrow's stream format, as Streamlit sends it, took
    1.5-2.1 ms on either pool (best of five, taking turns)."""
    import pyarrow

    pyarrow.set_memory_pool(pyarrow.system_memory_pool())


def in_background(
    work: Callable[[], None], failed: Callable[[], str], undo: Callable[[], None] | None = None
) -> threading.Thread:
    """Run `work` on a daemon thread of its own, after `load` (a thread started before a first
    run's imports are done waits for them rather than importing alongside). A failure is logged
    (`log_failure`, worded by `failed`), never raised into a page, and then `undo` runs (what
    `work` would have settled had it ended)."""

    def run() -> None:
        try:
            load()
            work()
        except Exception:
            log_failure(failed())
            if undo is not None:
                undo()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def log_failure(message: str) -> None:
    """Log the exception being handled with `message`; the first time in this process with
    every thread's stack as well (an import race shows only in what the other threads did)."""
    global _dumped
    with _DUMP_LOCK:
        first, _dumped = not _dumped, True
    stacks = f"\n{_stacks()}" if first else ""
    _LOG.warning("%s%s", message, stacks, exc_info=True)


def _stacks() -> str:
    """Every thread's stack, as `faulthandler` prints them, but into the log."""
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    return "\n".join(
        f"Thread {names.get(ident, '?')} ({ident}):\n" + "".join(traceback.format_stack(frame))
        for ident, frame in sys._current_frames().items()
    )
