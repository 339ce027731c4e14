"""Property: no =KPI_* function raises, whatever Excel hands it, and every result is a cell value."""

from __future__ import annotations

import datetime as dt
import inspect
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_xl import udfs
from kpi_xl.excel.cells import EXCEL_ERRORS

OUR_ERRORS = {"#DIV/0!", "#VALUE!", "#NUM!", "#N/A"}

cell = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.booleans(),
    st.text(max_size=8),
    st.sampled_from(sorted(EXCEL_ERRORS)),
    st.sampled_from(["en_US", "es-mx", "PL", "cpa", "NPS", " vi_VN "]),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)
row = st.lists(cell, max_size=6)
block = st.lists(st.lists(cell, min_size=2, max_size=2), max_size=4)
excel_value = st.one_of(cell, row, block)


def _is_cell_value(result: object) -> bool:
    if isinstance(result, str):
        return True
    if isinstance(result, float):
        return math.isfinite(result)
    if isinstance(result, list):  # KPI_LIST spills rows of strings
        return all(isinstance(r, list) and all(isinstance(c, str) for c in r) for r in result)
    return False


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_no_kpi_function_raises_for_excel_shaped_input(data):
    for name, fn in sorted(udfs.FUNCTIONS.items()):
        params = inspect.signature(fn).parameters
        args = [data.draw(excel_value, label=f"{name}.{p}") for p in params]
        result = fn(*args)
        assert _is_cell_value(result), (name, args, result)
        if isinstance(result, str) and result.startswith("#") and result in EXCEL_ERRORS:
            # Our own errors, or one that came in through an argument.
            assert result in OUR_ERRORS or any(result in repr(a) for a in args), (name, args, result)
