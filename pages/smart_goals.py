"""SMART goals: which goals are specific, measurable, accepted, realistic and time-bound, and why not."""

import streamlit as st

from kpi.text import fmt
from kpi.text.i18n import t
from kpi.ui import data, frame, widgets
from kpi.ui.views import smart_view

ctx = frame.sidebar("smart_goals")
st.title(t("smart_page.title", month=fmt.month_long(ctx.month)))
st.caption(t("smart_page.intro"))

month_report = data.month_report(ctx.url, ctx.scope, ctx.month, ctx.language)
assessments = data.smart_assessments(ctx.url, ctx.scope, ctx.month)
people = {p.email: p for p in data.people(ctx.url)}
departments = {d.code: d.name for d in data.departments(ctx.url, ctx.scope, ctx.language)}
owners = {
    g.owner: people[g.owner].name for g in (r.goal for r in month_report.goals.values()) if g.owner in people
}

# three filters a row and the switch below them: with a fourth column the levels lost
# "Operationelt" past the column's edge at 1280 pixels, and the switch's words were cut
level_col, department_col, owner_col = st.columns([3, 2, 2], vertical_alignment="bottom")
with level_col:
    level = st.segmented_control(
        t("cascade.level"),
        ["strategic", "tactical", "operational"],
        key="smart.level",
        format_func=lambda lvl: t(f"level.{lvl}"),
    )
department = widgets.department_filter(departments, where=department_col, whole=ctx.scope.departments is None)
owner = owner_col.selectbox(
    t("smart_page.owner"),
    [widgets.ALL, *sorted(owners, key=lambda e: owners[e])],
    key="smart.owner",
    format_func=lambda e: owners.get(e, t("smart_page.all_owners")),
)
failing_only = st.toggle(t("smart_page.failing_only"), key="smart.failing")

pairs = smart_view.rows(
    month_report,
    assessments,
    level=level,
    department=department,
    owner=owner or None,
    failing_only=failing_only,
)
smart_view.waiting_for_me(ctx, pairs)
smart_view.summary(pairs)
smart_view.table(pairs, people)
st.subheader(t("smart_page.to_fix"))
smart_view.to_fix(ctx, pairs, people)
