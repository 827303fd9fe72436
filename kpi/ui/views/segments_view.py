"""The "Segments and touchpoints" tab of Why it moved: a survey KPI's score by segment or
touchpoint for the month (n, margin, change and whether it is significant), why the whole score
moved (mix and rate), and each group over the last 13 months. A figure read from fewer than
`samples.MIN_N` answers stands in brackets, as survey reports mark a small base, and is never
ranked (kpi.domain.samples holds every rule). The tables are plain frames with the verdicts as
coloured chips (`widgets.labels`), not pandas-styled: styling imported pandas' Styler and Jinja
on the page's first visit (0.22 s of its run on the 2-core machine) and cost 0.09 s of each run
after it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from kpi.domain import attention, cx, months, samples
from kpi.domain.model import Aggregation, Kpi
from kpi.store.segments import By
from kpi.text import fmt, palette, phrases, plain, splits
from kpi.text.i18n import t
from kpi.ui import data, urlstate, widgets
from kpi.ui.frame import Context

MONTHS = 13
"""Months of the over-time table: a year and the month, so the same month last year is in it."""
AGAINST = {"last_month": -1, "last_year": -12}
"""What the month is compared with, as months back."""
ALL = "\x00all"
"""The row of all answers together (no group is named so)."""
BETTER, WORSE, PLAIN = (palette.VARIATION_LOOKS[v] for v in ("improvement", "concern", "common_cause"))
"""The verdicts' chips: a significant change for the better blue, for the worse orange, else grey."""

KINDS = [Aggregation.NPS, Aggregation.CSAT, Aggregation.CES]
"""The order of the KPI picker: loyalty first, then satisfaction, then effort; within each, the
KPIs of the most strategic goals first (the company's NPS before a department's)."""

Counts = Mapping[date, Mapping[str, cx.SurveyCounts]]


def render(ctx: Context) -> None:
    """The whole tab for the viewer's scope and month."""
    found = [k for k in data.kpis(ctx.url, ctx.scope, ctx.language) if _answered(k, ctx)]
    goals = attention.kpi_goals(data.month_report(ctx.url, ctx.scope, ctx.month, ctx.language))
    depth = {code: row.goal.level.depth for code, row in goals.items()}
    kpis = {
        k.code: k
        for k in sorted(found, key=lambda k: (KINDS.index(k.aggregation), depth.get(k.code, 9), k.name))
    }
    if not kpis:  # an IT head's page said only "no survey KPIs to slice here"
        if ctx.scope.departments is None:  # a reader of all: no survey's answers are in at all
            where = phrases.menu_path("nav.data", "definitions.group_data", "imports.kind_responses")
            st.info(t("segments.no_surveys_any", where=where), icon=":material/info:")
            return
        st.info(t("segments.no_surveys"), icon=":material/info:")
        if ctx.viewer.department and ctx.scope.allows(ctx.viewer.department):
            widgets.department_link(ctx.viewer.department, t("segments.to_department"))
        return
    kpi, by, back = _controls(ctx, kpis)
    first = months.add(ctx.month, 1 - MONTHS)
    counts = data.segment_counts(ctx.url, ctx.scope, kpi.code, first, ctx.month, str(by))
    then = months.add(ctx.month, back)
    now_counts, then_counts = counts.get(ctx.month, {}), counts.get(then, {})
    if not now_counts:
        st.info(t("segments.no_answers", kpi=plain.markdown(kpi.name), month=fmt.month_long(ctx.month)))
        return
    sliced = Slice(kpi, by, now_counts, then_counts, ctx.month, then)
    order = month_table(sliced)
    split_table(sliced)
    over_time(kpi, by, counts, [months.add(ctx.month, -i) for i in range(MONTHS - 1, -1, -1)], order)


def _answered(kpi: Kpi, ctx: Context) -> bool:
    """Survey KPIs of the viewer's own departments: a KPI read by line of sight shows its value
    elsewhere, never its answers (kpi.store.segments reads the same way)."""
    return kpi.aggregation.is_survey and ctx.scope.allows(kpi.department)


def _controls(ctx: Context, kpis: Mapping[str, Kpi]) -> tuple[Kpi, By, int]:
    kpi_col, by_col, against_col = st.columns([3, 2, 2], vertical_alignment="bottom")
    code = urlstate.selectbox(  # in the URL: `/why?kpi=NPS_B2B` opens on it
        t("segments.kpi"),
        list(kpis),
        key="kpi",
        default=next(iter(kpis)),
        format_func=lambda c: kpis[c].name,
        where=kpi_col,
    )
    by = by_col.segmented_control(
        t("segments.by"),
        [str(b) for b in By],
        default=str(By.SEGMENT),
        key="why.segments.by",
        format_func=lambda b: t(f"segments.by_{b}"),
    )
    against = against_col.segmented_control(
        t("segments.against"),
        list(AGAINST),
        default="last_month",
        key="why.segments.against",
        format_func=lambda a: t(f"segments.{a}"),
    )
    return kpis[code or next(iter(kpis))], By(by or By.SEGMENT), AGAINST[against or "last_month"]


def _by_word(by: By) -> str:
    return t(f"segments.by_{by}").lower()


@dataclass(frozen=True)
class Slice:
    """A survey KPI's answers by group in the month and in the month it is compared with."""

    kpi: Kpi
    by: By
    now: Mapping[str, cx.SurveyCounts]
    then: Mapping[str, cx.SurveyCounts]
    month: date
    before: date


PHONE_GROUP_WIDTH = 118
"""Pixels of a phone's month table's group column at most: "1. Kundeservice" whole at 390 px,
the score, change and verdict chip in the rest."""


def phone_group_width(groups: Sequence[str]) -> int:
    """The phone's group column as wide as its longest name needs (about 7 px a letter and the
    cell's padding), at most `PHONE_GROUP_WIDTH`: short names ("1. Privat") left the Danish
    verdict chip "~ Ikke signifikant" cut at the right edge (a day-one trial)."""
    longest = max((len(group) for group in groups), default=0)
    return max(64, min(PHONE_GROUP_WIDTH, 16 + 7 * longest))


def month_table(sliced: Slice) -> list[str]:
    """The month by group: rank, score, margin, answers, the month compared with, the change and
    its verdict; all answers first, then the ranked groups best first, then the bracketed ones.
    Returns the groups in that order."""
    kpi, now, then = sliced.kpi, sliced.now, sliced.then
    st.subheader(t("segments.month_heading", month=fmt.month_long(sliced.month), by=_by_word(sliced.by)))
    st.caption(t("segments.month_caption", min_n=samples.MIN_N))
    higher = kpi.direction == "higher"
    rows = [_all_answers(sliced), *samples.cells(kpi.aggregation, now, then, higher)]
    ranks = shown_ranks(rows, kpi.unit)
    frame = pd.DataFrame.from_records(
        [_month_row(cell, kpi, fmt.month(sliced.before), ranks.get(cell.group)) for cell in rows]
    )
    verdict = t("segments.col_verdict")
    config = {verdict: widgets.labels(verdict_looks(higher))}
    widgets.screen_style()
    with st.container(key="wide-month-table"):
        widgets.dataframe(frame, hide_index=True, width="stretch", column_config=config)
    with st.container(key="phone-month-table"):  # the answer's four columns, no sideways scroll
        shown = [t(f"segments.col_{name}") for name in ("group", "score", "change", "verdict")]
        # the group's name whole ("1. Kundeserv" was cut, a CX director's trial), the rest share
        wide = phone_group_width(list(frame[t("segments.col_group")]))
        named = {t("segments.col_group"): st.column_config.TextColumn(width=wide)}
        options = {"column_config": {**config, **named}, "column_order": shown}
        widgets.dataframe(frame, hide_index=True, width="stretch", **options)
    return [cell.group for cell in rows if cell.group != ALL]


def verdict_looks(higher_is_better: bool) -> dict[str, palette.Look]:
    """Every verdict the month table may show, and its chip's look for a KPI of this direction."""
    up, down = (BETTER, WORSE) if higher_is_better else (WORSE, BETTER)
    return {
        t("segments.significant_up"): up,
        t("segments.significant_down"): down,
        t("segments.not_significant"): PLAIN,
        t("segments.too_few"): PLAIN,
        t("segments.new_group"): PLAIN,
    }


def bracketed(text: str, is_low: bool) -> str:
    """`(41.2)` for a figure read from too few answers, else the figure as it is."""
    return t("segments.low", value=text) if is_low else text


def _whole(counts: Mapping[str, cx.SurveyCounts]) -> dict[str, cx.SurveyCounts]:
    return {ALL: samples.summed(counts.values())} if counts else {}


def _all_answers(sliced: Slice) -> samples.Cell:
    """The month of every answer as one group (`ALL`), against the month it is compared with:
    the month table's first row and what the split's line calls noise or not (`cell_noise`)."""
    kpi = sliced.kpi
    whole = {ALL: samples.summed(sliced.now.values())}
    [cell] = samples.cells(kpi.aggregation, whole, _whole(sliced.then), kpi.direction == "higher")
    return cell


def shown_ranks(cells: Sequence[samples.Cell], unit: str) -> dict[str, int]:
    """Each ranked group's rank as the reader sees the scores: groups whose scores read the same
    share a rank (1, 1, 1, 4, 4), as a table of equal-looking scores numbered 1 to 5 ranked
    noise (a CX director's trial: five touchpoints at 5.0 and 4.9 / 7, none significantly
    changed, numbered as if one led)."""
    out: dict[str, int] = {}
    last, last_rank = None, 0
    for cell in sorted((c for c in cells if c.rank and c.group != ALL), key=lambda c: c.rank or 0):
        shown = fmt.value(cell.value.value, unit)
        rank = last_rank if shown == last else cell.rank or 0
        out[cell.group], last, last_rank = rank, shown, rank
    return out


def _month_row(cell: samples.Cell, kpi: Kpi, then_label: str, rank: int | None = None) -> dict[str, object]:
    """One group's month, the columns a phone shows first on the left; `rank` as `shown_ranks`."""
    unit = kpi.unit
    value, before = cell.value, cell.before
    low, low_then = not cell.is_enough, before is None or not samples.is_enough(before.n)
    name = t("segments.all_answers") if cell.group == ALL else splits.group_name(cell.group)
    change = fmt.delta(cell.change.difference, unit) if cell.change else "–"
    return {
        t("segments.col_group"): f"{rank}. {name}" if rank and cell.group != ALL else name,
        t("segments.col_score"): bracketed(fmt.value(value.value, unit), low),
        t("segments.col_change"): bracketed(change, cell.change is not None and (low or low_then)),
        t("segments.col_verdict"): [_verdict(cell)],
        t("segments.col_margin"): fmt.number(value.margin, 1) if value.margin is not None else "–",
        t("segments.col_n"): fmt.number(value.n),
        then_label: bracketed(fmt.value(before.value, unit), low_then) if before else fmt.value(None, unit),
    }


def cell_noise(cell: samples.Cell) -> samples.Noise | None:
    """Why a group's change (`cell`, all answers' too) is no news: too few answers in either month,
    or not significant by the test of its answers (`samples.compare`); None when it is
    significant. The month table's verdicts (`_verdict`) and the split's line say the same."""
    if cell.change is None or not (cell.is_enough and cell.before and samples.is_enough(cell.before.n)):
        return samples.Noise.FEW_ANSWERS
    return None if cell.change.significant else samples.Noise.WITHIN_MARGIN


def _verdict(cell: samples.Cell) -> str:
    if cell.before is None or cell.before.n == 0:
        return t("segments.new_group")
    noise = cell_noise(cell)
    if noise is not None:
        return t("segments.too_few" if noise is samples.Noise.FEW_ANSWERS else "segments.not_significant")
    assert cell.change is not None  # a change without noise was tested: `cell_noise`
    return t("segments.significant_up" if cell.change.difference > 0 else "segments.significant_down")


def split_table(sliced: Slice) -> None:
    """Why the whole score moved from the month compared with to the month: the line, then each
    group's part of the change, its mix and rate, and the shares and scores they come from; the
    parts add up to the change. The answer stands first: a phone showed the shares and scores
    and left the parts off its right edge (a CEO's trial)."""
    kpi = sliced.kpi
    st.subheader(t("segments.split_heading", before=fmt.month(sliced.before), now=fmt.month(sliced.month)))
    split = samples.split(kpi.aggregation, sliced.then, sliced.now)
    if split is None:
        st.caption(t("segments.no_split"))
        return
    noise = cell_noise(_all_answers(sliced))  # a change the month table calls noise has no mover to name
    st.markdown(f"**{plain.markdown(splits.line(split, kpi.unit, noise))}**")
    st.caption(t("segments.split_caption", by=_by_word(sliced.by), min_n=samples.MIN_N))
    unit = kpi.unit
    parts = sorted(split.parts, key=lambda p: (not p.is_enough, -abs(p.total), p.segment))
    records = [
        {
            t("segments.col_group"): splits.group_name(p.segment),
            t("segments.col_part"): bracketed(splits.part(p.total, unit), not p.is_enough),
            t("segments.col_mix"): bracketed(splits.part(p.mix, unit), not p.is_enough),
            t("segments.col_rate"): bracketed(splits.part(p.rate, unit), not p.is_enough),
            t("segments.col_share"): _from_to(100 * p.share_before, 100 * p.share_now, "%"),
            t("segments.col_scores"): bracketed(_from_to(p.score_before, p.score_now, unit), not p.is_enough),
        }
        for p in parts
    ]
    frame = pd.DataFrame.from_records(records)
    with st.container(key="wide-split-table"):
        widgets.dataframe(frame, hide_index=True, width="stretch")
    with st.container(key="phone-split-table"):  # the parts that add up to the change, on a screen
        shown = [t(f"segments.col_{name}") for name in ("group", "part", "mix", "rate")]
        short = {
            shown[1]: st.column_config.TextColumn(t("segments.col_part_short"))
        }  # its long head cut "Rate"
        widgets.dataframe(frame, hide_index=True, width="stretch", column_order=shown, column_config=short)


def _from_to(before: float | None, now: float | None, unit: str) -> str:
    return f"{fmt.value(before, unit)} → {fmt.value(now, unit)}"


def over_time(kpi: Kpi, by: By, counts: Counts, shown: list[date], order: Sequence[str]) -> None:
    """Each group's score, margin and answers month by month; cells under `MIN_N` in brackets.
    The groups stand in `order` (the month table's, so the page ranks them one way), any other
    after by name. The months before the first with answers are left out (a company that began
    asking in January showed two columns of dashes first, on a phone all it saw). The latest
    month comes first: oldest first, a screen of 1280 pixels showed the six oldest months and a
    phone the three oldest, the month the page is about behind a sideways scroll. A phone gets
    the months as rows and the groups as columns, a cell score and margin."""
    first = next((n for n, m in enumerate(shown) if counts.get(m)), max(len(shown) - 1, 0))
    shown = shown[first:]
    st.subheader(t("segments.time_heading", by=t(f"segments.by_{by}"), count=len(shown)))
    answered = {g for m in shown for g in counts.get(m, {})}
    groups = [g for g in order if g in answered]
    groups += sorted(answered - set(groups), key=splits.group_name)
    rows: list[tuple[str, dict[date, cx.SurveyCounts]]] = [
        (ALL, {m: samples.summed(counts[m].values()) for m in shown if counts.get(m)})
    ]
    rows += [(g, {m: counts[m][g] for m in shown if g in counts.get(m, {})}) for g in groups]
    scores = [
        (
            t("segments.all_answers") if group == ALL else splits.group_name(group),
            {m: cx.score(kpi.aggregation, c) for m, c in by_month.items()},
        )
        for group, by_month in rows
    ]
    group_word, month_word = t("segments.col_group"), t("segments.col_month")
    widgets.screen_style()
    with st.container(key="wide-over-time"):
        st.caption(t("segments.time_caption", min_n=samples.MIN_N))
        records = [
            {group_word: name} | {fmt.month(m): _cell(values.get(m), kpi.unit) for m in reversed(shown)}
            for name, values in scores
        ]
        widgets.dataframe(pd.DataFrame.from_records(records), hide_index=True, width="stretch")
    with st.container(key="phone-over-time"):
        st.caption(t("segments.time_caption_phone", min_n=samples.MIN_N))
        headings = _distinct([name for name, _ in scores], taken={month_word})
        records = [
            {month_word: fmt.month(m)}
            | {
                heading: _cell(values.get(m), kpi.unit, phone=True)
                for heading, (_, values) in zip(headings, scores, strict=True)
            }
            for m in reversed(shown)
        ]
        # every month at once: ten rows and a scroll hid the year before on a phone (a CEO's trial)
        widgets.dataframe(
            pd.DataFrame.from_records(records), hide_index=True, width="stretch", height="content"
        )


def _distinct(names: Sequence[str], taken: set[str]) -> list[str]:
    """Column headings for `names`, a repeated one (two segment codes read alike, or one called
    like the month column) numbered so no column takes another's place."""
    out = []
    for name in names:
        heading, n = name, 2
        while heading in taken:
            heading, n = f"{name} ({n})", n + 1
        taken.add(heading)
        out.append(heading)
    return out


def _cell(value: cx.SurveyValue | None, unit: str, *, phone: bool = False) -> str:
    """Score ± margin · answers (a phone's cell leaves the answers out), in brackets under `MIN_N`."""
    if value is None or value.value is None:
        return t("segments.cell_empty")
    margin = fmt.number(value.margin, 1) if value.margin is not None else "–"
    score = fmt.value(value.value, unit)
    cell = (
        t("segments.cell_phone", score=score, margin=margin)
        if phone
        else (t("segments.cell", score=score, margin=margin, n=fmt.number(value.n)))
    )
    return bracketed(cell, not samples.is_enough(value.n))
