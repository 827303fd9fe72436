"""One kind of error for everything a person can be told "no" about, carrying what went wrong.

Any layer may raise a `CockpitError`: the domain when a value cannot be read, the store when a
change is refused or the file is busy, the packs when LibreOffice is missing. It carries
`Problem`s (a message key and its values), never text in a language: `kpi.text.words` puts
them into words for whoever reads them. Each front end catches the base class once and maps it:
the app shows a message, the command line prints a line and exits with the code of its kind.
Pure, so the rules can raise it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong, as a message key and the values the message needs."""

    key: str
    """A catalogue key: a bare key (`required`) lives under `problem.`, a dotted one
    (`edit.denied`) is the whole key."""
    field: str = ""
    """What the problem is about: a form field (its label is `field.<name>` in the catalogue,
    or a dotted catalogue key), or a file's column."""
    params: tuple[tuple[str, object], ...] = ()
    file: str = ""
    """The import file the problem was found in, if any."""
    row: int = 0
    """The file's row as a spreadsheet numbers it (the header is row 1); 0 for the whole file."""


class CockpitError(Exception):
    """Something a person is told instead of what they asked for; nothing was written."""

    def __init__(self, problems: Problem | Iterable[Problem]) -> None:
        self.problems = (problems,) if isinstance(problems, Problem) else tuple(problems)
        super().__init__("; ".join(_sketch(p) for p in self.problems))


def _sketch(found: Problem) -> str:
    """A problem for a log or a test failure (people see `kpi.text.words.said`)."""
    values = ", ".join(f"{name}={value}" for name, value in found.params)
    where = f"{found.file}:{found.row} " if found.file else ""
    return f"{where}{found.field + ': ' if found.field else ''}{found.key}({values})"


class Refused(CockpitError):
    """The input cannot be accepted as it is; the problems say what to change."""


class NotFound(Refused):
    """The request names something the store does not hold (a code, a person, an action)."""


class Denied(CockpitError):
    """The person may not do this."""


class Busy(CockpitError):
    """The store is held by another process and did not come free in time; try again later."""


class Unavailable(CockpitError):
    """A store or tool the request needs cannot be used (a newer store, no LibreOffice)."""


class Usage(CockpitError):
    """The request is malformed: an option's value the command cannot use (a month that is not
    one, or outside the window; an unknown `--as`; a store URL that cannot be read)."""


class BadSetting(CockpitError):
    """A setting (an environment variable) holds a value the product cannot use."""
