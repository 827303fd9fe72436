"""One validator per kind: what a Data-page editor refuses, an import of the same kind refuses too
(the last administrator, a retired department or goal, a deactivated owner, a loop of departments,
a department head without a department), every problem at once with its row and column, and the
store unchanged."""

import pytest

from kpi.domain.validate import Rejected
from kpi.files.tables import ImportRejected
from kpi.store import definitions, engine, importing, organisation
from kpi.text import words
from tests.conftest import as_admin, rejected_with
from tests.sharing import fingerprint
from tests.test_edits import ADMIN
from tests.test_organisation import CLUB, NEWCOMER, TODAY, write

NINA = "nina.holt@havnhjem.example"  # NEWCOMER as the store keeps her address


def refused(url, kind, text):
    """Every problem of an import of `text` as (row, column, key, message), the store unchanged."""
    before = fingerprint(url)
    with pytest.raises(ImportRejected) as caught:
        importing.run(engine.create(url), kind, text.encode(), f"{kind}.csv", as_admin())
    assert fingerprint(url) == before
    return sorted((p.row, p.field, p.key, words.problem(p)) for p in caught.value.problems)


def imported(url, kind, text):
    return importing.run(engine.create(url), kind, text.encode(), f"{kind}.csv", as_admin())


@pytest.fixture
def retired_club(demo_duckdb_url):
    """The demo with a retired department `Club` (under CS) and a deactivated person, Nina."""
    write(demo_duckdb_url, organisation.save_department, values=CLUB, is_new=True)
    write(demo_duckdb_url, organisation.retire_department, code="CLUB", today=TODAY)
    write(demo_duckdb_url, organisation.save_person, values=NEWCOMER, is_new=True)
    write(demo_duckdb_url, organisation.retire_person, email=NINA, today=TODAY)
    return demo_duckdb_url


def test_an_import_does_not_demote_the_last_administrator_but_may_hand_the_role_over(demo_url):
    demote = f"email,name,role,department\n{ADMIN.email},{ADMIN.name},executive,MGMT\n"
    [(row, column, key, text)] = refused(demo_url, "people", demote)
    assert (row, column, key) == (2, "role", "last_admin")
    assert "make someone else an administrator first" in text
    handover = demote + "new.admin@havnhjem.example,New Admin,admin,\n"
    assert imported(demo_url, "people", handover).counts == {"inserted": 1, "updated": 1}


def test_an_import_names_no_retired_department_and_no_deactivated_owner_as_the_editors_do(retired_club):
    people = "email,name,role,department\nola@havnhjem.example,Ola,department_head,club\n"
    assert [r[:3] for r in refused(retired_club, "people", people)] == [
        (2, "department", "retired_reference")
    ]
    departments = "code,name,parent\nSUB,Sub club,Club\n"
    assert [r[:3] for r in refused(retired_club, "departments", departments)] == [
        (2, "parent", "retired_reference")
    ]
    kpis = "code,name,department,unit,direction,aggregation\nclub_nps,Club NPS,CLUB,nps,higher,mean\n"
    [found] = refused(retired_club, "kpis", kpis)
    assert found[:3] == (2, "department", "retired_reference")
    assert (
        found[3]
        == "kpis.csv, row 2, column department: “Club” is retired: restore it first, or choose another."
    )
    goals = (
        "code,parent,level,title,kpi,department,owner,target,start\n"
        f"T99,S1,tactical,Club goal,nps,CLUB,{NINA},50,2026-01\n"
    )
    assert [r[:3] for r in refused(retired_club, "goals", goals)] == [
        (2, "department", "retired_reference"),
        (2, "owner", "deactivated_reference"),
    ]


def test_the_goal_and_kpi_editors_refuse_a_retired_department_or_owner_as_the_import_does(retired_club):
    goal = {
        "code": "T99",
        "parent": "S1",
        "level": "tactical",
        "title": "Club goal",
        "kpi": "nps",
        "department": "club",
        "owner": NINA,
        "target": "50",
        "start": "2026-01",
    }
    with pytest.raises(Rejected) as caught:
        write(retired_club, definitions.save_goal, values=goal, is_new=True)
    assert sorted((p.field, p.key) for p in caught.value.problems) == [
        ("department", "retired_reference"),
        ("owner", "deactivated_reference"),
    ]
    kpi = {"code": "club_nps", "name": "Club NPS", "department": "Club", "unit": "nps"}
    kpi |= {"direction": "higher", "aggregation": "mean"}
    with rejected_with("Department: “Club” is retired"):
        write(retired_club, definitions.save_kpi, values=kpi, is_new=True)


def test_a_loop_of_departments_is_refused_in_a_file_and_across_the_file_and_the_store(demo_url):
    within = "code,name,parent\nAA,First,BB\nBB,Second,AA\nCC,Third,CC\n"
    found = refused(demo_url, "departments", within)
    assert [r[:3] for r in found] == [
        (2, "parent", "department_loop"),
        (3, "parent", "department_loop"),
        (4, "parent", "own_parent"),
    ]
    assert "a loop of departments, AA → BB → AA: choose a parent outside the loop" in found[0][3]
    write(demo_url, organisation.save_department, values=CLUB, is_new=True)  # Club sits under CS
    [across] = refused(demo_url, "departments", "code,name,parent\ncs,Customer service,club\n")
    assert across[:3] == (2, "parent", "department_loop") and "CS → Club → CS" in across[3]


def test_a_loop_of_departments_is_refused_in_the_form_naming_it(demo_duckdb_url):
    write(demo_duckdb_url, organisation.save_department, values=CLUB, is_new=True)
    with rejected_with("Parent department: this would make a loop of departments, CS → Club → CS"):
        write(
            demo_duckdb_url,
            organisation.save_department,
            values={"code": "CS", "name": "Customer service", "parent": "Club"},
            is_new=False,
        )


def test_a_department_head_needs_a_department_in_the_form_and_the_import(demo_duckdb_url):
    headless = {**NEWCOMER, "department": ""}
    with rejected_with("Department: a department head needs a department"):
        write(demo_duckdb_url, organisation.save_person, values=headless, is_new=True)
    file = f"email,name,role,department\n{NINA},Nina Holt,Afdelingsleder,\n"
    assert [r[:3] for r in refused(demo_duckdb_url, "people", file)] == [
        (2, "department", "head_needs_department")
    ]
    executive = f"email,name,role,department\n{NINA},Nina Holt,executive,\n"
    assert imported(demo_duckdb_url, "people", executive).counts == {"inserted": 1}


def test_a_retired_record_may_keep_naming_the_retired_department_it_already_named(retired_club):
    """The guards refuse a new reference, never one the store already holds: a download of
    people still imports, and a deactivated person's name can still be corrected."""
    write(retired_club, organisation.retire_department, code="CLUB", today=None)
    moved = {**NEWCOMER, "department": "Club"}
    write(retired_club, organisation.save_person, values=moved, is_new=False)
    write(retired_club, organisation.retire_department, code="CLUB", today=TODAY)
    renamed = {**moved, "name": "Nina Holt-Berg"}
    assert write(retired_club, organisation.save_person, values=renamed, is_new=False) == "updated"
    with engine.reading(engine.create(retired_club)) as conn:
        download = importing.export(conn, "people")
    assert set(imported(retired_club, "people", download.decode("utf-8-sig")).counts) == {"unchanged"}


def test_an_open_action_under_a_retired_goal_is_refused_by_the_import_and_a_done_one_is_kept(demo_duckdb_url):
    write(demo_duckdb_url, definitions.retire, table="goal", code="O1", today=TODAY)
    header = "goal,title,owner,due,status\n"
    [(row, column, key, text)] = refused(demo_duckdb_url, "actions", header + "O1,A new queue,,,planned\n")
    assert (row, column, key) == (2, "goal", "retired_reference")
    assert "restore it first" in text
    done = imported(demo_duckdb_url, "actions", header + "O1,What was done before,,,done\n")
    assert done.counts == {"inserted": 1}
