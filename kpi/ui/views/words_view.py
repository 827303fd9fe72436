"""The "customers' own words" tab of the Why page: comments beside their scores, as written.

Filters: the survey KPI, the months (the month, the last 3 or the last 12), segment, touchpoint,
score group (`kpi.domain.words.GROUPS`) and a plain search (a case-insensitive substring: no
wildcards, no patterns). The comments come a page at a time, newest first, each as plain text
with its date, score, segment and touchpoint; above them, the number of comments per touchpoint
in the KPI's worst group (NPS: detractors), as bars with their numbers. Everything is read in the
viewer's scope (kpi.store.respondents), which is part of every cache key here. Nothing is
summarised or generated: what is shown is what customers typed.
"""

from __future__ import annotations

import streamlit as st

from kpi.domain import checks, months, words
from kpi.domain.model import Aggregation, Kpi
from kpi.output import word_charts
from kpi.store import respondents
from kpi.store.respondents import Comment, Filter
from kpi.text import fmt, plain, survey
from kpi.text.i18n import t
from kpi.ui import data, figures
from kpi.ui.frame import Context

PERIODS = {"quarter": 3, "month": 1, "year": 12}
"""The months a reader may choose, ending with the page's month; the first is the default (a
month of a department's survey holds few comments to read)."""
_PAGE = "words.page"
_ALL = ""


def render(ctx: Context) -> None:
    """The tab: filters, the worst group's comments per touchpoint, then the comments."""
    st.caption(t("words.intro"))
    kpis = {k.code: k for k in data.kpis(ctx.url, ctx.scope, ctx.language)}
    codes = [code for code in data.commented_kpis(ctx.url, ctx.scope) if code in kpis]  # most commented first
    if not codes:
        st.info(t("words.none"))
        return
    wanted, kpi = _filters(ctx, kpis, codes)
    _worst_per_touchpoint(ctx, wanted, kpi.aggregation)
    _comments(ctx, wanted, kpi.aggregation)


def _filters(ctx: Context, kpis: dict[str, Kpi], codes: list[str]) -> tuple[Filter, Kpi]:
    first_row = st.columns([3, 2, 2], vertical_alignment="bottom")
    code = first_row[0].selectbox(t("words.kpi"), codes, key="words.kpi", format_func=lambda c: kpis[c].name)
    kpi = kpis[code]
    period = first_row[1].selectbox(
        t("words.period"),
        list(PERIODS),
        key="words.period",
        format_func=lambda p: t(
            f"words.period_{p}", month=fmt.month_long(ctx.month), short=fmt.month_unbroken(ctx.month)
        ),
    )
    first = months.add(ctx.month, 1 - PERIODS[period])
    aggregation = kpi.aggregation
    groups = [_ALL, *words.GROUPS[aggregation]]
    group = first_row[2].selectbox(  # the worst group first, as the chart above it counts them
        t("words.group"),
        groups,
        index=1,  # it opened on every score, newest first: praise above the critics the chart counts
        key=f"words.group.{aggregation}",
        format_func=lambda g: survey.group(aggregation, g) if g else t("words.all_groups"),
    )
    found = data.comment_choices(ctx.url, ctx.scope, code, first, ctx.month)
    second_row = st.columns([2, 2, 3], vertical_alignment="bottom")
    segment = second_row[0].selectbox(
        t("words.segment"),
        [_ALL, *found["segment"]],
        key="words.segment",
        format_func=lambda s: survey.segment(s) if s else t("words.all_segments"),
    )
    touchpoint = second_row[1].selectbox(
        t("words.touchpoint"),
        [_ALL, *found["touchpoint"]],
        key="words.touchpoint",
        format_func=lambda s: survey.touchpoint(s) if s else t("words.all_touchpoints"),
    )
    search = second_row[2].text_input(
        t("words.search"), key="words.search", max_chars=200, placeholder=t("words.search_hint")
    )
    wanted = Filter(
        kpi=code,
        first=first,
        last=ctx.month,
        segment=segment or None,
        touchpoint=touchpoint or None,
        group=group or None,
        search=search.strip(),
    )
    return wanted, kpi


def _worst_per_touchpoint(ctx: Context, wanted: Filter, aggregation: Aggregation) -> None:
    """The comments per touchpoint in the KPI's worst group, whatever group and touchpoint are
    picked (the other filters hold): where the unhappy customers' words point."""
    worst = words.GROUPS[aggregation][0]
    counts = data.comments_per_touchpoint(
        ctx.url,
        ctx.scope,
        Filter(wanted.kpi, wanted.first, wanted.last, wanted.segment, None, worst, wanted.search),
    )
    label = survey.group(aggregation, worst)
    st.subheader(t("words.per_touchpoint", group=label))
    if not counts:
        st.caption(t("words.no_comments"))
        return
    labelled = [(survey.touchpoint(tp), n) for tp, n in counts]
    figures.draw(
        word_charts.per_touchpoint(labelled, "", words.MIN_N),
        word_charts.height(len(labelled)),
        "words.chart",
        t("words.per_touchpoint", group=label),
    )
    numbers = " · ".join(f"{plain.markdown(name)} {fmt.number(n)}" for name, n in labelled)
    st.caption(numbers)
    if any(n < words.MIN_N for _, n in counts):
        st.caption(t("words.few", count=words.MIN_N))


def _comments(ctx: Context, wanted: Filter, aggregation: Aggregation) -> None:
    signature = repr(wanted)
    if st.session_state.get(f"{_PAGE}.for") != signature:  # new filters start at the first page
        st.session_state[f"{_PAGE}.for"] = signature
        st.session_state[_PAGE] = 0
    page = int(st.session_state.get(_PAGE, 0))
    total, shown = data.comments(ctx.url, ctx.scope, wanted, page)
    pages = max(-(-total // respondents.PAGE_SIZE), 1)
    if page >= pages:
        page = st.session_state[_PAGE] = pages - 1
        total, shown = data.comments(ctx.url, ctx.scope, wanted, page)
    st.subheader(t("words.comments", count=total))
    if not shown:
        st.caption(t("words.no_comments"))
        return
    for comment in shown:
        _comment(comment, aggregation)
    first = page * respondents.PAGE_SIZE + 1
    previous, where, following = st.columns([1, 2, 1], vertical_alignment="center")
    if previous.button(t("words.previous"), key="words.previous", disabled=page == 0):
        st.session_state[_PAGE] = page - 1
        st.rerun()
    where.caption(t("words.showing", first=first, last=first + len(shown) - 1, total=fmt.number(total)))
    if following.button(t("words.next"), key="words.next", disabled=page + 1 >= pages):
        st.session_state[_PAGE] = page + 1
        st.rerun()


def _comment(comment: Comment, aggregation: Aggregation) -> None:
    """One comment: what the customer wrote, as plain text, under its date, score and where."""
    group = (
        words.score_group(aggregation, comment.score) if checks.on_scale(aggregation, comment.score) else None
    )
    parts = [
        plain.markdown(fmt.day_unbroken(comment.date)),  # "30. nov." first in a line would be a numbered list
        t("words.score", score=comment.score),
        *([survey.group(aggregation, group, scores=False)] if group else []),
        plain.markdown(survey.segment(comment.segment)),
        plain.markdown(survey.touchpoint(comment.touchpoint)),
    ]
    with st.container(border=True):
        st.caption(" · ".join(parts))
        st.markdown(plain.markdown(comment.text))
