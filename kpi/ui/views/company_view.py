"""The Data page's Company tab: the name the packs' titles carry, and their logo and colour."""

from __future__ import annotations

import streamlit as st

from kpi.store import company
from kpi.text.i18n import t
from kpi.ui import data, forms
from kpi.ui.firstrun import LOGO_TYPES
from kpi.ui.frame import Context


def editor(ctx: Context) -> None:
    """One form; a refused one keeps what was typed (no clear on submit), a saved one is audited."""
    current = data.company(ctx.url)
    st.caption(t("company.explain"))
    if current.logo:
        st.image(current.logo, width=160, caption=t("company.logo_now"))
    with st.form("data.company"):
        name = st.text_input(
            t("company.name"), value=current.name or "", max_chars=200, key="data.company.name"
        )
        logo = st.file_uploader(
            t("company.logo"),
            type=LOGO_TYPES,
            key="data.company.logo",
            help=t("company.logo_help"),
            max_upload_size=1,  # MB; the store takes 300 kB (kpi.store.company.LOGO_MAX_BYTES)
        )
        colour = st.color_picker(t("company.colour"), current.colour, key="data.company.colour")
        drop = st.checkbox(t("company.drop_logo"), key="data.company.drop", disabled=current.logo is None)
        submitted = st.form_submit_button(t("forms.save"), type="primary")
    content = logo.getvalue() if logo else None
    if submitted and forms.write(ctx, company.write, name=name, logo=content, colour=colour, drop_logo=drop):
        st.rerun()
