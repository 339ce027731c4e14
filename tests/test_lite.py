"""kpi_xl.lite in CPython: the same functions as the Windows add-in, the same help, Lite's shapes.

The same cases run in Pyodide in test_lite_pyodide.py.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from lite_cases import DATE_PARAMETERS, NOT_LOADED, harvested_cases, lite_cases, lite_shape, run_in_cpython

from kpi_xl import lite, udfs
from kpi_xl.excel.registration import CATEGORY, FUNCTIONS, HELP

#: What Excel's function wizard showed on Windows before Lite support (generated from commit feacf51,
#: before this work): a change here must be deliberate. Regenerate with
#: {name: {"help": doc, "arguments": args} for name, (doc, args) in sorted(HELP.items())}.
WINDOWS_HELP = json.loads((Path(__file__).parent / "excel_help.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def in_lite(tmp_path_factory) -> dict:
    """kpi_xl.lite imported as Lite imports it, with the stand-in xlwings, in a fresh CPython."""
    return run_in_cpython(lite_cases(), tmp_path_factory.mktemp("site"))


def test_lite_exports_exactly_the_windows_functions():
    assert lite.__all__ == sorted(FUNCTIONS)
    assert all(getattr(lite, name) is FUNCTIONS[name] for name in lite.__all__)
    assert set(WINDOWS_HELP) == set(FUNCTIONS)
    assert all(name.startswith("KPI_") for name in lite.__all__)


def test_windows_help_and_argument_names_are_unchanged():
    assert {name: {"help": doc, "arguments": args} for name, (doc, args) in HELP.items()} == WINDOWS_HELP
    for name, fn in FUNCTIONS.items():
        assert list(inspect.signature(fn).parameters) == list(WINDOWS_HELP[name]["arguments"]), name
        assert fn.__doc__ == WINDOWS_HELP[name]["help"]


def test_main_py_registers_every_function_with_its_windows_help(in_lite):
    """What xlwings' func and arg receive: the wizard's help, error cells as text, no namespace."""
    assert sorted(in_lite["registered"]) == sorted(WINDOWS_HELP)
    for name, meta in in_lite["registered"].items():
        expected = WINDOWS_HELP[name]
        assert meta["doc"] == expected["help"]
        assert [(a[0], a[1]) for a in meta["args"]] == list(expected["arguments"].items())
        assert all(a[2] == {"err_to_str": True} for a in meta["args"]), name
        assert meta["namespace"] is None  # =KPI_CPA, not =KPI_XL.KPI_CPA
        assert meta["other_options"] == {"category": CATEGORY}  # the Windows wizard's category
        params = inspect.signature(FUNCTIONS[name]).parameters.values()
        assert [a[3] for a in meta["args"]] == [p.default is not inspect.Parameter.empty for p in params], name


def test_importing_lite_loads_nothing_of_the_desktop(in_lite):
    assert in_lite["loaded"] == []
    code = f"import sys, kpi_xl.lite; print([m for m in sys.modules if m.split('.')[0] in {list(NOT_LOADED)!r} " \
           f"or '.'.join(m.split('.')[:2]) in {list(NOT_LOADED)!r}])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_lite_loads_only_the_core_the_cell_rules_and_the_catalogs():
    code = "import sys, kpi_xl.lite; print(' '.join(sorted(m for m in sys.modules if m.startswith('kpi_xl'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    edges = {m for m in out.stdout.split() if not m.startswith("kpi_xl.core")}
    assert edges == {"kpi_xl", "kpi_xl.excel", "kpi_xl.excel.cells", "kpi_xl.excel.functions",
                     "kpi_xl.excel.goal_functions", "kpi_xl.excel.registration", "kpi_xl.i18n", "kpi_xl.lite",
                     "kpi_xl.resources"}


def test_no_function_has_annotations_lite_would_take_for_converters():
    """Lite reads a function's type hints as converters (and must resolve them): the functions have none."""
    assert {name: fn.__annotations__ for name, fn in FUNCTIONS.items() if fn.__annotations__} == {}


def test_lite_results_equal_the_in_process_results(in_lite):
    """The subprocess (stand-in xlwings, desktop packages blocked) computes what this process does."""
    cases = lite_cases()
    assert len(in_lite["results"]) == len(cases)
    for (name, args), got in zip(cases, in_lite["results"], strict=True):
        assert got == FUNCTIONS[name](*args), (name, args)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0) or (math.isnan(a) and math.isnan(b))
    return a == b


def _dates_only_in_date_arguments(name: str, args: tuple) -> bool:
    params = list(inspect.signature(FUNCTIONS[name]).parameters)

    def has_date(value: object) -> bool:
        if isinstance(value, list | tuple):
            return any(has_date(v) for v in value)
        return isinstance(value, dt.date)

    return not any(has_date(v) for p, v in zip(params, args, strict=False) if p not in DATE_PARAMETERS)


@pytest.mark.parametrize(("name", "args"), [c for c in harvested_cases() if _dates_only_in_date_arguments(*c)],
                         ids=lambda v: v if isinstance(v, str) else None)
def test_lite_shapes_give_the_classic_results(name, args):
    """Serial numbers for date cells and ints for whole numbers change nothing: the same answer as on Windows.

    (A date cell inside a range of numbers is where the two differ: Lite cannot tell it from a number,
    so it is summed, as Excel's SUM does; classic xlwings passes a datetime, which is skipped.)
    """
    fn = FUNCTIONS[name]
    assert _same(fn(*lite_shape(args)), fn(*args))


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        # Whole numbers arrive as int, blocks as lists of rows, empty cells as None.
        ("KPI_CPA", [[[100, None], [150, "n/a"]], [[4], [6]]], 25.0),
        ("KPI_CTR", [[[5, 7]], [[1000, 200]]], 0.01),
        ("KPI_CPA", [[100, "#REF!"], 4], "#REF!"),                   # an error cell, as err_to_str gives it
        ("KPI_CPA", [100, None], "#DIV/0!"),
        ("KPI_CPA", [[250, None, 0.5], [4, 6]], 25.05),              # whole and fractional numbers mixed
        ("KPI_CPA", [[10**400, 1], 1], "#NUM!"),                     # an int too large for a float
        # Date cells arrive as serial numbers: 46296 is 1 Oct 2026, 46326 is 31 Oct, 46310 is 15 Oct.
        ("KPI_PACE", [15000, 31000, 46296, 46326, 46310], 1.0),      # 15 of 31 days: 15,000 of 31,000
        ("KPI_FORECAST", [15000, 46296, 46326, 46310], 31000.0),
        ("KPI_STATUS", [15000, 33000, 46296, 46326, 46310], "at_risk"),   # pace 31/33 = 0.94
        ("KPI_STATUS", [35000, 31000, 46296, 46326, 46310, "REVENUE"], "achieved"),
        # CPA still at its baseline of 25 on 16 October: 0 of the 5 * 16/31 = 2.58 due by now, pace 0.
        ("KPI_STATUS", [25, 20, 46296, 46326, 46311, "CPA", 25], "off_track"),
        ("KPI_STATUS", [15000, 31000, "#REF!", 46326, 46310], "#REF!"),
        ("KPI_SMART_CHECK", ["CPA", 22.5, 46296, 46326, "Cheaper leads", 25], "OK"),
        ("KPI_SMART_CHECK", ["CPA", 22.5, 46326, 46296, "x"], "Time-bound: The end date is before the start date."),
        ("KPI_TARGET", [40, 0.1, "CPA"], 36.0),
        ("KPI_STATUS_LABEL", ["on_track", "pt_BR"], "No caminho certo"),
        ("KPI_CUSTOM", ["cost / video_views", [[100, None], [150, "n/a"]], 2500], 0.1),   # 250 / 2,500
    ],
)
def test_lite_shaped_input(name, args, expected):
    result = getattr(lite, name)(*args)
    assert result == (pytest.approx(expected) if isinstance(expected, float) else expected)


def test_lite_shape_of_dates_is_the_excel_serial():
    assert lite_shape(dt.datetime(2026, 10, 31)) == 46326
    assert lite_shape(dt.date(1900, 3, 1)) == 61          # after Excel's phantom 29 Feb 1900
    assert lite_shape(dt.datetime(2026, 10, 31, 12)) == 46326.5
    assert udfs.KPI_FORECAST(100, 46326.5, 46326.5, 46326.5) == 100.0
