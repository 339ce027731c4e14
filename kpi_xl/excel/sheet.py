"""Writing a button's result on a sheet of the open workbook: one home for both ribbon buttons
(Generate report's Reports sheet, Import data's Imports sheet)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["as_text", "show_rows"]


def as_text(cell: object) -> object:
    """Keeps Excel from reading a line as a formula: a leading apostrophe marks a cell as text.

    >>> as_text("=HYPERLINK(1)"), as_text("Goals!C7: bad"), as_text(12.5)
    ("'=HYPERLINK(1)", 'Goals!C7: bad', 12.5)
    """
    return f"'{cell}" if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell


def show_rows(book: Any, sheet_name: str, rows: Sequence[Sequence[object]], status: str) -> None:
    """Writes ``rows`` on the sheet ``sheet_name`` (created if missing, emptied if not), padded to one
    width, text kept as text, and ``status`` in the status bar."""
    # Sheet names are case-insensitive in Excel: "reports" is the same sheet.
    sheet = next((s for s in book.sheets if s.name.lower() == sheet_name.lower()), None)
    if sheet is None:
        sheet = book.sheets.add(sheet_name)
    else:
        sheet.clear_contents()
    width = max(len(row) for row in rows)
    # One call: one round trip to Excel.
    sheet.range("A1").value = [[as_text(c) for c in row] + [""] * (width - len(row)) for row in rows]
    sheet.activate()
    book.app.status_bar = status
