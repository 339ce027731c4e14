"""Reports rendered in a pool of processes, handed back in order, one failure never stopping the rest.

The renderer is injected: any top-level function ``render(job: RenderJob)`` returning the PDF's bytes,
or a :class:`ReportFile` with the e-mail's figures too (it must pickle, by reference, to
run in another process). :func:`render_report` is the real one. The
pool uses ``spawn`` on every platform: Windows has nothing else, and a forked child would inherit
the caller's threads and open SMTP or SQLite handles.

Results come back in the order of the jobs, so sending stays orderly while the pool renders a few
clients ahead (``ahead`` jobs in flight bounds the PDFs held in memory).

A report still rendering ``timeout`` seconds after a worker started it fails with "rendering took
longer than N s" and the run goes on: the whole pool is stopped (a process pool cannot lose one
worker and carry on) and a fresh one renders the jobs that were in flight again. Interrupted
(Ctrl-C), or closed with jobs in flight, the pool's processes are stopped, not waited for.

>>> job = RenderJob(Path("clients.xlsx"), "Acme", Month(2026, 10), "es_ES")
>>> [(r.job.client, r.pdf) for r in render_in_order([job], lambda job: b"%PDF-1.7 ...", workers=0)]
[('Acme', b'%PDF-1.7 ...')]
>>> [r.error for r in render_in_order([job], lambda job: b"<html>", workers=0)]
["the renderer returned no PDF (b'<html>')"]
>>> [r.error for r in render_in_order([job], lambda job: 1 / 0, workers=0)]
['ZeroDivisionError: division by zero']
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kpi_xl.core.periods import Month
from kpi_xl.report.pool import RENDER_TIMEOUT as _REPORT_RENDER_TIMEOUT

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess
    from multiprocessing.queues import SimpleQueue

    from kpi_xl.core.model import WorkbookData

__all__ = ["RENDER_TIMEOUT", "RenderJob", "Rendered", "Renderer", "ReportFile", "render_in_order", "render_report"]

# Seconds one report may take in a worker: the same default as `report` and the Excel button.
RENDER_TIMEOUT = _REPORT_RENDER_TIMEOUT
_POLL = 0.05  # seconds between looks for a job's start, while it waits for a worker
_GRACE = 5.0  # seconds a stopped worker has to end before it is killed


@dataclass(frozen=True, slots=True)
class RenderJob:
    """One client's report for one month, in the client's language."""

    workbook: Path
    client: str
    period: Month
    locale: str   # one of kpi_xl.i18n.SUPPORTED_LOCALES
    as_of: dt.date | None = None  # before the month's end: a partial report of a month in progress


@dataclass(frozen=True, slots=True)
class ReportFile:
    """A rendered report and the figures its e-mail quotes (translated label -> formatted value)."""

    pdf: bytes
    figures: Mapping[str, str] = field(default_factory=dict)


Renderer = Callable[[RenderJob], "bytes | ReportFile"]


def render_report(job: RenderJob) -> ReportFile:
    """The real report and its e-mail's figures, both from one prepared report, as the pool calls it;
    ``kpi-xl send`` passes this as ``render``. The one place that knows the report package's API.

    Each worker reads the workbook once and keeps it while the file is unchanged: reading it again
    for every client would cost a third of a second each.
    """
    from kpi_xl.report import PreparedReport

    status = os.stat(job.workbook)
    data = _read_workbook(str(job.workbook), status.st_mtime_ns, status.st_size)
    prepared = PreparedReport.prepare(data, job.client, job.period, job.locale, as_of=job.as_of)
    return ReportFile(prepared.pdf(), prepared.email_figures())


@lru_cache(maxsize=2)
def _read_workbook(path: str, mtime_ns: int, size: int) -> WorkbookData:
    """The workbook as the run read it: without the clients whose rows have errors (they are not rendered)."""
    from kpi_xl.workbook.read import WorkbookInvalid, read_by_client

    parsed = read_by_client(path)
    if parsed.data is None:
        raise WorkbookInvalid(parsed.problems)
    return parsed.data


@dataclass(frozen=True, slots=True)
class Rendered:
    job: RenderJob
    pdf: bytes | None
    error: str | None  # why there is no PDF, one line
    seconds: float
    figures: Mapping[str, str] = field(default_factory=dict)  # the e-mail's, when the renderer gave them


# In a worker: where to say which job it starts (set by the pool's initializer).
_STARTS: dict[str, SimpleQueue[int]] = {}


def _worker_setup(starts: SimpleQueue[int]) -> None:
    from kpi_xl.lifeline import die_with_parent

    die_with_parent()  # a kill -9 of the run must not leave its workers behind
    _STARTS["queue"] = starts
    # Ctrl-C reaches the whole process group: the run decides, and stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render_here(render: Renderer, job: RenderJob, number: int | None = None) -> Rendered:
    """Runs in a worker: every failure comes back as text, so nothing unpicklable crosses the pipe."""
    if number is not None and "queue" in _STARTS:
        _STARTS["queue"].put(number)
    start = time.perf_counter()
    try:
        result = render(job)
    except Exception as error:
        message = " ".join(str(error).split()) or "no message"
        return Rendered(job, None, f"{type(error).__name__}: {message}", time.perf_counter() - start)
    pdf, figures = (result.pdf, dict(result.figures)) if isinstance(result, ReportFile) else (result, {})
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF-"):
        return Rendered(job, None, f"the renderer returned no PDF ({bytes(pdf)[:16]!r})",
                        time.perf_counter() - start)
    return Rendered(job, pdf, None, time.perf_counter() - start, figures)


class _Pool:
    """``spawn`` worker processes that say when they start each job, and that can be stopped mid-job."""

    def __init__(self, render: Renderer, workers: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._render = render
        self._starts: SimpleQueue[int] = context.SimpleQueue()
        self._started: dict[int, float] = {}  # job number -> when this process heard it started
        self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                             initializer=_worker_setup, initargs=(self._starts,))

    def submit(self, number: int, job: RenderJob) -> Future[Rendered]:
        return self._executor.submit(_render_here, self._render, job, number)

    def result(self, number: int, future: Future[Rendered], timeout: float) -> Rendered:
        """The job's result. TimeoutError once it has rendered for ``timeout`` seconds: counted from its
        start in a worker, so starting the processes and waiting for a free one do not count."""
        while True:
            while not self._starts.empty():
                self._started.setdefault(self._starts.get(), time.monotonic())
            started = self._started.get(number)
            wait = _POLL if started is None else started + timeout - time.monotonic()
            try:
                rendered = future.result(timeout=max(wait, 0.0))
            except TimeoutError:
                if started is not None and time.monotonic() >= started + timeout:
                    raise
                continue
            self._started.pop(number, None)
            return rendered

    def close(self) -> None:
        """Waits for the workers to finish (idle ones end at once)."""
        self._executor.shutdown(wait=True)

    def stop(self) -> None:
        """Ends the workers now, in the middle of a job if need be: SIGTERM, then SIGKILL for a worker
        still running ``_GRACE`` seconds later. Once it returns, every worker has ended and been reaped."""
        grace = _GRACE
        # ProcessPoolExecutor only offers this from Python 3.14 (terminate_workers); before, its
        # processes, its managing thread and its result pipe are reachable only through these attributes.
        processes = list((getattr(self._executor, "_processes", None) or {}).values())
        manager = getattr(self._executor, "_executor_manager_thread", None)
        results = getattr(self._executor, "_result_queue", None)
        # Watched through their sentinels, never join(): the executor's thread reaps its workers as they
        # die, and of two threads reaping one process the loser is told it still runs. An ended worker is
        # not signalled: it may be reaped already, and its pid given to another process.
        ended = set(multiprocessing.connection.wait([process.sentinel for process in processes], 0))
        for process in processes:
            if process.sentinel not in ended:
                process.terminate()
        refusing = _running_after(processes, grace)
        for process in refusing:  # SIGTERM blocked or ignored: no choice left
            process.kill()
        _running_after(refusing, grace)
        # Only now: from Python 3.12 the executor's thread holds the lock shutdown() takes while it joins
        # the workers of a broken pool, so shutdown() would have waited for a worker deaf to SIGTERM.
        self._executor.shutdown(wait=False, cancel_futures=True)  # wakes that thread: it reaps them
        if manager is not None:
            manager.join(grace)
            if manager.is_alive() and results is not None:
                # A worker killed halfway through sending its result leaves the thread waiting for the rest
                # for good (this process's own copy of the pipe's writing end keeps it open): closing that
                # copy ends the wait, and the thread then reaps the workers.
                results._writer.close()
                manager.join(grace)
                gc.collect()  # its exception holds the pool's queues in a cycle: else "leaked semaphores" at exit
        if manager is None or not manager.is_alive():  # nobody else reaps them now
            for process in processes:
                process.join(grace)


def _running_after(processes: list[BaseProcess], seconds: float) -> list[BaseProcess]:
    """The processes among ``processes`` whose end has not begun ``seconds`` from now (a process's
    sentinel becomes readable once it has ended, without reaping it)."""
    deadline = time.monotonic() + seconds
    running = {process.sentinel: process for process in processes}
    while running and (left := deadline - time.monotonic()) > 0:
        for sentinel in multiprocessing.connection.wait(list(running), left):
            del running[sentinel]  # type: ignore[arg-type]
    return list(running.values())


def render_in_order(jobs: Iterable[RenderJob], render: Renderer, *, workers: int = 2, ahead: int | None = None,
                    timeout: float = RENDER_TIMEOUT) -> Iterator[Rendered]:
    """Renders ``jobs`` in ``workers`` processes and yields them in order; ``timeout``: seconds one job
    may take. ``workers=0`` renders here, one by one, with no timeout (nothing could stop it)."""
    if workers <= 0:
        for job in jobs:
            yield _render_here(render, job)
        return
    try:
        pickle.dumps(render)
    except (pickle.PicklingError, AttributeError, TypeError) as error:
        raise TypeError(f"the renderer must be a top-level function to run in a process pool: {error}") from None
    ahead = ahead or workers * 2
    todo = enumerate(jobs)  # the number tells a job's "started" note from the others'
    pool = _Pool(render, workers)
    in_flight: deque[tuple[int, RenderJob, Future[Rendered]]] = deque()
    try:
        while True:
            while len(in_flight) < ahead and (item := next(todo, None)) is not None:
                number, job = item
                in_flight.append((number, job, pool.submit(number, job)))
            if not in_flight:
                return
            number, job, future = in_flight[0]  # stays in flight until its result is in hand
            start = time.monotonic()
            try:
                result = pool.result(number, future, timeout)
                in_flight.popleft()
            except (BrokenProcessPool, TimeoutError) as failure:
                # A worker died (a crash in a native library, the OOM killer) and the pool with it, or one
                # is stuck: blame the job we were waiting for, start a new pool and render the others again.
                if isinstance(failure, BrokenProcessPool):
                    error = "the rendering process stopped unexpectedly"
                else:
                    error = f"rendering took longer than {timeout:g} s"
                result = Rendered(job, None, error, time.monotonic() - start)
                pool.stop()
                pool = _Pool(render, workers)
                in_flight = deque((n, other, pool.submit(n, other)) for n, other, _ in list(in_flight)[1:])
            yield result
    finally:
        # Jobs still in flight (interrupted, or the caller stopped early): nobody wants them.
        if in_flight:
            pool.stop()
        else:
            pool.close()
