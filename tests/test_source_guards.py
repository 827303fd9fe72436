"""Guards around KPI sources in the store, on DuckDB and PostgreSQL.

- A recipe source's event files (a glob, which may walk a large folder) are looked up before the
  store is taken for writing, whichever door the source comes through (a definitions file, a KPIs
  file's `source_*` columns, the KPI editor's source form): the writing transaction only writes.
- A KPI edit that breaks the KPI's stored source (a unit its recipe does not give, a survey kind)
  is refused by the KPI editor and a KPIs file alike, naming the source, with the hint to remove
  or change the source first; nothing is written. (The pull refuses such a source too, named.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi.domain import sources
from kpi.domain.sources import Source, SourceKind
from kpi.domain.validate import Rejected
from kpi.files.tables import ImportRejected
from kpi.sources import recipe_source
from kpi.store import definitions, engine, importing, sourcing
from kpi.store import schema as s
from kpi.text import i18n, words
from tests.conftest import as_admin
from tests.sharing import fingerprint
from tests.test_definitions import _kpi_form
from tests.test_edits import ADMIN
from tests.test_sources_ui import fill, press, source_form, stored_sources

RECIPE = "service_level(within_s=20)"
RECIPE_SOURCE = Source("CS_SL", SourceKind.RECIPE, RECIPE, url="calls/*.csv")
FILES_SOURCE = Source("CS_SL", SourceKind.FILES, "SELECT month, value FROM read_csv('sl.csv')")


def _calls(folder: Path) -> Path:
    """A call record file (one answered call): the recipe's check needs it to be there."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "calls-2026-11.csv"
    lines = ["queue,offered_at,answered_at,abandoned_at", "invoice,2026-11-02 09:00:00,2026-11-02 09:00:10,"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Looks:
    """Each look on the file system for event files, and whether the store was held for writing
    then; `meanwhile` is run as the writer is asked for (another administrator's change)."""

    def __init__(self) -> None:
        self.holding = 0
        self.looks: list[tuple[str, bool]] = []
        self.meanwhile: list[str] = []


@pytest.fixture
def looks(monkeypatch) -> Looks:
    seen, writing, found = Looks(), engine.writing, recipe_source.found

    @contextmanager
    def watched(store: sa.Engine, wait: float | None = None, *, bump: bool = True) -> Iterator[sa.Connection]:
        for name in seen.meanwhile:  # a KPI renamed in between: the import checks again, holding it
            with writing(store) as other:
                other.execute(sa.update(s.kpi).where(s.kpi.c.code == "CS_SL").values(name=name))
        seen.meanwhile.clear()
        with writing(store, wait, bump=bump) as conn:
            seen.holding += 1
            try:
                yield conn
            finally:
                seen.holding -= 1

    def looked(pattern: str) -> bool:
        seen.looks.append((pattern, seen.holding > 0))
        return found(pattern)

    monkeypatch.setattr(engine, "writing", watched)
    monkeypatch.setattr(recipe_source, "found", looked)
    return seen


def test_a_definitions_file_looks_for_event_files_before_it_takes_the_store(demo_url, tmp_path, looks):
    calls = _calls(tmp_path / "calls")
    pattern = (tmp_path / "calls" / "calls-*.csv").as_posix()
    text = f'[[source]]\nkpi = "CS_SL"\nkind = "recipe"\nurl = "{pattern}"\nquery = "{RECIPE}"\n'
    counts = sourcing.load(engine.create(demo_url), text.encode(), "sources.toml", as_admin())
    assert counts["inserted"] + counts["updated"] == 1 and calls.is_file()
    assert looks.looks == [(pattern, False)]  # looked up once, and not while the store was held


def test_a_kpis_file_checked_again_in_the_writer_looks_for_no_files_there(demo_url, tmp_path, looks):
    """The store changed between the check and the write (CS_SL renamed meanwhile), so the file is
    checked again holding the store: with the answers looked up before, not a second glob."""
    _calls(tmp_path / "calls")
    pattern = (tmp_path / "calls" / "*.csv").as_posix()
    header = "code,name,department,unit,direction,aggregation,source_kind,source_query,source_url\n"
    body = f'{header}CS_SL,Service level,CS,%,higher,mean,recipe,"{RECIPE}",{pattern}\n'
    looks.meanwhile.append("Service level (renamed meanwhile)")
    summary = importing.run(engine.create(demo_url), "kpis", body.encode(), "kpis.csv", as_admin())
    assert summary.sources in ({"inserted": 1}, {"updated": 1})
    assert looks.looks and not any(held for _, held in looks.looks), looks.looks
    assert stored_sources(demo_url)["CS_SL"][3] == pattern


def test_a_kpis_file_naming_missing_event_files_is_refused_named(demo_url, tmp_path, looks):
    missing = (tmp_path / "nowhere" / "*.csv").as_posix()
    header = "code,name,department,unit,direction,aggregation,source_kind,source_query,source_url\n"
    body = f'{header}CS_SL,Service level,CS,%,higher,mean,recipe,"{RECIPE}",{missing}\n'
    before = stored_sources(demo_url)
    with pytest.raises(ImportRejected) as refused:
        importing.run(engine.create(demo_url), "kpis", body.encode(), "kpis.csv", as_admin())
    [problem] = refused.value.problems
    assert (problem.row, problem.field, problem.key) == (2, "source_url", "no_files")
    assert stored_sources(demo_url) == before and looks.looks == [(missing, False)]


def test_the_source_form_looks_for_event_files_before_it_takes_the_store(app, app_url, tmp_path, looks):
    _calls(tmp_path / "calls")
    pattern = (tmp_path / "calls" / "*.csv").as_posix()
    at = source_form(app, "CS_SL")
    fill(at, "CS_SL", kind="recipe", url=pattern, query=RECIPE)
    press(at, "Save", "CS_SL")
    assert not at.error, [e.value for e in at.error]
    assert stored_sources(app_url)["CS_SL"][:4] == ("recipe", None, RECIPE, pattern)
    assert looks.looks and not any(held for _, held in looks.looks), looks.looks


# --- a KPI edit that breaks its stored source -------------------------------------------------


@pytest.mark.parametrize(
    "source, row, expected",
    [
        (RECIPE_SOURCE, {"unit": "%", "aggregation": "mean"}, []),
        (RECIPE_SOURCE, {"unit": "s", "aggregation": "mean"}, [("unit", "source_kpi_unit")]),
        (
            RECIPE_SOURCE,
            {"unit": "s", "aggregation": "nps"},
            [("aggregation", "source_kpi_survey"), ("unit", "source_kpi_unit")],
        ),
        (FILES_SOURCE, {"unit": "s", "aggregation": "sum"}, []),  # what a query yields is the pull's to check
        (FILES_SOURCE, {"unit": "%", "aggregation": "csat"}, [("aggregation", "source_kpi_survey")]),
        (
            FILES_SOURCE,
            {"unit": None, "aggregation": "mean"},
            [],
        ),  # an unreadable unit: the row's check says so
        (RECIPE_SOURCE, {"unit": "s", "aggregation": "often"}, []),
    ],
)
def test_an_edit_is_checked_against_the_kpis_stored_source(source, row, expected):
    found = sources.unfit_edit(source, row)
    assert [(p.field, p.key) for p in found] == expected
    assert all(dict(p.params)["source"] == source.label and dict(p.params)["kpi"] == "CS_SL" for p in found)


def _with_recipe_source(url: str, folder: Path) -> str:
    """CS_SL (a share in %) given a service-level recipe source over a call file; its label."""
    calls = _calls(folder)
    text = f'[[source]]\nkpi = "CS_SL"\nkind = "recipe"\nurl = "{calls.as_posix()}"\nquery = "{RECIPE}"\n'
    sourcing.load(engine.create(url), text.encode(), "sources.toml", as_admin())
    return "pull:recipe:service_level"


def _without_values(url: str, code: str) -> None:
    """The KPI's monthly values gone: a KPI with values keeps its unit whatever its source says
    (`checks._unit_kept`), and these tests are about what the source says."""
    with engine.writing(engine.create(url)) as conn:
        conn.execute(sa.delete(s.measurement).where(s.measurement.c.kpi == code))


def test_the_kpi_editor_refuses_a_unit_its_recipe_source_does_not_give(demo_url, tmp_path):
    _without_values(demo_url, "CS_SL")
    label = _with_recipe_source(demo_url, tmp_path / "calls")
    before, form = fingerprint(demo_url), _kpi_form(demo_url, "CS_SL")
    with pytest.raises(Rejected) as refused, engine.writing(engine.create(demo_url)) as conn:
        definitions.save_kpi(conn, ADMIN, {**form, "unit": "s"}, is_new=False)
    [problem] = refused.value.problems
    assert (problem.field, problem.key) == ("unit", "source_kpi_unit")
    said = words.problem(problem)
    assert label in said and "service_level gives a value in %, not in s" in said, said
    assert "remove or change the source first" in said, said
    with i18n.use("da"):
        assert "fjern eller ret kilden først" in words.problem(problem)
    assert fingerprint(demo_url) == before
    with engine.writing(engine.create(demo_url)) as conn:  # the same form, the unit kept: saved
        assert (
            definitions.save_kpi(conn, ADMIN, {**form, "name": "Service level (20 s)"}, is_new=False)
            == "updated"
        )


def test_the_kpi_editor_refuses_a_survey_kind_for_a_kpi_with_a_source(demo_url, tmp_path):
    path = tmp_path / "wait.csv"
    path.write_text("month,value\n2026-10,40\n", encoding="utf-8")
    text = f'[[source]]\nkpi = "CS_WAIT"\nkind = "files"\nquery = "SELECT month, value FROM read_csv(\'{path.as_posix()}\')"\n'
    sourcing.load(engine.create(demo_url), text.encode(), "sources.toml", as_admin())
    before, form = fingerprint(demo_url), _kpi_form(demo_url, "CS_WAIT")
    with pytest.raises(Rejected) as refused, engine.writing(engine.create(demo_url)) as conn:
        definitions.save_kpi(conn, ADMIN, {**form, "unit": "%", "aggregation": "csat"}, is_new=False)
    found = {(p.field, p.key) for p in refused.value.problems}
    assert ("aggregation", "source_kpi_survey") in found, found
    assert fingerprint(demo_url) == before


def test_a_kpis_file_refuses_an_edit_that_breaks_the_stored_source_and_takes_a_new_one(demo_url, tmp_path):
    """Row by row, as the editor: a row that keeps CS_SL's source but changes its unit to seconds
    is refused (named, with the hint); the same row giving CS_SL a source in seconds lands."""
    _without_values(demo_url, "CS_SL")
    label = _with_recipe_source(demo_url, tmp_path / "calls")
    header = "code,name,department,unit,direction,aggregation,source_kind,source_query,source_url\n"
    kept = f"{header}CS_SL,Service level,CS,s,higher,mean,,,\n"  # its goals aim higher: kept
    before = fingerprint(demo_url)
    with pytest.raises(ImportRejected) as refused:
        importing.run(engine.create(demo_url), "kpis", kept.encode(), "kpis.csv", as_admin())
    [problem] = refused.value.problems
    assert (problem.file, problem.row, problem.field, problem.key) == (
        "kpis.csv",
        2,
        "unit",
        "source_kpi_unit",
    )
    assert label in words.problem(problem) and "remove or change the source first" in words.problem(problem)
    assert fingerprint(demo_url) == before
    pattern = (tmp_path / "calls" / "*.csv").as_posix()
    changed = f'{header}CS_SL,Service level,CS,s,higher,mean,recipe,"mean_wait()",{pattern}\n'
    summary = importing.run(engine.create(demo_url), "kpis", changed.encode(), "kpis.csv", as_admin())
    assert summary.counts == {"updated": 1} and summary.sources == {"updated": 1}


def test_the_kpi_form_on_the_data_page_shows_the_refusal_and_saves_nothing(app, app_url, tmp_path):
    _with_recipe_source(app_url, tmp_path / "calls")
    before = fingerprint(app_url)
    at = source_form(app, "CS_SL")
    at.selectbox(key="data.kpi.CS_SL.unit").set_value("s")
    [button] = [b for b in at.get("form_submit_button") if b.proto.form_id == "data.kpi.CS_SL"]
    button.click().run()
    assert not at.exception, at.exception
    said = " ".join(e.value for e in at.error)  # Markdown, with what a person typed escaped
    read = said.replace("\\", "").replace("\u2060", "")
    assert "CS_SL has a source (pull:recipe:service_level)" in read, said
    assert "remove or change the source first" in read, said
    assert fingerprint(app_url) == before
