"""``kpi-xl addin build|install``: the Excel add-in files (:mod:`kpi_xl.excel.addin`)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TextIO

__all__ = ["add_arguments", "run"]

HELP = "build or install the Excel add-in (ribbon tab KPI)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["build", "install"])
    parser.add_argument("--out", type=Path, default=Path("."), help="build: output folder")
    parser.add_argument("--locale", default="en_US", help="build: language of the ribbon labels")
    parser.add_argument("--file", type=Path, default=None, help="install: an add-in built earlier (default: build one)")


def run(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    from kpi_xl.excel import addin
    from kpi_xl.i18n import resolve_locale

    if args.action == "build":
        for name in (addin.ADDIN_NAME, addin.IMPORT_ADDIN_NAME):
            print(f"wrote {addin.build_addin(args.out, locale=resolve_locale(args.locale), name=name)}", file=out)
    else:
        if args.file is not None and not args.file.is_file():   # before the platform: the same words everywhere
            raise addin.AddinError(args.file, "file not found")
        main = addin.install_addin(source=args.file)
        sibling = args.file.with_name(addin.IMPORT_ADDIN_NAME) if args.file else None
        second = addin.install_addin(source=sibling if sibling and sibling.is_file() else None,
                                     name=addin.IMPORT_ADDIN_NAME)
        print(f"installed {main} and {second}: restart Excel, then look for the KPI tab", file=out)
    return 0
