"""The "Import data" button: every export in the ``Imports`` folder next to the workbook, into the open
workbook's Actuals, exactly once; the summary on an "Imports" sheet.

Where the files go: ``Imports/<client>/`` beside the workbook, one folder per client of the Clients
sheet (the button creates them the first time); with a single client, files straight in ``Imports/``
are that client's too. Each file is read, checked and planned by the same code as ``kpi-xl import``
(:mod:`kpi_xl.importing`), and written into the open workbook through xlwings
(:func:`~kpi_xl.importing.live.apply_plan_live`); the user saves the workbook. A file imported is
moved to ``done/`` in its folder; a refused one stays, and the sheet says why. Clicking again imports
only what is new, and importing a file again would change nothing anyway.

Run by the add-in ``kpi_xl.excel.import_button.xlam``, whose ribbon button calls ``kpi_xl.excel.import_button.main()``
(xlwings' template runs ``import <add-in name>; <add-in name>.main()``).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kpi_xl.core.errors import UnknownClientError
from kpi_xl.core.names import find_client
from kpi_xl.core.registry import N_
from kpi_xl.excel.sheet import show_rows
from kpi_xl.i18n import DEFAULT_LOCALE, resolve_locale, translator
from kpi_xl.importing.api import read_exports
from kpi_xl.importing.errors import ImportNotice, ImportRefusedError
from kpi_xl.importing.live import apply_plan_live
from kpi_xl.importing.notices import plan_notices
from kpi_xl.importing.plan import FileChange, plan_import
from kpi_xl.importing.summary import summary_rows
from kpi_xl.workbook.problems import ERROR
from kpi_xl.workbook.read import check_workbook

__all__ = ["EXPORT_SUFFIXES", "IMPORTS_FOLDER", "IMPORTS_SHEET", "find_exports", "main", "sort_exports"]

IMPORTS_SHEET = "Imports"
IMPORTS_FOLDER = "Imports"
DONE_FOLDER = "done"
EXPORT_SUFFIXES = (".csv", ".tsv", ".txt")

_RUNNING = N_("kpi_xl: importing exports…")
_NOT_SAVED = N_("Save the workbook first: the exports are read from the Imports folder next to it.")
_INVALID = N_("Problems that stop the import: {count}. Fix them and click Import data again.")
_NO_FILES = N_("No exports to import. Put each client's export files in {folder} and click Import data again.")
_REFUSED = N_("Refused: {count}. Each line below says which file and why; the file stays in its folder.")
_CLIENT = N_("Client")
_NOTICES = N_("Warnings: {count}. The files were imported; read each line below.")
_UNKNOWN_FOLDERS = N_("Folders not imported: {count}. Rename each to its client's name on the Clients sheet "
                      "and click Import data again.")
_UNKNOWN_FOLDER = N_('{folder}: no client named "{name}" in the workbook (clients: {clients})')
_UNKNOWN_FOLDER_HINT = N_('{folder}: no client named "{name}" in the workbook (clients: {clients}); '
                          'did you mean "{suggestion}"?')


def find_exports(folder: Path, clients: Sequence[str]) -> dict[str, list[Path]]:
    """Client -> its export files, from ``folder`` (``Imports``): one subfolder per client, matched
    ignoring case; loose files belong to the only client, if there is just one. Creates the folders."""
    return sort_exports(folder, clients)[0]


def sort_exports(folder: Path, clients: Sequence[str]
                 ) -> tuple[dict[str, list[Path]], list[tuple[Path, UnknownClientError]]]:
    """:func:`find_exports`, and the subfolders holding exports that are named after no client, each
    with the error ``kpi-xl import --client`` gives for that name (with the nearest client suggested,
    accents and case ignored: :func:`~kpi_xl.core.names.find_client`)."""
    found: dict[str, list[Path]] = {}
    unknown: list[tuple[Path, UnknownClientError]] = []
    folder.mkdir(exist_ok=True)
    for client in clients:
        (folder / client).mkdir(exist_ok=True)
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        if sub.name == DONE_FOLDER or sub.name.startswith((".", "~")):
            continue   # the only client's done/, or a folder the system keeps
        try:
            client = find_client(sub.name, clients)   # the one rule for a client's name
        except UnknownClientError as error:
            if _files(sub):   # files that would be silently left out: say so
                unknown.append((sub, error))
            continue
        found.setdefault(client, []).extend(_files(sub))
    loose = _files(folder)
    if loose and len(clients) == 1:
        found.setdefault(clients[0], []).extend(loose)
    return {client: files for client, files in found.items() if files}, unknown


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES
                  and not p.name.startswith((".", "~")))


def _move_done(path: Path, now: dt.datetime) -> None:
    done = path.parent / DONE_FOLDER
    done.mkdir(exist_ok=True)
    target = done / path.name
    if target.exists():  # the same name imported before: keep both
        target = done / f"{path.stem}.{now:%Y%m%d-%H%M%S}{path.suffix}"
    shutil.move(str(path), str(target))


def main(book: Any = None, *, now: dt.datetime | None = None) -> None:
    """Imports every export in the ``Imports`` folder next to ``book`` (default: the workbook that
    clicked the button) into its Actuals, and lists what was imported or refused on the Imports sheet."""
    if book is None:
        import xlwings as xw  # only in Excel: the tests pass a book

        book = xw.Book.caller()
    now = now or dt.datetime.now()
    _ = translator(DEFAULT_LOCALE).gettext
    book.app.status_bar = _(_RUNNING)
    stamp = now.strftime("%Y-%m-%d %H:%M")
    data, problems = check_workbook(book)
    if data is None:
        summary = _(_INVALID).format(count=sum(p.severity is ERROR for p in problems))
        errors = [[p.text(_)] for p in problems if p.severity is ERROR]
        show_rows(book, IMPORTS_SHEET, [[summary], [stamp], *errors], summary)
        return
    t = translator(resolve_locale(data.settings.default_locale))
    _ = t.gettext
    fullname = str(getattr(book, "fullname", ""))
    if "://" in fullname or not Path(fullname).is_absolute():
        show_rows(book, IMPORTS_SHEET, [[_(_NOT_SAVED)], [stamp], [fullname]], _(_NOT_SAVED))
        return
    folder = Path(fullname).parent / IMPORTS_FOLDER
    jobs, unknown = sort_exports(folder, list(data.clients))
    if not jobs and not unknown:
        message = _(_NO_FILES).format(folder=folder)
        show_rows(book, IMPORTS_SHEET, [[message], [stamp]], message)
        return
    changes: list[tuple[str, FileChange]] = []
    refused: list[ImportRefusedError] = []
    notices: list[ImportNotice] = []
    for client, files in jobs.items():
        exports, bad = read_exports(files, data.clients[client].currency, client)
        plan = plan_import(data.actuals, client, exports)
        notices += [notice for export in exports for notice in export.notices]
        notices += plan_notices(data.actuals, plan)
        if plan.changed:
            headers = {key: header for key, (header, _description) in data.custom_measures.items()}
            apply_plan_live(book, plan, book.name, headers)
            data, _problems = check_workbook(book)   # rows moved: the next client plans on what is there now
            if data is None:
                raise RuntimeError("the import left the workbook with errors")  # a bug: let xlwings show it
        refused += bad
        changes += [(client, change) for change in plan.files]
        done = {change.export.file for change in plan.files}
        for path in files:
            if path.name in done:
                _move_done(path, now)
    summary = t.ngettext("Imported {count} file into Actuals. Save the workbook to keep it.",
                         "Imported {count} files into Actuals. Save the workbook to keep them.",
                         len(changes)).format(count=len(changes))
    table = summary_rows([c for _c, c in changes], gettext=_)
    rows: list[list[object]] = [[summary], [stamp], [_(_CLIENT), *table[0]]]
    rows += [[client, *row] for (client, _c), row in zip(changes, table[1:], strict=True)]
    if refused:
        rows += [[_(_REFUSED).format(count=len(refused))], *([error.text(_)] for error in refused)]
    if unknown:
        rows += [[_(_UNKNOWN_FOLDERS).format(count=len(unknown))], *([_unknown_line(sub, error, folder, _)]
                                                                     for sub, error in unknown)]
    if notices:
        rows += [[_(_NOTICES).format(count=len(notices))], *([notice.text(_)] for notice in notices)]
    show_rows(book, IMPORTS_SHEET, rows, summary)


def _unknown_line(sub: Path, error: UnknownClientError, imports: Path, gettext: Callable[[str], str]) -> str:
    """``Imports/cafe serra azul: no client named ... did you mean "Café Serra Azul"?``"""
    where = f"{IMPORTS_FOLDER}/{sub.relative_to(imports).as_posix()}"
    params = {"folder": where, "name": error.name, "clients": ", ".join(error.clients)}
    if error.suggestion:
        return gettext(_UNKNOWN_FOLDER_HINT).format(suggestion=error.suggestion, **params)
    return gettext(_UNKNOWN_FOLDER).format(**params)
