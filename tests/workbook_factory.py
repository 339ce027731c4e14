"""Fixture workbooks for the reader's tests and benchmark, laid out from kpi_xl.workbook.schema.

A workbook is described as data (:class:`SheetSpec` per sheet: rows of plain Python values, where the
block starts, merged ranges) and then written as a real .xlsx with openpyxl (small files, every kind
of damage) or XlsxWriter (big files, fast), or served live by :class:`FakeBook`, a stand-in for the
part of xlwings' Book API the reader uses.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import xlsxwriter

from kpi_xl.core.registry import MEASURES
from kpi_xl.workbook.schema import ACTUALS, CLIENTS, GOALS, SETTINGS

__all__ = [
    "ErrorValue",
    "FakeBook",
    "Formula",
    "SheetSpec",
    "actuals_row",
    "actuals_rows",
    "fake_book",
    "sample_book",
    "write_xlsx",
]


@dataclass(frozen=True)
class Formula:
    """A formula saved without a computed value, as openpyxl and other libraries write them."""

    text: str


@dataclass(frozen=True)
class ErrorValue:
    """An error cell (``#REF!``), saved the way Excel saves it: a formula with its cached error."""

    text: str


@dataclass
class SheetSpec:
    rows: list[list[object]]
    top: int = 1                 # sheet row of rows[0]
    left: int = 1                # sheet column of rows[0][0]
    merged: list[str] = field(default_factory=list)   # "A5:C5"


Book = dict[str, SheetSpec]

D = dt.date


def actuals_row(date: object, client: object, channel: object = None, campaign: object = None,
                source: object = None, **measures: object) -> list[object]:
    """One Actuals row in header order; measures by name (``cost=12.5``)."""
    unknown = set(measures) - set(MEASURES)
    assert not unknown, unknown
    return [date, client, channel, campaign, source, *(measures.get(name) for name in MEASURES)]


def sample_book() -> Book:
    """A small valid workbook: three clients, three goals, five Actuals rows, some settings, the
    Dashboard, and an extra computed column on Goals (a formula with no value: it must be ignored)."""
    return {
        "Clients": SheetSpec([
            CLIENTS.headers,
            ["Acme", "ana@acme.example; luis@acme.example", "es_MX", "MXN", "Strong month"],
            ["Borsa", "ola@borsa.example", "pl", "pln", None],
            ["Cafe Sol", None, None, "BRL", None],       # no locale: the default from Settings
        ]),
        "Goals": SheetSpec([
            [*GOALS.headers, "Progress"],
            ["Acme", "cpa", "Search", 30.0, 0.1, None, D(2026, 9, 1), D(2026, 9, 30), "Cheaper leads", "Ana", None,
             Formula("=IFERROR(1/0,0)")],
            ["Borsa", "REVENUE", None, None, None, 50000, D(2026, 7, 1), D(2026, 12, 31), "Grow sales", "Ola", "H2",
             Formula("=1+1")],
            ["Cafe Sol", "CTR", "Social", None, 0.25, None, 46266, 46295.0, "Reach", None, None, None],
        ]),
        "Actuals": SheetSpec([
            ACTUALS.headers,
            actuals_row(D(2026, 9, 1), "Acme", "Search", "Brand", cost=120.5, clicks=300, conversions=4),
            actuals_row(D(2026, 9, 2), "Acme", "Search", None, cost=99.5, clicks=250, conversions=0),
            actuals_row(D(2026, 9, 1), "Borsa", "Email", "Newsletter", revenue=1234.5, orders=12),
            actuals_row(46266, "Cafe Sol", "Social", None, impressions=10000, clicks=120, reach=8000),
            actuals_row(dt.datetime(2026, 9, 2, 0, 0), "cafe sol", "Social", 2026, engagements=40, reach=7000),
        ]),
        "Settings": SheetSpec([
            [*SETTINGS.headers, "Help"],
            ["agency_name", "Northwind Digital", "Shown on the report cover."],
            ["default_locale", "pt_BR", None],
            ["report_period", "2026-09", None],
            ["on_track_min", 0.9, None],
            ["smtp_port", 587, None],
            ["smtp_security", "STARTTLS", None],
            ["from_address", "reports@northwind.example", None],
        ]),
        "Dashboard": SheetSpec([["KPI dashboard"]]),
    }


def actuals_rows(count: int, clients: tuple[str, ...] = ("Acme", "Borsa", "Cafe Sol"), seed: int = 7,
                 start: dt.date = dt.date(2020, 1, 1)) -> list[list[object]]:
    """``count`` plausible daily rows: a date, a client, a channel and about ten measures each."""
    rng = random.Random(seed)
    channels = ("Search", "Social", "Email", "Display")
    rows = []
    for i in range(count):
        impressions = rng.randint(1000, 50000)
        clicks = rng.randint(0, impressions // 20)
        sessions = rng.randint(0, clicks + 50)
        conversions = rng.randint(0, max(sessions // 10, 1))
        rows.append(actuals_row(
            start + dt.timedelta(days=i % 2000), clients[i % len(clients)], channels[i % 4], f"C{i // 2000}",
            cost=round(rng.uniform(0, 900), 2), impressions=impressions, clicks=clicks, reach=impressions // 2,
            sessions=sessions, bounced_sessions=sessions // 3, conversions=conversions,
            orders=conversions, revenue=round(conversions * rng.uniform(20, 200), 2),
            new_customers=conversions // 2))
    return rows


def write_xlsx(book: Book, path: Path, engine: str = "openpyxl") -> Path:
    """Writes ``book`` as an .xlsx. openpyxl can write every kind of damage; XlsxWriter is fast."""
    path = Path(path)
    if engine == "openpyxl":
        _write_openpyxl(book, path)
    else:
        _write_xlsxwriter(book, path)
    return path


def _write_openpyxl(book: Book, path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, spec in book.items():
        ws = wb.create_sheet(name)
        for i, row in enumerate(spec.rows):
            for j, value in enumerate(row):
                if value is None:
                    continue
                cell = ws.cell(spec.top + i, spec.left + j)
                if isinstance(value, Formula):
                    cell.value = value.text                 # openpyxl saves no computed value
                elif isinstance(value, ErrorValue):
                    cell.value = value.text                 # openpyxl saves error text as an error cell
                    cell.data_type = "e"
                else:
                    cell.value = value
                    if isinstance(value, dt.date):
                        cell.number_format = "yyyy-mm-dd"
        for ref in spec.merged:
            ws.merge_cells(ref)
    wb.save(path)


def _write_xlsxwriter(book: Book, path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False})
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, spec in book.items():
        ws = wb.add_worksheet(name)
        for i, row in enumerate(spec.rows):
            r = spec.top - 1 + i
            for j, value in enumerate(row):
                c = spec.left - 1 + j
                if value is None:
                    continue
                if isinstance(value, Formula):
                    ws.write_formula(r, c, value.text, None, "")   # an empty cached value: none
                elif isinstance(value, ErrorValue):
                    ws.write_formula(r, c, "=NA()" if value.text == "#N/A" else "=1/0", None, value.text)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, c, value, date_format)
                elif isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, (int, float)):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, str(value))
        assert not spec.merged, "merged cells: use the openpyxl engine"
    wb.close()


# --- a stand-in for xlwings' Book: values shaped as xlwings returns them -----------------------------


def _as_xlwings(value: object) -> object:
    """What ``Range.options(err_to_str=True).value`` gives for a cell holding ``value``."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, ErrorValue):
        return value.text
    if isinstance(value, Formula):
        return None   # Excel would show its result; extra columns only, which the reader ignores
    raise TypeError(value)


class FakeRange:
    def __init__(self, values: list[list[object]], row: int, column: int) -> None:
        self._values = values
        self.row = row
        self.column = column
        self.options_used: dict[str, object] = {}
        self.reads = 0

    def options(self, **options: object) -> FakeRange:
        self.options_used = options
        return self

    @property
    def shape(self) -> tuple[int, int]:
        return len(self._values), max((len(row) for row in self._values), default=0)

    @property
    def value(self) -> list[list[object]]:
        assert self.options_used.get("ndim") == 2 and self.options_used.get("err_to_str") is True
        self.reads += 1
        return copy.deepcopy(self._values)


class FakeSheet:
    def __init__(self, name: str, spec: SheetSpec) -> None:
        self.name = name
        width = max((len(r) for r in spec.rows), default=0)
        rows = [[_as_xlwings(v) for v in r] + [None] * (width - len(r)) for r in spec.rows]
        for ref in spec.merged:  # only the top-left cell of a merged area holds a value
            (r1, c1), (r2, c2) = (_cell(part) for part in ref.split(":"))
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        rows[r - spec.top][c - spec.left] = None
        if not rows or width == 0:
            self.used_range = FakeRange([[None]], 1, 1)   # Excel's used range of an empty sheet is A1
        else:
            self.used_range = FakeRange(rows, spec.top, spec.left)


def _cell(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch.upper()) - 64
    return int(ref[len(letters):]), col


class FakeBook:
    """``book.sheets`` (iterable, each with ``name`` and ``used_range``), ``book.name``, ``book.fullname``."""

    def __init__(self, book: Book, name: str = "Book1.xlsm") -> None:
        self.sheets = [FakeSheet(sheet_name, spec) for sheet_name, spec in book.items()]
        self.name = name
        self.fullname = f"C:\\Reports\\{name}"


def fake_book(book: Book, name: str = "Book1.xlsm") -> FakeBook:
    return FakeBook(book, name)

