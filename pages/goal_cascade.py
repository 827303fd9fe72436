"""Goal cascade: strategic → tactical → operational, each goal's status, and one goal in detail."""

import streamlit as st

from kpi.domain import attention, months
from kpi.text import fmt
from kpi.text.i18n import t
from kpi.ui import data, forms, frame, urlstate, widgets
from kpi.ui.views import cascade_view

ctx = frame.sidebar("goal_cascade")
st.title(t("cascade.title", month=fmt.month_long(ctx.month)))
month_report = data.month_report(ctx.url, ctx.scope, ctx.month, ctx.language)
departments = {d.code: d.name for d in data.departments(ctx.url, ctx.scope, ctx.language)}

left, right = st.columns([2, 3])
department = widgets.department_filter(departments, where=left, whole=ctx.scope.departments is None)
level = right.segmented_control(
    t("cascade.level"),
    cascade_view.level_options(),
    key="cascade.level",
    format_func=lambda lvl: t(f"level.{lvl}"),
)
rows = cascade_view.visible_rows(month_report, department, level)
cascade_view.tree(rows, month_report.kpis, month_report.goals)

codes = [row.goal.code for _, row in rows]
titles = {row.goal.code: row.goal.title for _, row in rows}
# a link to a goal the reader does not read opened nothing, silently
if urlstate.names_none_of("goal", list(month_report.goals)):
    st.info(t("cascade.goal_not_read"), icon=":material/info:")
chosen = urlstate.selectbox(
    t("cascade.choose_goal"),
    [None, *codes],
    key="goal",
    format_func=lambda code: titles.get(code, ""),
    placeholder=t("cascade.pick_prompt"),
)
if chosen in month_report.goals:
    cascade_view.tree_after_on_phone()
    people = {p.email: p for p in data.people(ctx.url)}
    promises = {p.code: p for p in data.promises(ctx.url, ctx.language)}
    history = data.history(ctx.url, ctx.scope, months.add(ctx.month, -cascade_view.TREND_MONTHS), ctx.month)
    row = month_report.goals[chosen]
    facts = data.card_facts(ctx.url, ctx.scope, ctx.month, ctx.language)
    points = history.get(row.kpi.code, []) if row.kpi else []
    actions = data.actions(ctx.url, ctx.scope, ctx.language)
    verdicts = data.initiative_verdicts(ctx.url, ctx.scope, ctx.month, ctx.language)
    events = data.company_events(ctx.url, ctx.scope, ctx.language)
    judged = [(a, verdicts[a.id]) for a in actions if a.id in verdicts]
    split = data.splits(ctx.url, ctx.scope, ctx.month).get(row.kpi.code) if row.kpi else None
    kept = attention.compliance(month_report, data.service_priorities(ctx.url, ctx.scope, ctx.language))
    on_kpi = [c for c in kept if row.kpi and c.priority.kpi == row.kpi.code]
    cascade_view.detail(
        row, month_report, points, people, promises, ctx.scope, facts, events, judged, split, on_kpi
    )
    comments = data.commentary(ctx.url, ctx.scope, ctx.month, ctx.month, ctx.language)
    unit = row.kpi.unit if row.kpi else "count"
    cascade_view.target_history(data.target_history(ctx.url, ctx.scope, row.goal.code), unit, people)
    cascade_view.actions_and_comments(row, ctx.today, actions, comments, people, verdicts, ctx.scope)
    forms.accept(ctx, row.goal, key="cascade")
    forms.commentary(ctx, [row.kpi] if row.kpi else [], [row.goal], key="cascade")
    wanted = attention.wanting_a_plan(
        month_report, actions, data.service_priorities(ctx.url, ctx.scope, ctx.language)
    )
    forms.new_action(ctx, [row.goal], list(people.values()), key="cascade", actions=actions, wanted=wanted)
    # an overdue action's Open on the Overview lands here: it can be moved along where it is read
    own = [a for a in actions if a.goal == row.goal.code]
    forms.action_status(ctx, own, [row.goal], key="cascade", people=list(people.values()))
