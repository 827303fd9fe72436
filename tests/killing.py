"""Killing an import or a pull with SIGKILL at a step of its write it reports: the plumbing the
tests share that prove such a kill leaves all or nothing (tests/test_imports.py, tests/test_pull.py,
tests/test_priority_events.py).

The child, `python -m tests.killing --db URL import …` or `… pull …`, runs the command as
`python -m kpi` does, but at each step of its write prints `step <name>` and reads a line from
stdin before it goes on; the test (`killed_at`) answers each step and kills it at the one it
wants, a moment it knows (a condition it waits for) instead of after a guessed number of seconds.

Steps of an import, in order: `answers written` (the answers are in the store, inside the open
transaction), `committing` (every statement has run; the commit is next) and `committed` (the
import has returned: the file is in the store). Steps of a pull: `values written` (a batch of
values and their audit rows are in the store, inside the open transaction: the KPIs' values,
then the months of service priorities measured over call records) and, after a single batch,
`committing`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from kpi import cli
from kpi.store import bulk_answers, importing, writes

ROOT = Path(__file__).resolve().parents[1]
"""The repository, as tests.conftest.ROOT: not imported from there, which the child would then load."""


@dataclass(frozen=True)
class Killed:
    """What became of a child killed at a step."""

    reached: list[str]
    """The steps it reported, in order: the last is the one it was killed at, unless it ended first."""
    code: int | None
    """Its exit code: negative, the signal that ended it (-9 for SIGKILL)."""
    err: str
    """What it said on stderr."""


def killed_at(args: Sequence[str], step: str, *, times: int = 1) -> Killed:
    """Run `python -m kpi args` (an import or a pull) in a child that reports each step of its
    write; let it go on at every step until it reports `step` for the `times`th time, and SIGKILL
    it there."""
    with tempfile.TemporaryFile(mode="w+") as said:  # not a pipe: a refusal of many lines filled one
        child = subprocess.Popen(  # while this side read stdout, and both waited for ever
            [sys.executable, "-m", "tests.killing", *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=said,
            text=True,
        )
        assert child.stdin is not None and child.stdout is not None
        reached: list[str] = []
        try:
            for line in child.stdout:  # blocks until the child reports a step or ends
                if not line.startswith("step "):
                    continue
                reached.append(line.removeprefix("step ").strip())
                if reached[-1] == step and reached.count(step) == times:
                    child.kill()
                    break
                child.stdin.write("\n")
                child.stdin.flush()
        finally:
            child.kill()  # a no-op when it has ended; never leave a child holding the store
            child.communicate()
            said.seek(0)
            err = said.read()
    return Killed(reached, child.returncode, err)


# --- the child ------------------------------------------------------------------------------------


class Steps:
    """The steps the child has reached; at each it says so and waits for a line on stdin."""

    def __init__(self) -> None:
        self.reached: list[str] = []

    def pause(self, step: str) -> None:
        self.reached.append(step)
        sys.stdout.write(f"step {step}\n")
        sys.stdout.flush()
        sys.stdin.readline()

    def pause_before_commit(self, after: str) -> None:
        """`committing` before the commit that follows `after` (the write's own commit, not an
        earlier one), when `after` is the only step reached."""

        def before_commit(_conn: sa.Connection) -> None:
            if self.reached == [after]:
                self.pause("committing")

        sa.event.listen(sa.engine.Engine, "commit", before_commit)

    def watch_import(self) -> None:
        insert, run = bulk_answers.bulk_insert_arrow, importing.run

        def insert_then_pause(*args: object, **kwargs: object) -> None:
            insert(*args, **kwargs)  # type: ignore[arg-type]
            self.pause("answers written")

        def run_then_pause(*args: object, **kwargs: object) -> object:
            summary = run(*args, **kwargs)  # type: ignore[arg-type]
            self.pause("committed")
            return summary

        bulk_answers.bulk_insert_arrow = insert_then_pause  # type: ignore[assignment]
        importing.run = run_then_pause  # type: ignore[assignment]
        self.pause_before_commit("answers written")

    def watch_pull(self) -> None:
        upsert_many = writes.Writer.upsert_many

        def upsert_then_pause(writer: writes.Writer, *args: object, **kwargs: object) -> None:
            upsert_many(writer, *args, **kwargs)  # type: ignore[arg-type]
            self.pause("values written")

        writes.Writer.upsert_many = upsert_then_pause  # type: ignore[method-assign]
        self.pause_before_commit("values written")


def main(argv: list[str]) -> int:
    """`python -m kpi argv`, its write's steps watched as its command (import or pull) has them."""
    steps = Steps()
    watches: dict[str, Callable[[], None]] = {"import": steps.watch_import, "pull": steps.watch_pull}
    command = next(arg for arg in argv if arg in watches)
    watches[command]()
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
