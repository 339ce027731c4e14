"""How fast the PDF reports are, against bare WeasyPrint on the same HTML, measured side by side.

    python benchmarks/report.py [--quick]

Goals: at most 0.5 s per warm report; pipeline overhead at most 10 % over bare WeasyPrint on the
same HTML; at least 240 reports per minute with two worker processes; at most 120 MB RSS per worker;
one report in a fresh process (``python -c``, as the Excel button runs it) in at most 2 s.

The data is the demo workbook (kpi_xl.demo, today = 2026-11-22, report for October 2026).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kpi_xl.core.periods import Month
from kpi_xl.demo import demo_data, write_demo
from kpi_xl.report.api import render_report_pdf, report_html
from kpi_xl.report.pool import render_slice, report_pool
from kpi_xl.report.render import STYLESHEET, report_dir
from kpi_xl.report.slice import client_slice

TODAY = dt.date(2026, 11, 22)
PERIOD = Month(2026, 10)


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _peak_rss_mb(_: object = None) -> float:
    """The worker's peak resident memory (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def single(data, client: str, repeat: int) -> None:
    """Our whole pipeline (goals, content, Jinja, PDF) against WeasyPrint alone on the HTML it made."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    html, _ = report_html(data, client, PERIOD)
    base = report_dir().as_uri() + "/"
    css_path = report_dir() / STYLESHEET
    shared = FontConfiguration()
    parsed = weasyprint.CSS(filename=css_path, font_config=shared)
    runs = {
        "ours": lambda: render_report_pdf(data, client, PERIOD),
        # WeasyPrint as its documentation shows it: the stylesheet parsed with each document.
        "bare": lambda: weasyprint.HTML(string=html, base_url=base).write_pdf(
            stylesheets=[weasyprint.CSS(filename=css_path, font_config=shared)], font_config=shared),
        # The strictest comparison: WeasyPrint alone with the same caches as ours.
        "bare_cached": lambda: weasyprint.HTML(string=html, base_url=base).write_pdf(
            stylesheets=[parsed], font_config=shared),
    }
    pdf = b""
    for run in runs.values():  # warm: imports, fonts, caches
        pdf = run() or pdf
    times: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for i in range(repeat * len(names)):  # interleaved and rotated: both see the same machine and GC state
        name = names[i % len(names)]
        gc.collect()
        start = time.perf_counter()
        runs[name]()
        times[name].append(time.perf_counter() - start)
    ours, bare, cached = (statistics.median(times[n]) for n in names)
    print(f"one warm report ({client}, {_pages(pdf)} pages)  median {ours:6.3f} s   (goal <= 0.5 s)")
    print(f"bare WeasyPrint, same HTML and CSS         median {bare:6.3f} s   "
          f"pipeline overhead {(ours / bare - 1) * 100:+5.1f} %  (goal <= +10 %)")
    print(f"bare WeasyPrint, CSS parsed once too       median {cached:6.3f} s   "
          f"pipeline overhead {(ours / cached - 1) * 100:+5.1f} %")


def throughput(data, reports: int, workers: int) -> None:
    clients = list(data.clients)
    slices = {c: client_slice(data, c) for c in clients}
    jobs = [(slices[clients[i % len(clients)]], clients[i % len(clients)], PERIOD, None) for i in range(reports)]
    with report_pool(workers) as pool:
        start = time.perf_counter()
        list(pool.map(render_slice, *zip(*jobs[:workers * 2], strict=True)))  # start and warm every worker
        warm_up = time.perf_counter() - start
        start = time.perf_counter()
        results = list(pool.map(render_slice, *zip(*jobs, strict=True)))
        elapsed = time.perf_counter() - start
        rss = list(pool.map(_peak_rss_mb, range(workers * 4)))
    per_minute = len(results) / elapsed * 60
    print(f"{len(results)} reports, {workers} workers            {elapsed:6.2f} s   {per_minute:5.0f} reports/min "
          f"(goal >= 240)  pool start and warm-up {warm_up:4.2f} s")
    print(f"peak RSS per worker                        max {max(rss):6.1f} MB  (goal <= 120 MB)")


def fresh_process(data_path: Path, client: str, repeat: int) -> None:
    code = ("from kpi_xl.core.periods import Month\n"
            "from kpi_xl.report import render_report_pdf\n"
            "from kpi_xl.workbook.read import read_workbook\n"
            f"pdf = render_report_pdf(read_workbook({str(data_path)!r}), {client!r}, Month.parse({str(PERIOD)!r}))\n"
            "assert pdf.startswith(b'%PDF')\n")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
        times.append(time.perf_counter() - start)
    print(f"one report in a fresh process (read .xlsx)  median {statistics.median(times):6.3f} s   (goal <= 2 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeat = 3 if args.quick else 9
    data = demo_data(TODAY)
    client = next(c for c in data.clients if data.clients[c].locale == "pl_PL")
    single(data, client, repeat)
    throughput(data, 40 if args.quick else 120, workers=2)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.xlsx"
        write_demo(path, TODAY)
        fresh_process(path, client, repeat=3)


if __name__ == "__main__":
    main()
