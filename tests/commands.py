"""`python -m kpi …` for the tests, two ways.

`in_process` calls `kpi.cli.main`, what the entry point (kpi/__main__.py) calls, in the test's own
process, with its output caught: the same exit code, standard output and standard error, without
starting a fresh interpreter that imports everything again (about 2 s of CPU per command).
An exception that escaped `main` would reach a person as a traceback: here it fails the test.

`in_a_process` starts `python -m kpi` in a process of its own: for the few tests that prove the
entry point itself (its exit codes, that nothing but one line reaches standard error), and for
commands that must run beside the test's process (a store held by another process).
"""

from __future__ import annotations

import io
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

from kpi import cli
from tests.conftest import ROOT


def in_process(*args: str) -> subprocess.CompletedProcess[str]:
    """`kpi.cli.main(args)` with standard output and error caught, as a finished process."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as ended:  # argparse's own exit, should main ever let one through
            code = ended.code if isinstance(ended.code, int) else int(ended.code is not None)
    return subprocess.CompletedProcess(["python", "-m", "kpi", *args], code, out.getvalue(), err.getvalue())


def in_a_process(*args: str, user: int | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m kpi args` in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True, text=True, timeout=300, user=user
    )
