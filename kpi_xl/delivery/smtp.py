"""One SMTP connection, reused from message to message, and one transaction at a time on it.

A transaction is driven step by step (MAIL, RCPT per recipient, DATA) instead of through
``sendmail`` so that the caller can record "sending" between the last RCPT and DATA, and so that a
failure is classified by *where* it happened:

- before the final ``.`` of DATA the server holds nothing: a 4xx, a dropped connection or a timeout
  is temporary and the message can be sent again (``deferred``);
- a 5xx is permanent for the recipients it concerns (``refused``); what RCPT answered for a recipient
  stands whatever happens to the connection afterwards;
- after the final ``.`` the server may have queued the message unless it says otherwise with a 4xx
  or 5xx: when its answer never arrives, or is not an SMTP reply, the outcome is ``in_doubt`` and the
  message must not be sent again without a person deciding.

Connection problems (cannot connect, TLS, login) raise :class:`SessionError`; everything about
one message comes back in a :class:`TransactionResult`. Text from the server is scrubbed of the
password before it goes anywhere.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kpi_xl.delivery.config import Secret, SmtpConfig, missing_password

__all__ = ["Mailer", "Reply", "RetryPolicy", "SessionError", "Transaction", "TransactionResult"]


@dataclass(frozen=True, slots=True)
class Reply:
    """A server's answer. ``code`` is -1 when smtplib could not read one, 0 for no answer at all.

    >>> [(code, Reply(code, "").temporary, Reply(code, "").permanent) for code in (250, 451, 550, -1)]
    [(250, False, False), (451, True, False), (550, False, True), (-1, False, False)]
    """

    code: int
    text: str

    @property
    def positive(self) -> bool:
        return 200 <= self.code < 300

    @property
    def temporary(self) -> bool:
        return 400 <= self.code < 500

    @property
    def permanent(self) -> bool:
        return 500 <= self.code < 600

    def __str__(self) -> str:
        return f"{self.code} {self.text}".strip()


class SessionError(Exception):
    """No usable session with the server. ``permanent``: retrying cannot help (bad login, TLS refused)."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        self.reason = reason
        self.permanent = permanent
        super().__init__(reason)


@dataclass(slots=True)
class Transaction:
    """One message on its way. ``phase`` says how far it got, so an interruption can be judged."""

    sender: str
    recipients: Sequence[str]
    payload: bytes
    # new, envelope, data, committing (the final dot on its way), replied (the answer to it is in
    # hand but not yet recorded by the caller), done (given up before DATA ended: nothing queued)
    phase: str = "new"
    accepted: list[str] = field(default_factory=list)
    refused_at_rcpt: dict[str, Reply] = field(default_factory=dict)  # RCPT answers other than 250/251

    @property
    def in_doubt(self) -> bool:
        """Stopped now, the server may have queued the message: it must not be sent again by itself."""
        return self.phase in ("committing", "replied")


@dataclass(slots=True)
class TransactionResult:
    delivered: list[str] = field(default_factory=list)
    refused: dict[str, Reply] = field(default_factory=dict)    # permanent
    deferred: dict[str, Reply] = field(default_factory=dict)   # temporary: send again
    in_doubt: dict[str, Reply] = field(default_factory=dict)   # may have been delivered


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff for temporary failures, with a cap on the total time spent waiting in one run.

    >>> policy = RetryPolicy(tries=4, first_delay=5.0, factor=2.0, max_delay=12.0)
    >>> [policy.delay(n) for n in (1, 2, 3, 4)]
    [5.0, 10.0, 12.0, None]
    """

    tries: int = 4
    first_delay: float = 5.0
    factor: float = 2.0
    max_delay: float = 120.0
    budget: float = 600.0  # seconds of waiting for the whole run

    def delay(self, tries_done: int) -> float | None:
        """The wait before the next try, or None when ``tries_done`` used them all."""
        if tries_done >= self.tries:
            return None
        return min(self.first_delay * self.factor ** (tries_done - 1), self.max_delay)


# A dropped connection, a timeout, a reset: smtplib's exceptions and socket errors are all OSError.
_DROPPED = OSError


def _sort(result: TransactionResult, failed: dict[str, Reply]) -> None:
    """Puts each refused recipient where its reply says: refused for good (5xx), else deferred."""
    for recipient, reply in failed.items():
        (result.refused if reply.permanent else result.deferred)[recipient] = reply


class Mailer:
    """Sends transactions over one connection, opening (again) when needed."""

    def __init__(self, config: SmtpConfig, password: Secret | None, *,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        config.check_sendable()
        self.config = config
        self._password = password
        self._ssl = ssl_context or ssl.create_default_context(cafile=config.cafile)
        self._smtp: smtplib.SMTP | None = None

    def redact(self, text: str) -> str:
        return self._password.redact(text) if self._password else text

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def _reply(self, code: int, text: bytes | str) -> Reply:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return Reply(code, self._one_line(text))

    def _one_line(self, text: str) -> str:
        # Scrubbed before the white space is collapsed: collapsing first could change the password's
        # own spaces and hide it from the scrubbing.
        return " ".join(self.redact(text).split())

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        assert config.host is not None  # check_sendable
        smtp: smtplib.SMTP | None = None
        try:
            if config.security == "ssl":
                smtp = smtplib.SMTP_SSL(config.host, config.port, local_hostname=_hostname(),
                                        timeout=config.timeout, context=self._ssl)
            else:
                smtp = smtplib.SMTP(config.host, config.port, local_hostname=_hostname(), timeout=config.timeout)
            self._greet(smtp)
        except BaseException as error:
            if smtp is not None:
                smtp.close()
            if isinstance(error, SessionError) or not isinstance(error, OSError):
                raise
            raise self._session_error(error, connected=smtp is not None) from None
        return smtp

    def _greet(self, smtp: smtplib.SMTP) -> None:
        """EHLO, STARTTLS and the login, on a connection just opened."""
        config = self.config
        smtp.ehlo()
        if config.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise SessionError(f"SMTP server {config.server} does not offer STARTTLS", permanent=True)
            # smtplib returns (not raises) a refusal here; going on would log in in plain text.
            reply = self._reply(*smtp.starttls(context=self._ssl))
            if reply.code != 220:
                raise SessionError(f"SMTP server {config.server} refused STARTTLS: {reply}",
                                   permanent=not reply.temporary)
            smtp.ehlo()
        if config.user:
            if self._password is None:
                raise SessionError(missing_password(config), permanent=True)
            smtp.login(config.user, self._password.reveal())

    def _session_error(self, error: OSError, *, connected: bool) -> SessionError:
        """What went wrong while opening the session, and whether trying again later can help: only a
        dropped or unreachable connection and a 4xx can; smtplib's other verdicts ("No suitable
        authentication method found", a 5xx, TLS refused) will be the same next time."""
        where = f"SMTP server {self.config.server}"
        text = self._one_line(str(error))
        if isinstance(error, ssl.SSLError):
            return SessionError(f"{where}: TLS failed: {text}", permanent=True)
        if isinstance(error, smtplib.SMTPResponseException):
            reply = self._reply(error.smtp_code, error.smtp_error)
            if isinstance(error, smtplib.SMTPConnectError):
                message = f"{where} refused the connection: {reply}"
            elif isinstance(error, smtplib.SMTPAuthenticationError):
                message = f"{where} did not accept the login of {self.config.user}: {reply}"
            else:
                message = f"{where}: {reply}"
            return SessionError(message, permanent=not reply.temporary)
        if isinstance(error, smtplib.SMTPServerDisconnected) or not isinstance(error, smtplib.SMTPException):
            # Dropped, reset, timed out, refused at the TCP level: another try may get through.
            return SessionError(f"{where}: {text}" if connected else f"cannot reach {where}: {text}", permanent=False)
        return SessionError(f"{where}: {text}", permanent=True)

    def send(self, txn: Transaction, *, before_data: Callable[[list[str]], list[str]]) -> TransactionResult:
        """Runs ``txn``. ``before_data(accepted)`` records "sending" and returns who may still be sent to.

        Raises :class:`SessionError` when no session can be opened.
        """
        reused = self._smtp is not None
        result = self._attempt(txn, before_data)
        if reused and self._smtp is None and not txn.accepted and not (result.refused or result.delivered):
            # The server closed a connection we kept open (idle too long, "421 too many messages")
            # before taking anything: open a new one and go on, no waiting.
            result = self._attempt(txn, before_data)
        return result

    def _attempt(self, txn: Transaction, before_data: Callable[[list[str]], list[str]]) -> TransactionResult:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            return self._run(self._smtp, txn, before_data)
        except _DROPPED as error:
            self._drop()
            return self._lost(txn, error)
        except BaseException:
            self._drop()  # interrupted mid-conversation: this connection is in an unknown state
            raise

    def _lost(self, txn: Transaction, error: BaseException) -> TransactionResult:
        """The connection went away during ``txn``: each recipient's outcome from how far it got."""
        result = TransactionResult()
        _sort(result, txn.refused_at_rcpt)  # refused at RCPT: that answer holds, lost connection or not
        reason = self._one_line(str(error)) or type(error).__name__
        if txn.in_doubt:
            reply = Reply(0, f"the connection was lost while the server confirmed the message ({reason})")
            result.in_doubt = dict.fromkeys(txn.accepted, reply)
        else:
            reply = Reply(0, f"the connection was lost ({reason})")
            result.deferred.update((r, reply) for r in txn.recipients if r not in txn.refused_at_rcpt)
        return result

    def _run(self, smtp: smtplib.SMTP, txn: Transaction,
             before_data: Callable[[list[str]], list[str]]) -> TransactionResult:
        result = TransactionResult()
        txn.phase, txn.accepted, txn.refused_at_rcpt = "envelope", [], {}
        options = [f"SIZE={len(txn.payload)}"] if smtp.has_extn("size") else []
        reply = self._reply(*smtp.mail(txn.sender, options))
        if reply.code != 250:
            return self._abandon(smtp, txn, result, dict.fromkeys(txn.recipients, reply))
        for recipient in txn.recipients:
            reply = self._reply(*smtp.rcpt(recipient))
            if reply.code in (250, 251):
                txn.accepted.append(recipient)
            else:
                txn.refused_at_rcpt[recipient] = reply
        _sort(result, txn.refused_at_rcpt)
        if not txn.accepted:
            return self._abandon(smtp, txn, result, {})
        mine = set(before_data(list(txn.accepted)))
        if mine != set(txn.accepted):
            # Another run took some of these over (our claim looked stale to it): send to none of them
            # in this envelope; the caller retries with what is still ours.
            lost = Reply(0, "taken over by another run before sending")
            return self._abandon(smtp, txn, result, {r: lost for r in txn.accepted})
        txn.phase = "data"
        reply = self._reply(*smtp.docmd("DATA"))
        if reply.code != 354:
            return self._abandon(smtp, txn, result, dict.fromkeys(txn.accepted, reply))
        # The end-of-data line goes in the same write as the message: a separate small write would wait
        # for the server's delayed ACK (Nagle), 40 ms per message on Linux.
        txn.phase = "committing"
        try:
            smtp.send(_dot_stuffed(txn.payload) + b".\r\n")
        except smtplib.SMTPServerDisconnected:
            txn.phase = "data"  # the write failed, so its end (the final dot) did not leave: nothing queued
            raise
        if smtp.sock is not None:
            smtp.sock.settimeout(self.config.data_timeout)
        reply = self._reply(*smtp.getreply())
        txn.phase = "replied"
        with contextlib.suppress(OSError):  # the answer is in: a socket gone bad now changes nothing
            if smtp.sock is not None:
                smtp.sock.settimeout(self.config.timeout)
        if reply.positive:
            result.delivered = list(txn.accepted)
        elif reply.temporary or reply.permanent:  # the server said it does not have the message
            _sort(result, dict.fromkeys(txn.accepted, reply))
            if reply.code == 421:
                self._drop()
        else:
            # Not an SMTP reply (smtplib's -1) or a code that means nothing here: the server may well
            # have queued the message, as when the answer is lost. The conversation is out of step too.
            shown = f" ({reply.text})" if reply.text else ""
            doubt = Reply(reply.code, f"the server's answer to the message was not an SMTP reply{shown}")
            result.in_doubt = dict.fromkeys(txn.accepted, doubt)
            self._drop()
        return result

    def _abandon(self, smtp: smtplib.SMTP, txn: Transaction, result: TransactionResult,
                 failed: dict[str, Reply]) -> TransactionResult:
        _sort(result, failed)
        txn.phase = "done"
        if any(reply.code == 421 or reply.code < 0 for reply in failed.values()):
            # 421: the server is closing the connection; -1, an answer smtplib could not read: out of step.
            self._drop()
        else:
            try:
                smtp.rset()
            except _DROPPED:
                self._drop()
        return result


def _dot_stuffed(payload: bytes) -> bytes:
    """RFC 5321 4.5.2: a line starting with "." gets a second one; the data ends with CRLF."""
    stuffed = re.sub(rb"(?m)^\.", b"..", payload)
    return stuffed if stuffed.endswith(b"\r\n") else stuffed + b"\r\n"


def _hostname() -> str:
    # What EHLO says. socket.getfqdn() can wait seconds on reverse DNS; the plain host name cannot.
    name = socket.gethostname()
    return name if re.fullmatch(r"[A-Za-z0-9.-]+", name or "") else "localhost"
