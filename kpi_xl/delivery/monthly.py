"""The monthly run: every client with an address gets one e-mail with their report, exactly once.

Clients are taken in workbook order. Their addresses are checked first (a bad one is reported with
its cell and skipped, the others still get theirs); the ledger says who still needs this period's
report; only those are rendered, in a process pool, while this process sends them one after the
other over one SMTP connection. Temporary failures are retried with exponential backoff; a permanent
one is recorded for its recipient and the run goes on. Only a server that cannot be reached or that
refuses the login stops the run, since every later message would fail the same way.

:func:`write_drafts` is the dry run: the same messages written as ``.eml`` files, nothing sent or
recorded.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from pathlib import Path
from typing import Protocol

from kpi_xl.core.model import Client, Settings, WorkbookData
from kpi_xl.core.names import find_clients
from kpi_xl.core.periods import Month
from kpi_xl.delivery.addresses import Recipient, check_recipients
from kpi_xl.delivery.config import DeliveryError
from kpi_xl.delivery.ledger import Ledger, Skip
from kpi_xl.delivery.message import Letter, ascii_safe, compose, message_bytes
from kpi_xl.delivery.rendering import RENDER_TIMEOUT, Rendered, Renderer, RenderJob, render_in_order
from kpi_xl.delivery.smtp import Mailer, Reply, RetryPolicy, SessionError, Transaction, TransactionResult
from kpi_xl.files import write_atomic
from kpi_xl.report.batch import active_clients
from kpi_xl.report.names import CLIENT_ROOM
from kpi_xl.workbook.schema import SETTING_KEYS

__all__ = ["PROBLEMS", "Batch", "DeliveryReport", "Outcome", "Progress", "refuse_placeholder", "select_clients",
           "send_batch", "write_drafts"]

# Statuses that make the run's exit status non-zero: a person has something to look at.
PROBLEMS = frozenset({"failed", "unknown", "invalid address", "not sent"})


@dataclass(frozen=True, slots=True)
class Outcome:
    client: str
    recipient: str  # the address, or "" for the whole client
    status: str     # sent, already sent, in progress, failed, unknown, invalid address, no address, written,
                    # not sent, skipped
    detail: str = ""


@dataclass(slots=True)
class DeliveryReport:
    period: Month
    outcomes: list[Outcome] = field(default_factory=list)
    render_seconds: list[float] = field(default_factory=list)
    send_seconds: list[float] = field(default_factory=list)  # per message the server accepted
    stopped: str = ""  # why the run ended early, if it did

    @property
    def ok(self) -> bool:
        return not self.stopped and not any(outcome.status in PROBLEMS for outcome in self.outcomes)


class Progress(Protocol):
    def start(self, total: int) -> None: ...

    def step(self, client: str, outcomes: list[Outcome]) -> None: ...


class _Silent:
    def start(self, total: int) -> None:
        pass

    def step(self, client: str, outcomes: list[Outcome]) -> None:
        pass


@dataclass(frozen=True, slots=True)
class Batch:
    """What to deliver: the workbook's clients (or ``only`` some) for one period."""

    workbook: WorkbookData
    workbook_path: Path
    period: Month
    only: tuple[str, ...] = ()
    failed: Mapping[str, Sequence[str]] = field(default_factory=dict)  # client -> its rows' errors: nothing sent
    include_empty: bool = False   # also send to clients with no Actuals rows in the period
    as_of: dt.date | None = None  # a day before the period's end: a partial report of a month in progress


class _RunStoppedError(Exception):
    pass


def refuse_placeholder(settings: Settings) -> None:
    """Nothing leaves with the template's placeholder agency name ("Your agency") on it."""
    placeholder = str(SETTING_KEYS["agency_name"][0])
    if settings.agency_name.strip().casefold() == placeholder.casefold():
        raise DeliveryError(f'Settings agency_name is still the template\'s "{settings.agency_name}": put your '
                            "agency's name there before sending (clients read it on the report and the e-mail)")


def select_clients(workbook: WorkbookData, only: Iterable[str] = (), others: Iterable[str] = ()) -> list[Client]:
    """The clients to deliver to, in workbook order; ``only`` names (any case) must all exist
    (:func:`~kpi_xl.core.names.find_client`: an unknown one raises ``UnknownClientError``).
    ``others``: clients left out of ``workbook`` (their rows have errors), named when one is not found."""
    clients = list(workbook.clients.values())
    only = list(only)
    if not only:
        return clients
    wanted = set(find_clients(only, [client.name for client in clients] + list(others)))
    return [client for client in clients if client.name in wanted]


def _checked(batch: Batch, report: DeliveryReport) -> list[tuple[Client, list[Recipient]]]:
    """Clients with at least one usable address; every bad or missing address goes in the report, and
    every client that fails (errors in its rows) or is skipped (no data in the period)."""
    usable = []
    failed = {name.casefold(): name for name in batch.failed}
    wanted = [name for name in batch.only if name.strip().casefold() not in failed]
    for name, problems in batch.failed.items():
        if not batch.only or name.casefold() in {n.strip().casefold() for n in batch.only}:
            report.outcomes.append(Outcome(name, "", "failed", "; ".join(problems)))
    selected = select_clients(batch.workbook, wanted, batch.failed) if wanted or not batch.only else []
    active = active_clients(batch.workbook, batch.period)
    for client in selected:
        if client.name not in active and not batch.include_empty:
            report.outcomes.append(Outcome(client.name, "", "skipped",
                                           f"no Actuals rows in {batch.period}: no report, no e-mail "
                                           "(--include-empty sends one)"))
            continue
        recipients, problems = check_recipients(client)
        report.outcomes += [Outcome(client.name, p.text, "invalid address", str(p)) for p in problems]
        if recipients:
            usable.append((client, recipients))
        elif not problems:
            report.outcomes.append(Outcome(client.name, "", "no address",
                                           f"{client.source}: no e-mail address" if client.source else ""))
    return usable


def _renders(batch: Batch, todo: list[tuple[Client, list[Recipient]]], render: Renderer, workers: int,
             timeout: float) -> Iterator[Rendered]:
    """The reports of the clients in ``todo``, rendered in a pool, in the same order."""
    jobs = [RenderJob(batch.workbook_path, client.name, batch.period, client.locale, batch.as_of) for client, _ in todo]
    return render_in_order(jobs, render, workers=workers, timeout=timeout)


def _letter(batch: Batch, client: Client, recipients: list[Recipient], sender: Address, rendered: Rendered,
            copy: int) -> Letter:
    """The e-mail's content; its figures are the renderer's (none from a stand-in renderer)."""
    settings = batch.workbook.settings
    assert rendered.pdf is not None
    return Letter(client.name, client.locale, batch.period, tuple(recipients), sender, settings.agency_name,
                  rendered.pdf, copy, rendered.figures, settings.brand_colour)


def send_batch(batch: Batch, *, render: Renderer, ledger: Ledger, mailer: Mailer, resend: bool = False,
               workers: int = 2, retry: RetryPolicy | None = None, sleep: Callable[[float], None] = time.sleep,
               now: Callable[[], dt.datetime], progress: Progress | None = None,
               render_timeout: float = RENDER_TIMEOUT) -> DeliveryReport:
    """Sends the period's report to every client that still needs it; never raises for one message.

    ``render_timeout``: seconds one report may take to render before it counts as failed.
    """
    report = DeliveryReport(batch.period)
    run = _Run(batch, ledger, mailer, report, resend, retry or RetryPolicy(), sleep, now)
    period = str(batch.period)
    todo = []
    for client, recipients in _checked(batch, report):
        plan = ledger.plan(client.name, period, [r.key for r in recipients], resend=resend)
        if plan.copies:
            todo.append((client, recipients))
        else:
            report.outcomes += run.skipped(client, recipients, plan.skipped)
    progress = progress or _Silent()
    progress.start(len(todo))
    renders = _renders(batch, todo, render, workers, render_timeout)
    done = 0
    try:
        for (client, recipients), rendered in zip(todo, renders, strict=False):
            outcomes = run.client(client, recipients, rendered)
            report.outcomes += outcomes
            done += 1
            progress.step(client.name, outcomes)
    except _RunStoppedError as stop:
        report.stopped = str(stop)
    except KeyboardInterrupt:
        report.stopped = "interrupted"
    finally:
        renders.close()
    for client, _ in todo[done:]:
        report.outcomes.append(Outcome(client.name, "", "not sent", report.stopped))
    return report


class _Run:
    def __init__(self, batch: Batch, ledger: Ledger, mailer: Mailer, report: DeliveryReport, resend: bool,
                 retry: RetryPolicy, sleep: Callable[[float], None], now: Callable[[], dt.datetime]) -> None:
        self.batch, self.ledger, self.mailer, self.report = batch, ledger, mailer, report
        self.resend, self.retry, self.sleep, self.now = resend, retry, sleep, now
        self.period = str(batch.period)
        self.waited = 0.0

    def skipped(self, client: Client, recipients: list[Recipient], skipped: Mapping[str, Skip]) -> list[Outcome]:
        status = {"sent": "already sent", "busy": "in progress", "unknown": "unknown"}
        return [Outcome(client.name, r.address.addr_spec, status[skip.state], skip.reason)
                for r in recipients if (skip := skipped.get(r.key)) is not None]

    def client(self, client: Client, recipients: list[Recipient], rendered: Rendered) -> list[Outcome]:
        by_key = {r.key: r for r in recipients}
        claim = self.ledger.claim(client.name, self.period, list(by_key), resend=self.resend)
        outcomes = self.skipped(client, recipients, claim.skipped)
        if not claim.copies:
            return outcomes
        if rendered.pdf is None:
            reason = f"report not rendered: {rendered.error}"
            self.ledger.mark_failed(client.name, self.period, claim.copies, reason, permanent=False, tried=False)
            return outcomes + [Outcome(client.name, by_key[k].address.addr_spec, "failed", reason)
                               for k in claim.copies]
        self.report.render_seconds.append(rendered.seconds)
        for copy in sorted(set(claim.copies.values())):
            keys = [key for key, c in claim.copies.items() if c == copy]
            letter = _letter(self.batch, client, recipients, self.mailer.config.sender, rendered, copy)
            message = compose(letter, date=self.now())
            outcomes += self.letter(client.name, [by_key[k] for k in keys], message_bytes(message),
                                    str(message["Message-ID"]))
        return outcomes

    def letter(self, client: str, recipients: list[Recipient], payload: bytes, message_id: str) -> list[Outcome]:
        """One message to ``recipients`` until each is sent, refused, in doubt or out of retries."""
        key_of = {r.address.addr_spec: r.key for r in recipients}
        pending = list(key_of)
        outcomes: list[Outcome] = []
        lost: set[str] = set()
        tries = 0

        def before_data(accepted: list[str]) -> list[str]:
            mine = set(self.ledger.mark_sending(client, self.period, [key_of[a] for a in accepted]))
            lost.update(a for a in accepted if key_of[a] not in mine)
            return [a for a in accepted if key_of[a] in mine]

        while pending:
            tries += 1
            txn = Transaction(self.mailer.config.sender.addr_spec, pending, payload)
            started = time.perf_counter()
            unreachable = ""
            try:
                result = self.mailer.send(txn, before_data=before_data)
            except SessionError as failure:
                if failure.permanent:
                    self.ledger.mark_failed(client, self.period, [key_of[a] for a in pending], failure.reason,
                                            permanent=False)
                    raise _RunStoppedError(failure.reason) from None
                unreachable = failure.reason
                result = TransactionResult(deferred=dict.fromkeys(pending, Reply(0, failure.reason)))
            except BaseException:
                # Interrupted (Ctrl-C): what may have reached the server is unknown, the rest is free again.
                if txn.in_doubt:
                    self.ledger.mark_unknown(client, self.period, [key_of[a] for a in txn.accepted],
                                             "interrupted while the server confirmed the message")
                self.ledger.mark_failed(client, self.period, [key_of[a] for a in pending], "interrupted before sending",
                                        permanent=False, tried=False)
                raise
            outcomes += self.record(client, key_of, result, message_id, time.perf_counter() - started)
            for address in lost & set(result.deferred):
                del result.deferred[address]
                outcomes.append(Outcome(client, address, "in progress", "taken over by another run"))
            pending = list(result.deferred)
            if not pending:
                break
            reply = next(iter(result.deferred.values()))
            delay = self.retry.delay(tries)
            if delay is None or self.waited + delay > self.retry.budget:
                if unreachable:
                    self.ledger.mark_failed(client, self.period, [key_of[a] for a in pending], unreachable,
                                            permanent=False)
                    raise _RunStoppedError(unreachable)
                for address, reply in result.deferred.items():
                    reason = f"{reply} (temporary: the next run tries again)"
                    self.ledger.mark_failed(client, self.period, [key_of[address]], reason, permanent=False)
                    outcomes.append(Outcome(client, address, "failed", reason))
                break
            self.ledger.reclaim(client, self.period, [key_of[a] for a in pending], str(reply))
            self.sleep(delay)
            self.waited += delay
        return outcomes

    def record(self, client: str, key_of: Mapping[str, str], result: TransactionResult, message_id: str,
               seconds: float) -> list[Outcome]:
        outcomes = []
        if result.delivered:
            self.ledger.mark_sent(client, self.period, [key_of[a] for a in result.delivered], message_id)
            self.report.send_seconds.append(seconds)
            outcomes += [Outcome(client, a, "sent", message_id) for a in result.delivered]
        for address, reply in result.refused.items():
            self.ledger.mark_failed(client, self.period, [key_of[address]], str(reply), permanent=True)
            outcomes.append(Outcome(client, address, "failed", str(reply)))
        for address, reply in result.in_doubt.items():
            reason = f"{reply.text}; check the mailbox, then use --resend if it did not arrive"
            self.ledger.mark_unknown(client, self.period, [key_of[address]], reason)
            outcomes.append(Outcome(client, address, "unknown", reason))
        return outcomes


def write_drafts(batch: Batch, *, render: Renderer, sender: Address, folder: Path, workers: int = 2,
                 now: Callable[[], dt.datetime], progress: Progress | None = None,
                 render_timeout: float = RENDER_TIMEOUT) -> DeliveryReport:
    """The dry run: each client's message as ``folder/<client>_<period>.eml``; nothing sent, nothing recorded."""
    report = DeliveryReport(batch.period)
    todo = _checked(batch, report)
    progress = progress or _Silent()
    progress.start(len(todo))
    folder.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for (client, recipients), rendered in zip(todo, _renders(batch, todo, render, workers, render_timeout),
                                              strict=True):
        to = ", ".join(r.address.addr_spec for r in recipients)
        if rendered.pdf is None:
            outcome = Outcome(client.name, to, "failed", f"report not rendered: {rendered.error}")
        else:
            report.render_seconds.append(rendered.seconds)
            message = compose(_letter(batch, client, recipients, sender, rendered, 1), date=now())
            # The client's part as short as the PDFs': file systems refuse names over 255 bytes.
            slug = ascii_safe(client.name)[:CLIENT_ROOM].strip("-_.") or "client"
            path = folder / _unique(f"{slug}_{batch.period}", used)
            write_atomic(path, message_bytes(message))
            outcome = Outcome(client.name, to, "written", str(path))
        report.outcomes.append(outcome)
        progress.step(client.name, [outcome])
    return report


def _unique(stem: str, used: set[str]) -> str:
    name, n = f"{stem}.eml", 1
    while name.casefold() in used:
        n += 1
        name = f"{stem}-{n}.eml"
    used.add(name.casefold())
    return name
