"""Survey answers in bulk: a year of answers checked and written a column at a time.

The exact importer (`kpi.files.tables`, then `kpi.store.importing`) reads every cell in Python. That
suits a definitions file of a few hundred rows and lets it name every problem by row and column,
but a million answers take it seconds. This path lets DuckDB read the file and applies the same
rules to whole columns. It takes only files in the plain shape survey tools export: UTF-8 CSV
without quoting, ISO dates (2026-10-31), whole-number scores, codes of letters and digits, every
KPI a known survey KPI and every score on its scale. Any other file, and so every file with a
problem, goes to the exact importer, which then names each problem. The two paths can therefore
differ only in speed, never in what lands; `tests/test_bulk_answers.py` holds them to that.

The answers are staged in a private in-memory DuckDB whatever the store is; they reach a DuckDB
store as one Arrow scan and PostgreSQL through COPY, inside the import's transaction.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from kpi import settings
from kpi.domain import bounds, cx, months
from kpi.domain.model import SURVEY_SCALES, Aggregation
from kpi.files import tables
from kpi.store import schema as s
from kpi.store.writes import Writer, arrow_rows, bulk_insert_arrow

SPACE_CODES = (
    *(0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680),
    *range(0x2000, 0x200B),
    *(0x2028, 0x2029, 0x202F, 0x205F, 0x3000),
)
"""The code points Python's `str.isspace` holds true, written out: working them out by checking
all 1.1 million code points cost 0.2 s of CPU in every process that imports the store's importer
(each CLI run, each app start). tests/test_bulk_answers.py checks the list against Python's own."""
_SPACE = "".join(f"\\x{{{code:X}}}" for code in SPACE_CODES)
"""Every character Python's `str.strip` removes, as an RE2 class body. DuckDB's `trim` removes
Unicode's spaces but not tabs, line separators and the like, so a text cell that `strip` would
cut further is left to the exact importer."""

_ASCII_SPACE = [bytes([code]) for code in range(128) if chr(code).isspace() and chr(code) not in " \n\r"]
"""The ASCII white space `str.strip` removes and DuckDB's `trim` keeps (line ends aside)."""

FIELDS = ("kpi", "date", "score", "segment", "touchpoint")
ARROW_BATCH = 122_880
"""Rows per Arrow batch handed to the store: DuckDB's row group, so the insert runs in parallel."""


@dataclass
class Group:
    """One KPI's answers in one month, as counted for `response_month`."""

    n: int
    promoters: int
    detractors: int
    satisfied: int
    total: float
    total_sq: float


@dataclass
class Staged:
    """A file's answers in table `answers` of `db` (kpi, date, month, score, segment, touchpoint)."""

    db: duckdb.DuckDBPyConnection
    rows: int
    groups: dict[tuple[str, date], Group]
    scores: dict[str, tuple[int, int]]
    """Lowest and highest score per KPI."""
    longest: int = 0
    """The longest segment or touchpoint."""

    def close(self) -> None:
        self.db.close()


def stage(data: bytes, name: str) -> Staged | None:
    """The file's answers, checked by column; None when the file is not in the plain shape (or
    has any problem), so that the exact importer reads it."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data[:4] == b"PK\x03\x04" or b"\x00" in data or b'"' in data:
        return None  # workbooks, binary files and quoted CSV take the exact path
    if b"'" in data:
        return None  # a cell a download neutralised for spreadsheets: kpi.files.spreadsheet restores it
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None  # old Mac line ends
    ascii_only = data.isascii()
    if not ascii_only:
        try:
            data.decode("utf-8")  # DuckDB and Python must agree the file is UTF-8 (else: Latin-1)
        except UnicodeDecodeError:
            return None
    # Only a file with white space that DuckDB's trim keeps (tabs and the like) needs each text
    # cell checked for it; in ASCII those are few enough to look for byte by byte.
    other_space = not ascii_only or any(byte in data for byte in _ASCII_SPACE)
    first = data.partition(b"\n")[0].decode("utf-8").removesuffix("\r")
    if len(first.splitlines()) != 1:
        return None
    delimiter = tables.delimiter_of(first)
    header = [cell.strip() for cell in next(csv.reader([first], delimiter=delimiter))]
    positions, problems = tables.header_columns("responses", header, name)
    if problems:
        return None
    memory = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.NamedTemporaryFile(suffix=".csv", dir=memory, delete=False) as file:
        file.write(data)
    try:
        return _stage(file.name, delimiter, len(header), positions, other_space)
    finally:
        os.unlink(file.name)


def _stage(
    path: str, delimiter: str, width: int, positions: dict[str, int], other_space: bool
) -> Staged | None:
    db = duckdb.connect()
    cells = {f"c{i}": "VARCHAR" for i in range(width)}

    def cell(name: str) -> str:
        return f"coalesce(c{positions[name]}, '')" if name in positions else "''"

    edge = f"'^[{_SPACE}]|[{_SPACE}]$'"
    plain = " AND ".join(
        [
            f"regexp_full_match({cell('kpi')}, ' *[A-Za-z0-9_-]+ *')",
            f"regexp_full_match({cell('date')}, ' *[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}} *')",
            f"regexp_full_match({cell('score')}, ' *[0-9]{{1,4}} *')",
            *(
                f"NOT regexp_matches(trim({cell(f)}), {edge})"
                for f in ("segment", "touchpoint")
                if other_space
            ),
        ]
    )
    try:
        db.execute(
            "CREATE TABLE answers AS SELECT *, CAST(date_trunc('month', date) AS DATE) AS month FROM ("
            f"SELECT upper(trim({cell('kpi')})) AS kpi, TRY_CAST(trim({cell('date')}) AS DATE) AS date, "
            f"TRY_CAST(trim({cell('score')}) AS INTEGER) AS score, trim({cell('segment')}) AS segment, "
            f"trim({cell('touchpoint')}) AS touchpoint, {plain} AS plain "
            "FROM read_csv($path, header = true, auto_detect = false, columns = $cells, delim = $delim, "
            "quote = '\"', escape = '\"', strict_mode = true, null_padding = false))",
            {"path": path, "cells": cells, "delim": delimiter},
        )
    except duckdb.Error:
        db.close()
        return None  # ragged rows and the like: the exact importer explains them
    found = db.execute(
        "SELECT kpi, month, count(*), count(*) FILTER (WHERE score >= $promoter), "
        "count(*) FILTER (WHERE score <= $detractor), count(*) FILTER (WHERE score >= $satisfied), "
        "CAST(sum(score) AS DOUBLE), CAST(sum(score * score) AS DOUBLE), min(score), max(score), "
        "max(greatest(length(segment), length(touchpoint))), bool_and(plain AND date IS NOT NULL AND year(date) >= 1 AND score IS NOT NULL) "
        "FROM answers GROUP BY kpi, month",
        {"promoter": cx.PROMOTER_MIN, "detractor": cx.DETRACTOR_MAX, "satisfied": cx.SATISFIED_MIN},
    ).fetchall()
    if not found or not all(row[-1] for row in found):
        db.close()
        return None
    groups: dict[tuple[str, date], Group] = {}
    scores: dict[str, tuple[int, int]] = {}
    longest = 0
    for kpi, month, *counts, low, high, length, _ in found:
        groups[(kpi, month)] = Group(*counts)
        was = scores.get(kpi, (low, high))
        scores[kpi] = (min(was[0], low), max(was[1], high))
        longest = max(longest, length or 0)
    return Staged(db, sum(g.n for g in groups.values()), groups, scores, longest)


def fits(conn: sa.Connection, staged: Staged, confirm_future: bool = False) -> bool:
    """Whether every KPI is a survey KPI the store knows, every score is on its scale, every date
    in the settings' window (kpi.domain.bounds) and no text longer than its limit."""
    window = settings.window(confirmed=confirm_future)
    if any(window.problem(month, "date") for _, month in staged.groups):
        return False
    if staged.longest > min(bounds.TEXT_LIMITS["segment"], bounds.TEXT_LIMITS["touchpoint"]):
        return False
    kinds = {
        code: Aggregation(kind) for code, kind in conn.execute(sa.select(s.kpi.c.code, s.kpi.c.aggregation))
    }
    for kpi, (low, high) in staged.scores.items():
        kind = kinds.get(kpi)
        if kind is None or not kind.is_survey:
            return False
        first, last = SURVEY_SCALES[kind]
        if low < first or high > last:
            return False
    return True


def write(
    conn: sa.Connection, staged: Staged, who: str, progress: Callable[[float], None] | None = None
) -> Writer:
    """Make each (KPI, month) in the file hold exactly the file's answers, as
    `Writer.replace_responses` does: identical months are left alone, each replaced month is
    audited as one row with the answer counts before and after."""
    writer, table, summary = Writer(conn, who), s.response, s.response_month
    kpis = sorted(staged.scores)
    stored = {
        (kpi, month): n
        for kpi, month, n in conn.execute(
            sa.select(summary.c.kpi, summary.c.month, summary.c.n).where(summary.c.kpi.in_(kpis))
        )
        if (kpi, month) in staged.groups
    }
    same = _unchanged(conn, staged, sorted(stored))
    changed = sorted(key for key in staged.groups if key not in same)
    for key in sorted(same):
        writer.tally.add(table.name, "unchanged", staged.groups[key].n)
    if progress:
        progress(0.5)
    for kpi, month in (key for key in changed if key in stored):
        conn.execute(
            table.delete().where(
                table.c.kpi == kpi, table.c.date >= month, table.c.date < months.add(month, 1)
            )
        )
        conn.execute(summary.delete().where(summary.c.kpi == kpi, summary.c.month == month))
    bulk_insert_arrow(conn, table, _answers(staged, changed, everything=len(changed) == len(staged.groups)))
    if progress:
        progress(0.9)
    now = datetime.now()
    if changed:
        conn.execute(
            summary.insert(),
            [{"kpi": kpi, "month": month, **vars(staged.groups[(kpi, month)])} for kpi, month in changed],
        )
    audits = [
        writer.answers_replaced(now, kpi, month, stored.get((kpi, month), 0), staged.groups[(kpi, month)].n)
        for kpi, month in changed
    ]
    if audits:
        conn.execute(s.audit.insert(), audits)
    return writer


def _keys(keys: list[tuple[str, date]]) -> pa.Table:
    return pa.table({"kpi": [k for k, _ in keys], "month": [m for _, m in keys]})


def _answers(staged: Staged, keys: list[tuple[str, date]], *, everything: bool) -> pa.Table:
    columns = "kpi, date, score, segment, touchpoint"
    if everything:
        return staged.db.execute(f"SELECT {columns} FROM answers").to_arrow_table(ARROW_BATCH)
    staged.db.register("wanted", _keys(keys))
    try:
        return staged.db.execute(
            f"SELECT {columns} FROM answers SEMI JOIN wanted USING (kpi, month)"
        ).to_arrow_table(ARROW_BATCH)
    finally:
        staged.db.unregister("wanted")


def _unchanged(conn: sa.Connection, staged: Staged, keys: list[tuple[str, date]]) -> set[tuple[str, date]]:
    """The (KPI, month)s among `keys` whose stored answers are exactly the file's, as multisets."""
    if not keys:
        return set()
    table = s.response
    first, last = min(m for _, m in keys), months.add(max(m for _, m in keys), 1)
    stored = arrow_rows(  # a span per KPI; the months in between are dropped below
        conn,
        sa.select(*(table.c[f] for f in FIELDS)).where(
            table.c.kpi.in_(sorted({k for k, _ in keys})), table.c.date >= first, table.c.date < last
        ),
        FIELDS,
    )
    db = staged.db
    db.register("stored", stored)
    db.register("wanted", _keys(keys))
    try:
        differing = db.execute(
            "WITH mine AS (SELECT kpi, month, date, score, segment, touchpoint, count(*) AS n FROM answers "
            "  SEMI JOIN wanted USING (kpi, month) GROUP BY ALL), "
            "theirs AS (SELECT * FROM (SELECT kpi, CAST(date_trunc('month', date) AS DATE) AS month, date, "
            "  CAST(score AS INTEGER) AS score, segment, touchpoint, count(*) AS n FROM stored GROUP BY ALL) "
            "  SEMI JOIN wanted USING (kpi, month)) "
            "SELECT DISTINCT kpi, month "
            "FROM mine FULL OUTER JOIN theirs USING (kpi, month, date, score, segment, touchpoint) "
            "WHERE mine.n IS DISTINCT FROM theirs.n"
        ).fetchall()
    finally:
        db.unregister("stored")
        db.unregister("wanted")
    return set(keys) - {(kpi, first) for kpi, first in differing}
