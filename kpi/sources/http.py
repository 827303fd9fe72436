"""A KPI's values from an HTTP endpoint in Prometheus's `query_range` shape.

The source's URL is the server (`http://prometheus:9090`, or the whole endpoint ending in
`/api/v1/query_range`); its query is PromQL. The month asked for is requested from its first
second to its last in the company's time zone (kpi.sources.zone) at `STEP_SECONDS`, and the
month's value is the mean of the samples returned: an average over the month. For another
figure, say it in PromQL (a monthly total, for instance, as `sum_over_time(…[1h])`, whose
hourly samples then average to the mean per hour). The query
must return one series (aggregate with `sum(…)` or `avg(…)`); none means no value for the month.
A connection, when given, names a bearer token (kpi.domain.sources.Secret.TOKEN, never a
database's URL). It is sent to the source's URL only: a redirect is refused (urllib would carry
the header to wherever it points), and so is plain http to another machine than this one. The
timeout covers connecting and each read.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from http.client import HTTPMessage
from typing import IO

from kpi.domain.sources import Source, bearer_problem, excerpt
from kpi.sources import zone
from kpi.sources.failing import SourceFailed, failed, one_line

ENDPOINT = "/api/v1/query_range"
STEP_SECONDS = 3600
MAX_BYTES = 10_000_000
"""A month of hourly samples is some 30 kB; more than this is not a KPI's answer."""
SHOWN_URL = 120
"""The most characters of a redirect's address a problem shows."""


def run(source: Source, month: date, secret: str | None) -> list[dict[str, object]]:
    """The month's value (one row) or nothing when the query returned no series."""
    url = str(source.url)
    if not url.endswith(ENDPOINT):
        url += ENDPOINT
    start, end = zone.month_seconds(month)
    query = {"query": source.query, "start": str(start), "end": str(end), "step": str(STEP_SECONDS)}
    request = urllib.request.Request(f"{url}?{urllib.parse.urlencode(query)}")
    if secret is not None:
        exposed = bearer_problem(url, source.connection)
        if exposed is not None:
            raise SourceFailed(exposed)
        request.add_unredirected_header("Authorization", f"Bearer {secret}")
    try:
        with _OPENER.open(request, timeout=source.timeout) as response:
            body = response.read(MAX_BYTES + 1)
    except TimeoutError:
        raise failed("timeout", seconds=source.timeout) from None
    except urllib.error.HTTPError as error:
        raise failed("http_status", status=error.code, reason=excerpt(error.reason, 60)) from None
    except (urllib.error.URLError, OSError) as error:
        if isinstance(getattr(error, "reason", None), TimeoutError):
            raise failed("timeout", seconds=source.timeout) from None
        raise failed("query_failed", detail=one_line(error)) from None
    return _month_value(body, month)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is refused, not followed: the source names the endpoint it means."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        fp.close()
        raise failed("redirected", status=code, to=excerpt_url(newurl))


_OPENER = urllib.request.build_opener(_NoRedirects)


def excerpt_url(url: str) -> str:
    """Where a server redirected to, as a problem shows it: the address without a user, query or
    fragment, on one line and at most `SHOWN_URL` characters."""
    parts = urllib.parse.urlsplit(url)
    where = parts._replace(netloc=parts.netloc.rpartition("@")[2], query="", fragment="").geturl()
    return excerpt(where, SHOWN_URL)


def _month_value(body: bytes, month: date) -> list[dict[str, object]]:
    """The mean of the one series' samples; a sample that is not a number stays text, so the
    check of what sources return (kpi.domain.sources.pulled) names it."""
    try:
        answer = json.loads(body) if len(body) <= MAX_BYTES else {}
        series = answer["data"]["result"] if answer["status"] == "success" else None
        samples = [value for _, value in series[0]["values"]] if series else []
    except (ValueError, TypeError, KeyError, IndexError):
        raise failed("not_prometheus") from None
    if series is None:
        raise failed("not_prometheus")
    if len(series) > 1:
        raise failed("many_series", count=len(series))
    if not samples:
        return []
    try:
        numbers = [float(sample) for sample in samples]
    except (TypeError, ValueError):
        text = next(s for s in samples if not _is_number(s))
        return [{"month": month, "value": str(text)}]
    return [{"month": month, "value": sum(numbers) / len(numbers)}]


def _is_number(sample: object) -> bool:
    try:
        float(sample)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True
