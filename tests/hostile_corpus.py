"""Broken and hostile workbooks, generated (nothing large is checked in): each case one way a file can
hurt a reader, from a stray cell at ``XFD1048576`` to a zip bomb, truncations, flipped bytes and XML
entity attacks. :func:`write_corpus` writes them all; :func:`run_under_cap` runs a command on one in a
subprocess under a memory cap and a timeout and says how it ended.
"""

from __future__ import annotations

import io
import os
import random
import re
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workbook_factory import sample_book, write_xlsx

__all__ = ["MEMORY_CAP", "Outcome", "base_workbook", "run_under_cap", "write_corpus", "write_export_corpus"]

MEMORY_CAP = 1536 * 1024 * 1024   # bytes of address space each run may take (1.5 GB)


def base_workbook(path: Path) -> Path:
    """A valid small workbook: the sample book without its value-less formulas, its text in a shared
    strings part as Excel saves it."""
    book = sample_book()
    book["Goals"].rows = [row[:-1] for row in book["Goals"].rows]
    write_xlsx(book, path, engine="xlsxwriter")
    members = _members(path)
    strings: dict[bytes, int] = {}

    def share(match: re.Match[bytes]) -> bytes:
        index = strings.setdefault(match.group(2), len(strings))
        return match.group(1) + b' t="s"><v>%d</v></c>' % index

    for name in [n for n in members if n.startswith("xl/worksheets/sheet")]:
        members[name] = re.sub(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is><t(?: [^>]*)?>([^<]*)</t></is></c>',
                               share, members[name])
    items = b"".join(b"<si><t>%s</t></si>" % text for text in strings)
    members["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>' % (len(strings), len(strings), items))
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'))
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    return _zip(members, path)


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _zip(members: dict[str, bytes], path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _sheet(members: dict[str, bytes], title: str) -> str:
    """The member holding sheet ``title`` (openpyxl writes sheetN.xml in order)."""
    names = re.findall(rb'<sheet [^>]*name="([^"]+)"', members["xl/workbook.xml"])
    return f"xl/worksheets/sheet{[n.decode() for n in names].index(title) + 1}.xml"


def _with_cell(title: str, cell: bytes) -> Callable[[dict[str, bytes]], None]:
    """Adds ``cell`` (a ``<row>`` element) at the end of the sheet's data."""
    def damage(members: dict[str, bytes]) -> None:
        name = _sheet(members, title)
        members[name] = members[name].replace(b"</sheetData>", cell + b"</sheetData>")
    return damage


def _replace(member: str, old: bytes, new: bytes, count: int = 1) -> Callable[[dict[str, bytes]], None]:
    def damage(members: dict[str, bytes]) -> None:
        assert old in members[member], (member, old)
        members[member] = members[member].replace(old, new, count)
    return damage


def _sheet_replace(title: str, pattern: bytes, new: bytes) -> Callable[[dict[str, bytes]], None]:
    def damage(members: dict[str, bytes]) -> None:
        name = _sheet(members, title)
        members[name], n = re.subn(pattern, new, members[name], count=1)
        assert n == 1, (title, pattern)
    return damage


_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                      for i in range(1, 10))
           + b"]>")
_XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _entity_attack(member: str, prolog: bytes, use: bytes) -> Callable[[dict[str, bytes]], None]:
    def damage(members: dict[str, bytes]) -> None:
        xml = re.sub(rb"^<\?xml[^>]*\?>", b"", members[member])
        members[member] = prolog + xml.replace(b"<t>Acme</t>", b"<t>" + use + b"</t>", 1).replace(
            b"Northwind Digital", use, 1)
    return damage


# Damages made on the members (XML text), by name.
XML_CASES: dict[str, Callable[[dict[str, bytes]], None]] = {
    "value at XFD1048576 on Actuals": _with_cell(
        "Actuals", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'),
    "value at column NTP on Actuals": _with_cell("Actuals", b'<row r="30"><c r="NTP30" t="n"><v>7</v></c></row>'),
    "formula without value at XFD1048576": _with_cell(
        "Goals", b'<row r="1048576"><c r="XFD1048576"><f>SUM(A1:A2)</f><v></v></c></row>'),
    "error cell at XFD1048576": _with_cell(
        "Clients", b'<row r="1048576"><c r="XFD1048576" t="e"><v>#REF!</v></c></row>'),
    "dimension A1:XFD1048576": _sheet_replace("Actuals", rb'<dimension ref="[^"]*" ?/>',
                                              b'<dimension ref="A1:XFD1048576"/>'),
    "stray cells on every sheet's last row": lambda m: [_with_cell(t, b'<row r="1048576"><c r="A1048576" t="n">'
                                                                   b'<v>3</v></c></row>')(m)
                                                        for t in ("Clients", "Goals", "Actuals", "Settings")]
                                                       and None,
    "sharedStrings uniqueCount 4e9": _replace("xl/sharedStrings.xml", b'uniqueCount="', b'uniqueCount="4000000000'
                                              b'" x="'),
    "sharedStrings count 4e9 twice": _replace("xl/sharedStrings.xml", b'uniqueCount="',
                                              b'count="4000000000" uniqueCount="4000000000" y="'),
    "shared string index -1": _sheet_replace("Clients", rb'(<c r="A2" t="s"><v>)\d+(</v>)', rb"\g<1>-1\g<2>"),
    "shared string index past the end": _sheet_replace("Clients", rb'(<c r="A2" t="s"><v>)\d+(</v>)',
                                                       rb"\g<1>999999999\g<2>"),
    "NaN date serial": _sheet_replace("Actuals", rb'(<c r="A2"[^>]*><v>)[^<]+(</v>)', rb"\g<1>NaN\g<2>"),
    "inf measure": _sheet_replace("Actuals", rb'(<c r="F2"[^>]*><v>)[^<]+(</v>)', rb"\g<1>-inf\g<2>"),
    "report_period 0000-01": _replace("xl/sharedStrings.xml", b"<t>2026-09</t>", b"<t>0000-01</t>"),
    "report_period 9999-12": _replace("xl/sharedStrings.xml", b"<t>2026-09</t>", b"<t>9999-12</t>"),
    "target 1e308": _sheet_replace("Goals", rb'(<c r="F3"[^>]*><v>)[^<]+(</v>)', rb"\g<1>1e308\g<2>"),
    "baseline 1e308 and target -1e308": lambda m: (
        _sheet_replace("Goals", rb'(<c r="D2"[^>]*><v>)[^<]+(</v>)', rb"\g<1>1e308\g<2>")(m),
        _sheet_replace("Goals", rb'(<c r="F3"[^>]*><v>)[^<]+(</v>)', rb"\g<1>-1e308\g<2>")(m)) and None,
    "date serial 1e308": _sheet_replace("Actuals", rb'(<c r="A2"[^>]*><v>)[^<]+(</v>)', rb"\g<1>1e308\g<2>"),
    "billion laughs in sharedStrings": _entity_attack("xl/sharedStrings.xml", _LAUGHS, b"&lol9;"),
    "billion laughs in workbook.xml": lambda m: _entity_attack("xl/workbook.xml", _LAUGHS, b"")(m),
    "external entity in sharedStrings": _entity_attack("xl/sharedStrings.xml", _XXE, b"&xxe;"),
    "external entity in a sheet": lambda m: _entity_attack(_sheet(m, "Settings"), _XXE, b"")(m),
    "cell reference without digits": _sheet_replace("Clients", rb'<c r="A2"', b'<c r="A"'),
    "row 1048576 with a cell without reference": _with_cell(
        "Actuals", b'<row r="1048576"><c t="n"><v>5</v></c></row>'),
    "reference not first at XFD1048576": _with_cell(
        "Actuals", b'<row r="1048576"><c t="n" s="0" r="XFD1048576"><v>5</v></c></row>'),
    "namespaced cell at XFD1048576": _with_cell(
        "Settings", b'<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="1048576">'
                    b'<x:c r="XFD1048576" t="n"><x:v>5</x:v></x:c></x:row>'),
    "row of 12 digits, column of 8 letters": _with_cell(
        "Actuals", b'<row r="123456789012"><c r="AAAAAAAA123456789012" t="n"><v>1</v></c></row>'),
    "row 99999999": _with_cell("Actuals", b'<row r="99999999"><c r="A99999999" t="n"><v>1</v></c></row>'),
    "column ZZZZ": _with_cell("Actuals", b'<row r="31"><c r="ZZZZ31" t="n"><v>1</v></c></row>'),
    "missing workbook.xml.rels": lambda m: m.pop("xl/_rels/workbook.xml.rels") and None,
    "missing sharedStrings": lambda m: m.pop("xl/sharedStrings.xml") and None,
    "garbage styles": _replace("xl/styles.xml", b"<numFmts", b"<numFmts><<<<"),
    "unclosed sheet XML": lambda m: m.__setitem__(_sheet(m, "Goals"), m[_sheet(m, "Goals")][:-300]),
}


def _patch_central(path: Path, member: str, **fields: int) -> Path:
    """Changes a member's central-directory fields in place (offsets as in the zip specification)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = data.find(b"PK\x01\x02" + b"", 0)
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_len]) == name:
            for key, value in fields.items():
                offset, form = {"version": (6, "<H"), "inflated": (24, "<L"), "compressed": (20, "<L")}[key]
                struct.pack_into(form, data, at + offset, value)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


def _zeros_member(path: Path, base: Path, size: int, name: str) -> Path:
    """The base workbook plus a member inflating to ``size`` zero bytes, compressed cheaply once."""
    members = _members(base)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            z.writestr(member, data)
        with z.open(zipfile.ZipInfo(name), "w", force_zip64=True) as target:
            block = bytes(1 << 22)
            for _ in range(size // len(block)):
                target.write(block)
            target.write(bytes(size % len(block)))
    return path


def _lying_sheet(path: Path, base: Path) -> Path:
    """The Actuals sheet replaced by 300 MB of zeros whose directory entry claims 2,000 bytes."""
    members = _members(base)
    sheet = _sheet(members, "Actuals")
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = b"".join(compressor.compress(bytes(1 << 22)) for _ in range(75)) + compressor.flush()
    members[sheet] = b""
    _zip(members, path)
    data = path.read_bytes()
    # Rebuild the archive by hand with the deflated zeros as the sheet and small declared sizes.
    out = io.BytesIO()
    central = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            raw = z.read(info.filename)
            body = deflated
            if info.filename != sheet:
                c = zlib.compressobj(6, zlib.DEFLATED, -15)
                body = c.compress(raw) + c.flush()
            crc = zlib.crc32(raw) if info.filename != sheet else 0x12345678
            inflated = len(raw) if info.filename != sheet else 2000
            offset = out.tell()
            name = info.filename.encode()
            out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(body), inflated,
                                  len(name), 0) + name + body)
            central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(body),
                                       inflated, len(name), 0, 0, 0, 0, 0, offset) + name)
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start,
                          start, 0))
    path.write_bytes(out.getvalue())
    return path


def write_corpus(folder: Path, flips: int = 24, seed: int = 14) -> list[Path]:
    """Every hostile case as a file in ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    base = base_workbook(folder / "base.xlsx")
    paths = [base]
    for i, (label, damage) in enumerate(XML_CASES.items()):
        members = _members(base)
        damage(members)
        paths.append(_zip(members, folder / f"x{i:02d}_{re.sub(r'[^a-z0-9]+', '_', label.lower())[:40]}.xlsx"))
    version = folder / "zip_version_21.xlsx"
    version.write_bytes(base.read_bytes())
    paths.append(_patch_central(version, "xl/worksheets/sheet2.xml", version=210))
    paths.append(_zeros_member(folder / "bomb_1_1_gb_member.xlsx", base, 1_100_000_000, "xl/media/zeros.bin"))
    paths.append(_zeros_member(folder / "bomb_300_mb_styles.xlsx", base, 0, "xl/media/empty.bin"))
    styles = _members(paths[-1])
    styles["xl/styles.xml"] = styles["xl/styles.xml"] + bytes(300_000_000)
    paths[-1] = _zip(styles, paths[-1])
    paths.append(_lying_sheet(folder / "bomb_lying_sizes.xlsx", base))
    data = base.read_bytes()
    for fraction in (0.05, 0.3, 0.5, 0.8, 0.99):
        cut = folder / f"truncated_{int(fraction * 100):02d}.xlsx"
        cut.write_bytes(data[: int(len(data) * fraction)])
        paths.append(cut)
    rng = random.Random(seed)
    for i in range(flips):
        flipped = bytearray(data)
        for _ in range(1 + i % 5):
            at = rng.randrange(len(flipped))
            flipped[at] ^= 1 << rng.randrange(8)
        paths.append(folder / f"flipped_{i:02d}.xlsx")
        paths[-1].write_bytes(bytes(flipped))
    return paths


_GOOD_EXPORT = "Day,Campaign,Cost,Clicks\n2026-08-03,Brand,12.50,4\n"


def write_export_corpus(folder: Path) -> list[Path]:
    """Hostile export files for ``kpi-xl import``: past the size cap (sparse, nothing on the disk), one
    150 MB line, a 150 MB quoted cell, random bytes, UTF-16 cut in a character, NUL bytes in cells, a
    control character in a cell and in the name, a folder, a workbook renamed .csv; and one good export."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(14)
    cases: dict[str, bytes | None] = {
        "good.csv": _GOOD_EXPORT.encode(),
        "huge_line.csv": b"Day,Cost," + b"a" * 150_000_000,
        "huge_cell.csv": b'Day,Cost\n2026-08-03,"' + b"1" * 150_000_000 + b'"\n',
        "binary.csv": bytes(rng.randrange(256) for _ in range(200_000)),
        "truncated_utf16.csv": b"\xff\xfe" + _GOOD_EXPORT.encode("utf-16-le")[:-1],
        "nul_bytes.csv": _GOOD_EXPORT.replace("12.50", "1\x002.50").encode(),
        "escape_in_cell.csv": _GOOD_EXPORT.replace("12.50", "12\x1b]0;pwned\x07").encode(),
        "evil\x1b]0;pwned\x07.csv": _GOOD_EXPORT.replace("12.50", "x").encode(),
        "workbook.csv": None,
        "folder.csv": None,
    }
    paths = []
    for name, data in cases.items():
        path = folder / name
        if name == "folder.csv":
            path.mkdir(exist_ok=True)
        elif data is None:
            base_workbook(path)
        else:
            path.write_bytes(data)
        paths.append(path)
    too_large = folder / "over_the_cap.csv"
    with too_large.open("wb") as file:   # sparse: 300 MB claimed, no disk used
        file.write(b"Day,Cost,")
        file.truncate(300_000_000)
    return [*paths, too_large]


@dataclass(frozen=True)
class Outcome:
    path: Path
    command: str
    returncode: int | None      # None: killed at the timeout
    output: str
    peak_bytes: int
    seconds: float

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.output

    @property
    def aborted(self) -> bool:
        return self.returncode is None or self.returncode < 0 or self.returncode > 2


_RUNNER = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
try:
    from kpi_xl.cli import main
    code = main(sys.argv[1:])
finally:
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    sys.stdout.flush()
    sys.stderr.write(f"\\n@@peak {{peak}}\\n")
sys.exit(code)
"""
_PEAK = re.compile(r"\n?@@peak (\d+)\n")


def run_under_cap(argv: list[str], path: Path, timeout: float = 120, cap: int = MEMORY_CAP,
                  env: dict[str, str] | None = None) -> Outcome:
    """``kpi-xl ARGV`` in a fresh interpreter limited to ``cap`` bytes of address space."""
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-c", _RUNNER.format(cap=cap), *argv],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env or dict(os.environ))
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        returncode = None
    else:
        returncode = process.returncode
    text = output.decode("utf-8", "replace")
    found = _PEAK.search(text)
    peak = int(found.group(1)) * 1024 if found else 0   # ru_maxrss is in kilobytes on Linux
    return Outcome(path, argv[0], returncode, _PEAK.sub("", text), peak, time.monotonic() - started)
