"""A KPI card's change since last month: one too small to show (`fmt.shows_change`) is drawn as
no change, grey and without an arrow, never as a green or red "+0.00"."""

import pytest
from streamlit.testing.v1 import AppTest


def card(change):
    from datetime import date

    from kpi.domain.model import Aggregation, Direction, Kpi
    from kpi.ui import widgets

    kpi = Kpi("CES", "Customer Effort Score", "CX", "ces", Direction.HIGHER, Aggregation("ces"))
    widgets.kpi_metric(kpi, 5.0, change, date(2026, 10, 1), [], key="test")


@pytest.mark.parametrize(("change", "moved"), [(-0.004, False), (0.0, False), (-0.02, True), (0.3, True)])
def test_a_change_that_rounds_to_nothing_is_grey_and_has_no_arrow(change, moved):
    at = AppTest.from_function(card, args=(change,), default_timeout=30).run()
    assert not at.exception, at.exception
    metric = at.metric[0].proto
    colour, arrow = (
        type(metric).MetricColor.Name(metric.color),
        type(metric).MetricDirection.Name(metric.direction),
    )
    assert (colour, arrow) == (
        ("GREEN" if change > 0 else "RED", "UP" if change > 0 else "DOWN") if moved else ("GRAY", "NONE")
    )
