"""Numbers, units, months and deltas as a reader expects them, in the current language.

Babel does the locale work (decimal comma and thousands dot in Danish, `okt. 2026`); this
module decides the product's conventions: NPS as a signed integer (+46), rates with one decimal
(70.2 %), seconds and minutes as integers, and every number with its unit, joined by a no-break
space so a line never ends between `78.5` and its `%`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import get_decimal_symbol

from kpi.domain.model import UNIT_RANGES, Direction
from kpi.domain.precision import UNIT_DECIMALS
from kpi.domain.precision import decimals as _decimals
from kpi.domain.precision import half_up as _half_up
from kpi.domain.status import meets
from kpi.text import i18n
from kpi.text.i18n import t
from kpi.text.plain import WORD_JOINER

NO_BREAK = "\u00a0"
"""Joins a number and its unit (U+00A0: every font the packs and browsers use has it)."""


@dataclass(frozen=True)
class UnitStyle:
    decimals: int
    """As a rule (`precision.UNIT_DECIMALS`, where it lives); `precision.decimals` for a number."""
    suffix_key: str | None
    """Catalogue key of the unit's suffix (`unit.s` → ` s`); None for bare numbers."""
    is_signed: bool = False


_STYLES: dict[str, tuple[str | None, bool]] = {  # (suffix, signed)
    "%": ("unit.percent", False),
    "s": ("unit.s", False),
    "min": ("unit.min", False),
    "h": ("unit.h", False),
    "days": ("unit.days", False),
    "ms": ("unit.ms", False),
    "nps": (None, True),
    "ces": ("unit.ces", False),
    "count": (None, False),
    "per1000": ("unit.per1000", False),
}
UNITS: dict[str, UnitStyle] = {unit: UnitStyle(UNIT_DECIMALS[unit], *_STYLES[unit]) for unit in UNIT_RANGES}
"""How each unit a KPI may have (`model.UNIT_RANGES`, where the list lives) is written. The
store rejects other units, so formatting never guesses; a unit without a style fails here."""


def number(value: float, decimals: int = 0, *, is_signed: bool = False) -> str:
    """A locale-formatted number with a fixed number of decimals; an en dash for one that is not
    finite (the checks keep such numbers out, but a page must not break on a store that has one).
    Written as Babel's pattern `#,##0.0…` (`+…;-…` when signed) writes it, with the locale's
    symbols (tests/test_fmt.py compares the two), without Babel's general machinery per number:
    a large company's deck writes some 20,000 numbers, and Babel took half of its build."""
    if not math.isfinite(value):
        return "–"
    rounded = _half_up(value, decimals)
    signs = _signs(i18n.babel_locale())
    digits = format(rounded.copy_abs(), f",.{decimals}f").translate(signs.table)  # no "-0": abs
    if rounded < 0:
        return signs.minus + digits
    return signs.plus + digits if is_signed else digits


@dataclass(frozen=True)
class _Signs:
    table: dict[int, str]
    """Python's `,` and `.` → the locale's group and decimal symbols."""
    minus: str
    plus: str


@functools.cache
def _signs(name: str) -> _Signs:
    """The number symbols of the Babel locale `name`, looked up once."""
    symbols = _parsed(name).number_symbols["latn"]
    table = str.maketrans({",": symbols["group"], ".": symbols["decimal"]})
    return _Signs(table, symbols["minusSign"], symbols["plusSign"])


def _locale() -> Locale:
    """The Babel locale of the current language, parsed once per locale."""
    return _parsed(i18n.babel_locale())


@functools.cache
def _parsed(name: str) -> Locale:
    return Locale.parse(name)


MISSING = "–"
"""What `value` writes for a value there is not."""


def value(amount: float | None, unit: str, extra_decimals: int = 0) -> str:
    """`70.2 %`, `+46`, `83 s`; an en dash (`MISSING`) for a missing value."""
    if amount is None or not math.isfinite(amount):
        return MISSING
    style = UNITS[unit]
    decimals = _decimals(amount, unit) + extra_decimals
    if unit == "days" and _half_up(amount, decimals) == _half_up(amount, 0):
        # whole days read as people say them: "1 day", "3 days" ("1,0 dage" reads as a machine's)
        whole = _half_up(amount, 0)
        return number(amount, 0) + suffix("unit.day" if abs(whole) == 1 else "unit.days")
    text = number(amount, decimals, is_signed=style.is_signed)
    return text + (suffix(style.suffix_key) if style.suffix_key else "")


def exact(amount: float, unit: str) -> str:
    """A value as it is kept, every decimal it has (six at most) and at least its unit's: `77.5 s`
    where `value` writes `78 s`. What a correction says it stored (the "74,5" typed was echoed)."""
    if not math.isfinite(amount):
        return value(amount, unit)
    # to six decimals first: 0.1 + 0.2 is kept as 0.30000000000000004 and is written 0.3
    kept = -min(Decimal(repr(round(amount, 6))).normalize().as_tuple().exponent, 0)  # type: ignore[operator]
    return value(amount, unit, max(min(kept, 6) - _decimals(amount, unit), 0))


def beside(amount: float | None, target: float | None, unit: str, direction: Direction | None = None) -> str:
    """A value as `value` writes it beside its target (written as `value` writes it, the one way a
    target reads everywhere), with up to two more decimals where it would read as the target and
    is not: 2.49 against a target of 2.5 read "2.5 %" twice beside a status saying it is close,
    and a reader could not see why; now "2.49 %" beside "2.5 %". A value that meets its target in
    its KPI's `direction` reads as the target does: "82.6 %" on target at 82.6 % says what is so,
    and "82.64 %" stood out among one-decimal values on a slide (a CEO's trial)."""
    shown = value(amount, unit)
    if amount is None or target is None or amount == target or shown != value(target, unit):
        return shown
    if direction is not None and meets(amount, target, direction):
        return shown
    if not (math.isfinite(amount) and math.isfinite(target)):
        return shown
    aim = _half_up(target, _decimals(target, unit))
    for extra in (1, 2):
        if _half_up(amount, _decimals(amount, unit) + extra) != aim:
            return value(amount, unit, extra)
    return shown


def apart(first: float, second: float, write: Callable[[float, int], str]) -> tuple[str, str]:
    """Two figures as `write` (a figure, extra decimals) writes them, with up to two more
    decimals on both where they would read alike and are not: a goal's path and its KPI's target
    both read "1.7 %", a needed and a best pace both "-0.10 ‰" (`beside` holds a target as it is
    and extends only the value beside it)."""
    for extra in (0, 1, 2):
        said = write(first, extra), write(second, extra)
        if said[0] != said[1] or first == second:
            return said
    return said


def values_apart(first: float, second: float, unit: str) -> tuple[str, str]:
    """Two values of `unit` as `value` writes them, told apart where they would read alike
    (`apart`): 77.96 s and 78.04 s, not "78 s" twice."""
    return apart(first, second, lambda amount, extra: value(amount, unit, extra))


def span(low: str, high: str) -> str:
    """`31–41`: a range that never breaks at its dash (a slide's narrow column put "31–" on one
    line and "41 %" on the next)."""
    return f"{low}{WORD_JOINER}–{WORD_JOINER}{high}"  # no line break here, and nothing shown


def value_span(low: float, high: float, unit: str) -> str:
    """`1.7–1.9 %`, `4.9–5.1 / 7`, `+19–+77`: a range of one unit, its unit written once ("5.5 /
    7–7.0 / 7" read as a fraction, a review), both ends with the decimals the wider needs."""
    style = UNITS[unit]
    decimals = max(_decimals(low, unit), _decimals(high, unit))
    ends = (number(end, decimals, is_signed=style.is_signed) for end in (low, high))
    return span(*ends) + (suffix(style.suffix_key) if style.suffix_key else "")


def suffix(key: str) -> str:
    """A unit as written after a number (`unit.percent` → ` %`), its spaces and hyphens no-break
    (Danish `%-point`)."""
    return t(key).replace(" ", NO_BREAK).replace("-", "\u2011")


def _delta_decimals(amount: float, unit: str, extra_decimals: int = 0) -> int:
    """The decimals `delta` shows `amount` with: up to two, so that a real change does not read
    as +0.0; a change too small to show at two is shown with the unit's own, as no change."""
    own = UNITS[unit].decimals + extra_decimals
    decimals = own
    while amount and _half_up(amount, decimals) == 0 and decimals < 2:
        decimals += 1
    return decimals if _half_up(amount, decimals) != 0 else own


def shows_change(amount: float | None, unit: str) -> bool:
    """Whether `delta` shows `amount` as a change: one that rounds to nothing is no change to a
    reader, so it is neither better nor worse (no "+0.00, worse")."""
    if amount is None or not math.isfinite(amount):
        return False
    return _half_up(amount, _delta_decimals(amount, unit)) != 0


def delta(amount: float | None, unit: str, extra_decimals: int = 0) -> str:
    """A change in the unit's own terms: `+2.1 pts` for rates (points, not percent)."""
    if amount is None or not math.isfinite(amount):
        return "–"
    decimals = _delta_decimals(amount, unit, extra_decimals)
    return number(amount, decimals, is_signed=True) + _distance(unit)


def margin(amount: float, unit: str) -> str:
    """A survey value's margin of error, a distance as a change is one, to one decimal: `29.2 pts`
    on an NPS (a slide's "± 29.2" stood without what it counts), `2.1 pts` on a share."""
    return number(amount, 1) + _distance(unit)


def _distance(unit: str) -> str:
    """What a distance between two values of `unit` is counted in, as a suffix."""
    if unit == "%":  # a rate changes in percentage points ("procentpoint" in Danish), not percent
        return suffix("unit.percent_points")
    if unit == "nps":
        return suffix("unit.points")
    if unit == "ces":
        return ""  # "+0.2", not "+0.2 / 7": the scale belongs to values, not changes
    style = UNITS[unit]
    return suffix(style.suffix_key) if style.suffix_key else ""


def month(day: date) -> str:
    """`Oct 2026` / `okt. 2026`: the month labels on every axis and heading."""
    return _date(day, "MMM y", i18n.babel_locale())


def month_name(day: date) -> str:
    """`Oct` / `okt.`: a month beside the month it is compared with, whose year the page says."""
    return _date(day, "MMM", i18n.babel_locale())


def month_long(day: date) -> str:
    """`October 2026` / `oktober 2026`."""
    return _date(day, "MMMM y", i18n.babel_locale())


def day(when: date) -> str:
    """A calendar date in the reader's format: `23 Nov 2026` / `23. nov. 2026`."""
    return _date(when, "medium", i18n.babel_locale())


@functools.lru_cache(maxsize=4096)
def _date(when: date, pattern: str, name: str) -> str:
    """A date written by Babel, remembered: a page or deck writes the same months and due dates
    thousands of times (a large company's deck 8,000)."""
    return format_date(when, pattern, locale=_parsed(name))


def day_unbroken(when: date) -> str:
    """`day`, never broken across lines: a goal's "senest 31. / dec. 2027" broke after the day
    on a phone. For what a person reads on a page or slide; files keep `day`'s plain spaces."""
    return day(when).replace(" ", NO_BREAK)


def month_unbroken(day: date) -> str:
    """`month`, never broken across lines (`day_unbroken`): "+42 by Dec / 2027"."""
    return month(day).replace(" ", NO_BREAK)


def moment(when: datetime) -> str:
    """A date and the time of day to the minute, in the reader's format: `3 Nov 2026 14:02` /
    `3. nov. 2026 14.02`."""
    locale = _locale()
    return f"{format_date(when, 'medium', locale=locale)} {format_time(when, 'short', locale=locale)}"


def date_pattern() -> str:
    """How a date picker and a table's date column write a day in the reader's language, as
    Streamlit takes it (a moment.js pattern): `2026-12-06` / `06.12.2026`."""
    return t("widget.date_pattern")


def decimal_symbol() -> str:
    """The decimal separator readers of the current language type (`,` in Danish)."""
    return get_decimal_symbol(_locale())


def read_ahead() -> None:
    """Read every language's texts, plural rules and the locale data Babel loads at its first
    use (number symbols, month names, date and time patterns). Otherwise the first page a
    process draws reads them: a profile of a just-started demo's first run found 0.3 s of its
    0.7 s there (TOML 0.19 s, Babel's pickled data 0.13 s; taken while another process ran, so
    slower than quiet; issue 21). The app's start-up calls it, once per process."""
    sample = datetime(2026, 1, 31, 12, 0)
    for language in i18n.languages():
        with i18n.use(language):
            i18n.plurals(language)
            i18n.plural_rule(language)
            number(-1234.5, 1, is_signed=True)
            month(sample.date())
            month_long(sample.date())
            day(sample.date())
            moment(sample)
            decimal_symbol()


def editable(value: float) -> str:
    """A stored number as a form shows it for editing, read back unchanged by the form: every
    digit it holds, no thousands separators, no exponent (`1e+06` is not a number a person
    types) and the reader's decimal separator, so a Dane saving `1,234` unchanged keeps 1.234
    rather than getting 1234."""
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", decimal_symbol())
