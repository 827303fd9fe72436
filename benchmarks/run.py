"""The benchmark: our time against a reference measured in the same run, as a ratio.

    make bench            (or: python benchmarks/run.py [--rows N])

Prints a table and writes benchmarks/results.json:
{"date", "machine", "items": [{"name", "ours_s", "reference", "reference_s", "ratio"}]}.
Items so far: `import_vs_read_csv` (a file of 1 million survey answers through the full import,
with every cell checked and the audit written, against DuckDB's own read_csv into a table).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi.demo.generate import generate  # noqa: E402
from kpi.store import engine, imports, loading, setup  # noqa: E402

END = date(2026, 10, 1)


def _machine() -> str:
    cores = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cores} cores, {memory:.0f} GiB"


def _answers_file(folder: Path, rows: int) -> Path:
    rng = random.Random(2026)
    path = folder / "answers.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("kpi,date,score,segment,touchpoint\n")
        for i in range(rows):
            year, month = 2000 + i // 40_000, 1 + (i // 3_000) % 12
            out.write(f"NPS,{year}-{month:02d}-{1 + i % 28:02d},{rng.randint(0, 10)},private,webshop\n")
    return path


def import_vs_read_csv(folder: Path, rows: int) -> dict:
    store = engine.create(f"duckdb:///{folder / 'ours.duckdb'}")
    setup.ensure(store)
    with engine.writing(store) as conn:
        loading.load_company(conn, generate(END, history=2, answers_factor=0.01), who="bench")
    path = _answers_file(folder, rows)
    data = path.read_bytes()
    started = time.perf_counter()
    summary = imports.run(store, "responses", data, path.name, "bench")
    ours = time.perf_counter() - started
    assert summary.counts.get("inserted") == rows, summary.counts

    import duckdb

    reference = duckdb.connect(str(folder / "reference.duckdb"))
    started = time.perf_counter()
    reference.execute(f"CREATE TABLE response AS SELECT * FROM read_csv('{path}', header = true)")
    reference_s = time.perf_counter() - started
    reference.close()
    return {
        "name": "import_vs_read_csv",
        "ours_s": round(ours, 3),
        "reference": "duckdb read_csv into a table",
        "reference_s": round(reference_s, 3),
        "ratio": round(ours / reference_s, 1),
        "rows": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kpi-bench-") as tmp:
        items = [import_vs_read_csv(Path(tmp), args.rows)]
    result = {"date": date.today().isoformat(), "machine": _machine(), "items": items}
    print(f"{'item':<24}{'ours (s)':>10}{'reference (s)':>15}{'ratio':>8}  reference")
    for item in items:
        print(
            f"{item['name']:<24}{item['ours_s']:>10}{item['reference_s']:>15}{item['ratio']:>8}  {item['reference']}"
        )
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
