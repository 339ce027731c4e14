"""``kpi-xl addin build|install|status|remove``: the Excel add-in files (:mod:`kpi_xl.excel.addin`), as
xlwings' own ``xlwings addin install|status|remove`` handle its add-in.

``status`` says, for each of the two add-ins, whether it is in Excel's start-up folder, and reports a
file of the Import data add-in's former name as outdated, with the command that fixes it. ``remove``
deletes them (and the outdated file); nothing to remove is not an error. ``install`` deletes the
outdated file too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kpi_xl.cli.arguments import LOCALE_HELP, locale_argument, workbook_argument
from kpi_xl.cli.output import add_quiet_argument
from kpi_xl.cli.terminal import shown
from kpi_xl.core.errors import KpiError

if TYPE_CHECKING:
    from kpi_xl.excel.addin import AddinFile

__all__ = ["add_arguments", "run"]

HELP = "build, install, check or remove the Excel add-in (KPI tab)"

_ACTIONS = {
    "build": "write the two add-in files into --out",
    "install": "put them in Excel's start-up folder",
    "status": "say whether they are installed, and where",
    "remove": "delete them from Excel's start-up folder",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=list(_ACTIONS),
                        help="; ".join(f"{name}: {text}" for name, text in _ACTIONS.items()))
    parser.add_argument("--out", type=Path, default=Path("."), metavar="FOLDER", help="build: output folder")
    parser.add_argument("--locale", type=locale_argument, default="en_US", metavar="LOCALE",
                        help=f"build: language of the ribbon labels: {LOCALE_HELP} (default: en_US)")
    parser.add_argument("--file", type=workbook_argument, metavar="PATH", default=None,
                        help="install: an add-in built earlier (default: build one)")
    add_quiet_argument(parser)


def run(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    from kpi_xl.excel import addin

    if args.action == "build":
        for name in addin.ADDIN_NAMES:
            print(f"wrote {shown(addin.build_addin(args.out, locale=args.locale, name=name))}",
                  file=out)
    elif args.action == "install":
        if args.file is not None and not args.file.is_file():   # before the platform: the same words everywhere
            raise addin.AddinError(args.file, "file not found")
        main = addin.install_addin(source=args.file)
        sibling = args.file.with_name(addin.IMPORT_ADDIN_NAME) if args.file else None
        try:
            second = addin.install_addin(source=sibling if sibling and sibling.is_file() else None,
                                         name=addin.IMPORT_ADDIN_NAME)
        except KpiError as error:   # the first is in place: say so, not only what failed
            raise KpiError(f"installed {main}, but not {addin.IMPORT_ADDIN_NAME}: {error}") from error
        _removed(addin.remove_outdated_addins, out, " (outdated: the Import data add-in's former name)")
        print(f"installed {shown(main)} and {shown(second)}: restart Excel, then look for the KPI tab", file=out)
    elif not addin.excel_runs_on(sys.platform):   # status and remove: no Excel here, so no add-in either
        verb = "nothing to remove" if args.action == "remove" else "not installed"
        print(f"{verb}: Excel does not run on {sys.platform}, so no kpi_xl add-in is installed here "
              "(`kpi-xl addin build` writes the files to add to Excel on Windows or macOS)", file=out)
    elif args.action == "status":
        _print_status(addin.addin_status(), out)
    else:
        removed = _removed(addin.remove_addins, out)
        if not removed:
            print(f"nothing to remove: no kpi_xl add-in in {shown(addin.addin_status()[0].path.parent)}", file=out)
        else:
            print("restart Excel to unload the KPI tab", file=out)
    return 0


def _removed(remove: Callable[[], list[Path]], out: TextIO, why: str = "") -> list[Path]:
    """Runs ``remove`` and prints each file it deleted, also when another could not be (Excel holds it):
    the error that follows names only those left."""
    from kpi_xl.excel.addin import AddinsHeldError

    try:
        removed = remove()
    except AddinsHeldError as error:
        for path in error.removed:
            print(f"removed {shown(path)}{why}", file=out)
        raise
    for path in removed:
        print(f"removed {shown(path)}{why}", file=out)
    return removed


def _print_status(files: list[AddinFile], out: TextIO) -> None:
    for file in files:
        if file.outdated:
            print(f"{file.name}: outdated (the Import data add-in's former name; its button fails), "
                  f"at {shown(file.path)}: run `kpi-xl addin install` to replace it, "
                  "or `kpi-xl addin remove`", file=out)
        elif file.installed:
            print(f"{file.name}: installed at {shown(file.path)}", file=out)
        else:
            print(f"{file.name}: not installed (`kpi-xl addin install` puts it at {shown(file.path)})", file=out)
