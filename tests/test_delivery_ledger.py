"""The ledger's promises: a recipient is claimed by one run at a time, a sent report is not sent again,
a run that died is taken over, and one that died while the server was confirming is never resent silently."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading

import pytest

from kpi_xl.delivery.ledger import UNKNOWN_ADVICE, Ledger, Owner

PERIOD = "2026-10"
ANA, BO = "ana@acme.example", "bo@acme.example"
T0 = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def _dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                           check=True)
    return int(child.stdout)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def path(tmp_path):
    return tmp_path / "clients.ledger.sqlite"


def _run(path, clock, owner=None, **keywords) -> Ledger:
    return Ledger(path, owner=owner, clock=clock, **keywords)


def _sent(ledger: Ledger, *recipients: str) -> None:
    claim = ledger.claim("Acme", PERIOD, recipients, resend=False)
    assert ledger.mark_sending("Acme", PERIOD, claim.copies) == list(recipients)
    ledger.mark_sent("Acme", PERIOD, recipients, "<id@agency.example>")


def test_the_ledger_is_sqlite_in_wal_mode(path, clock):
    with _run(path, clock):
        pass
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_runs_opening_a_new_ledger_at_the_same_moment_all_get_it(tmp_path, clock):
    # Turning a new file to WAL mode needs it to itself; SQLite refused a second run at once ("database
    # is locked") instead of waiting, so two runs started together could fail.
    failures = []
    for attempt in range(20):
        path = tmp_path / f"ledger{attempt}.sqlite"
        together = threading.Barrier(4)

        def run(path=path, together=together) -> None:
            together.wait()
            try:
                with _run(path, clock, Owner.here()) as ledger:
                    ledger.claim("Acme", PERIOD, [ANA], resend=False)
            except sqlite3.Error as error:
                failures.append(str(error))

        threads = [threading.Thread(target=run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with _run(path, clock) as ledger:
            assert [entry.state for entry in ledger.entries()] == ["claimed"]  # one of them claimed it
    assert failures == []


def test_a_sent_report_is_not_sent_again(path, clock):
    with _run(path, clock) as first:
        _sent(first, ANA)
    clock.now += 60
    with _run(path, clock) as second:
        claim = second.claim("Acme", PERIOD, [ANA, BO], resend=False)
        assert claim.copies == {BO: 1}
        assert claim.skipped[ANA].state == "sent"
        [entry, _] = second.entries(PERIOD)
        assert (entry.state, entry.copy, entry.attempts, entry.message_id) == ("sent", 1, 1, "<id@agency.example>")


def test_a_live_run_holds_its_claim(path, clock):
    other_host = Owner("other-machine", 4242, "t1")
    with _run(path, clock, other_host) as first, _run(path, clock) as second:
        assert first.claim("Acme", PERIOD, [ANA], resend=False).copies == {ANA: 1}
        skipped = second.claim("Acme", PERIOD, [ANA], resend=False).skipped[ANA]
        assert skipped.state == "busy" and "pid 4242 on other-machine" in skipped.reason
        assert second.mark_sending("Acme", PERIOD, [ANA]) == []  # not its claim: it may not send


def test_a_claim_of_a_dead_process_is_taken_over(path, clock):
    dead = Owner(Owner.here().host, _dead_pid(), "old")
    with _run(path, clock, dead) as crashed:
        crashed.claim("Acme", PERIOD, [ANA], resend=False)
    with _run(path, clock) as rerun:
        assert rerun.claim("Acme", PERIOD, [ANA], resend=False).copies == {ANA: 1}
        assert rerun.mark_sending("Acme", PERIOD, [ANA]) == [ANA]
    with _run(path, clock, dead) as ghost:  # the old run, had it not died, could no longer send it
        assert ghost.mark_sending("Acme", PERIOD, [ANA]) == []


def test_a_claim_older_than_the_timeout_is_taken_over(path, clock):
    with _run(path, clock, Owner("other-machine", 4242, "t1")) as first:
        first.claim("Acme", PERIOD, [ANA], resend=False)
    clock.now += 3601
    with _run(path, clock, stale_after=3600) as rerun:
        assert rerun.claim("Acme", PERIOD, [ANA], resend=False).copies == {ANA: 1}


@pytest.mark.parametrize("resend", [False, True])
def test_a_run_that_died_while_sending_is_unknown_not_resent(path, clock, resend):
    dead = Owner(Owner.here().host, _dead_pid(), "old")
    with _run(path, clock, dead) as crashed:
        crashed.claim("Acme", PERIOD, [ANA], resend=False)
        crashed.mark_sending("Acme", PERIOD, [ANA])
    with _run(path, clock) as rerun:
        claim = rerun.claim("Acme", PERIOD, [ANA], resend=resend)
        [entry] = rerun.entries()
    if resend:  # the operator checked the mailbox: sent again with the same copy, so the same Message-ID
        assert claim.copies == {ANA: 1} and entry.state == "claimed"
    else:
        assert claim.skipped[ANA].state == "unknown" and claim.skipped[ANA].reason == UNKNOWN_ADVICE
        assert entry.state == "unknown"


def test_resend_makes_a_new_copy_once_even_with_two_runs_at_once(path, clock):
    with _run(path, clock) as first:
        _sent(first, ANA)
    clock.now += 86400
    with _run(path, clock) as resend_a, _run(path, clock) as resend_b:
        assert resend_a.claim("Acme", PERIOD, [ANA], resend=True).copies == {ANA: 2}
        resend_a.mark_sending("Acme", PERIOD, [ANA])
        clock.now += 1
        resend_a.mark_sent("Acme", PERIOD, [ANA], "<id2@agency.example>")
        # B started with A: A's copy was sent after B began, so B does not send a third one.
        assert resend_b.claim("Acme", PERIOD, [ANA], resend=True).skipped[ANA].state == "sent"


def test_failures_are_retried_by_the_next_run(path, clock):
    with _run(path, clock) as first:
        first.claim("Acme", PERIOD, [ANA, BO], resend=False)
        first.mark_sending("Acme", PERIOD, [ANA, BO])
        first.mark_failed("Acme", PERIOD, [ANA], "550 5.1.1 no such user", permanent=True)
        first.reclaim("Acme", PERIOD, [BO], "451 4.3.0 try later")
        first.mark_failed("Acme", PERIOD, [BO], "interrupted before sending", permanent=False, tried=False)
        states = {e.recipient: (e.state, e.permanent, e.attempts, e.reason) for e in first.entries()}
    assert states == {ANA: ("failed", True, 1, "550 5.1.1 no such user"),
                      BO: ("failed", False, 1, "interrupted before sending")}
    with _run(path, clock) as rerun:
        assert rerun.claim("Acme", PERIOD, [ANA, BO], resend=False).copies == {ANA: 1, BO: 1}


def test_plan_reads_without_claiming(path, clock):
    with _run(path, clock) as first:
        _sent(first, ANA)
        assert first.plan("Acme", PERIOD, [ANA, BO], resend=False).copies == {BO: 1}
        assert [e.recipient for e in first.entries()] == [ANA]


def test_every_change_is_in_the_event_log(path, clock):
    with _run(path, clock) as ledger:
        _sent(ledger, ANA)
    with sqlite3.connect(path) as db:
        assert [row[0] for row in db.execute("SELECT state FROM events ORDER BY rowid")] == [
            "claimed", "sending", "sent"]
