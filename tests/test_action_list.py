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
