"""`python -m kpi pull …` that reports each step of its write and waits before going on.

tests/test_pull.py runs this as a child process and kills it (SIGKILL) at a step it knows, as
tests/killable_import.py does for an import. Steps: `values written` (the month's values and
their audit rows are in the store, inside the open transaction), `committing` (the commit is next).

    python -m tests.killable_pull --db URL pull --month YYYY-MM
"""

from __future__ import annotations

import sys

import sqlalchemy as sa

from kpi import cli
from kpi.store import writes


class Steps:
    def __init__(self) -> None:
        self.reached: list[str] = []

    def pause(self, step: str) -> None:
        self.reached.append(step)
        sys.stdout.write(f"step {step}\n")
        sys.stdout.flush()
        sys.stdin.readline()

    def watch(self) -> None:
        upsert_many = writes.Writer.upsert_many

        def upsert_then_pause(writer: writes.Writer, *args: object, **kwargs: object) -> None:
            upsert_many(writer, *args, **kwargs)  # type: ignore[arg-type]
            self.pause("values written")

        def before_commit(_conn: sa.Connection) -> None:
            if self.reached == ["values written"]:
                self.pause("committing")

        writes.Writer.upsert_many = upsert_then_pause  # type: ignore[method-assign]
        sa.event.listen(sa.engine.Engine, "commit", before_commit)


if __name__ == "__main__":
    Steps().watch()
    sys.exit(cli.main(sys.argv[1:]))
