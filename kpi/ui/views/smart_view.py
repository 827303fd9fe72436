"""The SMART page's pieces: the summary, the table of checks, and what to fix per goal."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from kpi.domain import access, smart
from kpi.domain.model import Goal, KpiStatus, Person
from kpi.domain.report import MonthReport
from kpi.text import fmt, palette, phrases, plain, words
from kpi.text.i18n import t
from kpi.ui import forms, widgets
from kpi.ui.frame import Context

PASSED, FAILED = palette.look(KpiStatus.GREEN), palette.look(KpiStatus.RED)
"""A check passed or failed looks like a KPI on or off target: the same colour and icon."""
PASS, FAIL = PASSED.icon, FAILED.icon
FIX_LIMIT = 20
"""Goals explained in full under "what to fix": the worst first; filters narrow the rest."""


def rows(
    month_report: MonthReport,
    assessments: dict[str, smart.Assessment],
    *,
    level: str | None,
    department: str | None,
    owner: str | None,
    failing_only: bool,
) -> list[tuple[Goal, smart.Assessment]]:
    """Goals with their assessments, filtered, worst first (then strategic before operational)."""
    out = []
    for code, row in month_report.goals.items():
        goal, assessment = row.goal, assessments.get(code)
        if assessment is None:
            continue
        if (level and goal.level != level) or (department and goal.department != department):
            continue
        if (owner and goal.owner != owner) or (failing_only and assessment.score == len(smart.Criterion)):
            continue
        out.append((goal, assessment))
    return sorted(out, key=lambda pair: (pair[1].score, pair[0].level.depth, pair[0].code))


def summary(pairs: Sequence[tuple[Goal, smart.Assessment]]) -> None:
    total = len(pairs)
    smart_count = sum(a.score == len(smart.Criterion) for _, a in pairs)
    st.markdown(t("smart_page.summary", smart=fmt.number(smart_count), count=total, number=fmt.number(total)))
    cards = widgets.in_pairs("smart-checks").columns(len(smart.Criterion))  # on a phone two a row
    for column, criterion in zip(cards, smart.Criterion, strict=True):
        failing = sum(not a.checks[criterion].passed for _, a in pairs)
        column.metric(
            t(f"smart.{criterion}"),
            t("smart_page.failing", count=failing),
            help=t(f"smart_page.help_{criterion}"),
            border=True,
        )


def table(pairs: Sequence[tuple[Goal, smart.Assessment]], people: dict[str, Person]) -> None:
    records = []
    for goal, assessment in pairs:
        # the goal, its score and its checks first, who and what level after: at 1280 pixels the
        # score and the last check stood past the table's right edge, behind a sideways scroll
        record: dict[str, str | list[str]] = {
            t("smart_page.col_goal"): goal.title,
            t("smart_page.col_score"): f"{assessment.score}/{len(smart.Criterion)}",
        }
        for criterion in smart.Criterion:
            record[t(f"smart.{criterion}")] = [PASS if assessment.checks[criterion].passed else FAIL]
        record[t("smart_page.col_level")] = t(f"level.{goal.level}")
        record[t("smart_page.col_owner")] = people[goal.owner].name if goal.owner in people else "–"
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    checks = [t(f"smart.{c}") for c in smart.Criterion]
    looks = {PASS: PASSED, FAIL: FAILED}
    height = min(38 + 35 * len(frame), 520)
    widgets.screen_style()
    with st.container(key="wide-smart"):
        config = {check: widgets.labels(looks) for check in checks}
        widgets.dataframe(frame, hide_index=True, width="stretch", height=height, column_config=config)
    with st.container(key="phone-smart", gap="small"):
        # A phone lists each goal under its five checks, its whole title: a table there cut the
        # titles at 25 characters ("Bedre samarbejde med marketin").
        # the initials' names first, as the screen's table heads its columns (the list has no heads)
        st.caption(" · ".join(f"**{t(f'smart.{c}')[0]}** {t(f'smart.{c}')}" for c in smart.Criterion))
        st.markdown(phone_list(pairs))
        if len(pairs) > widgets.PHONE_LIST_LIMIT:
            st.caption(t("cascade.phone_more", shown=widgets.PHONE_LIST_LIMIT, count=len(pairs)))


def phone_list(pairs: Sequence[tuple[Goal, smart.Assessment]]) -> str:
    """The table as a Markdown list for a phone, the first `widgets.PHONE_LIST_LIMIT` goals: each
    its five checks as badges under their initials (S, M, A, R, T in both languages), passed or
    failed in the colours and icons of the table, then its whole title."""
    lines = []
    for goal, assessment in pairs[: widgets.PHONE_LIST_LIMIT]:
        checks = " ".join(_check_badge(criterion, assessment) for criterion in smart.Criterion)
        lines.append(f"- {checks} **{plain.markdown(goal.title)}**")
    return "\n".join(lines)


def _check_badge(criterion: smart.Criterion, assessment: smart.Assessment) -> str:
    look = PASSED if assessment.checks[criterion].passed else FAILED
    return f":{look.streamlit}-badge[{look.icon} {t(f'smart.{criterion}')[0]}]"


def to_fix(ctx: Context, pairs: Sequence[tuple[Goal, smart.Assessment]], people: dict[str, Person]) -> None:
    failing = [(g, a) for g, a in pairs if a.score < len(smart.Criterion)]
    if not failing:
        st.success(t("smart_page.all_smart"), icon=":material/check_circle:")
        return
    if len(failing) > FIX_LIMIT:
        st.caption(t("smart_page.more", shown=FIX_LIMIT, count=len(failing)))
    # who changes a goal: a head read what to fix of her own goal, and found no way to fix it
    where = phrases.menu_path("nav.data", "definitions.group_strategy", "definitions.tab_goals")
    st.caption(
        t("smart_page.you_fix" if access.may_define(ctx.viewer) else "smart_page.who_fixes", where=where)
    )
    for goal, assessment in failing[:FIX_LIMIT]:
        with st.container(border=True):
            owner = plain.markdown(people[goal.owner].name) if goal.owner in people else t("cascade.no_owner")
            with st.container(horizontal=True, vertical_alignment="center", wrap=False):
                st.markdown(
                    f"**{plain.markdown(goal.title)}** · {t(f'level.{goal.level}')} · {owner}",
                    width="stretch",
                )
                widgets.goal_link(goal.code, t("overview.open_goal"))
            st.markdown(fix_lines(assessment))
            if not assessment.checks[smart.Criterion.ACCEPTED].passed and access.may_accept(
                ctx.viewer, goal.owner
            ):
                forms.accept(ctx, goal, key="smart")


def fix_lines(assessment: smart.Assessment) -> str:
    """What a goal fails, one line per check with every reason it gives (`Specific: no
    description says what should improve for whom; neither title nor description says for whom`):
    each reason on a line of its own repeated "✕ Specific" for a check failed twice. Markdown, the
    reasons escaped."""
    lines = []
    for criterion, check in assessment.checks.items():
        if check.reasons:
            said = "; ".join(plain.markdown(words.reason(reason)) for reason in check.reasons)
            lines.append(f"{FAIL} **{t(f'smart.{criterion}')}**: {said}")
    return "\n\n".join(lines)


def waiting_for_me(ctx: Context, pairs: Sequence[tuple[Goal, smart.Assessment]]) -> None:
    """Goals the viewer owns and has not accepted yet: the one thing they can do right here."""
    mine = [g for g, _ in pairs if g.owner == ctx.viewer.email and g.accepted_at is None]
    if not mine:
        return
    with st.container(border=True):
        st.markdown(f"**{t('smart_page.waiting', count=len(mine))}**")
        for goal in mine:
            text, button = st.columns([4, 1], vertical_alignment="center")
            text.markdown(plain.markdown(goal.title))
            with button:
                forms.accept(ctx, goal, key="smart.mine")
