"""No traceback reaches a person: every store, path, disk and month the command line cannot use
is one line with its exit code (README, Command line), and a page whose store is busy or cannot
be reached says so with a "Try again" button."""

import errno
import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi import cli, settings
from kpi.store import engine, importing
from kpi.store import schema as s
from kpi.text.i18n import t
from tests.commands import in_a_process, in_process
from tests.conftest import APP_TIMEOUT, ROOT, point_app_at

OCTOBER = "2026-10"
UNREACHABLE = "postgresql://x@127.0.0.1:1/db"


def run(*args: str) -> subprocess.CompletedProcess:
    """`python -m kpi args` in a process of its own: what a person meets, entry point and all. Each
    kind of failure is met this way at least once; its other cases run `in_process` (the same
    `kpi.cli.main`, without a fresh interpreter importing everything again)."""
    return in_a_process(*args)


def one_line(result: subprocess.CompletedProcess, code: int) -> str:
    """The result's one line of explanation, after checking its exit code and that no traceback
    (nor anything else) came with it."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def duckdb_url(path: Path) -> str:
    return f"duckdb:///{path.resolve()}"


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: p.write_text("not a database\n"), "not a valid DuckDB"),
        (lambda p: p.write_bytes(b""), "not a valid DuckDB"),
        (lambda p: p.mkdir(), "directory"),
    ],
    ids=["not-duckdb", "zero-bytes", "a-directory"],
)
def test_a_file_that_is_not_a_store_is_one_line_exit_1(tmp_path, make, words):
    path = tmp_path / "store.duckdb"
    make(path)
    for command in (["status"], ["close", "--month", OCTOBER], ["delete", "--month", OCTOBER]):
        how = run if command == ["status"] else in_process
        said = one_line(how("--db", duckdb_url(path), *command), 1)
        assert "Cannot open the store" in said and words in said


def test_a_read_only_store_is_one_line_exit_1(demo_duckdb_url):
    """Root may write any file it can open, so as root the file is made immutable (chattr +i)."""
    path = Path(engine.create(demo_duckdb_url).url.database)
    as_root = os.geteuid() == 0
    if as_root:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    else:
        path.chmod(0o444)
    try:
        said = one_line(run("--db", demo_duckdb_url, "status", "--month", OCTOBER), 1)
        assert "Cannot open the store" in said
    finally:
        if as_root:
            subprocess.run(["chattr", "-i", str(path)], check=True)


def test_an_unreachable_postgresql_is_one_line_exit_1():
    said = one_line(run("--db", UNREACHABLE, "status", "--month", OCTOBER), 1)
    assert "Cannot open the store" in said and "127.0.0.1" in said


@pytest.mark.parametrize("url", ["duckdb://:bad:url", "foo:bar", "postgresql+nodriver://x@y/z"])
def test_an_unparseable_store_url_is_one_line_exit_2(url):
    how = run if url == "foo:bar" else in_process
    said = one_line(how("--db", url, "status"), 2)
    assert "is not a store URL" in said


def test_a_garbage_schema_version_is_one_line_exit_1(demo_duckdb_url):
    with engine.writing(engine.create(demo_duckdb_url)) as conn:
        conn.execute(s.meta.update().where(s.meta.c.key == "schema_version").values(value="banana"))
    said = one_line(in_process("--db", demo_duckdb_url, "status", "--month", OCTOBER), 1)
    assert "banana" in said


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["import", "people", str(ROOT / "data" / "samples" / "people.csv")],
        ["close", "--month", OCTOBER],
        ["export", "--format", "pptx", "--out", "pack.pptx"],
        ["delete", "--month", OCTOBER],
        ["correct", "--kpi", "CS_WAIT", "--month", OCTOBER, "--value", "1"],
    ],
)
def test_a_store_path_that_does_not_exist_is_refused_and_not_created(tmp_path, command):
    path = tmp_path / "typo" / "store.duckdb"
    how = run if command == ["status"] else in_process
    said = one_line(how("--db", duckdb_url(path), *command), 2)
    assert "There is no store" in said
    assert not path.exists() and not path.parent.exists()


def test_init_creates_a_store_where_there_was_none(tmp_path):
    path = tmp_path / "new" / "store.duckdb"
    assert in_process("--db", duckdb_url(path), "init").returncode == 0
    assert in_process("--db", duckdb_url(path), "status", "--json").returncode == 0


@pytest.mark.parametrize("month", ["0001-01", "0001-02", "9999-11", "9999-12"])
@pytest.mark.parametrize(
    "command", [["status"], ["close"], ["export", "--format", "pptx", "--out", "x.pptx"]]
)
def test_months_near_year_1_or_9999_are_one_line_exit_2(demo_duckdb_url, month, command, capsys, tmp_path):
    argv = ["--db", demo_duckdb_url, *command, "--month", month]
    assert cli.main([a if a != "x.pptx" else str(tmp_path / "x.pptx") for a in argv]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--month" in err


def test_export_into_a_missing_folder_is_one_line_exit_2(demo_duckdb_url, tmp_path):
    out = tmp_path / "no" / "such" / "pack.pptx"
    said = one_line(
        run("--db", demo_duckdb_url, "export", "--format", "pptx", "--out", str(out), "--month", OCTOBER), 2
    )
    assert "there is no folder" in said and not out.parent.exists()


def test_a_full_disk_is_one_line_exit_1_and_leaves_no_pack(demo_duckdb_url, tmp_path, monkeypatch, capsys):
    (tmp_path / "packs").mkdir()
    out = tmp_path / "packs" / "pack.pptx"
    real = Path.write_bytes

    def full(self, data):  # writes part of it, as a filling disk does, then fails
        real(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_bytes", full)
    argv = ["--db", demo_duckdb_url, "export", "--format", "pptx", "--out", str(out), "--month", OCTOBER]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "No space left" in err
    assert list(out.parent.iterdir()) == []  # neither a 0-byte nor a half pack, nor the partial file
    monkeypatch.setattr(Path, "write_bytes", real)
    assert cli.main(argv) == 0 and out.stat().st_size > 0


def test_a_reader_that_stops_reading_is_no_error(demo_duckdb_url):
    """`status | head` printed "A file could not be read or written: [Errno 32] Broken pipe"
    (a department head's terminal): the reader stopping is not the command failing."""
    command = [sys.executable, "-m", "kpi", "--db", demo_duckdb_url, "status", "--month", "2026-10"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    # a pipe smaller than what status prints, set before it prints: it cannot write it all ahead
    fcntl.fcntl(process.stdout.fileno(), fcntl.F_SETPIPE_SZ, 4096)
    first = process.stdout.readline()
    process.stdout.close()  # as head does after its lines
    said = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0 and first and said == "", said


def test_the_store_failing_half_way_is_one_line_exit_1(demo_duckdb_url, monkeypatch, capsys):
    def failing(conn, parsed, who):
        raise sa.exc.OperationalError("INSERT", {}, OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(importing, "_apply", failing)
    sample = str(ROOT / "data" / "samples" / "departments.csv")
    assert cli.main(["--db", demo_duckdb_url, "import", "departments", sample]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "No space left" in err


# --- the app ----------------------------------------------------------------------------------


@pytest.fixture
def app_on(monkeypatch):
    """AppTest on a store of our choosing (conftest's `app` picks the demo store itself)."""

    def make(url: str, **environ: str):
        point_app_at(monkeypatch, url, **environ)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
        at.query_params["month"] = OCTOBER
        return at

    yield make
    st.cache_data.clear()
    st.cache_resource.clear()
    settings.forget()


def _retry(at):
    return next(b for b in at.button if b.label == t("store.retry"))


def test_a_page_on_an_unreachable_store_says_so_with_a_retry(app_on):
    at = app_on(UNREACHABLE).run()
    assert not at.exception, at.exception
    assert any("Cannot open the store" in e.value for e in at.error)
    _retry(at).click().run()
    assert not at.exception and any("Cannot open the store" in e.value for e in at.error)


def test_a_page_while_an_import_holds_the_store_says_busy_and_retries(app_on, demo_duckdb_url):
    path = engine.create(demo_duckdb_url).url.database
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,sys; c=duckdb.connect({path!r}); print('held', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        at = app_on(demo_duckdb_url, KPI_BUSY_WAIT="0.5").run()
        assert not at.exception, at.exception
        assert [e.value for e in at.error] == [t("store.busy")]
        holder.stdin.close()  # the import is done: the file is free
        assert holder.wait(timeout=60) == 0
        _retry(at).click().run()
        assert not at.exception and not at.error
        assert at.metric  # the page shows its numbers
    finally:
        holder.kill()
