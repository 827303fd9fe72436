"""Reading import files: CSV or Excel, in the formats companies actually have.

Pure (no store). A file becomes a header and rows of text; each kind of import (departments,
people, KPIs, goals, monthly values, survey answers) declares its columns and how each is read.
Every problem in the whole file is collected, each naming the file, row and column and what
would fix it, so one round of corrections is enough. The forms read their fields by the same
columns (`read`), so a word, a month or a code that a file may hold a form may hold too. Rows are numbered as a spreadsheet shows
them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from kpi.domain import bounds, checks, company_events, cycle, identity, months, validate, vocabulary
from kpi.domain.errors import Problem, Refused
from kpi.files import spreadsheet
from kpi.text import terms
from kpi.text.plain import WORD_JOINER
from kpi.text.words import FILE_KIND

FIELD_LIMIT = csv.field_size_limit()
"""The longest cell a CSV may hold (131,072 characters): far beyond any text the cockpit keeps,
so a longer one is a quotation mark left open, not a long title."""
XLSX_MAX_BYTES = 100_000_000
"""A workbook may unpack to 100 MB at most: a year of a large company's answers fits many times."""
XLSX_MAX_RATIO = 200
"""…and by at most 200 times its size: real sheets compress 5 to 20 times, zip bombs thousands."""
XLSX_MAX_CELLS = 16_000_000
"""…and its first sheet may reach 16 million cells, from A1 to its last row and column with a
value (a million answers of sixteen columns): a 5 kB workbook with one cell at XFD1048576 asked
for 17 billion, and the reading ran out of memory."""


class ImportRejected(Refused):
    """The file cannot be imported; `problems` says everything that is wrong, each with its file,
    row and column (`kpi.text.words.problem` says where). Nothing was written."""


# --- reading a file --------------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), else Windows-1252, what Excel
    on Windows writes as "CSV", else Latin-1, which older Danish systems export (æ, ø, å are the
    same bytes in both; Windows-1252 also has €, “ ” and –, where Latin-1 reads invisible control
    characters, which the check then names). A file that announces UTF-8 with a byte-order mark,
    or whose rows before its first bad byte hold UTF-8 letters beyond ASCII, but is not UTF-8 is
    refused, naming the row of that byte: rows saved two ways, read as one."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as error:
            row = len(re.split(rb"\r\n|\r|\n", data[3 : 3 + error.start]))
            raise ImportRejected(Problem("import.not_utf8", file=name, row=row)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if not data[: error.start].isascii():  # UTF-8 letters before it: two encodings in one file
            # read as Windows-1252 it was taken, "ø" from its UTF-8 rows stored as "Ã¸" (a trial)
            row = len(re.split(rb"\r\n|\r|\n", data[: error.start]))
            raise ImportRejected(Problem("import.not_utf8", file=name, row=row)) from None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # five bytes Windows-1252 leaves out
        return data.decode("latin-1")


SEPARATORS = (",", ";", "\t")
"""The separators a CSV file may use: a comma, a semicolon (Excel in Danish) or a tab (a sheet
copied and saved as text)."""


def delimiter_of(first_line: str) -> str:
    """The separator the header uses most (`SEPARATORS`); a comma where they tie."""
    return max(SEPARATORS, key=first_line.count)


_SEP = re.compile(r"^sep=([,;\t|])[ ]*$", re.IGNORECASE)
"""The line Excel writes first, and reads as the file's separator, when told to: `sep=;`."""


def _utf16_without_mark(head: bytes) -> bool:
    """UTF-16 text without its byte-order mark: every other byte zero, as ASCII letters are
    written in it (such a file was called binary, "not a CSV file")."""
    head = head[: len(head) // 2 * 2]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) == len(even) or odd.count(0) == len(odd)


def _first_separated(lines: list[str]) -> str:
    """The line a CSV file's separator is read from: its first, unless that holds no separator
    at all (a title above the table, "Eksport 30.11.2026"); then the first of the next lines
    that does, so the header below it is found (`_header_below`) in a Danish file of semicolons."""
    for line in lines[:HEADER_SEARCHED]:
        if any(separator in line for separator in SEPARATORS):
            return line
    return lines[0] if lines else ""


class Table(NamedTuple):
    """A file's cells as text: its header, its rows and its delimiter."""

    header: list[str]
    body: list[list[str]]
    delimiter: str
    bare: tuple[tuple[int, int], ...] = ()
    """(sheet row, column index) of each workbook cell with a formula whose result it does not
    keep (`_check_computed`): read as empty, each is a problem of its own, and the file's other
    problems are reported with it."""
    sheets: tuple[Sheet, ...] = ()
    """A workbook's visible sheets, the one read first, each with its first rows: a table on a
    later sheet (a "Read me" first) is told where it is (`_table_elsewhere`)."""


class Sheet(NamedTuple):
    """A workbook sheet's name and its first `HEADER_SEARCHED` + 1 rows, as text."""

    title: str
    rows: tuple[tuple[str, ...], ...]


def read_table(data: bytes, name: str) -> Table:
    """Header, rows and delimiter of a CSV or .xlsx file (first sheet), every cell as text."""
    if not data.strip():
        raise ImportRejected(Problem("import.empty", file=name))
    if data[:4] == b"PK\x03\x04":
        header, body, bare, sheets = _read_xlsx(data, name)
        return Table(header, body, ",", bare, sheets)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or _utf16_without_mark(data[:4096]):
        raise ImportRejected(Problem("import.utf16", file=name))  # Excel's "Unicode text"
    if b"\x00" in data[:4096]:
        raise ImportRejected(Problem("import.not_text", file=name))
    text = _decode(data, name)
    lines = text.splitlines()
    told = _SEP.match(lines[0]) if lines else None  # not stripped: `sep=<tab>` names a tab
    if told:  # Excel's `sep=;` names the separator and is no row: the header is the line after
        text = (re.split(r"\r\n|\r|\n", text, maxsplit=1) + [""])[1]
    delimiter = told.group(1) if told else delimiter_of(_first_separated(lines))
    table = _csv_rows(text, delimiter, name)
    while table and not any(table[-1]):
        table.pop()
    if not table:
        raise ImportRejected(Problem("import.empty", file=name))
    return Table(*_without_empty_tail(table[0], table[1:]), delimiter)


def _without_empty_tail(header: list[str], body: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """The table without its last columns that have no header and no value in any row, which
    Excel writes for cells once filled or formatted (`code,name,parent,,`), in a CSV file as in a
    workbook. A column with a value but no header stays, to be named as an unknown column. The
    rows stay as they are (cells are read by their column's place): what is beyond the header
    is still named as a row split wrongly, counted as the file has it."""
    width = len(header)
    used = max((_last_filled(row, width) for row in body), default=0)  # once per row: a header of
    while width and not header[width - 1].strip() and used < width:  # 20,000 commas took 28 s a file
        width -= 1
    return header[:width], body


def _last_filled(row: list[str], within: int) -> int:
    """How many of the row's first `within` cells run up to its last one with a value (0 for
    none): a value beyond the header is a row split wrongly, not a column to keep."""
    width = min(len(row), within)
    while width and not row[width - 1].strip():
        width -= 1
    return width


def _csv_rows(text: str, delimiter: str, name: str) -> list[list[str]]:
    """Every row of a CSV text, whatever its line ends (Windows, Unix, or the old Mac's CR that
    Excel's "CSV (Macintosh)" writes). Read strictly first; a file whose quotation marks all pair
    up but stand oddly (`"Sales" ,`) is then read as a spreadsheet would read it. A quotation
    mark that never closes, or a cell too long to be anything else, names the row it starts in."""
    try:
        return _read_csv(text, delimiter, strict=True)
    except _Unreadable as unreadable:
        if not unreadable.too_long and text.count('"') % 2 == 0:
            return _read_csv(text, delimiter, strict=False)
        found = (
            Problem("import.field_too_long", "", (("limit", FIELD_LIMIT),))
            if unreadable.too_long
            else Problem("import.bad_quotes")
        )
        raise ImportRejected(replace(found, file=name, row=unreadable.row)) from None


class _Unreadable(Exception):
    def __init__(self, row: int, too_long: bool) -> None:
        super().__init__(row)
        self.row, self.too_long = row, too_long


def _read_csv(text: str, delimiter: str, *, strict: bool) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    table: list[list[str]] = []
    start = 1  # the line the record being read starts on
    try:
        for row in reader:
            table.append([cell(raw) for raw in row])
            start = reader.line_num + 1
    except csv.Error as error:
        raise _Unreadable(start, "field limit" in str(error)) from None
    return table


def cell(raw: str) -> str:
    """A CSV cell as the import reads it: stripped, and the `'` a download put in front of a
    formula (`kpi.files.spreadsheet`) taken away."""
    return spreadsheet.restore(raw.strip())


def is_blank(cells: list[str]) -> bool:
    """Whether a row holds nothing: such a row is skipped (its number still counts)."""
    return not any(text.strip() for text in cells)


def _read_xlsx(
    data: bytes, name: str
) -> tuple[list[str], list[list[str]], tuple[tuple[int, int], ...], tuple[Sheet, ...]]:
    """Header and rows of the first sheet a person sees (a hidden one before it is passed over:
    a trial's hidden first sheet offered 5,000 s nobody had seen). A workbook that cannot be read, or that would unpack
    to more than `XLSX_MAX_BYTES` or by more than `XLSX_MAX_RATIO` (a zip bomb), is refused
    before any of it is unpacked; the sheet's real extent is read, whatever its (possibly stale)
    `<dimension>` says. The first rows of every visible sheet come with them (`Table.sheets`)."""
    _check_workbook_size(data, name)
    from openpyxl import load_workbook  # only when a workbook comes in

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            shown = [ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
            shown = shown or book.worksheets[:1]  # all hidden: the first, as before
            sheets = [ws.title for ws in shown]
            sheet = shown[0]
            path = str(getattr(sheet, "_worksheet_path", ""))  # the sheet's part in the package
            sheet.reset_dimensions()  # read every row there is, not what <dimension> claims
            table, cells = [], 0
            for row in sheet.iter_rows():  # a missing row comes as no cells
                cells += len(row)  # as openpyxl made it: out to the row's last cell
                if cells > XLSX_MAX_CELLS:
                    raise _TooWide
                table.append(_filled(row))
            looked = [_first_rows(ws) for ws in shown[1:]]
            firsts = (Sheet(sheet.title, tuple(tuple(row) for row in table[: HEADER_SEARCHED + 1])), *looked)
        finally:
            book.close()
    except _TooWide:
        raise _too_wide(name) from None
    except Exception:  # a damaged workbook fails in zip, XML or openpyxl in many ways: all are one problem
        raise ImportRejected(Problem("import.bad_xlsx", file=name)) from None
    while table and not table[-1]:
        table.pop()
    if not table and len(sheets) > 1:  # "the file is empty" of a workbook with its data on sheet 2
        raise ImportRejected(Problem("import.first_sheet_empty", params=(("sheet", sheets[0]),), file=name))
    if not table:
        raise ImportRejected(Problem("import.empty", file=name))
    bare = _check_computed(data, name, path)
    width = max(len(row) for row in table)
    if width * len(table) > XLSX_MAX_CELLS:  # before a cell is added: every row is made as wide
        raise _too_wide(name)
    table = [row + [""] * (width - len(row)) for row in table]
    skip = _empty_left(table)  # a table set in column B: its empty column A was an unknown "#1"
    if skip:
        table = [row[skip:] for row in table]
        bare = tuple((row, column - skip) for row, column in bare if column >= skip)
    return (*_without_empty_tail(table[0], table[1:]), bare, firsts)


def _first_rows(sheet: Any) -> Sheet:
    """A later sheet's name and first rows, read to its real extent as the first sheet is (a
    stale `<dimension>` would cut its columns), no wider than a sheet may be read
    (`XLSX_MAX_CELLS`)."""
    sheet.reset_dimensions()
    rows, cells = [], 0
    for row in sheet.iter_rows(max_row=HEADER_SEARCHED + 1):
        cells += len(row)
        if cells > XLSX_MAX_CELLS:
            raise _TooWide
        rows.append(tuple(_filled(row)))
    return Sheet(sheet.title, tuple(rows))


def _empty_left(table: list[list[str]]) -> int:
    """How many of a sheet's first columns are empty in every row (the table starts right of them)."""
    filled = [
        next(i for i, cell in enumerate(row) if cell.strip()) for row in table if any(c.strip() for c in row)
    ]
    return min(filled, default=0)


class _TooWide(Exception):
    """The sheet holds more than `XLSX_MAX_CELLS`: reading stops there."""


def _too_wide(name: str) -> ImportRejected:
    millions = XLSX_MAX_CELLS // 1_000_000
    return ImportRejected(Problem("import.xlsx_too_wide", "", (("millions", millions),), file=name))


def _filled(row: tuple) -> list[str]:
    """A sheet's row as text, without its empty cells after the last one with a value."""
    last = len(row)
    while last and row[last - 1].value is None:  # openpyxl's filling, out to the row's last cell
        last -= 1
    cells = [
        spreadsheet.restore(_cell_text(c.value, getattr(c, "number_format", None)))
        if c.value is not None
        else ""
        for c in row[:last]
    ]
    while cells and not cells[-1]:
        cells.pop()
    return cells


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>/]*)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
"""A cell in a sheet's XML: its attributes and what it holds."""
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
"""A formula's element (`<f>A1*2</f>`, `<f t="shared" si="0"/>`)."""
_RESULT = re.compile(rb"<(?:\w+:)?v>\s*[^<\s]")
"""A kept result (`<v>3</v>`; openpyxl writes `<v></v>` for one it did not compute)."""
_PLACE = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_TEXT_RESULT = re.compile(rb'\bt="(?:str|s|inlineStr)"')
"""A formula whose result is text: an empty result (`=IF(A2="";"";A2)`) is kept as `<v></v>`."""


def _check_computed(data: bytes, name: str, path: str) -> tuple[tuple[int, int], ...]:
    """(sheet row, column index) of each cell whose formula keeps no result. Excel and
    LibreOffice save each formula's result beside it; a program that writes workbooks (openpyxl,
    an export script) may not, and the import reads results, so such a cell reads as empty: a
    value missing, a title blank. Each is named with the file's other problems (`parse`: one
    such cell hid every other problem of the file, a new company's trial); a workbook whose
    such cells do not say where they are is refused whole."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read(path.lstrip("/")) if path.lstrip("/") in book.namelist() else b""
    if not _FORMULA.search(sheet):
        return ()
    from openpyxl.utils import column_index_from_string

    bare: list[tuple[int, int]] = []
    unplaced = False
    for found in _CELL.finditer(sheet):
        attributes, inside = found.group(1), found.group(2) or b""
        if not _FORMULA.search(inside) or _RESULT.search(inside) or _TEXT_RESULT.search(attributes):
            continue
        place = _PLACE.search(attributes)
        if place:
            bare.append((int(place.group(2)), column_index_from_string(place.group(1).decode()) - 1))
        else:  # a cell may leave out where it is (`r` is optional): the file is named, not the cell
            unplaced = True
    if unplaced and not bare:
        raise ImportRejected(Problem("import.formulas_without_result", "", file=name))
    return tuple(bare)


def _bare_cells(
    bare: Sequence[tuple[int, int]], positions: Mapping[str, int], header: list[str], name: str
) -> dict[int, list[Problem]]:
    """Sheet row → a problem for each of its cells whose formula keeps no result, named by its
    column (`positions`), else by its header or letter."""
    from openpyxl.utils import get_column_letter

    columns = {index: column for column, index in positions.items()}
    found: dict[int, list[Problem]] = {}
    for row, index in bare:
        heading = columns.get(index) or (header[index] if index < len(header) else "")
        problem = Problem(
            "import.formula_without_result", heading or get_column_letter(index + 1), file=name, row=row
        )
        found.setdefault(row, []).append(problem)
    return found


def _in_order(by_row: Mapping[int, list[Problem]]) -> list[Problem]:
    return [problem for row in sorted(by_row) for problem in by_row[row]]


def _check_workbook_size(data: bytes, name: str) -> None:
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRejected(Problem("import.bad_xlsx", file=name)) from None
    unpacked = sum(m.file_size for m in members)
    packed = max(sum(m.compress_size for m in members), 1)
    if unpacked > XLSX_MAX_BYTES or unpacked / packed > XLSX_MAX_RATIO:
        megabytes = XLSX_MAX_BYTES // 1_000_000
        raise ImportRejected(Problem("import.xlsx_too_big", "", (("megabytes", megabytes),), file=name))


_LITERAL = re.compile(r'"[^"]*"|\\.')
"""The parts of a number format written as text (`0" %"`, `0\\%`): shown as they are."""


def _is_percentage(number_format: str | None) -> bool:
    """Whether a cell's number format shows its number times 100 with a percent sign (`0.0%`),
    not a percent sign written as text beside it (`0" %"`)."""
    return "%" in _LITERAL.sub("", number_format or "")


def _cell_text(value: object, number_format: str | None = None) -> str:
    """A workbook's cell as the text its reader sees. A number formatted as a percentage is what
    the sheet shows, `94.3 %` for 0.943, so it meets the same check as a percent sign typed into
    a CSV file, whose message says which number to write (never 0.943 read as 0.9 %)."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and _is_percentage(number_format):
        # six decimals at most: 0.1 + 0.2 shows as 30 %, not 30.000000000000004 %
        shown = (Decimal(repr(value)) * 100).quantize(Decimal("0.000001")).normalize()
        return f"{shown:f} %"
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        written = repr(value)  # 1e+308 as written, not its 309 digits
        # a number typed into a number cell is no ambiguous `1.234` (which a file's other cells
        # settle, and a file writing decimals both ways refuses): a trailing 0 says it is a decimal
        return written + "0" if validate.ambiguous(written) else written
    return str(value).strip()


# --- what each kind of file holds -----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    read: Callable[[str, str, str], object]
    """(text, column label, the file's decimal separator) → value; raises validate.Rejected."""
    required: bool = False


def _text(value: str, label: str, decimal: str = ".") -> str | None:
    """A name or title as written, less the characters nobody sees (`identity.unseen_removed`)."""
    return identity.unseen_removed(value).strip() or None


def _comment(value: str, label: str, decimal: str = ".") -> str | None:
    """A customer's own words (`validate.comment`): kept as written, line ends made one kind."""
    return validate.comment(value)


def _lookalikes(value: str, label: str) -> None:
    found = checks.lookalike(value, label)
    if found:
        raise validate.Rejected(found)


def _code(value: str, label: str, decimal: str = ".") -> str | None:
    """A code as it was spelled (`identity.spelling`; the import matches it to the store's spelling
    without regard to case), refused with look-alike characters."""
    _lookalikes(value, label)
    control = bounds.control_problems({label: value})
    if control:  # named by its code point: quoted, it shows as nothing
        raise validate.Rejected(control)
    if value and not checks.is_code(value):
        raise validate.Rejected([Problem("bad_code", label, (("value", value),))])
    return identity.spelling(value) or None


def _email(value: str, label: str, decimal: str = ".") -> str | None:
    """An e-mail address in its stored form (`identity.email_key`), refused with look-alikes."""
    _lookalikes(value, label)
    if value and not identity.is_email(value):
        inside = identity.address_inside(value)  # "Name <address>", as a mail program copies it
        if inside is not None:
            raise validate.Rejected(
                [Problem("bad_email_inside", label, (("value", value), ("address", inside)))]
            )
        raise validate.Rejected([Problem("bad_email", label, (("value", value),))])
    return identity.email_key(value) or None


_CHOICES: dict[Callable[[str, str, str], object], str] = {}
"""Each enumerated column's reading (`_choice`) → the enumeration it reads."""


def choice_field(column: Column) -> str | None:
    """The enumeration (`vocabulary.VALUES`) a column's values are one of, if it is one."""
    return _CHOICES.get(column.read)


def _choice(field: str) -> Callable[[str, str, str], str | None]:
    """A value of an enumeration (`kpi.domain.vocabulary`): the value itself, a synonym in English
    or Danish (`sek`, `højere`) or a catalogue's label (`Taktisk`), in any case."""

    def read(value: str, label: str, decimal: str = ".") -> str | None:
        if not value:
            return None
        found = terms.canonical(field, value)
        if found is None:
            raise validate.Rejected([Problem("not_one_of", label, (("value", value), ("choices", field)))])
        return found

    _CHOICES[read] = field
    return read


def _codes(value: str, label: str, decimal: str = ".") -> str | None:
    """Codes separated by commas (`IT_DOWNTIME, ECOM_CONV`), each read as `_code` reads one,
    kept as one text (`company_events.KPI_SEPARATOR`)."""
    if ";" in value or "|" in value:  # another list's separator: say which one this list takes
        raise validate.Rejected([Problem("codes_separator", label, (("value", value),))])
    found = [_code(code, label) for code in company_events.kpi_codes(value)]
    return company_events.KPI_SEPARATOR.join(c for c in found if c) or None


def _number(value: str, label: str, decimal: str = ".") -> float | None:
    return validate.number(value, label, decimal=decimal)


def _month(value: str, label: str, decimal: str = ".") -> date | None:
    return validate.month(value, label)


def _day(value: str, label: str, decimal: str = ".") -> date | None:
    return validate.day(value, label)


def _deadline(value: str, label: str, decimal: str = ".") -> date | None:
    """A date, or a month meaning its last day (`2027-06`: 30 June 2027)."""
    return validate.day(value, label, month_end=True)


def _share(value: str, label: str, decimal: str = ".") -> float | None:
    """A share of the target (a tolerance): `0,05`. `5 %` is refused with the share to write."""
    if isinstance(value, str) and "%" in value:
        number = validate.number(value.replace("%", "").strip(), label, decimal=decimal)
        share = None if number is None else round(number / 100, 6)
        low, high = checks.TOLERANCE
        if share is not None and not low <= share <= high:  # "write 1.5" for 150 % led to a refusal
            raise validate.Rejected([Problem("tolerance_share", label)])
        raise validate.Rejected([Problem("share_percent", label, (("value", value), ("share", share)))])
    return validate.number(value, label, decimal=decimal)


ACCEPTED_UNDATED = True
"""A goal's `accepted` read as yes/ja/true: accepted, on a day the file does not say. The import
dates it with the company's today (kpi.store.importing; the files layer keeps no calendar)."""


def _accepted(value: str, label: str, decimal: str = ".") -> date | bool | None:
    """A date, or yes/ja/true (`ACCEPTED_UNDATED`: the import's day counts)."""
    if value.strip().lower() in ("yes", "ja", "true", "x", "1"):
        return ACCEPTED_UNDATED
    if value.strip().lower() in ("no", "nej", "false", "0"):
        return None
    try:
        return validate.day(value, label)
    except validate.Rejected:  # "måske" was told how to write a date, not that "ja" would do
        raise validate.Rejected([Problem("not_accepted_word", label, (("value", value),))]) from None


def _integer(value: str, label: str, decimal: str = ".") -> int | None:
    number = validate.number(value, label, decimal=decimal)
    if number is not None and not float(number).is_integer():  # the two whole numbers beside it
        near = (("value", value), ("low", math.floor(number)), ("high", math.ceil(number)))
        raise validate.Rejected([Problem("not_whole", label, near)])
    return None if number is None else int(number)


KINDS: dict[
    str, list[Column]
] = {  # in the order a company's data goes in: each kind refers only to kinds above it
    "departments": [Column("code", _code, True), Column("name", _text, True), Column("parent", _code)],
    "people": [
        Column("email", _email, True),
        Column("name", _text, True),
        Column("role", _choice("role"), True),
        Column("department", _code),
    ],
    "kpis": [
        Column("code", _code, True),
        Column("name", _text, True),
        Column("department", _code, True),
        Column("unit", _choice("unit"), True),
        Column("direction", _choice("direction"), True),
        Column("aggregation", _choice("aggregation"), True),
        Column("target", _number),
        Column("tolerance", _share),
        Column("journey_phase", _choice("journey_phase")),
        Column("definition", _text),
        Column("source_kind", _text),
        Column("source_connection", _text),
        Column("source_query", _text),
        Column("source_url", _text),
        Column("source_timeout", _number),
    ],
    "promises": [Column("code", _code, True), Column("text", _text, True)],
    "priorities": [
        Column("code", _code, True),
        Column("text", _text, True),
        Column("kpi", _code, True),
        Column("comparison", _choice("comparison"), True),
        Column("threshold", _number, True),
    ],
    "goals": [
        Column("code", _code, True),
        Column("parent", _code),
        Column("level", _choice("level"), True),
        Column("title", _text, True),
        Column("description", _text),
        Column("kpi", _code),
        Column("department", _code),
        Column("owner", _email),
        Column("baseline", _number),
        Column("target", _number),
        Column("start", _month),
        Column("deadline", _deadline),
        Column("weight", _number),
        Column("accepted", _accepted),
        Column("promise", _code),
    ],
    "measurements": [
        Column("kpi", _code, True),
        Column("month", _month, True),
        Column("value", _number, True),
        Column("note", _text),
    ],
    "targets": [
        Column("kpi", _code, True),
        Column("month", _month, True),
        Column("target", _number, True),
    ],
    "changes": [
        Column("kpi", _code, True),
        Column("month", _month, True),
        Column("note", _text),
    ],
    "responses": [
        Column("kpi", _code, True),
        Column("date", _day, True),
        Column("score", _integer, True),
        Column("segment", _text),
        Column("touchpoint", _text),
        Column("respondent", _text),
        Column("comment", _comment),
    ],
    "actions": [
        Column("goal", _code, True),
        Column("title", _text, True),
        Column("owner", _email),
        Column("due", _deadline),
        Column("status", _choice("status")),
        Column("go_live", _day),
        Column("kpi", _code),
        Column("direction", _choice("direction")),
    ],
    "events": [
        Column("title", _text, True),
        Column("kind", _choice("event_kind"), True),
        Column("start", _day, True),
        Column("end", _day),
        Column("department", _code),
        Column("kpis", _codes),
    ],
    "calendar": [
        Column("month", _month, True),
        Column("data_due", _day, True),
        Column("commentary_due", _day, True),
        Column("close", _day, True),
        Column("meeting", _day, True),
    ],
}
"""Each kind's columns, in the order files list them (product.md §7)."""

_NAMING = frozenset({_code, _email, _codes})
"""The readers of codes and e-mail addresses: a value copied from a message on a page carries
the invisible word joiner the page put before an `@` or after a `_` (`kpi.text.plain`), which
would make the address a hint suggested unknown again (a review)."""

SOURCE_COLUMNS = {f"source_{name}": name for name in ("kind", "connection", "query", "url", "timeout")}
"""A KPIs file's optional source columns → the fields of the KPI's source (what they must be is
kpi.domain.sources.check; the KPI is the row's code). All empty: the row leaves the source as it is."""

CHECKS: dict[str, checks.Check] = {
    "departments": checks.department,
    "people": checks.person,
    "promises": checks.promise,
    "kpis": checks.kpi,
    "priorities": checks.service_priority,
    "goals": checks.goal,
    "measurements": checks.measurement,
    "targets": checks.month_target,
    "changes": checks.process_change,
    "responses": checks.answer,
    "actions": checks.action,
    "calendar": cycle.check_row,
    "events": checks.event,
}
"""The check of each kind's records: a file's rows and a form's fields alike (kpi.domain.checks)."""


def required(kind: str) -> frozenset[str]:
    """The columns a new record of `kind` must fill: those its file must never leave empty
    (`Column.required`) and those its check asks of a new record. A file may leave the latter
    empty on a row that updates a stored record, whose stored values then stand, so only the
    check names them; a template marks them all (the goals' template headed KPI, department,
    target and start month in plain type, "Required: No", and the import refused a new goal
    without them)."""
    asked = {p.field for p in CHECKS[kind]({}, checks.Known()) if p.key == "required"}
    return frozenset({c.name for c in KINDS[kind] if c.required} | asked)


def as_the_file_writes(found: Problem) -> Problem:
    """A text file's percent sign told to write the number as the file writes numbers: a file of
    decimal commas was told "74.3" for "74,3%" in English, which it reads otherwise (a day-one
    trial); a workbook's cell is told it as the reader types numbers."""
    params = dict(found.params)
    if found.key != "percent_sign" or "typed" not in params:
        return found
    return replace(found, params=tuple((k, params["typed"] if k == "number" else v) for k, v in found.params))


REQUIRED_KEYS = frozenset({"required", "import.required"})
"""The problems of an empty required cell: the parse's and a kind's check's (`of_kind`)."""


def of_kind(found: Problem, kind: str) -> Problem:
    """A required cell of a file left empty, with the kind of file it is in (`words.FILE_KIND`),
    so its message says what the column takes, as the template's guide does."""
    if found.key not in REQUIRED_KEYS or not found.file or any(k == FILE_KIND for k, _ in found.params):
        return found
    return replace(found, params=(*found.params, (FILE_KIND, kind)))


KEYS = {
    "departments": ("code",),
    "people": ("email",),
    "promises": ("code",),
    "kpis": ("code",),
    "priorities": ("code",),
    "goals": ("code",),
    "measurements": ("kpi", "month"),
    "targets": ("kpi", "month"),
    "changes": ("kpi", "month"),
    "responses": (),
    "actions": ("goal", "title"),
    "calendar": ("month",),
    "events": ("title", "start"),
}
"""Columns whose values must be unique within one file."""


@dataclass
class Parsed:
    kind: str
    file: str
    rows: list[dict] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    """The spreadsheet row number of each parsed row."""
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[tuple[int, dict]] = field(default_factory=list)
    """(spreadsheet row, the cells that could be read) of rows with a cell that could not: checked
    too, so every problem of a row shows at once, not one round of corrections after another."""
    written: dict[str, str] = field(default_factory=dict)
    """Each column's header as the file writes it (`Kode` for `code`): problems name it so."""
    doubts: list[Problem] = field(default_factory=list)
    """What the file may mean otherwise than it reads, told beside its preview, not refused (a
    number that may be cut at an unquoted decimal comma: `_split_number`)."""

    def add(self, index: int, found: Problem) -> None:
        """`found` (its field names the column) at the file's row of the parsed row `index`."""
        self.problems.append(replace(found, file=self.file, row=self.lines[index]))


def is_numeric(column: Column) -> bool:
    """Whether the column holds numbers: their decimal separator is the file's (`validate.decimal_of`)."""
    return column.read in (_number, _integer, _share)


def column_of(kind: str, header: str) -> str | None:
    """The column of `kind` a file's header names: its name (`code`, `journey_phase`) or its
    label in any language the cockpit speaks (`Kode`, `Fase i kunderejsen`: the templates'
    headers, `kpi.text.terms.column_label`), in any case and spacing."""
    names = terms.column_names(kind, tuple(c.name for c in KINDS[kind]))
    return names.get(vocabulary.fold(header.strip().lstrip("\ufeff")))


def as_written(problems: Iterable[Problem], written: Mapping[str, str], kind: str = "") -> list[Problem]:
    """`problems` with each column named by its header as the file writes it (`written`, column
    name → header): a Danish file's problem is in column "Kode", not "code". A file that heads
    its columns with labels has a column it lacks named by its label too (`source_query` stood
    beside "Kildens forbindelse")."""
    labelled = any(text != name for name, text in written.items())
    names = {c.name for c in KINDS[kind]} if kind and labelled else set()

    def column(field: str) -> str:
        if field in written:
            return written[field]
        return terms.column_label(kind, field) if field in names else field

    return [replace(p, field=column(p.field)) for p in problems]


def written_headers(header: list[str], positions: Mapping[str, int]) -> dict[str, str]:
    """Column name → its header as written, for every column the file has: a Danish file headed
    `kpi;dato;score` was told of "column Score", the label, for the column it heads `score`."""
    return {name: header[index].strip().lstrip("\ufeff") for name, index in positions.items()}


def header_columns(kind: str, header: list[str], name: str) -> tuple[dict[str, int], list[Problem]]:
    """Each column's place in the file's header (`column_of`), and what is wrong with the header:
    a column named twice, a header that names no column, a required column missing."""
    spec = {c.name: c for c in KINDS[kind]}
    positions, problems, unknown = {}, [], []
    for index, raw in enumerate(header):
        label = column_of(kind, raw)
        if label is not None and label not in positions:
            positions[label] = index
        elif label is not None:
            problems.append(Problem("import.duplicate_column", raw, file=name, row=1))
        else:
            unknown.append(raw or f"#{index + 1}")
    if unknown:  # the columns as the reader's template heads them, with their names (`Kode (code)`)
        expected = ", ".join(terms.column_named(kind, column) for column in spec)
        params = (("columns", tuple(unknown)), ("expected", expected))
        problems.append(Problem("import.unknown_columns", "", params, file=name, row=1))
    missing = [
        terms.column_named(kind, c.name) for c in KINDS[kind] if c.required and c.name not in positions
    ]
    if missing:
        problems.append(Problem("import.missing_columns", "", (("columns", ", ".join(missing)),), name, 1))
    return positions, problems


HEADER_SEARCHED = 20
"""How far down a file a header is looked for when row 1 is not one."""


def _header_below(kind: str, body: list[list[str]]) -> int | None:
    """The row number of the first of the file's next rows that heads `kind`'s table (it names
    every required column, and each column it names once), when row 1 does not: a sheet with
    the company's name and a date above the table was told of a dozen unknown columns."""
    required = {c.name for c in KINDS[kind] if c.required}
    for index, cells in enumerate(body[:HEADER_SEARCHED]):
        # the columns it names; one the cockpit does not know may stand beside them
        named = [n for n in (column_of(kind, cell) for cell in cells if cell.strip()) if n is not None]
        if required <= set(named) and len(named) == len(set(named)):
            return index + 2
    return None


def _names_any(kind: str, sheets: Sequence[Sheet]) -> bool:
    """Whether the first sheet's first rows name any column of `kind` (the table is there)."""
    rows = sheets[0].rows if sheets else ()
    return any(column_of(kind, cell) is not None for row in rows for cell in row if cell.strip())


def _table_elsewhere(kind: str, sheets: Sequence[Sheet]) -> str | None:
    """The name of the first later sheet of a workbook whose first rows head `kind`'s table
    (`_header_below`'s rule) where its first sheet's do not; None for none."""
    for sheet in sheets[1:]:
        if _header_below(kind, [list(row) for row in sheet.rows]) is not None:
            return sheet.title
    return None


def parse(kind: str, data: bytes, name: str, progress: Callable[[float], None] | None = None) -> Parsed:
    """Every row of the file read by `kind`'s columns; problems collected, nothing raised
    except for a file that cannot be read at all."""
    header, body, delimiter, bare, sheets = read_table(data, name)
    positions, header_problems = header_columns(kind, header, name)
    lower = _header_below(kind, body) if header_problems else None
    if lower is not None:  # a title or notes above the table: that, not every column, is what is wrong
        header_problems = [Problem("import.header_below", "", (("row", lower),), name, 1)]
    # a "Read me" sheet first (row 1 and the rows below it name no column of the kind): told of
    # unknown columns, not where the table is. A first sheet that names some (a typo, a title
    # above its header) is the table to fix, whatever a later sheet holds (a code review)
    looked = header_problems and lower is None and not _names_any(kind, sheets)
    elsewhere = _table_elsewhere(kind, sheets) if looked else None
    if elsewhere is not None:
        named = (("first", sheets[0].title), ("sheet", elsewhere))
        header_problems = [Problem("import.table_on_later_sheet", "", named, name, 1)]
    parsed = Parsed(kind, name, problems=header_problems, written=written_headers(header, positions))
    formulas = _bare_cells(bare, positions, header, name)
    if header_problems or not body:
        parsed.problems += _in_order(formulas)
        if not header_problems:
            parsed.problems.append(Problem("import.no_rows", file=name))
        return parsed
    columns = [c for c in KINDS[kind] if c.name in positions]
    numeric = [positions[c.name] for c in columns if is_numeric(c)]
    decimal = validate.decimal_of(
        [row[i] for row in body for i in numeric if i < len(row) and row[i]], delimiter
    )
    seen: dict[tuple, int] = {}
    needed = len({c.name for c in KINDS[kind] if c.required} & set(positions))
    for number, cells in _numbered(body, progress):
        other = _other_separator(cells, needed, delimiter)
        if other is not None:  # one problem, not a code "may only hold letters" and empty columns
            used = (("used", other), ("header", delimiter))
            parsed.problems.append(Problem("import.other_separator", "", used, name, number))
            parsed.unreadable.append((number, {}))
            continue
        values = {c.name: cells[positions[c.name]] if positions[c.name] < len(cells) else "" for c in columns}
        row, found = read(kind, values, decimal, file_columns=True)
        # a workbook's cells hold no separator: only a text file's row may be cut at one
        split = None if sheets else _split_number(kind, cells, positions, delimiter)
        found += _ragged(cells, len(header), split)
        if split is not None and len(cells) <= len(header) and split.into in _NOTE_COLUMNS:
            doubt = f"import.split_number_{split.readings}"
            parsed.doubts.append(Problem(doubt, split.column, split.params, name, number))
        emptied = formulas.pop(number, [])  # a cell read as empty: that is its problem, not "required"
        if emptied:
            fields = {e.field for e in emptied}
            found = [*emptied, *(p for p in found if p.field not in fields)]
        if not sheets:
            found = [as_the_file_writes(p) for p in found]
        parsed.problems += [replace(p, file=name, row=number) for p in found]
        ok = not found
        key = tuple(_matched(row.get(k)) for k in KEYS[kind])
        # a row whose key reads is a repeat or the first of its key whatever else is wrong with it:
        # a repeat of a row with an empty value was told only on the run after that was fixed
        keyed = bool(KEYS[kind]) and None not in key and not any(p.field in KEYS[kind] for p in found)
        if keyed and key in seen:
            shown = tuple(row.get(k) for k in KEYS[kind])
            params = (("value", " / ".join(map(_shown, shown))), ("first", seen[key]))
            column = KEYS[kind][0] if len(KEYS[kind]) == 1 else ""  # a pair is of the row, not one column
            parsed.problems.append(Problem("import.duplicate_key", column, params, name, number))
            ok = False
        elif keyed:
            seen[key] = number
        if ok:
            parsed.rows.append(row)
            parsed.lines.append(number)
        else:
            parsed.unreadable.append((number, row))
    if formulas:  # in rows that read as blank: a formula's result was all they held
        parsed.problems += _in_order(formulas)
        parsed.problems.sort(key=lambda p: p.row)
    return parsed


def read(
    kind: str, values: Mapping[str, object], decimal: str = ".", *, file_columns: bool = False
) -> tuple[dict[str, object], list[Problem]]:
    """The fields of one `kind` record, each read by its column (`KINDS`), and every problem of
    reading them: one reading for a file's row and a form's fields alike. Only the fields in
    `values` are read. An empty required column is a problem here only for a file
    (`file_columns`); a form's empty fields are named by the kind's check."""
    row: dict[str, object] = {}
    problems: list[Problem] = []
    for column in KINDS[kind]:
        if column.name not in values:
            continue
        raw = values[column.name]
        text = raw.strip() if isinstance(raw, str) else raw
        if isinstance(text, str) and column.read in _NAMING:  # copied from a hint the page wrote
            text = text.replace(WORD_JOINER, "")
        if text is None or text == "":
            if column.required and file_columns:
                problems.append(Problem("import.required", column.name, ((FILE_KIND, kind),)))
                continue
            row[column.name] = None
            continue
        try:
            row[column.name] = column.read(text, column.name, decimal)  # type: ignore[arg-type]
        except validate.Rejected as rejected:
            problems.append(replace(rejected.problems[0], field=column.name))
    return row, problems


def _other_separator(cells: list[str], needed: int, delimiter: str) -> str | None:
    """The separator a row of one cell uses where the header uses `delimiter` (a comma file's row
    under a semicolon header, typed in by hand), if it splits the cell into at least the `needed`
    parts the header's required columns make (the samples' `kpi;month;value;note` has an
    optional fourth)."""
    typed = (",", ";")  # a tab is no separator a person types into a row by hand
    filled = [c for c in cells if c.strip()]
    if needed < 2 or delimiter not in typed or len(filled) != 1 or not cells[0].strip():
        return None
    other = next(o for o in typed if o != delimiter)
    return other if len(cells[0].split(other)) >= needed else None


_WHOLE = re.compile(r"^[+-]?[0-9]+$")
_CUT_OFF = re.compile(r"^([0-9]+)\s*(%|‰|[^\W\d_][^\d\s]{0,7})?$")
"""What is left of a number cut at an unquoted comma, in the next cell: digits, perhaps with the
unit written after them (`93,5 s` is 93 and "5 s")."""
_GROUP = re.compile(r"^[0-9]{3}$")
_NOTE_COLUMNS = frozenset({"note"})
"""Columns of free text beside a number: digits there may be a decimal cut off the number."""


class _Cut(NamedTuple):
    """A number that may be cut in two at an unquoted comma (`_split_number`)."""

    column: str
    """The number's column."""
    readings: str
    """Which readings it has (`_cut_key`): `decimal`, `either` or `grouped`."""
    params: tuple[tuple[str, object], ...]
    """The parts (`first`, `second`), the next cell as written (`note`), the number without its
    commas (`whole`) and with them (`shown`)."""
    into: str
    """The column the digits landed in; empty beyond the header."""


def _split_number(kind: str, cells: list[str], positions: Mapping[str, int], delimiter: str) -> _Cut | None:
    """Where a comma-separated row's number may have been cut in two at an unquoted decimal or
    thousands comma: a whole number in a numeric column, and digits (perhaps with a unit) in the
    next cell, which takes no number. `LOG_LEAD,2026-11,3,6` read as 3 days with the note "6",
    and with a note after it was told only that the note belonged to no column (an
    administrator's trial). It may be so, not that it is: a row too wide for its header says it
    in its hint (`_ragged`), and digits in a note are a doubt to look at (`Parsed.doubts`), never
    a refusal (a segment "2" or a respondent "10234" after a score is what it says)."""
    if delimiter != ",":
        return None
    by_place = {positions[c.name]: c for c in KINDS[kind] if c.name in positions}
    for place, column in sorted(by_place.items()):
        if not is_numeric(column) or place + 1 >= len(cells):
            continue
        first, note = cells[place].strip(), cells[place + 1].strip()
        cut = _CUT_OFF.match(note)
        if not (_WHOLE.match(first) and cut):
            continue
        after = by_place.get(place + 1)
        if after is not None and is_numeric(after):
            continue
        parts = [first, cut.group(1)]
        if _GROUP.match(parts[1]) and not cut.group(2):  # `1,234,567`: the groups after it too
            parts += [
                c.strip()
                for c in itertools.takewhile(lambda c: bool(_GROUP.match(c.strip())), cells[place + 2 :])
            ]
        params = (
            ("first", first),
            ("second", parts[1]),
            ("note", note),
            ("whole", "".join(parts)),
            ("shown", ",".join(parts)),
        )
        return _Cut(column.name, _cut_key(parts), params, after.name if after is not None else "")
    return None


def _cut_key(parts: Sequence[str]) -> str:
    """Which readings a number cut at its commas has: a decimal (`3,6`); a decimal or a thousand
    (`1,234`: the hint names both, as either may be meant); thousands (`1,234,567`)."""
    if len(parts) > 2:
        return "grouped"
    return "either" if _GROUP.match(parts[1]) else "decimal"


def _ragged(cells: list[str], width: int, split: _Cut | None = None) -> list[Problem]:
    """A row with filled cells beyond the header: they belong to no column, so the row was
    most likely split wrongly (a comma inside a cell that is not quoted); where a number may be
    the cell cut in two (`split`), the hint says how to write it whole."""
    extra = [cell for cell in cells[width:] if cell.strip()]
    if not extra:
        return []
    params = (("fields", len(cells)), ("columns", width), ("extra", tuple(extra)))
    if split is not None:
        return [Problem(f"import.ragged_row_{split.readings}", "", params + split.params)]
    return [Problem("import.ragged_row", "", params)]


def _matched(value: object) -> object:
    """A key value as keys are compared: codes and e-mail addresses without regard to case."""
    return identity.code_key(value) if isinstance(value, str) else value


def _shown(value: object) -> str:
    """A key value as the file wrote it (months as YYYY-MM)."""
    return months.key(value) if isinstance(value, date) and value.day == 1 else str(value)


def _numbered(
    body: list[list[str]], progress: Callable[[float], None] | None
) -> Iterator[tuple[int, list[str]]]:
    total = max(len(body), 1)
    step = max(total // 50, 1)
    for index, cells in enumerate(body):
        if progress and index % step == 0:
            progress(index / total)
        if not is_blank(cells):
            yield index + 2, cells
    if progress:
        progress(1.0)


def guess_kind(header: list[str]) -> str | None:
    """The kind whose required columns a header has and whose columns it does not exceed."""
    for kind, columns in KINDS.items():
        names = {column_of(kind, h) for h in header if h.strip()}
        required = {c.name for c in columns if c.required}
        if required <= names <= {c.name for c in columns}:  # None (a header it does not know) is in neither
            return kind
    return None
