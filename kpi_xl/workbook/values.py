"""Cell values -> typed values, a whole column at a time, with a located issue for every bad cell.

What a cell may hold is described in :mod:`kpi_xl.workbook.grid`. The rules, the same for a file and
for live Excel:

- A blank is ``None``, ``""`` or only spaces. An error cell (``#REF!``) and a formula with no computed
  value are problems in any column, never blanks.
- A number is a number cell. Text that is unambiguously a number is accepted too, because data pasted
  from other tools often arrives as text: ``"1234.5"``, ``"1,234.50"``, ``"1.234,50"``, ``"1 234,5"``,
  ``"12,5"`` (one separator not followed by exactly three digits is the decimal mark), ``"-3"``, and
  ``"12%"`` (0.12). ``"1,234"`` or ``"1.234"`` could be a thousand or a decimal depending on the
  language, so it is refused and the message says why; so is anything else (``"ten"``, ``"$5"``).
  TRUE/FALSE and dates are not numbers.
- A date is a date cell, or a number (an Excel serial date: a date column that lost its format), or
  ISO text ``"2026-09-01"``. Other text (``"01/09/2026"`` is day-first or month-first) is refused.

>>> convert_column([1.5, "", "1,234.50", "12%", None, "ten", "1,234"], Kind.NUMBER, "cost")[0]
[1.5, None, 1234.5, 0.12, None, INVALID, INVALID]
>>> [(i, t.format(**p)) for i, t, p in convert_column(["ten", "#REF!"], Kind.NUMBER, "cost")[1]]
[(0, 'cost must be a number, got "ten"'), (1, 'the cell shows the error #REF!: correct or clear it')]
>>> convert_column([46266.0, "2026-09-02", dt.datetime(2026, 9, 3, 10, 30)], Kind.DATE, "date")[0]
[datetime.date(2026, 9, 1), datetime.date(2026, 9, 2), datetime.date(2026, 9, 3)]
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from typing import Final

from babel.numbers import list_currencies

from kpi_xl.core.errors import EXCEL_ERRORS, KpiError
from kpi_xl.core.periods import date_from_text, excel_serial_date
from kpi_xl.core.registry import N_, get
from kpi_xl.emails import parse_address, split_addresses
from kpi_xl.i18n import SUPPORTED_LOCALES, resolve_locale
from kpi_xl.workbook.grid import NO_VALUE, Unreadable
from kpi_xl.workbook.schema import Kind

__all__ = [
    "COVERED",
    "INVALID",
    "AmbiguousNumberError",
    "Issue",
    "convert_column",
    "display",
    "email_problem",
    "is_blank",
    "number_from_text",
]

Issue = tuple[int, str, dict[str, str]]   # index in the column, message template, its parameters


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


INVALID: Final = _Marker("INVALID")   # a bad cell, already reported: its row cannot be built
COVERED: Final = _Marker("COVERED")   # under a merged area, already reported
_SLOW: Final = _Marker("SLOW")        # not a number cell nor a blank: look closer
_EMPTY: Final = ""

NOT_NUMBER = N_("{column} must be a number, got {value}")
AMBIGUOUS_NUMBER = N_("{column} must be a number, got {value}, which reads as a thousand in some languages "
                      "and as a decimal in others: type it without a thousands separator")
NOT_DATE = N_("{column} must be a date, got {value}")
ERROR_CELL = N_("the cell shows the error {value}: correct or clear it")
FORMULA_NO_VALUE = N_("formula has no computed value: open and save the workbook in Excel")
UNREADABLE = {
    "string_index": N_("the cell refers to shared string {value}, which the file does not hold: the file is damaged"),
    "not_number": N_("the cell holds {value}, which is not a number: the file is damaged"),
}
UNKNOWN_KPI = N_("unknown KPI code {value}")
UNKNOWN_LOCALE = N_("unknown locale {value}: use one of {choices}")
UNKNOWN_CURRENCY = N_("unknown currency {value}: use an ISO 4217 code such as EUR, USD or BRL")
BAD_EMAIL = N_("malformed e-mail address {value}")
SKIPPED_EMAIL = N_("malformed e-mail address {value}: nothing is sent to it until it is corrected")
EMAIL_LINE_BREAK = N_("e-mail address {value} contains a line break: separate addresses with ;")

_CURRENCIES = frozenset(list_currencies())


class _Bad:
    """A cell's conversion failed: the issues to report (templates with parameters)."""

    __slots__ = ("issues",)

    def __init__(self, *issues: tuple[str, dict[str, str]]) -> None:
        self.issues = issues


def display(value: object) -> str:
    """A cell value as a message shows it: text quoted on one line, numbers and dates as Excel shows them.

    >>> display("ten"), display('a\\nb "c"'), display(12.0), display(0.125), display(True), display(dt.date(2026, 9, 1))
    ('"ten"', '"a\\\\nb \\\\"c\\\\""', '12', '0.125', 'TRUE', '2026-09-01')
    """
    if type(value) is str:
        text = value if len(value) <= 60 else value[:59] + "…"
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n")
        return f'"{escaped}"'
    if type(value) is bool:
        return "TRUE" if value else "FALSE"
    if type(value) is float:
        return _number_text(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2212": "-"})
_GROUPED = re.compile(r"[1-9]\d{0,2}(?P<sep>[ ,.])\d{3}(?:(?P=sep)\d{3})*(?:(?P<dec>[.,])(?P<frac>\d+))?", re.ASCII)
_DECIMAL = re.compile(r"(\d*)[.,](\d+)|\d+", re.ASCII)


class AmbiguousNumberError(ValueError):
    """Text like ``"1,234"``: a thousand and some, or one and a fraction, depending on the language."""


def number_from_text(text: str) -> float | None:
    """The number a text spells unambiguously, None when it spells none; ``"1,234"`` raises.

    >>> [number_from_text(t) for t in ["1234.5", " 1,234.50 ", "1.234,50", "1 234,5", "12,5", "-3", "12%", "0,500"]]
    [1234.5, 1234.5, 1234.5, 1234.5, 12.5, -3.0, 0.12, 0.5]
    >>> [number_from_text(t) for t in ["1,234,567", "ten", "$5", "1,23,4", "", "%", "1,234,5", "٣"]]
    [1234567.0, None, None, None, None, None, None, None]
    >>> number_from_text("1.234")
    Traceback (most recent call last):
    ...
    kpi_xl.workbook.values.AmbiguousNumberError: 1.234
    """
    s = text.translate(_SPACES).strip()
    percent = s.endswith("%")
    if percent:
        s = s[:-1].rstrip()
    negative = s[:1] == "-"
    if s[:1] in ("-", "+"):
        s = s[1:]
    if (m := _GROUPED.fullmatch(s)) is not None:
        sep, dec = m.group("sep"), m.group("dec")
        if dec == sep:  # "1,234,5": one mark can't be both the grouping and the decimal
            return None
        if dec is None and sep != " " and s.count(sep) == 1:
            raise AmbiguousNumberError(text.strip())
        whole = s[: m.start("dec")] if dec else s
        number = float(whole.replace(sep, "") + ("." + m.group("frac") if dec else ""))
    elif _DECIMAL.fullmatch(s):
        number = float(s.replace(",", "."))
    else:
        return None
    number = -number if negative else number
    return number / 100 if percent else number


def _special(value: object) -> object:
    """INVALID or a _Bad for a cell that is an error, a formula without value or under a merge; else None."""
    if value is COVERED or value is INVALID:
        return INVALID
    if value is NO_VALUE:
        return _Bad((FORMULA_NO_VALUE, {}))
    if type(value) is Unreadable:
        return _Bad((UNREADABLE[value.why], {"value": display(value.value)}))
    if type(value) is str and value in EXCEL_ERRORS:
        return _Bad((ERROR_CELL, {"value": value}))
    return None


def is_blank(value: object) -> bool:
    return value is None or (type(value) is str and not value.strip())


def _number(value: object, column: str) -> object:
    if is_blank(value):
        return None
    if (special := _special(value)) is not None:
        return special
    t = type(value)
    if t is float:
        return value if math.isfinite(value) else _Bad((NOT_NUMBER, {"column": column, "value": display(value)}))
    if t is int:
        try:
            return float(value)
        except OverflowError:
            pass
    elif t is str:
        try:
            number = number_from_text(value)
        except AmbiguousNumberError:
            return _Bad((AMBIGUOUS_NUMBER, {"column": column, "value": display(value)}))
        if number is not None and math.isfinite(number):
            return number
    return _Bad((NOT_NUMBER, {"column": column, "value": display(value)}))


def _date(value: object, column: str) -> object:
    if is_blank(value):
        return None
    if (special := _special(value)) is not None:
        return special
    t = type(value)
    if t is dt.date:
        return value
    if t is dt.datetime:
        return value.date()  # type: ignore[union-attr]
    if t is float or t is int:
        if (found := excel_serial_date(value)) is not None:  # type: ignore[arg-type]
            return found
    elif t is str and (found := date_from_text(value)) is not None:  # type: ignore[arg-type]
        return found
    return _Bad((NOT_DATE, {"column": column, "value": display(value)}))


def _raw(value: object, column: str = "") -> object:
    """Any value as it is (a Settings value, typed by its key): only blanks and error cells are seen to."""
    if is_blank(value):
        return None
    special = _special(value)
    return value if special is None else special


def _text(value: object, column: str = "") -> object:
    if is_blank(value):
        return None
    if (special := _special(value)) is not None:
        return special
    t = type(value)
    if t is str:
        return value.strip()  # type: ignore[union-attr]
    if t is float:
        return _number_text(value) if math.isfinite(value) else str(value)  # type: ignore[arg-type]
    if t is dt.datetime and value == dt.datetime.combine(value.date(), dt.time()):  # type: ignore[union-attr]
        return value.date().isoformat()  # type: ignore[union-attr]
    return display(value)  # TRUE/FALSE, a date, a time


def _kpi(value: object, column: str) -> object:
    text = _text(value)
    if text is None or text is INVALID or type(text) is _Bad:
        return text
    try:
        return get(text).code
    except KpiError:
        return _Bad((UNKNOWN_KPI, {"value": display(value)}))


def _locale(value: object, column: str) -> object:
    text = _text(value)
    if text is None or text is INVALID or type(text) is _Bad:
        return text
    try:
        return resolve_locale(text)
    except KpiError:
        return _Bad((UNKNOWN_LOCALE, {"value": display(value), "choices": ", ".join(SUPPORTED_LOCALES)}))


def _currency(value: object, column: str) -> object:
    text = _text(value)
    if text is None or text is INVALID or type(text) is _Bad:
        return text
    code = str(text).upper()
    return code if code in _CURRENCIES else _Bad((UNKNOWN_CURRENCY, {"value": display(value)}))


def _emails(value: object, column: str) -> object:
    """Addresses separated by ; or , -> a tuple of their texts. A line break is an error (a header
    injection); whether each is a well-formed address is :func:`email_problem`'s to say."""
    if is_blank(value):
        return None
    if (special := _special(value)) is not None:
        return special
    if type(value) is not str:
        return _Bad((BAD_EMAIL, {"value": display(value)}))
    addresses, issues = [], []
    for address in split_addresses(value.strip(" \t")):  # type: ignore[union-attr]
        if "\r" in address or "\n" in address:
            issues.append((EMAIL_LINE_BREAK, {"value": display(address)}))
            continue
        addresses.append(address)
    return _Bad(*issues) if issues else (tuple(addresses) or None)


def email_problem(address: str) -> str | None:
    """Why ``address`` is no e-mail address (the rule ``kpi-xl send`` applies), None when it is one.

    >>> email_problem('"Díaz, Ana" <ana@acme.example>'), email_problem("ana@acme") is not None
    (None, True)
    """
    try:
        parse_address(address)
    except ValueError as error:
        return str(error)
    return None


_BY_KIND: dict[Kind | None, Callable[[object, str], object]] = {
    None: _raw, Kind.TEXT: _text, Kind.DATE: _date, Kind.KPI: _kpi, Kind.LOCALE: _locale, Kind.CURRENCY: _currency,
    Kind.EMAILS: _emails,
}


def convert_column(values: Sequence[object], kind: Kind | None, column: str) -> tuple[list[object], list[Issue]]:
    """Each cell of a column as ``kind``: the value, None for a blank, INVALID for a bad cell (with its issues).
    ``kind`` None keeps values as they are, blanks and error cells aside.

    Numbers take a fast path for number cells and blanks; the other kinds convert each distinct value once
    (a 100,000-row Actuals sheet holds a few hundred dates and a handful of clients).
    """
    count = len(values)
    if count and (values[0] is _EMPTY or values[0] is None) and values.count(values[0]) == count:
        return [None] * count, []  # an empty column (most measures of most workbooks): nothing to look at
    types = set(map(type, values))
    if kind is Kind.NUMBER or kind is Kind.PERCENT:
        if types == {float} and math.isfinite(sum(values)):  # the sum is NaN or infinite when any cell is
            return list(values), []  # number cells only, every one as it is
        # `is ""`: calamine's blanks are all the one empty string object; any other "" takes the slow path
        # v - v == 0 is False for NaN and infinities: those take the slow path and are reported.
        out = [v if type(v) is float and v - v == 0.0 else None if v is _EMPTY or v is None else _SLOW
               for v in values]
        slow = [i for i, v in enumerate(out) if v is _SLOW] if _SLOW in out else []
        return _resolve(out, {i: _number(values[i], column) for i in slow}, slow)
    if kind is Kind.DATE and types == {dt.date}:
        return list(values), []  # date cells only, every one as it is
    one = _BY_KIND[kind]
    if bool in types:  # True == 1.0 in a dict: convert cell by cell
        out = [one(v, column) for v in values]
    else:
        memo = {v: one(v, column) for v in set(values)}
        out = [memo[v] for v in values]
        if not any(type(v) is _Bad or v is INVALID for v in memo.values()):
            return out, []
    slow = [i for i, v in enumerate(out) if type(v) is _Bad or v is INVALID]
    return _resolve(out, {i: out[i] for i in slow}, slow)


def _resolve(out: list[object], results: dict[int, object], slow: list[int]) -> tuple[list[object], list[Issue]]:
    issues: list[Issue] = []
    for i in slow:
        result = results[i]
        if type(result) is _Bad:
            issues.extend((i, template, params) for template, params in result.issues)  # type: ignore[union-attr]
            result = INVALID
        out[i] = result
    return out, issues

