r"""An export file -> its rows of text cells, whatever the encoding and separator.

Google Ads' "CSV" is UTF-8 with commas, its "Excel CSV" UTF-16LE with a byte-order mark and tabs;
LinkedIn writes UTF-16LE with tabs; GA4 ends lines with CRLF. The encoding comes from the BOM (or,
without one, from where the zero bytes sit), the separator from the first lines.

>>> rows = read_rows("x.csv", "\ufeffDay\tCost\r\n2026-05-05\t12,50\r\n".encode("utf-16-le"))
>>> rows[0]
['Day', 'Cost']
>>> [(r.line, list(r)) for r in rows[1:]]
[(2, ['2026-05-05', '12,50'])]
"""

from __future__ import annotations

import codecs
import csv
import io
import re

from kpi_xl.importing.errors import LINE_TOO_LONG, UNREADABLE, ImportRefusedError

__all__ = ["MAX_CELL_CHARS", "MAX_LINE_CHARS", "Row", "decode", "read_rows"]

#: The longest line and the longest cell of an export (characters). A real export's line is a few
#: hundred characters; past these the file is refused with the line, before the rows are made.
MAX_LINE_CHARS = 1_000_000
MAX_CELL_CHARS = csv.field_size_limit()
# Line starts only (MULTILINE ^), so each line is scanned once: linear in the file.
_LONG_LINE = re.compile(f"^[^\n]{{{MAX_LINE_CHARS + 1}}}", re.MULTILINE)


class Row(list[str]):
    """The cells of one record, with the file's line number it starts on."""

    __slots__ = ("line",)   # 100,000 rows: no dict each; read_rows sets it


def decode(file: str, data: bytes) -> str:
    """The file's text: BOM first (UTF-16LE/BE, UTF-8), zero bytes for BOM-less UTF-16, else UTF-8,
    else Windows-1252 (an old Excel "CSV" save)."""
    if data.startswith(codecs.BOM_UTF16_LE):
        encoding = "utf-16-le"
    elif data.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16-be"
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif len(data) > 3 and data[1] == 0 and data[3] == 0:
        encoding = "utf-16-le"
    elif len(data) > 3 and data[0] == 0 and data[2] == 0:
        encoding = "utf-16-be"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        if encoding != "utf-8":
            reason = f"not valid {encoding.upper()}: {error.reason}"
            raise ImportRefusedError(file, 0, UNREADABLE, reason=reason) from None
        text = data.decode("cp1252", errors="replace")
    return text.lstrip("\ufeff")


def _separator(text: str) -> str:
    head = text[:20000]
    if "\t" in head:
        return "\t"
    lines = head.splitlines()[:60]
    semicolons = sum(line.count(";") for line in lines)
    commas = sum(line.count(",") for line in lines)
    return ";" if semicolons > commas else ","


def read_rows(file: str, data: bytes) -> list[Row]:
    """Every record of the file, with its line number; cells stripped of surrounding spaces."""
    text = decode(file, data)
    long = _LONG_LINE.search(text)
    if long:
        raise ImportRefusedError(file, text.count("\n", 0, long.start()) + 1, LINE_TOO_LONG,
                                 limit=f"{MAX_LINE_CHARS:,}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
    rows: list[Row] = []
    line = 1
    strip = str.strip
    try:
        for record in reader:
            row = Row(map(strip, record))
            row.line = line
            rows.append(row)
            line = reader.line_num + 1
    except csv.Error as error:
        reason = str(error)
        if "field limit" in reason:   # a cell (or an unclosed quote) past MAX_CELL_CHARS
            reason = f"a cell longer than {MAX_CELL_CHARS:,} characters (or a quote never closed)"
        raise ImportRefusedError(file, line, UNREADABLE, reason=reason) from None
    return rows
