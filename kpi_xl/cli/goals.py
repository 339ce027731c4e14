"""``kpi-xl goals WORKBOOK``: every goal with its status and SMART findings, as a table or JSON."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from typing import TextIO

from kpi_xl.cli.arguments import date_argument, workbook_argument
from kpi_xl.core.names import find_clients

__all__ = ["add_arguments", "run"]

HELP = "print every goal with its status and SMART findings"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", type=workbook_argument, metavar="WORKBOOK", help="the kpi_xl workbook (.xlsx)")
    parser.add_argument("--client", action="append", default=[], metavar="NAME",
                        help="only this client's goals (repeat for several)")
    parser.add_argument("--as-of", type=date_argument, default=None, help="YYYY-MM-DD (default: today)")
    parser.add_argument("--json", action="store_true", help="print a JSON list, one object per goal, for scripts")


def run(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    from kpi_xl.cli.goals_table import goals_records, goals_table
    from kpi_xl.cli.output import print_notes
    from kpi_xl.workbook.read import lock_problems, read_workbook

    print_notes(lock_problems(args.workbook), sys.stderr)  # as check, report and send: an open workbook
    data = read_workbook(args.workbook)
    chosen = find_clients(args.client, list(data.clients))   # the one rule for a client's name
    if chosen:
        data = dataclasses.replace(data, goals=[goal for goal in data.goals if goal.client in chosen])
    client = chosen[0] if len(chosen) == 1 else None   # names the one client in "no goals for ..."
    if args.json:
        from kpi_xl.cli.output import print_json

        print_json(goals_records(data, args.as_of or today, client), out)
        return 0
    print(goals_table(data, args.as_of or today, client), file=out)
    return 0
