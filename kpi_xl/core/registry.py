"""The KPI registry: one definition per KPI, the single source for UDFs, docs, reports and catalogs.

>>> kpi = get("cpa")
>>> kpi.code, kpi.unit.value, kpi.direction.value, kpi.stage.value
('CPA', 'currency', 'lower', 'conversion')
>>> kpi.formula_text()
'cost / conversions'
>>> kpi.compute(1000.0, 40.0)
25.0
>>> kpi.lower_is_better
True

Names, descriptions and variant notes are English gettext message ids marked with ``N_`` so that
``pybabel extract`` collects them; the edges translate them (see :mod:`kpi_xl.i18n`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from kpi_xl.core import formulas as f
from kpi_xl.core.errors import UnknownKpiError

__all__ = [
    "DIRECTION_NAMES",
    "KPIS",
    "MEASURES",
    "N_",
    "PAID_KPIS",
    "PAID_NOTE",
    "PARAM_LABELS",
    "STAGE_NAMES",
    "UNIT_NAMES",
    "Aggregation",
    "Direction",
    "Kpi",
    "Measure",
    "Stage",
    "Unit",
    "formula_params",
    "get",
    "label_of",
]


def N_(message: str) -> str:
    """Marks a string for extraction into the catalog; translation happens at the edges."""
    return message


class Unit(enum.Enum):
    CURRENCY = "currency"   # money in the client's currency
    PERCENT = "percent"     # a fraction shown as a percentage (0.05 -> 5 %)
    RATIO = "ratio"         # a multiplier (ROAS 4.0 -> 4.0x)
    COUNT = "count"         # a plain number (orders per customer)
    SECONDS = "seconds"     # a duration
    SCORE = "score"         # a point on a scale (NPS -100..100, rating 1..5)


class Direction(enum.Enum):
    HIGHER = "higher"
    LOWER = "lower"


class Stage(enum.Enum):
    """Funnel stages, in funnel order."""

    AWARENESS = "awareness"
    CONVERSION = "conversion"
    RETENTION = "retention"
    ADVOCACY = "advocacy"
    CONVERSATIONAL = "conversational"


UNIT_NAMES = {
    Unit.CURRENCY: N_("currency"),
    Unit.PERCENT: N_("percent"),
    Unit.RATIO: N_("ratio"),
    Unit.COUNT: N_("count"),
    Unit.SECONDS: N_("seconds"),
    Unit.SCORE: N_("score"),
}
DIRECTION_NAMES = {
    Direction.HIGHER: N_("higher is better"),
    Direction.LOWER: N_("lower is better"),
}
STAGE_NAMES = {
    Stage.AWARENESS: N_("Awareness"),
    Stage.CONVERSION: N_("Conversion"),
    Stage.RETENTION: N_("Retention"),
    Stage.ADVOCACY: N_("Advocacy"),
    Stage.CONVERSATIONAL: N_("Conversational"),
}


class Aggregation(enum.Enum):
    """How a measure's daily or monthly rows combine into a period's value."""

    SUM = "sum"      # flows: cost, clicks, orders
    FIRST = "first"  # stocks at the start of the period: customers_at_start
    LAST = "last"    # stocks at the end of the period: customers_at_end


@dataclass(frozen=True, slots=True)
class Measure:
    """A base measure: one column of the Actuals table, one argument of the KPI functions."""

    name: str
    label: str
    aggregation: Aggregation = Aggregation.SUM


@dataclass(frozen=True, slots=True)
class Kpi:
    """One KPI. ``params`` are the Excel function's arguments, ``measures`` the Actuals columns
    each argument is read from when the KPI is tracked from the workbook (empty: not trackable from
    rows, like CLV whose inputs are themselves KPIs)."""

    code: str
    name: str
    description: str
    stage: Stage
    unit: Unit
    direction: Direction
    params: tuple[str, ...]
    formula: str
    compute: Callable[..., float] = field(repr=False, compare=False)
    measures: tuple[str, ...] = ()
    variant: str = ""
    bounds: tuple[float | None, float | None] = (0.0, None)  # the values the KPI can take
    # How the value depends on the window's length: "" not at all (CPA), "grows" from 0 as the
    # window goes on (revenue, churn: lost customers pile up), "shrinks" from 1 (retention).
    accrual: str = ""
    # Ad efficiency (ROAS, CPA, CPC, CPM): over all channels, only the channels with ad cost count.
    paid: bool = False

    @property
    def lower_is_better(self) -> bool:
        return self.direction is Direction.LOWER

    @property
    def cumulative(self) -> bool:
        """A total that grows through the period (revenue), not a rate: its formula is one measure."""
        return _PLACEHOLDER.fullmatch(self.formula) is not None

    @property
    def function_name(self) -> str:
        return f"KPI_{self.code}"

    @property
    def function_takes_totals(self) -> bool:
        """Whether ``=KPI_<code>`` exists and takes the KPI's measures' totals in order: a total such as
        Revenue has no function of its own, Average rating's takes the ratings themselves."""
        return not self.cumulative and self.code not in _RAW_VALUE_FUNCTIONS

    def formula_text(self, label: Callable[[str], str] = str) -> str:
        """The formula with each ``{param}`` replaced by ``label(param)`` (a translated name)."""
        return _PLACEHOLDER.sub(lambda m: label(m.group(1)), self.formula)


def _with_bounds(kpi: Kpi) -> Kpi:
    """Shares of a whole can't pass 100 %; NPS runs from -100 to 100; ROI can't lose more than all.
    Totals, churn and retention depend on the window's length (see ``Kpi.accrual``)."""
    if kpi.code in PAID_KPIS:
        return replace(kpi, paid=True)
    if kpi.cumulative:
        return replace(kpi, accrual="grows")
    if kpi.code == "CHURN_RATE":
        return replace(kpi, bounds=(0.0, 1.0), accrual="grows")
    if kpi.code == "RETENTION_RATE":
        return replace(kpi, bounds=(0.0, 1.0), accrual="shrinks")
    if kpi.code == "NPS":
        return replace(kpi, bounds=(-100.0, 100.0))
    if kpi.code == "ROI":
        return replace(kpi, bounds=(-1.0, None))
    if kpi.code in _SHARES:
        return replace(kpi, bounds=(0.0, 1.0))
    return kpi


#: Ad-efficiency KPIs: over all channels they count only the channels with ad cost in the window.
PAID_KPIS = frozenset({"ROAS", "CPA", "CPC", "CPM"})
#: What the report and the README add to a paid KPI's definition.
PAID_NOTE = N_("Over all channels, only the channels with ad cost in the period count: the revenue, "
               "conversions, clicks and impressions of channels without ad spend are left out (MER "
               "takes them all).")

_SHARES = frozenset({
    "CTR", "BOUNCE_RATE", "CART_ABANDONMENT_RATE", "CHURN_RATE", "RETENTION_RATE", "CSAT",
    "RESPONSE_RATE", "FCR", "CHAT_ABANDONMENT_RATE",
})


_PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: KPIs whose Excel function takes the raw values (a range of ratings), not the measures' totals.
_RAW_VALUE_FUNCTIONS = frozenset({"AVG_RATING"})

_M = Measure
_MEASURE_LIST = [
    _M("cost", N_("cost")),
    _M("impressions", N_("impressions")),
    _M("reach", N_("reach")),
    _M("clicks", N_("clicks")),
    _M("engagements", N_("engagements")),
    _M("sessions", N_("sessions")),
    _M("bounced_sessions", N_("bounced sessions")),
    _M("session_seconds", N_("session seconds")),
    _M("conversions", N_("conversions")),
    _M("orders", N_("orders")),
    _M("revenue", N_("revenue")),
    _M("new_customers", N_("new customers")),
    _M("carts", N_("carts")),
    _M("customers", N_("customers")),
    _M("customers_at_start", N_("customers at start"), Aggregation.FIRST),
    _M("customers_at_end", N_("customers at end"), Aggregation.LAST),
    _M("customers_lost", N_("customers lost")),
    _M("promoters", N_("promoters")),
    _M("passives", N_("passives")),
    _M("detractors", N_("detractors")),
    _M("satisfied", N_("satisfied responses")),
    _M("survey_responses", N_("survey responses")),
    _M("rating_points", N_("rating points")),
    _M("ratings", N_("ratings")),
    _M("chats", N_("chats")),
    _M("chats_answered", N_("chats answered")),
    _M("response_seconds", N_("response seconds")),
    _M("chat_responses", N_("chat responses")),
    _M("resolved_first_contact", N_("resolved at first contact")),
    _M("contacts", N_("contacts")),
    _M("chats_abandoned", N_("chats abandoned")),
    _M("interactions", N_("interactions")),
    _M("chat_users", N_("chat users")),
    _M("chat_seconds", N_("chat seconds")),
]
MEASURES: Mapping[str, Measure] = MappingProxyType({m.name: m for m in _MEASURE_LIST})

# Argument names used by the functions but not Actuals columns, with their labels for formulas.
PARAM_LABELS: Mapping[str, str] = MappingProxyType({
    "audience": N_("audience"),
    "total_seconds": N_("total seconds"),
    "base": N_("visitors, sessions, clicks or chats"),
    "acquisition_cost": N_("acquisition cost"),
    "ad_cost": N_("ad cost"),
    "marketing_cost": N_("marketing cost"),
    "completed_orders": N_("completed orders"),
    "aov": N_("average order value"),
    "purchase_frequency": N_("purchase frequency"),
    "lifespan": N_("lifespan in years"),
    "margin": N_("gross margin"),
    "responses": N_("responses"),
    "answered": N_("answered"),
    "received": N_("received"),
    "abandoned": N_("abandoned"),
    "started": N_("started"),
    "users": N_("users"),
    "conversations": N_("conversations"),
})


def _total(value: float) -> float:
    """A cumulative KPI is its measure's total (in Excel: SUM)."""
    return f.amount("total", value)


def _kpis() -> list[Kpi]:
    # One-letter stage names keep the table below readable.
    A, C, R, D, T = (  # noqa: N806
        Stage.AWARENESS, Stage.CONVERSION, Stage.RETENTION, Stage.ADVOCACY, Stage.CONVERSATIONAL)
    cur, pct, rat, cnt, sec, sco = Unit.CURRENCY, Unit.PERCENT, Unit.RATIO, Unit.COUNT, Unit.SECONDS, Unit.SCORE
    hi, lo = Direction.HIGHER, Direction.LOWER
    return [
        Kpi("CPM", N_("Cost per mille (CPM)"), N_("What 1,000 ad impressions cost."),
            A, cur, lo, ("cost", "impressions"), "{cost} / {impressions} × 1000", f.cpm,
            ("cost", "impressions")),
        Kpi("CTR", N_("Click-through rate (CTR)"), N_("Share of ad impressions that led to a click."),
            A, pct, hi, ("clicks", "impressions"), "{clicks} / {impressions}", f.ctr, ("clicks", "impressions"),
            N_("Clicks over impressions, as Google Ads and Meta report it; not over reach (unique "
               "people), which would mix two ad servers' ways of counting people.")),
        Kpi("CPC", N_("Cost per click (CPC)"), N_("What one click on an ad costs on average."),
            A, cur, lo, ("cost", "clicks"), "{cost} / {clicks}", f.cpc, ("cost", "clicks")),
        Kpi("ENGAGEMENT_RATE", N_("Engagement rate"),
            N_("Likes, comments, shares and saves per person reached."),
            A, pct, hi, ("engagements", "audience"), "{engagements} / {audience}", f.engagement_rate,
            ("engagements", "reach"),
            N_("Engagements over reach (people who saw the content). Platforms and tools also divide by "
               "impressions or followers, and over impressions the rate falls whenever frequency rises: "
               "compare only rates on the same basis.")),
        Kpi("BOUNCE_RATE", N_("Bounce rate"), N_("Share of sessions counted as bounced."),
            A, pct, lo, ("bounced_sessions", "sessions"), "{bounced_sessions} / {sessions}", f.bounce_rate,
            ("bounced_sessions", "sessions"),
            N_("Bounced sessions as your analytics tool counts them: in Google Analytics 4 the sessions "
               "that were not engaged (under 10 seconds, one page view and no key event); in Universal "
               "Analytics, single-page sessions. The two are not comparable.")),
        Kpi("AVG_SESSION_DURATION", N_("Average session duration"),
            N_("How long a visit to the site lasts on average."),
            A, sec, hi, ("total_seconds", "sessions"), "{total_seconds} / {sessions}", f.avg_session_duration,
            ("session_seconds", "sessions")),
        Kpi("SESSIONS", N_("Sessions"), N_("Visits to the site or app."),
            A, cnt, hi, ("sessions",), "{sessions}", _total, ("sessions",)),
        Kpi("CONVERSIONS", N_("Conversions"), N_("Purchases, sign-ups or leads: the actions a campaign is for."),
            C, cnt, hi, ("conversions",), "{conversions}", _total, ("conversions",)),
        Kpi("REVENUE", N_("Revenue"), N_("Sales revenue attributed to marketing."),
            C, cur, hi, ("revenue",), "{revenue}", _total, ("revenue",)),
        Kpi("NEW_CUSTOMERS", N_("New customers"), N_("Customers who bought for the first time."),
            C, cnt, hi, ("new_customers",), "{new_customers}", _total, ("new_customers",)),
        Kpi("CONVERSION_RATE", N_("Conversion rate"),
            N_("Conversions per visitor, session, click or chat, as a percentage."),
            C, pct, hi, ("conversions", "base"), "{conversions} / {base}", f.conversion_rate,
            ("conversions", "sessions"),
            N_("In the workbook, every conversion over sessions, so a session that converts twice counts "
               "twice and the rate can pass 100%. Google Analytics 4's session conversion rate counts "
               "converting sessions instead and can't. In a cell, over whatever base you pass.")),
        Kpi("CPA", N_("Cost per acquisition (CPA)"), N_("What one conversion costs in ad spend."),
            C, cur, lo, ("cost", "conversions"), "{cost} / {conversions}", f.cpa, ("cost", "conversions")),
        Kpi("AOV", N_("Average order value (AOV)"), N_("Revenue per order."),
            C, cur, hi, ("revenue", "orders"), "{revenue} / {orders}", f.aov, ("revenue", "orders")),
        Kpi("CAC", N_("Customer acquisition cost (CAC)"),
            N_("All sales and marketing cost per new customer."),
            C, cur, lo, ("acquisition_cost", "new_customers"), "{acquisition_cost} / {new_customers}", f.cac,
            ("cost", "new_customers"),
            N_("In the workbook, the cost column over new customers; include every sales and marketing "
               "cost there if you want fully loaded CAC.")),
        Kpi("ROI", N_("Return on investment (ROI)"), N_("Profit on the money spent, as a share of it."),
            C, pct, hi, ("revenue", "cost"), "({revenue} − {cost}) / {cost}", f.roi, ("revenue", "cost"),
            N_("(Revenue − cost) / cost on revenue, not on gross profit: use the margin-adjusted revenue "
               "if you need profit ROI.")),
        Kpi("ROAS", N_("Return on ad spend (ROAS)"), N_("Revenue earned for each unit of ad spend."),
            C, rat, hi, ("revenue", "ad_cost"), "{revenue} / {ad_cost}", f.roas, ("revenue", "cost")),
        Kpi("MER", N_("Marketing efficiency ratio (MER)"),
            N_("All revenue for each unit of marketing cost, over every channel."),
            C, rat, hi, ("revenue", "marketing_cost"), "{revenue} / {marketing_cost}", f.mer, ("revenue", "cost"),
            N_("Every channel's revenue (organic, WhatsApp and e-mail included) over all marketing cost: the "
               "blended view, where ROAS counts only the channels with ad cost.")),
        Kpi("CART_ABANDONMENT_RATE", N_("Cart abandonment rate"),
            N_("Share of shopping carts that did not end in an order."),
            C, pct, lo, ("carts", "completed_orders"), "1 − {completed_orders} / {carts}",
            f.cart_abandonment_rate, ("carts", "orders")),
        Kpi("CHURN_RATE", N_("Customer churn rate"), N_("Share of the customers at the start of the period who left."),
            R, pct, lo, ("customers_lost", "customers_at_start"), "{customers_lost} / {customers_at_start}",
            f.churn_rate, ("customers_lost", "customers_at_start"),
            N_("Customer churn over customers at the start of the period (not revenue churn, and not "
               "over the period's average customers). It builds up over a window: a baseline from 3 months "
               "is scaled to the goal's length by days (quarterly 3%, monthly 1%), and pace compares the "
               "churn so far with what is due by now.")),
        Kpi("RETENTION_RATE", N_("Customer retention rate"),
            N_("Share of the customers at the start of the period still there at its end."),
            R, pct, hi, ("customers_at_end", "new_customers", "customers_at_start"),
            "({customers_at_end} − {new_customers}) / {customers_at_start}", f.retention_rate,
            ("customers_at_end", "new_customers", "customers_at_start"),
            N_("It falls over a window: a baseline from 3 months is scaled to the goal's length by what is "
               "lost (quarterly 97%, monthly 99%), and pace compares the customers lost so far with the "
               "loss due by now.")),
        Kpi("PURCHASE_FREQUENCY", N_("Purchase frequency"), N_("Orders per customer in the period."),
            R, cnt, hi, ("orders", "customers"), "{orders} / {customers}", f.purchase_frequency,
            ("orders", "customers")),
        Kpi("CLV", N_("Customer lifetime value (CLV)"),
            N_("What a customer is worth over the whole relationship."),
            R, cur, hi, ("aov", "purchase_frequency", "lifespan", "margin"),
            "{aov} × {purchase_frequency} × {lifespan} × {margin}", f.clv, (),
            N_("The simple historic formula: average order value × purchases per year × years as a "
               "customer × gross margin (1 when left out, which gives lifetime revenue).")),
        Kpi("NPS", N_("Net Promoter Score (NPS)"),
            N_("Promoters minus detractors, as a score from -100 to 100."),
            D, sco, hi, ("promoters", "passives", "detractors"),
            "({promoters} − {detractors}) / ({promoters} + {passives} + {detractors}) × 100", f.nps,
            ("promoters", "passives", "detractors"),
            N_("Bain's definition on the 0-10 question: promoters 9-10, passives 7-8, detractors 0-6.")),
        Kpi("CSAT", N_("Customer satisfaction (CSAT)"), N_("Share of survey answers that are satisfied."),
            D, pct, hi, ("satisfied", "responses"), "{satisfied} / {responses}", f.csat,
            ("satisfied", "survey_responses"),
            N_("Top-box share (answers of 4 or 5 out of 5), not the mean score: it reads the same on any "
               "scale and is what most benchmarks publish. The mean is Average rating.")),
        Kpi("AVG_RATING", N_("Average rating"), N_("The mean of the ratings customers gave."),
            D, sco, hi, ("rating_points", "ratings"), "{rating_points} / {ratings}", f.avg_rating,
            ("rating_points", "ratings")),
        Kpi("RESPONSE_RATE", N_("Response rate"), N_("Share of received messages or chats that got an answer."),
            T, pct, hi, ("answered", "received"), "{answered} / {received}", f.response_rate,
            ("chats_answered", "chats")),
        Kpi("AVG_RESPONSE_TIME", N_("Average response time"), N_("How long a customer waits for the first answer."),
            T, sec, lo, ("total_seconds", "responses"), "{total_seconds} / {responses}", f.avg_response_time,
            ("response_seconds", "chat_responses")),
        Kpi("FCR", N_("First contact resolution (FCR)"),
            N_("Share of contacts resolved in the first conversation."),
            T, pct, hi, ("resolved_first_contact", "contacts"), "{resolved_first_contact} / {contacts}", f.fcr,
            ("resolved_first_contact", "contacts")),
        Kpi("CHAT_ABANDONMENT_RATE", N_("Chat abandonment rate"),
            N_("Share of started conversations the user left before the end."),
            T, pct, lo, ("abandoned", "started"), "{abandoned} / {started}", f.chat_abandonment_rate,
            ("chats_abandoned", "chats")),
        Kpi("INTERACTIONS_PER_USER", N_("Interactions per user"), N_("Messages or interactions per chat user."),
            T, cnt, hi, ("interactions", "users"), "{interactions} / {users}", f.interactions_per_user,
            ("interactions", "chat_users")),
        Kpi("AVG_INTERACTION_TIME", N_("Average interaction time"),
            N_("How long a conversation lasts on average; shorter means answers come faster."),
            T, sec, lo, ("total_seconds", "conversations"), "{total_seconds} / {conversations}",
            f.avg_interaction_time, ("chat_seconds", "chats")),
    ]


KPIS: Mapping[str, Kpi] = MappingProxyType({k.code: _with_bounds(k) for k in _kpis()})


def get(code: object) -> Kpi:
    """The KPI for a code, case and surrounding spaces ignored; :class:`UnknownKpiError` otherwise.

    >>> get(" roas ").name
    'Return on ad spend (ROAS)'
    >>> get("XYZ")
    Traceback (most recent call last):
    ...
    kpi_xl.core.errors.UnknownKpiError: unknown KPI code 'XYZ'
    """
    if isinstance(code, str):
        kpi = KPIS.get(code.strip().upper().removeprefix("KPI_"))
        if kpi is not None:
            return kpi
    raise UnknownKpiError(code)


def formula_params(kpi: Kpi) -> tuple[str, ...]:
    """The arguments named in a KPI's formula, in order of appearance.

    >>> formula_params(get("ROI"))
    ('revenue', 'cost', 'cost')
    """
    return tuple(_PLACEHOLDER.findall(kpi.formula))


def label_of(param: str) -> str:
    """The English label (a message id) of a function argument or measure.

    >>> label_of("new_customers"), label_of("audience")
    ('new customers', 'audience')
    """
    measure = MEASURES.get(param)
    return measure.label if measure is not None else PARAM_LABELS.get(param, param.replace("_", " "))
