"""What both sources hand the shared parser: each sheet's cells as rows, with where they sit.

A cell value is what xlwings gives for it: ``float`` (or ``int``) for a number, ``str`` for text,
``datetime``/``date`` for a date-formatted cell, ``bool``, and ``None`` or ``""`` for a blank. An error
cell is its text (``"#REF!"``, as xlwings' ``err_to_str`` gives it), and a formula saved without a
computed value is :data:`NO_VALUE`, which only the file reader can see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

__all__ = ["NO_VALUE", "Grid", "Merged", "NoValue", "Unreadable"]


class NoValue:
    """A formula cell saved without its computed value (written by a program, never opened in Excel)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Final = NoValue()


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A cell whose saved value cannot be read (a shared-string index the file lacks, ``NaN``): only the
    file reader sees these. ``why`` is ``"string_index"`` or ``"not_number"``, ``value`` the saved text."""

    why: str
    value: str

Merged = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based, inclusive)


@dataclass(slots=True)
class Grid:
    """One sheet: ``rows[i][j]`` is the cell at sheet row ``top + i``, column ``left + j`` (1-based).

    Rows are all as long as the widest (the used range is a rectangle). Cells far beyond the data (a
    value typed at ``XFD1048576``) are not in ``rows``: ``far`` names the first of them.
    """

    name: str
    rows: list[list[object]]
    top: int = 1
    left: int = 1
    merged: list[Merged] = field(default_factory=list)
    far: list[tuple[int, int]] = field(default_factory=list)   # the first cells far from the data (row, col)
    far_count: int = 0                             # how many such cells
