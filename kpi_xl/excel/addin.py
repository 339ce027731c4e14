"""The ``kpi_xl.xlam`` Excel add-in: a "KPI" ribbon tab with a "Generate report" button.

The add-in is xlwings' own ribbon add-in template (``quickstart_addin_ribbon.xlam``, inside the
installed xlwings package), copied at build time and never committed, so it always matches the
xlwings version installed next to kpi_xl. Only the ribbon XML is rewritten; every other zip member,
the VBA project above all, stays byte for byte as xlwings ships it.

How the button reaches Python, as the template's VBA says (read it with
``oletools.olevba.VBA_Parser(path).extract_all_macros()``): the ribbon's ``onAction`` is
``RibbonMyAddin.RunMain``, and module ``RibbonMyAddin`` holds::

    Sub RunMain(control As IRibbonControl)
        mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))
        RunPython "import " & mymodule & ";" & mymodule & ".main()"
    End Sub

``ThisWorkbook`` is the add-in itself, so an add-in named ``kpi_xl.xlam`` runs
``import kpi_xl;kpi_xl.main()``. xlwings' ``RunPython`` passes ``--wb=<ActiveWorkbook.Name>``, so
``xw.Book.caller()`` inside ``main()`` is the workbook the user is looking at, not the add-in.

Where Excel loads add-ins from at start-up is ``Application.StartupPath``, which xlwings' own
``xlwings addin install`` copies to (``xlwings/cli.py``: ``get_addin_dir()`` returns
``xw.apps.active.startup_path``). That needs a running Excel; kpi_xl computes the same folder without
one: ``%APPDATA%\\Microsoft\\Excel\\XLSTART`` on Windows and
``~/Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel`` on
macOS (Office 2016 and later, sandboxed).

>>> print(ribbon_xml("RibbonMyAddin.RunMain").decode())  # doctest: +ELLIPSIS
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui" xmlns:kpi="urn:kpi_xl:ribbon">
  <ribbon>
    <tabs>
      <tab idQ="kpi:KPI" label="KPI">
        <group idQ="kpi:kpiReports" label="Reports">
          <button id="kpiGenerateReport" label="Generate report" ... onAction="RibbonMyAddin.RunMain" .../>
...

The "Import data" button lives in a second add-in built from the same template,
``kpi_xl.excel.import_button.xlam``: the template's one VBA callback imports the module named after the
add-in file, so that file runs ``import kpi_xl.excel.import_button;kpi_xl.excel.import_button.main()``. Both ribbons
name the tab with the same qualified id (``idQ="kpi:KPI"``), so Excel shows one KPI tab holding both
buttons. ``kpi-xl addin build|install|status|remove`` handle both files.

Until its module moved, the Import data add-in was ``kpi_xl.excel_import.xlam``
(:data:`OLD_IMPORT_ADDIN_NAME`): left in the start-up folder, its button would import a module that
no longer exists. ``install`` and ``remove`` delete it; ``status`` reports it as outdated.
"""

from __future__ import annotations

import copy
import os
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from kpi_xl.core.errors import KpiError
from kpi_xl.core.registry import N_
from kpi_xl.files import replacing, write_atomic
from kpi_xl.i18n import DEFAULT_LOCALE, resolve_locale, translator

__all__ = [
    "ADDIN_NAME",
    "ADDIN_NAMES",
    "IMPORT_ADDIN_NAME",
    "OLD_IMPORT_ADDIN_NAME",
    "OUTDATED_ADDIN_NAMES",
    "TEMPLATE_NAME",
    "AddinError",
    "AddinFile",
    "AddinsHeldError",
    "UnsupportedPlatformError",
    "addin_status",
    "build_addin",
    "excel_runs_on",
    "install_addin",
    "remove_addins",
    "remove_outdated_addins",
    "ribbon_callback",
    "ribbon_parts",
    "ribbon_xml",
    "startup_folder",
    "template_path",
]

#: The file name is what the template's VBA turns into the Python module it imports.
ADDIN_NAME = "kpi_xl.xlam"
IMPORT_ADDIN_NAME = "kpi_xl.excel.import_button.xlam"   # runs kpi_xl.excel.import_button.main(): the Import data button
TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
ADDIN_NAMES = (ADDIN_NAME, IMPORT_ADDIN_NAME)
#: The Import data add-in's name while its module was ``kpi_xl.excel_import`` (gone): its button fails.
OLD_IMPORT_ADDIN_NAME = "kpi_xl.excel_import.xlam"
OUTDATED_ADDIN_NAMES = (OLD_IMPORT_ADDIN_NAME,)

# Relationship types that point from _rels/.rels to a ribbon part: Office 2007 (customUI.xml) and
# 2010 (customUI14.xml). xlwings' template uses the second type for a customUI.xml part.
_RIBBON_RELS = (
    "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
    "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
)
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CUSTOMUI_2006 = "http://schemas.microsoft.com/office/2006/01/customui"
# "Save as PDF or XPS": the button makes PDFs. Built-in Office icon, nothing to ship.
_ICON = "FileSaveAsPdfOrXps"

_GROUP_LABEL = N_("Reports")
_BUTTON_LABEL = N_("Generate report")
_BUTTON_TIP = N_("Writes a PDF report for every client next to this workbook and lists them on the Reports sheet.")
_DATA_GROUP_LABEL = N_("Data")
_IMPORT_LABEL = N_("Import data")
_IMPORT_TIP = N_("Imports every platform export in the Imports folder next to this workbook into Actuals, "
                 "exactly once, and lists them on the Imports sheet.")
_IMPORT_ICON = "ImportTextFile"
_RIBBON_NAMESPACE = "urn:kpi_xl:ribbon"   # one qualified tab id shared by both add-ins


class AddinError(KpiError):
    """The add-in cannot be built or installed: ``path`` is where, ``reason`` says why."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class AddinsHeldError(AddinError):
    """Add-in files Excel holds open (``held``) were not deleted; ``removed`` were.

    >>> str(AddinsHeldError([Path("x/a.xlam")], [Path("x/b.xlam"), Path("x/c.xlam")]))
    'x/b.xlam, x/c.xlam: permission denied: quit Excel and try again'
    """

    def __init__(self, removed: Sequence[Path], held: Sequence[Path]) -> None:
        self.removed, self.held = list(removed), list(held)
        self.path, self.reason = held[0], "permission denied: quit Excel and try again"
        KpiError.__init__(self, ", ".join(map(str, held)) + ": " + self.reason)


class UnsupportedPlatformError(KpiError):
    """Excel add-ins install only on Windows and macOS; ``platform`` is ``sys.platform``."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        super().__init__(
            f"cannot install the Excel add-in on {platform}: Excel runs only on Windows and macOS. "
            "Run `kpi-xl addin install` on the Windows or Mac computer where Excel is, or run "
            f"`kpi-xl addin build` here, copy {ADDIN_NAME} there and add it in Excel by hand "
            "(Windows: File > Options > Add-ins > Manage Excel Add-ins > Go > Browse; "
            "macOS: Tools > Excel Add-ins > Browse)."
        )


def template_path() -> Path:
    """xlwings' ribbon add-in template, inside the installed xlwings package."""
    import xlwings  # only here: building the add-in is the one thing that needs the package's files

    path = Path(xlwings.__file__).parent / TEMPLATE_NAME
    if not path.is_file():
        raise AddinError(path, f"xlwings {xlwings.__version__} ships no ribbon add-in template")
    return path


def ribbon_parts(package: zipfile.ZipFile) -> list[str]:
    """The zip members holding ribbon XML, as ``_rels/.rels`` names them."""
    rels = ET.fromstring(package.read("_rels/.rels"))
    return [
        rel.get("Target", "").lstrip("/")
        for rel in rels.iter(f"{_PACKAGE_RELS}Relationship")
        if rel.get("Type") in _RIBBON_RELS
    ]


def ribbon_callback(xml: bytes) -> str:
    """The one ``onAction`` callback a ribbon XML calls (the template has a single button).

    >>> ribbon_callback(b'<customUI><button onAction="Mod.Run"/><button onAction="Mod.Run"/></customUI>')
    'Mod.Run'
    """
    callbacks = {el.get("onAction") for el in ET.fromstring(xml).iter() if el.get("onAction")}
    if len(callbacks) != 1:
        raise ValueError(f"expected one onAction callback in the template's ribbon, found {sorted(callbacks)}")
    return callbacks.pop()


def ribbon_xml(callback: str, namespace: str = _CUSTOMUI_2006, locale: str = DEFAULT_LOCALE, *,
               button: str = "report") -> bytes:
    """The KPI tab: one group, one large button calling ``callback``: "Generate report" (``button``
    ``"report"``) or "Import data" (``"import"``, the import add-in's)."""
    _ = translator(resolve_locale(locale)).gettext

    def attr(text: str) -> str:
        return quoteattr(_(text))

    group, button_id, label, tip, icon = (
        ("kpiReports", "kpiGenerateReport", _BUTTON_LABEL, _BUTTON_TIP, _ICON) if button == "report"
        else ("kpiData", "kpiImportData", _IMPORT_LABEL, _IMPORT_TIP, _IMPORT_ICON))
    group_label = _GROUP_LABEL if button == "report" else _DATA_GROUP_LABEL
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<customUI xmlns={quoteattr(namespace)} xmlns:kpi={quoteattr(_RIBBON_NAMESPACE)}>\n"
        "  <ribbon>\n"
        "    <tabs>\n"
        '      <tab idQ="kpi:KPI" label="KPI">\n'
        f'        <group idQ="kpi:{group}" label={attr(group_label)}>\n'
        f'          <button id="{button_id}" label={attr(label)} size="large"'
        f" onAction={quoteattr(callback)} imageMso={quoteattr(icon)} screentip={attr(label)}"
        f" supertip={attr(tip)}/>\n"
        "        </group>\n"
        "      </tab>\n"
        "    </tabs>\n"
        "  </ribbon>\n"
        "</customUI>\n"
    ).encode()


def build_addin(out_dir: Path, *, template: Path | None = None, locale: str = DEFAULT_LOCALE,
                name: str = ADDIN_NAME) -> Path:
    """Writes ``out_dir/kpi_xl.xlam`` from the xlwings template and returns its path.

    The ribbon part is replaced; every other member is copied with its content and zip metadata
    unchanged. The file appears whole or not at all (temporary file, then ``os.replace``).
    """
    template = template or template_path()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / name
    button = "import" if name == IMPORT_ADDIN_NAME else "report"
    with zipfile.ZipFile(template) as source:
        parts = ribbon_parts(source)
        if not parts:
            raise AddinError(template, "the template has no ribbon (customUI) part")
        replacements = {}
        for part in parts:
            old = source.read(part)
            namespace = ET.fromstring(old).tag.partition("}")[0].lstrip("{")
            replacements[part] = ribbon_xml(ribbon_callback(old), namespace, locale, button=button)
        with replacing(target) as temp, zipfile.ZipFile(temp, "w") as built:
            for info in source.infolist():
                data = replacements.get(info.filename) or source.read(info)
                built.writestr(copy.copy(info), data)  # a copy: writestr updates sizes and offsets
    return target


def excel_runs_on(platform: str) -> bool:
    """Whether Excel (and so its add-ins) runs on ``platform`` (a ``sys.platform`` value).

    >>> excel_runs_on("win32"), excel_runs_on("darwin"), excel_runs_on("linux")
    (True, True, False)
    """
    return platform.startswith("win") or platform == "darwin"   # the two branches of startup_folder


def startup_folder(platform: str, home: Path, env: Mapping[str, str]) -> Path:
    """The folder Excel opens every add-in from at start-up (``Application.StartupPath``).

    >>> startup_folder("win32", Path("/h"), {"APPDATA": "/h/AppData/Roaming"}).as_posix()
    '/h/AppData/Roaming/Microsoft/Excel/XLSTART'
    >>> startup_folder("darwin", Path("/Users/ana"), {}).as_posix()
    '/Users/ana/Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel'
    """
    if platform.startswith("win"):
        # APPDATA is the roaming profile folder; fall back to its usual place under the home folder.
        appdata = Path(env["APPDATA"]) if env.get("APPDATA") else home / "AppData" / "Roaming"
        return appdata / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        return (home / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content.localized"
                / "Startup.localized" / "Excel")
    raise UnsupportedPlatformError(platform)


def install_addin(
    platform: str | None = None,
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
    *,
    source: Path | None = None,
    name: str = ADDIN_NAME,
) -> Path:
    """Puts ``kpi_xl.xlam`` (or the add-in ``name``) in Excel's start-up folder and returns its path there.

    ``platform`` defaults to ``sys.platform`` (read at the call, so tests may set it), ``home`` to the
    user's home folder and ``env`` to ``os.environ``. ``source`` is an add-in built earlier; without it
    a fresh one is built in place. Raises :class:`UnsupportedPlatformError` off Windows and macOS,
    :class:`AddinError` when the folder cannot be written (Excel locks the add-in while it runs).
    """
    platform = sys.platform if platform is None else platform
    folder = _startup_folder(platform, home, env)
    if platform == "darwin" and not folder.parents[2].is_dir():
        # No Office group container: Excel 2016+ has never run for this user.
        raise AddinError(folder.parents[2], "not found: install Microsoft Excel and start it once, then try again")
    try:
        if source is None:
            return build_addin(folder, name=name)
        if not source.is_file():
            raise AddinError(source, "no such add-in: run `kpi-xl addin build` first")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        write_atomic(target, source.read_bytes())
        return target
    except PermissionError as error:
        raise AddinError(Path(error.filename or folder), "permission denied: quit Excel and try again") from error


@dataclass(frozen=True, slots=True)
class AddinFile:
    """One add-in file of kpi_xl in Excel's start-up folder: ``path`` is where it is (or would be)."""

    name: str
    path: Path
    installed: bool
    outdated: bool = False  # a former name's file: `kpi-xl addin install` (or `remove`) deletes it


def addin_status(platform: str | None = None, home: Path | None = None,
                 env: Mapping[str, str] | None = None) -> list[AddinFile]:
    """Both add-ins, installed or not, then any outdated file found, as ``kpi-xl addin status`` lists them.
    The arguments default as for :func:`install_addin`."""
    folder = _startup_folder(platform, home, env)
    files = [AddinFile(name, folder / name, (folder / name).is_file()) for name in ADDIN_NAMES]
    files += [AddinFile(name, folder / name, True, outdated=True)
              for name in OUTDATED_ADDIN_NAMES if (folder / name).is_file()]
    return files


def remove_addins(platform: str | None = None, home: Path | None = None, env: Mapping[str, str] | None = None,
                  *, names: Sequence[str] = ADDIN_NAMES + OUTDATED_ADDIN_NAMES) -> list[Path]:
    """Deletes the add-in files ``names`` (default: every kpi_xl add-in, outdated ones too) from Excel's
    start-up folder and returns those that were there; none there is no error. Every file is tried:
    when one cannot be deleted (Excel holds it open), :class:`AddinsHeldError` says which, and which
    were deleted all the same."""
    folder = _startup_folder(platform, home, env)
    removed: list[Path] = []
    held: list[Path] = []
    for name in names:
        path = folder / name
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except PermissionError:
            held.append(path)
            continue
        removed.append(path)
    if held:
        raise AddinsHeldError(removed, held)
    return removed


def remove_outdated_addins(platform: str | None = None, home: Path | None = None,
                           env: Mapping[str, str] | None = None) -> list[Path]:
    """Deletes the add-in files of former names (:data:`OUTDATED_ADDIN_NAMES`); returns those deleted."""
    return remove_addins(platform, home, env, names=OUTDATED_ADDIN_NAMES)


def _startup_folder(platform: str | None, home: Path | None, env: Mapping[str, str] | None) -> Path:
    return startup_folder(sys.platform if platform is None else platform, Path.home() if home is None else home,
                          os.environ if env is None else env)
