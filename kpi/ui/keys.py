"""Cache keys made here, so Streamlit's caches hash one short string instead of the arguments.

`st.cache_data` and `st.cache_resource` hash every argument of every call: a dataclass (a
scope, a person, a trend's spec) is first copied into a dict, a `date` or a frozenset goes
through a dozen type tests before pickling's `__reduce__`, and each positional argument's name
is looked up with `inspect.signature`. A warm Departments run spent a quarter of its time there
(py-spy over thirty warm runs, docs/performance.md). `of` turns the arguments into one string, exact
for the kinds the cached functions take; a scope's part is made once per scope (they are few and
in every call). The cached functions take that string as `key` and the arguments themselves under
a name Streamlit leaves out of the hash (one that starts with "_"), both by keyword.

`of` refuses a kind it does not know rather than guess: an object's default `repr` holds its
address, which a later object can reuse, and two different arguments with one key would hand one
viewer's result to another.
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import date
from enum import Enum
from typing import Any

from kpi.domain.access import Scope


def of(*values: Any) -> str:
    """One string that two calls share exactly when their arguments are equal (for a set, an
    equal set in any order)."""
    return repr(tuple(_part(value) for value in values))


def _part(value: Any) -> Any:
    """`value` as plain data whose `repr` is exact: numbers, text, dates and tuples of them."""
    if isinstance(value, Enum):  # before text and numbers: a StrEnum is a str
        return (type(value).__qualname__, value.value)
    if value is None or isinstance(value, bool | int | float | str | date):
        return value  # a datetime is a date; its repr names it and its time zone
    if isinstance(value, Scope):
        return _scope(value)
    if isinstance(value, tuple | list):
        return type(value)(_part(item) for item in value)
    if isinstance(value, frozenset | set):
        return ("set", tuple(sorted((_part(item) for item in value), key=repr)))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__qualname__, *(_part(getattr(value, f.name)) for f in fields))
    raise TypeError(f"no cache key for a {type(value).__qualname__}: add its kind to kpi.ui.keys")


@functools.lru_cache(maxsize=1024)
def _scope(scope: Scope) -> tuple:
    """A scope's part, once per scope: every department, goal and KPI in it, in order."""
    return ("Scope", *(_part(getattr(scope, f.name)) for f in dataclasses.fields(scope)))
