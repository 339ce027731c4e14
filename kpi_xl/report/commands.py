"""``kpi-xl report WORKBOOK [--client NAME] [--period YYYY-MM] [--locale LOCALE] [--out DIR] [--pdf-a]``.

One PDF per client (or only ``--client``), named ``<client>_<YYYY-MM>_<locale>.pdf``, written next
to the workbook unless ``--out`` says otherwise. The period defaults to the workbook's Settings
``report_period``, else the last complete month before today; the language to each client's own.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TextIO

from kpi_xl.core.errors import WorkbookError
from kpi_xl.core.periods import Month, last_complete_month
from kpi_xl.terminal import shown

__all__ = ["add_report_arguments", "report_period", "run_report"]


def _period(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 86_400:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text!r}")
    return seconds


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", type=Path, help="the kpi_xl workbook (.xlsx)")
    parser.add_argument("--client", default=None, help="only this client (default: every client)")
    parser.add_argument("--period", type=_period, default=None,
                        help="YYYY-MM (default: Settings report_period, else the last complete month)")
    parser.add_argument("--locale", default=None,
                        help="en_US, es_ES, es_MX, pt_BR, pl_PL or vi_VN (default: each client's own)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the PDFs (default: the workbook's)")
    parser.add_argument("--pdf-a", action="store_true",
                        help="archival PDF/A-3b with the goal table embedded as goals.csv")
    parser.add_argument("--workers", type=int, default=2, help="reports rendered in parallel (default: 2)")
    parser.add_argument("--render-timeout", type=_seconds, default=None, metavar="SECONDS",
                        help="stop if a report takes longer to render (default: 120, as in send)")


def report_period(setting: str | None, today: dt.date) -> Month:
    """The month to report: the workbook's ``report_period`` setting, else the last complete month.

    >>> report_period(None, dt.date(2026, 11, 22)), report_period("2026-08", dt.date(2026, 11, 22))
    (Month(2026, 10), Month(2026, 8))
    """
    if not setting:
        return last_complete_month(today)
    try:
        return Month.parse(setting)
    except ValueError as error:
        raise WorkbookError("Settings", "report_period", str(error)) from None


def run_report(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    from kpi_xl.i18n import resolve_locale
    from kpi_xl.report.pool import RENDER_TIMEOUT, write_reports
    from kpi_xl.workbook.read import read_workbook

    locale = resolve_locale(args.locale) if args.locale else None  # a bad locale fails before the reading
    data = read_workbook(args.workbook)
    period = args.period or report_period(data.settings.report_period, today)
    folder = args.out if args.out is not None else Path(args.workbook).resolve().parent
    paths = write_reports(data, period, folder, client=args.client, locale=locale,
                          workers=max(1, args.workers), pdf_a=args.pdf_a,
                          timeout=args.render_timeout or RENDER_TIMEOUT)
    for path in paths:
        print(f"wrote {shown(path)}", file=out)
    return 0
