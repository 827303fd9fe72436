"""Survey answers in bulk: a year of answers read, checked and written a column at a time.

The exact importer (`kpi.files.tables`, then `kpi.store.importing`) reads every cell in Python.
That suits a definitions file of a few hundred rows, but a million answers took it minutes, and
a file with one bad cell went that way too. Here DuckDB reads the file into columns of raw text,
and each column's distinct values go through the exact importer's own reading and checks
(`kpi.store.column_check`): a date column of a million answers holds a few hundred dates, so
each is read once, and the rows holding a bad one are found by a join. Every problem is named
as the exact importer names it (file, row, column, the same message), and a file without one
is written from the values those readings gave. `tests/test_bulk_answers.py` holds the two
paths to the same answers and the same problems.

It takes CSV files DuckDB reads exactly as Python's `csv` module does: UTF-8, no quotation
marks, line ends of one kind, every row as wide as the header. Any other file (a workbook,
Windows-1252 or Latin-1, quotes, a ragged row) is read cell by cell, still before the store is
locked.

The answers are staged in a private in-memory DuckDB whatever the store is; they reach a DuckDB
store as one Arrow scan and PostgreSQL through COPY, inside the import's transaction.
"""

from __future__ import annotations

import csv
import functools
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from kpi.domain import bounds, cx, identity, months
from kpi.files import tables
from kpi.store import schema as s
from kpi.store.writes import Writer, arrow_rows, bulk_insert_arrow

FIELDS = ("kpi", "date", "score", "segment", "touchpoint", "respondent", "comment")
_TEXT = ("segment", "touchpoint", "respondent", "comment")
_OPTIONAL = ("respondent", "comment")
"""Kept as NULL when empty (a segment or touchpoint left empty is kept as ''). Nearly every
respondent and many comments are distinct: only the cells the exact importer might read as
other than written, or refuse (`_unplain`), go through it one by one; the rest are taken as
written, which is what the exact importer makes of them."""


@functools.cache
def _space() -> str:
    """The characters Python's `str.strip` takes off a cell's ends, as a regular-expression class:
    worked out at the first import of answers, not when the app starts (a walk over every code
    point, a tenth of a second of every start)."""
    return "[" + "".join(f"\\x{{{c:x}}}" for c in range(0x110000) if chr(c).isspace()) + "]"


def _control() -> str:
    """`bounds.CONTROL` as a class DuckDB's expressions read (`\\x{202a}`); without the
    surrogates, which no UTF-8 text holds."""
    pattern = bounds.CONTROL.pattern.replace(r"\ud800-\udfff", "")
    return re.sub(r"\\[xu]([0-9a-f]{2,4})", r"\\x{\1}", pattern)


def _unplain(column: str, name: str) -> str:
    """SQL: whether a cell of free text `name` is one the exact importer might read as other than
    written (space at an end, a download's `'` in front or after a `;`, `kpi.files.spreadsheet`)
    or refuse (too long, an `@`, a tab or a line break, a control character) or read without
    what nobody sees (`identity.UNSEEN_CHARS`): those go through it one by one."""
    limit = bounds.TEXT_LIMITS[name]
    return (
        f"({column} = '' OR length({column}) > {limit} OR regexp_matches({column}, $edge) "
        f"OR starts_with({column}, chr(39)) OR contains({column}, ';') OR contains({column}, '@') "
        f"OR contains({column}, chr(9)) "
        f"OR contains({column}, chr(10)) OR contains({column}, chr(13)) "
        + "".join(f"OR contains({column}, chr({ord(c)})) " for c in identity.UNSEEN_CHARS)
        + f"OR regexp_matches({column}, $control))"
    )


ARROW_BATCH = 122_880
"""Rows per Arrow batch handed to the store: DuckDB's row group, so the insert runs in parallel."""
_BLANK_LINE = re.compile(rb"\n\r?\n")


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
    """A file's cells in table `cells` of `db`: `row` (as a spreadsheet numbers it) and the raw
    text of each column (`c0`, `c1`, … in the header's order, '' for an empty cell); view
    `filled` leaves out the rows that hold nothing. Once checked, `prepare` puts the answers in
    table `answers` (kpi, date, month, score, segment, touchpoint, respondent, comment)."""

    db: duckdb.DuckDBPyConnection
    file: str
    delimiter: str
    positions: dict[str, int]
    """Each column's place in the header."""
    written: dict[str, str] = field(default_factory=dict)
    """Each column's header as the file writes it, where it is not the column's name."""
    distinct: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    """Each column's distinct raw cells, with the first row holding each."""
    rows: int = 0
    groups: dict[tuple[str, date], Group] = field(default_factory=dict)
    scores: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Lowest and highest score per KPI."""

    def close(self) -> None:
        self.db.close()


def stage(data: bytes, name: str) -> Staged | None:
    """The file's cells in columns; None when DuckDB would not read it as Python's `csv` does (or
    it has no rows, or its header is wrong), so that the exact importer reads it."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data[:4] == b"PK\x03\x04" or b"\x00" in data or b'"' in data:
        return None  # workbooks, binary files and quoted CSV take the exact path
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None  # old Mac line ends
    try:
        first = data.partition(b"\n")[0].decode("utf-8").removesuffix("\r")
        if not data.isascii():
            # DuckDB and Python must agree the file is UTF-8 (else: Windows-1252 or Latin-1)
            data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(first.splitlines()) != 1:
        return None
    delimiter = tables.delimiter_of(first)
    header = [tables.cell(raw) for raw in next(csv.reader([first], delimiter=delimiter))]
    positions, problems = tables.header_columns("responses", header, name)
    if problems:
        return None
    memory = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.NamedTemporaryFile(suffix=".csv", dir=memory, delete=False) as file:
        file.write(data)
    try:
        staged = Staged(
            duckdb.connect(), name, delimiter, positions, tables.written_headers(header, positions)
        )
        if _read(staged, file.name, len(header), _numbers(data)):
            return staged
        staged.close()
        return None
    finally:
        os.unlink(file.name)


def _numbers(data: bytes) -> pa.Table | None:
    """The spreadsheet row of each row DuckDB reads, where empty lines make it other than its
    place plus 2 (DuckDB skips empty lines; the exact importer counts them)."""
    if not _BLANK_LINE.search(data):
        return None
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return pa.table({"row": [n for n, line in enumerate(lines[1:], start=2) if line not in (b"", b"\r")]})


def _read(staged: Staged, path: str, width: int, numbers: pa.Table | None) -> bool:
    db, raw = staged.db, {f"c{i}": "VARCHAR" for i in range(width)}
    cells = ", ".join(f"coalesce(c{i}, '') AS c{i}" for i in range(width))
    try:
        db.execute(
            f"CREATE TABLE read AS SELECT {cells} FROM read_csv($path, header = true, auto_detect = false, "
            "columns = $raw, delim = $delim, quote = '\"', escape = '\"', strict_mode = true, null_padding = false)",
            {"path": path, "raw": raw, "delim": staged.delimiter},
        )
    except duckdb.Error:
        return False  # ragged rows and the like: the exact importer explains them
    count = db.execute("SELECT count(*) FROM read").fetchone()[0]  # type: ignore[index]
    if numbers is None:
        db.execute("CREATE VIEW cells AS SELECT rowid + 2 AS row, * FROM read")
    elif numbers.num_rows == count:
        db.register("numbers", numbers)
        db.execute(
            "CREATE TABLE cells AS SELECT * FROM numbers POSITIONAL JOIN (SELECT * FROM read ORDER BY rowid)"
        )
        db.unregister("numbers")
    else:
        return False
    free = {i: name for name, i in staged.positions.items() if name in _OPTIONAL}
    edge = {"edge": f"^{_space()}|{_space()}$", "control": _control()}
    for i in range(width):
        if i in free:  # only the cells that need the exact importer's reading (`_unplain`)
            staged.distinct[i] = db.execute(
                f"SELECT c{i}, min(row) FROM cells WHERE {_unplain(f'c{i}', free[i])} GROUP BY c{i}", edge
            ).fetchall()
        else:
            staged.distinct[i] = db.execute(f"SELECT c{i}, min(row) FROM cells GROUP BY c{i}").fetchall()
    if (
        not count
        or max(len(raw) for values in staged.distinct.values() for raw, _ in values) >= tables.FIELD_LIMIT
    ):
        return False  # no rows, or a cell Python's csv refuses: the exact importer names them
    blanks = [
        [raw for raw, _ in staged.distinct[i] if tables.is_blank([tables.cell(raw)])] for i in range(width)
    ]
    if all(blanks):  # a row may be empty: the exact importer skips it (a table: a view takes no parameters)
        where = " AND ".join(f"list_contains($b{i}, c{i})" for i in range(width))
        db.execute(
            f"CREATE TABLE filled AS SELECT * FROM cells WHERE NOT ({where})",
            {f"b{i}": b for i, b in enumerate(blanks)},
        )
        return bool(db.execute("SELECT count(*) FROM filled").fetchone()[0])  # type: ignore[index]
    db.execute("CREATE VIEW filled AS SELECT * FROM cells")
    return True


def prepare(staged: Staged, values: dict[str, pa.Table]) -> None:
    """Table `answers` from the cells and each column's readings (`values`: raw → value, from
    `column_check.readings`), and the counts `response_month` keeps, per KPI and month."""
    db, joins, picked, registered = staged.db, [], {}, []
    for name in FIELDS:
        if name not in staged.positions:
            picked[name] = "CAST(NULL AS VARCHAR)" if name in _OPTIONAL else "''"
            continue
        column, pairs = f"filled.c{staged.positions[name]}", values[name]
        if _as_written(pairs, text=name in _TEXT):  # each value is its cell as written: no join needed
            cast = f"CAST({column} AS {_SQL_TYPES.get(name, 'VARCHAR')})"
            picked[name] = f"nullif({cast}, '')" if name in _OPTIONAL else cast
            continue
        db.register(f"v_{name}", pairs)
        registered.append(f"v_{name}")
        if name in _OPTIONAL:  # only the cells read one by one are in `pairs`; the others as written
            joins.append(f"LEFT JOIN v_{name} ON v_{name}.raw = {column}")
            picked[name] = f"CASE WHEN v_{name}.raw IS NULL THEN nullif({column}, '') ELSE v_{name}.value END"
            continue
        joins.append(f"JOIN v_{name} ON v_{name}.raw = {column}")
        picked[name] = (
            f"coalesce(v_{name}.value, '')" if name in ("segment", "touchpoint") else f"v_{name}.value"
        )
    db.execute(
        "CREATE OR REPLACE TABLE answers AS SELECT {kpi} AS kpi, {date} AS date, "
        "CAST(date_trunc('month', {date}) AS DATE) AS month, CAST({score} AS INTEGER) AS score, "
        "{segment} AS segment, {touchpoint} AS touchpoint, {respondent} AS respondent, "
        "{comment} AS comment FROM filled ".format(**picked)
        + " ".join(joins)
    )
    for view in registered:
        db.unregister(view)
    found = db.execute(
        "SELECT kpi, month, count(*), count(*) FILTER (WHERE score >= $promoter), "
        "count(*) FILTER (WHERE score <= $detractor), count(*) FILTER (WHERE score >= $satisfied), "
        "CAST(sum(score) AS DOUBLE), CAST(sum(score * score) AS DOUBLE), min(score), max(score) "
        "FROM answers GROUP BY kpi, month",
        {"promoter": cx.PROMOTER_MIN, "detractor": cx.DETRACTOR_MAX, "satisfied": cx.SATISFIED_MIN},
    ).fetchall()
    staged.groups, staged.scores = {}, {}
    for kpi, month, *counts, low, high in found:
        staged.groups[(kpi, month)] = Group(*counts)
        was = staged.scores.get(kpi, (low, high))
        staged.scores[kpi] = (min(was[0], low), max(was[1], high))
    staged.rows = sum(g.n for g in staged.groups.values())


_SQL_TYPES = {"date": "DATE", "score": "INTEGER"}


def _as_written(pairs: pa.Table, *, text: bool) -> bool:
    """Whether every value is its cell exactly as written (`2026-11-02`, `7`, `NPS`, `web`), so
    DuckDB's cast of the cell gives the same value (an empty text cell is stored as '')."""
    for raw, value in zip(pairs["raw"].to_pylist(), pairs["value"].to_pylist(), strict=True):
        if value is None:
            if not (text and raw == ""):
                return False
        elif (value.isoformat() if isinstance(value, date) else str(value)) != raw:
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
    columns = ", ".join(FIELDS)
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
            "WITH mine AS (SELECT kpi, month, date, score, segment, touchpoint, "
            "  coalesce(respondent, chr(0)) AS respondent, coalesce(comment, chr(0)) AS comment, "
            "  count(*) AS n FROM answers SEMI JOIN wanted USING (kpi, month) GROUP BY ALL), "
            "theirs AS (SELECT * FROM (SELECT kpi, CAST(date_trunc('month', date) AS DATE) AS month, date, "
            "  CAST(score AS INTEGER) AS score, segment, touchpoint, coalesce(respondent, chr(0)) AS respondent, "
            "  coalesce(comment, chr(0)) AS comment, count(*) AS n FROM stored GROUP BY ALL) "
            "  SEMI JOIN wanted USING (kpi, month)) "
            "SELECT DISTINCT kpi, month FROM mine FULL OUTER JOIN theirs "
            "  USING (kpi, month, date, score, segment, touchpoint, respondent, comment) "
            "WHERE mine.n IS DISTINCT FROM theirs.n"
        ).fetchall()
    finally:
        db.unregister("stored")
        db.unregister("wanted")
    return set(keys) - {(kpi, first) for kpi, first in differing}
