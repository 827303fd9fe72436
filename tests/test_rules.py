"""The signal rules a store and a closed month keep are read as they were checked when written:
a hand-edited setting or snapshot (a run of 0, a word, an unknown rule) reads as the default,
never as a rule set no form could save, and never breaks a page."""

import json

import pytest
import sqlalchemy as sa

from kpi.domain import signals, snapshot
from kpi.domain.access import EVERYTHING
from kpi.domain.errors import Refused
from kpi.domain.month_rows import Context
from kpi.domain.signals import DEFAULT_RULES, Rule, RuleSet
from kpi.store import engine, rules, setup
from kpi.store import schema as s
from tests.handmade import GOALS, KPIS, OCTOBER, VALUES
from tests.test_edits import ADMIN

ONLY_OUTSIDE = frozenset({Rule.OUTSIDE})
OUTSIDE = str(Rule.OUTSIDE)  # as kept: "outside_limits"


@pytest.mark.parametrize(
    ("kept", "expected"),
    [
        ((None, None, None), DEFAULT_RULES),  # nothing set
        (([OUTSIDE], "8", 5), RuleSet(ONLY_OUTSIDE, 8, 5)),  # as a form or a snapshot writes them
        (([OUTSIDE, "bogus"], " 9 ", "9"), RuleSet(ONLY_OUTSIDE, 9, 9)),  # an unknown rule is left out
        (([], "5", "5"), RuleSet(frozenset(), 5, 5)),  # every rule switched off is a choice
        ((None, "0", "-1"), DEFAULT_RULES),  # below the range
        ((None, "10", 99), DEFAULT_RULES),  # above it
        ((None, "seven", "6.5"), DEFAULT_RULES),  # not a whole number
        ((None, True, [7]), DEFAULT_RULES),
        ((None, "+8", "８"), DEFAULT_RULES),  # a sign, another script's digits: not as a form saves
        ((None, 8.0, 5.5), RuleSet(DEFAULT_RULES.rules, 8, DEFAULT_RULES.trend_run)),  # JSON's 8.0 is 8
        ((f"{OUTSIDE},shift", "8", "5"), RuleSet(DEFAULT_RULES.rules, 8, 5)),  # not a list: the default's
        ((5, "8", "5"), RuleSet(DEFAULT_RULES.rules, 8, 5)),
        (({OUTSIDE: True}, "8", "5"), RuleSet(DEFAULT_RULES.rules, 8, 5)),
        (([None, OUTSIDE], "8", "5"), RuleSet(ONLY_OUTSIDE, 8, 5)),
    ],
)
def test_a_kept_rule_set_is_read_within_what_a_form_may_save(kept, expected):
    assert signals.stored_rules(*kept) == expected


def test_the_store_reads_a_hand_edited_run_as_the_default(empty_url):
    store = engine.create(empty_url)
    setup.ensure(store)
    with engine.writing(store) as conn:
        rules.write(conn, ADMIN, RuleSet(ONLY_OUTSIDE, 9, 5))
    with engine.reading(store) as conn:
        assert rules.read(conn) == RuleSet(ONLY_OUTSIDE, 9, 5)
    for run in (4, 10):
        with pytest.raises(Refused), engine.writing(store) as conn:
            rules.write(conn, ADMIN, RuleSet(ONLY_OUTSIDE, run, 5))
    with engine.writing(store) as conn:  # by hand, past the form's check
        for name, value in ((rules.SHIFT_RUN, "0"), (rules.TREND_RUN, "x"), (rules.RULES, f"{OUTSIDE},nope")):
            conn.execute(sa.update(s.setting).where(s.setting.c.name == name).values(value=value))
    with engine.reading(store) as conn:
        assert rules.read(conn) == RuleSet(ONLY_OUTSIDE, DEFAULT_RULES.shift_run, DEFAULT_RULES.trend_run)


def test_a_closed_month_with_a_hand_edited_run_thaws_with_the_default():
    """A month closed by this release keeps the rules it was read by; a run edited by hand (or
    frozen from a store edited by hand before the store's read checked it) reads as the
    default's, as the store's own setting would."""
    context = Context(rules=RuleSet(ONLY_OUTSIDE, 8, 9))
    text = snapshot.freeze(OCTOBER, VALUES, {"en": (KPIS, GOALS, [])}, context)
    assert snapshot.thaw(text, "en", EVERYTHING).context.rules == RuleSet(ONLY_OUTSIDE, 8, 9)
    data = json.loads(text)
    data["context"]["rules"].update(shift_run=0, trend_run="5", rules=[OUTSIDE, "gone"])
    thawed = snapshot.thaw(json.dumps(data), "en", EVERYTHING)
    assert thawed.context.rules == RuleSet(ONLY_OUTSIDE, DEFAULT_RULES.shift_run, 5)
    for kept in ("outside", None, []):  # no rule set at all, or not one as a snapshot keeps it
        data["context"]["rules"] = kept
        assert snapshot.thaw(json.dumps(data), "en", EVERYTHING).context.rules == DEFAULT_RULES
