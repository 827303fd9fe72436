"""The Data page's Import tab: upload → preview → problems, or what will change → confirm.

The preview runs the whole import and rolls it back, so its counts of new, replaced and
unchanged rows are exactly what the confirmed import will do. Downloads give the current data
in the same formats, built only when clicked.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Sequence

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from kpi.domain import months
from kpi.domain.errors import CockpitError
from kpi.files.tables import KINDS, ImportRejected, guess_kind, read_table, required
from kpi.store import importing
from kpi.text import phrases, plain, terms, words
from kpi.text.i18n import t
from kpi.ui import data, firstrun, notices, widgets
from kpi.ui.frame import Context
from kpi.ui.views import send_view

KIND_ORDER = tuple(KINDS)
"""In the order a company's data goes in."""
PREVIEW_ROWS = 20


def _run(
    ctx: Context,
    kind: str,
    content: bytes,
    name: str,
    *,
    dry_run: bool,
    guess: str | None = None,
    confirm_future: bool = False,
) -> importing.Summary | None:
    reading = t("imports.reading", file=plain.markdown(name))
    bar = st.progress(0.0, text=reading)

    def progress(share: float) -> None:
        bar.progress(min(share, 1.0), text=reading)

    try:
        return importing.run(
            data.store(),
            kind,
            content,
            name,
            ctx.viewer,
            dry_run=dry_run,
            progress=progress,
            confirm_future=confirm_future,
        )
    except ImportRejected as rejected:
        _problems(rejected, guess if guess != kind else None)
    except CockpitError as refusal:
        notices.show(refusal)
    finally:
        bar.empty()
    return None


LISTED = 30
"""How many of a refused file's problems are written out at first, each wrapping as long as its
message needs; *Show more* writes out the next as many (a table of the rest cut every message
at its column's edge, the way to a fix with it, and on a phone most of each)."""


def _problems(rejected: ImportRejected, guess: str | None = None) -> None:
    groups = words.grouped(rejected.problems)
    if guess:  # the first fix is the kind chosen, not the file: its problems are folded
        kind = t(f"imports.kind_{guess}")
        st.error(t("imports.wrong_kind", kind=kind), icon=":material/block:")
        where: DeltaGenerator = st.expander(t("imports.problems_anyway", count=len(groups)))
    else:
        st.error(t("imports.rejected", count=len(groups)), icon=":material/block:")
        where = st.container()
    said = zlib.crc32("\n".join(words.message(g.problem) for g in groups).encode())  # this file's
    with where:
        widgets.paged(f"imports.problems.{said}", groups, _listed, page=LISTED)


def _listed(groups: Sequence[words.Grouped]) -> None:
    st.markdown("\n".join(f"- {_where(g)}{plain.markdown(words.message(g.problem))}" for g in groups))


def _where(group: words.Grouped) -> str:
    """`**Rows 2–4, column unit:** ` before a problem's message (Markdown, the column as the
    file heads it, escaped); nothing for one about the whole file."""
    found = group.problem
    if not found.row:
        return ""
    rows = words.rows_text(group.rows)
    if found.field:
        said = t("imports.at_cell", count=len(group.rows), rows=rows, column=plain.markdown(found.field))
    else:
        said = t("imports.at_row", count=len(group.rows), rows=rows)
    return f"**{said}:** "


def preview_columns(header: list[str]) -> list[str]:
    """The preview's column names: each as the file has it, an empty one "–", and one the file
    names again numbered (`value (2)`): a table needs them unique, and the import below says what
    is wrong with the header (a duplicate or empty header made the page fail)."""
    names: list[str] = []
    for raw in header:
        name, count = raw or "–", 1
        while name in names:
            count += 1
            name = f"{raw or '–'} ({count})"
        names.append(name)
    return names


def _preview(content: bytes, name: str) -> str | None:
    """Show the file's first rows; returns the kind its header looks like."""
    try:
        header, body, *_ = read_table(content, name)
    except ImportRejected:
        return None  # the import below says why
    frame = pd.DataFrame(
        [row[: len(header)] + [""] * (len(header) - len(row)) for row in body[:PREVIEW_ROWS]],
        columns=preview_columns(header),
    )
    st.caption(t("imports.preview", shown=min(len(body), PREVIEW_ROWS), count=len(body)))
    st.dataframe(frame, hide_index=True, width="stretch")
    return guess_kind(header)


CONFIRM = "data.import.confirm"
"""Key of the import's button. The run its click starts imports and says what it did, without
the preview, the "ready to import" and the button again above it: they invited a second click
(a day-one trial)."""


IMPORTED = "data.import.imported"
"""Session key of the upload last imported (its file id): while it stays in the box, a later run
(another tick, a tab) says it is in, not "ready to import" with the button again."""


def panel(ctx: Context) -> None:
    kind = st.selectbox(
        t("imports.kind"),
        KIND_ORDER,
        key="data.import.kind",
        format_func=lambda k: t(f"imports.kind_{k}"),
    )
    text, button = st.columns([4, 1], vertical_alignment="center")
    needed = required(kind)  # in bold, as the template heads them: what a new record needs
    named = [terms.column_named(kind, c.name) for c in KINDS[kind]]
    shown = [f"**{name}**" if c.name in needed else name for c, name in zip(KINDS[kind], named, strict=True)]
    text.caption(t("imports.columns", columns=", ".join(shown)))
    firstrun.template_button(button, kind, f"data.import.template.{kind}")
    upload = widgets.file_uploader(
        t("imports.file"), ["csv", "txt", "xlsx"], f"data.import.file.{kind}", tip=t("imports.file_help")
    )
    far = st.checkbox(t("imports.confirm_future"), key="data.import.confirm_future")
    if upload is not None and st.session_state.get(CONFIRM):  # the click: what it did, and only that
        done = _run(ctx, kind, upload.getvalue(), upload.name, dry_run=False, confirm_future=far)
        if done is not None:
            data.changed()
            st.session_state[IMPORTED] = upload.file_id
            st.success(t("imports.done", summary=done.text()), icon=":material/check_circle:")
            send_view.after_write(ctx, months.last_complete(ctx.today))
    elif upload is not None and st.session_state.get(IMPORTED) == upload.file_id:
        st.caption(t("imports.imported_already", file=plain.markdown(upload.name)))
    elif upload is not None:
        content = upload.getvalue()
        guess = _preview(content, upload.name)
        summary = _run(ctx, kind, content, upload.name, dry_run=True, guess=guess, confirm_future=far)
        if summary is not None:
            st.info(t("imports.would", summary=summary.text()), icon=":material/preview:")
            if summary.unusual:  # a slip in the file is found before it is imported
                st.warning(plain.markdown(phrases.to_check(summary.unusual)), icon=":material/troubleshoot:")
            if summary.doubts:  # read as written, and maybe not meant so: a decimal comma cut off
                said = "\n\n".join(plain.markdown(doubt) for doubt in summary.doubted())
                st.warning(said, icon=":material/troubleshoot:")
            if summary.moved:  # said before it is imported, as a correction's question says it
                st.warning(
                    plain.markdown(phrases.targets_moved_by_file(summary.moved)),
                    icon=":material/track_changes:",
                )
            st.button(t("imports.confirm", file=plain.markdown(upload.name)), type="primary", key=CONFIRM)
    st.divider()
    st.markdown(f"**{t('imports.downloads')}**")
    row = st.container(horizontal=True, wrap=True)
    for name in KIND_ORDER:
        row.download_button(
            t(f"imports.kind_{name}"),
            functools.partial(data.import_file, ctx.url, name),
            file_name=f"{name}.csv",
            mime="text/csv",
            icon=":material/download:",
            key=f"data.export.{name}",
        )
