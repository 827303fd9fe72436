"""A measure kept as numerator and denominator, so periods and groups combine as a ratio of sums.

A service level of 90 % on 1,000 calls and 50 % on 10 calls is 89.6 % together (905 of 1,010),
not the 70 % an average of the two shares says. Anything measured as "so many of so many" (a
share of calls, of baskets, of probes) or "so much per so many" (seconds of wait per answered
call) keeps both parts; combining months, queues or departments adds the parts and divides once.
Percentiles and other order statistics are not ratios: they are recomputed from the events of
the whole grouping instead (`kpi.sources.recipes`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

PERCENT = 100.0
"""The scale of a share shown in per cent."""
UNIT_SCALES = {"%": PERCENT, "per1000": 1000.0}
"""A KPI's unit → the scale its ratios are shown on (a share in % is × 100); any other unit is
shown as the ratio itself (seconds of wait per answered call: scale 1)."""
AGREEMENT = 1e-6
"""How closely (relative) a value must equal its ratio to be the ratio: float noise, no more."""


def scale_of(unit: str) -> float:
    """The scale a numerator ÷ denominator is shown on for a KPI in `unit`."""
    return UNIT_SCALES.get(unit, 1.0)


@dataclass(frozen=True, slots=True)
class Ratio:
    """`scale` × numerator ÷ denominator: a share (scale `PERCENT`) or a mean (scale 1)."""

    numerator: float
    denominator: float
    scale: float = 1.0

    @property
    def value(self) -> float | None:
        """The measure, or None when nothing was counted (a denominator of 0): no value, never
        a division error and never a made-up 0 %."""
        if self.denominator == 0:
            return None
        return self.scale * self.numerator / self.denominator

    def agrees_with(self, value: float) -> bool:
        """Whether `value` is this ratio (to float noise): its parts are what it was made from."""
        own = self.value
        return own is not None and math.isclose(value, own, rel_tol=AGREEMENT, abs_tol=1e-9)

    def __add__(self, other: Ratio) -> Ratio:
        if other.scale != self.scale:
            raise ValueError(f"a ratio on scale {self.scale} cannot combine with one on scale {other.scale}")
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator, self.scale)


def combined(parts: Iterable[Ratio], scale: float = 1.0) -> Ratio:
    """Several ratios of one measure as one: the sum of the numerators over the sum of the
    denominators. No parts at all give a ratio without a value on `scale`; parts on another scale
    than each other are refused (they are different measures)."""
    listed = list(parts)
    total = Ratio(0.0, 0.0, listed[0].scale if listed else scale)
    for part in listed:
        total = total + part
    return total
