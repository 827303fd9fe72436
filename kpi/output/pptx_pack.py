"""The deck as a PowerPoint file: large type, status in colour, icon and word, native charts.

Every slide wears the company (kpi.store.company through `deck.Brand`): a band and the titles in
its colour, its logo in the top right corner (the title's room ends before it), and a footer
with the company, the month and the slide's number. Tables and type are sized from what they
hold (kpi.output.measure): a table fills the slide's room and never runs into the footer, and a
status never wraps (its column is as wide as the longest status word of the language, its
words joined by no-break spaces). Charts are native PowerPoint line charts, so a presenter can
restyle them; their value axis follows the one rule of every trend chart (`charts.value_axis`).
Each slide's speaker notes say why each status is what it is and hold the commentary
(kpi.output.speaker). Text comes from the deck as plain text; nothing is read as markup.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

from PIL import Image
from pptx import Presentation
from pptx.chart.series import LineSeries
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.presentation import Presentation as PresentationType
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide as PptxSlide
from pptx.table import _Cell
from pptx.text.text import TextFrame, _Paragraph
from pptx.util import Inches, Pt

from kpi.domain import bounds
from kpi.domain.model import GoalStatus, KpiStatus, within_unit
from kpi.domain.signals import Reading
from kpi.output import logo as logo_check
from kpi.output import measure, pptx_drivers
from kpi.output.charts import PACK_BAND_LABEL, short_label, value_axis
from kpi.output.deck import Brand, Line, Series, Slide
from kpi.output.pptx_common import TextChartData, hide_legend_entry
from kpi.output.speaker import notes as speaker_notes
from kpi.text import fmt, i18n, palette, phrases
from kpi.text.i18n import t

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
SLIDE_WIDTH, MARGIN, FOOTER_TOP, CONTENT_BOTTOM = 13.333, 0.5, 7.02, 6.85
"""In inches: the slide, its side margins, the footer's top and where content must end above it."""
INK, MUTED, WHITE, STRIPE = (
    RGBColor(0x26, 0x27, 0x30),
    RGBColor(0x6B, 0x6B, 0x6B),
    RGBColor(0xFF, 0xFF, 0xFF),
    RGBColor(0xF4, 0xF6, 0xF8),
)
VERDICTS = ("improvement", "concern")
"""The verdicts whose months a chart rings, each in its colour from `palette.VARIATION_LOOKS`."""
FONT = "Arial"
"""On every PowerPoint machine; LibreOffice draws it with Liberation Sans, exactly as wide, so the
PDF's lines break where the PPTX's do (kpi.output.measure)."""
SIZES = (18, 16, 15, 14, 13, 12, 11, 10)
"""Type sizes a table may take, largest first: the largest whose rows fit the slide's room."""
CELL_X, CELL_Y = 0.1, 0.05
"""A table cell's inner margins (inches), left and right, top and bottom."""
MIN_WEIGHTED = 1.7
"""The narrowest (inches) a column sized by weight may be: a smaller type size is tried first."""
ROW_MOST = 1.0
"""A row is stretched towards this height (inches) while the room allows: a short table fills the
slide instead of leaving its lower two thirds empty."""
LOGO_HEIGHT, LOGO_WIDTH = 0.65, 1.8
"""The most room (inches) a logo takes in a content slide's top right corner."""


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#"))


def _text(
    slide: PptxSlide,
    box: tuple[float, float, float, float],
    text: str,
    size: float,
    colour: RGBColor = INK,
    bold: bool = False,
    align: PP_ALIGN = PP_ALIGN.LEFT,
) -> TextFrame:
    left, top, width, height = (Inches(v) for v in box)
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for index, part in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        _run(paragraph, part, size, colour, bold)
    return frame


def _run(paragraph: _Paragraph, text: str, size: float, colour: RGBColor, bold: bool = False) -> None:
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
    run.font.color.rgb = colour


def _verdicts(paragraph: _Paragraph, reading: Reading | None, size: float, still: bool = False) -> None:
    """The process verdicts as runs of their own, each in its colour with its icon and word, kept
    whole: a line breaks only between two verdicts; `still` as `phrases.verdict_looks` says it."""
    for index, (look, word) in enumerate(phrases.verdict_looks(reading, still)):
        _run(
            paragraph,
            ("   " if index else "") + measure.unbroken(f"{look.icon} {word}"),
            size,
            _rgb(look.colour),
            True,
        )


def _verdict_words(reading: Reading | None, still: bool = False) -> list[str]:
    return [measure.unbroken(f"{look.icon} {word}") for look, word in phrases.verdict_looks(reading, still)]


@dataclass(frozen=True)
class _Column:
    header: str
    field: str
    weight: float = 0.0
    """A share of the room the measured columns leave; 0 for a column as wide as its texts."""
    cap: float = 0.0
    """The widest (inches) a measured column grows; 0 for no cap."""


_COLUMNS = {
    "wide": (
        _Column("deck.col_what", "label", 4),
        _Column("deck.col_value", "value", cap=1.8),
        _Column("deck.col_target", "target", cap=2.3),
        _Column("deck.col_status", "status"),
        _Column("deck.col_note", "full_note", 5),
    ),
    "narrow": (  # beside a goal's chart: its sub-goals, each with its own target (as the app shows)
        _Column("deck.col_what", "label", 1),
        _Column("deck.col_value", "value", cap=1.5),
        _Column("deck.col_target", "target", cap=1.4),
        _Column("deck.col_status", "status"),
    ),
    "actions": (
        _Column("deck.col_what", "label", 5),
        _Column("deck.col_owner", "value", cap=2.5),
        _Column("deck.col_due", "target", cap=2.0),
        _Column("deck.col_status", "status"),  # an overdue one's flag (the column only when some is)
        _Column("deck.col_note", "note", 3),
    ),
    "drivers": (
        _Column("deck.col_touchpoint", "label", 1),
        _Column("deck.col_importance", "value", cap=3.2),
        _Column("deck.col_reading", "note", 1),
    ),
}


def status_words(lines: Sequence[Line], layout: str = "wide") -> list[str]:
    """Every word the table's status column can hold in the reader's language, held on one line:
    every status of a KPI or of a goal (whichever the table lists), or on the attention slides
    the kinds of exception their `lines` (every slide's of the list) show. The column is as wide
    as the longest, so no status wraps and the column keeps its width from slide to slide (every
    kind there is, "▼ New signal: worse than usual" among them, had taken a fourth of the notes'
    room where none was shown). The actions' table flags what is overdue and says the others'
    states, so its column is as wide as those words."""
    words: list[str] = []
    kinds = {line.flag.kind for line in lines if line.flag is not None}
    if layout == "actions":  # an overdue one's state flagged, the others' states
        words += [_status(line)[0] for line in lines if line.flag is not None]
        words += [line.state for line in lines if line.state]
    elif kinds:
        words += [_status(line)[0] for line in lines if line.flag is not None]
    if any(isinstance(line.status, KpiStatus) for line in lines):
        words += [palette.label(s) for s in KpiStatus]
    if any(isinstance(line.status, GoalStatus) for line in lines):
        words += [palette.label(s) for s in GoalStatus]
    return [measure.unbroken(w) for w in words]


def target_parts(target: str) -> tuple[str, str]:
    """A month target and what it is (`92 s (2026 target, phased)`) as two lines: the number in
    the row's type, what it is below in smaller type, so the number never wraps."""
    number, _, kind = target.partition(" (")
    return (number, f"({kind}") if kind.endswith(")") else (target, "")


@dataclass(frozen=True)
class _Fit:
    size: float
    widths: list[float]
    heights: list[float]


def _cells(line: Line, columns: Sequence[_Column]) -> list[str]:
    """The texts of a row as measured: a status on one line, a target's number above its kind."""
    out = []
    for column in columns:
        text = str(getattr(line, column.field) or "")
        if column.field == "status":
            text = _status(line)[0]
        elif column.field == "target" and column.header == "deck.col_target":
            text = "\n".join(p for p in target_parts(text) if p)
        out.append(text)
    return out


def used_columns(lines: Sequence[Line], layout: str) -> tuple[_Column, ...]:
    """The layout's columns that some line fills: the month at a glance has counts and notes but
    no target or status, and two empty columns had squeezed its notes until their status words
    wrapped."""

    def used(column: _Column) -> bool:
        if column.field == "label":
            return True
        if column.field == "status":
            return any(line.status is not None or line.flag or line.reading or line.state for line in lines)
        return any(getattr(line, column.field) for line in lines)

    return tuple(column for column in _COLUMNS[layout] if used(column))


def _fit(
    lines: Sequence[Line],
    columns: Sequence[_Column],
    width: float,
    room: float,
    layout: str,
    kin: Sequence[Line] = (),
) -> _Fit:
    """The largest type size at which the table's rows fit `room` inches, its column widths and
    its row heights (header first); its status column as wide as its `kin`'s need (the lines
    of every slide of its kind)."""
    rows = [_cells(line, columns) for line in lines]
    headers = [t(c.header) for c in columns]
    statuses = status_words(kin or lines, layout)
    verdicts = [w for line in lines for w in _verdict_words(line.reading, line.still)]
    fit = _Fit(SIZES[-1], [], [])
    for size in SIZES:
        widths = _widths(columns, rows, headers, statuses, verdicts, size, width)
        heights = [_row_height(headers, widths, size, bold=True)]
        for cells, line in zip(rows, lines, strict=True):
            extra = _verdict_lines(line, widths, columns, size)
            heights.append(_row_height(cells, widths, size, columns, extra))
        fit = _Fit(size, widths, heights)
        if sum(heights) <= room and _words_fit(columns, rows, widths, size):
            break
    return _stretched(fit, room)


def _words_fit(
    columns: Sequence[_Column], rows: Sequence[Sequence[str]], widths: Sequence[float], size: float
) -> bool:
    """Whether every column sized by weight is at least `MIN_WEIGHTED` wide and holds its
    longest word whole ("Webshopkundern / e" is no way to read a name)."""
    for index, (column, wide) in enumerate(zip(columns, widths, strict=True)):
        if not column.weight:
            continue
        longest = measure.longest_word([r[index] for r in rows], _size(column, size))
        if wide < MIN_WEIGHTED or longest > wide - 2 * CELL_X:
            return False
    return True


def _stretched(fit: _Fit, room: float) -> _Fit:
    """The rows (not the header) taller, up to `ROW_MOST`, where the room has height to spare."""
    spare = room - sum(fit.heights)
    body = fit.heights[1:]
    if spare <= 0 or not body:
        return fit
    grown = [max(h, min(ROW_MOST, h + spare / len(body))) for h in body]
    return _Fit(fit.size, fit.widths, [fit.heights[0], *grown])


def _widths(
    columns: Sequence[_Column],
    rows: Sequence[Sequence[str]],
    headers: Sequence[str],
    statuses: Sequence[str],
    verdicts: Sequence[str],
    size: float,
    width: float,
) -> list[float]:
    room = 2 * CELL_X + 0.05
    measured: list[float] = []
    for index, column in enumerate(columns):
        if column.weight:
            measured.append(0.0)
            continue
        if column.field == "status":
            wide = max(
                measure.widest(statuses, size, bold=True), measure.widest(verdicts, size - 3, bold=True)
            )
        else:
            wide = measure.widest([part for r in rows for part in r[index].split("\n")], _size(column, size))
        # a header wraps at its spaces rather than widen its column past what the column holds
        # ("Importance (95 % interval)" took 3.2 inches over values of 2, and the rest of the
        # drivers' table fell to 8-point type)
        header = measure.width(headers[index], size, bold=True)
        # (at its spaces only: "(95 %-interval)" holds together at its no-break space)
        word = max(measure.width(w, size, bold=True) for w in headers[index].split(" "))
        wide = max(wide, min(header, max(wide, word)))
        wide += room
        measured.append(min(wide, column.cap) if column.cap else wide)
    left = max(width - sum(measured), 0.0)
    weights = sum(c.weight for c in columns)
    return [w if not c.weight else left * c.weight / weights for w, c in zip(measured, columns, strict=True)]


def _size(column: _Column, size: float) -> float:
    return size - 2 if column.field in ("note", "full_note") else size


def _row_height(
    cells: Sequence[str],
    widths: Sequence[float],
    size: float,
    columns: Sequence[_Column] | None = None,
    extra: Sequence[float] = (),
    bold: bool = False,
) -> float:
    tallest = 0.0
    for index, (text, wide) in enumerate(zip(cells, widths, strict=True)):
        at = _size(columns[index], size) if columns else size
        first, _, rest = text.partition("\n")  # a target's kind, below its number, is smaller
        tall = measure.height(measure.lines(first, wide - 2 * CELL_X, at, bold=bold), at)
        if rest:
            tall += measure.height(measure.lines(rest, wide - 2 * CELL_X, at - 3), at - 3)
        tallest = max(tallest, tall + (extra[index] if extra else 0.0))
    return tallest + 2 * CELL_Y + 0.04


def _verdict_lines(
    line: Line, widths: Sequence[float], columns: Sequence[_Column], size: float
) -> list[float]:
    """The height the process verdicts add under a status, per column."""
    words = " ".join(_verdict_words(line.reading, line.still))
    return [
        measure.height(measure.lines(words, w - 2 * CELL_X, size - 3, bold=True), size - 3)
        if c.field == "status" and words
        else 0.0
        for c, w in zip(columns, widths, strict=True)
    ]


def _table(
    slide: PptxSlide,
    lines: Sequence[Line],
    box: tuple[float, float, float, float],
    layout: str,
    accent: RGBColor,
    kin: Sequence[Line],
) -> None:
    """The table of `lines`, with the columns some line of its `kin` fills (the lines of every
    slide of its kind, these among them: a list over two slides keeps its columns and their
    widths)."""
    left, top, width, room = box
    columns = used_columns(kin, layout)
    fit = _fit(lines, columns, width, room, layout, kin)
    shape = slide.shapes.add_table(
        len(lines) + 1, len(columns), Inches(left), Inches(top), Inches(width), Inches(sum(fit.heights))
    )
    table = shape.table
    for index, wide in enumerate(fit.widths):
        table.columns[index].width = Inches(wide)
    for number, tall in enumerate(fit.heights):
        table.rows[number].height = Inches(tall)
    for index, column in enumerate(columns):
        _cell(table.cell(0, index), t(column.header), fit.size, WHITE, bold=True, fill=accent)
    for number, line in enumerate(lines, start=1):
        fill = STRIPE if number % 2 == 0 else WHITE
        for index, column in enumerate(columns):
            cell = table.cell(number, index)
            if column.field == "status":
                text, colour = _status(line)
                _cell(cell, text, fit.size, colour, bold=True, fill=fill)
                if line.reading is not None:
                    _verdicts(cell.text_frame.add_paragraph(), line.reading, fit.size - 3, line.still)
                continue
            text = str(getattr(line, column.field) or "")
            if column.header == "deck.col_target":
                level, kind = target_parts(text)
                _cell(cell, level, fit.size, INK, fill=fill)
                if kind:
                    _run(cell.text_frame.add_paragraph(), kind, fit.size - 3, MUTED)
                continue
            _cell(cell, text, _size(column, fit.size), INK, fill=fill)


def _status(line: Line) -> tuple[str, RGBColor]:
    """The status cell's text (on one line) and colour: the line's status, or on the attention
    slide its kind (`deck.Flag`), as the Overview shows them."""
    if line.flag is not None:
        look = palette.attention_look(line.flag.kind)
        return measure.unbroken(palette.attention_label(line.flag.kind, line.flag.word)), _rgb(look.colour)
    if line.status is None:
        return measure.unbroken(line.state), INK  # an action's state, where it is not overdue
    return measure.unbroken(palette.label(line.status)), _rgb(palette.look(line.status).colour)


def _cell(
    cell: _Cell, text: str, size: float, colour: RGBColor, bold: bool = False, fill: RGBColor | None = None
) -> None:
    cell.text = ""
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    cell.margin_left = cell.margin_right = Inches(CELL_X)
    cell.margin_top = cell.margin_bottom = Inches(CELL_Y)
    _run(cell.text_frame.paragraphs[0], text, size, colour, bold)
    if fill is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill


def chart_title(series: Series) -> str:
    """A chart's title: the KPI's name alone. Its unit names the value axis, so a unit that says
    its range ("NPS (−100 to +100)") is never wrapped in a second pair of brackets."""
    return series.title


def _chart(slide: PptxSlide, series: Series, box: tuple[float, float, float, float]) -> None:
    if not series.points:
        return
    data = TextChartData(number_format="0.0")  # CategoryChartData by the name add_chart is typed with
    data.categories = [fmt.month(m) for m, _ in series.points]
    data.add_series(t("chart.actual"), [round(v, 2) for _, v in series.points])
    levels: list[float | None] = [v for _, v in series.points]
    if series.target is not None:
        data.add_series(t("chart.target"), [series.target] * len(series.points))
        levels.append(series.target)
    path = dict(series.path)
    if path:  # a goal's planned path: what its status is judged against
        data.add_series(t("chart.path"), [path.get(m) for m, _ in series.points])
        levels += path.values()
    if series.promise is not None:  # a service priority's threshold, as every chart of the number draws it
        data.add_series(t("chart.promise"), [series.promise] * len(series.points))
        levels.append(series.promise)
    if series.limits is not None:
        since = series.limits_since  # the months before its process change had other limits
        for edge in series.limits:  # held within the unit: no limit below 0 minutes or past 100 %
            level = round(within_unit(edge, series.unit), 2)
            data.add_series(
                t("chart.limits"), [level if since is None or m >= since else None for m, _ in series.points]
            )
            levels.append(level)
    ringed = [key for key in VERDICTS if any(verdict == key for _, verdict in series.signals)]
    for key in ringed:
        months = {m for m, verdict in series.signals if verdict == key}
        data.add_series(
            t(f"chart.ring.{key}"), [round(v, 2) if m in months else None for m, v in series.points]
        )
    axis = value_axis(levels, series.unit)
    banded = [b for b in series.bands if axis is not None]
    for band in banded:  # the band's months at the top of the axis: drawn as shaded columns
        high = axis.high if axis is not None else 0.0
        data.add_series(
            short_label(band.label, PACK_BAND_LABEL),
            [high if band.first <= m <= band.last else None for m, _ in series.points],
        )
    left, top, width, height = (Inches(v) for v in box)
    # python-pptx annotates add_chart as returning the Chart; it returns the frame that holds it
    frame = cast(GraphicFrame, slide.shapes.add_chart(XL_CHART_TYPE.LINE, left, top, width, height, data))
    chart = frame.chart
    if banded:
        _as_bands(chart, len(banded))
    chart.font.name, chart.font.size = FONT, Pt(12)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.has_title = True
    chart.chart_title.text_frame.text = chart_title(series)
    chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(16)
    # the months level, each on two lines ("Oct" over "2025"): beside a table, slanted they read
    # sideways and took a fifth of the chart's height
    months_axis = chart.category_axis.tick_labels
    months_axis.font.size = Pt(11)
    months_axis._element.get_or_add_txPr().find(qn("a:bodyPr")).set("rot", "0")
    _value_axis(chart, series.unit, levels)
    _series_looks(chart, series, ringed)


def _as_bands(chart: object, count: int) -> None:
    """The last `count` series of the line chart moved into a column chart on the same axes,
    behind the lines: each event's months as a faint full-height column, without gaps, so a band
    shades the months the event touches (named in the legend). Still a native, editable chart."""
    plot_area = chart._chartSpace.chart.plotArea  # type: ignore[attr-defined]
    line = plot_area.find(qn("c:lineChart"))
    moved = line.findall(qn("c:ser"))[-count:]
    bar = line.makeelement(qn("c:barChart"), {})
    for tag, value in (("c:barDir", "col"), ("c:grouping", "clustered"), ("c:varyColors", "0")):
        bar.append(bar.makeelement(qn(tag), {"val": value}))
    for ser in moved:
        line.remove(ser)
        for tag in ("c:marker", "c:smooth"):  # a column series has neither
            for found in ser.findall(qn(tag)):
                ser.remove(found)
        _band_fill(ser)
        bar.append(ser)
    bar.append(bar.makeelement(qn("c:gapWidth"), {"val": "0"}))
    bar.append(bar.makeelement(qn("c:overlap"), {"val": "100"}))
    for axis_id in line.findall(qn("c:axId")):
        bar.append(bar.makeelement(qn("c:axId"), {"val": axis_id.get("val")}))
    line.addprevious(bar)  # drawn first: behind the lines


def _band_fill(ser: object) -> None:
    """A band column's fill: the event colour, mostly transparent, and no outline."""
    colour = palette.SERIES["event"].lstrip("#")
    old = ser.find(qn("c:spPr"))  # type: ignore[attr-defined]
    if old is not None:
        ser.remove(old)  # type: ignore[attr-defined]
    sp = ser.makeelement(qn("c:spPr"), {})  # type: ignore[attr-defined]
    fill = sp.makeelement(qn("a:solidFill"), {})
    rgb = fill.makeelement(qn("a:srgbClr"), {"val": colour})
    rgb.append(rgb.makeelement(qn("a:alpha"), {"val": "18000"}))
    fill.append(rgb)
    sp.append(fill)
    outline = sp.makeelement(qn("a:ln"), {})
    outline.append(outline.makeelement(qn("a:noFill"), {}))
    sp.append(outline)
    ser.find(qn("c:tx")).addnext(sp)  # type: ignore[attr-defined]


def _value_axis(chart: object, unit: str, levels: Sequence[float | None]) -> None:
    """The value axis by the one rule of every trend chart (`charts.value_axis`), titled with
    the unit."""
    axis = chart.value_axis  # type: ignore[attr-defined]
    found = value_axis(levels, unit)
    if found is not None:
        axis.minimum_scale, axis.maximum_scale, axis.major_unit = found.low, found.high, found.step
        # the months along the bottom, and an event's columns standing there, whatever side of 0
        # the values lie (at 0, an NPS of −15 to +18 had its months across the middle and its
        # bands shaded above 0 only; one below 0 all year had them at the top and no band)
        axis.crosses = XL_AXIS_CROSSES.MINIMUM
        axis.tick_labels.number_format = "0" if float(found.step).is_integer() else "0.0#"
        axis.tick_labels.number_format_is_linked = False
    axis.has_title = True
    axis.axis_title.text_frame.text = t(f"chart.unit.{unit}")
    axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(12)


def _series_looks(chart: object, series: Series, ringed: Sequence[str]) -> None:
    lines = [p for p in chart.plots if p._element.tag == qn("c:lineChart")]  # type: ignore[attr-defined]
    drawn = list(lines[0].series)  # the event bands, if any, are a column plot of their own
    actual = drawn[0]
    # the palette's line, not the company's colour: a brand in blue or orange would hide the rings
    actual.format.line.color.rgb, actual.format.line.width = _rgb(palette.SERIES["actual"]), Pt(3)
    actual.smooth = False
    index = 1
    levels = (  # the lines drawn after the values, in `_chart`'s order, where the series has them
        (series.target is not None, _rgb(palette.SERIES["target"]), 1.5, MSO_LINE_DASH_STYLE.DASH),
        (bool(series.path), _rgb(palette.SERIES["target"]), 2, MSO_LINE_DASH_STYLE.ROUND_DOT),
        (series.promise is not None, _rgb(palette.SERIES["promise"]), 1.5, MSO_LINE_DASH_STYLE.DASH),
    )
    for drawn_here, colour, width, dash in levels:
        if drawn_here:
            _line_look(drawn[index], colour, width, dash)
            index += 1
    if series.limits is not None:
        for edge in drawn[index : index + 2]:  # the process limits: thin, dotted, grey
            _line_look(edge, MUTED, 1, MSO_LINE_DASH_STYLE.ROUND_DOT)
        hide_legend_entry(chart, index + 1)  # the two limits are one thing: named once
        index += 2
    for key, marks in zip(ringed, drawn[index:], strict=True):  # signal months: rings, no line
        marks.format.line.fill.background()
        marks.marker.style = XL_MARKER_STYLE.CIRCLE
        marks.marker.size = 11
        marks.marker.format.fill.background()
        colour = _rgb(palette.VARIATION_LOOKS[key].colour)
        marks.marker.format.line.color.rgb, marks.marker.format.line.width = colour, Pt(2.5)


def _line_look(drawn: LineSeries, colour: RGBColor, width: float, dash: MSO_LINE_DASH_STYLE) -> None:
    """A level's line on a pack chart: its colour, width (points) and dash, drawn straight."""
    drawn.format.line.color.rgb, drawn.format.line.width = colour, Pt(width)
    drawn.format.line.dash_style = dash
    drawn.smooth = False


def _band(slide: PptxSlide, accent: RGBColor, box: tuple[float, float, float, float]) -> None:
    left, top, width, height = (Inches(v) for v in box)
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
    shape.fill.solid()
    shape.fill.fore_color.rgb = accent
    shape.line.fill.background()


def _footer(slide: PptxSlide, text: str, number: int, total: int) -> None:
    _text(slide, (MARGIN, FOOTER_TOP, 10.0, 0.35), text, 10, MUTED)
    _text(
        slide,
        (SLIDE_WIDTH - MARGIN - 1.5, FOOTER_TOP, 1.5, 0.35),
        f"{number} / {total}",
        10,
        MUTED,
        align=PP_ALIGN.RIGHT,
    )


def logo_size(logo: bytes, height: float, width: float) -> tuple[float, float]:
    """(width, height) in inches of the logo fitted into `width` × `height`, its shape kept."""
    with Image.open(io.BytesIO(logo)) as image:  # one `render` has checked (`logo_check.problem`)
        aspect = image.width / image.height
    return (height * aspect, height) if height * aspect <= width else (width, width / aspect)


def _logo(slide: PptxSlide, logo: bytes, left: float, top: float, size: tuple[float, float]) -> None:
    slide.shapes.add_picture(io.BytesIO(logo), Inches(left), Inches(top), Inches(size[0]), Inches(size[1]))


def _title(slide: PptxSlide, item: Slide, brand: Brand, accent: RGBColor) -> None:
    """The slide's title in the company's colour, with the logo in the corner beyond its end. The
    title is the slide's first shape (what a reader of the file takes for its title)."""
    room = SLIDE_WIDTH - 2 * MARGIN
    logo = logo_size(brand.logo, LOGO_HEIGHT, LOGO_WIDTH) if brand.logo else None
    if logo is not None:
        room -= logo[0] + 0.3
    size_pt = 30 if measure.width(item.title, 30, bold=True) <= room else 24
    _text(slide, (MARGIN, 0.25, room, 0.9), item.title, size_pt, accent, bold=True)
    if brand.logo and logo is not None:
        _logo(slide, brand.logo, SLIDE_WIDTH - MARGIN - logo[0], 0.3, logo)


def _cover(slide: PptxSlide, item: Slide, brand: Brand, accent: RGBColor) -> None:
    _text(slide, (0.9, 2.2, 11.5, 1.9), item.title, 44, accent, bold=True)
    _text(slide, (0.9, 4.2, 11.5, 0.8), item.subtitle, 28, INK)
    _text(slide, (0.9, 5.1, 11.5, 1.6), "\n".join(item.notes), 16, MUTED)
    _band(slide, accent, (0, 0, 0.35, 7.5))
    if brand.logo:
        _logo(slide, brand.logo, 0.9, 0.7, logo_size(brand.logo, 1.2, 4.0))


TEXT_INSET = 0.1
"""Inches a text box keeps free inside its left and right edges (PowerPoint's default)."""
HEADER_SIZES = (20, 18, 16)
"""Points the line under a slide's title is set in: the largest that keeps it on one line, else
the smallest, with what follows moved down by the lines it takes."""


def _header(slide: PptxSlide, item: Slide) -> float:
    """The slide's own status, value and target under its title, then its process verdicts; the
    top of what follows (inches). A line too long for one at 20 points is set smaller, and one
    that still wraps moves what follows down: "30 items need attention: the 12 most severe
    here, …" ran onto a second line under the table's header (a presenter's trial)."""
    if not (item.subtitle or item.big):
        return 1.3
    status = f"{measure.unbroken(palette.label(item.status))}   " if item.status else ""
    colour = _rgb(palette.look(item.status).colour) if item.status else INK
    text, room = f"{status}{item.big}   {item.subtitle}".strip(), SLIDE_WIDTH - 2 * MARGIN
    inner = room - 2 * TEXT_INSET
    size = next((s for s in HEADER_SIZES if measure.lines(text, inner, s, bold=True) == 1), HEADER_SIZES[-1])
    below = measure.height(measure.lines(text, inner, size, bold=True) - 1, size)
    frame = _text(slide, (MARGIN, 1.2, room, 0.9 + below), text, size, colour, bold=True)
    if not phrases.verdict_looks(item.reading):
        return 1.85 + below
    _verdicts(frame.add_paragraph(), item.reading, 16, item.still)
    return 2.2 + below


def _commentary(slide: PptxSlide, item: Slide) -> float:
    """The month's commentary along the slide's foot (in full in the speaker notes); the bottom
    of the room left above it (inches)."""
    if not item.notes:
        return CONTENT_BOTTOM
    width = SLIDE_WIDTH - 2 * MARGIN
    text = "\n".join(item.notes)
    for size in (14, 12, 11):
        count = measure.lines(text, width - 0.2, size)
        if count <= 4:
            break
    tall = measure.height(min(count, 4), size) + 0.15
    if count > 4:  # the rest is in the speaker notes
        text = text[: int(len(text) * 4 / count) - 1].rstrip() + "…"
    top = CONTENT_BOTTOM - tall
    _text(slide, (MARGIN, top, width, tall), text, size, MUTED)
    return top - 0.1


def _draw(slide: PptxSlide, item: Slide, brand: Brand, kin: Sequence[Line]) -> None:
    accent = _rgb(brand.colour)
    if item.kind == "title":
        _cover(slide, item, brand, accent)
        return
    _title(slide, item, brand, accent)
    _band(slide, accent, (0, 0, SLIDE_WIDTH, 0.1))
    top = _header(slide, item)
    bottom = _commentary(slide, item)
    width = SLIDE_WIDTH - 2 * MARGIN
    if item.chart is not None:
        chart_width = 6.2 if item.lines else width
        _chart(slide, item.chart, (MARGIN, top, chart_width, bottom - top))
        if item.lines:
            right = MARGIN + chart_width + 0.25
            box = (right, top, SLIDE_WIDTH - MARGIN - right, bottom - top)
            _table(slide, item.lines, box, "narrow", accent, kin)
    elif item.drivers is not None and item.drivers.drivers:  # the chart beside its table, as presented
        chart_width = 5.6
        pptx_drivers.chart(
            slide, item.drivers, (MARGIN, top, chart_width, bottom - top), FONT, item.drivers_scale
        )
        right = MARGIN + chart_width + 0.25
        box = (right, top, SLIDE_WIDTH - MARGIN - right, bottom - top)
        _table(slide, item.lines, box, "drivers", accent, kin)
    elif item.lines:
        layout = item.kind if item.kind in ("actions", "drivers") else "wide"
        _table(slide, item.lines, (MARGIN, top, width, bottom - top), layout, accent, kin)
    elif not item.notes:  # as the Present page says it: a slide left blank looks like a fault
        _text(slide, (MARGIN, top, width, 0.6), t("present.nothing"), 18, MUTED)


T = TypeVar("T")


def printable(value: T) -> T:
    """`value` (a slide, a brand, or what they hold) with every text free of control characters
    (`bounds.without_controls`): a pack is XML, which holds none of them, and one event's title
    with U+0001 that the store kept from before they were refused broke every pack."""
    if type(value) is str:
        return cast(T, bounds.without_controls(cast(str, value)))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: printable(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return cast(T, dataclasses.replace(value, **changed))
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple
        return cast(T, type(value)(*(printable(item) for item in value)))
    if isinstance(value, tuple | list):
        return cast(T, type(value)(printable(item) for item in value))
    return value


def _tag_language(deck: PresentationType, tag: str) -> None:
    """Every text of the deck marked as written in `tag` (`da-DK`), each run and paragraph end
    as well as the template's defaults: the template marks its defaults `en-US` and python-pptx
    writes runs with no language, which PowerPoint then reads in its editing language (every
    Danish word underlined as misspelt on an English one)."""
    deck.core_properties.language = tag
    for part in deck.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is None:
            continue
        for run in [*element.iter(qn("a:r")), *element.iter(qn("a:fld"))]:
            if run.find(qn("a:rPr")) is None:
                run.insert(0, OxmlElement("a:rPr"))  # a run's properties come first in it
        for node in element.iter():
            if node.tag in (qn("a:rPr"), qn("a:endParaRPr"), qn("a:defRPr")) or node.get("lang") is not None:
                node.set("lang", tag)


def render(slides: Sequence[Slide], look: str | Brand) -> bytes:
    """The whole deck as .pptx bytes; `look` is the company's `Brand`, or just a footer line."""
    brand = printable(look if isinstance(look, Brand) else Brand(look))
    if brand.logo and logo_check.problem(brand.logo) is not None:  # kept from before logos were opened
        brand = dataclasses.replace(brand, logo=None)  # the pack without it, not no pack
    elif brand.logo:
        brand = dataclasses.replace(brand, logo=logo_check.as_stored(brand.logo))  # an MPO's first picture
    slides = printable(list(slides))
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = brand.title or brand.footer
    blank = deck.slide_layouts[6]
    kin: dict[str, list[Line]] = {}
    for item in slides:
        kin.setdefault(item.kind, []).extend(item.lines)
    for number, item in enumerate(slides, start=1):
        slide = deck.slides.add_slide(blank)
        _draw(slide, item, brand, kin[item.kind])
        slide.notes_slide.notes_text_frame.text = speaker_notes(item)
        if item.kind != "title":
            _footer(slide, brand.footer, number, len(slides))
    _tag_language(deck, i18n.language_tag())
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
