"""Months and windows. Reports cover calendar months; goals cover any window of days.

>>> m = Month.parse("2026-10")
>>> m, m.first_day, m.last_day, m + 3, m - 10
(Month(2026, 10), datetime.date(2026, 10, 1), datetime.date(2026, 10, 31), Month(2027, 1), Month(2025, 12))
>>> last_complete_month(dt.date(2026, 11, 22))
Month(2026, 10)
>>> last_complete_month(dt.date(2026, 11, 30))     # the month is not over until its last day is
Month(2026, 10)

Which month a report covers is one rule, the same for ``report``, ``send`` and the Excel button:

>>> today = dt.date(2026, 11, 22)
>>> report_month(Month(2026, 7), Month(2026, 8), today), report_month(None, Month(2026, 8), today)
(Month(2026, 7), Month(2026, 8))
>>> report_month(None, None, today)
Month(2026, 10)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["Month", "date_from_text", "days_between", "excel_serial_date", "last_complete_month",
           "report_month", "shift_year"]

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_LAST_SERIAL = 2958465            # 9999-12-31

_PERIOD = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?", re.ASCII)


@dataclass(frozen=True, order=True, slots=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1 to 12, got {self.month}")

    def __repr__(self) -> str:
        return f"Month({self.year}, {self.month})"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def parse(cls, text: str) -> Month:
        """``YYYY-MM``, from 1901-01 to 9998-12 (a report looks a year back and a month ahead, and dates
        stay inside Excel's and Python's); anything else raises ValueError naming the text.

        >>> Month.parse("0000-01")
        Traceback (most recent call last):
        ...
        ValueError: period must be a month from 1901-01 to 9998-12, got '0000-01'
        """
        match = _PERIOD.match(text) if isinstance(text, str) else None
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"period must be YYYY-MM, got {text!r}")
        if not 1901 <= int(match.group(1)) <= 9998:
            raise ValueError(f"period must be a month from 1901-01 to 9998-12, got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def __add__(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def __sub__(self, months: int) -> Month:
        return self + (-months)


def last_complete_month(today: dt.date) -> Month:
    """The newest month that ended before ``today``."""
    return Month.of(today) - 1


def report_month(chosen: Month | None, setting: Month | None, today: dt.date) -> Month:
    """The month to report: the one asked for (``--period``), else the workbook's ``report_period``
    setting, else the last complete month before ``today``."""
    return chosen or setting or last_complete_month(today)


def days_between(start: dt.date, end: dt.date) -> int:
    """Days from ``start`` to ``end``, both included.

    >>> days_between(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    31
    """
    return (end - start).days + 1


def shift_year(day: dt.date, years: int = -1) -> dt.date:
    """The same day ``years`` away; 29 February becomes 28 February.

    >>> shift_year(dt.date(2024, 2, 29))
    datetime.date(2023, 2, 28)
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def excel_serial_date(serial: float) -> dt.date | None:
    """The date of an Excel serial number (1900 date system); None outside Excel's dates.

    Excel counts the non-existent 1900-02-29 (serial 60), so serials below it are one day off the epoch.

    >>> excel_serial_date(46266.0), excel_serial_date(61), excel_serial_date(59), excel_serial_date(1.75)
    (datetime.date(2026, 9, 1), datetime.date(1900, 3, 1), datetime.date(1900, 2, 28), datetime.date(1900, 1, 1))
    >>> excel_serial_date(60), excel_serial_date(0), excel_serial_date(3e6)
    (None, None, None)
    """
    if not 1 <= serial < _LAST_SERIAL + 1:   # also refuses NaN
        return None
    days = int(serial)
    if days == 60:
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=days if days > 60 else days + 1)


def date_from_text(text: str) -> dt.date | None:
    """The date a text spells in ISO form (``2026-10-31``, a time may follow); None otherwise.

    The one rule for dates typed as text, in the workbook and in the Excel functions alike.

    >>> date_from_text(" 2026-10-31 "), date_from_text("2026-10-31 08:30")
    (datetime.date(2026, 10, 31), datetime.date(2026, 10, 31))
    >>> date_from_text("31/10/2026"), date_from_text("20261031"), date_from_text("2026-02-30")
    (None, None, None)
    """
    text = text.strip()
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return None
