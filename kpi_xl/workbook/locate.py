"""Finding a table on its sheet: the header row by content, the data rows below it, merged cells over it.

The template puts each table at A1, but people insert rows above and columns to the left, so the
header row is the row holding the most of the table's headers (case, spacing and ``_`` ignored).
Columns whose header is not the table's are ignored (the template's computed columns, notes). Data
rows run to the last row with anything in the table's columns: an empty row in the middle does not
end the table, it only earns a warning, so no row below it is ever dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kpi_xl.core.registry import N_
from kpi_xl.workbook.grid import Grid
from kpi_xl.workbook.problems import ERROR, WARNING, cell_address, column_letter
from kpi_xl.workbook.schema import Table
from kpi_xl.workbook.values import COVERED, is_blank

__all__ = ["HEADER_SCAN_ROWS", "Located", "Report", "locate"]

HEADER_SCAN_ROWS = 1000   # how far down a header row is looked for

NO_HEADER = N_("no header row found for the table {table}: expected a row with the headers {headers}")
MISSING_COLUMN = N_('required column "{column}" is missing')
DUPLICATE_COLUMN = N_('column "{column}" appears twice (first in column {other}): only the first is read')
EMPTY_ROW = N_("empty row inside the table: the rows below it are read too")
MISSING_OPTIONAL = N_("no column {columns}: read as blank (renamed or deleted?)")
MERGED = N_("cells {range} are merged: unmerge them and give each row its own values")

Report = Callable[..., None]   # report(sheet, row, col, severity, template, cell=None, **params)


@dataclass(slots=True)
class Located:
    """A table found on its sheet. ``rows[i]`` is sheet row ``numbers[i]``; ``columns[key]`` is the
    index in each row of the column whose header is the schema column ``key``."""

    table: Table
    sheet: str
    left: int
    header_row: int
    columns: dict[str, int]
    rows: list[list[object]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    others: dict[int, str] = field(default_factory=dict)  # index -> a header the schema doesn't know ("Spend")

    def column_number(self, key: str) -> int:
        return self.left + self.columns[key]


def _norm(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


def locate(grid: Grid, table: Table, report: Report) -> Located | None:
    """The table on ``grid``, or None (reported) when no header row can be found."""
    _rectangle(grid)
    by_header = {_norm(c.header): c.key for c in table.columns}
    required = {c.key for c in table.columns if c.required}
    best: tuple[int, dict[str, list[int]]] | None = None
    for i, row in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        found: dict[str, list[int]] = {}
        for j, value in enumerate(row):
            if type(value) is str and (key := by_header.get(_norm(value))) is not None:
                found.setdefault(key, []).append(j)
        if found.keys() & required and (best is None or len(found) > len(best[1])):
            best = (i, found)
            if len(found) == len(by_header):
                break
    if best is None:
        headers = ", ".join(c.header for c in table.columns if c.required)
        report(grid.name, 0, 0, ERROR, NO_HEADER, table=table.name, headers=headers)
        return None
    index, found = best
    header_row = grid.top + index
    for key, places in found.items():
        for j in places[1:]:
            report(grid.name, header_row, grid.left + j, ERROR, DUPLICATE_COLUMN,
                   column=table.column(key).header, other=column_letter(grid.left + places[0]))
    for column in table.columns:
        if column.required and column.key not in found:
            report(grid.name, 0, 0, ERROR, MISSING_COLUMN, cell=table.name, column=column.header)
    # A renamed header must not make its column vanish in silence: one line names every absent column.
    absent = [c.header for c in table.columns if not c.required and c.key not in found]
    if absent:
        report(grid.name, 0, 0, WARNING, MISSING_OPTIONAL, cell=table.name, columns=", ".join(absent))
    located = Located(table, grid.name, grid.left, header_row, {k: v[0] for k, v in found.items()})
    known = {j for places in found.values() for j in places}
    located.others = {j: " ".join(value.split()) for j, value in enumerate(grid.rows[index])
                      if j not in known and type(value) is str and value.strip()}
    _read_rows(grid, index, located, report)
    return located


def _rectangle(grid: Grid) -> None:
    """Pads short rows: columns are read with zip(), which would silently cut every row to the shortest."""
    lengths = set(map(len, grid.rows))
    width = max(lengths, default=0)
    if len(lengths) > 1:
        grid.rows = [row + [None] * (width - len(row)) for row in grid.rows]


def _read_rows(grid: Grid, index: int, located: Located, report: Report) -> None:
    first, last = min(located.columns.values()), max(located.columns.values())
    columns = sorted(located.columns.values())
    covered = _merged_over(grid, located, first, last, report)
    body = grid.rows[index + 1:]
    # A row whose first table cell holds something is filled: only the others need a closer look, at
    # the table's own columns (a user's notes column beside them does not make a data row).
    filled = [i for i, row in enumerate(body) if not is_blank(row[first]) or _filled(row, columns)]
    if not filled:
        return
    end = filled[-1] + 1
    if len(filled) != end:  # a gap: the first empty row before the last filled one
        gap = next(i for i, n in enumerate(filled) if i != n)
        report(grid.name, grid.top + index + 1 + gap, grid.left + first, WARNING, EMPTY_ROW)
    located.rows = [body[i] for i in filled]
    start = grid.top + index + 1
    located.numbers = [start + i for i in filled]
    if covered:
        at = {n: i for i, n in enumerate(located.numbers)}
        for r, c in covered:
            if r in at:
                located.rows[at[r]][c - grid.left] = COVERED


def _filled(row: list[object], columns: list[int]) -> bool:
    return any(not is_blank(row[j]) for j in columns)


def _merged_over(grid: Grid, located: Located, first: int, last: int, report: Report) -> list[tuple[int, int]]:
    """Reports merged areas over the table and blanks the cells they cover (their value is the top-left
    cell's); returns the covered cells (sheet row, column) so that data rows can mark them."""
    covered = []
    lo, hi = grid.left + first, grid.left + last
    for r1, c1, r2, c2 in grid.merged:
        if r2 < located.header_row or c2 < lo or c1 > hi:
            continue
        report(grid.name, r1, c1, ERROR, MERGED, range=f"{cell_address(r1, c1)}:{cell_address(r2, c2)}")
        for r in range(r1, r2 + 1):
            row = grid.rows[r - grid.top] if 0 <= r - grid.top < len(grid.rows) else None
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1) and row is not None and 0 <= c - grid.left < len(row):
                    row[c - grid.left] = None
                    covered.append((r, c))
    return covered

