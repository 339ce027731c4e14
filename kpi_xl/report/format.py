"""Numbers, money, percentages, durations and dates for a report's locale, by Babel (CLDR).

Two CLDR rules Babel does not apply are applied here:

- minimum grouping digits: Spanish (Spain), Polish and European Portuguese group a number only from
  five integer digits, so 1234 stays "1234" but 12345 is "12 345";
- currency spacing: an alphabetic currency symbol touching a digit gets a no-break space
  ("PLN 1,234.50", not "PLN1,234.50"), as ICU prints it.

>>> fmt = Formatter("pl_PL", "PLN")
>>> fmt.number(1234), fmt.number(12345.5, 1), fmt.money(1234.5), fmt.percent(0.1234), fmt.percent(0.0108)
('1234', '12\\xa0345,5', '1234,50\\xa0zł', '12,3%', '1,08%')
>>> Formatter("en_US", "PLN").money(1234.5), Formatter("vi_VN", "VND").money(1234567.8)
('PLN\\xa01,234.50', '1.234.568\\xa0₫')
>>> Formatter("pl_PL", "PLN").month_title(Month(2026, 10)), Formatter("es_ES", "EUR").month_title(Month(2026, 10))
('październik 2026', 'octubre de 2026')
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import math
import unicodedata
from functools import cache

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import NumberPattern, format_compact_decimal, get_currency_precision, get_currency_symbol
from babel.units import format_unit

from kpi_xl.core.periods import Month
from kpi_xl.core.registry import Kpi, Unit
from kpi_xl.core.tracking import Quantity

__all__ = ["MISSING", "Formatter", "min_grouping_digits", "money_digits", "normalize_spaces", "span"]

MISSING = "—"  # an em dash where a value is unknown (no data, no target)

# CLDR numbers/minimumGroupingDigits where it is not 1 (Babel 2.18 ignores the field). Latin
# American Spanish (es_419, the parent of es_MX) sets it back to 1.
_MIN_GROUPING = {"es": 2, "es_419": 1, "es_MX": 1, "pl": 2, "pt_PT": 2}
_GROUPING_THRESHOLD = {1: 1_000, 2: 10_000}
_NBSP = "\u00a0"
# CLDR's long Vietnamese date is "31 tháng 10, 2026", while its month is "tháng 10 năm 2026": one
# report would write the year two ways. The date here takes the month's form, as Vietnamese
# documents write a date in words ("ngày 31 tháng 10 năm 2026").
_DATE_PATTERNS = {"vi": "d MMMM 'năm' y"}


def min_grouping_digits(locale: str) -> int:
    """CLDR's minimum grouping digits: 2 means four-digit numbers are not grouped.

    >>> [min_grouping_digits(loc) for loc in ("en_US", "es_ES", "es_MX", "pt_BR", "pl_PL", "vi_VN")]
    [1, 2, 1, 1, 2, 1]
    """
    language = locale.split("_")[0]
    return _MIN_GROUPING.get(locale, _MIN_GROUPING.get(language, 1))


SIGNIFICANT_BELOW_ONE = 3  # a cost per view of 0.0239 €, not 0.02 €: the digits that tell costs apart


def money_digits(value: float, currency: str) -> tuple[int, int]:
    """The fraction digits (fewest, most) for an amount: the currency's own (2 for EUR, 0 for VND);
    below one unit, as many more as give three significant digits, so a cost per view of 0.026 €
    and one of 0.024 € don't both read 0.03 €. Trailing zeros past the currency's digits are dropped.
    A currency without decimals keeps its whole units (a cost per view of 250 ₫ is already three
    digits); an amount below 1 ₫ reads 0,4 ₫ rather than a misleading 0 ₫.

    >>> money_digits(1234.5, "EUR"), money_digits(0.45, "EUR"), money_digits(0.02392, "EUR")
    ((2, 2), (2, 3), (2, 4))
    >>> money_digits(0.4, "VND"), money_digits(350.0, "VND"), money_digits(0.0, "EUR")
    ((0, 3), (0, 0), (2, 2))
    """
    own = get_currency_precision(currency)
    magnitude = abs(value)
    if magnitude == 0 or magnitude >= 1 or not math.isfinite(magnitude):
        return own, own
    wanted = SIGNIFICANT_BELOW_ONE - 1 - math.floor(math.log10(magnitude))
    return own, max(own, min(wanted, 12))


def normalize_spaces(text: str) -> str:
    """No-break and narrow no-break spaces as plain spaces (to compare with extracted PDF text).

    >>> normalize_spaces("1\\u202f234\\u00a0€")
    '1 234 €'
    """
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@cache
def span(count: float, unit: str, locale: Locale | str) -> str:
    """A span of days or months with its plural, as CLDR writes it.

    Babel has no long form of these units for some locales (pt, vi): the short one is used there.

    >>> span(1, "months", "es_ES"), span(5, "months", "pl_PL"), span(3, "months", "pt_BR"), span(3, "months", "vi_VN")
    ('1 mes', '5 miesięcy', '3 meses', '3 tháng')
    """
    key = f"duration-{unit.rstrip('s')}"
    text = format_unit(count, key, length="long", locale=locale)
    return text if key not in text else format_unit(count, key, length="short", locale=locale)


def _locale(identifier: str) -> Locale:
    return Locale.parse(identifier)


@cache
def _pattern(locale: str, kind: str, min_frac: int, max_frac: int) -> NumberPattern:
    """The locale's own decimal or percent pattern with other fraction digits (keeps "12 %")."""
    formats = _locale(locale).percent_formats if kind == "percent" else _locale(locale).decimal_formats
    pattern = copy.copy(formats[None])
    pattern.frac_prec = (min_frac, max_frac)
    return pattern


def _apply(pattern: NumberPattern, value: float, locale: Locale, **options: object) -> str:
    """Babel's formatting, rounding half away from zero (1234.5 ₫ -> 1235 ₫) as people and
    ECMA-402 do, not half to even, Python's decimal default; no "-0" for a tiny negative value."""
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        context.prec = 400  # a float can have ~310 digits: 28 would fail from 1e26 on (a huge target)
        text = pattern.apply(value, locale, **options)  # type: ignore[arg-type]
        if value < 0 and not any(c in "123456789" for c in text):
            text = pattern.apply(0.0, locale, **options)  # type: ignore[arg-type]
        return text


def _finite(value: float) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"cannot format {value!r} as a number")
    return float(value)


class Formatter:
    """Formats values for one locale and one client currency (ISO 4217)."""

    def __init__(self, locale: str, currency: str) -> None:
        self.locale = locale
        self.currency = currency
        self._babel = _locale(locale)
        self._grouping_from = _GROUPING_THRESHOLD[min_grouping_digits(locale)]
        self._symbol = get_currency_symbol(currency, locale=self._babel)

    def _grouped(self, magnitude: float) -> bool:
        return magnitude >= self._grouping_from

    def number(self, value: float, digits: int = 0, *, max_digits: int | None = None) -> str:
        """``digits`` fraction digits (up to ``max_digits`` when given, trailing zeros dropped)."""
        value = _finite(value)
        most = digits if max_digits is None else max_digits
        pattern = _pattern(self.locale, "decimal", digits, most)
        return _apply(pattern, value, self._babel, group_separator=self._grouped(abs(round(value, most))))

    def money(self, value: float, like: float | None = None) -> str:
        """The client's currency with its own decimals (none for VND, JPY); below one unit, three
        significant digits (:func:`money_digits`). ``like``: the amount whose digits to use, so the gap
        between 9,00 € and 8,4755 € reads 0,52 €, not 0,5245 €.

        >>> fmt = Formatter("es_ES", "EUR")
        >>> fmt.money(0.026), fmt.money(0.02392), fmt.money(0.0384), fmt.money(0.45), fmt.money(0.5)
        ('0,026\xa0€', '0,0239\xa0€', '0,0384\xa0€', '0,45\xa0€', '0,50\xa0€')
        >>> fmt.money(0.5245, like=8.48), fmt.money(0.0014, like=0.0239)
        ('0,52\xa0€', '0,0014\xa0€')
        """
        value = _finite(value)
        pattern = copy.copy(self._babel.currency_formats["standard"])
        pattern.frac_prec = money_digits(value if like is None else like, self.currency)
        text = _apply(pattern, value, self._babel, currency=self.currency, currency_digits=False,
                      group_separator=self._grouped(abs(round(value, pattern.frac_prec[1]))))
        return self._space_currency(text)

    def _space_currency(self, text: str) -> str:
        """CLDR currencySpacing: a no-break space between a letter-ending symbol and a digit."""
        symbol = self._symbol
        at = text.find(symbol)
        if at < 0 or not symbol:
            return text
        end = at + len(symbol)
        if end < len(text) and text[end].isdigit() and not _symbol_or_space(symbol[-1]):
            text = text[:end] + _NBSP + text[end:]
        elif at > 0 and text[at - 1].isdigit() and not _symbol_or_space(symbol[0]):
            text = text[:at] + _NBSP + text[at:]
        return text

    def percent(self, value: float, digits: int | None = None) -> str:
        """A fraction as a percentage: one decimal, two below 10 % (a CTR of 1.08 % against 1.28 %);
        more, up to four, when rounding would show a misleading 0 % or ±100 % (a spend cut of 99.99 %
        is not all of it).

        >>> fmt = Formatter("en_US", "USD")
        >>> fmt.percent(-0.9999), fmt.percent(-0.999), fmt.percent(-1.0), fmt.percent(0.00004), fmt.percent(0.5)
        ('-99.99%', '-99.9%', '-100.0%', '0.004%', '50.0%')
        """
        value = _finite(value)
        if digits is None:
            digits = 2 if abs(value) < 0.1 and value != 0 else 1
            while digits < 4 and value not in (0.0, 1.0, -1.0) and round(value * 100, digits) in (0.0, 100.0, -100.0):
                digits += 1
        pattern = _pattern(self.locale, "percent", digits, digits)
        return _apply(pattern, value, self._babel, group_separator=self._grouped(abs(round(value * 100, digits))))

    def ratio(self, value: float) -> str:
        """A multiplier such as ROAS: "4.25×"."""
        return f"{self.number(value, 2)}×"

    def duration(self, seconds: float, digits: int = 0) -> str:
        """Seconds as "45 s" or "2 min 5 s" in the locale's short unit names; ``digits`` decimals of
        a second under a minute (axis ticks 7.5 s apart need them)."""
        seconds = _finite(seconds)
        if digits and abs(seconds) < 60:
            rounded = float(decimal.Decimal(repr(seconds)).quantize(decimal.Decimal(1).scaleb(-digits),
                                                                    rounding=decimal.ROUND_HALF_UP))
            return format_unit(rounded, "duration-second", length="short", locale=self._babel)
        total = int(decimal.Decimal(repr(seconds)).quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))
        minutes, rest = divmod(abs(total), 60)
        sign = "-" if total < 0 else ""
        if not minutes:
            return sign + format_unit(rest, "duration-second", length="short", locale=self._babel)
        parts = [format_unit(minutes, "duration-minute", length="short", locale=self._babel)]
        if rest:
            parts.append(format_unit(rest, "duration-second", length="short", locale=self._babel))
        return sign + " ".join(parts)

    def compact(self, value: float, digits: int = 1) -> str:
        """A short axis label: "12K", "1,2 mln", "12 mil"; plain below 10,000."""
        value = _finite(value)
        if abs(value) < 10_000:
            return self.number(value, 0 if abs(value) >= 10 or value == round(value) else 1, max_digits=2)
        with decimal.localcontext() as context:  # half away from zero, like every other figure
            context.rounding = decimal.ROUND_HALF_UP
            context.prec = 400  # as in _apply: a 1e308 axis tick must format, not raise
            return format_compact_decimal(value, locale=self._babel, fraction_digits=digits)

    def value(self, value: float | None, unit: Unit | str) -> str:
        """A value in its unit; :data:`MISSING` for None."""
        if value is None:
            return MISSING
        if unit is Unit.CURRENCY:
            return self.money(value)
        if unit is Unit.PERCENT:
            return self.percent(value)
        if unit is Unit.RATIO:
            return self.ratio(value)
        if unit is Unit.SECONDS:
            return self.duration(value)
        if unit is Unit.SCORE:
            return self.number(value, 1)
        if unit in ("days", "months"):  # "3 meses", "5 miesięcy": the span with its plural
            return span(value, unit, self._babel)
        # Counts: whole numbers stay whole, small averages (orders per customer) keep two decimals.
        return self.number(value, 0, max_digits=0 if abs(value) >= 100 else 2)

    def kpi(self, kpi: Kpi, value: float | None) -> str:
        return self.value(value, kpi.unit)

    def quantity(self, quantity: Quantity) -> str:
        """For :meth:`kpi_xl.core.tracking.Finding.text`."""
        return self.value(quantity.value, quantity.unit)

    def month_title(self, month: Month) -> str:
        """The month as a title, in the nominative: "październik 2026", "tháng 10 năm 2026"."""
        return format_skeleton("yMMMM", month.first_day, locale=self._babel)

    def month_name(self, month: Month) -> str:
        """The stand-alone month without its year, for a list whose year is said once: "November", "listopad",
        "tháng 11" (lower case where the month with its year is: CLDR capitalizes Vietnamese's alone).

        >>> Formatter("vi_VN", "VND").month_name(Month(2026, 11)), Formatter("pl_PL", "PLN").month_name(Month(2026, 11))
        ('tháng 11', 'listopad')
        """
        name = format_date(month.first_day, "LLLL", locale=self._babel)
        return name[:1].lower() + name[1:] if self.month_title(month)[:1].islower() else name

    def month_axis(self, month: Month) -> str:
        """The stand-alone abbreviated month for a chart axis: "Oct", "paź", "out."."""
        return format_date(month.first_day, "LLL", locale=self._babel)

    def date(self, day: dt.date) -> str:
        """A full date: "31 października 2026", "October 31, 2026", "31 tháng 10 năm 2026".

        >>> Formatter("vi_VN", "VND").date(dt.date(2026, 10, 31)), Formatter("es_MX", "MXN").date(dt.date(2026, 10, 31))
        ('31 tháng 10 năm 2026', '31 de octubre de 2026')
        """
        return format_date(day, _DATE_PATTERNS.get(self._babel.language, "long"), locale=self._babel)


def _symbol_or_space(char: str) -> bool:
    return unicodedata.category(char)[0] in "SZ"
