"""One error base: every refusal is a CockpitError carrying problems, put into words in one place."""

import ast
import re
import subprocess
from types import SimpleNamespace

import pytest

from kpi import cli
from kpi.domain import errors, validate
from kpi.domain.errors import CockpitError, Problem
from kpi.files import tables
from kpi.output import pdf_pack
from kpi.store import engine, setup
from kpi.text import i18n, words
from tests.conftest import ROOT


@pytest.mark.parametrize(
    "kind",
    [
        validate.Rejected,
        tables.ImportRejected,
        engine.StoreBusy,
        engine.StoreUnavailable,
        engine.StoreMissing,
        setup.SchemaTooNew,
        pdf_pack.PdfUnavailable,
    ],
)
def test_every_refusal_is_a_cockpit_error(kind):
    assert issubclass(kind, CockpitError)


@pytest.mark.parametrize(
    "language, found, expected",
    [
        ("en", Problem("required", "title"), "Title: required, but empty."),
        ("da", Problem("required", "title"), "Titel: skal udfyldes, men er tom."),
        (
            "en",
            Problem("edit.unknown_kpi", "kpi", (("code", "NOPE"),)),
            "There is no KPI with the code NOPE.",
        ),
        ("en", Problem("edit.empty", "edit.field_text"), "The comment is empty: write something first."),
        ("da", Problem("edit.empty", "edit.field_text"), "Kommentaren er tom: skriv noget først."),
        # a month the store names reads as one; one of a year before 1000 as typed ("January 1" read as a day)
        (
            "en",
            Problem("closing.not_closed", "month", (("month", "2026-09"),)),
            "September 2026 is not closed, so there is nothing to reopen.",
        ),
        (
            "en",
            Problem("closing.not_closed", "month", (("month", "0001-01"),)),
            "0001-01 is not closed, so there is nothing to reopen.",
        ),
        # named as the form labels it: "Titlen er tom" named no field of the form (a head's trial)
        (
            "da",
            Problem("edit.empty", "edit.field_title"),
            "Handlingen (hvad skal gøres) er tom: skriv noget først.",
        ),
        (
            "en",
            Problem("not_a_number", "value", (("value", "x"),), file="f.csv", row=3),
            "f.csv, row 3, column value: “x” is not a number (a decimal point or comma is fine).",
        ),
        (
            "da",
            Problem("not_a_number", "value", (("value", "x"),), file="f.csv", row=3),
            "f.csv, række 3, kolonne value: »x« er ikke et tal (decimalkomma eller -punktum er fint).",
        ),
        ("en", Problem("import.empty", file="f.csv"), "f.csv: the file is empty."),
    ],
)
def test_a_problem_in_words(language, found, expected):
    with i18n.use(language):
        assert words.problem(found) == expected


def test_an_error_says_every_problem_a_line():
    error = errors.Refused([Problem("required", "title"), Problem("required", "target")])
    assert words.said(error) == "Title: required, but empty.\nTarget: required, but empty."
    assert "title: required()" in str(error)  # a log line keeps the keys and values


@pytest.mark.parametrize(
    "error, code",
    [
        (errors.BadSetting(Problem("setting.busy_wait", "KPI_BUSY_WAIT")), 2),
        (errors.Busy(Problem("store.busy")), 3),
        (engine.StoreBusy(Problem("store.busy")), 3),
        (errors.Refused(Problem("required")), 1),
        (errors.NotFound(Problem("unknown_code")), 1),
        (errors.Denied(Problem("edit.denied")), 1),
        (errors.Unavailable(Problem("export.no_libreoffice")), 1),
        (errors.Usage(Problem("store.bad_url")), 2),
        (engine.StoreMissing(Problem("store.missing")), 2),
        (engine.StoreUnavailable(Problem("store.unreachable")), 1),
    ],
)
def test_exit_codes_are_the_documented_ones(error, code):
    assert cli.exit_code(error) == code
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (
        "0 success, 1 refused or failed" in readme and "2 usage error" in readme and "3 store\nbusy" in readme
    )


def _raises_words(path) -> list[str]:
    """`raise` statements that call the translation function: text made before the front end."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and node.exc is not None:
            for inner in ast.walk(node.exc):
                if (
                    isinstance(inner, ast.Call)
                    and getattr(inner.func, "id", getattr(inner.func, "attr", "")) == "t"
                ):
                    found.append(f"{path.name}:{node.lineno}")
    return found


def test_the_store_raises_keys_and_values_not_words():
    assert [
        hit for path in sorted((ROOT / "kpi" / "store").glob("*.py")) for hit in _raises_words(path)
    ] == []


def test_the_check_for_words_in_a_raise_would_notice_one(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text(
        'raise Refused(t("edit.denied"))\nraise Refused(Problem("edit.denied"))\n', encoding="utf-8"
    )
    assert _raises_words(sample) == ["x.py:1"]


PROBLEM_KEY = re.compile(r"""Problem\(\s*"([\w.]+)"|\.problem\(\s*\w+,\s*"[\w ]*",\s*"([\w.]+)\"""")


def test_every_problem_the_code_raises_has_words_in_every_language():
    keys = {
        key
        for path in (ROOT / "kpi").rglob("*.py")
        for match in PROBLEM_KEY.finditer(path.read_text(encoding="utf-8"))
        for key in match.groups()
        if key
    }
    assert {"edit.denied", "store.busy", "required", "export.pdf_timeout", "survey_kind_kept"} <= keys
    for language in i18n.languages():
        missing = {k for k in keys if (k if "." in k else f"problem.{k}") not in i18n.catalogue(language)}
        assert missing == set(), language


def test_libreoffice_timing_out_is_pdf_unavailable_not_a_traceback(monkeypatch):
    def too_slow(command, **kwargs):
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(pdf_pack, "soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(
        pdf_pack, "subprocess", SimpleNamespace(run=too_slow, TimeoutExpired=subprocess.TimeoutExpired)
    )
    with pytest.raises(pdf_pack.PdfUnavailable) as caught:
        pdf_pack.from_pptx(b"PK")
    assert f"longer than {pdf_pack.TIMEOUT_SECONDS} seconds" in words.said(caught.value)


def test_libreoffice_timing_out_on_the_command_line_is_exit_1_and_one_line(
    demo_duckdb_url, tmp_path, monkeypatch, capsys
):
    def too_slow(command, **kwargs):
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(pdf_pack, "soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(
        pdf_pack, "subprocess", SimpleNamespace(run=too_slow, TimeoutExpired=subprocess.TimeoutExpired)
    )
    out = tmp_path / "pack.pdf"
    argv = ["--db", demo_duckdb_url, "export", "--month", "2026-10", "--format", "pdf", "--out", str(out)]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "LibreOffice" in err
    assert not out.exists()


def test_a_store_from_a_newer_release_is_a_message_in_the_app(app, app_url):
    store = engine.create(app_url)
    with engine.writing(store) as conn:
        setup.set_meta(conn, "schema_version", "999")
    store.dispose()
    at = app()
    at.run()
    assert not at.exception
    assert "Upgrade CX Cockpit" in at.error[0].value
