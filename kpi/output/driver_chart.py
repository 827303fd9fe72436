"""The importance × performance chart of the driver analysis (kpi.domain.drivers).

Each touchpoint is a point: across, its mean rating (performance); up, its share of what the
ratings explain of the outcome (importance), with its 95 % interval as a whisker. A dotted line
across marks the average importance (each touchpoint's equal share) and one up the touchpoints'
average rating: the top left quadrant, important and rated worst, is where to fix first. A
point's colour follows its quadrant and its label carries the quadrant's sign, so colour is never
the only signal. An ECharts option (kpi.output.charts): names and numbers drawn as text, the
axes labelled by `fmt` in the reader's language, the hover a point's sentence.
"""

from __future__ import annotations

from kpi.domain.drivers import Analysis, Quadrant
from kpi.output.charts import (
    INK,
    Chart,
    axis_ticks,
    framed,
    label_room,
    label_text,
    nice_step,
    tick_labels,
)
from kpi.text import driver_words
from kpi.text.i18n import t
from kpi.text.palette import BLUE, GRAY, RED, SERIES

QUADRANT_COLOURS = {
    Quadrant.FIX_FIRST: RED,
    Quadrant.STRENGTH: BLUE,
    Quadrant.LOW_PRIORITY: GRAY,
    Quadrant.OVERSERVED: GRAY,
}


def x_range(ratings: list[float]) -> tuple[float, float]:
    """The rating axis: the points with room for their labels, whole steps of a tenth."""
    low, high = min(ratings), max(ratings)
    pad = max(0.25, (high - low) * 0.25)
    return round(low - pad, 1), round(high + pad, 1)


LABEL_CHARACTERS = 45
"""About how many characters of a label fit across the chart (narrower on a phone, wider on a
screen): how far a label reaches, to keep it off a neighbour's point."""
NEAR = 0.08
"""Points closer in height than this part of the axis share a line a label would cross."""


def label_positions(
    points: list[tuple[float, float, str]],
    x_low: float,
    x_high: float,
    y_high: float,
    divider: float | None = None,
) -> list[str]:
    """Where each point's label goes (`points`: rating, share in %, label), as ECharts names the
    place: beside the point (`right`, `left`) or above or below it (`top`, `bottom`), within the
    chart and off every neighbour's point. With a `divider` (the average rating, between the
    quadrants) the label stays on its point's side of it where it can: away from it, towards it,
    else above or below the point (over its whisker, so last), and only then across it (a
    strength's label stood in the red "fix first" area, a CX director's trial), and where it must
    cross, centred above or below its point rather than beside it; without one, on
    the side facing the middle of the chart, else the other. Crowded everywhere: the higher of
    close points takes the top, the others the bottom."""

    def reach(label: str) -> float:
        return (x_high - x_low) * min(1.0, len(label) / LABEL_CHARACTERS)

    def extent(i: int, place: str) -> tuple[float, float, float]:
        """The label's left and right ends and its height, placed at `place`."""
        x, y, label = points[i]
        width, step = reach(label), NEAR * y_high
        return {
            "right": (x, x + width, y),
            "left": (x - width, x, y),
            "top": (x - width / 2, x + width / 2, y + step),
            "bottom": (x - width / 2, x + width / 2, y - step),
        }[place]

    def fits(i: int, place: str) -> bool:
        low, high, level = extent(i, place)
        if not (x_low <= low and high <= x_high and 0 <= level <= y_high):
            return False
        return not any(
            j != i and low <= ox <= high and abs(oy - level) < NEAR * y_high
            for j, (ox, oy, _) in enumerate(points)
        )

    def crosses(i: int, place: str) -> bool:
        low, high, _ = extent(i, place)
        return divider is not None and low < divider < high

    found = []
    for i, (x, y, _) in enumerate(points):
        if divider is None:
            first = "right" if x < (x_low + x_high) / 2 else "left"
            order = [first, "left" if first == "right" else "right"]
        else:
            away, towards = ("right", "left") if x >= divider else ("left", "right")
            order = [away, towards, "top", "bottom"]
        place = next((p for p in order if fits(i, p) and not crosses(i, p)), None)
        # where every free place crosses, above or below first, centred on its point: beside it,
        # a strength's whole label stood in the "fix first" area (a presenter's trial)
        across = order if divider is None else ["top", "bottom", *order[:2]]
        place = place or next((p for p in across if fits(i, p)), None)
        if place is None:  # crowded on every side: the higher of close points takes the top
            higher = all(oy <= y for j, (ox, oy, _) in enumerate(points) if abs(oy - y) < NEAR * y_high)
            place = "top" if higher else "bottom"
        found.append(place)
    return found


FIX_FIRST_FILL = "rgba(200,16,46,0.06)"
"""The fix-first quadrant's faint red."""
CORNERS = {
    Quadrant.FIX_FIRST: "insideTopLeft",
    Quadrant.STRENGTH: "insideTopRight",
    Quadrant.LOW_PRIORITY: "insideBottomLeft",
    Quadrant.OVERSERVED: "insideBottomRight",
}
"""Where each quadrant's name stands: in the chart's corner of its quadrant."""


def importance_performance(analysis: Analysis, title: str, scale: tuple[int, int] | None = None) -> Chart:
    """The chart of one slice (`analysis` must have drivers: enough answers); `scale`, the
    ratings' answer scale, named on their axis."""
    drivers = analysis.drivers
    ratings = [d.performance for d in drivers]
    average_rating = sum(ratings) / len(ratings)
    equal_share = 100 / len(drivers)
    x_low, x_high = x_range(ratings)
    y_high = max(100 * d.share_high for d in drivers) * 1.15 + 2
    areas = {
        Quadrant.FIX_FIRST: ((x_low, equal_share), (average_rating, y_high)),
        Quadrant.STRENGTH: ((average_rating, equal_share), (x_high, y_high)),
        Quadrant.LOW_PRIORITY: ((x_low, 0.0), (average_rating, equal_share)),
        Quadrant.OVERSERVED: ((average_rating, 0.0), (x_high, equal_share)),
    }
    quadrants: Chart = {
        "type": "scatter",
        "name": "quadrants",
        "data": [],
        "silent": True,
        "markArea": {
            "silent": True,
            "data": [
                [
                    {
                        "coord": list(low),
                        "itemStyle": {
                            "color": FIX_FIRST_FILL if where is Quadrant.FIX_FIRST else "rgba(0,0,0,0)"
                        },
                        "label": {
                            "show": True,
                            "position": CORNERS[where],
                            "formatter": label_text(driver_words.quadrant(where)),
                            "color": RED if where is Quadrant.FIX_FIRST else GRAY,
                            "fontSize": 13,
                        },
                    },
                    {"coord": list(high)},
                ]
                for where, (low, high) in areas.items()
            ],
        },
        "markLine": {
            "silent": True,
            "symbol": "none",
            "label": {"show": False},
            "lineStyle": {"color": SERIES["limits"], "type": "dotted", "width": 1},
            "data": [{"xAxis": average_rating}, {"yAxis": equal_share}],
        },
    }
    labels = [f"{driver_words.QUADRANT_ICONS[d.quadrant]} {driver_words.name(d.touchpoint)}" for d in drivers]
    places = label_positions(
        [(d.performance, 100 * d.share, label) for d, label in zip(drivers, labels, strict=True)],
        x_low,
        x_high,
        y_high,
        average_rating,
    )
    points: list[Chart] = []
    for driver, label, place in zip(drivers, labels, places, strict=True):
        colour = QUADRANT_COLOURS[driver.quadrant]
        points.append(  # the 95 % interval, a whisker with a cap at each end
            {
                "type": "line",
                "name": f"{label} ·",
                "data": [
                    [driver.performance, 100 * driver.share_low],
                    [driver.performance, 100 * driver.share_high],
                ],
                "symbol": "rect",
                "symbolSize": [8, 1.5],
                "lineStyle": {"color": colour, "width": 1.5},
                "itemStyle": {"color": colour},
                "silent": True,
                "tooltip": {"show": False},
                "z": 2,
            }
        )
        hover = t(
            "drivers.hover",
            touchpoint=driver_words.name(driver.touchpoint),
            share=driver_words.share(driver),
            interval=driver_words.share_interval(driver),
            rating=driver_words.rating(driver),
            quadrant=driver_words.quadrant(driver.quadrant),
        )
        points.append(
            {
                "type": "scatter",
                "name": label,
                "dimensions": ["rating", "share", {"name": "said", "type": "ordinal"}],
                "encode": {"x": 0, "y": 1, "tooltip": 2},
                "data": [[driver.performance, 100 * driver.share, hover]],
                "symbolSize": 13,
                "itemStyle": {"color": colour},
                "label": {
                    "show": True,
                    "position": place,
                    "formatter": label_text(label),
                    "color": INK,
                    "fontSize": 13,
                    # legible where it stands over a whisker or a dotted divider
                    "backgroundColor": "rgba(255,255,255,0.85)",
                    "padding": [1, 3],
                },
                "z": 3,
            }
        )
    x_ticks = axis_ticks(x_low, x_high, nice_step(x_low, x_high))
    y_ticks = axis_ticks(0, y_high, nice_step(0, y_high), "\u00a0%")
    return {
        **framed(title),
        "tooltip": {"trigger": "item", "confine": True},
        "grid": {"left": label_room(y_ticks), "right": 16, "top": 64, "bottom": 56},
        "xAxis": {
            "type": "value",
            "min": x_low,
            "max": x_high,
            "name": driver_words.rating_axis(scale),
            "nameLocation": "middle",
            "nameGap": 34,
            "splitLine": {"show": False},
            "axisLabel": {"show": False},
            "axisTick": {"show": False},
        },
        "yAxis": {
            "type": "value",
            "min": 0,
            "max": y_high,
            "name": t("drivers.axis_importance"),
            "nameTextStyle": {"align": "left", "fontSize": 12},
            "splitLine": {"lineStyle": {"color": "#EEEEEE"}},
            "axisLabel": {"show": False},
        },
        "series": [
            quadrants,
            *points,
            tick_labels(y_ticks, left_at=x_low),
            tick_labels(x_ticks, below_at=0),
        ],
    }
