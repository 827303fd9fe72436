"""The launcher (kpi/ui/launch.py): a served app warms its first pages before anyone arrives, so
the first person's Overview computes nothing; `streamlit run app.py` still works, warming after
its first run. Each case serves the app in a process of its own (a fresh interpreter) on a copy
of the demo store; what its loaders computed is counted inside it (`Loader.calls`) and printed
when a condition holds, never after a time."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from unittest import mock

import pytest

from kpi.store.engine import LINGER_S
from tests.conftest import ROOT
from tools import serve
from tools.load import _connect, _rerun, _until_finished

CEO = "mette.kjaer@havnhjem.example"
T = TypeVar("T")
SECONDS = 180
OVERVIEW = ("month_report", "history", "attention", "commentary", "splits", "late", "origins")
"""Loaders the Overview asks for (kpi.ui.data)."""
DEPARTMENT_PAGE = ("month_report", "history", "commentary", "late", "origins")
"""Of those, the ones the warm-up asks for once more, for the Departments page of management
(where the demo's executives open it: `data._department_page`), each for that scope."""
WARMED = {name: 1 + (name in DEPARTMENT_PAGE) for name in OVERVIEW}
"""What a whole warm-up computed of the Overview's loaders: each once for everyone's Overview."""

SERVED = textwrap.dedent(
    """
    import json, sys, threading

    from streamlit.web.server.starlette import starlette_server

    from kpi.store import engine
    from kpi.ui import data, launch

    finished = threading.Event()
    after_run = data.after_run

    def say(phase):
        calls = {loader.__name__: loader.calls for loader in data._LOADERS}
        calls["linger_s"] = engine._linger  # the store's file kept open between units of work
        calls["arrived"] = data._last_arrival != -data.QUIET  # a browser's request seen (launch.Arrivals)
        calls["sends_at_once"] = getattr(starlette_server._bind_socket, "sends_at_once", False)
        print(json.dumps({"phase": phase, "calls": calls}), flush=True)

    def counted_after_run():  # app.py calls this as each run ends: count before it warms
        if not finished.is_set():
            say("first run")
        after_run()
        finished.set()

    data.after_run = counted_after_run

    def until(condition):
        while not condition():
            threading.Event().wait(0.02)

    def watch():
        if sys.argv[1] == "launcher":
            launch.warmed.wait()
            say("warmed")
        else:
            until(launch._started)
            say("started")
        finished.wait()
        until(lambda: not data._warm_running)
        say("quiet")

    threading.Thread(target=watch, daemon=True).start()
    options = ["--server.port", sys.argv[2], "--server.address", "127.0.0.1"]
    if sys.argv[1] == "launcher":
        launch.main(options)
    else:
        from streamlit.web import cli

        cli.main(["run", str(launch.APP), *options], prog_name="streamlit")
    """
)


@contextmanager
def served(store: Path, how: str) -> Iterator[tuple[str, queue.Queue]]:
    """The app on `store`, started by the launcher (`how="launcher"`) or by `streamlit run`, with
    the phases its watcher prints in a queue."""
    port = serve.free_port()
    env = {**os.environ, "KPI_DATABASE_URL": f"duckdb:///{store}", "KPI_AUTH_MODE": "demo"}
    process = subprocess.Popen(
        [sys.executable, "-c", SERVED, how, str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    said: queue.Queue = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("{"):
                said.put(json.loads(line))

    threading.Thread(target=read, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        serve.wait_healthy(base, process, SECONDS)
        yield base, said
    finally:
        serve.stop(process)


def next_phase(said: queue.Queue, phase: str) -> dict[str, int]:
    found = said.get(timeout=SECONDS)
    assert found["phase"] == phase
    return found["calls"]


def open_overview(base: str) -> None:
    """One person opens the Overview, as a browser tab does: a websocket, one run."""

    async def once() -> str | None:
        async with _connect(base) as ws:
            await _rerun(ws, "", f"as={CEO}")
            return await asyncio.wait_for(_until_finished(ws), SECONDS)

    assert on_a_loop_of_its_own(once()) is None


def on_a_loop_of_its_own(work: Coroutine[Any, Any, T]) -> T:
    """`work` run to its end on a new event loop in a thread of its own: a test before may have
    left one running on this thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, work).result()


@pytest.fixture
def store(demo_duckdb_file, tmp_path) -> Path:
    copy = tmp_path / "demo.duckdb"
    copy.write_bytes(demo_duckdb_file.read_bytes())
    return copy


def test_the_launcher_warms_the_first_page_before_anyone_opens_it(store):
    with served(store, "launcher") as (base, said):
        warmed = next_phase(said, "warmed")  # printed with no session ever opened
        assert {name: warmed[name] for name in OVERVIEW} == WARMED, warmed
        assert warmed["deck"] == 1  # Present's first slide too
        assert warmed["linger_s"] == LINGER_S
        assert not warmed["arrived"]  # the health checks are nobody
        assert warmed["sends_at_once"]  # the server listens on the launcher's socket
        open_overview(base)
        first = next_phase(said, "first run")
        next_phase(said, "quiet")
    assert first.pop("arrived") and not warmed.pop("arrived")  # the session's socket went through Arrivals
    assert first == warmed  # the first person's Overview computed nothing


def test_streamlit_run_still_serves_and_warms_after_the_first_run(store):
    with served(store, "streamlit run") as (base, said):
        started = next_phase(said, "started")
        assert not any(started.values()), started  # nothing before a first run, Streamlit's own socket
        open_overview(base)
        first = next_phase(said, "first run")
        assert first["month_report"] == 1 and first["deck"] == 0  # the Overview read for itself
        quiet = next_phase(said, "quiet")
    assert quiet["deck"] == 1  # then the warm-up built the rest
    assert quiet["linger_s"] == 0  # only the launcher keeps the file open between units
    assert not quiet["arrived"]  # nor watches browsers arrive: `streamlit run` has no Arrivals
    assert {name: quiet[name] for name in OVERVIEW} == WARMED, quiet  # and not the Overview again


@pytest.mark.parametrize("held", [True, False])
def test_a_rerun_of_a_fragment_the_session_does_not_hold_runs_the_whole_page(monkeypatch, held):
    """`launch.rerun_lost_fragments`: Streamlit's session is asked to rerun a fragment; one it
    holds reruns as asked, one it does not (a browser moved to a new process after its own died)
    runs the whole page with the same widget states instead of being dropped; the patch goes in
    once however often the launcher asks, and the browser's own request is left as it came."""
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.runtime.app_session import AppSession

    from kpi.ui import launch

    asked: list[ClientState | None] = []
    monkeypatch.setattr(AppSession, "request_rerun", lambda session, state: asked.append(state))
    launch.rerun_lost_fragments()
    launch.rerun_lost_fragments()
    session = mock.MagicMock()
    session.has_fragment.side_effect = lambda fragment: held and fragment == "fold"
    sent = ClientState(fragment_id="fold", page_script_hash="departments", query_string="month=2026-10")
    AppSession.request_rerun(session, sent)
    AppSession.request_rerun(session, None)  # a rerun with the session's last state, as Streamlit asks
    assert len(asked) == 2 and asked[1] is None
    ran = asked[0]
    assert ran is not None and ran.fragment_id == ("fold" if held else "")
    assert (ran.page_script_hash, ran.query_string) == ("departments", "month=2026-10")
    assert sent.fragment_id == "fold"  # the browser's message is not changed


def _accepted_nodelay(bind) -> int:
    """TCP_NODELAY of a connection asyncio accepts on a socket `bind` made, as uvicorn serves
    Streamlit's (`loop.create_server(sock=…)`)."""

    async def accept() -> int:
        loop = asyncio.get_running_loop()
        accepted: asyncio.Future[int] = loop.create_future()

        class Server(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                made = transport.get_extra_info("socket")
                accepted.set_result(made.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await loop.create_server(Server, sock=bind("127.0.0.1", 0, 8))
        port = server.sockets[0].getsockname()[1]
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(accepted, SECONDS)
        finally:
            writer.close()
            server.close()
            await server.wait_closed()

    return on_a_loop_of_its_own(accept())


def test_connections_the_server_accepts_send_at_once(monkeypatch):
    """`launch.send_at_once`: a connection accepted on the socket Streamlit binds itself leaves
    Nagle's algorithm on (every small response and websocket message after another waited 40 ms
    for the browser's acknowledgement); on the launcher's socket it is off. The patch goes in
    once however often the launcher asks."""
    from streamlit.web.server.starlette import starlette_server

    from kpi.ui import launch

    own = starlette_server._bind_socket
    monkeypatch.setattr(starlette_server, "_bind_socket", own)  # undone after the test
    assert _accepted_nodelay(own) == 0  # Streamlit's own: fix `send_at_once` when this changes
    launch.send_at_once()
    launch.send_at_once()
    patched = starlette_server._bind_socket
    assert patched is not own and getattr(patched, "sends_at_once", False)
    assert _accepted_nodelay(patched) != 0
