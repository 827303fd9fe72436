"""Bounds on every value (kpi.domain.bounds): months in a window around today, numbers a field can
hold, texts of a sane length; the same in imports and forms; and a store that already holds an
absurd value keeps its pages and can be cleaned."""

import json
import re
import subprocess
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from kpi import cli
from kpi.domain import bounds, checks, months, validate
from kpi.domain.bounds import Window
from kpi.domain.errors import Refused
from kpi.domain.model import Person, Role
from kpi.domain.validate import Rejected
from kpi.files.tables import ImportRejected
from kpi.store import corrections, definitions, engine, importing, queries
from kpi.store import schema as s
from kpi.text import fmt, words
from tests.commands import in_a_process, in_process
from tests.conftest import as_admin, rejected_with, table_counts
from tests.sharing import open_data_tab
from tests.test_checks import GOAL, KNOWN

TODAY = date(2026, 11, 30)
WINDOW = Window.around(TODAY)
ADMIN = Person("anne.holm@havnhjem.example", "Anne Holm", Role.ADMIN, "MGMT")
CURRENT = months.first_of(date.today())


@pytest.mark.parametrize(
    "when, expected",
    [
        (date(9999, 12, 1), "outside_window"),
        (date(2062, 10, 1), "outside_window"),
        (date(1, 1, 1), "outside_window"),
        (date(1999, 12, 31), "outside_window"),
        (months.add(months.first_of(TODAY), bounds.MONTHS_AHEAD + 1), "outside_window"),
        (months.add(months.first_of(TODAY), bounds.CONFIRM_AHEAD + 1), "far_ahead"),
        (months.end_of(months.add(months.first_of(TODAY), bounds.MONTHS_AHEAD)), "far_ahead"),
        (months.add(months.first_of(TODAY), bounds.CONFIRM_AHEAD), None),
        (date(2000, 1, 1), None),
        (TODAY, None),
    ],
)
def test_months_and_dates_lie_in_a_window_around_today(when, expected):
    found = WINDOW.problem(when, "month")
    assert (found.key if found else None) == expected
    confirmed = WINDOW.confirming().problem(when, "month")
    assert (confirmed.key if confirmed else None) == (None if expected == "far_ahead" else expected)


@pytest.mark.parametrize(
    "typed, key",
    [
        (1e308, "too_large"),  # what Excel hands over for a cell of 1E+308
        (float("inf"), "not_finite"),
        (-float("inf"), "not_finite"),
        ("1" * 29, "too_precise"),
        ("0," + "1" * 29, "too_precise"),
        ("1000000000000", "too_large"),
        ("-1.000.000.000.000", "too_large"),
        ("1e308", "too_large"),  # read as a number (Excel writes 1.23457E+11), then too large
        ("1e400", "too_large"),  # Python reads it as infinity: it was "“inf” is not a finite number"
        ("NaN", "not_a_number"),
    ],
)
def test_a_number_no_field_can_hold_is_refused(typed, key):
    with pytest.raises(Rejected) as caught:
        validate.number(typed, "value")
    assert [p.key for p in caught.value.problems] == [key]
    if isinstance(typed, str) and key == "too_large":  # told as typed, not as read
        assert dict(caught.value.problems[0].params)["value"] == typed


def test_numbers_just_inside_the_limits_are_read():
    assert validate.number("9" * 12, "value") == float("9" * 12)
    assert validate.number("0," + "1" * 27, "value", decimal=",") == pytest.approx(0.1111111)


@pytest.mark.parametrize("value", [1e308, float("inf"), float("nan"), -1e300, 123.456])
def test_formatting_never_breaks_on_a_number_the_store_already_holds(value):
    shown = fmt.value(value, "s")
    assert shown and (shown == "–") == (value != value or abs(value) == float("inf"))
    assert fmt.delta(value, "%")


def test_texts_longer_than_their_field_holds_are_refused():
    title = "x" * (bounds.TEXT_LIMITS["title"] + 1)
    problems = checks.goal(
        {**GOAL, "title": title, "description": "y" * bounds.TEXT_LIMITS["description"]}, KNOWN
    )
    assert [(p.key, p.field) for p in problems] == [("too_long", "title")]
    answer = {"kpi": "NPS", "date": TODAY, "score": 9, "segment": "s" * (bounds.TEXT_LIMITS["segment"] + 1)}
    assert [p.field for p in checks.answer(answer, KNOWN)] == ["segment"]


def test_a_month_far_ahead_needs_confirming_and_a_stored_one_not_again():
    known = checks.Known(**{**vars(KNOWN), "window": WINDOW})
    far = months.end_of(months.add(months.first_of(TODAY), 18))
    goal = {**GOAL, "deadline": far}
    assert [p.key for p in checks.goal(goal, known)] == ["far_ahead"]
    assert checks.goal(goal, checks.Known(**{**vars(KNOWN), "window": WINDOW.confirming()})) == []
    assert checks.confirmed_by_store(checks.goal(goal, known), goal, {"deadline": far}) == []
    measurement = {"kpi": "CS_WAIT", "month": date(9999, 12, 1), "value": 80.0}
    assert [p.key for p in checks.measurement(measurement, known)] == ["outside_window"]


def test_a_value_or_an_answer_is_of_what_has_happened():
    """A value for a month not begun and an answer dated after today passed (an adversarial
    test); the month begun and today itself are fine, a target or deadline ahead is a plan."""
    known = checks.Known(**{**vars(KNOWN), "window": WINDOW})
    value = {"kpi": "CS_WAIT", "value": 80.0}
    ahead = months.add(months.first_of(TODAY), 1)
    assert [p.key for p in checks.measurement({**value, "month": ahead}, known)] == ["month_not_begun"]
    assert checks.measurement({**value, "month": months.first_of(TODAY)}, known) == []
    answer = {"kpi": "NPS", "score": 9}
    tomorrow = date.fromordinal(TODAY.toordinal() + 1)
    assert [p.key for p in checks.answer({**answer, "date": tomorrow}, known)] == ["day_not_come"]
    assert checks.answer({**answer, "date": TODAY}, known) == []
    said = words.problem(checks.measurement({**value, "month": ahead}, known)[0])
    assert (
        said
        == f"Month: {months.key(ahead)} has not begun yet (today is {fmt.day(TODAY)}): a month's value is of a month that has begun; check the year."
    )
    assert checks.goal({**GOAL, "deadline": months.end_of(ahead)}, known) == []


def test_every_month_and_day_a_file_gives_lies_in_the_window():
    """A goal's acceptance, a month's target and a process change took any date (an adversarial
    trial: "Accepted on 31 Dec 9999." in the cascade): each is held to the window as a deadline
    is, and a goal's acceptance to a day that has come."""
    known = checks.Known(**{**vars(KNOWN), "window": WINDOW})
    tomorrow = date.fromordinal(TODAY.toordinal() + 1)
    for accepted, said in (
        (date(9999, 12, 31), ["outside_window"]),
        (tomorrow, ["day_not_come"]),
        (TODAY, []),
    ):
        assert [p.key for p in checks.goal({**GOAL, "accepted": accepted}, known)] == said, accepted
    assert checks.goal({**GOAL, "accepted": date(2020, 1, 1)}, known) == []  # accepted before it starts
    for far in (date(2099, 12, 1), date(1999, 1, 1)):
        target = {"kpi": "CS_WAIT", "month": far, "target": 60.0}
        assert [p.key for p in checks.month_target(target, known)] == ["outside_window"]
        assert [p.key for p in checks.process_change({"kpi": "CS_WAIT", "month": far}, known)] == [
            "outside_window"
        ]
        # a stray row outside the window can still be taken away (a review: 2099-12 could not)
        assert checks.kpi_month({"kpi": "CS_WAIT", "month": far}, known) == []
    # a plan far ahead within the window needs no confirming: the plans' forms have no box for it
    ahead = months.add(months.first_of(TODAY), 18)
    assert checks.month_target({"kpi": "CS_WAIT", "month": ahead, "target": 60.0}, known) == []
    assert checks.process_change({"kpi": "CS_WAIT", "month": months.first_of(TODAY)}, known) == []
    assert [p.key for p in checks.kpi_month({"kpi": "NOPE"}, known)] == ["required", "unknown_reference"]


def test_a_stray_target_or_change_outside_the_window_can_be_removed(demo_url):
    """The window checks a month's target and a process change are held to stopped the Data
    page removing such a row that a store already held (a review)."""
    from kpi.store import plans

    far = date(2099, 12, 1)
    store = engine.create(demo_url)
    with engine.writing(store) as conn:
        conn.execute(sa.insert(s.kpi_target).values(kpi="CS_WAIT", month=far, target=60.0))
        conn.execute(
            sa.insert(s.process_change).values(
                kpi="CS_WAIT", month=far, note="typo", who="x@y", at=datetime(2026, 1, 1)
            )
        )
    with engine.writing(store) as conn:
        assert plans.set_month_target(conn, as_admin(), "CS_WAIT", far, None) == "deleted"
        assert plans.remove_change(conn, as_admin(), "CS_WAIT", far)
        with pytest.raises(Rejected):
            plans.set_month_target(conn, as_admin(), "CS_WAIT", far, 55.0)


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    "kind, content",
    [
        ("measurements", _csv("kpi,month,value", "CS_WAIT,9999-12,80")),
        ("measurements", _csv("kpi,month,value", "CS_WAIT,2062-10,80")),
        ("measurements", _csv("kpi,month,value", "CS_WAIT,2026-09,1000000000000")),
        ("responses", _csv("kpi,date,score,segment,touchpoint", "NPS,9999-12-31,9,private,webshop")),
        ("responses", _csv("kpi,date,score,segment,touchpoint", "NPS,2062-10-01,9,private,webshop")),
        ("actions", _csv("goal,title,owner,due,status", "O1,Far away,,2062-10-31,planned")),
    ],
)
def test_a_store_with_a_value_at_9999_12_or_2062_10_cannot_be_created_any_more(demo_url, kind, content):
    store = engine.create(demo_url)
    with engine.reading(store) as conn:
        before = table_counts(conn)
    with pytest.raises(ImportRejected) as caught:
        importing.run(store, kind, content, f"{kind}.csv", as_admin())
    assert {p.key for p in caught.value.problems} <= {"outside_window", "too_large"}, caught.value
    with engine.reading(store) as conn:
        assert table_counts(conn) == before
    said = " ".join(words.problem(p) for p in caught.value.problems)  # a month said as one, a day as one
    assert ("9999-12-01" not in said and "2062-10-01" not in said) if kind == "measurements" else True
    assert "2062-10-01" in said if "2062-10-01" in content.decode() else True


def test_an_import_with_a_deadline_far_ahead_lands_only_when_confirmed(demo_url):
    store = engine.create(demo_url)
    deadline = months.end_of(months.add(CURRENT, bounds.CONFIRM_AHEAD + 3))
    with engine.reading(store) as conn:
        exported = importing.export(conn, "goals").decode("utf-8-sig").splitlines()
    header, first = exported[0], exported[1].split(",")
    first[header.split(",").index("deadline")] = deadline.isoformat()
    content = _csv(header, ",".join(first))
    with rejected_with("more than 12 months ahead", ImportRejected):
        importing.run(store, "goals", content, "goals.csv", as_admin())
    assert importing.run(store, "goals", content, "goals.csv", as_admin(), confirm_future=True).counts == {
        "updated": 1
    }
    assert importing.run(store, "goals", content, "goals.csv", as_admin()).counts == {"unchanged": 1}


def test_the_goal_form_keeps_the_same_bounds(demo_url):
    store = engine.create(demo_url)
    with engine.reading(store) as conn:
        goal = next(g for g in queries.goals(conn, definitions_scope()) if g.code == "O1")
    values = {
        "code": "O1",
        "title": goal.title,
        "description": goal.description,
        "level": str(goal.level),
        "parent": goal.parent,
        "kpi": goal.kpi,
        "department": goal.department,
        "owner": goal.owner,
        "baseline": str(goal.baseline),
        "target": str(goal.target),
        "start": months.key(goal.start),
        "weight": "1",
    }
    far = months.end_of(months.add(CURRENT, bounds.CONFIRM_AHEAD + 2)).isoformat()
    for deadline, pattern in (("2062-10-31", "outside the months"), (far, "more than 12 months ahead")):
        with engine.writing(store) as conn, rejected_with(pattern):
            definitions.save_goal(conn, ADMIN, {**values, "deadline": deadline}, is_new=False)
    with engine.writing(store) as conn, rejected_with("too long"):
        definitions.save_goal(conn, ADMIN, {**values, "deadline": far, "title": "x" * 201}, is_new=False)
    with engine.writing(store) as conn:
        assert definitions.save_goal(
            conn, ADMIN, {**values, "deadline": far}, is_new=False, confirm_future=True
        )
    with engine.writing(store) as conn:  # the stored deadline needs no new confirmation
        definitions.save_goal(conn, ADMIN, {**values, "deadline": far, "weight": "2"}, is_new=False)


def definitions_scope():
    from kpi.domain.access import EVERYTHING

    return EVERYTHING


STRAY = (("CS_WAIT", date(9999, 12, 1), 1e308), ("CS_WAIT", date(2062, 10, 1), 80.0))


def _write_strays(url: str) -> None:
    """What a store written before the checks knew better may hold: values and answers at
    9999-12 and 2062-10, written straight into the tables."""
    with engine.writing(engine.create(url)) as conn:
        for kpi, month, value in STRAY:
            conn.execute(
                s.measurement.insert().values(
                    kpi=kpi, month=month, value=value, note="", source="old", loaded_at=datetime(2020, 1, 1)
                )
            )
        conn.execute(
            s.response.insert().values(kpi="NPS", date=date(9999, 12, 31), score=9, segment="", touchpoint="")
        )
        conn.execute(
            s.response_month.insert().values(
                kpi="NPS",
                month=date(9999, 12, 1),
                n=1,
                promoters=1,
                detractors=0,
                satisfied=1,
                total=9,
                total_sq=81,
            )
        )


@pytest.mark.parametrize(
    "page", ["pages/overview.py", "pages/present.py", "pages/smart_goals.py", "pages/goal_cascade.py"]
)
def test_a_store_that_already_has_a_value_at_9999_12_keeps_its_pages(app, app_url, page):
    _write_strays(app_url)
    at = app().run()
    assert not at.exception, at.exception
    with engine.reading(engine.create(app_url)) as conn:
        latest = queries.data_months(conn, bounds.FIRST_MONTH, CURRENT)[1]
    assert at.query_params["month"] == months.key(latest)  # the newest month with values, not 9999-12
    assert "9999" not in " ".join(str(o) for o in at.selectbox(key="month").options)
    at.switch_page(page).run()
    assert not at.exception, at.exception


def _cli(url: str, *args: str) -> subprocess.CompletedProcess:
    """The command line's `main`, in this process (tests/commands.py)."""
    return in_process("--db", url, *args)


def test_a_store_that_already_has_a_value_at_9999_12_is_cleaned_from_the_cli(demo_url):
    _write_strays(demo_url)
    store = engine.create(demo_url)
    for kpi, month, _ in STRAY:
        done = _cli(demo_url, "delete", "--kpi", kpi.lower(), "--month", months.key(month))
        assert done.returncode == 0, done.stderr
        assert f"Deleted 1 value of {kpi} for " in done.stdout  # one value, not "1 values"
        again = _cli(demo_url, "delete", "--kpi", kpi, "--month", months.key(month))
        assert again.returncode == 1 and len(again.stderr.strip().splitlines()) == 1, again.stderr
        assert "nothing" in again.stderr and "Traceback" not in again.stderr
    answers = _cli(demo_url, "delete", "--month", "9999-12", "--answers")
    assert answers.returncode == 0, answers.stderr
    with engine.reading(store) as conn:
        m, r, audit = s.measurement, s.response, s.audit
        assert conn.execute(sa.select(sa.func.count()).where(m.c.month > CURRENT)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).where(r.c.date > CURRENT)).scalar() == 0
        assert (
            conn.execute(
                sa.select(sa.func.count())
                .select_from(s.response_month)
                .where(s.response_month.c.month > CURRENT)
            ).scalar()
            == 0
        )
        deleted = (
            conn.execute(
                sa.select(audit.c.key).where(audit.c.after.is_(None), audit.c.who == cli.OPERATOR.email)
            )
            .scalars()
            .all()
        )
    assert sorted(deleted) == sorted(
        [f"{kpi}|{month.isoformat()}" for kpi, month, _ in STRAY] + ["NPS|9999-12"]
    )
    status = _cli(demo_url, "status")
    assert status.returncode == 0, status.stderr


def test_a_value_is_corrected_from_the_cli_and_audited(demo_url):
    store = engine.create(demo_url)
    fixed = _cli(demo_url, "correct", "--kpi", "CS_WAIT", "--month", "2026-09", "--value", "77,5")
    assert fixed.returncode == 0, fixed.stderr
    assert "is now 77.5\xa0s (it was " in fixed.stdout  # as stored, in its unit: not the "77,5" typed
    assert "usual" not in fixed.stdout  # a value like the months before: nothing to check
    slip = _cli(demo_url, "correct", "--kpi", "CS_WAIT", "--month", "2026-08", "--value", "1.234,5")
    assert slip.returncode == 0, slip.stderr  # corrected all the same, and named to look at once more
    assert (
        "Check the value far from its KPI's usual ones before the meeting sees it: CS_WAIT, Aug 2026: 1,234.5\xa0s"
        in slip.stdout
    )
    with engine.reading(store) as conn:
        m = s.measurement
        value = conn.execute(
            sa.select(m.c.value).where(m.c.kpi == "CS_WAIT", m.c.month == date(2026, 9, 1))
        ).scalar()
    assert value == 77.5
    refused = _cli(demo_url, "correct", "--kpi", "CS_WAIT", "--month", "2026-09", "--value", "1e308")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    nothing = _cli(demo_url, "correct", "--kpi", "CS_WAIT", "--month", "1990-01", "--value", "5")
    assert nothing.returncode == 1 and "no value" in nothing.stderr


def _june(url: str) -> dict:
    """CS_WAIT in June 2026 as `status --json` reports it."""
    report = json.loads(_cli(url, "status", "--month", "2026-06", "--json").stdout)
    return next(k for k in report["kpis"] if k["code"] == "CS_WAIT")


def test_an_import_of_last_year_s_values_says_how_this_year_s_phased_targets_move(demo_url, tmp_path):
    """An adversarial trial: `CS_WAIT,2025-06,1000` imported said only "far from usual" while
    June 2026's target went from 55 s to 357 s; a correction of the same cell said so."""
    before = _june(demo_url)["target"]
    file = tmp_path / "measurements.csv"
    file.write_text("kpi,month,value\nCS_WAIT,2025-06,1000\nCS_WAIT,2026-06,80\n")
    tried = _cli(demo_url, "import", "measurements", str(file), "--dry-run")
    assert tried.returncode == 0, tried.stderr
    assert _june(demo_url)["target"] == before  # said before it is written
    done = _cli(demo_url, "import", "measurements", str(file))
    assert done.returncode == 0, done.stderr
    after = _june(demo_url)["target"]
    said = (
        "CS_WAIT: 2026's month targets are phased by the months of 2025, so 12 of them move with it, and "
        "the statuses judged by them. The largest move is "
        f"Jun\xa02026's: from {fmt.value(before, 's')} to {fmt.value(after, 's')}."
    )
    assert said in tried.stdout and said in done.stdout
    again = _cli(demo_url, "import", "measurements", str(file))  # nothing changes: nothing moves
    assert again.returncode == 0 and "targets" not in again.stdout


def test_an_actions_file_says_how_many_of_its_open_actions_are_overdue_at_once(demo_url, tmp_path):
    """An adversarial trial: an action due 2019-01-01 came in without a word, overdue in every
    list at once; the app's form says so of one saved that way."""
    file = tmp_path / "actions.csv"
    file.write_text(
        "goal,title,owner,due,status\n"
        "O1,Call back the longest waits,camilla.berg@havnhjem.example,2019-01-01,planned\n"
        "O1,Closed long ago,camilla.berg@havnhjem.example,2019-01-01,done\n"
        "O1,Later on,camilla.berg@havnhjem.example,2027-06-30,doing\n"
    )
    done = _cli(demo_url, "import", "actions", str(file))
    assert done.returncode == 0, done.stderr
    assert "1 open action in it is due before today: it shows as overdue." in done.stdout


def test_a_correction_or_deletion_of_last_year_says_how_this_year_s_phased_targets_move(demo_url):
    """This year's targets are phased by last year's months: a value corrected there moved them,
    and every status judged by them, without a word. The figures said are status's own."""
    before = _june(demo_url)["target"]
    fixed = _cli(demo_url, "correct", "--kpi", "CS_WAIT", "--month", "2025-06", "--value", "80")
    assert fixed.returncode == 0, fixed.stderr
    after = _june(demo_url)
    moved = f"from {fmt.value(before, 's')} to {fmt.value(after['target'], 's')}."
    assert (
        "2026's month targets are phased by the months of 2025, so 12 of them move with it," in fixed.stdout
    )
    assert f"The largest move is Jun\xa02026's: {moved}" in fixed.stdout
    assert after["target"] < before and after["target_kind"] == "phased"
    gone = _cli(demo_url, "delete", "--kpi", "CS_WAIT", "--month", "2025-06")
    assert gone.returncode == 0, gone.stderr
    annual = _june(demo_url)  # 2025 is not whole any more: the annual target in every month
    assert annual["target_kind"] == "annual"
    assert f"from {fmt.value(after['target'], 's')} to {fmt.value(annual['target'], 's')}." in gone.stdout
    every = _cli(demo_url, "delete", "--month", "2025-07")  # every KPI's July: one sentence for all
    assert every.returncode == 0, every.stderr
    counted = re.search(r"2026's month targets of (\d+) KPIs are phased by the months of 2025", every.stdout)
    assert counted and int(counted[1]) > 1, every.stdout
    this_year = _cli(demo_url, "correct", "--kpi", "CS_WAIT", "--month", "2026-06", "--value", "80")
    assert (
        this_year.returncode == 0 and "targets" not in this_year.stdout
    )  # 2026 is not whole: it phases nothing


def test_only_an_administrator_deletes(demo_url):
    """`python -m kpi` itself, in a process of its own: refused with exit 1 and one line."""
    done = in_a_process(
        "--db", demo_url, "--as", "camilla.berg@havnhjem.example", "delete", "--month", "2026-09"
    )
    assert done.returncode == 1 and "Only administrators" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args, said",
    [
        (["delete", "--month", "9999-12"], "There are no values for December 9999: nothing was changed."),
        (["delete", "--month", "9999-12", "--answers"], "There are no survey answers in December 9999"),
        (  # a survey KPI's value is its answers': told so, not "no value of NPS" beside NPS +32
            ["correct", "--kpi", "NPS", "--month", "2026-10", "--value", "40"],
            "NPS is a survey KPI: its value for October 2026 is worked out from its answers, never stored",
        ),
    ],
)
def test_nothing_to_delete_or_correct_says_what_there_is_instead(demo_duckdb_url, args, said, capsys):
    admin = ["--db", demo_duckdb_url, "--lang", "en", "--as", "sofie.dahl@havnhjem.example"]
    assert cli.main([*admin, *args]) != 0
    err = capsys.readouterr().err
    assert said in err and "*" not in err


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2062-10", "2026-13", "26-10"])
def test_a_month_outside_the_window_or_malformed_exits_2_with_one_line(demo_duckdb_url, month, capsys):
    assert cli.main(["--db", demo_duckdb_url, "status", "--month", month]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--month" in err


def test_an_administrator_deletes_a_stray_value_on_the_data_page(app, app_url):
    _write_strays(app_url)
    admin = next(p.email for p in _people(app_url) if p.role is Role.ADMIN)
    at = app(month="2026-10", **{"as": admin}).run()
    open_data_tab(at.switch_page("pages/data.py"), "definitions.tab_correct")
    assert not at.exception
    at.text_input(key="data.correct.kpi").input("cs_wait")
    at.text_input(key="data.correct.month").input("9999-12")
    at.radio(key="data.correct.what").set_value("delete")  # correcting is what an untouched form does
    [b for b in at.get("form_submit_button") if b.proto.form_id == "data.correct"][0].click().run()
    assert not at.exception and not at.error
    asked = " ".join(w.value for w in at.warning)  # said, and asked once more, before anything goes
    assert "This deletes 1 value: CS" in asked and "December 9999" in asked
    assert at.button(key="data.correct.go").label == "Delete 1 value"
    at.button(key="data.correct.go").click().run()
    assert not at.exception and not at.error
    assert "Deleted 1 value of CS" in " ".join(toast.value for toast in at.toast)
    with engine.reading(engine.create(app_url)) as conn:
        m = s.measurement
        left = (
            conn.execute(sa.select(m.c.month).where(m.c.kpi == "CS_WAIT", m.c.month > CURRENT))
            .scalars()
            .all()
        )
    assert left == [date(2062, 10, 1)]  # the one asked for is gone, the other stays
    at.text_input(key="data.correct.month").input("9999-12")  # again: nothing left to delete
    [b for b in at.get("form_submit_button") if b.proto.form_id == "data.correct"][0].click().run()
    said = [e.value.replace("\\", "") for e in at.error]  # Markdown escapes the code's _
    assert not at.exception and said == [
        "There is no value of CS_WAIT for December 9999: nothing was changed."
    ]
    assert not [b for b in at.button if b.key == "data.correct.go"]  # nothing to ask about


def test_a_whole_month_is_deleted_only_when_its_own_button_says_how_many(app, app_url):
    """A trial's department head left the KPI empty, typed a month, pressed Apply with "Delete the
    value" chosen, and every value of the month was gone after one click and "Saved."."""
    admin = next(p.email for p in _people(app_url) if p.role is Role.ADMIN)
    at = app(month="2026-10", **{"as": admin}).run()
    open_data_tab(at.switch_page("pages/data.py"), "definitions.tab_correct")
    assert at.radio(key="data.correct.what").value == "correct"
    with engine.reading(engine.create(app_url)) as conn:
        m = s.measurement
        held = conn.execute(sa.select(sa.func.count()).where(m.c.month == date(2026, 9, 1))).scalar_one()
    at.text_input(key="data.correct.month").input("2026-09")
    at.radio(key="data.correct.what").set_value("delete")
    [b for b in at.get("form_submit_button") if b.proto.form_id == "data.correct"][0].click().run()
    asked = " ".join(w.value for w in at.warning)
    assert f"This deletes {held} values: every KPI's for September 2026." in asked
    at.button(key="data.correct.stop").click().run()  # Cancel: nothing goes, and nothing is asked any more
    assert not [b for b in at.button if b.key == "data.correct.go"]
    september = sa.select(sa.func.count()).where(m.c.month == date(2026, 9, 1))
    with engine.reading(engine.create(app_url)) as conn:
        assert conn.execute(september).scalar_one() == held > 1
    # asked again, and another administrator deletes one of them before the click: the button
    # deletes what it said or nothing ("Delete 31 values" had deleted 36, a review)
    [b for b in at.get("form_submit_button") if b.proto.form_id == "data.correct"][0].click().run()
    with engine.writing(engine.create(app_url)) as conn:
        conn.execute(m.delete().where(m.c.month == date(2026, 9, 1), m.c.kpi == "CS_WAIT"))
    at.button(key="data.correct.go").click().run()
    assert "has changed since it was asked for" in " ".join(e.value for e in at.error)
    with engine.reading(engine.create(app_url)) as conn:
        assert conn.execute(september).scalar_one() == held - 1
    # asked once more, then a visit elsewhere: back on the tab, the form is empty and asks nothing
    [b for b in at.get("form_submit_button") if b.proto.form_id == "data.correct"][0].click().run()
    assert [b for b in at.button if b.key == "data.correct.go"]
    at.switch_page("app.py").run()
    open_data_tab(at.switch_page("pages/data.py"), "definitions.tab_correct")
    assert not at.exception and not [b for b in at.button if b.key == "data.correct.go"]


def test_a_value_under_a_code_no_kpi_defines_can_still_be_deleted_but_not_corrected(demo_url):
    """What a store written before the checks knew better may hold: a value of a KPI long gone.
    A deletion takes it, by its code as written; a correction is refused, naming no value."""
    store = engine.create(demo_url)
    with engine.writing(store) as conn:
        conn.execute(
            s.measurement.insert().values(
                kpi="OLD_KPI",
                month=date(2026, 9, 1),
                value=1.0,
                note="",
                source="old",
                loaded_at=datetime(2020, 1, 1),
            )
        )
    admin = next(p for p in _people(demo_url) if p.role is Role.ADMIN)
    with engine.writing(store) as conn:
        assert corrections.delete(conn, admin, date(2026, 9, 1), "OLD_KPI") == corrections.Deleted(1, 0)
    with pytest.raises(Refused), engine.writing(store) as conn:
        corrections.delete(conn, admin, date(2026, 9, 1), "NEVER_KPI")


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Average wait time on the phone", "is a name; write its code, CS_WAIT"),
        ("CS_WAITX", "did you mean CS_WAIT?"),
    ],
)
def test_a_kpi_s_name_or_a_mistyped_code_in_the_correction_form_is_told_its_code(app, app_url, typed, said):
    """It was told "There is no value of … for 2026-11", of a KPI whose value is there."""
    admin = next(p.email for p in _people(app_url) if p.role is Role.ADMIN)
    at = app(month="2026-10", **{"as": admin}).run()
    open_data_tab(at.switch_page("pages/data.py"), "definitions.tab_correct")
    at.text_input(key="data.correct.kpi").input(typed)
    at.text_input(key="data.correct.month").input("2026-09")
    at.text_input(key="data.correct.value").input("80")
    [b for b in at.get("form_submit_button") if b.proto.form_id == "data.correct"][0].click().run()
    errors = " ".join(e.value.replace("\\", "") for e in at.error)
    assert not at.exception and said in errors and "There is no value" not in errors


def _people(url):
    with engine.reading(engine.create(url)) as conn:
        return queries.people(conn)


def test_closing_a_month_that_holds_1e308_freezes_nothing_that_breaks_status_or_export(
    demo_duckdb_url, tmp_path
):
    """Issue 17: a value of 1e308 was accepted, crashed `status` and `export`, and `close` froze
    it into the month's snapshot. Such a value can no longer come in; a store that already holds
    one (written before the bounds) closes the month, and status and the pack still work on it."""
    september = date(2026, 9, 1)
    with engine.writing(engine.create(demo_duckdb_url)) as conn:
        conn.execute(
            sa.update(s.measurement)
            .where(s.measurement.c.kpi == "CS_WAIT", s.measurement.c.month == september)
            .values(value=1e308)
        )
    db = ["--db", demo_duckdb_url]
    assert cli.main([*db, "close", "--month", "2026-09", "--anyway"]) == 0
    assert cli.main([*db, "status", "--month", "2026-09", "--json"]) == 0
    out = tmp_path / "pack.pptx"
    assert cli.main([*db, "export", "--month", "2026-09", "--format", "pptx", "--out", str(out)]) == 0
    assert out.stat().st_size > 0
