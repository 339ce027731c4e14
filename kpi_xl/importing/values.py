"""Numbers and dates as the platforms write them, in every UI language we serve.

Number style does not follow the header language (an English Google Ads file writes ``199421.15``
and ``"14,117,313"``; a Brazilian one ``"8651,95"`` and ``1.247``), so a file's decimal mark is
worked out from its own unambiguous values (:func:`decimal_mark`); only a file with none falls back
to its language's habit. Numbers become :class:`~decimal.Decimal`, so totals add up to the cent.

>>> parse_number("14,117,313", "."), parse_number("8651,95", ","), parse_number("1.247", ",")
(Decimal('14117313'), Decimal('8651.95'), Decimal('1247'))
>>> parse_number("R$\\xa012,28", ","), parse_number(" --", "."), parse_number("< 10%", ".")
(Decimal('12.28'), None, None)
>>> parse_number("12,3,4", ".")
Traceback (most recent call last):
...
ValueError: 12,3,4
>>> decimal_mark(["199421.15", "14,117,313"]), decimal_mark(["8651,95", "1.247"]), decimal_mark(["1,247"])
('.', ',', None)
>>> parse_date("July 1, 2025"), parse_date("5 de maio de 2026"), parse_date("ter., 5 de mai. de 2026")
(datetime.date(2025, 7, 1), datetime.date(2026, 5, 5), datetime.date(2026, 5, 5))
>>> parse_date("20260131"), parse_date("5/31/2026"), parse_date("31/05/2026", day_first=True)
(datetime.date(2026, 1, 31), datetime.date(2026, 5, 31), datetime.date(2026, 5, 31))
>>> parse_range("1 November 2025 - 30 April 2026")
(datetime.date(2025, 11, 1), datetime.date(2026, 4, 30))
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

__all__ = ["BLANKS", "decimal_mark", "is_blank", "parse_date", "parse_number", "parse_numbers", "parse_range", "serial"]

#: Cells that mean "no value": platforms write these instead of an empty cell.
BLANKS = frozenset({"", "--", "-", "—", "–", "n/a", "na", "null", "(not set)"})

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_MONEY = re.compile(r"^(?:[A-Z]{3}|R\$|US\$|MX\$|S/\.?|zł|₫|\$|€|£)\s*|\s*(?:[A-Z]{3}|zł|₫|đ|€|\$)$")
_PLAIN = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_GROUPED = {
    ".": re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"),
    ",": re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$"),
}
_DECIMAL_ONLY = {".": re.compile(r"^[+-]?\d+\.\d+$"), ",": re.compile(r"^[+-]?\d+,\d+$")}


def is_blank(text: str) -> bool:
    return text.strip().casefold() in BLANKS


def _clean(text: str) -> str:
    text = text.strip()
    text = _MONEY.sub("", text).strip()
    return _SPACES.sub("", text)


_FAST = {".": re.compile(r"\d+(?:\.\d+)?"), ",": re.compile(r"\d+")}
_FAST_GROUPED = {".": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"), ",": re.compile(r"\d+,\d+")}


def parse_number(text: str, mark: str) -> Decimal | None:
    """``text`` as a number with ``mark`` as decimal mark; None for a blank, ``--`` or a share like
    ``< 10%`` (a rate, never a measure we import). ValueError when it is not a number."""
    if _FAST[mark].fullmatch(text):  # most cells: plain digits, nothing to clean
        return Decimal(text)
    if _FAST_GROUPED[mark].fullmatch(text):  # 14,117,313 or 8651,95
        return Decimal(text.replace(",", "") if mark == "." else text.replace(",", "."))
    if is_blank(text) or text.strip().startswith(("<", ">")):
        return None
    if text.strip().endswith("%"):
        return None
    cleaned = _clean(text)
    if _PLAIN.match(cleaned) and (mark == "." or "." not in cleaned):
        return Decimal(cleaned)
    if _DECIMAL_ONLY[mark].match(cleaned):
        return Decimal(cleaned.replace(",", "."))
    if _GROUPED[mark].match(cleaned):
        other = "," if mark == "." else "."
        return Decimal(cleaned.replace(other, "").replace(",", "."))
    if mark == "," and re.match(r"^[+-]?\d{1,3}(?:\.\d{3})+$", cleaned):
        return Decimal(cleaned.replace(".", ""))
    try:  # scientific notation, as some exports write tiny values
        if re.match(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$", cleaned):
            return Decimal(cleaned)
    except InvalidOperation:
        pass
    raise ValueError(text)


# Every ASCII digit as 9: a column's cells come down to a few shapes ("99,999", "999.99"), and a
# shape matches the fast patterns exactly when its cells do (they see any digit alike).
_SHAPES = str.maketrans("012345678", "999999999")


def _decimals(texts: Sequence[str]) -> list[Decimal]:
    """``Decimal`` of each text. A column of few distinct values (clicks; conversions, 0.00 to 40.00)
    as its first 1,000 cells show makes each value once and shares it: a Decimal never changes.

    >>> _decimals(["2.00", "2.00", "7"])
    [Decimal('2.00'), Decimal('2.00'), Decimal('7')]
    """
    if len(set(texts[:1000])) * 4 > min(len(texts), 1000):
        return list(map(Decimal, texts))
    made = {text: Decimal(text) for text in set(texts)}
    return list(map(made.__getitem__, texts))


def parse_numbers(cells: Sequence[str], mark: str) -> tuple[list[Decimal | None], int | None]:
    """:func:`parse_number` over a column: the values, and the index of the first cell that is not a
    number (``None`` when all are). A column of plain or grouped numbers, as most are, is checked with
    one match and converted without a per-cell test.

    >>> parse_numbers(["14,117,313", "12.50", "3"], ".")
    ([Decimal('14117313'), Decimal('12.50'), Decimal('3')], None)
    >>> parse_numbers(["8651,95", "--", "12,3,4"], ",")
    ([Decimal('8651.95'), None], 2)
    """
    plain, grouped = _FAST[mark], _FAST_GROUPED[mark]
    joined = "\n".join(cells)
    shapes = set(joined.translate(_SHAPES).split("\n")) if cells else set()
    if all(plain.fullmatch(shape) or grouped.fullmatch(shape) for shape in shapes) and (
            len(cells) == joined.count("\n") + 1):   # no cell holds a line break
        if "," not in joined:
            return _decimals(cells), None
        comma = "" if mark == "." else "."   # a grouping comma goes, a decimal comma becomes a point
        # One replace over the whole column, not one per cell (no cell holds a line break).
        return _decimals(joined.replace(",", comma).split("\n")), None
    values: list[Decimal | None] = []
    for i, text in enumerate(cells):
        try:
            values.append(parse_number(text, mark))
        except ValueError:
            return values, i
    return values, None


def decimal_mark(values: Iterable[str]) -> str | None:
    """``"."`` or ``","``: the decimal mark the values show unambiguously; None when none does.

    ``8651,95`` (two digits after a comma) or ``1.247,50`` show a decimal comma; ``199421.15`` or
    ``14,117,313`` (two commas) a decimal point. ``1,247`` alone proves nothing.
    """
    votes = {".": 0, ",": 0}
    for text in values:
        cleaned = _clean(text)
        if not cleaned or not cleaned[-1].isdigit():
            continue
        dots, commas = cleaned.count("."), cleaned.count(",")
        if dots and commas:
            votes["." if cleaned.rfind(".") > cleaned.rfind(",") else ","] += 1
        elif dots > 1:
            votes[","] += 1
        elif commas > 1:
            votes["."] += 1
        elif dots == 1 and len(cleaned) - cleaned.rfind(".") - 1 != 3:
            votes["."] += 1
        elif commas == 1 and len(cleaned) - cleaned.rfind(",") - 1 != 3:
            votes[","] += 1
    if votes["."] == votes[","]:
        return None
    return "." if votes["."] > votes[","] else ","


# Month names (and abbreviations) of the UI languages we serve; Polish in both cases it uses.
_MONTHS: dict[str, int] = {}
for _names in (
    "january february march april may june july august september october november december",
    "jan feb mar apr may jun jul aug sep oct nov dec",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "ene feb mar abr may jun jul ago sep oct nov dic",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "jan fev mar abr mai jun jul ago set out nov dez",
    "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad grudzień",
    "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia",
    "sty lut mar kwi maj cze lip sie wrz paź lis gru",
):
    for _number, _name in enumerate(_names.split(), start=1):
        _MONTHS.setdefault(_name, _number)
_MONTHS["sept"] = 9
_MONTHS["setiembre"] = 9

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:,?\s.*)?$")
_WORDS = re.compile(r"[^\W\d_]+\.?|\d+", re.UNICODE)
_VI = re.compile(r"^(\d{1,2})\s+(?:thg|tháng)\s+(\d{1,2}),?\s+(?:năm\s+)?(\d{4})$", re.IGNORECASE)


def parse_date(text: str, *, day_first: bool = False) -> dt.date | None:
    """A date as any of the exports write it; None when ``text`` is not one.

    ISO (``2026-05-05``, also with a time), ``YYYYMMDD`` (GA4), ``YYYY-MM`` (a month: its first day),
    ``M/D/YYYY`` (or ``D/M/YYYY`` with ``day_first``), and spelled-out dates in English, Spanish,
    Portuguese, Polish and Vietnamese (``July 1, 2025``, ``1 de noviembre de 2025``,
    ``ter., 5 de mai. de 2026``, ``5 maja 2026``, ``5 thg 5, 2026``); a weekday in front is skipped.
    A month and a year alone (``May 2026``, ``maio de 2026``) give the month's first day.
    """
    text = text.strip().strip('"').strip()
    try:
        if m := _ISO.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _COMPACT.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _YEAR_MONTH.match(text):
            return dt.date(int(m[1]), int(m[2]), 1)
        if m := _SLASHED.match(text):
            a, b = int(m[1]), int(m[2])
            month, day = (b, a) if day_first else (a, b)
            return dt.date(int(m[3]), month, day)
        if m := _VI.match(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    return _spelled(text)


def _spelled(text: str) -> dt.date | None:
    tokens = _WORDS.findall(text.casefold())
    numbers = [int(t) for t in tokens if t.isdigit()]
    months = [_MONTHS[t.rstrip(".")] for t in tokens if not t.isdigit() and t.rstrip(".") in _MONTHS]
    if not months or not numbers:
        return None
    years = [n for n in numbers if n >= 1000]
    days = [n for n in numbers if n < 1000]
    if len(years) != 1 or len(days) > 1:
        return None
    try:
        return dt.date(years[0], months[-1], days[0] if days else 1)
    except ValueError:
        return None


def parse_range(text: str, *, day_first: bool = False) -> tuple[dt.date, dt.date] | None:
    """``"July 1, 2025 - July 24, 2025"`` -> its first and last day; None when ``text`` is not a range."""
    for separator in (" - ", " – ", " — ", " to ", " a ", "~"):
        if separator in text:
            first, _, last = text.partition(separator)
            start, end = parse_date(first, day_first=day_first), parse_date(last, day_first=day_first)
            if start and end and start <= end:
                return start, end
    return None


_EPOCH = dt.date(1899, 12, 30)


def serial(day: dt.date) -> int:
    """Excel's serial number of a day (1900 date system).

    >>> serial(dt.date(2026, 1, 1))
    46023
    """
    return (day - _EPOCH).days
