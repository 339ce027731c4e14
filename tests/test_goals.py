"""SMART goals on a frozen ``as_of``: every status, both directions, channels, seasonality, achievability.

The history is built by formula, so each expected number can be worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kpi_xl.cli.goals_table import format_quantity
from kpi_xl.core.aggregate import ActualsView
from kpi_xl.core.goals import evaluate_goal, evaluate_goals, percentile
from kpi_xl.core.model import Actuals, Goal, Settings, WorkbookData
from kpi_xl.core.tracking import Achievability, Quantity, Status

D = dt.date


def _days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def shop_actuals() -> Actuals:
    """Daily rows 2025-01-01 .. 2026-12-31 for client Shop.

    Search: cost 100, conversions 4 (CPA 25), sessions 200, revenue 1000 a day; in December 2025
    revenue is 2000 a day on the 1st-15th (a seasonal peak). Social: cost 50, conversions 1 (CPA 50).
    """
    rows = []
    for day in _days(D(2025, 1, 1), D(2026, 12, 31)):
        revenue = 2000.0 if (day.year, day.month) == (2025, 12) and day.day <= 15 else 1000.0
        rows.append({"date": day, "client": "Shop", "channel": "Search", "cost": 100.0, "conversions": 4.0,
                     "sessions": 200.0, "revenue": revenue})
        rows.append({"date": day, "client": "Shop", "channel": "Social", "cost": 50.0, "conversions": 1.0,
                     "sessions": 100.0, "revenue": 0.0})
    return Actuals.from_rows(rows)


ACTUALS = shop_actuals()
SEARCH = ActualsView(ACTUALS, "Shop", "Search")
ALL = ActualsView(ACTUALS, "Shop")


def goal(**fields) -> Goal:
    base = {"client": "Shop", "kpi": "REVENUE", "channel": "Search", "start": D(2026, 10, 1),
            "end": D(2026, 10, 31), "objective": "Grow online sales"}
    base.update(fields)
    return Goal(**base)


def english(quantity: Quantity) -> str:
    return format_quantity(quantity.value, quantity.unit)


def run(g: Goal, as_of: dt.date, settings: Settings | None = None):
    view = ActualsView(ACTUALS, g.client, g.channel)
    return evaluate_goal(g, view, as_of, settings or Settings())


# Revenue on Search is 1,000 a day, so by 15 October the actual is 15,000 and 15/31 of October has
# passed (October 2025 was flat too, so seasonality weighting equals the day count).
@pytest.mark.parametrize(
    ("target", "as_of", "status"),
    [
        (31_000.0, D(2026, 9, 30), Status.NOT_STARTED),   # the window has not opened
        (31_000.0, D(2026, 10, 15), Status.ON_TRACK),     # expected 15,000: pace 1.00
        (33_000.0, D(2026, 10, 15), Status.AT_RISK),      # expected 15,968: pace 0.94
        (40_000.0, D(2026, 10, 15), Status.OFF_TRACK),    # expected 19,355: pace 0.78
        (10_000.0, D(2026, 10, 15), Status.ACHIEVED),     # a total already past its target
        (30_000.0, D(2026, 10, 31), Status.ACHIEVED),     # window over: 31,000 >= 30,000
        (32_000.0, D(2026, 11, 5), Status.MISSED),        # window over: 31,000 < 32,000
    ],
)
def test_cumulative_goal_status(target, as_of, status):
    result = run(goal(target=target), as_of)
    assert result.status is status


def test_cumulative_expected_and_forecast_on_a_frozen_date():
    result = run(goal(target=31_000.0), D(2026, 10, 15))
    assert result.actual == 15_000.0
    assert result.elapsed == pytest.approx(15 / 31)
    assert result.expected == pytest.approx(31_000.0 * 15 / 31)
    assert result.forecast == pytest.approx(31_000.0)
    assert result.pace == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("target", "as_of", "status"),
    [
        (26.0, D(2026, 10, 31), Status.ACHIEVED),    # CPA 25 is below (better than) 26
        (24.0, D(2026, 10, 31), Status.MISSED),      # 25 is above 24: missed
        (25.5, D(2026, 10, 16), Status.ON_TRACK),    # at or under target mid-window
        # From baseline 25 to target 20 over October: on the 16th the glide path expects
        # 25 - 5 x 16/31 = 22.42; the actual 25 has travelled 0 of the 2.58 due: pace 0, off track.
        (20.0, D(2026, 10, 16), Status.OFF_TRACK),
        (15.0, D(2026, 10, 16), Status.OFF_TRACK),   # expects 19.84: pace 0
    ],
)
def test_lower_is_better_goal_status(target, as_of, status):
    result = run(goal(kpi="CPA", target=target, baseline=25.0), as_of)
    assert result.actual == 25.0
    assert result.status is status


def test_improvement_on_a_lower_is_better_kpi_means_lower():
    result = run(goal(kpi="CPA", improvement=0.10), D(2026, 10, 15))
    # Baseline: CPA over the three complete months before October (July to September) is 25.
    assert (result.baseline, result.baseline_source) == (25.0, "previous_3_months")
    assert result.target == pytest.approx(22.5)


def test_improvement_on_a_higher_is_better_kpi_means_higher():
    result = run(goal(kpi="CONVERSION_RATE", improvement=0.10), D(2026, 10, 15))
    assert result.baseline == pytest.approx(4 / 200)
    assert result.target == pytest.approx(0.022)


def test_cumulative_baseline_is_scaled_to_the_window():
    # Three months of Search revenue (92 days x 1,000) scaled to October's 31 days.
    result = run(goal(improvement=0.05), D(2026, 10, 15))
    assert result.baseline == pytest.approx(31_000.0)
    assert result.target == pytest.approx(32_550.0)


def test_same_period_last_year_baseline():
    result = run(goal(kpi="REVENUE", improvement=0.10, start=D(2026, 12, 1), end=D(2026, 12, 31)),
                 D(2026, 12, 10), Settings(baseline_method="same_period_last_year"))
    # December 2025 on Search: 15 days x 2,000 + 16 days x 1,000.
    assert (result.baseline, result.baseline_source) == (46_000.0, "same_period_last_year")


@pytest.mark.parametrize(("channel", "cpa"), [("Search", 25.0), ("Social", 50.0), (None, 30.0)])
def test_channel_goals_use_their_channel_only(channel, cpa):
    # All channels: (100 + 50) / (4 + 1) = 30 a day.
    result = run(goal(kpi="CPA", channel=channel, target=20.0), D(2026, 10, 10))
    assert result.actual == cpa


def test_goal_for_a_channel_without_rows_is_flagged():
    result = run(goal(kpi="CPA", channel="TikTok", target=20.0), D(2026, 10, 10))
    assert [f.criterion for f in result.findings if f.severity == "warning"][:1] == ["specific"]
    assert result.actual is None


def test_seasonality_weights_the_expected_value():
    # Last year November took 30,000 and December 46,000: its first half ran at double speed, 15 x 2,000
    # = 30,000 by the 15th. By 15 December a November-December goal expects last year's share of those
    # days: (30,000 + 30,000) / 76,000 of the target, not the 45/61 a day count gives.
    result = run(goal(start=D(2026, 11, 1), end=D(2026, 12, 31), target=76_000.0), D(2026, 12, 15))
    share = (30_000 + 30_000) / 76_000
    assert result.elapsed == pytest.approx(share)
    assert result.elapsed != pytest.approx(45 / 61)
    assert result.expected == pytest.approx(76_000.0 * share)
    assert result.pace == pytest.approx(45_000 / (76_000.0 * share))


def test_seasonality_works_with_monthly_rows_dated_at_the_month_end():
    # Churn from monthly CRM rows: lost customers are dated the last day of each month. On 21
    # November last year's rows show October's losses only, yet November is 21/30 done.
    rows = []
    for year, month, days in [(2025, 10, 31), (2025, 11, 30), (2025, 12, 31), (2026, 10, 31), (2026, 11, 30)]:
        rows.append({"date": D(year, month, 1), "client": "Sub", "customers_at_start": 1000.0})
        rows.append({"date": D(year, month, days), "client": "Sub", "customers_lost": 30.0})
    view = ActualsView(Actuals.from_rows(rows), "Sub")
    g = Goal(client="Sub", kpi="CHURN_RATE", start=D(2026, 10, 1), end=D(2026, 12, 31), target=0.09, objective="x")
    result = evaluate_goal(g, view, D(2026, 11, 21))
    assert result.elapsed == pytest.approx((0.03 + 0.03 * 21 / 30) / 0.09)


def test_without_last_years_data_the_share_is_by_days():
    result = run(goal(start=D(2025, 3, 1), end=D(2025, 3, 31), target=31_000.0), D(2025, 3, 15))
    assert result.elapsed == pytest.approx(15 / 31)


def monthly_rates(rates: list[float], first: dt.date) -> Actuals:
    """One row per month (the 1st) with conversions / sessions giving each month's rate."""
    rows = []
    year, month = first.year, first.month
    for rate in rates:
        rows.append({"date": D(year, month, 1), "client": "Lab", "channel": "Web",
                     "sessions": 10_000.0, "conversions": rate * 10_000})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return Actuals.from_rows(rows)


# 18 months at 2.0 % but one month at 3.0 % (the best on record). Month-on-month changes are mostly
# 0, one +50 % (the biggest) and one -33 %: the 90th percentile of past changes is 0.
HISTORY = monthly_rates([0.02] * 6 + [0.03] + [0.02] * 11, D(2025, 4, 1))


@pytest.mark.parametrize(
    ("target", "verdict", "severity"),
    [
        (0.02, Achievability.REALISTIC, None),           # no change needed
        (0.025, Achievability.AMBITIOUS, "warning"),     # +25 %: above the usual monthly change
        (0.03, Achievability.AMBITIOUS, "warning"),      # +50 %: matches the best month, not beyond
        (0.035, Achievability.UNREALISTIC, "error"),     # +75 %: past the best month and the biggest jump
        (0.08, Achievability.UNREALISTIC, "error"),      # +300 %
    ],
)
def test_achievability_against_history(target, verdict, severity):
    g = Goal(client="Lab", kpi="CONVERSION_RATE", channel="Web", start=D(2026, 10, 1), end=D(2026, 10, 31),
             target=target, objective="More sign-ups")
    result = evaluate_goal(g, ActualsView(HISTORY, "Lab", "Web"), D(2026, 10, 10))
    assert result.baseline == pytest.approx(0.02)
    assert result.achievability is verdict
    achievable = [f for f in result.findings if f.criterion == "achievable"]
    assert [f.severity for f in achievable] == ([severity] if severity else [])
    if verdict is Achievability.UNREALISTIC:
        words = achievable[0].text(fmt=english)
        assert "more than any past period of 1 month achieved (50%)" in words
        assert "to reach a target beyond the best result on record (3%)" in words


def test_beyond_the_best_month_alone_is_ambitious_not_unrealistic():
    # Monthly rates climbing 2.0 % -> 2.9 % in 0.1 steps and holding: changes from +5 % (2.0 -> 2.1)
    # down to +3.4 %. A 2.95 % target from a 2.9 % baseline (+1.7 %) passes the best month, but past
    # months made bigger jumps, so it is ambitious, not unrealistic.
    history = monthly_rates([0.02 + 0.001 * i for i in range(10)] + [0.029] * 3, D(2025, 9, 1))
    g = Goal(client="Lab", kpi="CONVERSION_RATE", start=D(2026, 10, 1), end=D(2026, 10, 31), target=0.0295,
             objective="More sign-ups")
    result = evaluate_goal(g, ActualsView(history, "Lab"), D(2026, 10, 10))
    assert result.achievability is Achievability.AMBITIOUS
    assert any("beyond the best result over 1 month on record (2.9%)" in f.text(fmt=english)
               for f in result.findings)


def test_too_little_history_is_said_not_guessed():
    short = monthly_rates([0.02, 0.021, 0.022], D(2026, 7, 1))
    g = Goal(client="Lab", kpi="CONVERSION_RATE", start=D(2026, 10, 1), end=D(2026, 10, 31), improvement=0.1,
             objective="x")
    result = evaluate_goal(g, ActualsView(short, "Lab"), D(2026, 10, 10))
    assert result.achievability is Achievability.UNKNOWN
    assert any(f.severity == "info" and "history" in f.text() for f in result.findings)


def test_smart_findings_name_the_failing_criteria():
    g = goal(kpi="CTR", target=1.5, objective="", start=D(2025, 1, 1), end=D(2026, 6, 30))
    criteria = {(f.criterion, f.severity) for f in run(g, D(2026, 1, 1)).findings}
    assert {("achievable", "error"), ("relevant", "warning"), ("time_bound", "warning")} <= criteria


def test_goal_without_target_or_history_is_not_measurable():
    g = goal(client="Nobody", improvement=0.1)
    result = evaluate_goal(g, ActualsView(ACTUALS, "Nobody"), D(2026, 10, 10))
    assert result.target is None
    assert ("measurable", "error") in {(f.criterion, f.severity) for f in result.findings}
    assert result.status is Status.NOT_STARTED


def test_stock_measures_take_the_first_and_last_day():
    rows = [{"date": D(2026, 10, d), "client": "Sub", "customers_at_start": 1000.0 + d, "customers_lost": 2.0,
             "customers_at_end": 900.0 + d, "new_customers": 5.0} for d in range(1, 32)]
    view = ActualsView(Actuals.from_rows(rows), "Sub")
    # Churn over October: 62 lost / 1,001 at the start (the 1st), not the sum of daily stocks.
    from kpi_xl.core.registry import get
    assert view.value(get("CHURN_RATE"), D(2026, 10, 1), D(2026, 10, 31)) == pytest.approx(62 / 1001)
    # Retention: (931 at the end - 155 new) / 1,001.
    assert view.value(get("RETENTION_RATE"), D(2026, 10, 1), D(2026, 10, 31)) == pytest.approx(776 / 1001)


def test_evaluate_goals_filters_by_client_and_keeps_order():
    goals = [goal(target=1.0), goal(client="Lab", kpi="CONVERSION_RATE", channel=None, target=0.02), goal(target=2.0)]
    data = WorkbookData(clients={}, goals=goals, actuals=ACTUALS, settings=Settings())
    assert [r.goal.target for r in evaluate_goals(data, D(2026, 10, 10), client="Shop")] == [1.0, 2.0]
    assert len(evaluate_goals(data, D(2026, 10, 10))) == 3


def test_percentile_matches_linear_interpolation():
    assert percentile([0.0, 10.0], 0.9) == 9.0
    assert percentile([5.0], 0.9) == 5.0


def test_a_goal_without_a_target_is_never_called_missed():
    g = goal(client="Nobody", improvement=0.1, start=D(2026, 9, 1), end=D(2026, 9, 30))
    result = evaluate_goal(g, ActualsView(ACTUALS, "Nobody"), D(2026, 10, 10))
    assert (result.target, result.status) == (None, Status.NOT_STARTED)


def test_an_unreachable_improvement_is_one_finding_not_two():
    # CSAT at 90 % improved by 50 % would be 135 % satisfied.
    rows = [{"date": D(2026, m, 1), "client": "Sat", "satisfied": 90.0, "survey_responses": 100.0}
            for m in (6, 7, 8, 9)]
    g = Goal(client="Sat", kpi="CSAT", start=D(2026, 10, 1), end=D(2026, 10, 31), improvement=0.5, objective="x")
    result = evaluate_goal(g, ActualsView(Actuals.from_rows(rows), "Sat"), D(2026, 10, 10))
    measurable = [f.message for f in result.findings if f.criterion == "measurable"]
    assert measurable == ["The improvement gives a target the KPI can't reach."]


def _retention_rows(at_start: float, new: float, at_end: float) -> Actuals:
    return Actuals.from_rows([
        {"date": D(2026, 10, 1), "client": "Sub", "customers_at_start": at_start, "new_customers": new},
        {"date": D(2026, 10, 10), "client": "Sub", "customers_at_end": at_end},
    ])


def test_retention_pace_compares_what_was_lost():
    # Ten days into October: 3.4 % of the customers gone where the monthly target allows 9 % over
    # the month, so 10/31 of 9 % = 2.9 % by now: pace 2.9 / 3.4 = 0.85, at risk. The ratio of the
    # retentions (96.6 % / 97.1 %) would have said 0.99, on track.
    view = ActualsView(_retention_rows(1000.0, 0.0, 966.0), "Sub")
    g = Goal(client="Sub", kpi="RETENTION_RATE", start=D(2026, 10, 1), end=D(2026, 10, 31), target=0.91,
             objective="x")
    result = evaluate_goal(g, view, D(2026, 10, 10))
    expected_loss = 0.09 * 10 / 31
    assert result.expected == pytest.approx(1 - expected_loss)
    assert result.pace == pytest.approx(expected_loss / 0.034)
    assert result.status is Status.AT_RISK


def test_forecast_of_a_share_stays_within_its_bounds():
    # 20 % of the customers lost in the first 3 days would be 200 % by the end of the month.
    rows = [{"date": D(2026, 10, 1), "client": "Sub", "customers_at_start": 100.0},
            {"date": D(2026, 10, 3), "client": "Sub", "customers_lost": 20.0}]
    g = Goal(client="Sub", kpi="CHURN_RATE", start=D(2026, 10, 1), end=D(2026, 10, 31), target=0.05, objective="x")
    result = evaluate_goal(g, ActualsView(Actuals.from_rows(rows), "Sub"), D(2026, 10, 3))
    assert result.forecast == 1.0


def test_progress_of_a_total_is_the_share_of_the_target_reached():
    # A baseline (20,000) does not change what share of the 31,000 has come in: 15,000 of it.
    result = run(goal(target=31_000.0, baseline=20_000.0), D(2026, 10, 15))
    assert result.progress == pytest.approx(15_000 / 31_000)


def test_progress_of_churn_is_read_on_the_forecast_for_the_window():
    # 3 of 1,000 lost in the first 10 days of October: 9.3 by the end, from a 1.0 % baseline
    # towards a 0.8 % target: the forecast is moving the wrong way (negative progress).
    rows = [{"date": D(2026, 10, 1), "client": "Sub", "customers_at_start": 1000.0},
            {"date": D(2026, 10, 10), "client": "Sub", "customers_lost": 3.0}]
    g = Goal(client="Sub", kpi="CHURN_RATE", start=D(2026, 10, 1), end=D(2026, 10, 31), baseline=0.01,
             target=0.008, objective="x")
    result = evaluate_goal(g, ActualsView(Actuals.from_rows(rows), "Sub"), D(2026, 10, 10))
    forecast = 0.003 * 31 / 10
    assert result.forecast == pytest.approx(forecast)
    assert result.progress == pytest.approx((forecast - 0.01) / (0.008 - 0.01))
