"""What a source's run says when it fails, shared by every kind's runner."""

from __future__ import annotations

from kpi.domain.errors import Problem, Refused

MAX_ROWS = 10_000
"""More rows than this is not a KPI's months but a query that forgot to group them."""


class SourceFailed(Refused):
    """A source could not give its values; the problem says why. Nothing was written."""


def failed(key: str, **params: object) -> SourceFailed:
    """A runner's failure (`source.<key>`), as one problem."""
    return SourceFailed(Problem(f"source.{key}", "", tuple(params.items())))


def one_line(error: BaseException) -> str:
    """A driver's error as one short line: what the database or server said."""
    text = str(getattr(error, "orig", None) or error)
    return " ".join(text.split())[:300]


def outside(folders: tuple[str, ...] | None) -> SourceFailed:
    """A source asked for a file outside the folders it may read, or for the network."""
    return failed("outside_folders", folders=", ".join(folders or ()) or "–")
