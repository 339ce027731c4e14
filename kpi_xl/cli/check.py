"""``kpi-xl check WORKBOOK [--json]``: every problem on its own line in sheet, row, column order, then a
count. Exit status 1 when there is an error, 0 otherwise (warnings alone pass), with ``--json`` too.

``--json`` prints one object: ``workbook`` (the path as given), ``errors`` and ``warnings`` (counts) and
``problems``, each with ``place`` (``Goals!C7``; ``""`` for the file as a whole), ``sheet``, ``row``
(1-based, null when the place is not one cell or row), ``column`` (its letter, null likewise),
``severity`` (``error`` or ``warning``) and ``message``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TextIO

from kpi_xl.cli.arguments import workbook_argument
from kpi_xl.cli.output import print_json
from kpi_xl.cli.terminal import shown

__all__ = ["add_arguments", "run"]

HELP = "list every problem in a workbook, with its cell"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", type=workbook_argument, metavar="WORKBOOK", help="the kpi_xl workbook (.xlsx)")
    parser.add_argument("--json", action="store_true", help="print the problems and counts as JSON, for scripts")


def run(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    from kpi_xl.workbook.problems import ERROR, WARNING, column_letter
    from kpi_xl.workbook.read import check_workbook

    path = args.workbook
    _, problems = check_workbook(path)
    errors = sum(p.severity is ERROR for p in problems)
    warnings = sum(p.severity is WARNING for p in problems)
    if args.json:
        records = [{"place": p.place, "sheet": p.sheet, "row": p.row or None,
                    "column": column_letter(p.col) if p.col else None, "severity": p.severity.value,
                    "message": p.message} for p in problems]
        print_json({"workbook": str(path), "errors": errors, "warnings": warnings, "problems": records}, out)
        return 1 if errors else 0
    for p in problems:
        print(shown(f"{p.place + ': ' if p.place else ''}{p.severity.value}: {p.message}"), file=out)
    if problems:
        print(f"{shown(path)}: {_count(errors, 'error')}, {_count(warnings, 'warning')}", file=out)
    else:
        print(f"{shown(path)}: no problems", file=out)
    return 1 if errors else 0


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
