"""What the test harness changes in Streamlit holds for the Streamlit installed.

tests/conftest.py makes each process read the installed packages' components once instead of
once per AppTest. Should Streamlit find components another way, the saving would silently end
(and the suite take minutes longer): these tests fail instead.
"""

from streamlit.components.v2 import manifest_scanner
from streamlit.testing.v1 import AppTest

from tests.conftest import APP_TIMEOUT


def test_every_new_apptest_asks_the_scanner_conftest_reads_once(monkeypatch):
    cached = manifest_scanner.scan_component_manifests
    assert hasattr(cached, "cache_info"), "conftest no longer keeps the scan"
    asked = []

    def counting():
        asked.append(1)
        return cached()

    monkeypatch.setattr(manifest_scanner, "scan_component_manifests", counting)
    for _ in range(2):
        AppTest.from_string("import streamlit as st\nst.write('hi')", default_timeout=APP_TIMEOUT).run()
    assert len(asked) == 2  # a fresh AppTest finds components through this function
    assert cached.cache_info().misses <= 1  # and the installed packages were read once at most
