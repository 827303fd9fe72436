"""Charts draw a KPI's process limits as a band of their own and ring the months that signal, in
the app (ECharts) and in the PowerPoint pack's native charts."""

import io
from datetime import date

import pytest
from pptx import Presentation

from kpi.domain import months
from kpi.output import charts, deck, pptx_pack
from kpi.text import fmt, palette
from kpi.text.i18n import t
from tests.test_chart_payload import series as named

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
        signals=((MONTHS[-1], "concern"),),
        targets=tuple((m, 60.0 + (m.month == 12) * 15) for m in MONTHS),
    )
    chart = charts.trend(list(zip(MONTHS, VALUES, strict=True)), spec)
    band, tolerance = named(chart, t("chart.limits")), named(chart, t("chart.tolerance"))
    assert band["markArea"]["itemStyle"]["color"] != tolerance["markArea"]["itemStyle"]["color"]
    assert band["markArea"]["data"] == [[{"yAxis": 42.0}, {"yAxis": 58.0}]]
    assert [edge["yAxis"] for edge in band["markLine"]["data"]] == [42.0, 58.0]
    ring = named(chart, t("chart.ring.concern"))
    assert ring["data"] == [[len(MONTHS) - 1, 80, fmt.value(80, "s")]]  # the last month, its value as written
    assert (
        ring["itemStyle"]["color"]
        == ring["itemStyle"]["borderColor"]
        == palette.VARIATION_LOOKS["concern"].colour
    )
    target = named(chart, t("chart.month_target"))
    assert max(v for _, v, _ in target["data"]) == 75.0  # December's phased target, not one flat level


def test_the_pack_chart_carries_the_limits_and_the_signal_months():
    series = deck.Series(
        "Wait", "s", tuple(zip(MONTHS, VALUES, strict=True)), 60.0, (42.0, 58.0), ((MONTHS[-1], "concern"),)
    )
    slide = deck.Slide("goal", "Short waits", chart=series)
    pack = Presentation(io.BytesIO(pptx_pack.render([slide], "x")))
    chart = next(shape.chart for shape in pack.slides[0].shapes if shape.has_chart)
    drawn = {s.name: list(s.values) for s in chart.plots[0].series}
    concern = t("chart.ring.concern")
    assert set(drawn) == {t("chart.actual"), t("chart.target"), t("chart.limits"), concern}
    plotted = [s for s in chart.plots[0].series if s.name == t("chart.limits")]
    assert sorted(p.values[0] for p in plotted) == [42.0, 58.0]
    assert drawn[concern] == [None] * 11 + [80.0]


def test_a_goal_s_pack_chart_draws_its_planned_path_in_the_target_s_colour_dotted():
    """The slide's note said "judged against its path … the path is at +33 this month" over a
    chart that drew only the target (a code review): the pack draws the path too, each month's
    level where the goal has one, in the target's green, dotted, the limits still after it."""
    from pptx.enum.dml import MSO_LINE_DASH_STYLE

    from kpi.domain import verdicts
    from kpi.domain.model import Goal, Level

    goal = Goal("S1", Level.STRATEGIC, "Short waits", "WAIT", "CS", baseline=90, target=60,
                start=MONTHS[3], deadline=MONTHS[-1] + (MONTHS[-1] - MONTHS[-2]) * 6)  # fmt: skip
    path = verdicts.path(goal, MONTHS)
    assert [m for m, _ in path] == MONTHS[3:] and path[0][1] < 90 and path[-1][1] > 60
    series = deck.Series("Wait", "s", tuple(zip(MONTHS, VALUES, strict=True)), 60.0, (42.0, 58.0), path=path)
    pack = Presentation(io.BytesIO(pptx_pack.render([deck.Slide("goal", "Short waits", chart=series)], "x")))
    chart = next(shape.chart for shape in pack.slides[0].shapes if shape.has_chart)
    drawn = {s.name: s for s in chart.plots[0].series}
    line = drawn[t("chart.path")]
    assert list(line.values) == [None] * 3 + [pytest.approx(level) for _, level in path]
    assert f"#{line.format.line.color.rgb}" == palette.SERIES["target"]
    assert line.format.line.dash_style == MSO_LINE_DASH_STYLE.ROUND_DOT
    assert [s.name for s in chart.plots[0].series][1:5] == [
        t(k) for k in ("chart.target", "chart.path", "chart.limits", "chart.limits")
    ]


def test_a_pack_chart_draws_a_service_priority_s_threshold_red_and_dashed_within_its_axis():
    """Every chart of a number draws each level it is judged against: the priority's threshold is
    a line of its own in the priority's red, dashed, between the path and the limits, and the
    rings keep their verdicts' colours after it."""
    from pptx.enum.dml import MSO_LINE_DASH_STYLE

    marked = ((MONTHS[-1], "concern"),)
    points = tuple(zip(MONTHS, VALUES, strict=True))
    series = deck.Series(
        "Wait", "s", points, 60.0, (42.0, 58.0), marked, path=((MONTHS[-1], 55.0),), promise=95.0
    )
    pack = Presentation(io.BytesIO(pptx_pack.render([deck.Slide("goal", "Short waits", chart=series)], "x")))
    chart = next(shape.chart for shape in pack.slides[0].shapes if shape.has_chart)
    names = [s.name for s in chart.plots[0].series]
    assert names[1:6] == [
        t(k) for k in ("chart.target", "chart.path", "chart.promise", "chart.limits", "chart.limits")
    ]
    line = chart.plots[0].series[3]
    assert set(line.values) == {95.0}
    assert f"#{line.format.line.color.rgb}".upper() == palette.SERIES["promise"].upper()
    assert line.format.line.dash_style == MSO_LINE_DASH_STYLE.DASH
    assert chart.value_axis.maximum_scale >= 95.0  # above the highest value, 80
    ring = chart.plots[0].series[6]
    assert (
        f"#{ring.marker.format.line.color.rgb}".upper() == palette.VARIATION_LOOKS["concern"].colour.upper()
    )


def _ring_colours_of_the_pack_chart(series: deck.Series) -> dict[str, str]:
    pack = Presentation(io.BytesIO(pptx_pack.render([deck.Slide("goal", "x", chart=series)], "x")))
    chart = next(shape.chart for shape in pack.slides[0].shapes if shape.has_chart)
    return {
        s.name: f"#{s.marker.format.line.color.rgb}"
        for s in chart.plots[0].series
        if s.name.startswith(tuple(t(f"chart.ring.{k}") for k in ("improvement", "concern")))
    }


@pytest.mark.parametrize("extra_lines", [0, 1, 3])
def test_each_verdict_rings_in_its_one_colour_whatever_else_the_chart_draws(extra_lines):
    """The ring's colour is the verdict's, not whatever Plotly's colour cycle had reached."""
    marked = ((MONTHS[2], "improvement"), (MONTHS[-1], "concern"))
    series = deck.Series("Downtime", "min", tuple(zip(MONTHS, VALUES, strict=True)), None, None, marked)
    spec = charts.TrendSpec(
        "Downtime",
        "min",
        target=55.0 if extra_lines else None,
        tolerance=0.1 if extra_lines > 1 else 0.0,
        baseline=40.0 if extra_lines > 2 else None,
        limits=(45.0, 56.0) if extra_lines > 2 else None,
        signals=marked,
    )
    chart = charts.trend(list(series.points), spec)
    rings = {
        s["name"]: s["itemStyle"]["borderColor"] for s in chart["series"] if s.get("symbol") == "emptyCircle"
    }
    expected = {
        t(f"chart.ring.{key}"): palette.VARIATION_LOOKS[key].colour for key in ("improvement", "concern")
    }
    assert rings == expected
    assert {k: v.upper() for k, v in _ring_colours_of_the_pack_chart(series).items()} == {
        k: v.upper() for k, v in expected.items()
    }


@pytest.mark.parametrize("unit, limits, drawn", [
    ("min", (-12.5, 150.0), [0.0, 150.0]),    # no minutes below zero
    ("%", (91.0, 104.2), [91.0, 100.0]),       # no share past 100 %
    ("ces", (0.4, 7.6), [1.0, 7.0]),           # CES runs from 1 to 7
    ("nps", (-20.0, 30.0), [-20.0, 30.0]),     # NPS may be negative: left as it is
])  # fmt: skip
def test_the_limit_band_stays_within_what_the_unit_can_reach(unit, limits, drawn):
    spec = charts.TrendSpec("x", unit, limits=limits)
    chart = charts.trend(list(zip(MONTHS, VALUES, strict=True)), spec)
    edges = sorted(edge["yAxis"] for edge in named(chart, t("chart.limits"))["markLine"]["data"])
    assert edges == drawn
    series = deck.Series("x", unit, tuple(zip(MONTHS, VALUES, strict=True)), None, limits)
    pack = Presentation(io.BytesIO(pptx_pack.render([deck.Slide("goal", "x", chart=series)], "x")))
    chart = next(shape.chart for shape in pack.slides[0].shapes if shape.has_chart)
    plotted = sorted(s.values[0] for s in chart.plots[0].series if s.name == t("chart.limits"))
    assert plotted == drawn


@pytest.mark.parametrize("language", ["en", "da"])
def test_month_labels_stand_over_their_year_so_a_phone_wide_chart_has_room(language):
    from kpi.text import i18n

    with i18n.use(language):
        chart = charts.trend(list(zip(MONTHS, VALUES, strict=True)), charts.TrendSpec("x", "min"))
    shown = chart["xAxis"]["axisLabel"]["customValues"]
    labels = [chart["xAxis"]["data"][n] for n in shown]
    assert 2 <= len(labels) <= charts.MAX_MONTH_TICKS and shown[-1] == len(MONTHS) - 1  # the newest labelled
    for label in labels:
        month, year = label.split("\n")
        assert year.isdigit() and len(year) == 4 and len(month) <= 5, label


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #RRGGBB colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _chroma(colour: str) -> int:
    """How coloured a #RRGGBB colour is: 0 for a grey, up to 255 for a pure hue."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return max(channels) - min(channels)


@pytest.mark.parametrize("verdict", ["improvement", "concern"])
def test_a_ring_can_be_told_from_the_line_it_sits_on(verdict):
    """The improvement ring was the actual line's own blue. Now the line is a neutral grey and each
    ring a colour (hue apart, whatever the luminance), both readable on white: the line as text
    would be (4.5:1), the ring as a graphic (3:1, WCAG 1.4.11)."""
    line, ring = palette.SERIES["actual"], palette.VARIATION_LOOKS[verdict].colour
    assert ring.upper() != line.upper()
    assert _chroma(line) <= 8 and _chroma(ring) >= 80
    assert _contrast(line, "#FFFFFF") >= 4.5 and _contrast(ring, "#FFFFFF") >= 3


def test_the_legend_and_the_hover_say_what_a_ring_means():
    spec = charts.TrendSpec("Downtime", "min", signals=((MONTHS[2], "improvement"),))
    chart = charts.trend(list(zip(MONTHS, VALUES, strict=True)), spec)
    ring = next(s for s in chart["series"] if s.get("symbol") == "emptyCircle")
    line = named(chart, t("chart.actual"))
    assert ring["name"] == t("chart.ring.improvement") == "Signal: better than usual"
    assert ring["name"] in [entry["name"] for entry in chart["legend"]["data"]]
    assert (
        ring["encode"]["tooltip"] == 2 and "tooltip" not in ring
    )  # the hover names the series and its value
    assert line["lineStyle"]["color"] == palette.SERIES["actual"] != ring["itemStyle"]["color"]


def test_the_pack_draws_the_line_in_the_palette_grey_whatever_the_company_colour():
    series = deck.Series(
        "x", "min", tuple(zip(MONTHS, VALUES, strict=True)), 60.0, None, ((MONTHS[2], "improvement"),)
    )
    brand = deck.Brand("x", colour=palette.VARIATION_LOOKS["improvement"].colour)
    pack = Presentation(io.BytesIO(pptx_pack.render([deck.Slide("goal", "x", chart=series)], brand)))
    chart = next(shape.chart for shape in pack.slides[0].shapes if shape.has_chart)
    actual = next(s for s in chart.plots[0].series if s.name == t("chart.actual"))
    assert f"#{actual.format.line.color.rgb}".upper() == palette.SERIES["actual"].upper()


def test_limits_are_drawn_from_the_process_change_they_start_from():
    """The NPS band stood over 25 months though its limits were drawn from the strategy's process
    change in the seventh (a CX director's trial): the app's chart draws the band and its edges
    from that month to the last value and marks the change there; the pack leaves the limit lines
    empty before it."""
    since = MONTHS[4]
    spec = charts.TrendSpec("Wait", "s", limits=(42.0, 58.0), limits_since=since)
    chart = charts.trend(list(zip(MONTHS, VALUES, strict=True)), spec)
    band = named(chart, t("chart.limits"))
    assert band["markArea"]["data"] == [[{"xAxis": 4, "yAxis": 42.0}, {"xAxis": 11, "yAxis": 58.0}]]
    *edges, change = band["markLine"]["data"]
    assert edges == [[{"xAxis": 4, "yAxis": y}, {"xAxis": 11, "yAxis": y}] for y in (42.0, 58.0)]
    assert change["xAxis"] == 4 and change["label"]["formatter"] == t("chart.process_change")
    before = charts.trend(
        list(zip(MONTHS, VALUES, strict=True)),
        charts.TrendSpec("Wait", "s", limits=(42.0, 58.0), limits_since=MONTHS[0]),
    )
    assert named(before, t("chart.limits"))["markArea"]["data"] == [
        [{"yAxis": 42.0}, {"yAxis": 58.0}]
    ]  # all of it
    series = deck.Series(
        "Wait", "s", tuple(zip(MONTHS, VALUES, strict=True)), None, (42.0, 58.0), limits_since=since
    )
    pack = Presentation(io.BytesIO(pptx_pack.render([deck.Slide("goal", "Short waits", chart=series)], "x")))
    plotted = next(shape.chart for shape in pack.slides[0].shapes if shape.has_chart).plots[0].series
    limit_lines = [s for s in plotted if s.name == t("chart.limits")]
    assert len(limit_lines) == 2
    for line in limit_lines:
        assert list(line.values)[:4] == [None] * 4 and None not in list(line.values)[4:]


def test_limits_are_not_drawn_over_a_forecast_s_months():
    """The limits describe the months the KPI has, not the deadline's: with a forecast drawn, the
    band ends at the last value, with no process change to mark."""
    ahead = (months.add(MONTHS[-1], 6), 60.0)
    spec = charts.TrendSpec("Wait", "s", limits=(42.0, 58.0), forecast=ahead)
    band = named(charts.trend(list(zip(MONTHS, VALUES, strict=True)), spec), t("chart.limits"))
    assert band["markArea"]["data"] == [[{"xAxis": 0, "yAxis": 42.0}, {"xAxis": 11, "yAxis": 58.0}]]
    assert all(isinstance(edge, list) for edge in band["markLine"]["data"])  # the two edges, no change


def test_a_process_change_too_recent_for_limits_is_marked_all_the_same():
    """With too few months since a change for limits, the chart still marks the change, out of
    the legend (an adversarial round found the earlier mark gone too)."""
    spec = charts.TrendSpec("Wait", "s", limits_since=MONTHS[9])
    chart = charts.trend(list(zip(MONTHS, VALUES, strict=True)), spec)
    marks = [s for s in chart["series"] if s.get("markLine", {}).get("data")]
    [line] = [m for s in marks for m in s["markLine"]["data"] if isinstance(m, dict) and "xAxis" in m]
    assert line["xAxis"] == 9 and line["label"]["formatter"] == t("chart.process_change")
    assert t("chart.process_change") not in [entry["name"] for entry in chart["legend"]["data"]]
