"""Start the app so its work is done before anyone arrives: `python -m kpi.ui.launch [options]`
in place of `streamlit run app.py [options]`, with the same options (`--server.port 8501` …).

`streamlit run` has no start-up hook: a process it starts does nothing of the app's until a
first person opens a page, and that person then waits for every import of the app and for the
Overview's data computed cold (issue 21: 5.8 s after a health check that answered at 0.8 s).
The launcher does that work when the process starts:

1. it imports what the pages and the warm-up use (`startup.load`), before the server listens,
   on this thread alone, so nothing can import alongside it. So the health check answers once
   the process can draw a page, not while the first person who arrives would wait seconds for
   the imports: a load balancer sends nobody to a process that is still importing, and a
   process whose imports fail never reports healthy.
2. it warms the first pages' data (`data.warm_at_start`) on a thread of its own, once
   Streamlit's runtime has started (the caches live in it; from then on the health check
   answers), so the warm-up neither delays the health check (issue 21) nor competes with the
   server's start for the interpreter (it did: the health check answered 2.7 s later). Its time
   depends on the store (seconds on a large company, a minute on an unreachable server); a page
   asked for meanwhile waits for the same entries rather than computing them twice.
3. it hands over to Streamlit's own command line, `streamlit run app.py` with the options it was
   given, so the server is exactly the one `streamlit run` starts, but for one middleware in
   front of Streamlit's own (`Arrivals`): it tells the warm-up that a browser asked for
   something, so the warm-up's later steps leave a person who opens the app the process while
   their browser loads its code, as they leave a page's run (`data.arrived`); and a session
   runs the whole page for a fragment it does not hold (`rerun_lost_fragments`: a browser
   moved to a new process after its own died); and the connections it accepts send what they
   write at once (`send_at_once`: Streamlit's own socket left each small response waiting 40 ms).

`streamlit run app.py` still works as before: the first run imports, and the warm-up starts
when that run ends (`data.after_run`).
"""

from __future__ import annotations

import inspect
import logging
import socket
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

APP = Path(__file__).resolve().parents[2] / "app.py"
RUNTIME_SECONDS = 120.0
"""How long the warm-up waits for Streamlit's runtime to start before it gives up (the server
failed to start)."""
RUNTIME_EVERY = 0.02
"""How often it looks: Streamlit tells nobody when its runtime has started, so the thread asks."""
THREAD = "kpi-warm-at-start"
"""The warm-up thread's name, as a stack dump in the server's log shows it."""
NO_RUNTIME = "No runtime found, using MemoryCacheStorageManager"
"""What `st.cache_data` logs for every loader imported before Streamlit's runtime exists: it only
checks the loader's settings then (against a stand-in storage that accepts ours); the loader's
cache is made at its first call, in the runtime's storage (the warm-up waits for the runtime)."""

warmed = threading.Event()
"""Set when the start's warm-up has ended (or given up): tests wait on it."""


def main(options: list[str] | None = None) -> None:
    """Import, start the warm-up, then serve `app.py` with `options` (as `streamlit run` takes
    them) until the server stops."""
    from kpi.ui import startup

    checks = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    quiet = _Without(NO_RUNTIME)
    checks.addFilter(quiet)
    try:
        startup.load()
    finally:
        checks.removeFilter(quiet)
    _find_module_files()
    from kpi.store import engine

    engine.linger_between_units()
    send_at_once()
    watch_arrivals()
    rerun_lost_fragments()
    threading.Thread(target=_warm_when_served, name=THREAD, daemon=True).start()
    from streamlit.web import cli

    given = sys.argv[1:] if options is None else options
    cli.main(["run", str(APP), *given], prog_name="streamlit")


def _find_module_files() -> None:
    """Streamlit asks `inspect.stack()` whether it runs in a REPL when a process draws its first
    element, and the first such call in a process finds the file of every module imported
    (`os.path.realpath` of each): 0.59 s of the first page's 0.81 s run at load average 11, the
    warm-up done (cProfile of that run). `inspect` keeps what it found, so the launcher makes the
    call after the imports: the first person's run looks up only the modules imported since
    (its run then 0.50-0.61 s, of which 0.01 s finding files)."""
    inspect.stack()


def _warm_when_served() -> None:
    from kpi.text.i18n import t
    from kpi.ui import data, startup

    try:
        deadline = time.monotonic() + RUNTIME_SECONDS
        while not _started():
            if time.monotonic() > deadline:
                return
            time.sleep(RUNTIME_EVERY)
        data.warm_at_start()
    except Exception:  # a warm-up only saves time: a page reads for itself what it lacks
        startup.log_failure(t("store.warm_failed"))
    finally:
        warmed.set()


def _started() -> bool:
    """Whether Streamlit's runtime has started (its health check's own condition)."""
    from streamlit.runtime import Runtime, RuntimeState

    from kpi.ui import data

    running = {RuntimeState.NO_SESSIONS_CONNECTED, RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED}
    return data.served() and Runtime.instance().state in running


class _Without(logging.Filter):
    """Drops the records whose message starts with `start`."""

    def __init__(self, start: str) -> None:
        super().__init__()
        self._start = start

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(self._start)


def send_at_once() -> None:
    """Have every connection the server accepts send what it writes at once (`TCP_NODELAY`), as
    asyncio's own listening sockets do (once per process; Streamlit's `_bind_socket`, pinned
    1.67).

    Streamlit binds its listening socket itself, made without naming the protocol, so the
    connections accepted from it say protocol 0 and asyncio, which switches Nagle's algorithm
    off only for a socket that says TCP, leaves it on. A response written in two parts (the
    headers, then a small body) then waits for the browser's delayed acknowledgement of the
    first: 40 ms for each of the ~60 small files of Streamlit's code a browser fetches over a
    kept-alive connection, and for a websocket message sent right after another (issue 21;
    `curl` of a 124-byte file twice on one connection: 6 ms, then 46 ms). The same socket,
    taken over as a TCP socket, fixes both (tests/test_launch.py)."""
    from streamlit.web.server.starlette import starlette_server

    own = starlette_server._bind_socket
    if getattr(own, "sends_at_once", False):
        return

    def bind(address: str, port: int, backlog: int) -> socket.socket:
        made = own(address, port, backlog)
        family, kind = made.family, made.type
        fd = made.detach()
        try:
            tcp = socket.socket(family, kind, socket.IPPROTO_TCP, fileno=fd)
        except BaseException:
            socket.close(fd)
            raise
        tcp.setblocking(False)
        tcp.set_inheritable(True)
        return tcp

    bind.sends_at_once = True  # type: ignore[attr-defined]
    starlette_server._bind_socket = bind


def watch_arrivals() -> None:
    """Put `Arrivals` in front of the middleware of the server Streamlit is about to build (its
    own list, `create_streamlit_middleware`, which its app factory asks for; once per process)."""
    from starlette.middleware import Middleware
    from streamlit.web.server.starlette import starlette_app

    own = starlette_app.create_streamlit_middleware
    if getattr(own, "watches_arrivals", False):
        return

    def with_arrivals() -> list[Middleware]:
        return [Middleware(Arrivals), *own()]

    with_arrivals.watches_arrivals = True  # type: ignore[attr-defined]
    starlette_app.create_streamlit_middleware = with_arrivals


def rerun_lost_fragments() -> None:
    """A browser's rerun of a fragment its session does not hold runs the whole page instead of
    being dropped (once per process; Streamlit's `AppSession.request_rerun`, pinned 1.67).

    A browser whose app process died, or was replaced by a new version, reconnects by itself to
    a new session, which runs nothing until asked: the page stays as the old process drew it, and
    every fragment on it (a fold, the Departments trend's KPI) is unknown to the new session,
    which drops its reruns ("The fragment with id … does not exist anymore"): a fold opened
    empty until the person clicked something else (tests/test_cluster.py). Run as the whole
    page, with the widget states the browser sent, the click does what it asked for, and the
    session holds the page's fragments from then on."""
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.runtime.app_session import AppSession

    own = AppSession.request_rerun
    if getattr(own, "reruns_lost_fragments", False):
        return

    def request_rerun(session: AppSession, client_state: ClientState | None) -> None:
        if (
            client_state is not None
            and client_state.fragment_id
            and not session.has_fragment(client_state.fragment_id)
        ):
            whole = ClientState()
            whole.CopyFrom(client_state)
            whole.fragment_id = ""
            client_state = whole
        own(session, client_state)

    request_rerun.reruns_lost_fragments = True  # type: ignore[attr-defined]
    AppSession.request_rerun = request_rerun  # type: ignore[method-assign, assignment]


class Arrivals:
    """ASGI middleware: every request but a health check or a metrics scrape (`NOBODY`: a load
    balancer's check comes twice a second) tells the warm-up that a person is here
    (`data.arrived`), then goes on as it came."""

    def __init__(self, app: ASGIApp) -> None:
        from kpi.ui import data

        self.app = app
        self.arrived = data.arrived

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not scope["path"].endswith(NOBODY):
            self.arrived()
        await self.app(scope, receive, send)


NOBODY = ("/_stcore/health", "/_stcore/script-health-check", "/_stcore/metrics")
"""Streamlit's health checks and metrics: what a load balancer or a monitor asks for, no person
(a load balancer that checks another address, say `/`, would hold the warm-up's later steps back
for their 10 s each)."""


if __name__ == "__main__":  # run as `-m`, this file is `__main__`: `warmed` lives in the module
    from kpi.ui import launch

    launch.main()
