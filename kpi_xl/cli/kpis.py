"""``kpi-xl kpis [--locale LOCALE] [--json]``: the KPI catalog, as the Excel function ``KPI_LIST`` spills it.

``--json`` gives scripts codes that do not change with ``--locale``: ``stage``, ``unit`` and
``direction`` are the registry's values (``conversion``, ``currency``, ``lower``), beside their words
in the locale (``stage_label``, ``unit_label``, ``direction_label``); ``name`` and ``formula`` are in
the locale.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TextIO

from kpi_xl.cli.arguments import LOCALE_HELP, locale_argument

__all__ = ["add_arguments", "run"]

HELP = "print the KPI catalog"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", type=locale_argument, default=None, metavar="LOCALE",
                        help=f"{LOCALE_HELP} (default: en_US)")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list, one object per KPI (code, name, stage, formula, unit, direction "
                             "as codes, and their labels in --locale)")


def run(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    from kpi_xl.cli.table import format_table
    from kpi_xl.core import registry
    from kpi_xl.i18n import kpi_catalog, resolve_locale, translator

    _ = translator(resolve_locale(args.locale)).gettext
    header, *body = kpi_catalog(args.locale)
    stages = [_(registry.STAGE_NAMES[kpi.stage]) for kpi in registry.KPIS.values()]
    if args.json:
        from kpi_xl.cli.output import print_json

        records = []
        for kpi, stage, (code, name, formula, unit, direction) in zip(registry.KPIS.values(), stages, body,
                                                                      strict=True):
            records.append({"code": code, "name": name, "stage": kpi.stage.value, "stage_label": stage,
                            "formula": formula, "unit": kpi.unit.value, "unit_label": unit,
                            "direction": kpi.direction.value, "direction_label": direction})
        print_json(records, out)
        return 0
    table = [[_("Stage"), *header]] + [[stage, *row] for stage, row in zip(stages, body, strict=True)]
    print(format_table(table), file=out)
    return 0
