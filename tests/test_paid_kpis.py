"""Rule 3: ad-efficiency KPIs over all channels count only the channels with ad cost; MER is the
blended view; the channel table shows every channel and reconciles with its total row.

The figures are the issue's Café Serra Azul case in round numbers: Search and Social bought 3,060
of revenue with 1,500 of ads (ROAS 2.04); WhatsApp brought 1,600 more with no ad cost, which an
all-revenue ratio would have counted (4,660 / 1,500 = 3.11).
"""

from __future__ import annotations

import datetime as dt

import pytest

from kpi_xl import udfs
from kpi_xl.core.aggregate import ActualsView
from kpi_xl.core.model import Actuals, Client, Goal, Settings, WorkbookData
from kpi_xl.core.periods import Month
from kpi_xl.core.registry import get
from kpi_xl.report.context import build_report
from kpi_xl.report.format import MISSING

D = dt.date
OCTOBER = Month(2026, 10)
CAFE = "Café Serra Azul"
_ROWS = [
    {"channel": "Search", "cost": 1000.0, "revenue": 2040.0, "conversions": 40.0, "clicks": 800.0,
     "impressions": 20_000.0},
    {"channel": "Social", "cost": 500.0, "revenue": 1020.0, "conversions": 10.0, "clicks": 200.0,
     "impressions": 30_000.0},
    {"channel": "WhatsApp", "revenue": 1600.0, "conversions": 30.0},                 # no ad cost
    {"channel": "Email", "cost": 0.0, "revenue": 400.0, "conversions": 5.0, "clicks": 100.0},  # cost 0
    {"channel": "Survey", "promoters": 50.0, "passives": 30.0, "detractors": 20.0},  # no sales measure
]
ACTUALS = Actuals.from_rows([{"date": D(2026, 10, 15), "client": CAFE, **row} for row in _ROWS])
ALL = ActualsView(ACTUALS, CAFE)


@pytest.mark.parametrize(
    ("kpi", "expected"),
    [
        ("ROAS", 3060 / 1500),            # 2.04: Search + Social revenue over their cost
        ("CPA", 1500 / 50),               # 30.00: 1,500 over their 40 + 10 conversions, not 85
        ("CPC", 1500 / 1000),             # 1.50: over 800 + 200 clicks, not Email's 100 free ones
        ("CPM", 1500 / 50_000 * 1000),    # 30.00
        ("MER", 5060 / 1500),             # 3.37: every channel's revenue over all marketing cost
        ("REVENUE", 5060.0),              # totals count every channel
        ("ROI", (5060 - 1500) / 1500),    # blended, like MER
    ],
)
def test_ad_efficiency_over_all_channels_counts_only_paid_channels(kpi, expected):
    assert ALL.value(get(kpi), D(2026, 10, 1), D(2026, 10, 31)) == pytest.approx(expected)


@pytest.mark.parametrize(("channel", "roas"), [("Search", 2.04), ("WhatsApp", None), ("Email", None)])
def test_one_channel_without_ad_cost_has_no_roas(channel, roas):
    value = ActualsView(ACTUALS, CAFE, channel).value(get("ROAS"), D(2026, 10, 1), D(2026, 10, 31))
    assert value == (None if roas is None else pytest.approx(roas))


def test_kpi_mer_in_a_cell():
    assert udfs.KPI_MER([[2040.0], [1020.0], [1600.0]], [[1000.0], [500.0], [None]]) == pytest.approx(4660 / 1500)
    assert udfs.KPI_MER(100.0, 0.0) == "#DIV/0!"


def test_channel_table_shows_every_channel_and_reconciles():
    data = WorkbookData(
        clients={CAFE: Client(CAFE, ("a@example.com",), "en_US", "BRL")},
        goals=[Goal(client=CAFE, kpi="ROAS", start=OCTOBER.first_day, end=OCTOBER.last_day, target=2.0,
                    objective="x"),
               Goal(client=CAFE, kpi="REVENUE", start=OCTOBER.first_day, end=OCTOBER.last_day, target=5000.0,
                    objective="x")],
        actuals=ACTUALS, settings=Settings())
    from kpi_xl.core.goals import evaluate_goals

    report = build_report(data, CAFE, OCTOBER, "en_US", evaluate_goals(data, OCTOBER.last_day))
    table = report.stages[0].channels
    assert table.headers == ("Channel", "Return on ad spend (ROAS)", "Revenue")
    # Every channel with revenue or cost is a row (the survey feed has neither); ROAS is blank
    # where there is no ad cost, and the total's 2.04x is the paid rows' 3,060 / 1,500.
    assert table.rows == (
        ("Email", MISSING, "R$400.00"), ("Search", "2.04×", "R$2,040.00"), ("Social", "2.04×", "R$1,020.00"),
        ("WhatsApp", MISSING, "R$1,600.00"))
    assert table.total == ("All channels", "2.04×", "R$5,060.00")   # 400 + 2,040 + 1,020 + 1,600
