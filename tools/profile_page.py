"""Where a page's run goes: the script's top costs and what the run sends to the browser.

    python tools/profile_page.py overview --as mette.kjaer@havnhjem.example [--month 2026-10]
        [--query goal=S2] [--runs 5] [--top 25] [--db duckdb:////tmp/x.duckdb]
    python tools/profile_page.py overview --url http://localhost:8631 [--pid PID] [--runs 10]

Runs the page through Streamlit's AppTest on the store named by `--db` (or `KPI_DATABASE_URL`),
in demo sign-in, as the person `--as`. The first run fills the caches; the next `--runs` are each a
new session on the warm caches, as people arriving at a meeting are (`make load --burst`). It
prints the median CPU time of those runs in the script's thread (fair on a busy machine, where
wall times mostly measure the others), the functions that took most of one more run (cProfile,
inside the script's thread; cumulative time, our code and Streamlit's element calls), and every
message the run sent: the count and the serialised bytes by element kind (what the server writes
to the websocket, one frame each; the browser then renders each one).

With `--url` it asks a running app instead (demo sign-in), as `make load` does: each run is a new
websocket session opening the page, timed from asking to the app saying the run finished, with
the bytes and messages that came over the wire. That time includes what AppTest leaves out: the
server's session, its serialising and sending of every message, and what Streamlit does after a
run; with `--pid` (the app's process id) it also reports the app's CPU time per run, all threads.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit import config
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

config.set_option("runner.enforceSerializableSessionState", False)  # AppTest keeps an unpicklable helper

PROFILE = cProfile.Profile()
SENT: list[ForwardMsg] = []
SCRIPT_SECONDS: list[float] = []
"""Each run's CPU time in the script's thread: the page's run as a server makes it, without
AppTest's own work around it (starting the session, reading the elements back), and without
what other processes of a busy machine take from it (its wall time is in SCRIPT_WALL)."""
SCRIPT_WALL: list[float] = []
profiling = False


def _watched(run_thread: Callable[[LocalScriptRunner], None]) -> Callable[[LocalScriptRunner], None]:
    """The script thread's body, timed, and under PROFILE when `profiling` (cProfile sees only
    the thread it is enabled in); the messages it sent kept in SENT."""

    def run(self: LocalScriptRunner) -> None:
        if profiling:
            PROFILE.enable()
        started, spent = time.perf_counter(), time.thread_time()
        try:
            run_thread(self)
        finally:
            SCRIPT_SECONDS.append(time.thread_time() - spent)
            SCRIPT_WALL.append(time.perf_counter() - started)
            PROFILE.disable()
            SENT.clear()
            SENT.extend(self.forward_msgs())

    return run


LocalScriptRunner._run_script_thread = _watched(LocalScriptRunner._run_script_thread)  # type: ignore[method-assign,assignment]  # the one way in


def kind_of(message: ForwardMsg) -> str:
    """`element:echarts_chart`, `block`, `script_finished` …: what a message carries."""
    kind = message.WhichOneof("type")
    if kind != "delta":
        return kind or "?"
    delta = message.delta
    what = delta.WhichOneof("type")
    if what == "new_element":
        return f"element:{delta.new_element.WhichOneof('type')}"
    return what or "delta"


def sent_table(messages: list[ForwardMsg]) -> list[tuple[str, int, int]]:
    """(kind, count, bytes) of one run's messages, the most bytes first."""
    count: Counter[str] = Counter()
    size: Counter[str] = Counter()
    for message in messages:
        kind = kind_of(message)
        count[kind] += 1
        size[kind] += message.ByteSize()
    return sorted(((k, count[k], size[k]) for k in count), key=lambda row: -row[2])


def session(args: argparse.Namespace) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params["month"] = args.month
    at.query_params["as"] = args.viewer
    for pair in args.query:
        name, _, value = pair.partition("=")
        at.query_params[name] = value
    return at


def one_run(args: argparse.Namespace, profiled: bool = False) -> float:
    """A new session opening the page; the CPU time of the page's run in its thread, in seconds."""
    global profiling
    at = session(args)
    if args.page != "overview":
        at.run()  # the frame's first run lands on the Overview: the page is the switch after it
        at.switch_page(f"pages/{args.page}.py")
    profiling = profiled
    try:
        at.run()
    finally:
        profiling = False
    if at.exception:
        raise SystemExit(f"page failed: {at.exception[0].message}")
    return SCRIPT_SECONDS[-1]


def cpu_seconds(pid: int | None) -> float:
    """CPU seconds the process has used, all its threads (0 without a process id): on a busy
    machine the fair measure of a run's cost, where wall times mostly measure the others."""
    if not pid:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def over_the_wire(args: argparse.Namespace) -> int:
    """Time `--runs` new sessions opening the page on the app at `--url`, one after another."""
    from tools.load import _connect, _rerun, _until_finished

    async def one() -> tuple[float, int, Counter[str]]:
        query = "&".join([f"month={args.month}", f"as={args.viewer}", *args.query])
        kinds, sizes = Counter[str](), []

        def seen(message: ForwardMsg, size: int) -> None:
            kinds[kind_of(message)] += 1
            sizes.append(size)

        async with _connect(args.url) as ws:
            started = time.perf_counter()
            await _rerun(ws, "" if args.page == "overview" else args.page, query)
            await asyncio.wait_for(_until_finished(ws, seen), 60)
            return time.perf_counter() - started, sum(sizes), kinds

    async def runs() -> tuple[list[tuple[float, int, Counter[str]]], float]:
        await one()  # the first may fill caches
        before = cpu_seconds(args.pid)
        done = [await one() for _ in range(args.runs)]
        return done, cpu_seconds(args.pid) - before

    done, cpu = asyncio.run(runs())
    seconds = [s for s, _b, _k in done]
    _s, received, kinds = done[-1]
    print(f"{args.page} at {args.url} as {args.viewer}, {args.month}, each run a new session: ", end="")
    print(f"median {statistics.median(seconds):.3f} s, best {min(seconds):.3f} s over {len(seconds)} runs")
    if args.pid:
        print(f"the app process's CPU time per run: {cpu / len(done):.3f} s (all its threads)")
    print("runs: " + " ".join(f"{s:.3f}" for s in seconds))
    print(f"received: {sum(kinds.values())} messages, {received / 1024:.1f} KiB")
    for kind, count in kinds.most_common():
        print(f"  {kind:<34} {count:>4}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="a file name in pages/ without .py: overview, goal_cascade …")
    parser.add_argument("--as", dest="viewer", default="mette.kjaer@havnhjem.example")
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--query", action="append", default=[], help="name=value, more URL parameters")
    parser.add_argument("--runs", type=int, default=5, help="warm runs, each a new session")
    parser.add_argument("--top", type=int, default=25, help="functions listed")
    parser.add_argument("--db", default=os.environ.get("KPI_DATABASE_URL", ""))
    parser.add_argument("--url", help="time a running app over its websocket instead: http://localhost:8631")
    parser.add_argument(
        "--pid", type=int, help="with --url: the app's process id, to report its CPU time per run"
    )
    args = parser.parse_args()
    if args.url:
        return over_the_wire(args)
    if not args.db:
        parser.error("name the store: --db duckdb:////tmp/x.duckdb (python -m kpi --db … init --demo)")
    os.environ["KPI_DATABASE_URL"] = args.db
    os.environ["KPI_AUTH_MODE"] = "demo"
    cold = one_run(args)
    warm = [one_run(args) for _ in range(args.runs)]
    wall = SCRIPT_WALL[-args.runs :]
    profiled = one_run(args, profiled=True)
    print(
        f"{args.page} as {args.viewer}, {args.month}: first run {cold:.3f} s CPU; warm, each a new session: "
    )
    print(
        f"  CPU median {statistics.median(warm):.3f} s, best {min(warm):.3f} s over {len(warm)} runs", end=""
    )
    print(f" (wall median {statistics.median(wall):.3f} s, load average {os.getloadavg()[0]:.1f})")
    print(f"  the profiled run took {profiled:.3f} s CPU: cProfile slows every call")
    rows = sent_table(SENT)
    total = sum(size for _kind, _count, size in rows)
    print(f"\nsent: {sum(c for _k, c, _s in rows)} messages, {total / 1024:.1f} KiB")
    for kind, count, size in rows:
        print(f"  {kind:<34} {count:>4} {size / 1024:>8.1f} KiB")
    print(f"\ntop costs of the profiled run (cumulative, {args.top} shown):")
    stats = pstats.Stats(PROFILE)
    stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
