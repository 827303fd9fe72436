"""How precisely a number of each unit is written, and rounding as people round.

One home for a fact that pages, packs and the rules share: a value of 70.23 % is written 70.2 %,
so a target the product works out itself (phased by last year, a twelfth of a year's) is given
to that precision too. Nobody plans a target of 82.6447 %; shown as 82.6 % it made a value of
82.64 % look above a target it was below ("! Close · target 82.6 %"). The rules judge the
target that is written.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Context, Decimal, getcontext

from kpi.domain.model import UNIT_RANGES

_DECIMALS = {
    "%": 1,
    "s": 0,
    "min": 0,
    "h": 1,
    "days": 1,
    "ms": 0,
    "nps": 0,
    "ces": 1,
    "count": 0,
    "per1000": 1,
}
UNIT_DECIMALS: dict[str, int] = {unit: _DECIMALS[unit] for unit in UNIT_RANGES}
"""The decimals a value of each unit (`model.UNIT_RANGES`, where the list lives) is written with
as a rule: rates with one (70.2 %), NPS, seconds and counts whole. A unit without one fails here."""


SMALL_TIMES = frozenset({"s", "min", "ms"})
"""Units of time written whole, whose values below 10 gain decimals (`decimals`): 0.3 min is no
"0 min", and 7.5 s no "8 s"."""


@functools.cache
def _quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def half_up(value: float, decimals: int) -> Decimal:
    """Round as people do (2.5 → 3), not as Python's `round` does (2.5 → 2), with the precision
    the number needs (the default 28 digits cannot hold 1e308)."""
    exact = Decimal(repr(value))
    needed = exact.adjusted() + decimals + 2
    wider = Context(prec=needed) if needed > getcontext().prec else None  # nearly every number: None
    return exact.quantize(_quantum(decimals), rounding=ROUND_HALF_UP, context=wider)


def decimals(amount: float, unit: str) -> int:
    """The decimals `amount` is written with: the unit's own (`UNIT_DECIMALS`); two for a share
    near 100 % (99.91 %); one for a count that is not whole (a phased target of 0.7 incidents, so
    "1 (target 0.7)" does not read as "1 (target 1)"); two for a number below 1 of a unit written
    with one, where the second is not 0 (0.35 %, which one decimal wrote 0.4 %, and 0.04 %,
    which it wrote 0.0 %); for a time written whole (`SMALL_TIMES`), one below 10 where it is not
    whole and two below 1 where the second is not 0 (outage minutes per customer of 0.24-0.35
    were written and judged "0 min", a day-one trial)."""
    own = UNIT_DECIMALS[unit]
    if unit == "%" and 99 <= abs(amount) < 100:
        return 2
    if unit == "count" and half_up(amount, 1) != half_up(amount, 0):
        return 1
    if (own == 1 or unit in SMALL_TIMES) and abs(amount) < 1 and half_up(amount, 2) != half_up(amount, 1):
        return 2
    if unit in SMALL_TIMES and abs(amount) < 10 and half_up(amount, 1) != half_up(amount, 0):
        return 1
    return own


def as_written(amount: float, unit: str) -> float:
    """`amount` to the precision it is written with (`decimals`): 82.6447 % → 82.6 %."""
    return float(half_up(amount, decimals(amount, unit)))
