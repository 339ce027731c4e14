"""One SMTP connection, reused from message to message, and one transaction at a time on it.

A transaction is driven step by step (MAIL, RCPT per recipient, DATA) instead of through
``sendmail`` so that the caller can record "sending" between the last RCPT and DATA, and so that a
failure is classified by *where* it happened:

- before the final ``.`` of DATA the server holds nothing: a 4xx, a dropped connection or a timeout
  is temporary and the message can be sent again (``deferred``);
- a 5xx is permanent for the recipients it concerns (``refused``);
- after the final ``.`` the server may have queued the message even if its answer never arrives:
  the outcome is ``in_doubt`` and the message must not be sent again without a person deciding.

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

from kpi_xl.delivery.config import Secret, SmtpConfig

__all__ = ["Mailer", "Reply", "RetryPolicy", "SessionError", "Transaction", "TransactionResult"]


@dataclass(frozen=True, slots=True)
class Reply:
    code: int
    text: str

    @property
    def permanent(self) -> bool:
        return self.code >= 500

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
        return Reply(code, self.redact(" ".join(text.split())))

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        assert config.host is not None  # check_sendable
        where = f"SMTP server {config.server}"
        try:
            if config.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, local_hostname=_hostname(),
                                                      timeout=config.timeout, context=self._ssl)
            else:
                smtp = smtplib.SMTP(config.host, config.port, local_hostname=_hostname(), timeout=config.timeout)
        except ssl.SSLError as error:
            raise SessionError(f"{where}: TLS failed: {self.redact(str(error))}", permanent=True) from None
        except smtplib.SMTPConnectError as error:
            reply = self._reply(error.smtp_code, error.smtp_error)
            raise SessionError(f"{where} refused the connection: {reply}", permanent=False) from None
        except _DROPPED as error:
            raise SessionError(f"cannot reach {where}: {self.redact(str(error))}", permanent=False) from None
        try:
            smtp.ehlo()
            if config.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise SessionError(f"{where} does not offer STARTTLS", permanent=True)
                # smtplib returns (not raises) a refusal here; going on would log in in plain text.
                reply = self._reply(*smtp.starttls(context=self._ssl))
                if reply.code != 220:
                    raise SessionError(f"{where} refused STARTTLS: {reply}", permanent=reply.permanent)
                smtp.ehlo()
            if config.user:
                if self._password is None:
                    raise SessionError(
                        f"no password for {config.user}: set KPI_XL_SMTP_PASSWORD or store it with "
                        f"`keyring set kpi_xl:{config.host} {config.user}`", permanent=True)
                smtp.login(config.user, self._password.reveal())
        except SessionError:
            smtp.close()
            raise
        except smtplib.SMTPAuthenticationError as error:
            smtp.close()
            reply = self._reply(error.smtp_code, error.smtp_error)
            raise SessionError(f"{where} did not accept the login of {config.user}: {reply}",
                                    permanent=reply.permanent) from None
        except ssl.SSLError as error:
            smtp.close()
            raise SessionError(f"{where}: TLS failed: {self.redact(str(error))}", permanent=True) from None
        except smtplib.SMTPNotSupportedError as error:
            smtp.close()
            raise SessionError(f"{where}: {self.redact(str(error))}", permanent=True) from None
        except smtplib.SMTPResponseException as error:
            smtp.close()
            reply = self._reply(error.smtp_code, error.smtp_error)
            raise SessionError(f"{where}: {reply}", permanent=reply.permanent) from None
        except _DROPPED as error:
            smtp.close()
            raise SessionError(f"{where}: {self.redact(str(error))}", permanent=False) from None
        return smtp

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
        result = TransactionResult()
        reason = self.redact(" ".join(str(error).split()) or type(error).__name__)
        if txn.in_doubt:
            reply = Reply(0, f"the connection was lost while the server confirmed the message ({reason})")
            result.in_doubt = dict.fromkeys(txn.accepted, reply)
        else:
            reply = Reply(0, f"the connection was lost ({reason})")
            result.deferred = dict.fromkeys(txn.recipients, reply)
        return result

    def _run(self, smtp: smtplib.SMTP, txn: Transaction,
             before_data: Callable[[list[str]], list[str]]) -> TransactionResult:
        result = TransactionResult()
        txn.phase, txn.accepted = "envelope", []
        options = [f"SIZE={len(txn.payload)}"] if smtp.has_extn("size") else []
        reply = self._reply(*smtp.mail(txn.sender, options))
        if reply.code != 250:
            return self._abandon(smtp, txn, result, dict.fromkeys(txn.recipients, reply))
        refused = {}
        for recipient in txn.recipients:
            reply = self._reply(*smtp.rcpt(recipient))
            if reply.code in (250, 251):
                txn.accepted.append(recipient)
            else:
                refused[recipient] = reply
        for recipient, reply in refused.items():
            (result.refused if reply.permanent else result.deferred)[recipient] = reply
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
        if reply.code == 250:
            result.delivered = list(txn.accepted)
        else:
            (result.refused if reply.permanent else result.deferred).update(dict.fromkeys(txn.accepted, reply))
            if reply.code == 421:
                self._drop()
        return result

    def _abandon(self, smtp: smtplib.SMTP, txn: Transaction, result: TransactionResult,
                 failed: dict[str, Reply]) -> TransactionResult:
        for recipient, reply in failed.items():
            (result.refused if reply.permanent else result.deferred)[recipient] = reply
        txn.phase = "done"
        if any(reply.code == 421 for reply in failed.values()):
            self._drop()  # 421: the server is closing the connection
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
