"""The Data page's "Close the month" tab: freeze the sidebar's month for meetings and exports, or
open a closed month again, with a reason (kept, and said on its packs)."""

from __future__ import annotations

import streamlit as st

from kpi.domain import owed
from kpi.domain.access import EVERYTHING
from kpi.store import closing
from kpi.text import fmt, plain
from kpi.text.i18n import t
from kpi.ui import data, forms
from kpi.ui.frame import Context


def _name(people: dict, email: str) -> str:
    return plain.markdown(people[email].name if email in people else email)


def _history(ctx: Context, people: dict) -> None:
    for reopened in data.reopenings(ctx.url, ctx.month):
        st.caption(t("close_tab.reopened", when=fmt.day(reopened.at.date()), who=_name(people, reopened.by)))
        st.text(reopened.reason)  # typed by a person: plain text


def _reopen_form(ctx: Context, month: str) -> None:
    """The reason and the button; a refused form keeps the reason typed (no clear on submit)."""
    with (
        st.expander(t("close_tab.reopen_title", month=month), icon=":material/lock_open:"),
        st.form("data.reopen"),
    ):
        st.caption(t("close_tab.reopen_explain"))
        reason = st.text_area(t("closing.reason"), max_chars=closing.REASON_LIMIT, key="data.reopen.reason")
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
            t("close_tab.closed", month=month, when=fmt.day(done[0].date()), who=who), icon=":material/lock:"
        )
        _history(ctx, people)
        _reopen_form(ctx, month)
        return
    _history(ctx, people)
    st.markdown(t("close_tab.explain", month=month))
    early = _before_closing(ctx)
    sure = st.checkbox(t("close_tab.anyway"), key="data.close.anyway") if early else True
    clicked = st.button(
        t("close_tab.button", month=month),
        type="primary",
        icon=":material/lock:",
        key="data.close",
        disabled=not sure,
    )
    if clicked and forms.write(ctx, closing.close, month=ctx.month):
        st.rerun()


FROZEN = (owed.Kind.VALUE, owed.Kind.COMMENTARY)
"""What a close freezes of what is owed: a value or a word missing then is missing in the meeting
(acceptances and actions go on after it)."""


def _before_closing(ctx: Context) -> bool:
    """What the close would leave out, said before the button: the month's values and commentary
    still owed, and the calendar's close day where it is still ahead. True when there is any:
    the close then asks to be confirmed (a trial closed November on 6 December, ten days before
    its planned close, with ten comments owed, and nothing said so)."""
    calendar = data.calendar(ctx.url, ctx.month)
    found = data.owed(ctx.url, EVERYTHING, ctx.month, ctx.language, ctx.today)
    counts = {kind: sum(1 for item in found if item.kind is kind) for kind in FROZEN}
    said = [t(f"close_tab.owed_{kind}", count=count) for kind, count in counts.items() if count]
    early = ctx.today < calendar.close
    if not said and not early:
        return False
    parts = [t("close_tab.still_owed", items=", ".join(said))] if said else []
    if early:
        parts.append(
            t("close_tab.planned", close=fmt.day(calendar.close), data_due=fmt.day(calendar.data_due))
        )
    st.warning(" ".join(parts), icon=":material/pending_actions:")
    return True
