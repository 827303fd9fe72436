"""Where a KPI's values come from when nobody types them: its source, and "Pull now".

The KPI editor's source form gives a KPI a source, changes it or removes it
(kpi.store.sourcing: the definitions file's check and writer, every problem at once). "Try it"
runs the typed source for the last complete month and says what it would write, writing
nothing. "Pull now" runs `python -m kpi pull` from the Data page (kpi.store.pulling): a dry run
first, showing what would change per KPI, then one transaction. Both are administration: the
Data page is for administrators, and the store refuses anyone else before a source runs.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from kpi.domain import months
from kpi.domain.errors import CockpitError
from kpi.domain.model import Kpi
from kpi.domain.sources import DEFAULT_TIMEOUT, MAX_TIMEOUT, MIN_TIMEOUT, Source, SourceKind
from kpi.sources.failing import SourceFailed
from kpi.store import engine, pulling, sourcing
from kpi.text import fmt, phrases, plain, words
from kpi.text.i18n import t
from kpi.ui import data, forms, notices
from kpi.ui.frame import Context
from kpi.ui.views import definitions_view, send_view

_PREVIEW = "data.pull.preview"
"""The dry run's month, KPI and outcome, kept until "Write" or another choice."""


def kpi_and_source(ctx: Context, defs: data.Definitions) -> None:
    """The KPIs tab: the KPI form, and under a stored KPI's form its source's."""
    kpi = definitions_view.kpi_editor(ctx, defs)
    if kpi is not None:
        source_editor(ctx, kpi, data.sources(ctx.url).get(kpi.code))


def source_editor(ctx: Context, kpi: Kpi, current: Source | None) -> None:
    """The source form under the KPI form: kind, connection name, query, URL, timeout."""
    key = f"data.source.{kpi.code}"
    st.subheader(t("source_form.title"), divider="gray")
    if kpi.aggregation.is_survey:
        st.caption(t("source_form.survey"))
        return
    st.caption(t("source_form.intro"))
    kinds = [str(kind) for kind in SourceKind]
    with st.form(key):
        left, right = st.columns([1, 2])
        with left:
            values = {
                "kind": st.selectbox(
                    t("field.kind"),
                    kinds,
                    index=kinds.index(str(current.kind)) if current else 0,
                    key=f"{key}.kind",
                    format_func=lambda kind: t(f"source_form.kind_{kind}"),
                ),
                "connection": st.text_input(
                    t("field.connection"),
                    (current.connection or "") if current else "",
                    key=f"{key}.connection",
                    placeholder=t("source_form.connection_placeholder"),
                    help=t("source_form.connection_help"),
                ),
                "url": st.text_input(
                    t("field.url"),
                    (current.url or "") if current else "",
                    key=f"{key}.url",
                    placeholder=t("source_form.url_placeholder"),
                    help=t("source_form.url_help"),
                ),
                "timeout": st.text_input(
                    t("source_form.timeout_label"),
                    fmt.editable(current.timeout if current else DEFAULT_TIMEOUT),
                    key=f"{key}.timeout",
                    help=t(
                        "source_form.timeout_help", low=fmt.number(MIN_TIMEOUT), high=fmt.number(MAX_TIMEOUT)
                    ),
                ),
            }
        with right:
            values["query"] = st.text_area(
                t("field.query"),
                current.query if current else "",
                key=f"{key}.query",
                height=196,
                help=t("source_form.query_help"),
            )
        buttons = st.container(horizontal=True)
        with buttons:
            saved = st.form_submit_button(t("forms.save"), type="primary")
            tried = st.form_submit_button(t("source_form.try"), icon=":material/science:")
    if saved:
        found = sourcing.looked_up(values)  # the file system, before the store is taken for writing
        if forms.write(
            ctx, sourcing.save, kpi=kpi.code, values=values, decimal=fmt.decimal_symbol(), found=found
        ):
            st.rerun()
    if tried:
        _try(ctx, kpi, values)
    if current is None:
        return
    removed = st.button(
        t("source_form.remove"),
        key=f"{key}.remove",
        icon=":material/link_off:",
        help=t("source_form.remove_help"),
    )
    if removed and forms.write(ctx, sourcing.remove, kpi=kpi.code):
        st.rerun()


def _try(ctx: Context, kpi: Kpi, values: dict[str, str]) -> None:
    """Run the typed source for the last complete month and say what it would write."""
    month = months.last_complete(ctx.today)
    store = data.store()
    try:
        found = sourcing.looked_up(values)
        with engine.reading(store) as conn:
            trial = sourcing.checked(conn, ctx.viewer, kpi.code, values, fmt.decimal_symbol(), found=found)
        with st.spinner(t("source_form.trying", month=fmt.month_long(month))):
            done = pulling.pull_as(store, ctx.viewer, month, trial=trial)
    except SourceFailed as failed:
        _failed(failed)
        return
    except CockpitError as refusal:
        notices.show(refusal)
        return
    [line] = done.lines
    said = _outcome(line, kpi.unit)
    st.info(t("source_form.tried", month=fmt.month_long(month), outcome=said), icon=":material/science:")


def _outcome(line: pulling.Line, unit: str) -> str:
    """What a pull does (or would do) with one KPI's value, with its unit."""
    shown = (lambda v: fmt.value(v, unit)) if unit in fmt.UNITS else (lambda v: fmt.number(v, 2))
    value = shown(line.value) if line.value is not None else ""
    before = shown(line.before) if line.before is not None else ""
    return t(f"cli.pull_{line.outcome}", value=value, before=before)


def _failed(failed: SourceFailed) -> None:
    """Every failure by KPI, source and reason, and that nothing was written."""
    lines = [plain.markdown(words.problem(found)) for found in failed.problems]
    listed = "\n".join(f"- {line}" for line in lines)
    count = len(words.grouped(failed.problems))
    st.error(f"{listed}\n\n{t('cli.pull_rejected', count=count)}", icon=":material/block:")


def pull_panel(ctx: Context, kpis: list[Kpi]) -> None:
    """Choose a month (and a KPI), see what a pull would change, then write it."""
    defined = data.sources(ctx.url)
    if not defined:
        st.info(t("pull.none"), icon=":material/info:")
        return
    shown = data.kpis(ctx.url, ctx.scope, ctx.language)  # names in the reader's language
    names = {k.code: k for k in kpis} | {k.code: k for k in shown}
    promises = {p.code: p.text for p in data.service_priorities(ctx.url, ctx.scope, ctx.language)}
    st.caption(t("pull.intro", count=len(defined)))
    today = ctx.today
    last = months.last_complete(today)
    choices = list(reversed(months.between(months.add(last, -11), months.first_of(today))))
    left, right = st.columns(2)
    month = left.selectbox(
        t("pull.month"), choices, index=choices.index(last), key="data.pull.month", format_func=fmt.month_long
    )
    codes = ["", *sorted(defined)]
    chosen = right.selectbox(
        t("pull.kpi"),
        codes,
        key="data.pull.kpi",
        format_func=lambda c: f"{c} — {names[c].name}" if c in names else t("pull.all", count=len(defined)),
    )
    kpi = chosen or None
    if st.button(t("pull.dry_run"), key="data.pull.dry", icon=":material/preview:"):
        st.session_state[_PREVIEW] = (month, kpi, _run(ctx, month, kpi, dry_run=True))
    preview = st.session_state.get(_PREVIEW)
    if preview is None or preview[:2] != (month, kpi) or preview[2] is None:
        return
    outcome: pulling.Outcome = preview[2]
    _table(outcome, names, promises)
    st.info(t("pull.would", summary=_summary(outcome)), icon=":material/preview:")
    if outcome.unusual:  # a source that changed its units is found before its values are written
        st.warning(plain.markdown(phrases.to_check(outcome.unusual)), icon=":material/troubleshoot:")
    if st.button(t("pull.write", month=fmt.month_long(month)), type="primary", key="data.pull.write"):
        done = _run(ctx, month, kpi, dry_run=False)
        st.session_state.pop(_PREVIEW, None)
        if done is not None:
            data.changed()
            _table(done, names, promises)
            st.success(t("pull.done", summary=_summary(done)), icon=":material/check_circle:")
            send_view.after_write(ctx, month)


def _run(ctx: Context, month: date, kpi: str | None, *, dry_run: bool) -> pulling.Outcome | None:
    """One pull with a progress bar that advances as each source runs; failures shown."""
    bar = st.progress(0.0, text=t("pull.starting"))

    def progress(number: int, total: int, source: Source) -> None:
        bar.progress(number / total, text=t("pull.running", kpi=source.kpi, number=number + 1, total=total))

    try:
        return pulling.pull_as(data.store(), ctx.viewer, month, kpi=kpi, dry_run=dry_run, progress=progress)
    except SourceFailed as failed:
        _failed(failed)
    except CockpitError as refusal:  # not an administrator, or the store is busy
        notices.show(refusal)
    finally:
        bar.empty()
    return None


def _table(outcome: pulling.Outcome, names: dict[str, Kpi], promises: dict[str, str]) -> None:
    """A line per KPI, then per service priority counted over call records: its promise, and the
    share of calls that kept it."""
    rows = [
        {
            t("pull.col_kpi"): _named(line.kpi, names, promises),
            t("pull.col_outcome"): _outcome(line, names[line.kpi].unit if line.kpi in names else "%"),
            t("pull.col_source"): words.source_said(line.source),  # last: on a phone the value must show
        }
        for line in outcome.lines
    ]
    kpi_column = st.column_config.TextColumn(width="medium")  # a long name leaves the value in sight
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, width="stretch", column_config={t("pull.col_kpi"): kpi_column}
    )


def _named(code: str, names: dict[str, Kpi], promises: dict[str, str]) -> str:
    """A KPI's code and name, or a service priority's code and promise (as typed: plain text)."""
    if code in names:
        return f"{code} — {names[code].name}"
    return f"{code} — {promises[code]}" if code in promises else code


def _summary(outcome: pulling.Outcome) -> str:
    counts = {o: outcome.count(o) for o in ("inserted", "updated", "unchanged", "missing")}
    said = t("cli.pull_summary", month=fmt.month_long(outcome.month), count=len(outcome.lines), **counts)
    kept = outcome.count("kept")
    return said + (" " + t("cli.pull_kept_note", count=kept) if kept else "")
