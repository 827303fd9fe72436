"""A throw-away PostgreSQL server for the test run, on 127.0.0.1 and a free port.

Started once per test run from Debian's server binaries (with `pytest -n`, by the first process
that needs it; the others attach to it, tests/conftest.py); `initdb` refuses to run as root,
so as root it runs as the `postgres` user. Each test store is a database of its own, dropped when
its test ends. The cluster lives in memory (/dev/shm) where there is one: hundreds of database
copies written to and deleted from a busy disk cost minutes, in memory a fraction of a second.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found: run `make test` (it installs them)")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Server:
    def __init__(self, attach: dict[str, object] | None = None) -> None:
        """Start a server, or with `attach` (what `address` gave) use one another process started."""
        if attach is not None:
            self.root, self.port = Path(str(attach["root"])), int(str(attach["port"]))
            self.data = self.root / "data"
            self._wait()
            return
        memory = Path("/dev/shm")
        self.root = Path(tempfile.mkdtemp(prefix="kpi-pg-", dir=memory if memory.is_dir() else None))
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        data = self.root / "data"
        subprocess.run(
            _as_server_user([_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "kpi", "--no-sync"]),
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=500"
        )
        subprocess.run(
            _as_server_user(
                [_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(self.root / "log"), "-w", "start"]
            ),
            check=True,
            capture_output=True,
        )
        self.data = data
        self._wait()

    def address(self) -> dict[str, object]:
        """Where the server is, for another process to attach to it (`Server(attach=...)`)."""
        return {"root": str(self.root), "port": self.port}

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://kpi@127.0.0.1:{self.port}/{database}"

    def _wait(self) -> None:
        admin = sa.create_engine(self.url("postgres"))
        for _ in range(100):
            try:
                with admin.connect():
                    return
            except sa.exc.OperationalError:
                time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not start")

    def create_database(self, name: str, template: str | None = None) -> str:
        admin = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            clause = f' TEMPLATE "{template}"' if template else ""
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')
        admin.dispose()
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a test's database, closing what the test left open to it."""
        admin = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    def stop(self) -> None:
        subprocess.run(
            _as_server_user([_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)
