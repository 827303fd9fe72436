"""Real parts for KPI sources to read in tests: a PostgreSQL database of monthly figures, CSV
and Parquet files, and HTTP servers on 127.0.0.1 (one answering in Prometheus's `query_range`
shape, one that never answers)."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import sqlalchemy as sa

FIGURES = [  # month, contacts, resolved, wait (seconds)
    ("2026-09-01", 1000, 700, 41.5),
    ("2026-10-01", 1200, 900, 38.25),
    ("2026-11-01", 800, 640, 35.0),
]


@contextmanager
def figures_database(pg_server) -> Iterator[str]:
    """A database of its own on the test PostgreSQL with a table `monthly` of `FIGURES`; its URL."""
    name = "figures_" + uuid.uuid4().hex[:10]
    url = pg_server.create_database(name)
    feed = sa.create_engine(url)
    with feed.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE monthly (month date, contacts integer, resolved integer, wait numeric(8, 2))"
        )
        conn.execute(
            sa.text("INSERT INTO monthly VALUES (CAST(:m AS date), :c, :r, :w)"),
            [{"m": m, "c": c, "r": r, "w": w} for m, c, r, w in FIGURES],
        )
        conn.exec_driver_sql("CREATE SEQUENCE counter")
    feed.dispose()
    try:
        yield url
    finally:
        pg_server.drop_database(name)


def write_files(folder: Path) -> dict[str, Path]:
    """`FIGURES` as two CSV files (one glob reads both) and one Parquet file."""
    folder.mkdir(parents=True, exist_ok=True)
    header = "month,contacts,resolved,wait\n"
    for index, rows in enumerate((FIGURES[:2], FIGURES[2:])):
        lines = "".join(f"{m[:7]},{c},{r},{w}\n" for m, c, r, w in rows)
        (folder / f"part{index}.csv").write_text(header + lines, encoding="utf-8")
    parquet = folder / "figures.parquet"
    with duckdb.connect() as conn:
        conn.execute(f"COPY (SELECT * FROM read_csv('{folder}/part*.csv')) TO '{parquet}' (FORMAT parquet)")
    return {"csv": folder / "part*.csv", "parquet": parquet}


class Prometheus:
    """`/api/v1/query_range` on 127.0.0.1: each query answers with its series (`answers`), every
    sample of the month asked for; what was asked is kept in `asked`, the Authorization header
    each request carried (None without) in `authorization`. With `redirect` set, every request
    is answered 302, pointing to that server with the same path."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.asked: list[dict[str, str]] = []
        self.authorization: list[str | None] = []
        self.redirect: str | None = None
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                asked = {k: v[0] for k, v in parse_qs(url.query).items()}
                owner.asked.append(asked)
                owner.authorization.append(self.headers.get("Authorization"))
                if owner.redirect is not None:
                    self.send_response(302)
                    self.send_header("Location", owner.redirect + self.path)
                    self.end_headers()
                    return
                if url.path != "/api/v1/query_range" or asked.get("query") not in owner.answers:
                    self.send_response(400)
                    self.end_headers()
                    return
                start = float(asked["start"])
                result = [
                    {"metric": {"n": str(i)}, "values": [[start + 3600 * k, v] for k, v in enumerate(values)]}
                    for i, values in enumerate(owner.answers[asked["query"]])
                ]
                body = json.dumps({"status": "success", "data": {"resultType": "matrix", "result": result}})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Prometheus:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def silent_server() -> Iterator[str]:
    """A server on 127.0.0.1 that takes connections and never answers; its URL."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
