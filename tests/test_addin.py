"""The kpi_xl.xlam add-in: xlwings' ribbon template with only its ribbon rewritten, and its install.

The VBA is read with oletools' olevba, the same parser malware scanners use on Office files, so
"unchanged" means every module's source, not just the bytes of one zip member.
"""

from __future__ import annotations

import re
import sys
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

import kpi_xl
from kpi_xl import cli
from kpi_xl.core.errors import KpiError
from kpi_xl.excel import addin
from kpi_xl.i18n import translator

CUSTOMUI = "{http://schemas.microsoft.com/office/2006/01/customui}"
MAC_CONTAINER = Path("Library", "Group Containers", "UBF8T346G9.Office")


@pytest.fixture(scope="module")
def template() -> Path:
    return addin.template_path()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return addin.build_addin(tmp_path_factory.mktemp("addin"))


def _vba_modules(path: Path) -> dict[str, str]:
    """Module name -> VBA source, for every module of the file's VBA project."""
    with warnings.catch_warnings():  # olevba's pyparsing grammar warns about old method names
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser
    parser = VBA_Parser(str(path))
    try:
        return {name: code for _, _, name, code in parser.extract_all_macros()}
    finally:
        parser.close()


def _ribbon(path: Path) -> ET.Element:
    with zipfile.ZipFile(path) as package:
        (part,) = addin.ribbon_parts(package)
        return ET.fromstring(package.read(part))


def test_the_addin_is_named_after_the_module_it_runs(built):
    assert built.name == "kpi_xl.xlam"
    assert zipfile.is_zipfile(built)


def test_same_members_as_the_template_and_only_the_ribbon_differs(template, built):
    with zipfile.ZipFile(template) as old, zipfile.ZipFile(built) as new:
        assert new.testzip() is None
        assert new.namelist() == old.namelist()
        (ribbon,) = addin.ribbon_parts(old)
        for info in old.infolist():
            mine = new.getinfo(info.filename)
            assert (mine.compress_type, mine.date_time) == (info.compress_type, info.date_time), info.filename
            if info.filename != ribbon:
                assert new.read(info.filename) == old.read(info), info.filename
        assert new.read(ribbon) != old.read(ribbon)


def test_package_parts_are_intact_and_the_ribbon_is_referenced(built):
    with zipfile.ZipFile(built) as package:
        names = set(package.namelist())
        types = ET.fromstring(package.read("[Content_Types].xml"))
        overrides = [el.get("PartName", "").lstrip("/") for el in types if el.tag.endswith("Override")]
        assert overrides and set(overrides) <= names
        assert "xl/vbaProject.bin" in overrides
        targets = [el.get("Target") for el in ET.fromstring(package.read("_rels/.rels"))]
        assert "customUI/customUI.xml" in targets
        assert addin.ribbon_parts(package) == ["customUI/customUI.xml"]
        assert "customUI/customUI.xml" in names


def test_ribbon_has_a_kpi_tab_with_a_generate_report_button_calling_the_templates_vba(built):
    root = _ribbon(built)
    (tab,) = root.iter(f"{CUSTOMUI}tab")
    assert tab.get("label") == "KPI"
    (group,) = tab.iter(f"{CUSTOMUI}group")
    (button,) = group.iter(f"{CUSTOMUI}button")
    assert button.get("label") == "Generate report"
    assert button.get("imageMso")
    module, _, procedure = button.get("onAction").partition(".")
    source = _vba_modules(built)[f"{module}.bas"]
    assert re.search(rf"^Attribute VB_Name = \"{module}\"", source, re.M)
    assert re.search(rf"^\s*(Public\s+)?Sub\s+{procedure}\s*\(\s*control\s+As\s+IRibbonControl\s*\)", source, re.M)


def test_the_button_keeps_the_templates_callback(template, built):
    assert _ribbon(built).find(f".//{CUSTOMUI}button").get("onAction") == _ribbon(template).find(
        f".//{CUSTOMUI}button").get("onAction")


def test_vba_modules_are_exactly_the_templates(template, built):
    old, new = _vba_modules(template), _vba_modules(built)
    assert "xlwings.bas" in old
    assert new == old


def _eval_vba_concat(expression: str, variables: dict[str, str]) -> str:
    """Evaluates a VBA ``"text" & name & "text"`` expression, the only form RunMain uses."""
    parts = re.findall(r'"((?:[^"]|"")*)"|(\w+)', expression)
    return "".join(text.replace('""', '"') if not name else variables[name] for text, name in parts)


def test_the_button_runs_kpi_xl_main(built):
    """Follows RunMain: module name = add-in file name without extension, then RunPython."""
    source = _vba_modules(built)["RibbonMyAddin.bas"]
    assert re.search(r'mymodule = Left\(ThisWorkbook\.Name, \(InStrRev\(ThisWorkbook\.Name, "\."', source)
    command = re.search(r"^\s*RunPython (.+)$", source, re.M).group(1)
    module = built.name.rsplit(".", 1)[0]
    assert _eval_vba_concat(command, {"mymodule": module}) == "import kpi_xl;kpi_xl.main()"
    assert callable(kpi_xl.main)


@pytest.mark.each_locale
def test_ribbon_labels_follow_the_locale(tmp_path, locale):
    _ = translator(locale).gettext
    button = _ribbon(addin.build_addin(tmp_path, locale=locale)).find(f".//{CUSTOMUI}button")
    assert button.get("label") == _("Generate report")
    assert button.get("supertip") == _(addin._BUTTON_TIP)
    if not locale.startswith("en"):
        assert button.get("label") != "Generate report"


def test_building_twice_gives_the_same_bytes(tmp_path, built):
    again = addin.build_addin(tmp_path)
    assert again.read_bytes() == built.read_bytes()


def test_a_failed_build_leaves_the_previous_addin_and_no_temporary_file(tmp_path, built):
    bad = tmp_path / "no_ribbon.xlam"
    with zipfile.ZipFile(built) as good, zipfile.ZipFile(bad, "w") as out:
        for info in good.infolist():
            data = good.read(info)
            if info.filename == "_rels/.rels":
                data = data.replace(b"ui/extensibility", b"ui/other")
            out.writestr(info, data)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "kpi_xl.xlam").write_bytes(b"previous")
    with pytest.raises(addin.AddinError, match="no ribbon"):
        addin.build_addin(out_dir, template=bad)
    assert [p.name for p in out_dir.iterdir()] == ["kpi_xl.xlam"]
    assert (out_dir / "kpi_xl.xlam").read_bytes() == b"previous"


@pytest.mark.parametrize("platform", ["linux", "freebsd14", "aix"])
def test_install_refuses_other_platforms_naming_the_platform_and_the_manual_way(tmp_path, platform):
    with pytest.raises(addin.UnsupportedPlatformError) as caught:
        addin.install_addin(platform, tmp_path, {})
    assert isinstance(caught.value, KpiError)
    assert caught.value.platform == platform
    message = str(caught.value)
    assert f"on {platform}:" in message
    assert "kpi-xl addin build" in message and "Excel Add-ins" in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("platform", "env", "folder"),
    [
        ("win32", {"APPDATA": "{home}/AppData/Roaming"}, "AppData/Roaming/Microsoft/Excel/XLSTART"),
        ("win32", {}, "AppData/Roaming/Microsoft/Excel/XLSTART"),
        ("darwin", {}, "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"),
    ],
)
def test_install_copies_the_built_addin_into_excels_startup_folder(tmp_path, built, platform, env, folder):
    home = tmp_path / "home"
    (home / MAC_CONTAINER).mkdir(parents=True)  # Office creates it on first start
    env = {key: value.format(home=home) for key, value in env.items()}
    installed = addin.install_addin(platform, home, env, source=built)
    assert installed == home / folder / "kpi_xl.xlam"
    assert installed.read_bytes() == built.read_bytes()
    assert sorted(p.name for p in installed.parent.iterdir()) == ["kpi_xl.xlam"]


def test_install_without_a_file_builds_in_place_and_replaces_an_older_addin(tmp_path, built):
    folder = tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    folder.mkdir(parents=True)
    (folder / "kpi_xl.xlam").write_bytes(b"old version")
    installed = addin.install_addin("win32", tmp_path, {"APPDATA": str(tmp_path / "Roaming")})
    assert installed.read_bytes() == built.read_bytes()


def test_install_on_a_mac_without_office_says_so(tmp_path):
    with pytest.raises(addin.AddinError, match="install Microsoft Excel") as caught:
        addin.install_addin("darwin", tmp_path, {})
    assert caught.value.path == tmp_path / MAC_CONTAINER


def test_install_of_a_missing_file_names_it(tmp_path):
    missing = tmp_path / "nowhere" / "kpi_xl.xlam"
    with pytest.raises(addin.AddinError, match="kpi-xl addin build") as caught:
        addin.install_addin("win32", tmp_path, {}, source=missing)
    assert caught.value.path == missing


def test_cli_build_writes_the_addin(tmp_path, capsys, built):
    assert cli.main(["addin", "build", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "kpi_xl.xlam").read_bytes() == built.read_bytes()
    assert str(tmp_path / "kpi_xl.xlam") in capsys.readouterr().out


def test_cli_install_on_linux_fails_with_exit_status_1_and_a_clear_message(monkeypatch, capsys):
    monkeypatch.setattr(sys, "platform", "linux")
    assert cli.main(["addin", "install"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kpi-xl: cannot install the Excel add-in on linux:")
    assert "kpi-xl addin build" in err


def test_the_import_addin_adds_an_import_data_button_to_the_same_kpi_tab(tmp_path, built):
    """The template's VBA imports the module named after the file: kpi_xl.excel.import_button, whose main()
    is the Import data button. Both ribbons use one qualified tab id, so Excel shows one KPI tab."""
    second = addin.build_addin(tmp_path, name=addin.IMPORT_ADDIN_NAME)
    (button,) = _ribbon(second).iter(f"{CUSTOMUI}button")
    assert button.get("label") == "Import data"
    assert button.get("onAction") == _ribbon(built).find(f".//{CUSTOMUI}button").get("onAction")
    tabs = [next(_ribbon(path).iter(f"{CUSTOMUI}tab")).get("idQ") for path in (built, second)]
    assert tabs == ["kpi:KPI", "kpi:KPI"]
    source = _vba_modules(second)["RibbonMyAddin.bas"]
    command = re.search(r"^\s*RunPython (.+)$", source, re.M).group(1)
    module = second.name.rsplit(".", 1)[0]
    assert _eval_vba_concat(command, {"mymodule": module}) == (
        "import kpi_xl.excel.import_button;kpi_xl.excel.import_button.main()")
    from kpi_xl.excel import import_button as excel_import
    assert callable(excel_import.main)
