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
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kpi_xl.cli.output import add_quiet_argument
from kpi_xl.cli.terminal import shown

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
    parser.add_argument("--out", type=Path, default=Path("."), help="build: output folder")
    parser.add_argument("--locale", default="en_US", help="build: language of the ribbon labels")
    parser.add_argument("--file", type=Path, default=None, help="install: an add-in built earlier (default: build one)")
    add_quiet_argument(parser)


def run(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    from kpi_xl.excel import addin
    from kpi_xl.i18n import resolve_locale

    if args.action == "build":
        for name in addin.ADDIN_NAMES:
            print(f"wrote {shown(addin.build_addin(args.out, locale=resolve_locale(args.locale), name=name))}",
                  file=out)
    elif args.action == "install":
        if args.file is not None and not args.file.is_file():   # before the platform: the same words everywhere
            raise addin.AddinError(args.file, "file not found")
        main = addin.install_addin(source=args.file)
        sibling = args.file.with_name(addin.IMPORT_ADDIN_NAME) if args.file else None
        second = addin.install_addin(source=sibling if sibling and sibling.is_file() else None,
                                     name=addin.IMPORT_ADDIN_NAME)
        for old in addin.remove_outdated_addins():
            print(f"removed {shown(old)} (outdated: the Import data add-in's former name)", file=out)
        print(f"installed {shown(main)} and {shown(second)}: restart Excel, then look for the KPI tab", file=out)
    elif args.action == "status":
        _print_status(addin.addin_status(), out)
    else:
        removed = addin.remove_addins()
        for path in removed:
            print(f"removed {shown(path)}", file=out)
        if not removed:
            print(f"nothing to remove: no kpi_xl add-in in {shown(addin.addin_status()[0].path.parent)}", file=out)
        else:
            print("restart Excel to unload the KPI tab", file=out)
    return 0


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
