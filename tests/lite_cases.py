"""The Excel functions' test cases in the shapes xlwings Lite passes them, for the Lite tests.

The cases are harvested from the parametrized tables of test_udfs.py and test_goal_udfs.py (a case
added there runs in Lite too), plus every function on error and empty input and the catalog functions
in every locale. :func:`lite_shape` turns what classic xlwings passes into what Lite passes: Office.js
sends numbers as JSON, so whole numbers arrive as ``int``, and a date cell arrives as its serial number.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import test_goal_udfs
import test_udfs

from kpi_xl.excel.registration import FUNCTIONS
from kpi_xl.i18n import SUPPORTED_LOCALES

__all__ = [
    "ABSENT", "DATE_PARAMETERS", "NOT_LOADED", "harvested_cases", "job", "lite_cases", "lite_shape", "run_in_cpython",
]

_EPOCH = dt.datetime(1899, 12, 30)  # Excel's serial day 0 (with the 1900 leap-year bug folded in)
DATE_PARAMETERS = frozenset({"start", "end", "as_of"})

# Test function -> the Excel function its table calls.
_TABLES: dict[Callable, str] = {
    test_udfs.test_excel_shapes: "KPI_CPA",
    test_udfs.test_bad_input_gives_excel_error_text: "KPI_CPA",
    test_udfs.test_retention_rate: "KPI_RETENTION_RATE",
    test_udfs.test_nps_from_counts: "KPI_NPS",
    test_udfs.test_nps_from_raw_scores: "KPI_NPS_SCORES",
    test_udfs.test_csat_from_raw_scores: "KPI_CSAT_SCORES",
    test_udfs.test_avg_rating: "KPI_AVG_RATING",
    test_udfs.test_clv: "KPI_CLV",
    test_udfs.test_kpi_name: "KPI_NAME",
    test_goal_udfs.test_kpi_target: "KPI_TARGET",
    test_goal_udfs.test_kpi_progress: "KPI_PROGRESS",
    test_goal_udfs.test_kpi_pace: "KPI_PACE",
    test_goal_udfs.test_kpi_forecast: "KPI_FORECAST",
    test_goal_udfs.test_kpi_status: "KPI_STATUS",
    test_goal_udfs.test_kpi_status_label: "KPI_STATUS_LABEL",
    test_goal_udfs.test_kpi_smart_check: "KPI_SMART_CHECK",
}


def lite_shape(value: object) -> object:
    """A value as xlwings Lite hands it to a function.

    >>> lite_shape([[250.0, None], [dt.datetime(2026, 10, 31), "#REF!"], [0.5, True]])
    [[250, None], [46326, '#REF!'], [0.5, True]]
    """
    if isinstance(value, dt.datetime | dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
        return lite_shape((moment - _EPOCH) / dt.timedelta(days=1))
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, list | tuple):
        return [lite_shape(v) for v in value]
    return value


def harvested_cases() -> list[tuple[str, tuple]]:
    """``(function name, arguments)`` from the tables of the classic-xlwings tests, as they pass them."""
    cases = []
    for test, name in _TABLES.items():
        for mark in getattr(test, "pytestmark", []):
            if mark.name != "parametrize":
                continue
            argnames, table = mark.args
            names = [n.strip() for n in argnames.split(",")] if isinstance(argnames, str) else list(argnames)
            for row in table:
                values = row.values if hasattr(row, "values") else row
                cases.append((name, tuple(values[0]) if names[0] == "args" else tuple(values[:-1])))
    for name, (*args, _expected) in sorted(test_udfs.RANGE_CASES.items()):
        cases.append((name, tuple(args)))
    return cases


def _generic_cases() -> list[tuple[str, tuple]]:
    cases: list[tuple[str, tuple]] = []
    for name, fn in sorted(FUNCTIONS.items()):
        params = inspect.signature(fn).parameters.values()
        required = sum(p.default is inspect.Parameter.empty for p in params)
        if required:
            cases.append((name, ("#REF!",) * required))            # an error cell propagates
            cases.append((name, (None,) * required))                # empty cells
            cases.append((name, ([[None, "x"], [True, "#N/A"]],) * required))
    for locale in SUPPORTED_LOCALES:
        cases.append(("KPI_LIST", (locale,)))
        for status in ("not_started", "on_track", "at_risk", "off_track", "achieved", "missed"):
            cases.append(("KPI_STATUS_LABEL", (status, locale)))
    cases += [
        ("KPI_AB_TEST", (200, 1000, 250, 1000)),
        ("KPI_AB_UPLIFT", ([[100, 100]], [[500], [500]], 250, 1000)),
        ("KPI_STATUS", (0, 1, 99999, 100029)),                  # as_of left out: today, in the browser
        ("KPI_CUSTOM", ("cost / video_views", [[100, None], [150, "n/a"]], 2500)),   # a custom KPI's formula
        ("KPI_CUSTOM", ("(revenue - cost) / cost", 1500, [[1000]])),
        ("KPI_CUSTOM", ("cost / (video_views", 100, 5)),        # a formula that cannot be read: #VALUE!
    ]
    return cases


def lite_cases() -> list[tuple[str, list]]:
    """Every case, in Lite's shapes."""
    return [(name, lite_shape(args)) for name, args in harvested_cases() + _generic_cases()]


# --- running them as Lite does -------------------------------------------------------------------

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "pyodide" / "lite_runner.py"
STANDIN = HERE / "pyodide" / "xlwings_standin.py"
#: What Lite cannot install (native code) or must not need: absent while kpi_xl.lite is imported.
ABSENT = ("jinja2", "markupsafe", "python_calamine", "weasyprint", "xlsxwriter")
#: What importing kpi_xl.lite must not load.
NOT_LOADED = (*ABSENT, "kpi_xl.cli", "kpi_xl.delivery", "kpi_xl.report", "kpi_xl.workbook", "smtplib", "sqlite3")


def job(cases: list[tuple[str, list]], site_dir: Path | None = None) -> dict:
    return {
        "site_dir": None if site_dir is None else str(site_dir),
        "standin_source": STANDIN.read_text(encoding="utf-8"),
        "absent": list(ABSENT),
        "not_loaded": list(NOT_LOADED),
        "cases": cases,
    }


def run_in_cpython(cases: list[tuple[str, list]], site_dir: Path) -> dict:
    """The runner in a fresh CPython process, kpi_xl from this checkout, the stand-in first on the path."""
    code = (f"import sys; sys.path.insert(0, {str(RUNNER.parent)!r}); import lite_runner; "
            "print(lite_runner.run(sys.stdin.read()))")
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(job(cases, site_dir=site_dir)),
                          capture_output=True, text=True, check=True, cwd=site_dir)
    return json.loads(done.stdout)
