"""The demo store copy that `reads_only` tests share (tests/conftest.py), and the fingerprint
that proves they left it as it was made.

Its state lives here, not in conftest: pytest loads conftest as `conftest` while tests import
`tests.conftest`, two module objects that would each keep a registry of their own.
"""

from __future__ import annotations

import shutil
import uuid

import sqlalchemy as sa
import streamlit as st

from kpi.store import engine, schema


def _digest(table: sa.Table, duckdb: bool) -> sa.TextClause:
    """A table's rows as their number and one digest of them all, worked out by the database
    (the demo's 200,000 answers fetched into Python took seconds a time). DuckDB sums its own
    hash of each row; PostgreSQL joins the rows in key order, each value written with its
    length first and NULL apart from the text 'null', and takes the MD5 of that."""
    names = [f'"{column.name}"' for column in table.columns]
    where = " WHERE key <> 'data_version'" if table is schema.meta else ""
    if duckdb:
        return sa.text(
            f'SELECT count(*), CAST(sum(hash({", ".join(names)})) AS VARCHAR) FROM "{table.name}"{where}'
        )
    line = " || ':' || ".join(
        f"CASE WHEN {name} IS NULL THEN 'null' ELSE length(CAST({name} AS VARCHAR)) || ' ' || CAST({name} AS VARCHAR) END"
        for name in names
    )
    keys = ", ".join(f'"{column.name}"' for column in table.primary_key.columns) or ", ".join(names)
    return sa.text(
        f"SELECT count(*), md5(string_agg({line}, '|' ORDER BY {keys})) FROM \"{table.name}\"{where}"
    )


def fingerprint(url: str) -> dict[str, tuple[object, ...]]:
    """Every table's rows as (number, digest): equal fingerprints mean an unchanged store. The
    data version (`meta.data_version`) is left out: it counts the writes that changed rows
    (kpi.store.data_version), not what they hold, and the tests that use this compare content."""
    duckdb = engine.is_duckdb(url)
    with engine.reading(engine.create(url)) as conn:
        return {
            table.name: tuple(conn.execute(_digest(table, duckdb)).one())
            for table in schema.metadata.sorted_tables
        }


_SHARED: dict[str, tuple[str, dict[str, tuple[object, ...]]]] = {}
"""The process's read-only copy of the demo per backend: its URL and its fingerprint when made."""
_SHARED_USED: set[str] = set()
"""The backends whose shared copy the current module used."""


def shared_copy(request, backend: str) -> str:
    """The process's shared copy of the demo on `backend`, made at first use."""
    if backend not in _SHARED:
        if backend == "duckdb":
            path = request.getfixturevalue("tmp_path_factory").mktemp("shared") / "store.duckdb"
            shutil.copy(request.getfixturevalue("demo_duckdb_file"), path)
            url = f"duckdb:///{path}"
        else:
            template = request.getfixturevalue("demo_pg_template")
            url = request.getfixturevalue("pg_server").create_database(
                "s_" + uuid.uuid4().hex[:12], template=template
            )
        _SHARED[backend] = (url, fingerprint(url))
    _SHARED_USED.add(backend)
    return _SHARED[backend][0]


def shared_copies_changed() -> list[str]:
    """The backends whose shared copy was written to since it was made (each is dropped, so the
    next `reads_only` test gets a fresh copy and the app's caches start empty)."""
    changed = [
        b for b in sorted(_SHARED_USED & _SHARED.keys()) if fingerprint(_SHARED[b][0]) != _SHARED[b][1]
    ]
    for backend in changed:
        del _SHARED[backend]
    if changed:
        st.cache_data.clear()
        st.cache_resource.clear()
    _SHARED_USED.clear()
    return changed


def why_tab(title: str) -> int:
    """The place of the tab titled by catalogue key `title` on the Why page, read from the page's
    own list of tabs (pages/why.py), so a test finds its tab wherever the page puts it."""
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "pages" / "why.py").read_text()
    return re.findall(r'\("(why\.tab_\w+)"', page).index(title)


WHY_TABS = ("why.tab_segments", "why.tab_drivers", "why.tab_words")
"""Every tab of the Why page by catalogue key (`why_tab` finds each one's place)."""
WHY_TAB_KEY = "why.tab"
"""The widget key of the Why page's tabs (pages/why.py): only the open tab runs and is drawn."""


def open_why_tab(at, title: str):
    """Open the Why page's tab titled by catalogue key `title` (in the language of `t` now), as a
    click on it does, and run the page: the AppTest, with that tab drawn and no other."""
    from kpi.text.i18n import t

    at.session_state[WHY_TAB_KEY] = t(title)
    return at.run()
