"""The KPI sources' definitions file: TOML kept in version control, one `[[source]]` per KPI,
and one `[priorities.CODE]` table per service priority measured over call records.

    [[source]]
    kpi = "FCR"
    kind = "sql"
    connection = "warehouse"
    query = '''
    SELECT month, resolved AS numerator, contacts AS denominator FROM fcr_monthly
    '''
    timeout = 30

    [priorities.INVOICE_90]
    files = "exports/calls/*.parquet"
    queue = "invoice"
    within_s = 90
    share = 80

Pure (no store). `read_all` turns the file into each entry's fields and the file's own problems:
an entry that is not a table, a field the file may not have, a KPI or priority named twice (a file
that is not TOML, or whose sources are not a list of tables, it refuses at once). What each
entry's fields must be is kpi.domain.sources.check and kpi.domain.priority_events.check, run by
the store against what it holds, which then refuses the file with its problems and the file's
together: every problem at once. A source's problem
has the entry's number in the file (counted from 1) as its row; a priority's names its table.
`write` is the inverse: the stored definitions as such a file, so export → load changes nothing.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kpi.domain import identity
from kpi.domain.errors import Problem
from kpi.domain.model import EventMeasure
from kpi.domain.priority_events import EVENT_FIELDS
from kpi.domain.sources import DEFAULT_TIMEOUT, SOURCE_FIELDS, Source
from kpi.files.tables import ImportRejected

Entry = dict[str, object]


@dataclass(frozen=True)
class Definitions:
    sources: list[Entry]
    """Each `[[source]]` entry's fields, in the file's order."""
    priorities: dict[str, Entry]
    """Each `[priorities.CODE]` table's fields by its code."""
    problems: tuple[Problem, ...] = ()
    """The file's own problems (a field it may not have, a KPI named twice …); its entries are
    still checked, so that a refusal names these and theirs together."""


def read_all(data: bytes, name: str) -> Definitions:
    """The file's sources and priorities with the file's own problems; ImportRejected when it is
    not TOML or its sources are not a list."""
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        detail = " ".join(str(error).split())[:200]
        raise ImportRejected(Problem("source_file.bad_toml", "", (("detail", detail),), file=name)) from None
    problems = [
        Problem("source_file.unknown_table", "", (("name", key),), file=name)
        for key in document
        if key not in ("source", "priorities")
    ]
    priorities = _priorities(document.get("priorities", {}), name, problems)
    entries = document.get("source", [])
    if not isinstance(entries, list):
        raise ImportRejected([*problems, Problem("source_file.not_entries", "", file=name)])
    shapeless = [
        Problem("source_file.not_entries", "", file=name, row=number)
        for number, entry in enumerate(entries, start=1)
        if not isinstance(entry, dict)
    ]
    if shapeless:  # its entries' numbers would not be the file's
        raise ImportRejected([*problems, *shapeless])
    found: list[Entry] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        problems += [
            Problem("source_file.unknown_field", key, (("allowed", ", ".join(SOURCE_FIELDS)),), name, number)
            for key in entry
            if key not in SOURCE_FIELDS
        ]
        kpi = entry.get("kpi")
        if isinstance(kpi, str) and kpi.strip():
            first = seen.setdefault(identity.code_key(kpi), number)
            if first != number:
                problems.append(Problem("source_file.kpi_twice", "kpi", (("first", first),), name, number))
        found.append({key: _value(value) for key, value in entry.items() if key in SOURCE_FIELDS})
    return Definitions(found, priorities, tuple(problems))


def _priorities(tables: object, name: str, problems: list[Problem]) -> dict[str, Entry]:
    """The `[priorities.CODE]` tables' fields; their problems go to `problems`."""
    if not isinstance(tables, dict):
        problems.append(Problem("source_file.not_priorities", "", file=name))
        return {}
    found: dict[str, Entry] = {}
    seen: dict[str, str] = {}
    allowed = ", ".join(EVENT_FIELDS[1:])
    for code, table in tables.items():
        table_at = where(name, code)
        if not isinstance(table, dict):
            problems.append(Problem("source_file.not_priorities", "", file=table_at))
            continue
        first = seen.setdefault(identity.code_key(code), code)
        if first != code:
            problems.append(Problem("source_file.priority_twice", "", (("first", first),), table_at))
        problems += [
            Problem(
                "source_file.unknown_priority_field", key, (("allowed", allowed),), where(name, code, key)
            )
            for key in table
            if key not in EVENT_FIELDS[1:]
        ]
        found[code] = {key: _value(value) for key, value in table.items() if key in EVENT_FIELDS[1:]}
    return found


def where(name: str, code: str, key: str = "") -> str:
    """Where in the file a priority's problem lies, as the file writes it: `sources.toml
    [priorities.SP1] within_s` (a key's name, not its label: that is what to look for)."""
    return f"{name} [priorities.{code}]" + (f" {key}" if key else "")


def _value(value: object) -> object:
    """A text trimmed, anything else as TOML read it (a number, or what the check refuses)."""
    return value.strip() or None if isinstance(value, str) else value


def write(sources: Iterable[Source], priorities: Mapping[str, EventMeasure] | None = None) -> str:
    """The sources and event-measured priorities as a definitions file (`read_all` reads it back
    to the same)."""
    parts = []
    for source in sources:
        lines = ["[[source]]", f"kpi = {_string(source.kpi)}", f"kind = {_string(str(source.kind))}"]
        optional: Mapping[str, str | None] = {"connection": source.connection, "url": source.url}
        lines += [f"{key} = {_string(value)}" for key, value in optional.items() if value is not None]
        lines.append(f"query = {_string(source.query)}")
        if source.timeout != DEFAULT_TIMEOUT:
            lines.append(f"timeout = {source.timeout:g}")
        parts.append("\n".join(lines))
    for code, measure in (priorities or {}).items():
        lines = [f"[priorities.{_key(code)}]", f"files = {_string(measure.files)}"]
        lines += [f"queue = {_string(measure.queue)}"] if measure.queue is not None else []
        lines += [f"within_s = {_number(measure.within_s)}", f"share = {_number(measure.share)}"]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n" if parts else ""


def _number(value: float) -> str:
    """A TOML number that reads back as `value` exactly."""
    return str(int(value)) if value.is_integer() else repr(value)


def _key(code: str) -> str:
    """A TOML key: bare where TOML allows it, else quoted (a code may hold Æ, Ø, Å)."""
    return code if re.fullmatch(r"[A-Za-z0-9_-]+", code) else json.dumps(code, ensure_ascii=False)


def _string(text: str) -> str:
    """A TOML string: a multi-line literal for a query of several lines (read as written), else
    a basic string (JSON's escapes are TOML's)."""
    if "\n" in text and "'''" not in text and all(c >= " " or c in "\n\t" for c in text):
        return f"'''\n{text}\n'''"
    return json.dumps(text, ensure_ascii=False)
