"""The Data page draws only its open tab (kpi/ui/views/data_view.py): a large company's tabs hold
dozens of selectboxes listing its 2,000 KPIs and goals, and drawn at once they were most of what
the browser laid out."""

import pytest

from kpi.text import i18n
from kpi.text.i18n import t
from kpi.ui.views import data_view
from tests.sharing import WHY_TAB_KEY, open_data_tab, open_why_tab

WIDGETS = {  # one widget of a tab, by the tab's title
    "definitions.tab_import": ("selectbox", "data.import.kind"),
    "definitions.tab_goals": ("selectbox", "data.goal"),
    "definitions.tab_kpis": ("selectbox", "data.kpi"),
    "definitions.tab_priorities": ("selectbox", "data.priority"),
    "definitions.tab_audit": ("multiselect", "data.audit.tables"),
}


def drawn(at) -> set[str]:
    """The tabs (of WIDGETS) whose widget the run drew."""
    return {title for title, (kind, key) in WIDGETS.items() if any(w.key == key for w in at.get(kind))}


@pytest.mark.reads_only
def test_only_the_open_tab_is_drawn_and_every_tab_opens(app):
    at = app(month="2026-10", **{"as": "sofie.dahl@havnhjem.example"}).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    assert drawn(at) == {"definitions.tab_import"}  # the first tab of the first group, alone
    for group, tabs in data_view.GROUPS:
        for title, _ in tabs:
            at = open_data_tab(at, title)
            assert not at.exception, (title, at.exception)
            assert drawn(at) == ({title} & WIDGETS.keys()), title
            labels = [tab.label for tab in at.tabs]  # the groups, and the open group's own tabs
            assert labels.count(t(title)) == 1 and labels.count(t(group)) == 1
            assert len(labels) == len(data_view.GROUPS) + (len(tabs) if len(tabs) > 1 else 0)


@pytest.mark.reads_only
@pytest.mark.parametrize("title", ["organisation.tab_people", "definitions.tab_audit"])
def test_the_open_tab_stays_open_when_the_language_changes(app, title):
    """Streamlit keeps the open tab by its label, which the language changes; the page keeps it
    by its catalogue key too (kpi.ui.widgets.tabs)."""
    widgets = WIDGETS | {"organisation.tab_people": ("selectbox", "data.person")}
    group = next(g for g, tabs in data_view.GROUPS if title in [name for name, _ in tabs])
    at = app(month="2026-10", **{"as": "sofie.dahl@havnhjem.example"}).run()
    at.switch_page("pages/data.py").run()
    at = open_data_tab(at, title)
    kind, key = widgets[title]
    assert any(w.key == key for w in at.get(kind))
    at.selectbox(key="lang").select("da").run()
    assert not at.exception, at.exception
    with i18n.use("da"):
        assert at.session_state[data_view.GROUP_KEY] == t(group)
        assert t(title) in [tab.label for tab in at.tabs]  # its group's tabs are shown, in Danish
    assert any(w.key == key for w in at.get(kind))  # and the tab drawn is still the one opened
    assert not any(w.key == "data.import.kind" for w in at.get("selectbox"))  # not the first tab


@pytest.mark.reads_only
def test_the_why_page_keeps_its_open_tab_when_the_language_changes(app):
    at = app(month="2026-10", **{"as": "jonas.lund@havnhjem.example"}).run()
    at.switch_page("pages/why.py").run()
    at = open_why_tab(at, "why.tab_words")
    at.selectbox(key="lang").select("da").run()
    assert not at.exception, at.exception
    with i18n.use("da"):
        assert at.session_state[WHY_TAB_KEY] == t("why.tab_words")
    assert [w.key for w in at.get("selectbox") if w.key == "words.kpi"] == ["words.kpi"]  # drawn
