"""A KPI's values from an external database: one SELECT against the URL its connection names.

The URL comes from the connection's secret (kpi.settings.source_connection), never from the
store. The query runs read-only wherever the database allows saying so: PostgreSQL inside
`SET TRANSACTION READ ONLY` with `statement_timeout`, a DuckDB file opened read-only, SQLite
with `query_only`. Every database also gets a timer that cancels the query at the timeout
through the driver's own `cancel` or `interrupt`. The engine lives for one run (no pool), so a
pull holds no connection after it.
"""

from __future__ import annotations

import math
import threading
from datetime import date

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from kpi.domain.sources import Source
from kpi.sources import cursor
from kpi.sources.failing import failed, one_line

_TIMEOUT_STATE = "57014"
"""PostgreSQL's SQLSTATE for a statement cancelled (by `statement_timeout` or a cancel)."""


def run(source: Source, month: date, secret: str | None) -> list[dict[str, object]]:
    """Every row the query returns (it may return other months than `month`)."""
    try:
        url = sa.engine.make_url(secret or "")
        store = sa.create_engine(url, poolclass=NullPool, connect_args=_connect_args(url, source.timeout))
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError):
        raise failed("bad_connection_url", name=source.connection) from None
    driver_error = getattr(store.dialect.dbapi, "Error", sa.exc.DBAPIError)
    cancelled = threading.Event()
    try:
        with store.connect() as conn:
            _read_only(conn, source.timeout)
            raw = conn.connection.dbapi_connection
            timer = threading.Timer(source.timeout, _cancel, (raw, cancelled))
            timer.start()
            try:
                return cursor.rows(raw.cursor(), source.query)  # type: ignore[union-attr]
            finally:
                timer.cancel()
                conn.rollback()
    except (sa.exc.SQLAlchemyError, driver_error) as error:
        if cancelled.is_set() or getattr(getattr(error, "orig", error), "sqlstate", "") == _TIMEOUT_STATE:
            raise failed("timeout", seconds=source.timeout) from None
        raise failed("query_failed", detail=one_line(error)) from None
    finally:
        store.dispose()


def _connect_args(url: sa.URL, timeout: float) -> dict[str, object]:
    backend = url.get_backend_name()
    if backend == "postgresql":
        return {"connect_timeout": max(2, math.ceil(timeout))}
    if backend == "duckdb":
        return {"read_only": True}
    return {}


def _read_only(conn: sa.Connection, timeout: float) -> None:
    """Say to the database that this transaction only reads, where it can be said."""
    backend = conn.dialect.name
    if backend == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = {math.ceil(timeout * 1000)}")
    elif backend == "sqlite":
        conn.exec_driver_sql("PRAGMA query_only = ON")


def _cancel(raw: object, cancelled: threading.Event) -> None:
    """Stop the running query from the timer's thread, with what the driver offers."""
    stop = (
        getattr(raw, "cancel_safe", None) or getattr(raw, "cancel", None) or getattr(raw, "interrupt", None)
    )
    if stop is not None:
        cancelled.set()
        stop()
