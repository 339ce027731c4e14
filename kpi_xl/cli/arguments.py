"""Argument types shared by several commands: one wording for the same mistake everywhere."""

from __future__ import annotations

import argparse
import datetime as dt

from kpi_xl.core.periods import Month

__all__ = ["date_argument", "period_argument", "seconds_argument"]


def date_argument(text: str) -> dt.date:
    """``--as-of``, ``--today``: a date as YYYY-MM-DD (or any form the workbook reader takes).

    >>> date_argument("2026-11-22")
    datetime.date(2026, 11, 22)
    """
    from kpi_xl.core.periods import date_from_text

    day = date_from_text(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")
    return day


def period_argument(text: str) -> Month:
    """``--period YYYY-MM`` of report, send and history: a bad month is a usage error, in the same
    words everywhere.

    >>> period_argument("2026-09")
    Month(2026, 9)
    >>> period_argument("2026-13")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: period must be YYYY-MM, got '2026-13'
    """
    try:
        return Month.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def seconds_argument(text: str) -> float:
    """``--render-timeout`` of report and send: seconds above 0, at most a day.

    >>> seconds_argument("90"), seconds_argument("0.5")
    (90.0, 0.5)
    >>> seconds_argument("inf")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be a number of seconds above 0 and at most 86400, got 'inf'
    """
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 86_400:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0 and at most 86400, got {text!r}")
    return seconds
