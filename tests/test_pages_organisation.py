"""The Data page's Departments and People tabs through AppTest: create, refuse keeping what was
typed, change, deactivate, and what that does to signing in."""

from datetime import date

import pytest

from kpi.domain.access import EVERYTHING
from kpi.store import engine, queries
from kpi.text.i18n import t
from tests.test_pages_admin import ADMIN, DATA, open_page


def submit(at, form):
    [b for b in at.get("form_submit_button") if b.proto.form_id == form][0].click().run()
    assert not at.exception, at.exception


def errors(at):
    return " ".join(e.value for e in at.error)


def test_a_refused_department_keeps_what_was_typed_and_names_every_problem(app, app_url):
    at = open_page(app, DATA, "organisation.tab_departments", **{"as": ADMIN})
    at.text_input(key="data.department.new.code").input("kunde klub")
    at.selectbox(key="data.department.new.parent").set_value("CS")
    submit(at, "data.department.new")
    said = errors(at)
    assert "Code: “kunde klub” may only hold the letters" in said and "Name: required, but empty." in said
    assert at.text_input(key="data.department.new.code").value == "kunde klub"  # kept as typed
    assert at.selectbox(key="data.department.new.parent").value == "CS"
    with engine.reading(engine.create(app_url)) as conn:
        assert "KUNDE KLUB" not in {
            d.code for d in queries.departments(conn, EVERYTHING, include_retired=True)
        }
    at.text_input(key="data.department.new.code").input("Club")
    at.text_input(key="data.department.new.name").input("Customer club")
    submit(at, "data.department.new")
    assert not at.error
    assert at.selectbox(key="data.department").value == "Club"  # the picker moved to it, as spelled
    assert at.text_input(key="data.department.Club.name").value == "Customer club"
    with engine.reading(engine.create(app_url)) as conn:
        club = next(d for d in queries.departments(conn, EVERYTHING) if d.code == "Club")
    assert (club.name, club.parent) == ("Customer club", "CS")


def test_a_department_is_retired_and_restored_from_its_tab(app, app_url):
    at = open_page(app, DATA, "organisation.tab_departments", **{"as": ADMIN})
    at.selectbox(key="data.department").set_value("CS").run()
    at.button(key="data.department.CS.retire").click().run()
    assert "Move or retire its" in errors(at)  # CS still has KPIs, goals and people
    at.selectbox(key="data.department").set_value("").run()
    at.text_input(key="data.department.new.code").input("OLD")
    at.text_input(key="data.department.new.name").input("Old shop")
    submit(at, "data.department.new")
    at.button(key="data.department.OLD.retire").click().run()
    assert not at.exception and not at.error
    assert "Old shop (OLD) · retired" in at.selectbox(key="data.department").options
    with engine.reading(engine.create(app_url)) as conn:
        assert "OLD" not in {d.code for d in queries.departments(conn, EVERYTHING)}
    assert at.button(key="data.department.OLD.retire").label == "Restore"
    at.button(key="data.department.OLD.retire").click().run()
    with engine.reading(engine.create(app_url)) as conn:
        assert "OLD" in {d.code for d in queries.departments(conn, EVERYTHING)}


def test_a_person_is_added_moved_and_deactivated_and_then_signs_in_as_nobody(app, app_url):
    at = open_page(app, DATA, "organisation.tab_people", **{"as": ADMIN})
    at.selectbox(key="data.person").set_value("").run()
    at.text_input(key="data.person.new.email").input("Nina.Holt@havnhjem.example")
    at.text_input(key="data.person.new.name").input("Nina Holt")
    at.selectbox(key="data.person.new.role").set_value("department_head")
    at.selectbox(key="data.person.new.department").set_value("IT")
    submit(at, "data.person.new")
    assert not at.error
    nina = "nina.holt@havnhjem.example"
    assert at.selectbox(key="data.person").value == nina
    at.selectbox(key=f"data.person.{nina}.department").set_value("ECOM")
    submit(at, f"data.person.{nina}")
    with engine.reading(engine.create(app_url)) as conn:
        assert queries.person(conn, nina).department == "ECOM"
    assert any("Nina Holt" in option for option in view_as(at))
    at.button(key=f"data.person.{nina}.retire").click().run()
    assert not at.error and at.button(key=f"data.person.{nina}.retire").label == "Reactivate"
    assert not any("Nina Holt" in option for option in view_as(at))  # gone from "view as"


def view_as(at):
    return at.selectbox(key="as").options


def test_a_deactivated_person_signs_in_as_nobody(app, app_url, monkeypatch):
    from kpi import settings
    from kpi.store import organisation
    from kpi.text import plain
    from kpi.ui import frame
    from tests.test_edits import ADMIN as ADMIN_PERSON

    peter = "peter.holm@havnhjem.example"  # a presenter who owns nothing
    with engine.writing(engine.create(app_url)) as conn:
        organisation.retire_person(conn, ADMIN_PERSON, peter, date(2026, 11, 2))
    monkeypatch.setenv("KPI_AUTH_MODE", "header")
    settings.forget()
    monkeypatch.setattr(frame, "identity_headers", lambda: [peter])
    at = app(month="2026-10").run()
    assert not at.exception and [i.value for i in at.info] == [
        t("frame.unknown_email", email=plain.markdown(peter))
    ]
    assert [s.key for s in at.selectbox] == ["lang"]  # the language, not the months the store holds


@pytest.mark.reads_only
def test_a_person_who_still_owns_goals_is_not_deactivated(app, app_url):
    at = open_page(app, DATA, "organisation.tab_people", **{"as": ADMIN})
    head = "camilla.berg@havnhjem.example"
    at.selectbox(key="data.person").set_value(head).run()
    at.button(key=f"data.person.{head}.retire").click().run()
    assert "Give their" in errors(at) and "goals to someone else first" in errors(at)
    with engine.reading(engine.create(app_url)) as conn:
        assert queries.person(conn, head) is not None
