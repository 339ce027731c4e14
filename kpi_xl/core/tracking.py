"""Where a goal stands on an explicit ``as_of`` date: progress, pace, forecast and status.

Never the wall clock: every function takes ``as_of``. The result, :class:`GoalStatus`, is plain data
that the report, the command line and the Excel functions all show.

Status rules (thresholds from :class:`kpi_xl.core.model.Settings`, defaults 0.95 and 0.85; the
README's "SMART goals" section is generated from :mod:`kpi_xl.docs` with examples computed here):

- ``not_started`` before the window opens; from its last day on (a goal is final on its end date),
  ``achieved`` or ``missed``;
- in the window, a total (revenue) that has already reached its target is ``achieved``;
- otherwise the *pace* decides: at least ``on_track_min`` is ``on_track``, at least ``at_risk_min``
  is ``at_risk``, below is ``off_track``.

Pace (:func:`expected_and_pace`): for totals the ratio of the actual to the target's share of the
window elapsed (weighted by last year's same days when the history covers them); for rates,
averages and scores with a baseline and a better target, the gap travelled from the baseline
against the gap due by now, so a value worse than its baseline is never on track; for churn and
retention, which build up over the window, the gap between baseline and target both carried over to
the share elapsed, so pace is the forecast's way from baseline to target.
Without a baseline, a ratio to the target. Forecast at the end: the actual carried over to the
whole window for totals, churn and retention; the current value for rates, which do not build up.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kpi_xl.core.errors import DivisionByZeroError, InvalidValueError, NotAvailableError
from kpi_xl.core.model import Goal
from kpi_xl.core.periods import days_between
from kpi_xl.core.registry import N_, Direction, Kpi, Unit

__all__ = [
    "STATUS_NAMES",
    "Achievability",
    "Finding",
    "GoalStatus",
    "Quantity",
    "Status",
    "Term",
    "Thresholds",
    "elapsed_share",
    "expected_and_pace",
    "forecast",
    "gap_applies",
    "meets",
    "pace",
    "progress",
    "scale_to_window",
    "status_of",
    "target_from",
]


class Status(enum.Enum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    ACHIEVED = "achieved"
    MISSED = "missed"


STATUS_NAMES = {
    Status.NOT_STARTED: N_("Not started"),
    Status.ON_TRACK: N_("On track"),
    Status.AT_RISK: N_("At risk"),
    Status.OFF_TRACK: N_("Off track"),
    Status.ACHIEVED: N_("Achieved"),
    Status.MISSED: N_("Missed"),
}


class Achievability(enum.Enum):
    REALISTIC = "realistic"
    AMBITIOUS = "ambitious"        # beyond the 90th percentile of historical changes
    UNREALISTIC = "unrealistic"    # beyond the best month ever
    UNKNOWN = "unknown"            # not enough history to judge


class Term(str):
    """A message id given as a finding's value (a stage or KPI name): translated before it is used."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with what it measures, so each edge can format it for its locale.

    ``unit`` is a registry :class:`Unit`, or "days" / "months" for spans of time.
    """

    value: float
    unit: Unit | str


@dataclass(frozen=True, slots=True)
class Finding:
    """One SMART finding. ``message`` is an English gettext id with ``{name}`` placeholders filled
    from ``values`` (formatted by the edge for its locale); ``criterion`` is specific, measurable,
    achievable, relevant or time_bound; ``severity`` is error, warning or info."""

    criterion: str
    severity: str
    message: str
    values: Mapping[str, Quantity | str] = field(default_factory=dict)

    def text(
        self, gettext: Callable[[str], str] = str, fmt: Callable[[Quantity], str] = lambda q: f"{q.value:g}"
    ) -> str:
        """The finding in words: ``gettext`` translates the message and :class:`Term` values, ``fmt``
        formats each :class:`Quantity`; other values (a channel name) are the user's own words.

        >>> Finding("relevant", "warning", "No objective for this {stage} goal.", {"stage": Term("Awareness")}).text(
        ...     gettext=lambda s: {"Awareness": "Reconocimiento"}.get(s, s))
        'No objective for this Reconocimiento goal.'
        """
        def show(value: Quantity | str) -> str:
            if isinstance(value, Quantity):
                return fmt(value)
            return gettext(value) if isinstance(value, Term) else value

        return gettext(self.message).format(**{k: show(v) for k, v in self.values.items()})


@dataclass(frozen=True, slots=True)
class GoalStatus:
    goal: Goal
    kpi: Kpi
    as_of: dt.date
    baseline: float | None         # given, or from history (None: no history)
    baseline_source: str           # "given", "previous_3_months", "same_period_last_year" or "none"
    target: float | None           # None only when neither target nor a usable baseline exists
    actual: float | None           # from the window's start to min(as_of, end)
    expected: float | None         # expected to date
    forecast: float | None         # at the window's end
    progress: float | None         # totals: actual / target; rates: the way from baseline to target
    pace: float | None             # actual against expected, direction-aware: 1.0 is exactly on pace
    elapsed: float                 # share of the window elapsed, 0 to 1 (seasonality-weighted)
    status: Status
    achievability: Achievability
    findings: tuple[Finding, ...] = ()

    @property
    def smart_ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Pace limits between on track, at risk and off track (Settings on_track_min, at_risk_min)."""

    on_track_min: float = 0.95
    at_risk_min: float = 0.85


def _higher(kpi: Kpi | None) -> bool:
    return kpi is None or kpi.direction is Direction.HIGHER


def target_from(baseline: float, improvement: float, kpi: Kpi | None = None) -> float:
    """The target ``improvement`` better than ``baseline``: up for higher-is-better KPIs, down for
    lower-is-better ones (a 10 % better CPA is 10 % lower). Relative to the baseline's size, so a
    negative NPS improves upwards too.

    >>> from kpi_xl.core.registry import get
    >>> round(target_from(40.0, 0.10, get("CPA")), 6), round(target_from(0.02, 0.25, get("CONVERSION_RATE")), 6)
    (36.0, 0.025)
    >>> target_from(-20.0, 0.5, get("NPS"))
    -10.0
    """
    change = abs(baseline) * improvement
    target = baseline + change if _higher(kpi) else baseline - change
    low, high = kpi.bounds if kpi is not None else (None, None)
    if (low is not None and target < low) or (high is not None and target > high):
        raise InvalidValueError("improvement", improvement, "gives a target outside what the KPI can reach")
    return target


def scale_to_window(kpi: Kpi | None, value: float, fraction: float) -> float:
    """A window-length-dependent value carried over to ``fraction`` of its window (0.5: half of it).

    Totals and churn grow in proportion; retention loses in proportion; rates such as CPA do not
    depend on the window's length. No KPI means a total.

    >>> from kpi_xl.core.registry import get
    >>> scale_to_window(get("REVENUE"), 900.0, 1 / 3), round(scale_to_window(get("CHURN_RATE"), 0.06, 1 / 3), 6)
    (300.0, 0.02)
    >>> round(scale_to_window(get("RETENTION_RATE"), 0.94, 1 / 3), 6), scale_to_window(get("CPA"), 25.0, 0.5)
    (0.98, 25.0)
    >>> scale_to_window(get("RETENTION_RATE"), 0.90, 20.0), scale_to_window(get("CHURN_RATE"), 0.2, 10.0)
    (0.0, 1.0)
    """
    accrual = "grows" if kpi is None else kpi.accrual
    if accrual == "grows":
        value = value * fraction
    elif accrual == "shrinks":
        value = 1.0 - (1.0 - value) * fraction
    if kpi is not None:  # carried over a longer window, a share can't pass 100 % (nor fall below 0)
        low, high = kpi.bounds
        value = max(value, low) if low is not None else value
        value = min(value, high) if high is not None else value
    return value


def meets(actual: float, target: float, kpi: Kpi | None = None) -> bool:
    """Whether ``actual`` is at least as good as ``target`` in the KPI's direction."""
    return actual >= target if _higher(kpi) else actual <= target


def progress(actual: float, target: float, baseline: float | None = None, kpi: Kpi | None = None) -> float:
    """Share of the way from ``baseline`` to ``target`` (1.0: reached); without a baseline, actual
    against target, direction-aware (for a lower-is-better KPI, target / actual).

    >>> from kpi_xl.core.registry import get
    >>> progress(35.0, 30.0, 40.0, get("CPA"))      # CPA from 40 down to 35 of the way to 30
    0.5
    >>> progress(30.0, 40.0)
    0.75
    >>> progress(32.0, 24.0, kpi=get("CPA"))
    0.75
    """
    if baseline is not None:
        if target == baseline:
            raise DivisionByZeroError("target - baseline")
        return (actual - baseline) / (target - baseline)
    if _higher(kpi):
        if target == 0:
            raise DivisionByZeroError("target")
        return actual / target
    if actual == 0:
        raise DivisionByZeroError("actual")
    return target / actual


def elapsed_share(start: dt.date, end: dt.date, as_of: dt.date) -> float:
    """Share of the window's days elapsed by the end of ``as_of``, from 0 to 1.

    >>> elapsed_share(dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 10, 15))
    0.4838709677419355
    """
    if end < start:
        raise InvalidValueError("end", end, f"is before start {start}")
    done = days_between(start, min(as_of, end)) if as_of >= start else 0
    return done / days_between(start, end)


def forecast(actual_to_date: float, share: float) -> float:
    """The end-of-window total if the rest goes as the part elapsed (``share`` of the window).

    >>> forecast(450.0, 0.5)
    900.0
    """
    if share <= 0:
        raise NotAvailableError("forecast", "the window has not started")
    return actual_to_date / share


def gap_applies(kpi: Kpi | None, target: float, baseline: float | None) -> bool:
    """Whether pace is judged as the gap travelled from the baseline: a rate, average or score (not
    a total) with a baseline and a target better than it. Otherwise pace is a ratio to the expected
    value (totals; goals without a baseline, or whose target is no improvement on it).

    >>> from kpi_xl.core.registry import get
    >>> gap_applies(get("FCR"), 0.80, 0.739), gap_applies(get("REVENUE"), 1000.0, 800.0)
    (True, False)
    >>> gap_applies(get("CPA"), 30.0, 25.0), gap_applies(get("CPA"), 20.0, None)   # no improvement; no baseline
    (False, False)
    """
    return (kpi is not None and not kpi.cumulative and baseline is not None and target != baseline
            and meets(target, baseline, kpi))


def expected_and_pace(
    kpi: Kpi | None, actual: float | None, target: float, baseline: float | None, share: float
) -> tuple[float, float | None]:
    """The value expected ``share`` of the way through the window, and the pace against it.

    - A total (revenue; no KPI given) is expected at the target times the share, and its pace is the
      ratio actual / expected.
    - A rate, average or score with a baseline and a better target glides from the baseline to the
      target: expected = baseline + (target - baseline) x share, and pace is the gap travelled against
      the gap expected by now, (actual - baseline) / (expected - baseline). A value worse than its
      baseline has a negative pace: never on track.
    - Churn and retention build up over the window: the baseline and the target (whole-window levels)
      are carried over to the share elapsed, and pace = (actual - baseline so far) / (target so far -
      baseline so far). That equals the forecast's way from baseline to target, so pace is 1.0
      exactly when the forecast meets the target.
    - Without a baseline (or with a target no better than it) a rate is expected at the target and
      its pace is the ratio to it, direction-aware.

    >>> from kpi_xl.core.registry import get
    >>> expected, value = expected_and_pace(get("FCR"), 0.728, 0.80, 0.739, 31 / 92)
    >>> round(expected, 4), round(value, 2)       # 1.1 points below the baseline where 2.1 above were due
    (0.7596, -0.54)
    >>> expected_and_pace(get("REVENUE"), 15_000.0, 31_000.0, None, 15 / 31)
    (15000.0, 1.0)
    >>> expected, value = expected_and_pace(get("CHURN_RATE"), 0.004, 0.008, 0.010, 0.5)
    >>> round(expected, 6), round(value, 6)     # forecast 0.8 %: on the target
    (0.004, 1.0)
    """
    if kpi is None or kpi.cumulative or not gap_applies(kpi, target, baseline):
        expected = scale_to_window(kpi, target, share) if kpi is None or kpi.accrual else target
        ratio = None if actual is None or share <= 0 else pace(actual, expected, kpi)
        return expected, ratio
    assert baseline is not None
    if kpi.accrual:
        # Churn and retention: the baseline and the target are whole-window levels, carried over to the
        # share elapsed. Moving the level toward the target as well would count the time twice.
        expected, start = scale_to_window(kpi, target, share), scale_to_window(kpi, baseline, share)
    else:
        expected, start = baseline + (target - baseline) * share, baseline
    if actual is None or share <= 0 or expected == start:
        return expected, None
    return expected, (actual - start) / (expected - start)


def pace(actual: float, expected: float, kpi: Kpi | None = None) -> float:
    """Actual against expected as a ratio, direction-aware: 1.0 is exactly on pace, 0.9 is 10 % behind.

    The rule for totals, and for rates without a baseline (see :func:`expected_and_pace`): expected /
    actual for lower-is-better KPIs. Where values can be zero or negative (NPS, ROI) a ratio means
    nothing, so the gap is measured against the size of the expected value (at least 1) instead.
    For retention, which sits near 100 %, a ratio says nothing either (96.6 % of 97.3 % is 0.99): what
    was lost is compared instead.

    >>> from kpi_xl.core.registry import get
    >>> pace(90.0, 100.0), pace(30.0, 27.0, get("CPA"))
    (0.9, 0.9)
    >>> pace(-7.0, -5.0, get("NPS"))      # 2 NPS points behind a target of -5
    0.6
    >>> round(pace(0.966, 0.973, get("RETENTION_RATE")), 2)   # lost 3.4 % where 2.7 % was expected
    0.79
    """
    higher = _higher(kpi)
    if kpi is not None and kpi.accrual == "shrinks":
        actual, expected, higher = 1.0 - actual, 1.0 - expected, False
    if actual > 0 and expected > 0:
        return actual / expected if higher else expected / actual
    gap = (actual - expected) if higher else (expected - actual)
    return 1.0 + gap / max(abs(expected), 1.0)


def status_of(
    *,
    actual: float | None,
    target: float,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    pace_value: float | None,
    kpi: Kpi | None = None,
    thresholds: Thresholds = Thresholds(),
) -> Status:
    """The status on ``as_of`` (see the module's rules).

    >>> d = dt.date
    >>> status_of(actual=None, target=10, start=d(2026, 11, 1), end=d(2026, 11, 30), as_of=d(2026, 10, 31),
    ...           pace_value=None).value
    'not_started'
    >>> status_of(actual=9.0, target=10, start=d(2026, 10, 1), end=d(2026, 10, 31), as_of=d(2026, 10, 31),
    ...           pace_value=0.9).value
    'missed'
    >>> status_of(actual=6.0, target=10, start=d(2026, 10, 1), end=d(2026, 10, 31), as_of=d(2026, 10, 20),
    ...           pace_value=0.9).value
    'at_risk'
    """
    if as_of < start or actual is None:
        return Status.NOT_STARTED
    if as_of >= end:
        return Status.ACHIEVED if meets(actual, target, kpi) else Status.MISSED
    if kpi is not None and kpi.cumulative and meets(actual, target, kpi):
        return Status.ACHIEVED
    if pace_value is None:
        return Status.NOT_STARTED
    if pace_value >= thresholds.on_track_min:
        return Status.ON_TRACK
    if pace_value >= thresholds.at_risk_min:
        return Status.AT_RISK
    return Status.OFF_TRACK
