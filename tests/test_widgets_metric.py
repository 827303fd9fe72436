"""A KPI card's change since last month (kpi.ui.widgets.kpi_metric): coloured by the KPI's own
direction, and grey without an arrow when nothing changed (an up arrow in red over "+0" read as
news on a number that did not move)."""

import pytest
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest


def card(direction, change):
    """One KPI card, as the Overview and Departments draw it."""
    from datetime import date

    from kpi.domain.model import Aggregation, Direction, Kpi
    from kpi.ui import widgets

    kpi = Kpi("WAIT", "Wait on the phone", "CS", "s", Direction(direction), Aggregation.MEAN, target=60)
    widgets.kpi_metric(kpi, 50.0, change, date(2026, 10, 1), [], "card")


@pytest.mark.parametrize(
    ("direction", "change", "colour", "arrow"),
    [
        ("lower", -4.0, Metric.MetricColor.GREEN, Metric.MetricDirection.DOWN),
        ("lower", 4.0, Metric.MetricColor.RED, Metric.MetricDirection.UP),
        ("higher", 4.0, Metric.MetricColor.GREEN, Metric.MetricDirection.UP),
        ("higher", -4.0, Metric.MetricColor.RED, Metric.MetricDirection.DOWN),
        ("lower", 0.0, Metric.MetricColor.GRAY, Metric.MetricDirection.NONE),
        ("higher", 0.0, Metric.MetricColor.GRAY, Metric.MetricDirection.NONE),
    ],
)
def test_a_change_is_coloured_by_the_kpis_direction_and_no_change_is_grey(direction, change, colour, arrow):
    at = AppTest.from_function(card, args=(direction, change), default_timeout=30).run()
    assert not at.exception, at.exception
    (metric,) = at.metric
    assert (metric.proto.color, metric.proto.direction) == (colour, arrow)


def test_a_goal_s_line_says_by_when_its_target_is_due():
    """ "✓ On track … — 30.3 h (target 24.0 h)" read as a broken promise marked on track (a CEO's
    trial): the line says the target is the deadline's, not the month's."""
    from dataclasses import replace

    from kpi.text import i18n
    from kpi.ui import widgets
    from tests import handmade

    row = next(r for r in handmade.month_report().goals.values() if r.goal.deadline is not None)
    with i18n.use("en"):
        assert widgets.goal_line(row).endswith(" by Dec\xa02026)"), widgets.goal_line(row)
    with i18n.use("da"):
        assert widgets.goal_line(row).endswith(" senest dec.\xa02026)"), widgets.goal_line(row)
    open_ended = replace(row, goal=replace(row.goal, deadline=None))
    with i18n.use("en"):
        assert widgets.goal_line(open_ended).endswith(")") and " by " not in widgets.goal_line(open_ended)
