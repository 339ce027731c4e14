"""The README's Layout section is drawn from the tree: it names every module there is, and nothing
that is not (as tests/test_one_source.py holds the function reference to the code)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kpi_xl

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(kpi_xl.__file__).parent


def _layout() -> dict[str, str]:
    """The Layout block's entries under ``kpi_xl/``: ``"report/"`` or ``"lite.py"`` -> its text."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```\n", 2)[1]
    entries: dict[str, str] = {}
    current = None
    for line in block.splitlines()[1:]:  # below "kpi_xl/"
        if not line.startswith("  "):
            break
        if not line.startswith("   "):
            current = line.split()[0]
            entries[current] = line
        else:
            entries[current] += "\n" + line
    return entries


def _modules() -> list[tuple[str, str]]:
    """(entry, module file) for every module: ("report/", "api.py"), ("lite.py", "lite.py")."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.name == "__main__.py" or (relative.name == "__init__.py" and len(relative.parts) > 1
                                               and relative.parts[0] != "cli"):
            continue
        entry = f"{relative.parts[0]}/" if len(relative.parts) > 1 else relative.name
        found.append((entry, relative.name))
    return found


@pytest.mark.parametrize(("entry", "module"), _modules(), ids=lambda x: x)
def test_the_layout_names_every_module(entry, module):
    layout = _layout()
    assert entry in layout, f"README Layout has no entry {entry}"
    assert re.search(rf"(?<![\w/]){re.escape(module)}", layout[entry]), f"README Layout: {entry} does not name {module}"


def test_the_layout_names_no_module_that_is_gone():
    for entry, text in _layout().items():
        folder = PACKAGE / entry if entry.endswith("/") else PACKAGE
        named = re.findall(r"(?<![\w/.])(\w+\.py)\b", text)
        missing = [name for name in named if not (folder / name).is_file()]
        assert missing == [], f"README Layout {entry} names {missing}, which do not exist"
