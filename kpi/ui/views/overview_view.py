"""The Overview's sections: headline tiles → what changed → exceptions → promises kept."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from kpi.domain import attention, report
from kpi.domain.model import Commentary, GoalStatus, KpiStatus, Level, MonthValue, Promise
from kpi.text import fmt, palette, plain
from kpi.text.i18n import t
from kpi.ui import widgets

TILES_PER_ROW = 4
LEVELS = list(Level)


def headline(
    month_report: report.MonthReport,
    history: dict[str, list[MonthValue]],
    comments: Sequence[Commentary] = (),
) -> None:
    """One tile per top goal in scope (the strategic goals, for an executive)."""
    rows = [month_report.goals[node.goal.code] for node in month_report.roots]
    if not rows:
        st.info(t("overview.no_goals"))
        return
    for start in range(0, len(rows), TILES_PER_ROW):
        columns = st.columns(TILES_PER_ROW)
        for column, row in zip(columns, rows[start : start + TILES_PER_ROW], strict=False):
            with column:
                points = history.get(row.kpi.code, []) if row.kpi else []
                widgets.goal_tile(row, points, month_report.month, comments)


def summary(month_report: report.MonthReport) -> None:
    """One line that counts the goals by status: the whole cascade in a sentence."""
    counts: dict[GoalStatus, int] = {}
    for row in month_report.goals.values():
        counts[row.status] = counts.get(row.status, 0) + 1
    parts = [
        f"{widgets.badge_markdown(status)} **{counts[status]}**"
        for status in GoalStatus
        if counts.get(status)
    ]
    st.markdown(t("overview.summary", count=len(month_report.goals)) + " " + " ".join(parts))


def changes(month_report: report.MonthReport) -> None:
    st.subheader(t("overview.changes"))
    flips = month_report.flips()
    goal_flips = [f for f in flips if f.kind == "goal"]
    kpi_flips = [f for f in flips if f.kind == "kpi"]
    if not flips:
        st.caption(t("overview.no_changes"))
        return
    _flip_columns(month_report, goal_flips)
    if kpi_flips:
        with st.expander(t("overview.kpi_changes", count=len(kpi_flips))):
            _flip_columns(month_report, kpi_flips)


def _flip_columns(month_report: report.MonthReport, flips: Sequence[report.Flip]) -> None:
    worse, better = st.columns(2)
    for column, is_better, heading in (
        (worse, False, "overview.turned_worse"),
        (better, True, "overview.turned_better"),
    ):
        with column:
            st.markdown(f"**{t(heading)}**")
            shown = [f for f in flips if f.is_better == is_better]
            if not shown:
                st.caption(t("overview.none"))
            if len(shown) > LIST_LIMIT:
                st.caption(t("overview.more", count=len(shown) - LIST_LIMIT))
            for flip in shown[:LIST_LIMIT]:
                st.markdown(_flip_line(month_report, flip))


def _flip_line(month_report: report.MonthReport, flip: report.Flip) -> str:
    from_status: KpiStatus | GoalStatus
    to_status: KpiStatus | GoalStatus
    if flip.kind == "goal":
        row = month_report.goals[flip.code]
        name = row.goal.title
        from_status, to_status = row.previous_status, row.status
    else:
        krow = month_report.kpis[flip.code]
        name = krow.kpi.name
        from_status, to_status = krow.previous_status, krow.status
    arrow = "▲" if flip.is_better else "▼"
    return (
        f"{arrow} {plain.markdown(name)}: {palette.label(from_status)} → {widgets.badge_markdown(to_status)}"
    )


def exceptions(items: Sequence[attention.Item]) -> None:
    st.subheader(t("overview.exceptions"))
    if not items:
        st.success(t("overview.no_exceptions"), icon=":material/check_circle:")
        return
    for item in (i for i in items if i.kind is attention.Kind.MISMATCH):
        with st.container(border=True):
            st.markdown(
                f"**{t(f'mismatch.{item.detail}')}: {plain.markdown(item.subject)}**  \n"
                f"{t(f'mismatch.{item.detail}_help')}"
            )
            widgets.goal_link(item.goal or "", t("overview.open_goal"))
    behind, other = st.columns(2)
    with behind:
        st.markdown(f"**{t('overview.goals_behind')}**")
        _item_rows([i for i in items if i.kind in attention.BEHIND_KINDS], t("overview.none_behind"))
    with other:
        st.markdown(f"**{t('overview.late_actions')}**")
        _item_rows([i for i in items if i.kind is attention.Kind.LATE_ACTION], t("overview.none_late"))
        st.markdown(f"**{t('overview.missing_data')}**")
        _item_rows([i for i in items if i.kind is attention.Kind.NO_DATA], t("overview.none_missing"))


LIST_LIMIT = 12
"""Rows per attention list: the most severe first; the rest are counted, and live in the cascade."""


def _item_rows(items: Sequence[attention.Item], empty: str) -> None:
    if not items:
        st.caption(empty)
    if len(items) > LIST_LIMIT:
        st.caption(t("overview.more", count=len(items) - LIST_LIMIT))
    for item in items[:LIST_LIMIT]:
        text, link = st.columns([5, 1], vertical_alignment="center")
        text.markdown(_item_text(item))
        if item.goal:
            with link:
                widgets.goal_link(item.goal, t("overview.open_goal"))


def _item_text(item: attention.Item) -> str:
    if item.kind in attention.BEHIND_KINDS:
        status = GoalStatus(str(item.kind))
        level = t(f"level.{LEVELS[item.level_depth]}")
        return f"{widgets.badge_markdown(status)} {plain.markdown(item.subject)} · {level}"
    if item.kind is attention.Kind.LATE_ACTION:
        due = fmt.day(date.fromisoformat(item.detail))
        return t("overview.late_action", subject=plain.markdown(item.subject), due=due)
    return plain.markdown(item.subject)


def promises(month_report: report.MonthReport, all_promises: Sequence[Promise]) -> None:
    st.subheader(t("overview.promises"))
    shown = False
    for promise in all_promises:
        green, measured = report.promise_kept(month_report, promise.code)
        if not measured:
            continue
        shown = True
        with st.container(border=True):
            st.markdown(f"**«{plain.markdown(promise.text)}»**")
            st.progress(green / measured, text=t("overview.promise_kept", green=green, count=measured))
    if not shown:
        st.caption(t("overview.no_promises"))
