"""Rule 6: each KPI definition claims only what the code does; the claims are checked here."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi_xl.core.aggregate import ActualsView
from kpi_xl.core.model import Actuals
from kpi_xl.core.registry import PAID_KPIS, get
from kpi_xl.core.tracking import scale_to_window


@pytest.mark.parametrize(
    ("code", "says", "never_says"),
    [
        ("CONVERSION_RATE", "can pass 100%", "(Google Analytics' session conversion rate)"),
        ("ENGAGEMENT_RATE", "compare only rates on the same basis", "the basis Meta uses"),
        ("BOUNCE_RATE", "Google Analytics 4 the sessions that were not engaged", "without interacting"),
        ("CHURN_RATE", "quarterly 3%, monthly 1%", ""),
        ("RETENTION_RATE", "quarterly 97%, monthly 99%", ""),
        ("MER", "ROAS counts only the channels with ad cost", ""),
    ],
)
def test_definitions_say_what_is_done(code, says, never_says):
    kpi = get(code)
    text = f"{kpi.description} {kpi.variant}"
    assert says in text
    assert not never_says or never_says not in text


@pytest.mark.parametrize(
    ("code", "value", "fraction", "scaled"),
    [
        ("CHURN_RATE", 0.03, 1 / 3, 0.01),        # "quarterly 3%, monthly 1%": 3 % x 1/3
        ("RETENTION_RATE", 0.97, 1 / 3, 0.99),    # "quarterly 97%, monthly 99%": 1 - 3 % x 1/3
    ],
)
def test_the_documented_scaling_is_the_one_applied(code, value, fraction, scaled):
    assert scale_to_window(get(code), value, fraction) == pytest.approx(scaled)


def test_conversion_rate_in_the_workbook_counts_every_conversion_over_sessions():
    # One session that converts twice: 2 conversions / 1 session = 200 %, as the definition says.
    rows = Actuals.from_rows([{"date": dt.date(2026, 10, 1), "client": "A", "sessions": 1.0, "conversions": 2.0}])
    assert ActualsView(rows, "A").value(get("CONVERSION_RATE"), dt.date(2026, 10, 1), dt.date(2026, 10, 1)) == 2.0


def test_paid_kpis_are_the_ad_efficiency_ones():
    assert PAID_KPIS == {"ROAS", "CPA", "CPC", "CPM"}
    assert all(get(code).paid for code in PAID_KPIS) and not get("MER").paid and not get("CAC").paid
