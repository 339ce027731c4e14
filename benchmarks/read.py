"""Reading a workbook with 100,000 Actuals rows: python-calamine against openpyxl (read-only), and the
whole reader end to end (archive checks + read + locate + validate + build columns), and the archive
checks alone (what bounded memory costs).

    python benchmarks/read.py [--runs 5]

The workbook is generated once with XlsxWriter and kept in the temp folder
(``$TMPDIR/kpi_xl_bench/actuals_100k.xlsx``). Goal: the reader end to end in at most 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import python_calamine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from workbook_factory import actuals_rows, sample_book, write_xlsx

from kpi_xl.workbook.archive import check_archive, scan_parts
from kpi_xl.workbook.read import check_workbook

ROWS = 100_000
GOAL_SECONDS = 2.0


def workbook(rows: int = ROWS) -> Path:
    """The benchmark workbook: the sample workbook with ``rows`` plausible Actuals rows; made once."""
    path = Path(tempfile.gettempdir()) / "kpi_xl_bench" / f"actuals_{rows // 1000}k_v2.xlsx"  # v2: Source, unique keys
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        book = sample_book()
        book["Actuals"].rows = [book["Actuals"].rows[0], *actuals_rows(rows)]
        book["Goals"].rows = [row[:-1] for row in book["Goals"].rows]  # XlsxWriter: no value-less formulas
        partial = path.with_suffix(".partial.xlsx")
        write_xlsx(book, partial, engine="xlsxwriter")
        partial.replace(path)
    return path


def calamine_values(path: Path) -> int:
    with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
        return sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)


def openpyxl_values(path: Path) -> int:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(sum(1 for _ in sheet.iter_rows(values_only=True)) for sheet in book.worksheets)
    finally:
        book.close()


def archive_checks(path: Path) -> int:
    """The checks before calamine: zip directory, every XML part streamed, each sheet measured."""
    check_archive(path)
    with zipfile.ZipFile(path) as archive:
        members = {n for n in archive.namelist() if n.startswith("xl/worksheets/")}
        scans, _ = scan_parts(archive, members)
    return sum(scan.last_row for scan in scans.values())


def end_to_end(path: Path) -> int:
    data, problems = check_workbook(path)
    assert data is not None and len(data.actuals) == ROWS, problems[:3]
    return len(data.actuals)


def median_seconds(fn: Callable[[Path], int], path: Path, runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds: on a shared machine the CPU time says what the code costs."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(path)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = workbook()
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB, {ROWS:,} Actuals rows)")
    calamine, calamine_cpu = median_seconds(calamine_values, path, args.runs)
    print(f"calamine, values of every sheet           median {calamine:6.2f} s (CPU {calamine_cpu:5.2f} s)")
    pyxl, pyxl_cpu = median_seconds(openpyxl_values, path, max(1, args.runs // 2))
    print(f"openpyxl read-only, values of every sheet median {pyxl:6.2f} s (CPU {pyxl_cpu:5.2f} s)  "
          f"{pyxl / calamine:4.1f}x calamine")
    checks, checks_cpu = median_seconds(archive_checks, path, args.runs)
    print(f"archive checks before calamine (bombs, far cells) median {checks:6.2f} s (CPU {checks_cpu:5.2f} s)")
    total, total_cpu = median_seconds(end_to_end, path, args.runs)
    verdict = "ok" if total <= GOAL_SECONDS else "OVER GOAL"
    print(f"reader end to end (calamine + checks)     median {total:6.2f} s (CPU {total_cpu:5.2f} s)  "
          f"goal <= {GOAL_SECONDS:.0f} s: {verdict}")
    print(f"load average over the last minute: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

if __name__ == "__main__":
    main()
