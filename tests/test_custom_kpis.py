"""Custom KPIs (issue 15): the safe formula parser, evaluation over window totals, goals on them."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_xl.core import custom
from kpi_xl.core.aggregate import ActualsView
from kpi_xl.core.custom import FormulaError, custom_kpi, parse_formula
from kpi_xl.core.goals import evaluate_goals
from kpi_xl.core.model import Actuals, Goal, Settings, WorkbookData
from kpi_xl.core.registry import MEASURES, Aggregation

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
    # lower is better, a ratio of sums: (100 + 50 + 30 + 70) / 2,500 = 0.1, not a mean of daily ratios
    ("CPV", "cost / video_views", "currency", "lower", D(2026, 9, 1), D(2026, 9, 3), 0.1, False),
    # a custom and a built-in measure: 2,500 / 20,000 impressions
    ("VIEW_RATE", "video_views / impressions", "percent", "higher", D(2026, 9, 1), D(2026, 9, 3), 0.125, False),
    # precedence and unary minus: (2,500 - 250) / 20,000 * 100 = 11.25
    ("NET", "-(cost - video_views) / impressions * 100", "score", "higher", D(2026, 9, 1), D(2026, 9, 3),
     11.25, False),
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


ALPHABET = st.sampled_from(list("()+-*/×÷−.0123456789 _abcxyz\t%$é") + ["cost", "video_views", "1e3"])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(ALPHABET, max_size=60).map("".join)))
def test_any_text_gives_a_formula_or_a_located_error(text):
    try:
        formula = parse_formula(text)
    except FormulaError as error:
        assert 1 <= error.position <= len(text) + 1
        return
    values = {m: 3.0 for m in formula.measures}
    try:
        value = formula.evaluate(values)
    except (custom.DivisionByZeroError, custom.InvalidValueError):
        return
    assert isinstance(value, float)
    assert parse_formula(formula.placeholders.replace("{", "").replace("}", "")).evaluate(values) == \
        pytest.approx(value, nan_ok=True)  # the shown form means the same


def test_a_goal_on_a_custom_kpi(actuals):
    cpv = custom_kpi("CPV", "Cost per video view", "cost / video_views", "currency", "lower", "awareness",
                     aggregations=CUSTOM)
    goal = Goal("A", "CPV", D(2026, 9, 1), D(2026, 9, 30), baseline=0.12, target=0.09, objective="Cheaper views")
    data = WorkbookData({}, [goal], actuals, Settings(), kpis={"CPV": cpv})
    (status,) = evaluate_goals(data, D(2026, 9, 3))
    assert status.kpi is cpv
    assert status.actual == pytest.approx(0.1)     # 250 / 2,500
    # from 0.12 down to 0.10 of the way to 0.09: two thirds
    assert status.progress == pytest.approx(2 / 3)
