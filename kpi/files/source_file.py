"""The KPI sources' definitions file: TOML kept in version control, one `[[source]]` per KPI.

    [[source]]
    kpi = "FCR"
    kind = "sql"
    connection = "warehouse"
    query = '''
    SELECT month, resolved AS numerator, contacts AS denominator FROM fcr_monthly
    '''
    timeout = 30

Pure (no store). `read` turns the file into each entry's fields, or refuses it whole with every
problem: the file's syntax, an entry that is not a table, a field the file may not have, a KPI
named twice. What each entry's fields must be is kpi.domain.sources.check, run by the store
against the KPIs it holds. A problem's row is the entry's number in the file, counted from 1.
`write` is the inverse: the stored definitions as such a file, so export → load changes nothing.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping

from kpi.domain import identity
from kpi.domain.errors import Problem
from kpi.domain.sources import DEFAULT_TIMEOUT, SOURCE_FIELDS, Source
from kpi.files.tables import ImportRejected

Entry = dict[str, object]


def read(data: bytes, name: str) -> list[Entry]:
    """Every `[[source]]` entry's fields; ImportRejected names every problem of the file."""
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        detail = " ".join(str(error).split())[:200]
        raise ImportRejected(Problem("source_file.bad_toml", "", (("detail", detail),), file=name)) from None
    problems = [
        Problem("source_file.unknown_table", "", (("name", key),), file=name)
        for key in document
        if key != "source"
    ]
    entries = document.get("source", [])
    if not isinstance(entries, list):
        raise ImportRejected([*problems, Problem("source_file.not_entries", "", file=name)])
    found: list[Entry] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(Problem("source_file.not_entries", "", file=name, row=number))
            continue
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
    if problems:
        raise ImportRejected(problems)
    return found


def _value(value: object) -> object:
    """A text trimmed, anything else as TOML read it (a number, or what the check refuses)."""
    return value.strip() or None if isinstance(value, str) else value


def write(sources: Iterable[Source]) -> str:
    """The sources as a definitions file (`read` reads it back to the same sources)."""
    parts = []
    for source in sources:
        lines = ["[[source]]", f"kpi = {_string(source.kpi)}", f"kind = {_string(str(source.kind))}"]
        optional: Mapping[str, str | None] = {"connection": source.connection, "url": source.url}
        lines += [f"{key} = {_string(value)}" for key, value in optional.items() if value is not None]
        lines.append(f"query = {_string(source.query)}")
        if source.timeout != DEFAULT_TIMEOUT:
            lines.append(f"timeout = {source.timeout:g}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n" if parts else ""


def _string(text: str) -> str:
    """A TOML string: a multi-line literal for a query of several lines (read as written), else
    a basic string (JSON's escapes are TOML's)."""
    if "\n" in text and "'''" not in text and all(c >= " " or c in "\n\t" for c in text):
        return f"'''\n{text}\n'''"
    return json.dumps(text, ensure_ascii=False)
