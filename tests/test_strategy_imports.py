"""Customer promises and service priorities as import kinds: the download imports back changing
nothing, a bad file changes nothing and names every problem, and the form refuses what the file
refuses, in the same words."""

from datetime import date

import pytest

from kpi.domain.validate import Rejected
from kpi.files.tables import KINDS, ImportRejected
from kpi.store import definitions, engine, importing, queries
from tests.conftest import as_admin, table_counts
from tests.test_edits import ADMIN
from tests.test_same_checks import through_import


def download(store, kind):
    with engine.reading(store) as conn:
        return importing.export(conn, kind)


def snapshot(store):
    with engine.reading(store) as conn:
        return (
            table_counts(conn),
            queries.promises(conn),
            queries.service_priorities(conn, queries.Scope(None)),
        )


@pytest.mark.parametrize("kind", ["promises", "priorities"])
def test_a_download_imports_back_changing_nothing(demo_url, kind):
    store = engine.create(demo_url)
    before = snapshot(store)
    data = download(store, kind)
    summary = importing.run(store, kind, data, f"{kind}.csv", ADMIN)
    assert summary.counts == {"unchanged": summary.rows} and summary.rows >= 3
    assert snapshot(store) == before  # not a row, not an audit line
    assert download(store, kind) == data


def test_the_kinds_follow_what_they_refer_to():
    order = list(KINDS)
    assert order.index("promises") < order.index("goals")  # a goal names its promise
    assert order.index("kpis") < order.index("priorities")  # a priority watches a KPI


def test_a_formula_in_a_promise_is_neutral_in_the_download_and_comes_back_as_typed(demo_duckdb_url):
    store = engine.create(demo_duckdb_url)
    typed = "=HYPERLINK(evil) is never a promise"
    with engine.writing(store) as conn:
        definitions.save_promise(conn, ADMIN, {"code": "P9", "text": typed}, is_new=True)
    data = download(store, "promises")
    assert b"'=HYPERLINK" in data
    assert importing.run(store, "promises", data, "promises.csv", as_admin()).counts.get("updated", 0) == 0
    with engine.reading(store) as conn:
        assert {p.code: p.text for p in queries.promises(conn)}["P9"] == typed


def test_a_retired_promise_stays_out_of_the_download_and_retired(demo_duckdb_url):
    store = engine.create(demo_duckdb_url)
    with engine.writing(store) as conn:
        definitions.retire(conn, ADMIN, "promise", "P3", date(2026, 11, 2))
    data = download(store, "promises")
    assert b"P3" not in data
    importing.run(store, "promises", data, "promises.csv", as_admin())
    with engine.reading(store) as conn:
        assert "P3" not in {p.code for p in queries.promises(conn)}


BAD_PRIORITIES = (
    "code,text,kpi,comparison,threshold\n"
    "SP6,Chat answered within a minute,NOPE,<=,60\n"  # row 2: an unknown KPI
    "SP7,Deliveries on time,LOG_APPT,about,95\n"  # row 3: not a comparison …
    "SP8,,LOG_APPT,>=,ninety\n"  # row 4: no text, a threshold that is not a number
    "SP9,Deliveries on time,LOG_APPT,>=,150\n"  # row 5: beyond what a share can reach
    "SP6,Again,CS_WAIT,<=,60\n"  # row 6: the code twice
    "bad code,Text,CS_WAIT,<=,60\n"  # row 7: a code the cockpit cannot keep
)


def test_a_bad_priorities_file_names_every_problem_and_changes_nothing(demo_url):
    store = engine.create(demo_url)
    before = snapshot(store)
    with pytest.raises(ImportRejected) as caught:
        importing.run(store, "priorities", BAD_PRIORITIES.encode(), "priorities.csv", ADMIN)
    found = [(p.row, p.field, p.key) for p in caught.value.problems]
    assert found == [
        (2, "kpi", "unknown_reference"),
        (3, "comparison", "not_one_of"),
        (4, "text", "import.required"),
        (4, "threshold", "not_a_number"),
        (5, "threshold", "out_of_range"),
        (6, "code", "import.duplicate_key"),
        (7, "code", "bad_code"),
    ]
    assert snapshot(store) == before


def test_a_bad_promises_file_names_every_problem_and_changes_nothing(demo_duckdb_url):
    store = engine.create(demo_duckdb_url)
    before = snapshot(store)
    # row 6 repeats row 2, whose text is empty: both said at once (the repeat was told only on
    # the run after the empty text was filled in, a trial)
    data = b"code,text\nP1,\nP 5,Fair prices\nP6,Clear bills\nP6,Clear bills again\nP1,Fair\n"
    with pytest.raises(ImportRejected) as caught:
        importing.run(store, "promises", data, "promises.csv", as_admin())
    found = [(p.row, p.field, p.key) for p in caught.value.problems]
    assert found == [
        (2, "text", "import.required"),
        (3, "code", "bad_code"),
        (5, "code", "import.duplicate_key"),
        (6, "code", "import.duplicate_key"),
    ]
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("kind", "save", "values"),
    [
        ("promises", definitions.save_promise, {"code": "P 9", "text": "Fair prices"}),
        (
            "priorities",
            definitions.save_priority,
            {"code": "SP9", "text": "On time", "kpi": "NOPE", "comparison": "about", "threshold": "x"},
        ),
        (
            "priorities",
            definitions.save_priority,
            {"code": "SP9", "text": "On time", "kpi": "LOG_APPT", "comparison": ">=", "threshold": "150"},
        ),
    ],
    ids=["promise", "priority", "priority out of reach"],
)
def test_the_form_and_the_import_refuse_a_promise_or_priority_alike(demo_duckdb_url, kind, save, values):
    by_import = through_import(demo_duckdb_url, kind, values)
    with pytest.raises(Rejected) as caught, engine.writing(engine.create(demo_duckdb_url)) as conn:
        save(conn, ADMIN, values, is_new=True)
    by_form = sorted((p.field, p.key, p.params) for p in caught.value.problems)
    assert by_import == by_form != []
