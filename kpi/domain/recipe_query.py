"""A recipe source's query: which recipe to run over the event files, with which choices.

Pure. A source of kind `recipe` names one of the cockpit's recipes (kpi.sources.recipes, the
CX measures computed from raw events) and its choices in a small syntax, a call with keyword
arguments whose values are plain literals:

    service_level(within_s=30, queue='invoice')
    abandoned_baskets(basket_events=['add_to_basket', 'wishlist_add'])
    unplanned_downtime(maintenance='events/maintenance.csv')

Nothing in it is ever evaluated: it is parsed (`ast`), and each value is read with
`ast.literal_eval` and checked against what its choice expects (`Expects`). The source's event
files are its `url` (kpi.domain.sources), the month is the pull's: neither is a choice here.

`RECIPES` says, for each recipe, the unit its value is in (the KPI's unit must be the same, so
a share never lands in a KPI of seconds) and the choices it takes; tests/test_recipe_sources.py
checks that these are exactly the keyword parameters of the recipe functions, whose defaults
stay where they are documented (kpi.sources.calls, kpi.sources.recipes).
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from kpi.domain.errors import Problem


class Expects(StrEnum):
    """What a recipe's choice must be given."""

    SECONDS = "seconds"
    """A number of seconds from 0 to `MAX_SECONDS`."""
    INTERVAL = "interval"
    """A number of seconds more than 0, at most `MAX_SECONDS`."""
    PERCENTILE = "percentile"
    """A number from 0 to 100."""
    TEXT = "text"
    """A text that is not empty (a queue's name)."""
    COLUMN = "column"
    """A column's name: a letter or _, then letters, digits or _."""
    EVENTS = "events"
    """A list of event names, such as ['purchase'] (one name alone is a list of one)."""
    FILES = "files"
    """Files like the source's own: a path or a glob (several separated by `FILES_SEPARATOR`)."""


MAX_SECONDS = 86_400.0
FILES_SEPARATOR = ";"
"""Several paths or globs in a recipe source's `url` (or a FILES choice) are separated by this."""
COLUMN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


@dataclass(frozen=True)
class Recipe:
    unit: str
    """The unit of the value it gives (a share is in %)."""
    choices: Mapping[str, Expects]


_CALLS = {"short_abandon_s": Expects.SECONDS, "queue": Expects.TEXT}
_FUNNEL = {"order_events": Expects.EVENTS, "session_key": Expects.COLUMN}
_PROBES = {"maintenance": Expects.FILES}

RECIPES: Mapping[str, Recipe] = {
    "service_level": Recipe("%", {"within_s": Expects.SECONDS, **_CALLS}),
    "abandonment": Recipe("%", _CALLS),
    "mean_wait": Recipe("s", {"queue": Expects.TEXT}),
    "wait_percentile": Recipe("s", {"percentile": Expects.PERCENTILE, "queue": Expects.TEXT}),
    "abandoned_baskets": Recipe("%", {"basket_events": Expects.EVENTS, **_FUNNEL}),
    "checkout_abandonment": Recipe("%", {"checkout_events": Expects.EVENTS, **_FUNNEL}),
    "availability": Recipe("%", _PROBES),
    "unplanned_downtime": Recipe("min", {**_PROBES, "interval_s": Expects.INTERVAL}),
}
"""Every recipe a source may name: its value's unit and its choices."""


@dataclass(frozen=True)
class RecipeQuery:
    """A parsed, checked recipe query."""

    recipe: str
    choices: tuple[tuple[str, object], ...] = ()
    """(name, value) as written; an EVENTS value is a tuple of names."""

    @property
    def unit(self) -> str:
        return RECIPES[self.recipe].unit


def parse(query: str) -> tuple[RecipeQuery | None, list[Problem]]:
    """The recipe and its choices, or every problem with them: not a call of the syntax, an
    unknown recipe, an unknown choice, a value that is not what the choice expects."""
    call = _call(query)
    if call is None:
        return None, [Problem("recipe_syntax", "query", (("value", _short(query)),))]
    name = call.func.id  # type: ignore[attr-defined]
    recipe = RECIPES.get(name)
    if recipe is None:
        params = (("value", name), ("allowed", ", ".join(RECIPES)))
        return None, [Problem("unknown_recipe", "query", params)]
    problems: list[Problem] = []
    choices: list[tuple[str, object]] = []
    for keyword in call.keywords:
        choice = str(keyword.arg)
        expects = recipe.choices.get(choice)
        if expects is None:
            allowed = ", ".join(recipe.choices)
            problems.append(
                Problem("recipe_choice", "query", (("recipe", name), ("value", choice), ("allowed", allowed)))
            )
            continue
        value = _value(keyword.value, expects)
        if value is None:
            text = _written(keyword.value)
            problems.append(Problem(f"recipe_{expects}", "query", (("name", choice), ("value", text))))
            continue
        choices.append((choice, value))
    return (None, problems) if problems else (RecipeQuery(name, tuple(choices)), [])


RECIPE_QUERY_LIMIT = 2_000
"""The most characters a recipe and its choices may take (the longest real one is under 200):
a longer text is not parsed at all, so no nesting can exhaust the parser."""


def _call(query: str) -> ast.Call | None:
    """The query as `name(keyword=literal, …)`, or None when it is anything else."""
    if len(query) > RECIPE_QUERY_LIMIT:
        return None
    try:
        tree = ast.parse(query.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # deep nesting: not a recipe
        return None
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name) or call.args:
        return None
    names = [keyword.arg for keyword in call.keywords]
    if None in names or len(set(names)) < len(names):  # **choices, or a choice given twice
        return None
    return call


def _value(node: ast.expr, expects: Expects) -> object | None:
    """The literal's value if it is what `expects` asks for, else None."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if expects in (Expects.SECONDS, Expects.INTERVAL, Expects.PERCENTILE):
        return _number(value, expects)
    if expects is Expects.EVENTS:
        names = (value,) if isinstance(value, str) else value
        if not isinstance(names, list | tuple) or not names:
            return None
        if not all(isinstance(n, str) and n.strip() for n in names):
            return None
        return tuple(n.strip() for n in names)
    if not isinstance(value, str) or not value.strip():
        return None
    if expects is Expects.COLUMN and not COLUMN_NAME.fullmatch(value.strip()):
        return None
    return value.strip()


def _number(value: object, expects: Expects) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    high = 100.0 if expects is Expects.PERCENTILE else MAX_SECONDS
    low_ok = value > 0 if expects is Expects.INTERVAL else value >= 0
    return float(value) if low_ok and value <= high else None


def _written(node: ast.expr) -> str:
    """A choice's value as written, for a problem's words (deep nesting: its start only)."""
    try:
        return _short(ast.unparse(node))
    except (RecursionError, MemoryError):
        return "…"


def _short(text: str) -> str:
    return " ".join(text.split())[:80]


def files(text: str) -> list[str]:
    """The paths or globs of a recipe source's `url` (or a FILES choice)."""
    return [part.strip() for part in text.split(FILES_SEPARATOR) if part.strip()]
