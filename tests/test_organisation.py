"""Administrators create, change, retire and restore departments and people: checked like an
import, every problem at once, audited, all or nothing, and refused to anyone else in the store."""

from datetime import date

import pytest

from kpi.domain import errors
from kpi.domain.access import EVERYTHING
from kpi.domain.model import Person, Role
from kpi.domain.validate import Rejected
from kpi.store import engine, organisation, queries
from tests.conftest import rejected_with
from tests.test_edits import ADMIN, CEO, CS_HEAD, counts, last_audit
from tests.test_same_checks import through_import

PRESENTER = Person("peter.holm@havnhjem.example", "Peter Holm", Role.PRESENTER, "MGMT")
TODAY = date(2026, 11, 2)
CLUB = {"code": "Club", "name": "Customer club", "parent": "CS"}
NEWCOMER = {
    "email": "Nina.Holt@havnhjem.example",
    "name": "Nina Holt",
    "role": "department_head",
    "department": "CS",
}


def write(url, change, *args, viewer=ADMIN, **kwargs):
    with engine.writing(engine.create(url)) as conn:
        return change(conn, viewer, *args, **kwargs)


def departments(url, **options):
    with engine.reading(engine.create(url)) as conn:
        return {d.code: d for d in queries.departments(conn, EVERYTHING, **options)}


def people(url, **options):
    with engine.reading(engine.create(url)) as conn:
        return {p.email: p for p in queries.people(conn, **options)}


def test_a_department_is_created_changed_retired_and_restored_with_every_step_audited(demo_url):
    assert write(demo_url, organisation.save_department, values=CLUB, is_new=True) == "inserted"
    audit = last_audit(demo_url)
    assert (audit["who"], audit["table_name"], audit["key"], audit["before"]) == (
        ADMIN.email,
        "department",
        "Club",  # as its author spelled it
        None,
    )
    renamed = {**CLUB, "code": "CLUB", "name": "Loyalty club", "parent": ""}
    assert write(demo_url, organisation.save_department, values=renamed, is_new=False) == "updated"
    audit = last_audit(demo_url)
    assert '"name": "Customer club"' in audit["before"] and '"name": "Loyalty club"' in audit["after"]
    assert departments(demo_url)["Club"].parent is None
    assert write(demo_url, organisation.retire_department, code="CLUB", today=TODAY) == "updated"
    assert "Club" not in departments(demo_url)  # gone from pages and pickers …
    assert departments(demo_url, include_retired=True)["Club"].retired_at == TODAY  # … but kept
    assert last_audit(demo_url)["after"] == f'{{"retired_at": "{TODAY.isoformat()}"}}'
    assert write(demo_url, organisation.retire_department, code="CLUB", today=None) == "updated"
    assert departments(demo_url)["Club"].name == "Loyalty club"


def test_every_problem_of_a_department_form_is_reported_at_once_and_nothing_written(demo_duckdb_url):
    before = counts(demo_duckdb_url)
    with pytest.raises(Rejected) as caught:
        write(
            demo_duckdb_url,
            organisation.save_department,
            values={"code": "kunde klub", "name": "", "parent": "NOWHERE"},
            is_new=True,
        )
    found = sorted((p.field, p.key) for p in caught.value.problems)
    assert found == [
        ("code", "bad_code"),
        ("name", "required"),
        ("organisation.field_parent", "unknown_among"),
    ]
    with rejected_with(
        "Parent department: “NOWHERE” is neither a code nor a name the cockpit knows; the codes are ADV, CRED"
    ):
        write(
            demo_duckdb_url, organisation.save_department, values={**CLUB, "parent": "NOWHERE"}, is_new=True
        )
    with rejected_with("“CS” is taken"):
        write(demo_duckdb_url, organisation.save_department, values={**CLUB, "code": "cs"}, is_new=True)
    assert counts(demo_duckdb_url) == before


def test_a_department_in_use_is_not_retired_and_says_everything_that_is_still_in_it(demo_duckdb_url):
    before = counts(demo_duckdb_url)
    with pytest.raises(Rejected) as caught:
        write(demo_duckdb_url, organisation.retire_department, code="CS", today=TODAY)
    keys = [p.key for p in caught.value.problems]
    assert keys == ["retire_has_kpis", "retire_has_goals", "retire_has_people"]
    with rejected_with("Camilla Berg"):
        write(demo_duckdb_url, organisation.retire_department, code="CS", today=TODAY)
    write(demo_duckdb_url, organisation.save_department, values=CLUB, is_new=True)
    with rejected_with("Move or retire its sub-department first: Club"):
        write(demo_duckdb_url, organisation.retire_department, code="CS", today=TODAY)
    with rejected_with("is not one of the known codes", errors.NotFound):
        write(demo_duckdb_url, organisation.retire_department, code="NOPE", today=TODAY)
    assert departments(demo_duckdb_url)["CS"].retired_at is None
    assert counts(demo_duckdb_url)["department"] == before["department"] + 1


def test_a_retired_department_cannot_be_chosen_until_it_is_restored(demo_duckdb_url):
    write(demo_duckdb_url, organisation.save_department, values=CLUB, is_new=True)
    write(demo_duckdb_url, organisation.retire_department, code="CLUB", today=TODAY)
    with rejected_with("Department: “Club” is retired"):
        write(
            demo_duckdb_url, organisation.save_person, values={**NEWCOMER, "department": "CLUB"}, is_new=True
        )
    with rejected_with("Parent department: “Club” is retired"):
        write(
            demo_duckdb_url,
            organisation.save_department,
            values={**CLUB, "code": "C2", "parent": "CLUB"},
            is_new=True,
        )
    write(demo_duckdb_url, organisation.retire_department, code="CLUB", today=None)
    assert write(
        demo_duckdb_url, organisation.save_person, values={**NEWCOMER, "department": "CLUB"}, is_new=True
    )


def test_a_person_is_created_moved_deactivated_and_reactivated_and_signs_in_only_while_active(demo_url):
    assert write(demo_url, organisation.save_person, values=NEWCOMER, is_new=True) == "inserted"
    email = "nina.holt@havnhjem.example"  # stored in the one form identities are compared in
    assert people(demo_url)[email] == Person(email, "Nina Holt", Role.DEPARTMENT_HEAD, "CS")
    moved = {**NEWCOMER, "role": "executive", "department": "MGMT"}
    assert write(demo_url, organisation.save_person, values=moved, is_new=False) == "updated"
    audit = last_audit(demo_url)
    assert (audit["table_name"], audit["key"]) == ("person", email)
    assert '"role": "department_head"' in audit["before"] and '"role": "executive"' in audit["after"]
    assert write(demo_url, organisation.retire_person, email=email, today=TODAY) == "updated"
    with engine.reading(engine.create(demo_url)) as conn:
        assert queries.person(conn, email) is None  # signs in as nobody (the CLI's --as too)
    assert email not in people(demo_url) and people(demo_url, include_retired=True)[email].retired_at == TODAY
    assert write(demo_url, organisation.retire_person, email=email, today=None) == "updated"
    with engine.reading(engine.create(demo_url)) as conn:
        assert queries.person(conn, email).role is Role.EXECUTIVE


def test_every_problem_of_a_person_form_is_reported_at_once_and_nothing_written(demo_duckdb_url):
    before = counts(demo_duckdb_url)
    bad = {"email": "nina at havnhjem", "name": "", "role": "boss", "department": "NOWHERE"}
    with pytest.raises(Rejected) as caught:
        write(demo_duckdb_url, organisation.save_person, values=bad, is_new=True)
    found = sorted((p.field, p.key) for p in caught.value.problems)
    assert found == [
        ("department", "unknown_among"),
        ("email", "bad_email"),
        ("name", "required"),
        ("role", "not_one_of"),
    ]
    with rejected_with("camilla.berg@havnhjem.example is already in the cockpit"):
        write(
            demo_duckdb_url,
            organisation.save_person,
            values={**NEWCOMER, "email": "Camilla.Berg@havnhjem.example"},
            is_new=True,
        )
    assert counts(demo_duckdb_url) == before


def test_the_form_and_the_import_refuse_a_person_alike(demo_duckdb_url):
    bad = {"email": "nina@havnhjem.example", "name": "Nina", "role": "boss", "department": "NOWHERE"}
    with pytest.raises(Rejected) as caught:
        write(demo_duckdb_url, organisation.save_person, values=bad, is_new=True)
    by_form = sorted((p.field, p.key, p.params) for p in caught.value.problems)
    assert through_import(demo_duckdb_url, "people", bad) == by_form
    assert [key for _, key, _ in by_form] == ["unknown_among", "not_one_of"]


def test_the_last_administrator_stays_one_and_nobody_deactivates_themselves(demo_duckdb_url):
    before = counts(demo_duckdb_url)
    sofie = {"email": ADMIN.email, "name": ADMIN.name, "role": "executive", "department": "MGMT"}
    with rejected_with("Role: this is the last administrator"):
        write(demo_duckdb_url, organisation.save_person, values=sofie, is_new=False)
    with rejected_with("cannot deactivate yourself"):
        write(demo_duckdb_url, organisation.retire_person, email=ADMIN.email, today=TODAY)
    with pytest.raises(Rejected) as caught:  # a new person with her address, in capitals: the address
        write(
            demo_duckdb_url,
            organisation.save_person,
            values={**sofie, "email": ADMIN.email.upper()},
            is_new=True,
        )
    assert [p.key for p in caught.value.problems] != [] and "last_admin" not in {
        p.key for p in caught.value.problems
    }
    assert counts(demo_duckdb_url) == before
    second = {**NEWCOMER, "role": "admin", "department": ""}
    write(demo_duckdb_url, organisation.save_person, values=second, is_new=True)
    other = Person("nina.holt@havnhjem.example", "Nina Holt", Role.ADMIN)
    assert write(demo_duckdb_url, organisation.save_person, values=sofie, is_new=False) == "updated"
    with rejected_with("Role: this is the last administrator"):  # Nina is now the only one
        write(demo_duckdb_url, organisation.retire_person, email=other.email, today=TODAY, viewer=ADMIN)


def test_a_person_with_goals_or_open_actions_is_not_deactivated(demo_duckdb_url):
    with pytest.raises(Rejected) as caught:
        write(demo_duckdb_url, organisation.retire_person, email=CS_HEAD.email, today=TODAY)
    assert [p.key for p in caught.value.problems] == ["retire_owns_goals", "retire_owns_actions"]
    assert people(demo_duckdb_url)[CS_HEAD.email].retired_at is None


@pytest.mark.parametrize("viewer", [CS_HEAD, CEO, PRESENTER], ids=["head", "executive", "presenter"])
def test_only_administrators_administer_and_a_refusal_writes_nothing(demo_url, viewer):
    before = counts(demo_url)
    changes = [
        (organisation.save_department, {"values": CLUB, "is_new": True}),
        (organisation.save_department, {"values": {"code": "IT", "name": "Mine now"}, "is_new": False}),
        (organisation.save_person, {"values": {**NEWCOMER, "role": "admin"}, "is_new": True}),
        (
            organisation.save_person,
            {"values": {**NEWCOMER, "email": viewer.email, "role": "admin"}, "is_new": False},
        ),
        (organisation.retire_department, {"code": "IT", "today": TODAY}),
        (organisation.retire_person, {"email": ADMIN.email, "today": TODAY}),
        (organisation.retire_person, {"email": ADMIN.email, "today": None}),
    ]
    for change, arguments in changes:
        with rejected_with("Only administrators", errors.Denied):
            write(demo_url, change, viewer=viewer, **arguments)
    assert counts(demo_url) == before
