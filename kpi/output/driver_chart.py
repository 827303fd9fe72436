"""The importance × performance chart of the driver analysis (kpi.domain.drivers).

Each touchpoint is a point: across, its mean rating (performance); up, its share of what the
ratings explain of the outcome (importance), with its 95 % interval as a whisker. A dotted line
across marks the average importance (each touchpoint's equal share) and one up the touchpoints'
average rating: the top left quadrant, important and rated worst, is where to fix first. A
point's colour follows its quadrant and its label carries the quadrant's sign, so colour is never
the only signal.
"""

from __future__ import annotations

import plotly.graph_objects as go

from kpi.domain.drivers import Analysis, Quadrant
from kpi.output.charts import base_layout, figure
from kpi.text import driver_words, plain
from kpi.text.i18n import t
from kpi.text.palette import BLUE, GRAY, RED, SERIES

QUADRANT_COLOURS = {
    Quadrant.FIX_FIRST: RED,
    Quadrant.STRENGTH: BLUE,
    Quadrant.LOW_PRIORITY: GRAY,
    Quadrant.OVERSERVED: GRAY,
}


def _x_range(ratings: list[float]) -> tuple[float, float]:
    """The rating axis: the points with room for their labels, whole steps of a tenth."""
    low, high = min(ratings), max(ratings)
    pad = max(0.25, (high - low) * 0.25)
    return round(low - pad, 1), round(high + pad, 1)


LABEL_CHARACTERS = 45
"""About how many characters of a label fit across the chart (narrower on a phone, wider on a
screen): how far a label reaches, to keep it off a neighbour's point."""
NEAR = 0.08
"""Points closer in height than this part of the axis share a line a label would cross."""


def _label_positions(
    points: list[tuple[float, float, str]], x_low: float, x_high: float, y_high: float
) -> list[str]:
    """Where each point's label goes (`points`: rating, share in %, label): on the side facing the
    middle of the chart, or the other side when a neighbour's point lies under the label there,
    or above or below the point when both sides are taken."""

    def reach(label: str) -> float:
        return (x_high - x_low) * min(1.0, len(label) / LABEL_CHARACTERS)

    def near(i: int, j: int, direction: int) -> bool:
        """Whether point j lies under point i's label put on side `direction` (0: either)."""
        x, y, label = points[i]
        ox, oy, _ = points[j]
        ahead = (ox - x) * direction if direction else abs(ox - x)
        return j != i and abs(oy - y) < NEAR * y_high and 0 <= ahead <= reach(label)

    def free(i: int, direction: int) -> bool:
        x, _, label = points[i]
        end = x + direction * reach(label)
        return x_low <= end <= x_high and not any(near(i, j, direction) for j in range(len(points)))

    middle = (x_low + x_high) / 2
    found = []
    for i, (x, y, _) in enumerate(points):
        first = 1 if x < middle else -1
        side = next((d for d in (first, -first) if free(i, d)), None)
        if side is not None:
            found.append("middle right" if side == 1 else "middle left")
        else:  # crowded on both sides: the higher of close points takes the top, the others the bottom
            higher = all(points[j][1] <= y for j in range(len(points)) if near(i, j, 0))
            found.append("top center" if higher else "bottom center")
    return found


def importance_performance(analysis: Analysis, title: str, height: int = 420) -> go.Figure:
    """The chart of one slice (`analysis` must have drivers: enough answers)."""
    fig = figure()
    drivers = analysis.drivers
    ratings = [d.performance for d in drivers]
    average_rating = sum(ratings) / len(ratings)
    equal_share = 100 / len(drivers)
    x_low, x_high = _x_range(ratings)
    y_high = max(100 * d.share_high for d in drivers) * 1.15 + 2
    for where, x, y, anchor, vertical in (
        (Quadrant.FIX_FIRST, x_low, y_high, "left", "top"),
        (Quadrant.STRENGTH, x_high, y_high, "right", "top"),
        (Quadrant.LOW_PRIORITY, x_low, 0, "left", "bottom"),
        (Quadrant.OVERSERVED, x_high, 0, "right", "bottom"),
    ):
        fig.add_annotation(
            x=x,
            y=y,
            text=driver_words.quadrant(where),
            showarrow=False,
            xanchor=anchor,
            yanchor=vertical,
            font={"color": RED if where is Quadrant.FIX_FIRST else GRAY},
        )
    fig.add_shape(
        type="rect", x0=x_low, x1=average_rating, y0=equal_share, y1=y_high, line_width=0,
        fillcolor="rgba(200,16,46,0.06)", layer="below",
    )  # fmt: skip
    for shape in (
        {"x0": x_low, "x1": x_high, "y0": equal_share, "y1": equal_share},
        {"x0": average_rating, "x1": average_rating, "y0": 0, "y1": y_high},
    ):
        fig.add_shape(type="line", line={"color": SERIES["limits"], "dash": "dot", "width": 1}, **shape)
    labels = [f"{driver_words.QUADRANT_ICONS[d.quadrant]} {driver_words.name(d.touchpoint)}" for d in drivers]
    places = _label_positions(
        [(d.performance, 100 * d.share, label) for d, label in zip(drivers, labels, strict=True)],
        x_low,
        x_high,
        y_high,
    )
    for driver, label, place in zip(drivers, labels, places, strict=True):
        share = 100 * driver.share
        fig.add_scatter(
            x=[driver.performance],
            y=[share],
            mode="markers+text",
            text=[plain.chart(label)],
            textposition=place,
            marker={"size": 13, "color": QUADRANT_COLOURS[driver.quadrant]},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [100 * driver.share_high - share],
                "arrayminus": [share - 100 * driver.share_low],
                "color": QUADRANT_COLOURS[driver.quadrant],
                "thickness": 1.5,
            },
            hovertemplate=plain.chart(
                t(
                    "drivers.hover",
                    touchpoint=driver_words.name(driver.touchpoint),
                    share=driver_words.share(driver),
                    interval=driver_words.share_interval(driver),
                    rating=driver_words.rating(driver),
                    quadrant=driver_words.quadrant(driver.quadrant),
                )
            )
            + "<extra></extra>",
            showlegend=False,
        )
    base_layout(fig, title, height)
    fig.update_layout(hovermode="closest", margin={"l": 10, "r": 10, "t": 48, "b": 48})
    fig.update_xaxes(
        title_text=t("drivers.axis_rating"), range=[x_low, x_high], showgrid=False, zeroline=False
    )
    fig.update_yaxes(
        title_text=t("drivers.axis_importance"), range=[0, y_high], ticksuffix=" %", gridcolor="#EEEEEE"
    )
    return fig
