"""``kpi-xl new PATH`` (a fresh workbook) and ``kpi-xl demo`` (the demo workbook and its reports)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TextIO

from kpi_xl.cli.arguments import LOCALE_HELP, date_argument, locale_argument
from kpi_xl.cli.output import add_quiet_argument
from kpi_xl.cli.terminal import shown
from kpi_xl.core.errors import KpiError

__all__ = ["add_demo_arguments", "add_new_arguments", "run_demo", "run_new"]

NEW_HELP = "write a fresh workbook template"
DEMO_HELP = "write the demo workbook and every demo client's report"


def add_new_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, help="the workbook to write (.xlsx)")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    parser.add_argument("--locale", type=locale_argument, default=None, metavar="LOCALE",
                        help=f"language of the column help: {LOCALE_HELP} (default: en_US)")
    add_quiet_argument(parser)


def run_new(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    from kpi_xl.i18n import resolve_locale
    from kpi_xl.workbook.template import write_template

    if args.path.suffix.lower() != ".xlsx":   # the template is written by XlsxWriter: an .xlsx, nothing else
        raise KpiError(f"{args.path}: a new workbook is an .xlsx file: name it {args.path.with_suffix('.xlsx')}")
    if args.path.exists() and not args.force:
        raise KpiError(f"{args.path} exists: choose another name or pass --force to replace it")
    write_template(args.path, locale=resolve_locale(args.locale))
    print(f"wrote {shown(args.path)}", file=out)
    return 0


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("demo"), metavar="FOLDER", help="folder (default: ./demo)")
    parser.add_argument("--no-reports", action="store_true", help="only write the workbook")
    parser.add_argument("--today", type=date_argument, default=None, help="YYYY-MM-DD the demo data ends before")
    add_quiet_argument(parser)


def run_demo(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    from kpi_xl.core.periods import last_complete_month
    from kpi_xl.demo import write_demo
    from kpi_xl.report import write_reports
    from kpi_xl.workbook.read import read_workbook

    args.out.mkdir(parents=True, exist_ok=True)
    workbook = args.out / "demo.xlsx"
    write_demo(workbook, args.today or today)
    print(f"wrote {shown(workbook)}", file=out)
    if args.no_reports:
        return 0
    data = read_workbook(workbook)  # the same path as any user workbook: write, read back, report
    for pdf in write_reports(data, last_complete_month(args.today or today), args.out):
        print(f"wrote {shown(pdf)}", file=out)
    return 0
