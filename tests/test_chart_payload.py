"""Every chart is an ECharts option (plain JSON, some kilobytes): it keeps its lines, colours and
labels, writes numbers in the reader's language and takes what people typed as text."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kpi.domain import months
from kpi.output import charts, driver_chart, word_charts
from kpi.text import fmt, i18n, palette
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


def _trend() -> charts.Chart:
    return charts.trend(list(zip(MONTHS, [50.0 + n for n in range(12)], strict=True)), SPEC)


@pytest.mark.parametrize("kind", ["trend", "drivers", "words"])
def test_a_chart_is_plain_json_of_some_kilobytes(kind):
    made = {
        "trend": _trend,
        "drivers": lambda: driver_chart.importance_performance(_analysis(), "What matters"),
        "words": lambda: word_charts.per_touchpoint([("Delivery", 40), ("Invoice", 3)], "Comments", 10),
    }[kind]()
    sent = json.dumps(made, allow_nan=False)  # what st.echarts_chart sends: no objects of a library
    assert len(sent) < 8_000 and made["animation"] is False and made["textStyle"]["fontFamily"] == charts.FONT


def series(chart: charts.Chart, name: str) -> dict:
    """The series of a trend named `name`."""
    return next(s for s in chart["series"] if s["name"] == name)


def test_the_trend_keeps_its_lines_colours_and_labels():
    chart = _trend()
    names = {s["name"] for s in chart["series"]}
    assert {t("chart.actual"), t("chart.target"), t("chart.tolerance"), t("chart.limits")} <= names
    assert series(chart, t("chart.actual"))["lineStyle"]["color"] == palette.SERIES["actual"]
    assert series(chart, t("chart.target"))["lineStyle"]["color"] == palette.SERIES["target"]
    assert series(chart, t("chart.tolerance"))["markArea"]["itemStyle"]["color"] == palette.SERIES["band"]
    ring = series(chart, t("chart.ring.concern"))["itemStyle"]
    assert ring["borderColor"] == ring["color"] == palette.VARIATION_LOOKS["concern"].colour
    assert chart["textStyle"]["fontFamily"] == charts.FONT and chart["animation"] is False
    assert chart["yAxis"]["name"] == t("chart.unit.s")
    # the title heads the legend, both above the plot: a phone's rows of legend cover no label
    assert chart["title"]["text"] == "Wait" and chart["legend"]["top"] > chart["title"]["top"]
    assert chart["grid"]["top"] > chart["legend"]["top"]
    legend = [entry["name"] for entry in chart["legend"]["data"]]
    assert "ticks" not in legend and t("chart.actual") in legend


def test_a_trend_s_legend_wraps_whole_above_the_plot_however_narrow():
    """Paged (`type: scroll`), a phone's legend showed a third of its entries, cut mid-word,
    behind ◀ 1/4 ▶: it wraps, and the plot starts below its rows at every width (ECharts'
    media queries, applied in order: the narrowest a chart meets comes last)."""
    with i18n.use("da"):  # the longer words
        chart = _trend()
    names = [entry["name"] for entry in chart["legend"]["data"]]
    assert "type" not in chart["legend"]  # plain: it wraps onto rows
    widths = [m["query"]["maxWidth"] for m in chart["media"]]
    assert widths == sorted(widths, reverse=True) and widths[-1] == charts.PHONE_CHART
    tops = [chart["grid"]["top"], *(m["option"]["grid"]["top"] for m in chart["media"][:-1])]
    assert tops == sorted(tops) and tops[-1] > tops[0]  # narrower, more rows
    phone = chart["media"][-1]["option"]
    rows = charts.legend_rows(names, charts.PHONE_ROOM, charts.PHONE_CHAR, charts.PHONE_ICON)
    assert rows >= 2 and phone["grid"]["top"] >= chart["legend"]["top"] + rows * charts.PHONE_ROW
    assert phone["legend"]["textStyle"]["fontSize"] < chart["legend"]["textStyle"]["fontSize"]
    assert charts.legend_rows(["a" * 20] * 3, 200) == 3 and charts.legend_rows(["a"] * 3, 200) == 1


def test_a_trend_s_title_is_text_as_typed():
    """ECharts draws a title on its canvas as text: tags and dollars show as typed."""
    spec = charts.TrendSpec(title="<b>Wait</b> & $x$", unit="s", target=None)
    chart = charts.trend([(date(2026, 9, 1), 80.0), (date(2026, 10, 1), 79.0)], spec)
    assert chart["title"]["text"] == "<b>Wait</b> & $x$"


def test_the_word_bars_keep_their_order_colours_and_numbers():
    with i18n.use("da"):
        chart = word_charts.per_touchpoint([("Delivery", 1240), ("Invoice", 3)], "", 10)
    bars = chart["series"][0]["data"]
    assert chart["yAxis"]["data"] == ["Delivery", "Invoice"] and chart["yAxis"]["inverse"] is True  # as given
    assert [bar["itemStyle"]["color"] for bar in bars] == [palette.SERIES["actual"], word_charts.FEW]
    assert [bar["label"]["formatter"] for bar in bars] == ["1.240", "3"]  # the Danish thousands point


def test_typed_words_reach_the_chart_as_text_and_no_hover_has_a_template():
    """What people typed (a KPI's name, an event's title) goes in as typed: ECharts draws titles,
    legends and labels as text and escapes what its default hover names (tried in Chromium:
    `<img onerror>` in a series name shows as those characters, runs nothing). A label is also
    a template of ECharts' own, so its braces become brackets."""
    from kpi.domain.company_events import Band

    typed = '<img src=x onerror="alert(1)"> {a|b} {@[2]}'
    spec = charts.TrendSpec(typed, "s", bands=(Band(MONTHS[3], MONTHS[4], typed, "outage"),))
    chart = charts.trend(list(zip(MONTHS, [50.0 + n for n in range(12)], strict=True)), spec)
    band, label = (s for s in chart["series"] if s["type"] == "bar")  # the band, its label in front
    assert chart["title"]["text"] == band["name"] == label["name"] == typed
    assert "{" not in label["label"]["formatter"] and label["label"]["formatter"].startswith("<img")
    assert all("formatter" not in s.get("tooltip", {}) for s in [chart, *chart["series"]])
    assert band["data"][0]["value"][2] == "Feb 2026 – Mar 2026"  # the hover's value: the months it touches


@pytest.mark.parametrize(
    ("start", "step"),
    [(-30.0, 1.0), (-15.0, 3.0), (40.0, 1.0)],
    ids=["all below 0", "0 inside", "all above 0"],
)
def test_an_event_band_fills_the_chart_s_height_whatever_side_of_0_its_values_lie(start, step):
    """A band's columns stand on 0: to the top alone, an NPS below 0 all year had its band drawn
    above the chart (tried in Chromium: nothing shaded), and one from −15 to +18 half of it."""
    from kpi.domain.company_events import Band

    values = [start + step * n for n in range(12)]
    spec = charts.TrendSpec("NPS", "nps", bands=(Band(MONTHS[3], MONTHS[5], "Outage", "outage"),))
    chart = charts.trend(list(zip(MONTHS, values, strict=True)), spec)
    columns = [s for s in chart["series"] if s["type"] == "bar" and "labelLayout" not in s]  # not its label
    low, high = chart["yAxis"]["min"], chart["yAxis"]["max"]
    points = [item["value"] if isinstance(item, dict) else item for s in columns for item in s["data"]]
    ends = sorted({point[1] for point in points})
    covered = (min(0.0, *ends), max(0.0, *ends))  # each column from 0 to its end
    assert covered[0] <= low and covered[1] >= high, (covered, low, high)
    assert {point[0] for point in points} == {3, 4, 5}  # the months it touches
    hovered = [s for s in columns if s.get("tooltip", {}).get("show", True)]
    assert len(hovered) == 1 and len(hovered[0]["data"]) == 3  # the hover names it once a month


@pytest.mark.parametrize("language, shown", [("en", ["1.4", "1.5", "2.0"]), ("da", ["1,4", "1,5", "2,0"])])
def test_the_value_axis_is_labelled_in_the_reader_s_language(language, shown):

    points = list(zip(MONTHS, [1.5, 1.6, 1.9, 1.8, 1.7, 1.6, 1.8, 1.9, 1.7, 1.6, 1.8, 1.7], strict=True))
    with i18n.use(language):
        chart = charts.trend(points, charts.TrendSpec("Churn", "%", target=1.5))
        actual = series(chart, t("chart.actual"))
        written = fmt.value(1.5, "%")
    labels = [text for _, _, text in series(chart, "ticks")["data"]]
    assert chart["yAxis"]["axisLabel"]["show"] is False  # ECharts' own would say 1.5 in Danish too
    assert [labels[0], labels[1], labels[-1]] == shown and len(labels) == 7
    assert (
        actual["data"][0][2] == written == ("1.5\u00a0%" if language == "en" else "1,5\u00a0%")
    )  # with its unit


def test_a_dashed_line_of_one_month_shows_its_point():
    """A young company's one month showed "Month target" in the legend and no line (a day-one
    trial): a dashed line of one point shows that point; of more, only its dashes."""
    from kpi.output import charts

    assert charts._line("Target", [(0, 5.0)], "%", "#000", dash="dashed")["showSymbol"] is True
    assert charts._line("Target", [(0, 5.0), (1, 5.0)], "%", "#000", dash="dashed")["showSymbol"] is False
