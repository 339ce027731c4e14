"""A workbook open in Excel, through xlwings (the Excel button) -> :class:`~kpi_xl.workbook.grid.Grid` per sheet.

Each sheet is read in one bulk call over its used range, never cell by cell (each COM call costs
about a millisecond; a 100,000-row sheet cell by cell would take minutes). The members of xlwings'
API used, and so all a stand-in needs:

- ``book.sheets``: iterated; each sheet's ``name`` and ``used_range``;
- ``used_range.row`` and ``used_range.column``: where the range starts (1-based);
- ``used_range.options(ndim=2, err_to_str=True).value``: every value as a list of rows (floats for
  numbers, ``datetime`` for date-formatted cells, ``None`` for blanks, ``str``, ``bool``, and the
  error text such as ``"#REF!"`` for error cells);
- ``book.fullname`` (or ``book.name``) for the data's ``source``;
- only when the used range is larger than :data:`LIVE_MAX_CELLS` (one value typed at ``XFD1048576``
  makes it 17 billion cells): ``used_range.shape``, ``sheet.tables`` (each table's ``range``, with its
  ``row``, ``column`` and ``shape``) and ``sheet.range((row, column), (row, column))``. Then only the
  tables' area is read, whole, in blocks of rows of at most that many cells (without tables: the
  used range's first columns, block by block, down to the first empty block), and the grid names the
  used range's last cell as a far cell, which ``check`` reports.

Excel computes every formula before xlwings reads it, so a formula without a value cannot occur
here. Merged cells are not looked for (an Excel table cannot contain any; reading them would take
one call per cell): the file reader reports them.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from kpi_xl.workbook.grid import Grid

__all__ = ["LIVE_MAX_CELLS", "book_source", "read_live"]

LIVE_MAX_CELLS = 5_000_000   # cells read in one go: a 100,000-row Actuals sheet is about 4 million
_MAX_COLUMNS = 256           # without tables, the columns read of an oversized used range


def read_live(book: Any, wanted: Collection[str]) -> list[Grid]:
    """The sheets whose names, trimmed and case-folded, are in ``wanted``, in workbook order."""
    grids = []
    for sheet in book.sheets:
        name = sheet.name
        if name.strip().casefold() not in wanted:
            continue
        used = sheet.used_range
        height, width = getattr(used, "shape", (0, 0))
        if height * width > LIVE_MAX_CELLS:
            grids.append(_table_area(sheet, name, int(used.row), int(used.column), height, width))
            continue
        values = used.options(ndim=2, err_to_str=True).value
        grids.append(Grid(name, [list(row) for row in values or []], int(used.row), int(used.column)))
    return grids


def _table_area(sheet: Any, name: str, top: int, left: int, height: int, width: int) -> Grid:
    """An oversized used range: the area of the sheet's tables only, read whole (in blocks of at most
    :data:`LIVE_MAX_CELLS` cells, so no row of a table is ever left out), the used range's end a far cell.
    Without tables: the first columns, block by block down to the first empty block."""
    boxes = []
    for table in getattr(sheet, "tables", None) or []:
        area = table.range
        rows, columns = area.shape
        boxes.append((int(area.row), int(area.column), int(area.row) + rows - 1, int(area.column) + columns - 1))
    if boxes:
        r1, c1 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        r2, c2 = max(b[2] for b in boxes), max(b[3] for b in boxes)
        values = _blocks(sheet, r1, c1, r2, c2, stop_when_empty=False)
    else:
        r1, c1 = top, left
        c2 = left + min(width, _MAX_COLUMNS) - 1
        values = _blocks(sheet, r1, c1, top + height - 1, c2, stop_when_empty=True)
    grid = Grid(name, values, r1, c1)
    grid.far, grid.far_count = [(top + height - 1, left + width - 1)], 1
    return grid


def _blocks(sheet: Any, r1: int, c1: int, r2: int, c2: int, *, stop_when_empty: bool) -> list[list[Any]]:
    """Rows ``r1``..``r2`` of columns ``c1``..``c2``, one bulk read per block of rows; with
    ``stop_when_empty``, up to the first block without a value."""
    step = max(1, LIVE_MAX_CELLS // (c2 - c1 + 1))
    rows: list[list[Any]] = []
    for first in range(r1, r2 + 1, step):
        last = min(r2, first + step - 1)
        block = [list(row) for row in sheet.range((first, c1), (last, c2)).options(ndim=2, err_to_str=True).value
                 or []]
        if stop_when_empty and not any(value is not None for row in block for value in row):
            break
        rows.extend(block)
    return rows


def book_source(book: Any) -> str:
    """The workbook's full path, or its name when it has never been saved."""
    return str(getattr(book, "fullname", "") or getattr(book, "name", ""))
