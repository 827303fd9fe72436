"""Raw event files as one table DuckDB reads: the format, the glob, the columns and their values checked.

A recipe (`kpi.sources.recipes`) names the columns it needs and what each holds (a time, text,
up/down); `table` finds the files, checks every file has those columns and every value reads
as what it should be, and returns the SQL of a table of exactly those columns, typed. Paths
never enter SQL text: the file list is the prepared parameter `$files`. Every problem names the
file and column and says what to do (`Problem` keys under `recipe.` in the catalogues).

Times are the company's (kpi.sources.zone, the `KPI_TIME_ZONE` setting), and so are the months
and days they fall in. A time without an offset (`2026-11-01 00:30:00`, or a Parquet timestamp
without a zone) is the company's local time, as written. A time with one (`+01:00`, `Z`, or a
Parquet timestamp with a zone) is an instant, counted in the month and day it falls in in the
company's zone: `2026-11-01T00:30:00+01:00` is November's in Copenhagen and October's in UTC.
The time between two instants is the time that passed, across a change to or from summer time
too; between two local times as written, it is the difference of the clock readings (an hour
off across the change), so give times with offsets where that matters. A local time that does
not exist (02:30 on the morning the clocks go forward) is read an hour later. Keep one
convention per source.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import duckdb

from kpi.domain.errors import Problem, Refused
from kpi.sources import confine, zone
from kpi.sources.failing import outside

READERS = {
    ".csv": "read_csv",
    ".tsv": "read_csv",
    ".txt": "read_csv",
    ".parquet": "read_parquet",
    ".json": "read_json",
    ".jsonl": "read_json",
    ".ndjson": "read_json",
}
"""The DuckDB reader of each file ending. CSV is read as text and each column then checked, so a
bad value late in a file is named instead of failing DuckDB's guess of the column's type."""
_OPTIONS = {"read_csv": ", all_varchar = true", "read_parquet": "", "read_json": ""}


class Holds(StrEnum):
    """What a column must hold."""

    TIME = "time"
    """A date and time (YYYY-MM-DD HH:MM:SS, a date, or a typed timestamp) in every row."""
    TIME_OR_EMPTY = "time_or_empty"
    """A date and time, or nothing (a call not answered has no answer time)."""
    TEXT = "text"
    UP = "up"
    """Up or down in every row: true/false, 1/0, yes/no, t/f (or a typed boolean)."""


@dataclass(frozen=True)
class Table:
    """Files DuckDB reads as one table: `sql` selects the columns asked for, typed, and the file
    each row came from (`source_file`); bind `params` when running it."""

    files: tuple[str, ...]
    sql: str
    params: dict[str, list[str]]


def new_connection() -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB, in the company's time zone, for one recipe run; held to the
    source folders when the recipe runs for a source (kpi.sources.confine)."""
    return confine.confine(zone.counting(confine.connect()), confine.FOLDERS.get())


def shown(column: str) -> str:
    """The SQL showing a time column's value as the company's local time, `YYYY-MM-DD HH:MM:SS`
    (an instant without its offset), for a message."""
    return f"strftime({column}, '%Y-%m-%d %H:%M:%S')"


def run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any], files: Sequence[str]) -> list[Any]:
    """The rows of `sql` over event files; refused, naming the file, when one of them reads
    wrongly past DuckDB's first look (a CSV row with a column too many, JSON whose types change
    late, a Parquet file cut short)."""
    try:
        return con.execute(sql, params).fetchall()
    except duckdb.PermissionException:  # a source's files outside the folders it may read
        raise outside(confine.FOLDERS.get()) from None
    except (duckdb.IOException, duckdb.InvalidInputException, duckdb.ConversionException) as error:
        raise unreadable(error, files) from None


_FILE_SAID = re.compile(r"^\s*file = (.+?)\s*$", re.MULTILINE)
"""How DuckDB names the CSV file a row of which it could not read."""


def unreadable(error: duckdb.Error, files: Sequence[str]) -> Refused:
    """DuckDB's failure to read the files as `recipe.unreadable`, naming the file DuckDB names,
    else the only one (of several, none: the caller names them all)."""
    named = _FILE_SAID.search(str(error))
    file = named.group(1) if named else files[0] if len(files) == 1 else ""
    detail = str(error).splitlines()[0]
    return Refused(Problem("recipe.unreadable", "", (("detail", detail),), file=file))


def quoted(name: str) -> str:
    """A column name as a SQL identifier (double quotes, inner ones doubled)."""
    return '"' + name.replace('"', '""') + '"'


def matching(source: str | Path | Sequence[str | Path]) -> tuple[str, ...]:
    """The files a path, a glob (`calls/2026-*.parquet`, `**` for sub-folders) or a list of them
    names, in name order; a path or glob that names none is refused."""
    patterns = [source] if isinstance(source, str | Path) else list(source)
    found: list[str] = []
    for pattern in map(str, patterns):
        files = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else [pattern]
        files = [f for f in files if Path(f).is_file()]
        if not files:
            raise Refused(Problem("recipe.no_files", file=pattern))
        found += files
    if not found:
        raise Refused(Problem("recipe.no_files", file=""))
    return tuple(found)


def _reader(files: Sequence[str]) -> str:
    readers = {READERS.get(Path(f).suffix.lower()) for f in files}
    unknown = [f for f in files if Path(f).suffix.lower() not in READERS]
    if unknown:
        params = (("formats", ", ".join(sorted(READERS))),)
        raise Refused(Problem("recipe.unknown_format", "", params, file=unknown[0]))
    if len(readers) > 1:
        raise Refused(Problem("recipe.mixed_formats", file=files[0]))
    return str(readers.pop())


def _columns(con: duckdb.DuckDBPyConnection, reader: str, files: Sequence[str]) -> dict[str, str]:
    """Each column's name (lower case) → its DuckDB type, for the files read together."""
    sql = f"DESCRIBE SELECT * FROM {reader}($files{_OPTIONS[reader]}, union_by_name = true)"
    return {name.lower(): kind for name, kind, *_ in con.execute(sql, {"files": list(files)}).fetchall()}


def table(
    con: duckdb.DuckDBPyConnection,
    source: str | Path | Sequence[str | Path],
    needs: Mapping[str, Holds],
    parameter: str = "files",
) -> Table:
    """The table of `source`'s files with the columns `needs`, each read as what it holds; the
    file list is bound as `$parameter` (two tables in one query need two names).
    Refused, naming file and column, when a file cannot be read, lacks one of the columns, or
    holds a value that is not what its column must hold (an empty one where a value must be)."""
    files = matching(source)
    reader = _reader(files)
    for file in files:
        try:
            have = _columns(con, reader, [file])
        except duckdb.PermissionException:  # outside the folders a source may read
            raise outside(confine.FOLDERS.get()) from None
        except duckdb.Error as error:
            detail = str(error).splitlines()[0]
            raise Refused(Problem("recipe.unreadable", "", (("detail", detail),), file=file)) from None
        missing = [name for name in needs if name.lower() not in have]
        if missing:
            params = (("columns", ", ".join(missing)), ("found", ", ".join(have)))
            raise Refused(Problem("recipe.missing_columns", "", params, file=file))
    types = have if len(files) == 1 else _columns(con, reader, files)
    several = ", union_by_name = true" if len(files) > 1 else ""  # it slows even one file down
    relation = f"{reader}($files{_OPTIONS[reader]}{several}, filename = true)"
    read = {name: _typed(name, holds, types[name.lower()]) for name, holds in needs.items()}
    _check(con, files, relation, needs, read)
    select = ", ".join(f"{expr} AS {quoted(name)}" for name, (expr, _) in read.items())
    own = relation.replace("$files", f"${parameter}")
    return Table(files, f"SELECT {select}, filename AS source_file FROM {own}", {parameter: list(files)})


def _typed(name: str, holds: Holds, kind: str) -> tuple[str, bool]:
    """The SQL reading column `name` as what it holds, and whether a value may fail to read."""
    column, kind = quoted(name), kind.upper()
    if holds is Holds.TEXT:
        return (column if kind == "VARCHAR" else f"CAST({column} AS VARCHAR)"), False
    if holds is Holds.UP:
        return (column, False) if kind == "BOOLEAN" else (f"TRY_CAST({column} AS BOOLEAN)", True)
    if kind in ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE"):  # as it is, so DuckDB can skip the
        return column, False  # parts of a file outside a month: local time, or an instant
    if kind.startswith(("TIMESTAMP", "DATE")):  # other precisions, and dates: local times
        return f"CAST({column} AS TIMESTAMP)", False
    # text: an instant, with its offset, or else in the company's zone (the connection's)
    return f"TRY_CAST(CAST({column} AS VARCHAR) AS TIMESTAMPTZ)", True


def _check(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[str],
    relation: str,
    needs: Mapping[str, Holds],
    read: Mapping[str, tuple[str, bool]],
) -> None:
    """One scan counting, per column, the values that do not read as what it must hold (and the
    empty ones where a value must be); refused with the first such value, naming its file."""
    tests: list[tuple[str, str, str]] = []  # (column, problem key, condition)
    counted = _parquet_nulls(con, files) if relation.startswith("read_parquet") else {}
    for name, (expr, may_fail) in read.items():
        raw, text = quoted(name), f"trim(CAST({quoted(name)} AS VARCHAR))"
        if needs[name] in (Holds.TIME, Holds.UP) and not may_fail and name.lower() in counted:
            if counted[name.lower()]:
                params = (("column", name), ("value", ""))
                raise Refused(Problem("recipe.empty", name, params, file=counted[name.lower()]))
        elif needs[name] in (Holds.TIME, Holds.UP):
            empty = f"{raw} IS NULL OR {text} = ''" if may_fail else f"{raw} IS NULL"
            tests.append((name, "recipe.empty", empty))
        if may_fail:
            key = "recipe.not_up_down" if needs[name] is Holds.UP else "recipe.not_a_time"
            tests.append((name, key, f"{raw} IS NOT NULL AND {text} <> '' AND {expr} IS NULL"))
    if not tests:
        return
    bound = {"files": list(files)}
    counts = ", ".join(f"count(*) FILTER (WHERE {condition})" for _, _, condition in tests)
    (found,) = run(con, f"SELECT {counts} FROM {relation.replace(', filename = true', '')}", bound, files)
    for (name, key, condition), count in zip(tests, found or (), strict=True):
        if count:  # only now read which file holds it: the file name costs a string per row
            sql = (
                f"SELECT filename, CAST({quoted(name)} AS VARCHAR) FROM {relation} WHERE {condition} LIMIT 1"
            )
            file, value = run(con, sql, bound, files)[0]
            raise Refused(Problem(key, name, (("column", name), ("value", value or "")), file=file))


def _parquet_nulls(con: duckdb.DuckDBPyConnection, files: Sequence[str]) -> dict[str, str]:
    """Each column (lower case) whose null count every Parquet file keeps → the first file with a
    null in it ('' for none): read from the files' metadata instead of a scan of the column."""
    sql = """SELECT lower(path_in_schema), bool_and(stats_null_count IS NOT NULL),
                    min(file_name) FILTER (WHERE stats_null_count > 0)
             FROM parquet_metadata($files) GROUP BY 1"""
    rows = run(con, sql, {"files": list(files)}, files)
    return {name: first or "" for name, kept, first in rows if kept}
