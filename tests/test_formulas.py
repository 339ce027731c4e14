"""Every KPI against worked examples from its published definition, with its zero and edge cases.

The examples are the ones the definitions' owners publish: Google Ads and Meta help pages for the
ad metrics, Bain for NPS, the standard churn, retention and CLV formulas.
"""

from __future__ import annotations

import math

import pytest

from kpi_xl.core import formulas as f
from kpi_xl.core.errors import DivisionByZeroError, InvalidValueError

WORKED_EXAMPLES = [
    # Google Ads: "5 clicks and 1,000 impressions, then your CTR would be 0.5%".
    ("google ads ctr", f.ctr, (5, 1000), 0.005),
    # Google Ads: CPM is the cost per 1,000 impressions; $5 for 2,500 impressions is a $2 CPM.
    ("google ads cpm", f.cpm, (5.0, 2500), 2.0),
    # Meta: CPM = amount spent / impressions x 1,000.
    ("meta cpm", f.cpm, (120.0, 48_000), 2.5),
    # Google Ads: two clicks costing $0.20 and $0.40 have an average CPC of $0.30.
    ("google ads avg cpc", f.cpc, (0.20 + 0.40, 2), 0.30),
    # Google Ads: "50 conversions from 1,000 interactions, your conversion rate would be 5%".
    ("google ads conversion rate", f.conversion_rate, (50, 1000), 0.05),
    # Google Ads: cost / conv. = cost / conversions.
    ("google ads cost per conversion", f.cpa, (800.0, 32), 25.0),
    ("meta engagement rate", f.engagement_rate, (300, 12_000), 0.025),
    ("bounce rate", f.bounce_rate, (42, 100), 0.42),
    ("avg session duration", f.avg_session_duration, (3 * 60 + 300, 2), 240.0),
    ("aov", f.aov, (10_000.0, 200), 50.0),
    ("cac", f.cac, (30_000.0, 600), 50.0),
    ("roi", f.roi, (15_000.0, 10_000.0), 0.5),
    ("roi loss", f.roi, (4_000.0, 10_000.0), -0.6),
    # Google Ads: $2,000 of revenue on $500 of ad spend is a ROAS of 400 % (4.0).
    ("roas", f.roas, (2000.0, 500.0), 4.0),
    # Baymard: 100 carts, 30 orders is a 70 % cart abandonment rate.
    ("cart abandonment", f.cart_abandonment_rate, (100, 30), 0.70),
    # Churn: 50 of the 1,000 customers at the start left.
    ("churn", f.churn_rate, (50, 1000), 0.05),
    # Retention: ((E - N) / S) x 100: 200 at start, 40 new, 220 at end -> 90 %.
    ("retention", f.retention_rate, (220, 40, 200), 0.9),
    ("purchase frequency", f.purchase_frequency, (1500, 600), 2.5),
    # CLV = AOV x purchase frequency x lifespan: $50 x 5 a year x 3 years = $750.
    ("clv", f.clv, (50.0, 5.0, 3.0), 750.0),
    ("clv with margin", f.clv, (50.0, 5.0, 3.0, 0.2), 150.0),
    # Bain: 70 % promoters, 20 % passives, 10 % detractors -> NPS 60.
    ("bain nps", f.nps, (70, 20, 10), 60.0),
    ("nps all detractors", f.nps, (0, 0, 25), -100.0),
    ("csat", f.csat, (45, 50), 0.9),
    ("avg rating", f.avg_rating, (22.0, 5), 4.4),
    ("response rate", f.response_rate, (90, 120), 0.75),
    ("avg response time", f.avg_response_time, (1800, 60), 30.0),
    ("fcr", f.fcr, (72, 90), 0.8),
    ("chat abandonment", f.chat_abandonment_rate, (12, 240), 0.05),
    # The Portuguese seed: 100 people with 300 interactions is three interactions each.
    ("interactions per user", f.interactions_per_user, (300, 100), 3.0),
    ("avg interaction time", f.avg_interaction_time, (7200, 40), 180.0),
    ("ab uplift", f.ab_uplift, (100, 2000, 120, 2000), 0.2),
]


@pytest.mark.parametrize(("case", "formula", "args", "expected"), WORKED_EXAMPLES, ids=[c[0] for c in WORKED_EXAMPLES])
def test_worked_example(case, formula, args, expected):
    assert formula(*args) == pytest.approx(expected, rel=1e-12)


ZERO_DENOMINATORS = [
    (f.cpm, (10.0, 0)), (f.ctr, (0, 0)), (f.cpc, (5.0, 0)), (f.engagement_rate, (3, 0)),
    (f.bounce_rate, (0, 0)), (f.avg_session_duration, (0, 0)), (f.conversion_rate, (0, 0)),
    (f.cpa, (100.0, 0)), (f.aov, (0, 0)), (f.cac, (1.0, 0)), (f.roi, (10.0, 0)), (f.roas, (10.0, 0)),
    (f.cart_abandonment_rate, (0, 0)), (f.churn_rate, (0, 0)), (f.retention_rate, (0, 0, 0)),
    (f.purchase_frequency, (3, 0)), (f.nps, (0, 0, 0)), (f.csat, (0, 0)), (f.avg_rating, (0, 0)),
    (f.response_rate, (0, 0)), (f.avg_response_time, (0, 0)), (f.fcr, (0, 0)),
    (f.chat_abandonment_rate, (0, 0)), (f.interactions_per_user, (5, 0)), (f.avg_interaction_time, (0, 0)),
    (f.ab_uplift, (0, 100, 5, 100)), (f.ab_test_p_value, (0, 100, 0, 100)), (f.ab_test_p_value, (0, 0, 1, 1)),
]


@pytest.mark.parametrize(("formula", "args"), ZERO_DENOMINATORS, ids=lambda v: getattr(v, "__name__", None))
def test_zero_denominator_raises_division_by_zero(formula, args):
    with pytest.raises(DivisionByZeroError):
        formula(*args)


IMPOSSIBLE = [
    ("negative cost", f.cpa, (-1.0, 10)),
    ("negative impressions", f.ctr, (1, -10)),
    ("nan", f.cpc, (math.nan, 1)),
    ("infinite", f.cpm, (math.inf, 1)),
    ("bounced more than sessions", f.bounce_rate, (11, 10)),
    ("lost more than had", f.churn_rate, (11, 10)),
    ("new more than at end", f.retention_rate, (10, 11, 10)),
    ("kept more than at start", f.retention_rate, (30, 5, 10)),
    ("completed more than carts", f.cart_abandonment_rate, (10, 11)),
    ("satisfied more than responses", f.csat, (6, 5)),
    ("resolved more than contacts", f.fcr, (6, 5)),
    ("answered more than received", f.response_rate, (6, 5)),
    ("abandoned more than started", f.chat_abandonment_rate, (6, 5)),
    ("margin above 1", f.clv, (50.0, 5.0, 3.0, 20.0)),
    ("negative margin", f.clv, (50.0, 5.0, 3.0, -0.1)),
    ("conversions above visitors", f.ab_test_p_value, (11, 10, 1, 10)),
    ("negative promoters", f.nps, (-1, 5, 5)),
]


@pytest.mark.parametrize(("case", "formula", "args"), IMPOSSIBLE, ids=[c[0] for c in IMPOSSIBLE])
def test_impossible_values_raise_invalid_value(case, formula, args):
    with pytest.raises(InvalidValueError):
        formula(*args)


def test_conversion_rate_may_exceed_one_when_a_visit_converts_twice():
    assert f.conversion_rate(120, 100) == 1.2


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([10, 9, 9, 8, 7, 6, 0], (3, 2, 2)),
        ([9.0, 10.0], (2, 0, 0)),
        ([6], (0, 0, 1)),
        ([], (0, 0, 0)),
    ],
)
def test_nps_counts_follow_bain_bands(scores, expected):
    assert f.nps_counts(scores) == expected


@pytest.mark.parametrize("bad", [11, -1, 7.5, math.nan])
def test_nps_scores_outside_0_to_10_are_refused(bad):
    with pytest.raises(InvalidValueError):
        f.nps_counts([9, bad])


@pytest.mark.parametrize(
    ("scores", "threshold", "scale_max", "expected"),
    [
        ([5, 4, 3, 2, 1], 4, 5, (2, 5)),
        ([7, 8, 9, 10], 9, 10, (2, 4)),
        ([3, 3], 3, 3, (2, 2)),
    ],
)
def test_csat_counts_top_box(scores, threshold, scale_max, expected):
    assert f.csat_counts(scores, threshold, scale_max) == expected


@pytest.mark.parametrize(
    ("scores", "threshold", "scale_max"),
    [([6], 4, 5), ([0], 4, 5), ([4], 6, 5), ([4], 0, 5), ([1], 1, 1)],
)
def test_csat_counts_refuse_answers_and_thresholds_off_the_scale(scores, threshold, scale_max):
    with pytest.raises(InvalidValueError):
        f.csat_counts(scores, threshold, scale_max)


def test_ab_test_p_value_matches_the_normal_distribution():
    # Two-proportion z-test: 200/1000 vs 250/1000, pooled p = 0.225, z = 2.677 -> p = 0.00742.
    pooled = 450 / 2000
    z = (0.25 - 0.20) / math.sqrt(pooled * (1 - pooled) * (2 / 1000))
    normal_tail = 0.5 * math.erfc(z / math.sqrt(2))
    assert f.ab_test_p_value(200, 1000, 250, 1000) == pytest.approx(2 * normal_tail)
    assert f.ab_test_p_value(200, 1000, 250, 1000) == pytest.approx(0.00742, abs=1e-5)
    # Symmetric: swapping A and B gives the same two-sided p-value.
    assert f.ab_test_p_value(250, 1000, 200, 1000) == pytest.approx(f.ab_test_p_value(200, 1000, 250, 1000))


def test_rates_over_periods_are_ratios_of_sums_not_averages_of_ratios():
    days = [(100.0, 1.0), (100.0, 9.0)]
    ratio_of_sums = f.cpa(sum(c for c, _ in days), sum(n for _, n in days))
    average_of_ratios = sum(f.cpa(c, n) for c, n in days) / len(days)
    assert ratio_of_sums == 20.0
    assert average_of_ratios != pytest.approx(ratio_of_sums)
