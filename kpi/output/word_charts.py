"""The "customers' own words" chart: comments per touchpoint, as bars with their numbers.

Data in, chart out (an ECharts option, as kpi.output.charts). The bars keep the order they are
given (the touchpoints' order, never ranked by count); a bar with fewer than `min_n` comments is
greyed, too few to compare. Names and numbers are drawn as text; nothing hovers.
"""

from __future__ import annotations

from collections.abc import Sequence

from kpi.output.charts import INK, Chart, framed
from kpi.text import fmt
from kpi.text.palette import SERIES

BAR_HEIGHT = 34
"""Pixels per bar: five touchpoints make a small chart, also on a phone."""
FEW = "rgba(107,107,107,0.35)"
"""A bar of too few comments to compare: the actual values' grey, faint."""


def height(bars: int) -> int:
    """The chart's height in pixels for so many bars."""
    return 40 + BAR_HEIGHT * max(bars, 1)


def per_touchpoint(counts: Sequence[tuple[str, int]], title: str, min_n: int) -> Chart:
    """Horizontal bars, one per (label, count), top to bottom, the count written at each bar's end."""
    values = [n for _, n in counts]
    return {
        **framed(title),
        "tooltip": {"show": False},
        "grid": {"left": 8, "right": 48, "top": 36 if title else 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "show": False, "min": 0, "max": max(values, default=1) * 1.25 or 1},
        "yAxis": {
            "type": "category",
            "inverse": True,  # the first touchpoint on top
            "data": [label for label, _ in counts],
            "axisTick": {"show": False},
            "axisLine": {"show": False},
            "axisLabel": {"color": INK, "fontSize": 13},
        },
        "series": [
            {
                "type": "bar",
                "name": title,
                "silent": True,
                "barWidth": "60%",
                "data": [
                    {
                        "value": n,
                        "itemStyle": {"color": SERIES["actual"] if n >= min_n else FEW},
                        "label": {"formatter": fmt.number(n)},
                    }
                    for n in values
                ],
                "label": {"show": True, "position": "right", "color": INK, "fontSize": 13},
            }
        ],
    }
