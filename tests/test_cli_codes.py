"""Codes on the command line match without regard to case, in every option; an unknown code is a
usage error (exit 2) that names the known ones, and does nothing."""

import json
from datetime import date

import pytest

from kpi import cli
from kpi.store import engine, importing, queries
from tests.conftest import as_admin, table_counts

MONTH = "2026-10"
HEAD = "camilla.berg@havnhjem.example"  # heads CS


def status(url, capsys, *extra):
    code = cli.main(["--db", url, "status", "--month", MONTH, "--json", *extra])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 else None), out.err


@pytest.mark.parametrize("typed", ["it", "It", "IT"])
def test_status_department_in_any_case(demo_duckdb_url, capsys, typed):
    code, data, err = status(demo_duckdb_url, capsys, "--department", typed)
    assert code == 0, err
    assert {k["department"] for k in data["kpis"]} == {"IT"}


def test_status_with_an_unknown_department_is_a_usage_error_naming_the_known(demo_duckdb_url, capsys):
    code, _, err = status(demo_duckdb_url, capsys, "--department", "kundeservice")
    assert code == cli.EXIT_USAGE
    assert err.startswith("--department kundeservice: no such code. The known ones: ")
    assert all(known in err for known in ("CS", "IT", "MGMT", "CRED"))


def test_a_head_is_told_only_the_departments_they_see(demo_duckdb_url, capsys):
    code, _, err = status(demo_duckdb_url, capsys, "--as", HEAD.upper(), "--department", "NOPE")
    assert code == cli.EXIT_USAGE
    assert err.strip() == "--department NOPE: not one of the departments you may ask for: CS."
    code, data, _ = status(demo_duckdb_url, capsys, "--as", HEAD.upper(), "--department", "cs")
    assert code == 0 and {k["department"] for k in data["kpis"]} == {"CS"}


@pytest.mark.parametrize("command", ["status", "export"])
def test_a_head_cannot_tell_another_department_from_one_that_does_not_exist(
    demo_duckdb_url, tmp_path, capsys, command
):
    """Exit code and words are the same for IT (real, not theirs) as for a made-up code, so
    asking cannot map out the company; an administrator is told which codes exist."""
    extra = ["--format", "pptx", "--out", str(tmp_path / "x.pptx")] if command == "export" else []

    def ask(department, *viewer):
        code = cli.main(
            ["--db", demo_duckdb_url, *viewer, command, "--month", MONTH, *extra, "--department", department]
        )
        return code, capsys.readouterr().err.replace(department, "‹code›")

    as_head = ("--as", HEAD)
    assert (
        ask("IT", *as_head)
        == ask("XQ", *as_head)
        == (
            cli.EXIT_USAGE,
            "--department ‹code›: not one of the departments you may ask for: CS.\n",
        )
    )
    assert ask("it", *as_head) == ask("xq", *as_head)
    code, err = ask("XQ", "--as", "sofie.dahl@havnhjem.example")
    assert code == cli.EXIT_USAGE and "no such code. The known ones: " in err and "IT" in err
    assert not (tmp_path / "x.pptx").exists()


def test_export_department_in_any_case_and_unknown_writes_nothing(demo_duckdb_url, tmp_path, capsys):
    pack = tmp_path / "it.pptx"
    common = ["--db", demo_duckdb_url, "export", "--month", MONTH, "--format", "PPTX", "--out"]
    assert cli.main([*common, str(pack), "--department", "it"]) == 0
    assert pack.stat().st_size > 0
    nope = tmp_path / "nope.pptx"
    assert cli.main([*common, str(nope), "--department", "NOPE"]) == cli.EXIT_USAGE
    assert "--department NOPE: no such code" in capsys.readouterr().err
    assert not nope.exists()


@pytest.mark.parametrize(
    "command", [["delete", "--month", MONTH], ["correct", "--month", MONTH, "--value", "1"]]
)
def test_a_head_who_misspells_a_kpi_is_refused_without_hearing_every_department_s_codes(
    demo_duckdb_url, capsys, command
):
    """An adversarial trial: a department head's `correct --kpi NOPE` was told "no such code. The
    known ones: ADV_BOOKED, …, IT_DOWNTIME, …", every department's KPI codes, before she was
    refused as no administrator. The refusal comes first and names nothing."""
    head = ["--db", demo_duckdb_url, "--lang", "en", "--as", "camilla.berg@havnhjem.example"]
    assert cli.main([*head, *command, "--kpi", "NOPE"]) != cli.EXIT_OK
    said = capsys.readouterr()
    assert "IT_DOWNTIME" not in said.err + said.out and "known ones" not in said.err
    assert "Traceback" not in said.err


def test_export_takes_its_format_from_the_file_s_name_and_refuses_a_name_of_another(
    demo_duckdb_url, tmp_path, capsys
):
    """`export --out pack.pptx` was refused for want of `--format` (an administrator's trial):
    the name's ending says the format; a name that says neither asks for one, and a name that
    says the other format than `--format` is refused before anything is written."""
    from pptx import Presentation

    common = ["--db", demo_duckdb_url, "--lang", "en", "export", "--month", MONTH]
    pack = tmp_path / "Pack.PPTX"
    assert cli.main([*common, "--out", str(pack)]) == 0
    assert len(Presentation(str(pack)).slides) > 1
    bare = tmp_path / "pack"
    assert cli.main([*common, "--out", str(bare)]) == cli.EXIT_USAGE
    assert (
        "--format: give --format pptx or pdf, or end the file's name in .pptx or .pdf"
        in capsys.readouterr().err
    )
    other = tmp_path / "pack.pptx"
    assert cli.main([*common, "--format", "pdf", "--out", str(other)]) == cli.EXIT_USAGE
    assert f"--out: {other} names another format than pdf" in capsys.readouterr().err
    assert not bare.exists() and not other.exists()
    folder = tmp_path / "packs.pptx"
    folder.mkdir()  # a folder: said before the pack is made, not after
    assert cli.main([*common, "--out", str(folder)]) == cli.EXIT_USAGE
    assert f"--out: {folder} is a folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [
        ["delete", "--month", MONTH, "--kpi"],
        ["correct", "--month", MONTH, "--value", "100", "--kpi"],
    ],
    ids=["delete", "correct"],
)
def test_a_kpi_option_in_any_case_and_unknown(demo_duckdb_url, capsys, command):
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        before = table_counts(conn)
    assert cli.main(["--db", demo_duckdb_url, *command, "NOPE"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("--kpi NOPE: no such code. The known ones: ") and "CS_WAIT" in err
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        assert table_counts(conn) == before
    assert cli.main(["--db", demo_duckdb_url, *command, "cs_wait"]) == 0, capsys.readouterr().err
    assert "CS_WAIT" in capsys.readouterr().out


def test_close_import_and_language_options_in_any_case(demo_duckdb_url, tmp_path, capsys):
    admin = "SOFIE.DAHL@havnhjem.example"
    assert cli.main(["--db", demo_duckdb_url, "--as", admin, "close", "--month", MONTH, "--anyway"]) == 0
    values = tmp_path / "values.csv"
    values.write_text("kpi,month,value\ncs_wait,2026-11,80\n", encoding="utf-8")
    assert cli.main(["--db", demo_duckdb_url, "--lang", "DA", "import", "Measurements", str(values)]) == 0
    assert "1 række" in capsys.readouterr().out


def test_codes_keep_their_spelling_and_every_later_mention_finds_them(demo_duckdb_url, capsys):
    """The day-one story: a department created as `Kundeservice` is named `KUNDESERVICE` in the
    people file and `kundeservice` on the command line, and all of them are the one department."""
    store = engine.create(demo_duckdb_url)
    files = {
        "departments": "code,name\nKundeservice,Kundeservice\n",
        "people": "email,name,role,department\nny@havnhjem.example,Ny,afdelingsleder,KUNDESERVICE\n",
        "kpis": "code,name,department,unit,direction,aggregation\nKs_Vent,Ventetid,kundeservice,sek,lavere,gennemsnit\n",
        "measurements": "kpi,month,value\nKS_VENT,2026-10,42\n",
    }
    for kind, text in files.items():
        importing.run(store, kind, text.encode(), f"{kind}.csv", as_admin())
    again = importing.run(
        store, "departments", b"code,name\nKUNDESERVICE,Kundeservice\n", "d.csv", as_admin()
    )
    assert again.counts == {"unchanged": 1}  # the same department, not a second one
    code, data, err = status(demo_duckdb_url, capsys, "--department", "kundeservice")
    assert code == 0, err
    assert [(k["code"], k["department"], k["value"]) for k in data["kpis"]] == [
        ("Ks_Vent", "Kundeservice", 42)
    ]
    with engine.reading(store) as conn:
        assert queries.person(conn, "ny@havnhjem.example").department == "Kundeservice"


@pytest.mark.parametrize("typed", ["", "   "])
def test_an_empty_as_is_told_as_empty_and_shows_nothing(demo_duckdb_url, capsys, typed):
    """`--as ""` read "no person with the e-mail  in the store", two spaces where a name was
    missing (noted by a session): an empty e-mail is told as empty, and never acts with the
    store's full access; an unknown one is quoted as typed, without its spaces."""
    code, data, err = status(demo_duckdb_url, capsys, "--as", typed)
    assert code == cli.EXIT_USAGE and data is None
    assert err.strip().startswith("--as: the e-mail is empty; write the e-mail of a person in the store")
    code, _, err = status(demo_duckdb_url, capsys, "--as", " ghost@x.example ")
    assert (
        code == cli.EXIT_USAGE
        and err.strip() == "--as: no person with the e-mail “ghost@x.example” in the store."
    )


def test_a_pack_of_a_month_without_values_is_refused_and_names_the_latest(demo_duckdb_url, tmp_path, capsys):
    """`export --month 2026-12` wrote "29 slides" of "– No data" and "0 of 0", which a presenter
    who typed the wrong month would have handed out (a presenter's trial): a month outside those
    holding values is refused, nothing written, the latest month with values named."""
    out = tmp_path / "pack.pdf"
    for month in ("2026-11", "2019-01"):
        code = cli.main(
            ["--db", demo_duckdb_url, "--lang", "en", "export", "--month", month, "--out", str(out)]
        )
        err = capsys.readouterr().err
        assert code == cli.EXIT_USAGE and not out.exists()
        assert err.strip().endswith(
            "holds no values, so its pack would show none. The latest month with values: --month 2026-10."
        )
    assert err.startswith("--month: January 2019 holds no values")


def test_a_pack_without_a_month_is_of_the_month_the_app_shows_and_a_head_s_of_her_values(
    demo_duckdb_url, tmp_path, capsys
):
    """Without `--month` a pack is of the month the app shows first (the last complete one with
    values), not one whose values are not in yet; a month that holds values only in other
    departments is refused to a head, her own latest month named, and made for the company."""
    import sqlalchemy as sa

    from kpi.store import engine, schema

    out = tmp_path / "pack.pptx"
    assert cli.main(["--db", demo_duckdb_url, "--lang", "en", "export", "--out", str(out)]) == 0
    assert "Wrote " in capsys.readouterr().out and out.exists()
    october = date(2026, 10, 1)
    with engine.writing(engine.create(demo_duckdb_url)) as conn:  # October not in yet for IT's head
        kpis = sa.select(schema.kpi.c.code).where(schema.kpi.c.department == "IT")
        m, r = schema.measurement, schema.response_month
        conn.execute(sa.delete(m).where(m.c.kpi.in_(kpis), m.c.month == october))
        # nor the effort scores his goals' line of sight reads
        conn.execute(sa.delete(r).where(r.c.kpi.in_(["CES", "ECOM_CES"]), r.c.month == october))
    out.unlink()
    head = ["--as", "henrik.juul@havnhjem.example"]
    argv = ["--db", demo_duckdb_url, "--lang", "en", *head, "export", "--month", MONTH, "--out", str(out)]
    assert cli.main(argv) == cli.EXIT_USAGE and not out.exists()
    assert capsys.readouterr().err.strip() == (
        "--month: October 2026 holds no values, so its pack would show none. The latest month with values: --month 2026-09."
    )
    assert cli.main([a for a in argv if a not in head]) == 0 and out.exists()
