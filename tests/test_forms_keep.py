"""A refused form keeps what the person typed; a saved one starts empty again and says "Saved."."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kpi.store import engine
from kpi.store import schema as s
from tests.sharing import open_folds
from tests.test_pages_admin import open_page

HEAD = "camilla.berg@havnhjem.example"


def _save(at):
    [b for b in at.get("form_submit_button") if b.proto.form_id == "departments.action"][0].click().run()
    assert not at.exception, at.exception
    return at


def _actions(url: str) -> int:
    with engine.reading(engine.create(url)) as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(s.action)).scalar_one()


def test_the_add_action_form_keeps_a_refused_title_and_empties_after_saving(app, app_url):
    before = _actions(app_url)
    at = open_folds(open_page(app, "pages/departments.py", **{"as": HEAD}))
    title = "Call back every customer who waited more than five minutes " * 5  # over 200 characters
    at.text_input(key="departments.action.title").input(title)
    _save(at)
    assert any("too long" in e.value for e in at.error)
    assert not at.toast  # a refusal is no success
    assert at.text_input(key="departments.action.title").value == title  # not wiped
    assert _actions(app_url) == before
    at.text_input(key="departments.action.title").input(title[:60].strip())
    _save(at)
    assert not at.error and _actions(app_url) == before + 1
    # emptied by new fields: a browser kept showing the old ones' text after their values were dropped
    assert at.text_input(key="departments.action.title.1").value == ""
    assert "departments.action.title" not in [w.key for w in at.text_input]
    assert [toast.value for toast in at.toast] == ["Saved."]  # on the rerun that shows the change
    at.run()
    assert not at.toast  # once


def test_an_action_due_before_today_is_saved_and_said_to_be_overdue_at_once(app, app_url):
    """A past due date was taken without a word, and the action stood overdue in every list."""
    from datetime import date

    before = _actions(app_url)
    at = open_folds(open_page(app, "pages/departments.py", **{"as": HEAD}))
    at.text_input(key="departments.action.title").input("Call back the customers who waited longest")
    at.date_input(key="departments.action.due").set_value(date(2026, 1, 15))
    _save(at)
    assert not at.error and _actions(app_url) == before + 1
    said = [toast.value for toast in at.toast]
    assert said == [
        "Saved. Its due date, 15 Jan 2026, has passed: the action shows as overdue at once. Change the date if that was not meant."
    ]


def test_a_head_s_action_owner_list_holds_only_those_who_read_the_action(app, app_url):
    """The list offered the whole company, and a head could give an action to another department's
    head (who then read her department's numbers): it offers her department's people, those who
    read everything and the goals' owners."""
    from kpi.domain import access
    from kpi.domain.access import EVERYTHING
    from kpi.store import queries

    with engine.reading(engine.create(app_url)) as conn:
        people = queries.people(conn)
        head = next(p for p in people if p.email == HEAD)
        goals = [g for g in queries.goals(conn, EVERYTHING) if g.department == "CS" and g.retired_at is None]
    from kpi.ui.frame import person_label

    within = {
        person_label(p)
        for p in people
        if p.retired_at is None and any(access.may_give_action(head, p, g.department, g.owner) for g in goals)
    }
    at = open_folds(open_page(app, "pages/departments.py", **{"as": HEAD}))
    offered = set(at.selectbox(key="departments.action.owner").options)
    henrik = next(person_label(p) for p in people if p.name == "Henrik Juul")
    assert offered == within and henrik not in offered and person_label(head) in offered
    from kpi.store import edits
    from tests.test_edits import ADMIN

    with engine.writing(engine.create(app_url)) as conn:  # given one by an administrator, he reads them
        edits.add_action(
            conn, ADMIN, goal="O1", title="Queue software", owner="henrik.juul@havnhjem.example", due=None
        )
    at = open_folds(open_page(app, "pages/departments.py", **{"as": HEAD}))
    assert set(at.selectbox(key="departments.action.owner").options) == within | {henrik}


def _comments(url: str) -> int:
    with engine.reading(engine.create(url)) as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(s.commentary)).scalar_one()


def test_the_comment_form_takes_a_long_paste_says_how_long_it_is_keeps_it_and_empties_after_saving(
    app, app_url
):
    """The box has no length cap of its own: Streamlit's drops a longer paste whole, with no word
    (a trial pasted 10,000 characters and saw an empty box, then "The comment is empty"). The
    check says how long it is and how long it may be, and the text stays to shorten."""
    before = _comments(app_url)
    at = open_folds(open_page(app, "pages/departments.py", **{"as": HEAD}))
    [text_key] = [a.key for a in at.text_area if a.key and a.key.endswith(".comment.text")]
    pasted = "The queue grew when the invoice run moved to Monday. " * 200  # 10,600 characters
    at.text_area(key=text_key).input(pasted)
    [save] = [b for b in at.get("form_submit_button") if b.proto.form_id.endswith(".comment")]
    save.click().run()
    assert not at.exception, at.exception
    said = "The comment is 10,599 characters long, longer than the 4,000 it may hold: shorten it."
    assert [e.value for e in at.error] == [said]  # the text as it stands, without its last space
    assert at.text_area(key=text_key).value == pasted  # kept, to shorten
    assert _comments(app_url) == before
    at.text_area(key=text_key).input(pasted[:300].strip())
    # on a number that owes no word: the one that does still does, so the form stays open and
    # drawn, and the box is empty because saving empties it (a box not drawn would be anyway)
    [subject] = [s for s in at.selectbox if s.label == "About"]
    owed = subject.value  # the first: the number that owes a word
    subject.select_index(len(subject.options) - 1)
    assert subject.value != owed
    [save] = [b for b in at.get("form_submit_button") if b.proto.form_id.endswith(".comment")]
    save.click().run()
    assert not at.error and _comments(app_url) == before + 1
    assert at.text_area(key=f"{text_key}.1").value == ""  # a new, empty box (`forms._renew`)


def test_with_no_number_owing_a_word_the_comment_form_chooses_nothing_for_the_writer(app, app_url):
    """A day-one trial's comment on the phone line was saved on the first card's KPI, which the
    form had chosen by itself: with nothing owed, the writer chooses, and a save without a choice
    is refused and saves nothing."""
    before = _comments(app_url)
    heads = [
        "camilla.berg@havnhjem.example",
        "henrik.juul@havnhjem.example",
        "ida.krogh@havnhjem.example",
        "morten.skov@havnhjem.example",
        "louise.vang@havnhjem.example",
        "rasmus.friis@havnhjem.example",
    ]
    for head in heads:  # one who owes no word this month: the form names no number above it
        at = open_folds(open_page(app, "pages/departments.py", **{"as": head}))
        if not [w for w in at.warning if "a word" in w.value]:
            break
    else:
        raise AssertionError("every head owes a word this month")
    [subject] = [s for s in at.selectbox if s.label == "About"]
    assert subject.value is None and subject.options
    [text_key] = [a.key for a in at.text_area if a.key and a.key.endswith(".comment.text")]
    at.text_area(key=text_key).input("Two agents were ill for a week.")
    [save] = [b for b in at.get("form_submit_button") if b.proto.form_id.endswith(".comment")]
    save.click().run()
    assert [e.value for e in at.error] == ["About: required, but empty."]
    assert (
        _comments(app_url) == before and at.text_area(key=text_key).value == "Two agents were ill for a week."
    )
    [subject] = [s for s in at.selectbox if s.label == "About"]
    subject.select_index(0)
    [save] = [b for b in at.get("form_submit_button") if b.proto.form_id.endswith(".comment")]
    save.click().run()
    assert not at.error and _comments(app_url) == before + 1


def test_the_goals_that_need_an_action_come_first_in_the_add_action_form_and_say_so(app, app_url):
    """A head's trial: the form's list started on a goal that owed no action, and nothing marked
    the ones that did (off track or missed without one, `attention.unplanned`)."""
    from datetime import date

    from kpi.domain import access, attention
    from kpi.store import monthly, queries

    at = open_folds(open_page(app, "pages/departments.py", **{"as": HEAD}))
    [picker] = [s for s in at.selectbox if s.label == "For the goal"]
    with engine.reading(engine.create(app_url)) as conn:
        scope = access.scope_for(queries.person(conn, HEAD), queries.goal_links(conn))
        built = monthly.month_report(conn, scope, date(2026, 10, 1), "en")
        wanted = attention.unplanned(built, queries.actions(conn, scope, "en"))
    marked = [o for o in picker.options if o.startswith("⚠ ")]  # whole on a phone, where the end is cut
    assert wanted and len(marked) == len([c for c in wanted if built.goals[c].goal.department == "CS"])
    assert picker.options[: len(marked)] == marked  # first


@pytest.mark.reads_only
def test_a_comment_saved_with_nothing_chosen_or_written_is_told_both(app):
    """A head who pressed Save on an empty form was told only "About: required, but empty." and
    nothing of the empty text box (a department head's trial): every problem at once."""
    at = open_folds(open_page(app, "pages/departments.py", **{"as": "rasmus.friis@havnhjem.example"}))
    [subject] = [s for s in at.selectbox if s.label == "About"]
    if subject.value is not None:  # a number owes a word and is chosen: choose none
        subject.set_value(None).run()
    [save] = [b for b in at.get("form_submit_button") if b.proto.form_id.endswith(".comment")]
    save.click().run()
    said = " ".join(e.value for e in at.error)
    assert "About: required, but empty." in said and "The comment is empty: write something first." in said
