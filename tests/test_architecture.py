"""The layers hold: only kpi.ui talks to Streamlit; the pure rules know no store or drawing."""

import ast
import subprocess
import sys

from tests.conftest import ROOT

PURE = [
    "kpi.model",
    "kpi.months",
    "kpi.status",
    "kpi.cascade",
    "kpi.cx",
    "kpi.access",
    "kpi.report",
    "kpi.attention",
    "kpi.i18n",
    "kpi.fmt",
    "kpi.phrases",
    "kpi.palette",
]
NO_STREAMLIT = [
    *PURE,
    "kpi.charts",
    "kpi.store.queries",
    "kpi.store.writes",
    "kpi.store.loading",
    "kpi.store.reports",
    "kpi.cli",
    "kpi.demo.generate",
]


def _loaded_after_import(modules):
    code = f"import sys\nfor m in {modules!r}: __import__(m)\nprint(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_core_imports_without_streamlit():
    assert "streamlit" not in _loaded_after_import(NO_STREAMLIT)


def test_pure_rules_import_no_store_charts_or_ui():
    loaded = _loaded_after_import(PURE)
    assert not {"sqlalchemy", "plotly", "streamlit", "kpi.store", "kpi.ui", "kpi.charts"} & loaded


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_only_kpi_ui_imports_streamlit():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "kpi").rglob("*.py")
        if "ui" not in path.relative_to(ROOT / "kpi").parts
        and any(name.split(".")[0] == "streamlit" for name in _imports(path))
    ]
    assert offenders == []


def test_pages_do_not_touch_the_store_or_sql():
    for path in [*(ROOT / "pages").glob("*.py"), ROOT / "app.py"]:
        names = set(_imports(path))
        assert not {n for n in names if n.startswith(("kpi.store", "sqlalchemy", "duckdb"))}, path


def test_pages_are_thin():
    for path in (ROOT / "pages").glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 80, path
