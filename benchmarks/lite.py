"""The =KPI_* functions in Pyodide (xlwings Lite's Python) against CPython, through the same runner.

    python benchmarks/lite.py        (after scripts/bootstrap.sh test: Node, .cache/pyodide)

Prints, for each interpreter, the median time of a scalar KPI_CPA call and of KPI_CPA over two
100,000-row columns in Lite's shape (cost as floats, conversions as whole numbers, i.e. ``int``), and
the Pyodide/CPython ratio. Each run also reports Pyodide's start-up: loading the interpreter, unpacking
the wheels, importing kpi_xl.lite. Goal: a scalar call well under 1 ms in Pyodide, the 100,000-row call
under 0.5 s (Lite recalculates a cell within a second).
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from lite_cases import RUNNER, job, run_in_cpython  # noqa: E402

PYODIDE = ROOT / ".cache" / "pyodide" / "node_modules" / "pyodide"
WHEELS = ROOT / ".cache" / "pyodide" / "wheels"
SCALAR_CALLS = 20_000
ROWS, BIG_CALLS = 100_000, 5


def _cases() -> dict[str, list]:
    rng = random.Random(7)
    cost = [round(rng.uniform(0, 500), 2) for _ in range(ROWS)]
    conversions = [rng.randint(0, 20) for _ in range(ROWS)]
    return {
        "scalar": [("KPI_CPA", [1234.56, 37])] * SCALAR_CALLS,
        "100k rows": [("KPI_CPA", [cost, conversions])] * BIG_CALLS,
    }


def _pyodide(cases: list, tmp: Path, wheels: list[Path]) -> dict:
    job_file = tmp / "job.json"
    job_file.write_text(json.dumps(job(cases)), encoding="utf-8")
    done = subprocess.run([shutil.which("node"), ROOT / "tests" / "pyodide" / "run_lite.mjs", PYODIDE, RUNNER,
                           job_file, *wheels], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    if shutil.which("node") is None or not PYODIDE.is_dir():
        sys.exit("needs Node and .cache/pyodide: run scripts/bootstrap.sh test first")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                        "-w", tmp, ROOT], check=True)
        wheels = [*tmp.glob("kpi_xl-*.whl"), *WHEELS.glob("babel-*.whl")]
        for label, cases in _cases().items():
            per_call = {"CPython": [], "Pyodide": []}
            startups = []
            for _ in range(3):
                cpython = run_in_cpython(cases, Path(tempfile.mkdtemp(dir=tmp)))
                per_call["CPython"].append(cpython["seconds"]["cases"] / len(cases))
                pyodide = _pyodide(cases, tmp, wheels)
                per_call["Pyodide"].append(pyodide["seconds"]["cases"] / len(cases))
                startups.append(pyodide["seconds"])
            cp, py = (statistics.median(per_call[k]) for k in ("CPython", "Pyodide"))
            unit, scale = ("µs", 1e6) if label == "scalar" else ("ms", 1e3)
            print(f"KPI_CPA {label:9}  CPython {cp * scale:8.2f} {unit}  Pyodide {py * scale:8.2f} {unit}  "
                  f"ratio {py / cp:4.1f}x")
        start = {k: statistics.median(s[k] for s in startups) for k in ("load_pyodide", "install", "import")}
        print("Pyodide start-up (median): " + ", ".join(f"{k} {v:.2f} s" for k, v in start.items()))


if __name__ == "__main__":
    main()
