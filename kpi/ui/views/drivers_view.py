"""The "Drivers" tab of Why it moved: which touchpoints matter most for a survey score (say NPS)
and which of those score worst, for all customers and each segment (kpi.domain.drivers).

For the CX director: pick the outcome and how many months; read the importance × performance
chart (top left: fix first), the table with each touchpoint's 95 % interval, and how the order
differs by segment. Below `drivers.MIN_N` customers who rated every touchpoint it says "not enough
answers" and ranks nothing.
"""

from __future__ import annotations

import streamlit as st

from kpi.domain import drivers, months
from kpi.domain.drivers import Analysis, Slices
from kpi.output import driver_chart
from kpi.store.drivers import Pair
from kpi.text import driver_words, fmt, plain
from kpi.text.i18n import t
from kpi.ui import data, figures, widgets
from kpi.ui.frame import Context

WINDOWS = (3, 6, 12)
"""How many months, ending with the month picked, the analysis may span."""
CHART_HEIGHT = 420
"""The importance × performance chart, in pixels."""


def _groups(found: Slices) -> list[tuple[str, Analysis]]:
    """All customers first, then each segment, with their names."""
    return [
        (t("drivers.everyone"), found.everyone),
        *((driver_words.segment(code), analysis) for code, analysis in found.segments),
    ]


PHONE_COLUMNS = ("col_touchpoint", "col_quadrant", "col_share", "col_rating")
"""The table's columns on a phone, whose rows stand in rank order already: six ran off its right
edge, the interval and the rating unseen (a CX director's trial)."""


def _table(analysis: Analysis) -> None:
    """Each touchpoint's rank and priority first, then what they come from: a phone showed the
    importance and its interval and left the priority off its right edge (a CEO's trial); a
    phone gets the four columns that fit (`PHONE_COLUMNS`)."""
    rows = [
        {
            t("drivers.col_rank"): d.rank,
            t("drivers.col_touchpoint"): driver_words.name(d.touchpoint),
            t("drivers.col_quadrant"): driver_words.quadrant(d.quadrant),
            t("drivers.col_share"): driver_words.share(d),
            t("drivers.col_rating"): driver_words.rating(d),
            t("drivers.col_interval"): driver_words.share_interval(d),
        }
        for d in analysis.drivers
    ]
    widgets.screen_style()
    with st.container(key="wide-drivers-table"):
        st.dataframe(rows, hide_index=True, width="stretch")
    with st.container(key="phone-drivers-table"):
        shown = [t(f"drivers.{name}") for name in PHONE_COLUMNS]
        st.dataframe(rows, hide_index=True, width="stretch", column_order=shown)


def _by_segment(found: Slices, groups: list[tuple[str, Analysis]]) -> None:
    """Touchpoints down, groups across: each one's share and rank, so differences show at once."""
    st.subheader(t("drivers.by_segment"))
    st.caption(t("drivers.by_segment_caption", needed=drivers.MIN_N))
    rows = []
    order = [d.touchpoint for d in found.everyone.drivers] or list(found.touchpoints)
    for touchpoint in order:
        row = {t("drivers.col_touchpoint"): driver_words.name(touchpoint)}
        for name, analysis in groups:
            driver = next((d for d in analysis.drivers if d.touchpoint == touchpoint), None)
            row[name] = (
                t("drivers.cell", share=driver_words.share(driver), rank=driver.rank)
                if driver is not None
                else t("drivers.too_few")
            )
        rows.append(row)
    st.dataframe(rows, hide_index=True, width="stretch")


def _slice(analysis: Analysis, name: str, pair: Pair, period: str) -> None:
    if not analysis.is_enough:
        st.info(driver_words.not_enough(analysis, name, drivers.MIN_N), icon=":material/info:")
        return
    st.markdown(
        plain.markdown(
            t(
                "drivers.summary",
                count=analysis.n,
                number=fmt.number(analysis.n),
                period=period,
                explained=driver_words.explained(analysis),
                outcome=pair.outcome_name,
            )
        )
    )
    st.subheader(t("drivers.chart_title"))  # a heading wraps on a phone, a chart's title would not
    figures.draw(
        driver_chart.importance_performance(analysis, name, pair.scale),
        CHART_HEIGHT,
        "why.drivers.chart",
        f"{t('drivers.chart_title')}: {name}",
    )
    st.caption(plain.markdown(t("drivers.ratings_from", rating=pair.rating_name)))
    _table(analysis)


def render(ctx: Context) -> None:
    window_col, outcome_col = st.columns([2, 3], vertical_alignment="bottom")
    window = window_col.segmented_control(
        t("drivers.window"),
        WINDOWS,
        default=WINDOWS[0],
        key="why.drivers.window",
        format_func=lambda count: t("drivers.window_option", count=count),
    )
    last = ctx.month
    first = months.add(last, -((window or WINDOWS[0]) - 1))
    pairs = data.driver_pairs(ctx.url, ctx.scope, first, last, ctx.language)
    if not pairs:
        st.info(t("drivers.nothing"), icon=":material/info:")
        return
    pair = outcome_col.selectbox(
        t("drivers.outcome"),
        pairs,
        key="why.drivers.outcome",
        format_func=lambda p: p.outcome_name,
        help=t("drivers.outcome_help"),
    )
    found = data.driver_analysis(ctx.url, pair.reach, pair.outcome, pair.rating, first, last)
    groups = _groups(found)
    chosen = st.segmented_control(
        t("drivers.group"),
        range(len(groups)),
        default=0,
        key="why.drivers.group",
        format_func=lambda index: plain.markdown(groups[index][0]),
    )
    name, analysis = groups[chosen or 0]
    _slice(analysis, name, pair, driver_words.period(first, last))
    if found.touchpoints and len(groups) > 1:
        _by_segment(found, groups)
    with st.expander(t("drivers.method_title")):
        st.markdown(
            t(
                "drivers.method",
                resamples=drivers.BOOTSTRAP_B,
                seed=drivers.BOOTSTRAP_SEED,
                needed=drivers.MIN_N,
            )
        )
