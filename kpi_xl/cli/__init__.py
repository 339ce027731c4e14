"""The ``kpi-xl`` command line. ``main(argv)`` returns the exit status, so tests drive it directly.

One module per command (:mod:`~kpi_xl.cli.check`, :mod:`~kpi_xl.cli.goals`, :mod:`~kpi_xl.cli.report`,
:mod:`~kpi_xl.cli.send` for ``send`` and ``history``, :mod:`~kpi_xl.cli.imports`, :mod:`~kpi_xl.cli.new`
for ``new`` and ``demo``, :mod:`~kpi_xl.cli.kpis`, :mod:`~kpi_xl.cli.addin`), the parser
(:mod:`~kpi_xl.cli.parser`) and the table printer (:mod:`~kpi_xl.cli.table`). Nothing else in kpi_xl
imports this package: the stages know neither argparse nor the terminal.

Errors in what a workbook or file holds, which carry a place (``Goals!C7: ...``) or a reason, are
printed on stderr, exit status 1; a bad option value (``--locale de_DE``, ``--workers 0``) is a usage
error naming the option, exit status 2, as argparse gives (the types in :mod:`~kpi_xl.cli.arguments`).
``kpi-xl`` alone prints the help (the command list), exit status 0. Output cut short by its reader
(``kpi-xl kpis | head -1`` when ``head`` leaves before kpi-xl has written everything) ends quietly
with exit status 141, what a shell reports for a tool that SIGPIPE ended (128 + 13, as
``seq 100000 | head -1`` gives under ``set -o pipefail``): no traceback, and no "Exception ignored"
when Python flushes stdout at exit. Output that fit in the pipe before the reader left ends with 0.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

__all__ = ["BROKEN_PIPE", "DESKTOP_MODULES", "main", "today"]

#: What ``pip install "kpi_xl[desktop]"`` adds to the light core (import names).
DESKTOP_MODULES = frozenset({"jinja2", "markupsafe", "python_calamine", "weasyprint", "xlsxwriter", "xlwings"})

#: The exit status when the reader of stdout goes away: 128 + SIGPIPE, as the shell reports for
#: ``cat``, ``grep`` or ``sqlite3`` ended by a closed pipe.
BROKEN_PIPE = 141

#: The date commands treat as today; tests replace it to freeze the clock.
today: Callable[[], dt.date] = dt.date.today


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    from kpi_xl.cli.parser import build_parser
    from kpi_xl.cli.terminal import shown, shown_error
    from kpi_xl.core.errors import KpiError

    out = out or sys.stdout
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if not argv:  # like a click group or sqlite-utils: the command list, not a usage error
            out.write(parser.format_help())
            out.flush()
            return 0
        args = parser.parse_args(argv)
        if getattr(args, "quiet", False):  # --quiet: nothing on stdout; stderr keeps warnings and errors
            from kpi_xl.cli.output import NOWHERE

            out = NOWHERE
        status = args.run(args, out, today())
        out.flush()  # a pipe's buffer: a closed pipe shows here, inside the handler below
        return status
    except BrokenPipeError:
        _silence(out)
        return BROKEN_PIPE
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


def _silence(stream: TextIO) -> None:
    """Points ``stream``'s file descriptor at /dev/null, as the Python docs recommend for SIGPIPE
    (library/signal.html, "Note on SIGPIPE"): the interpreter's final flush then writes nowhere instead
    of raising BrokenPipeError again. A stream without a descriptor (a test's) has nothing to flush."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)
