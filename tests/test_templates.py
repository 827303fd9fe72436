"""The import templates the app hands out: a workbook in the reader's language that the import
reads back, headers, list words and all (a comma-separated template opened in a Danish Excel was
one column, and Danish column headers were refused)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kpi import cli
from kpi.files import templates
from kpi.files.tables import KINDS, choice_field, guess_kind, header_columns, is_numeric, read_table, required
from kpi.text import i18n, terms

LANGUAGES = i18n.languages()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(KINDS))
def test_a_template_s_header_is_read_back_as_its_kind_s_columns(kind, language):
    data = templates.workbook(kind, language)
    header, body, *_ = read_table(data, f"{kind}.xlsx")
    assert body == []
    positions, problems = header_columns(kind, header, f"{kind}.xlsx")
    assert problems == [] and list(positions) == [c.name for c in KINDS[kind]]
    assert guess_kind(header) == kind
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    bold = [c.font.b for c in sheet[1]]
    assert bold == [c.name in required(kind) for c in KINDS[kind]]
    lists = {
        next(iter(v.sqref.ranges)).min_col: v.formula1.strip('"').split(",")
        for v in sheet.data_validations.dataValidation
    }
    for number, column in enumerate(KINDS[kind], start=1):
        letter = sheet.cell(row=1, column=number).column_letter  # typed text stays text: 2026-11 no date
        assert (sheet.column_dimensions[letter].number_format == "@") is (not is_numeric(column))
        field = choice_field(column)
        if field is None:
            assert number not in lists
            continue
        assert [terms.canonical(field, word) for word in lists[number]] == list(
            terms.vocabulary.VALUES[field]
        )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(KINDS))
def test_a_template_s_second_sheet_guides_each_of_its_columns(kind, language):
    """Day one: an administrator filling in a template learns what each column takes from the
    workbook itself, whether it is required, and the words a list column accepts; the import
    reads the first sheet only, so the guide never counts as rows."""
    book = load_workbook(io.BytesIO(templates.workbook(kind, language)))
    assert len(book.worksheets) == 2
    rows = list(book.worksheets[1].iter_rows(min_row=4, values_only=True))
    with i18n.use(language):
        yes, no = i18n.t("guide.yes"), i18n.t("guide.no")
        assert [r[0] for r in rows] == [terms.column_label(kind, c.name) for c in KINDS[kind]]
        assert [r[1] for r in rows] == [yes if c.name in required(kind) else no for c in KINDS[kind]]
        for row, column in zip(rows, KINDS[kind], strict=True):
            what = row[2] or ""
            assert len(what) > 20 and not what.startswith("guide.") and "{" not in what, (column.name, what)
            field = choice_field(column)
            assert (row[3] == terms.listing(field)) if field else row[3] is None
    header, body, *_ = read_table(templates.workbook(kind, language), f"{kind}.xlsx")
    assert body == []


def test_the_guides_say_each_kind_s_own_columns_in_both_languages():
    """A kind's own wording (`guide.<kind>.<name>`) exists in every language the English has it."""
    own = {k for k in i18n.catalogue("en") if k.startswith("guide.") and k.count(".") == 2}
    assert len(own) > 20
    for language in LANGUAGES:
        assert own <= set(i18n.catalogue(language))
    with i18n.use("da"):
        tolerance = {r[0]: r[2] for r in templates.guide("kpis")}["Tolerance"]
    assert "(tom: 0,05)" in tolerance


def test_danish_templates_head_their_columns_in_danish():
    with i18n.use("da"):
        assert [terms.column_label("departments", c.name) for c in KINDS["departments"]] == [
            "Kode",
            "Navn",
            "Overordnet afdeling",
        ]
    header = [c.value for c in load_workbook(io.BytesIO(templates.workbook("goals", "da"))).worksheets[0][1]]
    assert header[:4] == ["Kode", "Overordnet mål", "Niveau", "Titel"]


def test_a_danish_workbook_filled_in_danish_words_imports(demo_duckdb_url, tmp_path, capsys):
    """A Danish template filled in as a Danish administrator would: Danish headers and list words,
    a month typed into a text cell; a wrong cell is named by its Danish header."""
    book = load_workbook(io.BytesIO(templates.workbook("kpis", "da")))
    sheet = book.worksheets[0]
    sheet.append(["NY_KPI", "Genkøb", "CS", "Procent", "Højere er bedre", "Gennemsnit af måneder", 40])
    sheet.append(["NY_KPI2", "Klager", "Kundeservice", "Antal", "op", "Sum af måneder", 3])
    path = tmp_path / "kpier.xlsx"
    book.save(path)
    db = ["--db", demo_duckdb_url, "--lang", "da", "--as", "sofie.dahl@havnhjem.example"]
    assert cli.main([*db, "import", "kpis", str(path), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "kpier.xlsx, række 3, kolonne Afdeling: »Kundeservice« er et navn; skriv koden, CS." in err
    assert "kpier.xlsx, række 3, kolonne Retning: »op« er ikke en af" in err
    assert "række 2" not in err
    sheet.delete_rows(3)
    book.save(path)
    assert cli.main([*db, "import", "kpis", str(path)]) == 0, capsys.readouterr().err
    assert cli.main(["--db", demo_duckdb_url, "status", "--json"]) == 0
    assert "NY_KPI" in capsys.readouterr().out


def test_a_danish_file_s_header_problems_name_the_columns_as_its_template_does(
    demo_duckdb_url, tmp_path, capsys
):
    """ "påkrævede kolonner mangler: level" beside a template headed "Niveau", and "kolonne
    source_query" beside "kolonne Kildens forbindelse" (an adversarial round)."""
    db = ["--db", demo_duckdb_url, "--lang", "da", "--as", "sofie.dahl@havnhjem.example"]
    goals = tmp_path / "mål.csv"
    goals.write_text("Kode;Titel;Ejer\nS9;Noget;mette.kjaer@havnhjem.example\n", encoding="utf-8")
    assert cli.main([*db, "import", "goals", str(goals), "--dry-run"]) == 1
    assert "påkrævede kolonner mangler: Niveau (level)" in capsys.readouterr().err
    kpis = tmp_path / "kpier.csv"
    kpis.write_text(
        "Kode;Navn;Afdeling;Enhed;Retning;Aggregering;Kildetype;Kildens forbindelse\n"
        "NYK;Ny;CS;procent;højere;gennemsnit;sql;\n",
        encoding="utf-8",
    )
    assert cli.main([*db, "import", "kpis", str(kpis), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "kolonne Kildens forbindelse" in err and "kolonne Kildens forespørgsel" in err, err
    assert "source_" not in err


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_template_marks_required_what_the_import_requires(kind):
    """The goals' template headed KPI, department, target and start month in plain type, and its
    guide said "Required: No", while the import refused a new goal without them (a new company's
    trial): a template marks required what a file must fill and what the kind's one check asks
    of a new record."""
    from kpi.domain import checks
    from kpi.files.tables import CHECKS

    asked = {p.field for p in CHECKS[kind]({}, checks.Known()) if p.key == "required"}
    sheet = load_workbook(io.BytesIO(templates.workbook(kind, "en"))).worksheets[0]
    bold = {column.name for column, cell in zip(KINDS[kind], sheet[1], strict=True) if cell.font.b}
    assert bold == asked  # what the template marks is what a new record is refused without
    if kind == "goals":
        assert {"kpi", "department", "target", "start"} <= bold


def test_the_readme_s_import_table_lists_each_kind_s_columns_and_bolds_what_a_new_record_needs():
    """The README's goals row bolded three columns where the import refuses a new goal without
    seven (a day-one trial read it and was refused): its table is checked against the kinds."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Importing data", 1)[1].split("\n## ")[0]
    rows = {
        cells[0].strip(): cells[1]
        for line in section.splitlines()
        if line.startswith("| ") and len(cells := line.split("|")[1:-1]) == 2 and cells[0].strip() in KINDS
    }
    assert set(rows) == set(KINDS)
    for kind, text in rows.items():
        columns = re.sub(r"\([^)]*\)", "", text).split(":", 1)[0].strip()  # without "(YYYY-MM)" and the like
        listed = re.findall(r"(?:^|, )(\*\*)?([a-z_]+)\b", columns)
        assert [name for _, name in listed] == [c.name for c in KINDS[kind]], kind
        assert {name for bold, name in listed if bold} == required(kind), kind


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "goals.csv, row 2, column start: empty, but required: The month the goal starts: 2026-01 or January 2026.",
        ),
        (
            "da",
            "goals.csv, række 2, kolonne start: tom, men skal udfyldes: Måneden, målet starter: 2026-01 eller januar 2026.",
        ),
    ],
)
def test_an_empty_required_cell_is_told_what_its_column_takes(
    demo_duckdb_url, tmp_path, capsys, language, said
):
    """ "goals_bad.csv, row 4, column start: required, but empty." said nothing of what to write (a
    day-one trial): an empty required cell is told what its column takes, as the template's guide
    says it, in both the parse's check and the kind's."""
    path = tmp_path / "goals.csv"
    path.write_text(
        "code;level;title;kpi;department;owner;baseline;target;start;deadline\n"
        "S9;strategic;Fewer waits;CS_WAIT;CS;camilla.berg@havnhjem.example;140;60;;2027-12-31\n",
        encoding="utf-8",
    )
    assert (
        cli.main(["--db", demo_duckdb_url, "--lang", language, "import", "goals", str(path), "--dry-run"])
        == 1
    )
    assert said in capsys.readouterr().err.splitlines()
    kpis = tmp_path / "kpis.csv"
    kpis.write_text(
        "code;name;department;unit;direction;aggregation\nX1;;CS;s;lower;mean\n", encoding="utf-8"
    )
    assert cli.main(["--db", demo_duckdb_url, "--lang", "en", "import", "kpis", str(kpis), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "kpis.csv, row 2, column name: empty, but required: The KPI's name as the pages show it" in err
    kpis.write_text(
        "code;name;department;unit;direction;aggregation\nX1;Wait;CS;;lower;mean\n", encoding="utf-8"
    )
    assert cli.main(["--db", demo_duckdb_url, "--lang", "en", "import", "kpis", str(kpis), "--dry-run"]) == 1
    said = capsys.readouterr().err  # a list column's words too, as the guide lists them (a review)
    assert (
        "column unit: empty, but required: What the value is counted in. One of: Percent (%), Seconds (s),"
        in said
    )


def test_a_score_that_is_not_whole_is_told_the_two_whole_numbers_beside_it(demo_duckdb_url, tmp_path, capsys):
    """ "“7,5” is not a whole number." led to no accepted value (a day-one trial)."""
    path = tmp_path / "answers.csv"
    path.write_text('kpi,date,score,segment\nNPS,2026-10-03,"7,5",Private\n', encoding="utf-8")
    for language, said in (
        ("en", "“7,5” is not a whole number: write 7 or 8."),
        ("da", "»7,5« er ikke et helt tal: skriv 7 eller 8."),
    ):
        assert (
            cli.main(
                ["--db", demo_duckdb_url, "--lang", language, "import", "responses", str(path), "--dry-run"]
            )
            == 1
        )
        assert capsys.readouterr().err.splitlines()[0].endswith(said)
