"""Why it moved: what lies under the survey scores, one tab per way of looking (kpi/ui/views)."""

import streamlit as st

from kpi.text import fmt
from kpi.text.i18n import t
from kpi.ui import frame, widgets
from kpi.ui.frame import Context
from kpi.ui.views import drivers_view, segments_view, words_view

TABS = [  # (title, view) in the order the tabs show
    ("why.tab_segments", segments_view.render),
    ("why.tab_drivers", drivers_view.render),
    ("why.tab_words", words_view.render),
]


@widgets.fragment
def _open_tab(ctx: Context) -> None:
    """Only the open tab runs and is drawn (its tables and chart are most of what the browser
    draws); opening another reruns this fragment, not the page."""
    tabs = widgets.tabs([title for title, _ in TABS], key="why.tab")
    for tab, (_title, render) in zip(tabs, TABS, strict=True):
        if tab.open:
            with tab:
                render(ctx)


ctx = frame.sidebar("why")
st.title(t("why.title", month=fmt.month_long(ctx.month)))
st.caption(t("why.intro"))
_open_tab(ctx)
