"""The folders a files or recipe source may read, and nothing else.

A source's query or files are typed by an administrator, and DuckDB reads whatever a query
names: `read_text('.streamlit/secrets.toml')` would hand the connections' passwords to the
error that shows a bad value, and `read_csv('http://…')` would ask another server. So the
DuckDB a source runs in may read files in the folders of the `KPI_SOURCE_FOLDERS` setting only
(relative ones from the folder the command or app runs in), may not reach the network, may not
load extensions, and cannot change any of that (its configuration is locked).

The caller that runs sources (kpi.store.pulling) sets `FOLDERS` from the setting; a files
source or a source's recipe run without it may read no file at all (default deny). Recipes
called from code (the tests of the recipes, the bench) are not a source and run unconfined.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextvars import ContextVar

import duckdb

FOLDERS: ContextVar[tuple[str, ...] | None] = ContextVar("source_folders", default=None)
"""The folders the recipe running on this thread may read (None: a call from code, unconfined)."""

MEMORY_LIMIT = "1GiB"
"""The most memory the DuckDB of one source or recipe run may hold (by default DuckDB takes up to
80 % of the machine's): a pull runs in the app's process too, which must keep room for the people
using it. Past it DuckDB spills to a temporary file or fails, and the pull is refused, saying so."""
THREADS = min(4, os.cpu_count() or 1)
"""The threads the DuckDB of one source or recipe run may use (by default DuckDB takes every
core): four at most, and no more than the machine has."""

CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "memory_limit": MEMORY_LIMIT,
    "threads": THREADS,
}
"""How every DuckDB a source or recipe runs in starts (files sources, recipe sources, a service
priority's count over call records, the recipes called from code): the one home of its limits."""


def connect() -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB that loads no extension by itself, held to `MEMORY_LIMIT` and
    `THREADS`."""
    return duckdb.connect(":memory:", config=CONFIG)


def confine(con: duckdb.DuckDBPyConnection, folders: Sequence[str] | None) -> duckdb.DuckDBPyConnection:
    """`con` held to reading files in `folders` (nothing else, no network), locked; with None,
    as it is. Call it last: a locked configuration takes no further SET (a time zone first)."""
    if folders is None:
        return con
    listed = ", ".join("'" + _folder(f).replace("'", "''") + "'" for f in folders)
    con.execute(f"SET allowed_directories = [{listed}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _folder(folder: str) -> str:
    """A folder as DuckDB's allowed directory (a trailing slash: `data` would also allow `data2`)."""
    return folder if folder.endswith("/") else folder + "/"


def is_outside(error: BaseException) -> bool:
    """Whether DuckDB refused a file or URL outside the allowed folders."""
    return isinstance(error, duckdb.PermissionException)
