"""Admins change the strategy's definitions; every change is checked, audited, and reversible."""

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from kpi.domain import errors
from kpi.domain.access import EVERYTHING
from kpi.domain.model import Person, Role
from kpi.domain.validate import Rejected
from kpi.files.tables import ImportRejected
from kpi.store import definitions, engine, importing, monthly, queries, schema
from kpi.text import words
from tests.conftest import as_admin, rejected_with, table_counts
from tests.test_edits import ADMIN, CS_HEAD, counts, last_audit

O1 = {  # the demo's "Callers wait at most a minute on average", as the form sends it
    "code": "O1",
    "title": "Callers wait at most a minute on average",
    "description": "Cut the average phone queue time for customers with in-queue callback and better staffing.",
    "level": "operational",
    "parent": "T8",
    "kpi": "CS_WAIT",
    "department": "CS",
    "owner": "camilla.berg@havnhjem.example",
    "baseline": "140",
    "target": "60",
    "start": "2025-05",
    "deadline": "2027-02-28",
    "weight": "1",
    "promise": "P3",
}


def goal(url, code):
    with engine.reading(engine.create(url)) as conn:
        return next(
            g for g in queries.goals(conn, queries.Scope(None), include_retired=True) if g.code == code
        )


def save(url, values, is_new=False, viewer=ADMIN):
    with engine.writing(engine.create(url)) as conn:
        return definitions.save_goal(conn, viewer, values, is_new=is_new)


def test_a_new_target_is_audited_and_asks_the_owner_to_accept_again(demo_url):
    assert goal(demo_url, "O1").accepted_at is not None
    assert save(demo_url, {**O1, "target": "55,5"}) == "updated"
    changed = goal(demo_url, "O1")
    assert changed.target == 55.5 and changed.accepted_at is None
    audit = last_audit(demo_url)
    assert audit["who"] == ADMIN.email and audit["key"] == "O1"
    assert '"target": 60.0' in audit["before"] and '"target": 55.5' in audit["after"]
    with engine.reading(engine.create(demo_url)) as conn:
        history = queries.target_history(conn, "O1")
    assert [(before, after) for _, _, before, after in history] == [(None, 60.0), (60.0, 55.5)]


def test_saving_unchanged_values_writes_nothing(demo_duckdb_url):
    before = counts(demo_duckdb_url)
    assert save(demo_duckdb_url, O1) == "unchanged"
    assert counts(demo_duckdb_url) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"target": "sixty"}, "Target: “sixty” is not a number"),
        ({"target": "60 %"}, "percent sign"),
        ({"target": ""}, "Target: required"),
        ({"parent": "O2"}, "Parent: O2 is operational"),  # level skip (an operational parent)
        ({"parent": "S1"}, "Parent: S1 is strategic"),
        ({"start": "Q2 2025"}, "Start month: “Q2 2025” is not a month"),  # a month by name is one
        ({"deadline": "2025-01-31"}, "the deadline must come after the start"),
        ({"kpi": "NOPE"}, "KPI: “NOPE” is not known in the cockpit"),
        ({"owner": "stranger@example.com"}, "Owner: “stranger@example.com”"),
    ],
)
def test_invalid_goal_edits_are_explained_and_change_nothing(demo_url, changes, message):
    before = counts(demo_url)
    with rejected_with(message):
        save(demo_url, {**O1, **changes})
    assert counts(demo_url) == before
    assert goal(demo_url, "O1").target == 60.0


def test_a_parent_loop_is_refused(demo_duckdb_url):
    t8 = {
        "code": "T8",
        "title": "Customers are satisfied with the help they get",
        "description": "x y z a b c",
        "level": "tactical",
        "kpi": "CS_CSAT",
        "department": "CS",
        "target": "86",
        "start": "2025-05",
    }
    for parent in ("O1", "T8"):  # under its own sub-goal, under itself
        with rejected_with("its own ancestor") as refusals:
            save(demo_duckdb_url, {**t8, "parent": parent})
        assert [p.key for p in refusals[0].problems] == ["parent_loop"]
    assert goal(demo_duckdb_url, "T8").parent == "S3"


def test_every_problem_of_a_form_is_reported_at_once(demo_duckdb_url):
    with pytest.raises(Rejected) as caught:
        save(demo_duckdb_url, {**O1, "target": "x", "baseline": "y", "kpi": "NOPE", "start": "soon"})
    assert len(caught.value.problems) == 4


def test_new_goals_need_a_fresh_code(demo_duckdb_url):
    with rejected_with("“O1” is taken"):
        save(demo_duckdb_url, O1, is_new=True)
    assert save(demo_duckdb_url, {**O1, "code": "o30"}, is_new=True) == "inserted"
    assert goal(demo_duckdb_url, "o30").title == O1["title"]  # a code keeps its spelling …
    with rejected_with("“o30” is taken"):  # … and is the same code in any case
        save(demo_duckdb_url, {**O1, "code": "O30"}, is_new=True)


def test_only_admins_define(demo_duckdb_url):
    with pytest.raises(errors.Denied):
        save(demo_duckdb_url, {**O1, "target": "50"}, viewer=CS_HEAD)
    ceo = Person("mette.kjaer@havnhjem.example", "Mette Kjær", Role.EXECUTIVE, "MGMT")
    with pytest.raises(errors.Denied), engine.writing(engine.create(demo_duckdb_url)) as conn:
        definitions.retire(conn, ceo, "kpi", "CS_WAIT", date(2026, 11, 2))


def test_retiring_keeps_history_and_hides_from_reports(demo_url):
    store = engine.create(demo_url)
    with rejected_with("O1, O2, O22, O3, O5"), engine.writing(store) as conn:
        definitions.retire(conn, ADMIN, "goal", "T8", date(2026, 11, 2))  # it has sub-goals
    with engine.writing(store) as conn:
        assert definitions.retire(conn, ADMIN, "goal", "O5", date(2026, 11, 2)) == "updated"
        assert definitions.retire(conn, ADMIN, "kpi", "CS_CHAT_WAIT", date(2026, 11, 2)) == "updated"
    with engine.reading(store) as conn:
        scope = queries.Scope(None)
        assert "O5" not in {g.code for g in queries.goals(conn, scope)}
        assert "CS_CHAT_WAIT" not in {k.code for k in queries.kpis(conn, scope)}
        assert table_counts(conn)["measurement"] == counts(demo_url)["measurement"]  # data kept
    with engine.writing(store) as conn:
        assert definitions.retire(conn, ADMIN, "goal", "O5", None) == "updated"  # restored
    assert goal(demo_url, "O5").retired_at is None


def test_kpis_promises_and_priorities(demo_duckdb_url):
    store = engine.create(demo_duckdb_url)
    kpi = {
        "code": "CS_CALLBACKS",
        "name": "Callbacks kept",
        "department": "CS",
        "unit": "%",
        "direction": "higher",
        "aggregation": "mean",
        "target": "95",
        "tolerance": "0,05",
        "definition": "Callbacks made on time.",
    }
    with engine.writing(store) as conn:
        assert definitions.save_kpi(conn, ADMIN, kpi, is_new=True) == "inserted"
        assert (
            definitions.save_promise(
                conn, ADMIN, {"code": "P4", "text": "We call back when we said"}, is_new=True
            )
            == "inserted"
        )
        assert (
            definitions.save_priority(
                conn,
                ADMIN,
                {
                    "code": "SP5",
                    "text": "Callbacks within the hour",
                    "kpi": "CS_CALLBACKS",
                    "threshold": "95",
                    "comparison": ">=",
                },
                is_new=True,
            )
            == "inserted"
        )
    with rejected_with("Unit"), engine.writing(store) as conn:
        definitions.save_kpi(conn, ADMIN, {**kpi, "code": "X", "unit": "furlongs"}, is_new=True)
    with rejected_with("Tolerance"), engine.writing(store) as conn:
        definitions.save_kpi(conn, ADMIN, {**kpi, "tolerance": "5"}, is_new=False)
    said = {"new k;3": "may only hold the letters", "ÆØÅ-é": "only looks like a plain letter"}
    for (
        code,
        message,
    ) in said.items():  # a code's own message, as a file's and the other forms' (it broke the page)
        with rejected_with(message), engine.writing(store) as conn:
            definitions.save_kpi(conn, ADMIN, {**kpi, "code": code}, is_new=True)
        with rejected_with(message), engine.writing(store) as conn:
            definitions.save_goal(conn, ADMIN, {**O1, "code": code}, is_new=True)


def test_retiring_an_unknown_code_is_not_found_instead_of_an_integrity_error(demo_url):
    before = counts(demo_url)
    with (
        rejected_with("“NOPE” is not one of the known codes", errors.NotFound),
        engine.writing(engine.create(demo_url)) as conn,
    ):
        definitions.retire(conn, ADMIN, "kpi", "NOPE", date(2026, 11, 2))
    assert counts(demo_url) == before


def _kpi_form(url, code):
    """A KPI's fields as the editor shows them (the import format is the form's)."""
    with engine.reading(engine.create(url)) as conn:
        rows = csv.DictReader(io.StringIO(importing.export(conn, "kpis").decode("utf-8-sig")))
        return next(row for row in rows if row["code"] == code)


def test_a_survey_kpi_changed_to_mean_does_not_break_the_month_report(demo_url):
    """The editor refuses it: NPS answers are on a 0-10 scale, and their mean is not the NPS the
    history reports. A kind changed behind the editor's back (an import of KPIs) leaves every
    month report working: the KPI then reads monthly values like any other."""
    store = engine.create(demo_url)
    with rejected_with("survey answers on the NPS scale"), engine.writing(store) as conn:
        definitions.save_kpi(conn, ADMIN, {**_kpi_form(demo_url, "NPS"), "aggregation": "mean"}, is_new=False)
    with engine.writing(store) as conn:
        conn.execute(sa.update(schema.kpi).where(schema.kpi.c.code == "NPS").values(aggregation="mean"))
    with engine.reading(store) as conn:
        built = monthly.month_report(conn, EVERYTHING, date(2026, 10, 1), "en")
    assert built.kpis["NPS"].value is None  # no monthly values loaded: no data, not a crash
    assert built.kpis["NPS_B2B"].value.n > 0  # the other survey KPIs still read their answers


def test_a_kpi_without_answers_may_change_its_kind(demo_duckdb_url):
    form = _kpi_form(demo_duckdb_url, "CS_WAIT")
    with engine.writing(engine.create(demo_duckdb_url)) as conn:
        assert definitions.save_kpi(conn, ADMIN, {**form, "aggregation": "last"}, is_new=False) == "updated"


def test_an_import_of_kpis_cannot_change_a_survey_kpis_kind_either(demo_url):
    """The same check refuses it through the file as through the editor, in the same words."""
    store = engine.create(demo_url)
    with engine.reading(store) as conn:
        data = importing.export(conn, "kpis").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({**r, "aggregation": "mean"} if r["code"] == "NPS" else r for r in rows)
    changed = out.getvalue().splitlines()
    with pytest.raises(ImportRejected) as caught:
        importing.run(store, "kpis", "\n".join(changed).encode(), "kpis.csv", as_admin())
    said_by_import = [words.problem(p) for p in caught.value.problems]
    assert len(said_by_import) == 1 and "NPS scale" in said_by_import[0]
    with rejected_with("survey answers on the NPS scale"), engine.writing(store) as conn:
        definitions.save_kpi(conn, ADMIN, {**_kpi_form(demo_url, "NPS"), "aggregation": "mean"}, is_new=False)


def test_a_kpi_keeps_the_direction_its_goals_aim_in_by_the_editor_and_by_a_file(demo_duckdb_url):
    """Churn turned better higher by a KPIs file: its strategic goal from 1.9 % to 1.5 % asked it
    to get worse and read "On track" the moment the file was in, while the goal imported again
    was refused (an adversarial test). A KPI whose goals agree may turn."""
    store = engine.create(demo_duckdb_url)
    with (
        rejected_with("CHURN is measured by goals that aim the other way \\(S3"),
        engine.writing(store) as conn,
    ):
        definitions.save_kpi(
            conn, ADMIN, {**_kpi_form(demo_duckdb_url, "CHURN"), "direction": "higher"}, is_new=False
        )
    header = "code,name,department,unit,direction,aggregation\n"
    with pytest.raises(ImportRejected) as caught:
        importing.run(
            store, "kpis", (header + "CHURN,Customer churn,MGMT,%,higher,sum\n").encode(), "k.csv", as_admin()
        )
    assert [(p.field, p.key) for p in caught.value.problems] == [("direction", "direction_against_goals")]
    new = {"code": "NEW_D", "name": "New", "department": "CS", "unit": "%", "aggregation": "mean"}
    with engine.writing(store) as conn:  # no goal aims it anywhere: it may turn
        definitions.save_kpi(conn, ADMIN, {**new, "direction": "higher"}, is_new=True)
        assert definitions.save_kpi(conn, ADMIN, {**new, "direction": "lower"}, is_new=False) == "updated"


def test_a_kpi_with_values_keeps_its_unit_by_the_editor_and_by_a_file(demo_duckdb_url):
    """500 orders a month read as 500 on the 1-7 effort scale ("500.0 / 7 ✓ On target"), found
    by an adversarial test: a KPI with values keeps its unit; one without may change it."""
    store = engine.create(demo_duckdb_url)
    with rejected_with("CS_WAIT already has values in “s”"), engine.writing(store) as conn:
        definitions.save_kpi(
            conn, ADMIN, {**_kpi_form(demo_duckdb_url, "CS_WAIT"), "unit": "min"}, is_new=False
        )
    header = "code,name,department,unit,direction,aggregation,target\n"
    with pytest.raises(ImportRejected) as caught:
        data = (header + "CS_WAIT,Wait,CS,ces,lower,mean,5\n").encode()
        importing.run(store, "kpis", data, "kpis.csv", as_admin())
    assert [p.key for p in caught.value.problems] == ["unit_kept"]
    new = {"code": "NEW_K", "name": "New", "department": "CS", "unit": "count"}
    with engine.writing(store) as conn:
        definitions.save_kpi(conn, ADMIN, {**new, "direction": "higher", "aggregation": "sum"}, is_new=True)
    with engine.writing(store) as conn:  # no values yet: its unit may change
        form = {**_kpi_form(demo_duckdb_url, "NEW_K"), "unit": "%"}
        assert definitions.save_kpi(conn, ADMIN, form, is_new=False) == "updated"


def test_a_count_with_months_that_are_not_whole_stays_a_mean(demo_duckdb_url):
    """An adversarial round made a count of open cases a day (a mean, 2.5 in October) a summed
    count: the month stood while a correction to it was refused. The aggregation stays."""
    store = engine.create(demo_duckdb_url)
    header = "code,name,department,unit,direction,aggregation\n"
    importing.run(
        store,
        "kpis",
        (header + "OPEN_CASES,Open cases a day,IT,count,lower,mean\n").encode(),
        "k.csv",
        as_admin(),
    )
    importing.run(store, "measurements", b"kpi,month,value\nOPEN_CASES,2026-10,2.5\n", "m.csv", as_admin())
    with pytest.raises(ImportRejected) as caught:
        importing.run(
            store,
            "kpis",
            (header + "OPEN_CASES,Open cases a day,IT,count,lower,sum\n").encode(),
            "k.csv",
            as_admin(),
        )
    assert [(p.key, p.field) for p in caught.value.problems] == [("fractions_kept", "aggregation")]
    with (
        rejected_with("OPEN_CASES has months whose values are not whole numbers"),
        engine.writing(store) as conn,
    ):
        definitions.save_kpi(
            conn, ADMIN, {**_kpi_form(demo_duckdb_url, "OPEN_CASES"), "aggregation": "last"}, is_new=False
        )
    with engine.writing(store) as conn:  # the whole counts of the demo's incidents may be summed or not
        form = {**_kpi_form(demo_duckdb_url, "IT_INCIDENTS"), "aggregation": "max"}
        assert definitions.save_kpi(conn, ADMIN, form, is_new=False) == "updated"
