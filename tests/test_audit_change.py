"""The audit log's table says what a write changed in a line (kpi.text.words.audit_change), where
it showed each row's JSON before and after, wider than the page."""

import json

import pytest

from kpi.store import schema
from kpi.text import i18n, words
from kpi.text.i18n import use
from kpi.ui.views.audit_view import KEYS

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
    assert line == "Target: 60 → 55.5; Accepted: 1 Oct 2026 → –"  # no title, no bookkeeping
    with use("da"):
        danish = words.audit_change(json.dumps(BEFORE), json.dumps(after))
    assert danish == "Målværdi: 60 → 55,5; Accepteret: 1. okt. 2026 → –"
    assert words.audit_change(json.dumps(BEFORE), json.dumps(BEFORE)) == "Written again, unchanged"


def test_a_new_or_deleted_row_lists_its_fields_but_its_key():
    assert words.audit_change(None, json.dumps(BEFORE)) == (
        "New: Target 60 · Title Calls answered · Accepted 1 Oct 2026 · Code O1"
    )
    with use("da"):
        deleted = words.audit_change(json.dumps(BEFORE), None, KEYS["goal"])
    assert deleted == "Slettet: Målværdi 60 · Titel Calls answered · Accepteret 1. okt. 2026"
    value = {"kpi": "CS_WAIT", "month": "2026-10-01", "value": 95, "denominator": 2252, "source": "typed"}
    assert words.audit_change(None, json.dumps(value), KEYS["measurement"]) == (
        "New: Value 95 · Denominator 2,252 · Source typed"
    )
    # a field whose value happens to be the key's is not the key: only the key's columns go
    action = {"id": 5, "priority": 5, "title": "x"}
    assert words.audit_change(None, json.dumps(action), KEYS["action"]) == "New: Title x · Service priority 5"


def test_a_corrected_value_names_the_value_first():
    """A correction also empties the numerator and denominator and names a new source: cut at
    the table's width, the line showed those and not the value."""
    before = {"value": 78.6, "numerator": 176973.42, "denominator": 2252, "source": "pull:recipe:mean_wait"}
    after = {**before, "value": 95, "numerator": None, "denominator": None, "source": "correct"}
    assert words.audit_change(json.dumps(before), json.dumps(after)).startswith(
        "Value: 78.6 → 95; Denominator"
    )


def test_long_values_and_lines_are_cut_and_what_is_not_json_is_none():
    text = {
        "note": "x" * 300,
        "value": 64.51612903225806,
        "closed": True,
        "written_at": "2026-11-03T14:02:37.5",
    }
    line = words.audit_change(None, json.dumps(text))
    cut = "x" * (words.AUDIT_VALUE_CHARS - 1)
    assert line == f"New: Value 64.516129 · closed yes · Note {cut}… · Written 3 Nov 2026 14:02"
    many = {f"field_{n}": n for n in range(60)}
    assert len(words.audit_change(None, json.dumps(many))) == words.AUDIT_CHANGE_CHARS
    assert words.audit_change("not json", float("nan")) == ""  # a table's empty cell is a NaN
    assert words.audit_change("[1, 2]", json.dumps({"a": 1})) == "New: a 1"


@pytest.mark.parametrize("language", i18n.languages())
def test_every_stored_column_has_a_name_for_people(language):
    """The change names the fields by the names forms and imports give them, else the audit
    log's own: never a column as the store spells it (`accepted_at`)."""
    columns = {
        c.name
        for table in schema.metadata.sorted_tables
        if table.name not in ("audit", "meta")
        for c in table.columns
    }
    with use(language):
        unnamed = {name for name in columns if words._audit_field(name) == name}
    assert unnamed == set()
