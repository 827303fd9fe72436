"""The layers hold, and the checks that say so would notice if they did not.

The import-linter contracts in `pyproject.toml` name whole packages. These tests make sure that
every module of `kpi` sits in one of those packages (so none escapes the contracts), that the
contracts fail when a wrong import is planted, and what the contracts cannot see: what a module
loads at run time, and that pages stay thin and away from the store.
"""

import ast
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import kpi
from tests.conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
LAYERS = next(c for c in CONFIG["contracts"] if c["type"] == "layers")
LAYER_PACKAGES = {f"kpi.{name.strip()}" for layer in LAYERS["layers"] for name in layer.split("|")}
OUTSIDE_LAYERS = {"kpi.__main__"}
"""`python -m kpi` only calls `kpi.cli.main`."""


def all_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(kpi.__path__, "kpi."))


def _package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_every_module_belongs_to_a_layer():
    modules = all_modules()
    assert len(modules) > 40  # the walk found the tree, not an empty package
    stray = [m for m in modules if _package_of(m) not in LAYER_PACKAGES and m not in OUTSIDE_LAYERS]
    assert stray == []


def test_the_layers_contract_names_packages_that_exist():
    for package in LAYER_PACKAGES:
        assert (ROOT / package.replace(".", "/")).is_dir() or (
            ROOT / f"{package.replace('.', '/')}.py"
        ).is_file()


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def copy_of_the_code(tmp_path_factory) -> Path:
    tree = tmp_path_factory.mktemp("planted")
    shutil.copytree(ROOT / "kpi", tree / "kpi", ignore=shutil.ignore_patterns("__pycache__", "*.toml"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    assert _lint_imports(tree).returncode == 0  # the copy is clean before planting; each test puts it back
    return tree


PLANTED = [
    ("kpi/domain/smart.py", "from kpi.store import queries"),  # the rules reaching into storage
    ("kpi/domain/status.py", "from kpi.text import fmt"),  # the rules putting things into words
    ("kpi/domain/cx.py", "import sqlalchemy"),
    ("kpi/domain/cascade.py", "import pandas"),
    ("kpi/text/fmt.py", "from kpi.output import charts"),  # a lower layer reaching up
    ("kpi/store/queries.py", "from kpi.ui import data"),
    ("kpi/output/deck.py", "import streamlit"),
    ("kpi/store/writes.py", "from kpi.output import charts"),  # the store drawing
]


@pytest.mark.xdist_group("planted")  # one process copies the code and checks the copy once
@pytest.mark.parametrize("path, line", PLANTED)
def test_a_planted_wrong_import_is_caught(copy_of_the_code, path, line):
    target = copy_of_the_code / path
    original = target.read_text(encoding="utf-8")
    target.write_text(f"{line}  # noqa\n{original}", encoding="utf-8")
    try:
        result = _lint_imports(copy_of_the_code)
    finally:
        target.write_text(original, encoding="utf-8")
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout


def _loaded_after_import(modules):
    code = f"import sys\nfor m in {modules!r}: __import__(m)\nprint(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def _in(package: str) -> list[str]:
    return [m for m in all_modules() if m.startswith(package + ".")]


def test_the_domain_loads_nothing_heavy_or_worded():
    loaded = _loaded_after_import(_in("kpi.domain"))
    heavy = {"sqlalchemy", "streamlit", "pandas", "babel", "duckdb"}
    assert not heavy & loaded
    assert not {m for m in loaded if m.startswith(("kpi.store", "kpi.ui", "kpi.text", "kpi.output"))}


def test_nothing_outside_kpi_ui_loads_streamlit():
    outside = [m for m in all_modules() if not m.startswith("kpi.ui") and m != "kpi.__main__"]
    assert "streamlit" not in _loaded_after_import(outside)


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


def test_the_readme_code_map_names_folders_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("```")[1]
    named = [
        line.split()[0] for line in layout.splitlines() if line.strip() and not line.startswith(" " * 10)
    ]
    folders = [name for name in named if name.endswith("/")]
    assert {"kpi/", "domain/", "text/", "files/", "output/", "store/", "ui/"} <= set(folders)
    for name in folders:
        inside_kpi = ROOT / "kpi" / name
        assert (ROOT / name).is_dir() or inside_kpi.is_dir(), name
    for package in LAYER_PACKAGES:
        assert package.split(".")[1] + "/" in folders or package.split(".")[1] + ".py" in named, package


def test_the_app_loads_the_file_libraries_only_when_a_file_is_made_or_read():
    """What an app process holds for its life: python-pptx (with lxml and Pillow), openpyxl and
    psycopg are some 25 MB and load when a pack is made, a workbook is read or the store is
    PostgreSQL, not with the pages' code (issue 21: an app serving the large company ≤ 300 MB)."""
    loaded = _loaded_after_import(_in("kpi.ui"))
    assert "kpi.ui.views.present_view" in loaded and "kpi.delivery.sending" in loaded  # a test with teeth
    assert not {m for m in loaded if m.split(".")[0] in {"pptx", "openpyxl", "psycopg", "lxml"}}
    assert "PIL.Image" not in loaded and "kpi.output.pptx_pack" not in loaded
