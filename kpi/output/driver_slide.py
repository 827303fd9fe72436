"""The pack's one slide on the driver analysis: what drives the outcome KPI (say NPS), touchpoint by
touchpoint, most important first, with each one's interval, mean rating, quadrant and rank in
each segment; the Present page shows the same slide."""

from __future__ import annotations

from datetime import date

from kpi.domain.drivers import BOOTSTRAP_B, MIN_N, Analysis, Driver, Slices
from kpi.output.deck import Line, Slide
from kpi.text import driver_words, fmt
from kpi.text.i18n import t

KIND = "drivers"


def _segment_ranks(driver: Driver, segments: tuple[tuple[str, Analysis], ...]) -> str:
    """`Private #1 · Business #3`: where the touchpoint ranks in each segment with enough answers."""
    ranks = []
    for segment, analysis in segments:
        rank = next((d.rank for d in analysis.drivers if d.touchpoint == driver.touchpoint), None)
        if rank is not None:
            ranks.append(t("drivers.rank_in", segment=driver_words.segment(segment), rank=rank))
    return " · ".join(ranks)


def _line(driver: Driver, segments: tuple[tuple[str, Analysis], ...]) -> Line:
    touchpoint = driver_words.name(driver.touchpoint)
    share, interval = driver_words.share(driver), driver_words.share_interval(driver)
    rating = t("drivers.mean_rating", rating=driver_words.rating(driver))
    quadrant = driver_words.quadrant(driver.quadrant)
    note = " · ".join(p for p in (rating, quadrant, _segment_ranks(driver, segments)) if p)
    why = t(
        "drivers.line_why",
        touchpoint=touchpoint,
        share=share,
        interval=interval,
        rating=rating,
        quadrant=quadrant,
    )
    return Line(touchpoint, f"{share} ({interval})", note=note, why=why)


def slide(
    found: Slices, outcome: str, first: date, last: date, scale: tuple[int, int] | None = None
) -> Slide | None:
    """The slide of `found` (the analysis of the outcome KPI named `outcome` over `first`..`last`,
    its ratings on the answer `scale`); None when nobody in the reader's scope rated a touchpoint."""
    if not found.touchpoints:
        return None
    title = t("drivers.slide_title", outcome=outcome)
    period = driver_words.period(first, last)
    everyone = found.everyone
    if not everyone.is_enough:
        reason = driver_words.not_enough(everyone, t("drivers.everyone"), MIN_N)
        return Slide(KIND, title, period, lines=(Line(reason),))
    subtitle = t(
        "drivers.slide_subtitle",
        period=period,
        count=everyone.n,
        number=fmt.number(everyone.n),
        explained=driver_words.explained(everyone),
    )
    return Slide(
        KIND,
        title,
        subtitle,
        lines=tuple(_line(d, found.segments) for d in everyone.drivers),
        why=t("drivers.method_short", resamples=fmt.number(BOOTSTRAP_B)),
        drivers=everyone,
        drivers_scale=scale,
    )
