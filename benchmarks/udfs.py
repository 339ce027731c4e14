"""Per-call overhead of the =KPI_* functions, and one call over 100,000-row ranges.

    python benchmarks/udfs.py

Goals: at most 3 µs of overhead per scalar KPI_CPA call over the bare division, at most 20 ms for
KPI_CPA over two 100,000-row columns (the shape xlwings passes: a list of 100,000 floats).
"""

from __future__ import annotations

import random
import statistics
import timeit

from kpi_xl.udfs import KPI_CPA, KPI_CTR


def _median_per_call(stmt, number: int, repeat: int = 7) -> float:
    return statistics.median(timeit.repeat(stmt, number=number, repeat=repeat)) / number


def main() -> None:
    cost, conversions = 1234.56, 37.0
    bare = _median_per_call(lambda: cost / conversions, 200_000)
    udf = _median_per_call(lambda: KPI_CPA(cost, conversions), 200_000)
    print(f"scalar KPI_CPA          median {udf * 1e6:7.3f} µs  bare division {bare * 1e6:6.3f} µs  "
          f"overhead {(udf - bare) * 1e6:6.3f} µs  (goal <= 3 µs)  ratio {udf / bare:5.1f}x")

    rng = random.Random(7)
    rows = 100_000
    cost_column = [round(rng.uniform(0, 500), 2) for _ in range(rows)]
    conv_column = [float(rng.randint(0, 20)) for _ in range(rows)]
    big = _median_per_call(lambda: KPI_CPA(cost_column, conv_column), 5)
    python_sum = _median_per_call(lambda: sum(cost_column) / sum(conv_column), 5)
    print(f"KPI_CPA over {rows:,} rows median {big * 1e3:7.2f} ms  (goal <= 20 ms)  "
          f"plain sum()/sum() {python_sum * 1e3:6.2f} ms  ratio {big / python_sum:4.1f}x")

    # A block (list of lists) with blanks and text, the slow path: every cell is looked at.
    block = [[v, None if i % 10 == 0 else "n/a" if i % 17 == 0 else v] for i, v in enumerate(cost_column)]
    messy = _median_per_call(lambda: KPI_CTR(block, block), 5)
    print(f"KPI_CTR over {rows:,}x2 block with blanks and text median {messy * 1e3:7.2f} ms")


if __name__ == "__main__":
    main()
