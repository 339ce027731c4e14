"""``kpi-xl check WORKBOOK``: every problem on its own line in sheet, row, column order, then a count.
Exit status 1 when there is an error, 0 otherwise (warnings alone pass)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TextIO

from kpi_xl.cli.terminal import shown

__all__ = ["add_arguments", "run"]

HELP = "list every problem in a workbook, with its cell"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", type=Path, help="the kpi_xl workbook (.xlsx)")


def run(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    from kpi_xl.workbook.problems import ERROR, WARNING
    from kpi_xl.workbook.read import check_workbook

    path = Path(args.workbook)
    _, problems = check_workbook(path)
    for p in problems:
        print(shown(f"{p.place + ': ' if p.place else ''}{p.severity.value}: {p.message}"), file=out)
    errors = sum(p.severity is ERROR for p in problems)
    warnings = sum(p.severity is WARNING for p in problems)
    if problems:
        print(f"{shown(path.name)}: {_count(errors, 'error')}, {_count(warnings, 'warning')}", file=out)
    else:
        print(f"{shown(path.name)}: no problems", file=out)
    return 1 if errors else 0


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
