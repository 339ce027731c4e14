"""The =KPI_* functions called with exactly what xlwings passes them.

xlwings gives a UDF a scalar for one cell, a list for a row or column, a list of lists for a block,
None for an empty cell, str for text, datetime for a date, and (err_to_str) the error text.
"""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

from kpi_xl import udfs
from kpi_xl.core import registry
from kpi_xl.excel import functions
from kpi_xl.i18n import SUPPORTED_LOCALES

KPI_UDFS = {name: fn for name, fn in udfs.FUNCTIONS.items() if name.removeprefix("KPI_") in registry.KPIS}
# The functions over totals with a denominator (CLV is a product: it has none).
TOTALS_UDFS = {
    name: fn for name, fn in KPI_UDFS.items()
    if list(inspect.signature(fn).parameters) == list(registry.KPIS[name.removeprefix("KPI_")].params)
    and name != "KPI_CLV"
}


def test_cpa_over_a_column_is_sum_of_cost_over_sum_of_conversions():
    cost = [120.0, 80.0, None, "paused", 100.0]       # one column: xlwings passes a flat list
    conversions = [3.0, 1.0, None, "paused", 6.0]
    assert udfs.KPI_CPA(cost, conversions) == 30.0


@pytest.mark.parametrize(
    ("cost", "conversions", "expected"),
    [
        (250.0, 10.0, 25.0),                                   # two cells
        (250, 10, 25.0),                                       # ints (from VBA or tests)
        ([[100.0, 50.0], [None, 100.0]], [[4.0], [6.0]], 25.0),  # blocks of different shapes
        ([[100.0], ["text"], [150.0]], 10.0, 25.0),            # text in a range is ignored
        ([[100.0], [True], [150.0]], 10.0, 25.0),              # so are booleans, as SUM does
        ([dt.datetime(2026, 1, 1), 250.0], 10.0, 25.0),        # and dates (a header row's date)
        (None, 10.0, 0.0),                                     # an empty cell counts as zero
    ],
)
def test_excel_shapes(cost, conversions, expected):
    assert udfs.KPI_CPA(cost, conversions) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("cost", "conversions", "error"),
    [
        (100.0, 0.0, "#DIV/0!"),
        (100.0, None, "#DIV/0!"),
        (100.0, [None, "n/a"], "#DIV/0!"),
        ("ten", 4.0, "#VALUE!"),                 # text where a number is required
        (True, 4.0, "#VALUE!"),
        (dt.datetime(2026, 1, 1), 4.0, "#VALUE!"),
        (-100.0, 4.0, "#NUM!"),                  # a negative cost
        ([100.0, -300.0], 4.0, "#NUM!"),         # a range summing to a negative cost
        (float("nan"), 4.0, "#NUM!"),
        (1e308, 1e-308, "#NUM!"),                # overflows to infinity
        ("#REF!", 4.0, "#REF!"),                 # an error cell propagates
        ([[1.0], ["#N/A"], ["#DIV/0!"]], 4.0, "#N/A"),   # the first error in the range wins
        (100.0, "#NAME?", "#NAME?"),
    ],
)
def test_bad_input_gives_excel_error_text(cost, conversions, error):
    assert udfs.KPI_CPA(cost, conversions) == error


@pytest.mark.parametrize("name", sorted(TOTALS_UDFS))
def test_every_kpi_function_gives_div0_on_empty_ranges_and_value_on_text(name):
    fn = TOTALS_UDFS[name]
    arity = len(inspect.signature(fn).parameters)
    assert fn(*[[None, "x"]] * arity) == "#DIV/0!"
    assert fn(*["abc"] * arity) == "#VALUE!"
    assert fn(*["#N/A"] * arity) == "#N/A"
    assert fn(*[-1.0] * arity) == "#NUM!"


# Each KPI function on Excel-shaped ranges against the core formula on the sums.
RANGE_CASES = {
    "KPI_CPM": ([[2.0], [3.0]], [[1000.0], [1000.0]], 2.5),
    "KPI_CTR": ([5.0, None], [1000.0], 0.005),
    "KPI_CPC": ([0.2, 0.4], [1.0, 1.0], 0.3),
    "KPI_ENGAGEMENT_RATE": ([[100.0, 200.0]], 12000.0, 0.025),
    "KPI_BOUNCE_RATE": ([20.0, 22.0], [50.0, 50.0], 0.42),
    "KPI_AVG_SESSION_DURATION": ([[120.0], [360.0]], [[1.0], [1.0]], 240.0),
    "KPI_CONVERSION_RATE": ([20.0, 30.0], [[500.0, 500.0]], 0.05),
    "KPI_AOV": ([4000.0, 6000.0], [80.0, 120.0], 50.0),
    "KPI_CAC": ([10000.0, 20000.0], 600.0, 50.0),
    "KPI_ROI": ([10000.0, 5000.0], [4000.0, 6000.0], 0.5),
    "KPI_ROAS": ([1000.0, 1000.0], [250.0, 250.0], 4.0),
    "KPI_MER": ([[3000.0], [1000.0], [None]], [[500.0], [300.0], [200.0]], 4.0),   # 4,000 / 1,000
    "KPI_CART_ABANDONMENT_RATE": ([50.0, 50.0], [10.0, 20.0], 0.7),
    "KPI_CHURN_RATE": ([20.0, 30.0], 1000.0, 0.05),
    "KPI_PURCHASE_FREQUENCY": ([700.0, 800.0], 600.0, 2.5),
    "KPI_CSAT": ([20.0, 25.0], [25.0, 25.0], 0.9),
    "KPI_RESPONSE_RATE": ([40.0, 50.0], [60.0, 60.0], 0.75),
    "KPI_AVG_RESPONSE_TIME": ([900.0, 900.0], [30.0, 30.0], 30.0),
    "KPI_FCR": ([36.0, 36.0], [45.0, 45.0], 0.8),
    "KPI_CHAT_ABANDONMENT_RATE": ([6.0, 6.0], [120.0, 120.0], 0.05),
    "KPI_INTERACTIONS_PER_USER": ([150.0, 150.0], [50.0, 50.0], 3.0),
    "KPI_AVG_INTERACTION_TIME": ([3600.0, 3600.0], [20.0, 20.0], 180.0),
}


@pytest.mark.parametrize("name", sorted(RANGE_CASES))
def test_kpi_function_over_ranges(name):
    *args, expected = RANGE_CASES[name]
    assert udfs.FUNCTIONS[name](*args) == pytest.approx(expected)


def test_every_two_argument_kpi_has_a_range_case():
    two_args = {n for n, fn in TOTALS_UDFS.items() if len(inspect.signature(fn).parameters) == 2}
    assert two_args - {"KPI_CPA"} == set(RANGE_CASES)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((220.0, 40.0, 200.0), 0.9),
        (([100.0, 120.0], [40.0], [[200.0]]), 0.9),
        ((220.0, 240.0, 200.0), "#NUM!"),
        ((220.0, 40.0, None), "#DIV/0!"),
    ],
)
def test_retention_rate(args, expected):
    assert udfs.KPI_RETENTION_RATE(*args) == (pytest.approx(expected) if isinstance(expected, float) else expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((70.0, 20.0, 10.0), 60.0),
        (([40.0, 30.0], 20.0, [5.0, 5.0]), 60.0),
        ((0.0, 0.0, 0.0), "#DIV/0!"),
        ((-1.0, 0.0, 3.0), "#NUM!"),
    ],
)
def test_nps_from_counts(args, expected):
    assert udfs.KPI_NPS(*args) == expected


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([[10.0], [9.0], [8.0], [7.0], [6.0], [0.0]], 0.0),
        ([10.0, 10.0, 9.0, 3.0, None, "no answer"], 50.0),
        (10.0, 100.0),
        ([None, "x"], "#DIV/0!"),
        ([9.0, 11.0], "#NUM!"),
        ([9.0, 8.5], "#NUM!"),
        ([9.0, "#N/A"], "#N/A"),
        ("nine", "#VALUE!"),
    ],
)
def test_nps_from_raw_scores(scores, expected):
    assert udfs.KPI_NPS_SCORES(scores) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (([5.0, 4.0, 3.0, 2.0, 1.0],), 0.4),
        (([5.0, 4.0, 3.0, 2.0, 1.0], 3.0), 0.6),
        (([10.0, 9.0, 7.0, 2.0], 9.0, 10.0), 0.5),
        (([5.0, 4.0, 3.0, 2.0], None, None), 0.5),     # empty optional cells: the defaults, 4 of 5
        (([6.0],), "#NUM!"),
        (([5.0], 6.0), "#NUM!"),
        (([],), "#DIV/0!"),
        (([5.0], "four"), "#VALUE!"),
    ],
)
def test_csat_from_raw_scores(args, expected):
    result = udfs.KPI_CSAT_SCORES(*args)
    assert result == (pytest.approx(expected) if isinstance(expected, float) else expected)


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [([[4.0], [5.0], [None], [3.0]], 4.0), (4.5, 4.5), ([], "#DIV/0!"), ([4.0, -1.0], "#NUM!")],
)
def test_avg_rating(ratings, expected):
    assert udfs.KPI_AVG_RATING(ratings) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((50.0, 5.0, 3.0), 750.0),
        ((50.0, 5.0, 3.0, 0.2), 150.0),
        ((50.0, 5.0, 3.0, None), 750.0),
        ((50.0, 5.0, 3.0, 20.0), "#NUM!"),      # 20 instead of 20 %: a margin is a fraction
        ((50.0, "five", 3.0), "#VALUE!"),
    ],
)
def test_clv(args, expected):
    assert udfs.KPI_CLV(*args) == (pytest.approx(expected) if isinstance(expected, float) else expected)


def test_ab_functions():
    assert udfs.KPI_AB_TEST(200.0, 1000.0, 250.0, 1000.0) == pytest.approx(0.00742, abs=1e-5)
    assert udfs.KPI_AB_UPLIFT(200.0, 1000.0, 250.0, 1000.0) == 0.25
    assert udfs.KPI_AB_TEST(20.0, 10.0, 1.0, 10.0) == "#NUM!"
    assert udfs.KPI_AB_UPLIFT(0.0, 100.0, 5.0, 100.0) == "#DIV/0!"
    assert udfs.KPI_AB_TEST(0.0, 0.0, 0.0, 0.0) == "#DIV/0!"


@pytest.mark.each_locale
def test_kpi_list_spills_a_header_and_one_row_per_kpi(locale):
    rows = udfs.KPI_LIST(locale)
    assert len(rows) == 1 + len(registry.KPIS)
    assert all(len(row) == 5 for row in rows)
    assert [row[0] for row in rows[1:]] == list(registry.KPIS)
    assert all(isinstance(cell, str) and cell for row in rows for cell in row)


def test_kpi_list_speaks_the_locale():
    spanish = {row[0]: row for row in udfs.KPI_LIST("es_ES")}
    english = {row[0]: row for row in udfs.KPI_LIST()}
    assert spanish["CPA"][1] == "Coste por adquisición (CPA)"
    assert english["CPA"][1:] == ["Cost per acquisition (CPA)", "cost / conversions", "currency", "lower is better"]
    assert spanish["CPA"][2] != english["CPA"][2]       # measure names in the formula are translated too


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("CPA",), "Cost per acquisition (CPA)"),
        ((" cpa ", "es-MX"), "Costo por adquisición (CPA)"),
        (("KPI_CPA", "es_ES"), "Coste por adquisición (CPA)"),
        (("NOPE",), "#N/A"),
        (("CPA", "de_DE"), "#N/A"),
        ((None,), "#N/A"),
        ((42.0,), "#VALUE!"),
        (("#REF!",), "#REF!"),
    ],
)
def test_kpi_name(args, expected):
    assert udfs.KPI_NAME(*args) == expected


def test_kpi_list_unknown_locale():
    assert udfs.KPI_LIST("xx_XX") == "#N/A"


def test_a_bug_becomes_value_error_text_and_a_log_line(monkeypatch, caplog):
    def broken(*_):
        raise RuntimeError("bug")

    monkeypatch.setattr(functions.formulas, "nps_counts", broken)
    assert udfs.KPI_NPS_SCORES([9.0]) == "#VALUE!"
    assert "bug" in caplog.text


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_kpi_name_in_every_locale_is_translated(locale):
    name = udfs.KPI_NAME("CONVERSION_RATE", locale)
    assert isinstance(name, str)
    assert (name == "Conversion rate") == locale.startswith("en")
