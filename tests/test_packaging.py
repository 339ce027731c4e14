"""A real, non-editable wheel installed in a scratch virtualenv finds its templates and catalogs."""

from __future__ import annotations

import email.message
import email.parser
import gettext
import json
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from kpi_xl.excel.registration import FUNCTIONS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built_wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", tmp, ROOT],
        check=True,
    )
    (wheel,) = tmp.glob("kpi_xl-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory, built_wheel) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = built_wheel
    venv.create(tmp / "venv", with_pip=False)
    python = tmp / "venv" / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel],
        check=True,
    )
    return python


def _run(python: Path, code: str) -> str:
    # cwd outside the repository, so nothing can be found there by accident.
    return subprocess.run([python, "-c", code], capture_output=True, text=True, check=True, cwd=python.parent).stdout


def test_installed_package_finds_templates_and_locales_inside_itself(installed):
    out = _run(installed, "import kpi_xl, kpi_xl.resources as r; print(kpi_xl.__file__); "
                          "print(r.templates_dir()); print(r.locales_dir())")
    package_file, templates, locales = out.split()
    package = Path(package_file).parent
    assert "site-packages" in package.parts
    assert Path(templates) == package / "templates"
    assert Path(locales) == package / "locales"


def test_installed_wheel_carries_compiled_catalogs(installed):
    locales = Path(_run(installed, "import kpi_xl.resources as r; print(r.locales_dir())").strip())
    for language in ("es", "pt_BR", "pl", "vi"):
        mo = locales / language / "LC_MESSAGES" / "messages.mo"
        assert mo.is_file(), mo
        with mo.open("rb") as f:
            translated = gettext.GNUTranslations(f).gettext("Conversion rate")
        assert translated != "Conversion rate", language


def test_installed_wheel_has_the_console_script(installed):
    assert (installed.parent / "kpi-xl").is_file()


# --- the light core (xlwings Lite) -----------------------------------------------------------------

LITE_WHEELS = ROOT / ".cache" / "pyodide" / "wheels"  # the core's pure wheels, downloaded at set-up


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.Parser().parsestr(archive.read(name).decode())


def test_the_wheel_is_pure_python_and_its_core_needs_only_babel(built_wheel):
    """``pip install kpi_xl`` pulls babel alone; everything native is in the desktop extra."""
    assert built_wheel.name.endswith("-py3-none-any.whl")
    requirements = _metadata(built_wheel).get_all("Requires-Dist")
    assert [r for r in requirements if "extra ==" not in r] == ["babel>=2.16"]
    desktop = {re.match(r"[\w.-]+", r).group(0).lower() for r in requirements if "extra == 'desktop'" in r}
    assert desktop == {"jinja2", "markupsafe", "python-calamine", "weasyprint", "xlsxwriter", "xlwings"}


def test_a_plain_install_runs_the_functions_without_any_desktop_package(tmp_path, built_wheel):
    """A clean virtualenv, kpi_xl installed with its core dependencies only (offline, from set-up's wheels)."""
    if not any(LITE_WHEELS.glob("babel-*.whl")):
        pytest.fail(f"no babel wheel in {LITE_WHEELS}: run scripts/bootstrap.sh test")
    venv.create(tmp_path / "venv", with_pip=False)
    python = tmp_path / "venv" / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-index",
                    "--find-links", LITE_WHEELS, built_wheel], check=True)
    listed = subprocess.run([sys.executable, "-m", "pip", "--python", python, "list", "--format", "json"],
                            capture_output=True, text=True, check=True).stdout
    assert sorted(p["name"].lower() for p in json.loads(listed)) == ["babel", "kpi_xl"]
    out = _run(python, "import kpi_xl.lite as l; print(l.KPI_CPA([[100, None], [150, 'n/a']], 10), "
                       "l.KPI_STATUS(15000, 31000, 46296, 46326, 46310), l.KPI_NAME('CPA', 'pl_PL'), len(l.__all__))")
    assert out.split() == ["25.0", "on_track", "Koszt", "pozyskania", "(CPA)", str(len(FUNCTIONS))]
    # The command line says what is missing instead of a traceback; the catalog needs only Babel.
    kpi_xl = python.parent / "kpi-xl"
    new = subprocess.run([kpi_xl, "new", tmp_path / "clients.xlsx"], capture_output=True, text=True, cwd=tmp_path)
    assert (new.returncode, new.stdout) == (1, "")
    assert new.stderr == ('kpi-xl: this command needs the desktop extra (xlsxwriter is not installed): '
                          'pip install "kpi_xl[desktop]"\n')
    assert not (tmp_path / "clients.xlsx").exists()
    catalog = subprocess.run([kpi_xl, "kpis", "--locale", "vi_VN"], capture_output=True, text=True, check=True)
    assert "CPA" in catalog.stdout
