"""The render pool: a report that never finishes is given up, and Ctrl-C does not wait for it."""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from pathlib import Path

import pytest
from smtp_server import render_cut_short, render_deaf, render_deaf_or_crash, render_stand_in

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


@pytest.fixture
def stops(monkeypatch) -> list[tuple[list, bool]]:
    """Each stop of a pool, as seen right after it: its workers' (exit code, still listed as running),
    and whether the executor's own thread still runs (this process could not exit while it does)."""
    seen: list[tuple[list, bool]] = []
    stop = rendering._Pool.stop

    def watched_stop(pool) -> None:
        workers = list(pool._executor._processes.values())
        manager = pool._executor._executor_manager_thread
        stop(pool)
        running = multiprocessing.active_children()
        seen.append(([(worker.exitcode, worker in running) for worker in workers], manager.is_alive()))

    monkeypatch.setattr(rendering._Pool, "stop", watched_stop)
    monkeypatch.setattr(rendering, "_GRACE", 0.5)  # seconds before SIGKILL: shortened for the tests
    return seen


def test_a_stuck_worker_deaf_to_sigterm_is_killed_and_reaped_before_the_run_goes_on(tmp_path, stops):
    before = multiprocessing.active_children()
    start = time.monotonic()
    # 3 s: time enough, on a busy machine, for the worker to turn deaf before it is given up
    results = list(render_in_order(_jobs(tmp_path, "Slow Co", "Acme"), render_deaf, workers=1, timeout=3))
    assert [(r.job.client, r.error) for r in results] == [
        ("Slow Co", "rendering took longer than 3 s"), ("Acme", None)]
    assert time.monotonic() - start < 60  # not the 120 s the stuck renderer sleeps
    assert stops == [([(-signal.SIGKILL, False)], False)]  # SIGTERM was not enough; gone once stopped
    assert _ours(before) == []


def test_a_crash_beside_a_worker_deaf_to_sigterm_stops_the_pool_all_the_same(tmp_path, stops):
    # Python 3.12's executor thread holds the lock shutdown() takes while it reaps a broken pool's
    # workers: shutting down before the deaf worker was killed waited for it for good.
    before = multiprocessing.active_children()
    jobs = _jobs(tmp_path, "Slow Co", "Crash Co", "Acme")
    results = list(render_in_order(jobs, render_deaf_or_crash, workers=2, timeout=60))
    assert [(r.job.client, r.error) for r in results] == [
        ("Slow Co", "the rendering process stopped unexpectedly"), ("Crash Co", None), ("Acme", None)]
    assert stops == [([(-signal.SIGKILL, False), (-signal.SIGKILL, False)], False)]
    assert _ours(before) == []


def test_a_worker_killed_halfway_through_sending_its_result_does_not_hold_the_pool(tmp_path, stops):
    # The executor's thread waited for the rest of the message for good: the worker was left unreaped,
    # and this process could not exit (its exit waits for that thread).
    before = multiprocessing.active_children()
    results = list(render_in_order(_jobs(tmp_path, "Slow Co", "Acme"), render_cut_short, workers=1, timeout=1.5))
    assert [(r.job.client, r.error) for r in results] == [
        ("Slow Co", "rendering took longer than 1.5 s"), ("Acme", None)]
    assert stops == [([(-signal.SIGTERM, False)], False)]
    assert _ours(before) == []
