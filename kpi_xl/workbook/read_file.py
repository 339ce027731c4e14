"""A workbook file on disk (.xlsx, .xlsm) -> :class:`~kpi_xl.workbook.grid.Grid` per sheet.

Values come from python-calamine, several times faster than openpyxl's read-only mode
(``benchmarks/read.py``). Calamine gives ``""`` both for an error cell (``#REF!``) and for a formula
saved without a computed value, exactly as for a blank cell, so the sheet's XML is also scanned for
those two kinds of cell: a streamed search first (a sheet of plain values has neither and costs one
decompression), then a look at each such cell when there are any.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Collection
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import python_calamine

from kpi_xl.core.registry import N_
from kpi_xl.workbook.archive import (
    ArchiveRefusedError,
    SheetScan,
    check_archive,
    sanitized_copy,
    scan_parts,
    strings_need_fixing,
    xml_part,
)
from kpi_xl.workbook.grid import NO_VALUE, Grid, Unreadable
from kpi_xl.workbook.problems import ERROR, WorkbookInvalid, column_number, problem

__all__ = ["OTHER_SPREADSHEETS", "SUFFIXES", "cannot_read", "read_file"]

SUFFIXES = (".xlsx", ".xlsm")
#: Spreadsheets and tables kpi_xl does not read, which any spreadsheet program saves as .xlsx.
OTHER_SPREADSHEETS = (".xls", ".xlsb", ".ods", ".fods", ".numbers", ".csv", ".tsv")
CANNOT_READ = N_("cannot read {file}: {reason}")
NOT_FOUND = N_("{file}: file not found")
NOT_A_WORKBOOK = N_("cannot read {file}: not an .xlsx or .xlsm workbook")
SAVE_AS_XLSX = N_("cannot read {file}: kpi-xl reads .xlsx workbooks, not {suffix} files: open it in your "
                  "spreadsheet program and save it as .xlsx (Excel Workbook)")
NOT_XLSX_CONTENT = N_("cannot read {file}: it is not an .xlsx workbook inside (a file renamed .xlsx?): "
                      "open it in Excel and save it as .xlsx")
DAMAGED = N_("cannot read {file}: it is damaged or incomplete: copy or download it again")
DAMAGED_AT = N_("cannot read {file}: it is damaged or incomplete ({detail}): copy or download it again")
FOLDER = N_("cannot read {file}: it is a folder, not a workbook")
REFUSED = {
    "bomb": N_("cannot read {file}: its part {part} would inflate to {size}, more than a workbook holds: "
               "the file is damaged or hostile"),
    "version": N_("cannot read {file}: its part {part} needs zip version {version}, which is not supported: "
                  "save the workbook again in Excel"),
    "method": N_("cannot read {file}: its part {part} is compressed or encrypted in a way that is not supported: "
                 "save the workbook again in Excel"),
    "doctype": N_("cannot read {file}: its part {part} declares a DOCTYPE, which workbooks never do: "
                  "the file is damaged or hostile"),
    "too_big": N_("cannot read {file}: the cells of {part} span {range}, too many to read: "
                  "delete the rows and columns past the tables"),
}
# What reading a damaged archive can raise, from zipfile, zlib, the XML parser and calamine.
_DAMAGED = (OSError, python_calamine.CalamineError, zipfile.BadZipFile, zlib.error, ElementTree.ParseError,
            KeyError, EOFError, NotImplementedError, ValueError, struct.error, RuntimeError, OverflowError)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# An opening <f> (formula, with or without a namespace prefix) or an error-typed cell. Three plain
# patterns searched one after the other: an alternation would defeat the regex engine's literal scan,
# ten times slower over a 50 MB sheet. A false hit (<family> in rich text) only costs a closer look.
_SPECIAL = (re.compile(rb"<f[\s>/]"), re.compile(rb":f[\s>/]"), re.compile(rb't="e"'))
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>]")
_CELL_REF = re.compile(rb"\sr=\"([A-Z]+)(\d+)\"")
_CELL_TYPE = re.compile(rb"\st=\"(\w+)\"")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>")
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def cannot_read(path: Path, template: str = CANNOT_READ, reason: str = "", **params: str) -> WorkbookInvalid:
    """The error for a file that cannot be opened at all: one problem, with no sheet, naming the file
    as it was given (``clients/2026.xlsx``, not only its name, nor the absolute path)."""
    if template == CANNOT_READ:
        params["reason"] = reason
    return WorkbookInvalid([problem("", 0, 0, ERROR, template, file=str(path), **params)])


def read_file(path: Path, wanted: Collection[str]) -> list[Grid]:
    """The sheets whose names, trimmed and case-folded, are in ``wanted``, in workbook order.

    Raises :class:`WorkbookInvalid` (one problem, no sheet) when the file cannot be read at all.
    """
    path = path if isinstance(path, Path) else Path(path)   # a Path is kept: it may print as typed (./q3/...)
    if not path.exists():
        raise cannot_read(path, NOT_FOUND)
    if path.is_dir():
        raise cannot_read(path, FOLDER)
    if path.suffix.lower() in OTHER_SPREADSHEETS:
        raise cannot_read(path, SAVE_AS_XLSX, suffix=path.suffix.lower())
    if path.suffix.lower() not in SUFFIXES:
        raise cannot_read(path, NOT_A_WORKBOOK)
    if not path.is_file():   # a device or a pipe named .xlsx: never opened (a pipe would wait forever)
        raise cannot_read(path, NOT_FOUND)
    try:
        check_archive(path)
        with zipfile.ZipFile(path) as archive:
            parts = {name: member for name, member in _sheet_parts(archive).items()
                     if name.strip().casefold() in wanted}
            scans, strings = scan_parts(archive, set(parts.values()))
            copy = None
            if any(scan.needs_copy for scan in scans.values()) or strings_need_fixing(archive, strings):
                copy = sanitized_copy(archive, scans.values(), strings)
            try:
                grids = _calamine(str(copy or path), wanted)
            finally:
                if copy is not None:
                    copy.unlink(missing_ok=True)
            for grid in grids:
                scan = scans.get(parts.get(grid.name, ""))
                if scan is not None:
                    _apply(grid, _read_specials(archive, scan))
                    grid.far, grid.far_count = scan.far, scan.far_count
    except ArchiveRefusedError as refused:
        raise cannot_read(path, REFUSED[refused.kind], **refused.params) from None
    except _DAMAGED as error:
        raise _unreadable(path, error) from None
    except BaseException as error:  # a panic inside calamine (pyo3's PanicException is a BaseException)
        if type(error).__name__ != "PanicException":
            raise
        raise _unreadable(path, error) from None
    return grids


def _unreadable(path: Path, error: BaseException) -> WorkbookInvalid:
    """In plain words: not a workbook at all (no zip inside), a file the system would not give, or a
    damaged one (the detail after, without the exception's name)."""
    if isinstance(error, OSError) and not isinstance(error, zipfile.BadZipFile) and error.strerror:
        return cannot_read(path, reason=error.strerror)
    try:
        with path.open("rb") as file:
            head = file.read(4)
    except OSError:
        head = b""
    if not head.startswith(b"PK"):
        return cannot_read(path, NOT_XLSX_CONTENT)
    detail = " ".join(str(error).split())[:200]   # a zip's own words, e.g. "Bad CRC-32 for file 'xl/...'"
    if not detail or "not a zip file" in detail:   # a truncated download: its end record is gone
        return cannot_read(path, DAMAGED)
    return cannot_read(path, DAMAGED_AT, detail=detail)


def _calamine(path: str, wanted: Collection[str]) -> list[Grid]:
    with python_calamine.CalamineWorkbook.from_path(path) as book:
        names = [n for n in book.sheet_names if n.strip().casefold() in wanted]
        sheets = {n: book.get_sheet_by_name(n) for n in names}
        return [_grid(name, sheet) for name, sheet in sheets.items()]


def _read_specials(archive: zipfile.ZipFile, scan: SheetScan) -> dict[tuple[int, int], object]:
    """Error cells, formulas without value and unreadable values inside the region calamine read."""
    found = _special_cells(archive, scan.member) if scan.has_special else {}
    found.update((position, Unreadable(*why)) for position, why in scan.bad.items())
    return {position: value for position, value in found.items() if scan.keeps(*position)}


def _grid(name: str, sheet: python_calamine.CalamineSheet) -> Grid:
    rows = sheet.to_python(skip_empty_area=True)
    top, left = sheet.start or (0, 0)
    merged = [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
    return Grid(name, rows, top + 1, left + 1, merged)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding its XML, from the workbook part and its relationships."""
    book = ElementTree.fromstring(xml_part(archive, "xl/workbook.xml"))
    rels = ElementTree.fromstring(xml_part(archive, "xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG}Relationship")}
    parts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts[sheet.get("name", "")] = member
    return parts


def _special_cells(archive: zipfile.ZipFile, member: str) -> dict[tuple[int, int], object]:
    """(row, column) -> error text or NO_VALUE, for every error cell and value-less formula of a sheet."""
    xml = archive.read(member)
    data_end = m.start() if (m := _DATA_END.search(xml)) else len(xml)  # later <xm:f> are validations
    found: dict[tuple[int, int], object] = {}
    end = 0
    hits = sorted(m.start() for pattern in _SPECIAL for m in pattern.finditer(xml, 0, data_end))
    for hit in hits:
        if hit < end:  # a second hit in the cell just read
            continue
        start = max((m.start() for m in _CELL_START.finditer(xml, max(0, hit - 400), hit + 1)), default=-1)
        if start < 0:
            continue
        close = xml.find(b">", start)
        if xml[close - 1:close] == b"/":
            end = close + 1
        else:
            cell_end = _CELL_END.search(xml, close)
            end = cell_end.end() if cell_end else data_end
        cell = xml[start:end]
        ref = _CELL_REF.search(cell[: cell.find(b">") + 1])
        if ref is None:
            continue
        kind = _CELL_TYPE.search(cell[: cell.find(b">") + 1])
        value = _CELL_VALUE.search(cell)
        cached = value.group(1) if value else b""
        position = (int(ref.group(2)), column_number(ref.group(1)))
        if kind is not None and kind.group(1) == b"e":
            found[position] = cached.decode() or "#N/A"
        elif not cached and (kind is None or kind.group(1) not in (b"str", b"inlineStr")):
            found[position] = NO_VALUE  # a formula with "" as its result is t="str": that one is a real blank
    return found


def _apply(grid: Grid, cells: dict[tuple[int, int], object]) -> None:
    """Puts the special cells into the grid, growing it if calamine's range stopped short of them."""
    if not cells:
        return
    width = max((len(r) for r in grid.rows), default=0)
    rows_needed = max(r for r, _ in cells) - grid.top + 1
    cols_needed = max(c for _, c in cells) - grid.left + 1
    top = min(grid.top, min(r for r, _ in cells))
    left = min(grid.left, min(c for _, c in cells))
    if top < grid.top or left < grid.left or rows_needed > len(grid.rows) or cols_needed > width:
        shift_r, shift_c = grid.top - top, grid.left - left
        height = max(len(grid.rows) + shift_r, rows_needed + shift_r)
        width = max(width + shift_c, cols_needed + shift_c)
        rows: list[list[object]] = [[""] * width for _ in range(height)]
        for i, row in enumerate(grid.rows):
            rows[i + shift_r][shift_c:shift_c + len(row)] = row
        grid.rows, grid.top, grid.left = rows, top, left
    for (r, c), value in cells.items():
        grid.rows[r - grid.top][c - grid.left] = value
