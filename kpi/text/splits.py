"""A survey score's change in words: its mix/rate split in one line (`−4.1 pts: mix −0.6, rate −3.5
(Business −3.0)`), and the names of the segments and touchpoints answers carry."""

from __future__ import annotations

from datetime import date

from kpi.domain import months
from kpi.domain.samples import Noise, Split
from kpi.text import fmt, i18n
from kpi.text.i18n import t


def group_name(code: str) -> str:
    """A segment or touchpoint as people call it: the catalogue's word for the codes the product
    knows (`private` → "Private", "Privat"; `customer_service` → "Customer service"), else the
    code as the answers spell it (plain text: escape it where Markdown shows it)."""
    for kind in ("segment", "touchpoint"):
        key = f"{kind}.{code}"
        if key in i18n.messages(i18n.FALLBACK):
            return t(key)
    return code


def part_decimals(unit: str) -> int:
    """Decimals of a part of a change: one more than the unit's own for NPS and CES (a part of
    +1 NPS point is often a fraction), the unit's own for shares (already tenths of a point)."""
    return max(fmt.UNITS[unit].decimals, 1) + (1 if unit == "ces" else 0)


def part(amount: float, unit: str) -> str:
    """A part of a change, signed, without its unit (the line's total carries it)."""
    return fmt.number(amount, part_decimals(unit), is_signed=True)


def line(split: Split, unit: str, noise: Noise | None = None) -> str:
    """`−4.1 pts: mix −0.6, rate −3.5 (Business −3.0)`: the change, its mix and rate parts, and
    the segment that moved it most among those with enough answers in both months. A change
    chance explains (`noise`) names no segment as its mover: `−0.01, within the margin of error:
    mix +0.00, rate −0.01` (a CX director read "(Delivery −0.03)" as the cause of a change the
    table above called not significant)."""
    extra = part_decimals(unit) - fmt.UNITS[unit].decimals
    total = fmt.delta(split.total, unit, extra_decimals=extra)
    mix, rate = part(split.mix, unit), part(split.rate, unit)
    if noise is not None:
        return t("split.line_noise", total=total, noise=t(f"split.noise_{noise}"), mix=mix, rate=rate)
    words = t("split.line", total=total, mix=mix, rate=rate)
    largest = split.largest()
    if largest is None:
        return words
    named = t("split.largest", group=group_name(largest.segment), part=part(largest.total, unit))
    return f"{words} ({named})"


def since(split: Split, unit: str, month: date, noise: Noise | None = None) -> str:
    """`Since Sept 2026, −4.1 pts: mix −0.6, rate −3.5 (Business −3.0)`: a survey KPI's change
    from the month before `month`, for a goal's detail and the attention list. A change chance
    explains (`noise`, `samples.noise`) has no parts worth reading: `Since Oct 2026, −2 pts,
    within the margin of error`, its change as the tiles write it (a CEO read "−0.01: mix +0.00,
    rate −0.01 (Business −0.01)" as jargon, and "−1.7 pts" under a tile's "−2 pts")."""
    before = fmt.month_unbroken(months.add(month, -1))
    if noise is None:
        return t("split.since", month=before, line=line(split, unit))
    total = fmt.delta(split.total, unit)
    return t("split.since_noise", month=before, total=total, noise=t(f"split.noise_{noise}"))
