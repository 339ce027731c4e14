"""From the core's data to what the report templates show: every figure formatted, every word translated.

:func:`build_report` is pure: workbook data, the goals' statuses on ``period.last_day`` and a locale
in, a :class:`Report` out. The templates only lay it out; they compute nothing. Text that came from
the workbook (client name, commentary, notes) stays plain text here: the templates autoescape it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from markupsafe import Markup

from kpi_xl.core.aggregate import ActualsView
from kpi_xl.core.custom import CustomKpi
from kpi_xl.core.model import Client, WorkbookData
from kpi_xl.core.periods import Month
from kpi_xl.core.registry import (
    DIRECTION_NAMES,
    PAID_NOTE,
    STAGE_NAMES,
    UNIT_NAMES,
    Kpi,
    Stage,
    Unit,
    label_of,
)
from kpi_xl.core.tracking import STATUS_NAMES, Achievability, GoalStatus, Status, meets
from kpi_xl.i18n import translator
from kpi_xl.report import charts
from kpi_xl.report.format import MISSING, Formatter

__all__ = [
    "STATUS_COLOURS",
    "STATUS_SYMBOLS",
    "SUMMARY_ORDER",
    "AppendixEntry",
    "ChannelTable",
    "GoalChart",
    "GoalRow",
    "Report",
    "StageSection",
    "SummaryCount",
    "build_report",
    "goals_csv",
    "headline",
    "html_lang",
    "in_period",
    "shorten",
]

STATUS_COLOURS = {
    Status.ACHIEVED: "#1B7F3B",
    Status.ON_TRACK: "#3E9B4F",
    Status.AT_RISK: "#D68A00",
    Status.OFF_TRACK: "#C62828",
    Status.MISSED: "#8E1B1B",
    Status.NOT_STARTED: "#8C8C8C",
}
# A shape as well as a colour, so the status reads in grey print and for colour-blind readers.
STATUS_SYMBOLS = {
    Status.ACHIEVED: "✓",
    Status.ON_TRACK: "●",
    Status.AT_RISK: "▲",
    Status.OFF_TRACK: "▼",
    Status.MISSED: "✗",
    Status.NOT_STARTED: "○",
}
#: The order statuses are counted in, in the summary and the e-mail.
SUMMARY_ORDER = (Status.ACHIEVED, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.MISSED)
_HIGHLIGHTS = 3  # wins and risks named in the summary


@dataclass(frozen=True, slots=True)
class SummaryCount:
    key: str          # the status value, for the CSS class
    count: int
    text: str         # "3 cele osiągnięte"


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


@dataclass(frozen=True, slots=True)
class AppendixEntry:
    name: str
    description: str
    variant: str
    formula: str
    unit: str
    direction: str


@dataclass(frozen=True, slots=True)
class Report:
    lang: str                     # BCP 47, for <html lang> and the PDF's /Lang
    title: str
    agency: str
    client: str
    period: str
    brand: str                    # "#RRGGBB", validated
    brand_ink: str                # black or white, whichever reads on the brand colour
    accent: str                   # the brand colour dark enough for text on white
    freshness: str
    headline: str
    counts: tuple[SummaryCount, ...]
    wins: tuple[str, ...]
    risks: tuple[str, ...]
    reviews: tuple[str, ...]      # ambitious or unrealistic targets, with the reason
    commentary: tuple[str, ...]   # paragraphs
    goals: tuple[GoalRow, ...]
    stages: tuple[StageSection, ...]
    appendix: tuple[AppendixEntry, ...]
    footer: str = ""              # agency · client · period, shortened to fit
    review: str = ""              # "Internal review copy..." on the agency's copy; "" on the client's
    in_progress: str = ""         # "Month in progress: data to 18 Nov 2026." before the month's end
    page_label: tuple[str, str, str] = field(default=("", "", ""))  # text around the two page numbers


def html_lang(locale: str) -> str:
    """The BCP 47 tag of a locale: ``pl_PL`` -> ``pl-PL``."""
    return locale.replace("_", "-")


def in_period(status: GoalStatus, period: Month) -> bool:
    """A goal belongs in the month's report when its window overlaps the month."""
    return status.goal.start <= period.last_day and status.goal.end >= period.first_day


def _luminance(colour: str) -> float:
    """WCAG relative luminance of ``#RRGGBB``."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def _ink_on(colour: str) -> str:
    """Black or white text on ``colour``, whichever reads better."""
    return "#FFFFFF" if _luminance(colour) < 0.18 else "#1A1A1A"


def _accent(colour: str) -> str:
    """The brand colour for headings and chart lines on white: darkened until it has the 4.5:1
    contrast WCAG asks of text (a yellow brand would be unreadable as it is).

    >>> _accent("#1F4E79"), _accent("#FFEB3B")
    ('#1F4E79', '#7F751D')
    """
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    factor = 1.0
    while (1.05 / (_luminance(colour) + 0.05)) < 4.5 and factor > 0:
        factor -= 0.05
        colour = "#{:02X}{:02X}{:02X}".format(*(round(c * factor) for c in (r, g, b)))
    return colour


def _digits(values: list[float]) -> int:
    """The fewest decimals (up to 3) that show every value exactly.

    >>> _digits([90.0, 92.5, 95.0]), _digits([0.0, 0.25, 0.5]), _digits([0, 50, 100])
    (1, 2, 0)
    """
    return next((d for d in range(3) if all(abs(round(v, d) - v) < 1e-9 for v in values)), 3)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (a footer line has room for about 58).

    >>> shorten("Przedsiębiorstwo Handlowo-Usługowe", 20), shorten("Acme", 20)
    ('Przedsiębiorstwo Ha…', 'Acme')
    """
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _footer(agency: str, client: str, period: str, room: int = 58) -> str:
    """"Agency · Client · period" in the footer's room (7 pt over 42 % of the width): the client's
    name gives way first, then the agency's."""
    agency = shorten(agency, 20)
    return " · ".join((agency, shorten(client, max(16, room - len(agency) - len(period) - 6)), period))


def _review_footer(mark: str, client: str, period: str, room: int = 58) -> str:
    """The footer of the agency's review copy, marked on every page: the mark takes the agency's place.

    >>> _review_footer("Copia de revisión interna", "Aurora Moda", "octubre de 2026")
    'Copia de revisión interna · Aurora Moda · octubre de 2026'
    """
    return " · ".join((mark, shorten(client, max(12, room - len(mark) - len(period) - 6)), period))


def _page_label(gettext: Callable[[str], str]) -> tuple[str, str, str]:
    """"Page {page} of {pages}" split around its two numbers, which CSS counters fill in."""
    text = gettext("Page {page} of {pages}")
    before, _, rest = text.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    return before, middle, after


class _Builder:
    def __init__(self, data: WorkbookData, client: Client, period: Month, locale: str) -> None:
        self.data = data
        self.client = client
        self.period = period
        self.locale = locale
        translations = translator(locale)
        self._ = translations.gettext
        self.ngettext = translations.ngettext
        self.fmt = Formatter(locale, client.currency)
        self.brand = charts.safe_colour(data.settings.brand_colour)
        self._views: dict[str | None, ActualsView] = {}

    def view(self, channel: str | None) -> ActualsView:
        if channel not in self._views:
            self._views[channel] = ActualsView(self.data.actuals, self.client.name, channel)
        return self._views[channel]

    def own(self, kpi: Kpi, text: str) -> str:
        """A KPI's name or description in the report's language; a custom KPI's (Custom KPIs sheet)
        as the workbook wrote it."""
        return text if isinstance(kpi, CustomKpi) or not text else self._(text)

    def kpi_label(self, status: GoalStatus) -> str:
        """The KPI and its channel: "Click-through rate (CTR) – Meta Ads" (KPI names often end in a
        parenthesis already: a second one, "(CTR) (Meta Ads)", reads as a typo)."""
        name = self.own(status.kpi, status.kpi.name)
        return self._("{kpi} – {channel}").format(kpi=name, channel=status.goal.channel) if status.goal.channel \
            else name

    # -- summary ---------------------------------------------------------------------------------

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

    # -- stage sections --------------------------------------------------------------------------

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
            colour=_accent(self.brand), bounds=kpi.bounds,
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

    def appendix(self, statuses: list[GoalStatus]) -> tuple[AppendixEntry, ...]:
        _ = self._
        kpis = sorted({s.kpi.code: s.kpi for s in statuses}.values(), key=lambda k: (list(Stage).index(k.stage),
                                                                                     k.name))
        return tuple(AppendixEntry(
            name=self.own(k, k.name), description=self.own(k, k.description),
            variant=" ".join(_(text) for text in (k.variant, PAID_NOTE if k.paid else "") if text),
            formula=k.formula_text(lambda p: _(label_of(p))), unit=_(UNIT_NAMES[k.unit]),
            direction=_(DIRECTION_NAMES[k.direction]),
        ) for k in kpis)


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


def build_report(data: WorkbookData, client: str, period: Month, locale: str,
                 statuses: list[GoalStatus], *, review: bool = False, as_of: dt.date | None = None) -> Report:
    """The report's content. ``statuses`` are the client's goals evaluated on ``period.last_day``
    (or ``as_of``, for a month in progress); those whose window does not overlap the month are left out.

    The client's report carries no SMART review (achievability badges, findings, targets to
    review) and none of the Goals sheet's notes: those are the analyst's, shown only when ``review``
    makes the agency's copy.
    """
    b = _Builder(data, data.clients[client], period, locale)
    _, fmt = b._, b.fmt
    shown = [s for s in statuses if s.goal.client == client and in_period(s, period)]
    wins, risks = b.highlights(shown)
    latest = b.view(None).last_date  # the client's own rows: a stalled feed shows in its report
    goals = tuple(b.goal_row(s) for s in shown)
    if not review:
        goals = tuple(replace(g, achievability="", findings=(), notes="") for g in goals)
    in_progress = ""
    if as_of is not None and as_of < period.last_day:
        shown_date = min(latest, as_of) if latest is not None else as_of
        in_progress = _("Month in progress: data to {date}; nothing is final before the month ends.").format(
            date=fmt.date(shown_date))
    agency = data.settings.agency_name
    period_title = fmt.month_title(period)
    return Report(
        lang=html_lang(locale),
        title=_("{client}: marketing report, {period}").format(client=client, period=period_title),
        agency=agency,
        client=client,
        period=period_title,
        brand=b.brand,
        brand_ink=_ink_on(b.brand),
        accent=_accent(b.brand),
        freshness=(_("Data up to {date}.").format(date=fmt.date(latest)) if latest is not None
                   else _("No data in the workbook yet.")),
        headline=b.follows(len(shown)),
        counts=b.counts(shown),
        wins=wins,
        risks=risks,
        reviews=tuple(f"{b.kpi_label(s)}: {text}" for s in shown if review and b.achievability(s)
                      for text in b.finding_texts(s, ["achievable"])),
        commentary=tuple(p.strip() for p in b.client.commentary.splitlines() if p.strip()),  # also U+2028/9
        goals=goals,
        stages=b.stages(shown),
        appendix=b.appendix(shown),
        footer=_review_footer(_("Internal review copy"), client, period_title) if review
        else _footer(agency, client, period_title),
        page_label=_page_label(_),
        review=_("Internal review copy for the agency: not for the client.") if review else "",
        in_progress=in_progress,
    )


_CSV_FIELDS = ("client", "kpi", "channel", "start", "end", "baseline", "target", "actual", "expected", "forecast",
               "progress", "pace", "status", "achievability")


def _cell(value: object) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def goals_csv(statuses: list[GoalStatus], client: str, period: Month) -> str:
    """The goal table as machine-readable CSV (dot decimals, ISO dates, status codes) for PDF/A-3."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_CSV_FIELDS)
    for s in statuses:
        if s.goal.client != client or not in_period(s, period):
            continue
        writer.writerow([_cell(v) for v in (
            s.goal.client, s.kpi.code, s.goal.channel or "", s.goal.start.isoformat(), s.goal.end.isoformat(),
            s.baseline, s.target, s.actual, s.expected, s.forecast, s.progress, s.pace, s.status.value,
            s.achievability.value)])
    return out.getvalue()


def headline(data: WorkbookData, client: str, period: Month, locale: str,
             statuses: list[GoalStatus]) -> dict[str, str]:
    """A few formatted figures of the month, for the e-mail that carries the report."""
    b = _Builder(data, data.clients[client], period, locale)
    shown = [s for s in statuses if s.goal.client == client and in_period(s, period)]
    view, start, end = b.view(None), period.first_day, period.last_day
    money = {m: view.total(m, start, end) for m in ("cost", "revenue")}
    conversions = view.total("conversions", start, end)
    latest = view.last_date
    figures = {
        "client": client,
        "period": b.fmt.month_title(period),
        "goals": b.follows(len(shown)),
        **{count.key: count.text for count in b.counts(shown)},
        "cost": MISSING if money["cost"] is None else b.fmt.money(money["cost"]),
        "revenue": MISSING if money["revenue"] is None else b.fmt.money(money["revenue"]),
        "conversions": MISSING if conversions is None else b.fmt.number(conversions),
        "data_up_to": MISSING if latest is None else b.fmt.date(latest),
    }
    return figures
