"""How far a goal is from plan, in words a client can use: a rate's gap in its own values (its pace
is a gap travelled, a ratio that reads as "653 %"), a total's as a bounded percentage, a goal past
its target said so. Expectations worked out by hand in the comments."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from functools import cache
from pathlib import Path

import pytest
from report_fixtures import CLIENT, PERIOD, make_workbook

from kpi_xl.core.goals import evaluate_goals
from kpi_xl.core.model import Goal
from kpi_xl.core.periods import Month
from kpi_xl.report.context import build_report
from kpi_xl.report.format import normalize_spaces
from kpi_xl.workbook.read import read_workbook

d = dt.date
OCT_NOV = (d(2026, 10, 1), d(2026, 11, 30))   # 61 days; by 31 October 31 of them
Q4 = (d(2026, 10, 1), d(2026, 12, 31))        # 92 days; by 31 October 31 of them


def _texts(goal: Goal, as_of: dt.date = PERIOD.last_day):
    data = dataclasses.replace(make_workbook("en_US"), goals=[goal])
    report = build_report(data, CLIENT, PERIOD, "en_US", evaluate_goals(data, as_of, CLIENT), as_of=as_of)
    return [normalize_spaces(t) for t in (*report.wins, *report.risks)], normalize_spaces(report.goals[0].progress)


# The test workbook's October: CPA on Search 7,200 / 800 = 9.00; CTR on Social 2,250 / 150,000 = 1.50 %;
# 1,234 conversions, on a row dated 1 October (so a window's share is spread over its days).
@pytest.mark.parametrize(
    ("goal", "as_of", "text", "progress"),
    [
        # CPA 10 -> 7 over October-November: due by now 10 - 3 x 31/61 = 8.48; at 9.00 it is 0.52 worse.
        # Progress (9 - 10) / (7 - 10) = 33 %.
        (Goal(CLIENT, "CPA", *OCT_NOV, channel="Search", baseline=10.0, target=7.0), PERIOD.last_day,
         "Cost per acquisition (CPA) – Search: $9.00, $0.52 worse than the $8.48 expected by now; target $7.00.",
         "33%"),
        # CPA 10 -> 8.5: due 10 - 1.5 x 31/61 = 9.24; 9.00 is 0.24 better (pace 1 / 0.76 = 1.31, on track).
        # Progress 1 / 1.5 = 67 %.
        (Goal(CLIENT, "CPA", *OCT_NOV, channel="Search", baseline=10.0, target=8.5), PERIOD.last_day,
         "Cost per acquisition (CPA) – Search: $9.00, $0.24 better than the $9.24 expected by now.", "67%"),
        # CPA 10 -> 9.60: 9.00 already beats the target (progress 1 / 0.4 = 250 %: said in words).
        (Goal(CLIENT, "CPA", *OCT_NOV, channel="Search", baseline=10.0, target=9.6), PERIOD.last_day,
         "Cost per acquisition (CPA) – Search: $9.00, already better than the target of $9.60.",
         "past the target so far"),
        # CTR 1.4 % -> 2.0 % over Q4: due 1.4 + 0.6 x 31/92 = 1.602 %; 1.50 % is 0.10 points short.
        # Progress 0.1 / 0.6 = 17 %.
        (Goal(CLIENT, "CTR", *Q4, channel="Social", baseline=0.014, target=0.02), PERIOD.last_day,
         "Click-through rate (CTR) – Social: 1.50%, 0.10 percentage points worse than the 1.60% expected by "
         "now; target 2.00%.", "17%"),
        # Conversions 5,000 in October, as of the 15th: 5,000 x 15/31 = 2,419 due; 1,234 is 51 % of it,
        # 49 % behind. Progress 1,234 / 5,000 = 25 %.
        (Goal(CLIENT, "CONVERSIONS", d(2026, 10, 1), d(2026, 10, 31), target=5000.0), d(2026, 10, 15),
         "Conversions: 49% behind plan, 1,234 against 2,419 expected by now; forecast 2,550 for a target "
         "of 5,000.", "25%"),
        # Conversions 1,250: 1,250 x 15/31 = 604.8 due; 1,234 is 2.04 times that: more than 100 % ahead,
        # so the amount is said, 1,234 - 604.8 = 629. Progress 1,234 / 1,250 = 99 %.
        (Goal(CLIENT, "CONVERSIONS", d(2026, 10, 1), d(2026, 10, 31), target=1250.0), d(2026, 10, 15),
         "Conversions: 629 ahead of plan, 1,234 against 605 expected by now.", "99%"),
    ],
)
def test_gap_in_the_kpis_own_values(goal, as_of, text, progress):
    goal = dataclasses.replace(goal, objective="x", source="Goals!A2")
    texts, shown = _texts(goal, as_of)
    assert texts == [text]
    assert shown == progress


# --- the demo: no percentage above 100 % in what the client reads first --------------------------

DEMO = Path(__file__).resolve().parent.parent / "workbooks" / "demo.xlsx"


def _percentages(text: str) -> list[float]:
    """Every percentage in ``text`` as a number, whatever the locale's separators: "1187%", "653 %",
    "1.187,5 %", "12,5%". A decimal part has one or two digits; a group has three."""
    values = []
    for match in re.finditer(r"(\d[\d.,\u00a0\u202f ]*?)\s?%", normalize_spaces(text)):
        number = match.group(1).strip()
        whole, _, decimals = number.rpartition(",") if re.search(r",\d{1,2}$", number) else \
            number.rpartition(".") if re.search(r"\.\d{1,2}$", number) else (number, "", "")
        values.append(float(re.sub(r"\D", "", whole) + "." + (decimals or "0")))
    return values


def test_percentages_are_read_whatever_the_separators():
    assert _percentages("1187% and 653 % and 1.187,5 % and 12,5% and 2.04% and 0,10 p.p.") == \
        [1187.0, 653.0, 1187.5, 12.5, 2.04]


@cache
def _demo():
    return read_workbook(DEMO)


@pytest.mark.each_locale
@pytest.mark.parametrize(("period", "as_of"), [(Month(2026, 10), d(2026, 10, 31)), (Month(2026, 11), None)])
def test_no_demo_summary_reads_more_than_100_percent(locale, period, as_of):
    data = _demo()
    if as_of is None:   # the month in progress: data to the last Actuals row
        as_of = data.actuals.latest_date
    seen = 0
    for client in data.clients:
        report = build_report(data, client, period, locale, evaluate_goals(data, as_of, client), as_of=as_of)
        texts = [report.summary_sentence, *(c.text for c in report.counts), *report.wins, *report.risks,
                 *(g.progress for g in report.goals)]
        seen += len(report.wins) + len(report.risks)
        for text in texts:
            assert all(value <= 100 for value in _percentages(text)), text
    assert seen >= 8   # the demo has wins and risks to read in every language


# --- churn's bar: the forecast's way, with its "on plan" tick ---------------------------------------

def test_churn_bar_has_its_on_plan_tick_and_says_so():
    # Q4 churn goal from 3 % to 2.4 %; 1,000 customers on 1 October, 9 lost by the 31st (no history
    # last year: the share is by days, 31/92). Forecast 0.9 % x 92/31 = 2.671 %: (3 - 2.671) / 0.6 =
    # 55 % of the way. On plan, the forecast is at the target: the tick stands at the bar's end.
    base = make_workbook("en_US")
    rows = [{"date": d(2026, 10, 1), "client": CLIENT, "channel": "CRM", "customers_at_start": 1000.0},
            {"date": d(2026, 10, 15), "client": CLIENT, "channel": "CRM", "customers_lost": 9.0}]
    data = dataclasses.replace(base, actuals=type(base.actuals).from_rows(rows), goals=[
        Goal(CLIENT, "CHURN_RATE", *Q4, baseline=0.03, target=0.024, objective="Keep subscribers",
             source="Goals!A2")])
    [status] = evaluate_goals(data, PERIOD.last_day, CLIENT)
    assert status.forecast == pytest.approx(0.009 * 92 / 31)
    assert status.pace == pytest.approx(status.progress) == pytest.approx((0.03 - 0.009 * 92 / 31) / 0.006)
    [row] = build_report(data, CLIENT, PERIOD, "en_US", [status]).goals
    assert row.progress == "55%"
    assert ('aria-label="Progress toward the target, by the forecast for the window: 55%; on plan: 100%."'
            in row.bar)
    assert 'x1="60"' in row.bar or 'x1="60.0"' in row.bar    # the tick at the end of the 60-wide bar
