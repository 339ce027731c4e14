"""``kpi-xl import WORKBOOK FILE... --client NAME``: platform exports into Actuals, exactly once
(:mod:`kpi_xl.importing`)."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from typing import TextIO

from kpi_xl.cli.arguments import workbook_argument
from kpi_xl.cli.output import add_quiet_argument, print_json
from kpi_xl.cli.terminal import shown

__all__ = ["add_arguments", "run"]

HELP = "put platform exports into Actuals, exactly once"


def _mapping(text: str) -> tuple[str, str]:
    from kpi_xl.core.custom import measure_key
    from kpi_xl.core.registry import MEASURES
    from kpi_xl.importing.platforms import ROLES

    header, equals, role = text.rpartition("=")
    role = role.strip() if role.strip() in ROLES else measure_key(role)  # Lead-form downloads: lead_form_downloads
    # A custom measure (Custom KPIs sheet) is checked against the workbook once it is read.
    if not equals or not header.strip() or not (role in MEASURES or role in ROLES or re.fullmatch(r"[^\W\d]\w*", role)):
        raise argparse.ArgumentTypeError(f"expected HEADER=MEASURE with a measure of Actuals, got {text!r}")
    return header.strip(), role


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", type=workbook_argument, metavar="WORKBOOK", help="the kpi_xl workbook (.xlsx)")
    parser.add_argument("files", type=workbook_argument, nargs="+", metavar="FILE",
                        help="exports (CSV) of the platforms")
    parser.add_argument("--client", required=True, metavar="NAME", help="a client of the Clients sheet")
    parser.add_argument("--channel", default=None, help="Channel of every row (default: the platform's)")
    parser.add_argument("--source", default=None, help="Source of every row (default: the platform)")
    parser.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--map", type=_mapping, action="append", metavar="HEADER=MEASURE",
                        help='read one more column, e.g. --map "Wydatki=cost", or leave one out: '
                             '--map "Conv. value=none" (repeatable)')
    add_quiet_argument(parser)


def run(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    from kpi_xl.cli.table import format_table
    from kpi_xl.importing.api import import_files
    from kpi_xl.importing.summary import change_lines, summary_json, summary_rows

    result = import_files(args.workbook, args.files, args.client, channel=args.channel, source=args.source,
                          dry_run=args.dry_run, overrides=dict(args.map or ()))
    if args.json:
        print_json(summary_json(result.plan.files, result.refused, written=result.written, notices=result.notices),
                   out)
    else:
        if result.plan.files:
            print(format_table(summary_rows(result.plan.files, detail=args.dry_run)), file=out)
        for line in change_lines(result.plan.files, result.before) if args.dry_run else ():
            print(shown(line), file=out)
        for notice in result.notices:  # as report's and send's warnings: on stderr, with or without --quiet
            print(f"kpi-xl: warning: {shown(notice.text())}", file=sys.stderr)
        if args.dry_run:
            print(f"dry run: {shown(args.workbook)} not changed", file=out)
        elif result.written:
            print(f"wrote {shown(args.workbook)} (the previous version is {shown(result.backup)})", file=out)
        elif result.plan.files:
            print(f"{shown(args.workbook)}: already up to date, not changed", file=out)
    for error in result.refused:   # file names and cells: what the export holds, escaped
        print(f"kpi-xl: refused: {shown(error)}", file=sys.stderr)
    return 1 if result.refused else 0
