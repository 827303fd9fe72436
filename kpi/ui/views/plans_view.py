"""The Data page's "Targets and signals" tab: a KPI's month targets, its recorded process changes,
the store's signal rules and the days after a month's end by which its values are due.

What an administrator types is handed to the store as typed (kpi.store.plans, kpi.store.rules),
which checks it as the `targets` and `changes` imports are checked and audits every write. The
widgets keep their keys, so a refused form keeps what was typed beside the message saying why.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from kpi.domain import initiatives, signals
from kpi.domain.model import Direction, Kpi
from kpi.store import edits, plans, rules
from kpi.text.i18n import t
from kpi.ui import data, forms, widgets
from kpi.ui.frame import Context

ACTIONS = ("record", "remove")


def panel(ctx: Context, kpis: Sequence[Kpi], chosen: signals.RuleSet) -> None:
    st.caption(t("plans.intro"))
    names = {k.code: f"{k.code} — {k.name}" for k in kpis}
    target_form(ctx, names)
    change_form(ctx, names)
    rule_form(ctx, chosen)
    late_form(ctx, data.late_days(ctx.url))
    initiative_form(ctx, names)


def initiative_form(ctx: Context, names: dict[str, str]) -> None:
    """An action as an initiative: its go-live day, the KPI it should move and which way; the
    verdict of each initiative in the month (kpi.domain.initiatives) above the form."""
    st.subheader(t("initiative.title"))
    st.caption(t("initiative.help", months=initiatives.MIN_AFTER))
    actions = data.actions(ctx.url, ctx.scope, ctx.language)
    verdicts = data.initiative_verdicts(ctx.url, ctx.scope, ctx.month, ctx.language)
    for action in actions:
        if action.id in verdicts:
            st.markdown(widgets.initiative_line(action, verdicts[action.id]))
    if not actions:
        return
    by_id = {a.id: a for a in actions}
    picked = st.selectbox(
        t("initiative.action"),
        list(by_id),
        format_func=lambda i: by_id[i].title,
        key="data.plans.initiative.id",
    )
    action = by_id[picked]
    directions = ["", *(str(d) for d in Direction)]  # "": not an initiative (never an empty picker)
    with st.form(f"data.plans.initiative.{picked}"):
        values = {
            "go_live": st.text_input(
                t("initiative.go_live"),
                action.go_live.isoformat() if action.go_live else "",
                placeholder=forms.example_day(date(2026, 3, 1)),
            ),
            "kpi": st.selectbox(
                t("field.kpi"),
                ["", *names],
                index=["", *names].index(action.kpi) if action.kpi in names else 0,
                format_func=lambda c: names.get(c, "–"),
            ),
            "direction": st.selectbox(
                t("initiative.direction"),
                directions,
                index=directions.index(str(action.direction)) if action.direction else 0,
                format_func=lambda d: t(f"initiative.direction_{d}") if d else "–",
            ),
        }
        submitted = st.form_submit_button(t("forms.save"), type="primary")
    if submitted and forms.write(ctx, edits.set_initiative, picked, values):
        st.rerun()


def target_form(ctx: Context, names: dict[str, str]) -> None:
    st.subheader(t("plans.target_title"))
    with st.form("data.plans.target"):
        values = {
            "kpi": st.selectbox(
                t("field.kpi"), list(names), format_func=names.__getitem__, key="data.plans.target.kpi"
            ),
            "month": st.text_input(
                t("plans.month"), placeholder=forms.example_month("2026-12"), key="data.plans.target.month"
            ),
            "target": st.text_input(
                t("field.target"), help=t("plans.target_help"), key="data.plans.target.value"
            ),
        }
        submitted = st.form_submit_button(t("forms.save"), type="primary")
    if submitted and forms.write(ctx, plans.edit_target, values=values):
        st.rerun()


def change_form(ctx: Context, names: dict[str, str]) -> None:
    st.subheader(t("plans.change_title"))
    st.caption(t("plans.change_help"))
    with st.form("data.plans.change"):
        values = {
            "kpi": st.selectbox(
                t("field.kpi"), list(names), format_func=names.__getitem__, key="data.plans.change.kpi"
            ),
            "month": st.text_input(
                t("plans.month"), placeholder=forms.example_month("2026-03"), key="data.plans.change.month"
            ),
            "note": st.text_input(t("plans.note"), key="data.plans.change.note"),
        }
        action = st.radio(
            t("plans.change_action"),
            ACTIONS,
            format_func=lambda a: t(f"plans.change_{a}"),
            horizontal=True,
            key="data.plans.change.action",
        )
        submitted = st.form_submit_button(t("forms.save"), type="primary")
    if submitted and forms.write(ctx, plans.edit_change, values=values, remove=action == "remove"):
        st.rerun()


def rule_form(ctx: Context, chosen: signals.RuleSet) -> None:
    st.subheader(t("plans.rules_title"))
    low, high = signals.RUN_RANGE
    with st.form("data.plans.rules"):
        picked = st.multiselect(
            t("plans.rules"),
            [str(r) for r in signals.Rule],
            default=sorted(str(r) for r in chosen.rules),
            format_func=lambda r: t(f"signal.rule.{r}"),
            key="data.plans.rules.chosen",
        )
        shift = st.number_input(
            t("field.shift_run"), low, high, chosen.shift_run, key="data.plans.rules.shift_run"
        )
        trend = st.number_input(
            t("field.trend_run"), low, high, chosen.trend_run, key="data.plans.rules.trend_run"
        )
        submitted = st.form_submit_button(t("forms.save"), type="primary")
    if submitted:
        ruleset = signals.RuleSet(frozenset(signals.Rule(r) for r in picked), int(shift), int(trend))
        if forms.write(ctx, rules.write, chosen=ruleset):
            st.rerun()


def late_form(ctx: Context, days: int) -> None:
    """The grace days, typed as text: the store checks them (`lateness.check_days`) and says
    what a refused value must be."""
    st.subheader(t("plans.late_title"))
    with st.form("data.plans.late"):
        typed = st.text_input(
            t("field.late_days"), str(days), help=t("plans.late_help"), key="data.plans.late.days"
        )
        submitted = st.form_submit_button(t("forms.save"), type="primary")
    if submitted and forms.write(ctx, rules.write_late_days, days=typed):
        st.rerun()
