"""Cells that are safe to open in a spreadsheet, and the import that undoes it.

A CSV made for Excel must not carry formulas: a cell that starts with `=`, `+`, `-`, `@`, a tab
or a carriage return is run by Excel, LibreOffice and Google Sheets, so an action title typed
as `=HYPERLINK(…)` would reach an administrator's spreadsheet as a live link (the OWASP "CSV
injection" rule). Every CSV download passes its cells through `neutral`, which puts a `'` in
front of such cells (numbers such as `-3` stay numbers); every import passes cells through
`restore`, which takes exactly that `'` away again, so a download imported back changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to a spreadsheet."""
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
BREAKS = re.compile(r"([;\r\n])")
"""Where a spreadsheet may start a new cell inside one of ours: a `;` (Excel in Danish and other
languages that write decimal commas splits a CSV at semicolons, whatever the quotation marks
around a comma-separated cell say) and a line break (which then starts a new row). The text
after each is neutralised as a cell's start is: `Ring op;=1+1;x` was downloaded as it was, and a
Danish Excel made `=1+1` a cell of its own."""


def _is_risky(text: str) -> bool:
    """Starts (after any apostrophes) with a trigger, and is not simply a signed number."""
    bare = text.lstrip("'")
    return bare.startswith(TRIGGERS) and not _NUMBER.match(bare)


def _after_breaks(text: str, change: Callable[[str], str]) -> str:
    """`change` applied to the text after each break (`BREAKS`); the text before the first stays."""
    if ";" not in text and "\r" not in text and "\n" not in text:  # nearly every cell
        return text
    parts = BREAKS.split(text)  # text, break, text, break, …
    return "".join(part if n % 2 or n == 0 else change(part) for n, part in enumerate(parts))


def _neutral(part: str) -> str:
    return "'" + part if _is_risky(part) else part


def _restore(part: str) -> str:
    return part[1:] if part.startswith("'") and _is_risky(part[1:]) else part


def neutral(text: str) -> str:
    """`text` as a spreadsheet shows it without running it: a `'` before it where it would be
    run (a CR or tab first counts), and after each of its `BREAKS` where what follows would be."""
    return _neutral(_after_breaks(text, _neutral))


def restore(text: str) -> str:
    """The text `neutral` was given: one `'` less at each place where `neutral` added one."""
    return _after_breaks(_restore(text), _restore)
