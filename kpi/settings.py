"""Every setting the product reads from its environment, in one place, read and checked once.

Each `Setting` names its environment variable, its default and what it is for; README.md's
Configuration table documents the same (a test compares them). `current()` reads them all the
first time it is asked and keeps the result: a value that cannot be used is a `BadSetting`
naming the variable and what it accepts, which the app shows as a message and the command
line as one line with exit code 2, never a traceback half-way through a request.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kpi.domain import bounds, months
from kpi.domain.errors import BadSetting, Problem
from kpi.domain.sources import Secret
from kpi.text import i18n

AUTH_MODES = ("auto", "oidc", "header", "demo")
"""`auto`: `oidc` when Streamlit's secrets have an `[auth]` section, else no sign-in at all, and
then the app serves no data (closed by default). `demo` is only ever chosen by name."""
STORE_SCHEMES = ("duckdb:///", "postgresql://", "postgresql+psycopg://")


@dataclass(frozen=True)
class Settings:
    database_url: str
    auth_mode: str
    auth_header: str
    language: str
    busy_wait: float
    """Seconds."""
    first_month: date
    """The earliest month a value, answer, goal or action may be of (kpi.domain.bounds)."""
    months_ahead: int
    """How many months after the current one a month or date may lie."""
    source_folders: tuple[str, ...]
    """The folders files and recipe sources may read (kpi.sources.confine)."""
    time_zone: str
    """The company's time zone (an IANA name): its today, and the months and days sources count in."""
    smtp_host: str = ""
    """The mail server `send` and alerts hand their mail to; empty: no mail is sent."""
    smtp_port: int = 587
    smtp_user: str = ""
    """Who signs in to the mail server (its password is a secret, `smtp_password`); empty: nobody."""
    smtp_from: str = ""
    """The sender of every mail."""
    smtp_starttls: bool = True
    """Whether the connection is encrypted with STARTTLS before anything is sent."""


@dataclass(frozen=True)
class Setting:
    name: str
    """The environment variable."""
    attribute: str
    """Its field in `Settings`; its message when unusable is `setting.<attribute>`."""
    default: str
    help: str
    read: Callable[[str], object]
    """The text → the value; raises ValueError for a text it cannot use."""
    accepted: Callable[[], str] = lambda: ""
    """What the message lists as accepted, where a list says it best."""
    secret: str = ""
    """Its key in the `[smtp]` table of `.streamlit/secrets.toml`, read when the environment
    variable is unset (the mail settings only)."""


def _store_url(text: str) -> str:
    if not text.startswith(STORE_SCHEMES):
        raise ValueError(text)
    return text


def _one_of(allowed: Callable[[], tuple[str, ...]]) -> Callable[[str], str]:
    def read(text: str) -> str:
        if text.lower() not in allowed():
            raise ValueError(text)
        return text.lower()

    return read


def _header(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9-]+", text):
        raise ValueError(text)
    return text


def _seconds(text: str) -> float:
    seconds = float(text)
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(text)
    return seconds


def _month(text: str) -> date:
    month = months.parse(text)
    if month.year < 1900:
        raise ValueError(text)
    return month


SOURCE_FOLDERS = ("data", "exports")
"""Where files and recipe sources may read by default: the store's folder (the demo's events lie
beside it) and `exports/`, both relative to where the app or pull runs."""


def _folders(text: str) -> tuple[str, ...]:
    folders = tuple(part.strip() for part in text.split(os.pathsep) if part.strip())
    if not folders:
        raise ValueError(text)
    return folders


def _months_ahead(text: str) -> int:
    count = int(text)
    if not 1 <= count <= 1200:
        raise ValueError(text)
    return count


def _zone(text: str) -> str:
    """An IANA time zone name (`Europe/Copenhagen`), one the time zone database holds; not
    `localtime`, the machine's own zone, which is what the setting is there to replace."""
    if text.lower() == "localtime":
        raise ValueError(text)
    try:
        return ZoneInfo(text).key
    except (ValueError, ZoneInfoNotFoundError):  # a malformed name, or one the database lacks
        raise ValueError(text) from None


def _port(text: str) -> int:
    port = int(text)
    if not 1 <= port <= 65535:
        raise ValueError(text)
    return port


def _address_or_host(text: str) -> str:
    """A host name or mail address: one word, no spaces or control characters."""
    if any(c.isspace() or not c.isprintable() for c in text) or len(text) > 254:
        raise ValueError(text)
    return text


YES, NO = ("yes", "true", "1", "on", "ja"), ("no", "false", "0", "off", "nej")


def _yes_no(text: str) -> bool:
    if text.lower() not in YES + NO:
        raise ValueError(text)
    return text.lower() in YES


SETTINGS = (
    Setting(
        "KPI_DATABASE_URL",
        "database_url",
        "duckdb:///data/kpi.duckdb",
        "The store: a DuckDB file or a PostgreSQL database, as an SQLAlchemy URL.",
        _store_url,
        lambda: ", ".join(f"{scheme}…" for scheme in STORE_SCHEMES),
    ),
    Setting(
        "KPI_AUTH_MODE",
        "auth_mode",
        "auto",
        "How people sign in: oidc, header, demo, or auto (oidc when an [auth] secret is configured, else nobody: no data is served).",
        _one_of(lambda: AUTH_MODES),
        lambda: ", ".join(AUTH_MODES),
    ),
    Setting(
        "KPI_AUTH_HEADER",
        "auth_header",
        "X-Forwarded-Email",
        "The request header that carries the signed-in e-mail in header mode.",
        _header,
    ),
    Setting(
        "KPI_LANGUAGE",
        "language",
        i18n.FALLBACK,
        "The default language; each person can switch in the sidebar.",
        _one_of(i18n.languages),
        lambda: ", ".join(i18n.languages()),
    ),
    Setting(
        "KPI_BUSY_WAIT",
        "busy_wait",
        "15",
        "Seconds a unit of work waits for a DuckDB file that another process holds.",
        _seconds,
    ),
    Setting(
        "KPI_FIRST_MONTH",
        "first_month",
        months.key(bounds.FIRST_MONTH),
        "The earliest month (YYYY-MM) a value, survey answer, goal or action may be of.",
        _month,
    ),
    Setting(
        "KPI_SOURCE_FOLDERS",
        "source_folders",
        os.pathsep.join(SOURCE_FOLDERS),
        "The folders files and recipe sources may read (separated by :, relative ones from where the app or pull runs); nothing else, no network.",
        _folders,
        lambda: "data:exports:/srv/cx/exports",
    ),
    Setting(
        "KPI_MONTHS_AHEAD",
        "months_ahead",
        str(bounds.MONTHS_AHEAD),
        "How many months after the current one a month or date may lie; more than 12 ahead must be confirmed.",
        _months_ahead,
    ),
    Setting(
        "KPI_TIME_ZONE",
        "time_zone",
        "UTC",
        "The company's time zone (IANA name): its today, when a month's values are late, and the months and days values from events and HTTP sources are counted in.",
        _zone,
        lambda: "UTC, Europe/Copenhagen, America/New_York",
    ),
    Setting(
        "KPI_SMTP_HOST",
        "smtp_host",
        "",
        "The mail server that send and alerts hand their mail to (or host in [smtp] of .streamlit/secrets.toml); empty: no mail is sent.",
        _address_or_host,
        secret="host",
    ),
    Setting(
        "KPI_SMTP_PORT",
        "smtp_port",
        "587",
        "The mail server's port (or port in [smtp]).",
        _port,
        secret="port",
    ),
    Setting(
        "KPI_SMTP_USER",
        "smtp_user",
        "",
        "Who signs in to the mail server (or user in [smtp]); its password is KPI_SMTP_PASSWORD or password in [smtp]; empty: no sign-in.",
        _address_or_host,
        secret="user",
    ),
    Setting(
        "KPI_SMTP_FROM",
        "smtp_from",
        "",
        "The sender of every mail (or from in [smtp]); needed to send.",
        _address_or_host,
        secret="from",
    ),
    Setting(
        "KPI_SMTP_STARTTLS",
        "smtp_starttls",
        "yes",
        "Whether mail is encrypted with STARTTLS before it is sent (or starttls in [smtp]): yes or no.",
        _yes_no,
        lambda: "yes, no",
        secret="starttls",
    ),
)


def today(clock: Callable[[tzinfo], datetime] | None = None) -> date:
    """The company's today: the date now in `KPI_TIME_ZONE`, whatever the machine's own zone.
    Each "today" that is the company's (the last complete month, late values, a retirement's
    date) is this one; `clock` (the zone → now there) is `datetime.now` but in tests."""
    return (clock or datetime.now)(ZoneInfo(current().time_zone)).date()


def window(on: date | None = None, *, confirmed: bool = False) -> bounds.Window:
    """The months a month or date may lie in, by the settings, around the day `on` (default:
    the company's today)."""
    chosen = current()
    return bounds.Window.around(on or today(), chosen.first_month, chosen.months_ahead, confirmed=confirmed)


def load(environ: Mapping[str, str], smtp: Mapping[str, object] | None = None) -> Settings:
    """The settings in `environ` (an unset or empty variable takes its default, or for a mail
    setting its key in `smtp`, the secrets file's `[smtp]` table); every unusable value is one
    problem of the `BadSetting` raised."""
    values: dict[str, object] = {}
    problems = []
    for setting in SETTINGS:
        kept = (smtp or {}).get(setting.secret) if setting.secret else None
        text = environ.get(setting.name, "").strip() or str(kept if kept is not None else "").strip()
        text = text or setting.default
        if not text and not setting.default:  # an empty mail setting is unset: nothing to check
            values[setting.attribute] = ""
            continue
        try:
            values[setting.attribute] = setting.read(text)
        except ValueError:
            params = (("value", text), ("accepted", setting.accepted()))
            problems.append(Problem(f"setting.{setting.attribute}", setting.name, params))
    if problems:
        raise BadSetting(problems)
    return Settings(**values)  # type: ignore[arg-type]


@cache
def current() -> Settings:
    """The process's settings, read from its environment (and the secrets file's `[smtp]` table)
    the first time they are needed."""
    return load(os.environ, _secrets_table("smtp"))


def as_now() -> Settings:
    """The settings in the environment as it is now, not kept (`current` reads them once, for the
    process's life): for what is decided before Streamlit has copied the secrets file's top-level
    entries into the environment (kpi.ui.startup, the store's driver)."""
    return load(os.environ)


def forget() -> None:
    """Read the environment again next time (tests that change it)."""
    current.cache_clear()


SECRETS = Path(".streamlit/secrets.toml")
"""Where Streamlit keeps secrets: a source's secret may also be `name = "…"` in its table there."""


def source_secret(
    secret: Secret, name: str, environ: Mapping[str, str] | None = None, secrets: Path = SECRETS
) -> str | None:
    """The secret a source's connection names, looked up where its kind is kept
    (kpi.domain.sources.Secret: a database's URL in `KPI_SOURCE_<NAME>` or `[sources]`, a bearer
    token in `KPI_TOKEN_<NAME>` or `[tokens]`): the environment variable first, else the table in
    the secrets file; None when neither has it. Read when a source runs (and when one is
    defined, to say a token is missing), never stored: the store holds the name only."""
    environ = os.environ if environ is None else environ
    found = environ.get(secret.variable(name), "").strip()
    if found:
        return found
    try:
        with secrets.open("rb") as file:
            table = tomllib.load(file).get(secret.table, {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    value = table.get(name) if isinstance(table, dict) else None
    return value.strip() or None if isinstance(value, str) else None


def _secrets_table(name: str, secrets: Path = SECRETS) -> dict[str, object]:
    """A table of the secrets file; empty when the file or the table is missing or unreadable."""
    try:
        with secrets.open("rb") as file:
            table = tomllib.load(file).get(name, {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return table if isinstance(table, dict) else {}


def smtp_password(environ: Mapping[str, str] | None = None, secrets: Path = SECRETS) -> str | None:
    """The mail server's password: `KPI_SMTP_PASSWORD`, else `password` in `[smtp]` of the
    secrets file; None when neither has it. Read when mail is sent, never kept or shown."""
    environ = os.environ if environ is None else environ
    found = environ.get("KPI_SMTP_PASSWORD", "").strip()
    kept = _secrets_table("smtp", secrets).get("password")
    return found or (kept.strip() if isinstance(kept, str) else "") or None


def webhook_url(name: str, environ: Mapping[str, str] | None = None, secrets: Path = SECRETS) -> str | None:
    """The incoming webhook named `name` (a department's code: that department's alerts go to
    it): `KPI_WEBHOOK_<NAME>`, else `NAME = "…"` in `[webhooks]` of the secrets file; None when
    neither has it. A webhook's URL is a secret (whoever has it may post to the channel)."""
    environ = os.environ if environ is None else environ
    found = environ.get(f"KPI_WEBHOOK_{name.upper()}", "").strip()
    table = _secrets_table("webhooks", secrets)
    kept = next((v for k, v in table.items() if k.upper() == name.upper() and isinstance(v, str)), "")
    return found or kept.strip() or None


def has_secret(secret: Secret, name: str) -> bool:
    """Whether `source_secret` finds `name` (the check of a source's fields asks)."""
    return source_secret(secret, name) is not None
