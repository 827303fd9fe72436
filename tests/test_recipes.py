"""CX measures from raw events (`kpi.sources.recipes`) against numbers worked out by hand.

Each fixture is a handful of events written here, as CSV, Parquet or JSON; each expected value is
worked out in a comment from those rows, and the ratio-of-sums checks count the fixture's own
rows in plain Python, apart from DuckDB.
"""

import json
from datetime import date, datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpi.domain.errors import Refused
from kpi.domain.ratios import PERCENT, Ratio, combined
from kpi.sources import recipes
from kpi.text import i18n, words

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)

# (number, queue, offered at, seconds to answer, seconds to abandon)
CALLS = [
    (1, "invoice", "2026-10-01 09:00:00", 10, None),
    (2, "invoice", "2026-10-01 09:10:00", 20, None),  # exactly 20 s: within
    (3, "invoice", "2026-10-02 09:00:00", 21, None),
    (4, "invoice", "2026-10-02 09:30:00", 95, None),
    (5, "invoice", "2026-10-02 10:00:00", None, 3),  # a short abandon: not counted
    (6, "invoice", "2026-10-03 08:00:00", None, 5),  # at the 5 s cut-off: still short
    (7, "invoice", "2026-10-03 09:00:00", None, 40),
    (8, "invoice", "2026-10-03 10:00:00", None, None),  # neither answered nor abandoned: not counted
    (9, "sales", "2026-10-01 12:00:00", 5, None),
    (10, "sales", "2026-10-02 12:00:00", 30, None),
    (11, "sales", "2026-10-31 23:59:50", None, 60),  # ends in November, offered in October
    (12, "invoice", "2026-11-02 09:00:00", 15, None),
    (13, "invoice", "2026-11-02 10:00:00", 100, None),
    (14, "invoice", "2026-11-03 09:00:00", None, 2),
    (15, "sales", "2026-11-02 12:00:00", 25, None),
    (16, "sales", "2026-11-03 12:00:00", 10, None),
    (17, "sales", "2026-11-03 13:00:00", 40, None),
    (18, "sales", "2026-11-04 12:00:00", None, 8),
]


def _later(offered: str, seconds: int | None) -> str:
    if seconds is None:
        return ""
    return str(datetime.fromisoformat(offered) + timedelta(seconds=seconds))


def _write_calls(path, calls=CALLS):
    lines = ["queue,offered_at,answered_at,abandoned_at"]
    lines += [f"{q},{at},{_later(at, answer)},{_later(at, gone)}" for _, q, at, answer, gone in calls]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write_calls_parquet(path, calls=CALLS):
    def times(values):
        return pa.array([datetime.fromisoformat(v) if v else None for v in values], pa.timestamp("s"))

    pq.write_table(
        pa.table(
            {
                "queue": [q for _, q, *_ in calls],
                "offered_at": times([at for _, _, at, _, _ in calls]),
                "answered_at": times([_later(at, a) for _, _, at, a, _ in calls]),
                "abandoned_at": times([_later(at, g) for _, _, at, _, g in calls]),
            }
        ),
        path,
    )
    return path


@pytest.fixture
def calls(tmp_path):
    return _write_calls(tmp_path / "calls.csv")


def _values(found):
    return {(m.month, m.group): m.value for m in found}


def test_service_level_by_queue_and_month(calls):
    assert _values(recipes.service_level(calls, by_queue=True)) == pytest.approx(
        {
            (OCT, "invoice"): 40.0,  # counted 1, 2, 3, 4, 7 (5, 6 short, 8 open); within 20 s: 1, 2 → 2/5
            (OCT, "sales"): 100 / 3,  # counted 9, 10, 11; within: 9 → 1/3
            (NOV, "invoice"): 50.0,  # counted 12, 13 (14 short); within: 12 → 1/2
            (NOV, "sales"): 25.0,  # counted 15, 16, 17, 18; within: 16 → 1/4
        }
    )
    october = recipes.service_level(calls, month=OCT)
    assert [(m.month, m.group, m.ratio) for m in october] == [
        (OCT, None, Ratio(3, 8, PERCENT))
    ]  # 2 + 1 of 5 + 3


def test_abandonment_leaves_short_abandons_out(calls):
    assert _values(recipes.abandonment(calls, by_queue=True)) == pytest.approx(
        {
            (OCT, "invoice"): 20.0,  # 7 of 1, 2, 3, 4, 7 (5 and 6 within 5 s leave both)
            (OCT, "sales"): 100 / 3,  # 11 of 9, 10, 11
            (NOV, "invoice"): 0.0,  # 14 is short: 0 of 12, 13
            (NOV, "sales"): 25.0,  # 18 (8 s) of 15, 16, 17, 18
        }
    )
    counted = recipes.abandonment(calls, short_abandon_s=0, month=OCT, queue="invoice")
    assert counted[0].ratio == Ratio(3, 7, PERCENT)  # no cut-off: 5, 6, 7 of 1-7 (8 is never counted)
    within = recipes.service_level(calls, short_abandon_s=0, month=OCT, queue="invoice")
    assert within[0].ratio == Ratio(2, 7, PERCENT)


def test_mean_wait_and_percentiles(calls):
    mean = {(m.month, m.group): m.ratio for m in recipes.mean_wait(calls, by_queue=True, month=OCT)}
    assert mean == {
        (OCT, "invoice"): Ratio(146, 4),  # 10 + 20 + 21 + 95 over 4 answered: 36.5 s
        (OCT, "sales"): Ratio(35, 2),  # 5 + 30: 17.5 s
    }
    # invoice, October, answered waits sorted: 10, 20, 21, 95 (n = 4)
    # p80 at (4 - 1) × 0.8 = 2.4: 21 + 0.4 × (95 - 21) = 50.6; p90 at 2.7: 21 + 0.7 × 74 = 72.8
    invoice = {"queue": "invoice", "month": OCT}
    assert recipes.wait_percentile(calls, percentile=80, **invoice)[0].value == pytest.approx(50.6)
    assert recipes.wait_percentile(calls, percentile=90, **invoice)[0].value == pytest.approx(72.8)
    # both queues, October: 5, 10, 20, 21, 30, 95 (n = 6); p80 at 4.0: 30; p90 at 4.5: 30 + 0.5 × 65 = 62.5
    both = recipes.wait_percentile(calls, percentile=90, month=OCT)
    assert [(m.measure, m.value, m.ratio) for m in both] == [("wait_p90", pytest.approx(62.5), None)]
    assert recipes.wait_percentile(calls, percentile=80, month=OCT)[0].value == pytest.approx(30)


def _by_hand(rows, within=recipes.SERVICE_LEVEL_S, short=recipes.SHORT_ABANDON_S):
    """(answered within, counted, abandoned, total answer wait, answered) of fixture rows."""
    answered = [a for _, _, _, a, _ in rows if a is not None]
    abandoned = [g for _, _, _, a, g in rows if a is None and g is not None and g > short]
    within_n = sum(1 for a in answered if a <= within)
    return within_n, len(answered) + len(abandoned), len(abandoned), sum(answered), len(answered)


def test_months_and_queues_combine_as_a_ratio_of_sums(calls):
    rows = recipes.service_level(calls, by_queue=True)
    invoice = [m.ratio for m in rows if m.group == "invoice"]
    within, counted, *_ = _by_hand([c for c in CALLS if c[1] == "invoice"])
    assert combined(invoice) == Ratio(within, counted, PERCENT) == Ratio(3, 7, PERCENT)  # 2/5 + 1/2
    assert combined(invoice).value != pytest.approx((40 + 50) / 2)  # not the average of the shares

    october = [m.ratio for m in rows if m.month == OCT]
    within, counted, *_ = _by_hand([c for c in CALLS if c[2] < "2026-11"])
    assert (
        combined(october)
        == Ratio(within, counted, PERCENT)
        == recipes.service_level(calls, month=OCT)[0].ratio
    )

    everything = [m.ratio for m in recipes.abandonment(calls, by_queue=True)]
    _, counted, gone, *_ = _by_hand(CALLS)
    assert combined(everything) == Ratio(gone, counted, PERCENT)

    waits = [m.ratio for m in recipes.mean_wait(calls, by_queue=True)]
    *_, total, answered = _by_hand(CALLS)
    assert combined(waits) == Ratio(total, answered)  # 10+20+21+95+5+30+15+100+25+10+40 = 371 s over 11


def test_csv_parquet_and_a_glob_agree(tmp_path, calls):
    _write_calls_parquet(tmp_path / "calls.parquet")
    split = tmp_path / "split"
    split.mkdir()
    _write_calls(split / "calls-2026-10.csv", [c for c in CALLS if c[2] < "2026-11"])
    _write_calls(split / "calls-2026-11.csv", [c for c in CALLS if c[2] >= "2026-11"])
    expected = recipes.service_level(calls, by_queue=True)
    assert len(expected) == 4
    assert recipes.service_level(tmp_path / "calls.parquet", by_queue=True) == expected
    assert recipes.service_level(str(split / "calls-*.csv"), by_queue=True) == expected
    assert recipes.service_level([split / "calls-2026-11.csv"], by_queue=True) == expected[2:]


def test_a_service_priority_with_the_months_worst_day(calls):
    october, november = recipes.compliance(calls, within_s=90, queue="invoice")
    # October, invoice: counted 1, 2, 3 (within 90 s), 4 (95 s), 7 (abandoned) → 3 of 5
    assert (october.month, october.share) == (OCT, Ratio(3, 5, PERCENT))
    # by day: 1 Oct 2 of 2; 2 Oct 1 of 2 (3 yes, 4 no, 5 short); 3 Oct 0 of 1 (7; 6 short, 8 open)
    assert (october.worst_day, october.worst) == (date(2026, 10, 3), Ratio(0, 1, PERCENT))
    assert october.meets(80) is False and october.meets(60) is True
    # November: 12 yes, 13 no (100 s) → 1 of 2; 3 Nov holds only the short abandon 14, so no share
    assert (november.share, november.worst_day, november.worst) == (
        Ratio(1, 2, PERCENT),
        date(2026, 11, 2),
        Ratio(1, 2, PERCENT),
    )
    assert recipes.compliance(calls, queue="nobody") == []


# (session, customer, event, at)
BASKETS = [
    ("s1", "c1", "view", "2026-10-05 10:00:00"),
    ("s1", "c1", "add_to_basket", "2026-10-05 10:01:00"),
    ("s1", "c1", "checkout_start", "2026-10-05 10:05:00"),
    ("s1", "c1", "purchase", "2026-10-05 10:07:00"),
    ("s2", "c2", "add_to_basket", "2026-10-06 10:00:00"),
    ("s2", "c2", "checkout_start", "2026-10-06 10:02:00"),
    ("s3", "c2", "add_to_basket", "2026-10-07 10:00:00"),
    ("s4", "c4", "view", "2026-10-08 10:00:00"),
    ("s5", "c5", "add_to_basket", "2026-10-31 23:50:00"),
    ("s5", "c5", "checkout_start", "2026-11-01 00:10:00"),
    ("s5", "c5", "purchase", "2026-11-01 00:12:00"),
    ("s6", "c6", "add_to_basket", "2026-11-02 10:00:00"),
    ("s7", "c7", "add_to_basket", "2026-11-03 10:00:00"),
    ("s7", "c7", "checkout_start", "2026-11-03 10:01:00"),
    ("s7", "c7", "purchase", "2026-11-03 10:02:00"),
]


@pytest.fixture
def baskets(tmp_path):
    path = tmp_path / "baskets.parquet"
    columns = list(zip(*BASKETS, strict=True))
    at = pa.array([datetime.fromisoformat(v) for v in columns[3]], pa.timestamp("s"))
    pq.write_table(
        pa.table({"session": columns[0], "customer": columns[1], "event": columns[2], "at": at}), path
    )
    return path


def test_abandoned_baskets_and_checkouts(baskets):
    # October sessions (by their first event): s1, s2, s3, s4 and s5 (starts 31 Oct, orders 1 Nov)
    # baskets: s1, s2, s3, s5; not ordered: s2, s3 → 2 of 4
    # checkouts: s1, s2, s5; not ordered: s2 → 1 of 3
    # November: baskets s6, s7, not ordered s6 → 1 of 2; checkouts s7, all ordered → 0 of 1
    assert [(m.month, m.ratio) for m in recipes.abandoned_baskets(baskets)] == [
        (OCT, Ratio(2, 4, PERCENT)),
        (NOV, Ratio(1, 2, PERCENT)),
    ]
    assert [(m.month, m.ratio) for m in recipes.checkout_abandonment(baskets)] == [
        (OCT, Ratio(1, 3, PERCENT)),
        (NOV, Ratio(0, 1, PERCENT)),
    ]
    # both months: 3 of 6 baskets (not the average of 50 % and 50 %, which happens to agree) and
    # 1 of 4 checkouts, where averaging the months' shares would say (33.3 + 0) / 2 = 16.7 %
    assert combined(m.ratio for m in recipes.checkout_abandonment(baskets)) == Ratio(1, 4, PERCENT)


def test_the_session_key_and_the_events_are_choices(baskets):
    # by customer: c2's two sessions are one from 6 Oct with a basket and a checkout, no order;
    # October customers with a basket: c1, c2, c5 → not ordered: c2 → 1 of 3
    by_customer = recipes.abandoned_baskets(baskets, session_key="customer", month=OCT)
    assert [(m.month, m.ratio) for m in by_customer] == [(OCT, Ratio(1, 3, PERCENT))]
    # a checkout counting as done: October baskets s1, s2, s3, s5 without a checkout or order: s3
    done = recipes.abandoned_baskets(baskets, order_events=("checkout_start", "purchase"), month=OCT)
    assert done[0].ratio == Ratio(1, 4, PERCENT)
    with pytest.raises(Refused) as refused:
        recipes.abandoned_baskets(baskets, session_key="visitor")
    assert refused.value.problems[0].key == "recipe.missing_columns"


PROBES = [  # one a minute; 1 Oct 00:05 and 00:06 fall in the maintenance window 00:05-00:07
    ("2026-10-01 00:00:00", True),
    ("2026-10-01 00:01:00", True),
    ("2026-10-01 00:02:00", False),
    ("2026-10-01 00:03:00", False),
    ("2026-10-01 00:04:00", True),
    ("2026-10-01 00:05:00", False),
    ("2026-10-01 00:06:00", False),
    ("2026-10-01 00:07:00", True),  # the window's end is not in it
    ("2026-10-01 00:08:00", True),
    ("2026-10-01 00:09:00", False),
    ("2026-11-01 00:00:00", True),
    ("2026-11-01 00:01:00", True),
    ("2026-11-01 00:02:00", True),
    ("2026-11-01 00:03:00", False),
]


@pytest.fixture
def uptime(tmp_path):
    probes = tmp_path / "probes.jsonl"
    probes.write_text("".join(json.dumps({"at": at, "up": up}) + "\n" for at, up in PROBES), encoding="utf-8")
    windows = tmp_path / "maintenance.csv"
    windows.write_text("start,end\n2026-10-01 00:05:00,2026-10-01 00:07:00\n", encoding="utf-8")
    return probes, windows


def test_availability_and_downtime_leave_planned_maintenance_out(uptime):
    probes, windows = uptime
    # October: 10 probes, 2 in the window → 8 counted, up at 00, 01, 04, 07, 08 → 5 of 8; down 02, 03, 09
    # November: 4 counted, 3 up; 1 down
    assert [(m.month, m.ratio) for m in recipes.availability(probes, windows)] == [
        (OCT, Ratio(5, 8, PERCENT)),
        (NOV, Ratio(3, 4, PERCENT)),
    ]
    assert [(m.month, m.value) for m in recipes.unplanned_downtime(probes, windows)] == [
        (OCT, 3.0),
        (NOV, 1.0),
    ]
    # without the window all 10 count: 5 up of 10, and 05, 06 add 2 minutes down
    assert recipes.availability(probes, month=OCT)[0].ratio == Ratio(5, 10, PERCENT)
    assert recipes.unplanned_downtime(probes, month=OCT)[0].value == 5.0
    # probes every 30 s: October's 3 down probes are 1.5 minutes
    assert recipes.unplanned_downtime(probes, windows, interval_s=30, month=OCT)[0].value == 1.5
    # two months: 8 of 12 up (66.7 %), not (62.5 + 75) / 2 = 68.75 %; 4 minutes, 2 a month
    assert combined(m.ratio for m in recipes.availability(probes, windows)) == Ratio(8, 12, PERCENT)
    downtime = combined(m.ratio for m in recipes.unplanned_downtime(probes, windows))
    assert (downtime.numerator, downtime.value) == (4.0, 2.0)


@pytest.mark.parametrize(
    "numerator, denominator, scale, expected",
    [(906, 1010, PERCENT, 906 / 10.1), (146, 4, 1.0, 36.5), (0, 3, PERCENT, 0.0), (0, 0, PERCENT, None)],
)
def test_a_ratio_and_its_value(numerator, denominator, scale, expected):
    assert Ratio(numerator, denominator, scale).value == (pytest.approx(expected) if expected else expected)


def test_ratios_combine_as_a_ratio_of_sums():
    # 90 % of 1,000 calls and 50 % of 10 are 905 of 1,010 (89.6 %), not the 70 % of an average
    assert combined([Ratio(900, 1000, PERCENT), Ratio(5, 10, PERCENT)]) == Ratio(905, 1010, PERCENT)
    assert combined([], PERCENT).value is None
    with pytest.raises(ValueError):
        combined([Ratio(1, 2, PERCENT), Ratio(3, 4)])


def _refusal(run):
    with pytest.raises(Refused) as refused:
        run()
    (found,) = refused.value.problems
    return found


def test_bad_inputs_are_named(tmp_path, calls):
    nothing = _refusal(lambda: recipes.service_level(str(tmp_path / "none-*.csv")))
    assert (nothing.key, nothing.file) == ("recipe.no_files", str(tmp_path / "none-*.csv"))

    short = tmp_path / "short.csv"
    short.write_text("queue,offered_at,answered_at\ninvoice,2026-10-01 09:00:00,\n", encoding="utf-8")
    missing = _refusal(lambda: recipes.service_level(short))
    assert (missing.key, missing.file, dict(missing.params)["columns"]) == (
        "recipe.missing_columns",
        str(short),
        "abandoned_at",
    )

    text = tmp_path / "text.csv"
    _write_calls(text)
    text.write_text(text.read_text().replace("2026-10-02 09:00:21", "yesterday"), encoding="utf-8")
    bad_time = _refusal(lambda: recipes.service_level(text))
    assert (bad_time.key, bad_time.field, bad_time.file, dict(bad_time.params)["value"]) == (
        "recipe.not_a_time",
        "answered_at",
        str(text),
        "yesterday",
    )

    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"this is no parquet file")
    unreadable = _refusal(lambda: recipes.service_level(broken))
    assert (unreadable.key, unreadable.file) == ("recipe.unreadable", str(broken))

    workbook = tmp_path / "calls.xlsx"
    workbook.write_bytes(b"PK")
    assert _refusal(lambda: recipes.service_level(workbook)).key == "recipe.unknown_format"


def test_bad_values_are_named_in_every_file_of_a_glob(tmp_path):
    folder = tmp_path / "calls"
    folder.mkdir()
    _write_calls(folder / "a.csv", CALLS[:3])
    later = folder / "b.csv"
    later.write_text(
        "queue,offered_at,answered_at,abandoned_at\ninvoice,,2026-10-01 10:00:10,\n", encoding="utf-8"
    )
    empty = _refusal(lambda: recipes.service_level(str(folder / "*.csv")))
    assert (empty.key, empty.field, empty.file) == ("recipe.empty", "offered_at", str(later))
    backwards = _write_calls(folder / "b.csv", [(1, "invoice", "2026-10-01 10:00:00", -30, None)])
    found = _refusal(lambda: recipes.service_level(str(folder / "*.csv")))
    assert (found.key, found.field, found.file) == ("recipe.before_offered", "answered_at", str(backwards))


def test_a_probe_that_is_neither_up_nor_down_is_named(tmp_path):
    probes = tmp_path / "probes.csv"
    probes.write_text("at,up\n2026-10-01 00:00:00,true\n2026-10-01 00:01:00,maybe\n", encoding="utf-8")
    found = _refusal(lambda: recipes.availability(probes))
    assert (found.key, found.field, dict(found.params)["value"]) == ("recipe.not_up_down", "up", "maybe")


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "text.csv: column answered_at: “yesterday” is not a date and time"),
        ("da", "text.csv: kolonne answered_at: »yesterday« er ikke en dato og et klokkeslæt"),
    ],
)
def test_a_refusal_in_words_names_file_and_column(tmp_path, language, expected):
    text = tmp_path / "text.csv"
    text.write_text(
        "queue,offered_at,answered_at,abandoned_at\ninvoice,2026-10-01,yesterday,\n", encoding="utf-8"
    )
    found = _refusal(lambda: recipes.service_level(text))
    with i18n.use(language):
        said = words.problem(found)
    assert said.startswith(str(tmp_path / expected.split(":")[0]))
    assert expected.split(": ", 1)[1] in said


def test_an_empty_time_in_a_parquet_file_is_named_from_its_null_count(tmp_path):
    kept = _write_calls_parquet(tmp_path / "a.parquet", CALLS[:2])
    holey = tmp_path / "b.parquet"
    pq.write_table(
        pa.table({"queue": ["invoice"], "offered_at": pa.array([None], pa.timestamp("s"))})
        .append_column("answered_at", pa.array([None], pa.timestamp("s")))
        .append_column("abandoned_at", pa.array([None], pa.timestamp("s"))),
        holey,
    )
    found = _refusal(lambda: recipes.service_level(str(tmp_path / "*.parquet")))
    assert (found.key, found.field, found.file) == ("recipe.empty", "offered_at", str(holey))
    assert recipes.service_level(kept)[0].ratio == Ratio(2, 2, PERCENT)  # 10 s and 20 s, both within 20 s


def test_a_maintenance_window_that_ends_before_it_starts_is_named(uptime, tmp_path):
    probes, _ = uptime
    windows = tmp_path / "backwards.csv"
    windows.write_text("start,end\n2026-10-01 00:07:00,2026-10-01 00:05:00\n", encoding="utf-8")
    found = _refusal(lambda: recipes.availability(probes, windows))
    assert (found.key, found.file, dict(found.params)["start"]) == (
        "recipe.window_backwards",
        str(windows),
        "2026-10-01 00:07:00",
    )


def test_times_are_read_as_written_and_an_offset_is_turned_into_utc(tmp_path):
    path = tmp_path / "zones.csv"
    path.write_text(
        "queue,offered_at,answered_at,abandoned_at\n"
        "invoice,2026-11-01 00:30:00,2026-11-01 00:30:10,\n"  # no zone: as written, November
        "invoice,2026-11-01 00:30:00+02:00,2026-11-01 00:31:00+02:00,\n",  # 31 Oct 22:30 UTC: October
        encoding="utf-8",
    )
    assert [(m.month, m.ratio) for m in recipes.mean_wait(path)] == [(OCT, Ratio(60, 1)), (NOV, Ratio(10, 1))]
