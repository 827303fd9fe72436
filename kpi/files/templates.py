"""An empty import file of each kind, as an Excel workbook in the reader's language.

A comma-separated template opened in a Danish Excel (whose list separator is the semicolon) is
one column of "code,name,parent"; a workbook opens as a table in every locale. Its first sheet is
what the import reads: the header row in the reader's language (`terms.column_label`: "Kode",
"Navn", "Overordnet afdeling"; the import takes these as it takes `code`), required columns in
bold, the row frozen, and below it cells that stay as typed: a month written 2026-11 stays text
instead of becoming Excel's date, a code 007 keeps its zeros. A column of an enumeration offers
its values as a list, in the reader's words (`Taktisk`), which the import reads back
(`kpi.text.terms`); another word it knows (`tactical`, `taktisk`) is only warned about. The
second sheet is a guide to the columns (`guide`): whether each is required, what to write in it
with an example, and the words a list column accepts.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import TYPE_CHECKING

from kpi.domain import vocabulary
from kpi.files.tables import KINDS, Column, choice_field, is_numeric, required
from kpi.text import i18n, terms
from kpi.text.i18n import t

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

ROWS = 10_000
"""How many rows below the header offer the lists."""
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@lru_cache(maxsize=64)
def workbook(kind: str, language: str) -> bytes:
    """The template of `kind` (`tables.KINDS`) as an .xlsx file, in `language`."""
    with i18n.use(language):
        return _made(kind)


def _made(kind: str) -> bytes:
    # openpyxl (with lxml) loads when a template is made, not with the pages' code (issue 21)
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = t(f"imports.kind_{kind}")[:31]  # Excel's limit for a sheet's name
    needed = required(kind)
    for number, column in enumerate(KINDS[kind], start=1):
        header = terms.column_label(kind, column.name)
        cell = sheet.cell(row=1, column=number, value=header)
        cell.font = Font(bold=column.name in needed)
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = max(12, min(40, len(header) + 4))
        if not is_numeric(column):  # the column's cells keep typed text as text: no month becomes a date
            sheet.column_dimensions[letter].number_format = "@"
        words = _choices(column)
        if words:
            listed = DataValidation(type="list", formula1=f'"{",".join(words)}"', allow_blank=True)
            listed.errorStyle = "warning"  # a synonym the import knows may still be typed
            listed.add(f"{letter}2:{letter}{ROWS + 1}")
            sheet.add_data_validation(listed)
    sheet.freeze_panes = "A2"
    _guide(book.create_sheet(t("guide.sheet")), kind)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def guide(kind: str) -> list[tuple[str, bool, str, str]]:
    """What each column of `kind` takes, in the reader's language: (its header, required, what to
    write, the words a list column accepts), as the template's second sheet tells it."""
    needed = required(kind)
    return [
        (
            terms.column_label(kind, column.name),
            column.name in needed,
            terms.guide(kind, column.name),
            terms.listing(field) if (field := choice_field(column)) else "",
        )
        for column in KINDS[kind]
    ]


def _guide(sheet: Worksheet, kind: str) -> None:
    """The template's second sheet: the import reads only the first, so this one may explain it."""
    from openpyxl.styles import Alignment, Font

    sheet.append([t("guide.intro")])
    sheet.append([])
    sheet.append([t("guide.column"), t("guide.required"), t("guide.what"), t("guide.words")])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for header, needed, what, words in guide(kind):
        sheet.append([header, t("guide.yes") if needed else t("guide.no"), what, words])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=needed)
    for letter, width in zip("ABCD", (26, 10, 70, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A4"


def _choices(column: Column) -> list[str]:
    """The words a list offers for an enumerated column: each value in the reader's words, else
    the values themselves where a word holds a comma ("Per 1,000 orders"): a list of Excel's is
    written comma-separated, in at most 255 characters."""
    field = choice_field(column)
    if field is None:
        return []
    values = list(vocabulary.VALUES[field])
    for words in ([terms.label(field, value) for value in values], values):
        if not any("," in word or '"' in word for word in words) and len(",".join(words)) <= 255:
            return words
    return []
