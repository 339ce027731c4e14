"""Argument types shared by several commands: one wording for the same mistake everywhere."""

from __future__ import annotations

import argparse
import datetime as dt

__all__ = ["date_argument"]


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
