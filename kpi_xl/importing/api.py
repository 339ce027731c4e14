"""Importing export files into a workbook file: read, check, plan, then write once, atomically.

Each file is read and checked on its own; a refused file (unreadable, a bad cell, a range total, a
currency other than the client's) is reported and left out, the others go in. The workbook is
changed only when something changes: a backup copy first (``clients.xlsx.bak``, the previous state),
then the new file written beside it and renamed over it, so it is never half written. A workbook
open in Excel or LibreOffice (its lock file beside it) is refused: use the Import data button then.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kpi_xl.core.names import find_client
from kpi_xl.core.registry import MEASURES
from kpi_xl.files import replacing
from kpi_xl.importing.errors import (
    CURRENCY_MISMATCH,
    FILE_NOT_FOUND,
    FOLDER,
    LOCKED,
    TOO_LARGE,
    UNKNOWN_MEASURE,
    UNREADABLE,
    ImportNotice,
    ImportRefusedError,
)
from kpi_xl.importing.model import Export
from kpi_xl.importing.notices import plan_notices
from kpi_xl.importing.parse import read_export
from kpi_xl.importing.plan import Plan, plan_import
from kpi_xl.importing.platforms import ROLES
from kpi_xl.importing.summary import range_totals
from kpi_xl.importing.xlsx import write_plan
from kpi_xl.workbook.read import collector_paused, lock_file, read_workbook

__all__ = ["MAX_EXPORT_BYTES", "ImportResult", "import_files", "read_exports"]

#: The largest export file read (bytes). A year of daily rows for 500 campaigns is about 30 MB; a file
#: past this is refused before it is read, so a wrong file cannot exhaust the memory.
MAX_EXPORT_BYTES = 200 * 1024 * 1024


@dataclass(slots=True)
class ImportResult:
    plan: Plan
    refused: list[ImportRefusedError] = field(default_factory=list)
    written: bool = False
    backup: Path | None = None
    notices: list[ImportNotice] = field(default_factory=list)   # columns left out, rows doubled...
    before: list[dict[str, Decimal]] = field(default_factory=list)   # per file, its range's totals now (dry run)


def read_exports(files: Sequence[Path], currency: str, client: str, overrides: Mapping[str, str] | None = None,
                 custom: Collection[str] = ()) -> tuple[list[Export], list[ImportRefusedError]]:
    """Every file read and checked; the refused ones apart, each with its reason. ``custom``: the
    workbook's own measures, which ``overrides`` may map columns to."""
    exports: list[Export] = []
    refused: list[ImportRefusedError] = []
    for path in files:
        try:
            export = read_export(Path(path).name, _export_bytes(_as_path(path)), overrides, custom=custom)
            if export.currency and export.currency.upper() != currency.upper():
                raise ImportRefusedError(export.file, 0, CURRENCY_MISMATCH, currency=export.currency, client=client,
                                         expected=currency)
            exports.append(export)
        except MemoryError:   # a file within the caps, but more than this machine can hold: no traceback
            refused.append(ImportRefusedError(Path(path).name, 0, UNREADABLE,
                                              reason="too large for the memory available"))
        except ImportRefusedError as error:
            refused.append(error)
    return exports, refused


def _export_bytes(path: Path) -> bytes:
    """The file's bytes; a missing file (named as given), a folder, an unreadable file or one past
    :data:`MAX_EXPORT_BYTES` refused before anything is read."""
    try:
        if path.is_dir():
            raise ImportRefusedError(path.name, 0, FOLDER)
        size = path.stat().st_size
        if size > MAX_EXPORT_BYTES:
            raise ImportRefusedError(path.name, 0, TOO_LARGE, size=str(-(-size // 2**20)),
                                     limit=str(MAX_EXPORT_BYTES // 2**20))
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportRefusedError(str(path), 0, FILE_NOT_FOUND) from None
    except OSError as error:
        raise ImportRefusedError(path.name, 0, UNREADABLE, reason=error.strerror or str(error)) from None


def import_files(workbook: Path, files: Sequence[Path], client: str, *, channel: str | None = None,
                 source: str | None = None, dry_run: bool = False,
                 overrides: Mapping[str, str] | None = None) -> ImportResult:
    """Imports ``files`` into ``workbook``'s Actuals for ``client``; with ``dry_run`` only plans.

    Raises :class:`ImportRefusedError` for the workbook itself (locked, no Source column),
    :class:`~kpi_xl.core.errors.UnknownClientError` for a ``client`` not on its Clients sheet and
    :class:`~kpi_xl.workbook.problems.WorkbookInvalid` when it has errors already.
    """
    with collector_paused():
        return _import(_as_path(workbook), files, client, channel, source, dry_run, overrides)


def _import(workbook: Path, files: Sequence[Path], client: str, channel: str | None, source: str | None,
            dry_run: bool, overrides: Mapping[str, str] | None) -> ImportResult:
    if not dry_run and (lock := lock_file(workbook)):
        raise ImportRefusedError(workbook.name, 0, LOCKED, lock=lock.name)
    data = read_workbook(workbook)
    name = find_client(client, list(data.clients))   # case ignored, as every command does
    custom = set(data.actuals.custom)
    for role in (overrides or {}).values():
        if role != "none" and role not in MEASURES and role not in ROLES and role not in custom:
            raise ImportRefusedError(workbook.name, 0, UNKNOWN_MEASURE, measure=role)
    exports, refused = read_exports(files, data.clients[name].currency, name, overrides, custom)
    plan = plan_import(data.actuals, name, exports, channel=channel, source=source)
    notices = [notice for export in exports for notice in export.notices]
    result = ImportResult(plan, refused, notices=notices + plan_notices(data.actuals, plan, channel))
    if dry_run:
        result.before = [range_totals(data.actuals, name, change) for change in plan.files]
    if dry_run or not plan.changed:
        return result
    backup = workbook.with_name(workbook.name + ".bak")
    shutil.copy2(workbook, backup)
    with replacing(workbook) as temp:
        write_plan(workbook, temp, plan)
    result.written, result.backup = True, backup
    return result


def _as_path(path: str | Path) -> Path:
    """``path`` as a Path; a Path is kept as it is, so it still prints as it was typed (``./q3/...``)."""
    return path if isinstance(path, Path) else Path(path)
