"""Short sentences about numbers, direction-aware: a falling wait time is good news."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date

from kpi.domain import attention, cycle, months, outlook, owed, signals, status, verdicts
from kpi.domain.attention import Item
from kpi.domain.company_events import CompanyEvent
from kpi.domain.initiatives import MIN_AFTER, Outcome, Verdict
from kpi.domain.model import (
    Action,
    Direction,
    EventMeasure,
    EventMonth,
    GoalStatus,
    KpiStatus,
    MonthValue,
    within_unit,
)
from kpi.domain.month_rows import GoalRow, KpiRow
from kpi.domain.samples import Noise
from kpi.domain.signals import Reading
from kpi.domain.targets import MonthTarget, Moved
from kpi.domain.unusual import Unusual
from kpi.text import fmt, palette, plain, words
from kpi.text.i18n import t


def change(
    delta: float | None,
    unit: str,
    direction: Direction,
    since: date,
    reading: Reading | None = None,
    noise: Noise | None = None,
) -> str:
    """`+1.2 pts, better than Sep 2026`; an en dash when there is nothing to compare. With the
    KPI's process `reading`, a month that went the other way from its signal says the signal
    still holds: "-1.1 pts, worse than Oct 2026; still better than usual" (the chip "▲ Better
    than usual" beside "worse than Oct" read as a contradiction). A survey score's change that
    sampling explains (`noise`, `samples.noise`) is neither better nor worse: "+26 pts since Oct
    2026, too few answers to call it real"."""
    if delta is None:
        return "–"
    judged = _judged(delta, unit, direction)
    if judged is None:
        return t("phrase.unchanged", month=fmt.month_unbroken(since))
    if noise is not None:
        return t(f"phrase.change_{noise}", delta=fmt.delta(delta, unit), month=fmt.month_unbroken(since))
    word = t("change.better" if judged else "change.worse")
    said = t("phrase.change", delta=fmt.delta(delta, unit), judgement=word, month=fmt.month_unbroken(since))
    if against_signal(delta, unit, direction, reading) and reading is not None:
        said = t("phrase.change_still", said=said, usual=t(f"signal.variation.{reading.variation}").lower())
    return said


def _judged(delta: float, unit: str, direction: Direction) -> bool | None:
    """Whether a change shown in `unit` is for the better (None: it shows as no change)."""
    return status.change_is_better(round(delta, 6), direction) if fmt.shows_change(delta, unit) else None


def against_signal(
    delta: float | None, unit: str, direction: Direction, reading: Reading | None, noise: Noise | None = None
) -> bool:
    """Whether the month went the other way from its KPI's signal: worse under "better than
    usual", better under "worse than usual" (the signal still holds, and is said so). A change
    that chance explains (`noise`) went no way at all: the chip says "Better than usual", as
    the slide does, not "Still better than usual" under a change called chance."""
    if delta is None or reading is None or noise is not None:
        return False
    judged, variation = _judged(delta, unit, direction), str(reading.variation)
    return (variation == "improvement" and judged is False) or (variation == "concern" and judged is True)


def went_against(row: KpiRow | None) -> bool:
    """`against_signal` for a KPI's month as its report row holds it (False without a row): the
    verdict beside it then says "Still better than usual" (`verdict_looks`)."""
    if row is None:
        return False
    kpi = row.kpi
    return against_signal(row.delta_previous, kpi.unit, kpi.direction, row.reading, row.change_noise)


def pace(made: float, elapsed: float, baseline: str) -> str:
    """`62 % of the way, with 58 % of the time used`; a goal that has moved away from its target
    reads as that (worse than its `baseline`), never as a negative share of the way."""
    used = fmt.number(100 * elapsed)
    if made < 0:
        return t("cascade.fact_pace_backwards", baseline=baseline, elapsed=used)
    return t("cascade.fact_pace", made=fmt.number(100 * min(made, 1.0)), elapsed=used)


def versus_target(gap: float | None, unit: str, direction: Direction) -> str:
    """`2.1 pts better than target` / `8 s short of target`."""
    if gap is None:
        return "–"
    if abs(gap) < 1e-9:
        return t("phrase.at_target")
    better = status.change_is_better(gap, direction)
    amount = fmt.delta(abs(gap), unit).lstrip("+")
    return t("phrase.beyond_target" if better else "phrase.short_of_target", amount=amount)


def forecast(
    value: float,
    target: float | None,
    unit: str,
    direction: Direction,
    standing: GoalStatus | None = None,
    margin: float | None = None,
) -> str:
    """Where a goal's line points at its deadline, and what that means for its target: `+40,
    reaching the target` / `2.1 %, 0.6 pts short of target`. "At risk … forecast +40" beside a
    target of +40 read as two answers to one question (a CEO's trial): a goal behind its path
    now (its `standing` at risk or off track) that its pace still takes to its target says it
    does so "still" (a presenter's trial read "At risk … so the target is reached" as a
    contradiction); one on track whose pace falls short says that its status is this month's
    ("On track" beside "10 s short of target" asked which was true: a CEO's and a day-one trial).
    A survey goal's forecast carries its `margin` (`outlook.forecast_margin`): `+40 ± 11.2 pts`;
    where the target lies within it, whether the pace reaches it cannot be told, and it says so
    (a CX director could not tell the CEO whether +40 would be reached)."""
    shown = forecast_value(value, unit, margin)
    if margin is not None and target is not None and value - margin <= target <= value + margin:
        return t("phrase.forecast_either", value=shown)
    if target is None:
        return shown
    if status.meets(value, target, direction):
        behind = standing in (GoalStatus.AT_RISK, GoalStatus.OFF_TRACK)
        return t("phrase.forecast_catches_up" if behind else "phrase.forecast_reaches", value=shown)
    key = "phrase.forecast_short_on_track" if standing is GoalStatus.ON_TRACK else "phrase.forecast_short"
    return t(key, value=shown, gap=versus_target(value - target, unit, direction))


def survey_sample(value: MonthValue | None, unit: str) -> str:
    """A survey value's sample: `n = 23 answers, ± 29.2 (95 %) — low confidence`, or an empty
    string for a measured value."""
    if value is None or value.n is None:
        return ""
    if value.margin is None:  # one answer: no spread to measure, no margin to give ("± 0.0")
        return t("widget.survey_no_margin", count=value.n, n=fmt.number(value.n))
    key = "widget.survey_low" if value.is_low_confidence else "widget.survey"
    return t(key, count=value.n, n=fmt.number(value.n), margin=fmt.margin(value.margin, unit))


def runs_out(bound: float, target: float | None, unit: str, direction: Direction) -> str:
    """Why a goal has no forecast where its line passes `bound`, an end of what its unit can
    reach (`outlook.runs_out`): towards its target, that it reaches the target first ("no
    forecast" of a share climbing past 100 % to a 95 % target read as bad news, a review); away
    from it, only that the line leaves what the number can do ("Forecast at deadline: 0 s,
    reaching the target" stood under three months of a falling wait, a day-one trial)."""
    shown = fmt.value(bound, unit)
    if target is not None and status.meets(bound, target, direction):
        return t("widget.no_forecast_reaching", target=fmt.value(target, unit), bound=shown)
    return t("widget.no_forecast_runs_out", bound=shown)


def no_forecast_why(row: GoalRow, series: Sequence[MonthValue], month: date) -> str:
    """Why the goal has no forecast where its line runs past what its unit can reach by the
    deadline (`outlook.runs_out`, said by `runs_out`), else "": its tile, its detail and its
    slide's notes say it alike."""
    bound = outlook.runs_out(row, series, month)
    if row.kpi is None or bound is None:
        return ""
    return runs_out(bound, row.goal.target, row.kpi.unit, row.kpi.direction)


def forecast_value(value: float, unit: str, margin: float | None = None) -> str:
    """A forecast's value as written, a survey goal's with its `margin`: `+40 ± 17.1 pts`; where
    the margin reaches past what the unit can take, the range within it, `91.1 % (72.8 %–100.0 %)`
    ("91.1 % ± 18.3 pts" promised a share above 100 %)."""
    shown = fmt.value(value, unit)
    if margin is None:
        return shown
    low, high = within_unit(value - margin, unit), within_unit(value + margin, unit)
    if (low, high) == (value - margin, value + margin):
        return t("phrase.forecast_margin", value=shown, margin=fmt.margin(margin, unit))
    return t("phrase.forecast_range", value=shown, range=fmt.value_span(low, high, unit))


def doubtful_sample(value: MonthValue | None, unit: str) -> str:
    """`survey_sample` where too few answered for the value to be read alone (a slide said "✓ On
    track +48" of 23 answers, ± 29, with the doubt only in the speaker notes), else nothing."""
    uncertain = (
        value is not None and value.n is not None and (value.is_low_confidence or value.margin is None)
    )
    return survey_sample(value, unit) if uncertain else ""


def correction(
    unchanged: bool,
    kpi: str,
    month: date,
    value: float,
    unit: str,
    before: float | None = None,
    closed: bool = False,
) -> str:
    """What a correction did: "The value of CS_WAIT for September 2026 is now 77.5 s (it was
    78.6 s)." or that it already was (`value` and `before` as stored, in its `unit`:
    `fmt.exact`); its month written as a deletion's is (`deletion`). In a `closed` month, that
    its pack shows the change as revised after the close (nothing had said so)."""
    key = (
        "correct.unchanged"
        if unchanged
        else "correct.corrected"
        if before is None
        else "correct.corrected_from"
    )
    was = "" if before is None else fmt.exact(before, unit)
    said = ended(t(key, kpi=kpi, month=fmt.month_long(month), value=fmt.exact(value, unit), before=was))
    if closed and not unchanged:
        said = f"{said} {capital(t('correct.closed_month', month=fmt.month_long(month)))}"
    return said


def deletion(values: int, answers: int, kpi: str | None, month: date, *, asked: bool = False) -> str:
    """What a deletion takes, `asked` before it is made ("This deletes 31 values: every KPI's for
    October 2026. The audit log keeps them.") or told after it ("Deleted 31 values of …"); `kpi`
    None for every KPI."""
    what = kpi or t("correct.every_kpi")
    kind = "answers" if answers else "values"
    key = f"correct.ask_{kind}" if asked else f"correct.deleted_{kind}"
    count = answers or values
    return t(key, count=count, what=what, month=fmt.month_long(month))


def targets_moved(moved: Moved) -> str:
    """How a correction or deletion moves the next year's phased month targets, one sentence:
    "2026's month targets are phased by the months of 2025, so 12 of them move with it, and the
    statuses judged by them. The largest move is Nov 2026's: from 4.1 min to 4.3 min."
    (`targets.moved`)."""
    year = moved.month.year
    return ended(
        t(
            "correct.targets_moved",
            count=moved.count,
            year=year,
            last=year - 1,
            month=fmt.month_unbroken(moved.month),
            before=fmt.value(moved.before, moved.unit),
            after=fmt.value(moved.after, moved.unit),
        )
    )


def targets_moved_for(count: int, month: date) -> str:
    """A deletion of every KPI's month that phases the next year's targets: "2026's month targets
    of 31 KPIs are phased by the months of 2025, so they move with it." (`targets_moved` for one)."""
    return t("correct.targets_moved_many", count=count, year=month.year + 1, last=month.year)


MOVES_NAMED = 3
"""An import that moves more KPIs' targets than this names them only."""


def targets_moved_by_file(moved: Sequence[tuple[str, Moved]]) -> str:
    """How an import's values move the next year's phased month targets: each KPI's, as a
    correction says it (`targets_moved`), up to `MOVES_NAMED` KPIs; more by their codes."""
    if len(moved) > MOVES_NAMED:
        codes = words.names_listed(tuple(kpi for kpi, _ in moved))
        return t("import.targets_moved_many", count=len(moved), kpis=codes)
    return " ".join(t("import.targets_moved_of", kpi=kpi, said=targets_moved(how)) for kpi, how in moved)


def targets_said(moved: Moved | None, moved_kpis: int, month: date) -> str:
    """How a correction or deletion of `month` moves the next year's targets: one KPI's
    (`targets_moved`), or how many KPIs' (`targets_moved_for`); nothing when none move."""
    if moved is not None:
        return targets_moved(moved)
    return targets_moved_for(moved_kpis, month) if moved_kpis else ""


def target_kind(target: MonthTarget | None, month: date) -> str:
    """What a KPI's month target is: `2026 target, phased` / `target for Oct 2026` / `2026 target`."""
    if target is None:
        return ""
    return t(f"phrase.target_{target.kind}", year=month.year, month=fmt.month_unbroken(month))


def goal_figures(row: GoalRow) -> tuple[str, str]:
    """A goal's value as it stands beside its target (with the decimals that tell them apart,
    `fmt.beside`) and its target, in its KPI's unit (a goal without a KPI counts): how tables,
    lines, slides and notes show a goal."""
    unit = row.kpi.unit if row.kpi else "count"
    value = row.value.value if row.value else None
    direction = row.kpi.direction if row.kpi else None
    return fmt.beside(value, row.goal.target, unit, direction), fmt.value(row.goal.target, unit)


def target_on_path(row: GoalRow, month: date) -> str:
    """A goal's target as a sub-goal's line gives it beside its status: with where its planned
    path stands in `month` while the value is short of the target, the level its status is judged
    against. "5.1 / 7 · ✓ On track · target 5.2 / 7" read as a number below its target marked
    green (a presenter's trial): "5.2 / 7 (planned path 5.0 / 7 this month)"."""
    _, target = goal_figures(row)
    level = verdicts.on_pace(row.goal, month)
    kpi, value = row.kpi, row.value
    if level is None or kpi is None or value is None or row.goal.target is None:
        return target
    if status.meets(value.value, row.goal.target, kpi.direction):
        return target
    said, path = fmt.values_apart(row.goal.target, level, kpi.unit)
    if said == path:  # at its deadline the path is the target
        return target
    return t("phrase.target_path", target=said, path=path)


def by_deadline(deadline: date | None) -> str:
    """When a goal's target is due, as the end of a phrase: `by 31 Dec 2027`, `with no deadline`
    (a goal without one read "Target 90 % by no deadline")."""
    return (
        t("phrase.by_deadline", deadline=fmt.day_unbroken(deadline)) if deadline else t("phrase.no_deadline")
    )


def labelled_target(target: MonthTarget | None, unit: str, month: date) -> str:
    """The month target with what it is: `92 s (2026 target, phased)`; an en dash without one."""
    if target is None:
        return "–"
    return t("phrase.target_labelled", value=fmt.value(target.value, unit), kind=target_kind(target, month))


def since(item: Item, month: Callable[[date], str] = fmt.month_unbroken) -> str:
    """`since Oct 2026`, or `since Dec 2025 or earlier` where the run reaches back as far as the
    cockpit looked (`Item.since_or_earlier`); nothing without a run."""
    if item.since is None:
        return ""
    key = "attention.since_or_earlier" if item.since_or_earlier else "attention.since"
    return t(key, month=month(item.since))


def ended(sentence: str) -> str:
    """`sentence` with one full stop at its end where a message's own stop followed a unit's
    abbreviation ("… er nu 77,5 sek.." in Danish)."""
    return sentence[:-1] if sentence.endswith("..") and not sentence.endswith("...") else sentence


NAMED_FAR = 5
"""Values far from usual a message names one by one; the rest it counts."""


TIMES_SAID = 1_000_000
"""Beyond this many times larger or smaller than usual, a value is said to be "over 1,000,000
times" so: a value of 1e-28 was "709,166,666,666,666,700,000,000,000,000 times smaller", and
one of 1e-320 "– times smaller"."""


def _times(times: float) -> str:
    """How many times larger or smaller than usual (`Unusual.times`), in words a person reads."""
    apart = max(times, 1 / times) if times > 0 else math.inf
    if apart > TIMES_SAID:
        return t("import.over", number=fmt.number(TIMES_SAID))
    return fmt.number(apart)


def to_check(far: Sequence[Unusual]) -> str:
    """The values far from their KPI's usual ones to look at before the meeting sees them, or
    nothing: "Check the value far from its KPI's usual ones before the meeting sees it: CS_WAIT,
    Sept 2026: 1,234.5 s, 11 times its usual 109 s." Plain text."""
    if not far:
        return ""
    listed = "; ".join(
        t(
            "import.unusual_from_none"
            if not each.usual
            else "import.unusual_larger"
            if each.times >= 1
            else "import.unusual_smaller",
            kpi=each.kpi,
            month=fmt.month(each.month),
            value=fmt.exact(each.value, each.unit),
            usual=fmt.value(each.usual, each.unit),
            times=_times(each.times) if each.usual else "",
        )
        for each in far[:NAMED_FAR]
    )
    listed += words.more(len(far) - NAMED_FAR)
    return ended(t("import.unusual", count=len(far), listed=listed))


ACTION_TITLE = 60
"""Characters of an action's title a line about its number shows (its whole title stands in the
actions' lists): a note shows four lines on a slide."""


def plan(actions: Sequence[Action], late: Collection[int] = ()) -> str:
    """What is being done about an item (`Item.plan`): `action: Map the hand-offs (due 31 Oct
    2026) and 1 more`, `action: … (overdue: due 31 Oct 2026)` for one of `late`, or `no action
    yet`. Plain text (a title is as a person typed it)."""
    if not actions:
        return t("attention.no_action")
    first = actions[0]
    title = plain.shortened(first.title, ACTION_TITLE)
    key = "attention.action_late" if first.id in late else "attention.action_due"
    said = (
        t(key, title=title, due=fmt.day_unbroken(first.due))
        if first.due
        else t("attention.action", title=title)
    )
    return said + (t("attention.more_actions", count=len(actions) - 1) if len(actions) > 1 else "")


PROMISED = {"<=": "attention.target_at_most", ">=": "attention.target_at_least"}
"""A service priority's bound by its comparison: "at most 24.0 h" beside its KPI's "27.1 h this
month" and its goal's "95.0 % by Jun 2027", so each of a number's three bars says what it is (a
CEO read one number with three verdicts against three targets, each said as "target")."""


def attention_facts(item: Item, owners: Mapping[str, str]) -> tuple[str, str, str, str]:
    """(kind, value, target, note) of an exception, in the reader's language: the note says who
    owns it, since when it has been so and whether it has been explained this month."""
    kind = kind_word(item.kind, item.detail)
    unit = item.unit or "count"  # a goal without a KPI still has a value and a target to show
    value = fmt.beside(item.value, item.target, unit, item.direction)
    target = fmt.value(item.target, unit)
    if item.deadline is not None and item.target is not None:  # a goal's: the value to reach by then
        target = t("attention.target_by", target=target, when=fmt.month_unbroken(item.deadline))
    elif item.kind == "broken_priority" and item.detail in PROMISED:  # a promise's: its bound
        target = t(PROMISED[item.detail], target=target)
    elif item.target is not None and attention.about(item) == "kpi":  # a KPI's: this month's step
        target = t("attention.target_now", target=target)
    if item.detail and item.kind == "late_action":
        target = t("attention.due", due=fmt.day_unbroken(date.fromisoformat(item.detail)))
    if item.detail and item.kind == "late":  # no value yet: how late it is, beside the target
        value = t("attention.days_late", count=int(item.detail))
    parts = [
        t("attention.owner", name=owners.get(item.owner, item.owner))
        if item.owner
        else t("attention.no_owner")
    ]
    if item.plan is not None:
        parts.append(plan(item.plan, item.plan_late))
    if item.since is not None:
        parts.append(since(item))
    said = attention.explained(item)  # of it and those told with it; None: the reader reads none
    if said is not None:
        parts.append(t(f"attention.said_{said}"))
    if item.events is not None and item.event is not None:
        parts.insert(0, event_words(item.events, item.event))
    if item.kind == "commentary_owed" and item.detail in ("improvement", "concern"):
        parts.insert(0, t(f"attention.owed_{item.detail}"))
    parts[:0] = [during(event) for event in item.during]
    line = " · ".join(parts)  # each part begins with our words (never a typed title): ours to capitalise
    return kind, value, target, line[:1].upper() + line[1:]


def kind_word(kind: str, detail: str = "") -> str:
    """An exception kind's word (`attention.Kind`): a mismatch says which (`detail`)."""
    return t(f"mismatch.{detail}") if kind == "mismatch" else t(f"attention.{kind}")


def items_counted(items: Sequence[Item]) -> str:
    """`30 items need attention, with 45 exceptions among them:` before the counts by kind
    (`attention.kinds`) of a list told by measure: the items are one per number, the kinds count
    every exception in them (a header said 30 beside counts summing to 45, unexplained)."""
    total = len(attention.every(items))
    if total == len(items):
        return t("attention.items_counted", count=len(items))
    # more exceptions than items, so at least two: the count of items decides the plural
    return t("attention.items_and_exceptions", count=len(items), total=fmt.number(total))


def exceptions_in_all(items: Sequence[Item]) -> str:
    """`45 exceptions among them (…):` where a list told by measure holds more exceptions than items (the
    month slide's count is the items'), else nothing."""
    total = len(attention.every(items))
    return t("attention.exceptions_in_all", count=total) if total != len(items) else ""


def told_with(item: Item, owners: Mapping[str, str]) -> list[tuple[str, str]]:
    """(kind, words) of each item told with `item` (`Item.also`: the month's other items on its
    number): `Off target`, `Wait time on the phone · 96 s (target 77 s this month)`, a goal's target
    by its deadline; its owner only where it is someone else. Plain text (a title is as a person
    typed it)."""
    out = []
    for other in item.also:
        kind, value, target, _ = attention_facts(other, owners)
        parts = [other.subject, numbers(other, value, target)]
        if other.owner and other.owner != item.owner:
            parts.append(t("attention.owner", name=owners.get(other.owner, other.owner)))
        if other.owed and other.commented is False:  # which of them the line's "not explained yet" means
            parts.append(t("attention.said_owed"))
        out.append((kind, " · ".join(parts)))
    return out


def told_with_line(item: Item, owners: Mapping[str, str]) -> str:
    """The items told with `item` as one line of plain text, `Also: Goal off track: Callers wait
    at most a minute · target 60 s by Mar 2027; …`, empty without: for a slide's note, a mail, a
    terminal."""
    found = told_with(item, owners)
    if not found:
        return ""
    return t("attention.also", items="; ".join(f"{kind}: {words}" for kind, words in found))


def numbers(item: Item, value: str, target: str) -> str:
    """An item's value and target as a line of text says them, `78.0 % (target 80.0 %)`; an
    overdue action's date as such, `due 31 Oct 2026` (a mail read "– (target due 31 Oct 2026)")."""
    if item.kind == "late_action":
        return target
    return t("overview.item_numbers", value=value, target=target)


def during(event: CompanyEvent) -> str:
    """`during IT incident: payment platform outage (Sep 2026)`: what a signal in an event's
    month may be due to. Plain text (the title is as a person typed it)."""
    return t("happening.during", title=event.title, when=event_period(event))


def event_period(event: CompanyEvent) -> str:
    """The months an event touches: `Sep 2026`, or `Sep – Oct 2026` / `Dec 2025 – Jan 2026`."""
    first, last = fmt.month_unbroken(event.first_month), fmt.month_unbroken(event.last_month)
    return first if first == last else f"{first} – {last}"


def verdict_words(verdict: Verdict) -> str:
    """An initiative's verdict in words (kpi.domain.initiatives): `Improvement signal after 2
    months`, `No signal yet (4 points)`, `Concern`, or that there are too few points to tell."""
    if verdict.outcome is Outcome.IMPROVEMENT:
        return t("initiative.improvement", count=verdict.after or verdict.points)
    if verdict.outcome is Outcome.TOO_FEW:
        return t("initiative.too_few", count=verdict.points, needed=MIN_AFTER)
    if verdict.outcome is Outcome.NO_ROUTINE:
        return t("initiative.no_routine", count=verdict.before, needed=signals.MIN_POINTS)
    return t(f"initiative.{verdict.outcome}", count=verdict.points)


def event_words(measure: EventMeasure, event: EventMonth) -> str:
    """A month of a priority measured over call records, in words: `72 % of the 1,204 calls in
    the invoice queue answered within 90 s (needs 80 %); worst day 14 Oct 2026: 51 %`. Plain
    text (the queue is as the call records spell it): escape it where Markdown shows it."""
    facts = {
        "count": round(event.counted),
        "calls": fmt.number(event.counted),
        "share": fmt.value(event.share, "%"),
        "within": fmt.value(measure.within_s, "s"),
        "needed": fmt.value(measure.share, "%"),
    }
    if measure.queue is not None:
        words = t("events.share_queue", queue=measure.queue, **facts)
    else:
        words = t("events.share_all", **facts)
    worst = worst_day(event)
    return f"{words}; {worst}" if worst else words


def worst_day(event: EventMonth) -> str:
    """A counted month's worst day and its share, `worst day 14 Oct 2026: 51 %`; empty without."""
    if event.worst_day is None or event.worst_share is None:
        return ""
    return t(
        "events.worst_day", day=fmt.day_unbroken(event.worst_day), share=fmt.value(event.worst_share, "%")
    )


def verdict_looks(reading: Reading | None, still: bool = False) -> list[tuple[palette.Look, str]]:
    """The process verdicts beside a status, each as its look (colour and icon) and word:
    variation, then assurance where there is one; none when the history is too short to tell.
    `still`: the month went against the signal (`against_signal`), which "Still better than
    usual" says (a tile's "▲ Better than usual" under "↓ -2 pts" read as a contradiction)."""
    if reading is None:
        return []
    key = "variation_still" if still and str(reading.variation) in ("improvement", "concern") else "variation"
    found = [(palette.VARIATION_LOOKS[str(reading.variation)], t(f"signal.{key}.{reading.variation}"))]
    if reading.assurance is not None:
        look = palette.ASSURANCE_LOOKS[str(reading.assurance)]
        found.append((look, t(f"signal.assurance.{reading.assurance}")))
    return found


def process_verdict(reading: Reading | None, still: bool = False) -> str:
    """`▲ Better than usual · ± Hit and miss` as badge Markdown: the process verdicts beside a status
    (icon, word and colour; nothing when the history is too short to tell); `still` as
    `verdict_looks` says it."""
    looks = verdict_looks(reading, still)
    return " ".join(f":{look.streamlit}-badge[{look.icon} {word}]" for look, word in looks)


def lasting_change(reading: Reading | None, since: date | None = None) -> str:
    """Where a shift or a trend runs (`Reading.moved`: the process has left its locked limits),
    what makes its new level its usual: a process change recorded (the limits start again from
    it). "▲ Better than usual" stood on most of the demo's KPIs a year after the strategy lifted
    them, and a CEO asked whether it was news (domain: limits are recalculated at a known
    process change, not every month). `since`: the process change its limits are drawn from
    (`KpiRow.limits_since`), as `lasting_what` says."""
    if reading is None or not reading.moved:
        return ""
    return t("phrase.lasting_change", what=lasting_what(since))


def lasting_what(since: date | None = None, each: bool = False) -> str:
    """What makes a lasting change's new level the usual (`lasting_change`), for one KPI or many;
    where their limits are drawn from a process change recorded already (`since`), that the
    process has kept moving after it: "record a process change" read as advice already followed
    (a CX director's trial, the demo's strategy change recorded where it began); `each`: the
    limits of several KPIs are each drawn from a change of their own, in different months."""
    where = menu_path("nav.data", "definitions.group_strategy", "definitions.tab_plans")
    if each:
        return t("phrase.lasting_what_after_each", where=where)
    if since is not None:
        return t("phrase.lasting_what_after", month=fmt.month_long(since), where=where)
    return t("phrase.lasting_what", where=where)


def menu_path(*keys: str) -> str:
    """Where a thing is done in the app, its page, group and tab by catalogue `keys`, as a
    reader finds them: "Data → Strategy → Goals"."""
    return " → ".join(t(key) for key in keys)


def verdict_help(reading: Reading | None, since: date | None = None) -> str:
    """The help beside the process verdicts of a tile or a card: what they mean, then, where a
    shift or trend runs, what makes its level the usual (`lasting_change`, its limits drawn from
    the process change of `since`), which the goal's detail and the department's page say aloud."""
    lasting = lasting_change(reading, since)
    return t("departments.process_help") + (f"\n\n{lasting}" if lasting else "")


def verdict_labels(reading: Reading | None) -> list[str]:
    """The process verdicts as labels, `▲ Better than usual`: icon and word, for tables' chips."""
    return [f"{look.icon} {word}" for look, word in verdict_looks(reading)]


def every_verdict_label() -> dict[str, palette.Look]:
    """Every label `verdict_labels` may give, in the current language, and its look."""
    return {
        f"{look.icon} {word}": look
        for look, word in [
            *((look, t(f"signal.variation.{name}")) for name, look in palette.VARIATION_LOOKS.items()),
            *((look, t(f"signal.assurance.{name}")) for name, look in palette.ASSURANCE_LOOKS.items()),
        ]
    }


def process_words(reading: Reading | None) -> str:
    """The process verdicts as plain words with their icons, for texts."""
    return " · ".join(verdict_labels(reading))


def goal_reason(row: GoalRow, month: date) -> str:
    """Why the goal's status is what it is, where it is tempered or differs from its KPI's; with
    the goal's pace value labelled as such ("+40 by Nov 2027 (the path is at +36 this month)")."""
    if row.reason is None:
        return ""
    unit = row.kpi.unit if row.kpi else "count"
    if row.reason is verdicts.Reason.LOW_CONFIDENCE and row.value and row.value.n and row.value.margin:
        return _too_few(row, unit, month)
    start = fmt.day_unbroken(row.goal.start) if row.goal.start else ""
    level, aimed = verdicts.on_pace(row.goal, month), fmt.value(row.kpi_target, unit)
    now = None
    if level is not None and row.kpi_target is not None:  # both "1.7 %" for churn (a CEO's trial)
        now, aimed = fmt.values_apart(level, row.kpi_target, unit)
    return t(
        f"reason.{row.reason}",
        pace=goal_pace(row, month, now),
        target=fmt.value(row.goal.target, unit),
        start=start,
        kpi_target=aimed,
    )


def _too_few(row: GoalRow, unit: str, month: date) -> str:
    """A goal tempered by too few answers, said with its numbers: "+48 reaches the target of +30,
    but 23 answers (± 29.2) put it anywhere from +19 to +77: on track, not achieved, until more
    answers agree." ("the status holds only where the whole margin agrees" read as a riddle
    beside a green tile, a CEO's trial)."""
    value = row.value
    assert value is not None and value.n is not None and value.margin is not None
    low, high = within_unit(value.value - value.margin, unit), within_unit(value.value + value.margin, unit)
    if row.status is GoalStatus.ON_TRACK:  # tempered from achieved
        key = "reason.too_few_reached"
    elif row.goal.deadline is not None and month > months.first_of(row.goal.deadline):
        key = "reason.too_few_missed"  # past its deadline: missed, not off its path, held back
    else:
        key = "reason.too_few_red"
    return t(
        key,
        count=value.n,
        n=fmt.number(value.n),
        value=fmt.value(value.value, unit),
        target=fmt.value(row.goal.target, unit),
        margin=fmt.margin(value.margin, unit),  # as the sample is said beside it (`survey_sample`)
        range=fmt.value_span(low, high, unit),
    )


def goal_pace(row: GoalRow, month: date, now: str | None = None) -> str:
    """`1.5 % by Dec 2027 (the path is at 1.6 % this month)`: where the goal's path stands (its
    level this month as `now` writes it, where given)."""
    level = verdicts.on_pace(row.goal, month)
    if level is None or row.goal.deadline is None:
        return ""
    unit = row.kpi.unit if row.kpi else "count"
    return t(
        "reason.on_pace",
        target=fmt.value(row.goal.target, unit),
        deadline=fmt.month_unbroken(row.goal.deadline),
        now=now or fmt.value(level, unit),
    )


def kpi_why(row: KpiRow, month: date) -> str:
    """Why a KPI has its status this month, in one plain sentence for a presenter's notes: `✕ Off
    target: 6.2 % against 5.1 % (2026 target, phased), 1.1 pts short of target, more than its
    tolerance of 5 %. Process: ▼ Concern · ○ Consistently failing.`"""
    unit = row.kpi.unit
    value = row.value.value if row.value else None
    said = palette.label(row.status)
    if value is None or row.target is None:
        why = t("speaker.kpi_no_data", status=said)
    else:
        gap = versus_target(value - row.target.value, unit, row.kpi.direction)
        facts = {
            "status": said,
            "value": fmt.beside(value, row.target.value, unit, row.kpi.direction),
            "target": labelled_target(row.target, unit, month),
            "gap": gap,
            "tolerance": fmt.value(100 * row.kpi.tolerance, "%"),
        }
        key = {KpiStatus.GREEN: "kpi_met", KpiStatus.AMBER: "kpi_close"}.get(row.status, "kpi_missed")
        why = t(f"speaker.{key}", **facts)
    labels = verdict_labels(row.reading)
    if not labels or row.reading is None:
        return why
    # against what: "▲ Better than usual" beside "✕ Off target, +19 s" was challenged, and the
    # notes had no answer (a presenter's trial); the variation against the KPI's own routine (a
    # survey's range is the month's, wider the fewer answered), its assurance against the target
    limits, since = row.reading.limits, row.limits_since(month)
    fired = dict.fromkeys(t(f"signal.rule.{s.rule}") for s in row.reading.signals)
    usual = fmt.value_span(within_unit(limits.lower, unit), within_unit(limits.upper, unit), unit)
    against = t(
        "speaker.range_survey" if row.kpi.aggregation.is_survey else "speaker.range_usual",
        centre=fmt.value(limits.centre, unit),
        range=usual,
    )
    facts = {"verdict": labels[0] + (f" ({', '.join(fired)})" if fired else ""), "against": against}
    if since is None:
        said = t("speaker.process_first", **facts)
    else:
        said = t("speaker.process_since", **facts, month=fmt.month_long(since))
    assured = t("speaker.assurance", verdicts=" · ".join(labels[1:])) if labels[1:] else ""
    return " ".join(part for part in (why, said, assured) if part)


def goal_why(row: GoalRow, month: date) -> str:
    """Why a goal has its status this month, in plain sentences for a presenter's notes: its value
    against its target and deadline, then where its status is tempered or differs from its KPI's,
    its pace and whether its parts and its whole disagree."""
    said = palette.label(row.status)
    if row.value is None:
        parts = [t("speaker.goal_no_data", status=said)]
    else:
        value, target = goal_figures(row)
        parts = [
            t("speaker.goal", status=said, value=value, target=target, by=by_deadline(row.goal.deadline))
        ]
    reason = goal_reason(row, month)  # with the pace in it, where the goal has a reason
    if not reason and (pace := goal_pace(row, month)):
        reason = t("reason.path", pace=pace)
    if reason:
        parts.append(t("speaker.sentence", text=capital(reason.rstrip("."))))
    if row.mismatch:
        parts.append(t("speaker.sentence", text=t(f"mismatch.{row.mismatch}")))
    return " ".join(parts)


def capital(text: str) -> str:
    """A phrase as the start of a sentence: "oktober 2026 er lukket" is "Oktober 2026 er lukket"."""
    return text[:1].upper() + text[1:]


LEFT_NAMED = 5
"""How many of the values and comments a close would leave out are named, with who owes each."""


def left_out(found: owed.LeftOut, names: Mapping[str, str] | None = None) -> str:
    """What closing the month now would leave out, in words: "Still owed for this month: 1
    comment. Owed: Lars Holm: Workshop time. The reporting calendar closes it on 16 Dec 2026 (values
    due 10 Dec 2026)." Who owes each is named by `names` (e-mail → name), else by address; the
    first `LEFT_NAMED` of them (it said "1 comment", nobody knew whose or on what)."""
    said = [t(f"close_tab.owed_{kind}", count=count) for kind, count in found.owed]
    parts = [t("close_tab.still_owed", items=", ".join(said))] if said else []
    if found.items:
        by_whom: dict[str, list[str]] = {}  # who owes what: each person once, their items after
        for item in found.items[:LEFT_NAMED]:
            who = (names or {}).get(item.email or "", item.email or "–")
            # which is a value and which a comment: "Time to restore service" alone did not say
            by_whom.setdefault(who, []).append(t(f"close_tab.owed_what_{item.kind}", subject=item.subject))
        named = [t("close_tab.owed_item", who=who, subjects=", ".join(s)) for who, s in by_whom.items()]
        listed = "; ".join(named) + words.more(len(found.items) - LEFT_NAMED)
        parts.append(t("close_tab.owed_by", items=listed))
    if found.early:
        parts.append(
            t(
                "close_tab.planned",
                close=fmt.day_unbroken(found.close),
                data_due=fmt.day_unbroken(found.data_due),
            )
        )
    return " ".join(parts)


def calendar_said(calendar: cycle.Calendar, closed: date | None, day: Callable[[date], str] = fmt.day) -> str:
    """A month's reporting calendar as a sentence ("Reporting calendar: values due 10 Dec 2026 ·
    … · meeting 17 Dec 2026"), each date by `day`; a month `closed` says the day it was closed
    instead of the day it was to be. The Overview's line and the command line's `owed` alike."""
    dates = {name: day(calendar.due(name)) for name in cycle.DATES}
    if closed is None:
        return t("cycle.line", **dates)
    return t("cycle.line_closed", **dates | {"close": day(closed)})
