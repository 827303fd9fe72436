"""A KPI's values from files: one SELECT that DuckDB runs over CSV, Parquet or JSON files.

The query names its files itself, with globs if it likes (`read_parquet('exports/*.parquet')`,
relative paths from where the command runs). It runs in a DuckDB database of its own, in
memory, that holds nothing else, never in the store, in the company's time zone (a query's
`date_trunc('month', …)` of a time with an offset cuts at the company's midnight); a timer
interrupts it at the timeout. It may read the folders its caller allows only
(`kpi.sources.confine.FOLDERS`; a pull sets the `KPI_SOURCE_FOLDERS` setting's), and none when
its caller allows none.
"""

from __future__ import annotations

import threading
from datetime import date

import duckdb

from kpi.domain.sources import Source
from kpi.sources import confine, cursor, zone
from kpi.sources.failing import duckdb_failed, failed, outside


def run(source: Source, month: date, secret: str | None) -> list[dict[str, object]]:
    """Every row the query returns (it may return other months than `month`)."""
    interrupted = threading.Event()
    folders = confine.FOLDERS.get() or ()  # none set: no folder at all (default deny)
    connection = confine.confine(zone.counting(confine.connect()), folders)

    def interrupt() -> None:
        interrupted.set()
        connection.interrupt()

    timer = threading.Timer(source.timeout, interrupt)
    try:
        timer.start()
        return cursor.rows(connection, source.query)
    except duckdb.Error as error:
        if interrupted.is_set():
            raise failed("timeout", seconds=source.timeout) from None
        if confine.is_outside(error):
            raise outside(folders) from None
        raise duckdb_failed(error) from None
    finally:
        timer.cancel()
        connection.close()
