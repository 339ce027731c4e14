"""Reports rendered in a pool of processes, handed back in order, one failure never stopping the rest.

The renderer is injected: any top-level function ``render(job: RenderJob)`` returning the PDF's bytes,
or a :class:`ReportFile` with the e-mail's headline figures too (it must pickle, by reference, to
run in another process). :func:`render_report` is the real one. The
pool uses ``spawn`` on every platform: Windows has nothing else, and a forked child would inherit
the caller's threads and open SMTP or SQLite handles.

Results come back in the order of the jobs, so sending stays orderly while the pool renders a few
clients ahead (``ahead`` jobs in flight bounds the PDFs held in memory).

>>> job = RenderJob(Path("clients.xlsx"), "Acme", "2026-10", "es_ES")
>>> [(r.job.client, r.pdf) for r in render_in_order([job], lambda job: b"%PDF-1.7 ...", workers=0)]
[('Acme', b'%PDF-1.7 ...')]
>>> [r.error for r in render_in_order([job], lambda job: b"<html>", workers=0)]
["the renderer returned no PDF (b'<html>')"]
>>> [r.error for r in render_in_order([job], lambda job: 1 / 0, workers=0)]
['ZeroDivisionError: division by zero']
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kpi_xl.core.model import WorkbookData

__all__ = ["RenderJob", "Rendered", "Renderer", "ReportFile", "render_in_order", "render_report"]


@dataclass(frozen=True, slots=True)
class RenderJob:
    """One client's report for one month, in the client's language."""

    workbook: Path
    client: str
    period: str   # "YYYY-MM"
    locale: str   # one of kpi_xl.i18n.SUPPORTED_LOCALES


@dataclass(frozen=True, slots=True)
class ReportFile:
    """A rendered report and the figures its e-mail quotes (translated label -> formatted value)."""

    pdf: bytes
    headline: Mapping[str, str] = field(default_factory=dict)


Renderer = Callable[[RenderJob], "bytes | ReportFile"]


def render_report(job: RenderJob) -> ReportFile:
    """The real report and its headline figures, as the pool calls it (``kpi_xl.report``);
    ``kpi-xl send`` passes this as ``render``. The one place that knows the report package's API.

    Each worker reads the workbook once and keeps it while the file is unchanged: reading it again
    for every client would cost a third of a second each.
    """
    from kpi_xl.core.periods import Month
    from kpi_xl.report import email_figures, render_report_pdf

    status = os.stat(job.workbook)
    data = _read_workbook(str(job.workbook), status.st_mtime_ns, status.st_size)
    period = Month.parse(job.period)
    return ReportFile(render_report_pdf(data, job.client, period, job.locale),
                      email_figures(data, job.client, period, job.locale))


@lru_cache(maxsize=2)
def _read_workbook(path: str, mtime_ns: int, size: int) -> WorkbookData:
    from kpi_xl.workbook.read import read_workbook

    return read_workbook(path)


@dataclass(frozen=True, slots=True)
class Rendered:
    job: RenderJob
    pdf: bytes | None
    error: str | None  # why there is no PDF, one line
    seconds: float
    headline: Mapping[str, str] = field(default_factory=dict)


def _render_here(render: Renderer, job: RenderJob) -> Rendered:
    """Runs in a worker: every failure comes back as text, so nothing unpicklable crosses the pipe."""
    start = time.perf_counter()
    try:
        result = render(job)
    except Exception as error:
        message = " ".join(str(error).split()) or "no message"
        return Rendered(job, None, f"{type(error).__name__}: {message}", time.perf_counter() - start)
    pdf, headline = (result.pdf, dict(result.headline)) if isinstance(result, ReportFile) else (result, {})
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF-"):
        return Rendered(job, None, f"the renderer returned no PDF ({bytes(pdf)[:16]!r})",
                        time.perf_counter() - start)
    return Rendered(job, pdf, None, time.perf_counter() - start, headline)


def render_in_order(jobs: Iterable[RenderJob], render: Renderer, *, workers: int = 2,
                    ahead: int | None = None) -> Iterator[Rendered]:
    """Renders ``jobs`` in ``workers`` processes (0: here, one by one) and yields them in order."""
    if workers <= 0:
        for job in jobs:
            yield _render_here(render, job)
        return
    try:
        pickle.dumps(render)
    except (pickle.PicklingError, AttributeError, TypeError) as error:
        raise TypeError(f"the renderer must be a top-level function to run in a process pool: {error}") from None
    ahead = ahead or workers * 2
    todo = iter(jobs)
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    in_flight: deque[tuple[RenderJob, Future[Rendered]]] = deque()
    try:
        while True:
            while len(in_flight) < ahead and (job := next(todo, None)) is not None:
                in_flight.append((job, pool.submit(_render_here, render, job)))
            if not in_flight:
                return
            job, future = in_flight.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                # A worker died (a crash in a native library, the OOM killer): the pool is unusable.
                # Blame the job we were waiting for, start a new pool and render the others again.
                result = Rendered(job, None, "the rendering process stopped unexpectedly", 0.0)
                pool.shutdown(wait=False, cancel_futures=True)
                pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
                in_flight = deque((other, pool.submit(_render_here, render, other)) for other, _ in in_flight)
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

