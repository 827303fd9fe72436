"""Did the initiative work? (issue 20, point 7): the verdict rule on hand-made series, the demo's
checkout initiative earning its improvement at the expected month, the initiative's fields
through form and import on both stores, and what a department head may read of verdicts."""

from datetime import date

import pytest
import sqlalchemy as sa

from kpi.domain import access, checks, initiatives, months, signals
from kpi.domain.errors import Refused
from kpi.domain.initiatives import MIN_AFTER, Outcome
from kpi.domain.model import Direction, Person, Role
from kpi.output import deck
from kpi.store import decks, edits, engine, importing, queries, schema
from kpi.store import initiatives as initiatives_store
from kpi.text import i18n, phrases
from tests.conftest import DEMO_END, as_admin

LIVE = date(2025, 1, 1)
BEFORE = [10.0, 10.4, 9.8, 10.1, 9.7, 10.3, 10.0, 9.9, 10.2, 9.6, 10.1, 10.0, 9.8, 10.3, 10.1, 9.9]
"""Sixteen months of routine around 10 before go-live."""
CS_HEAD = Person("camilla.berg@havnhjem.example", "Camilla Berg", Role.DEPARTMENT_HEAD, "CS")
ECOM_HEAD_DEPARTMENT = "ECOM"
CHECKOUT = "Launch the one-page checkout"


def _series(after: list[float], before: list[float] = BEFORE) -> list[signals.Point]:
    first = months.add(LIVE, -len(before))
    return [signals.Point(months.add(first, i), v) for i, v in enumerate([*before, *after])]


def _judge(after, direction=Direction.LOWER, before=BEFORE):
    points = _series(after, before)
    return initiatives.judge(points, LIVE, direction, points[-1].month if after else months.add(LIVE, -1))


@pytest.mark.parametrize(
    ("after", "direction", "before", "outcome", "k"),
    [
        ([8.0, 7.5, 7.0], Direction.LOWER, BEFORE, Outcome.IMPROVEMENT, 1),  # beyond the limits at once
        (
            [9.9, 9.8, 9.9, 9.7, 9.8, 9.9, 9.7],
            Direction.LOWER,
            BEFORE,
            Outcome.IMPROVEMENT,
            7,
        ),  # a shift of 7
        ([10.1, 9.9, 10.0, 10.2], Direction.LOWER, BEFORE, Outcome.NO_SIGNAL, None),
        ([12.0, 12.5, 13.0], Direction.LOWER, BEFORE, Outcome.CONCERN, None),  # the wrong way
        ([12.0, 12.5, 13.0], Direction.HIGHER, BEFORE, Outcome.IMPROVEMENT, 1),
        ([8.0, 7.5], Direction.LOWER, BEFORE, Outcome.TOO_FEW, None),  # too few months after go-live
        ([8.0, 7.5, 7.0, 6.5], Direction.LOWER, BEFORE[:11], Outcome.NO_ROUTINE, None),  # too few before it
        ([8.0, 7.5], Direction.LOWER, BEFORE[:5], Outcome.NO_ROUTINE, None),  # nothing to judge against
        ([], Direction.LOWER, BEFORE, Outcome.TOO_FEW, None),
        ([8.0, 7.5, 7.0, 12.5], Direction.LOWER, BEFORE, Outcome.CONCERN, None),  # the latest signal decides
    ],
)
def test_the_verdict_reads_the_months_after_go_live_against_the_limits_from_before(
    after, direction, before, outcome, k
):
    verdict = _judge(after, direction, before)
    assert (verdict.outcome, verdict.after, verdict.points) == (outcome, k, len(after))
    assert verdict.before == len(before)


def test_a_routine_with_gaps_is_told_by_the_months_it_could_judge_against():
    """Twenty values every other month before go-live: the baseline's twenty calendar months hold
    ten of them, too few; the verdict said "20 months of values before go-live, and a verdict
    needs 12" (a review). It counts the ten."""
    first = months.add(LIVE, -40)
    points = [signals.Point(months.add(first, 2 * i), 10.0 + (i % 3)) for i in range(20)]
    points += [signals.Point(months.add(LIVE, i), 8.0) for i in range(3)]
    verdict = initiatives.judge(points, LIVE, Direction.LOWER, months.add(LIVE, 2))
    assert (verdict.outcome, verdict.before) == (Outcome.NO_ROUTINE, 10)


def test_no_verdict_is_given_on_fewer_than_the_minimum_months_however_clear():
    assert MIN_AFTER == 3
    assert [_judge([5.0] * n).outcome for n in range(1, 5)] == [Outcome.TOO_FEW] * 2 + [
        Outcome.IMPROVEMENT
    ] * 2


def test_the_verdict_in_words():
    said = [
        phrases.verdict_words(initiatives.Verdict(Outcome.IMPROVEMENT, 5, 2, LIVE)),
        phrases.verdict_words(initiatives.Verdict(Outcome.NO_SIGNAL, 4)),
        phrases.verdict_words(initiatives.Verdict(Outcome.TOO_FEW, 1)),
        # nine months after go-live and five before it: "too early to tell (9 points since
        # go-live; a verdict needs 3)" named the months it had, not the ones it lacked (a trial)
        phrases.verdict_words(initiatives.Verdict(Outcome.NO_ROUTINE, 9, before=5)),
    ]
    assert said == [
        "better than usual after 2 months",
        "no signal yet (4 points)",
        "too early to tell (1 point since go-live; a verdict needs 3)",
        "no verdict: 5 months of values before go-live, and a verdict needs 12 to judge against",
    ]
    with i18n.use("da"):
        danish = phrases.verdict_words(initiatives.Verdict(Outcome.NO_ROUTINE, 9, before=1))
    assert (
        danish
        == "ingen vurdering: 1 måned med værdier før idriftsættelsen, og en vurdering kræver 12 at sammenligne med"
    )


def test_the_demo_checkout_initiative_earns_its_improvement_at_the_expected_month(demo_duckdb_url):
    """Abandoned baskets fall from go-live on (company.toml: `from = -12`); the limits come from
    the twenty months before. The verdict first shows once three months are in (go-live + 2),
    and it is an improvement signal after two months: December's value is already beyond the
    limits drawn from the months before (which hold two Decembers)."""
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        actions = queries.actions(conn, access.EVERYTHING)
        checkout = next(a for a in actions if a.title == CHECKOUT)
        assert (checkout.go_live, checkout.kpi, checkout.direction) == (
            months.add(DEMO_END, -12),
            "ECOM_ABANDON",
            Direction.LOWER,
        )
        seen = {
            month: initiatives_store.verdicts(conn, access.EVERYTHING, month, actions)[checkout.id]
            for month in months.between(checkout.go_live, DEMO_END)
        }
    first = min(m for m, v in seen.items() if v.outcome is not Outcome.TOO_FEW)
    assert first == months.add(checkout.go_live, MIN_AFTER - 1)
    assert seen[first].outcome is Outcome.IMPROVEMENT and seen[first].after == 2
    assert all(v.outcome is Outcome.IMPROVEMENT for m, v in seen.items() if m >= first)


def test_a_verdict_reads_only_the_values_of_the_initiatives_kpis(demo_url, monkeypatch):
    """Judging the initiatives reads the months of their own KPIs, not every KPI's (on a large
    company every KPI's twenty months were most of the deck's time): the verdicts are those
    read from every value."""
    asked = []
    every = queries.month_values

    def unfiltered(conn, scope, first, last, *, only=None, kpis=None):
        asked.append(kpis)
        return every(conn, scope, first, last, only=only)

    with engine.reading(engine.create(demo_url)) as conn:
        actions = queries.actions(conn, access.EVERYTHING)
        narrow = initiatives_store.verdicts(conn, access.EVERYTHING, DEMO_END, actions)
        monkeypatch.setattr(queries, "month_values", unfiltered)
        wide = initiatives_store.verdicts(conn, access.EVERYTHING, DEMO_END, actions)
    live = {a.kpi for a in actions if initiatives_store.is_initiative(a)}
    assert asked == [live] and "ECOM_ABANDON" in live
    assert narrow and narrow == wide


def test_the_pack_lists_the_initiative_with_its_verdict(demo_duckdb_url):
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        slides = decks.slides(conn, access.EVERYTHING, DEMO_END, "en")
    lines = [line for s in slides if s.kind == "actions" for line in s.lines]
    checkout = next(line for line in lines if line.label == CHECKOUT)
    assert checkout.note.endswith("better than usual after 2 months") and checkout.value
    assert isinstance(slides[0], deck.Slide)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"go_live": date(2026, 3, 1), "kpi": "CS_WAIT", "direction": "lower"}, []),
        ({}, []),
        (
            {"go_live": date(2026, 3, 1)},
            [("initiative_incomplete", "direction"), ("initiative_incomplete", "kpi")],
        ),
        ({"go_live": date(2026, 3, 1), "kpi": "NOPE", "direction": "lower"}, [("unknown_reference", "kpi")]),
        (
            {"go_live": date(2026, 3, 1), "kpi": "CS_WAIT", "direction": "sideways"},
            [("not_one_of", "direction")],
        ),
    ],
)
def test_an_initiative_names_all_three_of_its_fields_or_none(fields, expected):
    known = checks.Known(kpis={"CS_WAIT": checks.KnownKpi("s", "mean")}, goals={"O1": ("operational", None)})
    found = checks.action({"goal": "O1", "title": "Callback", "status": "doing", **fields}, known)
    assert sorted((p.key, p.field) for p in found) == expected


def test_an_initiative_is_set_by_form_audited_and_round_trips_through_the_actions_file(demo_url):
    store = engine.create(demo_url)
    with engine.reading(store) as conn:
        callback = next(a for a in queries.actions(conn, access.EVERYTHING) if a.goal == "O1")
    typed = {"go_live": "2026-03-02", "kpi": "CS_WAIT", "direction": "lavere"}
    with engine.writing(store) as conn:
        assert edits.set_initiative(conn, CS_HEAD, callback.id, typed) == "updated"
    with pytest.raises(Refused), engine.writing(store) as conn:
        edits.set_initiative(conn, CS_HEAD, callback.id, {**typed, "direction": ""})
    # another department's KPI is refused as a code that does not exist is: no hint that it does
    for other in ("MKT_COMPLAINTS", "NO_SUCH_KPI"):
        with pytest.raises(Refused) as refused, engine.writing(store) as conn:
            edits.set_initiative(conn, CS_HEAD, callback.id, {**typed, "kpi": other})
        assert [(p.key, p.field) for p in refused.value.problems] == [("unknown_reference", "kpi")]
    with engine.reading(store) as conn:
        changed = next(a for a in queries.actions(conn, access.EVERYTHING) if a.id == callback.id)
        audit = conn.execute(
            sa.select(schema.audit.c.who, schema.audit.c.after)
            .where(schema.audit.c.table_name == "action", schema.audit.c.key == str(callback.id))
            .order_by(schema.audit.c.id.desc())
        ).first()
        exported = importing.export(conn, "actions")
    assert (changed.go_live, changed.kpi, changed.direction) == (date(2026, 3, 2), "CS_WAIT", Direction.LOWER)
    assert audit.who == CS_HEAD.email and '"direction": "lower"' in audit.after
    assert b"go_live,kpi,direction" in exported.splitlines()[0]
    again = importing.run(store, "actions", exported, "actions.csv", as_admin())
    assert again.counts.get("updated", 0) == 0 and again.counts.get("inserted", 0) == 0


def test_a_department_head_gets_no_verdict_on_another_departments_initiative(demo_duckdb_url):
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        scope = access.scope_for(CS_HEAD, queries.goal_links(conn))
        actions = queries.actions(conn, scope)
        mine = initiatives_store.verdicts(conn, scope, DEMO_END, actions)
        everyone = queries.actions(conn, access.EVERYTHING)
        forced = initiatives_store.verdicts(conn, scope, DEMO_END, everyone)  # even handed them all
    assert CHECKOUT not in {a.title for a in actions} and mine == {}
    assert forced == {}  # the store reads the KPI's values in the head's scope: nothing of e-commerce's
