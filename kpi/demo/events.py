"""The demo company's raw events: call records, basket events, uptime probes and maintenance.

`init --demo` writes them beside the store (`folder`) and gives six KPIs a recipe source over
them (`sources`), then pulls every month, so the call centre's waits, service level and
abandonment, the webshop's abandoned baskets and the servers' unplanned downtime come from
events, as a real company's would. Their story must stay the story of company.toml, so the
events are not drawn freely: each month's events are built to give the value kpi.demo.generate
drew for it (its level, Christmas, the outage, its noise), to within what whole calls, sessions
and minutes allow (tests/test_demo_events.py holds them to it, and every status of the last
year to the drawn one's). Availability (IT_UPTIME) keeps its drawn value: company.toml draws its
noise apart from downtime's, and one stream of probes cannot give both (the `availability`
recipe over these probes lands within 0.06 points of it, but that flips a month's status).

Choices (the README's demo section says them too):
- Calls: `CALLS_A_MONTH` counted calls, `INVOICE_SHARE` of them in the `invoice` queue (the service
  priority "invoice callers wait at most 90 seconds" is about those), the rest in `orders`,
  `delivery` and `other`. Abandoned calls waited 6 to 240 s (all counted: above the recipes' 5 s
  cut-off); `SHORT_ABANDONS` more hung up within 5 s and count nowhere. Answered waits: those
  answered within 30 s (as CS_SL counts) spread over 1-30 s, the rest a long tail above 30 s
  scaled so each queue's mean is the drawn one. Calls come on weekdays 8-18.
- Baskets: `SESSIONS_A_MONTH` sessions with a basket (`add_to_basket`), some of them browsing
  first (`view`); those that buy go on with `checkout_start` and `purchase`, and some that
  abandon get as far as `checkout_start`.
- Probes: one a minute (`at`, `up`), down in 1-3 unplanned outages adding up to the month's
  drawn downtime (whole minutes), and down in the month's planned maintenance window, the first
  Sunday 02:00-04:00 (`maintenance.csv`), which the recipes leave out.

Every random number comes from a generator seeded by (seed, kind, month), like generate's, so
the same seed and months give the same files, byte for byte.
"""

from __future__ import annotations

import calendar
import csv
import random
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import sqlalchemy as sa

from kpi.demo.generate import DEFAULT_SEED, Company
from kpi.domain import months
from kpi.domain.model import EventMeasure

CALLS_A_MONTH = 2400
INVOICE_SHARE = 0.25
QUEUES = ("orders", "delivery", "other")
SHORT_ABANDONS = 40
SESSIONS_A_MONTH = 1500
WITHIN_S = 30
"""CS_SL's "answered within 30 s"."""
FILES = {
    "calls": "calls.parquet",
    "baskets": "baskets.parquet",
    "probes": "probes.parquet",
    "maintenance": "maintenance.csv",
}


def folder(url: str) -> Path:
    """Where the demo's events live for the store at `url`: beside a DuckDB file
    (`data/kpi.duckdb` → `data/kpi.duckdb.events/`); for a database server, `data/events/<name>/`
    under the folder the command runs in. Absolute, so the sources work from anywhere."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "duckdb" and parsed.database and parsed.database != ":memory:":
        return Path(parsed.database + ".events").resolve()
    return (Path("data") / "events" / (parsed.database or "store")).resolve()


def sources(where: Path) -> list[dict[str, object]]:
    """The recipe sources of the demo's KPIs, as `kpi_source` rows, over the events in `where`."""
    calls, baskets, probes = (str(where / FILES[k]) for k in ("calls", "baskets", "probes"))
    planned = repr(str(where / FILES["maintenance"]))
    chosen = {
        "CS_WAIT": ("mean_wait()", calls),
        "CS_INVOICE_WAIT": ("mean_wait(queue='invoice')", calls),
        "CS_SL": (f"service_level(within_s={WITHIN_S})", calls),
        "CS_ABANDON": ("abandonment()", calls),
        "ECOM_ABANDON": ("abandoned_baskets()", baskets),
        "IT_DOWNTIME": (f"unplanned_downtime(maintenance={planned})", probes),
    }
    return [
        {"kpi": kpi, "kind": "recipe", "connection": None, "query": query, "url": url, "timeout": 60.0}
        for kpi, (query, url) in chosen.items()
    ]


PRIORITY_MEASURED = "SP1"
"""The service priority the demo measures over its call records: "Invoice callers wait at most
90 seconds", 80 % of them within it. Its KPI, the invoice queue's mean wait, meets 90 s in
some months in which a fifth of the callers waited longer (October 2026: a mean of 85 s, 78 %
within 90 s); the events tell."""


def priority_measures(where: Path) -> dict[str, EventMeasure]:
    """The demo's service priority measured over the call records in `where`."""
    calls = str(where / FILES["calls"])
    return {PRIORITY_MEASURED: EventMeasure(files=calls, within_s=90.0, share=80.0, queue="invoice")}


SOURCED = ("CS_WAIT", "CS_INVOICE_WAIT", "CS_SL", "CS_ABANDON", "ECOM_ABANDON", "IT_DOWNTIME")
"""The KPIs whose values come from the events (those of `sources`)."""


def write(company: Company, where: Path, seed: int = DEFAULT_SEED) -> None:
    """Write the events of every month of `company`'s history into `where`."""
    drawn: dict[str, dict[date, float]] = {}
    for m in company.measurements:
        drawn.setdefault(m.kpi, {})[m.month] = m.value
    history = sorted(drawn["CS_WAIT"])
    where.mkdir(parents=True, exist_ok=True)
    _write_calls(where / FILES["calls"], history, drawn, seed)
    _write_baskets(where / FILES["baskets"], history, drawn["ECOM_ABANDON"], seed)
    _write_probes(where, history, drawn["IT_DOWNTIME"], seed)


# --- calls ---------------------------------------------------------------------------------------

_US = 1_000_000
_EPOCH = datetime(1970, 1, 1)


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _write_calls(path: Path, history: Sequence[date], drawn: dict[str, dict[date, float]], seed: int) -> None:
    columns: dict[str, list] = {"queue": [], "offered_at": [], "answered_at": [], "abandoned_at": []}
    for month in history:
        rng = random.Random(f"{seed}:events:calls:{months.key(month)}")
        calls = _month_calls(month, rng, {k: drawn[k][month] for k in SOURCED[:4]})
        for queue, offered, answered, abandoned in sorted(calls, key=lambda c: c[1]):
            columns["queue"].append(queue)
            columns["offered_at"].append(offered)
            columns["answered_at"].append(answered)
            columns["abandoned_at"].append(abandoned)
    stamp = pa.timestamp("us")
    table = pa.table(
        {
            "queue": pa.array(columns["queue"], pa.string()),
            **{
                name: pa.array(columns[name], stamp) for name in ("offered_at", "answered_at", "abandoned_at")
            },
        }
    )
    _parquet(table, path)


def _parquet(table: pa.Table, path: Path) -> None:
    """Written small: times as deltas (a probe a minute takes next to nothing), zstd."""
    import pyarrow.parquet as pq  # only here: 5 MB that a process serving pages never needs

    times = [name for name in table.column_names if pa.types.is_timestamp(table.schema.field(name).type)]
    texts = [name for name in table.column_names if name not in times and name != "up"]
    pq.write_table(
        table,
        path,
        row_group_size=50_000,
        compression="zstd",
        use_dictionary=texts,  # type: ignore[arg-type]  # a list of columns is allowed too
        column_encoding=dict.fromkeys(times, "DELTA_BINARY_PACKED"),
    )


def _month_calls(
    month: date, rng: random.Random, values: dict[str, float]
) -> list[tuple[str, int, int | None, int | None]]:
    """(queue, offered, answered, abandoned) in µs since 1970 for the month's calls, so that the
    recipes give the drawn wait (all queues and invoice), service level and abandonment."""
    total = CALLS_A_MONTH
    abandoned = round(total * values["CS_ABANDON"] / 100)
    answered = total - abandoned
    within = min(round(total * values["CS_SL"] / 100), answered)
    invoice = round(answered * INVOICE_SHARE)
    invoice_within = round(within * INVOICE_SHARE)
    others = answered - invoice
    wait, invoice_wait = values["CS_WAIT"], values["CS_INVOICE_WAIT"]
    other_wait = (wait * answered - invoice_wait * invoice) / others
    waits = [("invoice", w) for w in _waits(rng, invoice, invoice_within, invoice_wait)]
    waits += [(rng.choice(QUEUES), w) for w in _waits(rng, others, within - invoice_within, other_wait)]
    calls: list[tuple[str, int, int | None, int | None]] = []
    for queue, waited in waits:
        offered = _offered(month, rng)
        calls.append((queue, offered, offered + waited, None))
    for _ in range(abandoned):
        offered = _offered(month, rng)
        calls.append(
            (rng.choice(("invoice", *QUEUES)), offered, None, offered + rng.randint(6_000, 240_000) * 1000)
        )
    for _ in range(SHORT_ABANDONS):
        offered = _offered(month, rng)
        calls.append(
            (rng.choice(("invoice", *QUEUES)), offered, None, offered + rng.randint(500, 5_000) * 1000)
        )
    return calls


def _waits(rng: random.Random, count: int, fast: int, mean: float) -> list[int]:
    """`count` waits in µs, `fast` of them 1-30 s, whose sum is `count` × `mean` seconds (to the
    µs): the slow ones' part above 30 s is drawn, then scaled to make up the rest."""
    quick = [rng.randint(1_000_000, WITHIN_S * _US) for _ in range(fast)]
    slow = count - fast
    if slow == 0:
        return quick
    wanted = round(mean * count * _US) - sum(quick)  # what the slow ones must add up to
    floor = WITHIN_S * _US + 1
    excess = [rng.expovariate(1.0) for _ in range(slow)]
    scale = max(wanted - floor * slow, slow) / sum(excess)  # the drawn levels leave room above 30 s
    tail = [floor + int(e * scale) for e in excess]
    tail[-1] = max(tail[-1] + wanted - sum(tail), floor)  # the µs lost to rounding
    return quick + tail


def _offered(month: date, rng: random.Random) -> int:
    """A moment on a weekday of the month, 8:00-18:00, in µs."""
    days = calendar.monthrange(month.year, month.month)[1]
    while True:
        day = month.replace(day=rng.randint(1, days))
        if day.weekday() < 5:
            break
    start = datetime(day.year, day.month, day.day, 8)
    return _micros(start) + rng.randrange(10 * 3600 * _US)


# --- baskets -------------------------------------------------------------------------------------


def _write_baskets(path: Path, history: Sequence[date], drawn: dict[date, float], seed: int) -> None:
    """Per month `SESSIONS_A_MONTH` sessions with a basket, the drawn share of them abandoned."""
    columns: dict[str, list] = {"session": [], "event": [], "at": []}
    for month in history:
        rng = random.Random(f"{seed}:events:baskets:{months.key(month)}")
        abandoned = round(SESSIONS_A_MONTH * drawn[month] / 100)
        bought = [False] * abandoned + [True] * (SESSIONS_A_MONTH - abandoned)
        rng.shuffle(bought)
        for number, buys in enumerate(bought, start=1):
            start = (
                _micros(datetime(month.year, month.month, 1))
                + rng.randrange(_month_seconds(month) - 7200) * _US
            )
            steps = (["view"] if rng.random() < 0.6 else []) + ["add_to_basket"]
            steps += (
                ["checkout_start", "purchase"] if buys else (["checkout_start"] if rng.random() < 0.3 else [])
            )
            at = start
            for step in steps:
                columns["session"].append(f"{months.key(month)}-{number:05d}")
                columns["event"].append(step)
                columns["at"].append(at)
                at += rng.randint(20, 900) * _US
    table = pa.table(
        {
            "session": pa.array(columns["session"], pa.string()),
            "event": pa.array(columns["event"], pa.string()),
            "at": pa.array(columns["at"], pa.timestamp("us")),
        }
    )
    _parquet(table, path)


def _month_seconds(month: date) -> int:
    return calendar.monthrange(month.year, month.month)[1] * 86_400


# --- probes and maintenance ----------------------------------------------------------------------


def _maintenance(month: date) -> tuple[datetime, datetime]:
    """The month's planned window: its first Sunday, 02:00 to 04:00."""
    sunday = next(month.replace(day=d) for d in range(1, 8) if month.replace(day=d).weekday() == 6)
    start = datetime(sunday.year, sunday.month, sunday.day, 2)
    return start, start + timedelta(hours=2)


def _write_probes(where: Path, history: Sequence[date], drawn: dict[date, float], seed: int) -> None:
    """A probe a minute; down for the drawn unplanned minutes (in 1-3 outages) and in the window."""
    stamps, ups = [], []
    windows = [_maintenance(month) for month in history]
    for month, (planned_start, planned_end) in zip(history, windows, strict=True):
        rng = random.Random(f"{seed}:events:probes:{months.key(month)}")
        first = _micros(datetime(month.year, month.month, 1)) // (60 * _US)
        minutes = np.arange(first, first + _month_seconds(month) // 60, dtype=np.int64)
        up = np.ones(len(minutes), dtype=bool)
        planned = slice(
            _micros(planned_start) // (60 * _US) - first, _micros(planned_end) // (60 * _US) - first
        )
        up[planned] = False
        for start, length in _outages(rng, round(drawn[month]), len(minutes), planned):
            up[start : start + length] = False
        stamps.append(minutes * 60 * _US)
        ups.append(up)
    table = pa.table(
        {
            "at": pa.array(np.concatenate(stamps), pa.timestamp("us")),
            "up": pa.array(np.concatenate(ups), pa.bool_()),
        }
    )
    _parquet(table, where / FILES["probes"])
    with (where / FILES["maintenance"]).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["start", "end"])
        writer.writerows((f"{s:%Y-%m-%d %H:%M:%S}", f"{e:%Y-%m-%d %H:%M:%S}") for s, e in windows)


def _outages(rng: random.Random, down: int, length: int, planned: slice) -> Iterable[tuple[int, int]]:
    """1-3 outages (first minute, minutes) adding up to `down` minutes, none touching each other
    or the planned window, so each down minute is counted once."""
    if down <= 0:
        return []
    count = min(rng.randint(1, 3), down)
    cuts = sorted(rng.sample(range(1, down), count - 1)) if count > 1 else []
    lengths = [b - a for a, b in zip([0, *cuts], [*cuts, down], strict=True)]
    taken = [(planned.start - 1, planned.stop + 1)]
    found = []
    for minutes in lengths:
        while True:
            start = rng.randrange(0, length - minutes)
            if all(start + minutes < a or start > b for a, b in taken):
                break
        taken.append((start - 1, start + minutes + 1))
        found.append((start, minutes))
    return found
