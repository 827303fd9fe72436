"""A small trend as an inline SVG: a department slide's line per KPI, a few hundred bytes each.

Pure. Numbers only (no text), so nothing a person typed can reach the markup.
"""

from __future__ import annotations

from collections.abc import Sequence

WIDTH, HEIGHT, PAD = 160, 40, 4


def svg(points: Sequence[float], colour: str) -> str:
    """The points as a polyline scaled to the box, the last one dotted; empty for fewer than two."""
    if len(points) < 2:
        return ""
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / (len(points) - 1)
    xy = [
        (PAD + n * step, HEIGHT - PAD - (p - low) / span * (HEIGHT - 2 * PAD)) for n, p in enumerate(points)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    last_x, last_y = xy[-1]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}"><polyline points="{path}" fill="none" '
        f'stroke="{colour}" stroke-width="2" stroke-linejoin="round"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="3" fill="{colour}"/></svg>'
    )
