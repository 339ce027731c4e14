"""What the report says, before any PDF: goals of the month, counts with plural forms, wins and risks,
sections in funnel order, definitions, the CSV for PDF/A, the e-mail figures."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest
from report_fixtures import CLIENT, PERIOD, make_workbook

from kpi_xl.core.errors import UnknownClientError
from kpi_xl.core.goals import evaluate_goals
from kpi_xl.core.tracking import Status
from kpi_xl.i18n import translator
from kpi_xl.report.api import month_figures
from kpi_xl.report.context import build_report, goals_csv
from kpi_xl.report.format import normalize_spaces


def _report(locale="en_US", data=None, statuses=None):
    data = data or make_workbook(locale)
    statuses = statuses if statuses is not None else evaluate_goals(data, PERIOD.last_day, CLIENT)
    return build_report(data, CLIENT, PERIOD, locale, statuses)


def test_only_goals_overlapping_the_month_in_workbook_order():
    report = _report()
    assert [(g.kpi, g.channel) for g in report.goals] == [
        ("Revenue", "All channels"), ("Cost per acquisition (CPA)", "Search"),
        ("Click-through rate (CTR)", "Social"), ("Conversions", "All channels")]


def test_counts_wins_and_risks_in_words():
    report = _report()
    assert [(c.key, c.text) for c in report.counts] == [
        ("achieved", "2 goals achieved"), ("on_track", "1 goal on track"), ("at_risk", "No goal at risk"),
        ("off_track", "1 goal off track")]  # no "0 goals missed": it says nothing
    assert report.summary_sentence == "This report follows 4 goals."
    # Achieved first, by pace: CPA travelled 1.00 of the 0.80 from 10 to 9.20 (1.25); conversions 1,234 /
    # 1,200 = 1.03.
    assert report.wins == ("Cost per acquisition (CPA) – Search: target of $9.20 reached ($9.00).",
                           "Conversions: target of 1,200 reached (1,234).")
    # CTR from 1.4 % towards 2.0 % over Q4: by 31 October 0.6 x 31/92 = 0.202 points were due and 0.1
    # came (1.50 %): 1.602 % expected, 0.10 points short (not "51 % behind", a ratio of two gaps).
    assert report.risks == ("Click-through rate (CTR) – Social: 1.50%, 0.10 percentage points worse than the "
                            "1.60% expected by now; target 2.00%.",)


def _with_statuses(locale, statuses):
    data = make_workbook(locale)
    real = evaluate_goals(data, PERIOD.last_day, CLIENT)[0]
    return _report(locale, data, [dataclasses.replace(real, status=s) for s in statuses])


@pytest.mark.parametrize(
    ("n", "achieved", "sentence"),
    [
        (1, "1 cel osiągnięty", "Raport obejmuje 1 cel."),
        (2, "2 cele osiągnięte", "Raport obejmuje 2 cele."),
        (5, "5 celów osiągniętych", "Raport obejmuje 5 celów."),
        (12, "12 celów osiągniętych", "Raport obejmuje 12 celów."),
        (22, "22 cele osiągnięte", "Raport obejmuje 22 cele."),
    ],
)
def test_polish_has_three_plural_forms(n, achieved, sentence):
    report = _with_statuses("pl_PL", [Status.ACHIEVED] * n)
    assert report.counts[0].text == achieved
    assert report.summary_sentence == sentence


@pytest.mark.parametrize(
    ("locale", "one", "two"),
    [("en_US", "1 goal at risk", "2 goals at risk"), ("es_ES", "1 objetivo en riesgo", "2 objetivos en riesgo"),
     ("pt_BR", "1 meta em risco", "2 metas em risco"), ("vi_VN", "1 mục tiêu có rủi ro", "2 mục tiêu có rủi ro")],
)
def test_plural_forms_by_language(locale, one, two):
    assert _with_statuses(locale, [Status.AT_RISK]).counts[2].text == one
    assert _with_statuses(locale, [Status.AT_RISK] * 2).counts[2].text == two


def test_missed_goals_are_counted_and_lead_the_risks():
    report = _with_statuses("en_US", [Status.MISSED, Status.OFF_TRACK])
    assert [c.key for c in report.counts][-1] == "missed"
    assert report.risks[0].startswith("Revenue: missed the target of $40,000.00")


@pytest.mark.each_locale
def test_findings_and_reviews_are_translated_and_filled(locale):
    data = make_workbook(locale)
    statuses = evaluate_goals(data, PERIOD.last_day, CLIENT)
    client_copy = build_report(data, CLIENT, PERIOD, locale, statuses)
    assert not client_copy.reviews and not client_copy.review
    assert not any(g.findings or g.achievability for g in client_copy.goals)  # the analyst's notes stay in-house
    report = build_report(data, CLIENT, PERIOD, locale, statuses, review=True)
    assert report.review
    texts = [t for g in report.goals for t in g.findings] + list(report.reviews)
    assert texts and all("{" not in t and "}" not in t for t in texts)
    if locale != "en_US":  # every finding the report shows has its message in the catalog
        gettext = translator(locale).gettext
        untranslated = {f.message for s in statuses for f in s.findings if gettext(f.message) == f.message}
        assert untranslated == set()
    # Ambitious and unrealistic goals are called out with their reason, named by their KPI.
    flagged = {g.kpi for g in report.goals if g.achievability}
    named = {text.split(":")[0].split(" (")[0] for text in report.reviews}
    assert flagged and named == {name.split(" (")[0] for name in flagged}


def test_progress_bar_geometry():
    report = _report()
    revenue = report.goals[0]
    assert revenue.progress == "31%"                       # 12,345.50 of 40,000
    assert 'width="18.5"' in revenue.bar                   # 60 × 12,345.5 / 40,000
    cpa = report.goals[1]
    # 1.00 of the 0.80 from 10 to 9.20 (125 %), and the window is over: said in words, a full bar
    assert cpa.progress == "past the target" and 'width="60.0"' in cpa.bar


def test_stages_in_funnel_order_with_channel_tables():
    report = _report()
    assert [s.name for s in report.stages] == ["Awareness", "Conversion"]
    conversion = report.stages[1]
    assert [c.title for c in conversion.charts] == ["Revenue", "Cost per acquisition (CPA) – Search", "Conversions"]
    table = conversion.channels
    assert table.headers == ("Channel", "Revenue", "Cost per acquisition (CPA)", "Conversions")
    assert table.rows == (("Search", "$8,000.25", "$9.00", "800"), ("Social", "$4,345.25", "$4.84", "434"))
    assert table.total == ("All channels", "$12,345.50", "$7.54", "1,234")


@pytest.mark.parametrize(
    ("locale", "formula"),
    [("en_US", "cost / conversions"), ("es_ES", "coste / conversiones"), ("es_MX", "costo / conversiones"),
     ("pl_PL", "koszt / konwersje")],
)
def test_appendix_defines_every_kpi_shown_in_the_language(locale, formula):
    report = _report(locale)
    assert len(report.appendix) == 4
    cpa = next(e for e in report.appendix if "CPA" in e.name)
    assert cpa.formula == formula
    assert cpa.description and cpa.unit and cpa.direction


def test_freshness_title_and_page_label():
    report = _report("pl_PL")
    assert report.freshness == "Dane do 1 października 2026."  # the client's last row
    assert report.title == "Acme Gardens: raport marketingowy, październik 2026"
    assert report.page_label == ("Strona ", " z ", "")
    assert report.lang == "pl-PL"


@pytest.mark.parametrize(
    ("colour", "brand", "ink", "accent"),
    [("#1f4e79", "#1F4E79", "#FFFFFF", "#1F4E79"), ("#FFEB3B", "#FFEB3B", "#1A1A1A", "#7F751D"),
     ("red; } body { display: none", "#1F4E79", "#FFFFFF", "#1F4E79"), ("", "#1F4E79", "#FFFFFF", "#1F4E79")],
)
def test_brand_colour_is_validated_and_readable(colour, brand, ink, accent):
    # The cover band is the brand colour with black or white text; headings and chart lines on
    # white use the brand darkened to a 4.5:1 contrast when it is too light (yellow).
    report = _report(data=make_workbook(brand_colour=colour))
    assert (report.brand, report.brand_ink, report.accent) == (brand, ink, accent)
    assert f'stroke="{accent}"' in str(report.stages[0].charts[0].trend)


def test_commentary_paragraphs_keep_the_analysts_words():
    report = _report(data=make_workbook(commentary="First <b>line</b>.\r\n\r\n  Second line.  \n"))
    assert report.commentary == ("First <b>line</b>.", "Second line.")


def test_goals_csv_is_machine_readable_and_formula_safe():
    data = make_workbook()
    data.goals[1] = dataclasses.replace(data.goals[1], channel="=HYPERLINK(\"http://x\")")
    statuses = evaluate_goals(data, PERIOD.last_day, CLIENT)
    rows = list(csv.DictReader(io.StringIO(goals_csv(statuses, CLIENT, PERIOD))))
    assert [r["kpi"] for r in rows] == ["REVENUE", "CPA", "CTR", "CONVERSIONS"]
    assert rows[0]["actual"] == "12345.5" and rows[0]["status"] == "on_track" and rows[0]["start"] == "2026-10-01"
    assert rows[1]["channel"].startswith("'=")       # a spreadsheet shows it, never runs it
    assert rows[3]["baseline"] and float(rows[3]["target"]) == 1200.0


@pytest.mark.parametrize(
    ("locale", "revenue", "conversions", "goals"),
    [("en_US", "$12,345.50", "1,234", "This report follows 4 goals."),
     ("pl_PL", "12 345,50 zł", "1234", "Raport obejmuje 4 cele."),
     ("es_ES", "12.345,50 €", "1234", "Este informe hace seguimiento de 4 objetivos."),
     ("vi_VN", "12.346 ₫", "1.234", "Báo cáo này theo dõi 4 mục tiêu.")],
)
def test_month_figures_for_the_email(locale, revenue, conversions, goals):
    figures = month_figures(make_workbook(locale), CLIENT, PERIOD)
    assert normalize_spaces(figures["revenue"]) == revenue
    assert figures["conversions"] == conversions
    assert figures["goals"] == goals
    assert {"client", "period", "achieved", "on_track", "at_risk", "off_track", "cost", "data_up_to"} <= set(figures)


def test_unknown_client_lists_the_clients():
    unknown = r'^no client named "Nobody" in the workbook \(clients: Acme Gardens\)$'
    with pytest.raises(UnknownClientError, match=unknown):
        month_figures(make_workbook(), "Nobody", PERIOD)


def test_a_long_client_name_is_shortened_in_the_footer_only():
    name = "Przedsiębiorstwo Handlowo-Usługowe „Złota Rybka” Spółka z ograniczoną odpowiedzialnością"
    data = make_workbook("pl_PL", client=name)
    report = build_report(data, name, PERIOD, "pl_PL", evaluate_goals(data, PERIOD.last_day, name))
    assert report.client == name and name in report.title
    assert report.footer == "Northwind Agency · Przedsiębiorstwo Ha… · październik 2026"
    assert len(report.footer) <= 58


def test_chart_status_lines_say_so_far_only_while_the_window_is_open():
    charts = {c.title: c.status for s in _report().stages for c in s.charts}
    assert charts["Revenue"] == "On track: $12,345.50 so far, from October 1, 2026 to December 31, 2026."
    assert charts["Conversions"] == "Achieved: 1,234, from October 1, 2026 to October 31, 2026."


# Revenue over Q4, 12,345.50 by 31 October: against 100 the target is passed, the window still open;
# against 40,000 it is 31 % of the way.
@pytest.mark.parametrize(("target", "progress"), [(100.0, "past the target so far"), (40_000.0, "31%")])
def test_progress_text_is_capped(target, progress):
    data = make_workbook()
    data.goals[0] = dataclasses.replace(data.goals[0], target=target)
    assert _report(data=data).goals[0].progress == progress
