"""What the rest of kpi_xl calls: one client's report as HTML or PDF bytes, and its figures.

Each function prepares the report once (:class:`~kpi_xl.report.prepared.PreparedReport`) and takes
one output from it; a caller wanting several outputs of one report (the PDF and its e-mail's
figures) prepares it once itself. The report for month M shows the goals on ``as_of = M.last_day``.
The locale defaults to the client's own (Clients sheet).
"""

from __future__ import annotations

import datetime as dt

from kpi_xl.core.model import WorkbookData
from kpi_xl.core.periods import Month
from kpi_xl.report.context import Report
from kpi_xl.report.prepared import PreparedReport

__all__ = [
    "PreparedReport",
    "email_figures",
    "month_figures",
    "render_report_pdf",
    "report_html",
]


def report_html(data: WorkbookData, client: str, period: Month, locale: str | None = None, *,
                review: bool = False, as_of: dt.date | None = None) -> tuple[str, Report]:
    """The report as HTML (what WeasyPrint renders) and the content it was made from."""
    prepared = PreparedReport.prepare(data, client, period, locale, review=review, as_of=as_of)
    return prepared.html(), prepared.content


def render_report_pdf(
    data: WorkbookData, client: str, period: Month, locale: str | None = None, *, pdf_a: bool = False,
    review: bool = False, as_of: dt.date | None = None,
) -> bytes:
    """One client's report for ``period`` as PDF bytes; ``pdf_a`` makes it PDF/A-3b with the goal
    table embedded as ``goals.csv``. ``review`` makes the agency's internal copy, with the SMART
    review of every goal; ``as_of`` (a day before the month's end) a report of a month in progress."""
    return PreparedReport.prepare(data, client, period, locale, review=review, as_of=as_of).pdf(pdf_a=pdf_a)


def month_figures(data: WorkbookData, client: str, period: Month, locale: str | None = None) -> dict[str, str]:
    """The month of ``client``'s report in formatted figures (:meth:`PreparedReport.month_figures`)."""
    return PreparedReport.prepare(data, client, period, locale).month_figures()


def email_figures(data: WorkbookData, client: str, period: Month, locale: str | None = None) -> dict[str, str]:
    """The figures the report's e-mail lists: translated label -> formatted value
    (:meth:`PreparedReport.email_figures`)."""
    return PreparedReport.prepare(data, client, period, locale).email_figures()
