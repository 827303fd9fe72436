"""The exact import's reading and checks, run once per distinct value of a column.

A file of a million survey answers holds a few KPI codes, a few hundred dates, eleven scores and
a handful of segments. Reading and checking each cell, as the exact importer does
(`kpi.files.tables.parse`, then `kpi.store.importing`), repeats the same work a million times;
here each distinct value of a column goes once through the very same code (`tables.read` for a
cell, the parts of `checks.answer` for the checks: `checks.ANSWER_RULES`), and DuckDB finds the
rows that hold a value with a problem. So a refused file is refused in the time an accepted one
is read, and names exactly the problems the exact importer names: the same rows, columns and
messages, in the same order (`tests/test_bulk_answers.py` compares the two on a corpus).

No rule lives here: only the bookkeeping that maps values to rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyarrow as pa

from kpi.domain import checks, validate
from kpi.domain.errors import Problem
from kpi.files import tables
from kpi.store.bulk_answers import Staged

KIND = "responses"
_UNREAD = object()
_ARROW_TYPES: dict[str, pa.DataType] = {"date": pa.date32(), "score": pa.int64()}


@dataclass(frozen=True)
class Reading:
    """A distinct raw cell as the exact importer reads it: its value, or the problem instead."""

    value: object
    problems: tuple[Problem, ...]


def _columns(staged: Staged) -> list[tables.Column]:
    return [c for c in tables.KINDS[KIND] if c.name in staged.positions]


def _decimal(staged: Staged, distinct: dict[str, list[tuple[str, int]]]) -> str:
    """The file's decimal separator, decided from its number cells as the exact importer
    decides it (`validate.decimal_of`)."""
    cells = sorted(
        (first, staged.positions[c.name], tables.cell(raw))
        for c in _columns(staged)
        if tables.is_numeric(c)
        for raw, first in distinct[c.name]
    )
    return validate.decimal_of([text for _, _, text in cells if text], staged.delimiter)


def readings(staged: Staged) -> dict[str, dict[str, Reading]]:
    """Each column's distinct raw cells, read by `tables.read` as the exact importer reads them."""
    distinct = {c.name: staged.distinct[staged.positions[c.name]] for c in _columns(staged)}
    decimal = _decimal(staged, distinct)
    out: dict[str, dict[str, Reading]] = {}
    for name, values in distinct.items():
        out[name] = {}
        for raw, _ in values:
            row, problems = tables.read(KIND, {name: tables.cell(raw)}, decimal, file_columns=True)
            # a text file's percent sign told as the exact importer tells it (`tables.parse`)
            told = tuple(tables.as_the_file_writes(p) for p in problems)
            out[name][raw] = Reading(row.get(name, _UNREAD) if not problems else _UNREAD, told)
    return out


def problems(staged: Staged, read: dict[str, dict[str, Reading]], known: checks.Known) -> list[Problem]:
    """Every problem of the file, as the exact importer reports it: each cell that cannot be
    read, then each rule of the answer's check on the cells that could, sorted by row and column."""
    found: list[tuple[int, str, tuple[int, ...], Problem]] = []
    order = {c.name: i for i, c in enumerate(tables.KINDS[KIND])}
    for name, values in read.items():
        bad = {raw: reading.problems for raw, reading in values.items() if reading.problems}
        for row, cells in _rows_holding(staged, (name,), [(raw,) for raw in bad]):
            found += [(row, p.field, (0, order[name]), p) for p in bad[cells[0]]]
    spellings = checks.spellings(known)
    for index, (names, rule) in enumerate(checks.ANSWER_RULES):
        present = tuple(n for n in names if n in staged.positions)
        bad_tuples: dict[tuple[str, ...], list[Problem]] = {}
        for raws in _tuples(staged, present, read):
            fields: dict[str, object] = {}
            unread: set[str] = set()
            for name, cell in zip(present, raws, strict=True):
                reading = read[name][cell]
                if reading.problems:
                    unread.add(name)
                else:
                    fields[name] = reading.value
            fields = checks.spelled(KIND, fields, spellings)
            said = [p for p in rule(fields, known) if p.field not in unread]
            if said:
                bad_tuples[raws] = said
        for row, raws in _rows_holding(staged, present, list(bad_tuples)):
            found += [(row, p.field, (1, index, i), p) for i, p in enumerate(bad_tuples[raws])]
    found.sort(key=lambda item: item[:3])
    return [replace(p, file=staged.file, row=row) for row, _, _, p in found]


def _tuples(
    staged: Staged, names: tuple[str, ...], read: dict[str, dict[str, Reading]]
) -> list[tuple[str, ...]]:
    """The distinct combinations of `names`' raw cells (one column's: its distinct cells)."""
    if len(names) == 1:
        return [(raw,) for raw in read[names[0]]]
    if not names:
        return [()]
    columns = ", ".join(f"c{staged.positions[n]}" for n in names)
    return [tuple(r) for r in staged.db.execute(f"SELECT DISTINCT {columns} FROM filled").fetchall()]


def _rows_holding(
    staged: Staged, names: tuple[str, ...], wanted: list[tuple[str, ...]]
) -> list[tuple[int, tuple[str, ...]]]:
    """The rows whose cells in `names` are one of `wanted`, each with those cells."""
    if not wanted:
        return []
    if not names:
        return [(row, ()) for (row,) in staged.db.execute("SELECT row FROM filled").fetchall()]
    columns = [f"c{staged.positions[n]}" for n in names]
    staged.db.register("wanted", pa.table({c: [w[i] for w in wanted] for i, c in enumerate(columns)}))
    try:
        rows = staged.db.execute(
            f"SELECT row, {', '.join(columns)} FROM filled SEMI JOIN wanted USING ({', '.join(columns)})"
        ).fetchall()
    finally:
        staged.db.unregister("wanted")
    return [(row, tuple(cells)) for row, *cells in rows]


def values(read: dict[str, dict[str, Reading]], known: checks.Known) -> dict[str, pa.Table]:
    """Each column's raw cells and their values as the store keeps them (codes spelled as the
    store spells them), for `bulk_answers.prepare`; only for a file without problems."""
    spellings = checks.spellings(known)
    out = {}
    for name, readings_of in read.items():
        raws = [raw for raw, reading in readings_of.items() if not reading.problems]  # others: empty rows
        found = [checks.spelled(KIND, {name: readings_of[raw].value}, spellings)[name] for raw in raws]
        out[name] = pa.table(
            {
                "raw": pa.array(raws, pa.string()),
                "value": pa.array(found, _ARROW_TYPES.get(name, pa.string())),
            }
        )
    return out
