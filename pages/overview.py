"""Overview: the month at a glance, read top to bottom as a story."""

import streamlit as st

from kpi.domain import attention, months
from kpi.text import fmt
from kpi.text.i18n import t
from kpi.ui import data, firstrun, frame
from kpi.ui.views import cycle_view, overview_view

ctx = frame.sidebar("overview")
st.title(t("overview.title", month=fmt.month_long(ctx.month)))
# a head's tiles are her top goals, not the strategic ones
st.caption(t("overview.intro" if ctx.scope.departments is None else "overview.intro_own"))
closed = data.closed_month(ctx.url, ctx.month)
cycle_view.calendar_line(data.calendar(ctx.url, ctx.month), closed[0].date() if closed else None)
revised = data.revised(ctx.url, ctx.scope, ctx.month, ctx.language) if closed else {}
firstrun.remaining(ctx.url, ctx.viewer)  # an administrator whose company is not all in yet

month_report = data.month_report(ctx.url, ctx.scope, ctx.month, ctx.language)
overview_view.revised_since_close(revised, month_report)
history = data.history(ctx.url, ctx.scope, months.add(ctx.month, -12), ctx.month)

comments = data.commentary(ctx.url, ctx.scope, ctx.month, ctx.month, ctx.language)
items = attention.by_measure(data.attention(ctx.url, ctx.scope, ctx.month, ctx.language, ctx.today))
facts = data.card_facts(ctx.url, ctx.scope, ctx.month, ctx.language)
overview_view.attention_summary(items)
owed = data.owed(ctx.url, ctx.scope, ctx.month, ctx.language, ctx.today)
cycle_view.owed_pointer(owed, ctx.viewer.email, fmt.month_long(ctx.month))  # hers, at the top
events = data.company_events(ctx.url, ctx.scope, ctx.language)
everyone = ctx.scope.departments is None
overview_view.headline(month_report, history, comments, ctx.scope.served, facts, events, everyone)
overview_view.summary(month_report, ctx.scope)
owners = {p.email: p.name for p in data.people(ctx.url)}
moves = overview_view.moves(items, month_report, data.splits(ctx.url, ctx.scope, ctx.month))
overview_view.exceptions(items, owners, moves)
departments = {d.code: d.name for d in data.departments(ctx.url, ctx.scope, ctx.language)}
cycle_view.owed_section(owed, ctx.viewer.email, owners, departments, fmt.month_long(ctx.month))
overview_view.changes(month_report, ctx.scope)
overview_view.promises(month_report, data.promises(ctx.url, ctx.language), ctx.scope)
