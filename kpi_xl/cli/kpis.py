"""``kpi-xl kpis [--locale LOCALE]``: the KPI catalog, as the Excel function ``KPI_LIST`` spills it."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TextIO

__all__ = ["add_arguments", "run"]

HELP = "print the KPI catalog"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", default=None, help="en_US, es_ES, es_MX, pt_BR, pl_PL or vi_VN")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list, one object per KPI (code, name, stage, formula, unit, direction)")


def run(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    from kpi_xl.cli.table import format_table
    from kpi_xl.core import registry
    from kpi_xl.i18n import kpi_catalog, resolve_locale, translator

    _ = translator(resolve_locale(args.locale)).gettext
    header, *body = kpi_catalog(args.locale)
    stages = [_(registry.STAGE_NAMES[kpi.stage]) for kpi in registry.KPIS.values()]
    if args.json:
        from kpi_xl.cli.output import print_json

        keys = ("code", "name", "formula", "unit", "direction")
        print_json([{"code": row[0], "name": row[1], "stage": stage, **dict(zip(keys[2:], row[2:], strict=True))}
                    for stage, row in zip(stages, body, strict=True)], out)
        return 0
    table = [[_("Stage"), *header]] + [[stage, *row] for stage, row in zip(stages, body, strict=True)]
    print(format_table(table), file=out)
    return 0
