"""The report's stage sections, in funnel order: per goal a bullet chart and a 13-month trend
against the same months a year earlier, and per stage a table of its KPIs by channel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from kpi_xl.core.periods import Month
from kpi_xl.core.registry import STAGE_NAMES, Kpi, Stage, Unit
from kpi_xl.core.tracking import STATUS_NAMES, GoalStatus
from kpi_xl.report import charts
from kpi_xl.report.format import MISSING
from kpi_xl.report.style import STATUS_COLOURS, accent
from kpi_xl.report.words import ReportWords

__all__ = ["ChannelTable", "GoalChart", "StageSection", "StageWriter"]


@dataclass(frozen=True, slots=True)
class GoalChart:
    title: str
    status: str
    bullet: Markup
    trend: Markup


@dataclass(frozen=True, slots=True)
class ChannelTable:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StageSection:
    name: str
    charts: tuple[GoalChart, ...]
    channels: ChannelTable | None


def _digits(values: list[float]) -> int:
    """The fewest decimals (up to 3) that show every value exactly.

    >>> _digits([90.0, 92.5, 95.0]), _digits([0.0, 0.25, 0.5]), _digits([0, 50, 100])
    (1, 2, 0)
    """
    return next((d for d in range(3) if all(abs(round(v, d) - v) < 1e-9 for v in values)), 3)


def _distinct(label: Callable[[float, int], str], ticks: list[float], first: int = 0) -> list[str]:
    """Tick labels with the fewest decimals that tell every tick apart ("1 M, 1 M, 1 M" helps nobody).

    >>> _distinct(lambda v, d: f"{v / 1e6:.{d}f} M", [975_000, 1_000_000, 1_025_000, 1_050_000], first=1)
    ['0.97 M', '1.00 M', '1.02 M', '1.05 M']
    """
    for digits in range(first, first + 4):
        labels = [label(t, digits) for t in ticks]
        if len(set(labels)) == len(labels):
            return labels
    return labels


class StageWriter(ReportWords):
    def goal_chart(self, s: GoalStatus) -> GoalChart:
        f, kpi, period = self.fmt, s.kpi, self.period
        view = self.view(s.goal.channel or None)
        first = period - 12
        this_year = [v for _, v in view.monthly(kpi, first, period)]
        last_year = [v for _, v in view.monthly(kpi, first - 12, period - 12)]
        months = [first + i for i in range(13)]
        years = [str(m.year) if i == 0 or m.month == 1 else None for i, m in enumerate(months)]
        title = self.kpi_label(s)
        target = None if kpi.cumulative else s.target  # a window's total target is no monthly line
        trend = charts.trend_chart(
            [f.month_axis(m) for m in months], years, this_year, last_year,
            target, fmt_ticks=self.tick_formatter(kpi), fmt_value=lambda v: f.kpi(kpi, v),
            labels=charts.TrendLabels(title, self._("Last 13 months"), self._("Same months a year earlier"),
                                      self._("Target")),
            colour=accent(self.brand), bounds=kpi.bounds,
            alt=self.trend_alt(title, kpi, months, this_year, last_year, target),
        )
        bullet = charts.bullet_chart(
            s.actual, s.expected, s.target,
            {"title": title,
             "actual": self._("Actual: {value}").format(value=f.kpi(kpi, s.actual)),
             "expected": self._("Expected by now: {value}").format(value=f.kpi(kpi, s.expected)),
             "target": self._("Target: {value}").format(value=f.kpi(kpi, s.target))},
            STATUS_COLOURS[s.status], lower_is_better=kpi.lower_is_better,
        )
        if s.actual is None:
            words = self._("{status}: no data yet, from {start} to {end}.")
        elif s.as_of >= s.goal.end:  # over: no "so far"
            words = self._("{status}: {actual}, from {start} to {end}.")
        else:
            words = self._("{status}: {actual} so far, from {start} to {end}.")
        status = words.format(status=self._(STATUS_NAMES[s.status]), actual=f.kpi(kpi, s.actual),
                              start=f.date(s.goal.start), end=f.date(s.goal.end))
        month_value = this_year[-1] if this_year else None
        if (month_value is not None and s.actual is not None
                and f.kpi(kpi, month_value) != f.kpi(kpi, s.actual)):
            # The chart's last point is the month alone; the figure above is the goal's window so far.
            status += " " + self._("The chart's last point is {month} alone: {value}.").format(
                month=f.month_title(period), value=f.kpi(kpi, month_value))
        return GoalChart(title=title, status=status, bullet=bullet, trend=trend)

    def trend_alt(self, title: str, kpi: Kpi, months: list[Month], this_year: list[float | None],
                  last_year: list[float | None], target: float | None) -> str:
        """The trend chart in words, for a screen reader: every month's value, both years, the target.
        Concise: the year is said with the first month and with January only, and the months before a
        series has data are left out."""
        f = self.fmt

        def series(values: list[float | None], shift: int) -> str:
            parts: list[str] = []
            for month, value in zip((m - shift for m in months), values, strict=True):
                if value is None and not parts:
                    continue
                name = f.month_title(month) if not parts or month.month == 1 else f.month_name(month)
                parts.append(f"{name} {f.kpi(kpi, value)}")
            return "; ".join(parts) or MISSING

        parts = [title, f"{self._('Last 13 months')}: {series(this_year, 0)}",
                 f"{self._('Same months a year earlier')}: {series(last_year, 12)}"]
        if target is not None:
            parts.append(self._("Target: {value}").format(value=f.kpi(kpi, target)))
        return ". ".join(parts) + "."

    def tick_formatter(self, kpi: Kpi) -> Callable[[list[float]], list[str]]:
        """Axis labels with as many decimals as the step needs: 92,5 % and 95 %, not 92 % and 95 %."""
        f = self.fmt
        if kpi.unit is Unit.PERCENT:
            return lambda ticks: [f.percent(t, _digits([t * 100 for t in ticks])) for t in ticks]
        if kpi.unit is Unit.SECONDS:
            return lambda ticks: _distinct(f.duration, ticks)

        def plain(ticks: list[float]) -> list[str]:
            if max(abs(t) for t in ticks) >= 10_000:
                return _distinct(f.compact, ticks, first=1)
            digits = _digits(ticks)
            return [f.number(t, digits) for t in ticks]
        return plain

    def channel_table(self, kpis: list[Kpi]) -> ChannelTable | None:
        trackable = [k for k in kpis if k.measures]
        channels = self.view(None).channels()
        if not trackable or not channels:
            return None
        start, end = self.period.first_day, self.period.last_day
        measures = list(dict.fromkeys(m for k in trackable for m in k.measures))
        # Every channel with data behind these KPIs this month, so the rows reconcile with the total;
        # a ratio without its denominator (ROAS of a channel with no ad cost) is blank. A channel with
        # none of these measures (a survey feed in the conversion section) has nothing to add.
        shown = [c for c in channels
                 if any(v is not None for v in self.view(c).totals(measures, start, end).values())]
        rows = tuple(
            (channel, *(self.fmt.kpi(k, self.view(channel).value(k, start, end)) for k in trackable))
            for channel in shown
        )
        if len(rows) < 2:  # one channel (a survey feed) says nothing the chart above does not
            return None
        total = (self._("All channels"), *(self.fmt.kpi(k, self.view(None).value(k, start, end)) for k in trackable))
        return ChannelTable((self._("Channel"), *(self.own(k, k.name) for k in trackable)), rows, total)

    def stages(self, statuses: list[GoalStatus]) -> tuple[StageSection, ...]:
        sections = []
        for stage in Stage:  # funnel order
            mine = [s for s in statuses if s.kpi.stage is stage]
            if not mine:
                continue
            kpis = list(dict.fromkeys(s.kpi for s in mine))
            sections.append(StageSection(
                name=self._(STAGE_NAMES[stage]),
                charts=tuple(self.goal_chart(s) for s in mine),
                channels=self.channel_table(kpis),
            ))
        return tuple(sections)
