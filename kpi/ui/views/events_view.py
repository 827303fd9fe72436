"""The Data page's "Events" tab: the company events (an outage, a campaign, a price change, a
go-live) that charts shade and attention items name, listed and edited by administrators.

What an administrator types goes to the store as typed (kpi.store.company_events), which reads it
as the `events` import reads a row and checks it with the same check; every write is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
import streamlit as st

from kpi.domain.company_events import CompanyEvent, EventKind
from kpi.domain.model import Department, Kpi
from kpi.store import company_events
from kpi.text import fmt, phrases
from kpi.text.i18n import t
from kpi.ui import data, forms
from kpi.ui.frame import Context

NEW = 0
"""The picker's choice for a new event."""


def scope_words(event: CompanyEvent, kpis: dict[str, str], departments: dict[str, str]) -> str:
    """Whom an event bears on, in words: everyone, a department, or the KPIs it names."""
    if event.kpis:
        return ", ".join(kpis.get(code, code) for code in event.kpis)
    if event.department:
        return departments.get(event.department, event.department)
    return t("happening.scope_all")


def table(events: Sequence[CompanyEvent], kpis: dict[str, str], departments: dict[str, str]) -> None:
    if not events:
        st.caption(t("happening.none"))
        return
    rows = [
        {
            t("happening.column_title"): e.title,
            t("happening.column_kind"): t(f"happening.kind.{e.kind}"),
            t("happening.column_when"): phrases.event_period(e),
            t("happening.column_days"): fmt.day(e.start)
            if e.end == e.start
            else f"{fmt.day(e.start)} – {fmt.day(e.end)}",
            t("happening.column_scope"): scope_words(e, kpis, departments),
        }
        for e in events
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")  # plain text cells


def editor(ctx: Context, kpis: Sequence[Kpi], departments: Sequence[Department]) -> None:
    st.caption(t("happening.intro"))
    events = data.company_events(ctx.url, ctx.scope, ctx.language)
    kpi_names = {k.code: f"{k.code} — {k.name}" for k in kpis}
    department_names = {d.code: d.name for d in departments}
    table(events, {k.code: k.name for k in kpis}, department_names)
    by_id = {e.id: e for e in events}
    chosen = st.selectbox(
        t("happening.pick"),
        [NEW, *by_id],
        format_func=lambda i: t("happening.new") if i == NEW else by_id[i].title,
        key="data.events.pick",
    )
    event = by_id.get(chosen)
    kinds = [str(k) for k in EventKind]
    with st.form(f"data.events.form.{chosen}"):
        values = {
            "title": st.text_input(t("happening.column_title"), event.title if event else ""),
            "kind": st.selectbox(
                t("happening.column_kind"),
                kinds,
                index=kinds.index(str(event.kind)) if event else 0,
                format_func=lambda k: t(f"happening.kind.{k}"),
            ),
            "start": st.text_input(
                t("happening.start"),
                event.start.isoformat() if event else "",
                placeholder=forms.example_day(date(2026, 9, 12)),
            ),
            "end": st.text_input(
                t("happening.end"),
                event.end.isoformat() if event else "",
                placeholder=forms.example_day(date(2026, 9, 13)),
                help=t("happening.end_help"),
            ),
            "department": st.selectbox(
                t("happening.department"),
                ["", *department_names],  # "": everyone (a value, so the picker is never empty)
                index=(["", *department_names].index(event.department) if event and event.department else 0),
                format_func=lambda c: department_names.get(c, t("happening.scope_all")),
            ),
            "kpis": st.multiselect(
                t("happening.kpis"),
                list(kpi_names),
                default=[c for c in event.kpis if c in kpi_names] if event else [],
                format_func=kpi_names.__getitem__,
                help=t("happening.kpis_help"),
                placeholder=t("happening.kpis_placeholder"),
            ),
        }
        save, remove = st.columns(2)
        saved = save.form_submit_button(t("forms.save"), type="primary")
        removed = remove.form_submit_button(t("happening.remove"), disabled=event is None)
    if saved and forms.write(ctx, company_events.save, values, None if event is None else event.id):
        st.rerun()
    if removed and event is not None and forms.write(ctx, company_events.remove, event.id):
        st.rerun()
