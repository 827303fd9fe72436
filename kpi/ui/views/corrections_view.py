"""The Data page's "Correct or delete" tab: take back a wrong value, month or survey answers.

The store does the work and the audit (kpi.store.corrections); this form only reads what the
administrator typed. A month is typed, not picked, so a month outside the picker (a stray
9999-12) can be cleaned too.
"""

from __future__ import annotations

import streamlit as st

from kpi.domain import validate
from kpi.domain.errors import CockpitError
from kpi.store import corrections
from kpi.text.i18n import t
from kpi.ui import forms, notices
from kpi.ui.frame import Context

WHAT = ("delete", "answers", "correct")


def panel(ctx: Context) -> None:
    st.caption(t("correct.intro"))
    with st.form("data.correct"):
        kpi = st.text_input(t("correct.kpi"), key="data.correct.kpi").strip() or None
        month_text = st.text_input(t("correct.month"), placeholder="2026-10", key="data.correct.month")
        what = st.radio(
            t("correct.what"), WHAT, format_func=lambda w: t(f"correct.what_{w}"), key="data.correct.what"
        )
        value = st.text_input(t("correct.value"), key="data.correct.value")
        submitted = st.form_submit_button(t("correct.apply"), type="primary")
    if not submitted:
        return
    try:
        month = validate.month(month_text, "correct.month", required=True)
    except CockpitError as refusal:
        notices.show(refusal)
        return
    assert month is not None
    if what == "correct":
        done = forms.write(ctx, corrections.correct, kpi=kpi or "", month=month, value=value)
    else:
        done = forms.write(ctx, corrections.delete, month=month, kpi=kpi, answers=what == "answers")
    if done:
        st.rerun()
