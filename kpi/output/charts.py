"""Plotly figures: data in, figure out. No Streamlit, no store; one palette (kpi.text.palette).

Trend charts follow one grammar: the actual values as a solid grey line with markers, the target as
a green dashed line, the tolerance as a light green band, the baseline dotted, the forecast to the
deadline as a lighter dashed continuation, and months where a signal rule fired ringed in their
verdict's colour. Month labels and number separators follow the reader's language.
Titles name KPIs people typed, so they go through kpi.text.plain: Plotly would read tags in them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType

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
MAX_MONTH_TICKS = 5
"""Month labels on an axis: enough to orient, few enough to never overlap on a half-width chart."""
FONT = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"
INK = "#262730"
"""The colour of a chart's words: Streamlit's own text colour."""
TEMPLATE = go.layout.Template(layout={"colorway": [SERIES["actual"], SERIES["other"]]})
"""Every chart's Plotly template, instead of the default one Streamlit installs (`streamlit`:
colour scales and trace styles for a dozen kinds of chart we never draw, about 3.6 KB of a
trend's 5 KB of JSON, sent with every chart and read by Plotly in the browser for each). Our
charts set every colour, font and margin themselves (`base_layout`); the browser still lays
Streamlit's theme (fonts, axis and hover colours) under what they set, as it did under the
default template. The colorway is only a fallback: a trace left without a colour is neutral."""


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
    signals: tuple[tuple[date, str], ...] = ()
    """(month, `improvement` or `concern`) of months where a signal rule fired: ringed points,
    one colour per verdict (`palette.VARIATION_LOOKS`)."""
    targets: tuple[tuple[date, float], ...] = ()
    """The month targets (phased or explicit), drawn as the target line instead of one level."""
    bands: tuple[Band, ...] = ()
    """Company events bearing on the KPI (`company_events.bands`): each shades the months it
    touches, with a short label."""


def _separators() -> str:
    """Plotly's decimal and thousands separators for the current language."""
    sample = fmt.number(1234.5, 1)
    return sample[5] + sample[1]


def _month_axis(fig: go.Figure, first: date, last: date) -> None:
    span = months.between(first, last)
    step = max(1, -(-len(span) // MAX_MONTH_TICKS))
    ticks = span[::-step][::-1]  # count back from the newest month, so it is always labelled
    fig.update_xaxes(
        tickvals=ticks, ticktext=[_two_lines(fmt.month(m)) for m in ticks], tickangle=0, showgrid=False
    )


def _two_lines(label: str) -> str:
    """`Dec 2024` as the month over its year: five labels then fit under a phone-wide chart (390
    px) without running into each other."""
    month, _, year = label.rpartition(" ")
    return f"{month}<br>{year}" if month else label


def figure(*data: BaseTraceType) -> go.Figure:
    """A new figure on our own small template (`TEMPLATE`), never Plotly's default."""
    return go.Figure(data=list(data), layout={"template": TEMPLATE})


def base_layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    """Size, fonts and colours of every chart, on our own template; `title` is plain text, shown
    as it is."""
    return fig.update_layout(
        template=TEMPLATE,
        title={"text": plain.chart(title), "x": 0, "xanchor": "left", "font": {"size": 16}},
        height=height,
        margin={"l": 10, "r": 10, "t": 48, "b": 10},
        font={"family": FONT, "size": 13, "color": INK},
        separators=_separators(),
        plot_bgcolor="white",
        paper_bgcolor="white",
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.15, "x": 0},
    )


def _reference_line(
    fig: go.Figure, span: tuple[date, date], level: float, unit: str, label_key: str, series: str, dash: str
) -> None:
    """A horizontal line across the chart (target, baseline) that names its value on hover."""
    fig.add_scatter(
        x=list(span),
        y=[level, level],
        mode="lines",
        name=t(label_key),
        line={"color": SERIES[series], "dash": dash, "width": 1.5},
        hovertemplate=fmt.value(level, unit) + "<extra></extra>",
    )


def _limits_band(fig: go.Figure, span: tuple[date, date], limits: tuple[float, float], unit: str) -> None:
    """The natural process limits: dotted grey edges around a faint grey band (the tolerance band
    is green and hugs the target; this one says what the process itself produces), held within
    what the unit can reach (no band below 0 minutes or beyond 100 %)."""
    lower, upper = (within_unit(edge, unit) for edge in limits)
    edge = {"color": SERIES["limits"], "dash": "dot", "width": 1}
    fig.add_scatter(x=list(span), y=[upper] * 2, mode="lines", line=edge, hoverinfo="skip", showlegend=False)
    fig.add_scatter(
        x=list(span),
        y=[lower] * 2,
        mode="lines",
        line=edge,
        fill="tonexty",
        fillcolor=SERIES["limits_band"],
        name=t("chart.limits"),
        customdata=[f"{fmt.value(lower, unit)} – {fmt.value(upper, unit)}"] * 2,
        hovertemplate="%{customdata}<extra></extra>",
    )


def short_label(title: str, limit: int = BAND_LABEL) -> str:
    """An event's title for a band's label: cut at a word with an ellipsis when too long."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1].rsplit(" ", 1)[0] if " " in title[: limit - 1] else title[: limit - 1]
    return cut.rstrip(" :,;-") + "…"


def _event_bands(fig: go.Figure, bands: Sequence[Band], span: tuple[date, date]) -> None:
    """Each event as a faint shaded stretch over the months it touches (half a month either side
    of their points), behind the lines, labelled at its top (each label a line below the one
    before): from its left edge, or, in the right half of the chart, up to its right edge, so the
    label stays inside the chart."""
    middle = span[0] + (span[1] - span[0]) / 2
    for number, band in enumerate(bands):
        x0 = date.fromordinal(band.first.toordinal() - 15)
        x1 = date.fromordinal(band.last.toordinal() + 15)
        fig.add_vrect(
            x0=x0,
            x1=x1,
            fillcolor=SERIES["event_band"],
            line_width=0,
            layer="below",
            name=plain.chart(band.label),
            annotation_text=plain.chart(short_label(band.label)),
            annotation_position="top right" if band.first > middle else "top left",
            annotation_font={"size": 11, "color": SERIES["event"]},
            annotation_yshift=-LABEL_LINE * number,  # each label on its own line, never over another
        )


def _signal_points(fig: go.Figure, values: dict[date, float], spec: TrendSpec) -> None:
    """Months where a rule fired, ringed in the verdict's colour: blue for an improvement, orange
    for a concern. The legend and the hover say what a ring means ("Signal: improvement"). An open
    marker takes its stroke from the marker's colour, so both are set (left unset, each chart
    would ring in whatever colour Plotly's cycle had reached)."""
    for key in ("improvement", "concern"):
        colour = VARIATION_LOOKS[key].colour
        marked = [m for m, verdict in spec.signals if verdict == key and m in values]
        if marked:
            meaning = t(f"chart.ring.{key}")
            fig.add_scatter(
                x=marked,
                y=[values[m] for m in marked],
                mode="markers",
                name=meaning,
                marker={
                    "size": 13,
                    "symbol": "circle-open",
                    "color": colour,
                    "line": {"width": 2.5, "color": colour},
                },
                customdata=[f"{fmt.value(values[m], spec.unit)} · {meaning}" for m in marked],
                hovertemplate="%{customdata}<extra></extra>",
            )


def trend(points: Sequence[tuple[date, float]], spec: TrendSpec, height: int = 340) -> go.Figure:
    """A KPI's monthly values with target, tolerance band, baseline and forecast."""
    fig = figure()
    xs = [m for m, _ in points]
    ys = [v for _, v in points]
    last_x = max([*xs, spec.forecast[0]] if spec.forecast else xs or [date.today()])
    first_x = min(xs) if xs else last_x
    if spec.target is not None and spec.tolerance > 0:
        edge = spec.target - spec.tolerance * abs(spec.target) * (1 if spec.is_higher_better else -1)
        fig.add_scatter(
            x=[first_x, last_x],
            y=[spec.target] * 2,
            mode="lines",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
        )
        fig.add_scatter(
            x=[first_x, last_x],
            y=[edge] * 2,
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=SERIES["band"],
            name=t("chart.tolerance"),
            hoverinfo="skip",
        )
    if spec.limits is not None:
        _limits_band(fig, (first_x, last_x), spec.limits, spec.unit)
    if spec.baseline is not None:
        _reference_line(fig, (first_x, last_x), spec.baseline, spec.unit, "chart.baseline", "baseline", "dot")
    if spec.targets:
        fig.add_scatter(
            x=[m for m, _ in spec.targets],
            y=[v for _, v in spec.targets],
            mode="lines",
            name=t("chart.month_target"),
            line={"color": SERIES["target"], "dash": "dash", "width": 1.5, "shape": "hvh"},
            customdata=[fmt.value(v, spec.unit) for _, v in spec.targets],
            hovertemplate="%{customdata}<extra></extra>",
        )
    elif spec.target is not None:
        _reference_line(fig, (first_x, last_x), spec.target, spec.unit, "chart.target", "target", "dash")
    fig.add_scatter(
        x=xs,
        y=ys,
        mode="lines+markers",
        name=t("chart.actual"),
        line={"color": SERIES["actual"], "width": 2.5},
        marker={"size": 5},
        customdata=[fmt.value(v, spec.unit) for v in ys],
        hovertemplate="%{customdata}<extra></extra>",
    )
    _signal_points(fig, dict(points), spec)
    _event_bands(fig, spec.bands, (first_x, last_x))
    if spec.forecast and xs:
        fig.add_scatter(
            x=[xs[-1], spec.forecast[0]],
            y=[ys[-1], spec.forecast[1]],
            mode="lines+markers",
            name=t("chart.forecast"),
            line={"color": SERIES["forecast"], "dash": "dash", "width": 2},
            marker={"size": [0, 7]},
            customdata=[fmt.value(ys[-1], spec.unit), fmt.value(spec.forecast[1], spec.unit)],
            hovertemplate="%{customdata}<extra></extra>",
        )
    base_layout(fig, "", height)
    _month_axis(fig, first_x, last_x)
    # the title heads the legend, both above the plot: the rows of a legend on a phone (390 px)
    # cover neither the title nor the month labels, as a legend below the labels or beside the title did
    fig.update_layout(
        legend={
            "yanchor": "bottom",
            "y": 1.02,
            "title": {
                "text": plain.chart(spec.title),
                "side": "top",
                "font": {"size": 16, "color": INK},
            },
        },
        margin={"t": 10},
    )
    unit_label = t(f"chart.unit.{spec.unit}")
    fig.update_yaxes(title={"text": unit_label, "font": {"size": 12}}, gridcolor="#ECECEC", zeroline=False)
    axis = value_axis(_drawn(ys, spec), spec.unit)
    if axis is not None:
        fig.update_yaxes(range=[axis.low, axis.high], dtick=axis.step)
    return fig


def _drawn(values: Sequence[float], spec: TrendSpec) -> list[float | None]:
    """Every level a trend chart draws, for its value axis."""
    levels: list[float | None] = [*values, spec.target, spec.baseline, *(v for _, v in spec.targets)]
    if spec.forecast is not None:
        levels.append(spec.forecast[1])
    if spec.limits is not None:
        levels += [within_unit(edge, spec.unit) for edge in spec.limits]
    return levels
