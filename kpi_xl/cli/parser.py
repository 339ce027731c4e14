"""The ``kpi-xl`` argument parser: one subcommand per module of :mod:`kpi_xl.cli`.

Building it imports only the command modules, which load what they need when they run: ``kpi-xl
kpis`` does not pay for WeasyPrint.
"""

from __future__ import annotations

import argparse

from kpi_xl import __version__
from kpi_xl.cli import addin, check, goals, imports, kpis, new, report, send

__all__ = ["build_parser"]

_DESCRIPTION = "Marketing KPIs, SMART goals and reports."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kpi-xl", description=_DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"kpi-xl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     help="one of these (kpi-xl COMMAND -h: its options)")
    table = (
        ("kpis", kpis.HELP, kpis.add_arguments, kpis.run),
        ("new", new.NEW_HELP, new.add_new_arguments, new.run_new),
        ("demo", new.DEMO_HELP, new.add_demo_arguments, new.run_demo),
        ("check", check.HELP, check.add_arguments, check.run),
        ("import", imports.HELP, imports.add_arguments, imports.run),
        ("goals", goals.HELP, goals.add_arguments, goals.run),
        ("report", report.HELP, report.add_report_arguments, report.run),
        ("addin", addin.HELP, addin.add_arguments, addin.run),
        ("send", send.SEND_HELP, send.add_send_arguments, send.run),
        ("history", send.HISTORY_HELP, send.add_history_arguments, send.run_history_command),
    )
    for name, help_text, add_arguments, run in table:
        command = commands.add_parser(name, help=help_text, description=help_text[:1].upper() + help_text[1:] + ".")
        add_arguments(command)
        command.set_defaults(run=run)
    return parser
