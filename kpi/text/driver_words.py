"""The driver analysis in words: a touchpoint's importance, its interval, its mean rating and its
quadrant, written the same on the Drivers tab, its chart and the pack's slide."""

from __future__ import annotations

from datetime import date

from kpi.domain.drivers import Analysis, Driver, Quadrant
from kpi.text import fmt, survey
from kpi.text.i18n import t

QUADRANT_ICONS = {
    Quadrant.FIX_FIRST: "▲",
    Quadrant.STRENGTH: "●",
    Quadrant.LOW_PRIORITY: "○",
    Quadrant.OVERSERVED: "◇",
}
"""The quadrant's sign beside its word, so the chart's colour is never the only signal."""


def name(code: str) -> str:
    """A touchpoint as people call it (`customer_service` → "Customer service", "Kundeservice";
    kpi.text.survey); a code the catalogue does not know as the answers spell it (plain text:
    escape it where Markdown shows it)."""
    return survey.touchpoint(code)


def segment(code: str) -> str:
    """A segment as people call it (`business` → "Business", "Erhverv"; kpi.text.survey)."""
    return survey.segment(code)


def percent(share: float) -> str:
    """A share 0-1 as a whole percent: `38 %`."""
    return fmt.number(100 * share, 0) + fmt.suffix("unit.percent")


def share(driver: Driver) -> str:
    """`38 %`: the touchpoint's part of what the ratings explain."""
    return percent(driver.share)


def share_interval(driver: Driver) -> str:
    """`32–44 %`: the 95 % bootstrap interval of that part."""
    low, high = fmt.number(100 * driver.share_low, 0), fmt.number(100 * driver.share_high, 0)
    return fmt.span(low, high) + fmt.suffix("unit.percent")


def rating(driver: Driver) -> str:
    """`3.4`: the touchpoint's mean rating."""
    return fmt.number(driver.performance, 1)


def rating_axis(scale: tuple[int, int] | None) -> str:
    """The rating axis's name, with the scale its ratings are on where known: "Mean rating
    (1–5)"; a CX director asked what 3.9 was out of."""
    if scale is None:
        return t("drivers.axis_rating")
    return t("drivers.axis_rating_scale", low=fmt.number(scale[0]), high=fmt.number(scale[1]))


def quadrant(where: Quadrant) -> str:
    """`▲ Fix first`."""
    return f"{QUADRANT_ICONS[where]} {t(f'drivers.quadrant_{where}')}"


def period(first: date, last: date) -> str:
    """`Aug 2026 – Oct 2026`, or one month."""
    return fmt.month(last) if first == last else f"{fmt.month(first)} – {fmt.month(last)}"


def explained(analysis: Analysis) -> str:
    """R² as the share of the differences in the outcome the ratings explain: `41 %`."""
    return percent(analysis.r2 or 0.0)


def not_enough(analysis: Analysis, group: str, needed: int) -> str:
    """Why a slice has no analysis: how many answered in full, and how many it needs."""
    return t(
        "drivers.not_enough", count=analysis.n, number=fmt.number(analysis.n), group=group, needed=needed
    )
