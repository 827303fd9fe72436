"""Mail and webhooks: the one way the cockpit sends anything (`send`, alerts, and later `remind`).

Mail goes through the standard library's `smtplib` to the server the settings name
(`KPI_SMTP_*` or `[smtp]` in `.streamlit/secrets.toml`), one connection per letter, so a letter
the server refuses is named and the others still go. A webhook gets a plain JSON POST,
`{"text": …}` (as plain text: `chat_text`), which Teams and Slack incoming webhooks both
accept. Its URL is a secret named by the department it serves; like an HTTP source it must be
https (plain http only to this machine), and a redirect is refused rather than followed, so
the text goes where it was meant to and nowhere else. Nothing here raises for a refused
delivery: each send returns "" or why it failed, in one line.
"""

from __future__ import annotations

import json
import re
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from http.client import HTTPMessage
from typing import IO
from urllib.parse import urlsplit

from kpi import settings
from kpi.domain import bounds, identity
from kpi.domain.errors import Problem
from kpi.domain.sources import travels_safely
from kpi.text.i18n import t

TIMEOUT_S = 30.0
"""Seconds a mail server or webhook may take to answer."""
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@dataclass(frozen=True)
class Letter:
    """One mail: to whom, about what, plain text, and its attachment (file name, bytes)."""

    to: str
    name: str
    subject: str
    body: str
    attachment: tuple[str, bytes] | None = None


def missing() -> Problem | None:
    """What keeps mail from being sent (no server or sender configured), or None."""
    chosen = settings.current()
    if not chosen.smtp_host or not chosen.smtp_from:
        return Problem("delivery.no_smtp")
    return None


def message(letter: Letter, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = formataddr((letter.name, letter.to))
    mail["Subject"] = letter.subject
    mail.set_content(bounds.without_controls(letter.body))  # what a store kept from before the check
    if letter.attachment is not None:
        filename, content = letter.attachment
        maintype, subtype = PPTX.split("/")
        mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return mail


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def one_line(error: BaseException | str) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {_text(error.smtp_error)}"
    elif isinstance(error, smtplib.SMTPRecipientsRefused):
        text = "; ".join(f"{code} {_text(reply)}" for code, reply in error.recipients.values())
    else:
        text = str(error) or type(error).__name__
    return " ".join(text.split())[:300]


def send(letter: Letter) -> str:
    """Hand `letter` to the mail server: "" when it took it, else why not (one line). An address
    that is not one e-mail address (a store kept from before they were checked) gets nothing:
    `a@b.example>,victim@x.example` was sent to both."""
    if not identity.is_email(letter.to):
        return t("delivery.not_an_address")
    chosen = settings.current()
    try:
        with smtplib.SMTP(chosen.smtp_host, chosen.smtp_port, timeout=TIMEOUT_S) as server:
            if chosen.smtp_starttls:
                server.starttls(context=ssl.create_default_context())
            if chosen.smtp_user:
                server.login(chosen.smtp_user, settings.smtp_password() or "")
            server.send_message(message(letter, chosen.smtp_from))
    except (smtplib.SMTPException, OSError, ValueError) as error:  # ValueError: a header it cannot write
        return one_line(error)
    return ""


def webhook_problem(url: str) -> str:
    """Why `url` may not be posted to ("" when it may): https, or plain http to this machine."""
    if travels_safely(url):
        return ""
    parts = urlsplit(url)
    return f"not https: {parts.scheme or '?'}://{parts.hostname or ''}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed: urllib then reports the 3xx answer as an HTTPError."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


_CHAT_MARKUP = re.compile(r"([\[\]*_`~])")
"""What a chat's Markdown reads as a link (`[label](address)`), emphasis or code."""


def chat_text(text: str) -> str:
    """`text` as a chat shows it, character for character: Slack reads `&`, `<!channel>` and
    `<address|label>` as markup, so they are written as entities, and a word joiner after each
    character Teams' or Slack's Markdown would read (`[Sign in](https://…)`, `*URGENT*`, `_x_`)
    leaves it a character. (An action titled `<!channel> <https://evil.example|Sign in again>` went out
    as an @channel and a disguised link.)"""
    plain = bounds.without_controls(text)  # what a store kept from before the check
    escaped = plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _CHAT_MARKUP.sub("\\1\u2060", escaped)


def post(url: str, text: str) -> str:
    """POST `{"text": text}` to the webhook at `url` as plain text (`chat_text`, and Slack's
    formatting off): "" when it answered 2xx, else why not."""
    refused = webhook_problem(url)
    if refused:
        return refused
    body = json.dumps({"text": chat_text(text), "mrkdwn": False}, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_S) as answer:
            answer.read(1000)
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code} {error.reason}"[:300]
    except (urllib.error.URLError, OSError, ValueError) as error:
        return one_line(getattr(error, "reason", None) or error)
    return ""
