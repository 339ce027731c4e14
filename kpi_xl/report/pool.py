"""Many reports at once: one PDF per client, rendered in a process pool, written atomically.

WeasyPrint is single-threaded and CPU-bound, so reports run in processes. Workers are spawned,
children of the run itself, and die with it (:mod:`kpi_xl.lifeline`): a forkserver, which would save
each worker importing WeasyPrint (about a second, in parallel), outlived a ``kill -9`` of the run
and went on forking workers for it. Each worker keeps its font configuration between reports. A
task carries only its client's slice of the workbook (its rows, goals and settings), which keeps a
worker's memory bounded by the biggest client, not the whole workbook.

>>> report_file_name("Zielony Ogród / PL", Month(2026, 10), "pl_PL")
'Zielony-Ogród-PL_2026-10_pl_PL.pdf'
>>> report_file_name("../../etc/passwd", Month(2026, 10), "en_US")
'etc-passwd_2026-10_en_US.pdf'
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from kpi_xl.core.errors import KpiError
from kpi_xl.core.model import WorkbookData
from kpi_xl.core.names import find_client
from kpi_xl.core.periods import Month
from kpi_xl.files import write_atomic
from kpi_xl.i18n import resolve_locale
from kpi_xl.lifeline import die_with_parent
from kpi_xl.report.names import report_file_name
from kpi_xl.report.slice import client_slice

__all__ = ["RENDER_TIMEOUT", "RenderTimeoutError", "render_slice", "report_file_name", "report_pool", "write_each",
           "write_reports"]

# Seconds one report may take to render, the same in `report`, `send` and the Excel button. A real one
# takes well under a second; a minute is already something wrong (see the commentary limit).
RENDER_TIMEOUT = 120.0


class RenderTimeoutError(KpiError):
    """A report took longer than its time to render."""


def render_slice(data: WorkbookData, client: str, period: Month, locale: str | None, pdf_a: bool = False,
                 review: bool = False, as_of: dt.date | None = None, timeout: float | None = None) -> bytes:
    """One report's PDF from the client's slice of the workbook (:func:`client_slice`): the task a
    worker runs (top level, so it pickles). Past ``timeout`` seconds it raises
    :class:`RenderTimeoutError` (where there is SIGALRM: Unix)."""
    from kpi_xl.report.prepared import PreparedReport

    def render() -> bytes:
        prepared = PreparedReport.from_slice(data, client, period, locale, review=review, as_of=as_of)
        return prepared.pdf(pdf_a=pdf_a)

    if not timeout or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return render()

    source = data.clients[client].source if client in data.clients else ""
    late = RenderTimeoutError(f"{source + ': ' if source else ''}the report of {client} took longer than "
                              f"{timeout:g} s to render")
    timed_out = False

    def too_long(signum: int, frame: object) -> None:
        nonlocal timed_out
        timed_out = True
        raise late

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        pdf = render()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if timed_out:  # the alarm's exception was caught inside the renderer, which went on: still too late
        raise late
    return pdf


def report_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes for :func:`render_slice` (also used by benchmarks/report.py)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=die_with_parent)


def _context() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context("spawn")


def write_reports(
    data: WorkbookData,
    period: Month,
    out_dir: str | Path,
    *,
    client: str | None = None,
    locale: str | None = None,
    workers: int = 2,
    pdf_a: bool = False,
    timeout: float | None = RENDER_TIMEOUT,
) -> list[Path]:
    """One PDF per client (or only ``client``) for ``period`` in ``out_dir``, in the clients' order.
    A report that takes longer than ``timeout`` seconds fails with :class:`RenderTimeoutError`.

    ``locale`` overrides every client's own language; ``pdf_a`` makes PDF/A-3b reports. Files are named by
    :func:`report_file_name`; two clients whose names give the same file name get ``-2``, ``-3``.
    The first failure is raised, after the other reports are written (:func:`write_each` reports each).
    """
    names = [client] if client is not None else list(data.clients)
    results = list(write_each(data, period, out_dir, names, locale=locale, workers=workers, pdf_a=pdf_a,
                              timeout=timeout))
    for _, _, error in results:
        if error is not None:
            raise error
    return [path for _, path, _ in results]


def write_each(
    data: WorkbookData,
    period: Month,
    out_dir: str | Path,
    names: list[str],
    *,
    locale: str | None = None,
    workers: int = 2,
    pdf_a: bool = False,
    review: bool = False,
    as_of: dt.date | None = None,
    timeout: float | None = RENDER_TIMEOUT,
) -> Iterator[tuple[str, Path, Exception | None]]:
    """Writes the reports of the clients ``names`` and yields ``(client, path, error)`` for each, in
    order: one report that cannot be rendered in ``timeout`` seconds or written (a PDF open in a viewer)
    never stops the others."""
    names = [find_client(name, list(data.clients)) for name in names]   # the one rule for a client's name
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    locales = {name: resolve_locale(locale or data.clients[name].locale) for name in names}
    paths = _unique_paths(out, names, period, locales, "_review" if review else "")
    jobs = [(client_slice(data, name), name, period, locales[name], pdf_a, review, as_of, timeout) for name in names]
    if workers <= 1 or len(jobs) <= 1:
        for name, job, path in zip(names, jobs, paths, strict=True):
            yield name, path, _write(path, lambda job=job: render_slice(*job))
        return
    with report_pool(min(workers, len(jobs))) as pool:
        futures: list[Future[bytes]] = [pool.submit(render_slice, *job) for job in jobs]
        try:
            for name, future, path in zip(names, futures, paths, strict=True):
                yield name, path, _write(path, future.result)
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _write(path: Path, pdf: Callable[[], bytes]) -> Exception | None:
    """Renders and writes one report; its failure, returned, is that client's alone."""
    try:
        write_atomic(path, pdf())
    except Exception as error:  # one client's failure, named in its outcome, never the run's
        return error
    return None


def _unique_paths(out: Path, names: list[str], period: Month, locales: dict[str, str],
                  suffix: str = "") -> list[Path]:
    seen: set[str] = set()
    paths = []
    for name in names:
        file_name = report_file_name(name, period, locales[name]).removesuffix(".pdf") + suffix + ".pdf"
        stem, n = file_name.removesuffix(".pdf"), 2
        while file_name.lower() in seen:
            file_name, n = f"{stem}-{n}.pdf", n + 1
        seen.add(file_name.lower())
        paths.append(out / file_name)
    return paths
