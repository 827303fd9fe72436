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

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to a spreadsheet."""
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def _is_risky(text: str) -> bool:
    """Starts (after any apostrophes) with a trigger, and is not simply a signed number."""
    bare = text.lstrip("'")
    return bare.startswith(TRIGGERS) and not _NUMBER.match(bare)


def neutral(text: str) -> str:
    """`text` as a spreadsheet shows it without running it."""
    return "'" + text if _is_risky(text) else text


def restore(text: str) -> str:
    """The text `neutral` was given: one leading `'` less, where `neutral` added one."""
    return text[1:] if text.startswith("'") and _is_risky(text[1:]) else text
