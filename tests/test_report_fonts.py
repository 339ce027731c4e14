"""Every character a report can print has a glyph in the bundled fonts.

A missing glyph is invisible in the PDF (an empty box, or a system font's look-alike on one machine
and not on another) yet still passes a text-extraction test, so coverage is checked here, on the
fonts themselves: catalogs, templates, Babel's numbers, dates and currency signs for every locale
and currency, the status symbols and the KPI formulas.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache

import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont

from kpi_xl.core import registry
from kpi_xl.core.periods import Month
from kpi_xl.i18n import CATALOG_LANGUAGES, SUPPORTED_LOCALES, VARIANT_CATALOGS
from kpi_xl.report.context import STATUS_SYMBOLS
from kpi_xl.report.format import MISSING, Formatter
from kpi_xl.resources import locales_dir, templates_dir

FONTS = templates_dir() / "fonts"
CURRENCIES = ("EUR", "BRL", "PLN", "VND", "USD", "MXN")
TEXT, BOLD, SYMBOLS, MATH = ("NotoSans-Regular", "NotoSans-Bold", "NotoSansSymbols2-Regular", "NotoSansMath-Regular")


@cache
def glyphs(name: str) -> frozenset[int]:
    return frozenset(TTFont(FONTS / f"{name}.ttf", lazy=True).getBestCmap())


def _catalog_text() -> str:
    parts = []
    for language in (*CATALOG_LANGUAGES, *VARIANT_CATALOGS):
        with (locales_dir() / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
            for message in read_po(po):
                for value in (message.id, message.string):
                    parts.extend(value if isinstance(value, tuple) else [value])
    return "".join(p for p in parts if p)


def _formatted_text() -> str:
    parts = []
    for locale in SUPPORTED_LOCALES:
        for currency in CURRENCIES:
            fmt = Formatter(locale, currency)
            parts += [fmt.money(v) for v in (-1234567.891, 0.5, 12.0)]
        fmt = Formatter(locale, "EUR")
        parts += [fmt.number(-1234567.891, 2), fmt.percent(-0.1234), fmt.percent(0.0012), fmt.ratio(4.25),
                  fmt.compact(1234567), fmt.compact(12345), fmt.compact(1.2e9), fmt.duration(3725), fmt.duration(5)]
        for month in range(1, 13):
            parts += [fmt.month_title(Month(2026, month)), fmt.month_axis(Month(2026, month)),
                      fmt.date(dt.date(2026, month, 28))]
    return "".join(parts)


def _template_text() -> str:
    folder = templates_dir() / "report"
    return "".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.html")))


def _printed() -> dict[str, str]:
    formulas = "".join(k.formula_text(registry.label_of) for k in registry.KPIS.values())
    return {
        "catalogs": _catalog_text(),
        "templates": _template_text(),
        "babel": _formatted_text(),
        "symbols": "".join(STATUS_SYMBOLS.values()) + MISSING + "×·",
        "formulas": formulas,
    }


@pytest.mark.parametrize("source", ["catalogs", "templates", "babel", "symbols", "formulas"])
def test_every_printed_character_has_a_glyph(source):
    fonts = glyphs(TEXT) | glyphs(SYMBOLS) | glyphs(MATH)
    chars = set(_printed()[source]) - set("\n\r\t")
    missing = sorted(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in chars if ord(c) not in fonts)
    assert missing == []


def test_letters_and_digits_come_from_the_text_font_in_both_weights():
    # Headings are bold: a letter only the fallback fonts have would print in another design.
    chars = set("".join(_printed().values()))
    words = {c for c in chars if unicodedata.category(c)[0] in "LN"}
    assert sorted(c for c in words if ord(c) not in glyphs(TEXT)) == []
    assert sorted(c for c in chars if ord(c) in glyphs(TEXT) and ord(c) not in glyphs(BOLD)) == []


@pytest.mark.parametrize("text", ["Tỷ lệ chuyển đổi được ưu tiên", "Współczynnik źródło żółć", "ação — €, R$, ₫, zł"])
def test_vietnamese_polish_and_portuguese_samples(text):
    assert all(ord(c) in glyphs(TEXT) for c in text if not c.isspace())


def test_fonts_and_licence_are_shipped_together():
    licence = (FONTS / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    declared = set(re.findall(r"url\(\.\./fonts/([\w-]+\.ttf)\)", (templates_dir() / "report" / "report.css")
                              .read_text(encoding="utf-8")))
    assert declared == {f"{name}.ttf" for name in (TEXT, BOLD, SYMBOLS, MATH)} == {p.name for p in FONTS.glob("*.ttf")}
