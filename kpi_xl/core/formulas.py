"""The maths of every KPI, over totals.

Every function takes *totals* for a period or a range (sum of cost, sum of conversions) and returns
one number, so a rate over many rows is always a ratio of sums, never an average of per-row ratios:

>>> rows = [(100.0, 1.0), (100.0, 9.0)]          # (cost, conversions) per day
>>> cpa(sum(c for c, _ in rows), sum(n for _, n in rows))
20.0

(The average of the daily CPAs, (100 + 11.11) / 2 = 55.56, would be wrong.)

Bad totals raise the errors of :mod:`kpi_xl.core.errors`: a zero denominator raises
:class:`DivisionByZeroError`, a negative count or an impossible share :class:`InvalidValueError`.
Ratios are fractions (0.05 for 5 %); NPS is a number from -100 to 100.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from kpi_xl.core.errors import DivisionByZeroError, InvalidValueError

__all__ = [
    "ab_test_p_value",
    "ab_uplift",
    "amount",
    "aov",
    "avg_interaction_time",
    "avg_rating",
    "avg_response_time",
    "avg_session_duration",
    "bounce_rate",
    "cac",
    "cart_abandonment_rate",
    "chat_abandonment_rate",
    "churn_rate",
    "clv",
    "conversion_rate",
    "cpa",
    "cpc",
    "cpm",
    "csat",
    "csat_counts",
    "ctr",
    "engagement_rate",
    "fcr",
    "interactions_per_user",
    "mer",
    "nps",
    "nps_counts",
    "purchase_frequency",
    "rating_totals",
    "response_rate",
    "retention_rate",
    "roas",
    "roi",
]

_INF = math.inf


def amount(name: str, value: float) -> float:
    """A total that can't be negative (counts, money, seconds). NaN fails ``value >= 0`` too."""
    if not value >= 0.0 or value == _INF:
        raise InvalidValueError(name, value, "must be a finite number of zero or more")
    return value


def _divide(numerator: float, denominator: float, denominator_name: str) -> float:
    if denominator == 0.0:
        raise DivisionByZeroError(denominator_name)
    return numerator / denominator


def _share(part_name: str, part: float, whole_name: str, whole: float) -> float:
    """A part of a whole (bounced of sessions): the part can't be more than the whole."""
    amount(part_name, part)
    amount(whole_name, whole)
    if whole == 0.0:  # nothing to take a share of: #DIV/0!, even if the part is not zero
        raise DivisionByZeroError(whole_name)
    if part > whole:
        raise InvalidValueError(part_name, part, f"can't be more than {whole_name} ({whole:g})")
    return _divide(part, whole, whole_name)


def _per(numerator_name: str, numerator: float, denominator_name: str, denominator: float) -> float:
    return _divide(amount(numerator_name, numerator), amount(denominator_name, denominator), denominator_name)


# --- awareness -----------------------------------------------------------------------------------


def cpm(cost: float, impressions: float) -> float:
    """Cost per 1,000 impressions (Google Ads, Meta).

    >>> cpm(250.0, 100_000)
    2.5
    """
    return _divide(amount("cost", cost) * 1000.0, amount("impressions", impressions), "impressions")


def ctr(clicks: float, impressions: float) -> float:
    """Click-through rate: clicks / impressions (Google Ads: 5 clicks of 1,000 impressions is 0.5 %).

    >>> ctr(5, 1000)
    0.005
    """
    return _per("clicks", clicks, "impressions", impressions)


def cpc(cost: float, clicks: float) -> float:
    """Cost per click.

    >>> cpc(30.0, 12)
    2.5
    """
    return _per("cost", cost, "clicks", clicks)


def engagement_rate(engagements: float, audience: float) -> float:
    """Engagements (likes, comments, shares, saves) per person reached.

    >>> engagement_rate(45, 1500)
    0.03
    """
    return _per("engagements", engagements, "audience", audience)


def bounce_rate(bounced_sessions: float, sessions: float) -> float:
    """Share of sessions that left after one page without interacting.

    >>> bounce_rate(420, 1200)
    0.35
    """
    return _share("bounced_sessions", bounced_sessions, "sessions", sessions)


def avg_session_duration(total_seconds: float, sessions: float) -> float:
    """Average session duration in seconds.

    >>> avg_session_duration(18_000, 120)
    150.0
    """
    return _per("total_seconds", total_seconds, "sessions", sessions)


# --- conversion ----------------------------------------------------------------------------------


def conversion_rate(conversions: float, base: float) -> float:
    """Conversions per visitor, session, click or chat. Can exceed 100 % when one visitor converts twice.

    >>> conversion_rate(50, 1000)
    0.05
    """
    return _per("conversions", conversions, "base", base)


def cpa(cost: float, conversions: float) -> float:
    """Cost per acquisition (conversion).

    >>> cpa(1000.0, 40)
    25.0
    """
    return _per("cost", cost, "conversions", conversions)


def aov(revenue: float, orders: float) -> float:
    """Average order value.

    >>> aov(12_450.0, 150)
    83.0
    """
    return _per("revenue", revenue, "orders", orders)


def cac(acquisition_cost: float, new_customers: float) -> float:
    """Customer acquisition cost: all sales and marketing cost per new customer.

    >>> cac(5000.0, 125)
    40.0
    """
    return _per("acquisition_cost", acquisition_cost, "new_customers", new_customers)


def roi(revenue: float, cost: float) -> float:
    """Return on investment: (revenue - cost) / cost, a fraction (-1 when nothing came back).

    >>> roi(1500.0, 1000.0)
    0.5
    >>> roi(0.0, 1000.0)
    -1.0
    """
    return _divide(amount("revenue", revenue) - amount("cost", cost), cost, "cost")


def roas(revenue: float, ad_cost: float) -> float:
    """Return on ad spend: revenue per unit of ad cost (4.0 means 4 of revenue for each 1 spent).

    >>> roas(8000.0, 2000.0)
    4.0
    """
    return _per("revenue", revenue, "ad_cost", ad_cost)


def mer(revenue: float, marketing_cost: float) -> float:
    """Marketing efficiency ratio: all revenue per unit of all marketing cost (the blended ROAS).

    >>> mer(12_000.0, 3000.0)
    4.0
    """
    return _per("revenue", revenue, "marketing_cost", marketing_cost)


def cart_abandonment_rate(carts: float, completed_orders: float) -> float:
    """Share of carts created that did not end in an order: 1 - completed / carts.

    >>> cart_abandonment_rate(200, 50)
    0.75
    """
    return 1.0 - _share("completed_orders", completed_orders, "carts", carts)


# --- retention -----------------------------------------------------------------------------------


def churn_rate(customers_lost: float, customers_at_start: float) -> float:
    """Customer churn: customers lost in the period / customers at its start.

    >>> churn_rate(30, 600)
    0.05
    """
    return _share("customers_lost", customers_lost, "customers_at_start", customers_at_start)


def retention_rate(customers_at_end: float, new_customers: float, customers_at_start: float) -> float:
    """Customer retention rate: (customers at end - new customers) / customers at start.

    >>> retention_rate(1100, 200, 1000)
    0.9
    """
    amount("customers_at_end", customers_at_end)
    amount("new_customers", new_customers)
    kept = customers_at_end - new_customers
    if kept < 0:
        raise InvalidValueError("new_customers", new_customers, "can't be more than customers_at_end")
    return _share("customers_at_end - new_customers", kept, "customers_at_start", customers_at_start)


def purchase_frequency(orders: float, customers: float) -> float:
    """Orders per unique customer in the period.

    >>> purchase_frequency(300, 120)
    2.5
    """
    return _per("orders", orders, "customers", customers)


def clv(aov: float, purchase_frequency: float, lifespan: float, margin: float = 1.0) -> float:
    """Customer lifetime value: AOV x purchases per year x lifespan in years x gross margin.

    >>> clv(80.0, 3.0, 4.0)
    960.0
    >>> round(clv(80.0, 3.0, 4.0, 0.25), 2)
    240.0
    """
    amount("aov", aov)
    amount("purchase_frequency", purchase_frequency)
    amount("lifespan", lifespan)
    if not 0.0 <= margin <= 1.0:
        raise InvalidValueError("margin", margin, "must be a fraction from 0 to 1 (25% = 0.25)")
    return aov * purchase_frequency * lifespan * margin


# --- advocacy ------------------------------------------------------------------------------------


def nps(promoters: float, passives: float, detractors: float) -> float:
    """Net Promoter Score (Bain): % promoters - % detractors, from -100 to 100.

    >>> nps(60, 25, 15)
    45.0
    """
    total = amount("promoters", promoters) + amount("passives", passives) + amount("detractors", detractors)
    return _divide((promoters - detractors) * 100.0, total, "responses")


def nps_counts(scores: Iterable[float]) -> tuple[int, int, int]:
    """Promoters (9-10), passives (7-8) and detractors (0-6) among raw 0-10 answers.

    >>> nps_counts([10, 9, 8, 7, 6, 0])
    (2, 2, 2)
    """
    promoters = passives = detractors = 0
    for score in scores:
        if not (0 <= score <= 10 and score == int(score)):
            raise InvalidValueError("score", score, "must be a whole number from 0 to 10")
        if score >= 9:
            promoters += 1
        elif score >= 7:
            passives += 1
        else:
            detractors += 1
    return promoters, passives, detractors


def csat(satisfied: float, responses: float) -> float:
    """Customer satisfaction: share of responses that are satisfied (top-2 box).

    >>> csat(172, 200)
    0.86
    """
    return _share("satisfied", satisfied, "responses", responses)


def csat_counts(scores: Iterable[float], threshold: float = 4, scale_max: float = 5) -> tuple[int, int]:
    """Satisfied answers (``threshold`` or more) and all answers on a 1..``scale_max`` scale.

    >>> csat_counts([5, 4, 3, 5, 1])
    (3, 5)
    >>> csat_counts([9, 7, 10], threshold=8, scale_max=10)
    (2, 3)
    """
    if not 1 < scale_max < _INF:
        raise InvalidValueError("scale_max", scale_max, "must be more than 1")
    if not 1 <= threshold <= scale_max:
        raise InvalidValueError("threshold", threshold, f"must be on the 1 to {scale_max:g} scale")
    satisfied = responses = 0
    for score in scores:
        if not 1 <= score <= scale_max:
            raise InvalidValueError("score", score, f"must be on the 1 to {scale_max:g} scale")
        responses += 1
        satisfied += score >= threshold
    return satisfied, responses


def avg_rating(rating_points: float, ratings: float) -> float:
    """Average rating: sum of the ratings / number of ratings.

    >>> avg_rating(4.0 + 5.0 + 3.0, 3)
    4.0
    """
    return _per("rating_points", rating_points, "ratings", ratings)


def rating_totals(ratings: Iterable[float]) -> tuple[float, int]:
    """Sum and count of raw ratings, for :func:`avg_rating`; a negative rating is refused.

    >>> rating_totals([4, 5, 3.5])
    (12.5, 3)
    """
    values = [amount("rating", r) for r in ratings]
    return math.fsum(values), len(values)


# --- conversational ------------------------------------------------------------------------------


def response_rate(answered: float, received: float) -> float:
    """Share of received messages or chats that got an answer.

    >>> response_rate(188, 200)
    0.94
    """
    return _share("answered", answered, "received", received)


def avg_response_time(total_seconds: float, responses: float) -> float:
    """Average time to first response, in seconds.

    >>> avg_response_time(3600, 48)
    75.0
    """
    return _per("total_seconds", total_seconds, "responses", responses)


def fcr(resolved_first_contact: float, contacts: float) -> float:
    """First contact resolution: share of contacts resolved in the first interaction.

    >>> fcr(140, 200)
    0.7
    """
    return _share("resolved_first_contact", resolved_first_contact, "contacts", contacts)


def chat_abandonment_rate(abandoned: float, started: float) -> float:
    """Share of started conversations that the user left before the end.

    >>> chat_abandonment_rate(30, 400)
    0.075
    """
    return _share("abandoned", abandoned, "started", started)


def interactions_per_user(interactions: float, users: float) -> float:
    """Interactions per user: 300 interactions from 100 people is 3 each.

    >>> interactions_per_user(300, 100)
    3.0
    """
    return _per("interactions", interactions, "users", users)


def avg_interaction_time(total_seconds: float, conversations: float) -> float:
    """Average length of a conversation, in seconds.

    >>> avg_interaction_time(54_000, 600)
    90.0
    """
    return _per("total_seconds", total_seconds, "conversations", conversations)


# --- A/B tests -----------------------------------------------------------------------------------


def _rates(conversions_a: float, visitors_a: float, conversions_b: float, visitors_b: float):
    rate_a = _share("conversions_a", conversions_a, "visitors_a", visitors_a)
    rate_b = _share("conversions_b", conversions_b, "visitors_b", visitors_b)
    return rate_a, rate_b


def ab_test_p_value(conversions_a: float, visitors_a: float, conversions_b: float, visitors_b: float) -> float:
    """Two-sided p-value of the pooled two-proportion z-test (B against A).

    Below 0.05 the difference is significant at the usual 95 % level.

    >>> round(ab_test_p_value(200, 1000, 250, 1000), 4)
    0.0074
    >>> ab_test_p_value(50, 1000, 50, 1000)
    1.0
    """
    rate_a, rate_b = _rates(conversions_a, visitors_a, conversions_b, visitors_b)
    pooled = (conversions_a + conversions_b) / (visitors_a + visitors_b)
    variance = pooled * (1.0 - pooled) * (1.0 / visitors_a + 1.0 / visitors_b)
    # All or none converted on both sides: the test has no spread to measure against.
    z = _divide(rate_b - rate_a, math.sqrt(variance), "pooled standard error")
    return math.erfc(abs(z) / math.sqrt(2.0))


def ab_uplift(conversions_a: float, visitors_a: float, conversions_b: float, visitors_b: float) -> float:
    """Relative change of B's conversion rate over A's: 0.25 means B converts 25 % better.

    >>> ab_uplift(200, 1000, 250, 1000)
    0.25
    """
    _rates(conversions_a, visitors_a, conversions_b, visitors_b)
    # (cb/vb - ca/va) / (ca/va) without the two rounded divisions: exact for whole counts.
    return _divide(conversions_b * visitors_a - conversions_a * visitors_b,
                   conversions_a * visitors_b, "conversion rate of A")
