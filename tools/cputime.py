"""What each test costs in CPU seconds, for a machine too busy for wall times to mean much.

A pytest plugin: `python -m pytest -p tools.cputime ...` (with `-n 2` too: each process appends
its own rows). For every test it appends a row to `CPUTIME_OUT` (default `cputime.tsv`): the
test's id, the CPU seconds of the test process (all its threads, so an AppTest run counts), the
CPU seconds of the child processes it waited for in that time (a `python -m kpi` the test ran,
LibreOffice), and the wall seconds. Work done by processes that outlive the test (a Streamlit
server or Chromium shared by a module) is counted only when they are stopped, if at all.
`python tools/cputime.py cputime.tsv` sums the rows by file, dearest first.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

OUT = Path(os.environ.get("CPUTIME_OUT", "cputime.tsv"))


def _spent() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    own, children = _spent()
    started = time.monotonic()
    yield
    own_after, children_after = _spent()
    with OUT.open("a", encoding="utf-8") as out:
        out.write(
            f"{item.nodeid}\t{own_after - own:.2f}\t{children_after - children:.2f}"
            f"\t{time.monotonic() - started:.2f}\n"
        )


def by_file(rows: list[str]) -> list[tuple[str, int, float, float]]:
    """(file, tests, CPU seconds, wall seconds) per test file, the dearest in CPU first."""
    files: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for row in rows:
        nodeid, own, children, wall = row.rstrip("\n").split("\t")
        total = files[nodeid.split("::")[0]]
        total[0] += 1
        total[1] += float(own) + float(children)
        total[2] += float(wall)
    return sorted(((f, int(n), cpu, wall) for f, (n, cpu, wall) in files.items()), key=lambda r: -r[2])


if __name__ == "__main__":
    lines = Path(sys.argv[1] if len(sys.argv) > 1 else OUT).read_text(encoding="utf-8").splitlines()
    for name, tests, cpu, wall in by_file(lines):
        print(f"{cpu:8.1f} s CPU {wall:8.1f} s wall {tests:5d} tests  {name}")
