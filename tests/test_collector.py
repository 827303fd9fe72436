"""The processes collect garbage as `kpi.collector` says: the command line sets it on start
(the app's start is checked in test_startup), the older generations left as Python's."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from kpi import cli, collector


@pytest.fixture
def python_default() -> Iterator[None]:
    """Python's own thresholds for the test, whatever the process had before, then those again."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


@pytest.mark.usefixtures("python_default")
def test_tune_collects_the_young_less_often_and_keeps_the_older_thresholds():
    collector.tune()
    assert gc.get_threshold() == (collector.YOUNG, 10, 10)


@pytest.mark.usefixtures("python_default")
def test_the_command_line_tunes_the_collector_before_it_works(capsys):
    cli.main(["--help"])
    assert gc.get_threshold()[0] == collector.YOUNG
    assert "usage" in capsys.readouterr().out
