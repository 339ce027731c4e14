"""A workbook open in Excel, through xlwings (the Excel button) -> :class:`~kpi_xl.workbook.grid.Grid` per sheet.

Each sheet is read in one bulk call over its used range, never cell by cell (each COM call costs
about a millisecond; a 100,000-row sheet cell by cell would take minutes). The members of xlwings'
API used, and so all a stand-in needs:

- ``book.sheets``: iterated; each sheet's ``name`` and ``used_range``;
- ``used_range.row`` and ``used_range.column``: where the range starts (1-based);
- ``used_range.options(ndim=2, err_to_str=True).value``: every value as a list of rows (floats for
  numbers, ``datetime`` for date-formatted cells, ``None`` for blanks, ``str``, ``bool``, and the
  error text such as ``"#REF!"`` for error cells);
- ``book.fullname`` (or ``book.name``) for the data's ``source``.

Excel computes every formula before xlwings reads it, so a formula without a value cannot occur
here. Merged cells are not looked for (an Excel table cannot contain any; reading them would take
one call per cell): the file reader reports them.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from kpi_xl.workbook.grid import Grid

__all__ = ["book_source", "read_live"]


def read_live(book: Any, wanted: Collection[str]) -> list[Grid]:
    """The sheets whose names, trimmed and case-folded, are in ``wanted``, in workbook order."""
    grids = []
    for sheet in book.sheets:
        name = sheet.name
        if name.strip().casefold() not in wanted:
            continue
        used = sheet.used_range
        values = used.options(ndim=2, err_to_str=True).value
        grids.append(Grid(name, [list(row) for row in values or []], int(used.row), int(used.column)))
    return grids


def book_source(book: Any) -> str:
    """The workbook's full path, or its name when it has never been saved."""
    return str(getattr(book, "fullname", "") or getattr(book, "name", ""))
