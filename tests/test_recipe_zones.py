"""Event recipes count months and days in the company's time zone (`kpi.sources.zone`).

The boundary: `2026-11-01T00:30:00+01:00` is 31 October 23:30 UTC and 1 November 00:30 in
Copenhagen, so it is October's in UTC and November's in Copenhagen. A time without an offset is
the company's local time as written: `2026-11-01 00:30:00` is November's in either zone.
"""

from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpi.domain.ratios import PERCENT, Ratio
from kpi.sources import recipes, zone

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)
HEADER = "queue,offered_at,answered_at,abandoned_at\n"
ZONES = [("UTC", OCT, date(2026, 10, 31)), ("Europe/Copenhagen", NOV, date(2026, 11, 1))]


@pytest.mark.parametrize("name, month, day", ZONES)
def test_a_call_with_an_offset_counts_in_the_month_and_day_of_the_company_s_zone(tmp_path, name, month, day):
    calls = tmp_path / "calls.csv"
    calls.write_text(
        HEADER + "invoice,2026-11-01T00:30:00+01:00,2026-11-01T00:30:30+01:00,\n", encoding="utf-8"
    )
    with zone.within(name):
        assert [(m.month, m.ratio) for m in recipes.mean_wait(calls)] == [(month, Ratio(30, 1))]
        # asked for the month by name: the call is found in it (30 s: not within 20 s)
        assert [m.ratio for m in recipes.service_level(calls, month=month)] == [Ratio(0, 1, PERCENT)]
        (kept,) = recipes.compliance(calls, within_s=90)  # answered within 90 s, on its day
    assert (kept.month, kept.share, kept.worst_day) == (month, Ratio(1, 1, PERCENT), day)


@pytest.mark.parametrize("name", ["UTC", "Europe/Copenhagen"])
def test_a_call_without_an_offset_is_local_time_as_written(tmp_path, name):
    calls = tmp_path / "calls.csv"
    calls.write_text(HEADER + "invoice,2026-11-01 00:30:00,2026-11-01 00:30:10,\n", encoding="utf-8")
    with zone.within(name):
        (found,) = recipes.compliance(calls)
    assert (found.month, found.worst_day) == (NOV, date(2026, 11, 1))


@pytest.mark.parametrize("name, month, _", ZONES)
def test_parquet_timestamps_with_a_zone_are_instants_and_without_one_local_times(tmp_path, name, month, _):
    """A Parquet TIMESTAMP (no zone) is as written, November's anywhere; a TIMESTAMPTZ (31 October
    23:30 UTC) falls in the company's month: DuckDB reads the two types, the recipe counts both."""

    def write(path, kind, offered):
        answered = offered.replace(second=20)
        times = {"offered_at": [offered], "answered_at": [answered], "abandoned_at": [None]}
        pq.write_table(
            pa.table({"queue": ["invoice"], **{k: pa.array(v, kind) for k, v in times.items()}}), path
        )
        return path

    naive = write(tmp_path / "naive.parquet", pa.timestamp("s"), datetime(2026, 11, 1, 0, 30))
    aware = write(
        tmp_path / "aware.parquet", pa.timestamp("s", tz="UTC"), datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
    )
    with zone.within(name):
        assert [(m.month, m.ratio) for m in recipes.mean_wait(naive)] == [(NOV, Ratio(20, 1))]
        assert [(m.month, m.ratio) for m in recipes.mean_wait(aware)] == [(month, Ratio(20, 1))]


def test_a_wait_across_the_end_of_summer_time_is_the_time_that_passed(tmp_path):
    """25 October 2026, Copenhagen: 02:59 summer time (+02:00) to 02:01 winter time (+01:00) is
    two minutes, though the clock reads earlier: not a call answered before it was offered."""
    calls = tmp_path / "calls.csv"
    calls.write_text(
        HEADER + "invoice,2026-10-25T02:59:00+02:00,2026-10-25T02:01:00+01:00,\n", encoding="utf-8"
    )
    with zone.within("Europe/Copenhagen"):
        assert [(m.month, m.ratio) for m in recipes.mean_wait(calls)] == [(OCT, Ratio(120, 1))]


@pytest.mark.parametrize("name, month, _", ZONES)
def test_a_basket_session_counts_in_the_company_s_month_of_its_first_event(tmp_path, name, month, _):
    """s1 starts 31 October 23:30 UTC (00:30 on 1 November in Copenhagen) and never orders;
    s2 starts 1 November at noon local time and orders: November holds s2, and s1 in Copenhagen."""
    events = tmp_path / "baskets.csv"
    events.write_text(
        "session,event,at\n"
        "s1,add_to_basket,2026-10-31T23:30:00Z\n"
        "s2,add_to_basket,2026-11-01 12:00:00\n"
        "s2,purchase,2026-11-01 12:05:00\n",
        encoding="utf-8",
    )
    with zone.within(name):
        found = [(m.month, m.ratio) for m in recipes.abandoned_baskets(events)]
    expected = {
        OCT: [(OCT, Ratio(1, 1, PERCENT)), (NOV, Ratio(0, 1, PERCENT))],
        NOV: [(NOV, Ratio(1, 2, PERCENT))],
    }
    assert found == expected[month]


@pytest.mark.parametrize("name, month, _", ZONES)
def test_probes_and_maintenance_windows_read_in_the_company_s_zone(tmp_path, name, month, _):
    """Two probes down at 31 October 23:30 and 23:31 UTC; a window of local time 00:30 to 00:31 on
    1 November takes the first of them out in Copenhagen only (in UTC it is 1 November 00:30)."""
    probes = tmp_path / "probes.csv"
    probes.write_text("at,up\n2026-10-31T23:30:00Z,false\n2026-10-31T23:31:00Z,false\n", encoding="utf-8")
    windows = tmp_path / "maintenance.csv"
    windows.write_text("start,end\n2026-11-01 00:30:00,2026-11-01 00:31:00\n", encoding="utf-8")
    with zone.within(name):
        found = [(m.month, m.ratio) for m in recipes.unplanned_downtime(probes, windows)]
    assert found == [(month, Ratio(1.0 if month == NOV else 2.0, 1))]
