"""The store's data version: one number that every write that changes a row raises in its own
transaction.

`engine.writing` calls `bump` as the last statement of every write transaction (imports, forms,
pulls, closing and reopening, the calendar, deliveries, the demo) that changed a row, so no
writer can forget it, and a write that fails or is rolled back (a rehearsal) leaves it as it
was. What changed is counted by the database itself: the rows each INSERT, UPDATE or DELETE of
the transaction reports (`engine._count_changed_rows`), plus the rows written past SQLAlchemy
(`engine.rows_changed`, the bulk inserts). A write that changed nothing (the nightly pull of
values the store already holds, a file imported twice, a form saved as it was) leaves the
number, so every cache still holds: the audited `Writer` compares before it writes and writes
neither an unchanged value nor its audit row, and no table is left out of the count (the
audit log only grows with a change, and nothing of a pull that changed nothing is stored). A
statement that rewrites a row with the values it had still counts (the database says it
matched a row): a needless recompute, never a stale page.

The app keys every cached read by the number (kpi.ui.data): a run reads it once, and what was
cached under the same number is still true. It lives in `meta` (key `data_version`), so it
needs no schema step.

On PostgreSQL the UPDATE of the one row also orders concurrent writers: the second waits for
the first to commit and then raises the number the first left, so the numbers follow the order
of the commits and a reader that sees a number sees every write up to it. DuckDB refuses two
transactions of one process that change the same row ("Conflict on update"), so
`engine.writing` lets one write of a process at a time into a DuckDB file (a second process
cannot write at the same time anyway).

A read opens a DuckDB file, which costs tens of milliseconds; `Watch` spares that on a file that
has not changed since its number was read (see there).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi.store import schema

KEY = "data_version"


def read(conn: sa.Connection) -> int:
    """The store's data version (0 for a store that was never written since it was made)."""
    table = schema.meta
    found = conn.execute(sa.select(table.c.value).where(table.c.key == KEY)).scalar()
    return int(found) if found is not None else 0


def bump(conn: sa.Connection) -> None:
    """Raise the data version by one, inside the caller's transaction."""
    table = schema.meta
    raised = sa.cast(sa.cast(table.c.value, sa.BigInteger) + 1, sa.String)
    if conn.execute(table.update().where(table.c.key == KEY).values(value=raised)).rowcount == 0:
        conn.execute(table.insert().values(key=KEY, value="1"))


def ensure_row(conn: sa.Connection) -> None:
    """Make the row (at 0) if the store has none, so a bump is one UPDATE (setup.ensure)."""
    table = schema.meta
    if conn.execute(sa.select(table.c.value).where(table.c.key == KEY)).first() is None:
        conn.execute(table.insert().values(key=KEY, value="0"))


SETTLED_S = 1.0
"""How long a DuckDB file must have been left alone before its look can stand for its number:
far longer than the steps of the file system's clock, so a later write always changes the look."""


class Watch:
    """Remembers a DuckDB file's look (size, time of change, inode of the file and its
    write-ahead log) with the data version read from it. A write (any process's) changes the
    look, so while the look is the same the number is. A look younger than `SETTLED_S` is not
    trusted: a write within the same tick of the clock might leave it as it was."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[str, tuple[tuple, int]] = {}

    @staticmethod
    def look(database: str) -> tuple | None:
        """The file's look, or None when it cannot stand for the number (too young, missing)."""
        now = time.time_ns()
        parts: list[tuple[int, int, int] | None] = []
        for path in (Path(database), Path(f"{database}.wal")):
            try:
                found = os.stat(path)
            except OSError:
                parts.append(None)
                continue
            if now - found.st_mtime_ns < SETTLED_S * 1e9:
                return None
            parts.append((found.st_mtime_ns, found.st_size, found.st_ino))
        return tuple(parts) if parts[0] is not None else None

    def known(self, database: str, look: tuple | None) -> int | None:
        """The number read when the file looked like `look`, if it still does."""
        if look is None:
            return None
        with self._lock:
            seen = self._known.get(database)
        return seen[1] if seen is not None and seen[0] == look else None

    def remember(self, database: str, look: tuple | None, version: int) -> None:
        """`version` was read after the file was seen to look like `look`."""
        with self._lock:
            if look is None:
                self._known.pop(database, None)
            else:
                self._known[database] = (look, version)


_WATCH = Watch()


def current(store: Engine) -> int:
    """The store's data version now: one cheap read (on a DuckDB file left alone since its
    number was last read here, not even that)."""
    from kpi.store import engine as store_engine  # it calls `bump` in every write: imported by then

    database = store.url.database if store_engine.is_duckdb(store) else None
    watched = database not in (None, "", ":memory:")
    look = Watch.look(database) if watched and database else None
    if database and watched:
        known = _WATCH.known(database, look)
        if known is not None:
            return known
    with store_engine.reading(store) as conn:
        version = read(conn)
    if database and watched:
        _WATCH.remember(database, look, version)
    return version
