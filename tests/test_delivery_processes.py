"""``kpi-xl send`` as a real process: killed with SIGKILL, interrupted with Ctrl-C, or started twice at once.

Each child runs ``run_send`` through ``python -c`` (see ``smtp_server.send_in_subprocess``) in its own
process group, so the kill also takes its render workers, as a kill of the whole job would.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from smtp_server import PASSWORD, USER, Mailbox, SmtpServer, ledger_path, make_workbook, render_pdf, send

from kpi_xl.delivery.ledger import Ledger

pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parent
CODE = f"import sys; sys.path.insert(0, {str(TESTS)!r}); import smtp_server; " \
       "sys.exit(smtp_server.send_in_subprocess(sys.argv[1]))"
CLIENTS = [(f"Client {n}", [f"team{n}@client{n}.example"], "es_ES") for n in range(1, 7)]
EVERYONE = {address: 1 for _, addresses, _ in CLIENTS for address in addresses}


def _start(tmp_path: Path, server: SmtpServer, clients, render: str, name: str = "run") -> subprocess.Popen:
    spec = tmp_path / f"{name}.json"
    argv = [str(tmp_path / "clients.xlsx"), "--smtp-host", server.host, "--smtp-port", str(server.port),
            "--smtp-user", USER, "--smtp-cafile", str(server.cafile)]
    spec.write_text(json.dumps({"clients": clients, "argv": argv, "render": render}))
    env = os.environ | {"KPI_XL_SMTP_PASSWORD": PASSWORD, "KPI_XL_CONFIG": ""}
    return subprocess.Popen([sys.executable, "-c", CODE, str(spec)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _states(tmp_path: Path) -> dict[str, str]:
    path = ledger_path()
    if not path.exists():
        return {}
    with Ledger(path) as ledger:
        return {entry.client: entry.state for entry in ledger.entries()}


def _wait_for(condition, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _rerun(tmp_path: Path, server: SmtpServer, clients) -> tuple[int, str]:
    status, out, _ = send(make_workbook(clients), tmp_path / "clients.xlsx", "--workers", "0", server=server,
                          ssl_context=server.client_context(), render=render_pdf)
    return status, out


def test_killed_while_waiting_for_a_report_then_run_again(tmp_path):
    clients = [*CLIENTS[:2], ("Slow Client", ["ops@slow.example"], "pl_PL"), *CLIENTS[2:4]]
    with SmtpServer(tmp_path) as server:
        child = _start(tmp_path, server, clients, "render_stuck")
        _wait_for(lambda: _states(tmp_path) == {"Client 1": "sent", "Client 2": "sent"}, "the first two to be sent")
        os.killpg(child.pid, signal.SIGKILL)  # kill -9 of the whole job, render workers included
        child.wait(timeout=30)
        status, out = _rerun(tmp_path, server, clients)
    assert status == 0, out
    assert server.mailbox.counts() == {addresses[0]: 1 for _, addresses, _ in clients}
    assert "sent 3, already sent 2" in out


def test_killed_while_the_server_confirms_is_reported_not_resent(tmp_path):
    mailbox = Mailbox(stall_at=2)  # keeps message 2, answers nothing until released
    with SmtpServer(tmp_path, mailbox) as server:
        child = _start(tmp_path, server, CLIENTS, "render_pdf")
        assert mailbox.stalled.wait(60), "the second message never arrived"
        _wait_for(lambda: _states(tmp_path).get("Client 2") == "sending", "client 2 to be sending")
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        mailbox.release.set()
        status, out = _rerun(tmp_path, server, CLIENTS)
    # Client 2's message reached the server but its 250 never reached the run: at most once means the
    # rerun leaves it to a person (exit status 1, "unknown") instead of risking a second copy.
    assert status == 1
    assert server.mailbox.counts() == EVERYONE
    [line] = [line for line in out.splitlines() if "team2@" in line]
    assert "unknown" in line and "check the mailbox, then use --resend" in line
    assert _states(tmp_path)["Client 2"] == "unknown"


@pytest.mark.parametrize("whole_group", [True, False], ids=["ctrl-c-in-the-terminal", "sigint-to-the-run-alone"])
def test_ctrl_c_stops_cleanly_and_the_rest_goes_next_time(tmp_path, whole_group):
    clients = [*CLIENTS[:2], ("Slow Client", ["ops@slow.example"], "pl_PL"), *CLIENTS[2:3]]
    with SmtpServer(tmp_path) as server:
        child = _start(tmp_path, server, clients, "render_stuck")
        _wait_for(lambda: _states(tmp_path) == {"Client 1": "sent", "Client 2": "sent"}, "the first two to be sent")
        _wait_for((tmp_path / "Slow Client.started").exists, "the stuck report to be rendering")
        if whole_group:
            os.killpg(child.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends to the whole group
        else:
            os.kill(child.pid, signal.SIGINT)  # kill -INT of the run only: its stuck worker hears nothing
        out, _ = child.communicate(timeout=60)  # well before the stuck report's 120 s
        assert child.returncode == 130, out
        assert "Stopped early: interrupted" in out
        status, out = _rerun(tmp_path, server, clients)
    assert status == 0, out
    assert server.mailbox.counts() == {addresses[0]: 1 for _, addresses, _ in clients}


def test_two_runs_started_at_once_send_each_message_once(tmp_path):
    # The server confirms no message until both runs have one waiting: they really send at the same
    # time (a run holding its first message cannot claim the next client, so the other one can).
    mailbox = Mailbox(together=2)
    with SmtpServer(tmp_path, mailbox) as server:
        runs = [_start(tmp_path, server, CLIENTS, "render_slowly", name=f"run{n}") for n in (1, 2)]
        outputs = [run.communicate(timeout=240) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert len(mailbox.waiting) == 2, "the two runs never had a message at the server at the same time"
    assert server.mailbox.counts() == EVERYONE
    assert set(_states(tmp_path).values()) == {"sent"}
    # Between them the two runs sent each report once; whatever one sent, the other skipped.
    sent = [int(re.search(r"^2026-10: sent (\d+)", out, re.M).group(1)) for out, _ in outputs]
    assert sum(sent) == len(EVERYONE) and min(sent) >= 1
