"""One client's report for one month, prepared once; its HTML, PDF and e-mail figures all come from it.

Preparing slices the client's part out of the workbook (:func:`~kpi_xl.report.slice.client_slice`),
evaluates its goals once, on the month's last day (or on ``as_of``, for a month in progress), and
keeps the goals the month's report shows. Everything a report is turned into is taken from that one
object, so the PDF, its PDF/A goal table and the e-mail that carries it can never disagree.

>>> from kpi_xl.core.model import Actuals, Client, Settings
>>> data = WorkbookData({"Acme": Client("Acme", (), "en_US", "USD")}, [], Actuals.from_rows([]), Settings())
>>> report = PreparedReport.prepare(data, "Acme", Month(2026, 10), "pl-PL")
>>> report.locale, report.shown, report.email_figures()["Cele"]
('pl_PL', (), 'W tym miesiącu raport nie obejmuje żadnego celu.')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from kpi_xl.core.goals import evaluate_goals
from kpi_xl.core.model import WorkbookData
from kpi_xl.core.names import find_client
from kpi_xl.core.periods import Month
from kpi_xl.core.registry import label_of
from kpi_xl.core.tracking import GoalStatus
from kpi_xl.i18n import resolve_locale, translator
from kpi_xl.report.appendix import goal_table_csv
from kpi_xl.report.context import SUMMARY_ORDER, Report, ReportWriter, shown_goals
from kpi_xl.report.pdf import Attachment, html_to_pdf  # WeasyPrint: only with the first PDF
from kpi_xl.report.render import STYLESHEET, render_html, report_dir
from kpi_xl.report.slice import client_slice

__all__ = ["PreparedReport"]


@dataclass(frozen=True)
class PreparedReport:
    """What every output of one client's report starts from. Make one with :meth:`prepare` (from
    the whole workbook) or :meth:`from_slice` (from the client's part, as a pool worker receives it)."""

    data: WorkbookData                # the client's part of the workbook only
    client: str
    period: Month
    locale: str                       # resolved: one of kpi_xl.i18n.SUPPORTED_LOCALES
    shown: tuple[GoalStatus, ...]     # the goals the month's report shows, evaluated once
    review: bool = False              # the agency's internal review copy
    as_of: dt.date | None = None      # before period.last_day: the month is still in progress

    @classmethod
    def prepare(cls, data: WorkbookData, client: str, period: Month, locale: str | None = None, *,
                review: bool = False, as_of: dt.date | None = None) -> PreparedReport:
        """``client``'s report for ``period`` in ``locale`` (default: the client's own)."""
        client = find_client(client, list(data.clients))   # the one rule for a client's name
        return cls.from_slice(client_slice(data, client), client, period, locale, review=review, as_of=as_of)

    @classmethod
    def from_slice(cls, part: WorkbookData, client: str, period: Month, locale: str | None = None, *,
                   review: bool = False, as_of: dt.date | None = None) -> PreparedReport:
        """The same from ``client_slice(data, client)``, which is not sliced again."""
        locale = resolve_locale(locale or part.clients[client].locale)
        if as_of is not None and as_of >= period.last_day:
            as_of = None
        statuses = evaluate_goals(part, as_of or period.last_day, client)
        return cls(part, client, period, locale, shown_goals(statuses, client, period), review, as_of)

    @cached_property
    def _writer(self) -> ReportWriter:
        # One writer for the report and the figures: the Actuals views are built once for both.
        return ReportWriter(self.data, self.data.clients[self.client], self.period, self.locale)

    @cached_property
    def content(self) -> Report:
        """What the report's template lays out."""
        return self._writer.report(self.shown, review=self.review, as_of=self.as_of)

    def html(self) -> str:
        """The report as HTML, what WeasyPrint renders."""
        return render_html(self.content, self.locale)

    def goals_csv(self) -> str:
        """The goal table as CSV, the attachment of a PDF/A report."""
        return goal_table_csv(self.shown)

    def pdf(self, *, pdf_a: bool = False) -> bytes:
        """The report as PDF bytes; ``pdf_a`` makes it PDF/A-3b with the goal table attached as ``goals.csv``."""
        attachments: tuple[Attachment, ...] = ()
        if pdf_a:
            description = translator(self.locale).gettext("Goal table of the report, as CSV")
            attachments = (Attachment("goals.csv", self.goals_csv().encode("utf-8"), description),)
        created = dt.datetime.combine(self.period.last_day, dt.time(23, 59))
        return html_to_pdf(self.html(), report_dir(), stylesheets=(report_dir() / STYLESHEET,),
                           pdf_a=pdf_a, attachments=attachments, created=created)

    def month_figures(self) -> dict[str, str]:
        """The month in formatted figures, by key: ``client``, ``period``, ``goals`` (the sentence that
        opens the report), one entry per status counted in the summary (``achieved``, ``on_track``,
        ``at_risk``, ``off_track``, ``missed`` when any), ``cost``, ``revenue``, ``conversions`` and
        ``data_up_to``."""
        return self._writer.month_figures(self.shown)

    def email_figures(self) -> dict[str, str]:
        """The figures the report's e-mail lists: translated label -> formatted value. Only the
        statuses some goal has are counted: in a short e-mail "0 goals missed" is noise."""
        figures = self.month_figures()
        _ = translator(self.locale).gettext
        counts = [figures[status.value] for status in SUMMARY_ORDER if any(s.status is status for s in self.shown)]
        cost = _(label_of("cost"))
        return {
            _("Goals"): ", ".join(counts) or figures["goals"],
            _("Revenue"): figures["revenue"],
            cost[:1].upper() + cost[1:]: figures["cost"],
            _("Conversions"): figures["conversions"],
            _("Data up to"): figures["data_up_to"],
        }
