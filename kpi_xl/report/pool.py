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
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from kpi_xl.core.errors import WorkbookError
from kpi_xl.core.model import WorkbookData
from kpi_xl.core.periods import Month
from kpi_xl.files import write_atomic
from kpi_xl.i18n import resolve_locale
from kpi_xl.lifeline import die_with_parent
from kpi_xl.report.slice import client_slice

__all__ = ["render_job", "report_file_name", "report_pool", "write_reports"]

_UNSAFE = re.compile(r"[^\w]+")


def report_file_name(client: str, period: Month, locale: str) -> str:
    """``<client>_<YYYY-MM>_<locale>.pdf``: letters and digits of the name kept, the rest one ``-``."""
    slug = _UNSAFE.sub("-", client).strip("-_")[:60].strip("-_") or "client"
    return f"{slug}_{period}_{locale}.pdf"


def render_job(data: WorkbookData, client: str, period: Month, locale: str | None, pdf_a: bool = False) -> bytes:
    """One report from a workbook slice: the task a worker runs (top level, so it pickles)."""
    from kpi_xl.report.api import render_report_pdf

    return render_report_pdf(data, client, period, locale, pdf_a=pdf_a)


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
) -> list[Path]:
    """One PDF per client (or only ``client``) for ``period`` in ``out_dir``, in the clients' order.

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
    jobs = [(client_slice(data, name), name, period, locales[name], pdf_a) for name in names]
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
