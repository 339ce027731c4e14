"""The report's summary: how many goals it follows, the count per status, the wins and the risks.

Every sentence is written for a reader: "ahead of plan" for a total, the gap in percentage points for
a rate, "better" and "worse" (never "above" and "below") for a KPI where lower is better.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kpi_xl.core.registry import Unit
from kpi_xl.core.tracking import GoalStatus, Status, meets
from kpi_xl.report.format import MISSING
from kpi_xl.report.words import ReportWords

__all__ = ["SUMMARY_ORDER", "SummaryCount", "SummaryWriter"]

#: The order statuses are counted in, in the summary and the e-mail.
SUMMARY_ORDER = (Status.ACHIEVED, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.MISSED)
_HIGHLIGHTS = 3  # wins and risks named in the summary


@dataclass(frozen=True, slots=True)
class SummaryCount:
    key: str          # the status value, for the CSS class
    count: int
    text: str         # "3 cele osiągnięte"


class SummaryWriter(ReportWords):
    def follows(self, n: int) -> str:
        if not n:
            return self._("This report follows no goal this month.")
        return self.ngettext("This report follows {n} goal.", "This report follows {n} goals.", n).format(
            n=self.fmt.number(n))

    def counts(self, statuses: list[GoalStatus]) -> tuple[SummaryCount, ...]:
        ngettext = self.ngettext
        texts = {
            Status.ACHIEVED: lambda n: ngettext("{n} goal achieved", "{n} goals achieved", n),
            Status.ON_TRACK: lambda n: ngettext("{n} goal on track", "{n} goals on track", n),
            Status.AT_RISK: lambda n: ngettext("{n} goal at risk", "{n} goals at risk", n),
            Status.OFF_TRACK: lambda n: ngettext("{n} goal off track", "{n} goals off track", n),
            Status.MISSED: lambda n: ngettext("{n} goal missed", "{n} goals missed", n),
        }
        # Zero is a sentence of its own in most languages ("nenhuma meta atingida", "żaden cel nie
        # jest zagrożony"), not a plural form: gettext's plural rules have no zero category.
        none = {
            Status.ACHIEVED: self._("No goal achieved yet"),
            Status.ON_TRACK: self._("No goal on track"),
            Status.AT_RISK: self._("No goal at risk"),
            Status.OFF_TRACK: self._("No goal off track"),
        }
        result = []
        for status in SUMMARY_ORDER:
            n = sum(s.status is status for s in statuses)
            if n:
                result.append(SummaryCount(status.value, n, texts[status](n).format(n=self.fmt.number(n))))
            elif status is not Status.MISSED:  # "0 missed" says nothing; "0 at risk" is news
                result.append(SummaryCount(status.value, n, none[status]))
        return tuple(result)

    def win_text(self, s: GoalStatus) -> str:
        kpi, f = self.kpi_label(s), self.fmt
        if s.status is Status.ACHIEVED:
            return self._("{kpi}: target of {target} reached ({actual}).").format(
                kpi=kpi, target=f.kpi(s.kpi, s.target), actual=f.kpi(s.kpi, s.actual))
        if not s.kpi.cumulative:
            # A rate's pace is a gap travelled: "653 % ahead" would mean nothing. Say it in the KPI's values.
            if s.target is not None and s.actual is not None and not s.kpi.accrual \
                    and meets(s.actual, s.target, s.kpi) and s.actual != s.target:
                return self._("{kpi}: {actual}, already better than the target of {target}.").format(
                    kpi=kpi, actual=f.kpi(s.kpi, s.actual), target=f.kpi(s.kpi, s.target))
            return self._("{kpi}: {actual}, {gap} better than the {expected} expected by now.").format(
                kpi=kpi, actual=f.kpi(s.kpi, s.actual), gap=self.gap(s), expected=f.kpi(s.kpi, s.expected))
        # "Ahead" and "behind" read as "above" and "below" in several languages ("powyżej planu"),
        # which is backwards for a CPA: lower-is-better KPIs are "better" or "worse" than plan.
        if s.kpi.lower_is_better:
            words = self._("{kpi}: {gap} better than plan, {actual} against {expected} expected by now.")
        else:
            words = self._("{kpi}: {gap} ahead of plan, {actual} against {expected} expected by now.")
        return words.format(
            kpi=kpi, gap=self.gap(s), actual=f.kpi(s.kpi, s.actual),
            expected=f.kpi(s.kpi, s.expected))

    def gap(self, s: GoalStatus) -> str:
        """How far from where the goal should be by now. A total: the share of the expected value, "12 %",
        "4,5 %", or the amount when more than 100 % ahead. A rate, average or score (whose pace is the
        gap travelled, a ratio a reader can't use): the difference in the KPI's own values, percentage
        points for a percentage ("2,9 p.p.")."""
        if s.actual is None or s.expected is None:
            return MISSING
        difference = abs(s.actual - s.expected)
        if s.kpi.cumulative:
            share = abs((s.pace if s.pace is not None else 1.0) - 1.0)
            if share <= 1.0:
                return self.fmt.percent(share, 0 if share >= 0.1 else 1)
            return self.fmt.kpi(s.kpi, difference)
        if s.kpi.unit is Unit.PERCENT:
            points = difference * 100
            return self._("{value} percentage points").format(
                value=self.fmt.number(points, 1 if points >= 1 else 2))
        if s.kpi.unit is Unit.SCORE:
            return self._("{value} points").format(value=self.fmt.number(difference, 1))
        if s.kpi.unit is Unit.CURRENCY:  # with the digits of the amounts it lies between
            return self.fmt.money(difference, like=min(abs(s.actual), abs(s.expected)))
        return self.fmt.kpi(s.kpi, difference)

    def risk_text(self, s: GoalStatus) -> str:
        kpi, f = self.kpi_label(s), self.fmt
        if s.status is Status.MISSED:
            return self._("{kpi}: missed the target of {target} ({actual}).").format(
                kpi=kpi, target=f.kpi(s.kpi, s.target), actual=f.kpi(s.kpi, s.actual))
        if s.kpi.accrual and not s.kpi.cumulative:   # churn so far: the forecast for the window says more
            words = self._("{kpi}: {actual}, {gap} worse than the {expected} expected by now; "
                           "forecast {forecast} for a target of {target}.")
        elif not s.kpi.cumulative:    # a rate's forecast is its current value: no need to say it twice
            words = self._("{kpi}: {actual}, {gap} worse than the {expected} expected by now; "
                           "target {target}.")
        elif s.kpi.lower_is_better:
            words = self._("{kpi}: {gap} worse than plan, {actual} against {expected} expected by now; "
                           "forecast {forecast} for a target of {target}.")
        else:
            words = self._("{kpi}: {gap} behind plan, {actual} against {expected} expected by now; "
                           "forecast {forecast} for a target of {target}.")
        return words.format(
            kpi=kpi, gap=self.gap(s), actual=f.kpi(s.kpi, s.actual),
            expected=f.kpi(s.kpi, s.expected), forecast=f.kpi(s.kpi, s.forecast), target=f.kpi(s.kpi, s.target))

    def highlights(self, statuses: list[GoalStatus]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        def pace(s: GoalStatus) -> float:
            return s.pace if s.pace is not None and math.isfinite(s.pace) else 1.0
        wins = [s for s in statuses if s.status is Status.ACHIEVED
                or (s.status is Status.ON_TRACK and pace(s) > 1.0)]
        wins.sort(key=lambda s: (s.status is not Status.ACHIEVED, -pace(s)))
        risks = [s for s in statuses if s.status in (Status.MISSED, Status.OFF_TRACK, Status.AT_RISK)]
        risks.sort(key=lambda s: (s.status is not Status.MISSED, pace(s)))
        return (tuple(self.win_text(s) for s in wins[:_HIGHLIGHTS]),
                tuple(self.risk_text(s) for s in risks[:_HIGHLIGHTS]))
