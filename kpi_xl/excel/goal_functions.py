"""The Excel functions for SMART goals: target, progress, pace, forecast, status and a SMART check.

They follow the same rules as every =KPI_* function (ranges summed like SUM, errors as Excel error
text). Dates may be date cells, Excel serial numbers or ISO text; a left-out ``as_of`` is today.
Statuses are the codes not_started, on_track, at_risk, off_track, achieved, missed;
KPI_STATUS_LABEL translates them.

>>> import datetime as dt
>>> KPI_TARGET(40.0, 0.1, "CPA")
36.0
>>> KPI_STATUS(5200.0, 10000.0, dt.datetime(2026, 10, 1), dt.datetime(2026, 10, 31), dt.datetime(2026, 10, 15))
'on_track'
>>> KPI_STATUS_LABEL("at_risk", "pl_PL")
'Zagrożony'
"""

from __future__ import annotations

import datetime as dt

from kpi_xl.core import registry, tracking
from kpi_xl.core.errors import NotAvailableError, UnknownKpiError
from kpi_xl.core.goals import structural_findings
from kpi_xl.core.registry import Kpi
from kpi_xl.core.tracking import STATUS_NAMES, Status, Thresholds
from kpi_xl.excel import cells
from kpi_xl.excel.registration import RANGE_HELP, excel_function, excel_result
from kpi_xl.i18n import resolve_locale, translator

__all__ = [
    "KPI_FORECAST",
    "KPI_PACE",
    "KPI_PROGRESS",
    "KPI_SMART_CHECK",
    "KPI_STATUS",
    "KPI_STATUS_LABEL",
    "KPI_TARGET",
]

_KPI_HELP = "Optional KPI code (CPA, CONVERSION_RATE...): sets the direction, lower-is-better for CPA."
_AS_OF_HELP = "Optional date to judge on. Left out: today."
_START_HELP = "First day of the goal's window."
_END_HELP = "Last day of the goal's window."
_BASELINE_HELP = "Optional baseline: rates are then expected to move from it to the target over the window."


def _optional_kpi(value: object) -> Kpi | None:
    code = cells.optional_text("kpi", value)
    return None if code is None else registry.get(code)


def _as_of(value: object) -> dt.date:
    return cells.date_value("as_of", value, default=dt.date.today())  # the edge may read the clock


@excel_function(
    "The target that improves the baseline by the given share; for lower-is-better KPIs (CPA, CPM, "
    "churn, response time, bounce rate) the target is lower.",
    baseline=f"The baseline value: {RANGE_HELP}.",
    improvement="The improvement as a fraction: 10% (0.1) better.",
    kpi=_KPI_HELP,
)
def KPI_TARGET(baseline, improvement, kpi=None):
    return excel_result(lambda: tracking.target_from(
        cells.total("baseline", baseline), cells.optional_number("improvement", improvement, 0.0), _optional_kpi(kpi)))


@excel_function(
    "Share of the way from the baseline to the target (1 = reached), or the actual against the target "
    "without a baseline. Direction-aware: for lower-is-better KPIs lower is progress.",
    actual=f"The actual value: {RANGE_HELP}.",
    target="The target value.",
    baseline="Optional baseline value.",
    kpi=_KPI_HELP,
)
def KPI_PROGRESS(actual, target, baseline=None, kpi=None):
    return excel_result(lambda: tracking.progress(
        cells.total("actual", actual), cells.total("target", target),
        None if baseline is None else cells.total("baseline", baseline), _optional_kpi(kpi)))


def _expected_and_pace(actual: float, target: float, start: dt.date, end: dt.date, as_of: dt.date,
                       kpi: Kpi | None, baseline: float | None) -> tuple[float, float | None]:
    """Expected to date and pace by the same rule as the goal table (see ``tracking.expected_and_pace``),
    the share of the window counted in days."""
    return tracking.expected_and_pace(kpi, actual, target, baseline, tracking.elapsed_share(start, end, as_of))


@excel_function(
    "Pace to date (1 = on pace, 0.9 = 10% behind). Totals: actual / the target's share for the days elapsed. "
    "Rates with a baseline: the way travelled from it / the way due by now (below 0 when worse than it).",
    actual_to_date=f"The actual so far: {RANGE_HELP}.",
    target="The target for the whole window.",
    start=_START_HELP,
    end=_END_HELP,
    as_of=_AS_OF_HELP,
    kpi=_KPI_HELP,
    baseline=_BASELINE_HELP,
)
def KPI_PACE(actual_to_date, target, start, end, as_of=None, kpi=None, baseline=None):
    def compute() -> float:
        _, value = _expected_and_pace(
            cells.total("actual_to_date", actual_to_date), cells.total("target", target),
            cells.date_value("start", start), cells.date_value("end", end), _as_of(as_of), _optional_kpi(kpi),
            None if baseline is None else cells.total("baseline", baseline))
        if value is None:
            raise NotAvailableError("pace", "the window has not started")
        return value

    return excel_result(compute)


@excel_function(
    "Forecast at the end of the window if the rest goes like the part elapsed (actual / share of days elapsed).",
    actual_to_date=f"The total so far: {RANGE_HELP}.",
    start=_START_HELP,
    end=_END_HELP,
    as_of=_AS_OF_HELP,
)
def KPI_FORECAST(actual_to_date, start, end, as_of=None):
    return excel_result(lambda: tracking.forecast(
        cells.total("actual_to_date", actual_to_date),
        tracking.elapsed_share(cells.date_value("start", start), cells.date_value("end", end), _as_of(as_of))))


@excel_function(
    "Goal status on a date: not_started, on_track, at_risk (pace 85-95%), off_track, achieved or missed.",
    actual=f"The actual to date: {RANGE_HELP}.",
    target="The target for the whole window.",
    start=_START_HELP,
    end=_END_HELP,
    as_of=_AS_OF_HELP,
    kpi=_KPI_HELP + " Left out: a total, higher is better.",
    baseline=_BASELINE_HELP,
)
def KPI_STATUS(actual, target, start, end, as_of=None, kpi=None, baseline=None):
    def compute() -> str:
        value, goal, kpi_ = cells.total("actual", actual), cells.total("target", target), _optional_kpi(kpi)
        first, last, day = cells.date_value("start", start), cells.date_value("end", end), _as_of(as_of)
        base = None if baseline is None else cells.total("baseline", baseline)
        _, pace_value = _expected_and_pace(value, goal, first, last, day, kpi_, base)
        return tracking.status_of(actual=value, target=goal, start=first, end=last, as_of=day,
                                  pace_value=pace_value, kpi=kpi_, thresholds=Thresholds()).value

    return excel_result(compute)


@excel_function(
    "The status code (on_track...) in words, in the given language.",
    status="A status code from KPI_STATUS.",
    locale="Optional locale: en_US, es_ES, es_MX, pt_BR, pl_PL or vi_VN. Left out: en_US.",
)
def KPI_STATUS_LABEL(status, locale=None):
    def compute() -> str:
        code = cells.optional_text("status", status)
        try:
            name = STATUS_NAMES[Status((code or "").lower())]
        except ValueError:
            raise UnknownKpiError(code) from None
        return translator(resolve_locale(cells.optional_text("locale", locale))).gettext(name)

    return excel_result(compute)


@excel_function(
    "Checks a goal against SMART: \"OK\", or the failing criteria in words (a target the KPI can't reach, "
    "no objective, an end before the start...).",
    kpi="The KPI code.",
    target="The target value.",
    start=_START_HELP,
    end=_END_HELP,
    objective="Optional: the business aim the goal serves.",
    baseline="Optional baseline value.",
)
def KPI_SMART_CHECK(kpi, target, start, end, objective=None, baseline=None):
    def compute() -> str:
        findings = structural_findings(
            registry.get(cells.optional_text("kpi", kpi)),
            None if target is None else cells.total("target", target),
            cells.date_value("start", start), cells.date_value("end", end),
            cells.optional_text("objective", objective) or "",
            None if baseline is None else cells.total("baseline", baseline))
        words = [f"{f.criterion.replace('_', '-').capitalize()}: {f.text()}" for f in findings]
        return " ".join(words) if words else "OK"

    return excel_result(compute)
