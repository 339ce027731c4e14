"""From the core's data to what the report templates show: every figure formatted, every word translated.

:func:`build_report` is pure: workbook data, the goals' statuses on ``period.last_day`` and a locale
in, a :class:`Report` out. The templates only lay it out; they compute nothing. Text that came from
the workbook (client name, commentary, notes) stays plain text here: the templates autoescape it.

The report is written in parts, each in its own module on top of :class:`~kpi_xl.report.words.ReportWords`:
the summary (:mod:`~kpi_xl.report.summary`), the goal table (:mod:`~kpi_xl.report.goal_table`), the
stage sections with their charts and channel tables (:mod:`~kpi_xl.report.stages`) and the appendix
(:mod:`~kpi_xl.report.appendix`); :class:`ReportWriter` puts them together. How it looks apart from
its words (status colours, brand ink, footers) is :mod:`~kpi_xl.report.style`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from kpi_xl.core.model import WorkbookData
from kpi_xl.core.periods import Month
from kpi_xl.core.tracking import GoalStatus
from kpi_xl.report.appendix import AppendixEntry, AppendixWriter, goal_table_csv
from kpi_xl.report.format import MISSING
from kpi_xl.report.goal_table import GoalRow, GoalTableWriter
from kpi_xl.report.stages import ChannelTable, GoalChart, StageSection, StageWriter
from kpi_xl.report.style import (
    STATUS_COLOURS,
    STATUS_SYMBOLS,
    accent,
    footer,
    html_lang,
    ink_on,
    page_label,
    review_footer,
    shorten,
)
from kpi_xl.report.summary import SUMMARY_ORDER, SummaryCount, SummaryWriter

__all__ = [
    "STATUS_COLOURS",
    "STATUS_SYMBOLS",
    "SUMMARY_ORDER",
    "AppendixEntry",
    "ChannelTable",
    "GoalChart",
    "GoalRow",
    "Report",
    "ReportWriter",
    "StageSection",
    "SummaryCount",
    "build_report",
    "goals_csv",
    "html_lang",
    "in_period",
    "shorten",
    "shown_goals",
]


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
    summary_sentence: str         # how many goals the report follows
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


def in_period(status: GoalStatus, period: Month) -> bool:
    """A goal belongs in the month's report when its window overlaps the month."""
    return status.goal.start <= period.last_day and status.goal.end >= period.first_day


def shown_goals(statuses: Iterable[GoalStatus], client: str, period: Month) -> tuple[GoalStatus, ...]:
    """The goals ``client``'s report for ``period`` shows: its own whose window overlaps the month."""
    return tuple(s for s in statuses if s.goal.client == client and in_period(s, period))


class ReportWriter(SummaryWriter, GoalTableWriter, StageWriter, AppendixWriter):
    """One client's report for one month in one locale, from the goals it shows (:func:`shown_goals`)."""

    def report(self, shown: tuple[GoalStatus, ...], *, review: bool = False, as_of: dt.date | None = None) -> Report:
        """The report's content (see :func:`build_report`)."""
        _, fmt, client, period = self._, self.fmt, self.client.name, self.period
        wins, risks = self.highlights(shown)
        latest = self.view(None).last_date  # the client's own rows: a stalled feed shows in its report
        goals = tuple(self.goal_row(s) for s in shown)
        if not review:
            goals = tuple(replace(g, achievability="", findings=(), notes="") for g in goals)
        in_progress = ""
        if as_of is not None and as_of < period.last_day:
            shown_date = min(latest, as_of) if latest is not None else as_of
            in_progress = _("Month in progress: data to {date}; nothing is final before the month ends.").format(
                date=fmt.date(shown_date))
        agency = self.data.settings.agency_name
        period_title = fmt.month_title(period)
        return Report(
            lang=html_lang(self.locale),
            title=_("{client}: marketing report, {period}").format(client=client, period=period_title),
            agency=agency,
            client=client,
            period=period_title,
            brand=self.brand,
            brand_ink=ink_on(self.brand),
            accent=accent(self.brand),
            freshness=(_("Data up to {date}.").format(date=fmt.date(latest)) if latest is not None
                       else _("No data in the workbook yet.")),
            summary_sentence=self.follows(len(shown)),
            counts=self.counts(shown),
            wins=wins,
            risks=risks,
            reviews=tuple(f"{self.kpi_label(s)}: {text}" for s in shown if review and self.achievability(s)
                          for text in self.finding_texts(s, ["achievable"])),
            commentary=tuple(p.strip() for p in self.client.commentary.splitlines() if p.strip()),  # also U+2028/9
            goals=goals,
            stages=self.stages(shown),
            appendix=self.appendix(shown),
            footer=review_footer(_("Internal review copy"), client, period_title) if review
            else footer(agency, client, period_title),
            page_label=page_label(_),
            review=_("Internal review copy for the agency: not for the client.") if review else "",
            in_progress=in_progress,
        )

    def month_figures(self, shown: tuple[GoalStatus, ...]) -> dict[str, str]:
        """The month in a few formatted figures (see :func:`kpi_xl.report.api.month_figures`)."""
        client, period = self.client.name, self.period
        view, start, end = self.view(None), period.first_day, period.last_day
        money = {m: view.total(m, start, end) for m in ("cost", "revenue")}
        conversions = view.total("conversions", start, end)
        latest = view.last_date
        figures = {
            "client": client,
            "period": self.fmt.month_title(period),
            "goals": self.follows(len(shown)),
            **{count.key: count.text for count in self.counts(shown)},
            "cost": MISSING if money["cost"] is None else self.fmt.money(money["cost"]),
            "revenue": MISSING if money["revenue"] is None else self.fmt.money(money["revenue"]),
            "conversions": MISSING if conversions is None else self.fmt.number(conversions),
            "data_up_to": MISSING if latest is None else self.fmt.date(latest),
        }
        return figures


def build_report(data: WorkbookData, client: str, period: Month, locale: str,
                 statuses: Iterable[GoalStatus], *, review: bool = False, as_of: dt.date | None = None) -> Report:
    """The report's content. ``statuses`` are the client's goals evaluated on ``period.last_day``
    (or ``as_of``, for a month in progress); those whose window does not overlap the month are left out.

    The client's report carries no SMART review (achievability badges, findings, targets to
    review) and none of the Goals sheet's notes: those are the analyst's, shown only when ``review``
    makes the agency's copy.
    """
    writer = ReportWriter(data, data.clients[client], period, locale)
    return writer.report(shown_goals(statuses, client, period), review=review, as_of=as_of)


def goals_csv(statuses: Iterable[GoalStatus], client: str, period: Month) -> str:
    """The goal table of ``client``'s report for ``period`` as machine-readable CSV (dot decimals, ISO
    dates, status codes) for PDF/A-3."""
    return goal_table_csv(shown_goals(statuses, client, period))
