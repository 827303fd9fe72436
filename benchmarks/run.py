"""The benchmark: our time against a reference measured in the same run, as a ratio.

    make bench            (or: python benchmarks/run.py [--quick])

Builds a large company with the demo generator (428 departments, 2,020 KPIs, 1,776 goals, ten
years of monthly values, 5 million survey answers) in a temporary DuckDB store, then measures:

- status_vs_sql_floor: every KPI's and goal's status for a month (kpi.store.monthly) against
  one hand-written DuckDB query computing the same month values from the raw answers (the
  floor): those of every month status reads (the month, last month, a year before);
- status_vs_one_month_sql: the same against a query for the report month's values alone;
- status_vs_pandas: the same against plain pandas over the whole tables computing the same
  statuses, roll-up and warnings (benchmarks/pandas_status.py, checked to agree with ours);
- status_vs_pandas_values: the same against plain pandas computing only the month values;
- page_<page>_warm / _cold: each page's server-side run in AppTest, first and cached;
- data_version_per_run: what a page's run pays to learn the store's data version (the file
  unchanged: a look at it) against opening the DuckDB file and reading the row;
- import_vs_read_csv: 1 million survey answers through the full import against DuckDB's read_csv;
- import_with_words: the same million answers each naming its respondent, a fifth with a
  comment of its own, against the file without those two columns (ratio: what they cost);
- import_refused_one_bad_cell: the same million answers with one score off its scale, refused
  (every problem named, nothing written), against the good file accepted; `held_s` is how long
  the import held the store;
- import_refused_every_row: 20,000 monthly values none of whose value cells is a number, refused
  with every problem named, against the same rows with a number in each (read, then refused as
  repeats of one month);
- service_level_vs_sql: one month of 1 million call records (Parquet) through the service-level
  recipe (kpi.sources.recipes) against DuckDB reading the same file with a hand-written query;
  the median of nine turns each, the two checked to agree first;
- deck_build: the whole month's deck for an executive (kpi.store.decks) against the month's
  status report it is built from;
- pptx_30_slides: a 30-slide pack against python-pptx writing 30 slides of plain text;
- pdf_30_slides: the same pack as PDF (LibreOffice) against LibreOffice converting the 30 slides
  of plain text (left out without LibreOffice);
- app_peak_memory_mb: the peak memory of a `streamlit run` process that served every page;
- drivers_1m: the driver analysis (kpi.domain.drivers) of 1 million respondents rating 5
  touchpoints with 1,000 bootstrap resamples, against one least-squares fit of the NPS on the
  five ratings; drivers_1m_by_segment: the same for all of them and each of two segments, as
  the Drivers tab makes it;
- felt_first_page, felt_clicks, felt_cold_large (benchmarks/felt.py): what one person waits for
  in Chromium. The app started on a fresh copy of the demo store, process start to the Overview
  drawn; the demo's CEO clicking every sidebar page and ten Present slides by key (median and
  maximum of click to drawn); each page's first visit on a freshly started large company. Each
  against a bare Streamlit script of two pages started, opened and clicked the same way;
  felt_first_page_returning: the first page after start in a browser that has opened it before;
  felt_first_page_remote: the Overview over a 10 Mbit/s line through HAProxy with the README's
  configuration, against the same proxy not compressing (left out without HAProxy).

`--only NAME[,NAME…]` runs those items (their functions' names in benchmarks/items.py and
benchmarks/felt.py); the large company is built only for the items that read it.

Prints a table and writes benchmarks/results.json:
{"date", "machine", "items": [{"name", "ours_s", "reference", "reference_s", "ratio"}]}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import felt, items
from kpi import collector

STORELESS = {
    items.drivers_1m,
    felt.felt_first_page,
    felt.felt_first_page_returning,
    felt.felt_first_page_remote,
    felt.felt_clicks,
}
"""Items that do not read the large company (the felt items load the demo of their own)."""
STANDARD = {"name", "ours_s", "reference", "reference_s", "ratio"}
"""Every item's fields, the table's columns; the rest an item tells is printed below its line."""


def _machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small company, to try the benchmark out")
    parser.add_argument(
        "--only",
        metavar="NAME[,NAME]",
        help="run only these items (e.g. drivers_1m or felt_first_page,felt_clicks)",
    )
    args = parser.parse_args()
    # as the app and the command line run, for every in-process item: what is measured and the
    # references it is measured against (the SQL floor, pandas) alike
    collector.tune()
    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kpi-bench-") as tmp:
        folder = Path(tmp)
        measures = [
            items.status_vs_sql_floor,
            items.status_vs_pandas,
            items.segments_vs_sql,
            items.pages,
            items.data_version_read,
            items.import_vs_read_csv,
            items.import_with_words,
            items.import_refused_one_bad_cell,
            items.import_refused_every_row,
            items.import_goals_and_actions,
            items.service_level_vs_sql,
            items.deck_build,
            items.pptx_30_slides,
            items.pdf_30_slides,
            items.app_peak_memory,
            items.drivers_1m,
            felt.felt_first_page,
            felt.felt_first_page_returning,
            felt.felt_first_page_remote,
            felt.felt_clicks,
            felt.felt_cold_large,
        ]
        if args.only:
            asked = args.only.split(",")
            unknown = set(asked) - {m.__name__ for m in measures}
            if unknown:
                parser.error(f"no item {', '.join(sorted(unknown))}")
            measures = [m for m in measures if m.__name__ in asked]
        store = None
        if any(m not in STORELESS for m in measures):
            store = items.build_company(folder, quick=args.quick)
            print(f"company built in {time.perf_counter() - started:.0f} s", flush=True)
        for measure in measures:
            produced = measure(folder, store, quick=args.quick)
            for item in produced if isinstance(produced, list) else [produced]:
                results.append(item)
                reference = (
                    f"{item['reference_s']:>10}" if item.get("reference_s") is not None else f"{'':>10}"
                )
                ratio = f"{item['ratio']:>7}" if item.get("ratio") is not None else f"{'':>7}"
                print(
                    f"{item['name']:<28}{item['ours_s']:>10}{reference}{ratio}  {item['reference'] or ''}",
                    flush=True,
                )
                for key in [
                    k for k in item if k not in STANDARD
                ]:  # what else it tells (held_s, each click …)
                    print(f"{'':<28}{key}: {item[key]}", flush=True)
    if args.only:
        print(f"done in {time.perf_counter() - started:.0f} s; results.json left as it was")
        return 0
    result = {"date": date.today().isoformat(), "machine": _machine(), "items": results}
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"done in {time.perf_counter() - started:.0f} s; written to benchmarks/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
