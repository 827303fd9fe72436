"""Forms that write: commentary, actions, accepting a goal.

They only appear for people who may write (kpi.domain.access), and the store checks again
(kpi.store.edits). A refusal shows as a message and writes nothing; a success refreshes the
cached data so every page shows the change.

Each form sits in a fold whose fields are made only while it is open (`widgets.folded`): closed,
the three of the Departments page are three elements instead of some thirty (text areas, date
pickers, selectboxes), and a click onto the page drew in 0.51 s instead of 0.64 s (median of 9
each, taking turns, README "Speed"). Opening or sending one reruns its fold alone; a saved change
reruns the page, which reads it back.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import Concatenate, ParamSpec

import sqlalchemy as sa
import streamlit as st

from kpi.domain import access
from kpi.domain.errors import CockpitError, Problem, Refused
from kpi.domain.model import Action, ActionStatus, Goal, Kpi, Person
from kpi.store import edits, engine
from kpi.text import fmt, plain
from kpi.text.i18n import t
from kpi.ui import data, frame, notices, widgets
from kpi.ui.frame import Context

P = ParamSpec("P")


def example_month(month: str) -> str:
    """A month field's placeholder, "e.g. 2026-01": a bare "2026-01" in grey was read as filled
    in, and saving said the month was empty (a day-one trial)."""
    return t("forms.example", example=month)


def example_day(day: date) -> str:
    """A date field's placeholder, "e.g. 2027-12-31", as the reader's language writes a date
    the form reads ("f.eks. 31.12.2027")."""
    shown = t("forms.day_example", year=f"{day.year:04d}", month=f"{day.month:02d}", day=f"{day.day:02d}")
    return t("forms.example", example=shown)


def write(
    ctx: Context,
    change: Callable[Concatenate[sa.Connection, Person, P], object],
    *args: P.args,
    **kwargs: P.kwargs,
) -> bool:
    """Run one checked, audited change; show what was wrong (all of it) or confirm (and read the new data)."""
    try:
        with engine.writing(data.store()) as conn:
            change(conn, ctx.viewer, *args, **kwargs)
    except CockpitError as refusal:
        notices.show(refusal)
        return False
    data.changed()  # the rest of this run, and every later one, reads the new data version
    notices.saved()  # "Saved." on the rerun that shows the change (kpi.ui.frame)
    return True


def commentary(
    ctx: Context, kpis: Sequence[Kpi], goals: Sequence[Goal], key: str, needed: Sequence[tuple[str, str]] = ()
) -> None:
    """The month's commentary form; numbers that flipped or turned red without an explanation
    are named above it and come first."""
    # each says whether it is a KPI or a goal: "Abandoned calls" and "Fewer customers give up in
    # the phone queue" stood side by side, a number and the goal on it, alike (a head's trial)
    named = {f"kpi:{k.code}": k.name for k in kpis if access.may_comment(ctx.viewer, k.department)}
    named |= {
        f"goal:{g.code}": g.title for g in goals if access.may_comment(ctx.viewer, g.department, g.owner)
    }
    subjects = {s: t(f"forms.about_{s.partition(':')[0]}", name=name) for s, name in named.items()}
    if not subjects:
        return
    if data.closed_month(ctx.url, ctx.month):  # its words are frozen with it (kpi.store.edits)
        st.caption(t("forms.closed_words", month=fmt.month_long(ctx.month)))
        return
    prompted = [f"{kind}:{code}" for kind, code in needed if f"{kind}:{code}" in subjects]
    if prompted:
        names = ", ".join(plain.markdown(named[s]) for s in prompted)
        st.warning(t("forms.explain", count=len(prompted), names=names), icon=":material/edit_note:")
    order = prompted + [s for s in subjects if s not in prompted]

    def form() -> None:
        # no `max_chars`: Streamlit drops a paste longer than it whole, with no word (a trial
        # pasted 10,000 characters and saw an empty box); the check says how long it is instead,
        # and a refused form keeps the text to shorten (no clear on submit)
        fields = _fields(f"{key}.comment", "subject", "text")
        with st.form(f"{key}.comment"):
            # a number that owes a word comes first and is chosen; with none owed, nothing is: a
            # trial's comment on the phone line was saved on the first card's KPI unnoticed
            subject = st.selectbox(
                t("forms.comment_on"),
                order,
                index=0 if prompted else None,
                format_func=lambda s: subjects[s],
                placeholder=t("forms.comment_choose"),
                key=fields[0],
            )
            text = st.text_area(t("forms.comment_text"), key=fields[1], help=t("forms.comment_help"))
            submitted = st.form_submit_button(t("forms.save"), type="primary")
        if submitted and subject is None:  # and what else is missing, at once: an empty text too
            problems = [Problem("required", t("forms.comment_on"))]
            try:
                edits.checked_text(text, "edit.field_text")
            except Refused as refused:
                problems += refused.problems
            notices.show(Refused(problems))
        elif submitted and subject is not None:
            kind, code = subject.split(":", 1)
            if write(ctx, edits.add_commentary, month=ctx.month, text=text, **{kind: code}):
                _renew(f"{key}.comment", fields)
                st.rerun()

    # open by itself while a number owes a word: a fold of its own then, so one closed by hand
    # before still opens when a number comes to owe one
    widgets.folded(
        f"{key}.comment.{'owed' if prompted else 'free'}",
        t("forms.comment_title", month=fmt.month_long(ctx.month)),
        form,
        expanded=bool(prompted),
        icon=":material/edit_note:",
    )


def _fields(key: str, *names: str) -> tuple[str, ...]:
    """The keys of a form's fields (`key.name`), new ones after each save (`_renew`)."""
    made = st.session_state.get(f"{key}.saved", 0)
    return tuple(f"{key}.{name}" + (f".{made}" if made else "") for name in names)


def _renew(key: str, fields: Sequence[str]) -> None:
    """Empty a form's fields after it was saved (a refused form keeps what was typed): new keys
    make new, empty widgets. Forgetting the old keys' values emptied them on the server only; a
    browser kept showing what was typed (a trial's "Saved." stood over the filled form, and a
    second tap was refused as a duplicate)."""
    for field in fields:
        st.session_state.pop(field, None)
    st.session_state[f"{key}.saved"] = st.session_state.get(f"{key}.saved", 0) + 1


def new_action(
    ctx: Context,
    goals: Sequence[Goal],
    people: Sequence[Person],
    key: str,
    actions: Sequence[Action] = (),
    wanted: Collection[str] = (),
) -> None:
    """A new action for one of `goals`; those `wanted` (off track or missed without one,
    `attention.unplanned`) first, and said so: a head's trial found the list starting on a goal
    that owed none, and nothing marking the three that did."""
    planned = [g for g in goals if access.may_plan(ctx.viewer, g.department, g.owner)]
    planned.sort(key=lambda g: g.code not in wanted)
    mine = {g.code: t("forms.action_wanted", title=g.title) if g.code in wanted else g.title for g in planned}
    if not mine:
        return
    # with their roles: a head could not tell the executives from the administrator and presenter
    names = {p.email: frame.person_label(p) for p in _within_reach(ctx, people, planned, actions=actions)}
    me = list(names).index(ctx.viewer.email) if ctx.viewer.email in names else 0
    fields = _fields(f"{key}.action", "goal", "title", "owner", "due")

    def form() -> None:
        with st.form(f"{key}.action"):
            goal = st.selectbox(
                t("forms.action_goal"),
                list(mine),
                format_func=lambda g: mine[g],
                key=fields[0],
                help=t("forms.action_wanted_help") if any(g in wanted for g in mine) else None,
            )
            title = st.text_input(t("forms.action_what"), key=fields[1])
            owner = st.selectbox(
                t("forms.action_owner"), list(names), format_func=lambda e: names[e], index=me, key=fields[2]
            )
            due = st.date_input(t("forms.action_due"), value=None, format=fmt.date_pattern(), key=fields[3])
            submitted = st.form_submit_button(t("forms.save"), type="primary")
        if submitted and write(ctx, edits.add_action, goal=goal, title=title, owner=owner, due=due):
            if due is not None and due < ctx.today:  # kept as typed (a plan written after the fact), but said
                notices.saved(t("forms.action_saved_overdue", due=fmt.day(due)))
            _renew(f"{key}.action", fields)
            st.rerun()

    # a refused form stays open with what was typed: the fold keeps its state for the session
    widgets.folded(f"{key}.action", t("forms.action_title"), form, icon=":material/add_task:")


def action_status(
    ctx: Context, actions: Sequence[Action], goals: Sequence[Goal], key: str, people: Sequence[Person] = ()
) -> None:
    """Move an action along, or change who does it and by when."""
    of = {g.code: g for g in goals}
    plannable = [
        a
        for a in actions
        if a.goal in of and access.may_plan(ctx.viewer, of[a.goal].department, of[a.goal].owner)
    ]
    # the open ones first: a head's form opened on an action done long ago
    mine = {a.id: a for a in sorted(plannable, key=lambda a: not ActionStatus(a.status).is_open)}
    if not mine:
        return

    def form() -> None:
        chosen = st.selectbox(
            t("forms.status_action"),
            list(mine),
            format_func=lambda i: mine[i].title,
            key=f"{key}.status.action",
        )
        action = mine[chosen]
        served = [g for g in goals if g.code == action.goal]
        names = {
            p.email: frame.person_label(p) for p in _within_reach(ctx, people, served, action.owner, actions)
        }
        with st.form(f"{key}.status.{chosen}"):
            status = st.segmented_control(
                t("forms.status_new"),
                [str(s) for s in ActionStatus],
                format_func=lambda s: t(f"action.{s}"),
                default=str(action.status),
            )
            owner = st.selectbox(
                t("forms.action_owner"),
                ["", *names],
                format_func=lambda e: names.get(e, "–"),
                index=([*names].index(action.owner) + 1) if action.owner in names else 0,
            )
            due = st.date_input(t("forms.action_due"), value=action.due, format=fmt.date_pattern())
            submitted = st.form_submit_button(t("forms.save"), type="primary")
        if submitted and write(
            ctx,
            edits.set_action_status,
            action_id=chosen,
            status=status or str(action.status),
            owner=owner or None,
            due=due,
        ):
            st.rerun()

    widgets.folded(f"{key}.status", t("forms.status_title"), form, icon=":material/published_with_changes:")


def _within_reach(
    ctx: Context,
    people: Sequence[Person],
    goals: Sequence[Goal],
    kept: str | None = None,
    actions: Sequence[Action] = (),
) -> list[Person]:
    """Those the viewer may give an action of one of `goals` (`access.may_give_action`: a head,
    only those who read it already, as `actions`' open ones' owners do), and the owner an action
    has (`kept`) whoever they are: the store's rule (kpi.store.edits)."""
    codes = {g.code for g in goals}
    acting = {a.owner for a in actions if a.goal in codes and a.status.is_open and a.owner}
    return [
        p
        for p in people
        if p.email == kept
        or p.email in acting
        or any(access.may_give_action(ctx.viewer, p, g.department, g.owner) for g in goals)
    ]


def accept(ctx: Context, goal: Goal, key: str) -> None:
    """The owner's "I accept this goal" button, while it is not accepted yet."""
    if goal.accepted_at is not None:
        st.caption(t("forms.accepted_on", date=fmt.day_unbroken(goal.accepted_at)))
        return
    if goal.owner is None or not access.may_accept(ctx.viewer, goal.owner):
        st.caption(t("forms.not_accepted"))
        return
    if ctx.viewer is not None and goal.owner == ctx.viewer.email:
        label, help_ = t("forms.accept"), None
    else:  # an administrator records the owner's word: the button says whose (it read "I accept")
        owner = next((p.name for p in data.people(ctx.url) if p.email == goal.owner), goal.owner)
        label = t("forms.accept_for", owner=plain.markdown(owner))  # a label reads Markdown
        help_ = t("forms.accept_for_help")
    clicked = st.button(label, key=f"{key}.accept.{goal.code}", icon=":material/handshake:", help=help_)
    if clicked and write(ctx, edits.accept_goal, code=goal.code, today=ctx.today):
        st.rerun()
