"""Numbers, money, percentages and dates as CLDR writes them, checked character for character.

The expected strings are CLDR's (ICU prints the same): spaces are no-break spaces in the output and
are normalised here for readability.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kpi_xl.core.periods import Month
from kpi_xl.core.registry import Unit
from kpi_xl.core.tracking import Quantity
from kpi_xl.i18n import SUPPORTED_LOCALES
from kpi_xl.report.format import MISSING, Formatter, min_grouping_digits, normalize_spaces

# locale, currency: 1234, 12345, 1234.5 money, 12345.678 money, 12.3 % and 0.85 %
NUMBERS = {
    "en_US": ("USD", "1,234", "12,345", "$1,234.50", "$12,345.68", "12.3%", "0.85%"),
    "es_ES": ("EUR", "1234", "12.345", "1234,50 €", "12.345,68 €", "12,3 %", "0,85 %"),
    "es_MX": ("MXN", "1,234", "12,345", "$1,234.50", "$12,345.68", "12.3%", "0.85%"),
    "pt_BR": ("BRL", "1.234", "12.345", "R$ 1.234,50", "R$ 12.345,68", "12,3%", "0,85%"),
    "pl_PL": ("PLN", "1234", "12 345", "1234,50 zł", "12 345,68 zł", "12,3%", "0,85%"),
    "vi_VN": ("VND", "1.234", "12.345", "1.235 ₫", "12.346 ₫", "12,3%", "0,85%"),
}


@pytest.mark.each_locale
def test_numbers_money_and_percentages_are_cldr_exact(locale):
    currency, four, five, money, big_money, pct, small_pct = NUMBERS[locale]
    fmt = Formatter(locale, currency)
    got = [fmt.number(1234), fmt.number(12345), fmt.money(1234.5), fmt.money(12345.678), fmt.percent(0.123),
           fmt.percent(0.0085)]
    assert [normalize_spaces(g) for g in got] == [four, five, money, big_money, pct, small_pct]


@pytest.mark.parametrize(
    ("locale", "grouped_from"),
    [("en_US", 1000), ("es_ES", 10_000), ("es_MX", 1000), ("pt_BR", 1000), ("pl_PL", 10_000), ("vi_VN", 1000)],
)
def test_minimum_grouping_digits_boundary(locale, grouped_from):
    fmt = Formatter(locale, "EUR")
    below, at = fmt.number(grouped_from - 1), fmt.number(grouped_from)
    assert below.isdigit(), below            # 999 / 9999: no separator
    assert not at.isdigit(), at               # 1,000 / 10 000: grouped
    assert min_grouping_digits(locale) == (2 if grouped_from == 10_000 else 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(9999.99, "9999,99 zł"), (9999.999, "10 000,00 zł"), (-1234.5, "-1234,50 zł"), (-12345.0, "-12 345,00 zł")],
)
def test_grouping_follows_the_rounded_value(value, expected):
    # 9999.999 rounds to 10 000,00: five integer digits, so it is grouped.
    assert normalize_spaces(Formatter("pl_PL", "PLN").money(value)) == expected


@pytest.mark.parametrize(
    ("locale", "currency", "expected"),
    [
        ("en_US", "PLN", "PLN\u00a01,234.50"),    # alphabetic symbol before a digit: CLDR currencySpacing
        ("es_MX", "EUR", "EUR\u00a01,234.50"),
        ("es_MX", "USD", "USD\u00a01,234.50"),
        ("en_US", "EUR", "€1,234.50"),            # a symbol character needs no space
        ("en_US", "VND", "₫1,235"),               # and VND has no decimals
        ("pl_PL", "EUR", "1234,50\u00a0€"),
        ("pt_BR", "USD", "US$\u00a01.234,50"),
    ],
)
def test_currency_spacing_and_digits(locale, currency, expected):
    assert Formatter(locale, currency).money(1234.5) == expected


MONTHS = {
    "en_US": "October 2026",
    "es_ES": "octubre de 2026",
    "es_MX": "octubre de 2026",
    "pt_BR": "outubro de 2026",
    "pl_PL": "październik 2026",      # nominative, not the genitive "października"
    "vi_VN": "tháng 10 năm 2026",
}


# Costs below one unit keep three significant digits (trailing zeros past the currency's own digits
# dropped): a CPV baseline 0.026, target 0.02392, actual 0.0384; a CPC 0.45 and 0.4567; a cost of 0.5.
# VND has no decimals: 0.4 ₫ is shown as such, not as 0 ₫; 250.4 ₫ keeps whole dong.
SMALL_MONEY = {
    "en_US": ("USD", ["$0.026", "$0.0239", "$0.0384", "$0.45", "$0.457", "$0.50", "$1.00"]),
    "es_ES": ("EUR", ["0,026 €", "0,0239 €", "0,0384 €", "0,45 €", "0,457 €", "0,50 €", "1,00 €"]),
    "es_MX": ("MXN", ["$0.026", "$0.0239", "$0.0384", "$0.45", "$0.457", "$0.50", "$1.00"]),
    "pt_BR": ("BRL", ["R$ 0,026", "R$ 0,0239", "R$ 0,0384", "R$ 0,45", "R$ 0,457", "R$ 0,50", "R$ 1,00"]),
    "pl_PL": ("PLN", ["0,026 zł", "0,0239 zł", "0,0384 zł", "0,45 zł", "0,457 zł", "0,50 zł", "1,00 zł"]),
    "vi_VN": ("VND", ["0,026 ₫", "0,0239 ₫", "0,0384 ₫", "0,45 ₫", "0,457 ₫", "0,5 ₫", "1 ₫"]),
}


@pytest.mark.each_locale
def test_money_below_one_unit_keeps_three_significant_digits(locale):
    currency, expected = SMALL_MONEY[locale]
    fmt = Formatter(locale, currency)
    got = [fmt.money(v) for v in (0.026, 0.02392, 0.0384, 0.45, 0.4567, 0.5, 0.9999)]
    assert [normalize_spaces(g) for g in got] == expected
    assert "".join(c for c in Formatter(locale, "VND").money(250.4) if c.isdigit()) == "250"  # whole dong


@pytest.mark.parametrize(("value", "currency", "expected"), [
    (0.026, "EUR", "€0.026"), (0.02392, "EUR", "€0.0239"), (0.0384, "EUR", "€0.0384"), (0.45, "USD", "$0.45"),
    (1234.5, "EUR", "€1,234.50"), (0.4, "VND", "₫0.4"), (250.4, "VND", "₫250"), (-0.0239, "EUR", "-€0.0239"),
])
def test_goals_table_money_below_one_unit(value, currency, expected):
    from kpi_xl.cli.goals_table import format_quantity
    from kpi_xl.core.registry import Unit
    assert format_quantity(value, Unit.CURRENCY, currency) == expected


@pytest.mark.parametrize(("value", "report", "terminal"), [
    (-0.9999, "-99.99%", "-99.99%"),      # a spend cut of 99.99 % is not all of it
    (-0.99999, "-99.999%", "-99.999%"),
    (-1.0, "-100.0%", "-100%"),
    (0.00004, "0.004%", "0.004%"),        # not 0 %
    (0.3095, "31.0%", "30.95%"),          # ordinary values keep their digits
])
def test_percent_never_rounds_to_a_misleading_0_or_100(value, report, terminal):
    from kpi_xl.cli.goals_table import format_quantity
    from kpi_xl.core.registry import Unit
    assert Formatter("en_US", "USD").percent(value) == report
    assert format_quantity(value, Unit.PERCENT) == terminal


@pytest.mark.each_locale
def test_month_title_is_the_standalone_nominative_form(locale):
    assert Formatter(locale, "EUR").month_title(Month(2026, 10)) == MONTHS[locale]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en_US", "October 31, 2026"), ("es_ES", "31 de octubre de 2026"), ("pt_BR", "31 de outubro de 2026"),
     ("pl_PL", "31 października 2026"), ("vi_VN", "31 tháng 10 năm 2026")],
)
def test_dates_in_running_text_use_the_format_form(locale, expected):
    # Inside a date the month takes its format form: Polish genitive "października" is right here.
    assert Formatter(locale, "EUR").date(dt.date(2026, 10, 31)) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en_US", ["Oct", "Jan"]), ("es_ES", ["oct", "ene"]), ("pl_PL", ["paź", "sty"]), ("pt_BR", ["out.", "jan."])],
)
def test_axis_months_are_standalone_abbreviations(locale, expected):
    fmt = Formatter(locale, "EUR")
    assert [fmt.month_axis(Month(2026, 10)), fmt.month_axis(Month(2027, 1))] == expected


@pytest.mark.parametrize(
    ("locale", "seconds", "expected"),
    [("en_US", 45, "45 sec"), ("en_US", 125, "2 min 5 sec"), ("pl_PL", 125, "2 min 5 sek."),
     ("vi_VN", 125, "2 phút 5 giây"), ("es_ES", 120, "2 min"), ("pt_BR", 59.6, "1 min")],
)
def test_durations(locale, seconds, expected):
    assert normalize_spaces(Formatter(locale, "EUR").duration(seconds)) == expected


@pytest.mark.parametrize(
    ("unit", "value", "expected"),
    [
        (Unit.CURRENCY, 1234.5, "1234,50 zł"),
        (Unit.PERCENT, 0.0123, "1,23%"),
        (Unit.PERCENT, 0.5, "50,0%"),
        (Unit.RATIO, 4.256, "4,26×"),
        (Unit.COUNT, 1234.0, "1234"),
        (Unit.COUNT, 1.3456, "1,35"),
        (Unit.SCORE, 46.25, "46,3"),          # half away from zero, as people round
        (Unit.SECONDS, 75, "1 min 15 sek."),
        ("months", 3, "3 miesiące"),         # a span in findings: "okres: 3 miesiące", with its plural
        ("months", 5, "5 miesięcy"),
        (Unit.COUNT, None, MISSING),
    ],
)
def test_values_by_unit(unit, value, expected):
    fmt = Formatter("pl_PL", "PLN")
    assert normalize_spaces(fmt.value(value, unit)) == expected
    if value is not None:
        assert fmt.quantity(Quantity(value, unit)) == fmt.value(value, unit)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "12", True])
def test_non_numbers_are_refused(bad):
    with pytest.raises(ValueError, match="cannot format"):
        Formatter("en_US", "USD").number(bad)


def test_every_supported_locale_formats():
    # A new locale in kpi_xl.i18n must get its row in the tables above.
    assert set(SUPPORTED_LOCALES) == set(NUMBERS) == set(MONTHS)


@pytest.mark.parametrize(
    ("call", "expected"),
    [(lambda f: f.percent(-0.0004, 0), "0%"), (lambda f: f.money(-1e-15), "$0.00"), (lambda f: f.number(-0.4), "0"),
     (lambda f: f.number(-0.6), "-1"), (lambda f: f.percent(-0.2, 0), "-20%")],
)
def test_no_negative_zero(call, expected):
    assert call(Formatter("en_US", "USD")) == expected


@pytest.mark.parametrize("value", [1e26, 1e30, 1.7e308, -1e30])
def test_huge_values_format_instead_of_crashing(value):
    # The reader accepts any finite number; Python's decimal default of 28 digits used to fail here.
    fmt = Formatter("en_US", "USD")
    whole_digits = len(str(int(abs(value))))
    assert sum(c.isdigit() for c in fmt.money(value)) == whole_digits + 2   # and the cents
    assert sum(c.isdigit() for c in fmt.number(value, 0)) == whole_digits


@pytest.mark.parametrize(
    ("method", "values", "digits"),
    [("compact", [975_000, 1_000_000, 1_025_000], 2), ("duration", [7.75, 8.0, 8.25], 2)],
)
def test_more_digits_tell_close_ticks_apart(method, values, digits):
    fmt = Formatter("es_MX", "MXN")
    render = getattr(fmt, method)
    assert len({render(v, digits) for v in values}) == len(values)
