"""The meeting deck as data: which slides there are, in which order, and what each line says."""

import io
from dataclasses import replace
from datetime import date, datetime

import pytest

from kpi.domain import attention, cascade, report, verdicts
from kpi.domain.model import (
    ActionStatus,
    Aggregation,
    Direction,
    EventMeasure,
    EventMonth,
    GoalStatus,
    Kpi,
    KpiStatus,
    MonthValue,
    ServicePriority,
)
from kpi.output import deck
from kpi.text import fmt, i18n, phrases
from kpi.text.i18n import t
from tests import handmade
from tests.handmade import OCTOBER, SEPTEMBER

COMPANY = "Shop A/S"


def build(*, comments=(), revised=None, closed_at=None, kpis=None, values=None, actions=None, closed_by=None):
    kpis = handmade.KPIS if kpis is None else kpis
    values = handmade.VALUES if values is None else values
    month_report = report.build(OCTOBER, kpis, handmade.GOALS, values)
    meeting = deck.Meeting(
        month_report, list(comments), values, revised or {}, closed_at, closed_by=closed_by
    )
    actions = handmade.ACTIONS if actions is None else actions
    return deck.build(meeting, COMPANY, handmade.DEPARTMENTS, actions, handmade.OWNERS)


def test_the_slides_follow_the_meeting_s_order():
    assert [(s.kind, s.title) for s in build()] == [
        ("title", "Customer experience — October 2026"),
        ("month", "The month at a glance: October 2026"),
        ("status", "Strategic goals"),
        ("goal", "Customers recommend us"),
        ("goal", "The shop stays up"),
        ("exceptions", "Needs attention"),  # the items on one number as one: four
        # the board first: Board and Platform team own a strategic goal each, a tie goes by code
        ("department", "Platform team"),
        ("department", "Board"),
        ("department", "Service desk"),  # Campaigns has no KPI, so no slide
        ("actions", "Actions due"),
    ]


def test_the_department_owning_most_strategic_goals_opens_the_departments():
    goals = [*handmade.GOALS, replace(handmade.GOALS[0], code="S3", title="Customers stay")]
    month_report = report.build(OCTOBER, handmade.KPIS, goals, handmade.VALUES)
    meeting = deck.Meeting(month_report, [], handmade.VALUES, {})
    slides = deck.build(meeting, COMPANY, handmade.DEPARTMENTS, handmade.ACTIONS, handmade.OWNERS)
    assert [s.title for s in slides if s.kind == "department"] == ["Board", "Service desk", "Platform team"]


def test_the_month_in_one_slide_counts_what_the_viewer_sees():
    month = next(s for s in build() if s.kind == "month")
    month_report = report.build(OCTOBER, handmade.KPIS, handmade.GOALS, handmade.VALUES)
    found = attention.by_measure(attention.items(month_report, handmade.ACTIONS, []))
    green = [r for r in month_report.goals.values() if r.status.is_green]
    measured = [r for r in month_report.goals.values() if r.status is not GoalStatus.NO_DATA]
    lines = {ln.label: ln for ln in month.lines}
    assert list(lines) == [
        "Goals on track",
        "KPIs on target",
        "Needs attention",
        "KPIs whose value is late",
        "Actions overdue",
    ]
    assert lines["Goals on track"].value == f"{len(green)} of {len(measured)}"
    assert lines["Needs attention"].value == str(len(found))
    assert lines["Actions overdue"].value == "1"  # the CDN action, due in September
    assert "✕\xa0Off\xa0track\xa01" in lines["Goals on track"].note  # one count never wraps
    # every exception counted by kind, also those told with another on their number: the red
    # KPIs there are the KPIs' own count ("✕ Off track 12" stood over "✕ Goal off track 11")
    red = sum(r.status is KpiStatus.RED for r in month_report.kpis.values())
    assert red == 2 and f"✕\xa0Off\xa0target\xa0{red}" in lines["KPIs on target"].note
    assert f"✕\xa0Off\xa0target\xa0{red}" in lines["Needs attention"].note
    total = sum(n for _, _, n in attention.kinds(found))
    assert total == len(attention.every(found)) > len(found)
    # the two counts named apart: the items, one per number, and the exceptions in them
    assert lines["Needs attention"].note.startswith(
        f"{total} exceptions among them (a number may break more than one rule): "
    )


@pytest.mark.parametrize(
    ("closed_at", "note"),
    [
        (None, "Live numbers: this month is not closed yet and may still change."),
        (
            datetime(2026, 11, 3, 9, 0),
            "Closed on 3 Nov 2026 by Ina Tang: the numbers as the meeting sees them.",
        ),
    ],
)
def test_the_title_slide_says_whether_the_numbers_are_closed(closed_at, note):
    """When and by whom, by name (the PPTX said "Numbers as closed for the meeting." and the
    Present page the closer's e-mail address)."""
    title = build(closed_at=closed_at, closed_by="it@example.com")[0]
    assert (title.subtitle, title.notes) == (COMPANY, (note,))


def test_the_command_line_s_operator_is_named_in_words_not_as_its_address():
    """A month closed from the command line without `--as` said "by operator@localhost" on the
    title slide the CEO saw (a new company's trial)."""
    from kpi.domain import access

    title = build(closed_at=datetime(2026, 11, 3, 9, 0), closed_by=access.OPERATOR)[0]
    assert title.notes == (
        "Closed on 3 Nov 2026 by an administrator at the command line: the numbers as the meeting sees them.",
    )
    with i18n.use("da"):
        title = build(closed_at=datetime(2026, 11, 3, 9, 0), closed_by=access.OPERATOR)[0]
    assert "af en administrator på kommandolinjen" in title.notes[0]


def test_the_status_slide_has_one_line_per_strategic_goal():
    status = next(s for s in build() if s.kind == "status")
    line = status.lines[0]
    assert [ln.label for ln in status.lines] == ["Customers recommend us", "The shop stays up"]
    assert (line.value, line.target, line.status) == (
        fmt.value(22, "nps"),
        fmt.value(40, "nps"),
        GoalStatus.OFF_TRACK,
    )
    assert line.note.startswith("Green parts, red whole · ")


def test_a_goal_slide_shows_its_sub_goals_its_trend_and_what_was_said():
    comments = [
        handmade.comment(1, "Prices went up in October", goal="S1"),
        handmade.comment(2, "Rota", kpi="WAIT"),
    ]
    slide = next(s for s in build(comments=comments) if s.kind == "goal")
    assert (slide.status, slide.big) == (GoalStatus.OFF_TRACK, fmt.value(22, "nps"))
    assert [ln.label for ln in slide.lines] == ["E-mails answered within a day"]
    shown = (date(2026, 9, 1), OCTOBER)
    goal = handmade.GOALS[0]  # its planned path under its values, as its note judges it against
    path = tuple((m, verdicts.on_pace(goal, m)) for m in shown)
    assert slide.chart == deck.Series(
        "Recommend score", "nps", ((shown[0], 25), (OCTOBER, 22)), 40, path=path
    )
    assert slide.notes == ("Prices went up in October",)


@pytest.mark.parametrize(
    ("language", "deadline", "said"),
    [
        ("en", date(2026, 12, 31), "Target +40 by 31\u00a0Dec\u00a02026 · planned path +37 this month"),
        ("en", None, "Target +40 with no deadline"),
        ("da", None, "Målværdi +40 uden frist"),
    ],
)
def test_a_goal_slide_says_by_when_or_that_there_is_no_deadline(language, deadline, said):
    """A goal without a deadline read "Target 90 % by no deadline" (and "senest ingen frist")."""
    from kpi.text.i18n import use

    goals = [replace(g, deadline=deadline) if g.code == "S1" else g for g in handmade.GOALS]
    with use(language):
        month_report = report.build(OCTOBER, handmade.KPIS, goals, handmade.VALUES)
        meeting = deck.Meeting(month_report, [], handmade.VALUES, {}, None)
        slides = deck.build(meeting, COMPANY, handmade.DEPARTMENTS, handmade.ACTIONS, handmade.OWNERS)
        notes = phrases.goal_why(month_report.goals["S1"], OCTOBER)
    slide = next(s for s in slides if s.kind == "goal")
    assert slide.subtitle == said
    assert said.split(" · ")[0].split(" ", 2)[2] in notes  # the presenter's notes say it alike


def test_a_goal_behind_its_path_says_the_path_beside_its_forecast_and_a_doubtful_sample_says_so():
    """ "At risk +32 … forecast +40, reaching the target" read as a contradiction (a presenter's
    trial): the slide says the path it is judged against now. And "✓ On track +48" of 23 answers
    said nothing of its ± 29 but in the speaker notes."""
    values = [
        *[v for v in handmade.VALUES if v.kpi != "NPS"],
        MonthValue("NPS", SEPTEMBER, 25, n=400, margin=4.5),
        MonthValue("NPS", OCTOBER, 22, n=23, margin=29.2),
    ]
    slides = build(values=values)
    goal = next(s for s in slides if s.title == "Customers recommend us")
    assert goal.status is GoalStatus.AT_RISK  # tempered: the margin reaches its path
    assert goal.subtitle.startswith("Target +40 by 31\u00a0Dec\u00a02026 · planned path +37 this month")
    assert goal.subtitle.endswith(
        " · n\u00a0=\u00a023\u00a0answers, ±\u00a029.2\u00a0pts\u00a0(95\u00a0%) — low confidence"
    )
    board = next(s for s in slides if s.title == "Board")
    [nps] = [line for line in board.lines if line.label == "Recommend score"]
    assert nps.note.endswith(
        "n\u00a0=\u00a023\u00a0answers, ±\u00a029.2\u00a0pts\u00a0(95\u00a0%) — low confidence"
    )
    on_track = next(s for s in build() if s.title == "The shop stays up")
    assert "path" not in on_track.subtitle and "n =" not in on_track.subtitle  # no data: neither said


def revised_note(before, after, unit):
    return t("deck.revised", before=fmt.value(before, unit), after=fmt.value(after, unit))


@pytest.mark.parametrize(
    ("revised", "goal_note", "department_note"),
    [
        ({}, None, phrases.change(-15, "s", Direction.LOWER, SEPTEMBER)),
        ({"WAIT": (55.0, 58.0)}, None, revised_note(55, 58, "s")),
        (
            {"NPS": (22.0, 30.0)},
            revised_note(22, 30, "nps"),
            phrases.change(-15, "s", Direction.LOWER, SEPTEMBER),
        ),
    ],
)
def test_a_value_revised_after_the_close_is_said_where_the_number_stands(revised, goal_note, department_note):
    slides = build(revised=revised)
    goal = next(s for s in slides if s.title == "Customers recommend us")
    service = next(s for s in slides if s.title == "Service desk")
    assert (goal.notes[-1] if goal.notes else None) == goal_note
    assert service.lines[0].note == department_note
    assert goal_note is None or goal_note.startswith("Revised after close: ")


def test_the_exceptions_slide_shows_the_one_exception_list_in_its_order():
    slides = [s for s in build() if s.kind == "exceptions"]
    assert [s.title for s in slides] == ["Needs attention"]
    exceptions = slides[0]
    month_report = report.build(OCTOBER, handmade.KPIS, handmade.GOALS, handmade.VALUES)
    expected = attention.by_measure(attention.items(month_report, handmade.ACTIONS, []))
    assert len(exceptions.lines) == len(expected) == 4
    for line, item in zip(exceptions.lines, expected, strict=True):
        assert line.label == item.subject and line.flag and line.flag.kind == item.kind
    assert [(ln.label, ln.flag) for ln in exceptions.lines] == [
        ("Customers recommend us", deck.Flag("mismatch", "Green parts, red whole")),
        ("Checkout fast by summer", deck.Flag("missed", "Goal missed")),
        ("Put images on a CDN", deck.Flag("late_action", "Action overdue")),
        ("Minutes the shop is down", deck.Flag("no_data", "No value")),
    ]
    # a red KPI is told with the goals on its number, most severe first: not a row of its own
    nps = t(
        "attention.also",
        items=f"Off target: Recommend score · +22 (target {fmt.value(40, 'nps')} this month)",
    )
    assert exceptions.lines[0].also == nps
    page = exceptions.lines[1].also
    assert (
        page.startswith("Also: Off target: Page load time · ")
        and "; Goal at risk: Pages load fast · " in page
    )
    assert exceptions.lines[1].full_note == f"{exceptions.lines[1].note} · {page}"
    from pptx import Presentation

    from kpi.output import pptx_pack

    deck_slides = build()
    pack = Presentation(io.BytesIO(pptx_pack.render(deck_slides, COMPANY)))
    index = next(i for i, s in enumerate(deck_slides) if s.kind == "exceptions")
    [table] = [shape.table for shape in pack.slides[index].shapes if shape.has_table]
    notes = [row.cells[len(row.cells) - 1].text for row in list(table.rows)[1:]]
    assert notes[1] == exceptions.lines[1].full_note  # the table's note cell says both
    late = exceptions.lines[-2]
    assert (late.label, late.flag, late.target) == (
        "Put images on a CDN",
        deck.Flag("late_action", "Action overdue"),
        f"due {fmt.day_unbroken(date(2026, 9, 15))}",
    )
    # an overdue action owes no comment and has no place for one: nothing said of it
    assert late.note == f"Owner: Ina Tang · since {fmt.month_unbroken(SEPTEMBER)}"


def test_a_long_department_goes_on_as_many_slides_as_it_needs_and_its_comments_beside_their_numbers():
    """A comment stands on the slide of the KPI it is about, after its line (a presenter's trial:
    the first slide's KPIs had their comments under the second slide's); one about a goal of the
    department, after its KPI's line; one about nothing the department lists, after every line."""
    extra = [
        Kpi(f"CS{n}", f"Service measure {n}", "CS", "%", Direction.HIGHER, Aggregation.MEAN, target=90)
        for n in range(deck.ROWS_PER_SLIDE)
    ]
    comments = [handmade.comment(1, "Busy month", kpi="WAIT"), handmade.comment(2, "Last one", kpi="CS5")]
    slides = build(kpis=handmade.KPIS + extra, comments=comments)
    service = [s for s in slides if s.kind == "department" and s.title.startswith("Service desk")]
    assert [s.title for s in service] == ["Service desk (1/2)", "Service desk (2/2)"]
    first, second = ([ln.label for ln in s.lines] for s in service)
    assert "Wait on the phone" in first and "Service measure 5" in second
    assert (
        len(first) + len(second) == 8 and len(first) + len(service[0].notes) == 5
    )  # ten rows, shared evenly
    assert service[0].notes == ("Wait on the phone (Carl Sand): Busy month",)  # what, by whom
    assert service[1].notes == ("Service measure 5 (Carl Sand): Last one",)
    # and which of the slide's lines each is about: the Present page draws it under that line
    assert service[0].placed == (first.index("Wait on the phone"),)
    assert service[1].placed == (second.index("Service measure 5"),)


def test_a_comment_s_place_on_its_slide_is_the_line_it_is_about_or_none():
    # notes about lines 1, none and 6 of seven: the first slide has lines 0-3 and the note on
    # line 1, the second lines 4-6, the note on line 6 (its third) and then the other
    pages = deck.paginate(lines(7), ["on 1", "on none", "on 6"], after=[1, None, 6])
    assert [(page.notes, page.placed) for page in pages] == [
        (("on 1",), (1,)),
        (("on 6", "on none"), (2, None)),
    ]
    # no places given, or one past the lines: after every line
    assert [page.placed for page in deck.paginate(lines(3), ["a", "b"])] == [(None, None)]
    assert [page.placed for page in deck.paginate(lines(3), ["a"], after=[3])] == [(None,)]
    # a comment whose line stayed on the slide before: after every line of its own slide
    long = [deck.Line(f"long {n}", note="word " * 100, also="word " * 40) for n in range(4)]
    pages = deck.paginate(long, ["x " * 200] * 3, after=[3, 3, 3])
    assert [(len(page.lines), page.placed) for page in pages] == [(2, ()), (2, (1, 1)), (0, (None,))]


def _present(slide):
    from kpi.domain.access import EVERYTHING
    from kpi.ui.views import present_view

    present_view.render(slide, EVERYTHING)


def test_the_present_page_draws_a_comment_under_the_line_it_is_about():
    """A last check read the comments at a slide's foot as astray from their KPIs."""
    from streamlit.testing.v1 import AppTest

    slide = deck.Slide(
        "department",
        "Service desk",
        lines=(deck.Line("Wait on the phone", "55 s"), deck.Line("Answer to e-mail", "26 h")),
        notes=("Wait on the phone (Carl Sand): a busy week", "Service desk (Carl Sand): in general"),
        placed=(0, None),
    )
    at = AppTest.from_function(_present, args=(slide,), default_timeout=30).run()
    assert not at.exception
    drawn = [e.value for e in at.main if e.type in ("markdown", "text")]
    said = [v for v in drawn if v.startswith("**") or "Carl Sand" in v]
    assert said == [
        "**Wait on the phone**",
        "Wait on the phone (Carl Sand): a busy week",  # under its line, before the next
        "**Answer to e-mail**",
        "Service desk (Carl Sand): in general",
    ]


def test_a_head_s_deck_lists_the_kpi_of_her_goal_in_another_department_with_its_comment():
    """A service head who owns the board's goal S1: her month slide counts its KPI among hers, so
    a slide lists it after her department's, with the month's comment on the goal (a presenter's
    trial: "3 of 9 on target, 1 close" over slides of eight KPIs, none close)."""
    from kpi.domain.access import Scope

    scope = Scope(
        frozenset({"CS"}), goals=frozenset({"S1"}), kpis=frozenset({"NPS"}), owned=frozenset({"S1"})
    )
    kpis = [k for k in handmade.KPIS if k.department == "CS" or k.code == "NPS"]
    goals = [g for g in handmade.GOALS if g.department == "CS" or g.code == "S1"]
    month_report = report.build(OCTOBER, kpis, goals, handmade.VALUES)
    said = [handmade.comment(1, "Recommendations fell", goal="S1")]
    meeting = deck.Meeting(month_report, said, handmade.VALUES, {}, scope=scope)
    service = [d for d in handmade.DEPARTMENTS if d.code == "CS"]
    slides = deck.build(meeting, COMPANY, service, [], handmade.OWNERS)
    shown = [(s.title, [ln.label for ln in s.lines], s.notes) for s in slides if s.kind == "department"]
    assert shown == [
        ("Service desk", ["Wait on the phone", "Answer to e-mail"], ()),
        (
            "KPIs of your goals in other departments",
            ["Recommend score"],
            ("Customers recommend us (Carl Sand): Recommendations fell",),
        ),
    ]
    elsewhere = next(s for s in slides if s.title == "KPIs of your goals in other departments")
    assert [ln.also for ln in elsewhere.lines] == ["Measures your goal: Customers recommend us"]  # which goal
    assert (
        "Measures your goal: Customers recommend us" in elsewhere.lines[0].full_note
    )  # the packs' note cell
    month = next(s for s in slides if s.kind == "month")
    assert next(ln for ln in month.lines if ln.label == "KPIs on target").value.endswith("of 3")


def test_a_department_line_carries_its_kpi_s_trend():
    service = next(s for s in build() if s.title == "Service desk")
    wait = next(ln for ln in service.lines if ln.label == "Wait on the phone")
    expected = [v.value for v in sorted(handmade.VALUES, key=lambda v: v.month) if v.kpi == "WAIT"]
    assert list(wait.trend) == expected[-deck.TREND_MONTHS :] and len(wait.trend) >= 2


OVERDUE = deck.Flag("late_action", "Planned, overdue")


@pytest.mark.parametrize(
    ("due", "status", "listed", "note", "flag"),
    [
        (date(2026, 9, 15), ActionStatus.PLANNED, True, "", OVERDUE),  # flagged as the Overview does
        (date(2026, 12, 31), ActionStatus.DOING, True, "", None),  # the horizon: two months ahead
        (date(2027, 1, 1), ActionStatus.PLANNED, False, None, None),
        (date(2026, 10, 20), ActionStatus.DONE, False, None, None),
        (None, ActionStatus.PLANNED, False, None, None),
    ],
)
def test_the_actions_slide_holds_open_actions_due_within_two_months(due, status, listed, note, flag):
    """An action's state is in its status cell (the cell stood empty beside three overdue ones),
    flagged where it is overdue, in the attention list's colour: "◷ Planned, overdue" (the flag
    alone had put an overdue one's state in the note, the others' in the status: a presenter's
    trial). The note holds an initiative's verdict, nothing else."""
    action = replace(handmade.ACTIONS[0], due=due, status=status)
    actions = next(s for s in build(actions=[action]) if s.kind == "actions")
    state = {ActionStatus.PLANNED: "Planned", ActionStatus.DOING: "In progress"}.get(status)
    assert [(ln.label, ln.value, ln.note, ln.flag, ln.state) for ln in actions.lines] == (
        [("Put images on a CDN", "Ina Tang", note, flag, state)] if listed else []
    )
    if listed:  # the packs' speaker notes say it is overdue, as the slide shows beside its date
        from kpi.output import speaker

        said = speaker.notes(actions)
        assert ("Planned, overdue" in said) is (flag is not None)
        assert state in said  # every action's state, as its slide shows it
        assert ": ." not in said and said.endswith(".")  # "due 31 Dec 2026: ." where nothing more was said


def test_the_speaker_notes_say_an_overdue_action_s_due_date_without_a_value_against_it():
    from kpi.output import speaker

    exceptions = next(s for s in build() if s.kind == "exceptions")
    said = speaker.notes(exceptions)
    line = next(ln for ln in said.splitlines() if ln.startswith("• Put images on a CDN"))
    assert line.startswith(
        f"• Put images on a CDN: ◷ Action overdue: due {fmt.day_unbroken(date(2026, 9, 15))}."
    )
    assert "– against" not in line  # a missing value's line still says it has none: "No value: – against …"


@pytest.mark.parametrize("language", ["en", "da"])
def test_an_action_s_date_holds_together_in_its_narrow_column(language):
    """The date is one word on a slide: a PDF broke it inside its cell ("1. nov. / 2025")."""
    action = replace(handmade.ACTIONS[0], due=date(2026, 11, 1), status=ActionStatus.PLANNED)
    with i18n.use(language):
        actions = next(s for s in build(actions=[action]) if s.kind == "actions")
        day = fmt.day(date(2026, 11, 1))
    assert [ln.target for ln in actions.lines] == [day.replace(" ", "\u00a0")]


def test_a_month_with_no_values_still_makes_every_slide():
    slides = build(values=[MonthValue("NPS", date(2025, 1, 1), 10)], actions=[])
    assert [s.kind for s in slides][:3] == ["title", "month", "status"]
    assert {ln.status for ln in slides[2].lines} == {GoalStatus.NO_DATA}
    assert next(s for s in slides if s.kind == "actions").lines == ()


def lines(count):
    return [deck.Line(f"line {n}") for n in range(count)]


@pytest.mark.parametrize(
    ("count", "notes", "chart", "shape"),
    [
        (0, 0, False, [(0, 0)]),  # nothing still makes a slide that says so
        (6, 0, False, [(6, 0)]),
        (7, 0, False, [(4, 0), (3, 0)]),  # shared out evenly, not six and a slide of one
        (12, 0, False, [(6, 0), (6, 0)]),
        (13, 0, False, [(5, 0), (4, 0), (4, 0)]),
        (4, 2, False, [(4, 2)]),  # a comment is a row
        (5, 3, False, [(4, 0), (1, 3)]),  # comments follow the lines, onto the next slide
        (4, 2, True, [(4, 2)]),  # beside a chart: four lines, two comments under it
        (5, 3, True, [(4, 2), (1, 1)]),
        (11, 3, True, [(4, 2), (4, 0), (3, 1)]),
        (0, 0, True, [(0, 0)]),
    ],
)
def test_a_list_goes_on_as_many_slides_as_a_screen_holds(count, notes, chart, shape):
    pages = deck.paginate(lines(count), [f"note {n}" for n in range(notes)], chart=chart)
    assert [(len(rows), len(said)) for rows, said, _ in pages] == shape
    assert [ln for rows, _, _ in pages for ln in rows] == lines(count)  # every line once, in order


def test_a_comment_with_its_place_follows_its_line_onto_that_line_s_slide():
    notes = ["about line 1", "about nothing", "about line 6"]
    pages = deck.paginate(lines(7), notes, after=[1, None, 6])
    assert (
        [([ln.label for ln in rows], said) for rows, said, _ in pages]
        == [
            ([ln.label for ln in lines(7)[:4]], ("about line 1",)),  # ten rows: five and five
            ([ln.label for ln in lines(7)[4:]], ("about line 6", "about nothing")),
        ]
    )


def test_a_comment_is_not_parted_from_its_line_at_a_slide_s_end():
    """Ten rows shared five and five parted the NPS's comment from its line, the last of the first
    slide: it is taken onto that slide where it fits, else its line goes on with it."""
    pages = deck.paginate(lines(8), ["about line 4"], after=[4])
    assert [(len(rows), said) for rows, said, _ in pages] == [(5, ("about line 4",)), (3, ())]
    long = [deck.Line(f"long {n}", note="word " * 100, also="word " * 40) for n in range(3)]
    assert 3 * deck.height(long[0]) + deck.COMMENT_LINES + 0.5 > deck.ROOM  # no room for it there
    pages = deck.paginate([*long, *lines(2)], ["about long 2"], after=[2])
    assert [([ln.label for ln in rows], said) for rows, said, _ in pages] == [
        (["long 0", "long 1"], ()),
        (["long 2", "line 0", "line 1"], ("about long 2",)),  # the line went on with its comment
    ]


def test_rows_with_long_notes_are_fewer_a_slide_so_the_slide_still_fits_the_screen():
    """November's attention slide: six items, each with its owner, plan and since when, and what
    else is told on its number, ran 120 pixels past a 1280×720 screen."""
    long = [
        deck.Line(
            f"item {n}", note="Owner: Anders Bech · action: " + "word " * 30, also="Also: " + "word " * 12
        )
        for n in range(6)
    ]
    assert all(deck.height(line) > deck.ROOM / 4 for line in long)
    pages = deck.paginate(long)
    assert [len(rows) for rows, _, _ in pages] == [3, 3]
    assert all(sum(deck.height(line) for line in rows) <= deck.ROOM for rows, _, _ in pages)
    short = [deck.Line(f"item {n}", note="Owner: Ina Tang") for n in range(6)]
    assert [len(rows) for rows, _, _ in deck.paginate(short)] == [6]  # short notes: six a slide, as before
    mixed = [*short[:4], long[0], short[4]]  # as many slides as needed, shared evenly where that fits
    assert [len(rows) for rows, _, _ in deck.paginate(mixed)] == [6]
    assert [len(rows) for rows, _, _ in deck.paginate([*long[:3], *short[:3]])] == [3, 3]


def test_the_present_page_clamps_a_note_as_the_pagination_counts_it():
    from kpi.ui.views import present_view

    assert f"-webkit-line-clamp: {deck.NOTE_LINES};" in present_view.STYLE
    assert f"-webkit-line-clamp: {deck.COMMENT_LINES};" in present_view.STYLE
    assert "NOTE_LINES" not in present_view.STYLE


def test_a_list_on_several_slides_numbers_them():
    titles = [s.title for s in deck._paged("exceptions", "Needs attention", lines(13))]
    assert titles == ["Needs attention (1/3)", "Needs attention (2/3)", "Needs attention (3/3)"]
    assert [s.title for s in deck._paged("exceptions", "Needs attention", lines(2))] == ["Needs attention"]


@pytest.mark.parametrize(
    ("codes", "title"),
    [
        (["S1", "S2"], "Strategic goals"),
        (["T1"], "Your tactical goals"),
        (["O1", "O2"], "Your operational goals"),
        (["T1", "O2"], "Your goals"),
        ([], "Strategic goals"),
    ],
)
def test_the_goals_slide_is_titled_for_what_it_lists(codes, title):
    """A department head's own goals are never called strategic when they are not."""
    goals = [g for g in handmade.GOALS if g.code in codes]
    roots = [n for n in cascade.build(goals, {}) if n.goal.code in codes]
    assert deck.goals_title(roots) == title


def test_a_department_head_s_goals_slide_says_whose_they_are():
    month_report = report.build(
        OCTOBER, handmade.KPIS, [g for g in handmade.GOALS if g.department == "CS"], handmade.VALUES
    )
    slides = deck.build(
        deck.Meeting(month_report, [], handmade.VALUES, {}), COMPANY, handmade.DEPARTMENTS[1:2], [], {}
    )
    assert next(s.title for s in slides if s.kind == "status") == "Your tactical goals"


WAIT_PROMISE = ServicePriority("P_WAIT", "Callers wait at most 50 seconds", "WAIT", 50.0, "<=")
MAIL_PROMISE = ServicePriority("P_MAIL", "E-mails answered within 30 hours", "MAIL", 30.0, "<=")


def test_the_service_priorities_slide_says_kept_or_broken_against_the_promise():
    month_report = report.build(OCTOBER, handmade.KPIS, handmade.GOALS, handmade.VALUES)
    meeting = deck.Meeting(month_report, [], handmade.VALUES, {}, priorities=[MAIL_PROMISE, WAIT_PROMISE])
    slides = deck.build(meeting, COMPANY, handmade.DEPARTMENTS, [], {})
    kinds = [s.kind for s in slides]
    assert kinds.index("exceptions") < kinds.index("priorities") < kinds.index("department")
    slide = next(s for s in slides if s.kind == "priorities")
    wait = month_report.kpis["WAIT"].value.value
    mail = month_report.kpis["MAIL"].value.value
    assert wait > 50 and mail <= 30  # the promise on the phone is broken this month, the e-mail one kept
    assert [(ln.label, ln.value, ln.target, ln.flag) for ln in slide.lines] == [
        (
            "Callers wait at most 50 seconds",
            fmt.value(wait, "s"),
            f"≤ {fmt.value(50, 's')}",
            deck.Flag("broken_priority", "Broken"),
        ),
        (
            "E-mails answered within 30 hours",
            fmt.value(mail, "h"),
            f"≤ {fmt.value(30, 'h')}",
            deck.Flag("kept_priority", "Kept"),
        ),
    ]  # broken first
    assert slide.lines[0].note.startswith("Met in 0 of the last")


def test_a_sub_goal_short_of_its_target_says_the_planned_path_its_status_is_judged_against():
    """ "5.1 / 7 · ✓ On track · target 5.2 / 7" read as a number below its target marked green (a
    presenter's trial): a goal slide's sub-goal short of its target gives, beside the target, the
    level of its planned path this month; one that has reached its target, or whose path has
    reached the target at its deadline, gives the target alone."""
    month_report = report.build(OCTOBER, handmade.KPIS, handmade.GOALS, handmade.VALUES)
    goals = month_report.goals
    assert goals["T1"].status is GoalStatus.ON_TRACK and goals["T1"].value.value > goals["T1"].goal.target
    level = verdicts.on_pace(goals["T1"].goal, OCTOBER)
    assert (
        phrases.target_on_path(goals["T1"], OCTOBER)
        == f"{fmt.value(24, 'h')} (planned path {fmt.value(level, 'h')} this month)"
    )
    assert phrases.target_on_path(goals["O1"], OCTOBER) == fmt.value(60, "s")  # achieved: 55 s
    assert phrases.target_on_path(goals["O3"], OCTOBER) == fmt.value(
        1200, "ms"
    )  # its deadline passed: path = target
    slides = build()
    s1 = next(s for s in slides if s.kind == "goal" and s.title == goals["S1"].goal.title)
    assert [ln.target for ln in s1.lines] == [phrases.target_on_path(goals["T1"], OCTOBER)]
    with i18n.use("da"):
        assert phrases.target_on_path(goals["T1"], OCTOBER).endswith(
            f"(planlagt forløb {fmt.value(level, 'h')} denne måned)"
        )


def test_a_goal_slide_s_chart_carries_the_threshold_of_a_service_priority_on_its_kpi():
    """The delivery slot had three levels (the priority's 95 %, its month target, the goal's path)
    and the pack's chart drew two: a goal's chart draws the threshold of a priority judged by its
    KPI's value, as the department's trend does; one counted over call records draws none."""
    month_report = report.build(OCTOBER, handmade.KPIS, handmade.GOALS, handmade.VALUES)

    def charts(*kept):
        meeting = deck.Meeting(month_report, [], handmade.VALUES, {}, priorities=list(kept))
        slides = deck.build(meeting, COMPANY, handmade.DEPARTMENTS, [], {})
        return {s.chart.title: s.chart for s in slides if s.kind == "goal" and s.chart is not None}

    uptime = ServicePriority("P_DOWN", "The shop is down at most 60 minutes a month", "DOWN", 60.0, "<=")
    drawn = charts(uptime, WAIT_PROMISE)
    assert sorted(drawn) == ["Minutes the shop is down", "Recommend score"]  # the strategic goals
    assert drawn["Minutes the shop is down"].promise == 60.0 and drawn["Recommend score"].promise is None
    counted = replace(uptime, events=EventMeasure("calls/*.csv", 50, 80))
    assert charts(counted)["Minutes the shop is down"].promise is None


def test_a_worst_day_is_named_where_calls_were_counted():
    measured = EventMonth(OCTOBER, within=720, counted=1000, worst_day=date(2026, 10, 5), worst_share=57.7)
    promise = replace(WAIT_PROMISE, events=EventMeasure("calls/*.csv", 50, 80), measured=(measured,))
    month_report = report.build(OCTOBER, handmade.KPIS, handmade.GOALS, handmade.VALUES)
    meeting = deck.Meeting(month_report, [], handmade.VALUES, {}, priorities=[promise])
    line = next(
        s for s in deck.build(meeting, COMPANY, handmade.DEPARTMENTS, [], {}) if s.kind == "priorities"
    ).lines[0]
    assert (line.value, line.target) == (fmt.value(72, "%"), f"≥ {fmt.value(80, '%')}")
    # what the share is a share of first, its worst day said once: "72.0 %" alone had no unit
    calls, met = line.note.split(" · ")
    assert not line.why and "of the 1,000 calls answered within 50" in calls  # the notes say it as for all
    assert calls.endswith(f"; worst day {fmt.day_unbroken(date(2026, 10, 5))}: {fmt.value(57.7, '%')}")
    assert line.note.count("worst day") == 1 and met.startswith("Met in ")


def test_a_department_slide_says_once_what_its_targets_are_when_they_are_of_one_kind():
    """Each row of a department slide said "(2026 target, phased by last year)": said once in the
    subtitle where every target is of one kind, by each row where they differ."""
    from kpi.domain.targets import MonthTarget, TargetKind

    month_report = report.build(OCTOBER, handmade.KPIS, handmade.GOALS, handmade.VALUES)
    meeting = deck.Meeting(month_report, [], handmade.VALUES, {})
    rows = [r for r in month_report.kpis.values() if r.kpi.department == "CS"]
    service = handmade.DEPARTMENTS[1]
    with i18n.use("en"):
        [same] = deck._department_slides(meeting, service, rows, set(), handmade.OWNERS)
        assert same.subtitle == "The targets here are this month's (2026 target)"
        assert [ln.target for ln in same.lines] == [fmt.value(r.target.value, r.kpi.unit) for r in rows]
        mixed = [replace(rows[0], target=MonthTarget(55.0, TargetKind.EXPLICIT)), *rows[1:]]
        [apart] = deck._department_slides(meeting, service, mixed, set(), handmade.OWNERS)
    assert apart.subtitle == ""
    assert apart.lines[0].target == f"{fmt.value(55, 's')} (target for {fmt.month_unbroken(OCTOBER)})"
    assert apart.lines[1].target.endswith(" (2026 target)")


def test_a_survey_change_sampling_explains_is_told_as_such_on_the_slides():
    """The recommend score's -3 points since September (±4.5 and ±4.4 at 95 %) is within the two
    months' margins: the status slide and its department's slide say so rather than "worse than
    Sept 2026", and a measured KPI's change is still better or worse."""
    said = "-3\xa0pts since Sept\xa02026, within the margin of error"
    notes = [(ln.label, ln.note) for s in build() for ln in s.lines]
    survey = [
        note
        for label, note in notes
        if label in {"Recommend score", "Customers recommend us"} and said in note
    ]
    assert len(survey) >= 2 and not [
        note for _, note in notes if "Sept\xa02026" in note and "Recommend" in note
    ]
    wait = next(note for label, note in notes if label == "Wait on the phone")
    assert " than Sept\xa02026" in wait and "margin" not in wait


def test_a_goal_slide_without_a_forecast_for_its_line_past_zero_says_why_in_its_notes():
    """The slide dropped a forecast whose line ran past what its unit can reach without a word,
    where the tile and the goal's detail said why (a review): its notes say it."""
    falling = [v for v in handmade.VALUES if v.kpi != "DOWN"] + [
        MonthValue("DOWN", date(2026, month, 1), value)
        for month, value in ((8, 100.0), (9, 60.0), (10, 20.0))
    ]
    month_report = report.build(OCTOBER, handmade.KPIS, handmade.GOALS, falling)
    meeting = deck.Meeting(month_report, [], falling, {})
    with i18n.use("en"):
        slides = deck.build(meeting, COMPANY, handmade.DEPARTMENTS, [], {})
    (shop,) = [s for s in slides if s.kind == "goal" and s.title == "The shop stays up"]
    assert "forecast" not in shop.subtitle.lower()
    assert "No forecast value: at the recent pace the number reaches its target of 30\u00a0min" in shop.why
