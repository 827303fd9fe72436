"""Creating and upgrading a store, without ever dropping data.

`ensure` is idempotent: on an empty database it creates every table and records the schema
version; on an older store it runs the migration steps in order inside one transaction; on a
store written by a newer release it refuses rather than guess.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi.domain.errors import Problem, Unavailable
from kpi.store import data_version, schema
from kpi.store import engine as store_engine


class SchemaTooNew(Unavailable):
    """The store was written by a newer release of CX Cockpit."""


def version(conn: sa.Connection) -> int | None:
    """The schema version recorded in the store, or None for an empty database."""
    if not sa.inspect(conn).has_table("meta"):
        return None
    found = conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")).scalar()
    if found is None:
        return None
    try:
        return int(found)
    except ValueError:  # not ours to guess at: a store whose version is garbage is not upgraded
        raise Unavailable(Problem("store.bad_version", "", (("value", str(found)[:40]),))) from None


def ensure(engine: Engine) -> int:
    """Create or upgrade the schema; returns the version the store is at afterwards."""
    with store_engine.writing(engine, bump=False) as conn:  # an app's start alone changes no data
        current = version(conn)
        if current is not None and current > schema.SCHEMA_VERSION:
            raise SchemaTooNew(
                Problem("store.too_new", "", (("at", current), ("known", schema.SCHEMA_VERSION)))
            )
        schema.metadata.create_all(conn, checkfirst=True)
        for step in range((current or schema.SCHEMA_VERSION) + 1, schema.SCHEMA_VERSION + 1):
            for statement in schema.MIGRATIONS[step]:
                if isinstance(statement, tuple):
                    dialect, statement = statement
                    if dialect != conn.dialect.name:
                        continue
                if isinstance(statement, sa.TextClause):
                    conn.execute(statement)
                else:
                    conn.exec_driver_sql(statement)
        _set_meta(conn, "schema_version", str(schema.SCHEMA_VERSION))
        data_version.ensure_row(conn)
        if current != schema.SCHEMA_VERSION:  # made or upgraded: what was read before is gone
            data_version.bump(conn)
    return schema.SCHEMA_VERSION


def _set_meta(conn: sa.Connection, key: str, value: str) -> None:
    table = schema.meta
    exists = conn.execute(sa.select(table.c.value).where(table.c.key == key)).first()
    if exists is None:
        conn.execute(table.insert().values(key=key, value=value))
    elif exists.value != value:
        conn.execute(table.update().where(table.c.key == key).values(value=value))


def get_meta(conn: sa.Connection, key: str) -> str | None:
    table = schema.meta
    return conn.execute(sa.select(table.c.value).where(table.c.key == key)).scalar()


set_meta = _set_meta
