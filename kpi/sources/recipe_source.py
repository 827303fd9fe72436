"""A KPI's values from raw events: the recipe its source names, run over the source's files.

The source's query is `recipe(choice=value, …)` (kpi.domain.recipe_query), its `url` the event
files: a path or a glob, several separated by `;`. A relative path is read from the folder the
command runs in, as a `files` source's query reads its files (a cron line or a systemd unit sets
that folder: see the README). The recipe runs for the month asked for only and gives its value
with the numerator and denominator behind it, so the store keeps what months and departments
need to combine as a ratio of sums. A month with nothing counted gives no row: "no value yet".

A recipe runs in DuckDB in memory on a worker thread (kpi.sources.failing.within, shared with a
service priority's count), with its caller's folders and time zone (kpi.sources.confine,
kpi.sources.zone); at the timeout the pull is refused and the thread, which holds nothing of the
store, is left to finish on its own.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from kpi.domain import recipe_query, sources
from kpi.domain.checks import Fields
from kpi.domain.sources import Found, Source
from kpi.sources import recipes
from kpi.sources.failing import SourceFailed, within
from kpi.sources.measured import Measured


def found(pattern: str) -> bool:
    """Whether a path or glob names at least one file (relative: from the working folder)."""
    names = glob.glob(pattern, recursive=True) if glob.has_magic(pattern) else [pattern]
    return any(Path(name).is_file() for name in names)


def looked_up(every: Iterable[Fields], patterns: Iterable[str] = ()) -> Found:
    """Whether each file the sources' fields name is there (`sources.named_files`), and each of
    `patterns` (a service priority's call records), looked up now, once each: what the checks
    need of the file system, asked before the store is taken for writing, so the writing
    transaction only reads the answers. A path it was not asked about counts as not there
    (refused, never looked up late)."""
    named = {pattern for fields in every for _, pattern in sources.named_files(fields)}
    there = {pattern for pattern in named | set(patterns) if found(pattern)}
    return there.__contains__


def run(source: Source, month: date, secret: str | None) -> list[dict[str, object]]:
    """The month's row (none when the events hold nothing counted for it)."""
    return _run(source, month)


def run_every_month(source: Source, secret: str | None) -> list[dict[str, object]]:
    """A row for every month the events hold (a backfill's one run)."""
    return _run(source, None)


def _run(source: Source, month: date | None) -> list[dict[str, object]]:
    parsed, problems = recipe_query.parse(source.query)
    if parsed is None:
        raise SourceFailed(problems)
    choices: dict[str, object] = dict(parsed.choices)
    for name in sources.RECIPE_FILES:  # files as the recipe takes them: a list
        if isinstance(choices.get(name), str):
            choices[name] = recipe_query.files(str(choices[name]))
    files = recipe_query.files(source.url or "")
    recipe = recipes.RECIPES[parsed.recipe]
    measured = within(source.timeout, lambda: recipe(files, month=month, **choices))
    return [_row(m) for m in measured if m.value is not None]


def _row(measured: Measured) -> dict[str, object]:
    row: dict[str, object] = {"month": measured.month, "value": measured.value}
    if measured.ratio is not None and measured.ratio.denominator > 0:
        row.update(numerator=measured.ratio.numerator, denominator=measured.ratio.denominator)
    return row
