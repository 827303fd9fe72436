"""What a source's run says when it fails, shared by every kind's runner; and `within`, which
runs DuckDB work over event files (a recipe source, a service priority's count) with a timeout,
every failure of it said as a `SourceFailed`."""

from __future__ import annotations

import contextvars
import os
import re
import threading
from collections.abc import Callable
from typing import TypeVar

import duckdb

from kpi.domain.errors import Problem, Refused
from kpi.domain.sources import excerpt
from kpi.sources import confine

T = TypeVar("T")

MAX_ROWS = 10_000
"""More rows than this is not a KPI's months but a query that forgot to group them."""


class SourceFailed(Refused):
    """A source could not give its values; the problem says why. Nothing was written."""


def failed(key: str, **params: object) -> SourceFailed:
    """A runner's failure (`source.<key>`), as one problem."""
    return SourceFailed(Problem(f"source.{key}", "", tuple(params.items())))


DETAIL_LIMIT = 200
"""The most characters of a driver's or server's error a problem shows."""
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


_NO_FILES = re.compile(r'No files found that match the pattern "([^"]*)"')
_ECHOED_QUERY = re.compile(r"\bLINE \d+:[^\n]*(\n[ \t]*\^)?")
"""The line of the query a database echoes under its error, and the caret under it: said on one
line they only repeat the query, and a hint after them (PostgreSQL's HINT) is kept."""


def duckdb_failed(error: BaseException) -> SourceFailed:
    """DuckDB's failure over a source's files, said plainly where it is a common one: a pattern
    no file matches (an export that has not run yet, a folder named wrong) says the pattern and
    the folder a relative path is read from, not DuckDB's "IO Error: No files found …"."""
    found = _NO_FILES.search(str(error))
    if found:
        return failed("no_files", pattern=excerpt(found[1], DETAIL_LIMIT), folder=os.getcwd())
    return failed("query_failed", detail=one_line(error))


def one_line(error: BaseException) -> str:
    """A driver's error as one short line: what the database or server said, each quoted part
    (where drivers put the value that did not fit: `could not convert string '…' to DOUBLE`)
    cut to a short excerpt, so a message never carries a database's contents out whole."""
    text = _ECHOED_QUERY.sub("", str(getattr(error, "orig", None) or error))  # the query, echoed
    text = " ".join(text.split())
    text = _QUOTED.sub(lambda quoted: quoted[0][0] + excerpt(quoted[0][1:-1]) + quoted[0][-1], text)
    return excerpt(text, DETAIL_LIMIT)


def outside(folders: tuple[str, ...] | None) -> SourceFailed:
    """A source asked for a file outside the folders it may read, or for the network."""
    return failed("outside_folders", folders=", ".join(folders or ()) or "–")


def within(seconds: float, work: Callable[[], T], *, timeout: str = "timeout") -> T:
    """`work()`'s result, run on a worker thread; SourceFailed at the timeout (`source.<timeout>`),
    when the work refuses its files (their problems), reads outside the folders it may, or DuckDB
    or the file system fails (`source.query_failed`). The worker holds nothing of the store: at
    the timeout it is left to finish on its own."""
    outcome: dict[str, object] = {}

    folders = confine.FOLDERS.get() or ()  # the caller's folders, else none (default deny)
    context = contextvars.copy_context()  # a new thread starts without the caller's (time zone)

    def target() -> None:
        confine.FOLDERS.set(folders)
        try:
            outcome["result"] = work()
        except Exception as error:  # handed to the caller's thread below
            outcome["error"] = error

    worker = threading.Thread(target=context.run, args=(target,), name="event files", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise failed(timeout, seconds=seconds)
    error = outcome.get("error")
    if isinstance(error, Refused):
        raise SourceFailed(error.problems)
    if isinstance(error, BaseException) and confine.is_outside(error):
        raise outside(folders)
    if isinstance(error, ValueError | OSError | duckdb.Error):
        raise duckdb_failed(error)
    if isinstance(error, BaseException):
        raise error
    return outcome["result"]  # type: ignore[return-value]
