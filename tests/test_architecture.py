"""Arrows point into kpi_xl.core, never out: the core imports only the standard library and itself."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import kpi_xl

CORE = Path(kpi_xl.__file__).parent / "core"
FORBIDDEN = ("xlwings", "jinja2", "weasyprint", "smtplib", "babel", "email", "sqlite3")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_core_imports_only_the_standard_library_and_itself(path):
    for name in _imports(path):
        top = name.split(".")[0]
        assert top in sys.stdlib_module_names or name.startswith("kpi_xl.core"), f"{path.name} imports {name}"
        assert top not in FORBIDDEN, f"{path.name} imports {name}"


def test_importing_the_core_loads_none_of_the_edges():
    code = (
        "import sys, kpi_xl.core.registry, kpi_xl.core.formulas\n"
        f"loaded = [m for m in {FORBIDDEN!r} if m in sys.modules]\n"
        "print(','.join(loaded))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

# Sorted __all__ is ruff's RUF022, run by the test command.
