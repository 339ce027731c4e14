"""Reading a kpi_xl workbook: one reader, two sources, every problem located and reported at once.

- a file on disk (``.xlsx``, ``.xlsm``), read with python-calamine (:mod:`~kpi_xl.workbook.read_file`);
- a workbook open in Excel, through xlwings (the Excel button; :mod:`~kpi_xl.workbook.read_live` lists
  the few members of xlwings' Book used).

Both give the same :class:`~kpi_xl.workbook.grid.Grid` per sheet, and one shared step
(:mod:`~kpi_xl.workbook.parse`) finds the tables, converts and checks every cell and builds
:class:`~kpi_xl.core.model.WorkbookData`. Problems are :class:`~kpi_xl.workbook.problems.Problem`
objects sorted like a linter's findings: by sheet in the template's order (Clients, Goals, Actuals,
Settings), then row, then column. ``data`` is None, or ``read_workbook`` raises, when any is an error;
warnings (a goal without an objective, an Actuals row without measures, an unknown setting) never stop
a read::

    data = read_workbook("clients.xlsx")              # WorkbookInvalid if there is any error
    data, problems = check_workbook("clients.xlsx")   # never raises for a bad workbook; warnings too
    data = read_book(xlwings.Book.caller())           # live, from the Excel button
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kpi_xl.core.model import WorkbookData
from kpi_xl.core.registry import N_
from kpi_xl.workbook.grid import Grid
from kpi_xl.workbook.parse import SHEETS, Parsed, parse_by_client, parse_grids
from kpi_xl.workbook.problems import WARNING, Problem, WorkbookInvalid, problem
from kpi_xl.workbook.read_file import read_file
from kpi_xl.workbook.read_live import book_source, read_live
from kpi_xl.workbook.schema import CUSTOM_SHEET

__all__ = ["Parsed", "Problem", "WorkbookInvalid", "check_workbook", "collector_paused", "lock_file", "lock_problems",
           "read_book", "read_by_client", "read_workbook"]

LOCKED = N_("{file} is open in a spreadsheet program ({lock} exists): the data read is the last saved "
            "version and may not include unsaved changes")

_WANTED = frozenset(s.casefold() for s in (*SHEETS, CUSTOM_SHEET))

Source = str | os.PathLike[str] | Any   # a path, or an xlwings Book (anything with ``sheets``)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pauses Python's cyclic garbage collector while a workbook is read or imported into: 100,000 rows
    make millions of objects, none in a cycle, and each collection their allocations trigger walks them
    all again (a third of the reader's time over such a sheet, a quarter of an import's). Restored as
    it was, whatever happens; nested uses leave it to the outermost."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _grids(source: Source) -> tuple[list[Grid], str]:
    if isinstance(source, (str, os.PathLike)):
        path = source if isinstance(source, Path) else Path(source)   # a Path may print as typed (./q3/...)
        return read_file(path, _WANTED), str(path)
    return read_live(source, _WANTED), book_source(source)


def lock_file(path: str | os.PathLike[str]) -> Path | None:
    """The lock file Excel (``~$name.xlsx``) or LibreOffice (``.~lock.name.xlsx#``) keeps beside a
    workbook while it is open, if there is one: what is read from disk then is the last saved version."""
    path = Path(path)
    for name in (f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#"):
        candidate = path.with_name(name)
        if len(name) > 2 and candidate != path and candidate.exists():
            return candidate
    return None


def lock_problems(source: Source) -> list[Problem]:
    """The warning that ``source`` is open in a spreadsheet program (none for a live Book)."""
    if not isinstance(source, (str, os.PathLike)) or (lock := lock_file(source)) is None:
        return []
    return [problem("", 0, 0, WARNING, LOCKED, file=Path(source).name, lock=lock.name)]


def check_workbook(source: Source) -> tuple[WorkbookData | None, list[Problem]]:
    """The workbook's data (None when it has errors) and every problem, warnings included."""
    with collector_paused():
        try:
            grids, name = _grids(source)
        except WorkbookInvalid as invalid:  # the file cannot be opened at all
            return None, invalid.problems
        data, problems = parse_grids(grids, name)
        del grids  # freed before the collector resumes: its first pass then walks only what is kept
    return data, lock_problems(source) + problems


def read_by_client(source: Source) -> Parsed:
    """The workbook for a batch run: an error in one client's rows fails that client alone
    (:func:`~kpi_xl.workbook.parse.parse_by_client`); never raises for a bad workbook."""
    with collector_paused():
        try:
            grids, name = _grids(source)
        except WorkbookInvalid as invalid:
            return Parsed(None, invalid.problems)
        parsed = parse_by_client(grids, name)
        del grids
    return Parsed(parsed.data, lock_problems(source) + parsed.problems, parsed.failed, parsed.clients)


def read_workbook(source: Source) -> WorkbookData:
    """The workbook's data; :class:`WorkbookInvalid` carrying every problem when there is any error."""
    data, problems = check_workbook(source)
    if data is None:
        raise WorkbookInvalid(problems)
    return data


def read_book(book: Any) -> WorkbookData:
    """A workbook open in Excel (an ``xlwings.Book``): :func:`read_workbook` for the Excel button."""
    return read_workbook(book)
