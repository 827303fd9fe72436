"""The Overview's sections: headline tiles → what needs attention → what changed → promises kept."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence

import streamlit as st

from kpi.domain import attention, cascade, month_rows, outlook, report, samples
from kpi.domain.access import Scope
from kpi.domain.company_events import CompanyEvent
from kpi.domain.model import Commentary, GoalStatus, KpiStatus, Level, MonthValue, Promise
from kpi.text import fmt, palette, phrases, plain, splits, words
from kpi.text.i18n import t
from kpi.ui import widgets

TILES_PER_ROW = 4
LEVELS = list(Level)


def headline(
    month_report: report.MonthReport,
    history: dict[str, list[MonthValue]],
    comments: Sequence[Commentary] = (),
    served: frozenset[str] = frozenset(),
    facts: widgets.CardFacts = widgets.NO_CARD_FACTS,
    events: Sequence[CompanyEvent] = (),
    everyone: bool = False,
) -> None:
    """One tile per top goal of the viewer's own (the strategic goals, for an executive; below
    the goals it only `served`, line of sight, for a department head); `facts` flag a late value
    and say where each value came from; each tile's trend shades the months of the company
    `events` bearing on its KPI. A reader of `everyone`'s goals who has none is told the
    company has none yet ("No goals are visible to you" read as a lack of access on day one)."""
    rows = [month_report.goals[node.goal.code] for node in cascade.own_tops(month_report.roots, served)]
    if not rows:  # none at all, to a reader of everything, is a company whose goals are not in yet
        if everyone and not month_report.goals:
            where = phrases.menu_path("nav.data", "definitions.group_strategy", "definitions.tab_goals")
            st.info(t("overview.no_goals_yet", where=where))
        else:
            st.info(t("overview.no_goals"))
        return
    widgets.card_style()
    per_row = tiles_per_row(len(rows))
    for start in range(0, len(rows), per_row):
        columns = st.columns(per_row)
        for column, row in zip(columns, rows[start : start + per_row], strict=False):
            with column:
                points = history.get(row.kpi.code, []) if row.kpi else []
                kpi_row = month_report.kpis.get(row.kpi.code) if row.kpi else None
                reading = kpi_row.reading if kpi_row else None
                code = row.kpi.code if row.kpi else ""
                late, origin = facts.late_for(code), facts.origin_for(code, row.value)
                since = kpi_row.limits_since(month_report.month) if kpi_row else None
                widgets.goal_tile(
                    row, points, month_report.month, comments, reading, late, origin, events, since
                )


def tiles_per_row(count: int) -> int:
    """Tiles a row: `TILES_PER_ROW`, fewer when there are fewer tiles, never fewer than two (a
    head's two goals stood in the left half of the screen, their titles cut, the right half
    empty; one tile across the whole screen stretches its sparkline)."""
    return min(TILES_PER_ROW, max(count, 2))


def attention_summary(items: Sequence[attention.Item]) -> None:
    """One line at the top that counts the month's items (one per number, `attention.by_measure`)
    and every exception in them by kind (`attention.kinds`), most severe first, so what needs
    attention is plain before the tiles: the list itself follows them."""
    if not items:
        st.success(t("overview.no_exceptions"), icon=":material/check_circle:")
        return
    parts = [  # the count in its chip: beside it, a line could end between them ("✕ Goal off track" / "12")
        widgets.attention_badge(kind, f"{phrases.kind_word(kind, detail)}{fmt.NO_BREAK}**{count}**")
        for kind, detail, count in attention.kinds(items)
    ]
    st.markdown(f"[**{phrases.items_counted(items)}**](#{LIST_ANCHOR}) " + " ".join(parts))


LIST_ANCHOR = "needs-attention"
"""The attention list's heading, which the count at the top links to: on a phone the list stood
2,300 pixels down, under the goals' tiles (a CEO's trial), one tap away now."""


REVISED_NAMED = 5
"""How many of a closed month's values changed since its close the Overview names."""


def revised_since_close(
    revised: Mapping[str, tuple[float | None, float | None]], month_report: report.MonthReport
) -> None:
    """A closed month's values changed since its close, each with what it was: the Overview shows
    the value now, the meeting and the packs the closed one marked revised, and the two
    disagreed without a word (an administrator's trial)."""
    rows = [
        (month_report.kpis[code], was) for code, was in sorted(revised.items()) if code in month_report.kpis
    ]
    if not rows:
        return
    named = []
    for row, (before, after) in rows[:REVISED_NAMED]:
        was, now = _apart(before, after, row.kpi.unit)  # 77.96 s and 78.04 s both read "78 s"
        named.append(t("overview.revised_one", kpi=plain.markdown(row.kpi.name), before=was, after=now))
    listed = "; ".join(named) + words.more(len(rows) - len(named))
    said = phrases.ended(t("overview.revised", count=len(rows), values=listed))  # "93 sek." ends it in Danish
    st.caption(said, help=t("overview.revised_help"))


def _apart(before: float | None, after: float | None, unit: str) -> tuple[str, str]:
    """Two values of `unit` as they read beside each other: with the decimals that tell them apart."""
    if before is None or after is None:
        return fmt.value(before, unit), fmt.value(after, unit)
    return fmt.values_apart(before, after, unit)


def summary(month_report: report.MonthReport, scope: Scope) -> None:
    """One line that counts the goals by status: the whole cascade in a sentence, or a department
    head's own goals (`MonthReport.own`: not those her work serves, seen as line of sight)."""
    goals, _ = month_report.own(scope)
    if not goals:  # "All 0 goals:" under the tiles' "no goals" said nothing
        return
    counts: dict[GoalStatus, int] = {}
    for row in goals:
        counts[row.status] = counts.get(row.status, 0) + 1
    parts = [
        f"{widgets.badge_markdown(status)} **{counts[status]}**"
        for status in GoalStatus
        if counts.get(status)
    ]
    key = "overview.summary" if scope.departments is None else "overview.summary_own"
    st.markdown(t(key, count=len(goals)) + " " + " ".join(parts))


def changes(month_report: report.MonthReport, scope: Scope) -> None:
    """New signals first (news about the process), then the status changes that are signals too;
    every other status change, mostly a wiggle across a tolerance edge, folded away. A head's
    own goals and KPIs only (`MonthReport.own`), as her list of what needs attention."""
    st.subheader(t("overview.changes"))
    flips = month_report.flips(scope)
    signalled = [f for f in flips if month_report.is_signal(f)]
    others = [f for f in flips if not month_report.is_signal(f)]
    news = month_report.signals(scope)
    if not news and not signalled:  # a young company's first month has no month before it
        compared = any(row.previous is not None for row in month_report.own(scope)[1])
        st.caption(t("overview.no_signals" if compared else "overview.no_month_before"))
    if news:  # a heading and its lines in one element: the browser pays per element
        st.markdown("  \n".join([f"**{t('overview.new_signals')}**", *map(_signal_line, news[:LIST_LIMIT])]))
    if signalled:  # an empty side says what the fold below holds: "Nothing." read as a calm month
        _flip_columns(month_report, signalled, folded=others)
    if others:

        def other_changes() -> None:
            st.caption(t("overview.other_changes_help"))
            widgets.paged(
                "overview.other_changes",
                others,
                lambda shown: _flip_columns(month_report, shown, limit=len(shown)),
            )

        worse = sum(not f.is_better for f in others)
        label = t("overview.other_changes", count=len(others), worse=worse, better=len(others) - worse)
        # the goals that went red among them, counted on the fold: a CEO read "Turned worse:
        # nothing beyond normal variation" while seven goals had gone off track under it
        red = sum(1 for f in others if f.kind == "goal" and GoalStatus(f.after).is_red and not f.is_better)
        label += t("overview.other_changes_red", count=red) if red else ""
        widgets.folded("overview.other_changes", label, other_changes)


def _signal_line(row: month_rows.KpiRow) -> str:
    reading = row.reading
    variation = str(reading.variation) if reading else "common_cause"
    look = palette.VARIATION_LOOKS[variation]
    rules = ", ".join(t(f"signal.rule.{s.rule}") for s in reading.signals) if reading else ""
    value = fmt.value(row.value.value if row.value else None, row.kpi.unit)
    word = t(f"signal.variation.{variation}")
    return f":{look.streamlit}-badge[{look.icon} {word}] **{plain.markdown(row.kpi.name)}** {value} · {rules}"


def _flip_columns(
    month_report: report.MonthReport,
    flips: Sequence[report.Flip],
    limit: int | None = None,
    folded: Sequence[report.Flip] = (),
) -> None:
    limit = LIST_LIMIT if limit is None else limit
    worse, better = st.columns(2)
    for column, is_better, heading in (
        (worse, False, "overview.turned_worse"),
        (better, True, "overview.turned_better"),
    ):
        with column:
            shown = [f for f in flips if f.is_better == is_better]
            lines = [_flip_line(month_report, flip) for flip in shown[:limit]]
            st.markdown("  \n".join([f"**{t(heading)}**", *lines]))  # one element, as the signals
            if not shown:  # and when the fold holds some of this side: it says how many
                below = sum(f.is_better == is_better for f in folded)  # "nothing" hid 22 turned worse
                st.caption(t("overview.none_signalled", count=below) if below else t("overview.none"))
            if len(shown) > limit:
                st.caption(t("overview.more", count=len(shown) - limit))


def _flip_line(month_report: report.MonthReport, flip: report.Flip) -> str:
    from_status: KpiStatus | GoalStatus
    to_status: KpiStatus | GoalStatus
    if flip.kind == "goal":
        row = month_report.goals[flip.code]
        name = row.goal.title
        from_status, to_status = row.previous_status, row.status
    else:
        krow = month_report.kpis[flip.code]
        name = krow.kpi.name
        from_status, to_status = krow.previous_status, krow.status
    arrow = "▲" if flip.is_better else "▼"
    was = f"{palette.label(from_status)} →".replace(
        " ", fmt.NO_BREAK
    )  # "✓" stood over "På sporet" on a phone
    return f"{arrow} {plain.markdown(name)}: {was} {widgets.badge_markdown(to_status)}"


def exceptions(
    items: Sequence[attention.Item],
    owners: Mapping[str, str],
    moves: Mapping[tuple[str, str], str] | None = None,
) -> None:
    """The month's one exception list: what, value, target, owner, since when, explained or not,
    where to look, and for a survey KPI why its score moved (`moves`); the most severe first."""
    st.subheader(t("overview.exceptions"), help=t("overview.exceptions_help"), anchor=LIST_ANCHOR)
    if not items:
        st.success(t("overview.no_exceptions"), icon=":material/check_circle:")
        return
    moved = moves or {}

    def rows(shown: Sequence[attention.Item]) -> None:
        for item in shown:
            _item_row(item, owners, moved.get((item.kind, item.code)))

    rows(items[:LIST_LIMIT])
    if len(items) > LIST_LIMIT:
        widgets.folded(
            "overview.more_items",
            t("overview.more_items", count=len(items) - LIST_LIMIT),
            lambda: widgets.paged("overview.more_items", items[LIST_LIMIT:], rows),
        )


def moves(
    items: Sequence[attention.Item], month_report: report.MonthReport, found: Mapping[str, samples.Split]
) -> dict[tuple[str, str], str]:
    """`(kind, code) → "Since Sept 2026, −4.1 pts: mix −0.6, rate −3.5 (Business −3.0)"` for the
    items about a survey KPI whose change splits (`found`: `data.splits`)."""
    out = {}
    for item in items:
        kpi = attention.survey_kpi(item, month_report)
        if kpi is not None and kpi.code in found:
            row = month_report.kpis.get(kpi.code)
            noise = row.change_noise if row is not None else None
            out[(str(item.kind), item.code)] = splits.since(
                found[kpi.code], kpi.unit, month_report.month, noise
            )
    return out


def _item_row(item: attention.Item, owners: Mapping[str, str], move: str | None = None) -> None:
    """The item's words, and at their right a link to where to look: one horizontal container
    (one block sent, where two columns were three); on a phone the link goes under the words
    (`widgets.ROW_KEY`: beside them it squeezed an item of 14 lines into half the width)."""
    words = _item_text(item, owners)
    # of a KPI or a goal: the two may share a code (both owing a word made one key twice)
    key = f"{widgets.ROW_KEY}{zlib.crc32(f'{item.kind}:{attention.about(item)}:{item.code}'.encode())}"
    with st.container(horizontal=True, vertical_alignment="center", wrap=False, key=key):
        st.markdown(f"{words}  \n{plain.markdown(move)}" if move else words, width="stretch")
        if item.goal:
            widgets.goal_link(item.goal, t("overview.open_goal"))
        elif item.department:
            widgets.department_link(item.department, t("overview.open_department"))


LIST_LIMIT = attention.SHOWN
"""Rows of a list shown (the attention list, the signals, the status changes): the most severe
first; the rest are counted."""


def _item_text(item: attention.Item, owners: Mapping[str, str]) -> str:
    kind, value, target, note = phrases.attention_facts(item, owners)
    badge = widgets.attention_badge(item.kind, kind)
    numbers = t("overview.item_numbers", value=value, target=target) if item.unit else target
    lines = [f"{badge} **{plain.markdown(item.subject)}** · {numbers}", plain.markdown(note)]
    for other, (word, said) in zip(item.also, phrases.told_with(item, owners), strict=True):
        told = f"{widgets.attention_badge(other.kind, word)} {plain.markdown(said)}"
        lines.append(t("attention.also", items=told))
    return "  \n".join(lines)


def promises(month_report: report.MonthReport, all_promises: Sequence[Promise], scope: Scope) -> None:
    """Each promise with how many of its KPIs are on target; a reader who sees part of the company
    is told the counts are of their own KPIs (a head's "2 of 3" beside the CEO's "4 of 5" for the
    same promise, unexplained), and counts no KPI she reads only as context: a department head's
    card named the executive board's effort score, which her list of what needs attention rightly
    left out (a presenter's trial)."""
    st.subheader(t("overview.promises"))
    own = None
    if scope.departments is not None:
        st.caption(t("overview.promises_yours"))
        own = frozenset(row.kpi.code for row in month_report.own(scope)[1])
    shown = False
    for promise in all_promises:
        rows = [
            r for r in outlook.promise_kpis(month_report, promise.code) if own is None or r.kpi.code in own
        ]
        if not rows:
            continue
        shown = True
        short = sorted(
            (r for r in rows if r.status is not KpiStatus.GREEN), key=lambda r: r.status is not KpiStatus.RED
        )
        with st.container(border=True):
            st.markdown(f"**{t('widget.quote', text=plain.markdown(promise.text))}**")  # the language's marks
            st.progress(
                (len(rows) - len(short)) / len(rows),
                text=t(
                    "overview.promise_kept",
                    green=fmt.number(len(rows) - len(short)),
                    count=len(rows),
                    number=fmt.number(len(rows)),
                ),
            )
            # which of them fall short, and by how much: a bar said "0 of 5" and nothing of which
            if short:
                st.markdown("  \n".join(_short_of(row) for row in short))
    if not shown:  # a company that has written none is told so, and where they go
        where = phrases.menu_path("nav.data", "definitions.group_strategy", "definitions.tab_promises")
        st.caption(t("overview.no_promises") if all_promises else t("overview.no_promises_yet", where=where))


def _short_of(row: month_rows.KpiRow) -> str:
    """`✕ Off target Delivery slot kept · 92.4 % (target 92.9 % this month)`: a promise's KPI
    that falls short, as the attention list says its numbers."""
    target = row.target.value if row.target else None
    value = fmt.beside(row.value.value if row.value else None, target, row.kpi.unit, row.kpi.direction)
    aim = t("attention.target_now", target=fmt.value(target, row.kpi.unit))
    numbers = t("overview.item_numbers", value=value, target=aim) if target is not None else value
    return f"{widgets.badge_markdown(row.status)} {plain.markdown(row.kpi.name)} · {numbers}"
