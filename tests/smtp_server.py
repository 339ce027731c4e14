"""A real SMTP server on loopback for the delivery tests, and what those tests feed kpi-xl send.

- :class:`SmtpServer`: aiosmtpd on 127.0.0.1 (a port the system picks) with STARTTLS required, a
  self-signed certificate made at start with ``cryptography``, and AUTH (user and password checked,
  TLS required).
- :class:`Mailbox`: the handler. It keeps every message it accepted and can be scripted to misbehave:
  answer RCPT with 4xx/5xx for an address, hang up right after a RCPT, answer DATA with a 4xx, drop
  the connection after N messages, stall before confirming message N, keep message N and hang up
  without confirming, or answer it with something that is not SMTP; or hold every confirmation
  until several connections each have a message waiting (to prove two runs overlap).
- Renderers (top-level, so they pickle into the render pool): a small real PDF made by WeasyPrint,
  a slow one, a stuck one, a failing one.
- :func:`send_in_subprocess`: ``run_send`` in a child process, for the kill -9 and concurrency tests.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import gc
import html
import io
import ipaddress
import json
import os
import signal
import ssl
import sys
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from kpi_xl.cli.send import add_send_arguments, run_send
from kpi_xl.core.model import Actuals, Client, Settings, WorkbookData
from kpi_xl.delivery.rendering import RenderJob

__all__ = [
    "PASSWORD",
    "TODAY",
    "USER",
    "Mailbox",
    "SmtpServer",
    "ledger_path",
    "make_workbook",
    "render_broken",
    "render_pdf",
    "render_slowly",
    "render_stand_in",
    "render_stuck",
    "send",
    "send_args",
    "send_in_subprocess",
]

USER = "reports@agency.example"
PASSWORD = "Zq8-unlikely-PASSWORD-9fK"  # the test server's: the tests check it is never printed
TODAY = dt.date(2026, 11, 2)             # the monthly run for October 2026


# -- the server ---------------------------------------------------------------------------------

@dataclass(slots=True)
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.data)  # type: ignore[return-value]


@dataclass(slots=True)
class Mailbox:
    """The aiosmtpd handler: accepts, records, and misbehaves on request."""

    received: list[Received] = field(default_factory=list)
    rcpt_replies: dict[str, list[str]] = field(default_factory=dict)  # address -> replies, then 250
    refuse: dict[str, str] = field(default_factory=dict)              # address -> a reply, every time
    rcpt_delays: dict[str, list[float]] = field(default_factory=dict)  # address -> seconds of silence, once each
    rcpt_hangups: list[str] = field(default_factory=list)             # hang up after answering these, once each
    data_replies: list[str] = field(default_factory=list)             # the next DATA answers, then 250
    drop_after: int | None = None   # close the connection after this many messages on it
    stall_at: int | None = None     # hold the reply to the Nth message until `release` is set
    vanish_at: int | None = None    # keep the Nth message but hang up instead of confirming it
    garble_at: int | None = None    # keep the Nth message but answer it with a line that is not SMTP
    together: int | None = None     # hold every reply to a message until this many connections have one
    echo_login: bool = False        # greylist each address once, quoting the login it was given (careless)
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    peers: set[tuple[str, int]] = field(default_factory=set)  # one per TCP connection (EHLO twice with STARTTLS)
    waiting: set[tuple[str, int]] = field(default_factory=set)  # connections that sent a message (`together`)
    greylisted: set[str] = field(default_factory=set)

    @property
    def connections(self) -> int:
        return len(self.peers)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.peers.add(session.peer)
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_delays.get(address):
            await asyncio.sleep(self.rcpt_delays[address].pop(0))
        if address in self.rcpt_hangups:
            self.rcpt_hangups.remove(address)
            server.loop.call_soon(server.transport.close)  # after the reply below is written
        if address in self.refuse:
            return self.refuse[address]
        if self.rcpt_replies.get(address):
            return self.rcpt_replies[address].pop(0)
        if self.echo_login and address not in self.greylisted and session.auth_data is not None:
            self.greylisted.add(address)
            login, password = session.auth_data.login, session.auth_data.password
            plain = base64.b64encode(b"\0" + login + b"\0" + password).decode()
            return f"450 4.7.1 greylisted for {login.decode()}/{password.decode()} ({plain}), try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_replies:
            return self.data_replies.pop(0)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        if self.vanish_at == len(self.received):
            server.transport.close()  # the reply below never reaches the client
        if self.stall_at == len(self.received):
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        if self.together:
            self.waiting.add(session.peer)
            deadline = server.loop.time() + 60  # then answer anyway: the test sees too few in `waiting`
            while len(self.waiting) < self.together and server.loop.time() < deadline:
                await asyncio.sleep(0.02)
        session.messages = getattr(session, "messages", 0) + 1
        if self.drop_after and session.messages >= self.drop_after:
            server.loop.call_soon(server.transport.close)  # after the 250 below is written
        if self.garble_at == len(self.received):
            return "Ok, I think so?"
        return "250 2.0.0 queued"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages delivered to ``address`` (by envelope), parsed."""
        return [item.message for item in self.received if address in item.recipients]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.received:
            for address in item.recipients:
                counts[address] = counts.get(address, 0) + 1
        return counts


def _certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class _Controller(Controller):
    """aiosmtpd's controller on a port the system picks when it binds (port 0), read back after: a port
    chosen first and bound later could be taken in between by another process."""

    def _create_server(self):
        return self._bind()

    async def _bind(self):
        server = await self.loop.create_server(self._factory_invoker, host=self.hostname, port=0,
                                               ssl=self.ssl_context)
        self.port = server.sockets[0].getsockname()[1]
        return server


class SmtpServer:
    """``with SmtpServer(tmp_path) as server:`` a STARTTLS + AUTH server; ``server.mailbox`` is what it got.

    ``security="ssl"``: TLS from the first byte (port 465 style), AUTH required; ``"none"``: a plain
    relay with no TLS and no AUTH, like a local MTA.
    """

    def __init__(self, folder: Path, mailbox: Mailbox | None = None, *, password: str = PASSWORD,
                 security: str = "starttls", echo: bool = False, auth_exclude: tuple[str, ...] = ()) -> None:
        self.mailbox = mailbox or Mailbox()
        self.host = "127.0.0.1"
        self.security = security
        self.user = None if security == "none" else USER
        self.cafile, key = _certificate(folder)
        self.logins: list[tuple[str, bool]] = []
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cafile, key)
        self._password = password
        self._echo = echo  # a careless server that repeats the credentials in its refusals
        self.mailbox.echo_login = echo
        options: dict[str, object] = {"hostname": self.host, "server_hostname": "mail.test",
                                      "auth_exclude_mechanism": list(auth_exclude)}
        if security == "starttls":
            options |= {"tls_context": context, "require_starttls": True, "auth_required": True,
                        "auth_require_tls": True, "authenticator": self._authenticate}
        elif security == "ssl":  # aiosmtpd only counts STARTTLS as TLS for AUTH: the socket is TLS already
            options |= {"ssl_context": context, "auth_required": True, "auth_require_tls": False,
                        "authenticator": self._authenticate}
        self._controller = _Controller(self.mailbox, **options)

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER
              and auth_data.password.decode() == self._password)
        self.logins.append((mechanism, ok))
        if not ok and self._echo and isinstance(auth_data, LoginPassword):
            given = auth_data.password.decode()
            plain = base64.b64encode(b"\0" + auth_data.login + b"\0" + auth_data.password).decode()
            return AuthResult(success=False, handled=False,
                              message=f"535 5.7.8 {auth_data.login.decode()}/{given} ({plain}) not accepted")
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    @property
    def port(self) -> int:
        """The port it listens on, once started."""
        return self._controller.port

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.cafile)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.mailbox.release.set()
        self._controller.stop()


# -- what kpi-xl send is given ------------------------------------------------------------------

def make_workbook(clients: list[tuple[str, list[str], str]], **settings: object) -> WorkbookData:
    """Clients as (name, addresses, locale); each address sits in its own cell of row 3, 4, ..."""
    built = {}
    for row, (name, emails, locale) in enumerate(clients, start=3):
        sources = tuple(f"Clients!{column}{row}" for column in "DEFGH"[: len(emails)])
        built[name] = Client(name, tuple(emails), locale, "EUR", source=f"Clients!A{row}", email_sources=sources)
    values: dict[str, object] = {"agency_name": "Agencia Norte", "from_address": USER} | settings
    # One row each in October 2026 (the run's month): a client with no data in the month gets no e-mail.
    rows = [{"date": dt.date(2026, 10, 15), "client": name, "cost": 10.0} for name in built]
    return WorkbookData(built, [], Actuals.from_rows(rows), Settings(**values))  # type: ignore[arg-type]


def ledger_path(sender: str = USER) -> Path:
    """Where ``kpi-xl send`` keeps the ledger of ``sender`` (in the test's own data folder)."""
    import os

    from kpi_xl.delivery.ledger_home import sender_ledger_path

    return sender_ledger_path(sender, os.environ)


def send_args(workbook: Path, *extra: str, server: SmtpServer | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kpi-xl send")
    add_send_arguments(parser)
    smtp = []
    if server is not None:
        smtp = ["--smtp-host", server.host, "--smtp-port", str(server.port), "--smtp-security", server.security,
                "--smtp-cafile", str(server.cafile), *(["--smtp-user", server.user] if server.user else [])]
    return parser.parse_args([str(workbook), *smtp, *extra])


def send(workbook: WorkbookData, path: Path, *extra: str, server: SmtpServer | None = None, render=None,
         password: str = PASSWORD, config: Path | None = None, **keywords) -> tuple[int, str, str]:
    """``kpi-xl send`` in this process (``config``: an smtp.toml); returns (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    keywords.setdefault("sleep", lambda seconds: None)
    keywords.setdefault("now", lambda: dt.datetime(2026, 11, 2, 7, 0, tzinfo=dt.UTC))
    status = run_send(send_args(path, *extra, server=server), render=render or render_pdf, out=out, err=err,
                      today=TODAY, workbook=workbook,
                      environ={"KPI_XL_SMTP_PASSWORD": password, "KPI_XL_CONFIG": str(config or "")}, **keywords)
    return status, out.getvalue(), err.getvalue()


# -- renderers: top-level so they pickle into the process pool ----------------------------------

def render_pdf(job: RenderJob) -> bytes:
    import weasyprint

    body = f"<h1>{html.escape(job.client)}</h1><p>KPI report {job.period} ({job.locale})</p>"
    return weasyprint.HTML(string=body).write_pdf()


def render_slowly(job: RenderJob) -> bytes:
    time.sleep(0.3)
    return render_pdf(job)


def render_stuck(job: RenderJob) -> bytes:
    """Hangs on a client whose name starts with "Slow", after leaving ``<client>.started`` beside the
    workbook: a run to kill, interrupt or time out while it waits for that report."""
    _hang_if_slow(job)
    return render_pdf(job)


def render_stand_in(job: RenderJob) -> bytes:
    """:func:`render_stuck` with a stand-in PDF made at once: on a busy machine a short render timeout
    is then only ever reached by the stuck report, never by WeasyPrint's first import."""
    _hang_if_slow(job)
    return f"%PDF-1.7\n% stand-in report for {job.client}, {job.period}\n".encode()


def render_deaf(job: RenderJob) -> bytes:
    """:func:`render_stand_in` in a worker deaf to SIGTERM (as one whose Python-level SIGTERM handler
    never runs while a native call is stuck): only SIGKILL ends it."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    return render_stand_in(job)


def render_deaf_or_crash(job: RenderJob) -> bytes:
    """:func:`render_deaf`; a "Crash" client's worker dies (SIGKILL, as from the OOM killer) once the
    stuck report is being rendered, the first time only."""
    if job.client.startswith("Crash"):
        crashed = job.workbook.with_name(f"{job.client}.crashed")
        if not crashed.exists():
            crashed.touch()
            deadline = time.monotonic() + 60
            while not job.workbook.with_name("Slow Co.started").exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            os.kill(os.getpid(), signal.SIGKILL)
    return render_deaf(job)


def render_cut_short(job: RenderJob) -> bytes:
    """For a "Slow" client, the worker starts sending a 1 MB result to the pool, then hangs halfway: the
    pool's thread waits in mid-message, as it does when a worker is killed while it sends a big PDF."""
    if job.client.startswith("Slow"):
        from multiprocessing.queues import SimpleQueue

        from kpi_xl.delivery.rendering import _STARTS

        results = [thing for thing in gc.get_objects() if isinstance(thing, SimpleQueue)
                   and thing is not _STARTS["queue"]]
        assert len(results) == 1, results  # the pool's result pipe: its only other SimpleQueue
        results[0]._writer._send((1_000_000).to_bytes(4, "big") + b"x" * 1000)  # a header, then a part
    return render_stand_in(job)


def _hang_if_slow(job: RenderJob) -> None:
    if job.client.startswith("Slow"):
        job.workbook.with_name(f"{job.client}.started").touch()
        time.sleep(120)


def render_broken(job: RenderJob) -> bytes:
    if job.client.startswith("Broken"):
        raise RuntimeError(f"no actuals for {job.client} in {job.period}")
    return render_pdf(job)


# -- the same in a child process ----------------------------------------------------------------

def send_in_subprocess(spec_path: str) -> int:
    """Entry point of ``python -c``: reads the run's spec (JSON) and calls run_send like the CLI does."""
    spec = json.loads(Path(spec_path).read_text())
    workbook = make_workbook([tuple(client) for client in spec["clients"]])  # type: ignore[misc]
    parser = argparse.ArgumentParser(prog="kpi-xl send")
    add_send_arguments(parser)
    args = parser.parse_args(spec["argv"])
    render = {"render_pdf": render_pdf, "render_slowly": render_slowly, "render_stuck": render_stuck}[spec["render"]]
    return run_send(args, render=render, out=sys.stdout, err=sys.stderr, today=TODAY, workbook=workbook,
                    sleep=lambda seconds: None)
