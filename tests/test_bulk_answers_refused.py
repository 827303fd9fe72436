"""A large answers file with a few bad cells is refused column-wise, before the store is locked,
naming exactly the problems the cell-by-cell importer names; the store is left as it was.

(A 2-million-answer file with one bad score went cell by cell inside the store's write lock and
held it for 345 s; pages showed "busy" all that time.)"""

from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa

from kpi.domain import months
from kpi.files.tables import ImportRejected
from kpi.store import bulk_answers, column_check, engine, importing
from kpi.store import schema as s
from kpi.text import words
from tests.conftest import as_admin, table_counts
from tests.sharing import rows_digest

HEADER = "kpi,date,score,segment,touchpoint"
GOOD_ROWS = 300
_AHEAD = months.add(months.first_of(date.today()), 18)
BAD_CELLS: dict[str, dict[int, str]] = {
    "out-of-scale score": {
        40: "NPS,2026-11-02,11,,",
        41: "CS_CSAT,2026-11-02,0,,",
        250: "NPS,2026-11-03,-1,,",
    },
    "unknown KPI, the same in three rows": {
        10: "NOPE,2026-11-02,5,,",
        11: "NOPE,2026-11-03,5,,",
        12: "NOPE,2026-11-04,5,,",
    },
    "a KPI that is not a survey KPI": {7: "CS_WAIT,2026-11-02,3,,"},
    "bad dates": {
        5: "NPS,2026-13-01,5,,",
        6: "NPS,2026-02-30,5,,",
        8: "NPS,next week,5,,",
        9: "NPS,2026-11,5,,",
    },
    "dates outside the window": {
        20: "NPS,9999-12-31,5,,",
        21: "NPS,1999-12-31,5,,",
        22: f"NPS,{_AHEAD:%Y-%m}-15,5,,",
    },
    "empty required cells": {30: ",2026-11-02,5,,", 31: "NPS,,5,,", 32: "NPS,2026-11-02,,,", 33: " ,\t, ,x,"},
    "text in the score column": {
        3: "NPS,2026-11-02,ten,,",
        4: "NPS,2026-11-02,10%,,",
        60: "NPS,2026-11-02,1e308,,",
    },
    "a score with decimals or too many digits": {
        70: "NPS,2026-11-02,7.5,,",
        71: "NPS,2026-11-02," + "1" * 29 + ",,",
    },
    "a tab inside a segment or touchpoint": {  # a label is one line
        90: "NPS,2026-11-02,5,new\tcustomer,web",
        91: "NPS,2026-11-02,5,private,web\tshop",
    },
    "texts too long": {
        80: "NPS,2026-11-02,5," + "s" * 101 + ",",
        81: "NPS,2026-11-02,5,," + "t" * 150,
        82: "K" * 33 + ",2026-11-02,5,,",
    },
    "a code with look-alike letters or a space": {90: "\u212aPI,2026-11-02,5,,", 91: "N PS,2026-11-02,5,,"},
    "every cell of a row wrong": {100: "N?PS,2026-11-31,abc," + "x" * 101 + "," + "y" * 101},
    "a neutralised formula that is no score": {110: "NPS,2026-11-02,'=1+1,,"},
}
DANISH = {  # semicolons and decimal commas: 7,5 is not a whole score, 10,0 is
    "Danish file, decimal comma": {
        15: "NPS;02.11.2026;7,5;;",
        16: "NPS;31.02.2026;5;;",
        17: "NPS;02.11.2026;10,0;;",
    },
}


def _file(bad: dict[int, str], delimiter: str = ",") -> bytes:
    """`GOOD_ROWS` good answers with the `bad` lines at their spreadsheet rows (the header is row 1)."""
    lines = [HEADER.replace(",", delimiter)]
    for row in range(2, GOOD_ROWS + 2):
        good = f"NPS,2026-11-{1 + row % 28:02d},{row % 11},private,web".replace(",", delimiter)
        lines.append(bad.get(row, good))
    return ("\n".join(lines) + "\n").encode()


def _answers(url: str) -> dict:
    """Every table's rows counted, and the answers as one digest of every cell of every row
    (tests.sharing.rows_digest, worked out by the store: the demo's 300,000 answers fetched and
    sorted in Python took most of each test's time)."""
    columns = [column.name for column in s.response.columns]
    with engine.reading(engine.create(url)) as conn:
        return {
            "counts": table_counts(conn),
            "answers": tuple(
                conn.execute(rows_digest(s.response.name, columns, engine.is_duckdb(url))).one()
            ),
        }


def _refused(url: str, data: bytes) -> tuple:
    with pytest.raises(ImportRejected) as caught:
        importing.run(engine.create(url), "responses", data, "answers.csv", as_admin())
    return caught.value.problems


CASES = {**{name: (bad, ",") for name, bad in BAD_CELLS.items()}, **{n: (b, ";") for n, b in DANISH.items()}}


@pytest.mark.parametrize("name", CASES)
def test_a_refused_answers_file_names_column_wise_exactly_the_problems_the_exact_importer_names(
    demo_duckdb_url, monkeypatch, name
):
    bad, delimiter = CASES[name]
    data = _file(bad, delimiter)
    staged = bulk_answers.stage(data, "answers.csv")
    assert staged is not None  # it goes column-wise
    staged.close()
    before = _answers(demo_duckdb_url)
    fast = _refused(demo_duckdb_url, data)
    assert _answers(demo_duckdb_url) == before
    monkeypatch.setattr(bulk_answers, "stage", lambda data, name: None)
    exact = _refused(demo_duckdb_url, data)
    assert _answers(demo_duckdb_url) == before
    assert fast == exact, (
        "\n".join(map(words.problem, fast)) + "\n---\n" + "\n".join(map(words.problem, exact))
    )
    assert {p.row for p in fast} <= set(bad) and len(fast) >= len(bad) - (
        1 if name.startswith("Danish") else 0
    )
    assert all(p.file == "answers.csv" and p.field for p in fast)


def test_identical_problems_are_said_once_with_their_rows(demo_duckdb_url):
    problems = _refused(demo_duckdb_url, _file(BAD_CELLS["unknown KPI, the same in three rows"]))
    said = [words.group_text(g) for g in words.grouped(problems)]
    assert len(said) == 1 and "rows 10–12" in said[0] and "NOPE" in said[0], said


@contextmanager
def _watching_the_store(monkeypatch):
    """Counts what holds the store now (`open`) and how often it was taken for writing."""
    state = {"open": 0, "writes": 0}
    reading, writing = engine.reading, engine.writing

    def held(unit, count):
        @contextmanager
        def wrapper(*args, **kwargs):
            state["writes"] += count
            with unit(*args, **kwargs) as conn:
                state["open"] += 1
                try:
                    yield conn
                finally:
                    state["open"] -= 1

        return wrapper

    monkeypatch.setattr(engine, "reading", held(reading, 0))
    monkeypatch.setattr(engine, "writing", held(writing, 1))
    yield state


@pytest.mark.parametrize("path", ["column-wise", "cell by cell"])
def test_a_refused_answers_file_is_checked_without_holding_the_store(demo_duckdb_url, monkeypatch, path):
    if path == "cell by cell":
        monkeypatch.setattr(bulk_answers, "stage", lambda data, name: None)
    checked_while_open = []
    for module, name in ((column_check, "problems"), (importing, "_check")):
        check = getattr(module, name)

        def watched(*args, _check=check, **kwargs):
            checked_while_open.append(state["open"])
            return _check(*args, **kwargs)

        monkeypatch.setattr(module, name, watched)
    with _watching_the_store(monkeypatch) as state:
        _refused(demo_duckdb_url, _file({100: "NPS,2026-11-02,11,,"}))
    assert checked_while_open == [0]  # checked once, holding nothing
    assert state["writes"] == 0  # never taken for writing


def test_an_accepted_answers_file_still_goes_column_wise_and_is_checked_before_the_write(
    demo_duckdb_url, monkeypatch
):
    def no_cell_by_cell(*args, **kwargs):
        raise AssertionError("read cell by cell")

    monkeypatch.setattr(importing, "_parsed", no_cell_by_cell)
    with _watching_the_store(monkeypatch) as state:
        summary = importing.run(
            engine.create(demo_duckdb_url), "responses", _file({}), "answers.csv", as_admin()
        )
    assert summary.rows == GOOD_ROWS and state["writes"] == 1


def test_a_store_changed_between_the_check_and_the_write_is_checked_again(demo_duckdb_url, monkeypatch):
    """The check reads the store, lets it go, and the write takes it again: a KPI that stopped
    being a survey KPI meanwhile refuses the file, and nothing is written."""
    store = engine.create(demo_duckdb_url)
    checked = importing._checked

    calls = []

    def then_nps_changes(*args, **kwargs):
        found = checked(*args, **kwargs)
        calls.append(found)
        if len(calls) == 1:
            with engine.writing(store) as conn:
                conn.execute(sa.update(s.kpi).where(s.kpi.c.code == "NPS").values(aggregation="mean"))
        return found

    monkeypatch.setattr(importing, "_checked", then_nps_changes)
    before = _answers(demo_duckdb_url)
    problems = _refused(demo_duckdb_url, _file({}))
    assert {p.key for p in problems} == {"not_survey_kpi"} and len(problems) == GOOD_ROWS
    assert len(calls) == 1  # the second check, holding the store, refused the file
    assert _answers(demo_duckdb_url)["answers"] == before["answers"]
