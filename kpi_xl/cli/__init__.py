"""The ``kpi-xl`` command line. ``main(argv)`` returns the exit status, so tests drive it directly.

One module per command (:mod:`~kpi_xl.cli.check`, :mod:`~kpi_xl.cli.goals`, :mod:`~kpi_xl.cli.report`,
:mod:`~kpi_xl.cli.send` for ``send`` and ``history``, :mod:`~kpi_xl.cli.imports`, :mod:`~kpi_xl.cli.new`
for ``new`` and ``demo``, :mod:`~kpi_xl.cli.kpis`, :mod:`~kpi_xl.cli.addin`), the parser
(:mod:`~kpi_xl.cli.parser`) and the table printer (:mod:`~kpi_xl.cli.table`). Nothing else in kpi_xl
imports this package: the stages know neither argparse nor the terminal.

Errors that carry a place (``Goals!C7: ...``) or a reason are printed on stderr, exit status 1;
usage errors give 2, as argparse does.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

__all__ = ["DESKTOP_MODULES", "main", "today"]

#: What ``pip install "kpi_xl[desktop]"`` adds to the light core (import names).
DESKTOP_MODULES = frozenset({"jinja2", "markupsafe", "python_calamine", "weasyprint", "xlsxwriter", "xlwings"})

#: The date commands treat as today; tests replace it to freeze the clock.
today: Callable[[], dt.date] = dt.date.today


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    from kpi_xl.cli.parser import build_parser
    from kpi_xl.cli.terminal import shown, shown_error
    from kpi_xl.core.errors import KpiError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args, out or sys.stdout, today())
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
