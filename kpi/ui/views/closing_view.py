"""The Data page's "Close the month" tab: freeze the sidebar's month for meetings and exports."""

from __future__ import annotations

import streamlit as st

from kpi.store import closing
from kpi.text import fmt, plain
from kpi.text.i18n import t
from kpi.ui import data, forms
from kpi.ui.frame import Context


def panel(ctx: Context, people: dict) -> None:
    done = data.closed_month(ctx.url, ctx.month)
    month = fmt.month_long(ctx.month)
    if done:
        who = plain.markdown(people[done[1]].name if done[1] in people else done[1])
        st.success(
            t("close_tab.closed", month=month, when=fmt.day(done[0].date()), who=who), icon=":material/lock:"
        )
        return
    st.markdown(t("close_tab.explain", month=month))
    clicked = st.button(
        t("close_tab.button", month=month), type="primary", icon=":material/lock:", key="data.close"
    )
    if clicked and forms.write(ctx, closing.close, month=ctx.month):
        st.rerun()
