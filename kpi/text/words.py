"""The words for what the rules find: problems, SMART reasons and published benchmarks.

The domain keeps each finding as a message key and raw values; this module puts them into the
reader's language, with numbers, dates and levels formatted as the reader expects. One place,
so the app, the command line, the packs and the JSON say the same thing the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kpi.domain import access, industry, months, vocabulary
from kpi.domain.errors import CockpitError, Problem
from kpi.domain.model import Kpi, Level
from kpi.domain.smart import Assessment, Reason
from kpi.domain.sources import ValueKind
from kpi.text import fmt, terms
from kpi.text.i18n import t

LEVEL_PARAMS = frozenset({"target", "best"})
"""Reason parameters that are levels of the KPI, shown with its unit."""
NAMES_SHOWN = 5
"""A list of names in a problem shows this many, then "and N more"."""


def _word(value: object) -> object:
    """An enumeration's word in the reader's language (a goal level), a number as the reader
    writes it (`0,05` in Danish), with the decimals it has; anything else as it is."""
    if isinstance(value, Level):  # mid-sentence: "S1 is strategic", not "S1 is Strategic"
        return t(f"level.{value}").lower()
    if isinstance(value, ValueKind):
        return t(f"value_kind.{value}")
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, float):
        return fmt.number(value, len(f"{value:f}".rstrip("0").partition(".")[2]))
    if isinstance(value, datetime):
        return fmt.moment(value)
    if isinstance(value, date):
        return fmt.day(value)
    if isinstance(value, tuple):
        return names_listed(value)
    return value


def more(count: int) -> str:
    """ " and 3 more" after a list that names some of its items, the other `count` left out;
    nothing when none is."""
    return t("import.and_more", count=count) if count > 0 else ""


def names_listed(names: tuple[object, ...]) -> str:
    """Names a file wrote (columns, codes), quoted, the first `NAMES_SHOWN` and how many more."""
    shown = ", ".join(t("widget.quote", text=name) for name in names[:NAMES_SHOWN])
    return shown + more(len(names) - NAMES_SHOWN)


def who(names: Mapping[str, str], email: str | None) -> str:
    """Who did something, by name (`names`: e-mail → name), the command line's operator in words
    ("operator@localhost" stood on the title slide the CEO saw), else as the store holds them.
    Plain text: escape it where Markdown shows it."""
    if not email:
        return "–"
    if email == access.OPERATOR and email not in names:
        return t("widget.operator")
    return names.get(email, email)


def _label(field: str) -> str:
    """A field's name for people: `field.<name>` (or a dotted key) from the catalogue, else as given
    (an import file's column is named as the file names it)."""
    key = field if "." in field else f"field.{field}"
    text = t(key) if field else ""
    return field if text == key else text


AMOUNTS = frozenset({"length", "limit", "size", "width", "height"})
"""A problem's parameters that count something (characters, rows, kB, pixels): written as the reader
writes a number, `10,599` / `10.599` (a comment's "10599 characters … 4000" read as codes)."""


def _amount(value: object) -> object:
    return fmt.number(value) if isinstance(value, int) and not isinstance(value, bool) else _word(value)


FILE_KIND = "file_kind"
"""The parameter of a required cell's problem naming the kind of file it is in (`message` says
what the column takes, `terms.guide`)."""
MONTH = "month"
"""The problem's parameter that may name a month by its key (`2026-09`): written as the reader
writes a month, "September 2026", where the store or a command found it (`reopen` and `remind`
wrote "2026-09 is not closed" where every other message writes the month in words). A file's
problem quotes its cell as the file wrote it."""


WORDED_FROM = 1000
"""A month of an earlier year stays as its key: "January 1" read as a day (`delete --month
0001-01`, an adversarial round), "0001-01" says what was typed."""


def _month(value: object) -> object:
    if isinstance(value, str):
        try:
            month = months.parse(value)
        except ValueError:
            return _word(value)
        return fmt.month_long(month) if month.year >= WORDED_FROM else value
    return _word(value)


def message(found: Problem) -> str:
    """What is wrong, in the reader's language, without where in a file it was found."""
    key = found.key if "." in found.key else f"problem.{found.key}"
    params = dict(found.params)
    what = terms.guide(str(params.pop(FILE_KIND)), found.field) if FILE_KIND in params else ""
    if what and found.field in vocabulary.VALUES:  # a list column: its words, as the guide lists them
        return t("import.required_choice", what=what, allowed=terms.listing(found.field))
    if what:  # a file's empty required cell: what the column takes, as the template's guide says
        return t("import.required_what", what=what)
    said = {k: _amount(v) if k in AMOUNTS else _word(v) for k, v in params.items() if k != "choices"}
    if not found.file and MONTH in params:
        said[MONTH] = _month(params[MONTH])
    if "choices" in params:  # an enumeration's values, in the reader's words (`terms.listing`)
        said["allowed"] = terms.listing(str(params["choices"]))
    text = t(key, field=_label(found.field), **said)
    if found.file and key.startswith("problem."):
        return text.split(": ", 1)[-1]  # "Field: …" reads twice where the column is named already
    return text


def problem(found: Problem) -> str:
    """A problem in the reader's language; one found in a file says where (file, row, column)."""
    text = message(found)
    if not found.file:
        return text
    if found.row == 0:
        return t("import.at_file", file=found.file, message=text)
    if not found.field:
        return t("import.at_row", file=found.file, row=found.row, message=text)
    return t("import.at_cell", file=found.file, row=found.row, column=found.field, message=text)


@dataclass(frozen=True)
class Grouped:
    """One problem found in several rows of a file: the same message, column and values."""

    problem: Problem
    """The first of them (its row is the first row)."""
    rows: tuple[int, ...]


def grouped(problems: Iterable[Problem]) -> list[Grouped]:
    """`problems` with identical ones of a file's different rows as one (thirty rows naming the
    same unknown KPI are one line, "rows 2–31"), in the order of their first row."""
    groups: dict[tuple[object, ...], list[Problem]] = {}
    for found in problems:
        same = (found.file, found.key, found.field, found.params) if found.row else (id(found),)
        groups.setdefault(same, []).append(found)
    return [Grouped(group[0], tuple(sorted({p.row for p in group}))) for group in groups.values()]


RUNS_SHOWN = 20
"""A problem's rows show this many runs, then how many more rows have it."""


def rows_text(rows: Sequence[int]) -> str:
    """`2–31, 40, 42–44`: rows in runs of consecutive numbers, the first `RUNS_SHOWN` runs and
    how many rows more (a file of 300,000 repeated rows gave lines of 208,000 characters)."""
    runs: list[list[int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    shown = ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}\u2013{r[-1]}" for r in runs[:RUNS_SHOWN])
    return shown + more(sum(len(r) for r in runs[RUNS_SHOWN:]))


def group_text(group: Grouped) -> str:
    """A problem of several rows in the reader's language, saying the file, rows and column."""
    found = group.problem
    if len(group.rows) < 2:
        return problem(found)
    key = "import.at_cells" if found.field else "import.at_rows"
    return t(
        key,
        count=len(group.rows),
        file=found.file,
        rows=rows_text(group.rows),
        column=found.field,
        message=message(found),
    )


def said(error: CockpitError) -> str:
    """Everything an error has to say, one problem a line (the same problem of many rows once)."""
    return "\n".join(group_text(group) for group in grouped(error.problems))


def reason(found: Reason) -> str:
    """Why a SMART check failed, in the reader's language, numbers formatted with the KPI's unit."""
    values: dict[str, object] = {}
    for name, value in found.params:
        if isinstance(value, date):
            values[name] = fmt.day(value)
        elif name.startswith("pace") and isinstance(value, int | float):
            values[name] = _pace(value, found.unit)  # a change per month
        elif name in LEVEL_PARAMS and isinstance(value, int | float):
            values[name] = fmt.value(value, found.unit)  # a level of the KPI
        elif name == "source":
            values[name] = benchmark_source(str(value))
        else:
            values[name] = value
    paces = dict(found.params)
    needed, best = paces.get("pace_needed"), paces.get("pace_best")
    if isinstance(needed, int | float) and isinstance(best, int | float):  # two paces never read alike
        values["pace_needed"], values["pace_best"] = fmt.apart(
            needed, best, lambda amount, extra: _pace(amount, found.unit, extra)
        )
    return t(f"smart.reason.{found.key}", **values)


def _pace(amount: float, unit: str, extra_decimals: int = 0) -> str:
    """A change a month as words say one: "a fall of 9.1 s" ("kræver -9,1 sek. om måneden" read
    as a machine's)."""
    size = fmt.delta(abs(amount), unit, extra_decimals).removeprefix("+")
    if not any(digit in size for digit in "123456789"):  # none shown: "a fall of 0 s" would say one
        return size
    return t("smart.pace_rise" if amount > 0 else "smart.pace_fall", size=size)


def smart_reasons(assessment: Assessment) -> list[str]:
    """Every failed SMART check of a goal as "Check: reason", in the order of the checks."""
    return [f"{t(f'smart.{criterion}')}: {reason(found)}" for criterion, found in assessment.failures()]


def benchmark_line(kpi: Kpi) -> str:
    """One line for the KPI's help text: the published levels and who published them."""
    bench = industry.of(kpi)
    if bench is None:
        return ""
    parts = []
    if bench.typical is not None:
        parts.append(t("benchmark.typical", value=fmt.value(bench.typical, kpi.unit)))
    if bench.best is not None:
        parts.append(t("benchmark.best", value=fmt.value(bench.best, kpi.unit)))
    return t("benchmark.line", levels=", ".join(parts), source=benchmark_source(bench.source))


def benchmark_source(source: str) -> str:
    """Who published a benchmark (`industry.Benchmark.source`), in the reader's language."""
    return t(f"benchmark.source.{source}")


def kpi_help(kpi: Kpi) -> str:
    """The KPI's definition, followed by its benchmark where one is published."""
    line = benchmark_line(kpi)
    return f"{kpi.definition}\n\n{line}" if line else kpi.definition


def origin(source: str, loaded_at: datetime | None, n: int | None = None, note: str = "") -> str:
    """Where a month's value came from (`source_said`) and when it was loaded, and the note given
    with it, in the reader's language, as plain text (a file name and a note are what a person
    typed: escape them before Markdown); a survey KPI's value comes from `n` answers instead."""
    if n is not None:
        return t("origin.survey", n=fmt.number(n))
    when = fmt.moment(loaded_at) if loaded_at is not None else "–"
    if not source:
        said = t("origin.loaded", when=when)
    else:
        imported = source not in ("correction", "demo") and not source.startswith("pull:")
        said = t("origin.imported_at" if imported else "origin.at", what=source_said(source), when=when)
    return f"{said} · {t('origin.note', note=note.strip())}" if note.strip() else said


def source_said(source: str) -> str:
    """Where a value came from, in the reader's language, as plain text: `source` is the store's
    `measurement.source` (a pull's line says the same): an import file's name, `correction`,
    `demo`, or `pull:<kind>[:<where>]`, where <kind> is a source's kind (`pull:sql:warehouse`)
    or `calls`, a service priority counted over call records (`pull:calls:<files>`)."""
    if source in ("correction", "demo"):
        return t(f"origin.{source}")
    kind, _, where = source.partition(":")
    if kind != "pull":
        return t("origin.imported", file=source)
    kind, _, where = where.partition(":")
    named = {"sql": "connection", "http": "url", "recipe": "recipe", "calls": "files"}
    if kind in named and where:
        return t(f"origin.pull_{kind}", **{named[kind]: where})
    if kind == "files":
        return t("origin.pull_files")
    return t("origin.pull_other", kind=kind)


AUDIT_BOOKKEEPING = frozenset({"loaded_at"})
"""Fields an audited row keeps for the store's own bookkeeping (when a value was loaded, which the
audit row's own time says): left out of the change."""
AUDIT_FIRST = ("value", "target", "title", "name", "status", "role")
"""Fields a change names first, when it has them (the rest follow in the alphabet's order): a
corrected value's `value`, not its `denominator`, is what a cut line must still show."""
AUDIT_VALUE_CHARS = 40
AUDIT_CHANGE_CHARS = 200
"""A value and a whole change in the audit log's table at most this long, cut with "…" (the
download holds them whole)."""
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?")


def audit_change(before: object, after: object, keys: Collection[str] = ()) -> str:
    """What an audited write changed, in a line, in the reader's language: the fields that differ
    (`Target: 60 → 55.5`); for a new row or a deleted one, its fields but its table's `keys`,
    which the row's key names (`New: Value 95 · …`). Read off the audit row's JSON; a value that
    is not JSON (or a NaN from a table's column) counts as none."""
    old, new = _audit_row(before), _audit_row(after)
    if old and new:
        parts = [
            f"{_audit_field(name)}: {_audit_value(old.get(name), name)} → {_audit_value(new.get(name), name)}"
            for name in _audit_order(old.keys() | new.keys())
            if old.get(name) != new.get(name)
        ]
        line = "; ".join(parts) if parts else t("audit.unchanged")
    elif old or new:
        row = old or new
        fields = " · ".join(
            f"{_audit_field(name)} {_audit_value(row[name], name)}"
            for name in _audit_order(row.keys())
            if row[name] not in (None, "") and name not in keys
        )
        line = f"{t('audit.created' if new else 'audit.deleted')}: {fields}"
    else:
        return ""
    return cut(line, AUDIT_CHANGE_CHARS)


def _audit_order(names: Iterable[str]) -> list[str]:
    """`names` without the bookkeeping, `AUDIT_FIRST` first, then in the alphabet's order."""
    kept = [name for name in names if name not in AUDIT_BOOKKEEPING]
    first = [name for name in AUDIT_FIRST if name in kept]
    return first + sorted(name for name in kept if name not in AUDIT_FIRST)


def _audit_row(text: object) -> dict[str, object]:
    """An audit row's JSON `before` or `after` as a mapping; empty for none or not JSON."""
    if not isinstance(text, str) or not text:
        return {}
    try:
        row = json.loads(text)
    except ValueError:
        return {}
    return row if isinstance(row, dict) else {}


def _audit_field(name: str) -> str:
    """A stored column's name for people: the form's and the import's name for the field
    (`field.<name>`), else the audit log's own (`audit.field_<name>`), else as stored."""
    label = _label(name)
    if label != name:
        return label
    key = f"audit.field_{name}"
    text = t(key)
    return name if text == key else text


def _audit_value(value: object, name: str = "") -> str:
    """A stored value as the reader's language writes it: a number as `_word` writes one, a date
    and a moment as pages do, yes or no; a text as it is, cut at `AUDIT_VALUE_CHARS`."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str) and value in vocabulary.VALUES.get(name, ()):
        return terms.label(name, value)  # an action's status "Planlagt", not "planned"
    if isinstance(value, bool):
        return t("audit.yes" if value else "audit.no")
    if isinstance(value, int | float):
        return str(_word(float(value)))
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return fmt.day(date.fromisoformat(value))
    if isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
        return fmt.moment(datetime.fromisoformat(value))
    return cut(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False), AUDIT_VALUE_CHARS)


def cut(text: str, limit: int) -> str:
    """`text` at most `limit` characters, a longer one cut with "…"."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def audit_origin(table_name: str, after: str | None) -> str:
    """Where a measurement written by an audited change came from (`origin`), read off the audit
    row's `after` (JSON); empty for other tables, deletions and changes that kept the source.
    A deletion's empty `after` may arrive as a float NaN from a table's column: also empty."""
    if table_name != "measurement":
        return ""
    row = _audit_row(after)
    source = row.get("source")
    if not isinstance(source, str):
        return ""
    loaded = row.get("loaded_at")
    try:
        when = datetime.fromisoformat(loaded) if isinstance(loaded, str) else None
    except ValueError:
        when = None
    return origin(source, when)
