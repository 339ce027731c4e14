"""Importing a 100,000-row daily export into a workbook already holding 100,000 Actuals rows.

    python benchmarks/import.py [--runs 3]

Prints the median time of ``import_files`` (read the workbook, read the export, plan, rewrite the
file in place) against reading the same workbook with the reader (``read_workbook``), their ratio
(goal: at most 2x) and its spread over the runs (a read and an import in turn, so both see the
same load on a shared machine), each stage's median time, and the peak memory of one import
(Python allocations, by tracemalloc, and the process's peak resident size). The workbook and the
export are generated once into the temp folder (``$TMPDIR/kpi_xl_bench/``); each run imports into
a fresh copy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from kpi_xl.core.model import Actuals, Client, Settings, WorkbookData
from kpi_xl.importing.api import import_files, read_exports
from kpi_xl.importing.plan import plan_import
from kpi_xl.importing.xlsx import write_plan
from kpi_xl.workbook.read import collector_paused, read_workbook
from kpi_xl.workbook.template import write_workbook

ROWS = 100_000
GOAL_RATIO = 2.0
FOLDER = Path(tempfile.gettempdir()) / "kpi_xl_bench"


def workbook(rows: int = ROWS) -> Path:
    """Three clients; ``rows`` daily rows typed by hand for two of them (the import's client has none)."""
    path = FOLDER / f"import_workbook_{rows // 1000}k.xlsx"
    if path.exists():
        return path
    FOLDER.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    start = dt.date(2020, 1, 1)
    clients = {name: Client(name, (), "en_US", "USD") for name in ("Acme", "Borsa", "Cafe Sol")}
    actuals = Actuals.from_rows(
        {"date": start + dt.timedelta(days=i // 50), "client": ("Borsa", "Cafe Sol")[i % 2], "channel": "Search",
         "campaign": f"Campaign {i % 25}", "cost": round(rng.uniform(1, 500), 2), "impressions": rng.randint(100, 9999),
         "clicks": rng.randint(1, 300), "conversions": rng.randint(0, 20)}
        for i in range(rows))
    write_workbook(path, WorkbookData(clients, [], actuals, Settings()))
    return path


def export(rows: int = ROWS) -> Path:
    """A Google Ads daily campaign report (CSV, English number style) with ``rows`` data rows."""
    path = FOLDER / f"google_ads_{rows // 1000}k_v2.csv"  # v2: a true total row
    if path.exists():
        return path
    FOLDER.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    campaigns = 100
    days = rows // campaigns
    start = dt.date(2023, 1, 1)
    end = start + dt.timedelta(days=days - 1)
    lines = ["Campaign report", f'"{start:%B} {start.day}, {start.year} - {end:%B} {end.day}, {end.year}"',
             "Day,Campaign,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value"]
    totals = [0, 0, 0, 0, 0]   # impressions, clicks, cost cents, conversions, value cents: exact
    for d in range(days):
        day = start + dt.timedelta(days=d)
        for c in range(campaigns):
            row = [rng.randint(1000, 99999), rng.randint(1, 999), rng.randint(100, 200000), rng.randint(0, 40),
                   rng.randint(0, 900000)]
            totals = [t + v for t, v in zip(totals, row, strict=True)]
            lines.append(f'{day},Campaign {c},USD,"{row[0]:,}",{row[1]},{row[2] // 100}.{row[2] % 100:02d},'
                         f'{row[3]}.00,"{row[4] // 100:,}.{row[4] % 100:02d}"')
    # Google's own total row, which the importer checks the data rows against to the cent.
    lines.append(f'Total: Account,--,USD,"{totals[0]:,}","{totals[1]:,}",{totals[2] // 100}.{totals[2] % 100:02d},'
                 f'{totals[3]}.00,"{totals[4] // 100:,}.{totals[4] % 100:02d}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def stages(book: Path, csv: Path, target: Path) -> dict[str, float]:
    """One import's stages, timed apart (as ``import_files`` runs them, with the collector paused)."""
    shutil.copy(book, target)
    times: dict[str, float] = {}
    with collector_paused():
        started = time.perf_counter()
        data = read_workbook(target)
        times["read"], started = time.perf_counter() - started, time.perf_counter()
        exports, _ = read_exports([csv], data.clients["Acme"].currency, "Acme")
        times["parse"], started = time.perf_counter() - started, time.perf_counter()
        plan = plan_import(data.actuals, "Acme", exports)
        times["plan"], started = time.perf_counter() - started, time.perf_counter()
        write_plan(target, target.with_name("written.xlsx"), plan)
        times["write"] = time.perf_counter() - started
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    book, csv = workbook(), export()
    work = Path(tempfile.mkdtemp(prefix="kpi_xl_import_"))
    target = work / "clients.xlsx"

    def one_import() -> None:
        result = import_files(target, [csv], "Acme")
        assert result.written and result.plan.files[0].added == ROWS, result.refused

    # A read, then an import, in turn: on a shared machine both see the same load, and each pair's
    # ratio shows the spread.
    reads, imports = [], []
    for _ in range(args.runs):
        reads.append(timed(lambda: read_workbook(book)))
        shutil.copy(book, target)
        imports.append(timed(one_import))
    read, imported = statistics.median(reads), statistics.median(imports)
    pairs = sorted(i / r for r, i in zip(reads, imports, strict=True))
    parts = [stages(book, csv, target) for _ in range(args.runs)]
    parts_median = {name: statistics.median(p[name] for p in parts) for name in parts[0]}
    shutil.copy(book, target)
    tracemalloc.start()
    import_files(target, [csv], "Acme")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    check = read_workbook(target)
    assert len(check.actuals) == 2 * ROWS
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 1024 * 1024)
    ratio = imported / read
    print(f"workbook: {ROWS:,} Actuals rows, {book.stat().st_size / 1e6:.1f} MB; export: {ROWS:,} rows, "
          f"{csv.stat().st_size / 1e6:.1f} MB")
    print(f"read the workbook (reader):       median {read:.2f} s over {args.runs} runs")
    print(f"import the export into it:        median {imported:.2f} s over {args.runs} runs")
    print("stages of one import (medians):  " + ", ".join(f"{n} {t:.2f} s" for n, t in parts_median.items()))
    print(f"ratio import / read:              {ratio:.2f}x (goal: at most {GOAL_RATIO:.0f}x)"
          f" {'OK' if ratio <= GOAL_RATIO else 'ABOVE GOAL'}; each run's: {pairs[0]:.2f}x to {pairs[-1]:.2f}x")
    print(f"peak memory of one import:        {peak / 1e6:.0f} MB Python allocations (tracemalloc); "
          f"process peak RSS {rss:.0f} MB")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
