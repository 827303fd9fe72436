"""How much room a text takes on a slide, worked out before it is drawn.

PowerPoint and LibreOffice wrap a cell's text wherever its column is too narrow: a status word
broken over two lines ("✓ På / sporet") reads as two words. The packs therefore set their
columns and type sizes from the texts they hold, with widths estimated from the font's metrics:
the packs' font is Arial (on every PowerPoint machine; LibreOffice draws it with Liberation Sans,
whose letters are exactly as wide), and the estimate never comes out narrower than the font
draws (a test measures every status word of every language with Liberation Sans itself).
"""

from __future__ import annotations

from collections.abc import Sequence

POINTS_PER_INCH = 72
NO_BREAK = "\u00a0"
"""Joins a status's icon and words: a word wraps only where a normal space stands."""
LINE_HEIGHT = 1.2
"""A line of text takes 1.2 times its type size, as PowerPoint sets single-spaced text."""

_EM = {  # Arial's advance widths in thousandths of an em (regular); bold is wider (`_BOLD`)
    **dict.fromkeys(" \u00a0ijlI.,:;'!|", 278),
    **dict.fromkeys("ft/()[]-r", 333),
    **dict.fromkeys("0123456789$?abcdeghknopqsuvxyzJL", 556),
    **dict.fromkeys("FTZ", 611),
    **dict.fromkeys("ABEKPSVXY&", 667),
    **dict.fromkeys("CDHNRUwæ", 722),
    **dict.fromkeys("GOQøå", 778),
    **dict.fromkeys("mM%", 889),
    **dict.fromkeys("WÆ@", 1000),
}
_LOWER, _UPPER, _SYMBOL = 600, 780, 1000
"""Letters not in the table (é, ü …), and symbols drawn from a fallback font (✓ ⚠ ▲ ◐ …)."""
_BOLD = 1.1
"""Arial Bold's letters are up to a tenth wider than the regular ones."""


def width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` in inches at `size` points: never less than the font draws it."""
    units = sum(_EM.get(c, _SYMBOL if ord(c) > 0x2000 else _UPPER if c.isupper() else _LOWER) for c in text)
    return units / 1000 * size / POINTS_PER_INCH * (_BOLD if bold else 1.0)


def unbroken(text: str) -> str:
    """`text` held on one line: its spaces as no-break spaces."""
    return text.replace(" ", NO_BREAK)


def lines(text: str, room: float, size: float, *, bold: bool = False) -> int:
    """How many lines `text` takes in `room` inches at `size` points, wrapped at spaces (a word
    wider than the room is broken inside it, as the slide programs do)."""
    count = 0
    space = width(" ", size, bold=bold)
    for paragraph in text.split("\n"):
        count += 1
        used = 0.0
        for word in paragraph.split(" "):
            wide = width(word, size, bold=bold)
            if used and used + space + wide > room:
                count += 1
                used = 0.0
            if wide > room:  # broken inside the word
                count += int(wide // room)
                wide %= room
            used += (space if used else 0.0) + wide
    return count


def longest_word(texts: Sequence[str], size: float, *, bold: bool = False) -> float:
    """The width in inches of the widest single word of `texts`: a column narrower than it would
    break that word in two."""
    return max((width(word, size, bold=bold) for text in texts for word in text.split()), default=0.0)


def height(count: int, size: float) -> float:
    """The height in inches of `count` lines at `size` points."""
    return count * size * LINE_HEIGHT / POINTS_PER_INCH


def widest(texts: Sequence[str], size: float, *, bold: bool = False) -> float:
    return max((width(text, size, bold=bold) for text in texts), default=0.0)
