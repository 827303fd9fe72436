"""The "customers' own words" chart: comments per touchpoint, as bars with their numbers.

Data in, figure out. The bars keep the order they are given (the touchpoints' order, never
ranked by count); a bar with fewer than `min_n` comments is greyed, too few to compare.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from kpi.output.charts import base_layout, figure
from kpi.text import fmt, plain
from kpi.text.palette import GRAY, SERIES

BAR_HEIGHT = 34
"""Pixels per bar: five touchpoints make a small chart, also on a phone."""


def per_touchpoint(counts: Sequence[tuple[str, int]], title: str, min_n: int) -> go.Figure:
    """Horizontal bars, one per (label, count), the count written at each bar's end."""
    labels = [plain.chart(label) for label, _ in counts]
    values = [n for _, n in counts]
    colours = [SERIES["actual"] if n >= min_n else "rgba(107,107,107,0.35)" for n in values]
    fig = figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker={"color": colours, "line": {"color": GRAY, "width": 0}},
            text=[fmt.number(n) for n in values],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
        )
    )
    base_layout(fig, title, height=60 + BAR_HEIGHT * max(len(counts), 1))
    fig.update_yaxes(autorange="reversed", showgrid=False, ticksuffix="  ")
    fig.update_xaxes(visible=False, range=[0, max(values, default=1) * 1.25 or 1])
    return fig.update_layout(margin={"l": 10, "r": 30, "t": 40, "b": 10}, hovermode=False, showlegend=False)
