"""Every chart we make rides on our own small Plotly template (kpi.output.charts.TEMPLATE), not
the default one Streamlit installs, so a chart sends the browser its points and looks, not the
colour scales of a dozen kinds of chart we never draw; and it keeps every trace, colour and label.
"""

from __future__ import annotations

import json
from datetime import date

import plotly.io as pio
import pytest
import streamlit.elements.plotly_chart  # noqa: F401  (installs Streamlit's default template, as the app does)

from kpi.domain import months
from kpi.output import charts, driver_chart, word_charts
from kpi.text import palette
from kpi.text.i18n import t
from tests.test_driver_chart import _analysis

MONTHS = [months.add(date(2025, 11, 1), i) for i in range(12)]
SPEC = charts.TrendSpec(
    "Wait",
    "s",
    target=60.0,
    tolerance=0.1,
    is_higher_better=False,
    limits=(42.0, 58.0),
    signals=((MONTHS[-1], "concern"),),
    forecast=(months.add(MONTHS[-1], 3), 55.0),
)


def _figures() -> dict:
    return {
        "trend": charts.trend(list(zip(MONTHS, [50.0 + n for n in range(12)], strict=True)), SPEC),
        "drivers": driver_chart.importance_performance(_analysis(), "What matters"),
        "words": word_charts.per_touchpoint([("Delivery", 40), ("Invoice", 3)], "Comments", 10),
    }


@pytest.mark.parametrize("kind", ["trend", "drivers", "words"])
def test_a_chart_carries_our_template_and_not_the_default_one(kind):
    assert pio.templates.default == "streamlit"  # what a figure would get without ours
    sent = json.loads(_figures()[kind].to_json())
    assert sent["layout"]["template"] == charts.TEMPLATE.to_plotly_json()
    assert "data" not in sent["layout"]["template"]  # no per-trace styles for charts we never draw


def test_a_trend_sends_less_than_half_of_what_it_did_on_the_default_template():
    ours = _figures()["trend"]
    on_default = json.loads(ours.to_json())
    on_default["layout"]["template"] = pio.templates[pio.templates.default].to_plotly_json()
    assert len(ours.to_json()) < len(json.dumps(on_default)) / 2


def test_the_trend_keeps_its_traces_colours_and_labels_on_our_template():
    fig = _figures()["trend"]
    by_name = {trace.name: trace for trace in fig.data if trace.name}
    assert {t("chart.actual"), t("chart.target"), t("chart.tolerance"), t("chart.limits")} <= set(by_name)
    assert by_name[t("chart.actual")].line.color == palette.SERIES["actual"]
    assert by_name[t("chart.target")].line.color == palette.SERIES["target"]
    assert by_name[t("chart.tolerance")].fillcolor == palette.SERIES["band"]
    assert by_name[t("chart.ring.concern")].marker.line.color == palette.VARIATION_LOOKS["concern"].colour
    assert fig.layout.font.family == charts.FONT and fig.layout.plot_bgcolor == "white"
    assert fig.layout.yaxis.title.text == t("chart.unit.s")
    # the title heads the legend, above the plot: a phone's rows of legend cover no label
    assert fig.layout.legend.title.text == "Wait" and not fig.layout.title.text
    assert fig.layout.legend.yanchor == "bottom" and fig.layout.legend.y > 1


def test_a_trend_s_title_shows_tags_as_text():
    spec = charts.TrendSpec(title="<b>Wait</b> & $x$", unit="s", target=None)
    fig = charts.trend([(date(2026, 9, 1), 80.0), (date(2026, 10, 1), 79.0)], spec)
    assert fig.layout.legend.title.text == "&lt;b&gt;Wait&lt;/b&gt; &amp; &#36;x&#36;"


def test_the_word_bars_keep_their_colours_on_our_template():
    bars = _figures()["words"].data[0]
    assert list(bars.marker.color) == [palette.SERIES["actual"], "rgba(107,107,107,0.35)"]
    assert list(bars.y) == ["Delivery", "Invoice"]
