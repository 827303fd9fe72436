"""Overview: the month at a glance, read top to bottom as a story."""

import streamlit as st

from kpi import attention, fmt, months
from kpi.i18n import t
from kpi.ui import data, frame, overview

ctx = frame.sidebar("overview")
st.title(t("overview.title", month=fmt.month_long(ctx.month)))
st.caption(t("overview.intro"))

month_report = data.month_report(ctx.url, ctx.scope, ctx.month, ctx.language)
history = data.history(ctx.url, ctx.scope, months.add(ctx.month, -12), ctx.month)

comments = data.commentary(ctx.url, ctx.scope, ctx.month, ctx.month, ctx.language)
overview.headline(month_report, history, comments)
overview.summary(month_report)
overview.changes(month_report)
actions = data.actions(ctx.url, ctx.scope, ctx.language)
overview.exceptions(attention.items(month_report, actions))
overview.promises(month_report, data.promises(ctx.url, ctx.language))
