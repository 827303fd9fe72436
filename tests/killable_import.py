"""`python -m kpi import …` that reports each step of its write and waits before going on.

tests/test_imports.py runs this as a child process and kills it (SIGKILL) at one of the steps,
to prove that an import killed while it writes leaves nothing of the file behind. At each step
the child prints `step <name>` and reads a line from stdin before it goes on, so the test kills
it at a moment it knows (a condition it waits for) instead of after a guessed number of seconds.

    python -m tests.killable_import --db URL import responses FILE

Steps, in order: `answers written` (the answers are in the store, inside the open transaction),
`committing` (every statement has run; the commit is next) and `committed` (the import has
returned: the file is in the store).
"""

from __future__ import annotations

import sys

import sqlalchemy as sa

from kpi import cli
from kpi.store import bulk_answers, importing

STEPS = ("answers written", "committing", "committed")


class Steps:
    def __init__(self) -> None:
        self.reached: list[str] = []

    def pause(self, step: str) -> None:
        self.reached.append(step)
        sys.stdout.write(f"step {step}\n")
        sys.stdout.flush()
        sys.stdin.readline()

    def watch(self) -> None:
        insert, run = bulk_answers.bulk_insert_arrow, importing.run

        def insert_then_pause(*args: object, **kwargs: object) -> None:
            insert(*args, **kwargs)  # type: ignore[arg-type]
            self.pause("answers written")

        def run_then_pause(*args: object, **kwargs: object) -> object:
            summary = run(*args, **kwargs)  # type: ignore[arg-type]
            self.pause("committed")
            return summary

        def before_commit(_conn: sa.Connection) -> None:
            if self.reached == ["answers written"]:  # the import's commit, not an earlier one
                self.pause("committing")

        bulk_answers.bulk_insert_arrow = insert_then_pause  # type: ignore[assignment]
        importing.run = run_then_pause  # type: ignore[assignment]
        sa.event.listen(sa.engine.Engine, "commit", before_commit)


if __name__ == "__main__":
    Steps().watch()
    sys.exit(cli.main(sys.argv[1:]))
