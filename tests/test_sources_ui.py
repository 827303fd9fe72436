"""KPI sources where an administrator works: the KPI editor's source form (save, refuse, remove,
"Try it"), the KPIs import file's `source_*` columns, and "Pull now" on the Data page.

Every source here is a `files` source over a CSV the test writes, so no network is needed; the
store is the demo on DuckDB and on PostgreSQL (the `app_url`/`demo_url` fixtures).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi.domain import months
from kpi.files.tables import ImportRejected
from kpi.store import engine, importing, sourcing
from kpi.store import schema as s
from tests.conftest import as_admin, table_counts
from tests.sharing import fingerprint
from tests.test_pages import texts
from tests.test_pages_admin import ADMIN, DATA, open_page

MONTH = months.last_complete(date.today())
"""The month "Try it" and "Pull now" run for unless told otherwise."""


def figures(folder: Path, value: str = "42.5", name: str = "wait.csv") -> Path:
    """A CSV of CS_WAIT's monthly wait in seconds: `value` for MONTH, 40 the month before."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    before = months.key(months.add(MONTH, -1))
    path.write_text(f"month,value\n{before},40\n{months.key(MONTH)},{value}\n", encoding="utf-8")
    return path


def query_of(path: Path) -> str:
    return f"SELECT month, value FROM read_csv('{path.as_posix()}')"


def stored_sources(url: str) -> dict[str, tuple]:
    with engine.reading(engine.create(url)) as conn:
        return {x.kpi: (str(x.kind), x.connection, x.query, x.url, x.timeout) for x in sourcing.read(conn)}


def audit_of_sources(url: str) -> list[tuple[str, str | None, str | None]]:
    a = s.audit
    with engine.reading(engine.create(url)) as conn:
        rows = conn.execute(  # in the order written: PostgreSQL keeps no order without one asked for
            sa.select(a.c.key, a.c.before, a.c.after).where(a.c.table_name == "kpi_source").order_by(a.c.id)
        )
        return [tuple(r) for r in rows]


def stored_value(url: str, kpi: str, month: date) -> tuple | None:
    m = s.measurement
    with engine.reading(engine.create(url)) as conn:
        row = conn.execute(sa.select(m.c.value, m.c.source).where(m.c.kpi == kpi, m.c.month == month)).first()
    return None if row is None else (round(row.value, 4), row.source)


# --- the KPI editor's source form ----------------------------------------------------------------


def source_form(app, code: str = "CS_WAIT"):
    at = open_page(app, DATA, "definitions.tab_kpis", **{"as": ADMIN})
    at.selectbox(key="data.kpi").set_value(code).run()
    assert not at.exception, at.exception
    return at


def fill(at, code: str = "CS_WAIT", **values: str):
    key = f"data.source.{code}"
    for name, value in values.items():
        if name == "kind":
            at.selectbox(key=f"{key}.kind").set_value(value)
        elif name == "query":
            at.text_area(key=f"{key}.query").input(value)
        else:
            at.text_input(key=f"{key}.{name}").input(value)
    return at


def press(at, label: str, code: str = "CS_WAIT"):
    form = f"data.source.{code}"
    [button] = [b for b in at.get("form_submit_button") if b.proto.form_id == form and b.label == label]
    button.click().run()
    assert not at.exception, at.exception
    return at


def test_an_admin_gives_a_kpi_a_source_changes_it_and_removes_it(app, app_url, tmp_path):
    path = figures(tmp_path)
    at = source_form(app)
    assert "KPI_SOURCE_<NAME>" in " ".join(
        c.value for c in at.caption
    )  # where a connection's name is resolved is said
    fill(at, kind="files", query=query_of(path), timeout="12.5")
    press(at, "Save")
    assert stored_sources(app_url) == {"CS_WAIT": ("files", None, query_of(path), None, 12.5)}
    [(key, before, after)] = audit_of_sources(app_url)
    assert key == "CS_WAIT" and before is None and "read_csv" in after

    at = source_form(app)  # the form shows the stored source; a change is audited with its before
    assert at.text_area(key="data.source.CS_WAIT.query").value == query_of(path)
    fill(at, timeout="60")
    press(at, "Save")
    assert stored_sources(app_url)["CS_WAIT"][4] == 60.0
    assert '"timeout": 12.5' in audit_of_sources(app_url)[-1][1]

    at = source_form(app)
    at.button(key="data.source.CS_WAIT.remove").click().run()
    assert not at.exception and stored_sources(app_url) == {}
    key, before, after = audit_of_sources(app_url)[-1]
    assert key == "CS_WAIT" and "read_csv" in before and after is None  # the audit keeps the source


@pytest.mark.reads_only
def test_an_invalid_source_shows_every_problem_and_saves_nothing(app, app_url):
    with engine.reading(engine.create(app_url)) as conn:
        before = table_counts(conn)
    at = source_form(app)
    fill(at, kind="sql", connection="my warehouse", url="ftp://x", query="DELETE FROM calls", timeout="soon")
    press(at, "Save")
    said = " ".join(e.value for e in at.error)
    assert "Connection" in said and "my warehouse" in said  # not a name an environment variable can have
    assert (
        "URL" in said
        and "only an http source (its server) or a recipe source (its event files) has a URL" in said
    )
    assert "“soon” is not a number" in said
    assert "the query is a DELETE statement" in said  # the one-SELECT rule, as in the file
    with engine.reading(engine.create(app_url)) as conn:
        assert table_counts(conn) == before


@pytest.mark.reads_only
def test_a_query_of_two_statements_and_a_missing_connection_are_refused(app, app_url):
    at = source_form(app)
    fill(at, kind="sql", query="SELECT 1; SELECT 2")
    press(at, "Save")
    said = " ".join(e.value for e in at.error)
    assert "Connection" in said and "exactly one SELECT" in said
    assert stored_sources(app_url) == {}


@pytest.mark.reads_only
def test_a_survey_kpi_is_offered_no_source(app):
    at = source_form(app, "NPS")
    assert "values come from its answers, so it has no source" in " ".join(c.value for c in at.caption)
    widgets = [*at.text_area, *at.text_input, *at.selectbox, *at.button]
    assert not [w for w in widgets if str(w.key).startswith("data.source.")]


@pytest.mark.reads_only
def test_try_it_says_what_the_typed_source_would_write_and_writes_nothing(app, app_url, tmp_path):
    path = figures(tmp_path, "42")
    before = fingerprint(app_url)
    at = fill(source_form(app), kind="files", query=query_of(path))
    press(at, "Try it")
    said = " ".join(i.value for i in at.info)
    assert "42\xa0s" in said and "Nothing was written" in said, said
    assert fingerprint(app_url) == before  # neither the source nor the value


@pytest.mark.reads_only
def test_try_it_names_why_a_source_fails(app, app_url, tmp_path):
    path = figures(tmp_path, "n/a")
    at = fill(source_form(app), kind="files", query=query_of(path))
    press(at, "Try it")
    said = " ".join(e.value for e in at.error).replace("\\", "")  # as read: without Markdown's escapes
    assert "CS_WAIT (pull:files), row 2, column value: “n/a” (text) is not a number" in said, said
    assert "Nothing was written" in said


# --- "Pull now" ----------------------------------------------------------------------------------


def define(url: str, path: Path, kpi: str = "CS_WAIT") -> None:
    entry = f'[[source]]\nkpi = "{kpi}"\nkind = "files"\nquery = "{query_of(path)}"\n'
    sourcing.load(engine.create(url), entry.encode(), "sources.toml", as_admin())


def pull_tab(app):
    return open_page(app, DATA, "definitions.tab_pull", **{"as": ADMIN})


def test_pull_now_shows_a_dry_run_then_writes_once(app, app_url, tmp_path):
    define(app_url, figures(tmp_path, "42"))
    before = fingerprint(app_url)
    at = pull_tab(app)
    assert at.selectbox(key="data.pull.month").value == MONTH  # the last complete month by default
    at.button(key="data.pull.dry").click().run()
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "Source" in d.value.columns)
    assert list(table["Source"]) == ["Pulled from source files"] and table["Value"][0].startswith("42\xa0s (")
    assert "What a pull would write" in texts(at)
    assert fingerprint(app_url) == before  # a dry run writes nothing

    at.button(key="data.pull.write").click().run()
    assert not at.exception, at.exception
    assert "Written:" in " ".join(x.value for x in at.success)
    assert stored_value(app_url, "CS_WAIT", MONTH) == (42.0, "pull:files")

    written = fingerprint(app_url)
    at.button(key="data.pull.dry").click().run()  # a second pull changes nothing
    table = next(d.value for d in at.dataframe if "Source" in d.value.columns)
    assert list(table["Value"]) == ["42\xa0s (unchanged)"]
    at.button(key="data.pull.write").click().run()
    assert fingerprint(app_url) == written


def test_pull_now_with_a_failing_source_names_it_and_writes_nothing(app, app_url, tmp_path):
    define(app_url, figures(tmp_path, "42.5", "good.csv"), "CS_WAIT")
    define(app_url, figures(tmp_path, "n/a", "bad.csv"), "CS_SL")
    before = fingerprint(app_url)
    at = pull_tab(app)
    at.button(key="data.pull.dry").click().run()
    said = " ".join(e.value for e in at.error).replace("\\", "")  # as read: without Markdown's escapes
    assert "CS_SL (pull:files), row 2, column value: “n/a” (text) is not a number" in said, said
    assert "Nothing was written" in said
    assert not [b for b in at.button if b.key == "data.pull.write"]
    assert fingerprint(app_url) == before


@pytest.mark.reads_only
def test_pull_now_says_when_no_kpi_has_a_source(app):
    at = pull_tab(app)
    assert "No KPI has a source yet" in " ".join(i.value for i in at.info)
    assert not [b for b in at.button if b.key == "data.pull.dry"]


# --- the KPIs import file ------------------------------------------------------------------------

HEADER = "code,name,department,unit,direction,aggregation,source_kind,source_connection,source_query,source_url,source_timeout\n"


def kpi_row(code: str, aggregation: str = "mean", *source: str) -> str:
    cells = [code, f"{code} name", "CS", "s", "lower", aggregation, *source]
    cells += [""] * (11 - len(cells))
    return ",".join(f'"{c}"' if "," in c else c for c in cells) + "\n"


def test_a_kpis_file_gives_kpis_sources_checked_as_everywhere(demo_url, tmp_path):
    query = query_of(figures(tmp_path))
    body = HEADER + kpi_row("CS_WAIT", "mean", "files", "", query, "", "20") + kpi_row("NEW_ONE", "mean")
    summary = importing.run(engine.create(demo_url), "kpis", body.encode(), "kpis.csv", as_admin())
    assert summary.sources == {"inserted": 1}
    assert "Sources: 1 new, 0 replaced." in summary.text()
    assert stored_sources(demo_url) == {"CS_WAIT": ("files", None, query, None, 20.0)}

    again = importing.run(engine.create(demo_url), "kpis", body.encode(), "kpis.csv", as_admin())
    assert again.sources == {"unchanged": 1} and "Sources" not in again.text()


def test_a_kpis_file_with_bad_sources_is_refused_with_row_column_and_hint(demo_url, monkeypatch):
    monkeypatch.setenv("KPI_SOURCE_WAREHOUSE", "postgresql+psycopg://kpi:S3cretPw@db/dw")
    body = (
        HEADER
        + kpi_row("CS_WAIT", "mean", "ftp", "", "SELECT 1")  # row 2: an unknown kind
        + kpi_row("NPS", "nps", "files", "", "SELECT 1")  # row 3: a survey KPI
        + kpi_row("CS_SL", "mean", "sql", "", "SELECT 1")  # row 4: sql without a connection
        + kpi_row("CS_ABANDON", "mean", "files", "", "DELETE FROM x", "", "900")  # row 5
        + kpi_row(
            "CS_AHT", "mean", "http", "warehouse", "up", "https://prom:9090"
        )  # row 6: a database as a token
        + kpi_row("CS_CHAT_WAIT", "mean", "http", "", "up", "http://prom:9090")  # row 7: fine without a token
    )
    before = fingerprint(demo_url)
    with pytest.raises(ImportRejected) as refused:
        importing.run(engine.create(demo_url), "kpis", body.encode(), "kpis.csv", as_admin())
    found = {(p.row, p.field, p.key) for p in refused.value.problems}
    assert found >= {
        (2, "source_kind", "not_one_of"),
        (3, "source_kind", "source_survey_kpi"),
        (4, "source_connection", "required"),
        (5, "source_query", "source.not_select"),
        (5, "source_timeout", "bad_timeout"),
        (6, "source_connection", "source_connection_as_token"),
    }, found
    assert not [p for p in refused.value.problems if p.row == 7]
    assert all(p.file == "kpis.csv" for p in refused.value.problems)
    assert fingerprint(demo_url) == before


def test_kpis_export_carries_sources_and_reimports_unchanged(demo_url, tmp_path):
    define(demo_url, figures(tmp_path))
    with engine.reading(engine.create(demo_url)) as conn:
        exported = importing.export(conn, "kpis")
    header = exported.decode("utf-8-sig").splitlines()[0]
    assert header.endswith("source_kind,source_connection,source_query,source_url,source_timeout")
    assert "read_csv" in exported.decode("utf-8-sig")
    before = fingerprint(demo_url)
    summary = importing.run(engine.create(demo_url), "kpis", exported, "kpis.csv", as_admin())
    assert summary.counts.get("inserted", 0) == summary.counts.get("updated", 0) == 0
    assert summary.sources == {"unchanged": 1}
    assert fingerprint(demo_url) == before


def test_a_kpis_file_without_source_columns_leaves_sources_alone(demo_url, tmp_path):
    define(demo_url, figures(tmp_path))
    sources = stored_sources(demo_url)
    body = "code,name,department,unit,direction,aggregation\nCS_WAIT,Wait,CS,s,lower,mean\n"
    summary = importing.run(engine.create(demo_url), "kpis", body.encode(), "kpis.csv", as_admin())
    assert summary.sources == {} and summary.counts == {"updated": 1}
    assert stored_sources(demo_url) == sources


def test_every_source_kind_has_a_name_in_every_language():
    """The form offers every `SourceKind` (a kind added later appears by itself): each needs words."""
    from kpi.domain.sources import SourceKind
    from kpi.text import i18n

    missing = [
        (language, str(kind))
        for language in i18n.languages()
        for kind in SourceKind
        if f"source_form.kind_{kind}" not in i18n.catalogue(language)
    ]
    assert missing == []


def test_a_priority_counted_over_calls_is_named_by_its_promise_with_its_share_in_percent():
    """The Pull table's line for a service priority (SP1) says its promise, as typed, and the
    share of calls that kept it in %, as a KPI's line says its name and value with its unit."""
    from kpi.store.pulling import Line
    from kpi.ui.views import sources_view

    promise = "Invoice callers wait at most 90 s [link](http://x)"
    assert sources_view._named("SP1", {}, {"SP1": promise}) == f"SP1 — {promise}"
    assert sources_view._named("XX", {}, {}) == "XX"
    line = Line("SP1", "pull:calls:calls.parquet", "unchanged", 74.46, 74.46)
    assert sources_view._outcome(line, "%") == "74.5\xa0% (unchanged)"
