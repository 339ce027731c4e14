"""The ``=KPI_*`` Excel functions (xlwings UDFs). Set ``UDF Modules`` to ``kpi_xl.udfs``.

Every function takes numbers or ranges; a range is summed like SUM (blank and text cells ignored), an
error cell in it propagates, and bad input gives Excel's own error text instead of a traceback:

>>> KPI_CPA([[100.0], [None], [150.0]], [[4.0], ["n/a"], [6.0]])
25.0
>>> KPI_CPA(100.0, 0.0), KPI_CPA("ten", 4.0), KPI_CPA(-5.0, 1.0), KPI_CPA([1.0, "#REF!"], 1.0)
('#DIV/0!', '#VALUE!', '#NUM!', '#REF!')
>>> KPI_NAME("cpa", "es_MX")
'Costo por adquisición (CPA)'

Help texts (what Excel's function wizard shows) come from the KPI registry, so the wizard, the README
and the reports say the same thing.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from functools import lru_cache

from kpi_xl.core import custom, formulas, registry
from kpi_xl.core.errors import KpiError, WrongTypeError
from kpi_xl.excel import cells
from kpi_xl.excel.goal_functions import (
    KPI_FORECAST,
    KPI_PACE,
    KPI_PROGRESS,
    KPI_SMART_CHECK,
    KPI_STATUS,
    KPI_STATUS_LABEL,
    KPI_TARGET,
)
from kpi_xl.excel.registration import FUNCTIONS, HELP, RANGE_HELP, excel_function, excel_result, kpi_doc, kpi_function
from kpi_xl.i18n import kpi_catalog, resolve_locale, translator

__all__ = [
    "FUNCTIONS",
    "HELP",
    "KPI_AB_TEST",
    "KPI_AB_UPLIFT",
    "KPI_AOV",
    "KPI_AVG_INTERACTION_TIME",
    "KPI_AVG_RATING",
    "KPI_AVG_RESPONSE_TIME",
    "KPI_AVG_SESSION_DURATION",
    "KPI_BOUNCE_RATE",
    "KPI_CAC",
    "KPI_CART_ABANDONMENT_RATE",
    "KPI_CHAT_ABANDONMENT_RATE",
    "KPI_CHURN_RATE",
    "KPI_CLV",
    "KPI_CONVERSION_RATE",
    "KPI_CPA",
    "KPI_CPC",
    "KPI_CPM",
    "KPI_CSAT",
    "KPI_CSAT_SCORES",
    "KPI_CTR",
    "KPI_CUSTOM",
    "KPI_ENGAGEMENT_RATE",
    "KPI_FCR",
    "KPI_FORECAST",
    "KPI_INTERACTIONS_PER_USER",
    "KPI_LIST",
    "KPI_MER",
    "KPI_NAME",
    "KPI_NPS",
    "KPI_NPS_SCORES",
    "KPI_PACE",
    "KPI_PROGRESS",
    "KPI_PURCHASE_FREQUENCY",
    "KPI_RESPONSE_RATE",
    "KPI_RETENTION_RATE",
    "KPI_ROAS",
    "KPI_ROI",
    "KPI_SMART_CHECK",
    "KPI_STATUS",
    "KPI_STATUS_LABEL",
    "KPI_TARGET",
]

log = logging.getLogger(__name__)


def _evaluate(code: str, *args: object) -> float | str:
    """A registry KPI over its arguments' totals. The hot path of every scalar call: keep it lean."""
    kpi = registry.KPIS[code]
    try:
        result = kpi.compute(*map(cells.total, kpi.params, args))
    except KpiError as error:
        return error.excel
    except Exception:
        log.exception("KPI_%s failed", code)
        return "#VALUE!"
    return result if -math.inf < result < math.inf else "#NUM!"


# --- awareness -----------------------------------------------------------------------------------


@kpi_function("CPM")
def KPI_CPM(cost, impressions):
    return _evaluate("CPM", cost, impressions)


@kpi_function("CTR")
def KPI_CTR(clicks, impressions):
    return _evaluate("CTR", clicks, impressions)


@kpi_function("CPC")
def KPI_CPC(cost, clicks):
    return _evaluate("CPC", cost, clicks)


@kpi_function("ENGAGEMENT_RATE")
def KPI_ENGAGEMENT_RATE(engagements, audience):
    return _evaluate("ENGAGEMENT_RATE", engagements, audience)


@kpi_function("BOUNCE_RATE")
def KPI_BOUNCE_RATE(bounced_sessions, sessions):
    return _evaluate("BOUNCE_RATE", bounced_sessions, sessions)


@kpi_function("AVG_SESSION_DURATION")
def KPI_AVG_SESSION_DURATION(total_seconds, sessions):
    return _evaluate("AVG_SESSION_DURATION", total_seconds, sessions)


# --- conversion ----------------------------------------------------------------------------------


@kpi_function("CONVERSION_RATE")
def KPI_CONVERSION_RATE(conversions, base):
    return _evaluate("CONVERSION_RATE", conversions, base)


@kpi_function("CPA")
def KPI_CPA(cost, conversions):
    return _evaluate("CPA", cost, conversions)


@kpi_function("AOV")
def KPI_AOV(revenue, orders):
    return _evaluate("AOV", revenue, orders)


@kpi_function("CAC")
def KPI_CAC(acquisition_cost, new_customers):
    return _evaluate("CAC", acquisition_cost, new_customers)


@kpi_function("ROI")
def KPI_ROI(revenue, cost):
    return _evaluate("ROI", revenue, cost)


@kpi_function("ROAS")
def KPI_ROAS(revenue, ad_cost):
    return _evaluate("ROAS", revenue, ad_cost)


@kpi_function("MER")
def KPI_MER(revenue, marketing_cost):
    return _evaluate("MER", revenue, marketing_cost)


@kpi_function("CART_ABANDONMENT_RATE")
def KPI_CART_ABANDONMENT_RATE(carts, completed_orders):
    return _evaluate("CART_ABANDONMENT_RATE", carts, completed_orders)


# --- retention -----------------------------------------------------------------------------------


@kpi_function("CHURN_RATE")
def KPI_CHURN_RATE(customers_lost, customers_at_start):
    return _evaluate("CHURN_RATE", customers_lost, customers_at_start)


@kpi_function("RETENTION_RATE")
def KPI_RETENTION_RATE(customers_at_end, new_customers, customers_at_start):
    return _evaluate("RETENTION_RATE", customers_at_end, new_customers, customers_at_start)


@kpi_function("PURCHASE_FREQUENCY")
def KPI_PURCHASE_FREQUENCY(orders, customers):
    return _evaluate("PURCHASE_FREQUENCY", orders, customers)


@excel_function(
    kpi_doc(registry.get("CLV")),
    aov=f"Average order value: {RANGE_HELP}.",
    purchase_frequency=f"Purchases per customer per year: {RANGE_HELP}.",
    lifespan=f"Years a customer stays: {RANGE_HELP}.",
    margin="Optional gross margin as a fraction (25% or 0.25). Left out: 1, which gives lifetime revenue.",
)
def KPI_CLV(aov, purchase_frequency, lifespan, margin=None):
    return excel_result(lambda: formulas.clv(
        cells.total("aov", aov),
        cells.total("purchase_frequency", purchase_frequency),
        cells.total("lifespan", lifespan),
        cells.optional_number("margin", margin, 1.0),
    ))


# --- advocacy ------------------------------------------------------------------------------------


@kpi_function("NPS")
def KPI_NPS(promoters, passives, detractors):
    return _evaluate("NPS", promoters, passives, detractors)


@excel_function(
    "Net Promoter Score from raw 0-10 answers: % of 9-10 minus % of 0-6, from -100 to 100.",
    scores="The 0-10 answers: a range (blank and text cells are ignored).",
)
def KPI_NPS_SCORES(scores):
    return excel_result(lambda: formulas.nps(*formulas.nps_counts(cells.numbers("scores", scores))))


@kpi_function("CSAT")
def KPI_CSAT(satisfied, responses):
    return _evaluate("CSAT", satisfied, responses)


@excel_function(
    "Customer satisfaction from raw answers: the share of answers at or above the threshold "
    "(4 and 5 on a 1-5 scale by default).",
    scores="The answers: a range (blank and text cells are ignored).",
    threshold="Optional lowest satisfied answer. Left out: 4.",
    scale_max="Optional top of the scale. Left out: 5.",
)
def KPI_CSAT_SCORES(scores, threshold=None, scale_max=None):
    def compute() -> float:
        answers = cells.numbers("scores", scores)
        top = cells.optional_number("scale_max", scale_max, 5.0)
        lowest = cells.optional_number("threshold", threshold, 4.0)
        return formulas.csat(*formulas.csat_counts(answers, lowest, top))

    return excel_result(compute)


@excel_function(
    registry.get("AVG_RATING").description + " Blank and text cells are ignored.",
    ratings="The ratings: a range (blank and text cells are ignored).",
)
def KPI_AVG_RATING(ratings):
    return excel_result(lambda: formulas.avg_rating(*formulas.rating_totals(cells.numbers("ratings", ratings))))


# --- conversational ------------------------------------------------------------------------------


@kpi_function("RESPONSE_RATE")
def KPI_RESPONSE_RATE(answered, received):
    return _evaluate("RESPONSE_RATE", answered, received)


@kpi_function("AVG_RESPONSE_TIME")
def KPI_AVG_RESPONSE_TIME(total_seconds, responses):
    return _evaluate("AVG_RESPONSE_TIME", total_seconds, responses)


@kpi_function("FCR")
def KPI_FCR(resolved_first_contact, contacts):
    return _evaluate("FCR", resolved_first_contact, contacts)


@kpi_function("CHAT_ABANDONMENT_RATE")
def KPI_CHAT_ABANDONMENT_RATE(abandoned, started):
    return _evaluate("CHAT_ABANDONMENT_RATE", abandoned, started)


@kpi_function("INTERACTIONS_PER_USER")
def KPI_INTERACTIONS_PER_USER(interactions, users):
    return _evaluate("INTERACTIONS_PER_USER", interactions, users)


@kpi_function("AVG_INTERACTION_TIME")
def KPI_AVG_INTERACTION_TIME(total_seconds, conversations):
    return _evaluate("AVG_INTERACTION_TIME", total_seconds, conversations)


# --- A/B tests -----------------------------------------------------------------------------------

_AB_DOCS = {
    "conversions_a": f"Conversions of variant A (control): {RANGE_HELP}.",
    "visitors_a": f"Visitors of variant A: {RANGE_HELP}.",
    "conversions_b": f"Conversions of variant B: {RANGE_HELP}.",
    "visitors_b": f"Visitors of variant B: {RANGE_HELP}.",
}


def _ab(test: Callable[..., float], *args: object) -> float | str:
    return excel_result(lambda: test(*map(cells.total, _AB_DOCS, args)))


@excel_function(
    "A/B test p-value (two-sided two-proportion z-test): below 0.05, B and A convert differently "
    "at the usual 95% confidence.",
    **_AB_DOCS,
)
def KPI_AB_TEST(conversions_a, visitors_a, conversions_b, visitors_b):
    return _ab(formulas.ab_test_p_value, conversions_a, visitors_a, conversions_b, visitors_b)


@excel_function("A/B uplift: how much better (or worse) B converts than A, as a fraction (25% = 0.25).", **_AB_DOCS)
def KPI_AB_UPLIFT(conversions_a, visitors_a, conversions_b, visitors_b):
    return _ab(formulas.ab_uplift, conversions_a, visitors_a, conversions_b, visitors_b)


# --- custom KPIs ---------------------------------------------------------------------------------

_VALUE_HELP = ("The total of the formula's {n} measure, in the order the measures first appear in the "
               "formula: " + RANGE_HELP + ". A stock (followers): the one cell of its last day.")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


@lru_cache(maxsize=256)
def _custom_formula(text: str) -> custom.Formula:
    return custom.parse_formula(text)


@excel_function(
    "A custom KPI from its formula, e.g. KPI_CUSTOM(\"cost / video_views\", C2:C40, D2:D40): one value or "
    "range per measure, in the order the measures first appear (cost, then video_views). Ranges are summed "
    "like SUM.",
    formula="The formula as text, not the code (a function can't read the workbook's tables): "
            "INDEX(tblKpis[Formula],MATCH(\"CPV\",tblKpis[Code],0)). Keys, numbers, + - * / ( ). For a "
            "percent KPI, a fraction: no * 100.",
    **{f"value{k}": _VALUE_HELP.format(n=_ORDINALS[k - 1]) for k in range(1, 9)},
)
def KPI_CUSTOM(formula, value1=None, value2=None, value3=None, value4=None, value5=None, value6=None,
               value7=None, value8=None):
    values = (value1, value2, value3, value4, value5, value6, value7, value8)

    def compute() -> float:
        parsed = _custom_formula(cells.optional_text("formula", formula) or "")
        count = len(parsed.measures)
        if count > len(values):
            raise WrongTypeError("formula", parsed.text, f"a formula of at most {len(values)} measures")
        extra = next((v for v in values[count:] if v is not None), None)
        if extra is not None:  # more values than measures: a shifted argument would compute nonsense
            raise WrongTypeError(f"value{count + 1}", extra, f"left out: the formula has {count} measures")
        return parsed(*(cells.total(m, v) for m, v in zip(parsed.measures, values, strict=False)))

    return excel_result(compute)


# --- catalog -------------------------------------------------------------------------------------

_LOCALE_HELP = "Optional locale: en_US, es_ES, es_MX, pt_BR, pl_PL or vi_VN. Left out: en_US."


@excel_function(
    "Lists every KPI kpi_xl knows, with its name, formula, unit and direction, in the given language. "
    "Spills one row per KPI under a header row.",
    locale=_LOCALE_HELP,
)
def KPI_LIST(locale=None):
    return excel_result(lambda: kpi_catalog(cells.optional_text("locale", locale)))


@excel_function(
    "The name of a KPI in the given language, e.g. KPI_NAME(\"CPA\", \"es_ES\").",
    code="The KPI code, such as CPA or CONVERSION_RATE.",
    locale=_LOCALE_HELP,
)
def KPI_NAME(code, locale=None):
    def compute() -> str:
        kpi = registry.get(cells.optional_text("code", code))
        return translator(resolve_locale(cells.optional_text("locale", locale))).gettext(kpi.name)

    return excel_result(compute)
