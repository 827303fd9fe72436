"""CX Cockpit: page frame and navigation. No KPI logic lives here."""

import streamlit as st

from kpi.i18n import t
from kpi.ui import frame

st.set_page_config(page_title="CX Cockpit", page_icon=":material/monitoring:", layout="wide")
frame.enter_app()
frame.apply_language()

navigation = st.navigation(
    {
        t("nav.leadership"): [
            st.Page("pages/overview.py", title=t("nav.overview"), icon=":material/dashboard:", default=True),
            st.Page("pages/goal_cascade.py", title=t("nav.cascade"), icon=":material/account_tree:"),
        ],
    }
)
navigation.run()
