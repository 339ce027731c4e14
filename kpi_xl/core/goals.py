"""SMART goals judged the way a senior marketer would, against the workbook's own history.

- **Specific**: a known KPI for a client, optionally one channel or segment.
- **Measurable**: a numeric target, given or computed as the baseline improved by the improvement
  (for lower-is-better KPIs an improvement means lower). The baseline, when not given, comes from
  history: the 3 complete months before the start (default), or the same window last year.
- **Achievable**: the change the target requires, compared with history over windows of the goal's
  length. Beyond the best result on record, or above the 90th percentile of past changes between
  consecutive windows (year on year when the baseline is last year's): *ambitious*. Beyond the best
  on record *and* a bigger change than any past window ever made: *unrealistic*.
- **Relevant**: the objective it serves and its funnel stage; no objective is a warning.
- **Time-bound**: a start and an end, a status on ``as_of``, expected value to date and forecast.

Baselines of KPIs that build up over the window (revenue, churn, retention) from the previous 3
months are scaled to the goal's window length by days, so that a one-month revenue goal compares
with one month's worth of history. History begins at the client's first Actuals row: a client whose
data starts in August has a baseline from August and September for an October goal, not a quarter
with a July of zeros.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping

from kpi_xl.core.aggregate import ActualsView
from kpi_xl.core.budget import budget_check
from kpi_xl.core.errors import KpiError
from kpi_xl.core.model import Goal, Settings, WorkbookData
from kpi_xl.core.periods import Month, days_between, shift_year
from kpi_xl.core.registry import N_, STAGE_NAMES, Kpi, Unit, get
from kpi_xl.core.tracking import (
    Achievability,
    Finding,
    GoalStatus,
    Quantity,
    Status,
    Term,
    Thresholds,
    elapsed_share,
    expected_and_pace,
    meets,
    progress,
    scale_to_window,
    status_of,
    target_from,
)

__all__ = [
    "baseline_from_history",
    "evaluate_goal",
    "evaluate_goals",
    "judge_achievability",
    "percentile",
    "structural_findings",
]

# Fewer past windows (or changes between them) than this: too little history to judge a target.
MIN_HISTORY_WINDOWS = 6
MIN_HISTORY_CHANGES = 4
# A baseline from fewer days of history than this would be one good or bad week: none is computed.
MIN_BASELINE_DAYS = 28
LONG_WINDOW_DAYS = 366
_DEFAULT_SETTINGS = Settings()


def percentile(values: Iterable[float], share: float) -> float:
    """The ``share`` percentile with linear interpolation (numpy's default method).

    >>> percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.9)
    4.6
    """
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _improvement(kpi: Kpi, old: float, new: float) -> float | None:
    """The relative change from ``old`` to ``new`` in the KPI's good direction (0.1: 10 % better)."""
    if old == 0:
        return None
    change = (new - old) / abs(old)
    return change if not kpi.lower_is_better else -change


def baseline_from_history(
    view: ActualsView, kpi: Kpi, start: dt.date, end: dt.date, method: str
) -> tuple[float | None, str, list[Finding]]:
    """The goal's baseline from history, how it was found and what to say about it; (None, "none")
    without enough history.

    History begins at the client's first Actuals row: the days before it are unknown, not zero. A
    previous-3-months baseline over a shorter history covers the days there are (at least
    ``MIN_BASELINE_DAYS``), scaled to the goal's window like a full one.
    """
    if view.history_start is None:
        return None, "none", []
    if method == "same_period_last_year":
        first, last = shift_year(start), shift_year(end)
        if view.history_start > first:
            return None, "none", [Finding("achievable", "warning", N_(
                "The data begins after the start of the same window last year: give a Baseline, or use "
                "the previous 3 months."))]
        value = view.value(kpi, first, last)
        return value, ("same_period_last_year" if value is not None else "none"), []
    first = (Month.of(start) - 3).first_day
    last = (Month.of(start) - 1).last_day
    begin = max(first, view.history_start)
    days = days_between(begin, last) if begin <= last else 0
    if days < MIN_BASELINE_DAYS:
        return None, "none", [Finding("achievable", "warning", N_(
            "Too little history for a baseline ({days} before the start): give a Baseline."),
            {"days": Quantity(days, "days")})]
    value = view.value(kpi, begin, last)
    if value is None:
        return None, "none", []
    # The history's worth -> the goal window's worth (totals, churn and retention build up with time).
    value = scale_to_window(kpi, value, days_between(start, end) / days)
    findings = [] if begin == first else [Finding("achievable", "info", N_(
        "History is short: the baseline covers the {days} of data before the start, not 3 months."),
        {"days": Quantity(days, "days")})]
    return value, "previous_3_months", findings


def _window_months(start: dt.date, end: dt.date) -> int:
    return max(1, round(days_between(start, end) / 30.44))


def judge_achievability(
    view: ActualsView, kpi: Kpi, goal: Goal, baseline: float, target: float, year_on_year: bool = False
) -> tuple[Achievability, list[Finding]]:
    """Compares the change the target needs with what the complete months before the start show.

    Past changes are measured the way the baseline was taken: between consecutive windows of the
    goal's length, or, for a baseline from the same period last year, year on year (so a seasonal
    peak is compared with last year's peak, not with the quiet months before it).
    """
    required = _improvement(kpi, baseline, target)
    if required is None:
        return Achievability.UNKNOWN, []
    if view.history_start is None:
        return Achievability.UNKNOWN, [_no_history()]
    length = _window_months(goal.start, goal.end)
    first = Month.of(view.history_start)
    if view.history_start != first.first_day:
        first = first + 1  # only complete months count
    last = Month.of(goal.start) - 1
    windows: list[float | None] = []
    month = first
    while month + (length - 1) <= last:
        windows.append(view.value(kpi, month.first_day, (month + (length - 1)).last_day))
        month = month + 1
    values = [v for v in windows if v is not None]
    lag = 12 if year_on_year else length
    changes = [
        c for a, b in zip(windows, windows[lag:], strict=False)
        if a is not None and b is not None and (c := _improvement(kpi, a, b)) is not None
    ]
    if len(values) < MIN_HISTORY_WINDOWS:
        return Achievability.UNKNOWN, [_no_history()]
    best = min(values) if kpi.lower_is_better else max(values)
    beyond_best = required > 0 and not meets(best, target, kpi)
    enough_changes = len(changes) >= MIN_HISTORY_CHANGES
    p90 = percentile(changes, 0.9) if enough_changes else None
    biggest = max(changes) if enough_changes else None
    quantities = {
        "target": Quantity(target, kpi.unit), "best": Quantity(best, kpi.unit),
        "required": Quantity(required, Unit.PERCENT), "months": Quantity(length, "months"),
    }
    if beyond_best and biggest is not None and required > biggest:
        return Achievability.UNREALISTIC, [Finding("achievable", "error", N_(
            "Unrealistic: it needs a {required} improvement, more than any past period of {months} achieved "
            "({biggest}), to reach a target beyond the best result on record ({best})."),
            {**quantities, "biggest": Quantity(biggest, Unit.PERCENT)})]
    findings = []
    if beyond_best:
        findings.append(Finding("achievable", "warning", N_(
            "Ambitious: the target {target} is beyond the best result over {months} on record ({best})."),
            quantities))
    if p90 is not None and required > max(p90, 0.0):
        findings.append(Finding("achievable", "warning", N_(
            "Ambitious: it needs a {required} improvement; only 1 in 10 past periods of {months} "
            "improved by more than {p90}."), {**quantities, "p90": Quantity(p90, Unit.PERCENT)}))
    if findings:
        return Achievability.AMBITIOUS, findings
    if required > 0 and not enough_changes:
        return Achievability.UNKNOWN, [_no_history()]
    return Achievability.REALISTIC, []


def _no_history() -> Finding:
    return Finding("achievable", "info", N_("Not enough history to judge whether the target is achievable."))


def _season_share(view: ActualsView, kpi: Kpi, goal: Goal, as_of: dt.date) -> float:
    """The share of the window elapsed for a KPI that builds up (revenue, churn), weighted by how last
    year's same days split it when the history covers the whole window a year earlier; by days
    otherwise.

    Month by month: where last year's month has a value on every day, the weights are last year's
    daily values (Black Friday counts on its own day); where it holds weekly or monthly values
    (losses recorded on the month's last day), that month's total spread evenly over its days.
    """
    linear = elapsed_share(goal.start, goal.end, as_of)
    if kpi.accrual != "grows" or as_of < goal.start or as_of >= goal.end:
        return linear
    if view.history_start is None or view.history_start > shift_year(goal.start) or view.last_date is None \
            or view.last_date < shift_year(goal.end):
        return linear
    measure = kpi.measures[0]  # what builds up: revenue, conversions, customers lost
    done = whole = 0.0
    month = Month.of(goal.start)
    while month.first_day <= goal.end:
        first, last = max(month.first_day, goal.start), min(month.last_day, goal.end)
        before, until = shift_year(first), shift_year(last)
        if view.days_with(measure, before, until) == days_between(before, until):
            weight = view.total(measure, before, until) or 0.0
            if as_of >= first:
                done += view.total(measure, before, shift_year(min(as_of, last))) or 0.0
        else:
            whole_month = Month.of(before)
            total = view.total(measure, whole_month.first_day, whole_month.last_day)
            if total is None:
                return linear
            weight = total * days_between(first, last) / month.days
            if as_of >= first:
                done += weight * elapsed_share(first, last, as_of)
        whole += weight
        month = month + 1
    return min(max(done / whole, 0.0), 1.0) if whole > 0 else linear


def structural_findings(
    kpi: Kpi, target: float | None, start: dt.date, end: dt.date, objective: str = "",
    baseline: float | None = None,
) -> list[Finding]:
    """The SMART checks that need no history: a target the KPI can reach, better than the baseline,
    an objective, a window that ends after it starts and is not too long.

    >>> from kpi_xl.core.registry import get
    >>> [f.criterion for f in structural_findings(get("CTR"), 1.5, dt.date(2026, 1, 1), dt.date(2025, 12, 1))]
    ['achievable', 'relevant', 'time_bound']
    """
    findings: list[Finding] = []
    if target is None:
        findings.append(Finding("measurable", "error", N_(
            "No target: give a Target, or an Improvement with a Baseline or enough history to compute one.")))
    else:
        low, high = kpi.bounds
        if (low is not None and target < low) or (high is not None and target > high):
            findings.append(Finding("achievable", "error", N_("The target {target} is outside what {kpi} can reach."),
                                    {"target": Quantity(target, kpi.unit), "kpi": Term(kpi.name)}))
        elif baseline is not None and (target == baseline or not meets(target, baseline, kpi)):
            findings.append(Finding("measurable", "warning", N_(
                "The target {target} is no improvement on the baseline {baseline}."),
                {"target": Quantity(target, kpi.unit), "baseline": Quantity(baseline, kpi.unit)}))
    if not objective.strip():
        findings.append(Finding("relevant", "warning", N_(
            "No objective: say which business aim this {stage} goal serves."), {"stage": Term(STAGE_NAMES[kpi.stage])}))
    if end < start:
        findings.append(Finding("time_bound", "error", N_("The end date is before the start date.")))
    elif days_between(start, end) > LONG_WINDOW_DAYS:
        findings.append(Finding("time_bound", "warning", N_(
            "The window is longer than a year: split it into quarterly goals to act in time.")))
    return findings


def _progress(kpi: Kpi, actual: float, forecast: float | None, target: float, baseline: float | None) -> float:
    """How far the goal has come: for a total (revenue) the share of the target reached so far;
    for churn or retention, which build up over the window, the forecast's way from baseline to
    target (half a month's churn against a monthly baseline means nothing); for rates, the actual's."""
    if kpi.cumulative:
        return progress(actual, target, None, kpi)
    if kpi.accrual:
        return progress(forecast if forecast is not None else actual, target, baseline, kpi)
    return progress(actual, target, baseline, kpi)


def evaluate_goal(
    goal: Goal, view: ActualsView, as_of: dt.date, settings: Settings = _DEFAULT_SETTINGS,
    kpis: Mapping[str, Kpi] | None = None,
) -> GoalStatus:
    """Everything about one goal on ``as_of``: baseline, target, actual, pace, status, findings.
    ``kpis``: the workbook's own KPIs by code (Custom KPIs sheet)."""
    kpi = (kpis or {}).get(goal.kpi) or get(goal.kpi)
    findings: list[Finding] = []
    if goal.channel and goal.channel not in view.channels():
        findings.append(Finding("specific", "warning", N_("No Actuals rows for the channel {channel}."),
                                {"channel": goal.channel}))
    if goal.baseline is not None:
        baseline, source = goal.baseline, "given"
    else:
        baseline, source, history = baseline_from_history(view, kpi, goal.start, goal.end, settings.baseline_method)
        findings.extend(history)

    target = goal.target
    unreachable = False
    if target is None and goal.improvement is not None and baseline is not None:
        try:
            target = target_from(baseline, goal.improvement, kpi)
        except KpiError:
            unreachable = True
            findings.append(Finding("measurable", "error",
                                    N_("The improvement gives a target the KPI can't reach.")))
    findings.extend(f for f in structural_findings(kpi, target, goal.start, goal.end, goal.objective, baseline)
                    if not (unreachable and f.criterion == "measurable"))  # one cause, one finding

    achievability = Achievability.UNKNOWN
    if target is not None and baseline is not None:
        achievability, more = judge_achievability(
            view, kpi, goal, baseline, target, year_on_year=source == "same_period_last_year")
        findings.extend(more)
        beyond = budget_check(view, kpi, goal.start, goal.end, goal.planned_cost, baseline, target)
        if beyond is not None:
            findings.append(beyond)

    started = as_of >= goal.start
    actual = view.value(kpi, goal.start, min(as_of, goal.end)) if started else None
    share = _season_share(view, kpi, goal, as_of)
    linear = elapsed_share(goal.start, goal.end, as_of)
    expected = forecast_value = pace_value = progress_value = None
    if target is not None and started:
        expected, pace_value = expected_and_pace(kpi, actual, target, baseline, share if kpi.accrual else linear)
        if kpi.accrual:
            forecast_value = scale_to_window(kpi, actual, 1 / share) if actual is not None and share > 0 else None
        else:
            forecast_value = actual
    if target is not None and actual is not None:
        try:
            progress_value = _progress(kpi, actual, forecast_value, target, baseline)
        except KpiError:
            progress_value = None
    if started and actual is None:
        findings.append(Finding("time_bound", "info", N_("No data in the goal's window yet.")))

    # Without a target there is nothing to reach or miss: the goal stays not started, and its
    # measurable error says why.
    status = Status.NOT_STARTED if target is None else status_of(
        actual=actual, target=target, start=goal.start, end=goal.end, as_of=as_of, pace_value=pace_value,
        kpi=kpi, thresholds=Thresholds(settings.on_track_min, settings.at_risk_min),
    )
    return GoalStatus(
        goal=goal, kpi=kpi, as_of=as_of, baseline=baseline, baseline_source=source, target=target,
        actual=actual, expected=expected, forecast=forecast_value, progress=progress_value, pace=pace_value,
        elapsed=share, status=status, achievability=achievability, findings=tuple(findings),
    )


def evaluate_goals(data: WorkbookData, as_of: dt.date, client: str | None = None) -> list[GoalStatus]:
    """Every goal of the workbook (or of one client) on ``as_of``, in workbook order."""
    views: dict[tuple[str, str | None], ActualsView] = {}
    results = []
    for goal in data.goals:
        if client is not None and goal.client != client:
            continue
        key = (goal.client, goal.channel or None)
        if key not in views:
            views[key] = ActualsView(data.actuals, goal.client, goal.channel or None)
        results.append(evaluate_goal(goal, views[key], as_of, data.settings, data.kpis))
    return results
