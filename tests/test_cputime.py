"""tools/cputime.py: a test's CPU seconds, its children's and its wall time, and the sums by file."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tools import cputime

BURNT = 0.3
"""CPU seconds the measured test spends in its own process before it ends."""

MEASURED = f"""
import subprocess, sys, time


def test_burns():
    start = time.process_time()
    while time.process_time() - start < {BURNT}:
        pass


def test_waits_for_a_child():
    subprocess.run([sys.executable, "-c", "import time\\nstart = time.process_time()\\nwhile time.process_time() - start < {BURNT}: pass"], check=True)


def test_idles():
    pass
"""


def test_each_test_s_own_and_its_children_s_cpu_seconds_are_written_and_summed(tmp_path):
    (tmp_path / "test_measured.py").write_text(MEASURED, encoding="utf-8")
    out = tmp_path / "cpu.tsv"
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "CPUTIME_OUT": str(out)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tools.cputime"]
    ran = subprocess.run(
        [*command, "test_measured.py"], cwd=tmp_path, env=environment, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    rows = {
        line.split("\t")[0]: [float(n) for n in line.split("\t")[1:]] for line in out.read_text().splitlines()
    }
    assert set(rows) == {
        f"test_measured.py::{name}" for name in ("test_burns", "test_waits_for_a_child", "test_idles")
    }
    own, children, wall = rows["test_measured.py::test_burns"]
    assert own >= BURNT and children == 0 and wall >= own  # one thread burnt it: no faster than the clock
    assert rows["test_measured.py::test_waits_for_a_child"][1] >= BURNT
    assert rows["test_measured.py::test_idles"][0] < BURNT
    [(name, tests, cpu, _)] = cputime.by_file(out.read_text().splitlines())
    assert (name, tests) == ("test_measured.py", 3)
    assert cpu == pytest.approx(sum(own + children for own, children, _ in rows.values()))
