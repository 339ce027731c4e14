"""Where the package's data lives: ``templates/`` and ``locales/``.

In a wheel they are inside the package (``kpi_xl/templates``); in a source checkout or an editable
install they sit at the top of the repository, one level up. Both layouts resolve here, once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["locales_dir", "templates_dir"]

_PACKAGE = Path(__file__).resolve().parent


@cache
def _data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"kpi_xl is installed without its {name}/ folder (looked in {_PACKAGE})")


def templates_dir() -> Path:
    return _data_dir("templates")


def locales_dir() -> Path:
    return _data_dir("locales")
