"""How a Python function becomes an Excel function: xlwings registration and Excel-shaped errors.

:func:`excel_function` applies xlwings' decorators (category kpi_xl, error cells passed as text)
and records the help texts; :func:`excel_result` turns kpi_xl errors into Excel error text.

``from xlwings import func, arg`` is whatever the running xlwings provides: the classic add-in's
decorators on Windows, xlwings Lite's in the browser (:mod:`kpi_xl.lite`), no-ops elsewhere. xlwings
is an optional dependency (the ``desktop`` extra; Lite brings its own), so without it the functions
are plain Python functions.
"""

from __future__ import annotations

import inspect
import logging
import math
from collections.abc import Callable
from typing import Any

from kpi_xl.core import registry
from kpi_xl.core.errors import KpiError
from kpi_xl.core.registry import Kpi

try:
    from xlwings import arg as _xl_arg
    from xlwings import func as _xl_func
except ImportError:  # the light install (pip install kpi_xl): no Excel here, plain functions
    def _xl_arg(*_args: Any, **_kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return lambda fn: fn

    def _xl_func(*_args: Any, **_kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return lambda fn: fn

__all__ = ["CATEGORY", "FUNCTIONS", "HELP", "RANGE_HELP", "excel_function", "excel_result", "kpi_doc", "kpi_function"]

log = logging.getLogger(__name__)

CATEGORY = "kpi_xl"
RANGE_HELP = "a number or a range (summed like SUM: blank and text cells are ignored)"

#: Every kpi_xl Excel function by name (KPI_* and goal functions alike).
FUNCTIONS: dict[str, Callable[..., Any]] = {}
#: name -> (function help, {argument: argument help}), exactly what the Excel wizard shows.
HELP: dict[str, tuple[str, dict[str, str]]] = {}


def excel_function(doc: str, **arg_docs: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Registers ``fn`` with xlwings (category kpi_xl, error cells as text) and with :data:`FUNCTIONS`."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        params = list(inspect.signature(fn).parameters)
        if params != list(arg_docs):
            raise RuntimeError(f"{fn.__name__}: help given for {list(arg_docs)}, signature has {params}")
        fn.__doc__ = doc
        for name, text in arg_docs.items():
            fn = _xl_arg(name, doc=text, err_to_str=True)(fn)
        fn = _xl_func(category=CATEGORY)(fn)
        FUNCTIONS[fn.__name__] = fn
        HELP[fn.__name__] = (doc, dict(arg_docs))
        return fn

    return register


def kpi_doc(kpi: Kpi) -> str:
    """The wizard's help for a KPI: what it measures, then its formula."""
    return f"{kpi.description} {kpi.name} = {kpi.formula_text(registry.label_of)}."


def kpi_function(code: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """An Excel function computing registry KPI ``code`` from totals; its arguments must be the KPI's."""
    kpi = registry.get(code)
    arg_docs = {p: f"{registry.label_of(p).capitalize()}: {RANGE_HELP}." for p in kpi.params}
    return excel_function(kpi_doc(kpi), **arg_docs)


def excel_result(compute: Callable[[], float | str | list]) -> float | str | list:
    """Runs ``compute`` the way a cell should see it: errors become Excel error text, never a traceback."""
    try:
        result = compute()
    except KpiError as error:
        return error.excel
    except Exception:  # a bug must not put a traceback in a client's cell; the log keeps it
        log.exception("kpi_xl function failed")
        return "#VALUE!"
    if type(result) is float and not math.isfinite(result):
        return "#NUM!"
    return result


