"""Tagged PDFs a screen reader can follow (PDF/UA-1): the language, the title shown as the window
title, a structure tree with the headings in order, tables with header cells, and a text
alternative for every chart that states its values. --pdf-a stays PDF/A-3b, tagged as well."""

from __future__ import annotations

import io
import itertools
import re
from functools import cache

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from report_fixtures import CLIENT, PERIOD, make_workbook, no_weasyprint_warnings, weasyprint_logs

from kpi_xl.report import render_report_pdf
from kpi_xl.report.format import normalize_spaces

pytestmark = pytest.mark.usefixtures("no_weasyprint_warnings")
assert no_weasyprint_warnings


@cache
def _reader(locale: str, pdf_a: bool = False) -> PdfReader:
    with weasyprint_logs() as logged:
        pdf = render_report_pdf(make_workbook(locale), CLIENT, PERIOD, pdf_a=pdf_a)
    assert logged == [], logged
    return PdfReader(io.BytesIO(pdf))


def _elements(reader: PdfReader) -> list[DictionaryObject]:
    """The structure elements in reading order (depth first)."""
    found: list[DictionaryObject] = []

    def walk(node: DictionaryObject) -> None:
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if kid is not None and hasattr(kid, "get_object") and isinstance(kid.get_object(), DictionaryObject):
                walk(kid.get_object())

    walk(reader.trailer["/Root"]["/StructTreeRoot"].get_object())
    return found


def _xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")


@pytest.mark.each_locale
def test_the_report_is_tagged_pdf_ua_in_its_language(locale):
    reader = _reader(locale)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == locale.replace("_", "-")
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title.startswith(f"{CLIENT}: ")
    assert 'pdfuaid:part="1"' in _xmp(reader)
    assert _elements(reader)[0]["/S"] == "/Document"


@pytest.mark.each_locale
def test_headings_start_at_one_and_never_skip_a_level(locale):
    levels = [int(e["/S"][2:]) for e in _elements(_reader(locale)) if re.fullmatch(r"/H\d", e["/S"])]
    assert levels[0] == 1 and levels.count(1) == 1  # the client's name on the cover
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    assert levels.count(2) >= 4  # summary, goals, the funnel stages, the appendix


@pytest.mark.each_locale
def test_every_table_has_header_cells_linked_to_its_data_cells(locale):
    elements = _elements(_reader(locale))
    headers = [e for e in elements if e["/S"] == "/TH"]
    cells = [e for e in elements if e["/S"] == "/TD"]
    assert len([e for e in elements if e["/S"] == "/Table"]) >= 2
    assert len(headers) >= 8 + 4  # the goal table's eight columns, a channel table's
    ids = {h["/ID"] for h in headers}
    figures_row = [c for c in cells if c["/A"].get("/Headers")]
    assert len(figures_row) >= 0.8 * len(cells)  # the notes row spans all columns, it may have none
    assert all(set(c["/A"]["/Headers"]) <= ids for c in figures_row)


# The test workbook's CPA on Search: 9.00 in every month of the last 13, 9.20 the target.
CPA_ALT = {
    "en_US": ("Cost per acquisition (CPA) – Search", "October 2025 $9.00; November $9.00", "January 2026 $9.00",
              "September $9.00; October $9.00.", "Same months a year earlier: October 2024 $9.00", "Target: $9.20"),
    "es_ES": ("Coste por adquisición (CPA) – Search", "octubre de 2025 9,00 €", "Meta: 9,20 €"),
    "es_MX": ("Costo por adquisición (CPA) – Search", "octubre de 2025 $9.00", "Meta: $9.20"),
    "pt_BR": ("Custo por aquisição (CPA) – Search", "outubro de 2025 R$ 9,00"),
    "pl_PL": ("Koszt pozyskania (CPA) – Search", "październik 2025 9,00 zł", "Wartość docelowa: 9,20 zł"),
    "vi_VN": ("Chi phí cho mỗi chuyển đổi (CPA) – Search", "tháng 10 năm 2025 9 ₫"),
}


@pytest.mark.each_locale
def test_every_chart_has_a_text_alternative_with_its_values(locale):
    figures = [e for e in _elements(_reader(locale)) if e["/S"] == "/Figure"]
    alts = [normalize_spaces(str(f.get("/Alt", ""))) for f in figures]
    # Per goal: its progress bar, its bullet chart and its trend chart (4 goals in October).
    assert len(figures) == 12 and all(alts)
    assert all(re.search(r"\d", alt) for alt in alts), alts  # values, not just "chart"
    cpa_trend = [alt for alt in alts if alt.startswith(CPA_ALT[locale][0] + ".")]
    assert len(cpa_trend) == 1
    assert all(normalize_spaces(part) in cpa_trend[0] for part in CPA_ALT[locale]), cpa_trend[0]
    # 13 months and the same months a year before, 26 values; the year said with the first month and January
    series = cpa_trend[0].rsplit(". ", 1)[0]   # the last sentence is the target
    assert series.count(normalize_spaces(BULLET[locale][0])) == 26
    assert re.findall(r"\b202[456]\b", cpa_trend[0]) == ["2025", "2026", "2024", "2025"]
    bullet = [alt for alt in alts if alt.startswith(CPA_ALT[locale][0] + ":")]
    assert len(bullet) == 1
    assert all(normalize_spaces(value) in bullet[0] for value in BULLET[locale]), bullet[0]


# The CPA's bullet chart: actual 9.00, target 9.20.
BULLET = {"en_US": ("$9.00", "$9.20"), "es_ES": ("9,00 €", "9,20 €"), "es_MX": ("$9.00", "$9.20"),
          "pt_BR": ("R$ 9,00", "R$ 9,20"), "pl_PL": ("9,00 zł", "9,20 zł"), "vi_VN": ("9 ₫",)}


def test_pdf_a_stays_pdf_a_3b_and_tagged():
    reader = _reader("pl_PL", pdf_a=True)
    xmp = _xmp(reader)
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert reader.trailer["/Root"]["/Lang"] == "pl-PL"
    assert [e["/S"] for e in _elements(reader)].count("/Figure") == 12
