"""One pass tells everything: a file with many problems names each of them, at its row and column,
in one run, and writes nothing. One vocabulary: English and Danish words, unit synonyms, months
and deadlines in the same formats, for the import and the forms alike."""

import tomllib

import pytest

from kpi import cli
from kpi.domain import validate, vocabulary
from kpi.domain.model import UNIT_RANGES
from kpi.files import tables
from kpi.files.tables import KINDS, ImportRejected
from kpi.store import definitions, engine, importing, queries
from kpi.text import words
from tests.conftest import ROOT, as_admin
from tests.sharing import fingerprint
from tests.test_edits import ADMIN
from tests.test_imports import small_demo_file, small_url  # noqa: F401 - fixtures

CORPUS = ROOT / "tests" / "import_corpus_many"
CASES = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))["case"]


def _rows(rows: int | str) -> list[int]:
    if isinstance(rows, int):
        return [rows]
    first, last = (int(part) for part in rows.split("-"))
    return list(range(first, last + 1))


def expected(case: dict) -> list[tuple[int, str, str]]:
    return sorted((row, column, key) for rows, column, key in case["problems"] for row in _rows(rows))


def test_the_corpus_covers_every_kind_with_many_problems_a_file():
    assert len(CASES) >= 20
    assert set(KINDS) <= {case["kind"] for case in CASES}
    assert all(len(expected(case)) >= 2 for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_every_problem_of_a_file_is_reported_in_one_run_and_nothing_is_written(small_url, case):  # noqa: F811
    before = fingerprint(small_url)
    data = (CORPUS / case["file"]).read_bytes()
    with pytest.raises(ImportRejected) as caught:
        importing.run(engine.create(small_url), case["kind"], data, case["file"], as_admin())
    found = sorted((p.row, p.field, p.key) for p in caught.value.problems)
    assert found == expected(case), [words.problem(p) for p in caught.value.problems]
    assert all(p.file == case["file"] for p in caught.value.problems)
    assert fingerprint(small_url) == before


def test_a_formula_without_its_result_hides_no_other_problem_of_the_file(small_url):  # noqa: F811
    """A formula without its result in a row's note hid the value past 100 % in the same row, a
    KPI code mistyped and a month to come (a new company's trial): each is named in one run, and
    a formula's cell once, not also as a value missing."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in (
        ["kpi", "month", "value", "note"],
        ["CS_FCR", "2026-10", 150, "=A1&B1"],
        ["CS_WIAT", "2026-10", 70],
        ["CS_WAIT", "2026-09", "=60+1"],
        ["CS_WAIT", "2099-05", 80],
    ):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportRejected) as caught:
        importing.run(engine.create(small_url), "measurements", out.getvalue(), "messy.xlsx", as_admin())
    found = sorted((p.row, p.field, p.key) for p in caught.value.problems)
    said = [words.problem(p) for p in caught.value.problems]
    assert (2, "note", "import.formula_without_result") in found and (2, "value") in {r[:2] for r in found}, (
        said
    )
    assert (4, "value", "import.formula_without_result") in found
    assert [r for r in found if r[0] == 4] == [(4, "value", "import.formula_without_result")], said
    assert {r[0] for r in found} == {2, 3, 4, 5}, said  # the value, the code, the cell, the month


def test_a_column_is_named_as_the_file_heads_it_beside_columns_headed_in_danish(small_url):  # noqa: F811
    """A file headed `kpi;dato;score` was told of "column Score", the column's label, for the
    column it heads `score` (a new company's trial)."""
    data = b"kpi;dato;score\nNPS;2026-10-05;11\n"
    with pytest.raises(ImportRejected) as caught:
        importing.run(engine.create(small_url), "responses", data, "s3.csv", as_admin())
    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "score")]


def test_thirty_identical_problems_are_one_line_naming_the_rows(small_url, capsys):  # noqa: F811
    path = CORPUS / "measurements_thirty_unknown.csv"
    assert cli.main(["--db", small_url, "import", "measurements", str(path)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == (
        "measurements_thirty_unknown.csv, rows 2–31, column kpi: “nps_old” is not known in the cockpit:"
        " import or create it first."
    )
    assert lines[1:] == ["Nothing was imported: fix the problem above and run it again."]
    assert cli.main(["--db", small_url, "--lang", "da", "import", "measurements", str(path)]) == 1
    said = capsys.readouterr().err
    assert said.startswith("measurements_thirty_unknown.csv, rækkerne 2–31, kolonne kpi: »nps_old«")


def test_rows_are_named_in_runs():
    assert words.rows_text([2, 3, 4, 7, 9, 10]) == "2–4, 7, 9–10"
    spread = list(range(2, 300_000, 2))  # every other row of a long file: a run each
    assert words.rows_text(spread) == ", ".join(str(r) for r in spread[:20]) + " and 149,979 more"


@pytest.mark.parametrize(
    ("field", "word", "value"),
    [
        ("level", "Taktisk", "tactical"),
        ("level", "STRATEGISK", "strategic"),
        ("direction", "højere", "higher"),
        ("direction", "Lower is better", "lower"),
        ("aggregation", "gennemsnit", "mean"),
        ("aggregation", "Seneste måned", "last"),  # the Danish catalogue's label
        ("role", "Afdelingsleder", "department_head"),
        ("role", "department head", "department_head"),
        ("status", "I gang", "doing"),
        ("status", "Færdig", "done"),
        ("journey_phase", "Køb", "purchase"),
        ("journey_phase", "after sales", "after_sales"),
        ("journey_phase", "Efter købet og service", "after_sales"),
        ("unit", "seconds", "s"),
        ("unit", "sek", "s"),
        ("unit", "Sekunder", "s"),
        ("unit", "1-7", "ces"),
        ("unit", "procent", "%"),
        ("unit", "‰", "per1000"),
        ("unit", "timer", "h"),
    ],
)
def test_enumerations_take_english_and_danish_words(field, word, value):
    read = next(c.read for c in KINDS[_kind(field)] if c.name == field)
    assert read(word, field, ".") == value


def _kind(field: str) -> str:
    return next(kind for kind, columns in KINDS.items() if field in {c.name for c in columns})


@pytest.mark.parametrize("unit", list(UNIT_RANGES))
def test_every_unit_and_its_words_are_listed_in_the_readme_and_in_the_error(unit):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if line.strip().startswith(f"| `{unit}` |"))
    assert all(f"`{word}`" in line for word in vocabulary.SYNONYMS["unit"][unit])
    with pytest.raises(validate.Rejected) as caught:
        next(c for c in KINDS["kpis"] if c.name == "unit").read("furlongs", "unit", ".")
    allowed = words.message(caught.value.problems[0])
    assert unit.casefold() in allowed.casefold()  # the reader's word for it, its stored one where it differs


@pytest.mark.parametrize(
    ("typed", "unit"),
    [("Score (1-7)", "ces"), ("Score (1–7)", "ces"), ("NPS (-100 to +100)", "nps"), ("CSAT", "%")],
)
def test_a_unit_label_typed_with_a_hyphen_for_its_dash_is_read(typed, unit):
    """The template's list says "Score (1–7)" with an en dash; a person types a hyphen."""
    column = next(c for c in KINDS["kpis"] if c.name == "unit")
    assert column.read(typed, "unit", ".") == unit


@pytest.mark.parametrize(
    ("field", "named"),
    [
        ("role", "role"),
        ("level", "level"),
        ("direction", "direction"),
        ("aggregation", "aggregation"),
        ("status", "status (an action's)"),
        ("journey_phase", "journey_phase"),
        ("event_kind", "kind (an event's)"),
    ],
)
def test_every_word_a_file_may_hold_is_listed_in_the_readme(field, named):
    """A new user had to read kpi/domain/model.py for the aggregations the import table requires."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if line.strip().startswith(f"| {named} |"))
    listed = line.split("|")[2].split("(")[0]
    assert [w.strip().strip("`") for w in listed.split(",")] == list(vocabulary.VALUES[field])


def test_a_journey_phase_outside_the_list_is_refused_naming_the_list(small_url):  # noqa: F811
    data = b"code,name,department,unit,direction,aggregation,journey_phase\nK9,K,CS,%,higher,mean,loyalty\n"
    with pytest.raises(ImportRejected) as caught:
        importing.run(engine.create(small_url), "kpis", data, "k.csv", as_admin())
    (problem,) = caught.value.problems
    assert (problem.row, problem.field, problem.key) == (2, "journey_phase", "not_one_of")
    # the phases in the reader's words, the stored word where it differs
    assert (
        "Awareness, Evaluation, Purchase, Delivery, After sales and service (after_sales)"
        in words.problem(problem)
    )


def test_a_kpi_in_danish_words_lands_with_the_stored_values_and_its_phase_shows(small_url):  # noqa: F811
    store = engine.create(small_url)
    data = "code;name;department;unit;direction;aggregation;target;tolerance;journey_phase\n"
    data += "cs_callback;Tilbageringning;cs;sek;lavere;gennemsnit;90;0,1;Efter købet\n"
    assert importing.run(store, "kpis", data.encode(), "k.csv", as_admin()).counts == {"inserted": 1}
    with engine.reading(store) as conn:
        kpi = next(k for k in queries.kpis(conn, queries.Scope(None)) if k.code == "cs_callback")
    assert (kpi.department, kpi.unit, kpi.direction, kpi.aggregation) == ("CS", "s", "lower", "mean")
    assert (kpi.tolerance, kpi.journey_phase) == (0.1, "after_sales")


def test_the_goal_form_takes_the_words_and_formats_a_file_takes(small_url):  # noqa: F811
    store = engine.create(small_url)
    values = {
        "code": "t_new",
        "title": "Answers within the day",
        "level": "Taktisk",
        "parent": "s1",
        "kpi": "cs_wait",
        "department": "cs",
        "target": "60",
        "start": "01.2026",
        "deadline": "2027-06",
    }
    with engine.writing(store) as conn:
        definitions.save_goal(conn, ADMIN, values, is_new=True)
    with engine.reading(store) as conn:
        goal = next(g for g in queries.goals(conn, queries.Scope(None)) if g.code == "t_new")
    assert (goal.level, goal.parent, goal.kpi, goal.department) == ("tactical", "S1", "CS_WAIT", "CS")
    assert (goal.start.isoformat(), goal.deadline.isoformat()) == ("2026-01-01", "2027-06-30")


def test_a_tolerance_hint_leads_to_a_tolerance_that_is_accepted(small_url):  # noqa: F811
    store = engine.create(small_url)
    head = b"code,name,department,unit,direction,aggregation,tolerance\n"
    for typed in (b"5%", b"5"):
        with pytest.raises(ImportRejected) as caught:
            importing.run(
                store, "kpis", head + b"K9,K,CS,%,higher,mean," + typed + b"\n", "k.csv", as_admin()
            )
        hint = words.problem(caught.value.problems[0])
        assert hint.endswith("write 0.05.") or hint.endswith("write 0.05"), hint
    accepted = importing.run(store, "kpis", head + b"K9,K,CS,%,higher,mean,0.05\n", "k.csv", as_admin())
    assert accepted.counts == {"inserted": 1}


def test_a_ragged_row_is_refused_naming_the_row():
    data = b"kpi,month,value\nCS_WAIT,2026-08,49\nwait_time,2026-08,49,,extra,fields\nCS_SL,2026-08,70,\n"
    parsed = tables.parse("measurements", data, "r.csv")
    assert [(p.row, p.key) for p in parsed.problems] == [
        (3, "import.ragged_row")
    ]  # an empty last cell is fine
    text = words.problem(parsed.problems[0])
    assert text.startswith("r.csv, row 3: this row has 6 cells but the header has 3 columns")
    assert "so these belong to no column: “extra”, “fields”. Put quotation marks" in text
