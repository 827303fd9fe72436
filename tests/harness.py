"""What the tests change in Streamlit's AppTest to spend less CPU, and nothing else.

Both are checked against the Streamlit installed by tests/test_harness.py, which fails when
Streamlit stops working the way they assume (then the saving would silently end, or worse).

- Every new AppTest asks Streamlit to find the installed packages' components, reading the
  metadata of every package in the environment: about a quarter of a second of CPU each time,
  and the suite makes thousands. What is installed does not change during a run, so each process
  reads it once.
- An AppTest run waits for its script thread by waking every millisecond, and each wake takes
  the interpreter's lock from the script it waits for: about a tenth of the CPU of a page run.
  The wait here joins the script thread instead (it ends once the run has stopped), with the
  same timeout and the same error.
"""

from __future__ import annotations

import functools

from streamlit.components.v2 import manifest_scanner
from streamlit.testing.v1 import local_script_runner


def wait_for_run(runner: local_script_runner.LocalScriptRunner, timeout: float = 3) -> None:
    """Streamlit's `require_widgets_deltas` without the polling: return when the script run
    stopped (its thread has ended); after `timeout` seconds stop it and say so."""
    if runner._script_thread is not None:  # started by LocalScriptRunner.run just before
        runner._script_thread.join(timeout)
    if runner.script_stopped():
        return
    runner.request_stop()
    runner.join()
    raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")


def install() -> None:
    """Change both, for this process (every pytest process imports tests/conftest.py)."""
    if not hasattr(manifest_scanner.scan_component_manifests, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)
    local_script_runner.require_widgets_deltas = wait_for_run
