"""One SELECT only, checked before a source's SQL runs.

DuckDB's own parser (`duckdb.extract_statements`) splits the text into statements and says each
one's type, without running anything: a query is accepted when it is exactly one statement of
type SELECT that also begins like one (`PRAGMA version` parses as a SELECT too). Queries for
PostgreSQL are read by the same parser, which reads PostgreSQL's syntax; what it cannot read is
refused, with its words, and what it lets through still runs inside a read-only transaction
(kpi.sources.sql): the check says "no" early and clearly, the database has the last word.
"""

from __future__ import annotations

import re

import duckdb

from kpi.domain.errors import Problem

_LEADING = re.compile(r"\A(\s+|--[^\n]*(\n|\Z)|/\*.*?\*/|\()*", re.DOTALL)
_OPENINGS = ("select", "with", "from", "values")


def problem(query: str) -> Problem | None:
    """What is wrong with `query` as a source's one SELECT, if anything."""
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as error:
        detail = " ".join(str(error).split())[:200]
        return Problem("source.unreadable_sql", "query", (("detail", detail),))
    if len(statements) != 1:
        return Problem("source.not_one_select", "query", (("statements", len(statements)),))
    first = _LEADING.sub("", query, count=1).split(None, 1)
    opening = first[0].lower() if first else ""
    if statements[0].type != duckdb.StatementType.SELECT or not opening.startswith(_OPENINGS):
        is_select = statements[0].type == duckdb.StatementType.SELECT
        kind = opening.upper() if is_select else str(statements[0].type).rsplit(".", 1)[-1]
        return Problem("source.not_select", "query", (("kind", kind),))
    return None
