"""The PDF itself, in every language: exact CLDR strings, no English left over, page numbers in every
footer, /Lang and metadata, only the bundled fonts, PDF/A-3b with the CSV, and hostile workbook text."""

from __future__ import annotations

import csv
import io
import re
from functools import cache

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader
from report_fixtures import CLIENT, PERIOD, make_workbook, no_weasyprint_warnings, pdf_text, weasyprint_logs

from kpi_xl.core.goals import evaluate_goals
from kpi_xl.i18n import SUPPORTED_LOCALES, translator
from kpi_xl.report import render_report_pdf, report_html
from kpi_xl.report.context import STATUS_COLOURS, goals_csv
from kpi_xl.report.pdf import html_to_pdf, make_fetcher
from kpi_xl.report.render import STYLESHEET, environment, report_dir
from kpi_xl.resources import locales_dir

pytestmark = pytest.mark.usefixtures("no_weasyprint_warnings")
assert no_weasyprint_warnings  # imported for pytest: it fails any test during which WeasyPrint warns


@cache
def rendered(locale: str) -> bytes:
    """One render per locale for the whole module, checked for WeasyPrint warnings."""
    with weasyprint_logs() as logged:
        pdf = render_report_pdf(make_workbook(locale), CLIENT, PERIOD)
    assert logged == [], logged
    return pdf


@cache
def text_of(locale: str) -> str:
    return pdf_text(rendered(locale))


# October 2026 in the test workbook: revenue 12,345.50 and 1,234 conversions, CPA (all channels) 7.54.
EXACT = {
    "en_US": ["October 2026", "$12,345.50", "1,234", "$9.00", "1.50%", "Data up to October 1, 2026."],
    "es_ES": ["octubre de 2026", "12.345,50 €", "1234", "9,00 €", "1,50 %", "Datos hasta el 1 de octubre de 2026."],
    "es_MX": ["octubre de 2026", "$12,345.50", "1,234", "$9.00", "1.50%", "Datos hasta el 1 de octubre de 2026."],
    "pt_BR": ["outubro de 2026", "R$ 12.345,50", "1.234", "R$ 9,00", "1,50%", "Dados até 1 de outubro de 2026."],
    "pl_PL": ["październik 2026", "12 345,50 zł", "1234", "9,00 zł", "1,50%", "Dane do 1 października 2026."],
    "vi_VN": ["tháng 10 năm 2026", "12.346 ₫", "1.234", "9 ₫", "1,50%", "Dữ liệu đến ngày 1 tháng 10 năm 2026."],
}


@pytest.mark.each_locale
def test_exact_cldr_strings_in_the_pdf(locale):
    text = text_of(locale)
    missing = [s for s in EXACT[locale] if s not in text]
    assert missing == []


@pytest.mark.each_locale
def test_cover_and_title_use_the_nominative_month(locale):
    month = EXACT[locale][0]
    reader = PdfReader(io.BytesIO(rendered(locale)))
    assert reader.metadata.title.endswith(month)
    cover = pdf_text(rendered(locale)).split(" ", 60)
    assert month in " ".join(cover[:60])
    if locale == "pl_PL":  # the genitive belongs in dates only, never alone after the client's name
        assert f"{CLIENT} październik 2026" in text_of(locale)
        assert f"{CLIENT} października" not in text_of(locale)


@pytest.mark.each_locale
def test_lang_title_and_author(locale):
    reader = PdfReader(io.BytesIO(rendered(locale)))
    assert reader.trailer["/Root"]["/Lang"] == locale.replace("_", "-")
    assert reader.metadata.author == "Northwind Agency"
    assert reader.metadata.title.startswith(f"{CLIENT}: ")


@pytest.mark.each_locale
def test_every_footer_says_page_x_of_y(locale):
    reader = PdfReader(io.BytesIO(rendered(locale)))
    before, middle, after = (part for part in re.split(r"\{pages?\}", translator(locale).gettext(
        "Page {page} of {pages}")))
    total = len(reader.pages)
    assert total >= 3
    for number, page in enumerate(reader.pages, start=1):
        footer = f"{before}{number}{middle}{total}{after}".strip()
        assert footer in re.sub(r"\s+", " ", page.extract_text()), (number, footer)


def _msgids() -> list[str]:
    with (locales_dir() / "messages.pot").open("rb") as pot:
        return [m.id for m in read_po(pot) if isinstance(m.id, str) and len(m.id) >= 4]


@pytest.mark.each_locale
def test_no_english_left_in_a_translated_report(locale):
    if locale == "en_US":
        pytest.skip("English is the source language")
    english, text = text_of("en_US"), text_of(locale)
    gettext = translator(locale).gettext
    leftovers = []
    for msgid in _msgids():
        shown = re.split(r"\{\w+\}", msgid)[0].strip()  # the fixed text before any placeholder
        if len(shown) < 4 or gettext(msgid) == msgid or shown in gettext(msgid):
            continue
        pattern = rf"(?<!\w){re.escape(shown)}(?!\w)"
        if re.search(pattern, english) and re.search(pattern, text):
            leftovers.append(shown)
    assert leftovers == []


@pytest.mark.each_locale
def test_only_the_bundled_fonts_are_embedded(locale):
    # A glyph missing from the bundled fonts would fall back to a system font (or to nothing).
    reader = PdfReader(io.BytesIO(rendered(locale)))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert fonts and all(name.startswith(("Report-Sans", "Report-Symbols", "Report-Math")) for name in fonts), fonts


def test_a_normal_report_embeds_no_file():
    reader = PdfReader(io.BytesIO(rendered("en_US")))
    assert reader.attachments == {}
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})


def test_pdf_a_3b_carries_the_goal_table_as_csv():
    data = make_workbook("es_ES")
    pdf = render_report_pdf(data, CLIENT, PERIOD, pdf_a=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert list(reader.attachments) == ["goals.csv"]
    (content,) = reader.attachments["goals.csv"]
    expected = goals_csv(evaluate_goals(data, PERIOD.last_day, CLIENT), CLIENT, PERIOD)
    assert content.decode("utf-8") == expected
    assert [r["kpi"] for r in csv.DictReader(io.StringIO(expected))] == ["REVENUE", "CPA", "CTR", "CONVERSIONS"]
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[^0-9]*3", xmp) and re.search(r"pdfaid:conformance[^A-Z]*B", xmp)
    assert reader.trailer["/Root"]["/Lang"] == "es-ES"


HOSTILE = {
    "client": 'Evil <img src="file:///etc/hostname"> & <b>Co</b>',
    "commentary": ('<style>@import url(http://attacker.example/x.css); body { background: url(file:///etc/passwd) }'
                   '</style><a rel="attachment" href="file:///etc/hostname">passwords</a> '
                   "<script>alert(1)</script> url(file:///etc/shadow)"),
    "notes": '<link rel="attachment" href="file:///etc/hostname"><img src=http://attacker.example/p.png>',
    "objective": "<svg><image href='file:///etc/hostname'/></svg> ]]> {{ 7*7 }}",
    "agency": "<iframe src=file:///etc/hostname></iframe>",
}


def test_hostile_workbook_text_is_shown_as_text_and_fetches_nothing():
    data = make_workbook("en_US", client=HOSTILE["client"], commentary=HOSTILE["commentary"],
                         notes=HOSTILE["notes"], objective=HOSTILE["objective"], agency=HOSTILE["agency"])
    html, _ = report_html(data, HOSTILE["client"], PERIOD)
    fetcher = make_fetcher()
    pdf = html_to_pdf(html, report_dir(), stylesheets=(report_dir() / STYLESHEET,), fetcher=fetcher)
    assert fetcher.attempts == [] and fetcher.refused == []
    text = pdf_text(pdf)
    for value in (HOSTILE["client"], "<script>alert(1)</script>", "{{ 7*7 }}", HOSTILE["agency"],
                  '<a rel="attachment" href="file:///etc/hostname">passwords</a>'):
        assert value in text
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    assert [a for a in annotations if "/A" in a or "/FS" in a] == []  # no links, no file annotations


def test_attachments_only_in_pdf_a():
    from kpi_xl.report.pdf import Attachment

    with pytest.raises(ValueError, match="only embedded in PDF/A-3b"):
        html_to_pdf("<p>x</p>", report_dir(), attachments=(Attachment("a.csv", b"a", "a"),))


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_autoescaping_is_on_for_every_report_template(locale):
    env = environment(locale)
    assert env.autoescape is True
    # ...and no template turns it off or vouches for a value: our own markup (charts) arrives as
    # Markup built in Python, so workbook text can never be marked safe in a template.
    names = [n for n in env.list_templates() if n.endswith((".html", ".svg", ".txt"))]
    assert names
    for name in names:
        source, _, _ = env.loader.get_source(env, name)
        assert not re.search(r"autoescape\s+false|\|\s*safe\b", source), name


def test_status_colours_in_the_stylesheet_match_the_charts():
    css = (report_dir() / "report.css").read_text(encoding="utf-8")
    for status, colour in STATUS_COLOURS.items():
        assert f".status-{status.value} {{ border-left-color: {colour}; }}" in css
        assert f"td.status-{status.value} .symbol {{ color: {colour}; }}" in css


def test_pdf_and_email_figures_come_from_one_evaluation_of_the_goals(monkeypatch):
    from kpi_xl.report import api, prepared

    data = make_workbook()
    calls = []
    real = prepared.evaluate_goals
    monkeypatch.setattr(prepared, "evaluate_goals", lambda *a, **k: calls.append(a) or real(*a, **k))
    report = api.PreparedReport.prepare(data, CLIENT, PERIOD)
    pdf, figures = report.pdf(), report.email_figures()
    assert len(calls) == 1
    assert figures == api.email_figures(data, CLIENT, PERIOD)
    assert CLIENT in pdf_text(pdf)
