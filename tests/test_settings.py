"""Settings: each documented in the README, read once, and a bad value is one plain line."""

import ast
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from kpi import cli, settings
from kpi.domain.errors import BadSetting
from kpi.text import words
from tests.conftest import ROOT

BAD = [
    ("KPI_BUSY_WAIT", "abc", "a number of seconds"),
    ("KPI_BUSY_WAIT", "-1", "0 or more"),
    ("KPI_BUSY_WAIT", "nan", "a number of seconds"),
    ("KPI_LANGUAGE", "fr", "en, da"),
    ("KPI_AUTH_MODE", "ldap", "auto, oidc, header, demo"),
    ("KPI_AUTH_HEADER", "X Email", "a header name"),
    ("KPI_DATABASE_URL", "sqlite:///kpi.db", "duckdb:///"),
    ("KPI_FIRST_MONTH", "0001-01", "from 1900 on"),
    ("KPI_FIRST_MONTH", "2000-13", "YYYY-MM"),
    ("KPI_MONTHS_AHEAD", "1e9", "from 1 to 1200"),
    ("KPI_MONTHS_AHEAD", "0", "from 1 to 1200"),
    ("KPI_SOURCE_FOLDERS", "::", "data:exports:/srv/cx/exports"),
    ("KPI_TIME_ZONE", "Europe/Kopenhagen", "Europe/Copenhagen"),
    ("KPI_TIME_ZONE", "CEST+2", "the IANA name of a time zone"),
    ("KPI_TIME_ZONE", "../../etc/passwd", "the IANA name of a time zone"),
    ("KPI_TIME_ZONE", "localtime", "Europe/Copenhagen"),  # the machine's zone: what it replaces
]


def test_nothing_set_means_the_defaults():
    assert settings.load({}) == settings.Settings(
        database_url="duckdb:///data/kpi.duckdb",
        auth_mode="auto",
        auth_header="X-Forwarded-Email",
        language="en",
        busy_wait=15.0,
        first_month=date(2000, 1, 1),
        months_ahead=24,
        source_folders=("data", "exports"),
        time_zone="UTC",
    )


def test_values_are_read_as_people_write_them():
    loaded = settings.load(
        {"KPI_BUSY_WAIT": " 2.5 ", "KPI_LANGUAGE": "DA", "KPI_AUTH_MODE": "Header", "KPI_DATABASE_URL": ""}
    )
    assert (loaded.busy_wait, loaded.language, loaded.auth_mode) == (2.5, "da", "header")
    assert loaded.database_url == "duckdb:///data/kpi.duckdb"  # empty is unset


@pytest.mark.parametrize("name, value, accepted", BAD)
def test_a_bad_value_is_one_line_naming_the_variable_and_what_it_accepts(name, value, accepted):
    with pytest.raises(BadSetting) as caught:
        settings.load({name: value})
    said = words.said(caught.value)
    assert "\n" not in said and name in said and f"“{value}”" in said and accepted in said, said


def test_every_bad_setting_is_reported_at_once():
    with pytest.raises(BadSetting) as caught:
        settings.load({"KPI_BUSY_WAIT": "soon", "KPI_LANGUAGE": "klingon"})
    assert [p.field for p in caught.value.problems] == ["KPI_LANGUAGE", "KPI_BUSY_WAIT"]


def test_a_time_zone_is_read_by_its_iana_name():
    assert settings.load({"KPI_TIME_ZONE": " Europe/Copenhagen "}).time_zone == "Europe/Copenhagen"


# 23:30 UTC on 31 October 2026 is 00:30 on 1 November in Copenhagen, 19:30 on 31 October in New York
NOW = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
OCT = date(2026, 10, 1)


def _clock(zone):
    """`datetime.now(zone)` at `NOW`, whatever the machine's own zone."""
    assert isinstance(zone, ZoneInfo)
    return NOW.astimezone(zone)


@pytest.mark.parametrize(
    "zone, today",
    [
        ("", date(2026, 10, 31)),  # unset: UTC
        ("Europe/Copenhagen", date(2026, 11, 1)),
        ("America/New_York", date(2026, 10, 31)),
    ],
)
def test_today_is_the_company_s_today_in_its_time_zone(monkeypatch, zone, today):
    settings.forget()
    try:
        monkeypatch.setenv("KPI_TIME_ZONE", zone)
        assert settings.today(_clock) == today
        assert settings.window().first == settings.window(settings.today()).first  # its default day
    finally:
        settings.forget()


class _Clock(datetime):
    """`datetime` whose `now(zone)` is `NOW` there: the machine's clock stopped at `NOW`."""

    @classmethod
    def now(cls, tz=None):
        return NOW.astimezone(tz)


@pytest.mark.parametrize("zone, last_complete", [("UTC", date(2026, 9, 1)), ("Europe/Copenhagen", OCT)])
def test_a_command_s_month_is_the_last_complete_one_in_the_company_s_zone(monkeypatch, zone, last_complete):
    """At 00:30 on 1 November in Copenhagen, October is complete; in UTC it is still 31 October."""
    settings.forget()
    try:
        monkeypatch.setenv("KPI_TIME_ZONE", zone)
        monkeypatch.setattr(settings, "datetime", _Clock)
        assert cli._month(None) == last_complete
    finally:
        settings.forget()


def test_settings_are_read_once(monkeypatch):
    settings.forget()
    try:
        monkeypatch.setenv("KPI_BUSY_WAIT", "3")
        first = settings.current()
        monkeypatch.setenv("KPI_BUSY_WAIT", "4")
        assert settings.current() is first and first.busy_wait == 3
    finally:
        settings.forget()


def _readme_settings() -> dict[str, str]:
    """The Configuration table of README.md: variable → its default column."""
    section = (
        (ROOT / "README.md").read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ")[0]
    )
    rows = [line.split("|")[1:-1] for line in section.splitlines() if line.startswith("| `")]
    return {cells[0].strip().strip("`"): cells[2] for cells in rows}


def test_the_readme_documents_every_setting_with_its_default():
    documented = _readme_settings()
    assert set(documented) == {s.name for s in settings.SETTINGS}
    for setting in settings.SETTINGS:
        assert f"`{setting.default}`" in documented[setting.name], setting.name
        assert setting.help


def _reads_the_environment(path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb"}
    ]


def test_only_the_settings_module_reads_the_environment():
    sources = [*(ROOT / "kpi").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]
    readers = {str(p.relative_to(ROOT)) for p in sources if _reads_the_environment(p)}
    assert readers == {"kpi/settings.py"}


def _cli(*args, **env):
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def test_a_bad_busy_wait_on_the_command_line_is_one_line_and_exit_2():
    result = _cli("status", KPI_BUSY_WAIT="abc")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "KPI_BUSY_WAIT" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_answers_even_with_a_bad_setting():
    result = _cli("--help", KPI_BUSY_WAIT="abc")
    assert result.returncode == 0 and "status" in result.stdout


def test_the_configured_language_is_the_command_line_s_default():
    assert _cli("--help", KPI_LANGUAGE="da").stdout == _cli("--lang", "da", "--help").stdout
    assert _cli("--help", KPI_LANGUAGE="da").stdout != _cli("--help").stdout


def test_a_bad_setting_in_the_app_is_a_message_not_a_traceback(app, monkeypatch):
    monkeypatch.setenv("KPI_AUTH_MODE", "ldap")
    at = app()
    at.run()
    assert not at.exception
    shown = at.error[0].value.replace("\\", "")  # the message is Markdown with what was typed escaped
    assert "KPI_AUTH_MODE is “ldap”" in shown and "auto, oidc, header, demo" in shown
