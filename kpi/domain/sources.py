"""Where a KPI's monthly values come from when nobody types them in: its source.

Pure. A `Source` says how to ask for a KPI's values (a read-only SQL query against a database
named by its connection, a query over files DuckDB reads, an HTTP endpoint in Prometheus's
`query_range` shape, or a recipe computing a CX measure from raw event files), never a
credential: a connection is a name, resolved where it runs (kpi.settings). `check` says everything wrong with a source's fields before it is stored, the
same whether it comes from a definitions file or, later, a form; `pulled` says everything wrong
with what a source returned before any of it is written.

Rules decided once:
- One source per KPI, and never for a survey KPI (its values come from its answers).
- A connection names a secret kept where its kind's are (`Secret`): a database's URL for `sql`,
  a bearer token for `http`, never the one for the other. A token goes over https, or plain
  http to this machine only (`LOOPBACK`).
- A timeout between `MIN_TIMEOUT` and `MAX_TIMEOUT` seconds (`DEFAULT_TIMEOUT` when empty): a
  source that hangs must never hold a pull (or the store) for long.
- What a source returns: rows of a month and a value, and optionally a numerator and a
  denominator. A month appears at most once. A value is a number within the KPI's unit and the
  cockpit's bounds. Where a numerator and denominator are given, the denominator is more than
  zero, and the value, when also given, is their ratio on the KPI's scale (`ratios.scale_of`);
  without a value, the ratio is the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from urllib.parse import urlsplit

from kpi.domain import bounds, months, ratios, recipe_query, validate
from kpi.domain.checks import Fields, Known, _known, _one_of, _reachable, _required
from kpi.domain.errors import Problem
from kpi.domain.model import Aggregation


class Secret(StrEnum):
    """What a source's connection names, each kind in a place of its own: a database's URL (its
    password in it) is never read where a bearer token is, so an http source can never send it to
    the server its URL names. The one home of the naming rule (kpi.settings reads by it)."""

    CONNECTION = "connection"
    """A database's SQLAlchemy URL: `KPI_SOURCE_<NAME>`, or `name = "…"` under `[sources]`."""
    TOKEN = "token"
    """A bearer token for http sources: `KPI_TOKEN_<NAME>`, or `name = "…"` under `[tokens]`."""

    def variable(self, name: str) -> str:
        """The environment variable that holds the secret `name`: `KPI_TOKEN_PROMETHEUS`."""
        prefix = "KPI_SOURCE_" if self is Secret.CONNECTION else "KPI_TOKEN_"
        return prefix + name.upper()

    @property
    def table(self) -> str:
        """The table of `.streamlit/secrets.toml` that holds it by name."""
        return "sources" if self is Secret.CONNECTION else "tokens"


class SourceKind(StrEnum):
    SQL = "sql"
    """A SELECT against an external database (any SQLAlchemy URL), named by its connection."""
    FILES = "files"
    """A SELECT over CSV, Parquet or JSON files that DuckDB reads (`read_csv('data/*.csv')`)."""
    HTTP = "http"
    """A PromQL query against a Prometheus-compatible `query_range` endpoint."""
    RECIPE = "recipe"
    """A CX measure computed from raw event files by a recipe (kpi.domain.recipe_query): the
    query names the recipe and its choices, the URL the event files."""

    @property
    def needs_connection(self) -> bool:
        return self is SourceKind.SQL

    @property
    def secret(self) -> Secret | None:
        """What its connection names, if it may have one."""
        return {SourceKind.SQL: Secret.CONNECTION, SourceKind.HTTP: Secret.TOKEN}.get(self)

    @property
    def is_select(self) -> bool:
        """Whether its query is SQL, checked to be one SELECT before it runs."""
        return self in (SourceKind.SQL, SourceKind.FILES)


MIN_TIMEOUT, MAX_TIMEOUT, DEFAULT_TIMEOUT = 1.0, 600.0, 30.0
"""Seconds a source may take, and what it gets when none is given."""
CONNECTION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
"""A connection's name, the name of its secret (`Secret.variable`, `Secret.table`)."""
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
"""The hosts a bearer token may be sent to over plain http: this machine only."""
QUERY_LIMIT = 20_000
"""The most characters a query may hold."""
SOURCE_FIELDS = ("kpi", "kind", "connection", "query", "url", "timeout")


@dataclass(frozen=True)
class Source:
    """A KPI's source as stored (table `kpi_source`)."""

    kpi: str
    kind: SourceKind
    query: str
    """SQL for `sql` and `files`, PromQL for `http`, `recipe(choice=value, …)` for `recipe`."""
    connection: str | None = None
    """The name of its secret (`kind.secret`): `sql`'s connection, `http`'s optional bearer token."""
    url: str | None = None
    """`http`: the Prometheus server, such as `http://prometheus:9090`; `recipe`: the event
    files, a path or a glob (several separated by `;`), relative ones read from the folder the
    command runs in."""
    timeout: float = DEFAULT_TIMEOUT

    @property
    def label(self) -> str:
        """How a pull names the source in `measurement.source`: `pull:sql:warehouse`."""
        where = self.connection if self.kind is SourceKind.SQL else self.url or ""
        if self.kind is SourceKind.RECIPE:  # the recipe's name: its files are in the audit's row
            where = self.query.split("(", 1)[0].strip()
        return f"pull:{self.kind}:{where}" if where else f"pull:{self.kind}"


Found = Callable[[str], bool]
"""Whether a path or glob names at least one file (kpi.sources.recipe_source.found)."""
Defined = Callable[[Secret, str], bool]
"""Whether a secret of that kind is set under that name (kpi.settings.has_secret)."""


def check(
    fields: Fields, known: Known, *, found: Found | None = None, defined: Defined | None = None
) -> list[Problem]:
    """Everything wrong with a source's fields: what is missing, an unknown or survey KPI, a kind
    the cockpit does not run, a connection name that cannot be an environment variable, an URL
    that is not http(s), a bearer token for plain http to another machine, a timeout out of
    bounds; for a recipe, its query's problems, a unit other than the KPI's and (given `found`)
    event files that are not there; (given `defined`) an http source's token that is not set as
    a token. A field that is not text where text belongs (a list or number in a definitions
    file) is said so, and the other fields are checked without it (`kind = 5` hid a bad timeout
    and connection name: every problem at once)."""
    typed = [
        Problem("source_not_text", name, (("value", _shown(fields[name])),))
        for name in TEXT_FIELDS
        if fields.get(name) is not None and not isinstance(fields[name], str)
    ]
    untyped = {p.field for p in typed}
    rest = {name: value for name, value in fields.items() if name not in untyped}
    return typed + [p for p in _checked(rest, known, found, defined) if p.field not in untyped]


def _checked(fields: Fields, known: Known, found: Found | None, defined: Defined | None) -> list[Problem]:
    """`check` of fields that are text where text belongs."""
    problems = _required(fields, ("kpi", "kind")) + _known(fields, "kpi", known.kpis)
    kpi = known.kpis.get(str(fields.get("kpi")))
    if kpi is not None and kpi.aggregation.is_survey:
        problems.append(_survey(str(fields["kpi"])))
    problems += _one_of(fields, "kind", [str(k) for k in SourceKind])
    kind = SourceKind(str(fields["kind"])) if str(fields.get("kind")) in set(SourceKind) else None
    problems += _required(fields, ("query",)) if kind is not None else []
    query = fields.get("query")
    if isinstance(query, str) and len(query) > QUERY_LIMIT:
        problems.append(Problem("too_long", "query", (("length", len(query)), ("limit", QUERY_LIMIT))))
    problems += _connection(fields, kind, defined)
    problems += _url(fields, kind)
    if kind is SourceKind.RECIPE:
        problems += _recipe(fields, known, found)
    return problems + _timeout(fields) + bounds.text_problems({"kpi": fields.get("kpi")})


TEXT_FIELDS = ("kpi", "kind", "connection", "query", "url")
"""The fields of a source that are text (the timeout is a number)."""


def _shown(value: object) -> str:
    """A value that is not text, as a problem shows it (its start only)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _connection(fields: Fields, kind: SourceKind | None, defined: Defined | None) -> list[Problem]:
    connection = fields.get("connection")
    if kind is not None and kind.needs_connection and _empty(connection):
        return [Problem("required", "connection")]
    if _empty(connection):
        return []
    if kind in (SourceKind.FILES, SourceKind.RECIPE):
        return [Problem("source_no_connection", "connection")]
    if not isinstance(connection, str) or not CONNECTION_NAME.fullmatch(connection):
        return [Problem("bad_connection", "connection", (("value", connection),))]
    token = Secret.TOKEN
    if kind is SourceKind.HTTP and defined is not None and not defined(token, connection):
        # a database's name is said as such: the fix is to set a token, never to reuse its URL
        key = "source_connection_as_token" if defined(Secret.CONNECTION, connection) else "source_no_token"
        params = (("name", connection), ("variable", token.variable(connection)), ("table", token.table))
        return [Problem(key, "connection", params)]
    return []


def travels_safely(url: str) -> bool:
    """Whether what is sent to `url` is read by no one on the way: https to a named host, or
    plain http to this machine (`LOOPBACK`). A source's token and a department's webhook alike."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return bool(parts.hostname)
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK


def bearer_problem(url: str, connection: str | None) -> Problem | None:
    """A bearer token asked to go over plain http to another machine, where anyone on the way
    reads it: refused (`travels_safely`)."""
    if connection is None or not connection.strip():
        return None
    parts = urlsplit(url)
    if parts.scheme != "http" or travels_safely(url):
        return None
    return Problem("source_token_plain_http", "url", (("host", parts.hostname or url),))


def _url(fields: Fields, kind: SourceKind | None) -> list[Problem]:
    url = fields.get("url")  # no user:password@ in it: the URL is stored, and shown as the source
    if kind is SourceKind.HTTP:
        if _empty(url):
            return [Problem("required", "url")]
        if not isinstance(url, str) or not re.fullmatch(r"https?://[^\s/?#@]+(/[^\s?#]*)?", url):
            return [Problem("bad_url", "url", (("value", url),))]
        connection = fields.get("connection")
        found = bearer_problem(url, connection if isinstance(connection, str) else None)
        return [found] if found is not None else []
    if kind is SourceKind.RECIPE:
        return [Problem("required", "url")] if _empty(url) else []
    return [] if _empty(url) else [Problem("source_no_url", "url")]


def _recipe(fields: Fields, known: Known, found: Found | None) -> list[Problem]:
    """A recipe query's problems, a unit other than the KPI's, files that are not there."""
    query, url = fields.get("query"), fields.get("url")
    if not isinstance(query, str) or not query.strip() or len(query) > QUERY_LIMIT:
        return []
    parsed, problems = recipe_query.parse(query)
    kpi = known.kpis.get(str(fields.get("kpi")))
    if parsed is not None and kpi is not None and kpi.unit != parsed.unit:
        problems.append(_unit(parsed, str(fields["kpi"]), kpi.unit))
    if found is None:
        return problems
    wanted = _named(url, parsed)
    return problems + [Problem("no_files", field, (("value", p),)) for field, p in wanted if not found(p)]


def _survey(kpi: str) -> Problem:
    """A survey KPI's values come from its answers: it has no source."""
    return Problem("source_survey_kpi", "kpi", (("kpi", kpi),))


def _unit(parsed: recipe_query.RecipeQuery, kpi: str, unit: str) -> Problem:
    """A recipe gives its value in its own unit: the KPI's must be the same."""
    return Problem(
        "recipe_unit",
        "query",
        (("recipe", parsed.recipe), ("gives", parsed.unit), ("kpi", kpi), ("unit", unit)),
    )


EDIT_BREAKS = {
    "source_survey_kpi": ("aggregation", "source_kpi_survey"),
    "recipe_unit": ("unit", "source_kpi_unit"),
}
"""What `check` asks of a source's KPI (`_survey`, `_unit`), said where the KPI is edited: the
KPI's field an edit changes, and the problem that names the source and says to change it first."""


def unfit_edit(source: Source, row: Fields) -> list[Problem]:
    """What a KPI as an edit would store it (`row`: its `unit` and `aggregation`, from the KPI
    editor or a KPIs file) breaks in its stored `source`, by the rules `check` holds a source's
    KPI to (a survey KPI has no source; a recipe gives the KPI's unit): each said as the field the
    edit changes, naming the source, with the hint to remove or change the source first. Nothing
    when the row's unit or aggregation cannot be read (its own check says so)."""
    unit, aggregation = row.get("unit"), row.get("aggregation")
    if not isinstance(unit, str) or str(aggregation) not in set(Aggregation):
        return []
    found = [_survey(source.kpi)] if Aggregation(str(aggregation)).is_survey else []
    parsed, _ = recipe_query.parse(source.query) if source.kind is SourceKind.RECIPE else (None, [])
    if parsed is not None and parsed.unit != unit:
        found.append(_unit(parsed, source.kpi, unit))
    named = (("source", source.label),)  # the problem's own params name the KPI
    return [Problem(EDIT_BREAKS[p.key][1], EDIT_BREAKS[p.key][0], named + p.params) for p in found]


def named_files(fields: Fields) -> list[tuple[str, str]]:
    """The event files a recipe source's fields name, as `(field, path or glob)`: its URL's and
    its file choices' (none for another kind, or a query that cannot be read). All `check` needs
    of the file system: a caller looks these up before it takes the store for writing
    (kpi.sources.recipe_source.looked_up), so a glob never walks a folder while the store waits."""
    query = fields.get("query")
    if fields.get("kind") != SourceKind.RECIPE or not isinstance(query, str):
        return []
    if not query.strip() or len(query) > QUERY_LIMIT:  # as `check` reads it: no files asked for
        return []
    parsed, _ = recipe_query.parse(query)
    return _named(fields.get("url"), parsed)


def _named(url: object, parsed: recipe_query.RecipeQuery | None) -> list[tuple[str, str]]:
    wanted = [("url", p) for p in recipe_query.files(url)] if isinstance(url, str) else []
    for name, value in parsed.choices if parsed is not None else ():
        if name in RECIPE_FILES and isinstance(value, str):
            wanted += [("query", p) for p in recipe_query.files(value)]
    return wanted


RECIPE_FILES = frozenset(
    name
    for recipe in recipe_query.RECIPES.values()
    for name, expects in recipe.choices.items()
    if expects is recipe_query.Expects.FILES
)
"""The choices that name files (checked to be there like the source's own)."""


def _timeout(fields: Fields) -> list[Problem]:
    timeout = fields.get("timeout")
    if timeout is None:
        return []
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        return [Problem("not_a_number", "timeout", (("value", timeout),))]
    if not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT:
        return [Problem("bad_timeout", "timeout", (("low", MIN_TIMEOUT), ("high", MAX_TIMEOUT)))]
    return []


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def fields(source: Source) -> dict[str, object]:
    """A stored source as the fields `check` reads (to check it again before it runs)."""
    return {
        "kpi": source.kpi,
        "kind": str(source.kind),
        "connection": source.connection,
        "query": source.query,
        "url": source.url,
        "timeout": source.timeout,
    }


def record(fields: Fields) -> Source:
    """The `Source` of fields `check` found nothing wrong with."""
    text = {name: fields.get(name) for name in ("connection", "url")}
    timeout = fields.get("timeout")
    return Source(
        kpi=str(fields["kpi"]),
        kind=SourceKind(str(fields["kind"])),
        query=str(fields["query"]).strip(),
        connection=str(text["connection"]).strip() if not _empty(text["connection"]) else None,
        url=str(text["url"]).strip().rstrip("/") if not _empty(text["url"]) else None,
        timeout=float(timeout) if isinstance(timeout, int | float) else DEFAULT_TIMEOUT,
    )


# --- what a source returned --------------------------------------------------------------------


@dataclass(frozen=True)
class Pulled:
    """One month's value as a source returned it, checked."""

    month: date
    value: float
    numerator: float | None = None
    denominator: float | None = None


RESULT_COLUMNS = ("month", "value", "numerator", "denominator")
EXCERPT = 20
"""The most characters of a returned value a problem shows: enough to recognise it, too few to
carry a database's contents (or a secret a query got hold of) out in a message."""


class ValueKind(StrEnum):
    """What a returned value that is not a number is, as a problem says it (`value_kind.<kind>`)."""

    TEXT = "text"
    DATE = "date"
    BOOLEAN = "boolean"
    OTHER = "other"

    @classmethod
    def of(cls, value: object) -> ValueKind:
        if isinstance(value, bool):
            return cls.BOOLEAN
        if isinstance(value, str):
            return cls.TEXT
        return cls.DATE if isinstance(value, date | datetime) else cls.OTHER


def excerpt(text: object, limit: int = EXCERPT) -> str:
    """`text` as a problem may show what a source or a server said: one line, its first `limit`
    characters and an ellipsis when there was more."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[:limit].rstrip() + "…"


def pulled(rows: Sequence[Mapping[str, object]], unit: str) -> tuple[list[Pulled], list[Problem]]:
    """What a source returned (rows with `RESULT_COLUMNS`, `value` optional where a numerator and
    a denominator are given) as checked months, and every problem: a month that is not one or
    appears twice, text for a number, a value the unit cannot reach, an inconsistent ratio. Every
    row is checked, whichever month it is of; whether the month asked for lies in the cockpit's
    window is the measurement's check. A problem's `row` is the result's row, counted from 1."""
    found: list[Pulled] = []
    problems: list[Problem] = []
    first_row: dict[date, int] = {}
    for number, row in enumerate(rows, start=1):
        row_problems: list[Problem] = []
        month = _month(row.get("month"), row_problems)
        numbers = {name: _number(row.get(name), name, row_problems) for name in RESULT_COLUMNS[1:]}
        if month is not None:
            if month in first_row:
                params = (("month", months.key(month)), ("first", first_row[month]))
                row_problems.append(Problem("source_month_twice", "month", params))
            first_row.setdefault(month, number)
        value = _ratio(numbers, unit, row_problems)
        if value is not None:
            row_problems += _reachable({"value": value}, "value", unit)
        if not row_problems and month is not None and value is not None:
            found.append(Pulled(month, value, numbers["numerator"], numbers["denominator"]))
        problems += [replace(p, row=number) for p in row_problems]
    return found, problems


def _month(value: object, problems: list[Problem]) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):  # was "“None” is not a month"
        problems.append(Problem("required", "month"))
        return None
    if isinstance(value, datetime | date):
        return months.first_of(value)
    if isinstance(value, str):  # read as an import reads a month (`validate.month`), a time of day left off
        text = value.strip()
        stamp = _TIMESTAMP.fullmatch(text)
        try:
            return validate.month(stamp.group(1) if stamp else text, "month")
        except (
            validate.Rejected
        ) as refused:  # a day its month lacks says so ("2026-11-31": it ends on the 30th)
            if refused.problems[0].key == "no_such_day":
                problems.append(refused.problems[0])
                return None
    problems.append(Problem("source_not_a_month", "month", (("value", excerpt(value)),)))
    return None


_TIMESTAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s?(?:Z|[+-]\d{2}(?::?\d{2})?)?"
)
"""A day with its time, as a database writes a timestamp as text (`2026-10-01 00:00:00`,
`2026-10-01T00:00:00+01:00`, and a timestamp with its zone as DuckDB and PostgreSQL write one:
`2026-10-01 00:00:00+00`): its day is the month's."""


def _number(value: object, name: str, problems: list[Problem]) -> float | None:
    if value is None:
        return None
    # a Decimal (PostgreSQL's numeric) or a NumPy number is a number too: it has a ratio
    if isinstance(value, bool) or not hasattr(value, "as_integer_ratio"):
        params = (("value", excerpt(value)), ("type", ValueKind.of(value)))
        problems.append(Problem("source_not_a_number", name, params))
        return None
    number = float(value)  # type: ignore[arg-type]
    problem = bounds.number_problem(number, name)
    if problem is not None:
        problems.append(problem)
        return None
    return number


def _ratio(numbers: Mapping[str, float | None], unit: str, problems: list[Problem]) -> float | None:
    """The value, from the ratio where a numerator and denominator are given (and checked
    against the value when that is given too)."""
    value, top, bottom = numbers["value"], numbers["numerator"], numbers["denominator"]
    if (top is None) != (bottom is None):
        problems.append(Problem("source_half_ratio", "numerator" if top is None else "denominator"))
        return None
    if top is None or bottom is None:
        if value is None and not problems:
            problems.append(Problem("required", "value"))
        return value
    if bottom <= 0:
        problems.append(Problem("source_denominator", "denominator", (("value", bottom),)))
        return None
    ratio = ratios.Ratio(top, bottom, ratios.scale_of(unit))
    made = top / bottom * ratio.scale  # the denominator is more than 0: always a value
    if value is not None and not ratio.agrees_with(value):
        params = (("value", value), ("ratio", round(made, 6)))
        problems.append(Problem("source_ratio_mismatch", "value", params))
        return None
    return made
