"""Ownership wins over department: an owner reads, accepts and comments on every goal they own,
even in another department, and a head reads the goals their goals serve (line of sight), and
nothing more of those departments. In the demo, Camilla heads customer service (CS) and owns T2,
a goal of the board's (MGMT) under S2; her T8 serves S3."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from kpi import cli
from kpi.domain import access
from kpi.domain.access import GoalLink, Scope
from kpi.domain.errors import Denied
from kpi.domain.model import GoalStatus, Person, Role
from kpi.store import closing, edits, engine, queries
from kpi.store import schema as s
from tests.sharing import open_folds
from tests.test_edits import ADMIN, CS_HEAD, IT_HEAD
from tests.test_pages import texts

OCTOBER = date(2026, 10, 1)
TREE = [
    GoalLink("S1", None, "BOARD", "ceo@x", "NPS"),
    GoalLink("T1", "S1", "SALES", "sales@x", "WIN"),
    GoalLink("O1", "T1", "CS", "cs@x", "WAIT"),
    GoalLink("T2", "S1", "BOARD", "cs@x", "FTR"),
    GoalLink("S2", None, "BOARD", "ceo@x", "CHURN"),
    GoalLink("T3", "S2", "IT", "it@x", None),
]
HEAD = Person("cs@x", "Cs", Role.DEPARTMENT_HEAD, "CS")


@pytest.mark.parametrize(
    "viewer, expected",
    [
        (  # own department, the goal owned on the board, and what both serve up the tree; the
            # KPIs of all of them, her own goals' too (WAIT), wherever those KPIs sit
            HEAD,
            Scope(frozenset({"CS"}), frozenset({"T2", "T1", "S1"}), frozenset({"FTR", "WIN", "NPS", "WAIT"}), frozenset({"T2"})),
        ),
        (Person("it@x", "It", Role.DEPARTMENT_HEAD, "IT"), Scope(frozenset({"IT"}), frozenset({"S2"}), frozenset({"CHURN"}))),
        (Person("cs@x", "Cs", Role.PRESENTER, None), access.EVERYTHING),
        (  # no department, but owns a goal: that goal and the goals it serves
            Person("cs@x", "Cs", Role.DEPARTMENT_HEAD, None),
            Scope(frozenset(), frozenset({"O1", "T1", "T2", "S1"}), frozenset({"WAIT", "WIN", "FTR", "NPS"}), frozenset({"O1", "T2"})),
        ),
        (Person("nobody@x", "No", Role.DEPARTMENT_HEAD, None), access.NOTHING),
        (None, access.NOTHING),
    ],
)  # fmt: skip
def test_ownership_and_line_of_sight_widen_a_scope_by_goals_only(viewer, expected):
    assert access.scope_for(viewer, TREE) == expected


def test_an_action_s_owner_reads_its_goal_s_actions_and_the_goal_in_line_of_sight():
    """IT's head owns an action under the board's T2: T2's actions are read, T2 and what it
    serves are in line of sight (their status), T2's commentary is not (`follows`)."""
    tree = [*TREE[:3], GoalLink("T2", "S1", "BOARD", "cs@x", "FTR", frozenset({"it@x"})), *TREE[4:]]
    scope = access.scope_for(Person("it@x", "It", Role.DEPARTMENT_HEAD, "IT"), tree)
    assert scope.acting == {"T2"} and scope.owned == frozenset()
    assert scope.goals == {"T2", "S1", "S2"} and scope.kpis == {"FTR", "NPS", "CHURN"}
    assert scope.reads_actions("T2", "BOARD") and not scope.follows("T2", "BOARD")
    assert not scope.reads_actions("S1", "BOARD")
    # the owner of the goal itself reads it in full: owning an action of it adds nothing
    owner = access.scope_for(
        HEAD, [*TREE[:3], GoalLink("T2", "S1", "BOARD", "cs@x", "FTR", frozenset({"cs@x"}))]
    )
    assert owner.acting == frozenset() and owner.owned == {"T2"}


@pytest.mark.parametrize(
    ("viewer", "owner", "expected"),
    [
        (HEAD, Person("it@x", "It", Role.DEPARTMENT_HEAD, "IT"), False),  # another department's head
        (HEAD, Person("cs2@x", "Cs2", Role.DEPARTMENT_HEAD, "CS"), True),  # a head of the goal's department
        (HEAD, Person("ceo@x", "Ceo", Role.EXECUTIVE, None), True),  # reads everything
        (HEAD, Person("own@x", "Own", Role.DEPARTMENT_HEAD, "IT"), True),  # the goal's owner
        (Person("a@x", "A", Role.ADMIN, None), Person("it@x", "It", Role.DEPARTMENT_HEAD, "IT"), True),
        (None, Person("ceo@x", "Ceo", Role.EXECUTIVE, None), False),
    ],
)
def test_whom_an_action_may_be_given(viewer, owner, expected):
    assert access.may_give_action(viewer, owner, "CS", "own@x") is expected


def _scope(conn, person: Person) -> Scope:
    return access.scope_for(person, queries.goal_links(conn))


def test_an_owner_reads_their_goal_elsewhere_and_a_head_the_goals_theirs_serve(demo_url):
    with engine.writing(engine.create(demo_url)) as conn:  # something on T2 and S2 to be read or not
        edits.add_commentary(conn, ADMIN, month=OCTOBER, text="T2: the board's word", goal="T2")
        edits.add_commentary(conn, ADMIN, month=OCTOBER, text="S2: not for CS", goal="S2")
        edits.add_action(
            conn, ADMIN, goal="T2", title="Case review with every department", owner=None, due=None
        )
        edits.add_action(conn, ADMIN, goal="S2", title="Effort study for the board", owner=None, due=None)
    with engine.reading(engine.create(demo_url)) as conn:
        scope = _scope(conn, CS_HEAD)
        goals = {g.code: g for g in queries.goals(conn, scope)}
        kpis = {k.code: k for k in queries.kpis(conn, scope)}
        actions = {a.title for a in queries.actions(conn, scope)}
        comments = {c.text for c in queries.commentary(conn, scope, OCTOBER, OCTOBER)}
        values = {v.kpi for v in queries.month_values(conn, scope, OCTOBER, OCTOBER)}
        priorities = {p.kpi for p in queries.service_priorities(conn, scope)}
    assert {c for c, g in goals.items() if g.department != "CS"} == {"T2", "S2", "S3"}
    assert goals["T2"].owner == CS_HEAD.email
    assert {c for c, k in kpis.items() if k.department != "CS"} == {"FTR", "CES", "CHURN"}
    assert {"FTR", "CES", "CHURN"} <= values and "NPS" not in values  # S1 is not hers to see
    assert "Case review with every department" in actions and "Effort study for the board" not in actions
    assert "T2: the board's word" in comments and "S2: not for CS" not in comments
    assert all(kpis.get(k) and kpis[k].department == "CS" for k in priorities)


def test_the_owner_accepts_and_comments_on_their_goal_in_the_app(app, app_url):
    with engine.writing(engine.create(app_url)) as conn:
        conn.execute(sa.update(s.goal).where(s.goal.c.code == "T2").values(accepted_at=None))
    at = app(month="2026-10", goal="T2", **{"as": CS_HEAD.email}).run()
    at.switch_page("pages/goal_cascade.py").run()
    assert not at.exception, at.exception
    assert "Customer cases are solved right the first time" in texts(at)
    [b for b in at.button if b.key == "cascade.accept.T2"][0].click().run()
    assert not at.exception, at.exception
    with engine.reading(engine.create(app_url)) as conn:
        accepted = conn.execute(sa.select(s.goal.c.accepted_at).where(s.goal.c.code == "T2")).scalar()
    assert accepted == date.today()
    open_folds(at)  # the commentary form is made when its fold opens
    picker = [b for b in at.selectbox if b.label == "About"][0]  # on her goal, not its KPI
    assert picker.options == ["Goal: Customer cases are solved right the first time"]  # what it is


def test_the_owner_plans_her_goal_elsewhere_in_the_app_and_no_other_goal_of_that_department(app, app_url):
    """Camilla owns T2, the board's: she owes it an action when it falls behind, so she may add
    and move its actions (two trials: the owed list told her so, and no form let her); S2, also
    the board's and not hers, stays closed to her."""
    at = app(month="2026-10", goal="T2", **{"as": CS_HEAD.email}).run()
    at.switch_page("pages/goal_cascade.py").run()
    open_folds(at)
    assert [b.options for b in at.selectbox if b.label == "For the goal"] == [
        ["Customer cases are solved right the first time"]
    ]
    with engine.writing(engine.create(app_url)) as conn:
        planned = edits.add_action(conn, CS_HEAD, goal="T2", title="Case review", owner=None, due=None)
        assert edits.set_action_status(conn, CS_HEAD, planned, "doing") == "updated"
        with pytest.raises(Denied):
            edits.add_action(conn, CS_HEAD, goal="S2", title="Not hers", owner=None, due=None)


def test_status_as_the_owner_holds_their_goal_elsewhere_and_no_other_number(demo_duckdb_url, capsys):
    common = ["--db", demo_duckdb_url, "--as", CS_HEAD.email, "status", "--month", "2026-10", "--json"]
    assert cli.main(common) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"T2", "S2", "S3"} <= {g["code"] for g in report["goals"]}
    assert {k["department"] for k in report["kpis"]} == {"CS", "MGMT"}
    assert {k["code"] for k in report["kpis"] if k["department"] == "MGMT"} == {"FTR", "CES", "CHURN"}
    assert cli.main(["--db", demo_duckdb_url, "--as", IT_HEAD.email, "status", "--json"]) == 0
    assert "T2" not in {g["code"] for g in json.loads(capsys.readouterr().out)["goals"]}


def test_a_closed_month_reads_the_same_for_the_owner(demo_duckdb_url):
    store = engine.create(demo_duckdb_url)
    with engine.writing(store) as conn:
        edits.add_commentary(conn, ADMIN, month=OCTOBER, text="T2: the board's word", goal="T2")
        edits.add_commentary(conn, ADMIN, month=OCTOBER, text="CES: not for CS", kpi="CES")
    with engine.reading(store) as conn:
        live = closing.meeting_month(conn, _scope(conn, CS_HEAD), OCTOBER, "en")
    with engine.writing(store) as conn:
        closing.close(conn, ADMIN, OCTOBER)
    with engine.reading(store) as conn:
        frozen = closing.meeting_month(conn, _scope(conn, CS_HEAD), OCTOBER, "en")
    assert frozen.is_closed and not live.is_closed
    for meeting in (live, frozen):
        assert set(meeting.report.goals) == set(live.report.goals) >= {"T2", "S2", "S3"}
        assert set(meeting.report.kpis) == set(live.report.kpis) and "NPS" not in meeting.report.kpis
        said = {c.text for c in meeting.commentary}
        assert "T2: the board's word" in said and "CES: not for CS" not in said


def test_goals_seen_without_all_their_sub_goals_get_no_roll_up_or_warning(demo_duckdb_url):
    """Camilla sees S2 and S3 with only her goals under them: a roll-up of those, or "green
    parts, red whole", would speak for sub-goals she cannot see."""
    from kpi.store import monthly

    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        whole = monthly.month_report(conn, access.EVERYTHING, OCTOBER, "en")
        seen = monthly.month_report(conn, _scope(conn, CS_HEAD), OCTOBER, "en")
    assert whole.goals["S2"].node.rollup is not GoalStatus.NO_DATA and whole.goals["S2"].node.mismatch
    for code in ("S2", "S3", "T2"):
        assert seen.goals[code].status == whole.goals[code].status  # its own status stands
        assert (
            seen.goals[code].node.rollup is GoalStatus.NO_DATA and seen.goals[code].node.mismatch is None
        ), code
    assert seen.goals["T8"].node.rollup == whole.goals["T8"].node.rollup  # her own tree rolls up
    # nor is one shown: her cascade said "No data" beside S2's sub-goals (day-one trial)
    assert [seen.goals[c].node.rolls_up for c in ("S2", "S3", "T8")] == [False, False, True]
    assert whole.goals["S2"].node.rolls_up
    from kpi.ui.views import cascade_view

    rows = [(0, seen.goals["S2"]), (1, seen.goals["T8"])]
    table = cascade_view.tree_table(rows, seen.kpis)
    shown = list(table["Sub-goals"])
    assert shown[0] == [] and shown[1]  # S2: nothing; T8: its sub-goals' status


def test_a_head_s_list_holds_what_she_can_act_on_not_the_goals_her_work_serves(demo_url):
    """A head's list named the CEO's strategic goal (seen by line of sight) and another
    department's KPI measuring it, "not yet explained" though the CEO had explained it: neither
    she nor her people can move them (new-user trial; a presenter's review of her pack). Her list
    holds her department's goals and KPIs, her items are all on the CEO's list, and the CEO reads
    S2 as explained."""
    from kpi.store import monthly

    with engine.writing(engine.create(demo_url)) as conn:
        edits.add_commentary(conn, ADMIN, month=OCTOBER, text="S2: explained to the board", goal="S2")
    with engine.reading(engine.create(demo_url)) as conn:
        scope = _scope(conn, CS_HEAD)
        built = monthly.month_report(conn, scope, OCTOBER, "en")
        hers = monthly.attention(conn, scope, built, "en")
        everyone = monthly.attention(
            conn, access.EVERYTHING, monthly.month_report(conn, access.EVERYTHING, OCTOBER, "en"), "en"
        )
    assert scope.served and "S2" in built.goals  # she sees S2 on the pages, as line of sight
    assert [i for i in hers if i.goal == i.code and i.code in scope.served] == []
    for item in hers:
        goal = built.goals.get(item.code) if item.goal == item.code else None
        kpi = built.kpis.get(item.code) if goal is None else None
        department = goal.goal.department if goal else kpi.kpi.department if kpi else item.department
        assert department == "CS", item
        assert isinstance(item.commented, bool), item  # she reads every word of her own items
    assert hers and len(everyone) > len(hers)
    assert {(i.kind, i.code) for i in hers} <= {(i.kind, i.code) for i in everyone}
    assert {i.commented for i in everyone if i.code == "S2"} == {True}  # the CEO reads the word


def test_an_action_owned_in_another_department_is_read_and_owed_by_its_owner(demo_duckdb_url, capsys):
    """In the demo, Louise heads advisory (ADV) and owns the board's action on T6 ("Offer credit in
    the advisory meeting"): she reads it, and is told when it is overdue; not T6's commentary."""
    louise = "louise.vang@havnhjem.example"
    store = engine.create(demo_duckdb_url)
    with engine.writing(store) as conn:
        conn.execute(sa.update(s.action).where(s.action.c.goal == "T6").values(due=date(2026, 10, 15)))
        edits.add_commentary(conn, ADMIN, month=OCTOBER, text="T6: the board's own word", goal="T6")
    with engine.reading(store) as conn:
        scope = _scope(conn, queries.person(conn, louise))
        actions = {a.title: a for a in queries.actions(conn, scope)}
        comments = {c.text for c in queries.commentary(conn, scope, OCTOBER, OCTOBER)}
    credit = actions["Offer credit in the advisory meeting"]
    assert scope.acting == {"T6"} and credit.goal == "T6" and credit.owner == louise
    assert "T6: the board's own word" not in comments
    assert cli.main(["--db", demo_duckdb_url, "--as", louise, "owed", "--month", "2026-10", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)["items"]
    assert [i["email"] for i in items if i["kind"] == "action" and i["code"] == str(credit.id)] == [louise]
    assert {i["department"] for i in items} == {"ADV", "MGMT"}  # T6's action, nothing else of MGMT's
    assert [i["kind"] for i in items if i["department"] == "MGMT"] == ["action"]


def test_a_goal_read_for_ones_action_shows_its_actions_and_says_nothing_of_its_words(app, app_url):
    """Henrik (IT) owns an action of customer service's O1: its detail lists the actions and
    has no commentary section, not "No commentary for this month." where CS has commented (an
    adversarial round); a goal read by line of sight shows neither."""
    with engine.writing(engine.create(app_url)) as conn:
        edits.add_action(conn, ADMIN, goal="O1", title="Queue software", owner=IT_HEAD.email, due=None)
        edits.add_commentary(conn, CS_HEAD, month=OCTOBER, text="The callback works.", goal="O1")
    at = app(month="2026-10", goal="O1", **{"as": IT_HEAD.email}).run()
    at.switch_page("pages/goal_cascade.py").run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Queue software" in shown and "**Actions**" in shown
    assert "**Commentary this month**" not in shown and "No commentary for this month." not in shown
    at = app(month="2026-10", goal="T8", **{"as": IT_HEAD.email}).run()  # served by O1: line of sight
    at.switch_page("pages/goal_cascade.py").run()
    assert not at.exception, at.exception
    assert "**Actions**" not in texts(at) and "No actions on this goal." not in texts(at)


def test_what_changed_for_a_head_is_of_her_own_goals_and_kpis(demo_url):
    """Her Overview's *What changed* named a new signal on another department's KPI, one her
    goals only serve; the CEO's whole list stays as it was."""
    from kpi.store import monthly

    with engine.reading(engine.create(demo_url)) as conn:
        scope = _scope(conn, CS_HEAD)
        built = monthly.month_report(conn, scope, OCTOBER, "en")
        whole = monthly.month_report(conn, access.EVERYTHING, OCTOBER, "en")
    goals, kpis = built.own(scope)
    own = {r.goal.code for r in goals} | {r.kpi.code for r in kpis}
    assert {f.code for f in built.flips(scope)} <= own
    assert {r.kpi.code for r in built.signals(scope)} <= {r.kpi.code for r in kpis}
    assert {f.code for f in built.flips()} - own  # what she no longer reads as news of hers
    assert whole.flips(access.EVERYTHING) == whole.flips()
    assert whole.signals(access.EVERYTHING) == whole.signals()
