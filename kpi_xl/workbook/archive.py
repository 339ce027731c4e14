"""The workbook's zip archive, checked before anything parses it: memory is bounded by what it holds.

python-calamine trusts the archive: it sizes a sheet by its farthest cell (one value typed at
``XFD1048576`` asks for 17 billion cells and aborts the process), reserves the shared-strings table
by its declared ``uniqueCount`` and inflates whatever a member holds. So, before calamine sees a file:

1. :func:`check_archive` reads the zip's central directory itself and refuses, naming the part, a
   member that would inflate beyond :data:`MAX_PART` bytes or more than :data:`MAX_RATIO` times its
   compressed size, a total beyond :data:`MAX_TOTAL`, and a zip feature Python cannot read (a version
   needed above 6.3, a compression other than stored and deflate).
2. :func:`scan_parts` streams every XML part once (checking the inflated size and the CRC against
   the directory's, refusing any ``<!DOCTYPE``: entity attacks live there, workbooks never use one) and
   measures each wanted sheet: where its cells are, whether it holds formulas or error cells, and
   cells whose value is impossible (a shared-string index that does not exist, ``NaN``).
3. When a sheet has cells far away from its data (beyond a gap of :data:`ROW_GAP` rows or
   :data:`COLUMN_GAP` columns), an oversized ``<dimension>``, or the shared strings an impossible
   count, :func:`sanitized_copy` writes a copy without them for calamine; the far cells become one
   warning that names them.
"""

from __future__ import annotations

import os
import re
import struct
import tempfile
import zipfile
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO

from kpi_xl.workbook.problems import cell_address, column_letter, column_number

__all__ = [
    "COLUMN_GAP",
    "MAX_CELLS",
    "MAX_PART",
    "MAX_RATIO",
    "MAX_TOTAL",
    "ROW_GAP",
    "ArchiveRefusedError",
    "SheetScan",
    "check_archive",
    "sanitized_copy",
    "scan_parts",
    "strings_need_fixing",
    "xml_part",
]

MAX_PART = 512 * 1024 * 1024    # bytes one member may inflate to (a 100,000-row Actuals sheet is ~60 MB)
MAX_TOTAL = 1024 * 1024 * 1024  # bytes all members together may inflate to
MAX_RATIO = 1000                # inflated / compressed, for members above 1 MB (XML sheets reach ~100)
MAX_CELLS = 10_000_000          # the area (rows x columns) a sheet may span once far cells are set aside
ROW_GAP = 10_000                # empty rows after which a cell is "far" from the data above it
COLUMN_GAP = 64                 # empty columns after which a cell is "far" from the data left of it
_MAX_VERSION = 63               # zip "version needed to extract" Python's zipfile reads (6.3)
_CHUNK = 1 << 20


class ArchiveRefusedError(Exception):
    """The archive is refused before parsing: ``kind`` says why, ``params`` the part and figures."""

    def __init__(self, kind: str, **params: str) -> None:
        super().__init__(kind, params)
        self.kind = kind
        self.params = params


# --- 1. the central directory ---------------------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")


def check_archive(path: Path) -> None:
    """Raises :class:`ArchiveRefusedError` for a zip bomb or a zip feature that cannot be read.

    A file that is not a zip at all passes: zipfile and calamine say so in their own words.
    """
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 65_557))
        tail = f.read()
        at = tail.rfind(_EOCD)
        if at < 0 or len(tail) - at < 22:
            return
        entries, directory_size, directory_offset = struct.unpack("<6xHLL", tail[at + 4:at + 20])
        if directory_offset == 0xFFFFFFFF or entries == 0xFFFF:  # zip64: zipfile reads that directory
            with zipfile.ZipFile(path) as archive:
                _check_sizes((info.filename, info.compress_size, info.file_size) for info in archive.infolist())
            return
        f.seek(directory_offset)
        directory = f.read(min(directory_size, 64 * 1024 * 1024))
    entries_found = []
    offset = 0
    while offset + _CENTRAL.size <= len(directory):
        fields = _CENTRAL.unpack_from(directory, offset)
        if fields[0] != b"PK\x01\x02":
            break
        version, flags, method, compressed, inflated = fields[3], fields[5], fields[6], fields[10], fields[11]
        name_len, extra_len, comment_len = fields[12], fields[13], fields[14]
        name = directory[offset + 46:offset + 46 + name_len].decode("utf-8", "replace")
        offset += 46 + name_len + extra_len + comment_len
        if version > _MAX_VERSION:
            raise ArchiveRefusedError("version", part=name, version=f"{version // 10}.{version % 10}")
        if method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or flags & 0x1:
            raise ArchiveRefusedError("method", part=name)
        entries_found.append((name, compressed, inflated))
    _check_sizes(entries_found)


def _check_sizes(entries: Iterable[tuple[str, int, int]]) -> None:
    """Refuses a member inflating beyond MAX_PART or MAX_RATIO times its size, or all beyond MAX_TOTAL."""
    total = 0
    for name, compressed, inflated in entries:
        if inflated > MAX_PART or (inflated > _CHUNK and inflated > MAX_RATIO * max(compressed, 1)):
            raise ArchiveRefusedError("bomb", part=name, size=_megabytes(inflated))
        total += inflated
        if total > MAX_TOTAL:
            raise ArchiveRefusedError("bomb", part=name, size=_megabytes(total))


def _megabytes(n: int) -> str:
    return f"{n / 1e6:,.0f} MB"


# --- 2. streaming every XML part ----------------------------------------------------------------------------

# Every cell's column, as every known writer puts its reference: ``r`` first. A piece where these do
# not account for every cell (a hostile or unusual writer) is measured with the generic pattern.
_FAST_COLUMN = re.compile(rb'<c r="([A-Z]+)\d')
_ANY_CELL_START = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]+)(\d+)\"")
# What could open a cell element, ``<c`` and ``:c``, is counted generously (``<color`` in rich text,
# ``A:C`` in a formula count too): a mismatch means only a slower, generic look, never a cell left out.
# Row elements count too: calamine places a cell without its own reference in its row.
_FAST_ROW = re.compile(rb'<row r="(\d+)"')
_ANY_ROW_START = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"(\d+)\"")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([^\"]*)\"\s*/>")
# A shared-string cell's index, where Excel and others write it (t last); the count of t="s" tells
# when some are written otherwise, and the closer look then reads each cell.
_SHARED_INDEX = re.compile(rb't="s"><v>([^<]*)<')
# A value calamine would read as NaN or an infinity (Rust's f64 parsing: nan, inf, infinity, any case).
_NOT_A_NUMBER = (re.compile(rb"<v>\s*[-+]?[nNiI]"), re.compile(rb":v>\s*[-+]?[nNiI]"))
_SPECIAL = (re.compile(rb"<f[\s>/]"), re.compile(rb't="e"'), re.compile(rb":f[\s>/]"))  # prefixed last
_DATA_END = b"</sheetData>"
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_SST_OPEN = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_SST_ITEM = re.compile(rb"<(?:\w+:)?si[\s>/]")
_SST_COUNTS = re.compile(rb"\s(?:count|uniqueCount)=\"[^\"]*\"")


@dataclass
class SheetScan:
    """What one pass over a sheet's XML found. Rows and columns are 1-based sheet numbers."""

    member: str
    rows: set[int] = field(default_factory=set)
    columns: set[int] = field(default_factory=set)
    measured: int = 0               # cells the exact look measured (0: the sheet has none)
    dimension: str = ""
    has_special: bool = False
    last_row: int = 0               # the region kept for calamine (0: no cell at all)
    last_column: int = 0
    far: list[tuple[int, int]] = field(default_factory=list)    # the first far cells (row, column)
    far_count: int = 0
    bad: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)  # (row, col) -> (why, value)

    def keeps(self, row: int, column: int) -> bool:
        return row <= self.last_row and column <= self.last_column

    @property
    def needs_copy(self) -> bool:
        """Whether calamine must read a copy: it would size the sheet by a far cell or an oversized
        dimension, or stop at a shared-string index the file does not hold."""
        return (self.far_count > 0 or _dimension_beyond(self.dimension, self.last_row, self.last_column)
                or any(why == "string_index" for why, _ in self.bad.values()))


def _dimension_beyond(ref: str, last_row: int, last_column: int) -> bool:
    corner = ref.split(":")[-1]
    letters = corner.rstrip("0123456789").lstrip("$")
    digits = corner[len(corner.rstrip("0123456789")):]
    if not letters.isalpha() or not digits:
        return bool(ref)
    return int(digits) > max(last_row, 1) or column_number(letters.upper()) > max(last_column, 1)


def _stream(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The member's bytes in chunks; zipfile stops at the declared size and checks the CRC at the end."""
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            if _DOCTYPE.search(tail + chunk[:16]) or _DOCTYPE.search(chunk):
                raise ArchiveRefusedError("doctype", part=member)
            tail = chunk[-16:]
            yield chunk


def xml_part(archive: zipfile.ZipFile, member: str) -> bytes:
    """A small XML part (the workbook, its relationships) whole, refused if it declares a DOCTYPE."""
    return b"".join(_stream(archive, member))


def scan_parts(archive: zipfile.ZipFile, sheets: Collection[str]) -> tuple[dict[str, SheetScan], int | None]:
    """Streams every XML part (refusing DOCTYPEs); measures the members in ``sheets``.

    Returns each sheet's scan and the shared strings' real count (None without a shared-strings part).
    """
    names = archive.namelist()
    shared = next((n for n in names if n.lower().endswith("sharedstrings.xml")), None)
    strings = None
    if shared is not None:
        strings = sum(_items(piece) for piece in _pieces(_stream(archive, shared), b"</si>"))
    scans = {}
    for name in names:
        if name in sheets:
            scans[name] = _scan_sheet(archive, name, strings or 0)
        elif name != shared and name.lower().endswith((".xml", ".rels", ".vml")):
            for _ in _stream(archive, name):
                pass
    return scans, strings


def _items(piece: bytes) -> int:
    """The shared strings (``<si>`` elements) in ``piece``: counted, or matched where written unusually."""
    plain = piece.count(b"<si>") + piece.count(b"<si/>")
    if plain == piece.count(b"<si") and b":si" not in piece:
        return plain
    return len(_SST_ITEM.findall(piece))


def _pieces(chunks: Iterator[bytes], boundary: bytes) -> Iterator[bytes]:
    """Chunks re-cut just after the last ``boundary`` in each, so no element is split between two pieces."""
    rest = b""
    for chunk in chunks:
        buffer = rest + chunk
        cut = buffer.rfind(boundary)
        if cut < 0:
            if len(buffer) > 64 * _CHUNK:  # no element boundary in 64 MB: not a sheet anyone saved
                yield buffer
                rest = b""
            else:
                rest = buffer
            continue
        cut += len(boundary)
        yield buffer[:cut]
        rest = buffer[cut:]
    if rest:
        yield rest


def _scan_sheet(archive: zipfile.ZipFile, member: str, strings: int) -> SheetScan:
    scan = SheetScan(member)
    letters: set[bytes] = set()
    rows: set[bytes] = set()
    bound = b""    # the column up to which the quick look may vouch for cells (b"": it may not yet)
    in_data = True
    for piece in _pieces(_stream(archive, member), b"</row>"):
        if not scan.dimension and b"dimension" in piece and (dimension := _DIMENSION.search(piece)):
            scan.dimension = dimension.group(1).decode("ascii", "replace")
        if not in_data:
            continue
        end = piece.find(_DATA_END)
        if end >= 0:
            in_data = False
            piece = piece[:end]
        # Without a colon there is no prefixed element (<x:c>, which calamine reads as a cell either):
        # the looks for those are skipped.
        prefixed = b":" in piece
        numbers = _row_numbers(piece, prefixed)
        rows.update(numbers)
        last = max(map(int, numbers), default=0)
        if not _plain_cells(piece, prefixed, bound, last):
            scan.measured += _measure_cells(piece, prefixed, last, letters, rows)
            bound = _chained_to(letters)
        if not scan.has_special:
            scan.has_special = any(pattern.search(piece) for pattern in _SPECIAL[:None if prefixed else 2])
        typed = piece.count(b't="s"')
        indexes = _SHARED_INDEX.findall(piece) if typed else []
        if (len(indexes) != typed
                or any(pattern.search(piece) for pattern in _NOT_A_NUMBER[:None if prefixed else 1])
                or (indexes and (not all(map(bytes.isdigit, indexes)) or max(map(int, indexes)) >= strings))):
            _impossible_values(piece, strings, scan.bad)
    scan.columns = {column_number(c.decode()) for c in letters}
    scan.rows = set(map(int, rows))
    _keep(scan)
    return scan


# One item per "<row": its number where written plainly (r first), b"" where not.
_ROW_START = re.compile(rb'<row(?: r="(\d+)")?')


def _row_numbers(piece: bytes, prefixed: bool) -> list[bytes]:
    """The numbers of the piece's row elements (calamine places a cell without a reference in its row)."""
    numbers = _ROW_START.findall(piece)
    if b"" in numbers or (prefixed and b":row" in piece):
        numbers = _ANY_ROW_START.findall(piece)
    return numbers


def _measure_cells(piece: bytes, prefixed: bool, last: int, letters: set[bytes], rows: set[bytes]) -> int:
    """The exact look: records the column of every cell of the piece, and the row of those whose own
    reference places them past ``last`` (the piece's last row element); returns how many cells."""
    columns = _FAST_COLUMN.findall(piece)
    if len(columns) == piece.count(b"<c") + (piece.count(b":c") if prefixed else 0):
        letters.update(columns)
        # A cell's own reference places it, whatever its row element says: the rows of the cells
        # past this piece's last row element are taken too.
        rows.update(_rows_past(last).findall(piece))
        return len(columns)
    cells = _ANY_CELL_START.findall(piece)
    letters.update(c for c, _ in cells)
    rows.update(r for _, r in cells)
    return len(cells)


def _plain_cells(piece: bytes, prefixed: bool, bound: bytes, last: int) -> bool:
    """The quick look, one search instead of the exact look's three passes: whether every cell of the
    piece is written plainly (``<c r="B7"``), in a column up to ``bound`` and a row not past ``last``.
    The exact look would then record nothing that changes the sheet's extent (see :func:`_chained_to`)."""
    return bool(bound) and not (prefixed and b":c" in piece) and not _unusual_cell(bound, last).search(piece)


def _chained_to(letters: set[bytes]) -> bytes:
    """The last column seen when the columns seen chain from column A on without a gap of more than
    :data:`COLUMN_GAP` (b"" when they don't): a cell in a column up to it changes neither the sheet's
    last column nor the first gap, whichever columns come later, so it needs no recording.

    >>> _chained_to({b"A", b"C", b"AM"}), _chained_to({b"A", b"ZZ"}), _chained_to({b"BN", b"BO"}), _chained_to(set())
    (b'AM', b'', b'', b'')
    """
    columns = {column_number(c.decode()) for c in letters}
    if not columns or min(columns) > COLUMN_GAP + 1 or _extent(columns, COLUMN_GAP) != max(columns):
        return b""
    return column_letter(max(columns)).encode()


@lru_cache(maxsize=64)
def _unusual_cell(bound: bytes, last: int) -> re.Pattern[bytes]:
    """A cell start that is not ``<c r="`` + a column up to ``bound`` + a row up to ``last`` + ``"``.
    The literal ``<c`` first lets the engine skip from cell to cell; what follows is one lookahead
    without nested ones (twice as fast as asking for each kind of unusual cell in turn).

    >>> [bool(_unusual_cell(b"AM", 120).search(cell)) for cell in
    ...  [b'<c r="AM120"', b'<c r="B7" t="s"', b'<c r="AN5"', b'<c r="AAA5"', b'<c r="B121"', b'<c t="s"', b'<col ']]
    [False, False, True, True, True, True, True]
    """
    columns, numbers = _up_to(bound.decode(), _LETTERS), _up_to(str(last), _DIGITS)
    return re.compile(rf'<c(?! r="(?:{columns})(?:{numbers})")'.encode())


def _up_to(text: str, alphabet: tuple[str, str, str]) -> str:
    """A pattern for the strings of ``alphabet`` that do not come after ``text`` (see :func:`_past`).

    >>> _up_to("AM", _LETTERS), _up_to("120", _DIGITS)
    ('A[A-L]|AM|[A-Z]{1,1}', '[0-0]\\\\d{2}|1[0-1]\\\\d{1}|120|\\\\d{1,2}')
    """
    lowest, _, any_one = alphabet
    same = [text[:i] + f"[{lowest}-{chr(ord(c) - 1)}]" + _any(any_one, len(text) - i - 1)
            for i, c in enumerate(text) if c != lowest]
    shorter = [f"{any_one}{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    return "|".join([*same, text, *shorter])


def _any(any_one: str, count: int) -> str:
    return f"{any_one}{{{count}}}" if count else ""


_LETTERS, _DIGITS = ("A", "Z", "[A-Z]"), ("0", "9", r"\d")   # first, last, any one


def _past(text: str, alphabet: tuple[str, str, str]) -> str:
    """A pattern for the strings of ``alphabet`` that come after ``text`` (as column letters and row
    numbers do): longer ones, and those as long that are greater at some place.

    >>> _past("AM", _LETTERS), _past("129", _DIGITS)
    ('[A-Z]{3,}|[B-Z][A-Z]{1}|A[N-Z]', '\\\\d{4,}|[2-9]\\\\d{2}|1[3-9]\\\\d{1}')
    """
    _, top, any_one = alphabet
    longer = f"{any_one}{{{len(text) + 1},}}"
    same = [text[:i] + f"[{chr(ord(c) + 1)}-{top}]" + _any(any_one, len(text) - i - 1)
            for i, c in enumerate(text) if c != top]
    return "|".join([longer, *same])


@lru_cache(maxsize=64)
def _rows_past(last: int) -> re.Pattern[bytes]:
    """The row of every cell reference whose row is above ``last`` (written as a number of its own).

    >>> _rows_past(5207).findall(b'<c r="A5207"/><c r="B5208"/><c r="C6000"/><c r="D10000"/><c r="E999"/>')
    [b'5208', b'6000', b'10000']
    """
    return re.compile(rf'<c r="[A-Z]+({_past(str(last), _DIGITS)})"'.encode())


def _impossible_values(piece: bytes, strings: int, bad: dict[tuple[int, int], tuple[str, str]]) -> None:
    """The closer look: each cell of ``piece`` whose saved value cannot be read, with why."""
    for match in _ANY_CELL.finditer(piece):
        element = match.group(0)
        head = element[:element.find(b">") + 1]
        ref, kind, value = _REF.search(head), _TYPE.search(head), _VALUE.search(element)
        if ref is None or value is None:
            continue
        text = value.group(1).strip()
        position = (int(ref.group(2)), column_number(ref.group(1).decode()))
        kind_name = kind.group(1) if kind else b"n"
        if kind_name == b"s" and (not text.isdigit() or int(text) >= strings):
            bad[position] = ("string_index", text.decode("ascii", "replace"))
        elif kind_name == b"n" and _NOT_A_NUMBER[0].match(b"<v>" + text):
            bad[position] = ("not_number", text.decode("ascii", "replace"))


def _extent(numbers: set[int], gap: int) -> int:
    """The last number before the first gap wider than ``gap`` (0 for none)."""
    last = 0
    for n in sorted(numbers):
        if last and n - last > gap:
            break
        last = n
    return last


def _keep(scan: SheetScan) -> None:
    """Sets the region kept for calamine: up to the first gap of ROW_GAP empty rows or COLUMN_GAP empty
    columns. What lies beyond is far from any table (``Ctrl+End`` and a keystroke put it there)."""
    if not scan.measured:
        return
    scan.last_row, scan.last_column = _extent(scan.rows, ROW_GAP), _extent(scan.columns, COLUMN_GAP)
    if scan.last_row * scan.last_column > MAX_CELLS:
        raise ArchiveRefusedError("too_big", part=scan.member,
                                  range=f"A1:{cell_address(scan.last_row, scan.last_column)}")
    # Whether any cell lies beyond; the copy counts them exactly (and names the first).
    scan.far_count = int(max(scan.rows) > scan.last_row or max(scan.columns) > scan.last_column)
    scan.rows, scan.columns = set(), set()   # not needed any more: free them


# --- 3. the copy calamine reads -----------------------------------------------------------------------------

_ANY_CELL = re.compile(rb"<((?:\w+:)?)c\s[^>]*?(?:/>|>.*?</\1c>)", re.DOTALL)
_ANY_ROW = re.compile(rb"<((?:\w+:)?)row\s[^>]*?\br=\"(\d+)\"[^>]*?(?:/>|>.*?</\1row>)", re.DOTALL)
_REF = re.compile(rb"\sr=\"([A-Z]+)(\d+)\"")
_SST_UNIQUE = re.compile(rb"\suniqueCount=\"(\d*)\"")
_TYPE = re.compile(rb"\st=\"(\w+)\"")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def sanitized_copy(archive: zipfile.ZipFile, scans: Collection[SheetScan], strings: int | None) -> Path:
    """A temporary copy of the archive with far cells left out, dimensions fitted and the shared strings'
    counts made true; the caller deletes it. Fills each scan's ``far`` and ``far_count`` with the cells
    left out."""
    by_member = {scan.member: scan for scan in scans if scan.needs_copy}
    handle, name = tempfile.mkstemp(suffix=".xlsx", prefix="kpi_xl-")  # a path calamine can open, on Windows too
    os.close(handle)
    try:
        with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in archive.infolist():
                member = zipfile.ZipInfo(info.filename, info.date_time)
                member.compress_type = zipfile.ZIP_DEFLATED
                with out.open(member, "w", force_zip64=True) as target:
                    if info.filename in by_member:
                        _copy_sheet(archive, by_member[info.filename], target)
                    elif strings is not None and info.filename.lower().endswith("sharedstrings.xml"):
                        _copy_strings(archive, info.filename, strings, target)
                    else:
                        with archive.open(info) as source:
                            while chunk := source.read(_CHUNK):
                                target.write(chunk)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def _copy_sheet(archive: zipfile.ZipFile, scan: SheetScan, target: IO[bytes]) -> None:
    scan.far, scan.far_count = [], 0
    fitted = f"A1:{cell_address(max(scan.last_row, 1), max(scan.last_column, 1))}".encode()

    def cell(match: re.Match[bytes]) -> bytes:
        ref = _REF.search(match.group(0), 0, match.group(0).find(b">") + 1)
        if ref is None:
            return match.group(0)
        row, column = int(ref.group(2)), column_number(ref.group(1).decode())
        if (row, column) in scan.bad:
            return b""  # its value cannot be read: the reader puts the cell's error in its place
        if scan.keeps(row, column):
            return match.group(0)
        if not match.group(0).endswith(b"/>"):  # a formatted blank is no value: drop it silently
            scan.far_count += 1
            if len(scan.far) < 3:
                scan.far.append((row, column))
        return b""

    def far_row(match: re.Match[bytes]) -> bytes:
        row = int(match.group(2))
        if row <= scan.last_row:
            return match.group(0)
        for element in _ANY_CELL.finditer(match.group(0)):  # count and name its cells, with or without r
            if not element.group(0).endswith(b"/>"):
                scan.far_count += 1
                ref = _REF.search(element.group(0), 0, element.group(0).find(b">") + 1)
                if len(scan.far) < 3:
                    scan.far.append((row, column_number(ref.group(1).decode()) if ref else 1))
        return b""

    for piece in _pieces(_stream(archive, scan.member), b"</row>"):
        piece = _DIMENSION.sub(b'<dimension ref="' + fitted + b'"/>', piece, count=1)
        target.write(_ANY_CELL.sub(cell, _ANY_ROW.sub(far_row, piece)))


def _copy_strings(archive: zipfile.ZipFile, member: str, strings: int, target: IO[bytes]) -> None:
    first = True
    for piece in _pieces(_stream(archive, member), b"</si>"):
        if first and (opening := _SST_OPEN.search(piece)) and not opening.group(0).endswith(b"/>"):
            counts = f' count="{strings}" uniqueCount="{strings}">'.encode()
            fixed = _SST_COUNTS.sub(b"", opening.group(0))[:-1] + counts
            piece = piece[:opening.start()] + fixed + piece[opening.end():]
        first = False
        target.write(piece)


def strings_need_fixing(archive: zipfile.ZipFile, strings: int | None) -> bool:
    """Whether the shared strings declare a unique count other than the items they hold."""
    name = next((n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")), None)
    if name is None or strings is None:
        return False
    opening = _SST_OPEN.search(next(_stream(archive, name), b""))
    unique = _SST_UNIQUE.search(opening.group(0)) if opening else None
    return unique is not None and unique.group(1) != str(strings).encode()
