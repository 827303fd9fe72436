"""A service priority measured over raw call records: its definition's one check.

Pure. `check` says everything wrong with an event measure's fields, the same whether they come
from the definitions file (`[priorities.CODE]`, kpi.files.source_file) or the service priority
editor; `record` turns fields it passed into a `kpi.domain.model.EventMeasure`.

Rules decided once:
- The priority must exist; `files` names the call records (a path or a glob, as the recipes
  read them: kpi.sources.calls); `queue` is optional (without it, every queue's calls count).
- `within_s` is a number of seconds more than 0 and at most `MAX_WITHIN_S` (a day).
- `share` is the share in % that must be met: more than 0 and at most 100.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from kpi.domain import bounds
from kpi.domain.checks import Fields, Known, _known, _required
from kpi.domain.errors import Problem
from kpi.domain.model import EventMeasure

EVENT_FIELDS = ("priority", "files", "queue", "within_s", "share")
"""The fields of an event measure (the definitions file's `[priorities.CODE]` table has all
but `priority`, which is its name)."""
MAX_WITHIN_S = 86_400.0
"""The longest promised wait: a day."""
FILES_LIMIT = 1000
"""The most characters `files` may hold."""


def check(fields: Fields, known: Known, found: Callable[[str], bool] | None = None) -> list[Problem]:
    """Everything wrong with an event measure: what is missing, an unknown priority, files or a
    queue that are not text, a wait or share that is not a number or out of its range, and
    (given `found`, whether a path or pattern names a file, looked up before the store is taken)
    files that are not there: said when it is defined, not first at the pull at night."""
    problems = _required(fields, ("priority", "files", "within_s", "share"))
    problems += _known(fields, "priority", known.priorities)
    for name, limit in (("files", FILES_LIMIT), ("queue", bounds.LABEL)):
        value = fields.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(Problem("event_not_text", name, (("value", value),)))
        elif isinstance(value, str) and len(value) > limit:
            problems.append(Problem("too_long", name, (("length", len(value)), ("limit", limit))))
    problems += _number(fields, "within_s", MAX_WITHIN_S, "event_bad_within")
    problems += _number(fields, "share", 100.0, "event_bad_share")
    files = fields.get("files")
    if found is not None and isinstance(files, str) and files.strip() and not found(files):
        problems.append(Problem("no_files", "files", (("value", files),)))
    return problems


def _number(fields: Fields, name: str, high: float, key: str) -> list[Problem]:
    value = fields.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return []  # said by _required
    if isinstance(value, bool) or not isinstance(value, int | float):
        return [Problem("not_a_number", name, (("value", value),))]
    if not 0 < value <= high:
        return [Problem(key, name, (("value", value), ("high", high)))]
    return []


def record(fields: Fields) -> EventMeasure:
    """The `EventMeasure` of fields `check` found nothing wrong with."""
    queue = fields.get("queue")
    return EventMeasure(
        files=str(fields["files"]).strip(),
        within_s=float(cast(float, fields["within_s"])),
        share=float(cast(float, fields["share"])),
        queue=queue.strip() or None if isinstance(queue, str) else None,
    )
