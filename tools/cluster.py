"""Several app processes on one PostgreSQL store, behind HAProxy with sticky sessions.

    python tools/cluster.py [--processes 2] [--port 8600] [--database URL]      (make cluster)

Starts N app processes (`python -m kpi.ui.launch`, by tools/serve.py) on free loopback ports,
all on the same PostgreSQL store (`KPI_DATABASE_URL`), and Debian's HAProxy in front of them on
one address, with the configuration `haproxy_config` writes (the README shows it):

- sticky sessions: the first answer to a browser sets a cookie naming the process that served
  it, and every later request of that browser (the page, the websocket Streamlit keeps open, the
  images and downloads a process keeps in its own memory) goes to that process;
- websockets: HAProxy passes the upgrade through and then keeps the tunnel open for an hour of
  silence (Streamlit pings it far more often);
- a process that dies: HAProxy's health check (Streamlit's `/_stcore/health`, twice a second)
  takes it out within a second, and a request for it meanwhile is sent to a living one
  (`option redispatch`); Streamlit's browser client reconnects by itself and gets a new session
  there, which draws the page it was on.

Without `--database` it starts a throw-away PostgreSQL server (tests/pg.py, Debian's binaries)
holding the demo company, and removes it at the end. It runs until stopped (Ctrl-C). The tests
(tests/test_cluster.py) and `make load --processes K` use `cluster()` the same way.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi.demo.generate import Company, generate
from tools import serve

COOKIE = "cockpit_process"
"""The sticky-session cookie HAProxy sets: the name of the process that serves the browser."""
HEALTH_SECONDS = serve.START_SECONDS
"""How long an app process or the proxy may take to answer its health check (tools/serve.py)."""
DEMO_END = date(2026, 10, 1)
"""The demo company's last month without `--database`: the month `make load` and the tests use."""


def haproxy() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if not found:
        raise RuntimeError("HAProxy not found: run `make test` or `make load` (they install it)")
    return found


COMPRESSION = """    compression algo gzip                # a new browser's first page: 2.95 MB, 1.53 MB compressed
    compression type text/html text/css application/javascript application/json
"""
"""Compress what the browser loads (HAProxy's libslz, fast and stateless): Streamlit's own server
leaves its static code uncompressed (it measured a local load better so) and expects a proxy to
compress for a network; its files are kept by browsers for a year, so each browser pays once."""


def haproxy_config(
    port: int,
    apps: Sequence[tuple[str, int]],
    stats_socket: Path | None = None,
    address: str = "127.0.0.1",
    compress: bool = True,
) -> str:
    """HAProxy's configuration: `address`:`port` in front of `apps` (name, port) on 127.0.0.1,
    compressing what it passes on (`COMPRESSION`) unless `compress` is off (the reference of
    `make bench`'s remote first page)."""
    servers = "\n".join(
        f"    server {name} 127.0.0.1:{app_port} cookie {name} check inter 500ms fall 2 rise 2"
        for name, app_port in apps
    )
    stats = f"    stats socket {stats_socket} mode 600 level operator\n" if stats_socket else ""
    compression = COMPRESSION if compress else ""
    return f"""global
    maxconn 4096
{stats}
defaults
    mode http
    option forwardfor
    option redispatch 1                  # a retry goes to another process when its own is gone
    retries 2
    timeout connect 5s
    timeout client 1h                    # a meeting's browser may sit on one slide
    timeout server 1h
    timeout tunnel 1h                    # the websocket Streamlit keeps open
    timeout http-request 10s
    timeout queue 30s
    timeout check 10s                    # a busy process answers late; a dead one refuses at once
{compression}
frontend cockpit
    bind {address}:{port}
    default_backend app

backend app
    balance roundrobin                   # a new browser goes to the next process
    cookie {COOKIE} insert indirect nocache httponly
    option httpchk GET /_stcore/health
    http-check expect string ok
{servers}
"""


@dataclass
class App:
    name: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    base: str
    """The proxy's address, `http://127.0.0.1:PORT`: the only one people use."""
    store_url: str
    config: str
    """HAProxy's configuration as it was started."""
    apps: dict[str, App]
    settings: dict[str, str] = field(default_factory=dict)
    stats_socket: Path | None = None
    logs: Path | None = None

    def kill(self, name: str) -> None:
        """SIGKILL one process, as a crash or the OOM killer would end it: no clean shutdown."""
        app = self.apps[name]
        app.process.send_signal(signal.SIGKILL)
        app.process.wait()

    def start(self, name: str) -> None:
        """Start a process again on its port, and wait until the proxy sends people to it."""
        app = self.apps[name]
        if app.process.poll() is None:
            return
        log = self.logs / f"{name}.log" if self.logs else None
        app.process = serve.start(self.store_url, app.port, log, **self.settings)
        serve.wait_healthy(app.base, app.process, HEALTH_SECONDS)
        self.wait_for_state(name, "UP")

    def states(self) -> dict[str, str]:
        """What HAProxy thinks of each process: UP, DOWN, or a transition ("UP 1/2")."""
        assert self.stats_socket is not None
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(self.stats_socket))
            s.sendall(b"show stat\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        rows = csv.DictReader(b"".join(chunks).decode().lstrip("# ").splitlines())
        return {row["svname"]: row["status"] for row in rows if row["svname"] in self.apps}

    def wait_for_state(self, name: str, state: str, seconds: float = HEALTH_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        while self.states().get(name) != state:
            if time.monotonic() > deadline:
                raise RuntimeError(f"HAProxy did not see {name} {state}: {self.states()}")
            time.sleep(0.1)


@contextmanager
def cluster(
    store_url: str,
    processes: int = 2,
    port: int | None = None,
    logs: Path | None = None,
    compress: bool = True,
    **settings: str,
) -> Iterator[Cluster]:
    """`processes` app processes on `store_url` (PostgreSQL) behind HAProxy on `port` (a free
    one when not given), all healthy through the proxy, until the block ends; then everything
    it started is stopped. What the processes and the proxy print is kept in `logs` when given
    (appN.log, haproxy.log); `compress` as `haproxy_config`'s."""
    folder = Path(tempfile.mkdtemp(prefix="kpi-cluster-"))
    logs = logs or folder
    logs.mkdir(parents=True, exist_ok=True)
    apps: dict[str, App] = {}
    proxy: subprocess.Popen[bytes] | None = None
    try:
        for number in range(1, processes + 1):
            app_port = serve.free_port()
            name = f"app{number}"
            apps[name] = App(
                name, app_port, serve.start(store_url, app_port, logs / f"{name}.log", **settings)
            )
        for app in apps.values():
            serve.wait_healthy(app.base, app.process, HEALTH_SECONDS)
        port = port or serve.free_port()
        stats = folder / "haproxy.sock"
        config = haproxy_config(port, [(a.name, a.port) for a in apps.values()], stats, compress=compress)
        (folder / "haproxy.cfg").write_text(config)
        with open(logs / "haproxy.log", "wb") as log:
            proxy = subprocess.Popen([haproxy(), "-db", "-f", str(folder / "haproxy.cfg")], stderr=log)
        running = Cluster(f"http://127.0.0.1:{port}", store_url, config, apps, dict(settings), stats, logs)
        serve.wait_healthy(running.base, proxy, HEALTH_SECONDS)
        for name in apps:
            running.wait_for_state(name, "UP")
        yield running
    finally:
        if proxy is not None:
            serve.stop(proxy)
        for app in apps.values():
            if app.process.poll() is None:
                serve.stop(app.process)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_store(company: Company) -> Iterator[str]:
    """A throw-away PostgreSQL server (tests/pg.py) holding `company`, until the block ends; its URL."""
    from kpi.store import engine, seeding, setup
    from tests.pg import Server

    server = Server()
    try:
        url = server.create_database("cockpit")
        store = engine.create(url)
        setup.ensure(store)
        with engine.writing(store) as conn:
            seeding.load_company(conn, company, who="demo")
        store.dispose()
        yield url
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument(
        "--database", help="a PostgreSQL store's URL (default: a throw-away server with the demo company)"
    )
    args = parser.parse_args()
    if args.database and not os.environ.get("KPI_AUTH_MODE"):
        print(
            "set KPI_AUTH_MODE (oidc or header, see the README's Sign-in) for your own store", file=sys.stderr
        )
        return 2
    settings = {"KPI_AUTH_MODE": os.environ.get("KPI_AUTH_MODE") or "demo"}
    if not args.database:
        print("starting a throw-away PostgreSQL server with the demo company …", flush=True)
    with (
        nullcontext(args.database) if args.database else postgres_store(generate(DEMO_END)) as url,
        cluster(url, args.processes, args.port, **settings) as running,
    ):
        print(running.config)
        for app in running.apps.values():
            print(f"{app.name}: {app.base} (pid {app.process.pid})")
        print(f"the cockpit: {running.base}   (Ctrl-C stops everything)", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while True:  # a process that ends is started again; its sessions meanwhile reconnect to another
                for app in running.apps.values():
                    if app.process.poll() is not None:
                        print(f"{app.name} ended ({app.process.returncode}); starting it again", flush=True)
                        running.start(app.name)
                time.sleep(1)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
