"""A real, non-editable wheel installed in a scratch virtualenv finds its templates and catalogs."""

from __future__ import annotations

import gettext
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", tmp / "dist", ROOT],
        check=True,
    )
    (wheel,) = (tmp / "dist").glob("kpi_xl-*.whl")
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
