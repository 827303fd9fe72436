"""CX Cockpit: page frame and navigation. No KPI logic lives here."""

import streamlit as st

from kpi.ui import startup

startup.load()  # before the imports below: the first sessions after a start would race for them

from kpi.domain import access  # noqa: E402
from kpi.text.i18n import t  # noqa: E402
from kpi.ui import data, frame, notices  # noqa: E402

st.set_page_config(page_title="CX Cockpit", page_icon=":material/monitoring:", layout="wide")
frame.enter_app()

PAGES = [  # (name in kpi.domain.access.PAGES, section, title, icon)
    ("overview", "nav.leadership", "nav.overview", ":material/dashboard:"),
    ("goal_cascade", "nav.leadership", "nav.cascade", ":material/account_tree:"),
    ("smart_goals", "nav.leadership", "nav.smart", ":material/task_alt:"),
    ("why", "nav.leadership", "nav.why", ":material/query_stats:"),
    ("departments", "nav.departments_section", "nav.departments", ":material/groups:"),
    ("present", "nav.meeting", "nav.present", ":material/co_present:"),
    ("data", "nav.admin", "nav.data", ":material/database:"),
]

data.before_run()  # paired with after_run below: the warm-up leaves people's runs the process
try:
    with notices.guarded():  # a bad setting, a busy store, a refusal: a message, never a traceback
        frame.apply_language()
        viewer = frame.current_viewer()
        sections: dict[str, list] = {}
        for name, section, title, icon in PAGES:
            # A page the viewer may not open is left out of the menu but kept at its address, so
            # a link to it is refused by the page, in the viewer's language (the Overview also
            # says "not signed in"); unregistered, Streamlit said in English that the page did
            # not exist and ran the Overview.
            opens = name == "overview" or access.may_open(viewer, name)
            page = st.Page(
                f"pages/{name}.py",
                title=t(title),
                icon=icon,
                default=name == "overview",
                visibility="visible" if opens else "hidden",
            )
            # in the first section: a section of hidden pages alone would show its heading empty
            sections.setdefault(t(section) if opens else t(PAGES[0][1]), []).append(page)
        st.navigation(sections).run()
finally:  # also when the page stopped or asked for a rerun
    data.after_run()  # the first run of a served app starts warming the first pages
