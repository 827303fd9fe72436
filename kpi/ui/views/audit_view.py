"""The audit log: who changed what, when, from what to what; filterable and downloadable."""

from __future__ import annotations

import functools
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from kpi.store import schema
from kpi.text import fmt, words
from kpi.text.i18n import t
from kpi.ui import data
from kpi.ui.frame import Context

SHOWN_ROWS = 500
TABLES = [table.name for table in schema.metadata.sorted_tables if table.name not in ("audit", "meta")]
KEYS = {
    table.name: frozenset(c.name for c in table.primary_key.columns)
    for table in schema.metadata.sorted_tables
}
"""Each table's key columns: an audit row's key names them, so its change leaves them out."""


def log(ctx: Context, people: dict) -> None:
    names = {email: person.name for email, person in people.items()}

    def named(who: str) -> str:
        """A writer by name, as people know them; the command line's operator in words (`words.who`),
        the sources' as written."""
        return words.who(names, who)

    left, middle, right, search = st.columns(4)
    tables = left.multiselect(
        t("audit.tables"),
        TABLES,
        key="data.audit.tables",
        format_func=lambda name: t(f"audit.table_{name}"),
        placeholder=t("audit.all_tables"),
    )
    who = middle.selectbox(
        t("audit.who"),
        ["", "demo", *people],
        key="data.audit.who",
        format_func=lambda e: named(e) or t("audit.anyone"),
    )
    period = right.date_input(
        t("audit.period"),
        value=(date.today() - timedelta(days=90), date.today()),
        key="data.audit.period",
        format=fmt.date_pattern(),
    )
    key = search.text_input(t("audit.key"), key="data.audit.key", placeholder=t("audit.key_placeholder"))
    first, last = (period[0], period[-1]) if isinstance(period, tuple) and period else (None, None)
    filters = (tuple(tables), who or None, first, last, key or None)
    rows, total = data.audit(ctx.url, *filters, SHOWN_ROWS)
    st.caption(t("audit.count", count=total, number=fmt.number(total), shown=fmt.number(len(rows))))
    shown = pd.DataFrame(rows, columns=["at", "who", "table_name", "key", "before", "after"])
    origins = [
        words.audit_origin(name, after)
        for name, after in zip(shown["table_name"], shown["after"], strict=True)
    ]
    # what changed in a line, read in place of the before and after (JSON, wider than the page;
    # the download holds them whole); plain text in a table, never Markdown
    changes = [
        words.audit_change(before, after, KEYS.get(name, ()))
        for name, before, after in zip(shown["table_name"], shown["before"], shown["after"], strict=True)
    ]
    shown = shown.drop(columns=["before", "after"])
    shown["who"] = [named(who) for who in shown["who"]]  # as the filter above (an address was cut)
    shown.insert(4, "change", changes)
    shown.insert(5, "origin", origins)
    shown["table_name"] = [t(f"audit.table_{name}") for name in shown["table_name"]]
    shown = shown.rename(columns={c: t(f"audit.col_{c}") for c in shown.columns})
    when = t("audit.col_at")  # a time, so that sorting by it sorts by time (the rows come newest first)
    at = st.column_config.DatetimeColumn(when, format=f"{fmt.date_pattern()} HH:mm")
    st.dataframe(shown, hide_index=True, width="stretch", height=420, column_config={when: at})
    st.download_button(
        t("audit.download"),
        functools.partial(data.audit_csv, ctx.url, *filters),
        file_name="cx-cockpit-audit.csv",
        mime="text/csv",
        icon=":material/download:",
        key="data.audit.download",
    )
