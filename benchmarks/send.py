"""The monthly delivery end to end: a 200-client batch rendered in a process pool and sent to a local
SMTP server (aiosmtpd on loopback), with the ledger, exactly as ``kpi-xl send`` does it.

    python benchmarks/send.py [--clients 200] [--workers 2] [--simple]

The renderer is the real report (``kpi_xl.delivery.rendering.render_report`` over the demo workbook,
its clients repeated under numbered names) when ``kpi_xl.report`` is importable, else a small one-page WeasyPrint
report; the output says which. Goal: at least 200 clients per minute on a 2-core machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import html
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from smtp_server import SmtpServer  # the tests' aiosmtpd server: here a plain local relay

from kpi_xl.core.model import Actuals, Client, Settings, WorkbookData
from kpi_xl.core.periods import Month
from kpi_xl.delivery.config import resolve_smtp
from kpi_xl.delivery.ledger import Ledger
from kpi_xl.delivery.monthly import Batch, send_batch
from kpi_xl.delivery.rendering import RenderJob, render_report
from kpi_xl.delivery.smtp import Mailer

GOAL_PER_MINUTE = 200
TODAY = dt.date(2026, 11, 22)
PERIOD = Month(2026, 10)
LOCALES = ("en_US", "es_ES", "es_MX", "pt_BR", "pl_PL", "vi_VN")


def render_simple(job: RenderJob) -> bytes:
    """A one-page report: a title and a table of twelve figures, the kind of page WeasyPrint lays out."""
    import weasyprint

    rows = "".join(f"<tr><td>KPI {n}</td><td>{n * 123.45:,.2f}</td><td>{n * 7 % 100} %</td></tr>" for n in range(12))
    page = (f"<style>body{{font-family:DejaVu Sans,sans-serif}} td{{padding:4px 12px}}</style>"
            f"<h1>{html.escape(job.client)}</h1><p>KPI report {job.period} ({job.locale})</p>"
            f"<table>{rows}</table>")
    return weasyprint.HTML(string=page).write_pdf()


def render_real(job: RenderJob) -> bytes:
    """The real report of the demo client behind a numbered name ("Client name #17")."""
    return render_report(RenderJob(job.workbook, re.sub(r" #\d+$", "", job.client), job.period, job.locale))


def _real_batch(folder: Path, count: int) -> tuple[WorkbookData, Path]:
    from kpi_xl.demo import write_demo
    from kpi_xl.workbook.read import read_workbook

    path = folder / "demo.xlsx"
    write_demo(path, TODAY)
    demo = read_workbook(path)
    bases = list(demo.clients.values())
    clients = {}
    for n in range(count):
        base = bases[n % len(bases)]
        name = f"{base.name} #{n + 1}"
        clients[name] = Client(name, (f"client{n + 1}@bench.example",), base.locale, base.currency)
    return WorkbookData(clients, [], Actuals.from_rows([]), demo.settings), path


def _simple_batch(folder: Path, count: int) -> tuple[WorkbookData, Path]:
    clients = {}
    for n in range(count):
        name = f"Client {n + 1}"
        clients[name] = Client(name, (f"client{n + 1}@bench.example",), LOCALES[n % len(LOCALES)], "EUR")
    settings = Settings(agency_name="Bench Agency", from_address="reports@bench.example")
    return WorkbookData(clients, [], Actuals.from_rows([]), settings), folder / "clients.xlsx"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--simple", action="store_true", help="use the simple renderer even if the real one is there")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        try:
            if options.simple:
                raise ImportError("--simple", name="the real report: --simple")
            workbook, path = _real_batch(folder, options.clients)
            render, label = render_real, "the real report (kpi_xl.report via render_report, demo workbook)"
        except ImportError as missing:
            workbook, path = _simple_batch(folder, options.clients)
            render, label = render_simple, f"a simple one-page WeasyPrint report ({missing.name} not used)"
        with SmtpServer(folder, security="none") as server:
            local = dataclasses.replace(workbook.settings, smtp_user=None)  # the relay takes mail without a login
            config = resolve_smtp({"smtp_host": server.host, "smtp_port": server.port, "smtp_security": "none"},
                                  local, environ={"KPI_XL_CONFIG": ""})
            mailer = Mailer(config, None)
            with Ledger(folder / "bench.ledger.sqlite") as ledger:
                start = time.perf_counter()
                # The benchmark's clients are names only (no Actuals rows): sent anyway, as --include-empty does.
                batch = Batch(workbook, path, PERIOD, include_empty=True)
                report = send_batch(batch, render=render, ledger=ledger, mailer=mailer,
                                    workers=options.workers, now=lambda: dt.datetime.now(dt.UTC))
                elapsed = time.perf_counter() - start
            mailer.close()
            received = len(server.mailbox.received)

    sent = sum(outcome.status == "sent" for outcome in report.outcomes)
    failures = [outcome for outcome in report.outcomes if outcome.status != "sent"]
    if failures:
        print(f"{len(failures)} not sent, the first: {failures[0]}")
    per_minute = sent / elapsed * 60
    print(f"renderer: {label}")
    print(f"{sent} of {options.clients} clients sent, {received} messages received by the server, "
          f"{options.workers} render processes")
    print(f"total {elapsed:6.2f} s (process start-up included)   {per_minute:7.1f} clients per minute "
          f"(goal >= {GOAL_PER_MINUTE}: {'met' if per_minute >= GOAL_PER_MINUTE else 'NOT met'})")
    if report.render_seconds and report.send_seconds:
        print(f"median render per client {statistics.median(report.render_seconds) * 1e3:7.1f} ms (in a worker)   "
              f"median SMTP per message {statistics.median(report.send_seconds) * 1e3:6.1f} ms")


if __name__ == "__main__":
    main()
