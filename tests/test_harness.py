"""What tests/harness.py changes in Streamlit holds for the Streamlit installed: should Streamlit
find components or wait for a run another way, the saving would silently end (and the suite take
minutes longer) or a wait would be skipped. These tests fail instead."""

import inspect

import pytest
from streamlit.components.v2 import manifest_scanner
from streamlit.testing.v1 import AppTest, local_script_runner

from tests import harness
from tests.conftest import APP_TIMEOUT

SCRIPT = "import streamlit as st\nst.write('hi')"


def test_every_new_apptest_asks_the_scanner_the_harness_reads_once(monkeypatch):
    cached = manifest_scanner.scan_component_manifests
    assert hasattr(cached, "cache_info"), "the harness no longer keeps the scan"
    asked = []

    def counting():
        asked.append(1)
        return cached()

    monkeypatch.setattr(manifest_scanner, "scan_component_manifests", counting)
    for _ in range(2):
        AppTest.from_string(SCRIPT, default_timeout=APP_TIMEOUT).run()
    assert len(asked) == 2  # a fresh AppTest finds components through this function
    assert cached.cache_info().misses <= 1  # and the installed packages were read once at most


def test_an_apptest_run_waits_through_the_harness_until_its_script_stopped(monkeypatch):
    assert local_script_runner.require_widgets_deltas is harness.wait_for_run
    run = inspect.getsource(local_script_runner.LocalScriptRunner.run)
    assert (
        "self.start()" in run and "require_widgets_deltas(self, timeout)" in run
    )  # the thread, then the wait
    waited = []

    def waiting(runner, timeout=3):
        harness.wait_for_run(runner, timeout)
        waited.append(runner.script_stopped())

    monkeypatch.setattr(local_script_runner, "require_widgets_deltas", waiting)
    at = AppTest.from_string(SCRIPT, default_timeout=APP_TIMEOUT).run()
    assert waited == [True] and at.markdown[0].value == "hi"  # it waited, for the whole run


def test_a_run_that_outlasts_its_timeout_is_stopped_and_said():
    forever = "import streamlit as st\nwhile True:\n    st.empty()"
    at = AppTest.from_string(forever, default_timeout=0.3)  # st.empty(): where a stop can land
    with pytest.raises(RuntimeError, match="timed out after 0.3"):
        at.run()
