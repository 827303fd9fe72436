"""The audit log's table says what a write changed in a line (kpi.text.words.audit_change), where
it showed each row's JSON before and after, wider than the page."""

import json

from kpi.text import words
from kpi.text.i18n import use

BEFORE = {
    "code": "O1",
    "target": 60.0,
    "title": "Calls answered",
    "accepted_at": "2026-10-01",
    "loaded_at": "a",
}


def test_an_update_names_the_fields_that_changed_and_nothing_else():
    after = {**BEFORE, "target": 55.5, "accepted_at": None, "loaded_at": "b"}
    line = words.audit_change(json.dumps(BEFORE), json.dumps(after))
    assert line == "target: 60 → 55.5; accepted_at: 2026-10-01 → –"  # no title, no bookkeeping
    with use("da"):
        assert words.audit_change(json.dumps(BEFORE), json.dumps(after)).startswith("target: 60 → 55,5")
    assert words.audit_change(json.dumps(BEFORE), json.dumps(BEFORE)) == "Written again, unchanged"


def test_a_new_or_deleted_row_lists_its_fields_but_those_its_key_names():
    assert words.audit_change(None, json.dumps(BEFORE)) == (
        "New: target 60 · title Calls answered · accepted_at 2026-10-01 · code O1"
    )
    with use("da"):
        assert words.audit_change(json.dumps(BEFORE), None, "O1") == (
            "Slettet: target 60 · title Calls answered · accepted_at 2026-10-01"
        )
    value = {"kpi": "CS_WAIT", "month": "2026-10-01", "value": 95, "denominator": 2252, "source": "typed"}
    assert words.audit_change(None, json.dumps(value), "CS_WAIT|2026-10-01") == (
        "New: value 95 · denominator 2,252 · source typed"
    )


def test_a_corrected_value_names_the_value_first():
    """A correction also empties the numerator and denominator and names a new source: cut at
    the table's width, the line showed those and not the value."""
    before = {"value": 78.6, "numerator": 176973.42, "denominator": 2252, "source": "pull:recipe:mean_wait"}
    after = {**before, "value": 95, "numerator": None, "denominator": None, "source": "correct"}
    assert words.audit_change(json.dumps(before), json.dumps(after)).startswith(
        "value: 78.6 → 95; denominator"
    )


def test_long_values_and_lines_are_cut_and_what_is_not_json_is_none():
    text = {"note": "x" * 300, "value": 64.51612903225806}
    line = words.audit_change(None, json.dumps(text))
    assert line == f"New: value 64.5161 · note {'x' * (words.AUDIT_VALUE_CHARS - 1)}…"
    many = {f"field_{n}": n for n in range(60)}
    assert len(words.audit_change(None, json.dumps(many))) == words.AUDIT_CHANGE_CHARS
    assert words.audit_change("not json", float("nan")) == ""  # a table's empty cell is a NaN
    assert words.audit_change("[1, 2]", json.dumps({"a": 1})) == "New: a 1"
