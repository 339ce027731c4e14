"""``kpi-xl report WORKBOOK [--client NAME] [--period YYYY-MM] [--locale LOCALE] [--out DIR] [--pdf-a]``.

One PDF per client (or only ``--client``), named ``<client>_<YYYY-MM>_<locale>.pdf``, written next
to the workbook unless ``--out`` says otherwise. The period defaults to the workbook's Settings
``report_period``, else the last complete month before today; the language to each client's own.

A client whose rows have errors, or whose report cannot be written, fails alone; a client with no
data in the month is skipped (:mod:`kpi_xl.report.batch`). Progress goes to stderr (a bar on a
terminal, a line per client in a log, nothing with ``--quiet``). Stdout gives each failed or skipped
client's reasons, then a table (client, result, file or reason) and the counts; with ``--quiet`` only
the failures, on stderr. The exit status is 1 when any failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kpi_xl.cli.arguments import (
    LOCALE_HELP,
    add_batch_arguments,
    locale_argument,
    period_argument,
    workbook_argument,
    workers_argument,
)
from kpi_xl.cli.output import Progress, add_quiet_argument, is_quiet, print_notes
from kpi_xl.cli.terminal import shown
from kpi_xl.core.periods import report_month

if TYPE_CHECKING:
    from kpi_xl.report.batch import ClientOutcome

__all__ = ["add_report_arguments", "run", "run_report"]

HELP = "write one PDF report per client"


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", type=workbook_argument, metavar="WORKBOOK", help="the kpi_xl workbook (.xlsx)")
    parser.add_argument("--client", action="append", default=[], metavar="NAME",
                        help="only this client (repeat for several; default: every client)")
    parser.add_argument("--period", type=period_argument, default=None, metavar="YYYY-MM",
                        help="the month (default: the workbook's report period, else the last complete month)")
    parser.add_argument("--locale", type=locale_argument, default=None, metavar="LOCALE",
                        help=f"{LOCALE_HELP} (default: each client's own)")
    parser.add_argument("--out", type=Path, default=None, metavar="FOLDER",
                        help="folder for the PDFs (default: the workbook's)")
    parser.add_argument("--pdf-a", action="store_true",
                        help="archival PDF/A-3b with the goal table embedded as goals.csv")
    parser.add_argument("--workers", type=workers_argument, default=2, metavar="N",
                        help="reports rendered in parallel (default: 2)")
    parser.add_argument("--review", action="store_true",
                        help="the agency's internal review copy (<client>_..._review.pdf), with the SMART review "
                             "of every goal; never send it to a client")
    add_batch_arguments(parser, verb="report")
    add_quiet_argument(parser)


def run_report(args: argparse.Namespace, out: TextIO, today: dt.date, err: TextIO | None = None) -> int:
    import sys

    from kpi_xl.cli.table import format_table
    from kpi_xl.report.batch import FAILED, WRITTEN, write_batch
    from kpi_xl.report.pool import RENDER_TIMEOUT
    from kpi_xl.workbook.read import read_by_client

    err = err or sys.stderr
    parsed = read_by_client(args.workbook)
    print_notes(parsed.problems, err)
    period = report_month(args.period, parsed.data.settings.report_period if parsed.data else None, today)
    folder = args.out if args.out is not None else Path(args.workbook).resolve().parent
    outcomes = write_batch(parsed, period, folder, today=today, only=args.client,
                           locale=args.locale, workers=args.workers, pdf_a=args.pdf_a, review=args.review,
                           partial=args.partial, include_empty=args.include_empty,
                           timeout=args.render_timeout or RENDER_TIMEOUT,
                           progress=Progress(None if is_quiet(args) else err))
    for outcome in outcomes:
        if outcome.status != WRITTEN:
            print(f"{outcome.status} {shown(outcome.client)}:", file=out)
            for line in outcome.lines():
                print(f"  {shown(line)}", file=out)
        if outcome.status == FAILED and is_quiet(args):  # --quiet: stdout goes nowhere; a failure is an error
            print(f"kpi-xl: failed {shown(outcome.client)}: " + "; ".join(map(shown, outcome.lines())), file=err)
    if outcomes:
        print(format_table([["Client", "Result", "File or reason"], *map(_summary_row, outcomes)]), file=out)
        print(file=out)
    counts = {status: sum(o.status == status for o in outcomes) for status in ("written", "skipped", "failed")}
    print(f"{period}: " + ", ".join(f"{status} {n}" for status, n in counts.items()), file=out)
    return 1 if counts["failed"] else 0


def _summary_row(outcome: ClientOutcome) -> list[str]:
    """A client's row of the summary: the PDF written, else its first reason (and how many more)."""
    from kpi_xl.report.batch import WRITTEN

    if outcome.path is not None and outcome.status == WRITTEN:
        return [outcome.client, outcome.status, str(outcome.path)]
    first, *more = outcome.lines() or [""]
    return [outcome.client, outcome.status, first + (f" (+{len(more)} more, above)" if more else "")]


def run(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    """``kpi-xl report``, as the parser calls it."""
    return run_report(args, out, today)
