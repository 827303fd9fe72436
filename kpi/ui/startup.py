"""Importing the app's modules once per process, before several sessions race to do it.

Streamlit runs each session's script in its own thread. Right after the server starts, several
first runs can reach `import sqlalchemy` (or a page's view modules) at the same moment, and
Python then hands one thread a module another thread is still initialising: the page fails
with "partially initialized module". `load()` does every import under one lock, so the first
run imports and the others wait for it. This module itself imports nothing heavy.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading

_LOCK = threading.Lock()
_done = False


def load() -> None:
    """Import every module the pages use, once per process; later calls return at once."""
    global _done
    if _done:
        return
    with _LOCK:
        if _done:
            return
        import kpi.store
        import kpi.ui

        for module in ("sqlalchemy", "sqlalchemy.exc", "pandas", "plotly.graph_objects", "duckdb"):
            importlib.import_module(module)
        # the store's modules too: the warm-up (kpi.ui.data.warm) runs on a thread of its own
        for package in (kpi.store, kpi.ui):
            for found in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
                importlib.import_module(found.name)
        _done = True
