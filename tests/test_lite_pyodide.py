"""kpi_xl.lite in Pyodide, the Python xlwings Lite runs in the browser: the same answers as CPython.

Node runs the pinned ``pyodide`` npm package fully offline (tests/pyodide/run_lite.mjs makes any fetch
fail). The test builds the project's wheel from this checkout, and Pyodide gets it and the core
dependencies' pure wheels (downloaded at set-up into .cache/pyodide/wheels) unpacked into its
site-packages; WeasyPrint, calamine, XlsxWriter, Jinja are simply not there. ``xlwings`` is the
stand-in of tests/pyodide/xlwings_standin.py: xlwings' wheel is pure Python, but Lite's decorators
live in ``xlwings.server``, which must not be imported outside Lite without a licence key.

Set-up (``scripts/bootstrap.sh test``) installs Node and npm with apt when they are missing, the
pinned package into .cache/pyodide, and the wheels. Without Node the test is skipped, saying so.
"""

from __future__ import annotations

import email.parser
import json
import math
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from lite_cases import RUNNER, job, lite_cases, run_in_cpython

from kpi_xl.excel.registration import FUNCTIONS

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "pyodide"
PYODIDE = CACHE / "node_modules" / "pyodide"
NODE_SCRIPT = ROOT / "tests" / "pyodide" / "run_lite.mjs"
PINNED = json.loads((NODE_SCRIPT.parent / "package.json").read_text(encoding="utf-8"))["dependencies"]["pyodide"]
SETUP = "run scripts/bootstrap.sh test (it installs Node, the pinned pyodide package and the wheels)"


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _core_dependencies(wheel: Path) -> list[str]:
    """The wheel's Requires-Dist without an extra: what ``pip install kpi_xl`` pulls."""
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        message = email.parser.Parser().parsestr(archive.read(metadata).decode())
    requirements = message.get_all("Requires-Dist") or []
    return [re.match(r"[A-Za-z0-9_.-]+", r).group(0) for r in requirements if "extra ==" not in r]


@pytest.fixture(scope="module")
def cases() -> list:
    return lite_cases()


@pytest.fixture(scope="module")
def pyodide(tmp_path_factory, cases) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.skip(f"Node.js is not installed, so Pyodide cannot run here: {SETUP}")
    installed = PYODIDE / "package.json"
    if not installed.is_file() or json.loads(installed.read_text(encoding="utf-8"))["version"] != PINNED:
        pytest.fail(f"pyodide {PINNED} is not installed in {PYODIDE}: {SETUP}")
    tmp = tmp_path_factory.mktemp("pyodide")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", tmp, ROOT], check=True)
    (project,) = tmp.glob("kpi_xl-*.whl")
    assert project.name.endswith("-py3-none-any.whl")
    cached = {_normalized(w.name.split("-")[0]): w for w in (CACHE / "wheels").glob("*.whl")}
    wheels = [project]
    for dependency in _core_dependencies(project):
        if _normalized(dependency) not in cached:
            pytest.fail(f"no wheel of {dependency} in {CACHE / 'wheels'}: {SETUP}")
        wheels.append(cached[_normalized(dependency)])
    job_file = tmp / "job.json"
    job_file.write_text(json.dumps(job(cases)), encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run([node, NODE_SCRIPT, PYODIDE, RUNNER, job_file, *wheels],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"Pyodide run failed:\n{done.stderr[-4000:]}")
    answer = json.loads(done.stdout)
    answer["wheels"] = [w.name for w in wheels]
    answer["seconds"]["node_process"] = time.perf_counter() - started
    print(f"\nPyodide {PINNED} (Python {answer['python']}): {len(cases)} cases; seconds: "
          + ", ".join(f"{k} {v:.2f}" for k, v in answer["seconds"].items()))
    return answer


@pytest.fixture(scope="module")
def cpython(tmp_path_factory, cases) -> dict:
    return run_in_cpython(cases, tmp_path_factory.mktemp("site"))


def test_kpi_xl_runs_from_its_wheel_in_pyodide(pyodide):
    assert pyodide["platform"] == "emscripten"
    assert "/site-packages/kpi_xl/" in pyodide["kpi_xl_file"]
    assert [name.split("-")[0] for name in pyodide["wheels"]] == ["kpi_xl", "babel"]


def test_nothing_of_the_desktop_is_loaded(pyodide):
    assert pyodide["loaded"] == []


def test_the_same_functions_and_help_as_in_cpython(pyodide, cpython):
    assert len(pyodide["registered"]) == len(FUNCTIONS)  # every function of the Windows add-in
    assert pyodide["registered"] == cpython["registered"]


def test_every_case_gives_the_cpython_answer(pyodide, cpython, cases):
    assert len(pyodide["results"]) == len(cpython["results"]) == len(cases)
    different = []
    for (name, args), got, expected in zip(cases, pyodide["results"], cpython["results"], strict=True):
        same = (math.isclose(got, expected, rel_tol=1e-12, abs_tol=0.0)
                if isinstance(got, float) and isinstance(expected, float) else got == expected)
        if not same:
            different.append((name, args, got, expected))
    assert different == []
