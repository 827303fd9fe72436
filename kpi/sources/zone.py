"""The company's time zone, in which sources count months and days.

A company in Copenhagen has its months in Copenhagen: a call offered at 00:30 there on
1 November is November's, though it is still 31 October in UTC. The zone is the `KPI_TIME_ZONE`
setting (kpi.settings, its one home); the caller that runs sources (kpi.store.pulling) sets
`ZONE` from it for the sources it runs, as it sets the folders they may read
(kpi.sources.confine). Recipes called from code (their tests, the bench) count in UTC unless
they run `within` another zone. The name is a checked IANA name (the setting refuses others).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from zoneinfo import ZoneInfo

import duckdb

from kpi.domain import months

ZONE: ContextVar[str] = ContextVar("time_zone", default="UTC")
"""The IANA name of the zone the source running in this context counts months and days in."""


@contextmanager
def within(name: str) -> Iterator[None]:
    """Run sources in the zone `name` until the block ends."""
    token = ZONE.set(name)
    try:
        yield
    finally:
        ZONE.reset(token)


def counting(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """`con` counting times in the zone: text without an offset read as its local time, and
    months and days cut at its midnights. Before `confine`, which locks the configuration."""
    name = ZONE.get().replace("'", "''")  # SET takes no bound parameter
    con.execute(f"SET TimeZone = '{name}'")
    return con


def month_seconds(month: date) -> tuple[int, int]:
    """The first and the last second of `month` in the zone, as Unix times (a month in
    Copenhagen starts an hour or two before the same month in UTC)."""
    here = ZoneInfo(ZONE.get())
    first = datetime(month.year, month.month, 1, tzinfo=here)
    after = months.add(months.first_of(month), 1)
    return int(first.timestamp()), int(datetime(after.year, after.month, 1, tzinfo=here).timestamp()) - 1
