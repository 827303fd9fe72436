"""What the pack's charts share (kpi.output.pptx_pack, kpi.output.pptx_drivers): a chart's
data whose workbook holds text as text, and a legend entry left out."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from pptx.chart.data import ChartData, XyChartData
from pptx.chart.xlsx import CategoryWorkbookWriter, XyWorkbookWriter
from pptx.oxml.ns import qn
from xlsxwriter import Workbook  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]


@contextmanager
def text_worksheet(xlsx_file: io.BytesIO) -> Iterator[tuple[Workbook, Worksheet]]:
    """The worksheet of a chart's workbook (PowerPoint's "Edit Data"), its strings written as
    text: xlsxwriter makes a string that starts with `=` a formula, and one that starts with
    `http://`, `file://` or `external:` a link, so an event titled `=HYPERLINK(…)`, a band's
    series name, reached the pack's workbook as a live formula."""
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = Workbook(xlsx_file, options)
    worksheet = workbook.add_worksheet()
    yield workbook, worksheet
    workbook.close()


def hide_legend_entry(chart: object, index: int) -> None:
    """Leave the `index`th series out of the chart's legend."""
    legend = chart.legend._element  # type: ignore[attr-defined]
    entry = legend.makeelement(qn("c:legendEntry"), {})
    entry.append(entry.makeelement(qn("c:idx"), {"val": str(index)}))
    entry.append(entry.makeelement(qn("c:delete"), {"val": "1"}))
    legend.insert(1, entry)  # after c:legendPos, as the schema orders them


class _AsText:
    """A chart's workbook writer whose worksheet holds strings as text (`text_worksheet`)."""

    @contextmanager
    def _open_worksheet(self, xlsx_file: io.BytesIO) -> Iterator[tuple[Workbook, Worksheet]]:
        with text_worksheet(xlsx_file) as opened:
            yield opened


class _CategoryText(_AsText, CategoryWorkbookWriter):
    pass


class _XyText(_AsText, XyWorkbookWriter):
    pass


class TextChartData(ChartData):
    """A line chart's data whose workbook holds what people typed as text."""

    @property
    def _workbook_writer(self) -> _CategoryText:
        return _CategoryText(self)


class TextXyData(XyChartData):
    """A scatter chart's data whose workbook holds its series' names as text."""

    @property
    def _workbook_writer(self) -> _XyText:
        return _XyText(self)
