"""Shared pieces of the report tests: a small deterministic workbook, PDF text, a no-warnings guard.

The workbook has one client ("Acme Gardens") with monthly rows for two channels from September
2024 to October 2026. October 2026, the month reported, has round totals so that the tests can
check exact CLDR strings: revenue 12,345.50 and 1,234 conversions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import re
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

from kpi_xl.core.model import Actuals, Client, Goal, Settings, WorkbookData
from kpi_xl.core.periods import Month

__all__ = [
    "CLIENT",
    "CURRENCIES",
    "PERIOD",
    "make_workbook",
    "no_weasyprint_warnings",
    "pdf_text",
    "weasyprint_logs",
]

PERIOD = Month(2026, 10)
CURRENCIES = {"en_US": "USD", "es_ES": "EUR", "es_MX": "MXN", "pt_BR": "BRL", "pl_PL": "PLN", "vi_VN": "VND"}
CLIENT = "Acme Gardens"

# October 2026, per channel: the month under test. Other months scale these down smoothly.
_OCTOBER = {
    "Search": {"cost": 7200.0, "impressions": 90000.0, "clicks": 4500.0, "sessions": 4000.0, "conversions": 800.0,
               "revenue": 8000.25, "orders": 760.0},
    "Social": {"cost": 2100.0, "impressions": 150000.0, "clicks": 2250.0, "sessions": 2100.0, "conversions": 434.0,
               "revenue": 4345.25, "orders": 410.0},
}


def _rows(client: str) -> list[dict[str, object]]:
    rows = []
    month = Month(2024, 9)
    while month <= PERIOD:
        steps = (PERIOD.year - month.year) * 12 + PERIOD.month - month.month
        season = 1.0 if month == PERIOD else 0.7 + 0.01 * (25 - steps) + (0.05 if month.month in (11, 12) else 0.0)
        for channel, october in _OCTOBER.items():
            row: dict[str, object] = {"date": month.first_day, "client": client, "channel": channel}
            for measure, value in october.items():
                row[measure] = value if month == PERIOD else round(value * season, 2)
            rows.append(row)
        month = month + 1
    return rows


def make_workbook(locale: str = "en_US", *, client: str = CLIENT, commentary: str = "", notes: str = "",
                  objective: str = "Grow online sales before the holidays",
                  brand_colour: str = "#1F4E79", agency: str = "Northwind Agency") -> WorkbookData:
    """The test workbook, its client speaking ``locale`` in the locale's usual currency."""
    d = dt.date
    goals = [
        Goal(client, "REVENUE", d(2026, 10, 1), d(2026, 12, 31), target=40_000.0, objective=objective,
             notes=notes, source="Goals!A2"),
        Goal(client, "CPA", d(2026, 10, 1), d(2026, 10, 31), channel="Search", baseline=10.0, target=9.2,
             objective="Cheaper sign-ups from search", source="Goals!A3"),
        Goal(client, "CTR", d(2026, 10, 1), d(2026, 12, 31), channel="Social", baseline=0.014, target=0.02,
             objective="More relevant social ads", source="Goals!A4"),
        Goal(client, "CONVERSIONS", d(2026, 10, 1), d(2026, 10, 31), target=1200.0,
             objective="Keep the sign-up volume", source="Goals!A5"),
        # Outside October: not in the October report.
        Goal(client, "SESSIONS", d(2026, 11, 1), d(2026, 11, 30), target=7000.0, objective="Traffic",
             source="Goals!A6"),
        Goal(client, "REVENUE", d(2026, 7, 1), d(2026, 9, 30), target=30_000.0, objective="Summer",
             source="Goals!A7"),
    ]
    return WorkbookData(
        clients={client: Client(client, ("team@example.com",), locale, CURRENCIES[locale], commentary,
                                source="Clients!A2")},
        goals=goals,
        actuals=Actuals.from_rows(_rows(client)),
        settings=Settings(agency_name=agency, brand_colour=brand_colour, default_locale="en_US"),
        source="test.xlsx",
    )


def pdf_text(pdf: bytes) -> str:
    """Every page's text, whitespace runs (line breaks, no-break spaces) as one space."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def weasyprint_logs() -> Iterator[list[str]]:
    """Collects what WeasyPrint logs at WARNING or above inside the block (any test phase)."""
    logger = logging.getLogger("weasyprint")
    handler, level = _Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(min(level or logging.WARNING, logging.WARNING))
    messages: list[str] = []
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        messages.extend(f"{r.levelname}: {r.getMessage()}" for r in handler.records)


@pytest.fixture
def no_weasyprint_warnings():
    """Fails the test if WeasyPrint logged a warning or an error (a missing image, a bad CSS
    property, a refused URL), like WeasyPrint's own ``assert_no_logs``."""
    with weasyprint_logs() as logged:
        yield
    assert logged == [], "WeasyPrint logged:\n" + "\n".join(logged)
