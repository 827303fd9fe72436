"""The driver analysis's importance × performance chart in the pack, as the Present page draws it
(kpi.output.driver_chart): a native PowerPoint scatter, so the handout shows where to fix first,
not only the table beside it (a presenter's trial: the pack's drivers slide was a table alone).

Each touchpoint is a point, across its mean rating, up its share of what the ratings explain,
coloured and shaped by its quadrant (colour is never the only signal) and labelled with its name;
dotted lines mark the average rating and each touchpoint's equal share. The
intervals stand in the table beside it: PowerPoint's error bars are not in python-pptx.
"""

from __future__ import annotations

from typing import Any, cast

from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide as PptxSlide
from pptx.util import Inches, Pt

from kpi.domain.drivers import Analysis, Quadrant
from kpi.output.driver_chart import QUADRANT_COLOURS, label_positions, x_range
from kpi.output.pptx_common import TextXyData, hide_legend_entry
from kpi.text import driver_words
from kpi.text.i18n import t
from kpi.text.palette import SERIES

SHAPES = {
    Quadrant.FIX_FIRST: XL_MARKER_STYLE.TRIANGLE,
    Quadrant.STRENGTH: XL_MARKER_STYLE.CIRCLE,
    Quadrant.LOW_PRIORITY: XL_MARKER_STYLE.SQUARE,
    Quadrant.OVERSERVED: XL_MARKER_STYLE.DIAMOND,
}
"""Each quadrant's marker: its shape tells it beside its colour, in the legend as on the points
(a label's own sign, the app's way, stood beside the marker like a second point)."""
PLACES = {
    "right": XL_LABEL_POSITION.RIGHT,
    "left": XL_LABEL_POSITION.LEFT,
    "top": XL_LABEL_POSITION.ABOVE,
    "bottom": XL_LABEL_POSITION.BELOW,
}
"""Where `label_positions` puts a label, as PowerPoint names the place."""


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#"))


def chart(
    slide: PptxSlide,
    analysis: Analysis,
    box: tuple[float, float, float, float],
    font: str,
    scale: tuple[int, int] | None = None,
) -> None:
    """The importance × performance chart of `analysis` (with drivers) in `box` (inches), its
    ratings' answer `scale` named on their axis."""
    drivers = analysis.drivers
    ratings = [d.performance for d in drivers]
    average, equal = sum(ratings) / len(ratings), 100 / len(drivers)
    x_low, x_high = x_range(ratings)
    y_high = max(100 * d.share_high for d in drivers) * 1.15 + 2
    shown = [q for q in Quadrant if any(d.quadrant is q for d in drivers)]
    data = TextXyData(number_format="0.0")
    for quadrant in shown:
        series = data.add_series(t(f"drivers.quadrant_{quadrant}"))
        for driver in (d for d in drivers if d.quadrant is quadrant):
            series.add_data_point(driver.performance, round(100 * driver.share, 2))
    across = data.add_series(t("drivers.axis_rating"))  # the average rating, up the chart
    across.add_data_point(average, 0)
    across.add_data_point(average, y_high)
    level = data.add_series(t("drivers.axis_importance"))  # each touchpoint's equal share
    level.add_data_point(x_low, equal)
    level.add_data_point(x_high, equal)
    left, top, width, height = (Inches(v) for v in box)
    frame = cast(
        GraphicFrame,
        slide.shapes.add_chart(
            XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS, left, top, width, height, cast(Any, data)
        ),
    )
    made = frame.chart
    made.font.name, made.font.size = font, Pt(11)
    labels = {d.touchpoint: driver_words.name(d.touchpoint) for d in drivers}
    places = dict(
        zip(
            (d.touchpoint for d in drivers),
            label_positions(
                [(d.performance, 100 * d.share, labels[d.touchpoint]) for d in drivers],
                x_low,
                x_high,
                y_high,
                average,
            ),
            strict=True,
        )
    )
    plot = made.plots[0]
    for quadrant, series in zip(shown, plot.series, strict=False):
        colour = _rgb(QUADRANT_COLOURS[quadrant])
        series.format.line.fill.background()  # points, no line between them
        series.marker.style, series.marker.size = SHAPES[quadrant], 10
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = colour
        series.marker.format.line.color.rgb = colour
        for point, driver in zip(series.points, [d for d in drivers if d.quadrant is quadrant], strict=True):
            label = point.data_label
            label.text_frame.text = labels[driver.touchpoint]
            label.position = PLACES[places[driver.touchpoint]]
            label.font.size = Pt(11)
    for series in list(plot.series)[len(shown) :]:  # the two dotted lines
        series.format.line.color.rgb = _rgb(SERIES["limits"])
        series.format.line.dash_style = MSO_LINE_DASH_STYLE.ROUND_DOT
        series.format.line.width = Pt(1)
        series.marker.style = XL_MARKER_STYLE.NONE
    _axes(made, (x_low, x_high), y_high, driver_words.rating_axis(scale))
    made.has_legend = True
    made.legend.position = XL_LEGEND_POSITION.BOTTOM
    made.legend.include_in_layout = False
    for index in (len(shown), len(shown) + 1):  # the lines explain themselves by the axes' titles
        hide_legend_entry(made, index)


def _axes(made: object, across: tuple[float, float], up: float, rating: str) -> None:
    """The rating across (its range, titled `rating`), the share up (from 0), each titled."""
    x_axis, y_axis = made.category_axis, made.value_axis  # type: ignore[attr-defined]
    x_axis.minimum_scale, x_axis.maximum_scale = round(across[0], 1), round(across[1], 1)
    y_axis.minimum_scale, y_axis.maximum_scale = 0, round(up)
    y_axis.tick_labels.number_format, y_axis.tick_labels.number_format_is_linked = '0" %"', False
    x_axis.has_major_gridlines = y_axis.has_major_gridlines = False
    for axis, title in ((x_axis, rating), (y_axis, t("drivers.axis_importance"))):
        axis.has_title = True
        axis.axis_title.text_frame.text = title
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(11)
