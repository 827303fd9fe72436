"""The benchmark's items: each measures ours and a reference in the same run (see run.py)."""

from __future__ import annotations

import io
import math
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from pptx import Presentation
from pptx.util import Inches, Pt
from sqlalchemy.engine import Engine

from benchmarks import pandas_status
from kpi.demo.generate import generate, load_spec
from kpi.domain import month_rows, months, signals
from kpi.domain.access import EVERYTHING
from kpi.domain.model import Person, Role
from kpi.files.tables import ImportRejected
from kpi.sources import recipes
from kpi.store import (
    data_version,
    decks,
    engine,
    importing,
    monthly,
    queries,
    schema,
    seeding,
    segments,
    setup,
)

ROOT = Path(__file__).resolve().parents[1]
MONTH = date(2026, 10, 1)
SCALE, HISTORY, ANSWERS = 61, 120, 5_000_000
BENCH_ADMIN = Person("bench", "Bench", Role.ADMIN)
"""Who the benchmarks import as (an import is an administrator's)."""


def _item(name: str, ours: float, reference: str | None, reference_s: float | None) -> dict:
    ratio = round(ours / reference_s, 3) if reference_s else None
    return {
        "name": name,
        "ours_s": round(ours, 3),
        "reference": reference,
        "reference_s": None if reference_s is None else round(reference_s, 3),
        "ratio": ratio,
    }


def _best(run, repeat: int = 3) -> float:
    return _best_of_each([run], repeat)[0]


def _times_of_each(runs: list, repeat: int) -> list[list[float]]:
    """Each run's `repeat` times, taking turns (a, b, c, a, b, c, …) so that a slow spell of a
    shared machine falls on ours and the references alike."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for run, taken in zip(runs, times, strict=True):
            started = time.perf_counter()
            run()
            taken.append(time.perf_counter() - started)
    return times


def _best_of_each(runs: list, repeat: int) -> list[float]:
    """Each run's best time of `repeat`, taking turns (`_times_of_each`)."""
    return [min(taken) for taken in _times_of_each(runs, repeat)]


def _median_of_each(runs: list, repeat: int) -> list[float]:
    """Each run's median time of `repeat`, taking turns (`_times_of_each`)."""
    return [statistics.median(taken) for taken in _times_of_each(runs, repeat)]


def build_company(folder: Path, *, quick: bool) -> Engine:
    scale, history, answers = (3, 24, 200_000) if quick else (SCALE, HISTORY, ANSWERS)
    spec = load_spec()
    per_month = sum(k.get("answers", 0) * (1 if k["department"] == "MGMT" else scale) for k in spec["kpis"])
    rated = spec["respondents"]  # each respondent's touchpoint ratings are answers too
    outcome = next(k for k in spec["kpis"] if k["code"] == rated["outcome"])
    per_month += outcome["answers"] * rated["share"] * len(rated["touchpoints"]) * (1 - rated["skip"])
    company = generate(MONTH, scale=scale, history=history, answers_factor=answers / (per_month * history))
    store = engine.create(f"duckdb:///{folder / 'company.duckdb'}")
    setup.ensure(store)
    with engine.writing(store) as conn:
        seeding.load_company(conn, company, who="bench")
    return store


def _path(store: Engine) -> str:
    return str(store.url.database)


FLOOR_SQL = """
SELECT kpi, month, value FROM measurement
WHERE (month < $baseline_end AND kpi NOT IN (SELECT kpi FROM process_change))
   OR (month >= $first AND month <= $month)
UNION ALL
SELECT r.kpi, date_trunc('month', r.date) AS month,
       CASE k.aggregation
         WHEN 'nps' THEN 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(*)
         WHEN 'csat' THEN 100.0 * count(*) FILTER (WHERE score >= 4) / count(*)
         ELSE avg(score) END
FROM response r JOIN kpi k ON k.code = r.kpi
WHERE (r.date < $baseline_end AND r.kpi NOT IN (SELECT kpi FROM process_change))
   OR (r.date >= $first AND r.date < $next)
GROUP BY r.kpi, date_trunc('month', r.date), k.aggregation
"""
"""Every KPI's value for each month status reads, straight from the answers: the values status
computes, without its rules. Status reads every month from `month_rows.history_start` (last year,
whose profile phases the month's target, and this year) and each KPI's baseline, the first
`signals.BASELINE_POINTS` months from its latest process change: in the large company those of
the KPIs the strategy moves fall within those months, the others' are the first of its history."""

ONE_MONTH_SQL = """
SELECT kpi, value FROM measurement WHERE month = $month
UNION ALL
SELECT r.kpi,
       CASE k.aggregation
         WHEN 'nps' THEN 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(*)
         WHEN 'csat' THEN 100.0 * count(*) FILTER (WHERE score >= 4) / count(*)
         ELSE avg(score) END
FROM response r JOIN kpi k ON k.code = r.kpi
WHERE r.date >= $month AND r.date < $next
GROUP BY r.kpi, k.aggregation
"""
"""The report month's values alone: the floor as first measured, kept for comparison."""


def _floor_params(store: Engine) -> dict:
    with engine.reading(store) as conn:
        span = queries.data_months(conn, date(2000, 1, 1), MONTH)
    first_month = span[0] if span else MONTH
    return {
        "baseline_end": months.add(first_month, signals.BASELINE_POINTS),
        "first": month_rows.history_start(MONTH),
        "month": MONTH,
        "next": months.add(MONTH, 1),
    }


def _status(store: Engine) -> None:
    with engine.reading(store) as conn:
        monthly.month_report(conn, EVERYTHING, MONTH, "en")


def _query(store: Engine, sql: str, params: dict) -> None:
    con = duckdb.connect(_path(store), read_only=True)
    con.execute(sql, params).fetchall()
    con.close()


STATUS_REPEAT = 7
"""Status and its references take well under a second each, so each is measured seven times,
taking turns, and its best time counts."""


def status_vs_sql_floor(folder: Path, store: Engine, *, quick: bool) -> list[dict]:
    params = _floor_params(store)
    one = {"month": MONTH, "next": months.add(MONTH, 1)}
    ours, floor, one_month = _best_of_each(
        [
            lambda: _status(store),
            lambda: _query(store, FLOOR_SQL, params),
            lambda: _query(store, ONE_MONTH_SQL, one),
        ],
        STATUS_REPEAT,
    )
    return [
        _item(
            "status_vs_sql_floor",
            ours,
            "one DuckDB query for the values of the months status reads (with each KPI's baseline)",
            floor,
        ),
        _item(
            "status_vs_one_month_sql", ours, "one DuckDB query for the report month's values only", one_month
        ),
    ]


def status_vs_pandas(folder: Path, store: Engine, *, quick: bool) -> list[dict]:
    """Status against plain pandas over the whole tables: first a full pandas implementation of
    the month's status (benchmarks/pandas_status.py, checked here to agree with ours on every
    KPI and goal), then pandas computing only the month values, as this item first measured."""
    path = _path(store)
    with engine.reading(store) as conn:
        ours_report = monthly.month_report(conn, EVERYTHING, MONTH, "en")
    differ = pandas_status.disagreements(ours_report, *pandas_status.month_status(path, MONTH))
    if differ:
        raise RuntimeError(f"the pandas reference disagrees with our status: {differ[:5]}")

    def plain_pandas_values() -> None:
        con = duckdb.connect(path, read_only=True)
        measurements = con.execute("SELECT kpi, month, value FROM measurement").df()
        answers = con.execute("SELECT kpi, date, score FROM response").df()
        kinds = con.execute("SELECT code AS kpi, aggregation FROM kpi").df()
        con.close()
        pandas_status.month_values(measurements, answers, kinds, pandas_status.months_read(MONTH))

    ours, full, values = _best_of_each(
        [lambda: _status(store), lambda: pandas_status.month_status(path, MONTH), plain_pandas_values],
        STATUS_REPEAT,
    )
    return [
        _item(
            "status_vs_pandas",
            ours,
            "plain pandas over the whole tables: the same statuses, roll-up and warnings",
            full,
        ),
        _item(
            "status_vs_pandas_values",
            ours,
            "plain pandas over the whole tables: the month values status reads, no rules",
            values,
        ),
    ]


PAGES = ["overview", "goal_cascade", "smart_goals", "departments", "present", "data"]


def pages(folder: Path, store: Engine, *, quick: bool) -> list[dict]:
    """Each page's server-side run in AppTest as an administrator: first (cold) and cached (warm)."""
    script = ROOT / "benchmarks" / "page_times.py"
    env = {**os.environ, "KPI_DATABASE_URL": f"duckdb:///{_path(store)}", "KPI_AUTH_MODE": "demo"}
    out = subprocess.run(
        [sys.executable, str(script), *PAGES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    results = []
    for line in out.stdout.splitlines():
        name, cold, warm = line.split()
        results.append(_item(f"page_{name}_cold", float(cold), None, None))
        results.append(_item(f"page_{name}_warm", float(warm), None, None))
    return results


def data_version_read(folder: Path, store: Engine, *, quick: bool) -> dict:
    """What each run of a page pays to know whether the data changed: the store's data version
    as `kpi.store.data_version.current` reads it from a DuckDB file nobody wrote since (it only
    looks at the file), against opening the file and reading the row, as on every run when the
    file did change (and as a read on PostgreSQL, without the opening)."""
    database = _path(store)
    while data_version.Watch.look(database) is None:  # the file must have settled (a second)
        time.sleep(0.2)
    data_version.current(store)  # remembered with the file's look

    def opened() -> None:
        with engine.reading(store) as conn:
            data_version.read(conn)

    ours, reference = _median_of_each([lambda: data_version.current(store), opened], 21)
    return _item("data_version_per_run", ours, "opening the DuckDB file and reading the row", reference)


def _answers_store(folder: Path, name: str) -> Engine:
    small = engine.create(f"duckdb:///{folder / name}")
    setup.ensure(small)
    with engine.writing(small) as conn:
        seeding.load_company(conn, generate(MONTH, history=2, answers_factor=0.01), who="bench")
    return small


_SAID = ("Pakken kom for sent", "Fin service i butikken", "Fakturaen var forkert", "Nem betaling")


def answers_file(path: Path, rows: int, bad_row: int | None = None, *, words: bool = False) -> bytes:
    """`rows` NPS answers over 25 years; with `bad_row`, that spreadsheet row's score is 11
    (off the 0-10 scale). With `words`, each answer names its respondent (one per answer) and
    every fifth carries a comment of its own (no two alike, as customers write them)."""
    rng = random.Random(2026)
    with path.open("w", encoding="utf-8") as out:
        out.write("kpi,date,score,segment,touchpoint" + (",respondent,comment\n" if words else "\n"))
        for i in range(rows):
            score = 11 if i + 2 == bad_row else rng.randint(0, 10)
            day = f"{2000 + i // 40_000}-{1 + (i // 3_000) % 12:02d}-{1 + i % 28:02d}"
            said = f",R{i:07d},{_SAID[i % 4]} (svar {i})" if i % 5 == 0 else f",R{i:07d},"
            out.write(f"NPS,{day},{score},private,web" + (said if words else "") + "\n")
    return path.read_bytes()


def import_vs_read_csv(folder: Path, store: Engine, *, quick: bool) -> dict:
    rows = 100_000 if quick else 1_000_000
    small = _answers_store(folder, "import.duckdb")
    path = folder / "answers.csv"
    data = answers_file(path, rows)
    started = time.perf_counter()
    importing.run(small, "responses", data, path.name, BENCH_ADMIN)
    ours = time.perf_counter() - started
    reference = duckdb.connect(str(folder / "reference.duckdb"))
    started = time.perf_counter()
    reference.execute(f"CREATE TABLE response AS SELECT * FROM read_csv('{path}', header = true)")
    reference_s = time.perf_counter() - started
    reference.close()
    return _item("import_vs_read_csv", ours, f"DuckDB read_csv of {rows:,} rows into a table", reference_s)


def import_with_words(folder: Path, store: Engine, *, quick: bool) -> dict:
    """A million answers each naming its respondent, a fifth with a comment, through the full
    import, against the same answers without the two columns (issue 20)."""
    rows = 100_000 if quick else 1_000_000
    plain, said = folder / "plain.csv", folder / "words.csv"
    data = {"plain": answers_file(plain, rows), "words": answers_file(said, rows, words=True)}
    stores = {name: _answers_store(folder, f"{name}.duckdb") for name in data}

    def run(name: str) -> Callable[[], None]:
        def once() -> None:
            with engine.writing(stores[name]) as conn:  # each turn starts from a store without them
                conn.execute(sa.delete(schema.response).where(schema.response.c.kpi == "NPS"))
                conn.execute(sa.delete(schema.response_month).where(schema.response_month.c.kpi == "NPS"))
            importing.run(stores[name], "responses", data[name], f"{name}.csv", BENCH_ADMIN)

        return once

    ours, reference_s = _median_of_each([run("words"), run("plain")], 3)
    reference = f"the same {rows:,} answers without respondent and comment"
    return _item("import_with_words", ours, reference, reference_s)


@contextmanager
def _held(held: list[float]) -> Iterator[None]:
    """Adds to `held` the seconds each unit of work of `kpi.store.engine` holds the store."""
    opened = {"reading": engine.reading, "writing": engine.writing}

    def timed(unit):  # type: ignore[no-untyped-def]
        @contextmanager
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                with unit(*args, **kwargs) as conn:
                    yield conn
            finally:
                held.append(time.perf_counter() - started)

        return wrapper

    engine.reading, engine.writing = timed(opened["reading"]), timed(opened["writing"])
    try:
        yield
    finally:
        engine.reading, engine.writing = opened["reading"], opened["writing"]


def import_refused_one_bad_cell(folder: Path, store: Engine, *, quick: bool) -> dict:
    """A million answers with one score off its scale: refused, every problem named, the store
    unchanged. `held_s` is how long the import held the store (DuckDB lets one process open the
    file at a time, so a page waits that long); the reference is the same file, accepted."""
    rows = 100_000 if quick else 1_000_000
    small = _answers_store(folder, "refused.duckdb")
    good = answers_file(folder / "good.csv", rows)
    bad = answers_file(folder / "bad.csv", rows, bad_row=rows // 2)
    held: list[float] = []
    started = time.perf_counter()
    with _held(held):
        try:
            importing.run(small, "responses", bad, "bad.csv", BENCH_ADMIN)
        except ImportRejected as refused:
            assert [(p.row, p.field, p.key) for p in refused.problems] == [(rows // 2, "score", "off_scale")]
        else:
            raise AssertionError("a file with a score of 11 was accepted")
    ours = time.perf_counter() - started
    started = time.perf_counter()
    importing.run(small, "responses", good, "good.csv", BENCH_ADMIN)
    reference_s = time.perf_counter() - started
    item = _item(
        "import_refused_one_bad_cell",
        ours,
        f"the same {rows:,} answers without the bad cell, accepted",
        reference_s,
    )
    item["held_s"] = round(sum(held), 3)
    return item


def import_refused_every_row(folder: Path, store: Engine, *, quick: bool) -> dict:
    """20,000 monthly values whose every value cell is not a number: refused, every problem named
    (the check of the rows left unread was quadratic in them: 14.7 s, now linear). The reference
    is the same rows with a number in each: read, checked and refused as repeats of one month."""
    rows = 5_000 if quick else 20_000
    small = _answers_store(folder, "every_row.duckdb")
    header = "kpi,month,value\n"
    bad = (header + "CHURN,2026-10,x\n" * rows).encode()
    good = (header + "CHURN,2026-10,1.5\n" * rows).encode()  # numbers: every row read, then repeats refused
    started = time.perf_counter()
    try:
        importing.run(small, "measurements", bad, "bad.csv", BENCH_ADMIN, dry_run=True)
    except ImportRejected as refused:
        assert len(refused.problems) >= rows
    else:
        raise AssertionError("a file of values that are no numbers was accepted")
    ours = time.perf_counter() - started
    started = time.perf_counter()
    try:
        importing.run(small, "measurements", good, "good.csv", BENCH_ADMIN, dry_run=True)
    except ImportRejected as refused:  # every row read and checked, then named as a repeat
        assert len(refused.problems) >= rows - 1
    reference_s = time.perf_counter() - started
    reference = f"the same {rows:,} rows with a number in each (read, then refused as repeats)"
    return _item("import_refused_every_row", ours, reference, reference_s)


def goals_file(count: int, kpis: list[tuple[str, str, str]]) -> bytes:
    """`count` goals in a valid tree (one strategic goal to 9 tactical, one tactical to 10
    operational), on the demo company's KPIs (code, department, direction), each asking its KPI
    to get better: from 50 to 60, or from 60 to 50 where lower is better."""
    lines = ["code,parent,level,title,description,kpi,department,baseline,target,start,deadline"]
    strategic = max(count // 100, 1)
    tactical = [f"BT{i}" for i in range(strategic * 9)]
    for i in range(count):
        if i < strategic:
            code, parent, level = f"BS{i}", "", "strategic"
        elif i < strategic + len(tactical):
            code, parent, level = tactical[i - strategic], f"BS{(i - strategic) // 9}", "tactical"
        else:
            code, parent, level = f"BO{i}", tactical[(i - strategic) % len(tactical)], "operational"
        kpi, department, direction = kpis[i % len(kpis)]
        baseline, target = (60, 50) if direction == "lower" else (50, 60)
        lines.append(
            f"{code},{parent},{level},Customers get goal {i},Goal {i} for customers of the bench,"
            f"{kpi},{department},{baseline},{target},2026-01,2027-06-30"
        )
    return ("\n".join(lines) + "\n").encode()


def actions_file(count: int, goals: list[str]) -> bytes:
    lines = ["goal,title,owner,due,status"]
    lines += [f"{goals[i % len(goals)]},Action number {i},,2027-01-31,planned" for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


def import_goals_and_actions(folder: Path, store: Engine, *, quick: bool) -> list[dict]:
    """100,000 goals checked in a dry run and 20,000 actions written: both linear in the rows
    (the goal tree check was quadratic, 8,000 goals 10-13 s; actions were written one by one,
    20,000 in 113 s). The reference is Python's csv module reading the same file."""
    import csv

    goals, actions = (10_000, 2_000) if quick else (100_000, 20_000)
    small = engine.create(f"duckdb:///{folder / 'goals.duckdb'}")
    setup.ensure(small)
    company = generate(MONTH, history=2, answers_factor=0.01)
    with engine.writing(small) as conn:
        seeding.load_company(conn, company, who="bench")
    measured = [(k.code, k.department, str(k.direction)) for k in company.kpis if not k.aggregation.is_survey]
    results = []
    for name, kind, data in (
        (f"import_{goals // 1000}k_goals_dry_run", "goals", goals_file(goals, measured)),
        (
            f"import_{actions // 1000}k_actions",
            "actions",
            actions_file(actions, [g.code for g in company.goals]),
        ),
    ):
        started = time.perf_counter()
        importing.run(small, kind, data, f"{kind}.csv", BENCH_ADMIN, dry_run=kind == "goals")
        ours = time.perf_counter() - started
        started = time.perf_counter()
        sum(1 for _ in csv.reader(io.StringIO(data.decode())))
        reference_s = time.perf_counter() - started
        results.append(_item(name, ours, "Python's csv module reading the same file", reference_s))
    return results


def deck_build(folder: Path, store: Engine, *, quick: bool) -> dict:
    """The whole month's deck for an executive (every slide, as the Present page builds it once per
    month, scope and language) against the month's status report alone, which it is built from."""

    def ours() -> None:
        with engine.reading(store) as conn:
            decks.slides(conn, EVERYTHING, MONTH, "en")

    def report() -> None:
        _status(store)

    ours_s, reference_s = _best_of_each([ours, report], 3)
    return _item("deck_build", ours_s, "the month's status report alone (kpi.store.monthly)", reference_s)


def _pack_slides(store: Engine) -> tuple[list, object]:
    with engine.reading(store) as conn:
        return decks.slides(conn, EVERYTHING, MONTH, "en")[:30], decks.brand(conn, MONTH)


def _plain_pptx() -> bytes:
    deck = Presentation()
    for number in range(30):
        slide = deck.slides.add_slide(deck.slide_layouts[6])
        box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(8), Inches(1)).text_frame
        box.text = f"Slide {number}"
        box.paragraphs[0].runs[0].font.size = Pt(32)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def pptx_30_slides(folder: Path, store: Engine, *, quick: bool) -> dict:
    from kpi.output import pptx_pack

    slides, brand = _pack_slides(store)

    def ours() -> None:
        pptx_pack.render(slides, brand)  # type: ignore[arg-type]

    return _item("pptx_30_slides", _best(ours), "python-pptx: 30 slides of plain text", _best(_plain_pptx))


def pdf_30_slides(folder: Path, store: Engine, *, quick: bool) -> list[dict]:
    """The 30-slide pack as PDF (LibreOffice) against LibreOffice converting 30 slides of plain
    text; nothing when LibreOffice is not installed."""
    from kpi.output import pdf_pack, pptx_pack

    if pdf_pack.soffice() is None:
        print("pdf_30_slides: skipped, LibreOffice is not installed", flush=True)
        return []
    slides, brand = _pack_slides(store)
    pack, plain = pptx_pack.render(slides, brand), _plain_pptx()  # type: ignore[arg-type]
    ours_s, reference_s = _best_of_each(
        [lambda: pdf_pack.from_pptx(pack), lambda: pdf_pack.from_pptx(plain)], 2
    )
    return [_item("pdf_30_slides", ours_s, "LibreOffice: 30 slides of plain text to PDF", reference_s)]


def app_peak_memory(folder: Path, store: Engine, *, quick: bool) -> dict:
    """Serve every page once with `streamlit run` (a real browser) and read the process's peak memory."""
    from playwright.sync_api import sync_playwright

    from tools import serve
    from tools.screenshot import CHROMIUM, CHROMIUM_ARGS, settle

    started = time.perf_counter()
    with serve.app(f"duckdb:///{_path(store)}") as running:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            for name in PAGES:
                path = "" if name == "overview" else name
                page.goto(f"{running.base}/{path}?month={months.key(MONTH)}&as=sofie.dahl@havnhjem.example")
                settle(page)
            browser.close()
        status = Path(f"/proc/{running.pid}/status").read_text()
        peak_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
    item = _item("app_peak_memory_mb", peak_kb / 1024, None, None)
    item["served_s"] = round(time.perf_counter() - started, 1)
    return item


def call_records(path: Path, rows: int, month: date = MONTH) -> None:
    """`rows` calls offered in `month` (seed 2026) to Parquet, in four queues: 85 % answered after
    an exponential wait of mean 30 s, 13 % abandoned after one of mean 40 s (a fifth of those
    within 5 s), 2 % neither (still in the queue)."""
    rng = np.random.default_rng(2026)
    start = np.datetime64(month.isoformat(), "s")
    seconds = int((np.datetime64(months.add(month, 1).isoformat(), "s") - start).astype(int))
    offered = start + np.sort(rng.integers(0, seconds, rows)).astype("timedelta64[s]")
    fate = rng.random(rows)
    answered = offered + rng.exponential(30, rows).astype("timedelta64[s]")
    abandoned = offered + rng.exponential(40, rows).astype("timedelta64[s]")
    queues = np.array(["invoice", "sales", "support", "moving"])[rng.integers(0, 4, rows)]
    table = pa.table(
        {
            "queue": queues,
            "offered_at": offered,
            "answered_at": pa.array(answered, mask=fate >= 0.85),
            "abandoned_at": pa.array(abandoned, mask=(fate < 0.85) | (fate >= 0.98)),
        }
    )
    pq.write_table(table, path)


SERVICE_LEVEL_SQL = """
SELECT 100.0 * count(*) FILTER (WHERE answered_at - offered_at <= INTERVAL 20 SECOND)
     / count(*) FILTER (WHERE answered_at IS NOT NULL OR abandoned_at - offered_at > INTERVAL 5 SECOND)
FROM read_parquet($file)
WHERE offered_at >= $first AND offered_at < $after
"""
"""The month's service level by hand: answered within 20 s of calls answered or abandoned after 5 s."""

RECIPE_REPEAT = 9


def service_level_vs_sql(folder: Path, store: Engine, *, quick: bool) -> dict:
    """One month of call records through the service-level recipe (`kpi.sources.recipes`: the
    files found, their columns and values checked, then the recipe's query) against DuckDB
    reading the same Parquet file with the hand-written query; the median of nine turns each.
    The two must agree on the value before a ratio is reported."""
    rows = 100_000 if quick else 1_000_000
    path = folder / "calls.parquet"
    call_records(path, rows)
    params = {"file": str(path), "first": MONTH, "after": months.add(MONTH, 1)}

    def ours() -> float | None:
        (found,) = recipes.service_level(path, month=MONTH)
        return found.value

    def by_hand() -> float:
        with duckdb.connect(":memory:") as con:
            value = con.execute(SERVICE_LEVEL_SQL, params).fetchone()
        assert value is not None
        return float(value[0])

    said, expected = ours(), by_hand()
    if said is None or not math.isclose(said, expected, rel_tol=1e-9):
        raise RuntimeError(f"the recipe says {said}, the hand-written query {expected}")
    ours_s, reference_s = _median_of_each([ours, by_hand], RECIPE_REPEAT)
    return _item(
        "service_level_vs_sql",
        ours_s,
        f"DuckDB over the same Parquet file, a hand-written query: one month of {rows:,} calls",
        reference_s,
    )


SEGMENT_SQL = """
SELECT kpi, CAST(date_trunc('month', date) AS DATE) AS month, segment, count(*),
       count(*) FILTER (WHERE score >= 9), count(*) FILTER (WHERE score <= 6),
       count(*) FILTER (WHERE score >= 4), sum(score), sum(score * score)
FROM response
WHERE kpi IN (SELECT unnest($kpis)) AND date >= $first AND date < $next
GROUP BY ALL
"""
"""The counts `segments.counts` reads, written by hand for DuckDB alone: the floor of slicing."""
SEGMENT_REPEAT = 7


def segments_vs_sql(folder: Path, store: Engine, *, quick: bool) -> list[dict]:
    """Slicing survey answers by segment (issue 20) against the same counts by one hand-written
    DuckDB query: one survey KPI over the 13 months the Why it moved tab reads, then every survey
    KPI over the whole history (every answer of the store, 5 million), each with opening the
    store, as the app and the floor both do."""
    with engine.reading(store) as conn:
        surveys = sorted(k.code for k in queries.kpis(conn, EVERYTHING) if k.aggregation.is_survey)
        total = conn.execute(sa.select(sa.func.count()).select_from(schema.response)).scalar_one()
    first_ever = months.add(MONTH, 1 - (24 if quick else HISTORY))
    out = []
    for name, kpis, first in (
        ("segments_one_kpi_13_months", ["NPS"], months.add(MONTH, -12)),
        ("segments_every_answer", surveys, first_ever),
    ):
        params = {"kpis": kpis, "first": first, "next": months.add(MONTH, 1)}

        def ours(kpis: list[str] = kpis, first: date = first) -> None:
            with engine.reading(store) as conn:
                segments.counts(conn, EVERYTHING, kpis, first, MONTH, segments.By.SEGMENT)

        mine, floor = _best_of_each(
            [ours, lambda params=params: _query(store, SEGMENT_SQL, params)], SEGMENT_REPEAT
        )
        what = f"one DuckDB query counting the same answers by KPI, month and segment ({total:,} answers in the store)"
        out.append(_item(name, mine, what, floor))
    return out


DRIVER_WEIGHTS = {"private": (0.9, 0.6, 0.3, 0.2, 0.1), "business": (0.3, 0.5, 0.2, 0.9, 0.1)}
"""Weights of the five touchpoint ratings in the benchmark's simulated NPS, per segment."""


def driver_respondents(rows: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`rows` respondents: five touchpoint ratings 1-5 that share a customer's mood, an NPS score
    0-10 they drive by `DRIVER_WEIGHTS`, and the segment (0 private, 1 business), half each."""
    rng = np.random.default_rng(seed)
    segment = rng.integers(0, 2, size=rows)
    ratings = np.clip(
        np.round(3.6 + 0.8 * rng.normal(size=(rows, 1)) + 0.9 * rng.normal(size=(rows, 5))), 1, 5
    )
    weights = np.array(list(DRIVER_WEIGHTS.values()))[segment]
    score = 1.0 + (ratings * weights).sum(axis=1) + 1.5 * rng.normal(size=rows)
    return ratings, np.clip(np.round(score), 0, 10), segment


def drivers_1m(folder: Path, store: Engine, *, quick: bool) -> list[dict]:
    """The driver analysis (Shapley shares of R² with 1,000 bootstrap resamples) of 1 million
    respondents rating 5 touchpoints, against one least-squares fit of the NPS on all five
    ratings (numpy); then as the Drivers tab makes it, all respondents and each segment."""
    from kpi.domain import drivers

    rows = 100_000 if quick else 1_000_000
    ratings, score, segment = driver_respondents(rows)
    touchpoints = ("delivery", "customer_service", "webshop", "invoice", "returns")
    chosen = [segment == code for code in (0, 1)]

    def everyone() -> None:
        drivers.analyse(touchpoints, ratings, score)

    def by_segment() -> None:
        everyone()
        for rows_of in chosen:
            drivers.analyse(touchpoints, ratings[rows_of], score[rows_of])

    def one_fit() -> None:
        np.linalg.lstsq(np.column_stack([np.ones(rows), ratings]), score, rcond=None)

    everyone_s, by_segment_s, reference_s = _best_of_each([everyone, by_segment, one_fit], 3)
    reference = f"numpy least squares, one fit of NPS on 5 ratings, {rows:,} respondents"
    return [
        _item("drivers_1m", everyone_s, reference, reference_s),
        _item("drivers_1m_by_segment", by_segment_s, reference, reference_s),
    ]
