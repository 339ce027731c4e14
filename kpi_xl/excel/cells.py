"""Excel-shaped values in, plain numbers out: what xlwings passes to a UDF, read like Excel reads it.

xlwings hands a function a scalar (one cell), a list (one row or column), a list of lists (a block),
``None`` for an empty cell, ``str`` for text, ``datetime`` for a date and, with ``err_to_str``, the
error text (``"#REF!"``) for an error cell.

>>> total("cost", [[10.0, None], ["n/a", 2.5]])      # a range: summed like SUM, text ignored
12.5
>>> total("cost", None)                              # an empty cell counts as 0, as in SUM
0.0
>>> total("cost", "ten")                             # text given where a number is required
Traceback (most recent call last):
...
kpi_xl.core.errors.WrongTypeError: cost must be a number, got 'ten'
>>> total("cost", [1.0, "#REF!"])                     # an error in the range propagates
Traceback (most recent call last):
...
kpi_xl.core.errors.PropagatedExcelError: #REF!
"""

from __future__ import annotations

import datetime as dt
import math
from itertools import chain

from kpi_xl.core.errors import EXCEL_ERRORS, InvalidValueError, PropagatedExcelError, WrongTypeError
from kpi_xl.core.periods import date_from_text, excel_serial_date

__all__ = ["date_value", "numbers", "optional_number", "optional_text", "total"]

def _flatten(values: list) -> list:
    if values and type(values[0]) is list:
        if all(type(v) is list for v in values):  # a block: rows of cells
            values = list(chain.from_iterable(values))
        else:
            values = list(chain.from_iterable(v if type(v) is list else (v,) for v in values))
        if any(type(v) is list for v in values):  # deeper than Excel ever nests; stay total anyway
            return _flatten(values)
    return values


def _range_numbers(name: str, values: list) -> list[float]:
    """The numbers of a range; blanks, text, booleans and dates skipped like SUM skips them.

    Comprehensions, not a loop: a 100,000-row column is the everyday case.
    """
    flat = _flatten(values)
    nums = [v for v in flat if type(v) is float]
    if len(nums) == len(flat):  # a clean numeric range
        return nums
    others = [v for v in flat if v is not None and type(v) is not float]
    whole = [v for v in others if type(v) is int]
    if len(whole) == len(others):  # numbers only, some whole: xlwings Lite passes those as int
        try:
            return nums + list(map(float, whole))
        except OverflowError:
            raise InvalidValueError(name, max(whole, key=abs), "is too large") from None
    for v in others:  # the first error cell, in reading order, propagates
        if type(v) is str and v in EXCEL_ERRORS:
            raise PropagatedExcelError(v)
    nums.extend(_float(name, v) for v in others if type(v) is int)
    for v in others:
        if type(v) is list:
            nums.extend(_range_numbers(name, v))
    return nums


def _float(name: str, value: int) -> float:
    try:
        return float(value)
    except OverflowError:
        raise InvalidValueError(name, value, "is too large") from None


def _scalar(name: str, value: object) -> float:
    t = type(value)
    if t is float:
        return value  # type: ignore[return-value]
    if t is int:
        return _float(name, value)  # type: ignore[arg-type]
    if t is str and value in EXCEL_ERRORS:
        raise PropagatedExcelError(value)  # type: ignore[arg-type]
    raise WrongTypeError(name, value)


def total(name: str, value: object) -> float:
    """One argument as a number: a cell's value, or a range's sum (``math.fsum``: exact to the cent)."""
    if type(value) is float:
        return value  # type: ignore[return-value]
    if value is None:
        return 0.0
    if type(value) is list:
        try:
            return math.fsum(_range_numbers(name, value))
        except (OverflowError, ValueError):  # inf + -inf, or an intermediate overflow
            raise InvalidValueError(name, "…", "does not add up to a finite number") from None
    return _scalar(name, value)


def numbers(name: str, value: object) -> list[float]:
    """Every number of an argument (a cell or a range), for functions over raw answers (NPS scores).

    >>> numbers("scores", [[9.0], [None], ["skip"], [10.0]])
    [9.0, 10.0]
    """
    if value is None:
        return []
    if type(value) is list:
        return _range_numbers(name, value)
    return [_scalar(name, value)]


def optional_number(name: str, value: object, default: float) -> float:
    """An optional scalar argument: left out or an empty cell gives ``default``.

    >>> optional_number("threshold", None, 4.0), optional_number("threshold", 8.0, 4.0)
    (4.0, 8.0)
    """
    return default if value is None else _scalar(name, value)


def optional_text(name: str, value: object) -> str | None:
    """An optional text argument (a locale, a KPI code); errors propagate, numbers are refused."""
    if value is None:
        return None
    if type(value) is str:
        if value in EXCEL_ERRORS:
            raise PropagatedExcelError(value)
        return value.strip() or None
    raise WrongTypeError(name, value, "text")


def date_value(name: str, value: object, default: dt.date | None = None) -> dt.date:
    """A date argument: a date cell (datetime), an Excel serial number, or ISO text (2026-10-31).

    >>> date_value("start", dt.datetime(2026, 10, 1, 0, 0)), date_value("end", 46326.0)
    (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
    >>> date_value("as_of", None, default=dt.date(2026, 11, 22))
    datetime.date(2026, 11, 22)
    """
    if value is None and default is not None:
        return default
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if type(value) in (float, int) and (day := excel_serial_date(value)) is not None:  # type: ignore[arg-type]
        return day
    if type(value) is str:
        if value in EXCEL_ERRORS:
            raise PropagatedExcelError(value)
        if (day := date_from_text(value)) is not None:
            return day
    raise WrongTypeError(name, value, "a date")
