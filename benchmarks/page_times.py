"""Time each page's server-side run in AppTest, cold then warm: `page cold_s warm_s` per line."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit import config
from streamlit.testing.v1 import AppTest

config.set_option("runner.enforceSerializableSessionState", False)  # AppTest keeps an unpicklable helper


def timed(at: AppTest) -> float:
    started = time.perf_counter()
    at.run(timeout=600)
    if at.exception:
        raise SystemExit(f"page failed: {at.exception[0].message}")
    return time.perf_counter() - started


for page in sys.argv[1:]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params["month"] = "2026-10"
    at.query_params["as"] = "sofie.dahl@havnhjem.example"
    if page != "overview":  # the frame's first run lands on the Overview; time the page itself
        at.run()
        at.switch_page(f"pages/{page}.py")
    cold = timed(at)
    warm = min(timed(at) for _ in range(3))
    print(f"{page} {cold:.3f} {warm:.3f}", flush=True)
