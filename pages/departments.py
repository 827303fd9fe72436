"""Departments: one department's CX KPIs, trends, goals, service priorities, actions and comments."""

import streamlit as st

from kpi.domain import access, attention, months, priorities
from kpi.text import fmt, plain
from kpi.text.i18n import t
from kpi.ui import data, forms, frame, urlstate, widgets
from kpi.ui.views import departments_view

ctx = frame.sidebar("departments")
visible = {d.code: d.name for d in data.departments(ctx.url, ctx.scope, ctx.language)}
if not visible:
    frame.deny(t("departments.none_visible"))
heading = st.empty()  # the title names the department chosen just below it
# a link to a department the reader does not read showed another, silently
if urlstate.names_none_of("department", list(visible)):
    st.info(t("departments.not_read"), icon=":material/info:")
own = departments_view.first_shown(ctx.viewer.department, list(visible))
code = urlstate.selectbox(
    t("departments.choose"),
    list(visible),
    key="department",
    default=own,
    always_in_url=True,
    format_func=lambda c: visible[c],
)
scope = access.department_scope(ctx.scope, code, data.goal_links(ctx.url))
heading.title(
    t("departments.title", department=plain.markdown(visible[code]), month=fmt.month_long(ctx.month))
)

month_report = data.month_report(ctx.url, scope, ctx.month, ctx.language)
history = data.history(ctx.url, scope, months.add(ctx.month, -departments_view.TREND_MONTHS), ctx.month)
comments = data.commentary(ctx.url, scope, ctx.month, ctx.month, ctx.language)
facts = data.card_facts(ctx.url, scope, ctx.month, ctx.language)
events = data.company_events(ctx.url, scope, ctx.language)
service = data.service_priorities(ctx.url, scope, ctx.language)
departments_view.kpi_cards(month_report, history, comments, facts, events, (code, visible), service)

if shown := departments_view.months_shown(history):  # "the last 0 months" over nothing, before
    st.subheader(t("departments.trends", count=shown))
    departments_view.trends(month_report, history, scope, events, service)

goals_col, priorities_col = st.columns(2)
with goals_col:
    st.subheader(t("departments.goals"))
    departments_view.goals(month_report)
with priorities_col:
    st.subheader(t("departments.priorities"))
    values = [v for series in history.values() for v in series]
    results = [priorities.compliance(p, values, ctx.month) for p in service]
    departments_view.service_priorities(results, {k.code: k for k in data.kpis(ctx.url, scope, ctx.language)})

people = {p.email: p for p in data.people(ctx.url)}
goals = [row.goal for row in month_report.goals.values()]
kpis = [row.kpi for row in month_report.kpis.values()]
actions_col, comments_col = st.columns(2)
with actions_col:
    st.subheader(t("departments.actions"))
    actions = data.actions(ctx.url, scope, ctx.language)
    verdicts = data.initiative_verdicts(ctx.url, scope, ctx.month, ctx.language)
    widgets.action_list(actions, people, ctx.month, {g.code: g.title for g in goals}, verdicts)
    # off track, or a broken service priority on it, without an action: first
    wanted = attention.wanting_a_plan(month_report, actions, service)
    forms.new_action(ctx, goals, list(people.values()), key="departments", actions=actions, wanted=wanted)
    forms.action_status(ctx, actions, goals, key="departments", people=list(people.values()))
with comments_col:
    st.subheader(t("departments.commentary", month=fmt.month(ctx.month)))
    subjects = {k.code: k.name for k in kpis} | {g.code: g.title for g in goals}
    widgets.comment_list(comments, people, subjects)
    needed = attention.needs_commentary(month_report, comments)
    forms.commentary(ctx, kpis, goals, key="departments", needed=needed)
