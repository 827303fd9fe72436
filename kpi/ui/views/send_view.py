"""The Data page's "Send" tab (administrators): the closed month mailed to each reader with their
pack, previewed first (a dry run) and then sent; the alerts sent now; and every delivery that
failed, with why, until a later attempt succeeds. Names, addresses and a server's answer are
shown as plain text (table cells)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd
import streamlit as st

from kpi import settings
from kpi.delivery import alerts, mail, reminding, sending
from kpi.domain import owed
from kpi.domain.errors import CockpitError
from kpi.store import deliveries, engine
from kpi.text import fmt, plain
from kpi.text.i18n import t
from kpi.ui import data, notices
from kpi.ui.frame import Context

_REMINDERS = "data.send.reminders"
"""The preview of the reminders, kept until they are sent or the month or day changes."""
_PLAN = "data.send.plan"
"""The preview of the sidebar's month, kept until it is sent or the month changes."""
ROW_PX = 35


def _server() -> None:
    chosen = settings.current()
    if mail.missing() is None:
        where = t(
            "send_tab.mail_server",
            host=plain.markdown(chosen.smtp_host),
            port=chosen.smtp_port,
            sender=plain.markdown(chosen.smtp_from),
        )
        st.caption(where)
    else:
        st.warning(t("send_tab.no_mail"), icon=":material/mail_lock:")


def _plan_table(outcome: sending.Outcome) -> None:
    rows = [
        {
            t("send_tab.col_name"): p.letter.name,
            t("send_tab.col_state"): t("send_tab.state_already" if p.already else "send_tab.state_new"),
            t("send_tab.col_email"): p.letter.to,
            t("send_tab.col_slides"): len(p.slides),
            t("send_tab.col_items"): p.items,
            t("send_tab.col_owed"): p.owed,
        }
        for p in outcome.planned
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=_height(len(rows)))


def _read_one(letters: Sequence[mail.Letter], key: str) -> None:
    """One person's mail as it would go, subject and text, before anything is sent: the counts
    alone left the presenter guessing what the CEO would read, and an administrator what a
    reminder would name."""
    planned = {letter.to: letter for letter in letters}
    if not planned:
        return
    chosen = st.selectbox(
        t("send_tab.read_one"),
        list(planned),
        format_func=lambda email: f"{planned[email].name} · {email}",
        key=key,
    )
    one = planned[chosen]
    with st.container(border=True):
        st.text(f"{t('send_tab.subject')}: {one.subject}")  # plain text: names and words as typed
        st.text(one.body)  # it names the pack it carries


def _height(rows: int) -> int:
    """Pixels that show every row without an inner scrollbar (Streamlit's rows are 35 px)."""
    return ROW_PX * (rows + 1) + 3


def _sent(outcome: sending.Outcome, month: str) -> None:
    if outcome.failed:
        st.error(t("send_tab.failed", count=len(outcome.failed)), icon=":material/error:")
    if outcome.sent:
        st.success(t("send_tab.sent", count=len(outcome.sent)), icon=":material/mark_email_read:")
    elif not outcome.failed:
        st.info(t("send_tab.nothing_new", month=month), icon=":material/done_all:")


def _month_panel(ctx: Context, month: str) -> None:
    if data.closed_month(ctx.url, ctx.month) is None:
        st.info(t("send_tab.not_closed", month=month), icon=":material/lock_open:")
        return
    st.markdown(t("send_tab.explain", month=month))
    left, right, _ = st.columns([1, 1, 1])
    preview = left.button(t("send_tab.preview"), icon=":material/preview:", key="data.send.preview")
    send = right.button(
        t("send_tab.send", month=month),
        type="primary",
        icon=":material/send:",
        key="data.send.send",
        disabled=mail.missing() is not None,  # no mail server: the preview only (said above)
    )
    try:
        if preview or send:
            with st.spinner():
                st.session_state[_PLAN] = sending.prepare(data.store(), ctx.viewer, ctx.month, ctx.language)
        kept = st.session_state.get(_PLAN)
        if kept is None or kept.month != ctx.month:
            return
        if send:
            with st.spinner():
                sending.deliver(data.store(), ctx.viewer, kept)
            st.session_state.pop(_PLAN, None)
            _sent(kept, month)
            return
        st.caption(t("send_tab.planned", count=sum(1 for p in kept.planned if not p.already)))
        _plan_table(kept)
        _read_one([p.letter for p in kept.planned], "data.send.read_one")
    except CockpitError as refusal:
        notices.show(refusal)


def _alerts_panel(ctx: Context, month: str) -> None:
    st.subheader(t("send_tab.alerts_title"))
    st.caption(t("send_tab.alerts_explain", month=month))
    if not st.button(
        t("send_tab.alerts_button", month=month), icon=":material/notifications:", key="data.send.alerts"
    ):
        return
    with st.spinner():
        outcome = alerts.prepare(data.store(), ctx.month, ctx.language, ctx.today)
        alerts.deliver(data.store(), ctx.viewer.email, outcome)
    if not outcome.digests:
        st.info(t("send_tab.alerts_none"), icon=":material/done_all:")
    if outcome.sent:
        st.success(t("send_tab.alerts_sent", count=len(outcome.sent)), icon=":material/notifications_active:")
    if outcome.skipped:
        st.warning(t("send_tab.alerts_skipped", count=len(outcome.skipped)), icon=":material/mail_lock:")
    if outcome.failed:
        st.error(t("send_tab.failed", count=len(outcome.failed)), icon=":material/error:")


def _reminders_table(outcome: reminding.Outcome) -> None:
    rows = [
        {
            t("send_tab.col_name"): p.letter.name,
            t("send_tab.col_state"): t("send_tab.state_already" if p.already else "send_tab.state_new"),
            t("send_tab.col_email"): p.letter.to,
            t("send_tab.col_reminded"): len(p.items),
            t("send_tab.col_new"): len(p.new),
        }
        for p in outcome.planned
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=_height(len(rows)))


def _remind_panel(ctx: Context, month: str) -> None:
    """What each person still owes for the sidebar's month, previewed and then mailed."""
    st.subheader(t("send_tab.remind_title"))
    st.markdown(t("send_tab.remind_explain", month=month, days=owed.REMIND_DAYS))
    left, right, _ = st.columns([1, 1, 1])
    preview = left.button(t("send_tab.remind_preview"), icon=":material/preview:", key="data.remind.preview")
    send = right.button(
        t("send_tab.remind_send"),
        icon=":material/alarm:",
        key="data.remind.send",
        disabled=mail.missing() is not None,
    )
    try:
        if preview or send:
            with st.spinner():
                st.session_state[_REMINDERS] = reminding.prepare(
                    data.store(), ctx.viewer, ctx.month, ctx.language, ctx.today
                )
        kept = st.session_state.get(_REMINDERS)
        if kept is None or (kept.month, kept.today) != (ctx.month, ctx.today):
            return
        if send:
            with st.spinner():
                reminding.deliver(data.store(), ctx.viewer, kept)
            st.session_state.pop(_REMINDERS, None)
            if kept.failed:
                st.error(t("send_tab.failed", count=len(kept.failed)), icon=":material/error:")
            if kept.sent:
                st.success(t("send_tab.remind_sent", count=len(kept.sent)), icon=":material/mark_email_read:")
            elif not kept.failed:
                st.info(t("send_tab.remind_nothing_new"), icon=":material/done_all:")
            return
        if not kept.planned:
            st.info(
                t("send_tab.remind_nobody", month=month, days=owed.REMIND_DAYS), icon=":material/done_all:"
            )
            return
        st.caption(t("send_tab.remind_planned", count=sum(1 for p in kept.planned if not p.already)))
        _reminders_table(kept)
        _read_one([p.letter for p in kept.planned if not p.already], "data.remind.read_one")
    except CockpitError as refusal:
        notices.show(refusal)


def after_write(ctx: Context, month: date) -> None:
    """After an import or a pull committed its values: `month`'s alerts, where a mail server or a
    webhook is configured (as the command line does); a failure is said, and the Send tab names it."""
    store = data.store()
    with engine.reading(store) as conn:
        if not alerts.configured(conn):
            return
    outcome = alerts.deliver(store, ctx.viewer.email, alerts.prepare(store, month, ctx.language, ctx.today))
    if outcome.sent:
        st.caption(t("send_tab.alerts_sent", count=len(outcome.sent)))
    if outcome.failed:
        st.error(t("send_tab.alerts_failed", count=len(outcome.failed)), icon=":material/error:")


def _still_failed(log: list[deliveries.Delivery]) -> list[deliveries.Delivery]:
    """The failed deliveries of `log` not made good since: a reminder is logged per item and
    day, so one counts only while the person's latest reminder failed. Latest by the time it
    was logged, then by the day it was for: the log keeps whole seconds, and a reminder made
    good within the second of its failure is still made good."""
    latest: dict[str, tuple[datetime, str]] = {}
    for d in log:
        if d.kind == reminding.KIND:
            latest[d.recipient] = max(latest.get(d.recipient, _when(d)), _when(d))
    return [
        d
        for d in log
        if d.status == deliveries.FAILED and (d.kind != reminding.KIND or _when(d) == latest[d.recipient])
    ]


def _when(d: deliveries.Delivery) -> tuple[datetime, str]:
    return d.at, reminding.reminded_on(d.item)


def _failures() -> None:
    """Every delivery whose last attempt failed: what, to whom, when and why (the server's words)."""
    with engine.reading(data.store()) as conn:
        failed = _still_failed(deliveries.log(conn))
    if not failed:
        return
    st.subheader(t("send_tab.failures"))
    rows = [
        {
            t("send_tab.col_recipient"): d.recipient,
            t("send_tab.col_detail"): d.detail,
            t("send_tab.col_kind"): t(f"send_tab.kind_{d.kind}"),
            t("send_tab.col_at"): fmt.moment(d.at),
        }
        for d in failed
    ]
    rows = [row for n, row in enumerate(rows) if row not in rows[:n]]  # one line per mail, not per item
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=_height(len(rows)))


def panel(ctx: Context) -> None:
    month = fmt.month_long(ctx.month)
    _server()
    _month_panel(ctx, month)
    _remind_panel(ctx, month)
    _failures()
    _alerts_panel(ctx, month)
