"""``kill -9`` of ``kpi-xl send`` or ``kpi-xl report`` leaves no process of theirs behind: render
workers and multiprocessing's resource tracker end within seconds, and the
caller's pipe reaches end of file (nothing else holds it open)."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from smtp_server import PASSWORD, USER, SmtpServer

pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parent
DEMO = TESTS.parent / "workbooks" / "demo.xlsx"
SEND = f"import sys; sys.path.insert(0, {str(TESTS)!r}); import smtp_server; " \
       "sys.exit(smtp_server.send_in_subprocess(sys.argv[1]))"
REPORT = "import sys; from kpi_xl.cli import main; sys.exit(main(sys.argv[1:]))"


def _group(pgid: int) -> list[int]:
    """The live (not zombie) processes of a process group, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _wait_for(condition, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _kill_and_watch(child: subprocess.Popen) -> tuple[list[int], bool]:
    """SIGKILL of the run alone (not its group), then 5 s: what of the group is left, and whether its
    stdout reached end of file."""
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    deadline = time.monotonic() + 5.0
    eof = False
    while time.monotonic() < deadline and (_group(child.pid) or not eof):
        ready, _, _ = select.select([child.stdout], [], [], 0.1)
        if ready and not os.read(child.stdout.fileno(), 65536):
            eof = True
    left = _group(child.pid)
    for pid in left:  # leave nothing running, whatever the assertion says
        os.kill(pid, signal.SIGKILL)
    return left, eof


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="walks /proc")
def test_kill_9_of_report_leaves_no_worker(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", REPORT, "report", str(DEMO), "--out", str(tmp_path),
                              "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
    # The run, the resource tracker and two workers.
    _wait_for(lambda: len(_group(child.pid)) >= 4, "the render workers to start")
    left, eof = _kill_and_watch(child)
    assert left == [] and eof


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="walks /proc")
def test_kill_9_of_send_leaves_no_worker(tmp_path):
    clients = [("Slow Client", ["ops@slow.example"], "pl_PL"), ("Other", ["a@other.example"], "es_ES")]
    with SmtpServer(tmp_path) as server:
        spec = tmp_path / "run.json"
        argv = [str(tmp_path / "clients.xlsx"), "--smtp-host", server.host, "--smtp-port", str(server.port),
                "--smtp-user", USER, "--smtp-cafile", str(server.cafile)]
        spec.write_text(json.dumps({"clients": clients, "argv": argv, "render": "render_stuck"}))
        env = os.environ | {"KPI_XL_SMTP_PASSWORD": PASSWORD, "KPI_XL_CONFIG": ""}
        child = subprocess.Popen([sys.executable, "-c", SEND, str(spec)], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        _wait_for((tmp_path / "Slow Client.started").exists, "the stuck report to be rendering")
        assert len(_group(child.pid)) >= 3   # the run, the resource tracker, the workers
        left, eof = _kill_and_watch(child)
    assert left == [] and eof


WATCHED = """
import sys, time
import kpi_xl.lifeline as lifeline
if sys.argv[1] == "watch-only":
    lifeline._linux_death_signal = lambda: None   # as on macOS: only the watching thread
lifeline.die_with_parent()
print("armed", flush=True)
time.sleep(120)
"""
PARENT = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]], stdout=sys.stdout)
print(child.pid, flush=True)
child.wait()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="walks /proc")
@pytest.mark.parametrize("mode", ["watch-only", "signal-and-watch"])
def test_a_helper_ends_when_its_parent_is_killed(mode):
    parent = subprocess.Popen([sys.executable, "-c", PARENT, WATCHED, mode], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    child = int(parent.stdout.readline())
    assert parent.stdout.readline().strip() == "armed"
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline and Path(f"/proc/{child}").exists() and not _zombie(child):
        time.sleep(0.05)
    alive = Path(f"/proc/{child}").exists() and not _zombie(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2:].split()[0] == "Z"
