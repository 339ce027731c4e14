"""The render pool: a report that never finishes is given up, and Ctrl-C does not wait for it."""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from pathlib import Path

import pytest
from smtp_server import render_deaf, render_stand_in

from kpi_xl.core.periods import Month
from kpi_xl.delivery import rendering
from kpi_xl.delivery.rendering import RenderJob, render_in_order

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs POSIX signals")


def _jobs(folder: Path, *clients: str) -> list[RenderJob]:
    return [RenderJob(folder / "clients.xlsx", client, Month(2026, 10), "en_US") for client in clients]


def _ours(before: list) -> list:
    """Processes this test started that still run (the pool's workers should all be gone)."""
    return [process for process in multiprocessing.active_children() if process not in before]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_stuck_report_is_given_up_and_the_others_still_rendered(tmp_path, workers):
    before = multiprocessing.active_children()
    start = time.monotonic()
    jobs = _jobs(tmp_path, "Acme", "Slow Co", "Beta", "Gamma")
    results = list(render_in_order(jobs, render_stand_in, workers=workers, timeout=1.5))
    assert [(r.job.client, r.error) for r in results] == [
        ("Acme", None), ("Slow Co", "rendering took longer than 1.5 s"), ("Beta", None), ("Gamma", None)]
    assert all(r.pdf.startswith(b"%PDF-") for r in results if r.error is None)
    assert time.monotonic() - start < 60  # not the 120 s the stuck renderer sleeps
    assert _ours(before) == []  # the stuck worker was stopped, not left running


def test_ctrl_c_stops_the_workers_instead_of_waiting_for_them(tmp_path):
    before = multiprocessing.active_children()
    started = tmp_path / "Slow Co.started"

    def press_ctrl_c() -> None:  # once the stuck report is being rendered, as a person at the terminal would
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    presser = threading.Thread(target=press_ctrl_c)
    presser.start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        list(render_in_order(_jobs(tmp_path, "Slow Co", "Acme"), render_stand_in, workers=1))
    presser.join()
    assert started.exists()
    assert time.monotonic() - start < 60  # the stuck report sleeps 120 s: nobody waited for it
    assert _ours(before) == []


def test_a_stuck_worker_that_ignores_sigterm_is_killed(tmp_path, monkeypatch):
    monkeypatch.setattr(rendering, "_GRACE", 0.5)  # seconds before SIGKILL: shortened for the test
    before = multiprocessing.active_children()
    start = time.monotonic()
    results = list(render_in_order(_jobs(tmp_path, "Slow Co", "Acme"), render_deaf, workers=1, timeout=1.5))
    assert [(r.job.client, r.error) for r in results] == [
        ("Slow Co", "rendering took longer than 1.5 s"), ("Acme", None)]
    assert time.monotonic() - start < 60  # not the 120 s the stuck renderer sleeps
    assert _ours(before) == []  # killed, and reaped before the run went on
