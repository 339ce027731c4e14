"""A stand-in for the small part of xlwings' API the Excel button uses, so it runs on Linux without Excel.

Everything :func:`kpi_xl.excel.report_button.main` and the live reader (:mod:`kpi_xl.workbook.read_live`) touch,
and nothing more; if the code starts using another member, a test fails here with AttributeError,
which is the reminder to check that member in xlwings and add it below:

- ``Book.caller()``: the workbook that ran the button (here: the one given to ``Book.set_mock_caller``,
  the name xlwings itself uses for this);
- ``book.fullname`` (the file's full path; just ``"Book1"`` before the first save) and ``book.name``;
- ``book.sheets``: iterated in workbook order, each ``sheet.name``;
  ``book.sheets.add(name)`` adds a sheet and makes it active, ``ValueError`` when a sheet of that name
  exists in any letter case (as xlwings does);
- ``sheet.used_range``: ``.row`` and ``.column`` (1-based start) and
  ``.options(ndim=2, err_to_str=True).value``, every value as a list of rows;
- ``sheet.range("A1").value = [[...], ...]``: a rectangular 2-D list written from that cell in one call;
- ``sheet.clear_contents()`` (values go, formatting stays) and ``sheet.activate()``;
- ``book.app.status_bar = text``: the line at the bottom of Excel's window;
- ``sheet.range("A1:C9")`` (a block), ``sheet.tables[name]`` (an Excel table, ListObject) with its
  ``range`` (``.row``, ``.column``, ``.shape``) and ``resize(range)`` (the Import data button).

Values are what xlwings hands Python: ``float`` for numbers, ``datetime`` for date cells, ``None`` for
blanks, ``str``, ``bool``, and the error text (``"#REF!"``) with ``err_to_str``. :meth:`Book.from_xlsx`
loads a saved workbook into that shape; ``sheet["C7"]`` reads and sets single cells for test set-up.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import python_calamine

__all__ = ["App", "Book", "Range", "Sheet", "Sheets", "Table", "cell_ref"]

_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?([1-9][0-9]*)$")


def cell_ref(address: str) -> tuple[int, int]:
    """``"C7"`` -> ``(7, 3)``: 1-based row and column of one cell."""
    match = _CELL.match(address.upper())
    if not match:
        raise ValueError(f"the stand-in takes one cell like 'A1', got {address!r}")
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


def _as_xlwings(value: object) -> object:
    """A cell value from a file as xlwings would return it from Excel."""
    if value == "" or value is None:
        return None
    if isinstance(value, bool | str | dt.datetime):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    raise TypeError(f"no xlwings equivalent for {value!r}")


class App:
    def __init__(self) -> None:
        self.status_history: list[str | bool] = []

    @property
    def status_bar(self) -> str | bool:
        return self.status_history[-1] if self.status_history else False  # False: Excel's own text

    @status_bar.setter
    def status_bar(self, value: str | bool) -> None:
        self.status_history.append(value)


class Range:
    """A block of a sheet: its top-left cell and, for a used range, its size."""

    def __init__(self, sheet: Sheet, row: int, column: int, rows: int = 1, columns: int = 1) -> None:
        self.sheet, self.row, self.column = sheet, row, column
        self._rows, self._columns = rows, columns
        self._options: dict[str, object] = {}

    @property
    def shape(self) -> tuple[int, int]:
        return self._rows, self._columns

    def options(self, **options: object) -> Range:
        if options != {"ndim": 2, "err_to_str": True}:
            raise NotImplementedError(f"the stand-in reads only with ndim=2, err_to_str=True, got {options}")
        block = Range(self.sheet, self.row, self.column, self._rows, self._columns)
        block._options = options
        return block

    @property
    def value(self) -> list[list[object]]:
        if not self._options:
            raise NotImplementedError("read through .options(ndim=2, err_to_str=True), as the reader does")
        cells = self.sheet.cells
        return [[cells.get((r, c)) for c in range(self.column, self.column + self._columns)]
                for r in range(self.row, self.row + self._rows)]

    @value.setter
    def value(self, rows: list[list[object]]) -> None:
        if not (isinstance(rows, list) and rows and all(isinstance(row, list) for row in rows)):
            raise TypeError(f"the stand-in writes a 2-D list, got {rows!r}")
        if len({len(row) for row in rows}) != 1:
            raise ValueError("every row of a 2-D list must have the same length")  # as xlwings
        self.sheet.writes += 1
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                self.sheet[(self.row + i, self.column + j)] = value


class Sheet:
    def __init__(self, book: Book, name: str) -> None:
        self.book, self.name = book, name
        self.cells: dict[tuple[int, int], object] = {}
        self.writes = 0  # range writes: each is one round trip to Excel
        self.tables = Tables()   # xlwings' sheet.tables[name], and iterating gives the tables

    def __getitem__(self, address: str | tuple[int, int]) -> object:
        return self.cells.get(cell_ref(address) if isinstance(address, str) else address)

    def __setitem__(self, address: str | tuple[int, int], value: object) -> None:
        key = cell_ref(address) if isinstance(address, str) else address
        value = _as_xlwings(value)
        if value is None:
            self.cells.pop(key, None)
        else:
            self.cells[key] = value

    def range(self, address: str | tuple[int, int], end: tuple[int, int] | None = None) -> Range:
        if isinstance(address, tuple):   # xlwings' sheet.range((row, column), (row, column))
            (top, left), (bottom, right) = address, end or address
            return Range(self, top, left, bottom - top + 1, right - left + 1)
        first, _, last = address.partition(":")
        top, left = cell_ref(first)
        if not last:
            return Range(self, top, left)
        bottom, right = cell_ref(last)
        return Range(self, top, left, bottom - top + 1, right - left + 1)

    @property
    def used_range(self) -> Range:
        if not self.cells:
            return Range(self, 1, 1)  # Excel's used range of an empty sheet is A1
        rows = [r for r, _ in self.cells]
        columns = [c for _, c in self.cells]
        top, left = min(rows), min(columns)
        return Range(self, top, left, max(rows) - top + 1, max(columns) - left + 1)

    def clear_contents(self) -> None:
        self.cells.clear()

    def activate(self) -> None:
        self.book.active = self

    def column_values(self, column: int = 1) -> list[object]:
        """Test helper (not xlwings): a column's values from row 1 to its last used row."""
        last = max((r for r, c in self.cells if c == column), default=0)
        return [self.cells.get((r, column)) for r in range(1, last + 1)]


class Tables(dict):
    """A sheet's tables by name; iterating gives the tables themselves, as xlwings' collection does."""

    def __iter__(self):
        return iter(self.values())


class Table:
    """An Excel table (ListObject): its name and the block it covers, header row included."""

    def __init__(self, sheet: Sheet, name: str, address: str) -> None:
        self.sheet, self.name = sheet, name
        self.range = sheet.range(address)

    def resize(self, block: Range) -> None:
        if block.sheet is not self.sheet or block.row != self.range.row:
            raise ValueError("a table is resized on its sheet, keeping its header row")  # as Excel
        self.range = block


class Sheets:
    def __init__(self, book: Book) -> None:
        self._book = book
        self._sheets: list[Sheet] = []

    def __iter__(self) -> Iterator[Sheet]:
        return iter(list(self._sheets))

    def __len__(self) -> int:
        return len(self._sheets)

    def __getitem__(self, name: str) -> Sheet:
        for sheet in self._sheets:
            if sheet.name.lower() == name.lower():
                return sheet
        raise KeyError(name)

    def add(self, name: str) -> Sheet:
        if any(sheet.name.lower() == name.lower() for sheet in self._sheets):
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        sheet = Sheet(self._book, name)
        self._sheets.append(sheet)
        sheet.activate()
        return sheet


class Book:
    _mock_caller: Book | None = None

    def __init__(self, fullname: str) -> None:
        self.fullname = fullname
        self.name = Path(fullname).name if "/" in fullname or "\\" in fullname else fullname
        self.app = App()
        self.sheets = Sheets(self)
        self.active: Sheet | None = None

    @classmethod
    def caller(cls) -> Book:
        if cls._mock_caller is None:
            raise RuntimeError("Book.caller() outside Excel: call Book.set_mock_caller(book) first")
        return cls._mock_caller

    def set_mock_caller(self) -> None:
        Book._mock_caller = self

    def copy(self, fullname: str) -> Book:
        """Test helper (not xlwings): the same sheets and values under another path, fresh status bar."""
        book = Book(fullname)
        for sheet in self.sheets:
            book.sheets.add(sheet.name).cells = dict(sheet.cells)  # values are immutable: a shallow copy
        book.active = next(iter(book.sheets), None)
        return book

    @classmethod
    def from_xlsx(cls, path: Path, fullname: str | None = None) -> Book:
        """A saved workbook's values, every sheet, as Excel would hold them once opened."""
        book = cls(str(path) if fullname is None else fullname)
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            fake = book.sheets.add(name)
            top, left = sheet.start or (0, 0)
            for i, row in enumerate(sheet.to_python(skip_empty_area=False)):
                for j, value in enumerate(row):
                    fake[(top + i + 1, left + j + 1)] = value
        book.active = next(iter(book.sheets), None)
        return book
