"""The report's goal table: one row per goal with its figures, progress bar and status, and (on the
agency's review copy) the SMART review's findings."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from kpi_xl.core.tracking import STATUS_NAMES, Achievability, GoalStatus
from kpi_xl.report import charts
from kpi_xl.report.format import MISSING
from kpi_xl.report.style import STATUS_COLOURS, STATUS_SYMBOLS
from kpi_xl.report.words import ReportWords

__all__ = ["GoalRow", "GoalTableWriter"]


@dataclass(frozen=True, slots=True)
class GoalRow:
    kpi: str
    channel: str
    baseline: str
    target: str
    actual: str
    expected: str
    forecast: str
    progress: str
    bar: Markup
    status: str
    status_key: str
    symbol: str
    colour: str
    objective: str
    notes: str
    achievability: str          # "" or the translated "Ambitious" / "Unrealistic"
    findings: tuple[str, ...]


class GoalTableWriter(ReportWords):
    def finding_texts(self, s: GoalStatus, criteria: Iterable[str] | None = None) -> tuple[str, ...]:
        wanted = set(criteria) if criteria is not None else None
        return tuple(f.text(self._, self.fmt.quantity) for f in s.findings
                     if wanted is None or f.criterion in wanted)

    def achievability(self, s: GoalStatus) -> str:
        if s.achievability is Achievability.AMBITIOUS:
            return self._("Ambitious")
        if s.achievability is Achievability.UNREALISTIC:
            return self._("Unrealistic")
        return ""

    # -- goal table ------------------------------------------------------------------------------

    def bar_geometry(self, s: GoalStatus) -> tuple[float | None, float | None]:
        """(fill, marker): how far toward the target, and how far it should be by now.

        The fill is the core's progress: a total (revenue) as actual / target, churn or retention
        by the forecast for the window (expected at the target), a rate as the way from baseline to target.
        """
        if s.target is None or s.actual is None:
            return None, None
        if s.kpi.cumulative:
            if s.target <= 0:
                return None, None
            marker = s.expected / s.target if s.expected is not None else None
            return s.progress, marker
        if s.kpi.accrual:
            # Churn and retention: the fill is the forecast's way to the target, which on plan is the
            # target itself at any time, so the "expected by now" tick stands at the end.
            return s.progress, (1.0 if s.progress is not None else None)
        if s.baseline is None or s.target == s.baseline:
            return s.progress, None
        marker = (s.expected - s.baseline) / (s.target - s.baseline) if s.expected is not None else None
        return s.progress, marker

    def progress_text(self, fill: float | None, baseline: float | None = None, *, final: bool = True) -> str:
        """The share of the way to the target. Past either end it is said in words: "-366 %" or "254 %"
        of the way means nothing to a reader, "worse than the baseline" and "past the target so far" do."""
        if fill is None or not math.isfinite(fill):
            return MISSING
        if fill < 0:
            return self._("worse than the baseline") if baseline is not None else self.fmt.percent(0, 0)
        if fill > 1:
            return self._("past the target") if final else self._("past the target so far")
        return self.fmt.percent(fill, 0)

    def goal_row(self, s: GoalStatus) -> GoalRow:
        f, kpi = self.fmt, s.kpi
        fill, marker = self.bar_geometry(s)
        progress = self.progress_text(fill, s.baseline, final=s.as_of >= s.goal.end)
        if marker is None or not math.isfinite(marker):
            bar_alt = self._("Progress toward the target: {progress}.").format(progress=progress)
        elif kpi.accrual and not kpi.cumulative:  # churn: the bar is the forecast's way, on plan at the target
            bar_alt = self._("Progress toward the target, by the forecast for the window: {progress}; "
                             "on plan: {expected}.").format(progress=progress, expected=self.progress_text(marker))
        else:
            bar_alt = self._("Progress toward the target: {progress}; expected by now: {expected}.").format(
                progress=progress, expected=self.progress_text(marker))
        return GoalRow(
            kpi=self.own(kpi, kpi.name),
            channel=s.goal.channel or self._("All channels"),
            baseline=f.kpi(kpi, s.baseline), target=f.kpi(kpi, s.target), actual=f.kpi(kpi, s.actual),
            expected=f.kpi(kpi, s.expected), forecast=f.kpi(kpi, s.forecast),
            progress=progress,
            bar=charts.progress_bar(fill, marker, STATUS_COLOURS[s.status], alt=bar_alt),
            status=self._(STATUS_NAMES[s.status]), status_key=s.status.value, symbol=STATUS_SYMBOLS[s.status],
            colour=STATUS_COLOURS[s.status],
            objective=s.goal.objective, notes=s.goal.notes, achievability=self.achievability(s),
            findings=self.finding_texts(s),
        )
