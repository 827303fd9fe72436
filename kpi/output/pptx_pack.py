"""The deck as a PowerPoint file: large type, status in colour, icon and word, native charts.

Charts are native PowerPoint line charts (actual and target), so a presenter can restyle them.
Text comes from the deck as plain text; nothing is interpreted as markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import cast

from pptx import Presentation
from pptx.chart.data import ChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import PP_ALIGN
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide as PptxSlide
from pptx.table import _Cell
from pptx.text.text import TextFrame, _Paragraph
from pptx.util import Emu, Inches, Length, Pt

from kpi.domain.model import within_unit
from kpi.domain.signals import Reading
from kpi.output.deck import DEFAULT_COLOUR, Brand, Line, Series, Slide
from kpi.text import fmt, palette, phrases
from kpi.text.i18n import t

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
INK, MUTED, ACCENT = (
    RGBColor(0x26, 0x27, 0x30),
    RGBColor(0x6B, 0x6B, 0x6B),
    RGBColor.from_string(DEFAULT_COLOUR[1:]),
)
VERDICTS = ("improvement", "concern")
"""The verdicts whose months a chart rings, each in its colour from `palette.VARIATION_LOOKS`."""
FONT = "Calibri"


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#"))


def _text(
    slide: PptxSlide,
    left: Length,
    top: Length,
    width: Length,
    height: Length,
    text: str,
    size: int,
    colour: RGBColor = INK,
    bold: bool = False,
    align: PP_ALIGN = PP_ALIGN.LEFT,
) -> TextFrame:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for index, part in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = part
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
        run.font.color.rgb = colour
    return frame


def _verdicts(paragraph: _Paragraph, reading: Reading | None, size: int) -> None:
    """The process verdicts as runs of their own, each in its colour with its icon and word."""
    for look, word in phrases.verdict_looks(reading):
        run = paragraph.add_run()
        run.text = f"   {look.icon} {word}"
        run.font.size, run.font.bold, run.font.name = Pt(size), True, FONT
        run.font.color.rgb = _rgb(look.colour)


_COLUMNS = {  # (header key, share of the width, field of the line)
    "wide": [
        ("deck.col_what", 0.34, "label"),
        ("deck.col_value", 0.12, "value"),
        ("deck.col_target", 0.12, "target"),
        ("deck.col_status", 0.16, "status"),
        ("deck.col_note", 0.26, "note"),
    ],
    "narrow": [
        ("deck.col_what", 0.52, "label"),
        ("deck.col_value", 0.22, "value"),
        ("deck.col_status", 0.26, "status"),
    ],
    "actions": [
        ("deck.col_what", 0.40, "label"),
        ("deck.col_owner", 0.18, "value"),
        ("deck.col_due", 0.16, "target"),
        ("deck.col_note", 0.26, "note"),
    ],
}


def _table(
    slide: PptxSlide,
    lines: Sequence[Line],
    left: Length,
    top: Length,
    width: Length,
    layout: str = "wide",
    accent: RGBColor = ACCENT,
) -> None:
    columns = _COLUMNS[layout]
    row_height = Inches(0.42)
    shape = slide.shapes.add_table(
        len(lines) + 1, len(columns), left, top, width, Emu(row_height * (len(lines) + 1))
    )
    table = shape.table
    for index, (header, share, _) in enumerate(columns):
        table.columns[index].width = int(width * share)
        _cell(table.cell(0, index), t(header), 14, RGBColor(0xFF, 0xFF, 0xFF), bold=True, fill=accent)
    for number, line in enumerate(lines, start=1):
        for index, (_, _, name) in enumerate(columns):
            value = getattr(line, name)
            is_status = name == "status"
            text, colour = _status(line) if is_status else ("" if value is None else str(value), INK)
            cell = table.cell(number, index)
            _cell(
                cell,
                text,
                12 if name == "note" else 14,
                colour,
                bold=is_status,
                fill=RGBColor(0xF4, 0xF6, 0xF8) if number % 2 == 0 else RGBColor(0xFF, 0xFF, 0xFF),
            )
            if is_status and line.reading is not None:
                _verdicts(cell.text_frame.add_paragraph(), line.reading, 11)


def _status(line: Line) -> tuple[str, RGBColor]:
    """The status cell's text and colour: the line's status, or on the attention slide its kind
    (`deck.Flag`), as the Overview shows them."""
    if line.flag is not None:
        look = palette.attention_look(line.flag.kind)
        return palette.attention_label(line.flag.kind, line.flag.word), _rgb(look.colour)
    if line.status is None:
        return "", INK
    return palette.label(line.status), _rgb(palette.look(line.status).colour)


def _cell(
    cell: _Cell, text: str, size: int, colour: RGBColor, bold: bool = False, fill: RGBColor | None = None
) -> None:
    cell.text = ""
    paragraph = cell.text_frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
    run.font.color.rgb = colour
    if fill is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill


def _chart(
    slide: PptxSlide,
    series: Series,
    left: Length,
    top: Length,
    width: Length,
    height: Length,
) -> None:
    if not series.points:
        return
    data = ChartData(number_format="0.0")  # CategoryChartData by the name add_chart is typed with
    data.categories = [fmt.month(m) for m, _ in series.points]
    data.add_series(t("chart.actual"), [round(v, 2) for _, v in series.points])
    if series.target is not None:
        data.add_series(t("chart.target"), [series.target] * len(series.points))
    if series.limits is not None:
        for edge in series.limits:  # held within the unit: no limit below 0 minutes or past 100 %
            data.add_series(
                t("chart.limits"), [round(within_unit(edge, series.unit), 2)] * len(series.points)
            )
    ringed = [key for key in VERDICTS if any(verdict == key for _, verdict in series.signals)]
    for key in ringed:
        months = {m for m, verdict in series.signals if verdict == key}
        data.add_series(
            t(f"chart.ring.{key}"), [round(v, 2) if m in months else None for m, v in series.points]
        )
    # python-pptx annotates add_chart as returning the Chart; it returns the frame that holds it
    frame = cast(GraphicFrame, slide.shapes.add_chart(XL_CHART_TYPE.LINE, left, top, width, height, data))
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(12)
    chart.has_title = True
    chart.chart_title.text_frame.text = f"{series.title} ({t(f'chart.unit.{series.unit}')})"
    chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
    chart.category_axis.tick_labels.font.size = Pt(11)
    chart.value_axis.tick_labels.font.size = Pt(11)
    actual = chart.plots[0].series[0]
    # the palette's line, not the company's colour: a brand in blue or orange would hide the rings
    actual.format.line.color.rgb, actual.format.line.width = _rgb(palette.SERIES["actual"]), Pt(3)
    actual.smooth = False
    drawn = list(chart.plots[0].series)
    index = 1
    if series.target is not None:
        target = drawn[index]
        target.format.line.color.rgb, target.format.line.width = _rgb(palette.SERIES["target"]), Pt(1.5)
        target.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        target.smooth = False
        index += 1
    if series.limits is not None:
        for edge in drawn[index : index + 2]:  # the process limits: thin, dotted, grey
            edge.format.line.color.rgb, edge.format.line.width = MUTED, Pt(1)
            edge.format.line.dash_style = MSO_LINE_DASH_STYLE.ROUND_DOT
            edge.smooth = False
        index += 2
    for key, marks in zip(ringed, drawn[index:], strict=True):  # signal months: rings, no line
        marks.format.line.fill.background()
        marks.marker.style = XL_MARKER_STYLE.CIRCLE
        marks.marker.size = 11
        marks.marker.format.fill.background()
        colour = _rgb(palette.VARIATION_LOOKS[key].colour)
        marks.marker.format.line.color.rgb, marks.marker.format.line.width = colour, Pt(2.5)


def _footer(slide: PptxSlide, text: str, number: int, total: int) -> None:
    _text(slide, Inches(0.5), Inches(7.0), Inches(9), Inches(0.35), text, 10, MUTED)
    _text(
        slide,
        Inches(11.3),
        Inches(7.0),
        Inches(1.5),
        Inches(0.35),
        f"{number} / {total}",
        10,
        MUTED,
        align=PP_ALIGN.RIGHT,
    )


def _logo(slide: PptxSlide, logo: bytes, left: Length, top: Length, height: Length) -> None:
    slide.shapes.add_picture(io.BytesIO(logo), left, top, height=height)


def _draw(slide: PptxSlide, item: Slide, brand: Brand) -> None:
    accent = _rgb(brand.colour)
    if item.kind == "title":
        if brand.logo:
            _logo(slide, brand.logo, Inches(0.8), Inches(0.6), Inches(1.0))
        _text(slide, Inches(0.8), Inches(1.8), Inches(11.7), Inches(2.2), item.title, 44, accent, bold=True)
        _text(slide, Inches(0.8), Inches(4.2), Inches(11.7), Inches(0.8), item.subtitle, 28, INK)
        _text(slide, Inches(0.8), Inches(5.0), Inches(11.7), Inches(1.2), "\n".join(item.notes), 16, MUTED)
        return
    _text(slide, Inches(0.5), Inches(0.35), Inches(12.3), Inches(0.9), item.title, 32, accent, bold=True)
    top = Inches(1.25)
    if item.subtitle or item.big:
        status = f"{palette.label(item.status)}   " if item.status else ""
        header = _text(
            slide,
            Inches(0.5),
            top,
            Inches(12.3),
            Inches(0.6),
            f"{status}{item.big}   {item.subtitle}".strip(),
            22,
            _rgb(palette.look(item.status).colour) if item.status else INK,
            bold=True,
        )
        _verdicts(header.paragraphs[0], item.reading, 18)
        top = Inches(1.95)
    if item.chart is not None:
        _chart(slide, item.chart, Inches(0.5), top, Inches(6.6), Inches(3.9))
        if item.lines:
            _table(slide, item.lines, Inches(7.3), top, Inches(5.5), "narrow", accent)
    elif item.lines:
        layout = "actions" if item.kind == "actions" else "wide"
        _table(slide, item.lines, Inches(0.5), top, Inches(12.3), layout, accent)
    if item.notes:
        _text(
            slide, Inches(0.5), Inches(6.0), Inches(12.3), Inches(0.9), "\n".join(item.notes)[:600], 13, MUTED
        )


def render(slides: Sequence[Slide], look: str | Brand) -> bytes:
    """The whole deck as .pptx bytes; `look` is the company's `Brand`, or just a footer line."""
    brand = look if isinstance(look, Brand) else Brand(look)
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = brand.title or brand.footer
    blank = deck.slide_layouts[6]
    for number, item in enumerate(slides, start=1):
        slide = deck.slides.add_slide(blank)
        _draw(slide, item, brand)
        if item.kind != "title":
            _footer(slide, brand.footer, number, len(slides))
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
