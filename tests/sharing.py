"""The demo store copy that `reads_only` tests share (tests/conftest.py), and the fingerprint
that proves they left it as it was made.

Its state lives here, not in conftest: pytest loads conftest as `conftest` while tests import
`tests.conftest`, two module objects that would each keep a registry of their own.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Sequence

import sqlalchemy as sa
import streamlit as st

from kpi.store import engine, schema


def rows_digest(table: str, columns: Sequence[str], duckdb: bool, where: str = "") -> sa.TextClause:
    """The rows of `table` (`columns` of them) as their number and one digest of them all, worked
    out by the database (the demo's 300,000 answers fetched into Python took seconds a time): the
    sum of a 64-bit hash of each row, which needs no order. DuckDB hashes the row's values itself
    (NULL told from an empty text); PostgreSQL takes the first 64 bits of the MD5 of the row as
    text (NULL written as nothing, an empty text as ""), summed exactly as a numeric. A missing
    row, one more, or one changed cell changes it."""
    names = ", ".join(f'"{column}"' for column in columns)
    if duckdb:
        row_hash = f"hash({names})"
    else:
        row_hash = f"CAST(CAST('x' || substr(md5(CAST(ROW({names}) AS TEXT)), 1, 16) AS bit(64)) AS bigint)"
    return sa.text(f'SELECT count(*), CAST(sum({row_hash}) AS VARCHAR) FROM "{table}"{where}')


def _digest(table: sa.Table, duckdb: bool) -> sa.TextClause:
    """A table's `rows_digest`, without the data version (which every write moves)."""
    where = " WHERE key <> 'data_version'" if table is schema.meta else ""
    return rows_digest(table.name, [column.name for column in table.columns], duckdb, where)


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
"""The process's read-only copies of the demo, by backend (and by what was added to them, for a
module's own variant): each one's URL and its fingerprint when made."""
_SHARED_USED: set[str] = set()
"""The shared copies the current module used."""


def shared_copy(
    request, backend: str, prepare: Callable[[str], object] | None = None, variant: str = ""
) -> str:
    """The process's shared copy of the demo on `backend`, made at first use. A module whose
    tests all read the demo with the same additions (people, comments) names them `variant` and
    passes `prepare`, which writes them to the fresh copy before it is fingerprinted: its
    reads_only tests then share one copy (and the app's warm caches) instead of each writing the
    additions to a private copy."""
    key = f"{backend}+{variant}" if variant else backend
    if key not in _SHARED:
        if backend == "duckdb":
            path = request.getfixturevalue("tmp_path_factory").mktemp("shared") / "store.duckdb"
            shutil.copy(request.getfixturevalue("demo_duckdb_file"), path)
            url = f"duckdb:///{path}"
        else:
            template = request.getfixturevalue("demo_pg_template")
            url = request.getfixturevalue("pg_server").create_database(
                "s_" + uuid.uuid4().hex[:12], template=template
            )
        if prepare is not None:
            prepare(url)
        _SHARED[key] = (url, fingerprint(url))
    _SHARED_USED.add(key)
    return _SHARED[key][0]


def shared_copies_changed() -> list[str]:
    """The shared copies written to since they were made (each is dropped, so the next
    `reads_only` test gets a fresh copy and the app's caches start empty)."""
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


def _why_tabs() -> tuple[str, ...]:
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "pages" / "why.py").read_text()
    return tuple(re.findall(r'\("(why\.tab_\w+)"', page))


WHY_TABS = _why_tabs()
"""Every tab of the Why page by catalogue key, in the page's order, read from the page's own list
of tabs (pages/why.py), so a test finds each tab wherever the page puts it, and a new one too."""


def why_tab(title: str) -> int:
    """The place of the tab titled by catalogue key `title` on the Why page (`WHY_TABS`)."""
    return WHY_TABS.index(title)


WHY_TAB_KEY = "why.tab"
"""The widget key of the Why page's tabs (pages/why.py): only the open tab runs and is drawn."""


def open_why_tab(at, title: str):
    """Open the Why page's tab titled by catalogue key `title` (in the language of `t` now), as a
    click on it does, and run the page: the AppTest, with that tab drawn and no other."""
    from kpi.text.i18n import t

    at.session_state[WHY_TAB_KEY] = t(title)
    return at.run()


def open_data_tab(at, title: str):
    """Open the Data page's tab titled by catalogue key `title` (in the language of `t` now), and
    its group, as clicks on them do, and run the page: the AppTest, with that tab drawn and no
    other (kpi.ui.views.data_view: only the open tab runs and is drawn)."""
    from kpi.text.i18n import t
    from kpi.ui.views import data_view

    group, tabs = next((g, tabs) for g, tabs in data_view.GROUPS if title in [name for name, _ in tabs])
    at.session_state[data_view.GROUP_KEY] = t(group)
    if len(tabs) > 1:
        at.session_state[data_view.tab_key(group)] = t(title)
    return at.run()


def open_folds(at):
    """Open every section of the page drawn that only draws its content while it is open
    (kpi.ui.widgets.folded), as clicks on them do, and run the page again, until none is closed:
    the AppTest, with all of its content drawn."""
    from kpi.ui import widgets

    for _ in range(5):  # a section opened may hold another; none does today
        closed = [
            k for k, is_open in at.session_state.items() if k.startswith(widgets.FOLD_KEY) and not is_open
        ]
        if not closed:
            return at
        for key in closed:
            at.session_state[key] = True
        at.run()
    raise AssertionError("folded sections kept appearing")
