"""Data (administrators): the strategy's definitions, and the audit log of every change."""

import streamlit as st

from kpi.text.i18n import t
from kpi.ui import data, forms, frame
from kpi.ui.views import (
    audit_view,
    closing_view,
    company_view,
    corrections_view,
    cycle_view,
    definitions_view,
    events_view,
    import_view,
    organisation_view,
    plans_view,
    send_view,
    sources_view,
)

ctx = frame.sidebar("data")
forms.flash()
st.title(t("definitions.title"))
st.caption(t("definitions.intro"))
defs = data.definitions(ctx.url, ctx.language)
people = {p.email: p for p in data.people(ctx.url)}
org = data.organisation(ctx.url)

# Many tabs in a row overflow a wide screen, a phone shows four: grouped in four (all drawn at once).
bring_in, organisation, strategy, audit_tab = st.tabs(
    [t(f"definitions.{k}") for k in ("group_data", "group_organisation", "group_strategy", "tab_audit")]
)
with bring_in:
    import_tab, pull_tab, close_tab, send_tab, correct_tab, calendar_tab = st.tabs(
        [t(f"definitions.tab_{name}") for name in ("import", "pull", "close", "send", "correct", "calendar")]
    )
with organisation:
    company_tab, departments_tab, people_tab = st.tabs(
        [t("definitions.tab_company"), t("organisation.tab_departments"), t("organisation.tab_people")]
    )
with strategy:
    goals_tab, kpis_tab, plans_tab, promises_tab, priorities_tab, events_tab = st.tabs(
        [
            t(f"definitions.tab_{name}")
            for name in ("goals", "kpis", "plans", "promises", "priorities", "events")
        ]
    )
with import_tab:
    import_view.panel(ctx)
with pull_tab:
    sources_view.pull_panel(ctx, defs["kpis"])
with close_tab:
    closing_view.panel(ctx, people)
with send_tab:
    send_view.panel(ctx)
with correct_tab:
    corrections_view.panel(ctx)
with calendar_tab:
    cycle_view.editor(ctx)
with company_tab:
    company_view.editor(ctx)
with departments_tab:
    organisation_view.department_editor(ctx, org, defs["departments"])
with people_tab:
    organisation_view.person_editor(ctx, org, defs["departments"])
with goals_tab:
    definitions_view.goal_editor(ctx, defs, people)
with kpis_tab:
    sources_view.kpi_and_source(ctx, defs)
with plans_tab:
    plans_view.panel(ctx, [k for k in defs["kpis"] if k.retired_at is None], data.signal_rules(ctx.url))
with promises_tab:
    definitions_view.promise_editor(ctx, defs)
with priorities_tab:
    definitions_view.priority_editor(ctx, defs)
with events_tab:
    events_view.editor(ctx, defs["kpis"], defs["departments"])
with audit_tab:
    audit_view.log(ctx, people)
