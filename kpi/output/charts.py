"""Charts: data in, chart out. No Streamlit, no store; one palette (kpi.text.palette).

Every chart is an ECharts option, drawn by `st.echarts_chart` (they were Plotly figures):
Streamlit's code for them is a quarter of Plotly's (1.2 against 4.7 MB), which a page's first
chart waits for in the browser, and the app no longer imports Plotly at all. Trends follow one
grammar: the actual values as a solid grey line with markers, the target as a green dashed line,
the tolerance as a light green band, the process limits as a grey band with dotted edges, the
baseline dotted, the forecast to the deadline as a lighter dashed continuation,
months where a signal rule fired ringed in their verdict's colour, and company events as shaded
months. Month names, numbers and units follow the reader's language (`fmt`). ECharts draws titles,
legends and labels as text and escapes what its own hover shows, so what people typed (a KPI's
name, an event's title) goes in as typed; no hover here is given a template of its own.

The drivers' and the comments' charts (`driver_chart`, `word_charts`) are ECharts options too, on
the same fonts and ink.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from kpi.domain import months
from kpi.domain.company_events import Band
from kpi.domain.model import UNIT_RANGES, within_unit
from kpi.text import fmt, plain
from kpi.text.i18n import t
from kpi.text.palette import SERIES, VARIATION_LOOKS

LABEL_LINE = 14
"""Pixels between two event labels: each band's label a line below the one before."""
BAND_LABEL = 28
"""An event band's label is cut to this many characters (the hover names it in full)."""
PACK_BAND_LABEL = 60
"""A pack's chart names an event in its legend, which wraps, and has no hover to read the rest
in: "IT-hændelse: nedbrud på…" was all a pack said of the outage behind September's spike."""
MAX_MONTH_TICKS = 5
"""Month labels on an axis: enough to orient, few enough to never overlap on a half-width chart."""
FONT = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"
INK = "#262730"
"""The colour of a chart's words: Streamlit's own text colour."""


ZERO_SHARE = 1 / 3
"""A value axis starts at zero when the lowest point shown is at most this share of the highest:
the empty space below then takes at most a third of the chart, and the movement still shows."""
PAD_SHARE = 0.1
"""Otherwise the axis spans what is shown, padded by this share of its span at each end."""
ZERO_UNITS = frozenset({"count"})
"""Units whose axis always starts at zero: a count of complaints or incidents is read against none."""
AXIS_STEPS = 5
"""About this many gridlines: the step is the nicest of 1, 2, 2.5 and 5 (times a power of ten)."""


@dataclass(frozen=True)
class Axis:
    """Where a trend chart's value axis starts and ends, and its gridline step."""

    low: float
    high: float
    step: float


def value_axis(shown: Iterable[float | None], unit: str) -> Axis | None:
    """The value axis of every trend chart (the app's and the packs'), in one place, so a flat
    line is never a flattened trend: churn moving from 1.5 % to 1.9 % drawn from 0 looks still.

    `shown` is everything drawn: the values, the targets and the process limits. The axis starts
    at zero only for a unit that must show zero (`ZERO_UNITS`) or when the lowest point is within
    `ZERO_SHARE` of the highest; otherwise it spans what is shown, padded by `PAD_SHARE` of the
    span at each end (a flat series: by a tenth of its level), and never reaches past what the
    unit can take (`UNIT_RANGES`: no axis below 0 minutes or past 100 %). Both ends are rounded
    outwards to a whole gridline step. None when nothing is shown."""
    points = [v for v in shown if v is not None and math.isfinite(v)]
    if not points:
        return None
    low, high = min(points), max(points)
    floor, ceiling = UNIT_RANGES.get(unit, (-math.inf, math.inf))
    if low >= 0 and (unit in ZERO_UNITS or low <= ZERO_SHARE * high):
        start, end = 0.0, high + PAD_SHARE * high
    else:
        pad = PAD_SHARE * ((high - low) or abs(high) or 1.0)
        start, end = low - pad, high + pad
    step = _nice_step((end - start) / AXIS_STEPS)
    start = max(math.floor(start / step) * step, floor)
    end = min(math.ceil(end / step) * step, ceiling)
    if end <= start:  # a value at the unit's very edge (100 %): keep one step of room inside
        start, end = max(end - step, floor), min(start + step, ceiling)
    return Axis(round(start, 10), round(end, 10), step)


def _nice_step(rough: float) -> float:
    power = 10 ** math.floor(math.log10(rough)) if rough > 0 else 1.0
    return next((m * power for m in (1, 2, 2.5, 5) if m * power >= rough), 10 * power)


@dataclass(frozen=True)
class TrendSpec:
    """What a trend chart shows besides the values themselves."""

    title: str
    unit: str
    target: float | None = None
    tolerance: float = 0.0
    """Relative, as on the KPI: the band spans target ± tolerance × |target| on the bad side."""
    is_higher_better: bool = True
    baseline: float | None = None
    forecast: tuple[date, float] | None = None
    """(deadline month, forecast value): drawn from the last actual value."""
    limits: tuple[float, float] | None = None
    """(lower, upper) natural process limits: a grey band, apart from the tolerance band."""
    limits_since: date | None = None
    """The process change the limits start from (`KpiRow.limits_since`): the band is drawn from
    that month on, labelled, and not over the months before it, which other limits described (a
    CX director read a band over 25 months as the usual of all of them)."""
    signals: tuple[tuple[date, str], ...] = ()
    """(month, `improvement` or `concern`) of months where a signal rule fired: ringed points,
    one colour per verdict (`palette.VARIATION_LOOKS`)."""
    targets: tuple[tuple[date, float], ...] = ()
    """The month targets (phased or explicit), drawn as the target line instead of one level."""
    bands: tuple[Band, ...] = ()
    """Company events bearing on the KPI (`company_events.bands`): each shades the months it
    touches, with a short label."""
    path: tuple[tuple[date, float], ...] = ()
    """A goal's planned path (`verdicts.on_pace`, month by month from its start): what its status
    is judged against. The detail said "judged against its path … the path is at +14 this month"
    over a chart that drew only the target and the baseline (a new company's trial)."""
    promise: float | None = None
    """A service priority's threshold on the KPI's value: a line of its own, so every level the
    number is judged against stands on its chart (a head read "broken" against 95 % on one page
    and "close" against 92.9 % on another, the 95 % drawn nowhere)."""


def label_text(words: str) -> str:
    """`words` for a label: ECharts reads braces in a label as a placeholder, so they become
    brackets; the rest is drawn as text."""
    return words.replace("{", "(").replace("}", ")")


def short_label(title: str, limit: int = BAND_LABEL) -> str:
    """An event's title for a band's label: cut at a word with an ellipsis when too long."""
    return plain.shortened(title, limit)


def _event_bands(bands: Sequence[Band], at: dict[date, int], axis: Axis | None) -> list[Chart]:
    """Each event as a faint shaded stretch over the months it touches (a column as wide as a
    month around each of their points), behind the lines, and its label at its top, in front of
    the lines (a series of its own: a series' labels are drawn at its depth, and behind the lines
    a target line struck through them), each label a line below the one before: from the band's
    left edge, or, in the right half of the chart, up to its right edge, so the label stays
    inside the chart. The hover names the event in full, and its months, in each of them. Its
    label is text ECharts reads as a template: braces, which would start a placeholder, become
    brackets. Not in the legend."""
    if axis is None:
        return []
    shaded: list[Chart] = []
    labels: list[Chart] = []
    for band in bands:
        touched = [n for m, n in at.items() if band.first <= m <= band.last]
        if not touched:
            continue
        right = touched[0] > (len(at) - 1) / 2
        labelled = touched[-1] if right else touched[0]
        when = (
            fmt.month(band.first)
            if band.first == band.last
            else f"{fmt.month(band.first)} – {fmt.month(band.last)}"
        )
        column = {"type": "bar", "name": band.label, "barWidth": "100%", "barGap": "-100%"}
        shade = {"color": SERIES["event_band"], "itemStyle": {"color": SERIES["event_band"]}, "z": 0}
        up, *down = _bar_ends(axis)
        shaded.append(
            {
                **column,
                "data": [{"value": [n, up, when]} for n in touched],
                **HOVER,
                **shade,
                "emphasis": {"disabled": True},
            }
        )
        for end in down:  # below 0 too: a column of its own that the hover leaves out (named once)
            shaded.append(
                {
                    **column,
                    "data": [[n, end] for n in touched],
                    **shade,
                    "silent": True,
                    "tooltip": {"show": False},
                }
            )
        labels.append(
            {
                **column,
                # one month of a band carries its label: the first, or in the chart's right half the
                # last, the label then ending at the band's right edge, inside the chart
                "data": [{"value": [labelled, axis.high], "label": {"show": True}}],
                "itemStyle": {"color": "rgba(0, 0, 0, 0)"},
                "silent": True,
                "tooltip": {"show": False},
                "label": {
                    "show": True,
                    "position": "insideTopRight" if right else "insideTopLeft",
                    "formatter": label_text(short_label(band.label)),
                    "fontSize": 11,
                    "color": SERIES["event"],
                    "backgroundColor": "rgba(255, 255, 255, 0.7)",
                    "padding": [1, 3],
                },
                # a line below the one before: a label's own `offset` is undone where a series
                # has a `labelLayout` (the demo checkout KPI's three labels stood on one line)
                "labelLayout": {"hideOverlap": False, "dy": LABEL_LINE * len(labels)},
                "z": 5,  # above the lines (3) and the signal rings (4)
            }
        )
    return shaded + labels


def _bar_ends(axis: Axis) -> tuple[float, ...]:
    """Where a column that fills the chart's height ends: a bar stands on 0, so from 0 to the
    axis' end away from it, or to both ends when 0 lies inside (an NPS from −20 to +30; a column
    to the top alone shaded nothing of a chart whose values were all below 0)."""
    if axis.low >= 0:
        return (axis.high,)
    if axis.high <= 0:
        return (axis.low,)
    return (axis.high, axis.low)


def _signal_points(values: dict[date, float], spec: TrendSpec, at: dict[date, int]) -> list[Chart]:
    """Months where a rule fired, ringed in the verdict's colour: blue for an improvement, orange
    for a concern. The legend and the hover say what a ring means ("Signal: improvement")."""
    rings = []
    for key in ("improvement", "concern"):
        colour = VARIATION_LOOKS[key].colour
        marked = [m for m, verdict in spec.signals if verdict == key and m in values and m in at]
        if marked:
            rings.append(
                {
                    "type": "scatter",
                    "name": t(f"chart.ring.{key}"),
                    "data": _points([(at[m], values[m]) for m in marked], spec.unit),
                    **HOVER,
                    "symbol": "emptyCircle",
                    "symbolSize": 13,
                    "color": colour,
                    "itemStyle": {"color": colour, "borderColor": colour, "borderWidth": 2.5},
                    "z": 4,
                }
            )
    return rings


Chart = dict[str, Any]
"""An ECharts option, as `st.echarts_chart` draws it: plain JSON-shaped data."""
TICK_FONT = 12
LABEL_CHAR = 7
"""About how many pixels a character of a tick label takes at `TICK_FONT` (`label_room`)."""
LEGEND_ROW = 28
TITLE_ROW = 26


def framed(title: str) -> Chart:
    """What every chart shares: our fonts and ink, no animation (a chart is read, not watched, and
    drawn at once), and its title at the top left, as typed."""
    return {
        "animation": False,
        "textStyle": {"fontFamily": FONT, "fontSize": 13, "color": INK},
        "title": {
            "text": title,
            "left": 0,
            "top": 0,
            "textStyle": {"fontSize": 16, "fontWeight": "normal", "color": INK},
        },
    }


def trend(points: Sequence[tuple[date, float]], spec: TrendSpec) -> Chart:
    """A KPI's monthly values with target, tolerance band, baseline and forecast, as an ECharts
    option. The months are a category axis of the reader's month names; the value axis spans
    `value_axis`, its labels written by `fmt` (ECharts would write 4.8 in Danish too); the hover
    names each line's value at the month with its unit, as `fmt.value` writes it."""
    xs = [m for m, _ in points]
    ys = [v for _, v in points]
    last_x = max([*xs, spec.forecast[0]] if spec.forecast else xs or [date.today()])
    first_x = min(xs) if xs else last_x
    span = months.between(first_x, last_x)
    at = {m: n for n, m in enumerate(span)}
    axis = value_axis(_drawn(ys, spec), spec.unit)
    series: list[Chart] = []
    if spec.target is not None and spec.tolerance > 0:
        edge = spec.target - spec.tolerance * abs(spec.target) * (1 if spec.is_higher_better else -1)
        series.append(_band(t("chart.tolerance"), (spec.target, edge), SERIES["band"], BAND_KEYS["band"]))
    since = spec.limits_since
    changed = since is not None and since > first_x and since in at  # a process change to mark
    if spec.limits is not None:
        lower, upper = (within_unit(edge, spec.unit) for edge in spec.limits)
        band = _band(
            t("chart.limits"),
            (lower, upper),
            SERIES["limits_band"],
            BAND_KEYS["limits_band"],
            SERIES["limits"],
        )
        if xs and (changed or at[max(xs)] < len(span) - 1):  # no limits over the forecast's months
            first = at[since] if since is not None and changed else 0
            band = _from(band, first, at[max(xs)], t("chart.process_change") if changed else None)
        series.append(band)
    if spec.baseline is not None:
        series.append(_level(t("chart.baseline"), spec.baseline, len(span), spec.unit, "baseline", "dotted"))
    if spec.targets:
        shown = [(at[m], v) for m, v in spec.targets if m in at]
        series.append(
            _line(t("chart.month_target"), shown, spec.unit, SERIES["target"], dash="dashed", step=True)
        )
    elif spec.target is not None:
        series.append(_level(t("chart.target"), spec.target, len(span), spec.unit, "target", "dashed"))
    if spec.promise is not None:
        series.append(_level(t("chart.promise"), spec.promise, len(span), spec.unit, "promise", "dashed"))
    path = [(at[m], v) for m, v in spec.path if m in at]
    if path:
        series.append(_line(t("chart.path"), path, spec.unit, SERIES["target"], dash="dotted", width=2))
    series.append(
        _line(t("chart.actual"), [(at[m], v) for m, v in points], spec.unit, SERIES["actual"], width=2.5)
    )
    series += _signal_points(dict(points), spec, at)
    if spec.forecast and xs:
        ahead = [(at[xs[-1]], ys[-1]), (at[spec.forecast[0]], spec.forecast[1])]
        forecast = _line(t("chart.forecast"), ahead, spec.unit, SERIES["forecast"], dash="dashed", width=2)
        series.append({**forecast, "showSymbol": True, "symbolSize": [0, 7]})
    legend = [{"name": s["name"], "icon": "rect"} if "markArea" in s else {"name": s["name"]} for s in series]
    ticks = _value_ticks(axis)
    series += [*_event_bands(spec.bands, at, axis), tick_labels(ticks)]  # neither in the legend
    if spec.limits is None and since is not None and changed:  # too few months since it for limits yet
        series.append(_change_only(at[since], t("chart.process_change")))
    return {
        **framed(spec.title),
        "legend": {
            "top": TITLE_ROW,
            "left": 0,
            "data": legend,
            "textStyle": {"fontSize": 12},
        },
        "grid": {
            "left": label_room(ticks),
            "right": 16,
            "top": _plot_top(legend_rows([item["name"] for item in legend], LEGEND_WIDTHS[-1])),
            "bottom": 44,
        },
        "tooltip": {"trigger": "axis", "confine": True},
        "xAxis": {
            "type": "category",
            "data": [_two_lines(fmt.month(m)) for m in span],
            "boundaryGap": False,
            "axisTick": {"show": False},
            "axisLabel": {"customValues": _month_ticks(len(span)), "fontSize": TICK_FONT, "color": INK},
            "axisLine": {"lineStyle": {"color": "#BBBBBB"}},
        },
        "yAxis": {
            "type": "value",
            "name": t(f"chart.unit.{spec.unit}"),
            "nameTextStyle": {"fontSize": 12, "align": "left"},
            "nameGap": 10,
            "axisLabel": {"show": False},
            "splitLine": {"lineStyle": {"color": "#ECECEC"}},
            **({"min": axis.low, "max": axis.high, "interval": axis.step} if axis else {"scale": True}),
        },
        "series": series,
        "media": _legend_media([item["name"] for item in legend]),
    }


LEGEND_WIDTHS = (560, 680, 800, 920, 1040, 1200)
"""A trend's legend wraps onto rows of whole entries, and the plot starts below however many
there are: for a chart up to each of these widths, as many as its entries need in the width
before it (ECharts' `media`: the rows counted where they are most, no legend drawn over the
plot). Paged, as it was, a phone showed a third of its entries, cut mid-word, behind ◀ 1/4 ▶."""
LEGEND_CHAR = 5.3
"""About how many pixels a character of a legend's entry takes at 12 pixels."""
LEGEND_ICON = 40
"""An entry's swatch (25 pixels), its gap to the text and the gap to the next entry."""
PHONE_CHART = 440
"""Up to this width (a phone's column, 320-400 pixels) the legend is smaller, its rows counted
in `PHONE_ROOM` pixels."""
PHONE_ROOM = 320
PHONE_LEGEND = {"textStyle": {"fontSize": 11}, "itemWidth": 18, "itemGap": 6}
PHONE_CHAR = 4.9
PHONE_ICON = 30
PHONE_ROW = 22


def legend_rows(names: Sequence[str], room: int, char: float = LEGEND_CHAR, icon: float = LEGEND_ICON) -> int:
    """How many rows a legend of `names` wraps onto in `room` pixels, entries kept whole."""
    rows, used = 1, 0.0
    for name in names:
        width = icon + char * len(name)
        if used and used + width > room:
            rows, used = rows + 1, 0.0
        used += width
    return rows


def _plot_top(rows: int, row: int = LEGEND_ROW) -> int:
    return TITLE_ROW + row * rows + 22


def _legend_media(names: Sequence[str]) -> list[Chart]:
    """The plot's top for each width of `LEGEND_WIDTHS`, and a phone's smaller legend (ECharts'
    `media`). Every query a chart's width meets applies, in their order: the widest first, so
    the narrowest met has the last word."""
    rooms = (PHONE_CHART, *LEGEND_WIDTHS[:-1])
    screens = [
        {"query": {"maxWidth": width}, "option": {"grid": {"top": _plot_top(legend_rows(names, room))}}}
        for width, room in reversed(list(zip(LEGEND_WIDTHS, rooms, strict=True)))
    ]
    phone_rows = legend_rows(names, PHONE_ROOM, PHONE_CHAR, PHONE_ICON)
    phone = {"legend": PHONE_LEGEND, "grid": {"top": _plot_top(phone_rows, PHONE_ROW)}}
    return [*screens, {"query": {"maxWidth": PHONE_CHART}, "option": phone}]


def _two_lines(label: str) -> str:
    """`Dec 2024` as the month over its year: five labels then fit under a phone-wide chart (390
    px) without running into each other."""
    month, _, year = label.rpartition(" ")
    return f"{month}\n{year}" if month else label


def _month_ticks(count: int) -> list[int]:
    """Which months are labelled: at most `MAX_MONTH_TICKS`, counted back from the newest, so it
    is always labelled."""
    step = max(1, -(-count // MAX_MONTH_TICKS))
    return list(range(count - 1, -1, -step))[::-1]


def _points(shown: Sequence[tuple[int, float]], unit: str) -> list[list[object]]:
    """Each point as ECharts reads it here: month index, value, and the value as the hover shows it."""
    return [[n, v, fmt.value(v, unit)] for n, v in shown]


HOVER = {
    "dimensions": ["month", "value", {"name": "shown", "type": "ordinal"}],
    "encode": {"x": 0, "y": 1, "tooltip": 2},
}
"""A series' points carry their value written by `fmt.value`: the hover shows that, not ECharts'
own number."""


def _line(
    name: str,
    shown: Sequence[tuple[int, float]],
    unit: str,
    colour: str,
    *,
    dash: str = "solid",
    width: float = 1.5,
    step: bool = False,
) -> Chart:
    line: Chart = {
        "type": "line",
        "name": name,
        "data": _points(shown, unit),
        **HOVER,
        "color": colour,
        "lineStyle": {"color": colour, "type": dash, "width": width},
        "symbol": "circle",
        "symbolSize": 5,
        # a dashed line of one month draws nothing: a young company's one month showed its
        # target in the legend and nowhere on the chart (a day-one trial)
        "showSymbol": dash == "solid" or len(shown) == 1,
        "z": 3,
    }
    if step:
        line["step"] = "middle"
    return line


def _level(name: str, level: float, count: int, unit: str, series: str, dash: str) -> Chart:
    """A horizontal line across the chart (target, baseline) that names its value on hover."""
    return _line(name, [(n, level) for n in range(count)], unit, SERIES[series], dash=dash)


BAND_KEYS = {"band": "rgba(0,121,92,0.35)", "limits_band": "rgba(107,107,107,0.3)"}
"""A band's swatch in the legend: its fill, strong enough to be seen as a small square."""


def _change_mark(first: int, label: str) -> Chart:
    """At category `first`, an upright dashed line with `label` along it: a process change, as a
    process behaviour chart marks a new phase."""
    return {
        "xAxis": first,
        "lineStyle": {"type": "dashed", "color": SERIES["limits"], "width": 1},
        "label": {"show": True, "formatter": label_text(label), "position": "insideEndTop", "color": INK},
    }


def _change_only(first: int, label: str) -> Chart:
    """A process change's mark (`_change_mark`) where its limits are not drawn yet: too few
    months since it. Not in the legend."""
    mark = {"silent": True, "symbol": "none", "label": {"show": False}, "data": [_change_mark(first, label)]}
    return {"type": "line", "name": "", "data": [], "silent": True, "markLine": mark, "z": 1}


def _from(band: Chart, first: int, last: int, label: str | None) -> Chart:
    """`band` (`_band`) drawn over categories `first` to `last` only (the months its limits
    describe, up to the last value: not the forecast's), and, with a `label`, the process change
    the limits start from marked at `first` (`_change_mark`)."""
    (low, high), *_ = ([a["yAxis"], b["yAxis"]] for a, b in band["markArea"]["data"])
    area = {**band["markArea"], "data": [[{"xAxis": first, "yAxis": low}, {"xAxis": last, "yAxis": high}]]}
    edges = [[{"xAxis": first, "yAxis": y}, {"xAxis": last, "yAxis": y}] for y in (low, high)]
    line = band.get("markLine", {"silent": True, "symbol": "none", "label": {"show": False}})
    marks = [*edges, *([_change_mark(first, label)] if label else [])]
    return {**band, "markArea": area, "markLine": {**line, "data": marks}}


def _band(name: str, edges: tuple[float, float], fill: str, swatch: str, edge: str | None = None) -> Chart:
    """A band across the chart between two levels, named in the legend: the tolerance (green,
    hugging the target) or the natural process limits (grey with dotted edges: what the process
    itself produces)."""
    low, high = sorted(edges)
    band: Chart = {
        "type": "line",
        "name": name,
        "data": [],
        "color": swatch,
        "silent": True,
        "markArea": {
            "silent": True,
            "itemStyle": {"color": fill},
            "data": [[{"yAxis": low}, {"yAxis": high}]],
        },
        "z": 1,
    }
    if edge is not None:
        band["markLine"] = {
            "silent": True,
            "symbol": "none",
            "label": {"show": False},
            "lineStyle": {"color": edge, "type": "dotted", "width": 1},
            "data": [{"yAxis": low}, {"yAxis": high}],
        }
    return band


def _value_ticks(axis: Axis | None) -> list[tuple[float, str]]:
    """The value axis's gridlines and their labels, written in the reader's language."""
    return axis_ticks(axis.low, axis.high, axis.step) if axis else []


def axis_ticks(low: float, high: float, step: float, suffix: str = "") -> list[tuple[float, str]]:
    """Each whole `step` from `low` to `high` and its label, written by `fmt` with as many
    decimals as the step has (2.5 → one), then `suffix`."""
    decimals = max(0, -int(Decimal(repr(step)).normalize().as_tuple().exponent))
    first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    return [(round(n * step, 10), fmt.number(n * step, decimals) + suffix) for n in range(first, last + 1)]


def label_room(ticks: Sequence[tuple[float, str]]) -> int:
    """Pixels left of the plot for the value axis's labels (`tick_labels`): ECharts sizes its
    margin by its own labels, which ours replace."""
    return 16 + LABEL_CHAR * max((len(text) for _, text in ticks), default=1)


def nice_step(low: float, high: float) -> float:
    """A gridline step for an axis from `low` to `high`: about `AXIS_STEPS` lines."""
    return _nice_step((high - low) / AXIS_STEPS)


def tick_labels(
    ticks: Sequence[tuple[float, str]], *, left_at: float = 0, below_at: float | None = None
) -> Chart:
    """An axis's labels as text beside its gridlines: ECharts' own labels cannot be written in
    Danish without code in the browser. The value axis's labels stand left of `left_at` (the
    first category: 0); with `below_at`, they are the horizontal axis's, below that level. Their
    axis shows no labels of its own (`axisLabel: {show: False}`)."""
    across = below_at is not None
    return {
        "type": "scatter",
        "name": "ticks-x" if across else "ticks",
        "data": [[value, below_at, text] if across else [left_at, value, text] for value, text in ticks],
        "symbolSize": 0,
        "silent": True,
        "tooltip": {"show": False},
        "label": {
            "show": True,
            "position": "bottom" if across else "left",
            "distance": 8,
            "formatter": "{@[2]}",
            "fontSize": TICK_FONT,
            "color": INK,
        },
        "z": 0,
    }


def _drawn(values: Sequence[float], spec: TrendSpec) -> list[float | None]:
    """Every level a trend chart draws, for its value axis."""
    levels: list[float | None] = [
        *values,
        spec.target,
        spec.baseline,
        spec.promise,
        *(v for _, v in spec.targets),
    ]
    if spec.forecast is not None:
        levels.append(spec.forecast[1])
    if spec.limits is not None:
        levels += [within_unit(edge, spec.unit) for edge in spec.limits]
    return levels
