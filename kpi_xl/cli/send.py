"""``kpi-xl send`` and ``kpi-xl history``: arguments, progress on stderr, the summary table, exit status.

The parser adds the subcommands with :func:`add_send_arguments` / :func:`add_history_arguments`
and calls :func:`run` / :func:`run_history_command`; tests call :func:`run_send` with a fake
renderer. Exit status: 0 when everything is sent (or was
already), 1 when anything failed, is in doubt or has a bad address, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kpi_xl.cli.arguments import (
    add_batch_arguments,
    period_argument,
    port_argument,
    send_workers_argument,
    workbook_argument,
)
from kpi_xl.cli.output import Progress, add_quiet_argument, is_quiet, print_json
from kpi_xl.cli.terminal import shown, shown_error
from kpi_xl.core.errors import KpiError
from kpi_xl.core.periods import report_month

if TYPE_CHECKING:  # the rest loads when a command runs: building the parser stays cheap for every command
    import ssl

    from kpi_xl.core.model import WorkbookData
    from kpi_xl.delivery.config import Secret
    from kpi_xl.delivery.ledger import Entry, Ledger
    from kpi_xl.delivery.monthly import DeliveryReport
    from kpi_xl.delivery.rendering import Renderer
    from kpi_xl.delivery.smtp import RetryPolicy

__all__ = ["add_history_arguments", "add_send_arguments", "run", "run_history", "run_history_command", "run_send"]

SEND_HELP = "e-mail every client their report, exactly once per period"
HISTORY_HELP = "show what was sent, from the delivery ledger"

_SMTP_OPTIONS = ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "from_address", "smtp_cafile")


_LEDGER_HELP = ("the delivery ledger (default: the sender's, in the user's data folder; "
                "$KPI_XL_DATA_DIR overrides the folder)")


def add_send_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", type=workbook_argument, metavar="WORKBOOK", help="the clients workbook (.xlsx)")
    parser.add_argument("--period", type=period_argument, metavar="YYYY-MM",
                        help="the month to send (default: the workbook's report period, else the last complete month)")
    parser.add_argument("--client", "--only", dest="only", action="append", default=[], metavar="NAME",
                        help="only this client (repeat for several; default: every client); "
                             "--only is the same option")
    parser.add_argument("--dry-run", action="store_true",
                        help="write each e-mail as an .eml file to review; send nothing, record nothing")
    parser.add_argument("--out", type=Path, metavar="FOLDER",
                        help="where --dry-run writes (default: WORKBOOK_emails_PERIOD next to the workbook)")
    parser.add_argument("--resend", action="store_true",
                        help="send again what was already sent (a new copy), and what is in doubt")
    parser.add_argument("--ledger", type=Path, metavar="PATH", help=_LEDGER_HELP)
    parser.add_argument("--workers", type=send_workers_argument, default=2, metavar="N",
                        help="reports rendered in parallel (default: 2; 0 renders in this process, "
                             "without --render-timeout)")
    add_batch_arguments(parser, verb="send to")
    smtp = parser.add_argument_group(
        "SMTP", "Default: the workbook's Settings, then ~/.config/kpi_xl/smtp.toml (or $KPI_XL_CONFIG). "
                "The password is read only from $KPI_XL_SMTP_PASSWORD or the system keyring.")
    smtp.add_argument("--smtp-host", metavar="HOST", help="the SMTP server, e.g. smtp.agency.example")
    smtp.add_argument("--smtp-port", type=port_argument, metavar="PORT",
                      help="its port (default: 587 for starttls, 465 for ssl, 25 for none)")
    smtp.add_argument("--smtp-security", choices=("starttls", "ssl", "none"),
                      help="how the connection is encrypted (default: starttls)")
    smtp.add_argument("--smtp-user", metavar="USER", help="the login name (default: none, no login)")
    smtp.add_argument("--smtp-cafile", metavar="PEM", help="trust this CA (a private or self-signed server)")
    smtp.add_argument("--from", dest="from_address", metavar="ADDRESS",
                      help='the sender, e.g. "Agency <reports@agency.example>"')
    add_quiet_argument(parser)


def add_history_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", type=workbook_argument, metavar="WORKBOOK", help="the clients workbook (.xlsx)")
    parser.add_argument("--period", type=period_argument, metavar="YYYY-MM", help="only this month")
    parser.add_argument("--ledger", type=Path, metavar="PATH", help=_LEDGER_HELP)
    parser.add_argument("--from", dest="from_address", metavar="ADDRESS",
                        help="the sender whose ledger to show (default: the workbook's)")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list, one object per ledger row, for scripts")


def run(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    """``kpi-xl send``, as the parser calls it: the real renderer, progress on stderr."""
    import sys

    from kpi_xl.delivery.rendering import render_report

    return run_send(args, render=render_report, out=out, err=sys.stderr, today=today)


def run_history_command(args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    """``kpi-xl history``, as the parser calls it."""
    return run_history(args, out)


def run_send(args: argparse.Namespace, *, render: Renderer, out: TextIO, err: TextIO, today: dt.date,
             workbook: WorkbookData | None = None, environ: Mapping[str, str] | None = None,
             ssl_context: ssl.SSLContext | None = None, now: Callable[[], dt.datetime] | None = None,
             sleep: Callable[[float], None] = time.sleep, retry: RetryPolicy | None = None) -> int:
    """Runs ``kpi-xl send``. ``workbook`` is read from ``args.workbook`` unless given."""
    import sqlite3

    from kpi_xl.delivery.config import DeliveryError, resolve_smtp, sending_settings
    from kpi_xl.delivery.ledger import default_ledger_path
    from kpi_xl.delivery.ledger_home import sender_ledger_path
    from kpi_xl.delivery.monthly import Batch, refuse_placeholder, send_batch, write_drafts
    from kpi_xl.delivery.rendering import RENDER_TIMEOUT
    from kpi_xl.delivery.smtp import Mailer, RetryPolicy
    from kpi_xl.report.batch import check_period

    environ = os.environ if environ is None else environ
    now = now or (lambda: dt.datetime.now().astimezone())
    render_timeout = args.render_timeout or RENDER_TIMEOUT
    password: Secret | None = None
    refusal = unready = ""
    try:
        failed: dict[str, list[str]] = {}
        if workbook is None:
            from kpi_xl.cli.output import print_notes
            from kpi_xl.workbook.read import WorkbookInvalid, read_by_client  # calamine: only when needed

            parsed = read_by_client(args.workbook)
            print_notes(parsed.problems, err)
            if parsed.data is None:  # the workbook as a whole: nothing can be sent
                raise WorkbookInvalid(parsed.problems)
            workbook = parsed.data
            failed = {name: [str(p) for p in problems] for name, problems in parsed.failed.items()}
        period = report_month(args.period, workbook.settings.report_period, today)
        as_of = check_period(workbook, period, today, partial=args.partial)
        try:
            refuse_placeholder(workbook.settings)
        except KpiError as error:
            if not args.dry_run:
                raise
            refusal = str(error)  # the drafts are still written, to preview; the run still fails
        options = {name: getattr(args, name, None) for name in _SMTP_OPTIONS}
        # Every missing setting at once; the drafts of a dry run need no server and no sender.
        if args.dry_run:
            config = resolve_smtp(options, workbook.settings, environ=environ, drafts=True)
            try:
                resolve_smtp(options, workbook.settings, environ=environ, sending=True)
            except DeliveryError as error:
                unready = shown_error(error)   # said after the drafts: what the real send still needs
        else:
            config, password = sending_settings(options, workbook.settings, environ=environ)
        batch = Batch(workbook, Path(args.workbook), period, tuple(args.only), failed,
                      args.include_empty, as_of)
        progress = Progress(None if is_quiet(args) else err)
        if args.dry_run:
            folder = args.out or Path(args.workbook).with_name(f"{Path(args.workbook).stem}_emails_{period}")
            report = write_drafts(batch, render=render, sender=config.sender, folder=folder, workers=args.workers,
                                  now=now, progress=progress, render_timeout=render_timeout)
        else:
            mailer = Mailer(config, password, ssl_context=ssl_context)
            try:
                ledger_path = args.ledger or sender_ledger_path(config.sender.addr_spec, os.environ)
                with _open_ledger(ledger_path) as ledger:
                    adopted = 0 if args.ledger else ledger.adopt(default_ledger_path(Path(args.workbook)))
                    report = send_batch(batch, render=render, ledger=ledger, mailer=mailer, resend=args.resend,
                                        workers=args.workers, retry=retry or RetryPolicy(), sleep=sleep, now=now,
                                        progress=progress, render_timeout=render_timeout)
            finally:
                mailer.close()
    except (KpiError, sqlite3.Error) as error:
        print(f"kpi-xl: {shown_error(error, password.redact if password else str)}", file=err)
        return 1
    except KeyboardInterrupt:  # before or after the batch (which reports its own interruption)
        print("kpi-xl: interrupted", file=err)
        return 130
    _print_summary(report, out, dry_run=args.dry_run)
    if is_quiet(args):  # the summary went nowhere: what a person must look at still reaches cron's mail
        _print_problems(report, err)
    if not args.dry_run:
        if adopted:
            print(f"Copied {adopted} earlier deliveries from {default_ledger_path(Path(args.workbook))}.", file=out)
        print(f"Ledger: {shown(ledger_path)}", file=out)
    if report.stopped == "interrupted":
        return 130
    if unready:   # with the summary, like the advice: what the real run would still refuse
        print(f"Before sending for real: {unready}", file=out)
    if refusal:
        print(f"kpi-xl: drafts written for preview, but the real send would be refused: {shown(refusal)}", file=err)
        return 1
    return 0 if report.ok else 1


def run_history(args: argparse.Namespace, out: TextIO) -> int:
    """Prints the ledger: one row per client, period and recipient."""
    from kpi_xl.cli.table import format_table

    path = args.ledger or _history_ledger(args)
    if not path.is_file():
        if args.json:
            print_json([], out)
        else:
            print(f"No deliveries recorded yet ({shown(path)} does not exist).", file=out)
        return 0
    period = str(args.period) if args.period else None
    with _open_ledger(path) as ledger:
        entries = ledger.entries(period)
        if args.json:
            print_json([_history_record(ledger, e) for e in entries], out)
            return 0
        rows = [[e.client, e.period, e.recipient, _shown_state(ledger, e), _local(e.sent_at or e.updated_at),
                 str(e.copy), str(e.attempts), e.reason] for e in entries]
    if not rows:
        print(f"No deliveries recorded{f' for {period}' if period else ''} in {path}.", file=out)
        return 0
    header = ["Client", "Period", "Recipient", "State", "Time", "Copy", "Attempts", "Reason"]
    print(format_table([header, *rows]), file=out)
    return 0


def _history_record(ledger: Ledger, entry: Entry) -> dict[str, object]:
    """One ledger row for ``history --json``: the table's columns, times as ISO 8601 with the offset."""
    return {"client": entry.client, "period": entry.period, "recipient": entry.recipient,
            "state": _shown_state(ledger, entry), "sent_at": _iso(entry.sent_at), "updated_at": _iso(entry.updated_at),
            "copy": entry.copy, "attempts": entry.attempts, "reason": entry.reason, "message_id": entry.message_id}


def _iso(timestamp: float | None) -> str | None:
    if not timestamp:
        return None
    return dt.datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds")


def _history_ledger(args: argparse.Namespace) -> Path:
    """The ledger of the workbook's sender (as ``send`` would pick it), else an earlier version's one
    beside the workbook."""
    from kpi_xl.delivery.addresses import parse_address
    from kpi_xl.delivery.config import resolve_smtp
    from kpi_xl.delivery.ledger import default_ledger_path
    from kpi_xl.delivery.ledger_home import sender_ledger_path
    from kpi_xl.workbook.read import read_workbook

    legacy = default_ledger_path(Path(args.workbook))
    try:
        if args.from_address:
            mailbox = parse_address(args.from_address).addr_spec
        else:
            settings = read_workbook(args.workbook).settings
            mailbox = resolve_smtp({}, settings, environ=os.environ).sender.addr_spec
    except ValueError as error:
        from kpi_xl.delivery.config import DeliveryError

        raise DeliveryError(f"--from: {error}") from None
    except KpiError:
        if legacy.is_file():
            return legacy
        raise
    return sender_ledger_path(mailbox, os.environ)


def _open_ledger(path: Path) -> Ledger:
    import sqlite3

    from kpi_xl.delivery.config import DeliveryError
    from kpi_xl.delivery.ledger import Ledger

    try:
        return Ledger(path)
    except sqlite3.Error as error:
        raise DeliveryError(f"{path}: cannot open the delivery ledger: {error}") from None


def _shown_state(ledger: Ledger, entry: Entry) -> str:
    if entry.state in ("sending", "claimed") and ledger.is_stale(entry):
        # Its run died: after handing the message over (see ledger.py), or before.
        return "unknown" if entry.state == "sending" else "interrupted"
    return entry.state



def _local(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp).astimezone().strftime("%Y-%m-%d %H:%M %z")


def _print_summary(report: DeliveryReport, out: TextIO, *, dry_run: bool) -> None:
    from kpi_xl.cli.table import format_table
    from kpi_xl.delivery.monthly import PROBLEMS

    if report.outcomes:
        rows = [[o.client, o.recipient, o.status, "" if o.status == "sent" else o.detail] for o in report.outcomes]
        print(format_table([["Client", "Recipient", "Result", "Detail"], *rows]), file=out)
        print(file=out)
    counts = Counter(outcome.status for outcome in report.outcomes)
    order = ["written"] if dry_run else ["sent", "already sent"]
    order += [s for s in ("in progress", *sorted(PROBLEMS), "no address", "skipped") if counts[s] and s not in order]
    line = ", ".join(f"{status} {counts[status]}" for status in order)   # as report's: written 4, skipped 0
    print(f"{report.period}: {line}{' (dry run: nothing sent)' if dry_run else ''}", file=out)
    if report.stopped:
        print(f"Stopped early: {shown(report.stopped)}", file=out)
    for status, advice in _ADVICE.items():
        if counts[status] and not dry_run:
            print(advice, file=out)


def _print_problems(report: DeliveryReport, err: TextIO) -> None:
    """``--quiet``: one line on stderr per outcome a person must look at, and an early stop."""
    from kpi_xl.delivery.monthly import PROBLEMS

    for o in report.outcomes:
        if o.status in PROBLEMS:
            recipient = f" <{shown(o.recipient)}>" if o.recipient else ""
            print(f"kpi-xl: {o.status}: {shown(o.client)}{recipient}: {shown(o.detail)}", file=err)
    if report.stopped:
        print(f"kpi-xl: stopped early: {shown(report.stopped)}", file=err)


_ADVICE = {
    "skipped": "Clients with no data in the month get nothing; --include-empty sends them a report anyway.",
    "invalid address": "Correct the addresses in the cells named above; the next run sends to them.",
    "failed": "Run the same command again to retry what failed; `kpi-xl history` shows the ledger.",
    "not sent": "Run the same command again to send the rest.",
    "unknown": "For each unknown line, check the mailbox (or the server's log); if the e-mail did not arrive, "
               "run again with --resend --client NAME.",
}
