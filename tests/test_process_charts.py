"""Charts draw a KPI's process limits as a band of their own and ring the months that signal, in
the app (Plotly) and in the PowerPoint pack's native charts."""

import io
from datetime import date

from pptx import Presentation

from kpi.domain import months
from kpi.output import charts, deck, pptx_pack
from kpi.text.i18n import t

MONTHS = [months.add(date(2025, 11, 1), i) for i in range(12)]
VALUES = [50.0, 52, 49, 51, 50, 53, 48, 50, 51, 49, 52, 80]


def test_the_app_chart_draws_limits_apart_from_the_tolerance_band_and_rings_signals():
    spec = charts.TrendSpec(
        "Wait",
        "s",
        target=60.0,
        tolerance=0.1,
        is_higher_better=False,
        limits=(42.0, 58.0),
        signals=((MONTHS[-1], 1),),  # above the centre: for a wait, a concern
        targets=tuple((m, 60.0 + (m.month == 12) * 15) for m in MONTHS),
    )
    fig = charts.trend(list(zip(MONTHS, VALUES, strict=True)), spec)
    names = [trace.name for trace in fig.data]
    assert t("chart.limits") in names and t("chart.tolerance") in names
    band = next(trace for trace in fig.data if trace.name == t("chart.limits"))
    tolerance = next(trace for trace in fig.data if trace.name == t("chart.tolerance"))
    assert band.fillcolor != tolerance.fillcolor and list(band.y) == [42.0, 42.0]
    ring = next(trace for trace in fig.data if trace.name == t("signal.variation.concern"))
    assert list(ring.x) == [MONTHS[-1]] and list(ring.y) == [80]
    target = next(trace for trace in fig.data if trace.name == t("chart.month_target"))
    assert max(target.y) == 75.0  # December's phased target, not one flat level


def test_the_pack_chart_carries_the_limits_and_the_signal_months():
    series = deck.Series(
        "Wait", "s", tuple(zip(MONTHS, VALUES, strict=True)), 60.0, (42.0, 58.0), (MONTHS[-1],)
    )
    slide = deck.Slide("goal", "Short waits", chart=series)
    pack = Presentation(io.BytesIO(pptx_pack.render([slide], "x")))
    chart = next(shape.chart for shape in pack.slides[0].shapes if shape.has_chart)
    drawn = {s.name: list(s.values) for s in chart.plots[0].series}
    assert set(drawn) == {t("chart.actual"), t("chart.target"), t("chart.limits"), t("chart.signals")}
    plotted = [s for s in chart.plots[0].series if s.name == t("chart.limits")]
    assert sorted(p.values[0] for p in plotted) == [42.0, 58.0]
    assert drawn[t("chart.signals")] == [None] * 11 + [80.0]
