"""Writing a :class:`~kpi_xl.importing.plan.Plan` into a workbook open in Excel, through xlwings.

The Import data button uses this instead of rewriting the file: Excel holds the workbook, and the
user saves it (or undoes nothing: the rows are plain values). Two calls to Excel whatever the size:
one block of values written from the first row that changes down to the new last row (rows below a
removed one move up, new rows go at the end), one block of blanks where the table shrank; then the
table (ListObject) is resized to hold its rows. Rows above the first change are not touched.

The xlwings members used, besides the reader's (:mod:`kpi_xl.workbook.read_live`):
``sheet.range("B7").value = rows`` (a 2-D list), ``sheet.range("A1:AM9")``, ``sheet.tables[name]``
with its ``range`` (``row``, ``column``, ``shape``) and ``resize(range)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kpi_xl.importing.errors import NO_SOURCE_COLUMN, TABLE_LAYOUT, ImportRefusedError
from kpi_xl.importing.plan import NewRow, Plan
from kpi_xl.workbook.grid import Grid
from kpi_xl.workbook.locate import Located, locate
from kpi_xl.workbook.problems import column_letter
from kpi_xl.workbook.schema import ACTUALS

__all__ = ["apply_plan_live"]


def _cells(row: NewRow, located: Located, width: int, first: int, old: Sequence[object] | None) -> list[object]:
    cells = list(old) if old is not None else [None] * width
    texts = {"date": row.date, "client": row.client, "channel": row.channel or None,
             "campaign": row.campaign or None, "source": row.source}
    for key, j in located.columns.items():
        if key in texts:
            cells[j - first] = texts[key]
        else:
            cells[j - first] = float(row.values[key]) if key in row.values else None
    return cells


def apply_plan_live(book: Any, plan: Plan, where: str, custom: Mapping[str, str] | None = None) -> None:
    """Applies ``plan`` to the open ``book``'s Actuals table; ``where`` names the book in messages.
    ``custom``: the workbook's own measures (key -> Actuals header), whose columns move with the rows."""
    sheet = next((s for s in book.sheets if s.name.strip().casefold() == ACTUALS.sheet.casefold()), None)
    if sheet is None:
        raise ImportRefusedError(where, 0, TABLE_LAYOUT, reason="no Actuals sheet")
    used = sheet.used_range
    grid = Grid(sheet.name, [list(r) for r in used.options(ndim=2, err_to_str=True).value or []],
                int(used.row), int(used.column))
    located = locate(grid, ACTUALS, lambda *args, **kwargs: None)
    if located is None:
        raise ImportRefusedError(where, 0, TABLE_LAYOUT, reason=f"no table {ACTUALS.name} found")
    header = grid.rows[located.header_row - grid.top] if grid.rows else []
    for key, text in (custom or {}).items():
        wanted = " ".join(text.split()).casefold()
        j = next((j for j, v in enumerate(header) if type(v) is str and " ".join(v.split()).casefold() == wanted), None)
        if j is not None:
            located.columns.setdefault(key, j)
    table = sheet.tables[ACTUALS.name]
    grow = 0
    if "source" not in located.columns:  # a workbook from before the Source column: add it at the right
        j = table.range.column + table.range.shape[1] - located.left
        if any(j < len(row) and row[j] not in (None, "") for row in grid.rows):
            raise ImportRefusedError(where, 0, NO_SOURCE_COLUMN)
        sheet.range(f"{column_letter(located.left + j)}{located.header_row}").value = [["Source"]]
        located.columns["source"] = j
        grow = 1
    first, last = min(located.columns.values()), max(located.columns.values())
    width = last - first + 1
    numbers = located.numbers
    changed = sorted(plan.delete | set(plan.update))
    start = changed[0] if changed else (numbers[-1] + 1 if numbers else located.header_row + 1)
    block: list[list[object]] = []
    for number, row in zip(numbers, located.rows, strict=True):
        if number < start or number in plan.delete:
            continue
        old = [*row[first:last + 1], *([None] * (last + 1 - max(len(row), first)))][:width]
        block.append(_cells(plan.update[number], located, width, first, old) if number in plan.update else old)
    block += [_cells(row, located, width, first, None) for row in plan.append]
    old_last = numbers[-1] if numbers else located.header_row
    new_last = start + len(block) - 1
    left = column_letter(located.left + first)
    if block:
        sheet.range(f"{left}{start}").value = block
    if old_last > new_last:
        sheet.range(f"{left}{new_last + 1}").value = [[None] * width for _ in range(old_last - new_last)]
    # The table keeps its own columns (a user's extra ones included); only its last row moves.
    top, columns = table.range.row, table.range.shape[1] + grow
    first_column = table.range.column
    bottom = max(new_last, top + 1)
    span = f"{column_letter(first_column)}{top}:{column_letter(first_column + columns - 1)}{bottom}"
    table.resize(sheet.range(span))
