"""A command run while another process holds the DuckDB store file open (as a long import, or a
second copy of the app, would): for the tests that prove it waits a moment, then says the store
is busy and exits 3."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from kpi.store import engine
from tests.conftest import ROOT

HOLD = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()"
"""Holds the file open until its standard input is closed: as long as the command runs, however long."""


def run_on_held_store(path: str | Path, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """`python -m kpi args`, waiting at most 1 s for the store, while another process holds the
    DuckDB file at `path` open (it lets go once the command has ended)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        return subprocess.run(
            [sys.executable, "-m", "kpi", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "KPI_BUSY_WAIT": "1"},
        )
    finally:
        assert holder.stdin is not None
        holder.stdin.close()  # lets go of the store
        holder.wait()


@contextmanager
def kept_open(seconds: float = engine.LINGER_S) -> Iterator[None]:
    """This process keeps DuckDB files open `seconds` between units of work (`0.0`: keeps none,
    as the command line), until the block ends; every file kept before the block and in it is
    let go at its start and its end. The tests keep them as the app's launcher does
    (tests/conftest.py), so a test of a process that keeps nothing, or of one that opens the file
    with DuckDB's own `connect` (another configuration: refused beside a kept one), says so."""
    before = engine._linger
    _let_go()
    engine.linger_between_units(seconds)
    try:
        yield
    finally:
        engine.linger_between_units(before)
        _let_go()


def _let_go() -> None:
    with engine._KEEPERS_LOCK:
        keepers = list(engine._KEEPERS.values())
        engine._KEEPERS.clear()
    for keeper in keepers:
        keeper.idle_let_go()
