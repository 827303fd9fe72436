"""A closed month, frozen and thawed: the records come back exactly, in the reader's language and scope."""

import json
from dataclasses import replace
from datetime import date, datetime

import pytest

from kpi.domain import snapshot
from kpi.domain.access import EVERYTHING, NOTHING, Scope
from kpi.domain.model import Commentary, MonthValue
from tests.handmade import GOALS, KPIS, OCTOBER, VALUES

COMMENTS = [
    Commentary(
        1, OCTOBER, "cs@example.com", "Rota changed", kpi="WAIT", written_at=datetime(2026, 11, 2, 8, 30)
    ),
    Commentary(2, OCTOBER, "it@example.com", "Outage on the 3rd", goal="S2"),
    Commentary(3, OCTOBER, "ceo@example.com", "Prices went up", goal="S1"),
]
DANISH = (
    [replace(k, name=f"{k.name} (da)") for k in KPIS],
    [replace(g, title=f"{g.title} (da)") for g in GOALS],
    [replace(c, text=f"{c.text} (da)") for c in COMMENTS],
)


def revised(kpi, month, value):
    """The live values with one changed."""
    return [v._replace(value=value) if (v.kpi, v.month) == (kpi, month) else v for v in VALUES]


@pytest.fixture
def frozen_text():
    return snapshot.freeze(OCTOBER, VALUES, {"en": (KPIS, GOALS, COMMENTS), "da": DANISH})


def test_a_thawed_month_holds_exactly_what_was_frozen(frozen_text):
    thawed = snapshot.thaw(frozen_text, "en", EVERYTHING)
    assert thawed == snapshot.Frozen(OCTOBER, KPIS, GOALS, VALUES, COMMENTS)
    assert thawed.goals[0].start == date(2026, 1, 1) and thawed.kpis[0].direction == KPIS[0].direction


def test_the_frozen_text_is_plain_json_that_does_not_depend_on_the_order_of_dicts(frozen_text):
    data = json.loads(frozen_text)
    assert (data["format"], data["month"]) == (snapshot.FORMAT, "2026-10-01")
    assert sorted(data["languages"]) == ["da", "en"]
    again = snapshot.freeze(OCTOBER, VALUES, {"da": DANISH, "en": (KPIS, GOALS, COMMENTS)})
    assert again == frozen_text


@pytest.mark.parametrize(
    ("language", "first_kpi"),
    [("en", "Recommend score"), ("da", "Recommend score (da)"), ("de", "Recommend score (da)")],
)
def test_a_language_not_frozen_falls_back_to_the_first_stored(frozen_text, language, first_kpi):
    # "da" sorts first in the JSON, so it is the first stored language
    assert snapshot.thaw(frozen_text, language, EVERYTHING).kpis[0].name == first_kpi


@pytest.mark.parametrize(
    ("scope", "kpis", "goals", "comments"),
    [
        (Scope(frozenset({"CS"})), {"WAIT", "MAIL"}, {"T1", "O1"}, {1}),
        (Scope(frozenset({"IT"})), {"DOWN", "PAGE"}, {"S2", "O2", "O3"}, {2}),
        (Scope(frozenset({"MGMT", "CS"})), {"NPS", "WAIT", "MAIL"}, {"S1", "T1", "O1"}, {1, 3}),
        (NOTHING, set(), set(), set()),
    ],
)
def test_a_thawed_month_shows_only_what_the_scope_allows(frozen_text, scope, kpis, goals, comments):
    thawed = snapshot.thaw(frozen_text, "en", scope)
    assert {k.code for k in thawed.kpis} == kpis
    assert {g.code for g in thawed.goals} == goals
    assert {v.kpi for v in thawed.values} == kpis & {v.kpi for v in VALUES}
    assert {c.id for c in thawed.commentary} == comments


@pytest.mark.parametrize(
    ("live", "changed"),
    [
        (VALUES, {}),
        (revised("WAIT", OCTOBER, 58), {"WAIT": (55, 58)}),  # October's wait revised
        ([*VALUES, MonthValue("DOWN", OCTOBER, 12)], {"DOWN": (None, 12)}),  # a late value arrived
        ([v for v in VALUES if v.kpi != "PAGE"], {"PAGE": (1360, None)}),  # a value taken away
        (revised("WAIT", date(2026, 9, 1), 99), {}),  # September changed: not this month
        (revised("WAIT", OCTOBER, 55 + 1e-12), {}),  # the same number, within rounding
    ],
)
def test_revisions_are_the_closed_month_s_values_that_changed_since(frozen_text, live, changed):
    thawed = snapshot.thaw(frozen_text, "en", EVERYTHING)
    assert snapshot.revisions(thawed, live) == changed


def test_revisions_only_concern_kpis_the_reader_may_see(frozen_text):
    thawed = snapshot.thaw(frozen_text, "en", Scope(frozenset({"CS"})))
    live = [*revised("WAIT", OCTOBER, 58), MonthValue("DOWN", OCTOBER, 12)]
    assert snapshot.revisions(thawed, live) == {"WAIT": (55, 58)}
