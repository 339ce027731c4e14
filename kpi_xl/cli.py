"""The ``kpi-xl`` command line. ``main(argv)`` returns the exit status, so tests drive it directly.

Errors that carry a place (``Goals!C7: ...``) or a reason are printed as one line on stderr and
give exit status 1; usage errors give 2, as argparse does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kpi_xl import __version__
from kpi_xl.core.errors import KpiError

__all__ = ["main"]


def _cmd_kpis(args: argparse.Namespace) -> int:
    from kpi_xl.core import registry
    from kpi_xl.i18n import resolve_locale, translator
    from kpi_xl.udfs import KPI_LIST

    _ = translator(resolve_locale(args.locale)).gettext
    rows = KPI_LIST(args.locale)
    if isinstance(rows, str):  # an Excel error text: cannot happen once the locale resolved
        raise KpiError(rows)
    header, *body = rows
    stages = [_(registry.STAGE_NAMES[kpi.stage]) for kpi in registry.KPIS.values()]
    table = [[_("Stage"), *header]] + [[stage, *row] for stage, row in zip(stages, body, strict=True)]
    print(format_table(table))
    return 0


def format_table(rows: list[list[str]]) -> str:
    """Rows as a plain text table, columns padded to their widest cell.

    >>> print(format_table([["a", "bb"], ["ccc", "d"]]))
    a    bb
    ---  --
    ccc  d
    """
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kpi-xl", description="Marketing KPIs, SMART goals and reports.")
    parser.add_argument("--version", action="version", version=f"kpi-xl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    kpis = commands.add_parser("kpis", help="print the KPI catalog")
    kpis.add_argument("--locale", default=None, help="en_US, es_ES, es_MX, pt_BR, pl_PL or vi_VN")
    kpis.set_defaults(run=_cmd_kpis)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KpiError as error:
        print(f"kpi-xl: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
