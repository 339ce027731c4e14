"""The allowed arrows between kpi_xl's packages (``../shared/architecture.md``, the README's Layout).

Every ``import`` of every module counts, including those inside functions: a lazy import is still
an arrow. Arrows inside a package are free; between packages only those in :data:`ALLOWED` are.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import kpi_xl

PACKAGE = Path(kpi_xl.__file__).parent
CORE = PACKAGE / "core"
FORBIDDEN = ("xlwings", "jinja2", "weasyprint", "smtplib", "babel", "email", "sqlite3")

#: Which room each top-level module or package of kpi_xl is in ("" is kpi_xl/__init__.py itself).
ROOMS = {
    "": "root",                  # __version__; main() is the Generate report button (imports excel lazily)
    "core": "core",
    "i18n": "shared", "resources": "shared", "files": "shared", "emails": "shared", "lifeline": "shared",
    "workbook": "workbook", "importing": "importing", "report": "report", "delivery": "delivery",
    "excel": "excel", "udfs": "excel", "lite": "excel",
    "cli": "cli",
    "demo": "demo",              # the demo data
    "docs": "docs",              # the README's function reference, from the Excel functions' help
}
_BASE = {"core", "shared"}
#: room -> the rooms it may import. Arrows point into core; the stages import the stages before them;
#: the two faces (cli, excel) import anything but each other, and nothing imports cli.
ALLOWED = {
    "core": set(),
    "shared": {"core"},
    "workbook": _BASE,
    "importing": _BASE | {"workbook"},
    "report": _BASE | {"workbook"},
    "delivery": _BASE | {"workbook", "report"},
    "demo": _BASE | {"workbook"},
    "docs": _BASE | {"excel"},
    "root": {"excel"},
    "excel": _BASE | {"workbook", "importing", "report", "delivery", "root"},
    "cli": _BASE | {"workbook", "importing", "report", "delivery", "demo", "root"},
}
#: The one arrow between the faces: ``kpi-xl addin`` builds and installs the add-in file, whose
#: builder lives with the rest of Excel's face and needs no xlwings.
EXCEPTIONS = {("kpi_xl.cli.addin", "kpi_xl.excel.addin")}
#: What the stages never use: they know neither argparse nor xlwings, and print nothing.
STAGES = ("workbook", "importing", "report", "delivery")
NOT_IN_STAGES = ("argparse", "xlwings")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it (``from kpi_xl.x import y`` names kpi_xl.x.y if
    that is a module, else kpi_xl.x; a relative import is resolved against the module's package)."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            submodules = {f"{module}.{alias.name}" for alias in node.names} & set(MODULES)
            names.update(submodules if len(submodules) == len(node.names) else {module, *submodules})
    return names


def _room(module: str) -> str:
    parts = module.split(".")
    return ROOMS[parts[1] if len(parts) > 1 else ""]


def _arrows() -> list[tuple[str, str]]:
    return [(source, target) for source, path in MODULES.items() for target in _imports(path) if target in MODULES]


def test_every_module_is_in_a_room():
    assert {m.split(".")[1] for m in MODULES if m != "kpi_xl"} <= set(ROOMS)


@pytest.mark.parametrize("path", sorted(p for room in STAGES for p in (PACKAGE / room).rglob("*.py")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_stages_know_neither_argparse_nor_xlwings_and_print_nothing(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert sorted(n for n in _imports(path) if n.split(".")[0] in NOT_IN_STAGES) == []
    prints = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
              and isinstance(node.func, ast.Name) and node.func.id == "print"]
    streams = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute)
               and node.attr in ("stdout", "stderr") and isinstance(node.value, ast.Name) and node.value.id == "sys"]
    assert (prints, streams) == ([], [])


@pytest.mark.parametrize("room", sorted(ALLOWED))
def test_arrows_between_rooms_are_the_allowed_ones(room):
    wrong = sorted(f"{source} -> {target}" for source, target in _arrows()
                   if _room(source) == room and _room(target) != room
                   and _room(target) not in ALLOWED[room] and (source, target) not in EXCEPTIONS)
    assert wrong == []


def test_nothing_imports_the_command_line():
    assert sorted(f"{s} -> {t}" for s, t in _arrows() if _room(t) == "cli" and _room(s) != "cli") == []


def test_the_exceptions_are_still_needed():
    arrows = set(_arrows())
    assert EXCEPTIONS <= arrows


def test_no_import_circle_between_modules():
    graph: dict[str, set[str]] = {}
    for source, target in _arrows():
        if not target.startswith(source + "."):  # a package's __init__ naming its own modules
            graph.setdefault(source, set()).add(target)
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> list[str] | None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return [*trail, module, target]
            if target not in state and (circle := visit(target, [*trail, module])):
                return circle
        state[module] = 2
        return None

    circles = [c for m in sorted(graph) if m not in state and (c := visit(m, []))]
    assert circles == []


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


@pytest.mark.parametrize("command", [["new", "{tmp}/book.xlsx"], ["kpis"]])
def test_commands_that_need_no_excel_do_not_import_xlwings(command, tmp_path):
    argv = [part.format(tmp=tmp_path) for part in command]
    code = (f"import sys, io\nfrom kpi_xl.cli import main\nassert main({argv!r}, io.StringIO()) == 0\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('xlwings', 'weasyprint') "
            "or m.startswith('kpi_xl.excel')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

# Sorted __all__ is ruff's RUF022, run by the test command.
