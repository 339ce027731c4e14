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

import multiprocessing
import re
import signal
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from kpi_xl.core.errors import KpiError, WorkbookError
from kpi_xl.core.model import WorkbookData
from kpi_xl.core.periods import Month
from kpi_xl.files import write_atomic
from kpi_xl.i18n import resolve_locale
from kpi_xl.lifeline import die_with_parent
from kpi_xl.report.slice import client_slice

__all__ = ["RENDER_TIMEOUT", "RenderTimeoutError", "render_job", "report_file_name", "report_pool", "write_reports"]

# Seconds one report may take to render, the same in `report`, `send` and the Excel button. A real one
# takes well under a second; a minute is already something wrong (see the commentary limit).
RENDER_TIMEOUT = 120.0


class RenderTimeoutError(KpiError):
    """A report took longer than its time to render."""

_UNSAFE = re.compile(r"[^\w]+")


def report_file_name(client: str, period: Month, locale: str) -> str:
    """``<client>_<YYYY-MM>_<locale>.pdf``: letters and digits of the name kept, the rest one ``-``."""
    slug = _UNSAFE.sub("-", client).strip("-_")[:60].strip("-_") or "client"
    return f"{slug}_{period}_{locale}.pdf"


def render_job(data: WorkbookData, client: str, period: Month, locale: str | None, pdf_a: bool = False,
               timeout: float | None = None) -> bytes:
    """One report from a workbook slice: the task a worker runs (top level, so it pickles). Past
    ``timeout`` seconds it raises :class:`RenderTimeoutError` (where there is SIGALRM: Unix)."""
    from kpi_xl.report.api import render_report_pdf

    if not timeout or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return render_report_pdf(data, client, period, locale, pdf_a=pdf_a)

    def too_long(signum: int, frame: object) -> None:
        source = data.clients[client].source if client in data.clients else ""
        raise RenderTimeoutError(f"{source + ': ' if source else ''}the report of {client} took longer than "
                                 f"{timeout:g} s to render")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return render_report_pdf(data, client, period, locale, pdf_a=pdf_a)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def report_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes for :func:`render_job` (also used by benchmarks/report.py)."""
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
    A report that takes longer than ``timeout`` seconds stops the run with :class:`RenderTimeoutError`.

    ``locale`` overrides every client's own language; ``pdf_a`` makes PDF/A-3b reports. Files are named by
    :func:`report_file_name`; two clients whose names give the same file name get ``-2``, ``-3``.
    """
    names = [client] if client is not None else list(data.clients)
    for name in names:
        if name not in data.clients:
            raise WorkbookError("Clients", None, f"no client named {name!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    locales = {name: resolve_locale(locale or data.clients[name].locale) for name in names}
    paths = _unique_paths(out, names, period, locales)
    jobs = [(client_slice(data, name), name, period, locales[name], pdf_a, timeout) for name in names]
    if workers <= 1 or len(jobs) <= 1:
        for job, path in zip(jobs, paths, strict=True):
            write_atomic(path, render_job(*job))
        return paths
    with report_pool(min(workers, len(jobs))) as pool:
        futures: list[Future[bytes]] = [pool.submit(render_job, *job) for job in jobs]
        try:
            for future, path in zip(futures, paths, strict=True):
                write_atomic(path, future.result())
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return paths


def _unique_paths(out: Path, names: list[str], period: Month, locales: dict[str, str]) -> list[Path]:
    seen: set[str] = set()
    paths = []
    for name in names:
        file_name = report_file_name(name, period, locales[name])
        stem, n = file_name.removesuffix(".pdf"), 2
        while file_name.lower() in seen:
            file_name, n = f"{stem}-{n}.pdf", n + 1
        seen.add(file_name.lower())
        paths.append(out / file_name)
    return paths
