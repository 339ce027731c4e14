"""Runs kpi_xl.lite the way xlwings Lite does and reports what it saw, as JSON. Same code in Pyodide and CPython.

:func:`run` takes a job (JSON) and the wheels to unpack into site-packages (in Pyodide: no pip there,
and nothing may be downloaded; none in CPython). The job holds the source of the stand-in ``xlwings``
(see xlwings_standin.py), the packages that must be absent (as in Lite), the modules that must not get
loaded, and the cases ``[function name, [Lite-shaped arguments]]``. It runs ``from kpi_xl.lite import *``
in a fresh ``main`` module, as Lite does with the workbook's main.py, and returns the registered
functions' metadata, the modules that got loaded and every case's result. Nothing happens on import:
pytest imports this file.
"""

from __future__ import annotations

import importlib.abc
import inspect
import json
import site
import sys
import time
import types
import zipfile
from pathlib import Path

__all__ = ["run"]


class _Absent(importlib.abc.MetaPathFinder):
    """Makes packages unimportable, as they are in Lite (in Pyodide they are not installed at all)."""

    def __init__(self, names: list[str]) -> None:
        self.names = set(names)

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {fullname!r} (absent in xlwings Lite)", name=fullname)
        return None


def _site_packages(job: dict) -> Path:
    folder = Path(job.get("site_dir") or site.getsitepackages()[0])
    folder.mkdir(parents=True, exist_ok=True)
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    return folder


def _result(value):
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    if isinstance(value, list):
        return [_result(v) for v in value]
    return {"unexpected type": type(value).__name__, "repr": repr(value)}


def run(job_json: str, wheels_json: str = "[]", load_seconds: float = 0.0) -> str:
    job = json.loads(job_json)
    started = time.perf_counter()
    target = _site_packages(job)
    for wheel in json.loads(wheels_json):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(target)
    (target / "xlwings").mkdir(exist_ok=True)
    (target / "xlwings" / "__init__.py").write_text(job["standin_source"], encoding="utf-8")
    sys.meta_path.insert(0, _Absent(job["absent"]))
    installed = time.perf_counter()

    main = types.ModuleType("main")  # the workbook's main.py
    exec("from kpi_xl.lite import *", main.__dict__)
    imported = time.perf_counter()

    import kpi_xl

    registered = {}
    for name, obj in inspect.getmembers(main):
        if hasattr(obj, "__xlfunc__"):
            meta = obj.__xlfunc__
            registered[name] = {
                "doc": meta["ret"]["doc"],
                "namespace": meta["namespace"],
                "other_options": meta.get("ignored", {}),  # the stand-in keeps what Lite ignores
                "args": [[a["name"], a["doc"], a["options"], "optional" in a] for a in meta["args"]],
            }
    results = []
    for name, args in job["cases"]:
        try:
            results.append(_result(getattr(main, name)(*args)))
        except Exception as error:  # a traceback in a cell is a failure: report it, don't stop
            results.append({"raised": repr(error)})
    done = time.perf_counter()
    return json.dumps({
        "python": sys.version.split()[0],
        "platform": sys.platform,
        "kpi_xl_file": kpi_xl.__file__,
        "registered": registered,
        "loaded": sorted(m for m in sys.modules if any(m == p or m.startswith(p + ".") for p in job["not_loaded"])),
        "results": results,
        "seconds": {"load_pyodide": load_seconds, "install": installed - started,
                    "import": imported - installed, "cases": done - imported},
    })
