"""The SMART page and the Data page through AppTest: filters, accepting, editing, the audit."""

import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from kpi.domain.access import EVERYTHING
from kpi.store import decks, engine, queries, schema
from kpi.text import fmt, i18n, plain
from tests.conftest import APP_TIMEOUT, ROOT, as_admin, table_counts
from tests.sharing import open_data_tab
from tests.test_pages import texts

SMART = "pages/smart_goals.py"
DATA = "pages/data.py"
ADMIN = "sofie.dahl@havnhjem.example"
OCTOBER = date(2026, 10, 1)
ON_DUCKDB = pytest.mark.parametrize("app_url", ["duckdb"], indirect=True)
"""For a test of an uploaded file refused for what the file itself is (damaged, or of another
kind): the store's part of an upload's check runs on both backends in
test_a_bad_upload_lists_every_problem_and_writes_nothing and
test_importing_a_danish_file_previews_then_confirms; a second backend here would only run the same
code to the same refusal."""


def open_page(app, page, tab: str | None = None, **query):
    """`page` opened from its own address, as a link to it opens it: the Overview, the app's
    first page, is not drawn first (with cold caches it cost a second a test for nothing). On the
    Data page, `tab` (a catalogue key) is the tab opened, as a click on it opens it (the page
    draws its open tab alone)."""
    at = app(month="2026-10", **query)
    at.switch_page(page)
    if tab is None:
        at.run()
    else:
        open_data_tab(at, tab)
    assert not at.exception, at.exception
    return at


def smart_verdicts(url):
    """October's SMART assessments for an executive, as the store makes them."""
    from kpi.store import monthly

    with engine.reading(engine.create(url)) as conn:
        return monthly.smart_assessments(conn, EVERYTHING, date(2026, 10, 1))


@pytest.mark.reads_only
def test_smart_page_puts_the_weak_goals_first_and_explains_them(app, app_url):
    at = open_page(app, SMART)
    table = at.dataframe[0].value
    # the goal, its score and its checks before who and what level: at 1280 pixels the score and
    # the last check stood past the table's edge
    checks = ["Specific", "Measurable", "Accepted", "Realistic", "Time-bound"]
    assert list(table.columns) == ["Goal", "Score", *checks, "Level", "Owner"]
    assert list(table["Goal"][:5]) == [
        "Better marketing collaboration",
        "Improve the website",
        "Cut case handling time to one day",
        "Fewer customers complain about campaigns",
        "Every customer call answered within 30 seconds",
    ]
    verdicts = smart_verdicts(app_url).values()
    lowest = sorted(v.score for v in verdicts)[:2]
    assert list(table["Score"][:2]) == [f"{score}/5" for score in lowest]  # the weakest first
    page = texts(at)
    smart = sum(not v.failures() for v in verdicts)
    assert f"**{smart} of {len(verdicts)}** goals pass all five checks." in page
    assert "the best 6-month run in this KPI's history was" in page
    assert "beyond the best level published (90.0\xa0%, Call Centre Helper" in page


@pytest.mark.reads_only
def test_smart_page_filters_to_failing_goals_of_a_department(app, app_url):
    at = open_page(app, SMART)
    at.toggle(key="smart.failing").set_value(True).run()
    failing = [v for v in smart_verdicts(app_url).values() if v.failures()]
    assert len(at.dataframe[0].value) == len(failing)
    at.selectbox(key="department").set_value("MKT").run()
    assert list(at.dataframe[0].value["Goal"]) == [
        "Better marketing collaboration",
        "Fewer customers complain about campaigns",
    ]


def test_an_owner_accepts_a_goal_and_the_tick_and_audit_follow(app, app_url):
    owner = "ida.krogh@havnhjem.example"
    at = open_page(app, SMART, **{"as": owner})
    page = texts(at)
    with engine.reading(engine.create(app_url)) as conn:
        waiting = [g for g in queries.goals(conn, EVERYTHING) if g.owner == owner and g.accepted_at is None]
    assert len(waiting) > 1 and f"{len(waiting)} of your goals wait for your acceptance" in page
    accept = [b for b in at.button if b.key == "smart.mine.accept.O18"]
    accept[0].click().run()
    assert not at.exception
    row = at.dataframe[0].value.set_index("Goal").loc["Fewer customers complain about campaigns"]
    assert list(row["Accepted"]) == ["✓"] and row["Score"] == "5/5"
    with engine.reading(engine.create(app_url)) as conn:
        audit = conn.execute(sa.select(schema.audit).order_by(schema.audit.c.id.desc())).mappings().first()
    assert audit["who"] == "ida.krogh@havnhjem.example" and audit["key"] == "O18"
    assert audit["after"] == f'{{"accepted_at": "{date.today().isoformat()}"}}'


def test_an_administrator_records_an_owner_s_acceptance_by_name(app, app_url):
    """The administrator's button read "I accept this goal" on every goal, and clicking it on a
    head's goal counted as the owner's acceptance with nothing on the page saying whose word it
    was: it says whose acceptance is recorded, and the owner's own reads as before."""
    owner = open_page(app, "pages/goal_cascade.py", **{"as": "ida.krogh@havnhjem.example", "goal": "O18"})
    assert [b.label for b in owner.button if b.key == "cascade.accept.O18"] == ["I accept this goal"]
    at = open_page(app, "pages/goal_cascade.py", **{"as": ADMIN, "goal": "O18"})
    (button,) = [b for b in at.button if b.key == "cascade.accept.O18"]
    assert button.label == "Record that Ida Krogh accepts this goal" and "audit log" in button.proto.help
    button.click().run()
    assert not at.exception
    with engine.reading(engine.create(app_url)) as conn:
        audit = conn.execute(sa.select(schema.audit).order_by(schema.audit.c.id.desc())).mappings().first()
    assert audit["who"] == ADMIN and audit["key"] == "O18"


@pytest.mark.reads_only
def test_the_data_page_is_for_administrators_only(app, app_url):
    at = app(month="2026-10").run()  # an executive: out of the menu, at its address refused
    at.switch_page(DATA).run()
    refusal = "This page is not part of your role in the cockpit."
    assert not at.exception and [i.value for i in at.info] == [refusal]
    assert not at.get("form") and [link.label for link in at.get("page_link")] == ["Go to the Overview"]
    admin = app(month="2026-10", **{"as": ADMIN}).run()
    admin.switch_page(DATA).run()
    assert admin.title[0].value == "Data"
    direct = AppTest.from_file(str(ROOT / DATA), default_timeout=APP_TIMEOUT)  # the page's own refusal
    direct.query_params["month"] = "2026-10"
    direct.run()
    assert "not part of your role" in texts(direct) and not direct.get("form")


def edit_goal(app, code):
    at = open_page(app, DATA, "definitions.tab_goals", **{"as": ADMIN})
    at.selectbox(key="data.goal").set_value(code).run()
    return at


def save(at):
    [b for b in at.get("form_submit_button") if b.proto.form_id == "data.goal.O1"][0].click().run()
    assert not at.exception


def target_field(at):
    return [w for w in at.text_input if w.label == "Target" and w.proto.form_id == "data.goal.O1"][0]


def test_an_admin_changes_a_target_and_the_audit_and_history_keep_both(app, app_url):
    at = edit_goal(app, "O1")
    target_field(at).input("55,5")
    save(at)
    with engine.reading(engine.create(app_url)) as conn:
        goal = next(g for g in queries.goals(conn, EVERYTHING) if g.code == "O1")
        history = queries.target_history(conn, "O1")
    assert goal.target == 55.5 and goal.accepted_at is None
    assert [(b, a) for _, _, b, a in history][-1] == (60.0, 55.5)
    at.switch_page("pages/goal_cascade.py")
    at.query_params["goal"] = "O1"
    at.run()
    assert "target changed from 60\xa0s to **56\xa0s** by Sofie Dahl" in texts(at)
    log = open_page(app, DATA, "definitions.tab_audit", **{"as": ADMIN})
    log.text_input(key="data.audit.key").input("O1").run()
    frame = log.dataframe[-1].value
    changed = [
        (who, change)
        for who, what, change in zip(frame["Who"], frame["What"], frame["Change"], strict=True)
        if what == "Goals"
    ]
    assert changed and changed[0][1].startswith("Target: 60 → 55.5"), changed  # the newest first
    assert changed[0][0] == "Sofie Dahl"  # by name, as the filter names people


def test_a_dane_saving_a_goal_unchanged_keeps_its_decimals(app, app_url):
    """Issue 16: the form showed the target 1.234 as `1.234`, which a Danish form reads as 1234."""
    at = edit_goal(app, "O1")
    target_field(at).input("1.234")
    save(at)
    with i18n.use("da"):  # AppTest formats the fields in the test's own thread
        danish = open_page(app, DATA, "definitions.tab_goals", **{"as": ADMIN, "lang": "da"})
        danish.selectbox(key="data.goal").set_value("O1").run()
        field = [w for w in danish.text_input if w.proto.form_id == "data.goal.O1" and w.value == "1,234"]
        assert field, [w.value for w in danish.text_input]
        save(danish)
    with engine.reading(engine.create(app_url)) as conn:
        assert next(g for g in queries.goals(conn, EVERYTHING) if g.code == "O1").target == 1.234


@pytest.mark.reads_only
def test_invalid_edits_explain_themselves_and_change_nothing(app, app_url):
    def snapshot():
        with engine.reading(engine.create(app_url)) as conn:
            return table_counts(conn), next(g for g in queries.goals(conn, EVERYTHING) if g.code == "O1")

    before = snapshot()
    at = edit_goal(app, "O1")
    target_field(at).input("sixty")
    [w for w in at.selectbox if w.key == "data.goal.O1.parent"][0].set_value("O2")
    save(at)
    errors = " ".join(e.value for e in at.error)
    assert "Target: “sixty” is not a number" in errors
    assert "Parent: O2 is operational" in errors
    assert snapshot() == before


@pytest.mark.reads_only
def test_the_audit_log_filters_and_downloads(app, app_url):
    at = open_page(app, DATA, "definitions.tab_audit", **{"as": ADMIN})
    with engine.reading(engine.create(app_url)) as conn:  # the log's default: the last 90 days
        total = queries.audit_count(conn, first=date.today() - timedelta(days=90), last=date.today())
    assert total >= 1000  # the demo's own writes: a count read as one ("1,870", it said "1870")
    assert any(c.value.startswith(f"{fmt.number(total)} changes match;") for c in at.caption)
    at.multiselect(key="data.audit.tables").set_value(["goal"]).run()
    assert not at.exception
    frame = at.dataframe[-1].value
    assert set(frame["What"]) == {"Goals"}
    # when: a time, newest first, so that sorting by the column sorts by time (as text "1 Dec"
    # came before "30 Nov"), written in the reader's pattern to the minute
    assert str(frame["When"].dtype).startswith("datetime64") and frame["When"].is_monotonic_decreasing
    shown = json.loads(at.dataframe[-1].proto.columns)["When"]["type_config"]
    assert shown == {"type": "datetime", "format": "YYYY-MM-DD HH:mm"}
    download = [b for b in at.get("download_button") if b.key == "data.audit.download"]
    assert len(download) == 1 and download[0].proto.label == "Download as CSV"


def test_a_new_definition_saved_opens_as_saved(app, app_url):
    """After saving a new one, the editor stood on "New …" with the form still filled in, an
    invitation to save it twice: it opens the one just saved."""
    at = open_page(app, DATA, "definitions.tab_promises", **{"as": ADMIN})
    form = "data.promise.new"
    fields = [w for w in at.text_input if w.proto.form_id == form]
    fields[0].input("p9")
    fields[1].input("We answer every letter within a week")
    next(b for b in at.get("form_submit_button") if b.proto.form_id == form).click().run()
    assert not at.exception
    assert at.selectbox(key="data.promise").value == "p9"
    shown = [w.value for w in at.text_input if w.proto.form_id == "data.promise.p9"]
    assert shown == ["p9", "We answer every letter within a week"]


def test_a_new_goal_s_choices_start_empty_and_its_department_is_its_kpi_s(app, app_url):
    """The new goal's KPI and department stood on the first of each, and a day-one trial's
    Marketing goal was saved in Billing unseen: the KPI starts unchosen (saving without one is
    refused, naming it) and the department, left as it is, is the KPI's."""
    at = open_page(app, DATA, "definitions.tab_goals", **{"as": ADMIN})
    form = "data.goal.new"
    kpi, department = (
        next(w for w in at.selectbox if w.key == f"{form}.{name}") for name in ("kpi", "department")
    )
    assert kpi.value is None and department.value == ""  # "The KPI's department"
    assert department.format_func("") == "The KPI's department"
    fields = {w.label: w for w in at.text_input if w.proto.form_id == form}
    # an example, not a value: a bare grey "2026-01" was read as filled in
    assert (fields["Start month"].placeholder, fields["Deadline"].placeholder) == (
        "e.g. 2026-01",
        "e.g. 2027-12-31",
    )
    fields["Code"].input("T99")
    fields["Title"].input("More new customers find us through campaigns")
    fields["Target"].input("50")
    fields["Start month"].input("2026-01")
    fields["Deadline"].input("2027-06-30")
    next(w for w in at.selectbox if w.key == f"{form}.level").set_value("strategic")
    next(b for b in at.get("form_submit_button") if b.proto.form_id == form).click().run()
    assert not at.exception
    refused = " ".join(e.value for e in at.error)
    assert "- KPI: required, but empty." in refused  # no KPI chosen: refused, and nothing saved
    with engine.reading(engine.create(app_url)) as conn:
        kpis = {row.code: row.department for row in conn.execute(sa.select(schema.kpi)).all()}
    other = next(code for code, owner in kpis.items() if owner == "MKT")
    next(w for w in at.selectbox if w.key == f"{form}.kpi").set_value(other)
    next(b for b in at.get("form_submit_button") if b.proto.form_id == form).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with engine.reading(engine.create(app_url)) as conn:
        saved = conn.execute(sa.select(schema.goal).where(schema.goal.c.code == "T99")).one()
    assert (saved.kpi, saved.department) == (other, "MKT")
    with i18n.use("da"):
        danish = open_page(app, DATA, "definitions.tab_goals", **{"as": ADMIN, "lang": "da"})
    shown = {w.label: w.placeholder for w in danish.text_input if w.proto.form_id == form}
    assert (shown["Startmåned"], shown["Frist"]) == (
        "f.eks. 2026-01",
        "f.eks. 31.12.2027",
    )  # as a Dane writes it


def _corrected(at, month: str, value: str):
    """The Data page's correction form sent for CS_WAIT's `month`, `value` typed."""
    at.text_input(key="data.correct.kpi").input("CS_WAIT")
    at.text_input(key="data.correct.month").input(month)
    at.radio(key="data.correct.what").set_value("correct")
    at.text_input(key="data.correct.value").input(value)
    next(b for b in at.get("form_submit_button") if b.proto.form_id == "data.correct").click().run()
    return at


def test_the_correction_form_starts_from_the_sidebar_s_month(app):
    """The form's month stood empty beside the sidebar's (an administrator's trial): it starts
    from it, and the KPI's label says when it may stay empty."""
    at = open_page(app, DATA, "definitions.tab_correct", **{"as": ADMIN})
    assert at.text_input(key="data.correct.month").value == "2026-10"  # open_page's month
    assert at.text_input(key="data.correct.kpi").label == "KPI (empty when deleting: every KPI)"


def test_a_corrected_value_far_from_its_kpi_s_usual_ones_is_named_after_it_is_saved(app, app_url):
    """ "1.234,5" typed for "77,5" passes every bound of seconds: the correction is made, as the
    person typed it, and the form names it to look at once more, as `correct` and an import do."""
    at = _corrected(open_page(app, DATA, "definitions.tab_correct", **{"as": ADMIN}), "2026-09", "1.234,5")
    assert not at.exception
    warned = " ".join(w.value for w in at.warning)
    assert "Check the value far from its KPI's usual ones before the meeting sees it: " in warned
    assert f"{plain.markdown('CS_WAIT')}, Sept 2026: 1,234.5" in warned
    said = " ".join(toast.value for toast in at.toast)  # what it did, as the command line says it
    assert (
        f"The value of {plain.markdown('CS_WAIT')} for September 2026 is now 1,234.5\u00a0s (it was " in said
    )
    with engine.reading(engine.create(app_url)) as conn:
        stored = conn.execute(
            sa.select(schema.measurement.c.value).where(
                schema.measurement.c.kpi == "CS_WAIT", schema.measurement.c.month == date(2026, 9, 1)
            )
        ).scalar_one()
    assert stored == 1234.5
    at.run()  # said once: the next run shows it no more
    assert not [w for w in at.warning if "far from" in w.value]


def test_correcting_or_deleting_last_year_s_value_says_how_this_year_s_targets_move(app, app_url):
    """Said with the correction, and with the deletion before it is asked for once more."""
    at = _corrected(open_page(app, DATA, "definitions.tab_correct", **{"as": ADMIN}), "2025-06", "80")
    assert not at.exception
    said = " ".join(toast.value for toast in at.toast)
    assert "2026's month targets are phased by the months of 2025, so 12 of them move with it" in said
    assert "The largest move is Jun" in said
    at.radio(key="data.correct.what").set_value("delete")
    next(b for b in at.get("form_submit_button") if b.proto.form_id == "data.correct").click().run()
    asked = " ".join(w.value for w in at.warning)
    assert (
        "This deletes 1 value:" in asked and "2026's month targets are phased by the months of 2025" in asked
    )
    assert at.button(key="data.correct.go").label == "Delete 1 value"


@pytest.mark.reads_only
def test_a_parent_loop_in_the_editor_is_refused(app, app_url):
    at = open_page(app, DATA, "definitions.tab_goals", **{"as": ADMIN})
    at.selectbox(key="data.goal").set_value("T8").run()
    [w for w in at.selectbox if w.key == "data.goal.T8.parent"][0].set_value("O1")  # its own sub-goal
    [b for b in at.get("form_submit_button") if b.proto.form_id == "data.goal.T8"][0].click().run()
    assert "would make it its own ancestor" in " ".join(e.value for e in at.error)
    with engine.reading(engine.create(app_url)) as conn:
        assert next(g for g in queries.goals(conn, EVERYTHING) if g.code == "T8").parent == "S3"


def kpi_helps(at):
    """The help of each KPI card, by the KPI's name (on the name's own line above the value)."""
    return {e.value.strip("*"): e.proto.help for e in at.markdown if e.proto.help}


@pytest.mark.reads_only
def test_kpi_help_cites_the_benchmark_source(app):
    at = open_page(app, "pages/departments.py", department="CS")
    helps = kpi_helps(at)
    assert (
        "Benchmark: typical 70.0\xa0%, best published 80.0\xa0% (SQM Group, 2022)."
        in helps["First contact resolution, phone"]
    )
    from kpi.text import i18n

    with i18n.use("da"):  # AppTest formats the pickers' labels in the test's own thread
        helps = kpi_helps(open_page(app, "pages/departments.py", department="CS", lang="da"))
    assert (
        "(Call Centre Helpers undersøgelse af 600+ kontaktcentre)."
        in helps["Serviceniveau (besvaret inden 30 sek.)"]
    )


SAMPLES = ROOT / "data" / "samples"


def import_tab(app, kind):
    at = open_page(app, DATA, **{"as": ADMIN})
    at.selectbox(key="data.import.kind").set_value(kind).run()
    return at


@pytest.mark.reads_only
def test_the_import_tab_names_in_bold_the_columns_a_new_record_needs(app):
    """The Data page's "Columns:" line did not say which are required (a trial): in bold, as the
    template heads them (`tables.required`: the goals' KPI, department, target and start month)."""
    at = import_tab(app, "goals")
    [said] = [
        c.value for c in at.caption if c.value.startswith("Columns (in bold what a new record needs): ")
    ]
    from kpi.files.tables import required
    from kpi.text import terms

    bold = set(re.findall(r"\*\*(.+?)\*\*", said))
    needed = {"code", "level", "title", "kpi", "department", "target", "start"}
    assert required("goals") == needed
    assert bold == {terms.column_named("goals", name) for name in needed}
    assert "Owner" in said and "**Owner**" not in said


def test_importing_a_danish_file_previews_then_confirms(app, app_url):
    at = import_tab(app, "measurements")
    at.file_uploader(key="data.import.file.measurements").upload(
        "measurements.csv", (SAMPLES / "measurements.csv").read_bytes(), "text/csv"
    ).run()
    assert not at.exception
    assert "Ready to import — 5 rows: 5 new, 0 replaced, 0 unchanged." in texts(at)
    with engine.reading(engine.create(app_url)) as conn:
        assert (
            queries.month_values(conn, EVERYTHING, date(2026, 11, 1), date(2026, 11, 1)) == []
        )  # preview only
    [b for b in at.button if b.key == "data.import.confirm"][0].click().run()
    assert not at.exception
    assert "Imported — 5 rows: 5 new" in " ".join(s.value for s in at.success)
    with engine.reading(engine.create(app_url)) as conn:
        values = queries.month_values(conn, EVERYTHING, date(2026, 11, 1), date(2026, 11, 1))
    assert {v.kpi: v.value for v in values}["CS_WAIT"] == 88.5


def problem_list(at) -> list[str]:
    """A refused import's problems as the page writes them out, a line each, unescaped."""
    listed = next(m.value for m in at.markdown if m.value.startswith("- "))
    return [re.sub(r"\\(.)", r"\1", line[2:]) for line in listed.split("\n")]


@pytest.mark.reads_only
def test_a_bad_upload_lists_every_problem_and_writes_nothing(app, app_url):
    with engine.reading(engine.create(app_url)) as conn:
        before = table_counts(conn)
    at = import_tab(app, "measurements")
    bad = b"kpi;month;value\nCS_WAIT;2026-13;80\nCS_SL;2026-11;76,5%\n"
    at.file_uploader(key="data.import.file.measurements").upload("bad.csv", bad, "text/csv").run()
    assert "Nothing can be imported yet: 2 problems." in " ".join(e.value for e in at.error)
    problems = problem_list(at)
    assert [line.split(":** ")[0] for line in problems] == ["**Row 2, column month", "**Row 3, column value"]
    assert not [b for b in at.button if b.key == "data.import.confirm"]
    with engine.reading(engine.create(app_url)) as conn:
        assert table_counts(conn) == before


@pytest.mark.reads_only
def test_the_same_problem_in_many_rows_is_one_line_of_the_problem_table(app):
    at = import_tab(app, "measurements")
    rows = "".join(f"nps_old,2026-{month:02d},5\n" for month in range(1, 11))
    bad = f"kpi,month,value\n{rows}CS_SL,2026-11,76%\n".encode()
    at.file_uploader(key="data.import.file.measurements").upload("bad.csv", bad, "text/csv").run()
    assert "Nothing can be imported yet: 2 problems." in " ".join(e.value for e in at.error)
    problems = problem_list(at)  # written out whole: a table cut every message at its column's edge
    assert (
        problems[0]
        == "**Rows 2–11, column kpi:** “nps_old” is not known in the cockpit: import or create it first."
    )
    assert problems[1].startswith("**Row 12, column value:** ") and len(problems) == 2


@pytest.mark.reads_only
def test_a_value_far_from_its_kpi_s_usual_ones_is_named_before_the_import(app):
    """ "1.234,5" read where "77,5" was meant passes every bound of seconds (a new company's
    trial): the preview names it with its usual value, before the import is confirmed."""
    at = import_tab(app, "measurements")
    at.file_uploader(key="data.import.file.measurements").upload(
        "odd.csv", b"kpi;month;value\nCS_WAIT;2026-09;1.234,5\n", "text/csv"
    ).run()
    assert not at.exception
    warned = " ".join(w.value for w in at.warning)
    assert "Check the value far from its KPI's usual ones before the meeting sees it: " in warned
    assert f"{plain.markdown('CS_WAIT')}, Sept 2026: 1,234.5" in warned  # the file's words, as text


@pytest.mark.reads_only
def test_problems_past_the_first_ones_are_written_out_on_asking(app):
    """The problems past the first thirty stood in a table that cut each message at its column's
    edge, on a phone most of it (a new company's trial): *Show more* writes them out too."""
    from kpi.ui.views import import_view

    at = import_tab(app, "measurements")
    rows = "".join(
        f"CS_WAIT,{2024 + n}-{month:02d},x{n}{month}\n" for n in range(3) for month in range(1, 13)
    )
    at.file_uploader(key="data.import.file.measurements").upload(
        "bad.csv", f"kpi,month,value\n{rows}".encode(), "text/csv"
    ).run()
    assert "Nothing can be imported yet: 36 problems." in " ".join(e.value for e in at.error)
    assert len(problem_list(at)) == import_view.LISTED
    assert not [d for d in at.dataframe if "Problem" in d.value.columns]
    next(b for b in at.button if b.label == "Show 6 more").click().run()
    listed = problem_list(at)
    assert len(listed) == 36 and listed[-1].startswith("**Row 37, column value:** ")


@pytest.mark.reads_only
@ON_DUCKDB
def test_a_file_of_another_kind_gets_a_hint(app):
    at = import_tab(app, "departments")
    at.file_uploader(key="data.import.file.departments").upload(
        "measurements.csv", (SAMPLES / "measurements.csv").read_bytes(), "text/csv"
    ).run()
    refused = " ".join(e.value for e in at.error)
    assert (
        refused
        == "Nothing was imported: this file looks like Monthly values. Choose that above, and upload it again."
    )
    assert problem_list(at)  # what it lacks as departments, folded below


PRESENT = "pages/present.py"


@pytest.mark.reads_only
def test_present_steps_through_the_deck_with_the_slide_in_the_url(app, app_url):
    with engine.reading(engine.create(app_url)) as conn:
        count = len(decks.slides(conn, EVERYTHING, OCTOBER, "en"))  # the attention list takes two slides
    at = open_page(app, PRESENT)
    assert at.markdown[0].value.startswith(f"**1 / {count}**") or f"1 / {count}" in texts(at)
    shown = [("2", "# The month at a glance: October 2026"), ("3", "# Strategic goals")]
    shown.append(("4", "# More customers recommend us"))  # then the strategic goals one by one
    for number, heading in shown:
        [b for b in at.button if b.key == "present.next"][0].click().run()
        assert at.query_params["slide"] == number and heading in [m.value for m in at.markdown]
        assert not at.button(key="present.back").disabled  # drawn for the slide shown, not the one left
    [b for b in at.button if b.key == "present.back"][0].click().run()
    assert at.query_params["slide"] == "3"


def test_present_opens_on_the_slide_in_the_url_and_shows_commentary_as_text(app, app_url):
    from kpi.store import edits

    with engine.writing(engine.create(app_url)) as conn:
        edits.add_commentary(
            conn, edits_admin(), month=date(2026, 10, 1), goal="S1", text="<script>alert(1)</script>"
        )
    at = app(month="2026-10")  # opened at its own address, as a link opens it
    at.switch_page(PRESENT)
    at.query_params["slide"] = "4"  # the first strategic goal's slide
    at.run()
    assert not at.exception
    assert "<script>alert(1)</script>" in [e.value for e in at.text]


def edits_admin():
    from kpi.domain.model import Person, Role

    return Person(ADMIN, "Sofie Dahl", Role.ADMIN, "MGMT")


@pytest.mark.reads_only
def test_a_heads_presentation_holds_only_their_department(app):
    at = open_page(app, PRESENT, **{"as": "camilla.berg@havnhjem.example"})
    options = [o for o in at.selectbox if o.key and o.key.startswith("present.jump")][0].options
    assert any("Customer service" in o for o in options)
    assert not any("IT operations" in o or "More customers recommend us" in o for o in options)


@pytest.mark.reads_only
def test_the_departments_page_asks_for_explanations(app):
    at = open_page(app, "pages/departments.py", department="CS", **{"as": "camilla.berg@havnhjem.example"})
    warnings = " ".join(w.value for w in at.warning)
    assert "no explanation yet" in warnings


@pytest.mark.reads_only
def test_numbers_carry_their_commentary_as_plain_text(app):
    at = app(month="2026-10").run()
    assert any(
        "NPS is well up since the strategy began" in e.value for e in at.text
    )  # beside the strategic tile
    at.switch_page("pages/departments.py")
    at.query_params["department"] = "CS"
    at.run()
    assert any(e.value.startswith("“Callback from the queue") for e in at.text)  # beside the KPI card


def test_present_shows_a_closed_month_with_its_revisions(app, app_url):
    from kpi.store import closing, importing

    store = engine.create(app_url)
    with engine.reading(store) as conn:
        wait = next(v for v in queries.month_values(conn, EVERYTHING, OCTOBER, OCTOBER) if v.kpi == "CS_WAIT")
    with engine.writing(store) as conn:
        closing.close(conn, edits_admin(), OCTOBER)
    importing.run(
        store, "measurements", b"kpi;month;value\nCS_WAIT;2026-10;99\n", "late.csv", as_admin(ADMIN)
    )
    at = open_page(app, PRESENT)
    assert f"Closed on {fmt.day(date.today())} by Sofie Dahl: the numbers as the meeting sees them." in texts(
        at
    )  # by name
    with engine.reading(store) as conn:  # the department's slide that holds the wait (it takes two)
        slides = decks.slides(conn, EVERYTHING, OCTOBER, "en")
        name = next(k.name for k in queries.kpis(conn, EVERYTHING) if k.code == "CS_WAIT")
    number = next(
        i for i, s in enumerate(slides) if s.kind == "department" and name in [ln.label for ln in s.lines]
    )
    [s for s in at.selectbox if s.key == "present.jump.0"][0].set_value(number).run()
    page = texts(at)
    closed = fmt.value(wait.value, "s")
    assert f"Revised after close: {closed} → {fmt.value(99, 's')}" in page and closed in page


def test_an_admin_closes_the_month_on_the_data_page(app, app_url):
    """What the close would leave out is said first (the demo's October owes comments), and the
    close waits for "close it now anyway" (a trial closed a month with ten owed)."""
    from kpi import settings
    from kpi.store import owing

    with engine.reading(engine.create(app_url)) as conn:
        found = owing.owed_items(conn, EVERYTHING, date(2026, 10, 1), "en", settings.today())
    words = sum(1 for item in found if item.kind == "commentary")
    assert words > 1 and all(item.kind != "value" for item in found)
    at = open_page(app, DATA, "definitions.tab_close", **{"as": ADMIN})
    warned = " ".join(w.value for w in at.warning)
    assert f"Still owed for this month: {words} comments." in warned and "closes it on" not in warned
    with engine.reading(engine.create(app_url)) as conn:
        names = {p.email: p.name for p in queries.people(conn)}
    first = next(i for i in found if i.kind == "commentary")  # named with who owes it, and what
    # and which kind each is: a value and a comment read alike
    assert f"Owed: {names[first.email]}: {first.subject} (comment)" in warned.replace("\\", "")
    assert [b for b in at.button if b.key == "data.close"][0].disabled
    others = sum(1 for item in found if item.kind not in ("value", "commentary"))
    assert others  # and what else is owed, which does not hold the close: the Overview counted it too
    assert f"{others} more items are owed this month" in " ".join(c.value for c in at.caption)
    at.checkbox(key="data.close.anyway.2026-10").check().run()
    [b for b in at.button if b.key == "data.close"][0].click().run()
    assert not at.exception
    assert "October 2026 was closed on" in " ".join(s.value for s in at.success)
    # and what comes next, where: the close had said "Saved." and no more
    assert (
        "Next: mail each reader the month as they may see it, with their own pack (Data → Data in → Send"
        in " ".join(c.value for c in at.caption)
    )
    from kpi.store import closing

    with engine.reading(engine.create(app_url)) as conn:
        assert closing.closed(conn, date(2026, 10, 1)).closed_by == ADMIN


def test_a_closed_month_s_overview_names_the_values_changed_since_its_close(app, app_url):
    """The Overview showed a corrected value of a closed month while its pack showed the closed
    one marked revised, without a word (an administrator's trial): it names each value changed
    since the close with what it was, to those who read its KPI only."""
    from kpi import cli
    from kpi.text import fmt

    admin = ["--db", app_url, "--lang", "en", "--as", ADMIN]
    assert cli.main([*admin, "close", "--month", "2026-10", "--anyway"]) == 0
    with engine.reading(engine.create(app_url)) as conn:
        m = schema.measurement
        was = conn.execute(
            sa.select(m.c.value).where(m.c.kpi == "CS_WAIT", m.c.month == date(2026, 10, 1))
        ).scalar_one()
        name = next(k.name for k in queries.kpis(conn, EVERYTHING, "en") if k.code == "CS_WAIT")
    assert cli.main([*admin, "correct", "--kpi", "CS_WAIT", "--month", "2026-10", "--value", "94"]) == 0

    def told(who: str, month: str = "2026-10") -> list[str]:
        at = app(month=month, **{"as": who}).switch_page("pages/overview.py").run()
        assert not at.exception, at.exception
        return [c.value for c in at.caption if "since the close" in c.value]

    expected = (
        f"Changed since the close: {plain.markdown(name)} {fmt.value(was, 's')} → {fmt.value(94, 's')}."
    )
    assert told("mette.kjaer@havnhjem.example") == [expected]
    assert told("henrik.juul@havnhjem.example") == []  # not a KPI he reads
    with i18n.use("da"):
        danish = fmt.value(94, "s")
    at = (
        app(month="2026-10", lang="da", **{"as": "mette.kjaer@havnhjem.example"})
        .switch_page("pages/overview.py")
        .run()
    )
    said = [c.value for c in at.caption if "siden lukningen" in c.value]
    assert len(said) == 1 and said[0].endswith(f"→ {danish}") and not said[0].endswith("..")  # "sek." ends it
    assert told("mette.kjaer@havnhjem.example", "2026-09") == []  # an open month


ENGLISH = [
    "On track",
    "Off track",
    "At risk",
    "On target",
    "Off target",
    "No data",
    "Achieved",
    "What changed",
    "Needs attention",
    "Goals behind",
    "How well we keep our customer promises",
    "Strategic goals",
    "Department",
    "Previous",
    "Next",
    "Commentary",
    "Actions",
    "Target",
    "Sub-goals",
    "Month",
    "Language",
]
"""English words that must not appear in the Danish pages ("Download" is Danish too)."""


@pytest.mark.parametrize(
    "page",
    [
        "pages/overview.py",
        "pages/goal_cascade.py",
        "pages/smart_goals.py",
        "pages/departments.py",
        "pages/present.py",
        "pages/data.py",
    ],
)
@pytest.mark.reads_only
def test_every_page_speaks_danish(app, page):
    from kpi.text import i18n

    with i18n.use("da"):  # AppTest formats the pickers' labels in the test's own thread
        check_danish(app, page)


def check_danish(app, page):
    at = app(month="2026-10", lang="da", **{"as": ADMIN})
    if page != "pages/overview.py":  # opened from its own address, as a link opens it
        at.switch_page(page)
        at.query_params["slide"] = "2"
    at.run()
    assert not at.exception, at.exception
    seen = texts(at) + "\n".join(str(b.label) for b in at.button) + "\n".join(w.label for w in at.selectbox)
    seen += "\n".join(str(o) for w in at.selectbox for o in w.options)
    seen += "\n".join(d.value.to_csv() for d in at.dataframe)
    empty = [
        w.label
        for w in (*at.selectbox, *at.multiselect)
        if w.proto.placeholder == "" and w.value in (None, [])
    ]
    assert empty == [], (page, empty)  # an empty placeholder shows the browser's English "Choose …"
    leftovers = [word for word in ENGLISH if word in seen]
    assert leftovers == [], (page, leftovers)
    if page != "pages/data.py":
        assert any(
            word in seen for word in ("På sporet", "Bagud", "I fare", "Målværdi nået", "Tæt på", "Nået", "✓")
        ), page


@pytest.mark.reads_only
def test_import_file_downloads_reuse_the_apps_engine(app_url, monkeypatch):
    """A download is built on click; it must use the engine the app keeps, not open a new one
    (and its connection pool) every time."""
    import streamlit as st

    from kpi.ui import data

    st.cache_resource.clear()
    made = []
    real = engine.create
    monkeypatch.setattr(engine, "create", lambda url: made.append(url) or real(url))
    first, again = data.import_file(app_url, "kpis"), data.import_file(app_url, "kpis")
    assert first == again and b"CS_WAIT" in first
    assert made == [app_url]
    st.cache_resource.clear()


def test_no_screen_opens_an_engine_of_its_own():
    """Only kpi.ui.data's cached `_engine` creates one; anything else would leak a pool a click."""
    import ast

    makers = []
    for path in sorted((ROOT / "kpi" / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                calls = [c for c in ast.walk(node) if isinstance(c, ast.Call)]
                if any(ast.unparse(c.func) == "engine.create" for c in calls):
                    makers.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert makers == ["kpi/ui/data.py:_engine"]


@pytest.mark.reads_only
def test_the_audit_download_holds_every_matching_change(app_url):
    import csv
    import io

    from kpi.ui import data

    body = data.audit_csv(app_url, ("measurement",), None, None, None, None).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    with engine.reading(engine.create(app_url)) as conn:
        total = queries.audit_count(conn, tables=["measurement"])
    assert len(rows) == total > 500  # more than the page shows
    assert {r["table_name"] for r in rows} == {"measurement"} and rows[0]["who"] == "demo"


def _plans_submit(at, form):
    [b for b in at.get("form_submit_button") if b.proto.form_id == f"data.plans.{form}"][0].click().run()
    assert not at.exception


def test_an_admin_sets_month_targets_process_changes_and_rules_on_the_data_page(app, app_url):
    from kpi.store import monthly, plans, rules

    def stored():
        with engine.reading(engine.create(app_url)) as conn:
            context = monthly.context(conn, EVERYTHING, date(2026, 12, 1))
            return context.targets.get("CS_WAIT", {}), plans.changes(conn, "CS_WAIT"), rules.read(conn)

    targets, changes, _ = stored()
    at = open_page(app, DATA, "definitions.tab_plans", **{"as": ADMIN})
    at.selectbox(key="data.plans.target.kpi").set_value("CS_WAIT")
    at.text_input(key="data.plans.target.month").input("2026-12")
    at.text_input(key="data.plans.target.value").input("sixty")
    _plans_submit(at, "target")
    assert "Target: “sixty” is not a number" in " ".join(e.value for e in at.error)
    assert at.text_input(key="data.plans.target.value").value == "sixty"  # kept to be put right
    assert stored()[0] == targets
    at.text_input(key="data.plans.target.value").input("110.5")
    _plans_submit(at, "target")
    assert not at.error and stored()[0][date(2026, 12, 1)] == 110.5

    at.selectbox(key="data.plans.change.kpi").set_value("CS_WAIT")
    at.text_input(key="data.plans.change.month").input("2026-03")
    at.text_input(key="data.plans.change.note").input("New phone system")
    _plans_submit(at, "change")
    recorded = stored()[1]
    assert len(recorded) == len(changes) + 1 and (date(2026, 3, 1), "New phone system") in {
        (m, n) for m, n, _, _ in recorded
    }
    at.radio(key="data.plans.change.action").set_value("remove")
    _plans_submit(at, "change")
    assert stored()[1] == changes
    _plans_submit(at, "change")  # nothing left to remove: said, and nothing changes
    assert "nothing was removed" in " ".join(e.value for e in at.error)

    at.multiselect(key="data.plans.rules.chosen").unselect("trend")
    at.number_input(key="data.plans.rules.shift_run").set_value(8)
    _plans_submit(at, "rules")
    chosen = stored()[2]
    assert "trend" not in {str(r) for r in chosen.rules} and chosen.shift_run == 8
    with engine.reading(engine.create(app_url)) as conn:
        audited = conn.execute(sa.select(schema.audit.c.table_name).distinct()).scalars().all()
    assert {"kpi_target", "process_change", "setting"} <= set(audited)


@pytest.mark.reads_only
@pytest.mark.parametrize("damage", ["corrupt", "zip bomb", "bom then latin-1"])
@ON_DUCKDB
def test_a_damaged_file_uploaded_on_the_data_page_is_a_named_problem_not_streamlits_error(
    app, app_url, damage
):
    """Issue 17: the damaged files that ended in a traceback on the command line showed
    Streamlit's generic error on the Data page, and a zip bomb was unpacked inside the app."""
    from tests.test_files_robust import ROWS, _rewrite_member, _workbook

    data, name, hint = {
        "corrupt": (
            _rewrite_member(_workbook(ROWS), "xl/worksheets/sheet1.xml", lambda xml: b"<notxml"),
            "bad.xlsx",
            "cannot be opened",
        ),
        "zip bomb": (
            _rewrite_member(_workbook(ROWS), "docProps/core.xml", lambda xml: xml + b" " * 30_000_000),
            "bomb.xlsx",
            "MB",
        ),
        "bom then latin-1": (
            b"\xef\xbb\xbfkpi,month,value\nCS_WAIT,2026-11,80\nK\xd8B,2026-11,1\n",
            "bad.csv",
            "UTF-8",
        ),
    }[damage]
    with engine.reading(engine.create(app_url)) as conn:
        before = table_counts(conn)
    at = import_tab(app, "measurements")
    at.file_uploader(key="data.import.file.measurements").upload(name, data, "application/octet-stream").run()
    assert not at.exception, at.exception
    assert "Nothing can be imported yet: 1 problem." in " ".join(e.value for e in at.error)
    problems = problem_list(at)
    assert hint in problems[0], problems
    assert not [b for b in at.button if b.key == "data.import.confirm"]
    with engine.reading(engine.create(app_url)) as conn:
        assert table_counts(conn) == before


@pytest.mark.reads_only
@pytest.mark.parametrize(
    ("name", "data", "hint"),
    [
        ("dup.csv", b"kpi,month,value,value\nCS_WAIT,2026-10,50,60\n", "appears twice"),
        ("blank.csv", b"kpi,month,value,,\nCS_WAIT,2026-10,50,x,\n", "#4"),  # an empty tail is left out
        ("blank.xlsx", None, "#2"),
    ],
)
@ON_DUCKDB
def test_a_header_with_a_name_twice_or_an_empty_one_is_a_named_problem_not_streamlits_error(
    app, app_url, name, data, hint
):
    """The preview made a table of the header as it came, and a table refuses two columns of one
    name: the Data page showed Streamlit's error (adversarial review, 2026-12-05)."""
    from tests.test_files_robust import _workbook

    data = data or _workbook([["kpi", None, "month", "value"], ["CS_WAIT", None, "2026-10", 50]])
    at = import_tab(app, "measurements")
    at.file_uploader(key="data.import.file.measurements").upload(name, data, "application/octet-stream").run()
    assert not at.exception, at.exception
    preview = at.dataframe[0].value
    assert len(set(preview.columns)) == len(preview.columns)
    problems = problem_list(at)
    assert any(hint in text for text in problems), problems
    assert not [b for b in at.button if b.key == "data.import.confirm"]


DATA_IN = ["Import", "Pull now", "Close the month", "Send", "Correct or delete", "Reporting calendar"]
STRATEGY = ["Goals", "KPIs", "Targets and signals", "Customer promises", "Service priorities", "Events"]


@pytest.mark.reads_only
def test_the_data_page_groups_its_tabs_so_a_phone_sees_every_group(app):
    """Twelve tabs in a row overflow a wide screen and show four on a phone: four groups, each
    with its own tabs, and every editor drawn once its tab is open. In Danish, a new KPI is "Ny
    KPI" (common gender), a new goal "Nyt mål"."""
    groups = ["Data in", "Organisation", "Strategy", "Audit log"]
    at = open_page(app, DATA, **{"as": ADMIN})
    seen = [tab.label for tab in at.tabs]  # the groups, the open group's own tabs inside the first
    assert seen == [groups[0], *DATA_IN, *groups[1:]]
    at = open_data_tab(at, "definitions.tab_goals")
    assert [tab.label for tab in at.tabs] == [*groups[:3], *STRATEGY, groups[3]]
    at = open_data_tab(at, "definitions.tab_company")
    assert [tab.label for tab in at.tabs] == [*groups[:2], "Company", "Departments", "People", *groups[2:]]
    with i18n.use("da"):  # AppTest formats the pickers' labels in the test's own thread
        danish = open_page(app, DATA, "definitions.tab_kpis", **{"as": ADMIN, "lang": "da"})
        assert danish.selectbox(key="data.kpi").options[0] == "Ny KPI …"
        danish = open_data_tab(danish, "definitions.tab_goals")
        assert danish.selectbox(key="data.goal").options[0] == "Nyt mål …"


@pytest.mark.reads_only
def test_the_kpi_form_s_target_says_a_summed_kpi_s_target_is_a_month_s(app):
    """A day-one company gave a churn KPI summed over months its year's 6 % and read "On target"
    every month: the template's guide and the form's help now say what the target is."""
    at = open_page(app, DATA, "definitions.tab_kpis", **{"as": ADMIN})
    target = next(w for w in at.text_input if w.label == "Target")
    assert "“Sum of months”, a month's target" in target.help


@pytest.mark.parametrize(
    ("language", "said"), [("en", "**1,200 of 1,500** goals"), ("da", "**1.200 af 1.500** mål")]
)
def test_a_large_company_s_smart_summary_writes_its_counts_as_numbers(language, said):
    """A company of thousands of goals read "**1200 of 1500** goals pass all five checks"."""

    def page(language: str) -> None:
        from kpi.domain import smart
        from kpi.text import i18n
        from kpi.ui.views import smart_view

        ok = {c: smart.Check(c) for c in smart.Criterion}
        vague = {
            **ok,
            smart.Criterion.SPECIFIC: smart.Check(smart.Criterion.SPECIFIC, (smart.Reason("no_kpi"),)),
        }
        pairs = [(None, smart.Assessment(f"G{n}", ok if n < 1200 else vague)) for n in range(1500)]
        with i18n.use(language):
            smart_view.summary(pairs)

    at = AppTest.from_function(page, args=(language,), default_timeout=APP_TIMEOUT).run()
    assert not at.exception
    assert any(m.value.startswith(said) for m in at.markdown), [m.value for m in at.markdown]
