"""Writing a :class:`~kpi_xl.importing.plan.Plan` into a workbook file, touching nothing else.

The file is a zip of XML parts. Only three can change: the Actuals sheet (rows rewritten, removed,
appended; the rows below a removed one move up), its table part (``ref`` and the autofilter's, so the
table holds the rows) and, in the rare workbook with no date style at all, the styles part. Every
other part is copied as it was, in the same order: other sheets, formulas, validations, formats,
comments, the xlwings.conf sheet. Strings are written inline (``t="inlineStr"``), so the shared
string table stays as it is; Excel moves them there on its next save. New cells take the styles of
the table's last row (the date format, money and count formats), or the template's.

The sheet is streamed out: the rows that stay are written from the XML as read, only the rows that
move are rewritten, with one substitution each, and appended rows are made column by column, 10,000
at a time, while the sheet is written (``benchmarks/import.py``).
"""

from __future__ import annotations

import re
import threading
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain, groupby
from operator import attrgetter
from pathlib import Path, PurePosixPath
from queue import Queue
from string import Formatter
from typing import IO
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from kpi_xl.core.registry import KPIS, MEASURES, Unit
from kpi_xl.importing.errors import NO_SOURCE_COLUMN, TABLE_LAYOUT, ImportRefusedError
from kpi_xl.importing.plan import NewRow, Plan
from kpi_xl.importing.values import serial
from kpi_xl.workbook.problems import column_letter, column_number
from kpi_xl.workbook.schema import ACTUALS

__all__ = ["write_plan"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TABLE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"

_ROW_START = re.compile(rb"<row[\s>]")
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_CELL = re.compile(rb'<c\s[^>]*?r="([A-Z]+)(\d+)"[^>]*?(?:/>|>.*?</c>)', re.DOTALL)
_STYLE = re.compile(rb'\ss="(\d+)"')
_VALUE = re.compile(rb"<v>|<is>|<f[\s>/]")   # a value, an inline string or a formula (with no value yet)
_REF = re.compile(r"^\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)$")
_MONEY = frozenset(k.measures[0] for k in KPIS.values() if k.unit is Unit.CURRENCY and k.measures)


def _refuse(workbook: Path, reason: str) -> ImportRefusedError:
    return ImportRefusedError(workbook.name, 0, TABLE_LAYOUT, reason=reason)


def _norm(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


def _member(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for piece in (PurePosixPath(base).parent / target).parts:
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    path = str(PurePosixPath(part).parent / "_rels" / (PurePosixPath(part).name + ".rels"))
    if path not in archive.namelist():
        return {}
    root = ElementTree.fromstring(archive.read(path))
    return {r.get("Id", ""): (r.get("Type", ""), _member(part, r.get("Target", "")))
            for r in root.iter(f"{_PKG}Relationship")}


@dataclass(slots=True)
class _Layout:
    sheet: str                  # zip member of the Actuals sheet
    table: str                  # zip member of its table part
    first_col: int
    last_col: int
    header_row: int
    last_row: int
    columns: dict[str, int]     # schema key -> sheet column number
    add_source: bool = False    # a workbook from before the Source column: it is added after the last


def _layout(archive: zipfile.ZipFile, workbook: Path) -> _Layout:
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = _rels(archive, "xl/workbook.xml")
    sheet = next((rels.get(s.get(f"{_REL}id", ""), ("", ""))[1] for s in book.iter(f"{_MAIN}sheet")
                  if s.get("name", "").strip().casefold() == ACTUALS.sheet.casefold()), "")
    if not sheet:
        raise _refuse(workbook, "no Actuals sheet")
    for kind, member in _rels(archive, sheet).values():
        if kind != _TABLE_REL:
            continue
        root = ElementTree.fromstring(archive.read(member))
        if root.get("name", "").casefold() != ACTUALS.name.casefold():
            continue
        if int(root.get("totalsRowCount", "0") or 0):
            raise _refuse(workbook, "the table has a Total row: turn it off (Table Design, Total Row) first")
        m = _REF.match(root.get("ref", ""))
        if m is None:
            raise _refuse(workbook, f"the table's range {root.get('ref')!r} is not a range")
        first = column_number(m[1])
        names = [_norm(c.get("name", "")) for c in root.iter(f"{_MAIN}tableColumn")]
        columns = {}
        for column in ACTUALS.columns:
            if _norm(column.header) in names:
                columns[column.key] = first + names.index(_norm(column.header))
        for j, name in enumerate(names):  # the workbook's own measures (Custom KPIs sheet), by their key
            columns.setdefault("_".join(name.split()), first + j)
        missing = [c.header for c in ACTUALS.columns if c.required and c.key not in columns]
        if missing:
            raise _refuse(workbook, f"the table has no column {', '.join(missing)}")
        last = column_number(m[3])
        add = "source" not in columns
        if add:
            columns["source"] = last + 1
        return _Layout(sheet, member, first, last, int(m[2]), int(m[4]), columns, add)
    raise _refuse(workbook, f"no table named {ACTUALS.name} on the Actuals sheet")


@dataclass(slots=True)
class _Styles:
    by_column: dict[int, bytes]
    styles_xml: bytes | None    # the styles part, when a date style had to be added to it


def _styles(archive: zipfile.ZipFile, layout: _Layout, last_row_xml: bytes | None) -> _Styles:
    """Each column's style: the last data row's, else one of the styles part with the right number format."""
    found: dict[int, bytes] = {}
    if last_row_xml:
        for cell in _CELL.finditer(last_row_xml):
            style = _STYLE.search(cell[0][: cell[0].find(b">") + 1])
            if style:
                found[column_number(cell[1])] = style[1]
    styles_xml = archive.read("xl/styles.xml") if "xl/styles.xml" in archive.namelist() else b""
    formats = {int(m[1]): m[2].decode()
               for m in re.finditer(rb'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles_xml)}
    xfs_block = re.search(rb"<cellXfs[^>]*>(.*?)</cellXfs>", styles_xml, re.DOTALL)
    xfs = re.findall(rb"<xf\s[^>]*?(?:/>|>.*?</xf>)", xfs_block[1], re.DOTALL) if xfs_block else []

    def find(test: object) -> bytes | None:
        best = None
        for i, xf in enumerate(xfs):
            number = int(m[1]) if (m := re.search(rb'numFmtId="(\d+)"', xf)) else 0
            if test(number):  # type: ignore[operator]
                if b'fillId="0"' in xf or b"fillId" not in xf:
                    return str(i).encode()
                best = best or str(i).encode()
        return best

    def is_date(n: int) -> bool:
        code = formats.get(n, "").casefold()
        return 14 <= n <= 17 or ("y" in code and "d" in code and "h" not in code)

    added = None
    date_style = find(is_date)
    if date_style is None and "date" not in found:
        if not xfs_block:
            raise ImportRefusedError("xl/styles.xml", 0, TABLE_LAYOUT, reason="the workbook has no cell styles")
        date_style = str(len(xfs)).encode()
        new_xf = b'<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        opening = styles_xml[xfs_block.start():xfs_block.start(1)]
        block = re.sub(rb'count="\d+"', f'count="{len(xfs) + 1}"'.encode(), opening, count=1)
        added = styles_xml[:xfs_block.start()] + block + xfs_block[1] + new_xf + styles_xml[xfs_block.end(1):]
    money = find(lambda n: formats.get(n) == "#,##0.00" or n == 4)
    count = find(lambda n: formats.get(n) == "#,##0" or n == 3)
    styles: dict[int, bytes] = {}
    for key, col in layout.columns.items():
        default = date_style if key == "date" else money if key in _MONEY else count if key in MEASURES else None
        style = found.get(col, default)
        if style is not None:
            styles[col] = style
    return _Styles(styles, added)


def _number(value: object) -> str:
    text = str(value)
    if "E" in text:
        text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


_TEXTS = ("client", "channel", "campaign", "source")


def _shape(row: NewRow) -> tuple[object, ...]:
    """What decides a row's cells: its measures and which of its texts are filled."""
    return tuple(row.values), bool(row.client), bool(row.channel), bool(row.campaign), bool(row.source)


def _numbers(values: Sequence[object]) -> list[str]:
    """:func:`_number` of each value, in one pass per step over the column."""
    texts = list(map(str, values))
    if "E" in "".join(texts):
        return [_number(v) for v in values]
    return [t.rstrip("0").rstrip(".") or "0" if "." in t else t for t in texts]


@cache
def _printf(template: str) -> tuple[list[int], str]:
    """A row template (``str.format``, numbered fields) as a ``%`` format and the field of each of its
    ``%s`` in turn: ``%`` with a tuple is a third faster than ``format`` over 100,000 rows.

    >>> _printf('<row r="{0}"><c r="A{0}"><v>{1}</v></c>{{100%}}</row>')
    ([0, 0, 1], '<row r="%s"><c r="A%s"><v>%s</v></c>{100%%}</row>')
    """
    fields, parts = [], []
    for literal, field, _spec, _conversion in Formatter().parse(template):
        parts.append(literal.replace("%", "%%"))
        if field is not None:
            fields.append(int(field))
            parts.append("%s")
    return fields, "".join(parts)


class _RowWriter:
    """New rows as XML; each column's reference letters and style worked out once, not per cell."""

    def __init__(self, layout: _Layout, styles: Mapping[int, bytes]) -> None:
        def opening(col: int) -> tuple[str, str]:
            style = f' s="{styles[col].decode()}"' if col in styles else ""
            return f'<c r="{column_letter(col)}', f'"{style}'

        self.columns = {key: (col, *opening(col)) for key, col in layout.columns.items()}
        self.shapes: dict[tuple[object, ...], tuple[list[tuple[int, str, str, str]], str]] = {}
        self.texts: dict[str, str] = {}

    def __call__(self, number: int, row: NewRow, keep: Sequence[tuple[int, bytes]] = ()) -> bytes:
        texts = {"client": row.client, "channel": row.channel, "campaign": row.campaign, "source": row.source}
        order, template = self.template(row)
        args = [serial(row.date) if key == "date" else self.text(texts[key]) if key in texts
                else _number(row.values[key]) for _col, _head, _tail, key in order]
        if not keep:
            return template.format(number, *args).encode()
        n = str(number)
        cells = [(col, xml.decode()) for col, xml in keep]
        cells += [(col, template_cell) for (col, _h, _t, _k), template_cell in zip(
            order, re.findall(r"<c .*?</c>", template.format(number, *args)), strict=True)]
        cells.sort(key=lambda c: c[0])
        return f'<row r="{n}">{"".join(c for _, c in cells)}</row>'.encode()

    def template(self, row: NewRow) -> tuple[list[tuple[int, str, str, str]], str]:
        """The row's cells in sheet order and its XML with blanks for the row number and the values."""
        # Rows of one export share their shape: its cells' order and XML are worked out once.
        shape = _shape(row)
        found = self.shapes.get(shape)
        if found is None:
            wanted = ["date", *(k for k in _TEXTS if getattr(row, k)), *row.values]
            order = sorted(self.columns[k] + (k,) for k in wanted if k in self.columns)
            xml = "".join(f"{head}{{0}}{tail}><v>{{{i + 1}}}</v></c>" if key == "date" or key not in _TEXTS
                          else f'{head}{{0}}{tail} t="inlineStr"><is>{{{i + 1}}}</is></c>'
                          for i, (_col, head, tail, key) in enumerate(order))
            found = self.shapes[shape] = (order, '<row r="{0}">' + xml + "</row>")
        return found

    def many(self, first: int, rows: Sequence[NewRow], size: int = 10_000) -> Iterator[bytes]:
        """``rows`` as sheet rows numbered from ``first``, a block of up to ``size`` rows at a time: the
        same XML as one call per row, made column by column (100,000 rows of one export share one shape)."""
        for at in range(0, len(rows), size):
            block = rows[at:at + size]
            pieces: list[str] = []
            number = first + at
            for _, group in groupby(block, key=_shape):
                same = list(group)
                order, template = self.template(same[0])
                columns: list[Iterable[object]] = [range(number, number + len(same))]
                for _col, _head, _tail, key in order:
                    if key == "date" or key in _TEXTS:   # a few hundred days, a few campaigns: each once
                        cells = list(map(attrgetter(key), same))
                        made = {c: serial(c) if key == "date" else self.text(c) for c in set(cells)}
                        columns.append(list(map(made.__getitem__, cells)))
                    else:
                        columns.append(_numbers([r.values[key] for r in same]))
                fields, printf = _printf(template)
                pieces.append("".join(map(printf.__mod__, zip(*(columns[k] for k in fields), strict=True))))
                number += len(same)
            yield "".join(pieces).encode()

    def text(self, text: str) -> str:
        found = self.texts.get(text)
        if found is None:
            space = ' xml:space="preserve"' if text != text.strip() else ""
            found = self.texts[text] = f"<t{space}>{escape(text)}</t>"
        return found


def _renumber(row: bytes, old: int, new: int) -> bytes:
    """The row's XML moved from sheet row ``old`` to ``new``: its ``r`` and every cell reference."""
    head_end = row.find(b">")
    head = _ROW_NUMBER.sub(f' r="{new}"'.encode(), row[:head_end], count=1)
    body = re.sub(rb'(<c\s[^>]*?r="[A-Z]+)' + str(old).encode() + rb'"', rb"\g<1>" + str(new).encode() + b'"',
                  row[head_end:])
    return head + body


def _last_row(xml: bytes, start: int, end: int, layout: _Layout) -> tuple[int, bytes | None] | None:
    """The sheet's last row element when it is the header or the table's last filled row: (its
    number, its XML, None for the header); None when anything else is there (look at every row)."""
    at = xml.rfind(b"<row", start, end)
    if at < 0 or xml[at + 4:at + 5] not in (b" ", b">"):
        return None
    m = _ROW_NUMBER.search(xml, at, xml.find(b">", at))
    if m is None:
        return None
    number = int(m[1])
    if number == layout.header_row:
        return number, None
    if layout.header_row < number <= layout.last_row and _VALUE.search(xml, at, end):
        return number, xml[at:end]
    return None


def _split(xml: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """(row number, start, end) of each row element between ``start`` and ``end``."""
    starts = [m.start() for m in _ROW_START.finditer(xml, start, end)]
    rows = []
    for i, at in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else end
        m = _ROW_NUMBER.search(xml, at, xml.find(b">", at))
        if m is None:
            raise ValueError("a row without its number")
        rows.append((int(m[1]), at, stop))
    return rows


def write_plan(source: Path, target: Path, plan: Plan) -> None:
    """Writes ``source`` with ``plan`` applied to ``target`` (a new file; the caller renames it)."""
    with zipfile.ZipFile(source) as archive:
        layout = _layout(archive, source)
        xml = archive.read(layout.sheet)
        if b":sheetData" in xml and re.search(rb"<\w+:sheetData", xml):   # `in` first: 30 MB scan in C
            raise _refuse(source, "the sheet's XML uses a namespace prefix kpi_xl does not write into")
        table_xml = archive.read(layout.table)
        if layout.add_source:
            xml, table_xml = _add_source_column(xml, table_xml, layout, source)
        data_start = xml.find(b"<sheetData")
        open_end = xml.find(b">", data_start) + 1
        self_closing = xml[open_end - 2:open_end] == b"/>"
        data_end = open_end if self_closing else xml.find(b"</sheetData>", open_end)
        fast = None if plan.delete or plan.update else _last_row(xml, open_end, data_end, layout)
        if fast is not None:
            # Only appending after the table's last row, which is the sheet's last: the rows there stay
            # one untouched block, and only the new ones are written.
            number, last_xml = fast
            write = _RowWriter(layout, _styles(archive, layout, last_xml).by_column)
            styles_xml = None
            # Made while the sheet is written: the new rows are never all in memory at once.
            pieces: Iterable[bytes | memoryview] = chain([memoryview(xml)[open_end:data_end]],
                                                         write.many(number + 1, plan.append))
            last = number + len(plan.append)
        else:
            try:
                rows = _split(xml, open_end, data_end)
            except ValueError as error:
                raise _refuse(source, str(error)) from None
            in_table = [r for r in rows if layout.header_row < r[0] <= layout.last_row
                        and _VALUE.search(xml, r[1], r[2])]
            styles = _styles(archive, layout, xml[in_table[-1][1]:in_table[-1][2]] if in_table else None)
            styles_xml = styles.styles_xml
            pieces, last = _sheet_rows(xml, rows, plan, layout, _RowWriter(layout, styles.by_column), source)
        new_last = max(layout.header_row + 1, last)
        head = xml[:data_start] + (xml[data_start:open_end - 2] + b">" if self_closing else xml[data_start:open_end])
        head = _dimension(head, new_last)
        tail = b"</sheetData>" + xml[open_end:] if self_closing else xml[data_end:]
        table = _table_ref(table_xml, layout, new_last)
        with zipfile.ZipFile(target, "w") as out:
            for info in archive.infolist():
                if info.filename == layout.sheet:
                    with out.open(_copy(info), "w", force_zip64=True) as stream:
                        stream.write(head)
                        _write_alongside(stream, _chunks(pieces))
                        stream.write(tail)
                elif info.filename == layout.table:
                    out.writestr(_copy(info), table)
                elif info.filename == "xl/styles.xml" and styles_xml is not None:
                    out.writestr(_copy(info), styles_xml)
                else:
                    out.writestr(_copy(info), archive.read(info))


def _chunks(pieces: Iterable[bytes | memoryview], size: int = 1 << 20) -> Iterator[bytes | memoryview]:
    """The pieces joined into blocks of about ``size`` bytes: one write per block, not per row; a
    piece as big as a block is written as it is, not copied."""
    block: list[bytes | memoryview] = []
    length = 0
    for piece in pieces:
        if len(piece) >= size:
            if block:
                yield b"".join(block)
                block, length = [], 0
            yield piece
            continue
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield b"".join(block)
            block, length = [], 0
    if block:
        yield b"".join(block)


def _write_alongside(stream: IO[bytes], chunks: Iterable[bytes | memoryview], depth: int = 16) -> None:
    """Writes ``chunks`` to ``stream``, in order, from a second thread up to ``depth`` chunks behind:
    zlib compresses (and crc32 sums) without holding the GIL, so the sheet's blocks are compressed
    while the next new rows are made, on a second core. The same calls in the same order as
    writing them here: the same bytes."""
    waiting: Queue[bytes | memoryview | None] = Queue(maxsize=depth)
    failed: list[BaseException] = []

    def drain() -> None:
        while (chunk := waiting.get()) is not None:
            if not failed:   # after a failure, only emptied, so that the maker never waits forever
                try:
                    stream.write(chunk)
                except BaseException as error:  # raised again in the caller's thread
                    failed.append(error)

    worker = threading.Thread(target=drain, name="kpi_xl-write", daemon=True)
    worker.start()
    try:
        for chunk in chunks:
            if failed:
                break
            waiting.put(chunk)
    finally:
        waiting.put(None)
        worker.join()
    if failed:
        raise failed[0]


def _copy(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(info.filename, info.date_time)
    new.compress_type = info.compress_type
    # Level 1: a big sheet compresses three times faster for a few per cent more bytes.
    new._compresslevel = 1  # type: ignore[attr-defined]  # ZipFile.open(info, "w") reads only this
    new.external_attr = info.external_attr
    new.create_system = info.create_system
    return new


def _sheet_rows(xml: bytes, rows: Sequence[tuple[int, int, int]], plan: Plan, layout: _Layout,
                write: _RowWriter, source: Path) -> tuple[list[bytes], int]:
    pieces: list[bytes] = []
    shift = 0
    last = layout.header_row
    table_cols = range(layout.first_col, layout.last_col + 1)
    below: list[tuple[int, bytes]] = []   # rows below the table holding cells: they stay where they are
    for number, start, end in rows:
        if number > layout.last_row:
            if not plan.append or _VALUE.search(xml, start, end):   # else formatting only: its number may be needed
                below.append((number, xml[start:end]))
            continue
        if (number in plan.delete or number in plan.update) and b"<f" in xml[start:end]:
            raise _refuse(source, f"row {number} holds a formula: remove it, then import again")
        if number in plan.delete:
            shift += 1
            continue
        if number > layout.header_row and plan.append and not _VALUE.search(xml, start, end):
            continue  # a row of formatting only: the appended rows may need its number
        row = xml[start:end]
        target = number - shift
        if number in plan.update:
            keep = [(column_number(c[1]), _renumber_cell(c[0], number, target)) for c in _CELL.finditer(row)
                    if column_number(c[1]) not in table_cols]
            row = write(target, plan.update[number], keep)
        elif shift:
            if b"<f" in row:
                raise _refuse(source, f"row {number} holds a formula and would move up: remove the formula first")
            row = _renumber(row, number, target)
        pieces.append(row)
        if number <= layout.last_row and _VALUE.search(row):
            last = max(last, target)
    new_last = last + len(plan.append)
    if below and below[0][0] <= new_last:
        raise _refuse(source, f"row {below[0][0]} below the table holds cells and the imported rows would reach it "
                              f"(to row {new_last}): move them further down, then import again")
    pieces.extend(write.many(last + 1, plan.append))
    pieces.extend(row for _, row in below)
    return pieces, new_last


def _renumber_cell(cell: bytes, old: int, new: int) -> bytes:
    return cell if old == new else re.sub(rb'(r="[A-Z]+)' + str(old).encode() + rb'"',
                                          rb"\g<1>" + str(new).encode() + b'"', cell, count=1)


def _dimension(head: bytes, last: int) -> bytes:
    def grow(m: re.Match[bytes]) -> bytes:
        ref = m[1].decode()
        if ":" not in ref:
            return m[0]
        first, end = ref.split(":")
        letters = re.match(r"\$?([A-Z]+)\$?(\d+)", end)
        if letters is None:
            return m[0]
        return f'<dimension ref="{first}:{letters[1]}{max(last, int(letters[2]))}"'.encode()
    return re.sub(rb'<dimension ref="([^"]*)"', grow, head, count=1)


def _add_source_column(xml: bytes, table: bytes, layout: _Layout, source: Path) -> tuple[bytes, bytes]:
    """A workbook from before the Source column: the column is added to the table's right, its header
    cell written; the sheet must have nothing in that column yet."""
    letter = column_letter(layout.last_col + 1)
    if re.search(rb'<c\s[^>]*?r="' + letter.encode() + rb'\d+"', xml):
        raise ImportRefusedError(source.name, 0, NO_SOURCE_COLUMN)
    header = re.search(rb'<row[^>]*?\sr="' + str(layout.header_row).encode() + rb'"[^>]*>(.*?)</row>', xml, re.DOTALL)
    if header is None or b"</row>" not in xml[header.start():header.end()]:
        raise ImportRefusedError(source.name, 0, NO_SOURCE_COLUMN)
    cell = f'<c r="{letter}{layout.header_row}" t="inlineStr"><is><t>Source</t></is></c>'.encode()
    xml = xml[:header.end() - 6] + cell + xml[header.end() - 6:]
    ids = [int(i) for i in re.findall(rb'<tableColumn\s[^>]*?id="(\d+)"', table)]
    column = f'<tableColumn id="{max(ids, default=0) + 1}" name="Source"/>'.encode()
    table = re.sub(rb'(<tableColumns\s[^>]*?count=")(\d+)"', lambda m: m[1] + str(int(m[2]) + 1).encode() + b'"',
                   table, count=1)
    table = table.replace(b"</tableColumns>", column + b"</tableColumns>", 1)
    old = f"{column_letter(layout.first_col)}{layout.header_row}:{column_letter(layout.last_col)}{layout.last_row}"
    layout.last_col += 1
    new = f"{column_letter(layout.first_col)}{layout.header_row}:{letter}{layout.last_row}"
    table = re.sub(rb'(\sref=")' + re.escape(old.encode()) + rb'"', rb"\g<1>" + new.encode() + b'"', table)
    xml = _widen_dimension(xml, layout.last_col)
    return xml, table


def _widen_dimension(xml: bytes, last_col: int) -> bytes:
    m = re.search(rb'<dimension ref="([A-Z]+\d+):([A-Z]+)(\d+)"', xml)
    if m is None or column_number(m[2]) >= last_col:
        return xml
    return xml[:m.start(2)] + column_letter(last_col).encode() + xml[m.end(2):]


def _table_ref(table: bytes, layout: _Layout, last: int) -> bytes:
    old = f"{column_letter(layout.first_col)}{layout.header_row}:{column_letter(layout.last_col)}{layout.last_row}"
    new = f"{column_letter(layout.first_col)}{layout.header_row}:{column_letter(layout.last_col)}{last}"
    return re.sub(rb'(\sref=")' + re.escape(old.encode()) + rb'"', rb"\g<1>" + new.encode() + b'"', table)
