"""A query's rows through a DB-API cursor, as column name (lower case) → value, at most one more
than `MAX_ROWS` so a query that forgot to group its months is refused without being read whole."""

from __future__ import annotations

from typing import Any

from kpi.sources.failing import MAX_ROWS


def rows(cursor: Any, query: str) -> list[dict[str, object]]:
    cursor.execute(query)
    names = [str(column[0]).lower() for column in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchmany(MAX_ROWS + 1)]
