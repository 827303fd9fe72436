"""The Data page's "Close the month" tab: freeze the sidebar's month for meetings and exports, or
open a closed month again, with a reason (kept, and said on its packs)."""

from __future__ import annotations

import streamlit as st

from kpi.domain import months, owed
from kpi.domain.access import EVERYTHING
from kpi.store import closing
from kpi.text import fmt, phrases, plain, words
from kpi.text.i18n import t
from kpi.ui import data, forms
from kpi.ui.frame import Context


def _name(people: dict, email: str) -> str:
    return plain.markdown(words.who({e: p.name for e, p in people.items()}, email))


def _history(ctx: Context, people: dict) -> None:
    for reopened in data.reopenings(ctx.url, ctx.month):
        st.caption(
            t("close_tab.reopened", when=fmt.day_unbroken(reopened.at.date()), who=_name(people, reopened.by))
        )
        st.text(reopened.reason)  # typed by a person: plain text


def _reopen_form(ctx: Context, month: str) -> None:
    """The reason and the button; a refused form keeps the reason typed (no clear on submit)."""
    with (
        st.expander(t("close_tab.reopen_title", month=month), icon=":material/lock_open:"),
        st.form("data.reopen"),
    ):
        st.caption(t("close_tab.reopen_explain"))
        reason = st.text_area(t("closing.reason"), key="data.reopen.reason")  # no max_chars: see forms
        submitted = st.form_submit_button(
            t("close_tab.reopen_button", month=month), icon=":material/lock_open:"
        )
    if submitted and forms.write(ctx, closing.reopen, month=ctx.month, reason=reason):
        st.rerun()


def panel(ctx: Context, people: dict) -> None:
    done = data.closed_month(ctx.url, ctx.month)
    month = fmt.month_long(ctx.month)
    if done:
        who = _name(people, done[1])
        st.success(
            t("close_tab.closed", month=month, when=fmt.day_unbroken(done[0].date()), who=who),
            icon=":material/lock:",
        )
        # what comes next: the close said "Saved." and no more (an administrator's trial)
        where = phrases.menu_path("nav.data", "definitions.group_data", "definitions.tab_send")
        st.caption(t("close_tab.next", where=where))
        _history(ctx, people)
        _reopen_form(ctx, month)
        return
    _history(ctx, people)
    st.markdown(t("close_tab.explain", month=month))
    early = _before_closing(ctx)
    anyway = f"data.close.anyway.{months.key(ctx.month)}"  # ticked for one month, not for the next
    sure = st.checkbox(t("close_tab.anyway"), key=anyway) if early else True
    clicked = st.button(
        t("close_tab.button", month=month),
        type="primary",
        icon=":material/lock:",
        key="data.close",
        disabled=not sure,
    )
    if clicked and forms.write(ctx, closing.close, month=ctx.month):
        st.rerun()


def _before_closing(ctx: Context) -> bool:
    """What the close would leave out (`owed.left_out`), said before the button; True when there
    is any: the close then asks to be confirmed."""
    found = data.owed(ctx.url, EVERYTHING, ctx.month, ctx.language, ctx.today)
    left = owed.left_out(found, data.calendar(ctx.url, ctx.month), ctx.today)
    if left:
        names = {p.email: p.name for p in data.people(ctx.url)}
        st.warning(plain.markdown(phrases.left_out(left, names)), icon=":material/pending_actions:")
    others = sum(1 for item in found if item.kind not in owed.FROZEN)
    if others:  # the Overview counted 19 owed where this said 2, and nothing said why (a trial)
        st.caption(t("close_tab.others_go_on", count=others))
    return bool(left)
