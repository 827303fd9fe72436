"""The Data page's editors: goals, KPIs, customer promises and service priorities.

Numbers are typed as text so that `12,5` and `12.5` both work and a mistake ("sixty") gets a
clear message instead of a widget that silently refuses it. Saving goes through
kpi.store.definitions, which checks everything, reports every problem at once and audits.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol, TypeVar

import streamlit as st

from kpi.domain import identity, industry, months
from kpi.domain.model import (
    COMPARISONS,
    DEFAULT_TOLERANCE,
    DEFAULT_WEIGHT,
    UNIT_RANGES,
    Aggregation,
    Direction,
    JourneyPhase,
    Kpi,
    Level,
    Person,
    Promise,
    ServicePriority,
)
from kpi.store import definitions
from kpi.text import fmt, terms, words
from kpi.text.i18n import t
from kpi.ui import data, forms
from kpi.ui.frame import Context

NEW = ""  # the "new …" choice: Streamlit shows a None option as "no choice"
PHASES = ("", *(str(phase) for phase in JourneyPhase))
"""The journey phase choices: none, then each phase in the journey's order."""


def _plain(value: str | float | date | None) -> str:
    """A stored value as editable text, read back unchanged when saved as it is."""
    if value is None:
        return ""
    if isinstance(value, float):
        return fmt.editable(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Defined(Protocol):
    """What every definition has: a code, and a day it was retired (if it was)."""

    @property
    def code(self) -> str: ...

    @property
    def retired_at(self) -> date | None: ...


D = TypeVar("D", bound=_Defined)


def _choose(kind: str, items: Sequence[D], label: Callable[[D], str]) -> D | None:
    options = [NEW, *(i.code for i in items)]
    by_code = {i.code: i for i in items}

    def name(code: str) -> str:
        if code == NEW:
            return t(f"definitions.new_{kind}")  # Danish: "Nyt mål", but "Ny KPI"
        item = by_code[code]
        retired = f" · {t('definitions.retired')}" if item.retired_at else ""
        return f"{code} — {label(item)}{retired}"

    saved = st.session_state.pop(f"data.{kind}.saved", None)
    if saved in by_code:  # a new one just saved: shown as saved, not the form still filled in
        st.session_state[f"data.{kind}"] = saved
    code = st.selectbox(
        t("definitions.choose", kind=t(f"definitions.kind_{kind}")),
        options,
        key=f"data.{kind}",
        format_func=name,
    )
    return by_code.get(code)


def _select(
    label_key: str,
    options: Sequence[str],
    current: str | None,
    key: str,
    names: dict | None = None,
    empty: str = "–",
) -> str:
    """A choice of `options`, on `current`. A new record's choice with no empty option starts
    with none made: it stood on the first (a goal's KPI and department, a KPI's unit and
    direction) and was saved so unseen (a day-one trial's Marketing goal landed in Billing).
    `empty` names the choice "" where the options hold it."""
    options = list(options)
    index = options.index(current) if current in options else (0 if "" in options else None)
    chosen = st.selectbox(
        t(label_key),
        options,
        index=index,
        key=key,
        format_func=lambda o: (names or {}).get(o, o) if o else empty,
        placeholder=t("definitions.choose_one"),
    )
    return chosen or ""


def _retire_button(ctx: Context, table: str, item: _Defined | None, key: str) -> None:
    if item is None:
        return
    retired = item.retired_at is not None
    label = t("definitions.restore") if retired else t("definitions.retire")
    icon = ":material/unarchive:" if retired else ":material/archive:"
    if st.button(label, key=f"{key}.retire", icon=icon, help=t("definitions.retire_help")):
        today = None if retired else ctx.today
        if forms.write(ctx, definitions.retire, table=table, code=item.code, today=today):
            st.rerun()


def _submit(
    ctx: Context,
    saved: bool,
    values: dict[str, str],
    item: _Defined | None,
    save: Callable[..., str],
    table: str,
    key: str,
    **options: bool,
) -> None:
    """Save the form when submitted (new items keep the typed code), then offer retire/restore."""
    if saved:
        values["code"] = values["code"] or (item.code if item else "")
        if forms.write(ctx, save, values=values, is_new=item is None, **options):
            if item is None:  # the editor opens the new one next (`_choose`)
                kind = key.split(".")[1]
                st.session_state[f"data.{kind}.saved"] = identity.spelling(values["code"])
            st.rerun()
    _retire_button(ctx, table, item, key)


def goal_editor(ctx: Context, defs: data.Definitions, people: dict[str, Person]) -> None:
    goal = _choose("goal", defs["goals"], lambda g: g.title)
    key = f"data.goal.{goal.code if goal else 'new'}"
    goal_codes = ["", *(g.code for g in defs["goals"] if not goal or g.code != goal.code)]
    departments = {d.code: d.name for d in defs["departments"]}
    if not defs["kpis"] or not departments:  # a goal needs both: say so before the form, not after
        st.info(t("definitions.goal_needs"), icon=":material/info:")
    with st.form(key):
        left, right = st.columns(2)
        with left:
            values = {
                "code": st.text_input(
                    t("field.code"), _plain(goal.code if goal else ""), disabled=goal is not None
                ),
                "title": st.text_input(t("field.title"), goal.title if goal else ""),
                "description": st.text_area(t("field.description"), goal.description if goal else ""),
                "level": _select(
                    "field.level",
                    [str(lv) for lv in Level],
                    str(goal.level) if goal else None,
                    f"{key}.level",
                    {str(lv): t(f"level.{lv}") for lv in Level},
                ),
                "parent": _select(
                    "field.parent",
                    goal_codes,
                    goal.parent if goal else None,
                    f"{key}.parent",
                    {g.code: f"{g.code} — {g.title}" for g in defs["goals"]},
                ),
                "promise": _select(
                    "field.promise",
                    ["", *(p.code for p in defs["promises"])],
                    goal.promise if goal else None,
                    f"{key}.promise",
                    {p.code: f"{p.code} — {p.text}" for p in defs["promises"]},
                ),
            }
        with right:
            values |= {
                "kpi": _select(
                    "field.kpi",
                    [k.code for k in defs["kpis"]],
                    goal.kpi if goal else None,
                    f"{key}.kpi",
                    {k.code: f"{k.code} — {k.name}" for k in defs["kpis"]},
                ),
                "department": _select(
                    "field.department",
                    list(departments) if goal else ["", *departments],
                    goal.department if goal else None,
                    f"{key}.department",
                    departments,
                    t("definitions.kpi_department"),
                ),
                "owner": _select(
                    "field.owner",
                    ["", *people],
                    goal.owner if goal else None,
                    f"{key}.owner",
                    {e: p.name for e, p in people.items()},
                ),
                "baseline": st.text_input(t("field.baseline"), _plain(goal.baseline if goal else None)),
                "target": st.text_input(t("field.target"), _plain(goal.target if goal else None)),
                "start": st.text_input(
                    t("field.start"),
                    months.key(goal.start) if goal and goal.start else "",
                    placeholder=forms.example_month("2026-01"),
                ),
                "deadline": st.text_input(
                    t("field.deadline"),
                    _plain(goal.deadline if goal else None),
                    placeholder=forms.example_day(date(2027, 12, 31)),
                ),
                "weight": st.text_input(t("field.weight"), _plain(goal.weight if goal else DEFAULT_WEIGHT)),
            }
        if goal and goal.accepted_at:
            st.caption(t("definitions.reaccept", date=fmt.day_unbroken(goal.accepted_at)))
        far = st.checkbox(t("definitions.confirm_future"), key=f"{key}.confirm_future")
        saved = st.form_submit_button(t("forms.save"), type="primary")
    if not values["department"]:  # a new goal's department, left to its KPI's
        values["department"] = next((k.department for k in defs["kpis"] if k.code == values["kpi"]), "")
    _submit(ctx, saved, values, goal, definitions.save_goal, "goal", key, confirm_future=far)


def kpi_editor(ctx: Context, defs: data.Definitions) -> Kpi | None:
    """The KPI form; returns the KPI chosen (None: a new one), whose source the page shows next."""
    kpi = _choose("kpi", defs["kpis"], lambda k: k.name)
    key = f"data.kpi.{kpi.code if kpi else 'new'}"
    departments = {d.code: d.name for d in defs["departments"]}
    if not departments:
        st.info(t("definitions.kpi_needs"), icon=":material/info:")
    with st.form(key):
        left, right = st.columns(2)
        with left:
            values = {
                "code": st.text_input(t("field.code"), kpi.code if kpi else "", disabled=kpi is not None),
                "name": st.text_input(t("field.name"), kpi.name if kpi else ""),
                "definition": st.text_area(t("field.definition"), kpi.definition if kpi else ""),
                "department": _select(
                    "field.department",
                    list(departments),
                    kpi.department if kpi else None,
                    f"{key}.department",
                    departments,
                ),
                "journey_phase": _select(
                    "field.journey_phase",
                    list(PHASES),
                    kpi.journey_phase if kpi else "",
                    f"{key}.phase",
                    {p: t(f"phase.{p}") for p in PHASES if p},
                ),
            }
        with right:
            values |= {
                "unit": _select(
                    "field.unit",
                    list(UNIT_RANGES),
                    kpi.unit if kpi else None,
                    f"{key}.unit",
                    {u: t(f"chart.unit.{u}") for u in UNIT_RANGES},
                ),
                "direction": _select(
                    "field.direction",
                    [str(d) for d in Direction],
                    str(kpi.direction) if kpi else None,
                    f"{key}.direction",
                    {str(d): t(f"definitions.direction_{d}") for d in Direction},
                ),
                "aggregation": _select(
                    "field.aggregation",
                    [str(a) for a in Aggregation],
                    str(kpi.aggregation) if kpi else None,
                    f"{key}.aggregation",
                    {str(a): t(f"definitions.aggregation_{a}") for a in Aggregation},
                ),
                "target": st.text_input(
                    t("field.target"), _plain(kpi.target if kpi else None), help=t("guide.kpis.target")
                ),
                "tolerance": st.text_input(
                    t("field.tolerance"),
                    _plain(kpi.tolerance if kpi else DEFAULT_TOLERANCE),
                    help=t("definitions.tolerance_help"),
                ),
                "benchmark": _select(
                    "field.benchmark",
                    ["", *industry.BENCHMARKS],
                    kpi.benchmark if kpi else "",
                    f"{key}.benchmark",
                    {
                        b.key: f"{b.key} ({words.benchmark_source(b.source)})"
                        for b in industry.BENCHMARKS.values()
                    },
                ),
            }
        saved = st.form_submit_button(t("forms.save"), type="primary")
    _submit(ctx, saved, values, kpi, definitions.save_kpi, "kpi", key)
    return kpi


def _code_and_text(item: Promise | ServicePriority | None) -> dict[str, str]:
    """The two fields every promise and service priority has; a stored code cannot change."""
    return {
        "code": st.text_input(t("field.code"), item.code if item else "", disabled=item is not None),
        "text": st.text_input(t("field.text"), item.text if item else ""),
    }


def promise_editor(ctx: Context, defs: data.Definitions) -> None:
    promise = _choose("promise", defs["promises"], lambda p: p.text)
    key = f"data.promise.{promise.code if promise else 'new'}"
    with st.form(key):
        values = _code_and_text(promise)
        saved = st.form_submit_button(t("forms.save"), type="primary")
    _submit(ctx, saved, values, promise, definitions.save_promise, "promise", key)


def priority_editor(ctx: Context, defs: data.Definitions) -> None:
    priority = _choose("priority", defs["priorities"], lambda p: p.text)
    key = f"data.priority.{priority.code if priority else 'new'}"
    with st.form(key):
        values = {
            **_code_and_text(priority),
            "kpi": _select(
                "field.kpi",
                [k.code for k in defs["kpis"]],
                priority.kpi if priority else None,
                f"{key}.kpi",
                {k.code: f"{k.code} — {k.name}" for k in defs["kpis"]},
            ),
            "comparison": _select(
                "field.comparison",
                list(COMPARISONS),
                priority.comparison if priority else None,
                f"{key}.comparison",
                {value: t(f"definitions.{terms.NAMES[value]}") for value in COMPARISONS},
            ),
            "threshold": st.text_input(
                t("field.threshold"), _plain(priority.threshold if priority else None)
            ),
            **_event_fields(priority),
        }
        saved = st.form_submit_button(t("forms.save"), type="primary")
    # the pattern's files are looked up before the store is taken for writing, not while it waits
    found = definitions.priority_files(values) if saved else None
    save = functools.partial(definitions.save_priority, found=found)
    _submit(ctx, saved, values, priority, save, "service_priority", key)


def _event_fields(priority: ServicePriority | None) -> dict[str, str]:
    """The optional measure over call records (kpi.domain.priority_events): all empty, the
    priority is judged by its KPI's monthly value."""
    events = priority.events if priority else None
    st.caption(t("definitions.priority_events"))
    files, queue, within, share = st.columns([3, 1, 1, 1])
    return {
        "files": files.text_input(t("field.files"), events.files if events else ""),
        "queue": queue.text_input(t("field.queue"), events.queue or "" if events else ""),
        "within_s": within.text_input(t("field.within_s"), _plain(events.within_s if events else None)),
        "share": share.text_input(t("field.share"), _plain(events.share if events else None)),
    }
