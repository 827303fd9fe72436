"""What an empty list of actions says, on a goal and on a department."""

import pytest
from streamlit.testing.v1 import AppTest


def no_actions(goal_titles):
    from datetime import date

    from kpi.ui import widgets

    widgets.action_list([], {}, date(2026, 10, 1), goal_titles)


@pytest.mark.parametrize(
    ("goal_titles", "said"),
    [(None, "No actions on this goal."), ({"O1": "Answer fast"}, "No actions on the department's goals.")],
)
def test_an_empty_action_list_says_whose_actions_there_are_none_of(goal_titles, said):
    """Departments' list said "No actions on this goal." of a department with two goals."""
    at = AppTest.from_function(no_actions, args=(goal_titles,), default_timeout=30).run()
    assert [c.value for c in at.caption] == [said]


def undated(language):
    from datetime import date

    from kpi.domain.model import Action, ActionStatus
    from kpi.text import i18n
    from kpi.ui import widgets

    with i18n.use(language):
        action = Action(1, "O1", "Call every customer who cancels", None, None, ActionStatus.PLANNED)
        widgets.action_list([action], {}, date(2026, 10, 1))


@pytest.mark.parametrize(
    ("language", "said"), [("en", "–, no date yet · Planned"), ("da", "–, ingen frist endnu · Planlagt")]
)
def test_an_action_without_a_date_says_so(language, said):
    """A trial: "— Mette Kjær, – · Planned" looked broken where the action had no date."""
    at = AppTest.from_function(undated, args=(language,), default_timeout=30).run()
    assert said in at.markdown[0].value
