"""The one table layout of the command line: plain text, columns padded to their widest cell."""

from __future__ import annotations

from kpi_xl.cli.terminal import shown

__all__ = ["format_table"]


def format_table(rows: list[list[str]]) -> str:
    """Rows as a plain text table, columns padded to their widest cell.

    >>> print(format_table([["a", "bb"], ["ccc", "d"]]))
    a    bb
    ---  --
    ccc  d
    """
    rows = [[shown(cell) for cell in row] for row in rows]  # workbook and server text: no control characters
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
