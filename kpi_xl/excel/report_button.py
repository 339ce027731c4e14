"""The "Generate report" button: ``kpi_xl.main()``, run by the add-in's ``RunPython`` in Excel.

It reads the workbook the user is looking at with the same reader and report batch as the command
line (:mod:`kpi_xl.report.batch`), saves the PDFs next to the workbook, and tells the user what
happened on a "Reports" sheet and in the status bar: each PDF written, each client skipped (no data
in the month) or failed (its own rows' errors, a PDF that cannot be written), with the reasons.
Expected problems (a bad cell, an unsaved workbook, a PDF open elsewhere)
become located lines on that sheet, never a traceback or a VBA error box; only a bug escapes, so
that xlwings shows its traceback for the bug report.

The xlwings Book API used here and by the reader is the one ``tests/fake_xlwings.py`` stands in
for; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from kpi_xl.core.errors import KpiError
from kpi_xl.core.periods import report_month
from kpi_xl.core.registry import N_
from kpi_xl.excel.sheet import as_text, show_rows
from kpi_xl.i18n import DEFAULT_LOCALE, resolve_locale, translator
from kpi_xl.report.batch import FAILED, SKIPPED, PeriodError, write_batch  # WeasyPrint only at the first render
from kpi_xl.workbook.problems import ERROR, Problem
from kpi_xl.workbook.read import read_by_client

__all__ = ["REPORTS_SHEET", "NoFolderError", "main", "report_folder", "result_rows"]

REPORTS_SHEET = "Reports"

_RUNNING = N_("kpi_xl: generating reports…")
_NOT_SAVED = N_("Save the workbook first: the reports are saved in its folder.")
_ONLINE = N_("The workbook is stored online; open a copy saved on this computer: the reports are saved in its folder.")
_WARNING = N_("Warning")
_INVALID = N_("Problems that stop the reports: {count}. Fix them and click Generate report again.")
_STOPPED = N_("Report generation stopped: see below.")
_DONE = N_("Reports for {period}, saved next to the workbook: {count}.")
_SOME_FAILED = N_("Reports for {period}: {count} saved next to the workbook, {failed} not written: see below.")
_FAILED_CLIENT = N_("Not written: {client}")
_SKIPPED_CLIENT = N_("Skipped: {client}")


class NoFolderError(KpiError):
    """The workbook has no folder on this computer to save reports in (``fullname`` says where it is)."""

    def __init__(self, fullname: str) -> None:
        self.fullname = fullname
        self.online = "://" in fullname
        where = "stored online" if self.online else "not saved yet"
        super().__init__(f"{fullname}: {where}, no folder for the reports")


def report_folder(fullname: str) -> Path:
    """The folder of a workbook's file, where its reports go.

    >>> report_folder("/home/ana/clients/kpis.xlsx").as_posix()
    '/home/ana/clients'
    >>> report_folder("Book1")
    Traceback (most recent call last):
    ...
    kpi_xl.excel.report_button.NoFolderError: Book1: not saved yet, no folder for the reports
    """
    # Excel gives an unsaved workbook a bare name ("Book1") and a OneDrive one a URL.
    path = Path(fullname)
    if "://" in fullname or not path.is_absolute():
        raise NoFolderError(fullname)
    return path.parent


def result_rows(summary: str, when: dt.datetime, lines: Iterable[str]) -> list[list[str]]:
    """The Reports sheet as one column: summary, timestamp, then one line per PDF or problem.

    >>> result_rows("2 reports for 2026-10", dt.datetime(2026, 11, 3, 9, 5), ["/r/a.pdf", "/r/b.pdf"])
    [['2 reports for 2026-10'], ['2026-11-03 09:05'], ['/r/a.pdf'], ['/r/b.pdf']]
    """
    return [[summary], [when.strftime("%Y-%m-%d %H:%M")], *([as_text(line)] for line in lines)]


def _problem_lines(problems: Sequence[Problem], gettext: Callable[[str], str]) -> list[str]:
    """One line per problem, in the reader's order (by place), warnings marked as such."""
    warning = gettext(_WARNING)
    return [problem.text(gettext) if problem.severity is ERROR else f"{warning}: {problem.text(gettext)}"
            for problem in problems]


def main(book: Any = None, *, now: dt.datetime | None = None) -> None:
    """Reads ``book`` (default: the workbook that clicked the button), writes its PDF reports next
    to it and lists them, or the problems that stopped them, on its Reports sheet."""
    if book is None:
        import xlwings as xw  # only in Excel: the command line and the tests pass a book

        book = xw.Book.caller()
    now = now or dt.datetime.now()  # the edge: the wall clock is read here and passed down
    # Until the workbook is read its language is unknown: English, the catalogs' source language.
    _ = translator(DEFAULT_LOCALE).gettext
    book.app.status_bar = _(_RUNNING)
    # The shared reader, per client: one client's bad row fails that client alone.
    parsed = read_by_client(book)
    data, problems = parsed.data, parsed.problems
    if data is None:
        summary = _(_INVALID).format(count=sum(p.severity is ERROR for p in problems))
        show_rows(book, REPORTS_SHEET, result_rows(summary, now, _problem_lines(problems, _)), summary)
        return

    t = translator(resolve_locale(data.settings.default_locale))
    try:
        folder = report_folder(book.fullname)
    except NoFolderError as error:
        message = t.gettext(_ONLINE if error.online else _NOT_SAVED)
        show_rows(book, REPORTS_SHEET, result_rows(message, now, [error.fullname]), message)
        return

    period = report_month(None, data.settings.report_period, now.date())
    try:
        outcomes = write_batch(parsed, period, folder, today=now.date())
    except PeriodError as error:
        line = error.problem.text(t.gettext)
        summary = t.gettext(_STOPPED)
        show_rows(book, REPORTS_SHEET, result_rows(summary, now, [line]), f"{summary} {line}")
        return
    except (KpiError, OSError) as error:
        # The folder itself cannot be written (read-only): no report can be, say which and why.
        line = f"{error.filename}: {error.strerror}" if isinstance(error, OSError) and error.filename else str(error)
        summary = t.gettext(_STOPPED)
        show_rows(book, REPORTS_SHEET, result_rows(summary, now, [line]), f"{summary} {line}")
        return
    written = [o for o in outcomes if o.path is not None and o.status not in (FAILED, SKIPPED)]
    failed = [o for o in outcomes if o.status == FAILED]
    lines = [str(o.path) for o in written]
    for outcome in outcomes:
        if outcome.status in (FAILED, SKIPPED):
            heading = _FAILED_CLIENT if outcome.status == FAILED else _SKIPPED_CLIENT
            lines.append(t.gettext(heading).format(client=outcome.client))
            lines += [f"  {reason.text(t.gettext)}" for reason in outcome.reasons]
    client_problems = {p for o in failed for p in o.reasons}
    lines += _problem_lines([p for p in problems if p.severity is not ERROR or p not in client_problems], t.gettext)
    if failed:
        summary = t.gettext(_SOME_FAILED).format(period=period, count=len(written), failed=len(failed))
    else:
        summary = t.gettext(_DONE).format(period=period, count=len(written))
    show_rows(book, REPORTS_SHEET, result_rows(summary, now, lines), summary)
