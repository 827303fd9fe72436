"""A real SMTP server and a webhook receiver on 127.0.0.1, for the tests of `send` and alerts.

The SMTP server is aiosmtpd's, run in a thread: it speaks the protocol as a mail server does, and
keeps each message it accepts as the bytes that arrived. A recipient named in `refuse` is refused
with 550, as a server refuses an unknown mailbox. The webhook receiver is the standard library's
HTTP server, keeping each POST's path and JSON body.
"""

from __future__ import annotations

import email
import email.policy
import io
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from pptx import Presentation

from kpi import settings


@dataclass
class Received:
    to: str
    message: EmailMessage

    @property
    def body(self) -> str:
        part = self.message.get_body(("plain",))
        return part.get_content() if part is not None else ""

    @property
    def attachments(self) -> list[tuple[str, bytes]]:
        return [(a.get_filename() or "", a.get_payload(decode=True)) for a in self.message.iter_attachments()]


@dataclass
class _Handler:
    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        for to in envelope.rcpt_tos:
            self.received.append(Received(to.lower(), message))  # type: ignore[arg-type]
        return "250 Message accepted"


@dataclass
class Mailserver:
    host: str
    port: int
    handler: _Handler

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if r.to == address.lower()]


@contextmanager
def mailserver() -> Iterator[Mailserver]:
    handler = _Handler()
    with (
        socket.socket() as probe
    ):  # a free port: aiosmtpd checks its server by connecting to the port asked for
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield Mailserver("127.0.0.1", port, handler)
    finally:
        controller.stop()


@dataclass
class Webhooks:
    url: str
    posts: list[tuple[str, dict]]

    def to(self, path: str) -> list[dict]:
        return [body for at, body in self.posts if at == path]


@contextmanager
def webhooks() -> Iterator[Webhooks]:
    posts: list[tuple[str, dict]] = []

    class Receive(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            posts.append((self.path, json.loads(self.rfile.read(length))))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"1")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receive)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Webhooks(f"http://127.0.0.1:{server.server_address[1]}", posts)
    finally:
        server.shutdown()
        server.server_close()


def use(monkeypatch: pytest.MonkeyPatch, server: Mailserver | None, **webhook_urls: str) -> None:
    """Point the settings at `server` (no STARTTLS: the test server speaks plain SMTP on the
    loopback) and each department's webhook at its URL."""
    if server is not None:
        for name, value in (
            ("KPI_SMTP_HOST", server.host),
            ("KPI_SMTP_PORT", str(server.port)),
            ("KPI_SMTP_FROM", "cockpit@havnhjem.example"),
            ("KPI_SMTP_STARTTLS", "no"),
        ):
            monkeypatch.setenv(name, value)
    for code, url in webhook_urls.items():
        monkeypatch.setenv(f"KPI_WEBHOOK_{code.upper()}", url)
    settings.forget()


def slides_in(pack: bytes) -> int:
    """The pack opened with python-pptx: how many slides it holds."""
    return len(Presentation(io.BytesIO(pack)).slides)
