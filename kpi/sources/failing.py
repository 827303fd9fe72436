"""What a source's run says when it fails, shared by every kind's runner."""

from __future__ import annotations

import re

from kpi.domain.errors import Problem, Refused
from kpi.domain.sources import excerpt

MAX_ROWS = 10_000
"""More rows than this is not a KPI's months but a query that forgot to group them."""


class SourceFailed(Refused):
    """A source could not give its values; the problem says why. Nothing was written."""


def failed(key: str, **params: object) -> SourceFailed:
    """A runner's failure (`source.<key>`), as one problem."""
    return SourceFailed(Problem(f"source.{key}", "", tuple(params.items())))


DETAIL_LIMIT = 200
"""The most characters of a driver's or server's error a problem shows."""
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def one_line(error: BaseException) -> str:
    """A driver's error as one short line: what the database or server said, each quoted part
    (where drivers put the value that did not fit: `could not convert string '…' to DOUBLE`)
    cut to a short excerpt, so a message never carries a database's contents out whole."""
    text = " ".join(str(getattr(error, "orig", None) or error).split())
    text = _QUOTED.sub(lambda quoted: quoted[0][0] + excerpt(quoted[0][1:-1]) + quoted[0][-1], text)
    return excerpt(text, DETAIL_LIMIT)


def outside(folders: tuple[str, ...] | None) -> SourceFailed:
    """A source asked for a file outside the folders it may read, or for the network."""
    return failed("outside_folders", folders=", ".join(folders or ()) or "–")
