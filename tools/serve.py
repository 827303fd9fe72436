"""Run the app on a free loopback port for as long as a block lasts, started as `make run` starts
it (the launcher, `python -m kpi.ui.launch`: imports and warm-up when the process starts).

Shared by the browser tests, the benchmark and the load script, so they start and stop the
app the same way: wait for the health endpoint, then hand over the address and process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 180
"""How long a start may take before the wait for its health check gives up: long, as the launcher
imports everything before the server listens, which at a load average of 25 on 2 cores took over a
minute (the journeys' shared server failed its 60 s on 2026-12-02); a start that answers sooner goes
on at once, and a process that ends fails the wait at once."""


@dataclass(frozen=True)
class Running:
    base: str
    """`http://127.0.0.1:PORT`"""
    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(
    store_url: str, port: int, log: Path | None = None, script: Path = ROOT / "app.py", **settings: str
) -> subprocess.Popen[bytes]:
    """The app on 127.0.0.1:`port` over `store_url` (demo sign-in unless `settings` say
    otherwise), started by its launcher, not yet healthy: `wait_healthy` waits for it. What it
    prints goes to `log` (appended) when given. `script` runs another Streamlit script with
    `streamlit run` in the app's place (the benchmark's bare reference page)."""
    env = {**os.environ, "KPI_DATABASE_URL": store_url, "KPI_AUTH_MODE": "demo", **settings}
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (the child holds it)
    how = ["kpi.ui.launch"] if script == ROOT / "app.py" else ["streamlit", "run", str(script)]
    return subprocess.Popen(
        [sys.executable, "-m", *how, "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=output,
    )


def wait_healthy(
    base: str,
    process: subprocess.Popen[bytes] | None = None,
    seconds: float = START_SECONDS,
    every: float = 0.25,
) -> None:
    """Until `base`'s health endpoint answers `ok` (the app's own, or a proxy's in front of it),
    asking every `every` seconds; fails after `seconds`, or at once when `process` has ended."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"the app at {base} ended with code {process.returncode} before it was healthy"
            )
        if time.monotonic() > deadline:
            raise RuntimeError(f"{base} did not answer its health check")
        time.sleep(every)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def app(store_url: str, **settings: str) -> Iterator[Running]:
    """The app on `store_url` (demo sign-in unless `settings` say otherwise), healthy, until the block ends."""
    port = free_port()
    process = start(store_url, port, **settings)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        yield Running(base, process.pid)
    finally:
        stop(process)
