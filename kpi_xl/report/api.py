"""What the rest of kpi_xl calls: one client's report as PDF bytes, and its headline figures.

The report for month M shows the goals on ``as_of = M.last_day``. The locale defaults to the
client's own (Clients sheet).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kpi_xl.core.errors import WorkbookError
from kpi_xl.core.goals import evaluate_goals
from kpi_xl.core.model import WorkbookData
from kpi_xl.core.periods import Month
from kpi_xl.core.registry import label_of
from kpi_xl.core.tracking import GoalStatus
from kpi_xl.i18n import resolve_locale, translator
from kpi_xl.report.context import SUMMARY_ORDER, Report, build_report, goals_csv, headline, in_period
from kpi_xl.report.pdf import Attachment, html_to_pdf
from kpi_xl.report.render import STYLESHEET, render_html, report_dir
from kpi_xl.report.slice import client_slice

__all__ = [
    "email_figures",
    "headline_figures",
    "render_client_pdf",
    "render_report_pdf",
    "render_report_with_figures",
    "report_html",
]


@dataclass(frozen=True, slots=True)
class _Prepared:
    """What every output of one client's report starts from: the locale, the client's rows and its
    goals evaluated on the period's last day, computed once."""

    client: str
    period: Month
    locale: str
    data: WorkbookData
    statuses: list[GoalStatus]
    review: bool = False
    as_of: dt.date | None = None  # before period.last_day: the month is still in progress


def _prepare(data: WorkbookData, client: str, period: Month, locale: str | None, *, review: bool = False,
             as_of: dt.date | None = None) -> _Prepared:
    if client not in data.clients:
        known = ", ".join(sorted(data.clients)) or "none"
        raise WorkbookError("Clients", None, f"no client named {client!r} (clients: {known})")
    locale = resolve_locale(locale or data.clients[client].locale)
    data = client_slice(data, client)
    if as_of is not None and as_of >= period.last_day:
        as_of = None
    statuses = evaluate_goals(data, as_of or period.last_day, client)
    return _Prepared(client, period, locale, data, statuses, review, as_of)


def _html(p: _Prepared) -> tuple[str, Report]:
    report = build_report(p.data, p.client, p.period, p.locale, p.statuses, review=p.review, as_of=p.as_of)
    return render_html(report, p.locale), report


def _pdf(p: _Prepared, pdf_a: bool) -> bytes:
    html, _ = _html(p)
    attachments: tuple[Attachment, ...] = ()
    if pdf_a:
        description = translator(p.locale).gettext("Goal table of the report, as CSV")
        csv = goals_csv(p.statuses, p.client, p.period).encode("utf-8")
        attachments = (Attachment("goals.csv", csv, description),)
    created = dt.datetime.combine(p.period.last_day, dt.time(23, 59))
    return html_to_pdf(html, report_dir(), stylesheets=(report_dir() / STYLESHEET,),
                       pdf_a=pdf_a, attachments=attachments, created=created)


def _headline(p: _Prepared) -> dict[str, str]:
    return headline(p.data, p.client, p.period, p.locale, p.statuses)


def _email_figures(p: _Prepared) -> dict[str, str]:
    figures = _headline(p)
    shown = [s for s in p.statuses if in_period(s, p.period)]
    _ = translator(p.locale).gettext
    counts = [figures[status.value] for status in SUMMARY_ORDER if any(s.status is status for s in shown)]
    cost = _(label_of("cost"))
    return {
        _("Goals"): ", ".join(counts) or figures["goals"],
        _("Revenue"): figures["revenue"],
        cost[:1].upper() + cost[1:]: figures["cost"],
        _("Conversions"): figures["conversions"],
        _("Data up to"): figures["data_up_to"],
    }


def report_html(data: WorkbookData, client: str, period: Month, locale: str | None = None, *,
                review: bool = False, as_of: dt.date | None = None) -> tuple[str, Report]:
    """The report as HTML (what WeasyPrint renders) and the content it was made from."""
    return _html(_prepare(data, client, period, locale, review=review, as_of=as_of))


def render_report_pdf(
    data: WorkbookData, client: str, period: Month, locale: str | None = None, *, pdf_a: bool = False,
    review: bool = False, as_of: dt.date | None = None,
) -> bytes:
    """One client's report for ``period`` as PDF bytes; ``pdf_a`` makes it PDF/A-3b with the goal
    table embedded as ``goals.csv``. ``review`` makes the agency's internal copy, with the SMART
    review of every goal; ``as_of`` (a day before the month's end) a report of a month in progress."""
    return _pdf(_prepare(data, client, period, locale, review=review, as_of=as_of), pdf_a)


def render_report_with_figures(
    data: WorkbookData, client: str, period: Month, locale: str | None = None, *, as_of: dt.date | None = None
) -> tuple[bytes, dict[str, str]]:
    """The PDF and its e-mail's figures (:func:`email_figures`) from one evaluation of the goals."""
    prepared = _prepare(data, client, period, locale, as_of=as_of)
    return _pdf(prepared, False), _email_figures(prepared)


def render_client_pdf(workbook_path: str, client: str, period: str, locale: str | None) -> bytes:
    """Reads the workbook at ``workbook_path`` and renders one report (top level: picklable for a
    process pool, and what the Excel button runs in a fresh process). ``period`` is ``YYYY-MM``."""
    from kpi_xl.workbook.read import WorkbookInvalid, read_by_client

    parsed = read_by_client(workbook_path)  # another client's bad row does not stop this one
    if parsed.data is None:
        raise WorkbookInvalid(parsed.problems)
    if client in parsed.failed:
        raise WorkbookInvalid(parsed.failed[client])
    return render_report_pdf(parsed.data, client, Month.parse(period), locale)


def headline_figures(data: WorkbookData, client: str, period: Month, locale: str | None = None) -> dict[str, str]:
    """Formatted figures for the e-mail: ``client``, ``period``, ``goals`` (a sentence), one entry per
    status (``achieved``, ``on_track``, ``at_risk``, ``off_track``, ``missed`` when any), ``cost``,
    ``revenue``, ``conversions`` and ``data_up_to``."""
    return _headline(_prepare(data, client, period, locale))


def email_figures(data: WorkbookData, client: str, period: Month, locale: str | None = None) -> dict[str, str]:
    """The headline figures as the report's e-mail lists them: translated label -> formatted value.
    Only the statuses some goal has are counted: in a short e-mail "0 goals missed" is noise."""
    return _email_figures(_prepare(data, client, period, locale))
