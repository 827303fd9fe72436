"""Data in: real-world files load whole or not at all, and every problem is named precisely."""

import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import tomllib
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi import cli, settings
from kpi.demo.generate import generate
from kpi.domain import bounds
from kpi.domain.access import EVERYTHING
from kpi.files.tables import KINDS, ImportRejected
from kpi.store import engine, importing, queries, schema
from kpi.text import words
from tests.conftest import APP_TIMEOUT, DEMO_END, ROOT, as_admin, load_company, table_counts
from tests.holding import kept_open
from tests.killing import killed_at
from tests.sharing import fingerprint

CORPUS = ROOT / "tests" / "import_corpus"
SAMPLES = ROOT / "data" / "samples"
CASES = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))["case"]
ORDER = list(KINDS)


@pytest.fixture(scope="session")
def small_demo_file(tmp_path_factory):
    """The demo company with three months of history and few answers: quick to checksum."""
    path = tmp_path_factory.mktemp("small") / "small.duckdb"
    load_company(f"duckdb:///{path}", generate(DEMO_END, history=3, answers_factor=0.05), who="demo")
    return path


@pytest.fixture
def small_url(small_demo_file, tmp_path):
    copy = tmp_path / "small.duckdb"
    shutil.copy(small_demo_file, copy)
    return f"duckdb:///{copy}"


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_every_bad_file_is_rejected_precisely_and_writes_nothing(small_url, case):
    assert len(CASES) >= 30
    before = fingerprint(small_url)
    data = (CORPUS / case["file"]).read_bytes()
    with pytest.raises(ImportRejected) as caught:
        importing.run(engine.create(small_url), case["kind"], data, case["file"], as_admin())
    problems = caught.value.problems
    matching = [p for p in problems if case["contains"] in words.problem(p)]
    assert matching, [words.problem(p) for p in problems]
    assert all(words.problem(p).startswith(case["file"]) for p in problems)
    if "row" in case:
        assert matching[0].row == case["row"], words.problem(matching[0])
        assert f"row {case['row']}" in words.problem(matching[0])
    if "column" in case:
        assert matching[0].field == case["column"], words.problem(matching[0])
    assert fingerprint(small_url) == before


@pytest.mark.parametrize("name", ["goals_parent_loop.csv", "nps_score_11.csv", "text_in_number.csv"])
def test_bad_files_write_nothing_on_postgresql_either(demo_pg_template, pg_server, name):
    url = pg_server.create_database(
        f"imp_{name.split('.')[0]}_{uuid.uuid4().hex[:8]}", template=demo_pg_template
    )
    case = next(c for c in CASES if c["file"] == name)
    with engine.reading(engine.create(url)) as conn:
        before = table_counts(conn)
    with pytest.raises(ImportRejected):
        importing.run(engine.create(url), case["kind"], (CORPUS / name).read_bytes(), name, as_admin())
    with engine.reading(engine.create(url)) as conn:
        assert table_counts(conn) == before


def test_all_problems_of_a_file_are_reported_at_once(small_url):
    data = b"kpi,month,value\nCS_WAIT,2026-13,80\nCS_SL,2026-11,high\nNOPE,2026-11,\n"
    with pytest.raises(ImportRejected) as caught:
        importing.run(engine.create(small_url), "measurements", data, "many.csv", as_admin())
    expected = [(2, "month"), (3, "value"), (4, "kpi"), (4, "value")]  # row 4: unknown KPI, no value
    assert [(p.row, p.field) for p in caught.value.problems] == expected


def test_the_samples_import_in_order(demo_url):
    store = engine.create(demo_url)
    summaries = {}
    for kind in ORDER:
        for path in sorted(SAMPLES.glob(f"{kind}.*")):
            summaries[path.name] = importing.run(
                store, kind, path.read_bytes(), path.name, as_admin("sofie.dahl@havnhjem.example")
            )
    assert summaries["kpis.csv"].counts == {"inserted": 2}
    assert summaries["goals.csv"].counts == {"inserted": 2}
    assert summaries["responses.csv"].counts == {"inserted": 60}
    with engine.reading(store) as conn:
        values = {
            (v.kpi, v.month): v
            for v in queries.month_values(conn, EVERYTHING, date(2026, 11, 1), date(2026, 11, 1))
        }
        notes = dict(
            conn.execute(
                sa.select(schema.measurement.c.kpi, schema.measurement.c.note).where(
                    schema.measurement.c.month == date(2026, 11, 1)
                )
            ).all()
        )
    november = date(2026, 11, 1)
    assert values[("CS_WAIT", november)].value == 88.5  # decimal comma
    assert values[("ECOM_LOAD", november)].value == 1987  # thousands dot in a Danish file
    assert values[("CS_SL", november)].value == 74.5  # from the .xlsx sample
    assert values[("NPS", november)].n == 60
    assert notes["CS_WAIT"] == "Julespids: ventetiden øget, sæsonansatte på vej"  # Latin-1 survived


def test_months_written_by_name_import_as_those_months(small_url):
    """Spreadsheets write months by name: Excel's `nov-26`, a Danish `okt. 2026`."""
    store = engine.create(small_url)
    data = b"kpi;month;value\nCS_WAIT;nov-26;88,5\nCS_SL;Oktober 2026;71,5\n"
    importing.run(store, "measurements", data, "named.csv", as_admin("sofie.dahl@havnhjem.example"))
    with engine.reading(store) as conn:
        found = {
            (v.kpi, v.month): v.value
            for v in queries.month_values(conn, EVERYTHING, date(2026, 10, 1), date(2026, 11, 1))
        }
    assert found[("CS_WAIT", date(2026, 11, 1))] == 88.5
    assert found[("CS_SL", date(2026, 10, 1))] == 71.5


def test_a_correction_without_notes_keeps_the_months_notes(small_url):
    """A file of corrected values that has no note column changes the values and leaves each
    month's note as it was (it cleared them); an empty cell in a note column clears that note;
    a new month without a note gets none."""
    store = engine.create(small_url)
    admin = as_admin("sofie.dahl@havnhjem.example")
    noted = b"kpi,month,value,note\nCS_WAIT,2026-11,88.5,Julespids\nCS_SL,2026-11,74.5,Ny telefonk\xc3\xb8\n"
    importing.run(store, "measurements", noted, "noted.csv", admin)
    corrected = b"kpi,month,value\nCS_WAIT,2026-11,90\nCS_SL,2026-11,75\nCS_WAIT,2026-12,91\n"
    assert importing.run(store, "measurements", corrected, "fix.csv", admin).counts == {
        "updated": 2,
        "inserted": 1,
    }

    def stored() -> dict:
        m = schema.measurement
        with engine.reading(store) as conn:
            found = conn.execute(
                sa.select(m.c.kpi, m.c.month, m.c.value, m.c.note).where(m.c.kpi.in_(["CS_WAIT", "CS_SL"]))
            ).all()
        return {
            (r.kpi, r.month.isoformat()[:7]): (r.value, r.note) for r in found if r.month >= date(2026, 11, 1)
        }

    assert stored() == {
        ("CS_WAIT", "2026-11"): (90.0, "Julespids"),
        ("CS_SL", "2026-11"): (75.0, "Ny telefonkø"),
        ("CS_WAIT", "2026-12"): (91.0, ""),
    }
    cleared = b"kpi,month,value,note\nCS_SL,2026-11,75,\n"
    assert importing.run(store, "measurements", cleared, "clear.csv", admin).counts == {"updated": 1}
    assert stored()[("CS_SL", "2026-11")] == (75.0, "")


def test_month_targets_and_process_changes_import_audited_and_checked_like_any_kind(small_url):
    store = engine.create(small_url)
    data = b"kpi;month;target\nCS_WAIT;2026-12;110,5\nIT_DOWNTIME;2026-12;60\n"
    assert importing.run(store, "targets", data, "t.csv", as_admin("a@x")).counts == {"inserted": 2}
    assert importing.run(store, "targets", data, "t.csv", as_admin("a@x")).counts == {"unchanged": 2}
    changed = b"kpi,month,note\nCS_WAIT,2026-11,New phone system\n"
    assert importing.run(store, "changes", changed, "c.csv", as_admin("b@x")).counts == {"inserted": 1}
    assert importing.run(store, "changes", changed, "c.csv", as_admin("c@x")).counts == {"unchanged": 1}
    with engine.reading(store) as conn:
        assert queries.month_targets(conn, EVERYTHING, date(2026, 12, 1), date(2026, 12, 1)) == {
            "CS_WAIT": {date(2026, 12, 1): 110.5},
            "IT_DOWNTIME": {date(2026, 12, 1): 60.0},
        }
        changes = queries.process_changes(conn, EVERYTHING, date(2026, 12, 1))
        assert changes["CS_WAIT"][-1] == date(2026, 11, 1)  # after the demo's strategy launch
        audited = conn.execute(
            sa.select(schema.audit.c.table_name, schema.audit.c.who).where(
                schema.audit.c.table_name.in_(["kpi_target", "process_change"]), schema.audit.c.who != "demo"
            )
        ).all()
    assert sorted(audited) == [("kpi_target", "a@x"), ("kpi_target", "a@x"), ("process_change", "b@x")]
    bad = b"kpi,month,target\nNOPE,2026-12,5\nCS_SL,2026-12,120\nCS_SL,2026-13,70\n"
    with pytest.raises(ImportRejected) as caught:
        importing.run(store, "targets", bad, "bad.csv", as_admin("a@x"))
    found = [(p.row, p.field, p.key) for p in caught.value.problems]
    assert found == [
        (2, "kpi", "unknown_reference"),
        (3, "target", "out_of_range"),
        (4, "month", "not_a_month"),
    ]


def test_reimporting_a_month_replaces_it_and_the_audit_keeps_both(small_url):
    store = engine.create(small_url)
    importing.run(
        store, "measurements", b"kpi;month;value\nCS_WAIT;2026-10;70,5\n", "first.csv", as_admin("a@x")
    )
    summary = importing.run(
        store, "measurements", b"kpi;month;value\nCS_WAIT;2026-10;66\n", "again.csv", as_admin("b@x")
    )
    assert summary.counts == {"updated": 1}
    with engine.reading(store) as conn:
        audit = conn.execute(sa.select(schema.audit).order_by(schema.audit.c.id.desc())).mappings().first()
    assert audit["who"] == "b@x" and audit["key"] == "CS_WAIT|2026-10-01"
    assert '"value": 70.5' in audit["before"] and '"value": 66.0' in audit["after"]


def test_export_then_import_changes_nothing(small_url):
    store = engine.create(small_url)
    for kind in ("targets", "changes", "calendar"):  # the small demo has none: give the round trip some
        importing.run(store, kind, (SAMPLES / f"{kind}.csv").read_bytes(), f"{kind}.csv", as_admin())
    before = fingerprint(small_url)
    for kind in ORDER:
        with engine.reading(store) as conn:
            data = importing.export(conn, kind)
        summary = importing.run(store, kind, data, f"{kind}.csv", as_admin())
        assert set(summary.counts) == {"unchanged"}, (kind, summary.counts)
    assert fingerprint(small_url) == before


def test_a_dry_run_tells_what_would_change_and_writes_nothing(small_url):
    before = fingerprint(small_url)
    summary = importing.run(
        engine.create(small_url),
        "measurements",
        (SAMPLES / "measurements.csv").read_bytes(),
        "measurements.csv",
        as_admin(),
        dry_run=True,
    )
    assert summary.counts == {"inserted": 5}
    assert fingerprint(small_url) == before


def test_the_command_line_imports_and_rejects(small_url, capsys):
    sample = SAMPLES / "measurements.csv"
    assert cli.main(["--db", small_url, "import", "measurements", str(sample)]) == 0
    assert "5 rows: 5 new" in capsys.readouterr().out
    bad = CORPUS / "text_in_number.csv"
    assert cli.main(["--db", small_url, "import", "measurements", str(bad)]) == 1
    err = capsys.readouterr().err
    assert (
        "text_in_number.csv, row 3, column value: “high” is not a number" in err
        and "Nothing was imported" in err
    )
    assert cli.main(["--db", small_url, "import", "measurements", "/no/such/file.csv"]) == 1
    assert cli.main(["--db", small_url, "import", "budgets", str(sample)]) == 2
    assert (
        cli.main(
            [
                "--db",
                small_url,
                "--as",
                "camilla.berg@havnhjem.example",
                "import",
                "measurements",
                str(sample),
            ]
        )
        == 1
    )
    assert "Only administrators" in capsys.readouterr().err


def test_an_import_waits_for_a_busy_store_or_says_so(small_url, tmp_path):
    path = small_url.removeprefix("duckdb:///")
    sample = str(SAMPLES / "measurements.csv")
    hold = (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
        "time.sleep(float(sys.argv[2])); c.close(); time.sleep(30)"
    )
    for seconds, wait, expected in ((1.5, "20", 0), (30, "1", 3)):
        holder = subprocess.Popen(
            [sys.executable, "-c", hold, path, str(seconds)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout.readline().strip() == "held"
            result = subprocess.run(
                [sys.executable, "-m", "kpi", "--db", small_url, "import", "measurements", sample],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env={**os.environ, "KPI_BUSY_WAIT": wait},
            )
        finally:
            holder.kill()
        assert result.returncode == expected, result.stderr
        assert "Traceback" not in result.stderr
        if expected == 3:
            assert "busy" in result.stderr


@pytest.mark.parametrize("linger", [0.0, engine.LINGER_S], ids=["closed between units", "kept between units"])
def test_an_import_goes_before_pages_that_keep_the_store_open_in_turns(small_url, linger):
    """Two readers in this process, each opening the store as the other still holds it (as four
    people browsing on a loaded machine did), kept the file open all the time: an import waited
    its whole wait and was refused as busy. A unit of work that waits (the import reads first,
    then writes) now keeps a marker fresh beside the file and readers let it in first
    (kpi.store.engine); so does the file the app keeps open between units (tests/test_linger.py)."""
    with kept_open(linger):
        _import_beside_busy_readers(small_url)


def _import_beside_busy_readers(small_url: str) -> None:
    store, stop, read = engine.create(small_url), threading.Event(), threading.Semaphore(0)
    reads, busy = [0, 0], [0, 0]

    def browse(number: int) -> None:
        while not stop.is_set():
            try:
                with engine.reading(store, wait=30) as conn:  # a page's queries
                    conn.exec_driver_sql("SELECT sum(range) FROM range(2000000)").scalar_one()
                    reads[number] += 1
                    read.release()
            except engine.StoreBusy:
                busy[number] += 1

    readers = [threading.Thread(target=browse, args=(number,)) for number in (0, 1)]
    for reader in readers:
        reader.start()
    try:
        for _ in range(20):  # both are reading, again and again
            assert read.acquire(timeout=60)
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "kpi",
                "--db",
                small_url,
                "import",
                "measurements",
                str(SAMPLES / "measurements.csv"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "KPI_BUSY_WAIT": "8"},
        )
        for _ in range(4):  # and read again once it is done
            assert read.acquire(timeout=60)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert result.returncode == 0, result.stderr
    assert busy == [0, 0] and all(reads)
    assert not Path(f"{small_url.removeprefix('duckdb:///')}.waiting").exists()


def test_a_read_locked_out_by_another_process_says_so_beside_the_file_until_it_is_in(small_url, monkeypatch):
    """The import's first step is a read: one that waited without a word was refused as busy
    on a loaded machine while this process's pages kept the file open in turns."""
    announced, announce = threading.Event(), engine._announce

    def announcing(marker: Path | None) -> None:
        announce(marker)
        announced.set()

    monkeypatch.setattr(engine, "_announce", announcing)
    path = small_url.removeprefix("duckdb:///")
    marker = Path(f"{path}.waiting")
    hold = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    got_in = threading.Event()

    def read() -> None:
        with engine.reading(engine.create(small_url), wait=APP_TIMEOUT) as conn:
            conn.exec_driver_sql("SELECT 1").scalar_one()
            got_in.set()

    reader = threading.Thread(target=read)
    try:
        assert holder.stdout.readline().strip() == "held"
        reader.start()
        assert announced.wait(APP_TIMEOUT)  # the read was locked out and said so
        assert marker.exists() and not got_in.is_set()
    finally:
        holder.stdin.close()  # the other process lets go
        holder.wait()
    reader.join()
    assert got_in.is_set() and not marker.exists()  # in, and its marker withdrawn


def test_a_write_opens_the_file_once_from_its_first_statement_to_its_checkpoint(small_url, not_kept):
    """A write and the checkpoint after it use one opening of the DuckDB file. When the
    checkpoint opened the file again, readers browsing in turns took it in between, and an
    import that had committed waited out its wait and was reported busy, "nothing was saved"."""
    store, opened = engine.create(small_url), []
    sa.event.listen(store, "connect", lambda *_: opened.append("open"))
    with engine.writing(store) as conn:
        conn.exec_driver_sql("CREATE TABLE probe (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO probe VALUES (1), (2)")
    assert opened == ["open"]
    with engine.reading(store) as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM probe").scalar_one() == 2


MID_WRITE = ("answers written", "committing")
"""Steps of an import (tests/killing.py) inside its transaction: rows written, not committed."""


def _outcome(url: str, before: dict, whole: dict[str, int]) -> str:
    """`nothing` (the store byte for byte as `before`), `all` (the tables an import writes grown
    by exactly `whole`, every other table as it was) or `part`."""
    now = fingerprint(url)  # counted as `before` was (the data version left out)
    grown = {name: n - before[name][0] for name, (n, _) in now.items() if n != before[name][0]}
    if not grown:
        return "nothing" if now == before else "part"
    return "all" if grown == whole else "part"


def test_an_import_killed_midway_leaves_all_or_nothing(small_url, tmp_path):
    """SIGKILL at each step of a large import's write: killed inside the transaction (answers
    written, commit next) the store is unchanged byte for byte; killed after the commit it holds
    the whole file. The child says where it is, so each kill is known to have landed there."""
    big = tmp_path / "answers.csv"
    lines = ["kpi,date,score,segment,touchpoint"]
    days = {11: 28, 12: 5}  # December's first days: no answer is dated after today (6 Dec 2026 on)
    lines += [
        f"NPS,2026-{m:02d}-{1 + i % days[m]:02d},{i % 11},private,web"
        for m in (11, 12)
        for i in range(150_000)
    ]
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = fingerprint(small_url)
    whole = {"response": len(lines) - 1, "response_month": 2, "audit": 2}  # two months, audited each
    kills = []
    for step in ("answers written", "committing", "committed"):
        killed = killed_at(["--db", small_url, "import", "responses", str(big)], step)
        assert killed.reached and killed.reached[-1] == step, (step, killed)
        outcome = _outcome(small_url, before, whole)
        landed_mid_write = killed.code == -signal.SIGKILL and killed.reached[-1] in MID_WRITE
        kills.append((step, landed_mid_write, outcome))
    assert any(landed for _, landed, _ in kills), kills
    assert all(outcome in ("nothing", "all") for _, _, outcome in kills), kills
    assert kills == [
        ("answers written", True, "nothing"),
        ("committing", True, "nothing"),
        ("committed", False, "all"),
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["kpi", "month", "value", "note"], "measurements"),
        (["KPI", "Date", "Score"], "responses"),
        (["code", "name", "parent"], "departments"),
        (["kpi", "maaned"], None),
    ],
)
def test_a_header_says_what_kind_of_file_it_is(header, expected):
    from kpi.files.tables import guess_kind

    assert guess_kind(header) == expected


HOSTILE = [
    '=HYPERLINK("http://evil.example","Klik")',
    "+45 12 34 56 78",
    "-minus first",
    "@SUM(A1)",
    "Ring op;=1+1;x",  # a Danish Excel splits at `;` (found by an adversarial test)
    "Ring kunden\r=1+1",  # a lone CR, unquoted, started a new row at `=1+1`
]


def test_a_download_is_safe_in_a_spreadsheet_and_imports_back_unchanged(small_url):
    """Cells a spreadsheet would run start with an apostrophe; importing the file undoes it."""

    store = engine.create(small_url)
    with engine.writing(store) as conn:
        goals = [r.code for r in conn.execute(sa.select(schema.goal.c.code).limit(len(HOSTILE)))]
        for code, text in zip(goals, HOSTILE, strict=True):  # a title is one line: a CR in a description
            kept = {"description": text} | ({} if bounds.BREAKS.search(text) else {"title": text})
            conn.execute(sa.update(schema.goal).where(schema.goal.c.code == code).values(**kept))
    before = fingerprint(small_url)
    with engine.reading(store) as conn:
        data = importing.export(conn, "goals")
    text = data.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    parts = [
        part for cell in cells for part in re.split(r"[;\r\n]", cell)
    ]  # what a spreadsheet may split off
    risky = [c for c in parts if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert not [c for c in risky if not c.lstrip("+-").replace(".", "").isdigit()], risky
    assert '"Ring kunden\r\'=1+1"' in text  # quoted: no spreadsheet starts a row inside it
    assert {"'=HYPERLINK", "Ring op;'=1+1;x"} <= {c[:11] if c.startswith("'=HY") else c for c in cells}
    summary = importing.run(store, "goals", data, "goals.csv", as_admin())
    assert set(summary.counts) == {"unchanged"}
    assert fingerprint(small_url) == before


class _Clock(datetime):
    """`datetime` whose `now(zone)` is 30 November 2026 23:30 UTC there (1 December in Copenhagen)."""

    @classmethod
    def now(cls, tz=None):
        return datetime(2026, 11, 30, 23, 30, tzinfo=UTC).astimezone(tz)


@pytest.mark.parametrize("zone, day", [("UTC", date(2026, 11, 30)), ("Europe/Copenhagen", date(2026, 12, 1))])
def test_a_goal_accepted_yes_is_accepted_on_the_company_s_today(small_url, monkeypatch, zone, day):
    monkeypatch.setenv("KPI_TIME_ZONE", zone)
    monkeypatch.setattr(settings, "datetime", _Clock)
    settings.forget()
    store = engine.create(small_url)
    with engine.reading(store) as conn:
        rows = list(csv.DictReader(io.StringIO(importing.export(conn, "goals").decode("utf-8-sig"))))
    rows[0]["accepted"] = "yes"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows[:1])
    importing.run(store, "goals", buffer.getvalue().encode(), "goals.csv", as_admin())
    with engine.reading(store) as conn:
        accepted = conn.execute(
            sa.select(schema.goal.c.accepted_at).where(schema.goal.c.code == rows[0]["code"])
        ).scalar_one()
    assert accepted == day


def test_a_survey_file_s_summary_names_the_months_whose_answers_it_replaces(demo_duckdb_url):
    """Survey months are replaced whole; the preview said "1 row: … 1 replaced" of a file whose
    one answer would take the place of November's 876 (adversarial test). It names them."""
    from kpi.text import i18n

    data = b"kpi,date,score\nCES,2026-10-04,5\nCES,2026-10-05,6\n"
    summary = importing.run(
        engine.create(demo_duckdb_url), "responses", data, "ces.csv", as_admin(), dry_run=True
    )
    ((kpi, month, before, after),) = summary.months_replaced
    assert (kpi, month, after) == ("CES", date(2026, 10, 1), 2) and before > 100
    with i18n.use("en"):
        assert (
            f"It replaces every answer of 1 survey month: CES Oct 2026, {before:,} answers by 2."
            in summary.text()
        )
    with i18n.use("da"):
        assert "Den erstatter alle svar i 1 spørgeskemamåned: CES okt. 2026" in summary.text()


def test_a_values_file_s_summary_names_the_stored_values_it_changes_and_what_they_were(demo_duckdb_url):
    """ "1 replaced" did not say which value, nor what it had been (a trial): the summary names
    the values the file changes, the first five with what they were, before and after writing."""
    from kpi.text import fmt, i18n

    store = engine.create(demo_duckdb_url)
    m = schema.measurement

    def stored(kpi: str, month: date) -> float:
        with engine.reading(store) as conn:
            return conn.execute(sa.select(m.c.value).where(m.c.kpi == kpi, m.c.month == month)).scalar_one()

    october, september = date(2026, 10, 1), date(2026, 9, 1)
    wait, abandon, before = (
        stored("CS_WAIT", october),
        stored("CS_ABANDON", october),
        stored("CS_ABANDON", september),
    )
    data = f"kpi,month,value\nCS_WAIT,2026-10,{wait + 0.001}\nCS_ABANDON,2026-10,{abandon + 1}\n"
    data += f"CS_ABANDON,2026-09,{before}\nCS_WAIT,2026-12,{wait}\n"  # unchanged and new: not told
    summary = importing.run(store, "measurements", data.encode(), "v.csv", as_admin(), dry_run=True)
    assert [(one.kpi, one.month, one.before, one.after) for one in summary.replaced] == [
        ("CS_ABANDON", october, abandon, abandon + 1),
        ("CS_WAIT", october, wait, wait + 0.001),  # changed in its third decimal: told
    ]
    with i18n.use("en"):
        said = summary.text()
        assert (
            f"It changes 2 stored values: CS_ABANDON Oct 2026 from {fmt.exact(abandon, '%')} to "
            f"{fmt.exact(abandon + 1, '%')}; CS_WAIT Oct 2026 from {fmt.exact(wait, 's')} to "
            f"{fmt.exact(wait + 0.001, 's')}."
        ) in said
    with i18n.use("da"):
        assert "Den ændrer 2 gemte værdier: CS_ABANDON okt. 2026 fra " in summary.text()
        assert summary.text().endswith(f"til {fmt.exact(wait + 0.001, 's')}")  # ends "sek.", not "sek.."
        assert summary.text().endswith("sek.")
    many = "kpi,month,value\n" + "".join(f"CS_WAIT,2025-{m:02d},1\n" for m in range(1, 13))
    summary = importing.run(store, "measurements", many.encode(), "v.csv", as_admin())  # written
    with i18n.use("en"):
        assert "It changes 12 stored values: CS_WAIT Jan 2025 from" in summary.text()
        assert summary.text().count(" to 1\xa0s") == 5 and "and 7 more" in summary.text()
    again = importing.run(store, "measurements", many.encode(), "v.csv", as_admin(), dry_run=True)
    assert again.replaced == [] and "stored value" not in again.text()  # the same values: nothing changes


def test_a_value_changed_in_a_closed_month_says_its_pack_marks_it_revised(demo_duckdb_url, capsys):
    """An administrator corrected and imported values of a closed month and was told only what
    they became (a trial): the correction says what the value was, and the correction and the
    import's preview say that the closed month's pack marks the change as revised after the
    close; a month still open says nothing of it."""
    from kpi.text import fmt, i18n

    store = engine.create(demo_duckdb_url)
    admin = ["--db", demo_duckdb_url, "--lang", "en", "--as", "sofie.dahl@havnhjem.example"]
    assert cli.main([*admin, "close", "--month", "2026-10", "--anyway"]) == cli.EXIT_OK
    with engine.reading(store) as conn:
        m = schema.measurement
        was = conn.execute(
            sa.select(m.c.value).where(m.c.kpi == "CS_WAIT", m.c.month == date(2026, 10, 1))
        ).scalar_one()
    capsys.readouterr()
    assert cli.main([*admin, "correct", "--kpi", "CS_WAIT", "--month", "2026-10", "--value", "94"]) == 0
    said = capsys.readouterr().out
    assert f"The value of CS_WAIT for October 2026 is now 94\xa0s (it was {fmt.exact(was, 's')})." in said
    assert (
        "October 2026 is closed: its pack and the Present page mark what changed as revised after the close."
        in said
    )
    data = b"kpi,month,value\nCS_WAIT,2026-10,95\nCS_WAIT,2026-09,1\n"
    summary = importing.run(store, "measurements", data, "v.csv", as_admin(), dry_run=True)
    assert [one.closed for one in summary.replaced] == [False, True]  # September open, October closed
    with i18n.use("en"):
        assert summary.text().endswith(
            "October 2026 is closed: its pack and the Present page mark what changed as revised after the close."
        )
    with i18n.use("da"):
        assert "Oktober 2026 er lukket: dens pakke" in summary.text()
    assert cli.main([*admin, "correct", "--kpi", "CS_WAIT", "--month", "2026-09", "--value", "2"]) == 0
    assert "closed" not in capsys.readouterr().out


def test_a_number_that_may_be_cut_at_a_decimal_comma_is_told_beside_the_preview(demo_duckdb_url, capsys):
    """`LOG_LEAD,2026-10,3,6` imports 3 days with the note "6": the preview, in the app and on the
    command line, says the value may be 3,6 cut at the comma, with the row and how to write it."""
    from kpi.text import i18n

    store = engine.create(demo_duckdb_url)
    data = b"kpi,month,value,note\nLOG_LEAD,2026-10,3,6\n"
    summary = importing.run(store, "measurements", data, "v.csv", as_admin(), dry_run=True)
    with i18n.use("en"):
        assert summary.doubted()[0].startswith(
            "v.csv, row 2, column value: 3 with the note 6: if that is one number, 3,6"
        )
    path = Path(demo_duckdb_url.removeprefix("duckdb:///")).parent / "v.csv"
    path.write_bytes(data)
    admin = ["--db", demo_duckdb_url, "--lang", "en", "--as", "sofie.dahl@havnhjem.example"]
    assert cli.main([*admin, "import", "measurements", str(path), "--dry-run"]) == cli.EXIT_OK
    assert "v.csv, row 2, column value: 3 with the note 6" in capsys.readouterr().out


def test_a_code_or_address_close_to_one_known_is_asked_about_it(demo_duckdb_url):
    """ "Kunde service", "Webshoppen" or an address a letter short were "not known: import or
    create it first", or for the space "may only hold the letters A-Z…" (a day-one trial): a
    value close to a code or name the store holds is asked whether it meant that one; a parent
    named by the name the same file gives it is told its code; one close to nothing is told the
    departments' codes (they are few)."""
    from kpi.text import i18n

    store = engine.create(demo_duckdb_url)
    people = (
        b"email,name,role,department\n"
        b"a@x.example,A,department_head,Kunde service\n"  # a space: not a code at all
        b"b@x.example,B,department_head,kundeservicen\n"
        b"c@x.example,C,department_head,Butik Aarhus\n"
    )
    with pytest.raises(ImportRejected) as refused:
        importing.run(store, "people", people, "p.csv", as_admin(), dry_run=True)
    found = [(p.row, p.key, dict(p.params).get("code")) for p in refused.value.problems]
    assert found == [(2, "unknown_near", "CS"), (3, "unknown_near", "CS"), (4, "unknown_among", None)]
    among = dict(refused.value.problems[2].params)["codes"]
    assert among == "ADV, CRED, CS, ECOM, IT, LOG, MGMT, MKT"  # the codes to choose from
    with i18n.use("da"):
        said = words.problem(refused.value.problems[0])
    assert (
        said
        == "p.csv, række 2, kolonne department: »Kunde service« kendes ikke i cockpittet; mente du CS? Ellers skal det importeres eller oprettes først."
    )
    actions = b"goal,title,owner\nT6,Offer credit,louise.vang@havnhjem.exampel\n"
    with pytest.raises(ImportRejected) as refused:
        importing.run(store, "actions", actions, "a.csv", as_admin(), dry_run=True)
    assert [(p.key, dict(p.params).get("code")) for p in refused.value.problems] == [
        ("unknown_near", "louise.vang@havnhjem.example")
    ]
    departments = b"code,name,parent\nGRP,Koncernen,\nNORD,Region Nord,koncernen\n"
    with pytest.raises(ImportRejected) as refused:
        importing.run(store, "departments", departments, "d.csv", as_admin(), dry_run=True)
    assert [(p.row, p.key, dict(p.params).get("code")) for p in refused.value.problems] == [
        (3, "named_not_coded", "GRP")
    ]


def test_an_owner_written_as_a_name_is_told_their_address(demo_duckdb_url):
    """An actions file with "Louise Vang" as the owner was "not an e-mail address" (a day-one
    trial): the person of that name is told, with the address to write; a name two people share,
    or nobody's, keeps the plain refusal."""
    from kpi.text import i18n

    actions = b"goal,title,owner\nT6,Offer credit,louise  VANG\nT6,Call back,Nobody Known\n"
    with pytest.raises(ImportRejected) as refused:
        importing.run(engine.create(demo_duckdb_url), "actions", actions, "a.csv", as_admin(), dry_run=True)
    found = [(p.row, p.key, dict(p.params).get("email")) for p in refused.value.problems]
    assert found == [(2, "named_not_addressed", "louise.vang@havnhjem.example"), (3, "bad_email", None)]
    with i18n.use("da"):
        said = words.problem(refused.value.problems[0])
    assert "»louise  VANG« er et navn; skriv personens e-mailadresse, louise.vang@havnhjem.example" in said
    from kpi.store import known

    store = engine.create(demo_duckdb_url)
    with engine.writing(store) as conn:  # a deactivated person is not suggested (the file would be refused)
        conn.execute(
            sa.update(schema.person)
            .where(schema.person.c.email.like("louise%"))
            .values(retired_at=date.today())
        )
    with engine.reading(store) as conn:
        assert "louise vang" not in known.read(conn).names["people"]


@pytest.mark.parametrize("named", ["Kundeservice", "customer  Service"])
def test_a_department_or_kpi_named_by_its_name_is_told_its_code(demo_duckdb_url, named):
    """ "Kundeservice" was "not known: import or create it first" when the department had been
    imported as CS (a day-one trial), and "Customer service" was refused for its space: each is
    told the code to write, whatever language its name is in."""
    from kpi.text import i18n

    people = f"email,name,role,department\npeter@x.example,Peter,department_head,{named}\n".encode()
    values = b"kpi,month,value\nwait time in CHAT,2026-10,50\n"
    with pytest.raises(ImportRejected) as refused:
        importing.run(engine.create(demo_duckdb_url), "people", people, "p.csv", as_admin(), dry_run=True)
    ((key, params),) = [(p.key, dict(p.params)) for p in refused.value.problems]
    assert (key, params["code"]) == ("named_not_coded", "CS")
    with i18n.use("da"):
        assert "er et navn; skriv koden, CS" in words.problem(refused.value.problems[0])
    with pytest.raises(ImportRejected) as refused:
        importing.run(
            engine.create(demo_duckdb_url), "measurements", values, "v.csv", as_admin(), dry_run=True
        )
    assert [dict(p.params).get("code") for p in refused.value.problems] == ["CS_CHAT_WAIT"]


def test_a_kpi_named_as_another_of_its_department_is_refused_another_department_may_share_it(
    demo_duckdb_url,
):
    """Two KPIs called "Leveringstid" under two codes were taken without a word (a new company's
    trial) and read alike on every card and slide: a department's KPIs each have a name of their
    own, in the file and beside the store's, in any case and spacing; each call centre may have
    its own "Wait time on the phone", and a KPI keeps its own name."""
    head = "code,name,department,unit,direction,aggregation,target\n"
    rows = [
        "CS_WAIT2,average wait time ON the phone,CS,s,lower,mean,60",  # CS_WAIT's, in CS
        "LOG_A,Delivery time,LOG,days,lower,mean,3",
        "LOG_B,Delivery  time,LOG,days,lower,mean,3",  # the row above's
        "IT_WAIT,Average wait time on the phone,IT,s,lower,mean,60",  # another department: fine
        "CS_WAIT,Average wait time on the phone,CS,s,lower,mean,60",  # its own name: fine
    ]
    data = (head + "\n".join(rows) + "\n").encode()
    with pytest.raises(ImportRejected) as refused:
        importing.run(engine.create(demo_duckdb_url), "kpis", data, "k.csv", as_admin(), dry_run=True)
    found = [(p.row, p.key, dict(p.params).get("code")) for p in refused.value.problems]
    # each of the file's two rows of one name names the other
    assert found == [
        (2, "kpi_name_taken", "CS_WAIT"),
        (3, "kpi_name_taken", "LOG_B"),
        (4, "kpi_name_taken", "LOG_A"),
    ]
    kept = (head + "\n".join(rows[3:]) + "\n").encode()
    importing.run(engine.create(demo_duckdb_url), "kpis", kept, "k.csv", as_admin(), dry_run=True)


def test_a_kpi_keeps_a_name_it_has_and_two_may_swap_names_in_one_file(demo_duckdb_url):
    """A store holding two KPIs of one name (from before the check, or one restored beside a KPI
    given its name) refused a change of either's tolerance, and its own download imported again
    (a code review): a KPI keeps the name it has; only a new name or a new KPI is refused."""
    from kpi.store import definitions

    store = engine.create(demo_duckdb_url)
    with store.begin() as conn:
        conn.execute(
            sa.update(schema.kpi).where(schema.kpi.c.code == "CS_AHT").values(name="Wait time in chat")
        )
    head = "code,name,department,unit,direction,aggregation,target,tolerance\n"
    again = head + "CS_AHT,Wait time in chat,CS,s,lower,mean,300,0.1\n"  # its name, as it has it
    importing.run(store, "kpis", again.encode(), "k.csv", as_admin(), dry_run=True)
    with engine.writing(store) as conn:
        definitions.save_kpi(
            conn,
            as_admin(),
            {
                "code": "CS_CHAT_WAIT",
                "name": "Wait time in chat",
                "department": "CS",
                "unit": "s",
                "direction": "lower",
                "aggregation": "mean",
                "target": "60",
                "tolerance": "0.2",
            },
            is_new=False,
        )
    swap = (
        head
        + "CS_WAIT,Abandoned calls,CS,s,lower,mean,60,0.1\n"
        + "CS_ABANDON,Average wait time on the phone,CS,%,lower,mean,5,0.1\n"
    )
    importing.run(store, "kpis", swap.encode(), "k.csv", as_admin(), dry_run=True)
    taken = head + "CS_FCR,Abandoned calls,CS,%,higher,mean,80,0.1\n"  # a new name, another's
    with pytest.raises(ImportRejected) as refused:
        importing.run(store, "kpis", taken.encode(), "k.csv", as_admin(), dry_run=True)
    assert [(p.key, dict(p.params)["code"]) for p in refused.value.problems] == [
        ("kpi_name_taken", "CS_ABANDON")
    ]


def test_a_value_s_note_is_said_where_its_origin_is(small_url):
    """An import's notes ("lang ventetid") were kept and shown nowhere (a new company's trial):
    the value's origin, in a KPI's tooltip and a goal's detail, ends with its note."""
    from kpi.domain.model import MonthValue
    from kpi.text import i18n
    from kpi.ui import widgets

    data = b"kpi,month,value,note\nCS_WAIT,2026-10,71,Long waits: <b>flu</b> season\n"
    importing.run(engine.create(small_url), "measurements", data, "october.csv", as_admin())
    with engine.reading(engine.create(small_url)) as conn:
        origin = queries.origins(conn, EVERYTHING, date(2026, 10, 1))["CS_WAIT"]
    assert origin.note == "Long waits: <b>flu</b> season"
    value = MonthValue("CS_WAIT", origin.month, 71.0)
    with i18n.use("en"):
        said = widgets.origin_words(value, origin)
    assert said.startswith("From import file october.csv, loaded ") and said.endswith(
        " · Note: Long waits: <b>flu</b> season"
    )  # plain text: escaped where it is drawn, as a file name is
    with i18n.use("da"):
        assert widgets.origin_words(value, origin).endswith(" · Bemærkning: Long waits: <b>flu</b> season")


def test_a_value_far_from_its_kpi_s_usual_ones_is_named_not_refused(demo_url, tmp_path, capsys):
    """ "1.234,5" read where "77,5" was meant and a share typed as 0.77 for 77 % pass every bound
    of their units (a new company's trial): the import names them with their usual values, and
    imports them all the same, as a real outage would be."""
    data = b"kpi;month;value\nCS_WAIT;2026-09;1.234,5\nCS_FCR;2026-09;0,77\nCS_AHT;2026-09;305\n"
    path = tmp_path / "odd.csv"
    path.write_bytes(data)
    summary = importing.run(
        engine.create(demo_url), "measurements", data, "odd.csv", as_admin(), dry_run=True
    )
    assert [(u.kpi, u.value) for u in summary.unusual] == [("CS_FCR", 0.77), ("CS_WAIT", 1234.5)]
    assert cli.main(["--db", demo_url, "--lang", "en", "import", "measurements", str(path)]) == 0
    said = capsys.readouterr().out
    assert "Check the 2 values far from their KPIs' usual ones before the meeting sees them: " in said
    assert "CS_WAIT, Sept 2026: 1,234.5\xa0s, 11 times its usual 109\xa0s" in said
    assert "CS_FCR, Sept 2026: 0.77\xa0%, " in said and " times smaller than its usual " in said


def test_a_new_kpi_s_first_year_in_one_file_is_checked_against_its_other_months(demo_url):
    """Day one: a company loads last year's history, and a KPI's first months have no six
    months before them. "1.234,5" typed for 123,45 in its fourth month was imported unnamed (a
    day-one trial); the months around it now tell what is usual. 1,234.5 is 9.96 times the
    usual 124: named at five times."""
    store = engine.create(demo_url)
    with engine.writing(store) as conn:
        row = conn.execute(sa.select(schema.kpi).where(schema.kpi.c.code == "CS_WAIT")).mappings().one()
        conn.execute(schema.kpi.insert().values({**row, "code": "NEW_WAIT", "name": "New wait"}))
    year = [120.0, 126.0, 130.0, 1234.5, 118.0, 124.0, 125.0, 122.0, 128.0, 124.0, 119.0, 127.0]
    lines = [
        f"NEW_WAIT;2025-{month:02d};{str(value).replace('.', ',')}" for month, value in enumerate(year, 1)
    ]
    data = ("kpi;month;value\n" + "\n".join(lines) + "\n").encode()
    summary = importing.run(store, "measurements", data, "history.csv", as_admin(), dry_run=True)
    assert [(u.kpi, u.month, u.value) for u in summary.unusual] == [("NEW_WAIT", date(2025, 4, 1), 1234.5)]
    assert summary.unusual[0].usual == 124.0


def test_survey_answers_import_with_nothing_to_name_far_from_usual(small_url):
    """Survey answers go column-wise (kpi.store.bulk_answers): the values far from usual are the
    measurements' alone, and the answers' import, dry or not, says what it did (a review found
    it failing after the answers were written)."""
    data = (ROOT / "data" / "samples" / "responses.csv").read_bytes()
    for dry_run in (True, False):
        done = importing.run(
            engine.create(small_url), "responses", data, "responses.csv", as_admin(), dry_run=dry_run
        )
        assert done.rows > 0 and done.unusual == [] and "rows" in done.text()
