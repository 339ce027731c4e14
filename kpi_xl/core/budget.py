"""Targets held against the budget: can the spend planned buy the volume the target needs?

For a volume KPI bought with ad spend (sessions, conversions, revenue, new customers, a custom summed
measure: a KPI that is one summed measure other than cost), a goal with a ``Planned cost`` is checked
against the client's history in windows of the goal's length (complete months before the start):

- the change the target needs: ``target / baseline - 1``;
- the change in spend planned: ``planned cost / cost of the latest window - 1``;
- the most the planned spend can buy, at the best (lowest) cost per unit of any window on record:
  ``planned cost / best cost per unit``, as a change on the baseline.

When the target needs more than that, a SMART finding says so:

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

__all__ = ["BEYOND_BUDGET", "budget_check", "budget_finding", "volume_measure"]

BEYOND_BUDGET = N_("Beyond the budget: the target needs a {need} change in {measure} on a {budget} change in "
                   "spend; at the best cost per unit on record ({best}), the planned spend buys at most a "
                   "{most} change.")


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


def _months(start: dt.date, end: dt.date) -> int:
    return max(1, round(days_between(start, end) / 30.44))


def budget_check(view: ActualsView, kpi: Kpi, start: dt.date, end: dt.date, planned: float | None,
                 baseline: float | None, target: float | None) -> Finding | None:
    """The budget finding of a goal, or None (no planned cost, not a volume KPI, no cost history)."""
    measure = volume_measure(kpi)
    if planned is None or measure is None or baseline is None or target is None or view.history_start is None:
        return None
    length = _months(start, end)
    first = Month.of(view.history_start)
    if view.history_start != first.first_day:
        first = first + 1  # complete months only
    last = Month.of(start) - 1
    per_unit: list[float] = []
    last_cost = None
    month = first
    while month + (length - 1) <= last:
        window_start, window_end = month.first_day, (month + (length - 1)).last_day
        cost = view.total("cost", window_start, window_end)
        volume = view.total(measure, window_start, window_end)
        if cost and volume and cost > 0 and volume > 0:
            per_unit.append(cost / volume)
        last_cost = cost
        month = month + 1
    if not per_unit or not last_cost:
        return None
    return budget_finding(target, baseline, planned, last_cost, min(per_unit), measure)
