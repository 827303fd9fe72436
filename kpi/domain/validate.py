"""Checking what people type or import: numbers, months, dates, codes and the goal tree.

Pure. Every problem is a `Problem`: a message key and its values, put into words in the
reader's language when shown (`kpi.text.words.problem`), so the app, the command line and imports explain it the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from kpi.domain import bounds, months
from kpi.domain.errors import Problem, Refused
from kpi.domain.model import Level

_PLAIN = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)$", re.ASCII)
_GROUPED = {  # thousands separator → pattern of a grouped number with the other as decimal
    ".": re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$", re.ASCII),
    ",": re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$", re.ASCII),
    " ": re.compile(r"^[+-]?[1-9]\d{0,2}( \d{3})+([.,]\d+)?$", re.ASCII),
}
"""A number grouped in thousands starts with a digit other than 0: `0,995` is a decimal, never 995."""
_EXPONENT = re.compile(r"^[+-]?\d+([.,]\d+)?[eE][+-]?\d{1,3}$", re.ASCII)
"""`1.23457E+11`: how Excel writes a large number into a CSV file (and `1e308`, which is then
too large rather than no number)."""
_WITH_UNIT = re.compile(r"^([+-]?[\d.,][\d., ]*?)\s*([^\W\d_][^\d\s]{0,7}|‰)$")
"""A number followed by one word of a unit (`93.5 s`, `4 dage`, `1,2 ‰`, `12 sek.`): the unit is
the KPI's to say, the cell's to leave out."""
UNIT_CELL = 40
"""The longest cell read for a number with its unit (`_WITH_UNIT`)."""
_MULTIPLIERS = (
    "hund",
    "tus",
    "thous",
    "tsd",
    "taus",
    "tkr",
    "mkr",
    "mio",
    "mil",
    "mln",
    "mn",
    "mia",
    "mrd",
    "bil",
    "bn",
)
"""How words that scale a number begin (`1,5 mio.`, `5 tusinde`, `5 thousand`, `2 mia.`): no unit
to leave out, for the number alone would be a hundred to a billion times too small."""
_UNIT_LETTERS = frozenset("shd")
"""The one-letter units a number is written with (seconds, hours, days): any other letter is more
likely a slip (`8O` for 80, `10k`, an exponent cut short, `2e`) than a unit."""


def _is_unit(word: str) -> bool:
    """Whether `word`, after a number, is a unit to leave out (`_WITH_UNIT`)."""
    if word == "‰":
        return True
    if len(word) == 1:
        return word.lower() in _UNIT_LETTERS  # "4.5 D" as "4.5 d"
    return word.isalpha() and not word.lower().startswith(_MULTIPLIERS)


_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$", re.ASCII)
"""`1.234` and `1,234`: a thousand in one convention, a little over one in the other."""

BOTH = "both"
"""`decimal_of`'s answer for a file that writes decimals both ways (`1.4` in one row, `0,995` in
another): its `99,925` cannot be settled either way, and is refused for what it is rather than read
as 99925 (a trial's file was told "995 lies outside what the unit allows" of a cell `0,995`)."""


def ambiguous(text: str) -> bool:
    """Whether `text` is a number its file or reader must settle: `1.234`, `99,925` (`_AMBIGUOUS`)."""
    return _AMBIGUOUS.match(text) is not None


def _percent(raw: str, field: str, decimal: str | None) -> Problem:
    """What is wrong with a cell that has a percent sign: the number to write without it, as the
    reader writes numbers; the number alone, or what stands before its sign where words follow it
    ("5 %-point" was told to write "5 -point"). A cell with no number in it is no number ("%" was
    told to write "."), and a number beyond what is held is told so ("1e308 %": too large)."""
    before, _, after = raw.partition("%")
    parts = [raw.replace("%", "").strip()]
    if not any(character.isdigit() for character in after):  # "5 % 6" is no number with a sign
        parts.append(before.strip())
    refused: Rejected | None = None
    for part in filter(None, parts):
        try:
            found = number(part, field, decimal=decimal)
        except Rejected as why:
            refused = refused or why
            continue
        # `typed`: the number as the cell writes it, which a text file's hint says instead
        # (`kpi.files.tables.as_the_file_writes`)
        return Problem("percent_sign", field, (("value", raw), ("number", found), ("typed", part)))
    if refused is not None and refused.problems[0].key != "not_a_number":
        first = refused.problems[0]  # as the whole cell, sign and all
        return replace(first, params=tuple((k, raw if k == "value" else v) for k, v in first.params))
    return Problem("not_a_number", field, (("value", raw),))


class Rejected(Refused):
    """Values typed or imported that cannot be read; nothing was written."""


def number(text: object, field: str, *, required: bool = False, decimal: str | None = None) -> float | None:
    """`12,5`, `1.234,5`, `1,234.5`, `-3` → float; empty → None (or a problem when required).

    `decimal` is the decimal separator the context uses (a file's, or the reader's language);
    it settles `1.234`, which Danes read as a thousand and the English as a little over one.
    Without it, a single separator is read as the decimal.
    """
    raw = "" if text is None or (isinstance(text, float) and text != text) else str(text).strip()
    if raw == "":
        if required:
            raise Rejected([Problem("required", field)])
        return None
    if isinstance(text, int | float):
        return _held(float(text), field)
    if "%" in raw:  # the number to write, as the reader writes numbers (a float, `kpi.text.words`)
        raise Rejected([_percent(raw, field, decimal)])
    cleaned = raw.replace("\u00a0", " ").replace("\u2212", "-")  # a typeset minus, as our own pages write one
    with_unit = _with_unit(raw, cleaned, field, decimal)
    if with_unit is not None:  # "93.5 s" was told it was no number, and that a comma is fine
        raise Rejected([with_unit])
    if bounds.digits(raw) > bounds.MAX_DIGITS:
        raise Rejected([Problem("too_precise", field, (("value", raw[:40]), ("digits", bounds.MAX_DIGITS)))])
    if decimal == BOTH and ambiguous(cleaned):
        small, large = float(cleaned.replace(",", ".")), int(cleaned.replace(",", "").replace(".", ""))
        raise Rejected(
            [Problem("ambiguous_number", field, (("value", raw), ("small", small), ("large", large)))]
        )
    for thousands, pattern in _GROUPED.items():
        if pattern.match(cleaned) and not (ambiguous(cleaned) and decimal in (None, thousands)):
            cleaned = cleaned.replace(thousands, "")
            return _held(float(cleaned.replace(",", ".")), field, raw)
    if _PLAIN.match(cleaned) or _EXPONENT.match(cleaned):
        return _held(float(cleaned.replace(",", ".")), field, raw)
    raise Rejected([Problem("not_a_number", field, (("value", raw),))])


def _with_unit(raw: str, cleaned: str, field: str, decimal: str | None) -> Problem | None:
    """The problem of a number written with its unit (`_WITH_UNIT`, `_is_unit`), the number to
    write alone named; None for anything else. A short cell only: a number with its unit is
    short, and a long one is no number either way."""
    unit = _WITH_UNIT.match(cleaned) if len(raw) <= UNIT_CELL else None
    if unit is None or not _is_unit(unit.group(2).rstrip(".")):
        return None
    try:
        number(unit.group(1), field, decimal=decimal)
    except Rejected:
        return None
    return Problem("unit_in_number", field, (("value", raw), ("number", unit.group(1))))


def _held(value: float, field: str, typed: str | None = None) -> float:
    """`value`, when the cockpit can hold it (`bounds.number_problem`: finite, not far too large);
    -0 as 0."""
    problem = bounds.number_problem(value, field, typed)
    if problem is not None:
        raise Rejected([problem])
    return value + 0.0


def decimal_of(cells: list[str], delimiter: str = ",") -> str:
    """The decimal separator a file's numbers use, from the ones that leave no doubt (`12,5`,
    `0,995`, `1.234,5`); `BOTH` when those disagree; when all are ambiguous (`1.234`), a
    semicolon-separated file is taken to be Danish (decimal comma)."""
    found = {_decimal_in(cell) for cell in cells} - {""}
    if len(found) == 1:
        return found.pop()
    return BOTH if found else ("," if delimiter == ";" else ".")


def _decimal_in(cell: str) -> str:
    """The decimal separator `cell` leaves no doubt of, or an empty string."""
    if "." in cell and "," in cell:
        return "," if cell.rfind(",") > cell.rfind(".") else "."
    for separator in (",", "."):
        head, sep, tail = cell.strip().rpartition(separator)
        whole = head.lstrip("+-").replace(" ", "")
        if sep and whole.isdigit() and tail.isdigit() and (len(tail) != 3 or whole == "0"):
            return separator
    return ""


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$|^(\d{1,2})[./-](\d{4})$", re.ASCII)
"""A month alone: `2026-10`, or `10.2026`, `10/2026` as Danish spreadsheets write it."""
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$|^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$", re.ASCII)
"""A day: `2026-10-31`, or `31.10.2026`, `31/10/2026`, `31-10-2026` (day first, as in Denmark)."""


_NAMED = re.compile(r"^(?:(\d{1,2})\.?\s+)?([A-Za-z]+\.?)([\s./'-]*)(\d{4}|\d{2})$", re.ASCII)
"""A month by its name: `November 2026`, `nov-26`, `okt. 2026`, or a day of it: `15. november
2026`. A two-digit year is this century's, written as Excel writes it (`nov-26`, `nov.'26`):
after a space alone it is a day ("Dec 31", "August 26"), which is no month."""


def _named(raw: str) -> tuple[date, bool] | None:
    found = _NAMED.match(raw)
    mon = months.named(found.group(2)) if found else None
    if found is None or mon is None:
        return None
    short = len(found.group(4)) == 2
    if short and not set(found.group(3)) & set("./'-"):
        return None
    year = int(found.group(4)) + (2000 if short else 0)
    if found.group(1) is None:
        return date(year, mon, 1), False
    try:
        return date(year, mon, int(found.group(1))), True
    except ValueError:
        return None


def _when(raw: str) -> tuple[date, bool] | None:
    """The month or day `raw` names, and whether it named a day; None when it names neither.

    Months and dates accept the same formats (a month as YYYY-MM, MM.YYYY or by its name and
    year, a day as YYYY-MM-DD, DD.MM.YYYY or `15. november 2026`), so a goal's start and
    deadline are written alike."""
    if raw[:1].isalpha() or " " in raw:
        return _named(raw)
    found = _MONTH.match(raw)
    if found:
        year, mon = (found.group(1), found.group(2)) if found.group(1) else (found.group(4), found.group(3))
        return (date(int(year), int(mon), 1), False) if 1 <= int(mon) <= 12 else None
    found = _DAY.match(raw)
    if found:
        year, mon, dom = _day_parts(found)
        try:
            return date(year, mon, dom), True
        except ValueError:
            return None
    return None


def _day_parts(found: re.Match[str]) -> tuple[int, int, int]:
    """Year, month and day of a `_DAY` match, whichever order it was written in."""
    parts = [int(g) for g in found.groups() if g is not None]
    year, mon, dom = parts if found.group(1) else (parts[2], parts[1], parts[0])
    return year, mon, dom


def _raw(text: object) -> str:
    return "" if text is None else str(text).strip()


def _no_such_day(raw: str, field: str) -> Rejected | None:
    """The refusal of a day its month does not have (`2026-11-31`, `29.02.2027`), naming the
    month's last day: "is not a month … or as a day of it" told a person who wrote a day."""
    found = _DAY.match(raw)
    if not found:
        return None
    year, mon, dom = _day_parts(found)
    if not (1 <= mon <= 12 and 28 < dom <= 31 and date.min.year <= year <= date.max.year):
        return None
    last = months.end_of(date(year, mon, 1))
    return Rejected([Problem("no_such_day", field, (("value", raw), ("last", last)))])


def whole_number(value: object) -> int | None:
    """A setting's whole number as typed or kept (`"7"`, `7`; a JSON `7.0` too), else None: plain
    ASCII digits only, so `"+7"`, `"7_0"` or another script's digits are not one, and at most
    `WHOLE_DIGITS` of them (Python refuses to read more than 4,300: 5,000 nines typed into a
    form, or into a page's address, broke the page)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= WHOLE_DIGITS else None


WHOLE_DIGITS = 18
"""The most digits a whole number typed as text may have: more than any setting or slide needs."""


def month(text: object, field: str, *, required: bool = False) -> date | None:
    """`2026-10`, `10.2026` or a day of the month (`2026-10-15`, `15.10.2026`) → its month."""
    if isinstance(text, date):
        return months.first_of(text)
    raw = _raw(text)
    if raw == "":
        if required:
            raise Rejected([Problem("required", field)])
        return None
    when = _when(raw)
    if when is None:
        raise _no_such_day(raw, field) or Rejected([Problem("not_a_month", field, (("value", raw),))])
    return months.first_of(when[0])


def day(text: object, field: str, *, required: bool = False, month_end: bool = False) -> date | None:
    """`2026-10-31` or `31.10.2026` → that day. With `month_end` (a deadline, a due date) a month
    alone is read as its last day: `2027-06` is 30 June 2027, as a start of `2027-06` is June."""
    if isinstance(text, date):
        return text
    raw = _raw(text)
    if raw == "":
        if required:
            raise Rejected([Problem("required", field)])
        return None
    when = _when(raw)
    if when is not None and (when[1] or month_end):
        return when[0] if when[1] else months.end_of(when[0])
    key = "not_a_deadline" if month_end else "not_a_date"
    raise _no_such_day(raw, field) or Rejected([Problem(key, field, (("value", raw),))])


def comment(text: object) -> str | None:
    """A survey answer's comment, the customer's own words: kept exactly as written (it is shown
    only as plain text), except that line ends become `\\n` and the ends are trimmed; empty → None.
    Its limit and hints are the answer's check (`kpi.domain.checks.ANSWER_RULES`)."""
    raw = _raw(text).replace("\r\n", "\n").replace("\r", "\n")
    return raw or None


def goal_tree(
    code: str, level: Level, parent: str | None, goals: Mapping[str, tuple[Level, str | None]]
) -> list[Problem]:
    """Problems with placing goal `code` at `level` under `parent`, given every goal as
    `code → (level, parent)` (the goal's own entry, if there, is never read): strategic goals
    have no parent, others sit one level below theirs, and no goal may end up its own ancestor."""
    if level is Level.STRATEGIC:
        return [Problem("strategic_parent", "parent")] if parent else []
    if not parent:
        return [Problem("needs_parent", "parent", (("level", level),))]
    if parent not in goals and parent != code:
        return [Problem("unknown_parent", "parent", (("code", parent),))]
    seen: set[str] = {code}
    current: str | None = parent
    while current:
        if current in seen:
            return [Problem("parent_loop", "parent", (("code", parent),))]
        seen.add(current)
        current = goals[current][1] if current in goals else None
    parent_level = goals[parent][0]
    if parent_level.depth != level.depth - 1:
        return [Problem("level_skip", "parent", (("code", parent), ("level", parent_level)))]
    return []
