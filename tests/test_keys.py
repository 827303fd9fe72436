"""The caches' keys (kpi.ui.keys): equal arguments share a key, any difference parts them, and
a kind the module does not know is refused rather than guessed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from kpi.domain.access import EVERYTHING, NOTHING, Scope
from kpi.domain.model import Person, Role
from kpi.output import charts
from kpi.store.respondents import Filter
from kpi.ui import keys

CS = Scope(
    frozenset({"CS", "IT"}), goals=frozenset({"S1", "T2"}), kpis=frozenset({"NPS"}), owned=frozenset({"S1"})
)


def test_equal_arguments_share_a_key_whatever_the_order_of_a_set():
    again = Scope(
        frozenset(["IT", "CS"]),
        goals=frozenset(["T2", "S1"]),
        kpis=frozenset({"NPS"}),
        owned=frozenset({"S1"}),
    )
    assert keys.of("duckdb:///x", 3, CS, date(2026, 11, 1), "en") == keys.of(
        "duckdb:///x", 3, again, date(2026, 11, 1), "en"
    )


@pytest.mark.parametrize(
    "other",
    [
        ("duckdb:///y", 3, CS, date(2026, 11, 1), "en"),  # another store
        ("duckdb:///x", 4, CS, date(2026, 11, 1), "en"),  # the data changed
        ("duckdb:///x", 3, EVERYTHING, date(2026, 11, 1), "en"),  # another viewer's scope
        ("duckdb:///x", 3, NOTHING, date(2026, 11, 1), "en"),
        ("duckdb:///x", 3, Scope(frozenset({"CS", "IT"})), date(2026, 11, 1), "en"),  # fewer goals
        ("duckdb:///x", 3, CS, date(2026, 10, 1), "en"),  # another month
        ("duckdb:///x", 3, CS, datetime(2026, 11, 1), "en"),  # a time is not a day
        ("duckdb:///x", 3, CS, date(2026, 11, 1), "da"),  # another language
        ("duckdb:///x", 3, CS, date(2026, 11, 1)),  # an argument fewer
        ("duckdb:///x", "3", CS, date(2026, 11, 1), "en"),  # text is not a number
    ],
)
def test_any_difference_parts_the_keys(other):
    assert keys.of("duckdb:///x", 3, CS, date(2026, 11, 1), "en") != keys.of(*other)


def test_a_scope_of_no_department_is_not_one_of_every_department():
    assert keys.of(NOTHING) != keys.of(EVERYTHING)
    assert keys.of(Scope(frozenset({"CS"}))) != keys.of(Scope(frozenset(), goals=frozenset({"CS"})))


def test_people_filters_and_chart_specs_are_keyed_by_every_field():
    ceo = Person("mette@x.example", "Mette", Role.EXECUTIVE)
    assert keys.of(ceo) == keys.of(Person("mette@x.example", "Mette", Role.EXECUTIVE))
    assert keys.of(ceo) != keys.of(Person("mette@x.example", "Mette", Role.ADMIN))
    assert keys.of(ceo) != keys.of(Person("mette@x.example", "Mette", Role.EXECUTIVE, department="CS"))
    wanted = Filter("NPS", date(2026, 1, 1), date(2026, 11, 1), search="slow")
    assert keys.of(wanted) != keys.of(Filter("NPS", date(2026, 1, 1), date(2026, 11, 1), search="Slow"))
    spec = charts.TrendSpec(title="Wait", unit="min", target=2.0, targets=((date(2026, 9, 1), 2.0),))
    assert keys.of(spec) == keys.of(
        charts.TrendSpec(title="Wait", unit="min", target=2.0, targets=((date(2026, 9, 1), 2.0),))
    )
    assert keys.of(spec) != keys.of(
        charts.TrendSpec(title="Wait", unit="min", target=2.0, targets=((date(2026, 9, 1), 2.5),))
    )


def test_text_that_looks_like_the_key_s_own_punctuation_cannot_join_two_arguments():
    assert keys.of("a', 'b") != keys.of("a", "b")
    assert keys.of(("a", "b")) != keys.of(["a", "b"])


def test_a_kind_it_does_not_know_is_refused():
    class Opaque:
        pass

    @dataclass
    class Holder:
        inside: object

    with pytest.raises(TypeError, match="Opaque"):
        keys.of(Opaque())
    with pytest.raises(TypeError, match="Opaque"):
        keys.of(Holder(Opaque()))
    with pytest.raises(TypeError, match="dict"):
        keys.of({"a": 1})
