"""The fuzzer in the suite: generated and mutated import files of every kind, CSV and .xlsx,
through the command line's import, as a person would run it.

For every file: the import exits 0 or 1 with a message, never a traceback; a refused file leaves
the store exactly as it was; an accepted file never breaks `status` or `export` afterwards. The
files start from the sample of each kind (valid against the demo company, so many are accepted
and the commands after them run on real data), then get hostile cells (months 9999-12 and
0001-01, 1e308, NaN, look-alike codes, formulas, 5,000-character texts, …) and damaged bytes
(quotation marks, line ends, byte-order marks, NUL, cut-off bytes).

The commands run in this process (`kpi.cli.main`, as `python -m kpi` calls it), on a store file
that is copied, never rebuilt. "Unchanged" is first the store's bytes (no write-ahead log, the
file byte for byte the one copied in), and only when they differ every table's rows. `status`
and `export` run once on the store as copied in, then after each accepted file that changed it;
an accepted file that leaves the file's bytes as they were leaves nothing for them to read
differently. So a file costs an import and a read of the store, and only an accepted file that
changed something costs the two commands and a copy.

The suite runs a bounded number of files (`FUZZ_EXAMPLES`, 40 by default: about a minute here),
and the first file that misbehaves fails the test (Hypothesis then shrinks it). `make fuzz` runs
10,000 unattended (`FUZZ_KEEP_GOING`): a file that misbehaves is counted by what went wrong,
kept in `FUZZ_FAILURES` for a later look, and the run goes on. The tally (`FUZZ_REPORT`: files,
refused, accepted, tracebacks, stores changed by a refused file, accepted files after which a
command failed, seconds) is written after every file and a progress line printed every
`FUZZ_PROGRESS` files, so a run stopped early still says how far it got; run again with the
report in place (`FUZZ_RESUME`), it goes on from that tally until `FUZZ_EXAMPLES` files are done.
"""

import csv
import io
import json
import os
import random
import shutil
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kpi import cli
from kpi.files import tables
from tests.conftest import ROOT
from tests.holding import kept_open
from tests.sharing import fingerprint
from tests.test_files_robust import INSERTS

SAMPLES = ROOT / "data" / "samples"
KINDS = list(cli.IMPORT_KINDS)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
REPORT = Path(os.environ["FUZZ_REPORT"]) if os.environ.get("FUZZ_REPORT") else None
KEEP_GOING = bool(os.environ.get("FUZZ_KEEP_GOING"))
FAILURES = Path(os.environ.get("FUZZ_FAILURES", "fuzz-failures"))
PROGRESS = int(os.environ.get("FUZZ_PROGRESS", "100"))
FAILURE_KINDS = ("tracebacks", "refused_changed_store", "accepted_broke_command")
"""What a file can do wrong: end in a traceback (or an exit code other than 0 and 1), be refused
and still change the store, be accepted and make `status` or `export` fail afterwards."""
HOSTILE = ["9999-12", "9999-12-31", "0001-01", "2062-10", "1e308", "1E+308", "NaN", "inf", "-0", "1" * 29,
           "99999999999999", "", " ", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)", "+1", "-1", "x" * 5000,
           "\u212aS", "\u0131T", "stra\u00dfe", "\ufb01", "KØB", "ÆØÅ", "mette.\u212ajaer@havnhjem.example",
           "Mette.Kjaer@havnhjem.example", "a@b", "@", "12,5%", "1.234", "1,234.5", "31.02.2026", "2026-02-30",
           "strategic", "operational", "admin", "nps", "sum", "\x00", "\"", "'", "\t", "\r\n"]  # fmt: skip
TALLY: Counter = Counter()
if REPORT is not None and REPORT.exists() and os.environ.get("FUZZ_RESUME"):
    TALLY.update(json.loads(REPORT.read_text()))  # go on from where a stopped run got to
TO_RUN = max(EXAMPLES - TALLY["files"], 0)
STARTED = time.monotonic() - TALLY["seconds"]


def _cells(kind: str) -> tuple[list[str], list[list[str]]]:
    header, rows, *_ = tables.read_table((SAMPLES / f"{kind}.csv").read_bytes(), f"{kind}.csv")
    return header, rows


@st.composite
def import_file(draw) -> tuple[str, str, bytes]:
    """(kind, file name, content): a sample of a kind, cut short, with cells changed (to other
    text, to another number, or to a hostile value), a row twice, as CSV or workbook, maybe
    with damaged bytes. Each way of spoiling it is drawn on its own, so about a third of the
    files stay importable and the commands after them run on what they brought."""
    chance = draw(st.randoms(use_true_random=True))  # how likely each way of spoiling it is
    kind = chance.choice(KINDS)
    header, rows = _cells(kind)
    rows = [list(row) for row in rows[: chance.randint(1, len(rows))]]
    if chance.random() < 0.4:
        for _ in range(chance.randint(1, 3)):
            row, column = chance.randrange(len(rows)), chance.randrange(len(header))
            rows[row][column] = draw(st.text(max_size=30) | st.sampled_from(["1", "0,5", "42", "-3", "100"]))
    if chance.random() < 0.4:
        for _ in range(chance.randint(1, 3)):
            rows[chance.randrange(len(rows))][chance.randrange(len(header))] = chance.choice(HOSTILE)
    if chance.random() < 0.15:
        rows += [list(rows[0])]  # a row twice
    if chance.random() < 0.25:
        book = Workbook()
        for line in [header, *rows]:
            book.active.append([_excel(cell) for cell in line])
        out = io.BytesIO()
        book.save(out)
        data, name = out.getvalue(), f"{kind}.xlsx"
    else:
        out = io.StringIO()
        csv.writer(out, delimiter=chance.choice([",", ";"])).writerows([header, *rows])
        data, name = out.getvalue().encode(chance.choice(["utf-8", "utf-8-sig"])), f"{kind}.csv"
    if chance.random() < 0.25:
        data = _damaged(chance, data)
    return kind, name, data


def _damaged(chance: random.Random, data: bytes) -> bytes:
    """`data` with bytes cut out, put in or line ends changed, as test_files_robust's `mutated`
    does, but drawn from `chance`: a workbook's bytes differ from run to run (it records when it
    was saved), and Hypothesis needs the same draws for the same case."""
    damaged = bytearray(data)
    for _ in range(chance.randint(1, 6)):
        at = chance.randint(0, len(damaged))
        way = chance.randrange(4)
        if way == 0 and damaged:
            del damaged[at : at + chance.randint(1, 40)]
        elif way == 1:
            damaged[at:at] = chance.choice(INSERTS)
        elif way == 2:
            damaged[at:at] = chance.randbytes(chance.randint(0, 20))
        else:
            damaged = bytearray(bytes(damaged).replace(b"\n", chance.choice([b"\r", b"\r\n", b"\n\n"])))
    return bytes(damaged)


def _excel(cell: str) -> object:
    """A cell as Excel would hold it: numbers as numbers (1e308 too), the rest as text without
    the control characters a workbook cannot hold (openpyxl refuses them; the unit separator is one that
    Python's `strip` takes for white space)."""
    text = "".join(c for c in cell if c >= " " or c in "\t\n\r")
    if not text.strip() or text.strip().lower() in ("nan", "inf", "-inf"):
        return text
    try:
        return float(text)
    except ValueError:
        return text


def same_bytes(store: dict) -> bool:
    """Whether the store's file is byte for byte the demo with every sample (and no write-ahead
    log lies beside it): the strictest "unchanged", and it costs one read of the file."""
    path: Path = store["path"]
    return not Path(f"{path}.wal").exists() and path.read_bytes() == store["bytes"]


def unchanged(store: dict) -> bool:
    """Whether the store still holds what it held: the same bytes, or else (DuckDB may lay the
    same rows out anew) every table's rows the same, which is counted."""
    if same_bytes(store):
        return True
    TALLY["compared_by_rows"] += 1
    return fingerprint(store["url"]) == store["fingerprint"]


def later_commands_work(url: str, folder: Path, capsys) -> str:
    """What went wrong with `status --json` and a PPTX `export` of the demo's latest month with
    values ('' when both succeed; the default month may hold none, and a pack of it is refused)."""
    status, err = _cli("--db", url, "status", "--json", capsys=capsys)
    if status != 0:
        return f"status exited {status}: {err}"
    out = folder / "pack.pptx"
    out.unlink(missing_ok=True)
    exported, err = _cli(
        "--db", url, "export", "--month", "2026-10", "--format", "pptx", "--out", str(out), capsys=capsys
    )
    if exported != 0 or not out.exists() or out.stat().st_size == 0:
        return f"export exited {exported}: {err}"
    return ""


@pytest.fixture(scope="module")
def store(demo_duckdb_file, tmp_path_factory):
    """The demo store with every sample file imported (so a sample's rows refer to what is
    there and a mutated sample is often accepted), copied afresh after each accepted file that
    changed it. `status` and `export` are run on it once here: a file that leaves the store
    unchanged cannot change what they do."""
    # the commands run in this process as each runs in its own: keeping no file open between
    # units of work (a kept one is not read anew when `_restore` copies the demo over it in place)
    with kept_open(0.0):
        folder = tmp_path_factory.mktemp("fuzz")
        source = folder / "source.duckdb"
        shutil.copy(demo_duckdb_file, source)
        for kind in KINDS:
            assert (
                cli.main(["--db", f"duckdb:///{source}", "import", kind, str(SAMPLES / f"{kind}.csv")]) == 0
            )
        path = folder / "store.duckdb"
        shutil.copy(source, path)
        state = {"url": f"duckdb:///{path}", "path": path, "source": source, "folder": folder}
        state["bytes"] = source.read_bytes()
        state["fingerprint"] = fingerprint(state["url"])
        assert same_bytes(state)
        assert later_commands_work(state["url"], folder, capsys=None) == ""
        assert same_bytes(state)  # reading the store leaves its file as it was
        yield state
        _report(final=True)


def _report(final: bool = False) -> None:
    """make fuzz: the figures for the README, written after every file (so a run stopped early
    still says how far it got), a progress line every `PROGRESS` files and a summary at the end."""
    for kind in FAILURE_KINDS:
        TALLY[kind] += 0  # named in the report even when none happened
    TALLY["seconds"] = round(time.monotonic() - STARTED, 1)
    if REPORT is not None:
        REPORT.write_text(json.dumps(dict(sorted(TALLY.items()))) + "\n")
    files = TALLY["files"]
    if final or (files and files % PROGRESS == 0):
        print(f"fuzz: {summary()}", file=sys.__stderr__, flush=True)


def summary() -> str:
    """The tally in one sentence, as the README gives it."""
    t = TALLY
    return (
        f"{t['files']:,} files ({t['accepted']:,} accepted, {t['refused']:,} refused) in {t['seconds']:,.0f} s: "
        f"{t['tracebacks']} tracebacks, {t['refused_changed_store']} stores changed by a refused file, "
        f"{t['accepted_broke_command']} accepted files after which status or export failed"
    )


def _cli(*argv: str, capsys) -> tuple[int, str]:
    """The command's exit code and what it wrote to stderr (when pytest's `capsys` is at hand);
    a command that raises instead of exiting is exit code -1 and its traceback."""
    try:
        code = cli.main(list(argv))
    except (Exception, SystemExit):  # a command must return its code, never raise
        code, tail = -1, traceback.format_exc()
    else:
        tail = ""
    return code, (capsys.readouterr().err if capsys is not None else "") + tail


def _restore(store: dict) -> None:
    """The store back to the demo with every sample: its file copied in, no write-ahead log."""
    Path(f"{store['path']}.wal").unlink(missing_ok=True)
    shutil.copy(store["source"], store["path"])


@pytest.mark.skipif(TO_RUN == 0, reason=f"{EXAMPLES} files already run (FUZZ_REPORT); remove it to run again")
@settings(max_examples=max(TO_RUN, 1), deadline=None, suppress_health_check=list(HealthCheck))
@given(case=import_file())
def test_fuzzed_import_files_through_the_command_line(store, case, capsys):
    kind, name, data = case
    path: Path = store["folder"] / name
    path.write_bytes(data)
    try:
        failure, detail = _import_then_check(store, kind, path, capsys)
    except BaseException:
        TALLY["failed"] += 1  # the fuzzer itself broke: so a run stopped here still says so
        _restore(store)
        raise
    finally:
        _report()
    if failure:
        TALLY[failure] += 1
        TALLY["failed"] += 1
        _keep(path, failure, detail)
        _restore(store)  # the next file (or Hypothesis replaying this one) starts from the demo again
        _report()
        if not KEEP_GOING:
            raise AssertionError(f"{failure}: {detail}")


def _keep(path: Path, failure: str, detail: str) -> None:
    """A file that misbehaved, kept with what went wrong, for a long run's later look."""
    if not KEEP_GOING:
        return
    FAILURES.mkdir(parents=True, exist_ok=True)
    stem = f"{TALLY['files']:05d}-{failure}-{path.name}"
    shutil.copy(path, FAILURES / stem)
    (FAILURES / f"{stem}.txt").write_text(detail, encoding="utf-8")


def _import_then_check(store: dict, kind: str, path: Path, capsys) -> tuple[str, str]:
    """(what went wrong, the details), or ('', '') for a file that behaved."""
    code, err = _cli("--db", store["url"], "import", kind, str(path), capsys=capsys)
    TALLY["files"] += 1
    if code not in (0, 1) or "Traceback" in err:
        return "tracebacks", f"exit {code}: {err}"
    if code == 1:
        TALLY["refused"] += 1
        if not err.strip():
            return "tracebacks", "a refusal that says nothing"
        if not unchanged(store):
            return "refused_changed_store", err
        return "", ""
    TALLY["accepted"] += 1
    if same_bytes(store):  # every row was already there: the store the fixture checked
        TALLY["accepted_unchanged"] += 1
        return "", ""
    broken = later_commands_work(store["url"], store["folder"], capsys)
    if broken:
        return "accepted_broke_command", broken
    TALLY["accepted_then_commands_ran"] += 1
    _restore(store)  # the next file starts from the demo again
    return "", ""
