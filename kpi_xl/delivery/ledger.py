"""The delivery ledger: one row per (client, period, recipient), so every report is sent exactly once.

A SQLite file (WAL mode, ``synchronous=FULL``: a recorded "sent" survives a power cut) next to the
workbook. Every change is its own ``BEGIN IMMEDIATE`` transaction, so two runs started at once take
turns and never both claim a row. A row moves::

    (none) / failed --claim--> claimed --before DATA--> sending --250 after DATA--> sent
                                  |                        |--4xx, or dropped before the final dot--> claimed (retried)
                                  |                        |--5xx--> failed (permanent)
                                  |                        '--no answer after the final dot--> unknown
                                  '--render failure, give up, Ctrl-C--> failed

**The choice: at most once.** ``sending`` is written before the SMTP DATA command and ``sent`` right
after the server's 250. A run that dies between the two leaves ``sending``: the server may or may
not have taken the message. Such a row (its process gone, or older than ``stale_after``) is *never*
sent again by itself: it becomes ``unknown`` and is reported as "check the mailbox, then use
--resend". A client who gets their report twice notices and loses trust in the numbers; one who gets
it late is told by the operator, who sees the unknown line and the non-zero exit status. When it is
resent, it keeps the same copy number and so the same Message-ID, which lets servers that drop
duplicates by Message-ID drop it if the first one did arrive. A stale ``claimed`` row (its run died
before DATA) was certainly not sent and is simply taken over.

``--resend`` sends a ``sent`` row again as a new copy (new Message-ID), unless it was sent after this
run started (by a second ``--resend`` run started at the same time).

>>> ledger = Ledger(":memory:", clock=lambda: 1_800_000_000.0)
>>> claim = ledger.claim("Acme", "2026-10", ["ana@acme.example"], resend=False)
>>> claim.copies, ledger.mark_sending("Acme", "2026-10", ["ana@acme.example"])
({'ana@acme.example': 1}, ['ana@acme.example'])
>>> ledger.mark_sent("Acme", "2026-10", ["ana@acme.example"], "<id@agency.example>")
>>> ledger.claim("Acme", "2026-10", ["ana@acme.example"], resend=False).skipped["ana@acme.example"].state
'sent'
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["UNKNOWN_ADVICE", "Claim", "Entry", "Ledger", "Owner", "Skip", "default_ledger_path"]

UNKNOWN_ADVICE = ("the run sending it stopped before the server confirmed it; "
                  "check the mailbox, then use --resend if it did not arrive")
_WAIT = 60.0  # seconds to wait for another run's write to finish

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    client      TEXT NOT NULL,
    period      TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('claimed', 'sending', 'sent', 'failed', 'unknown')),
    copy        INTEGER NOT NULL DEFAULT 1,   -- 1, then +1 per deliberate --resend (part of the Message-ID)
    attempts    INTEGER NOT NULL DEFAULT 0,   -- SMTP transactions tried, every copy and run included
    owner_host  TEXT NOT NULL DEFAULT '',
    owner_pid   INTEGER NOT NULL DEFAULT 0,
    owner_token TEXT NOT NULL DEFAULT '',
    updated_at  REAL NOT NULL,                -- Unix time
    sent_at     REAL,
    message_id  TEXT NOT NULL DEFAULT '',
    permanent   INTEGER NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (client, period, recipient)
);
CREATE TABLE IF NOT EXISTS events (          -- every change, for an audit of what happened when
    at TEXT NOT NULL, client TEXT NOT NULL, period TEXT NOT NULL, recipient TEXT NOT NULL,
    state TEXT NOT NULL, copy INTEGER NOT NULL, reason TEXT NOT NULL, message_id TEXT NOT NULL,
    owner TEXT NOT NULL
);
"""


def default_ledger_path(workbook: Path) -> Path:
    """``clients.xlsx`` -> ``clients.ledger.sqlite`` in the same folder."""
    return workbook.with_name(f"{workbook.stem}.ledger.sqlite")


@dataclass(frozen=True, slots=True)
class Owner:
    host: str
    pid: int
    token: str  # tells this run from an earlier one that had the same pid

    @classmethod
    def here(cls) -> Owner:
        return cls(socket.gethostname(), os.getpid(), secrets.token_hex(8))

    def __str__(self) -> str:
        return f"pid {self.pid} on {self.host}"


@dataclass(frozen=True, slots=True)
class Entry:
    client: str
    period: str
    recipient: str
    state: str
    copy: int
    attempts: int
    owner: Owner
    updated_at: float
    sent_at: float | None
    message_id: str
    permanent: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Skip:
    state: str   # "sent", "unknown" or "busy" (another run holds it)
    reason: str


@dataclass(slots=True)
class Claim:
    copies: dict[str, int] = field(default_factory=dict)  # recipient -> copy number to send now
    skipped: dict[str, Skip] = field(default_factory=dict)


class Ledger:
    """Claims and outcomes; ``clock`` gives Unix time (tests pass their own)."""

    def __init__(self, path: Path | str, *, owner: Owner | None = None, clock: Callable[[], float] = time.time,
                 stale_after: float = 3600.0) -> None:
        self.path = path
        self.owner = owner or Owner.here()
        self.clock = clock
        self.stale_after = stale_after
        self.started = clock()
        self._db = sqlite3.connect(str(path), timeout=_WAIT, isolation_level=None)
        self._use_wal()
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)  # IF NOT EXISTS: two runs opening a new ledger at once agree

    def _use_wal(self) -> None:
        # Turning a new file to WAL needs it to itself, and SQLite answers "database is locked" at once
        # there instead of waiting its timeout: two runs started together would see one of them fail.
        deadline = time.monotonic() + _WAIT
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    self._db.close()
                    raise
            time.sleep(0.01)

    def close(self) -> None:
        self._db.close()

    def adopt(self, other: Path) -> int:
        """Copies the rows of another ledger (an earlier version's, kept beside the workbook) that this
        one lacks, with their history; returns how many. A row already here is left as it is."""
        if not Path(other).is_file() or Path(other).resolve() == Path(self.path).resolve():
            return 0
        self._db.execute("ATTACH DATABASE ? AS other", (str(other),))
        try:
            with self._transaction():
                new = ("EXISTS (SELECT 1 FROM other.deliveries o WHERE o.client = x.client AND o.period = x.period"
                       " AND o.recipient = x.recipient) AND NOT EXISTS (SELECT 1 FROM main.deliveries m"
                       " WHERE m.client = x.client AND m.period = x.period AND m.recipient = x.recipient)")
                self._db.execute(f"INSERT INTO main.events SELECT * FROM other.events x WHERE {new}")
                copied = self._db.execute(f"INSERT INTO main.deliveries SELECT * FROM other.deliveries x"
                                          f" WHERE {new}").rowcount
        finally:
            self._db.execute("DETACH DATABASE other")
        return copied

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock at BEGIN: a second run waits here instead of reading a row
        # that the first one is about to claim.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- reading -------------------------------------------------------------------------------

    def entries(self, period: str | None = None, client: str | None = None) -> list[Entry]:
        rows = self._db.execute(
            "SELECT * FROM deliveries WHERE (?1 IS NULL OR period = ?1) AND (?2 IS NULL OR client = ?2) "
            "ORDER BY period, client, recipient", (period, client)).fetchall()
        return [_entry(row) for row in rows]

    def is_stale(self, entry: Entry) -> bool:
        """A claim whose run is gone (same host, process dead) or that is older than ``stale_after``."""
        if entry.owner.token == self.owner.token:
            return False
        if entry.owner.host == self.owner.host and (
                entry.owner.pid == self.owner.pid or not _process_alive(entry.owner.pid)):
            return True  # dead, or an earlier run that had our pid: it is certainly not running
        return self.clock() - entry.updated_at > self.stale_after

    def plan(self, client: str, period: str, recipients: Iterable[str], *, resend: bool) -> Claim:
        """What :meth:`claim` would do now, without claiming: which recipients still need this period.

        A ``sending`` row whose run is gone is recorded as ``unknown`` on the way.
        """
        return self._settle(client, period, recipients, resend=resend, take=False)

    # -- changing ------------------------------------------------------------------------------

    def claim(self, client: str, period: str, recipients: Iterable[str], *, resend: bool) -> Claim:
        """Takes the recipients that still need this period's report for this run."""
        return self._settle(client, period, recipients, resend=resend, take=True)

    def mark_sending(self, client: str, period: str, recipients: Iterable[str]) -> list[str]:
        """Right before DATA; returns the recipients still ours (a run taking over a stale claim wins)."""
        return self._change(client, period, recipients, "sending", {"claimed"}, "", tried=False)

    def mark_sent(self, client: str, period: str, recipients: Iterable[str], message_id: str) -> None:
        self._change(client, period, recipients, "sent", {"sending", "unknown"}, "", tried=True,
                     message_id=message_id)
        # Into the main file at once, not only the -wal beside it: a -wal deleted after a crash (it looks
        # like litter) must not take what was sent with it, or the next run sends it again.
        self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def mark_failed(self, client: str, period: str, recipients: Iterable[str], reason: str, *,
                    permanent: bool, tried: bool = True) -> None:
        """Refused for good (``permanent``), or given up by this run: out of retries, the server
        unreachable, interrupted. The next run tries again either way.

        Only for rows certainly not handed to the server; ones in doubt go through :meth:`mark_unknown`.
        """
        self._change(client, period, recipients, "failed", {"claimed", "sending"}, reason,
                     permanent=permanent, tried=tried)

    def mark_unknown(self, client: str, period: str, recipients: Iterable[str], reason: str) -> None:
        self._change(client, period, recipients, "unknown", {"sending"}, reason, tried=True)

    def reclaim(self, client: str, period: str, recipients: Iterable[str], reason: str) -> None:
        """Back to claimed after the server certainly did not take the message (4xx, dropped before the end)."""
        self._change(client, period, recipients, "claimed", {"claimed", "sending"}, reason, tried=True)

    # -- inside ----------------------------------------------------------------------------------

    def _settle(self, client: str, period: str, recipients: Iterable[str], *, resend: bool, take: bool) -> Claim:
        """Decides each recipient under the write lock, so another run's claim cannot slip in between;
        claims the ones to send when ``take``."""
        claim = Claim()
        with self._transaction():
            for recipient in recipients:
                entry = self._get(client, period, recipient)
                self._decide(claim, recipient, entry, resend)
                if recipient in claim.copies:
                    if take:
                        self._claim_row(client, period, recipient, claim.copies[recipient])
                elif entry and entry.state == "sending" and claim.skipped[recipient].state == "unknown":
                    # Its run is gone after handing the message over: recorded, so history shows it too.
                    self._set(client, period, [recipient], "unknown", {"sending"}, UNKNOWN_ADVICE, mine=False)
        return claim

    def _decide(self, claim: Claim, recipient: str, entry: Entry | None, resend: bool) -> None:
        if entry is None:
            claim.copies[recipient] = 1
        elif entry.state in ("claimed", "sending") and not self.is_stale(entry) and entry.owner != self.owner:
            claim.skipped[recipient] = Skip("busy", f"being sent by another run ({entry.owner})")
        elif entry.state in ("claimed", "failed"):
            claim.copies[recipient] = entry.copy
        elif entry.state in ("sending", "unknown"):
            if resend:
                claim.copies[recipient] = entry.copy  # the same Message-ID: a duplicate can be dropped
            else:
                claim.skipped[recipient] = Skip("unknown", UNKNOWN_ADVICE)
        elif resend and entry.updated_at < self.started:
            claim.copies[recipient] = entry.copy + 1
        else:
            claim.skipped[recipient] = Skip("sent", f"sent {_when(entry.sent_at or entry.updated_at)}")

    def _get(self, client: str, period: str, recipient: str) -> Entry | None:
        row = self._db.execute("SELECT * FROM deliveries WHERE client = ? AND period = ? AND recipient = ?",
                               (client, period, recipient)).fetchone()
        return _entry(row) if row else None

    def _claim_row(self, client: str, period: str, recipient: str, copy: int) -> None:
        owner, now = self.owner, self.clock()
        self._db.execute(
            "INSERT INTO deliveries (client, period, recipient, state, copy, owner_host, owner_pid, owner_token,"
            " updated_at) VALUES (?, ?, ?, 'claimed', ?, ?, ?, ?, ?) ON CONFLICT (client, period, recipient)"
            " DO UPDATE SET state = 'claimed',"
            " copy = excluded.copy, owner_host = excluded.owner_host, owner_pid = excluded.owner_pid,"
            " owner_token = excluded.owner_token, updated_at = excluded.updated_at, permanent = 0, reason = ''",
            (client, period, recipient, copy, owner.host, owner.pid, owner.token, now))
        self._log(client, period, recipient, "claimed", copy, "", "")

    def _change(self, client: str, period: str, recipients: Iterable[str], state: str, from_states: set[str],
                reason: str, *, tried: bool, message_id: str = "", permanent: bool = False) -> list[str]:
        recipients = list(recipients)
        if not recipients:
            return []
        with self._transaction():
            return self._set(client, period, recipients, state, from_states, reason, message_id=message_id,
                             permanent=permanent, tried=tried)

    def _set(self, client: str, period: str, recipients: list[str], state: str, from_states: set[str],
             reason: str, *, mine: bool = True, message_id: str = "", permanent: bool = False,
             tried: bool = False) -> list[str]:
        changed = []
        now = self.clock()
        marks = ",".join("?" * len(from_states))
        for recipient in recipients:
            cursor = self._db.execute(
                f"UPDATE deliveries SET state = ?, updated_at = ?, reason = ?, permanent = ?,"
                f" attempts = attempts + ?, message_id = CASE WHEN ? != '' THEN ? ELSE message_id END,"
                f" sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END"
                f" WHERE client = ? AND period = ? AND recipient = ? AND state IN ({marks})"
                f" AND (? = 0 OR owner_token = ?) RETURNING copy",
                (state, now, reason, int(permanent), int(tried), message_id, message_id, state, now,
                 client, period, recipient, *sorted(from_states), int(mine), self.owner.token))
            row = cursor.fetchone()
            if row is not None:
                changed.append(recipient)
                self._log(client, period, recipient, state, row[0], reason, message_id)
        return changed

    def _log(self, client: str, period: str, recipient: str, state: str, copy: int, reason: str,
             message_id: str) -> None:
        at = dt.datetime.fromtimestamp(self.clock(), dt.UTC).isoformat(timespec="seconds")
        self._db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (at, client, period, recipient, state, copy, reason, message_id,
                          f"{self.owner} ({self.owner.token})"))


def _entry(row: tuple) -> Entry:
    (client, period, recipient, state, copy, attempts, host, pid, token, updated_at, sent_at, message_id,
     permanent, reason) = row
    return Entry(client, period, recipient, state, copy, attempts, Owner(host, pid, token), updated_at, sent_at,
                 message_id, bool(permanent), reason)


def _when(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("on %Y-%m-%d at %H:%M UTC")


def _process_alive(pid: int) -> bool:
    """Whether a process of this machine still runs (a zombie does not count). Unsure means alive."""
    if pid <= 0:
        return False
    if os.name == "nt":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (macOS): exists is all we know
    return status.rpartition(")")[2].split()[:1] != ["Z"]


def _windows_process_alive(pid: int) -> bool:
    # os.kill(pid, 0) on Windows would send CTRL_C_EVENT; ask the kernel instead.
    try:
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    except Exception:
        return True
