"""Targets held against the budget: can the spend planned buy the volume the target needs?

For a volume KPI bought with ad spend (sessions, conversions, revenue, new customers, a custom summed
measure: a KPI that is one summed measure other than cost), a goal with a ``Planned cost`` is checked
against the client's history in windows of the goal's length before its start: whole calendar
months when the goal is whole months (September: each complete month on record), otherwise windows
of the goal's length in days, back to back, the latest ending the day before the start (a two-week
goal: the two weeks before it, the two weeks before those...). Over every channel, a custom measure's
cost is that of the channels reporting the measure, as its KPIs count them:

- the change the target needs: ``target / baseline - 1``;
- the change in spend planned: ``planned cost / cost of the latest window - 1``;
- the most the planned spend can buy, at the best (lowest) cost per unit of any window on record:
  ``planned cost / best cost per unit``, as a change on the baseline.

When the target needs more than that, a SMART finding says so. A planned cost on a KPI that is not
such a volume, or with no spend in the latest window to compare with, gets a note saying it is not
checked.

>>> finding = budget_finding(need_volume=20_000.0, baseline=10_000.0, planned=5_500.0, last_cost=5_000.0,
...                          best_cost_per_unit=0.42, measure="sessions")
>>> [round(finding.values[k].value, 4) for k in ("need", "budget", "most")]
[1.0, 0.1, 0.3095]
>>> budget_finding(12_000.0, 10_000.0, 5_500.0, 5_000.0, 0.42, "sessions") is None   # 13,095 can be bought
True
"""

from __future__ import annotations

import datetime as dt

from kpi_xl.core.aggregate import ActualsView
from kpi_xl.core.periods import Month, days_between
from kpi_xl.core.registry import N_, Kpi, Unit, label_of
from kpi_xl.core.tracking import Finding, Quantity, Term

__all__ = ["BEYOND_BUDGET", "NOT_A_VOLUME", "NO_SPEND", "budget_check", "budget_finding", "volume_measure"]

BEYOND_BUDGET = N_("Beyond the budget: the target needs a {need} change in {measure} on a {budget} change in "
                   "spend; at the best cost per unit on record ({best}), the planned spend buys at most a "
                   "{most} change.")
NOT_A_VOLUME = N_("The planned cost is not checked: only a volume KPI that spend buys (a total such as sessions, "
                  "conversions or revenue) is held against the budget, and {kpi} is not one.")
NO_SPEND = N_("The planned cost is not checked: there is no spend on record in the window of the goal's length "
              "just before its start to compare it with.")


def volume_measure(kpi: Kpi) -> str | None:
    """The measure a volume KPI totals, when spend can buy it (not cost itself); None otherwise.

    >>> from kpi_xl.core.registry import get
    >>> volume_measure(get("SESSIONS")), volume_measure(get("CPA")), volume_measure(get("CHURN_RATE"))
    ('sessions', None, None)
    """
    if not kpi.cumulative or len(kpi.measures) != 1 or kpi.measures[0] == "cost":
        return None
    return kpi.measures[0]


def budget_finding(need_volume: float, baseline: float, planned: float, last_cost: float,
                   best_cost_per_unit: float, measure: str) -> Finding | None:
    """The finding when ``planned`` spend at the best cost per unit buys less than ``need_volume``."""
    most_volume = planned / best_cost_per_unit
    if need_volume <= most_volume or baseline <= 0 or last_cost <= 0:
        return None
    return Finding("achievable", "warning", BEYOND_BUDGET, {
        "need": Quantity(need_volume / baseline - 1, Unit.PERCENT),
        "budget": Quantity(planned / last_cost - 1, Unit.PERCENT),
        "most": Quantity(most_volume / baseline - 1, Unit.PERCENT),
        "best": Quantity(best_cost_per_unit, Unit.CURRENCY),
        "measure": Term(label_of(measure)),
    })


def _windows(history_start: dt.date, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The past windows like the goal's, oldest first, all on record (on or after ``history_start``).

    >>> D = dt.date
    >>> _windows(D(2026, 6, 15), D(2026, 9, 1), D(2026, 9, 30))   # a month: complete months
    [(datetime.date(2026, 7, 1), datetime.date(2026, 7, 31)), (datetime.date(2026, 8, 1), datetime.date(2026, 8, 31))]
    >>> _windows(D(2026, 8, 1), D(2026, 9, 1), D(2026, 9, 14))    # two weeks: 14-day windows
    [(datetime.date(2026, 8, 4), datetime.date(2026, 8, 17)), (datetime.date(2026, 8, 18), datetime.date(2026, 8, 31))]
    """
    windows = []
    first, last = Month.of(start), Month.of(end)
    if start == first.first_day and end == last.last_day:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        month = Month.of(start) - months
        while month.first_day >= history_start:
            windows.append((month.first_day, (month + (months - 1)).last_day))
            month = month - 1
    else:
        days = dt.timedelta(days=days_between(start, end))
        window_start = start - days
        while window_start >= history_start:
            windows.append((window_start, window_start + days - dt.timedelta(days=1)))
            window_start -= days
    return windows[::-1]


def budget_check(view: ActualsView, kpi: Kpi, start: dt.date, end: dt.date, planned: float | None,
                 baseline: float | None, target: float | None) -> Finding | None:
    """The budget finding of a goal, or None (no planned cost, no target or baseline, no cost history);
    a note when the planned cost can't be checked (not a volume KPI, no spend in the latest window)."""
    if planned is None:
        return None
    measure = volume_measure(kpi)
    if measure is None:
        return Finding("achievable", "info", NOT_A_VOLUME, {"kpi": kpi.code})
    if baseline is None or target is None or view.history_start is None:
        return None
    windows = _windows(view.history_start, start, end)
    if not windows:
        return None  # no window on record: the achievability check already says the history is short
    per_unit: list[float] = []
    last_cost = None
    for window_start, window_end in windows:
        totals = view.totals_where_reported([measure], ["cost", measure], window_start, window_end)
        cost, volume = totals["cost"], totals[measure]
        if cost and volume and cost > 0 and volume > 0:
            per_unit.append(cost / volume)
        last_cost = cost
    if not last_cost or last_cost <= 0:
        return Finding("achievable", "info", NO_SPEND, {})
    if not per_unit:
        return None
    return budget_finding(target, baseline, planned, last_cost, min(per_unit), measure)
