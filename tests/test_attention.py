"""What needs attention: the Overview's exception list and the numbers that still want a comment."""

from dataclasses import replace
from datetime import date

import pytest

from kpi.domain import attention, month_rows, months, outlook, report, samples
from kpi.domain.attention import Kind
from kpi.domain.model import (
    Action,
    ActionStatus,
    Aggregation,
    Direction,
    Goal,
    GoalStatus,
    Kpi,
    Level,
    MonthValue,
    ServicePriority,
)
from kpi.domain.signals import Variation
from kpi.text import i18n, phrases
from tests import handmade
from tests.handmade import OCTOBER


def test_the_list_runs_from_most_severe_to_least_and_strategic_first():
    items = attention.items(handmade.month_report(), handmade.ACTIONS)
    assert [(i.kind, i.code, i.goal, i.level_depth, i.detail) for i in items] == [
        (Kind.MISMATCH, "S1", "S1", 0, "green_parts_red_whole"),  # red, and strategic
        # a red KPI right after the goals of the level of its most strategic goal: the CEO's
        # own NPS, off target, stood below the fold under a chat queue's wait (a CEO's trial)
        (Kind.RED_KPI, "NPS", "S1", 3, ""),  # S1's
        (Kind.MISSED, "O3", "O3", 2, ""),  # red, operational
        (Kind.RED_KPI, "PAGE", "O2", 3, ""),  # O2's: 1,360 ms for 1,200 ms
        (Kind.AT_RISK, "O2", "O2", 2, ""),  # then the rest, by kind
        (Kind.LATE_ACTION, "1", "O2", 3, "2026-09-15"),
        (Kind.NO_DATA, "DOWN", "S2", 3, ""),
    ]


def test_within_a_kind_the_order_is_the_same_in_every_language():
    """Items of a kind stood by their name in the reader's language: English and Danish showed
    different items before the fold. Now the furthest from its target first, then by code."""
    items = attention.items(handmade.month_report(), handmade.ACTIONS)
    renamed = [
        replace(i, subject=f"{len(items) - n:03d}") for n, i in enumerate(items)
    ]  # names sorting the other way
    assert sorted(renamed, key=attention._severity) == renamed


def test_each_item_says_value_target_owner_since_when_and_whether_it_is_explained():
    values = [*handmade.VALUES, MonthValue("NPS", date(2026, 8, 1), 21, n=300, margin=5.0)]
    report = handmade.month_report(values=values)
    comments = [handmade.comment(1, "Survey changed", kpi="NPS")]
    by_code = {i.code: i for i in attention.items(report, handmade.ACTIONS, comments)}
    nps = by_code["NPS"]
    target = report.kpis["NPS"].target.value
    assert (nps.value, nps.target, nps.unit, nps.commented) == (22, target, "nps", True)
    assert nps.since == date(2026, 8, 1)  # red in August, September and October
    assert nps.owner == handmade.GOALS[0].owner  # the owner of the strategic goal it measures
    missed = by_code["O3"]
    assert (missed.value, missed.target, missed.commented) == (1360, 1200, False)
    assert missed.since == date(2026, 9, 1)  # September's 1500 ms missed it too; no value before
    late = by_code["1"]
    assert (late.owner, late.since) == ("it@example.com", date(2026, 9, 1))
    assert by_code["DOWN"].since == OCTOBER  # September had a value


def test_a_broken_service_priority_comes_first_with_its_threshold_and_how_long_it_is_broken():
    wait = ServicePriority("P_WAIT", "Callers wait at most 50 seconds", "WAIT", 50.0, "<=")
    report = handmade.month_report()
    kept = attention.compliance(report, [wait])
    first = attention.items(report, [], [], kept)[0]
    assert (first.kind, first.code, first.value, first.target) == (Kind.BROKEN_PRIORITY, "P_WAIT", 55, 50.0)
    assert first.since == date(2026, 9, 1)  # 70 s in September, 55 s in October
    assert first.goal == "O1"  # the goal on its KPI, to open


def test_each_item_that_calls_for_action_says_what_is_being_done():
    """A CEO read who owns each broken promise but not whether anyone acts on it: an item that
    calls for action carries the open actions on its number (its goal's, those of the goals on
    its KPI, those aimed at its KPI), the soonest due first; a done one is no plan."""
    aimed = Action(
        5, "T1", "Call back detractors", "cs@example.com", date(2026, 11, 20), ActionStatus.PLANNED
    )
    aimed = replace(aimed, kpi="NPS", direction=Direction.HIGHER)
    done = Action(6, "S1", "Survey wording", "cs@example.com", date(2026, 9, 1), ActionStatus.DONE)
    found = attention.items(handmade.month_report(), [*handmade.ACTIONS, aimed, done])
    plans = {(i.kind, i.code): i.plan and tuple(a.id for a in i.plan) for i in found}
    assert plans == {
        (Kind.MISMATCH, "S1"): (5,),  # measured by NPS, which the action aims at
        (Kind.MISSED, "O3"): (),  # a goal's own: O2's actions are on its KPI, not on it
        (Kind.RED_KPI, "NPS"): (5,),  # aimed at NPS from a goal of its own
        (Kind.RED_KPI, "PAGE"): (1, 2),
        (Kind.AT_RISK, "O2"): (1, 2),  # the soonest due first
        (Kind.LATE_ACTION, "1"): None,  # an action asks for no plan
        (Kind.NO_DATA, "DOWN"): None,  # nor does a value not in
    }
    with i18n.use("en"):  # an overdue one says so: "(due …)" read as in hand a month after
        late = next(i for i in found if i.code == "O2")
        assert late.plan_late == frozenset({1})
        assert (
            "action: Put images on a CDN (overdue: due 15\xa0Sept\xa02026) and 1 more"
            in (phrases.attention_facts(late, handmade.OWNERS)[3])
        )
    alone = attention.items(handmade.month_report(), handmade.ACTIONS)
    assert next(i for i in alone if i.code == "S1").plan == ()  # nothing is being done
    with i18n.use("en"):
        assert " · no action yet · " in phrases.attention_facts(alone[0], handmade.OWNERS)[3]
        assert phrases.plan(late.plan) == "action: Put images on a CDN (due 15\xa0Sept\xa02026) and 1 more"
    with i18n.use("da"):
        said = phrases.attention_facts(next(i for i in found if i.code == "NPS"), handmade.OWNERS)[3]
        assert "handling: Call back detractors (frist 20.\xa0nov.\xa02026)" in said
    assert phrases.plan([replace(aimed, title="Word " * 30, due=None)]).endswith("Word Word…")


def test_a_broken_promise_s_bar_says_it_is_a_bound_not_a_month_s_target():
    """One number had three bars each said as "target" (the promise's, its KPI's this month, its
    goal's by its deadline), and a CEO could not tell them apart: the promise's is its bound."""
    wait = ServicePriority("P_WAIT", "Callers wait at most 50 seconds", "WAIT", 50.0, "<=")
    slot = replace(wait, code="P_SLOT", comparison=">=", threshold=60.0)
    report = handmade.month_report()
    found = {i.code: i for i in attention.items(report, [], [], attention.compliance(report, [wait, slot]))}
    with i18n.use("en"):
        assert phrases.attention_facts(found["P_WAIT"], {})[1:3] == ("55\xa0s", "at most 50\xa0s")
    with i18n.use("da"):
        assert phrases.attention_facts(found["P_WAIT"], {})[2] == "højst 50\xa0sek."
        assert phrases.attention_facts(found["P_SLOT"], {})[2] == "mindst 60\xa0sek."


@pytest.mark.parametrize(
    ("direction", "shown"), [(Direction.HIGHER, "82.6\xa0%"), (Direction.LOWER, "82.64\xa0%")]
)
def test_an_item_s_value_reads_as_its_target_where_it_meets_it(direction, shown):
    """A card wrote 82.6 % and the list beside it 82.64 % for one value meeting its target of
    82.6 % (a review): the list writes it with its KPI's direction as the card does."""
    item = attention.Item(Kind.COMMENTARY_OWED, "SAT", "Satisfaction", value=82.64, target=82.6, unit="%")
    with i18n.use("en"):
        assert phrases.attention_facts(replace(item, direction=direction), {})[1] == shown


def test_a_run_as_old_as_what_the_cockpit_looked_at_may_be_older_and_says_so():
    """Three priorities broken since 2023 read "since Dec 2025", the first month of their twelve
    (a CEO's trial asked what happened then): a run that reaches the window's first month, or
    the first month the report reads, is said as "since … or earlier"; a shorter one is not."""
    wait = ServicePriority("P_WAIT", "Callers wait at most 50 seconds", "WAIT", 50.0, "<=")
    years = [months.add(OCTOBER, -back) for back in range(2, 40)]  # from 2023, broken throughout
    values = [*handmade.VALUES, *(MonthValue("WAIT", m, 70) for m in years)]
    report = handmade.month_report(values=values)
    first = attention.items(report, [], [], attention.compliance(report, [wait]))[0]
    assert (first.code, first.since, first.since_or_earlier) == ("P_WAIT", date(2025, 11, 1), True)
    with i18n.use("en"):
        assert phrases.since(first) == "since Nov\xa02025 or earlier"
    with i18n.use("da"):
        assert phrases.since(first) == "siden nov.\xa02025 eller før"

    low = [MonthValue("NPS", m, 10, n=300, margin=5.0) for m in years]
    red = attention.items(handmade.month_report(values=[*handmade.VALUES, *low]), [])
    nps = next(i for i in red if i.kind is Kind.RED_KPI and i.code == "NPS")
    assert nps.since < month_rows.history_start(OCTOBER) and nps.since_or_earlier  # red as far as it reads

    shorter = handmade.month_report()  # 70 s in September, 55 s in October: from September
    item = attention.items(shorter, [], [], attention.compliance(shorter, [wait]))[0]
    assert (item.since, item.since_or_earlier) == (date(2026, 9, 1), False)
    with i18n.use("en"):
        assert phrases.since(item) == "since Sept\xa02026"


@pytest.mark.parametrize(
    ("due", "status", "today", "is_late"),
    [
        (date(2026, 10, 30), ActionStatus.PLANNED, None, True),  # due before the month is out
        (date(2026, 10, 31), ActionStatus.DOING, None, True),  # due on its last day, read after it
        (date(2026, 10, 31), ActionStatus.DOING, date(2026, 10, 31), False),  # read on the day: not yet
        (date(2026, 10, 31), ActionStatus.DOING, date(2026, 11, 1), True),  # from the day after
        (date(2026, 10, 14), ActionStatus.DOING, date(2026, 10, 15), True),  # read in the month
        (date(2026, 10, 20), ActionStatus.DOING, date(2026, 10, 15), False),  # …its date still ahead
        (date(2026, 11, 2), ActionStatus.DOING, date(2026, 12, 6), False),  # due after it: November's
        (date(2026, 9, 1), ActionStatus.DONE, None, False),
        (date(2026, 9, 1), ActionStatus.DROPPED, None, False),
        (None, ActionStatus.PLANNED, None, False),  # no due date, never late
    ],
)
def test_an_open_action_past_its_due_date_is_listed(due, status, today, is_late):
    """Overdue in October's report: open, due by its end and before the day it is read (the
    list said an action due on 30 November was not overdue on 6 December while the owed list,
    the meeting's and the pack's lists said it was, each by its own rule)."""
    action = Action(9, "O1", "Call back every customer", None, due, status)
    items = attention.items(handmade.month_report(), [action], today=today)
    assert any(i.kind is Kind.LATE_ACTION for i in items) is is_late
    counted = outlook.overdue([action], handmade.month_report().month, today)
    assert bool(counted) is is_late  # the month's count and the owed list judge by the same rule


def test_an_action_of_a_goal_outside_the_report_is_not_listed():
    hidden = Action(9, "ELSEWHERE", "Someone else's work", None, date(2026, 1, 1), ActionStatus.PLANNED)
    assert [i for i in attention.items(handmade.month_report(), [hidden]) if i.kind is Kind.LATE_ACTION] == []


STEADY = [50.0, 52, 49, 51, 50, 53, 48, 50, 51, 49, 52, 50, 51, 49, 50, 52, 48, 51, 50, 49]
"""Twenty months of a wait that varies around 50 s by routine."""
WAIT = Kpi("WAIT", "Wait", "CS", "s", Direction.LOWER, Aggregation.MEAN, target=60.0)
WAIT_GOAL = Goal("G1", Level.STRATEGIC, "Short waits", "WAIT", "CS", baseline=60.0, target=45.0,
                 start=date(2025, 1, 1), deadline=date(2027, 12, 31))  # fmt: skip


def _wait_report(tail, target=60.0):
    """A report for the month after `STEADY` and `tail` (values of the last months, oldest first)."""
    values = STEADY + list(tail)
    first = months.add(OCTOBER, 1 - len(values))
    series = [MonthValue("WAIT", months.add(first, i), v) for i, v in enumerate(values)]
    return report.build(OCTOBER, [replace(WAIT, target=target)], [WAIT_GOAL], series)


@pytest.mark.parametrize(
    ("tail", "target", "wanted"),
    [
        ([50, 51], 60.0, []),  # routine
        ([50, 58, 63], 60.0, []),  # crossed the target: amber, a flip, and still routine noise
        ([50, 50, 55], 60.0, []),  # its goal turned off track on a value the process reads as routine
        ([50, 51, 80], 60.0, [("goal", "G1"), ("kpi", "WAIT")]),  # beyond the limits: a new concern
        ([50, 51, 40], 60.0, [("kpi", "WAIT")]),  # beyond the limits on the good side: new, too
        ([50, 51, 52], 40.0, [("kpi", "WAIT")]),  # red: the process never meets 40 s (its goal is at risk)
    ],
)
def test_signals_and_a_target_out_of_reach_want_a_comment_flips_do_not(tail, target, wanted):
    built = _wait_report(tail, target)
    assert attention.needs_commentary(built, []) == wanted


def test_a_signal_that_keeps_running_is_no_news_the_month_after():
    built = _wait_report([50, 51, 30, 31, 30, 29, 30, 31, 30], target=80.0)  # a long run below the centre
    row = built.kpis["WAIT"]
    assert (
        row.reading.variation is Variation.IMPROVEMENT
        and row.previous_reading.variation is Variation.IMPROVEMENT
    )
    assert row.new_signal is None and attention.needs_commentary(built, []) == []


def test_a_comment_this_month_settles_what_was_wanted():
    built = _wait_report([50, 51, 80])
    said = [handmade.comment(1, "Phones down", kpi="WAIT")]
    # the KPI's word explains its goal too, as the attention list says ("explained"): the goal
    # was still owed a word of its own, and the two lists on one page disagreed
    assert attention.needs_commentary(built, said) == []
    last_month = [replace(said[0], month=months.add(OCTOBER, -1))]
    assert attention.needs_commentary(built, last_month) == [("goal", "G1"), ("kpi", "WAIT")]


def test_a_word_on_a_goal_explains_its_kpi_where_the_same_person_owns_both():
    """Jonas's word on his goal stood on its tile while the line below it said his Customer
    Effort Score, the goal's number, was "not explained yet" (a CEO's review): a comment on a goal
    explains the KPI measuring it whose number is the goal's owner's (`kpi_owners`); a goal of
    nobody's, or a KPI owned by another, still owes the KPI's own word."""
    tail = [50, 51, 80]  # beyond the limits: the KPI and its goal owe a word
    said = [handmade.comment(1, "The new phone system", goal="G1")]
    for owner, owed in (("camilla@example.com", []), (None, [("kpi", "WAIT")])):
        goal = replace(WAIT_GOAL, owner=owner)
        values = STEADY + tail
        first = months.add(OCTOBER, 1 - len(values))
        series = [MonthValue("WAIT", months.add(first, i), v) for i, v in enumerate(values)]
        built = report.build(OCTOBER, [WAIT], [goal], series)
        assert attention.needs_commentary(built, said) == owed, owner
        kpi_item = next(i for i in attention.items(built, [], said) if i.code == "WAIT")
        assert kpi_item.commented is (not owed), owner


@pytest.mark.parametrize(
    ("language", "said", "now"),
    [("en", "+42 by Dec\xa02027", "+42 this month"), ("da", "+42 senest dec.\xa02027", "+42 denne måned")],
)
def test_a_goal_s_target_says_by_when_a_kpi_s_says_it_is_the_month_s(language, said, now):
    """Two goals on one KPI, one on track and one at risk against the same number: their targets
    are values to reach by their deadlines, and the list says so (a presenter's review). A KPI's
    is this month's step: a red KPI leading its number said "(target +36)" over an Also line's
    "(month target 77 s)"."""
    from kpi.text import i18n, phrases

    goal = attention.Item(
        Kind.AT_RISK, "T1", "Answers right first time", "T1", value=36, target=42, unit="nps"
    )
    goal = replace(goal, deadline=date(2027, 12, 31))
    kpi = attention.Item(Kind.RED_KPI, "NPS", "Net Promoter Score", "S1", value=36, target=42, unit="nps")
    with i18n.use(language):
        assert phrases.attention_facts(goal, {})[2] == said  # the month never split
        assert phrases.attention_facts(kpi, {})[2] == now


def test_a_head_acting_under_a_goal_elsewhere_is_told_of_her_own_actions_there_only():
    """Given one action under IT's goal O2, the service desk's head read every overdue action of
    O2 (a code review): of a goal where she only acts, her own actions are hers."""
    from kpi.domain.access import Scope

    built = handmade.month_report()
    mine = Action(
        9, "O2", "Test the CDN from the desk", "cs@example.com", date(2026, 9, 1), ActionStatus.PLANNED
    )
    found = attention.items(built, [*handmade.ACTIONS, mine], [])
    head = Scope(
        frozenset({"CS"}),
        frozenset({"O2"}),
        frozenset({"PAGE"}),
        acting=frozenset({"O2"}),
        who="cs@example.com",
    )
    told = attention.as_told(found, built, head, {})
    assert [i.code for i in told if i.kind is Kind.LATE_ACTION] == ["9"]  # not IT's action 1
    everyone = attention.as_told(found, built, Scope(None), {})
    assert sorted(i.code for i in everyone if i.kind is Kind.LATE_ACTION) == ["1", "9"]


def test_what_an_item_is_about_is_its_kind_not_a_code_a_goal_and_a_kpi_share():
    """A goal coded as a KPI is (codes of goals and KPIs are apart): the KPI's red item was taken
    for the goal's and left a head's list (a code review)."""
    from kpi.domain.access import Scope

    # the board's goal on the service desk's KPI WAIT, coded as the KPI is
    goals = [replace(g, code="WAIT", department="MGMT") if g.code == "O1" else g for g in handmade.GOALS]
    values = [v if v.kpi != "WAIT" or v.month != OCTOBER else v._replace(value=90) for v in handmade.VALUES]
    built = report.build(OCTOBER, handmade.KPIS, goals, values)
    found = attention.items(built, [], [])
    red = [i for i in found if i.kind is Kind.RED_KPI and i.code == "WAIT"]
    assert red and red[0].goal == "WAIT"  # the KPI's item opens the goal that shares its code
    head = Scope(frozenset({"CS"}))
    assert [i.code for i in attention.as_told(found, built, head, {}) if i.kind is Kind.RED_KPI] == ["WAIT"]


@pytest.mark.parametrize(
    ("delta", "variation", "suffix"),
    [
        (-1.1, Variation.IMPROVEMENT, "; still better than usual"),
        (1.1, Variation.CONCERN, "; still worse than usual"),
        (1.1, Variation.IMPROVEMENT, ""),
        (-1.1, None, ""),
    ],
)
def test_a_month_against_its_signal_says_the_signal_still_holds(delta, variation, suffix):
    """ "▲ Better than usual" beside "worse than Oct" read as a contradiction (a presenter's review)."""
    from kpi.domain import signals
    from kpi.text import i18n, phrases

    reading = None if variation is None else signals.Reading(signals.Limits(0, -1, 1), (), variation, None)
    month = date(2026, 10, 1)
    with i18n.use("en"):
        plain = phrases.change(delta, "%", Direction.HIGHER, month)
        assert plain.endswith(("than Oct 2026", "than Oct\xa02026"))
        assert phrases.change(delta, "%", Direction.HIGHER, month, reading) == plain + suffix
        # the tiles' and cards' chip says it too: "▲ Still better than usual" under "↓ -1.1 pts"
        still = phrases.against_signal(delta, "%", Direction.HIGHER, reading)
        assert still is bool(suffix)
        chip = phrases.process_verdict(reading, still)
        assert ("Still " in chip) is bool(suffix) and (chip == "") is (reading is None)
        if suffix:
            assert f" Still {suffix.removeprefix('; still ')}]" in chip
    with i18n.use("da"):
        assert ("Stadig " in phrases.process_verdict(reading, still)) is bool(suffix)
    assert phrases.against_signal(0.0, "%", Direction.HIGHER, reading) is False  # no change shown
    assert phrases.against_signal(None, "%", Direction.HIGHER, reading) is False
    # a change chance explains went no way: the chip says its signal plainly, as the slide does
    # ("▲ Still better than usual" stood under a grey "-2 pts" called within the margin; a trial)
    for noise in samples.Noise:  # a measured KPI's routine step too
        assert phrases.against_signal(delta, "%", Direction.HIGHER, reading, noise) is False


def _told(items: list[attention.Item]) -> list[tuple[Kind, str, list[tuple[Kind, str]]]]:
    return [(i.kind, i.code, [(o.kind, o.code) for o in i.also]) for i in items]


def test_the_items_on_one_number_are_told_as_one_by_the_most_severe():
    """A presenter's list said the broken priority, its KPI off target and the goal on it as three
    things to act on: one number, one item, the others told with it in their order."""
    wait = ServicePriority("P_WAIT", "Callers wait at most 50 seconds", "WAIT", 50.0, "<=")
    built = handmade.month_report()
    found = attention.items(built, handmade.ACTIONS, [], attention.compliance(built, [wait]))
    assert [(i.kind, i.code, i.kpi) for i in found if i.kpi in ("WAIT", "PAGE", "NPS")] == [
        (Kind.BROKEN_PRIORITY, "P_WAIT", "WAIT"),  # the priority's number is its KPI's
        (Kind.MISMATCH, "S1", "NPS"),
        (Kind.RED_KPI, "NPS", "NPS"),  # S1's KPI: after the strategic goals
        (Kind.MISSED, "O3", "PAGE"),
        (Kind.RED_KPI, "PAGE", "PAGE"),
        (Kind.AT_RISK, "O2", "PAGE"),  # a second goal on the same KPI
    ]
    told = attention.by_measure(found)
    assert _told(told) == [
        (Kind.BROKEN_PRIORITY, "P_WAIT", []),
        (Kind.MISMATCH, "S1", [(Kind.RED_KPI, "NPS")]),
        (Kind.MISSED, "O3", [(Kind.RED_KPI, "PAGE"), (Kind.AT_RISK, "O2")]),
        (Kind.LATE_ACTION, "1", []),  # an action is about no number: never told with another
        (Kind.NO_DATA, "DOWN", []),
    ]
    flat = [(i.kind, i.code) for i in attention.every(told)]  # each item once, after its lead
    assert flat[:4] == [
        (Kind.BROKEN_PRIORITY, "P_WAIT"),
        (Kind.MISMATCH, "S1"),
        (Kind.RED_KPI, "NPS"),
        (Kind.MISSED, "O3"),
    ]
    assert sorted(flat) == sorted((i.kind, i.code) for i in found) and len(flat) == len(found)
    assert attention.by_measure(told) == told  # told once, told


@pytest.mark.parametrize(
    ("lead", "other", "said"),
    [
        ((False, False), (True, False), "explained"),  # a goal's words explain its number
        ((False, False), (False, False), "none"),  # nothing said, nothing owed: no news
        ((True, False), (False, True), "owed"),  # the goal explained, its KPI's signal still owes
        ((None, False), (False, True), "owed"),  # the lead's words unread: the other's still owed
        ((None, False), (None, True), None),  # nothing the reader reads: nothing said
        ((False, True), (True, False), "owed"),
    ],
)
def test_what_the_items_on_one_number_say_of_their_comment(lead, other, said):
    """Told as one, an item says "not explained yet" while any of them still owes a comment (a
    goal's words explained it while its KPI's new signal still owed Jonas's word, and the line
    said "explained"), else "explained" when any was, else "no comment this month"; each keeps
    its own flags (the JSON says them)."""
    first = attention.Item(
        Kind.RED_KPI, "NPS", "Net Promoter Score", commented=lead[0], owed=lead[1], kpi="NPS"
    )
    second = attention.Item(
        Kind.AT_RISK, "S1", "Customers recommend us", commented=other[0], owed=other[1], kpi="NPS"
    )
    [one] = attention.by_measure([first, second])
    assert (one.commented, one.owed, one.also) == (lead[0], lead[1], (second,))
    assert attention.explained(one) == (None if said is None else attention.Said(said))


def test_an_item_owes_a_comment_where_the_month_asks_for_one():
    """`owed` is `needs_commentary`'s: a goal off track since a month before owes none this
    month (its owner's mail said every number that needed her comment had one, while the list
    said "not explained yet"), a KPI with a new signal does, a priority owes its KPI's."""
    wait = ServicePriority("P_WAIT", "Callers wait at most 50 seconds", "WAIT", 50.0, "<=")
    for built, owes in ((handmade.month_report(), False), (_wait_report([50, 51, 80]), True)):
        found = attention.items(built, handmade.ACTIONS, [], attention.compliance(built, [wait]))
        owing = set(attention.needs_commentary(built, []))
        for item in found:
            what = attention.about(item)
            key = ("kpi", item.kpi) if what == "priority" else (what, item.code)
            assert item.owed is (key in owing and what != "action"), item
        assert any(i.owed for i in found) is owes
    # the wait's new concern: its priority, its KPI and its goal owe a word, told as one owing
    [told] = attention.by_measure([i for i in found if i.kpi == "WAIT"])
    assert [(i.kind, i.owed) for i in told.every()] == [
        (Kind.BROKEN_PRIORITY, True),
        (Kind.OFF_TRACK, True),  # red goals before red KPIs
        (Kind.RED_KPI, True),
    ]
    assert attention.explained(told) is attention.Said.OWED
    from kpi.text import i18n, phrases

    with i18n.use("en"):  # the items told with it say which of them still owes the word
        assert all(words.endswith(" · not explained yet") for _, words in phrases.told_with(told, {}))


def test_what_is_told_with_an_item_says_its_value_its_own_target_and_an_owner_who_differs():
    from kpi.text import i18n, phrases

    owners = {"a@x.example": "Ann Ash", "b@x.example": "Bo Berg"}
    share = attention.Item(
        Kind.BROKEN_PRIORITY,
        "P1",
        "Callers wait at most 90 s",
        value=74.5,
        target=80.0,
        unit="%",
        owner="a@x.example",
        kpi="W",
    )
    kpi = attention.Item(
        Kind.RED_KPI, "W", "Wait time", value=105, target=92, unit="s", owner="a@x.example", kpi="W"
    )
    goal = attention.Item(
        Kind.AT_RISK,
        "G",
        "Callers wait less than 90 s",
        "G",
        value=105,
        target=90,
        unit="s",
        owner="b@x.example",
        kpi="W",
    )
    goal = replace(goal, deadline=date(2027, 3, 31))
    [one] = attention.by_measure([share, kpi, goal])
    with i18n.use("en"):
        assert phrases.told_with(one, owners) == [
            ("Off target", "Wait time · 105\xa0s (target 92\xa0s this month)"),  # a KPI's: this month's step
            (
                "Goal at risk",
                "Callers wait less than 90 s · 105\xa0s (target 90\xa0s by Mar\xa02027) · owner: Bo Berg",
            ),
        ]
        [two] = attention.by_measure([kpi, goal])
        assert phrases.told_with_line(two, owners) == (
            "Also: Goal at risk: Callers wait less than 90 s · 105\xa0s (target 90\xa0s by Mar\xa02027) · owner: Bo Berg"
        )
        assert phrases.told_with_line(kpi, owners) == ""
    with i18n.use("da"):
        assert phrases.told_with_line(two, owners) == (
            "Også: Mål i fare: Callers wait less than 90 s · 105\xa0sek. (målværdi 90\xa0sek. senest mar.\xa02027) · ejer: Bo Berg"
        )


def test_a_number_that_owes_only_a_comment_says_why():
    """ "Only a comment owed" on a KPI on target said no why: its new signal is the news."""
    from kpi.text import i18n, phrases

    built = _wait_report([50, 51, 40])  # beyond the limits on the good side, well within target
    [owed] = [i for i in attention.items(built, []) if i.kind is Kind.COMMENTARY_OWED]
    assert (owed.code, owed.detail, owed.owed) == ("WAIT", "improvement", True)
    with i18n.use("en"):
        note = phrases.attention_facts(owed, {})[3]
    assert note.startswith("A new signal, better than usual: worth a word on what worked · ")
    assert note.endswith(" · not explained yet")


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_count_of_items_and_of_exceptions_in_them_are_named_apart(language):
    """The Overview's header said "30 items need attention:" beside counts by kind summing to 45."""
    from kpi.text import i18n, phrases

    found = attention.by_measure(attention.items(handmade.month_report(), handmade.ACTIONS))
    alone = [replace(i, also=()) for i in found]
    total = len(attention.every(found))
    with i18n.use(language):
        both, one = phrases.items_counted(found), phrases.items_counted(alone)
    assert total > len(found) and f"{len(found)} " in both and f"{total} " in both
    assert one.startswith(f"{len(found)} ") and str(total) not in one and one.endswith(":")


def test_a_value_not_in_owes_its_number_not_a_word():
    """A KPI without its month's value, late or not due yet, read "No value … · no comment this
    month" (a new company's trial): it owes its number, so its item says nothing of comments."""
    first = months.add(OCTOBER, -len(STEADY))
    series = [MonthValue("WAIT", months.add(first, i), v) for i, v in enumerate(STEADY)]  # up to September
    built = report.build(OCTOBER, [WAIT], [WAIT_GOAL], series)
    for late, kind in (({}, Kind.NO_DATA), ({"WAIT": 4}, Kind.LATE)):
        found = [i for i in attention.items(built, [], [], late=late) if i.code == "WAIT"]
        assert [(i.kind, i.commented) for i in found] == [(kind, None)]
        assert attention.explained(found[0]) is None


def test_a_broken_priority_owes_one_plan_under_its_number_s_own_department_s_goal():
    """The action a broken priority owes goes under the most strategic goal on its KPI in the
    KPI's own department (its owner owns the number and may plan there; the board's goal on the
    same KPI would lead where no form is), once per KPI whatever number of its priorities broke,
    and not at all while a goal on the KPI owes a plan already (a code review)."""
    wait = ServicePriority("P_WAIT", "Callers wait at most 50 seconds", "WAIT", 50.0, "<=")
    again = ServicePriority("P_WAIT2", "Callers wait at most 45 seconds", "WAIT", 45.0, "<=")
    board = Goal("S9", Level.STRATEGIC, "The board wants short waits", "WAIT", "MGMT", baseline=100, target=60,
                 start=date(2026, 1, 1), deadline=date(2026, 12, 31))  # fmt: skip
    built = report.build(OCTOBER, handmade.KPIS, [*handmade.GOALS, board], handmade.VALUES)
    kept = attention.compliance(built, [wait, again])
    assert [c.is_met_now for c in kept] == [False, False]
    found = attention.unplanned_priorities(built, [], kept)
    assert [(p.code, goal) for p, goal in found] == [("P_WAIT", "O1")]  # customer service's, once
    assert "O1" in attention.wanting_a_plan(built, [], [wait, again])
    planned = [Action(1, "S9", "Hire", None, None, ActionStatus.PLANNED)]  # a plan on its number
    assert attention.unplanned_priorities(built, planned, kept) == []
    red = replace(built.goals["O1"], status=GoalStatus.OFF_TRACK)  # its goal owes a plan already
    built.goals["O1"] = red
    assert "O1" in attention.unplanned(built, []) and attention.unplanned_priorities(built, [], kept) == []
