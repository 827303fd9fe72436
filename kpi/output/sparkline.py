"""A small trend as an SVG image, a few hundred bytes each: a department slide's line per KPI
(`svg`), and a card's or tile's line with the months of company events shaded (`banded`).

Pure. Numbers and colours only (no text), so nothing a person typed can reach the markup: what
a shaded stretch stands for is said beside the image, as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kpi.text.palette import SERIES

MONTHS = 13
"""Months a small trend shows, on a slide, a card or a tile: the month and the twelve before it."""
WIDTH, HEIGHT, PAD = 160, 40, 4
BANDED_WIDTH, BANDED_HEIGHT = 240, 48
"""A card's line: drawn in this box, shown as wide as its card (the height following)."""


@dataclass(frozen=True, slots=True)
class Shade:
    """Points `first` to `last` (positions in the line, both included) shaded."""

    first: int
    last: int


def svg(points: Sequence[float], colour: str) -> str:
    """The points as a polyline scaled to the box, the last one dotted; empty for fewer than two."""
    if len(points) < 2:
        return ""
    xy = _scaled(points, WIDTH, HEIGHT)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}">{_line(xy, colour)}</svg>'
    )


def banded(points: Sequence[float], colour: str, shades: Sequence[Shade] = ()) -> str:
    """The points as `svg` draws them, in the wider box of a card, with each shade a light band
    over its points (half a step either side, as the trend charts shade a month). Empty for
    fewer than two points."""
    if len(points) < 2:
        return ""
    xy = _scaled(points, BANDED_WIDTH, BANDED_HEIGHT)
    step = xy[1][0] - xy[0][0]
    bands = []
    for shade in shades:
        first, last = max(shade.first, 0), min(shade.last, len(points) - 1)
        if first > last:
            continue
        left = max(xy[first][0] - step / 2, 0)
        right = min(xy[last][0] + step / 2, BANDED_WIDTH)
        bands.append(
            f'<rect x="{left:.1f}" y="0" width="{right - left:.1f}" height="{BANDED_HEIGHT}" '
            f'fill="{SERIES["event_band"]}"/>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{BANDED_WIDTH}" height="{BANDED_HEIGHT}" '
        f'viewBox="0 0 {BANDED_WIDTH} {BANDED_HEIGHT}">{"".join(bands)}{_line(xy, colour)}</svg>'
    )


def _scaled(points: Sequence[float], width: int, height: int) -> list[tuple[float, float]]:
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    step = (width - 2 * PAD) / (len(points) - 1)
    return [
        (PAD + n * step, height - PAD - (p - low) / span * (height - 2 * PAD)) for n, p in enumerate(points)
    ]


def _line(xy: Sequence[tuple[float, float]], colour: str) -> str:
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    last_x, last_y = xy[-1]
    return (
        f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
        f'stroke-linejoin="round"/><circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="3" fill="{colour}"/>'
    )
