"""Run the app with `streamlit run` on a free loopback port for as long as a block lasts.

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
START_SECONDS = 60


@dataclass(frozen=True)
class Running:
    base: str
    """`http://127.0.0.1:PORT`"""
    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app(store_url: str, **settings: str) -> Iterator[Running]:
    """The app on `store_url` (demo sign-in unless `settings` say otherwise), healthy, until the block ends."""
    port = free_port()
    env = {**os.environ, "KPI_DATABASE_URL": store_url, "KPI_AUTH_MODE": "demo", **settings}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the app did not answer its health check") from None
                time.sleep(0.25)
        yield Running(base, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
