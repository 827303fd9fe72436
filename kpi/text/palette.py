"""The one status vocabulary: each status is a colour, an icon and a word, everywhere.

Colours are from a colour-blind-safe set (after Okabe & Ito) and are never the only signal: the
icon and the translated word always go with them. `.streamlit/config.toml` sets Streamlit's named
colours to the same values (a test keeps the two in step), so badges and charts agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kpi.domain.model import GoalStatus, KpiStatus
from kpi.text.i18n import t

BadgeColour = Literal["green", "orange", "red", "blue", "violet", "gray"]
"""The Streamlit named colours the statuses use (the ones `.streamlit/config.toml` themes)."""


@dataclass(frozen=True)
class Look:
    colour: str
    """Hex colour for charts and slides."""
    streamlit: BadgeColour
    """Streamlit's named colour for badges and markdown (themed to `colour`)."""
    icon: str


GREEN, ORANGE, RED, BLUE, VIOLET, GRAY = "#00795C", "#B86E00", "#C8102E", "#1F4E79", "#6A3D9A", "#6B6B6B"
THEME_COLOURS = {"green": GREEN, "orange": ORANGE, "red": RED, "blue": BLUE, "violet": VIOLET, "gray": GRAY}

KPI_LOOKS: dict[KpiStatus, Look] = {
    KpiStatus.GREEN: Look(GREEN, "green", "✓"),
    KpiStatus.AMBER: Look(ORANGE, "orange", "!"),
    KpiStatus.RED: Look(RED, "red", "✕"),
    KpiStatus.NO_DATA: Look(GRAY, "gray", "–"),
}

GOAL_LOOKS: dict[GoalStatus, Look] = {
    GoalStatus.ACHIEVED: Look(BLUE, "blue", "★"),
    GoalStatus.ON_TRACK: Look(GREEN, "green", "✓"),
    GoalStatus.AT_RISK: Look(ORANGE, "orange", "!"),
    GoalStatus.OFF_TRACK: Look(RED, "red", "✕"),
    GoalStatus.MISSED: Look(VIOLET, "violet", "⊘"),
    GoalStatus.NO_DATA: Look(GRAY, "gray", "–"),
}

SERIES = {
    "actual": "#4D4D4D",
    "target": GREEN,
    "band": "rgba(0,121,92,0.12)",
    "baseline": "#A5A5A5",
    "forecast": "#8C8C8C",
    "other": "#A5A5A5",
    "limits": "#6B6B6B",
    "limits_band": "rgba(107,107,107,0.08)",
    "event": "#6A4C93",
    "event_band": "rgba(106,76,147,0.16)",
    "promise": RED,
}
"""Line colours of trend charts, as the NHS process charts draw them: the actual values in a dark
neutral grey (8:1 on white), so the colours are left to what means something: the target and its
tolerance band in green, the months a signal rule fired ringed in their verdict's colour
(`VARIATION_LOOKS`: blue for an improvement, orange for a concern). A ring in the line's own
colour could not be told from the line (the improvement blue was the line's blue); a test keeps
the line neutral, every ring coloured and both readable on white."""


def look(status: KpiStatus | GoalStatus) -> Look:
    return KPI_LOOKS[status] if isinstance(status, KpiStatus) else GOAL_LOOKS[status]


def word(status: KpiStatus | GoalStatus) -> str:
    kind = "kpi" if isinstance(status, KpiStatus) else "goal"
    return t(f"status.{kind}.{status}")


def label(status: KpiStatus | GoalStatus) -> str:
    """`✓ On target`: the icon and the word, for badges, tables, charts and slides."""
    return f"{look(status).icon} {word(status)}"


ATTENTION_LOOKS: dict[str, Look] = {
    "broken_priority": Look(RED, "red", "⚠"),
    "kept_priority": Look(GREEN, "green", "✓"),
    "red_kpi": Look(RED, "red", "✕"),
    "missed": Look(VIOLET, "violet", "⊘"),
    "off_track": Look(RED, "red", "✕"),
    "mismatch": Look(RED, "red", "≠"),
    "late": Look(ORANGE, "orange", "◴"),
    "concern": Look(ORANGE, "orange", "▼"),
    "at_risk": Look(ORANGE, "orange", "!"),
    "late_action": Look(ORANGE, "orange", "◷"),
    "no_data": Look(GRAY, "gray", "–"),
    "commentary_owed": Look(BLUE, "blue", "✎"),
}
"""Each kind of exception (`attention.Kind`) as a colour and an icon; the word is
`attention.<kind>`. A broken service priority has its own icon: a priority is kept or broken, not
on or off target, and a kept one (`kept_priority`, no exception) reads so on the service
priorities slide. Every icon is one the fonts of a plain Linux machine draw (DejaVu Sans; a test
asks fontconfig), so no chip shows an empty box: ⌛ was one, at 390 px in Chromium."""

VARIATION_LOOKS: dict[str, Look] = {
    "common_cause": Look(GRAY, "gray", "~"),
    "improvement": Look(BLUE, "blue", "▲"),
    "concern": Look(ORANGE, "orange", "▼"),
}
"""Variation verdicts (`signals.Variation`), as the NHS charts colour them: blue for a
special-cause improvement, orange for a concern, grey for common cause."""

ASSURANCE_LOOKS: dict[str, Look] = {
    "consistently_passing": Look(BLUE, "blue", "●"),
    "hit_and_miss": Look(GRAY, "gray", "±"),  # ◐ drew as a clipped half-dot (a fallback font)
    "consistently_failing": Look(ORANGE, "orange", "○"),
}
"""Assurance verdicts (`signals.Assurance`): the target consistently met, hit and miss, or
consistently failed."""


def attention_look(kind: str) -> Look:
    return ATTENTION_LOOKS[str(kind)]


def attention_label(kind: str, word: str) -> str:
    """`⚠ Service priority broken`: an exception kind's icon and its word, for badges and slides."""
    return f"{attention_look(kind).icon} {word}"


WHITE = "#FFFFFF"
READABLE = 2.0
"""The least contrast a company colour needs against white: the packs write their large bold
titles in it on white and white table headings on it. #FFFFFF (1 : 1) made the titles invisible
and a yellow (#FFCC00, 1.5 : 1) can hardly be read (an adversarial test); a brand's orange or
light blue (2.9 : 1, under WCAG's 3 : 1 for large text) still reads in bold and is kept."""


def luminance(colour: str) -> float:
    """WCAG's relative luminance of a #RRGGBB colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str = WHITE) -> float:
    """WCAG's contrast ratio of two #RRGGBB colours, 1 to 21."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)
