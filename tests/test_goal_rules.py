"""The rules of status and pace, one table per rule, each expectation worked out by hand in its comment.

Rules (README "SMART goals"): 1 pace of rates, averages and scores is the gap travelled from the
baseline against the gap due by now; totals keep the ratio. 2 expected totals follow last year's
daily split. 4 history begins at the client's first row. 7 a goal is final on its end date.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kpi_xl import udfs
from kpi_xl.core.aggregate import ActualsView
from kpi_xl.core.goals import evaluate_goal
from kpi_xl.core.model import Actuals, Goal, Settings
from kpi_xl.core.registry import get
from kpi_xl.core.tracking import Status, expected_and_pace

D = dt.date
Q4 = ("2026-10-01", "2026-12-31")     # 92 days; by 31 October 31 of them: share 31/92 = 0.33696
OCT = ("2026-10-01", "2026-10-31")    # 31 days; by the 16th: share 16/31 = 0.51613


def _days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


# --- rule 1: pace -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("args", "status"),
    [
        # The FCR: baseline 73.9 %, target 80 %. Due by 31 Oct: 6.1 x 31/92 = 2.06 points,
        # expected 75.96 %. At 72.8 % it has travelled -1.1 points: pace -1.1 / 2.06 = -0.53.
        ((0.728, 0.80, *Q4, "2026-10-31", "FCR", 0.739), "off_track"),
        ((0.760, 0.80, *Q4, "2026-10-31", "FCR", 0.739), "on_track"),    # 2.1 / 2.06 = 1.02
        ((0.758, 0.80, *Q4, "2026-10-31", "FCR", 0.739), "at_risk"),     # 1.9 / 2.06 = 0.92
        ((0.739, 0.80, *Q4, "2026-10-31", "FCR", 0.739), "off_track"),   # at the baseline: 0 travelled
        # CPA from 40 down to 30 over October: by the 16th 10 x 16/31 = 5.16 due.
        ((35.0, 30.0, *OCT, "2026-10-16", "CPA", 40.0), "on_track"),     # 5 / 5.16 = 0.97
        ((36.0, 30.0, *OCT, "2026-10-16", "CPA", 40.0), "off_track"),    # 4 / 5.16 = 0.78
        ((41.0, 30.0, *OCT, "2026-10-16", "CPA", 40.0), "off_track"),    # worse than the baseline: -0.19
        # NPS from -20 to -10 over Q4: 10 x 31/92 = 3.37 points due by 31 Oct.
        ((-17.0, -10.0, *Q4, "2026-10-31", "NPS", -20.0), "at_risk"),    # 3 / 3.37 = 0.89
        ((-16.0, -10.0, *Q4, "2026-10-31", "NPS", -20.0), "on_track"),   # 4 / 3.37 = 1.19
        ((-25.0, -10.0, *Q4, "2026-10-31", "NPS", -20.0), "off_track"),  # -5 / 3.37
        # ROI from -20 % to +20 % over October: 0.4 x 16/31 = 0.2065 due by the 16th; at 0 % 0.2
        # travelled: 0.97 (a ratio to the expected -0.6 % would mean nothing).
        ((0.0, 0.2, *OCT, "2026-10-16", "ROI", -0.2), "on_track"),
        ((-0.1, 0.2, *OCT, "2026-10-16", "ROI", -0.2), "off_track"),     # 0.1 / 0.2065 = 0.48
        # A target no better than its baseline has no gap to travel: the ratio to the target decides,
        # CPA 26 / 25.5 = 1.02.
        ((25.5, 26.0, *OCT, "2026-10-16", "CPA", 25.0), "on_track"),
        # Totals keep the ratio, baseline or not: 31,000 x 15/31 = 15,000 expected by the 15th.
        ((15_000.0, 31_000.0, *OCT, "2026-10-15", "REVENUE", 20_000.0), "on_track"),   # 1.00
        ((13_000.0, 31_000.0, *OCT, "2026-10-15", "REVENUE", 20_000.0), "at_risk"),    # 0.87
        ((12_000.0, 31_000.0, *OCT, "2026-10-15", "REVENUE"), "off_track"),            # 0.80
        # Rule 7: on its end date a goal is final, by the final value against the target.
        ((0.79, 0.80, *OCT, "2026-10-31", "FCR", 0.739), "missed"),
        ((0.80, 0.80, *OCT, "2026-10-31", "FCR", 0.739), "achieved"),
        ((0.797, 0.80, *OCT, "2026-10-30", "FCR", 0.739), "on_track"),   # the day before: 0.058 / (0.061 x 30/31)
        # Churn builds up: Q4 from 10.7 % to 10.31 %, 31/92 of it gone by 31 Oct. The status follows the
        # forecast (churn so far x 92/31) and its way from 10.7 % to 10.31 % (0.39 points):
        ((0.0358, 0.1031, *Q4, "2026-10-31", "CHURN_RATE", 0.107), "off_track"),  # 10.62 %: 0.08 / 0.39 = 0.21
        ((0.0347, 0.1031, *Q4, "2026-10-31", "CHURN_RATE", 0.107), "on_track"),   # 10.30 %: 0.40 / 0.39 = 1.03
        ((0.0349, 0.1031, *Q4, "2026-10-31", "CHURN_RATE", 0.107), "at_risk"),    # 10.36 %: 0.34 / 0.39 = 0.88
    ],
)
def test_status_follows_the_pace_rule(args, status):
    assert udfs.KPI_STATUS(*args) == status


@pytest.mark.parametrize(
    ("kpi", "actual", "target", "baseline", "share", "expected", "pace"),
    [
        ("FCR", 0.728, 0.80, 0.739, 31 / 92, 0.739 + 0.061 * 31 / 92, -0.011 / (0.061 * 31 / 92)),
        ("CPA", 35.0, 30.0, 40.0, 16 / 31, 40 - 10 * 16 / 31, 5 / (10 * 16 / 31)),
        ("CPA", 27.0, 30.0, None, 16 / 31, 30.0, 30 / 27),                 # no baseline: the ratio
        ("REVENUE", 15_000.0, 31_000.0, 20_000.0, 15 / 31, 15_000.0, 1.0),
        # Churn 1 % -> 0.8 % a month; 3 of 1,000 lost in 10 days. Baseline and target are monthly
        # levels: by now the target allows 0.8 % x 10/31 = 0.2581 %, the baseline's pace 1 % x 10/31 =
        # 0.3226 %. Pace (0.3 - 0.3226) / (0.2581 - 0.3226) = 0.35: the forecast, 0.3 % x 31/10 =
        # 0.93 %, is 35 % of the way from 1 % to 0.8 % - pace and forecast say the same.
        ("CHURN_RATE", 0.003, 0.008, 0.01, 10 / 31, 0.008 * 10 / 31, (0.003 - 0.01 * 10 / 31) / (0.002 * -10 / 31)),
        # Churn on target: 0.4 % in half the month forecasts 0.8 %, the target: pace exactly 1.
        ("CHURN_RATE", 0.004, 0.008, 0.01, 0.5, 0.004, 1.0),
        # Café Serra Azul (demo): Q4 churn from 10.7 % to 10.31 %; 3.58 % lost by 31 Oct (31/92 of Q4)
        # forecasts 3.58 x 92/31 = 10.62 %: 0.08 of the 0.39 points, pace 0.21 - not on track (it was 0.99).
        ("CHURN_RATE", 0.0358, 0.1031, 0.107, 31 / 92, 0.1031 * 31 / 92,
         (0.107 - 0.0358 * 92 / 31) / (0.107 - 0.1031)),
        # Retention 97 % -> 98 % a month; 0.8 % of the customers lost in 10 days. The target allows losing
        # 2 % x 10/31 = 0.6452 % by now (expected 99.355 %), the baseline 3 % x 10/31 = 0.9677 %.
        # Pace (0.9677 - 0.8) / (0.9677 - 0.6452) = 0.52: the forecast 1 - 0.8 x 31/10 % = 97.52 % is
        # 52 % of the way from 97 % to 98 %.
        ("RETENTION_RATE", 0.992, 0.98, 0.97, 10 / 31, 1 - 0.02 * 10 / 31,
         (0.03 * 10 / 31 - 0.008) / (0.03 * 10 / 31 - 0.02 * 10 / 31)),
        # Retention on target: 1 % lost in half the month forecasts 98 %, the target: pace 1.
        ("RETENTION_RATE", 0.99, 0.98, 0.97, 0.5, 0.99, 1.0),
        # NPS without a baseline, 2 points under a target of -5: 1 + (-2) / 5 = 0.6 (no ratio of negatives).
        ("NPS", -7.0, -5.0, None, 16 / 31, -5.0, 0.6),
    ],
)
def test_expected_and_pace(kpi, actual, target, baseline, share, expected, pace):
    assert expected_and_pace(get(kpi), actual, target, baseline, share) == pytest.approx((expected, pace))


def test_a_value_worse_than_its_baseline_is_never_on_track_and_progress_agrees():
    # FCR goal over Q4 from 73.9 % to 80 %, every actual from 70 % to 82 % on every day of October.
    rows = [{"date": D(2026, m, 1), "client": "C", "resolved_first_contact": 739.0, "contacts": 1000.0}
            for m in (7, 8, 9)]
    for actual in range(700, 821, 3):
        october = Actuals.from_rows([*rows, {"date": D(2026, 10, 1), "client": "C",
                                             "resolved_first_contact": float(actual), "contacts": 1000.0}])
        view = ActualsView(october, "C")
        goal = Goal(client="C", kpi="FCR", start=D(2026, 10, 1), end=D(2026, 12, 31), target=0.80, objective="x")
        for day in range(1, 32):
            result = evaluate_goal(goal, view, D(2026, 10, day))
            assert result.baseline == pytest.approx(0.739)
            if result.status is Status.ON_TRACK:
                assert actual / 1000 > 0.739 and result.progress > 0
            # pace is the progress over the share of the window elapsed, so the two never disagree
            assert result.pace == pytest.approx(result.progress / (day / 92))


# --- rule 2: seasonality ------------------------------------------------------------------------

def black_friday(last_year_daily: bool = True) -> ActualsView:
    """November 2025: 1,000 a day on the 1st-17th (17,000), 2,000 a day on the 18th-30th (26,000): 43,000,
    60 % of it after the 17th. November 2026 so far: 1,100 a day up to the 17th (18,700)."""
    rows = []
    if last_year_daily:
        rows += [{"date": day, "client": "Shop", "revenue": 1000.0 if day.day <= 17 else 2000.0}
                 for day in _days(D(2025, 11, 1), D(2025, 11, 30))]
    else:  # one monthly row, dated the last day
        rows += [{"date": D(2025, 11, 30), "client": "Shop", "revenue": 43_000.0},
                 {"date": D(2025, 10, 31), "client": "Shop", "revenue": 30_000.0}]
    rows += [{"date": day, "client": "Shop", "revenue": 1100.0} for day in _days(D(2026, 11, 1), D(2026, 11, 17))]
    return ActualsView(Actuals.from_rows(rows), "Shop")


NOVEMBER = Goal(client="Shop", kpi="REVENUE", start=D(2026, 11, 1), end=D(2026, 11, 30), target=47_300.0,
                objective="Black Friday")


@pytest.mark.parametrize(
    ("daily", "share", "status"),
    [
        # Last year's days: 17,000 of 43,000 by the 17th, share 0.395; expected 47,300 x 17/43 = 18,700,
        # exactly the actual: pace 1.00. Forecast 18,700 / (17/43) = 47,300.
        (True, 17 / 43, Status.ON_TRACK),
        # Monthly rows say nothing about the days inside the month: by days, 17/30 = 0.567; expected
        # 26,803, pace 18,700 / 26,803 = 0.70.
        (False, 17 / 30, Status.OFF_TRACK),
    ],
)
def test_black_friday_splits_november_by_last_years_days(daily, share, status):
    result = evaluate_goal(NOVEMBER, black_friday(daily), D(2026, 11, 17))
    assert result.actual == 18_700.0
    assert result.elapsed == pytest.approx(share)
    assert result.expected == pytest.approx(47_300 * share)
    assert result.forecast == pytest.approx(18_700 / share)
    assert result.status is status


def test_a_year_without_history_is_split_by_days():
    view = black_friday()
    goal = Goal(client="Shop", kpi="REVENUE", start=D(2025, 11, 1), end=D(2025, 11, 30), target=40_000.0,
                objective="x")
    assert evaluate_goal(goal, view, D(2025, 11, 17)).elapsed == pytest.approx(17 / 30)


# --- rule 4: history begins at the first row ----------------------------------------------------

def from_day(first: dt.date, channel: str = "Web") -> Actuals:
    """100 of revenue and 2 % conversion a day from ``first`` to 2026-10-15."""
    return Actuals.from_rows([{"date": day, "client": "New", "channel": channel, "revenue": 100.0,
                               "sessions": 500.0, "conversions": 10.0} for day in _days(first, D(2026, 10, 15))])


@pytest.mark.parametrize(
    ("first", "kpi", "baseline", "finding"),
    [
        # From 1 August: August and September, 61 days x 100 = 6,100, scaled to October's 31 days:
        # 6,100 x 31/61 = 3,100. Counting July as zero would have said 6,100 x 31/92 = 2,055.
        (D(2026, 8, 1), "REVENUE", 3100.0, "History is short: the baseline covers the 61 days of data"),
        (D(2026, 8, 1), "CONVERSION_RATE", 0.02, "History is short"),     # a rate is not scaled
        (D(2026, 7, 1), "REVENUE", 3100.0, None),                          # 92 days x 100 x 31/92
        # From 10 September: 21 days is less than the 28 a baseline needs.
        (D(2026, 9, 10), "REVENUE", None, "Too little history for a baseline (21 days before the start)"),
        (D(2026, 10, 1), "REVENUE", None, "Too little history for a baseline (0 days before the start)"),
    ],
)
def test_history_begins_at_the_first_row(first, kpi, baseline, finding):
    goal = Goal(client="New", kpi=kpi, start=D(2026, 10, 1), end=D(2026, 10, 31), improvement=0.1, objective="x")
    result = evaluate_goal(goal, ActualsView(from_day(first), "New"), D(2026, 10, 15))
    assert result.baseline == (None if baseline is None else pytest.approx(baseline))
    texts = [f.text(fmt=lambda q: f"{q.value:g} {q.unit}") for f in result.findings]
    if finding:
        assert any(finding in t for t in texts)
    else:
        assert not any(t.startswith(("History is short", "Too little history")) for t in texts)


def test_a_channel_started_later_counts_from_the_clients_first_row():
    # The client's Search rows start 1 July; Social starts 1 August. Social's July is a month with
    # no Social activity (zero), not unknown: 6,100 over the 92 days, x 31/92 = 2,055.43.
    rows = from_day(D(2026, 7, 1), "Search")
    social = from_day(D(2026, 8, 1), "Social")
    both = Actuals.from_rows(
        [{"date": d, "client": "New", "channel": ch, "revenue": r}
         for a in (rows, social) for d, ch, r in zip(a.dates, a.channels, a.measures["revenue"], strict=True)])
    goal = Goal(client="New", kpi="REVENUE", channel="Social", start=D(2026, 10, 1), end=D(2026, 10, 31),
                improvement=0.1, objective="x")
    result = evaluate_goal(goal, ActualsView(both, "New", "Social"), D(2026, 10, 15))
    assert result.baseline == pytest.approx(6100 * 31 / 92)


def test_same_period_last_year_needs_last_years_window():
    goal = Goal(client="New", kpi="REVENUE", start=D(2026, 10, 1), end=D(2026, 10, 31), improvement=0.1,
                objective="x")
    result = evaluate_goal(goal, ActualsView(from_day(D(2026, 8, 1)), "New"), D(2026, 10, 15),
                           Settings(baseline_method="same_period_last_year"))
    assert (result.baseline, result.target) == (None, None)
    assert any("same window last year" in f.text() for f in result.findings)


def test_losses_recorded_monthly_among_daily_rows_are_spread_over_their_month():
    # Daily ad rows every day, but customers lost recorded once a month on its last day (30 in each of
    # October, November, December last year). On 21 November a Q4 churn goal is (30 + 30 x 21/30) / 90
    # through its window, not 30 / 90 (which the daily rows alone would suggest: nothing lost by the 21st).
    rows = [{"date": day, "client": "Sub", "channel": "Search", "cost": 10.0}
            for day in _days(D(2025, 10, 1), D(2026, 11, 21))]
    for year, month, last in [(2025, 10, 31), (2025, 11, 30), (2025, 12, 31), (2026, 10, 31)]:
        rows.append({"date": D(year, month, 1), "client": "Sub", "channel": "CRM", "customers_at_start": 1000.0})
        rows.append({"date": D(year, month, last), "client": "Sub", "channel": "CRM", "customers_lost": 30.0})
    goal = Goal(client="Sub", kpi="CHURN_RATE", start=D(2026, 10, 1), end=D(2026, 12, 31), target=0.09,
                objective="x")
    result = evaluate_goal(goal, ActualsView(Actuals.from_rows(rows), "Sub"), D(2026, 11, 21))
    assert result.elapsed == pytest.approx((30 + 30 * 21 / 30) / 90)


# --- the README says what the code does ---------------------------------------------------------

def test_the_readme_rules_are_the_ones_the_code_generates():
    from pathlib import Path

    from kpi_xl import docs

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert docs.status_rules_section() in readme, "README is stale: run python -m kpi_xl.docs"


@pytest.mark.parametrize(
    ("line", "status"),
    [
        # The README's worked examples, each checked against the arithmetic in this file's tables.
        ("| `FCR` | 73.9 % | 80 % | 2026-10-01 to 2026-12-31 | 2026-10-31 | 72.8 % | 75.96 % | -0.54 |", "off_track"),
        ("| `CPA` | 40 | 30 | 2026-10-01 to 2026-10-31 | 2026-10-16 | 35 | 34.84 | 0.97 |", "on_track"),
        ("| `REVENUE` | – | 31,000 | 2026-10-01 to 2026-10-31 | 2026-10-15 | 13,000 | 15,000 | 0.87 |", "at_risk"),
        ("| `FCR` | 73.9 % | 80 % | 2026-10-01 to 2026-10-31 | 2026-10-31 | 79 % | – | – |", "missed"),
    ],
)
def test_the_readme_examples_match_the_hand_computed_ones(line, status):
    from kpi_xl import docs

    assert f"{line} `{status}` |" in docs.status_rules_section()
