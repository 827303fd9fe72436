"""A goal or KPI the Data page refuses, an import refuses too, with the same problems: both ask
kpi.domain.checks. And the facts the checks use are the model's, wherever they are used."""

import csv
import io

import pytest

from kpi.domain import model
from kpi.domain.errors import Refused
from kpi.domain.model import DEFAULT_TOLERANCE, DEFAULT_WEIGHT, Aggregation
from kpi.domain.validate import Rejected
from kpi.files import tables
from kpi.files.tables import KINDS, ImportRejected
from kpi.store import definitions, edits, engine, importing, queries
from kpi.text import words
from tests.conftest import as_admin
from tests.test_edits import ADMIN

BAD_GOAL = {
    "code": "O40",
    "parent": "T8",
    "level": "operational",
    "title": "Callbacks within the hour",
    "kpi": "NOPE",
    "department": "CS",
    "owner": "ghost@havnhjem.example",
    "baseline": "",
    "target": "",
    "start": "2026-06",
    "deadline": "2026-01-31",
    "weight": "0",
    "promise": "P9",
}
BAD_KPI = {
    "code": "CS_CALLBACKS",
    "name": "Callbacks kept",
    "department": "NOWHERE",
    "unit": "%",
    "direction": "higher",
    "aggregation": "mean",
    "target": "120",
    "tolerance": "5",
    "journey_phase": "checkout",
    "definition": "",
}
UNREADABLE_GOAL = {**BAD_GOAL, "target": "sixty", "start": "June"}


def as_file(kind, values):
    """One row of `kind` as an import file: the kind's columns, in its order."""
    columns = [c.name for c in KINDS[kind]]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerow([values.get(name, "") for name in columns])
    return buffer.getvalue().encode("utf-8")


def through_import(url, kind, values):
    with pytest.raises(ImportRejected) as caught:
        importing.run(engine.create(url), kind, as_file(kind, values), f"{kind}.csv", as_admin())
    # where it was found is the file's, as its row is: the kind of file its empty cell is in too
    return sorted(
        (p.field, p.key, tuple((k, v) for k, v in p.params if k != words.FILE_KIND))
        for p in caught.value.problems
    )


def through_form(url, save, values):
    with pytest.raises(Rejected) as caught, engine.writing(engine.create(url)) as conn:
        save(conn, ADMIN, values, is_new=True)
    return sorted((p.field, p.key, p.params) for p in caught.value.problems)


@pytest.mark.parametrize(
    ("kind", "save", "values", "expected"),
    [
        (
            "goals",
            definitions.save_goal,
            BAD_GOAL,
            [
                ("deadline", "deadline_before_start"),
                ("kpi", "unknown_reference"),
                ("owner", "unknown_person"),
                ("promise", "unknown_reference"),
                ("target", "required"),
                ("weight", "weight_positive"),
            ],
        ),
        (
            "kpis",
            definitions.save_kpi,
            BAD_KPI,
            [
                ("department", "unknown_among"),
                ("journey_phase", "not_one_of"),
                ("target", "out_of_range"),
                ("tolerance", "tolerance_as_percent"),
            ],
        ),
        (
            "goals",
            definitions.save_goal,
            UNREADABLE_GOAL,  # cells that cannot be read do not hide the row's other problems
            [
                ("kpi", "unknown_reference"),
                ("owner", "unknown_person"),
                ("promise", "unknown_reference"),
                ("start", "not_a_month"),
                ("target", "not_a_number"),
                ("weight", "weight_positive"),
            ],
        ),
    ],
    ids=["goal", "kpi", "goal with unreadable cells"],
)
def test_the_form_and_the_import_refuse_the_same_record_alike(demo_url, kind, save, values, expected):
    by_import, by_form = through_import(demo_url, kind, values), through_form(demo_url, save, values)
    assert by_import == by_form
    assert [(found, key) for found, key, _ in by_form] == expected


def test_a_goal_without_a_weight_gets_the_default_and_zero_is_never_made_one(demo_duckdb_url):
    store = engine.create(demo_duckdb_url)
    good = {
        **BAD_GOAL,
        "kpi": "CS_WAIT",
        "owner": "",
        "promise": "",
        "target": "60",
        "deadline": "",
        "weight": "",
    }
    importing.run(store, "goals", as_file("goals", good), "goals.csv", as_admin())
    with engine.writing(store) as conn:
        definitions.save_goal(conn, ADMIN, {**good, "code": "O41"}, is_new=True)
    with engine.reading(store) as conn:
        weights = {
            g.code: g.weight for g in queries.goals(conn, queries.Scope(None)) if g.code in ("O40", "O41")
        }
    assert weights == {"O40": DEFAULT_WEIGHT, "O41": DEFAULT_WEIGHT}
    assert ("weight", "weight_positive") in [
        (f, k)
        for f, k, _ in through_form(
            demo_duckdb_url, definitions.save_goal, {**good, "code": "O42", "weight": "0"}
        )
    ]


def test_a_kpi_without_a_tolerance_gets_the_default_both_ways(demo_duckdb_url):
    store = engine.create(demo_duckdb_url)
    good = {**BAD_KPI, "department": "CS", "target": "95", "tolerance": "", "journey_phase": "after_sales"}
    importing.run(store, "kpis", as_file("kpis", good), "kpis.csv", as_admin())
    with engine.writing(store) as conn:
        # a name of its own: a department's KPIs are told apart by their names
        definitions.save_kpi(
            conn, ADMIN, {**good, "code": "CS_CALLBACKS_2", "name": "Callbacks, 2"}, is_new=True
        )
    with engine.reading(store) as conn:
        kpis = {k.code: k for k in queries.kpis(conn, queries.Scope(None))}
    assert kpis["CS_CALLBACKS"].tolerance == kpis["CS_CALLBACKS_2"].tolerance == DEFAULT_TOLERANCE
    assert kpis["CS_CALLBACKS"].journey_phase == "after_sales"


def test_the_import_reads_the_survey_scale_from_the_model(demo_duckdb_url, monkeypatch):
    answers = b"kpi,date,score\nCES,2026-12-02,8\n"  # a month without answers yet
    store = engine.create(demo_duckdb_url)
    with pytest.raises(ImportRejected) as caught:
        importing.run(store, "responses", answers, "ces.csv", as_admin())
    assert [(p.field, p.key) for p in caught.value.problems] == [("score", "off_scale")]
    monkeypatch.setitem(model.SURVEY_SCALES, Aggregation.CES, (1, 10))  # were CES asked on 1-10
    assert importing.run(store, "responses", answers, "ces.csv", as_admin()).counts == {"inserted": 1}


def test_an_action_is_refused_alike_in_the_app_and_in_a_file(demo_duckdb_url):
    bad = {
        "goal": "O1",
        "title": "Open a second queue",
        "owner": "ghost@havnhjem.example",
        "status": "someday",
    }
    by_import = through_import(demo_duckdb_url, "actions", bad)
    with pytest.raises(Refused) as caught, engine.writing(engine.create(demo_duckdb_url)) as conn:
        edits.add_action(conn, ADMIN, due=None, **bad)
    by_app = sorted((p.field, p.key, p.params) for p in caught.value.problems)
    assert by_import == by_app
    assert [(found, key) for found, key, _ in by_app] == [
        ("owner", "unknown_person"),
        ("status", "not_one_of"),
    ]


@pytest.mark.parametrize(
    ("kind", "save", "values"),
    [
        ("goals", definitions.save_goal, BAD_GOAL),
        ("kpis", definitions.save_kpi, BAD_KPI),
        ("actions", None, {"goal": "O1", "title": "x", "owner": None, "due": None, "status": "someday"}),
    ],
    ids=["goal form", "KPI form", "action form"],
)
def test_each_form_reads_its_fields_by_the_import_columns_of_its_kind(
    demo_duckdb_url, monkeypatch, kind, save, values
):
    """One reading per kind (`tables.read`), then one check per kind (kpi.domain.checks)."""
    real, read = tables.read, []
    monkeypatch.setattr(tables, "read", lambda k, *args, **kw: read.append(k) or real(k, *args, **kw))
    with pytest.raises(Refused), engine.writing(engine.create(demo_duckdb_url)) as conn:
        if save is None:
            edits.add_action(conn, ADMIN, **values)
        else:
            save(conn, ADMIN, values, is_new=True)
    assert read == [kind]
