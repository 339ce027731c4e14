"""The ``kpi-xl`` command line. ``main(argv)`` returns the exit status, so tests drive it directly.

Every command imports what it needs when it runs, so ``kpi-xl kpis`` does not pay for WeasyPrint.
Errors that carry a place (``Goals!C7: ...``) or a reason are printed on stderr, exit status 1;
usage errors give 2, as argparse does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from kpi_xl import __version__
from kpi_xl.core.errors import KpiError
from kpi_xl.terminal import shown, shown_error

__all__ = ["format_table", "main"]

#: What ``pip install "kpi_xl[desktop]"`` adds to the light core (import names).
DESKTOP_MODULES = frozenset({"jinja2", "markupsafe", "python_calamine", "weasyprint", "xlsxwriter", "xlwings"})

#: The date commands treat as today; tests replace it to freeze the clock.
today: Callable[[], dt.date] = dt.date.today


def format_table(rows: list[list[str]]) -> str:
    """Rows as a plain text table, columns padded to their widest cell.

    >>> print(format_table([["a", "bb"], ["ccc", "d"]]))
    a    bb
    ---  --
    ccc  d
    """
    rows = [[shown(cell) for cell in row] for row in rows]  # workbook and server text: no control characters
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _date(text: str) -> dt.date:
    from kpi_xl.core.periods import date_from_text

    day = date_from_text(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")
    return day


def _cmd_kpis(args: argparse.Namespace, out: TextIO) -> int:
    from kpi_xl.core import registry
    from kpi_xl.i18n import resolve_locale, translator
    from kpi_xl.udfs import KPI_LIST

    _ = translator(resolve_locale(args.locale)).gettext
    rows = KPI_LIST(args.locale)
    if isinstance(rows, str):  # an Excel error text: the locale was checked above, so a bug
        raise KpiError(rows)
    header, *body = rows
    stages = [_(registry.STAGE_NAMES[kpi.stage]) for kpi in registry.KPIS.values()]
    table = [[_("Stage"), *header]] + [[stage, *row] for stage, row in zip(stages, body, strict=True)]
    print(format_table(table), file=out)
    return 0


def _cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    from kpi_xl.i18n import resolve_locale
    from kpi_xl.workbook.template import write_template

    if args.path.exists() and not args.force:
        raise KpiError(f"{args.path} exists: choose another name or pass --force to replace it")
    write_template(args.path, locale=resolve_locale(args.locale))
    print(f"wrote {shown(args.path)}", file=out)
    return 0


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from kpi_xl.core.periods import last_complete_month
    from kpi_xl.demo import write_demo
    from kpi_xl.report import write_reports
    from kpi_xl.workbook.read import read_workbook

    args.out.mkdir(parents=True, exist_ok=True)
    workbook = args.out / "demo.xlsx"
    write_demo(workbook, args.today or today())
    print(f"wrote {shown(workbook)}", file=out)
    if args.no_reports:
        return 0
    data = read_workbook(workbook)  # the same path as any user workbook: write, read back, report
    for pdf in write_reports(data, last_complete_month(args.today or today()), args.out):
        print(f"wrote {shown(pdf)}", file=out)
    return 0


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from kpi_xl.workbook.read import check_command

    return check_command(args.workbook, out)


def _cmd_goals(args: argparse.Namespace, out: TextIO) -> int:
    from kpi_xl.goals_table import goals_records, goals_table
    from kpi_xl.report.commands import print_notes
    from kpi_xl.workbook.read import lock_problems, read_workbook

    print_notes(lock_problems(args.workbook), sys.stderr)  # as check, report and send: an open workbook
    data = read_workbook(args.workbook)
    if args.client is not None and args.client not in data.clients:
        raise KpiError(f"no client {args.client!r} in {args.workbook} (clients: {', '.join(data.clients)})")
    if args.json:
        import json

        records = goals_records(data, args.as_of or today(), args.client)
        print(json.dumps(records, ensure_ascii=False, indent=2, allow_nan=False), file=out)
        return 0
    print(goals_table(data, args.as_of or today(), args.client), file=out)
    return 0


def _cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    from kpi_xl.report.commands import run_report

    return run_report(args, out, today())


def _cmd_addin(args: argparse.Namespace, out: TextIO) -> int:
    from kpi_xl import addin
    from kpi_xl.i18n import resolve_locale

    if args.action == "build":
        for name in (addin.ADDIN_NAME, addin.IMPORT_ADDIN_NAME):
            print(f"wrote {addin.build_addin(args.out, locale=resolve_locale(args.locale), name=name)}", file=out)
    else:
        main = addin.install_addin(source=args.file)
        sibling = args.file.with_name(addin.IMPORT_ADDIN_NAME) if args.file else None
        second = addin.install_addin(source=sibling if sibling and sibling.is_file() else None,
                                     name=addin.IMPORT_ADDIN_NAME)
        print(f"installed {main} and {second}: restart Excel, then look for the KPI tab", file=out)
    return 0


def _cmd_send(args: argparse.Namespace, out: TextIO) -> int:
    from kpi_xl.delivery.commands import run_send
    from kpi_xl.delivery.rendering import render_report

    return run_send(args, render=render_report, out=out, err=sys.stderr, today=today())


def _cmd_history(args: argparse.Namespace, out: TextIO) -> int:
    from kpi_xl.delivery.commands import run_history

    return run_history(args, out)


def _cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    import json

    from kpi_xl.importing.api import import_files
    from kpi_xl.importing.summary import change_lines, summary_json, summary_rows

    result = import_files(args.workbook, args.files, args.client, channel=args.channel, source=args.source,
                          dry_run=args.dry_run, overrides=dict(args.map or ()))
    if args.json:
        print(json.dumps(summary_json(result.plan.files, result.refused, written=result.written,
                                      notices=result.notices), indent=2, ensure_ascii=False), file=out)
    else:
        if result.plan.files:
            print(format_table(summary_rows(result.plan.files, detail=args.dry_run)), file=out)
        for line in change_lines(result.plan.files, result.before) if args.dry_run else ():
            print(shown(line), file=out)
        for notice in result.notices:
            print(f"warning: {shown(notice.text())}", file=out)
        if args.dry_run:
            print(f"dry run: {shown(args.workbook)} not changed", file=out)
        elif result.written:
            print(f"wrote {shown(args.workbook)} (the previous version is {shown(result.backup)})", file=out)
        elif result.plan.files:
            print(f"{shown(args.workbook)}: already up to date, not changed", file=out)
    for error in result.refused:   # file names and cells: what the export holds, escaped
        print(f"kpi-xl: refused: {shown(error)}", file=sys.stderr)
    return 1 if result.refused else 0


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kpi-xl", description="Marketing KPIs, SMART goals and reports.")
    parser.add_argument("--version", action="version", version=f"kpi-xl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    kpis = commands.add_parser("kpis", help="print the KPI catalog")
    kpis.add_argument("--locale", default=None, help="en_US, es_ES, es_MX, pt_BR, pl_PL or vi_VN")
    kpis.set_defaults(run=_cmd_kpis)

    new = commands.add_parser("new", help="write a fresh workbook template")
    new.add_argument("path", type=Path)
    new.add_argument("--force", action="store_true", help="replace an existing file")
    new.add_argument("--locale", default=None, help="language of the column help (default en_US)")
    new.set_defaults(run=_cmd_new)

    demo = commands.add_parser("demo", help="write the demo workbook and every demo client's report")
    demo.add_argument("--out", type=Path, default=Path("demo"), help="folder (default: ./demo)")
    demo.add_argument("--no-reports", action="store_true", help="only write the workbook")
    demo.add_argument("--today", type=_date, default=None, help="YYYY-MM-DD the demo data ends before")
    demo.set_defaults(run=_cmd_demo)

    check = commands.add_parser("check", help="list every problem in a workbook, with its cell")
    check.add_argument("workbook", type=Path)
    check.set_defaults(run=_cmd_check)

    imports = commands.add_parser("import", help="put platform exports into Actuals, exactly once")
    imports.add_argument("workbook", type=Path)
    imports.add_argument("files", type=Path, nargs="+", metavar="FILE", help="exports (CSV) of the platforms")
    imports.add_argument("--client", required=True, help="a client of the Clients sheet")
    imports.add_argument("--channel", default=None, help="Channel of every row (default: the platform's)")
    imports.add_argument("--source", default=None, help="Source of every row (default: the platform)")
    imports.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    imports.add_argument("--json", action="store_true", help="print the result as JSON")
    imports.add_argument("--map", type=_mapping, action="append", metavar="HEADER=MEASURE",
                         help='read one more column, e.g. --map "Wydatki=cost", or leave one out: '
                              '--map "Conv. value=none" (repeatable)')
    imports.set_defaults(run=_cmd_import)

    goals = commands.add_parser("goals", help="print every goal with its status and SMART findings")
    goals.add_argument("workbook", type=Path)
    goals.add_argument("--client", default=None)
    goals.add_argument("--as-of", type=_date, default=None, help="YYYY-MM-DD (default: today)")
    goals.add_argument("--json", action="store_true", help="print a JSON list, one object per goal, for scripts")
    goals.set_defaults(run=_cmd_goals)

    report = commands.add_parser("report", help="write one PDF report per client")
    _add_report_arguments(report)
    report.set_defaults(run=_cmd_report)

    addin = commands.add_parser("addin", help="build or install the Excel add-in (ribbon tab KPI)")
    addin.add_argument("action", choices=["build", "install"])
    addin.add_argument("--out", type=Path, default=Path("."), help="build: output folder")
    addin.add_argument("--locale", default="en_US", help="build: language of the ribbon labels")
    addin.add_argument("--file", type=Path, default=None, help="install: an add-in built earlier (default: build one)")
    addin.set_defaults(run=_cmd_addin)

    send = commands.add_parser("send", help="e-mail every client their report, exactly once per period")
    _add_send_arguments(send)
    send.set_defaults(run=_cmd_send)

    history = commands.add_parser("history", help="show what was sent, from the delivery ledger")
    _add_history_arguments(history)
    history.set_defaults(run=_cmd_history)
    return parser


def _add_report_arguments(parser: argparse.ArgumentParser) -> None:
    from kpi_xl.report.commands import add_report_arguments

    add_report_arguments(parser)


def _add_send_arguments(parser: argparse.ArgumentParser) -> None:
    from kpi_xl.delivery.commands import add_send_arguments

    add_send_arguments(parser)


def _add_history_arguments(parser: argparse.ArgumentParser) -> None:
    from kpi_xl.delivery.commands import add_history_arguments

    add_history_arguments(parser)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args, out or sys.stdout)
    except KpiError as error:
        print(f"kpi-xl: {shown_error(error)}", file=sys.stderr)
        return 1
    except OSError as error:  # a file that can't be read or written: say which, no traceback
        print(f"kpi-xl: {shown(error)}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as error:  # the light install (kpi_xl without extras, as for xlwings Lite)
        if (error.name or "").split(".")[0] not in DESKTOP_MODULES:
            raise
        print(f"kpi-xl: this command needs the desktop extra ({error.name} is not installed): "
              "pip install \"kpi_xl[desktop]\"", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
