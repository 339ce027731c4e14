"""Custom KPIs: the safe formula parser, evaluation over window totals, goals on them."""

from __future__ import annotations

import datetime as dt
import pickle
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_fixtures import no_weasyprint_warnings, pdf_text

from kpi_xl.core import custom
from kpi_xl.core.aggregate import ActualsView
from kpi_xl.core.custom import FormulaError, custom_kpi, parse_formula
from kpi_xl.core.goals import evaluate_goals
from kpi_xl.core.model import Actuals, Goal, Settings, WorkbookData
from kpi_xl.core.registry import MEASURES, Aggregation

assert no_weasyprint_warnings  # imported for pytest: it fails any test during which WeasyPrint warns
D = dt.date
CUSTOM = {"video_views": Aggregation.SUM, "followers": Aggregation.LAST}

# Two channels over three September days; followers is a stock counted once a day on Social.
ROWS = [
    {"date": D(2026, 9, 1), "client": "A", "channel": "Social", "cost": 100.0, "impressions": 10_000.0,
     "video_views": 2_000.0, "followers": 5_000.0},
    {"date": D(2026, 9, 2), "client": "A", "channel": "Social", "cost": 50.0, "impressions": 5_000.0,
     "video_views": 500.0, "followers": 5_100.0},
    {"date": D(2026, 9, 3), "client": "A", "channel": "Social", "cost": 30.0, "impressions": 5_000.0,
     "video_views": None, "followers": 5_250.0},
    {"date": D(2026, 9, 2), "client": "A", "channel": "Search", "cost": 70.0, "impressions": 0.0},
]


@pytest.fixture(scope="module")
def actuals() -> Actuals:
    return Actuals.from_rows(ROWS, custom=CUSTOM)


KNOWN = set(MEASURES) | set(CUSTOM)


@pytest.mark.parametrize(("code", "formula", "unit", "better", "start", "end", "expected", "cumulative"), [
    # a custom sum measure: 2,000 + 500 (the 3rd has no value)
    ("VIEWS", "video_views", "count", "higher", D(2026, 9, 1), D(2026, 9, 3), 2_500.0, True),
    # a stock measure: the last day with data, not a sum
    ("FOLLOWERS", "followers", "count", "higher", D(2026, 9, 1), D(2026, 9, 3), 5_250.0, False),
    ("FOLLOWERS", "followers", "count", "higher", D(2026, 9, 1), D(2026, 9, 2), 5_100.0, False),
    # lower is better, a ratio of sums: (100 + 50 + 30) / 2,500 = 0.072, not a mean of daily ratios; over
    # every channel only those reporting video views count (Search's 70 is no cost of a video view)
    ("CPV", "cost / video_views", "currency", "lower", D(2026, 9, 1), D(2026, 9, 3), 0.072, False),
    # a custom and a built-in measure: 2,500 / 20,000 impressions
    ("VIEW_RATE", "video_views / impressions", "percent", "higher", D(2026, 9, 1), D(2026, 9, 3), 0.125, False),
    # precedence and unary minus, over Social: (2,500 - 180) / 20,000 * 100 = 11.6
    ("NET", "-(cost - video_views) / impressions * 100", "score", "higher", D(2026, 9, 1), D(2026, 9, 3),
     11.6, False),
    # a zero denominator gives no value: no video views on the 3rd
    ("CPV", "cost / video_views", "currency", "lower", D(2026, 9, 3), D(2026, 9, 3), None, False),
])
def test_custom_kpi_over_a_window(actuals, code, formula, unit, better, start, end, expected, cumulative):
    kpi = custom_kpi(code, code.title(), formula, unit, better, "awareness", aggregations=CUSTOM)
    value = ActualsView(actuals, "A").value(kpi, start, end)
    assert value == (pytest.approx(expected) if expected is not None else None)
    assert kpi.cumulative is cumulative
    assert kpi.lower_is_better is (better == "lower")


def test_measures_in_order_of_first_appearance_and_shown_as_written():
    kpi = custom_kpi("X", "Coût par vue", "(Revenue − cost) ÷ video_views + cost", "currency", "higher", "conversion")
    assert kpi.measures == ("revenue", "cost", "video_views")
    assert kpi.formula_text(lambda p: "TRANSLATED") == "(Revenue − cost) ÷ video_views + cost"
    assert kpi.compute(300.0, 100.0, 50.0) == pytest.approx(104.0)   # (300 - 100) / 50 + 100
    assert kpi.bounds == (None, None)          # a difference can fall below zero
    assert pickle.loads(pickle.dumps(kpi)).compute(300.0, 100.0, 50.0) == pytest.approx(104.0)  # report pool


@pytest.mark.parametrize(("text", "template", "position"), [
    ("", custom.EMPTY, 1),
    ("cost / ", custom.EXPECTED_VALUE, 8),
    ("cost / (clicks", custom.MISSING_CLOSE, 15),
    ("cost / clicks)", custom.UNMATCHED_CLOSE, 14),
    ("cost clicks", custom.EXPECTED_OPERATOR, 6),
    ("cost % clicks", custom.BAD_CHARACTER, 6),
    ("cost / views", custom.UNKNOWN_MEASURE, 8),
    ("1.5.2 * cost", custom.EXPECTED_OPERATOR, 4),
    ("*cost", custom.EXPECTED_VALUE, 1),
    ("(" * 50 + "cost" + ")" * 50, custom.TOO_DEEP, 42),
    ("+".join(["cost"] * 200), custom.TOO_LONG, 751),   # token 301 is the 151st "cost": 150 × 5 + 1
])
def test_each_formula_error_is_located(text, template, position):
    with pytest.raises(FormulaError) as caught:
        parse_formula(text, KNOWN)
    assert caught.value.template == template
    assert caught.value.position == position
    assert f"at character {position}" in str(caught.value) or template == custom.EMPTY


ALPHABET = st.sampled_from([*list("()+-*/×÷−.0123456789 _abcxyz\t%$éśłãọ\u0301"), "cost", "video_views", "1e3",
                            "wyświetlenia_wideo", "lượt_xem", "inscrições", "²", "٣"])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(ALPHABET, max_size=60).map("".join)))
def test_any_text_gives_a_formula_or_a_located_error(text):
    try:
        formula = parse_formula(text)
    except FormulaError as error:
        assert 1 <= error.position <= len(error.formula) + 1
        return
    values = {m: 3.0 for m in formula.measures}
    try:
        value = formula.evaluate(values)
    except (custom.DivisionByZeroError, custom.InvalidValueError):
        return
    assert isinstance(value, float)
    assert parse_formula(formula.placeholders.replace("{", "").replace("}", "")).evaluate(values) == \
        pytest.approx(value, nan_ok=True)  # the shown form means the same


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.lists(ALPHABET, max_size=20).map(" ".join)))
def test_any_header_gives_a_key_read_as_one_name_or_refused(header):
    key = custom.measure_key(header)
    if not re.fullmatch(r"[^\W\d_]\w*", key):
        return  # the sheet refuses such a header (BAD_MEASURE_NAME): no letter first
    assert parse_formula(key).measures == (key,)


def test_over_every_channel_only_the_channels_reporting_the_custom_measure_count(actuals):
    cpv = custom_kpi("CPV", "CPV", "cost / video_views", "currency", "lower", "awareness", aggregations=CUSTOM)
    views = custom_kpi("VIEWS", "Views", "video_views", "count", "higher", "awareness", aggregations=CUSTOM)
    september = (D(2026, 9, 1), D(2026, 9, 30))
    assert ActualsView(actuals, "A", "Search").value(cpv, *september) is None      # no video views there
    assert ActualsView(actuals, "A", "Social").value(cpv, *september) == pytest.approx(0.072)
    assert ActualsView(actuals, "A").value(cpv, *september) == pytest.approx(0.072)
    assert ActualsView(actuals, "A").value(views, *september) == 2_500.0
    # a stock over the reporting channels takes their last day: followers 5,250 on the 3rd
    ratio = custom_kpi("F", "F", "followers / video_views", "ratio", "higher", "advocacy", aggregations=CUSTOM)
    assert ActualsView(actuals, "A").value(ratio, *september) == pytest.approx(5_250 / 2_500)


def test_a_goal_on_a_custom_kpi(actuals):
    cpv = custom_kpi("CPV", "Cost per video view", "cost / video_views", "currency", "lower", "awareness",
                     aggregations=CUSTOM)
    goal = Goal("A", "CPV", D(2026, 9, 1), D(2026, 9, 30), baseline=0.12, target=0.09, objective="Cheaper views")
    data = WorkbookData({}, [goal], actuals, Settings(), kpis={"CPV": cpv})
    (status,) = evaluate_goals(data, D(2026, 9, 3))
    assert status.kpi is cpv
    assert status.actual == pytest.approx(0.072)     # 180 / 2,500 over Social, the channel with video views
    # from 0.12 down to 0.072, past the target 0.09: (0.12 - 0.072) / (0.12 - 0.09) = 1.6
    assert status.progress == pytest.approx(1.6)


# --- the workbook: the Custom KPIs sheet, extra Actuals columns, check -------------------------------

def _book(measures: list[list[object]], kpis: list[list[object]], goal_kpi: str = "CPV",
          views_header: str = "Video views"):
    from workbook_factory import SheetSpec, actuals_row, sample_book

    from kpi_xl.workbook.schema import CUSTOM_KPIS, CUSTOM_MEASURES
    book = sample_book()
    width = max(len(measures[0]) if measures else 0, 3) + 1
    rows = [[*CUSTOM_MEASURES.headers, None, *CUSTOM_KPIS.headers]]
    for i in range(max(len(measures), len(kpis))):
        left = measures[i] if i < len(measures) else [None] * 3
        right = kpis[i] if i < len(kpis) else [None] * 7
        rows.append([*left, *([None] * (width - len(left))), *right])
    book["Custom KPIs"] = SheetSpec(rows)
    actuals = book["Actuals"].rows
    actuals[0] = [*actuals[0], views_header, "Followers"]
    extra = {1: [2000, 5000], 2: [500, 5100]}
    for i in range(1, len(actuals)):
        actuals[i] = [*actuals[i], *extra.get(i, [None, None])]
    actuals.append([*actuals_row(D(2026, 9, 3), "Acme", "Search", None, cost=30), None, 5250])
    book["Goals"].rows.append(["Acme", goal_kpi, None, 0.12, None, 0.09, D(2026, 9, 1), D(2026, 9, 30),
                               "Cheaper views", "Ana", None, None])
    return book


MEASURE_ROWS = [["Video views", "sum", "Views of 2 s or more"], ["Followers", "LAST", None]]
KPI_ROWS = [["CPV", "Coste por visualización", "cost / video_views", "currency", "lower", "awareness",
             "Lo que cuesta una visualización"]]


def test_the_sheet_defines_measures_and_kpis_read_from_extra_actuals_columns():
    from workbook_factory import fake_book

    from kpi_xl.workbook.read import check_workbook
    data, problems = check_workbook(fake_book(_book(MEASURE_ROWS, KPI_ROWS)))
    assert [p for p in problems if p.severity.value == "error"] == []
    assert data.actuals.custom == {"video_views": Aggregation.SUM, "followers": Aggregation.LAST}
    assert data.actuals.measures["video_views"][:2] == [2000.0, 500.0]
    kpi = data.kpis["CPV"]
    assert (kpi.name, kpi.description, kpi.source) == ("Coste por visualización", "Lo que cuesta una visualización",
                                                      "Custom KPIs!E2")
    goal = data.goals[-1]
    assert goal.kpi == "CPV"
    view = ActualsView(data.actuals, "Acme")
    # cost 120.5 + 99.5 + 30 = 250 over 2,500 views
    assert view.value(kpi, D(2026, 9, 1), D(2026, 9, 30)) == pytest.approx(0.1)
    assert view.total("followers", D(2026, 9, 1), D(2026, 9, 30)) == 5250.0


@pytest.mark.parametrize(("header", "formula", "key"), [
    ("Wyświetlenia wideo", "cost / wyświetlenia_wideo", "wyświetlenia_wideo"),             # pl
    ("Visualizações de vídeo", "Cost / Visualizações_de_Vídeo", "visualizações_de_vídeo"),   # pt_BR, any case
    ("Lượt xem video", "cost / lượt_xem_video", "lượt_xem_video"),                           # vi
    ("Reproducciones (vídeo)", "cost / reproducciones_vídeo", "reproducciones_vídeo"),       # es: ( ) -> _
    ("Lead-form downloads", "cost / lead_form_downloads", "lead_form_downloads"),             # - is no minus
    # the same letters typed decomposed (s + combining acute) in the formula: NFC makes them one
    ("Wyświetlenia wideo", "cost / wys\u0301wietlenia_wideo", "wyświetlenia_wideo"),
])
def test_measures_named_in_any_language(header, formula, key):
    from workbook_factory import fake_book

    from kpi_xl.workbook.read import check_workbook
    kpis = [["CPV", "n", formula, "currency", "lower", "awareness", None]]
    data, problems = check_workbook(fake_book(_book([[header, "sum", None], ["Followers", "LAST", None]], kpis,
                                                    views_header=header)))
    assert [(p.place, p.message) for p in problems if p.severity.value == "error"] == []
    assert data.kpis["CPV"].measures == ("cost", key)
    # the same figures as with "Video views": cost 120.5 + 99.5 + 30 = 250 over 2,000 + 500 views
    assert ActualsView(data.actuals, "Acme").value(data.kpis["CPV"], D(2026, 9, 1), D(2026, 9, 30)) == \
        pytest.approx(0.1)


@pytest.mark.parametrize(("header", "key"), [
    ("Video views", "video_views"),
    ("  Video   views ", "video_views"),
    ("Lead-form downloads", "lead_form_downloads"),
    ("Wyświetlenia wideo", "wyświetlenia_wideo"),
    ("Downloads / e-book", "downloads_e_book"),
    ("Inscrições_no_webinar", "inscrições_no_webinar"),
    ("Lượt theo dõi", "lượt_theo_dõi"),
    ("Año 2026 – leads", "año_2026_leads"),
])
def test_a_measure_key_never_holds_an_operator(header, key):
    assert custom.measure_key(header) == key
    assert parse_formula(key).measures == (key,)


def test_a_workbook_without_the_sheet_still_reads():
    from workbook_factory import fake_book, sample_book

    from kpi_xl.workbook.read import check_workbook
    data, _problems = check_workbook(fake_book(sample_book()))
    assert data is not None and data.kpis == {} and data.actuals.custom == {}


@pytest.mark.parametrize(("measures", "kpis", "place", "message"), [
    (MEASURE_ROWS, [["CPV", "n", "cost / (video_views", "currency", "lower", "awareness", None]],
     "Custom KPIs!G2", "missing ) at character 20"),
    (MEASURE_ROWS, [["CPV", "n", "cost / views", "currency", "lower", "awareness", None]],
     "Custom KPIs!G2", "unknown measure views at character 8"),
    (MEASURE_ROWS, [["CPA", "n", "cost / video_views", "currency", "lower", "awareness", None]],
     "Custom KPIs!E2", 'code "CPA" is a built-in KPI: choose another code'),
    (MEASURE_ROWS, [*KPI_ROWS, ["cpv", "n", "cost", "currency", "lower", "awareness", None]],
     "Custom KPIs!E3", 'code "cpv" is defined twice (first at E2)'),
    ([*MEASURE_ROWS, ["Downloads", None, None]], KPI_ROWS,
     "Custom KPIs!A4", 'the Actuals table has no column "Downloads": add it, its values are this measure'),
    ([*MEASURE_ROWS, ["Cost", None, None]], KPI_ROWS,
     "Custom KPIs!A4", '"Cost" is already a column of the Actuals table: give the custom measure another name'),
    ([*MEASURE_ROWS, ["video  views", None, None]], KPI_ROWS,
     "Custom KPIs!A4", 'measure "video  views" is declared twice (first at A2)'),
    ([["Video views", "average", None], ["Followers", "last", None]], KPI_ROWS,
     "Custom KPIs!B2", 'aggregation must be one of sum, first, last, got "average"'),
    (MEASURE_ROWS, [["CPV", "n", "cost / video_views", "euros", "lower", "awareness", None]],
     "Custom KPIs!H2", 'unit must be one of currency, percent, ratio, count, seconds, score, got "euros"'),
])
def test_check_names_each_problem_at_its_cell(measures, kpis, place, message):
    from workbook_factory import fake_book

    from kpi_xl.workbook.read import check_workbook
    data, problems = check_workbook(fake_book(_book(measures, kpis)))
    assert data is None
    assert (place, message) in [(p.place, p.message) for p in problems]


@pytest.mark.parametrize(("formula", "messages"), [
    ("2 / 0", ["the formula uses no measure: a KPI must use at least one"]),
    ("SUM(cost)", ["functions are not allowed at character 1: write the measure alone, its total over the "
                   "period is taken for you (SUM(cost) is just cost)"]),
    ("cost / sum(video_views)", ["functions are not allowed at character 8: write the measure alone, its total "
                                 "over the period is taken for you (sum(cost) is just cost)"]),
    # every problem of the row: both unknown measures, then the syntax error
    ("views / clics * (2", ["unknown measure views at character 1", "unknown measure clics at character 9",
                            "missing ) at character 19"]),
    ("cost / views +", ["unknown measure views at character 8",
                        "a number, a measure or ( expected at character 15"]),
])
def test_check_reports_every_problem_of_a_formula(formula, messages):
    from workbook_factory import fake_book

    from kpi_xl.workbook.read import check_workbook
    kpis = [["CPV", "n", formula, "currency", "lower", "awareness", None]]
    _data, problems = check_workbook(fake_book(_book(MEASURE_ROWS, kpis)))
    assert [p.message for p in problems if p.place == "Custom KPIs!G2"] == messages


# --- a goal on a custom KPI through goals --json and into the PDF ------------------------------------

@pytest.fixture(scope="module")
def custom_file(tmp_path_factory):
    from workbook_factory import write_xlsx
    return write_xlsx(_book(MEASURE_ROWS, KPI_ROWS), tmp_path_factory.mktemp("custom") / "custom.xlsx")


def test_goals_json_reports_the_custom_goal(custom_file):
    import io
    import json

    from kpi_xl import cli
    out = io.StringIO()
    assert cli.main(["goals", str(custom_file), "--json", "--client", "Acme", "--as-of", "2026-09-03"], out=out) == 0
    (record,) = [r for r in json.loads(out.getvalue()) if r["kpi"] == "CPV"]
    # cost 120.5 + 99.5 + 30 = 250 over 2,000 + 500 video views; from 0.12 to 0.10 of the way to 0.09
    assert (record["unit"], record["baseline"], record["target"]) == ("currency", 0.12, 0.09)
    assert record["actual"] == pytest.approx(0.1)
    assert record["progress"] == pytest.approx(2 / 3)
    assert record["source"] == "Goals!A5"


def test_the_pdf_shows_the_custom_kpi_as_written_and_its_formula(custom_file):
    from kpi_xl.core.periods import Month
    from kpi_xl.report import render_report_pdf
    from kpi_xl.workbook.read import read_workbook
    data = read_workbook(custom_file)
    text = pdf_text(render_report_pdf(data, "Acme", Month(2026, 9), "pl_PL", as_of=D(2026, 9, 3)))
    # The stage section and the appendix, in a Polish report, in the workbook's own words.
    assert text.count("Coste por visualización") >= 3
    assert "Lo que cuesta una visualización" in text
    assert "cost / video_views" in text


# --- =KPI_CUSTOM in Excel ----------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    (("cost / video_views", [[100.0], [None], [150.0]], [[2000.0], ["n/a"], [500.0]]), 0.1),  # ranges as SUM
    (("cost / video_views", 250, 2500), 0.1),                     # Lite's whole numbers
    (("(revenue - cost) / cost", 1500.0, 1000.0), 0.5),           # revenue first: its first appearance
    (("video_views / impressions * 100", 2500.0, 20000.0), 12.5),
    (("  followers ", [[5000.0, 5250.0]]), 10250.0),              # one measure: its total
    (("followers", [[5.0], [7.0], [9.0]]), 21.0),                  # a range is summed, as documented...
    (("followers", [[9.0]]), 9.0),                                 # ...so a stock is given its last day's cell
    (("conversions / sessions", 50.0, 2000.0), 0.025),             # a percent KPI: a fraction, 2.5 %
    (("SUM(cost)", 100.0), "#VALUE!"),                             # no functions in a formula
    (("cost / video_views", 100.0, 0.0), "#DIV/0!"),
    (("cost / video_views", 100.0, "#REF!"), "#REF!"),
    (("cost / (video_views", 100.0, 5.0), "#VALUE!"),             # a formula that cannot be read
    (("cost / video_views", 100.0, 5.0, 7.0), "#VALUE!"),         # a value too many
    ((None, 100.0), "#VALUE!"),
    (("cost / video_views", "ten", 5.0), "#VALUE!"),
])
def test_kpi_custom_in_a_cell(args, expected):
    from kpi_xl.udfs import KPI_CUSTOM
    result = KPI_CUSTOM(*args)
    assert result == (pytest.approx(expected) if isinstance(expected, float) else expected)


def test_kpi_custom_help_documents_the_order_of_the_values():
    from kpi_xl.excel.registration import HELP
    doc, arguments = HELP["KPI_CUSTOM"]
    assert "order the measures first appear" in doc and "summed" in doc
    assert list(arguments) == ["formula", *(f"value{k}" for k in range(1, 9))]


# --- targets held against the budget (the README's worked example) -----------------------------------

def _history() -> Actuals:
    # Monthly rows, March to August 2026: the best cost per session is March's 4,200 / 10,000 = 0.42;
    # August, the latest month, cost 5,000 for 10,000 sessions.
    costs = {3: 4_200.0, 4: 5_000.0, 5: 5_200.0, 6: 4_800.0, 7: 5_100.0, 8: 5_000.0}
    return Actuals.from_rows([{"date": D(2026, m, 1), "client": "A", "channel": "Search", "cost": cost,
                               "sessions": 10_000.0, "video_views": 25_000.0} for m, cost in costs.items()],
                             custom=CUSTOM)


@pytest.mark.parametrize(("code", "target", "planned", "expected"), [
    # +100 % sessions on +10 % budget (5,500 / 5,000): 5,500 / 0.42 = 13,095 sessions at most, +30.95 %
    ("SESSIONS", 20_000.0, 5_500.0, (1.0, 0.1, 5_500 / 0.42 / 10_000 - 1, 0.42)),
    ("SESSIONS", 13_000.0, 5_500.0, None),              # 13,000 <= 13,095: the budget can buy it
    ("SESSIONS", 20_000.0, None, None),                 # no planned cost: no check
    ("SESSIONS", 20_000.0, 9_000.0, None),              # 9,000 / 0.42 = 21,429 sessions
    # a custom summed measure: best 4,200 / 25,000 = 0.168 per view; 5,500 buys 32,738 views, +30.95 %
    ("VIEWS", 50_000.0, 5_500.0, (1.0, 0.1, 5_500 / 0.168 / 25_000 - 1, 0.168)),
    ("CPV", 0.1, 5_500.0, None),                        # a ratio: no volume to buy
])
def test_the_budget_check(code, target, planned, expected):
    from kpi_xl.core import budget
    from kpi_xl.core.goals import evaluate_goal
    from kpi_xl.core.registry import get
    kpis = {"VIEWS": custom_kpi("VIEWS", "Views", "video_views", "count", "higher", "awareness", aggregations=CUSTOM),
            "CPV": custom_kpi("CPV", "CPV", "cost / video_views", "currency", "lower", "awareness",
                              aggregations=CUSTOM)}
    kpi = kpis.get(code) or get(code)
    baseline = {"SESSIONS": 10_000.0, "VIEWS": 25_000.0, "CPV": 0.2}[code]
    goal = Goal("A", code, D(2026, 9, 1), D(2026, 9, 30), baseline=baseline, target=target, objective="Grow",
                planned_cost=planned)
    status = evaluate_goal(goal, ActualsView(_history(), "A"), D(2026, 9, 10), kpis=kpis)
    found = [f for f in status.findings if f.message == budget.BEYOND_BUDGET]
    if expected is None:
        assert found == []
        return
    (finding,) = found
    need, spend, most, best = expected
    assert finding.values["need"].value == pytest.approx(need)
    assert finding.values["budget"].value == pytest.approx(spend)
    assert finding.values["most"].value == pytest.approx(most)
    assert finding.values["best"].value == pytest.approx(best)
    assert status.kpi is kpi
    text = finding.text(fmt=lambda q: f"{q.value:.0%}" if q.unit.value == "percent" else f"{q.value:.2f}")
    assert text.startswith(f"Beyond the budget: the target needs a 100% change in {kpi.measures[0].replace('_', ' ')}"
                           " on a 10% change in spend")


def _rows(*rows: tuple) -> Actuals:
    return Actuals.from_rows([{"date": day, "client": "A", "channel": channel, "cost": cost, "sessions": sessions,
                               "video_views": views} for day, channel, cost, sessions, views in rows], custom=CUSTOM)


# Two-week windows: Aug 4-17 cost 1,680 for 5,000 sessions (0.336 each), Aug 18-31 cost 2,000 (0.40).
TWO_WEEKS = _rows((D(2026, 8, 4), "Search", 1_680.0, 5_000.0, None), (D(2026, 8, 18), "Search", 2_000.0, 5_000.0, None))
# August reports sessions but no cost: nothing to compare the planned cost with.
NO_AUGUST_COST = _rows(*[(D(2026, m, 1), "Search", 4_000.0, 10_000.0, None) for m in (5, 6, 7)],
                       (D(2026, 8, 1), "Search", None, 10_000.0, None))
# Social buys 10,000 views for 1,000 a month (0.10 each); Search spends 4,000 on no views at all.
TWO_CHANNELS = _rows(*[(D(2026, m, 1), channel, cost, None, views) for m in (5, 6, 7, 8)
                       for channel, cost, views in (("Social", 1_000.0, 10_000.0), ("Search", 4_000.0, None))])


@pytest.mark.parametrize(("history", "code", "end", "baseline", "target", "planned", "expected"), [
    # a two-week goal against two-week windows: +10 % on Aug 18-31's 2,000; 2,200 / 0.336 = 6,547.6
    # sessions at most, +30.95 % on 5,000 (a whole August, 3,680, would have made it a -40 % budget)
    (TWO_WEEKS, "SESSIONS", D(2026, 9, 14), 5_000.0, 10_000.0, 2_200.0,
     ("beyond", 1.0, 0.1, 2_200 / 0.336 / 5_000 - 1, 0.336)),
    (TWO_WEEKS, "SESSIONS", D(2026, 9, 14), 5_000.0, 6_500.0, 2_200.0, None),    # 6,500 <= 6,547.6
    (NO_AUGUST_COST, "SESSIONS", D(2026, 9, 30), 10_000.0, 20_000.0, 4_400.0, ("no spend",)),
    # over every channel, video views cost Social's 1,000 only: +10 % budget, 1,100 / 0.10 = 11,000, +10 %
    (TWO_CHANNELS, "VIEWS", D(2026, 9, 30), 10_000.0, 20_000.0, 1_100.0, ("beyond", 1.0, 0.1, 0.1, 0.1)),
    (TWO_CHANNELS, "VIEWS", D(2026, 9, 30), 10_000.0, 11_000.0, 1_100.0, None),   # exactly what it buys
    (TWO_CHANNELS, "CPV", D(2026, 9, 30), 0.1, 0.08, 1_100.0, ("not a volume", "CPV")),
    (TWO_WEEKS, "CPA", D(2026, 9, 14), 20.0, 15.0, 2_200.0, ("not a volume", "CPA")),
    (TWO_WEEKS, "CPA", D(2026, 9, 14), 20.0, 15.0, None, None),                     # nothing planned: silent
])
def test_the_budget_check_compares_like_with_like_and_says_when_it_cannot(history, code, end, baseline, target,
                                                                           planned, expected):
    from kpi_xl.core import budget
    from kpi_xl.core.goals import evaluate_goal
    kpis = {"VIEWS": custom_kpi("VIEWS", "Views", "video_views", "count", "higher", "awareness", aggregations=CUSTOM),
            "CPV": custom_kpi("CPV", "CPV", "cost / video_views", "currency", "lower", "awareness",
                              aggregations=CUSTOM)}
    goal = Goal("A", code, D(2026, 9, 1), end, baseline=baseline, target=target, objective="Grow",
                planned_cost=planned)
    status = evaluate_goal(goal, ActualsView(history, "A"), D(2026, 9, 2), kpis=kpis)
    messages = {budget.BEYOND_BUDGET: "beyond", budget.NO_SPEND: "no spend", budget.NOT_A_VOLUME: "not a volume"}
    found = [f for f in status.findings if f.message in messages]
    if expected is None:
        assert found == []
        return
    (finding,) = found
    assert messages[finding.message] == expected[0]
    if expected[0] == "beyond":
        assert [finding.values[k].value for k in ("need", "budget", "most", "best")] == pytest.approx(expected[1:])
    elif expected[0] == "not a volume":
        assert finding.values == {"kpi": expected[1]} and finding.severity == "info"


@pytest.mark.each_locale
def test_every_new_message_is_translated_with_its_placeholders(locale):
    import string

    from kpi_xl.core import budget
    from kpi_xl.i18n import translator
    from kpi_xl.workbook import custom_sheet
    gettext = translator(locale).gettext
    messages = sorted({value for module in (custom, custom_sheet, budget) for name, value in vars(module).items()
                       if name.isupper() and isinstance(value, str) and " " in value})
    assert len(messages) == 22   # 11 formula errors, 8 sheet problems, the budget finding and its 2 notes
    for message in messages:
        fields = {f for _, f, _, _ in string.Formatter().parse(message) if f}
        translated = gettext(message)
        assert {f for _, f, _, _ in string.Formatter().parse(translated) if f} == fields, (locale, message)
        if not locale.startswith("en"):
            assert translated != message, (locale, message)


# --- the importer: a platform column mapped to a custom measure --------------------------------------

META_VIDEO = ("Reporting starts,Reporting ends,Campaign name,Amount spent (MXN),Impressions,Video views\n"
              "2026-09-04,2026-09-04,Spring video,40.5,9000,1200\n"
              "2026-09-05,2026-09-05,Spring video,59.5,11000,1800\n")


@pytest.mark.parametrize("mapped", ["Video views=video_views", "Video views=Video views"])
def test_an_export_column_maps_to_a_custom_measure(tmp_path, mapped):
    import io

    from workbook_factory import fake_book

    from kpi_xl import cli
    from kpi_xl.workbook.read import read_workbook
    from kpi_xl.workbook.template import write_workbook
    # The template writer's own workbook: the Custom KPIs sheet and the extra Actuals column round-trip.
    workbook = tmp_path / "custom.xlsx"
    write_workbook(workbook, read_workbook(fake_book(_book(MEASURE_ROWS, KPI_ROWS))))
    before = read_workbook(workbook)
    assert before.kpis["CPV"].formula_text() == "cost / video_views"
    assert before.custom_measures == {"video_views": ("Video views", "Views of 2 s or more"),
                                      "followers": ("Followers", "")}
    assert before.actuals.custom == {"video_views": Aggregation.SUM, "followers": Aggregation.LAST}
    export = tmp_path / "meta.csv"
    export.write_text(META_VIDEO, encoding="utf-8")
    out = io.StringIO()
    assert cli.main(["import", str(workbook), str(export), "--client", "acme", "--map", mapped], out=out) == 0
    data = read_workbook(workbook)
    new = [i for i, origin in enumerate(data.actuals.origins) if origin]
    assert [data.actuals.measures["video_views"][i] for i in new] == [1200.0, 1800.0]
    assert [data.actuals.measures["cost"][i] for i in new] == [40.5, 59.5]
    # CPV over the two imported days: 100 / 3,000
    view = ActualsView(data.actuals, "Acme", data.actuals.channels[new[0]])
    assert view.value(data.kpis["CPV"], D(2026, 9, 4), D(2026, 9, 5)) == pytest.approx(100 / 3000)


@pytest.mark.parametrize("mapped", ["Video views=video_views", "Video views=Video  Views"])
def test_a_dry_run_shows_the_custom_measure_the_file_brings(tmp_path, mapped):
    import io

    from workbook_factory import fake_book

    from kpi_xl import cli
    from kpi_xl.workbook.read import read_workbook
    from kpi_xl.workbook.template import write_workbook
    workbook = tmp_path / "custom.xlsx"
    write_workbook(workbook, read_workbook(fake_book(_book(MEASURE_ROWS, KPI_ROWS))))
    export = tmp_path / "meta.csv"
    export.write_text(META_VIDEO, encoding="utf-8")
    out = io.StringIO()
    assert cli.main(["import", str(workbook), str(export), "--client", "acme", "--map", mapped, "--dry-run"],
                    out=out) == 0
    text = out.getvalue()
    header = next(line for line in text.splitlines() if "File" in line)
    assert header.split()[-1] == "video_views"       # after cost, impressions: the file's own measure
    # the file's rows: 1,200 + 1,800 views, 40.5 + 59.5 cost; no Meta rows in the workbook before
    assert "3000" in text.splitlines()[text.splitlines().index(header) + 2]
    assert "cost 0.00 -> 100.00, impressions 0 -> 20000, video_views 0 -> 3000" in text


def test_a_column_mapped_to_a_measure_the_workbook_lacks_is_refused(tmp_path):
    from workbook_factory import sample_book, write_xlsx

    from kpi_xl.importing.api import import_files
    from kpi_xl.importing.errors import ImportRefusedError
    workbook = write_xlsx(sample_book(), tmp_path / "plain.xlsx")
    export = tmp_path / "meta.csv"
    export.write_text(META_VIDEO, encoding="utf-8")
    with pytest.raises(ImportRefusedError, match="video_views is not a measure of the workbook"):
        import_files(workbook, [export], "Acme", overrides={"Video views": "video_views"})
