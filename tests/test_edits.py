"""Edits from the app: permission checked in the store, input checked, every write audited."""

from datetime import date

import pytest
import sqlalchemy as sa

from kpi.domain import errors
from kpi.domain.model import Person, Role
from kpi.store import edits, engine, schema
from tests.conftest import as_admin, rejected_with, table_counts

CS_HEAD = Person("camilla.berg@havnhjem.example", "Camilla Berg", Role.DEPARTMENT_HEAD, "CS")
IT_HEAD = Person("henrik.juul@havnhjem.example", "Henrik Juul", Role.DEPARTMENT_HEAD, "IT")
CEO = Person("mette.kjaer@havnhjem.example", "Mette Kjær", Role.EXECUTIVE, "MGMT")
ADMIN = Person("sofie.dahl@havnhjem.example", "Sofie Dahl", Role.ADMIN, "MGMT")
MONTH = date(2026, 10, 1)


def counts(url):
    with engine.reading(engine.create(url)) as conn:
        return table_counts(conn)


def last_audit(url):
    with engine.reading(engine.create(url)) as conn:
        return conn.execute(sa.select(schema.audit).order_by(schema.audit.c.id.desc())).mappings().first()


def test_a_head_comments_on_their_kpi(demo_url):
    with engine.writing(engine.create(demo_url)) as conn:
        new = edits.add_commentary(
            conn, CS_HEAD, month=MONTH, kpi="CS_WAIT", text="  Queue callback works.  "
        )
    audit = last_audit(demo_url)
    assert audit["who"] == CS_HEAD.email and audit["table_name"] == "commentary" and audit["key"] == str(new)
    assert '"text": "Queue callback works."' in audit["after"]


@pytest.mark.parametrize(
    ("viewer", "kwargs"),
    [
        (CS_HEAD, {"kpi": "IT_DOWNTIME"}),  # another department's KPI
        (CEO, {"kpi": "CS_WAIT"}),  # executives read only
        (IT_HEAD, {"goal": "O1"}),  # another department's goal
    ],
)
def test_comments_outside_ones_remit_are_refused_and_write_nothing(demo_url, viewer, kwargs):
    before = counts(demo_url)
    with pytest.raises(errors.Denied), engine.writing(engine.create(demo_url)) as conn:
        edits.add_commentary(conn, viewer, month=MONTH, text="x", **kwargs)
    assert counts(demo_url) == before


def test_an_owner_comments_on_their_own_goal_anywhere(demo_duckdb_url):
    with engine.writing(engine.create(demo_duckdb_url)) as conn:
        assert edits.add_commentary(conn, CEO, month=MONTH, goal="S1", text="On course.") > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kpi": "CS_WAIT", "text": "   "}, "empty"),
        # zero-width spaces and a joiner show nothing: they counted as the number's explanation
        ({"kpi": "CS_WAIT", "text": "\u200b\u200b"}, "empty"),
        ({"kpi": "CS_WAIT", "text": " \u2060\u200d\u00a0"}, "empty"),
        ({"kpi": "CS_WAIT", "text": "x" * 4001}, "4,001 characters long, longer than the 4,000"),
        ({"kpi": "NOPE", "text": "x"}, "NOPE"),
        ({"kpi": "CS_WAIT", "goal": "O1", "text": "x"}, "exactly one"),
    ],
)
def test_bad_comments_are_explained(demo_duckdb_url, kwargs, message):
    with rejected_with(message, errors.Refused), engine.writing(engine.create(demo_duckdb_url)) as conn:
        edits.add_commentary(conn, CS_HEAD, month=MONTH, **kwargs)


def test_a_head_plans_and_moves_actions_in_their_department(demo_url):
    with engine.writing(engine.create(demo_url)) as conn:
        new = edits.add_action(
            conn, CS_HEAD, goal="O1", title="Open a second queue", owner=CS_HEAD.email, due=date(2026, 12, 15)
        )
        assert edits.set_action_status(conn, CS_HEAD, new, "doing") == "updated"
    audit = last_audit(demo_url)
    assert audit["before"] == '{"status": "planned"}' and audit["after"] == '{"status": "doing"}'


def test_actions_elsewhere_and_bad_input_are_refused(demo_duckdb_url):
    store = engine.create(demo_duckdb_url)
    with pytest.raises(errors.Denied), engine.writing(store) as conn:
        edits.add_action(conn, CS_HEAD, goal="O9", title="x", owner=None, due=None)
    with rejected_with("Owner: “nobody@x” is not a person", errors.Refused), engine.writing(store) as conn:
        edits.add_action(conn, CS_HEAD, goal="O1", title="x", owner="nobody@x", due=None)
    with (
        rejected_with(
            "“someday” is not one of: Planned, In progress \\(doing\\), Done, Dropped", errors.Refused
        ),
        engine.writing(store) as conn,
    ):
        edits.add_action(conn, CS_HEAD, goal="O1", title="x", owner=None, due=None, status="someday")


def test_a_second_action_of_a_goal_under_the_same_title_is_refused_and_the_download_imports_back(demo_url):
    """Saved twice, the action form made two identical actions, whose download the import then
    refused ("appears again": a goal's actions are known by their titles in the file)."""
    from kpi.store import importing

    store = engine.create(demo_url)
    with engine.writing(store) as conn:
        edits.add_action(conn, CS_HEAD, goal="O1", title="Open a second queue", owner=None, due=None)
    with pytest.raises(errors.Refused) as refused, engine.writing(store) as conn:
        edits.add_action(conn, CS_HEAD, goal="O1", title=" open a SECOND queue", owner="nobody@x", due=None)
    assert [(p.key, p.field) for p in refused.value.problems] == [
        ("edit.duplicate_action", "title"),
        ("unknown_person", "owner"),  # every problem at once
    ]
    with engine.writing(store) as conn:  # another goal's action may be called so
        edits.add_action(conn, CS_HEAD, goal="O2", title="Open a second queue", owner=None, due=None)
    with engine.reading(store) as conn:
        data = importing.export(conn, "actions")
    summary = importing.run(store, "actions", data, "actions.csv", as_admin())
    assert set(summary.counts) == {"unchanged"}
    # a file naming it in other case changes that action, not a second one (a review)
    shouted = b"goal,title,status\nO1,OPEN A SECOND QUEUE,doing\n"
    assert importing.run(store, "actions", shouted, "a.csv", as_admin()).counts == {"updated": 1}
    with engine.reading(store) as conn:
        data = importing.export(conn, "actions")
    assert set(importing.run(store, "actions", data, "actions.csv", as_admin()).counts) == {"unchanged"}


def test_a_title_alike_to_every_eye_is_the_same_action_in_the_form_and_the_file(demo_url):
    """ "… second\u200b queue" stood beside "… second queue" as a second action (an adversarial
    trial); one stored with the zero-width space before the import read them out is still matched."""
    from kpi.store import importing

    store = engine.create(demo_url)
    with engine.writing(store) as conn:  # as a store written before may hold it
        conn.execute(
            schema.action.insert().values(goal="O1", title="Open a second\u200b queue", status="planned")
        )
    with pytest.raises(errors.Refused) as refused, engine.writing(store) as conn:
        edits.add_action(conn, CS_HEAD, goal="O1", title="Open a second queue", owner=None, due=None)
    assert [p.key for p in refused.value.problems] == ["edit.duplicate_action"]
    same = b"goal,title,status\nO1,Open a second queue,doing\n"
    assert importing.run(store, "actions", same, "a.csv", as_admin()).counts == {"updated": 1}


def test_an_action_whose_stored_title_holds_a_tab_can_still_be_moved_along(demo_url):
    """A review: a title stored before titles held one line was refused on every status change,
    and the status form has no title to mend it in. A new title with a tab is still refused."""
    store = engine.create(demo_url)
    with engine.writing(store) as conn:  # as a store written before may hold it
        found = conn.execute(
            schema.action.insert()
            .values(goal="O1", title="Old\ttitle from a sheet", status="planned")
            .returning(schema.action.c.id)
        ).scalar_one()
    with engine.writing(store) as conn:
        assert edits.set_action_status(conn, CS_HEAD, found, "doing") == "updated"
    with pytest.raises(errors.Refused) as refused, engine.writing(store) as conn:
        edits.add_action(conn, CS_HEAD, goal="O1", title="New\ttitle", owner=None, due=None)
    assert [p.key for p in refused.value.problems] == ["not_one_line"]


def test_a_head_gives_actions_only_to_those_who_read_them_and_a_closed_one_widens_nothing(demo_duckdb_url):
    """An adversarial test: a head gave an action of her goal to IT's head, who then read her
    department's KPI, red items and goal tree on every page, pack and mail, even after it was
    dropped. A head gives actions to those who read them already; an administrator to anyone
    (who reads that goal's actions while it is open)."""
    from kpi.domain import access
    from kpi.store import queries

    store = engine.create(demo_duckdb_url)
    with (
        rejected_with("Henrik Juul does not see this goal's actions", errors.Refused),
        engine.writing(store) as conn,
    ):
        edits.add_action(conn, CS_HEAD, goal="O1", title="Fix the queue", owner=IT_HEAD.email, due=None)
    with engine.writing(store) as conn:  # her own department, an executive: within reach
        mine = edits.add_action(conn, CS_HEAD, goal="O1", title="Own it", owner=CS_HEAD.email, due=None)
        edits.add_action(conn, CS_HEAD, goal="O1", title="Board's eye", owner=CEO.email, due=None)
        with pytest.raises(errors.Refused):  # nor by handing one over
            edits.set_action_status(conn, CS_HEAD, mine, "doing", owner=IT_HEAD.email)
        given = edits.add_action(
            conn, ADMIN, goal="O1", title="Queue software", owner=IT_HEAD.email, due=None
        )
        assert edits.set_action_status(conn, CS_HEAD, given, "doing") == "updated"  # an owner kept
    with engine.reading(store) as conn:
        scope = access.scope_for(IT_HEAD, queries.goal_links(conn))
        assert "O1" in scope.acting and "Queue software" in {a.title for a in queries.actions(conn, scope)}
    with engine.writing(store) as conn:  # one who owns an open action of the goal reads it already
        licences = edits.add_action(conn, CS_HEAD, goal="O1", title="Licences", owner=IT_HEAD.email, due=None)
        edits.set_action_status(conn, CS_HEAD, given, "dropped")
        edits.set_action_status(conn, ADMIN, licences, "done")
    with engine.reading(store) as conn:
        scope = access.scope_for(IT_HEAD, queries.goal_links(conn))
        assert scope.acting == frozenset() and "O1" not in scope.goals
        assert "Queue software" not in {a.title for a in queries.actions(conn, scope)}
    with (  # opening it again gives it again (a review: a head reopened a done one)
        rejected_with("Henrik Juul does not see this goal's actions", errors.Refused),
        engine.writing(store) as conn,
    ):
        edits.set_action_status(conn, CS_HEAD, given, "doing")


def test_only_the_owner_or_an_admin_accepts(demo_url):
    store = engine.create(demo_url)
    with pytest.raises(errors.Denied), engine.writing(store) as conn:
        edits.accept_goal(conn, CS_HEAD, "O18", date(2026, 11, 2))  # Ida's goal
    ida = Person("ida.krogh@havnhjem.example", "Ida Krogh", Role.DEPARTMENT_HEAD, "MKT")
    with engine.writing(store) as conn:
        assert edits.accept_goal(conn, ida, "O18", date(2026, 11, 2)) == "updated"
    audit = last_audit(demo_url)
    assert (
        audit["who"] == ida.email
        and audit["key"] == "O18"
        and audit["after"] == '{"accepted_at": "2026-11-02"}'
    )
    with engine.writing(store) as conn:
        assert edits.accept_goal(conn, ADMIN, "T10", date(2026, 11, 2)) == "updated"


def test_an_action_changes_hands_and_date(demo_duckdb_url):
    with engine.writing(engine.create(demo_duckdb_url)) as conn:
        new = edits.add_action(conn, CS_HEAD, goal="O1", title="Open a second queue", owner=None, due=None)
        assert (
            edits.set_action_status(conn, CS_HEAD, new, "doing", owner=CS_HEAD.email, due=date(2027, 1, 15))
            == "updated"
        )
    audit = last_audit(demo_duckdb_url)
    assert (
        '"due": "2027-01-15"' in audit["after"]
        and '"owner": "camilla.berg@havnhjem.example"' in audit["after"]
    )


def test_a_new_due_date_is_checked_as_a_new_action_s_is(demo_duckdb_url):
    """The form's date picker offers ten years: a due date in 2036 was saved unchecked, and every
    later save of the action (and an import of its download) was then refused for it."""
    store = engine.create(demo_duckdb_url)
    with engine.writing(store) as conn:
        new = edits.add_action(conn, CS_HEAD, goal="O1", title="Open a second queue", owner=None, due=None)
    with rejected_with("outside the months", errors.Refused), engine.writing(store) as conn:
        edits.set_action_status(conn, CS_HEAD, new, "doing", due=date(2036, 5, 31))
    with engine.writing(store) as conn:  # nothing was written: the action moves on as before
        assert edits.set_action_status(conn, CS_HEAD, new, "doing", due=date(2027, 1, 15)) == "updated"


def test_an_admin_sets_and_removes_a_month_target_and_records_a_process_change(demo_url):
    from kpi.domain.access import EVERYTHING
    from kpi.store import monthly, plans

    december = date(2026, 12, 1)
    with engine.writing(engine.create(demo_url)) as conn:
        assert plans.set_month_target(conn, ADMIN, "CS_WAIT", december, 110.0) == "inserted"
        assert plans.record_change(conn, ADMIN, "CS_WAIT", MONTH, "New phone system") == "inserted"
        assert plans.record_change(conn, ADMIN, "CS_WAIT", MONTH, "New phone system") == "unchanged"
    assert last_audit(demo_url)["table_name"] == "process_change"
    with engine.reading(engine.create(demo_url)) as conn:
        row = monthly.month_report(conn, EVERYTHING, december, "en").kpis["CS_WAIT"]
        assert (row.target.value, str(row.target.kind)) == (110.0, "explicit")
        assert plans.changes(conn, "CS_WAIT")[-1][:3] == (MONTH, "New phone system", ADMIN.email)
    with engine.writing(engine.create(demo_url)) as conn:
        assert plans.set_month_target(conn, ADMIN, "CS_WAIT", december, None) == "deleted"
        assert plans.remove_change(conn, ADMIN, "CS_WAIT", MONTH)
    audit = last_audit(demo_url)
    assert audit["after"] is None and '"note": "New phone system"' in audit["before"]


@pytest.mark.parametrize("who", [CS_HEAD, CEO])
def test_only_an_admin_changes_month_targets_and_process_changes(demo_url, who):
    from kpi.store import plans

    before = counts(demo_url)
    with rejected_with("", errors.Denied), engine.writing(engine.create(demo_url)) as conn:
        plans.set_month_target(conn, who, "CS_WAIT", MONTH, 80.0)
    with rejected_with("", errors.Denied), engine.writing(engine.create(demo_url)) as conn:
        plans.record_change(conn, who, "CS_WAIT", MONTH, "")
    assert counts(demo_url) == before


def test_a_month_target_out_of_the_units_reach_is_refused_as_on_import(demo_url):
    from kpi.store import plans

    with rejected_with("outside what the KPI's unit allows"), engine.writing(engine.create(demo_url)) as conn:
        plans.set_month_target(conn, ADMIN, "CS_SL", MONTH, 120.0)


def test_a_formula_typed_as_an_action_title_is_neutral_in_the_download_and_comes_back_as_typed(
    demo_duckdb_url,
):
    """Issue 17: a department head typed `=HYPERLINK(…)` as an action title in the form, and the
    Data page's CSV download handed it to an administrator's Excel as a live formula."""
    from kpi.store import importing

    store = engine.create(demo_duckdb_url)
    typed = '=HYPERLINK("http://evil.example","Klik her")'
    with engine.writing(store) as conn:
        edits.add_action(conn, CS_HEAD, goal="O1", title=typed, owner=None, due=None)
    with engine.reading(store) as conn:
        data = importing.export(conn, "actions")
    assert f"'{typed}".encode() in data.replace(b'""', b'"')
    assert b",=HYPERLINK" not in data and b',"=HYPERLINK' not in data
    assert importing.run(store, "actions", data, "actions.csv", as_admin()).counts == {
        "unchanged": data.count(b"\n") - 1
    }
    with engine.reading(store) as conn:
        titles = set(conn.execute(sa.select(schema.action.c.title)).scalars())
    assert typed in titles and f"'{typed}" not in titles


def test_a_closed_month_takes_no_new_commentary_and_owes_none(demo_duckdb_url):
    """A head's comment written after the close showed on the Overview as "explained" while the
    Present page and the pack said "not explained yet" (a presenter's trial): a closed month's
    words stay as closed, and nobody is asked for one."""
    from kpi import settings
    from kpi.domain.access import EVERYTHING
    from kpi.store import closing, owing

    store = engine.create(demo_duckdb_url)
    with engine.reading(store) as conn:
        before = owing.owed_items(conn, EVERYTHING, MONTH, "en", settings.today())
    assert any(item.kind == "commentary" for item in before)
    with engine.writing(store) as conn:
        closing.close(conn, ADMIN, MONTH)
    with (
        rejected_with("October 2026 is closed for the meeting", errors.Refused),
        engine.writing(store) as conn,
    ):
        edits.add_commentary(conn, CS_HEAD, month=MONTH, kpi="CS_WAIT", text="Late word.")
    with engine.writing(store) as conn:  # another month still takes them
        edits.add_commentary(conn, CS_HEAD, month=date(2026, 11, 1), kpi="CS_WAIT", text="On time.")
    with engine.reading(store) as conn:
        after = owing.owed_items(conn, EVERYTHING, MONTH, "en", settings.today())
    assert after == [item for item in before if item.kind != "commentary"]


def test_a_head_s_refusal_names_nothing_of_the_store_beyond_their_reach(demo_duckdb_url):
    """A review found a head's action told "did you mean anders.bech@…?" of another department's
    head, and an initiative "did you mean CS_ABANDON?" of another department's KPI: a refusal
    names what the store holds only to an administrator (`Known.hints`)."""
    store = engine.create(demo_duckdb_url)
    with pytest.raises(errors.Refused) as refused, engine.writing(store) as conn:
        edits.add_action(conn, IT_HEAD, goal="O9", title="x", owner="anders.bch@havnhjem.example", due=None)
    (problem,) = refused.value.problems
    assert problem.key == "unknown_person" and dict(problem.params) == {
        "value": "anders.bch@havnhjem.example"
    }
    with engine.writing(store) as conn:
        mine = edits.add_action(conn, IT_HEAD, goal="O9", title="Watch the servers", owner=None, due=None)
    for typed in ("CS_ABANDN", "Abandoned calls"):  # a typo of another department's KPI, its name
        with pytest.raises(errors.Refused) as refused, engine.writing(store) as conn:
            edits.set_initiative(
                conn, IT_HEAD, mine, {"go_live": "2026-10-01", "kpi": typed, "direction": "lower"}
            )
        told = [(p.key, dict(p.params)) for p in refused.value.problems if p.field == "kpi"]
        assert told in ([("unknown_reference", {"value": typed})], [("bad_code", {"value": typed})]), told
