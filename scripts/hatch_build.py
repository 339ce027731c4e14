"""Hatch build hook: compiles the gettext catalogs (locales/*/LC_MESSAGES/*.po) into .mo files
inside the wheel, so an installed kpi_xl carries ready catalogs and the repo holds only sources."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        out = Path(tempfile.mkdtemp(prefix="kpi_xl_mo_"))
        for po_path in sorted(Path(self.root, "locales").glob("*/LC_MESSAGES/*.po")):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            mo_path = out / po_path.relative_to(self.root).with_suffix(".mo")
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
            build_data["force_include"][str(mo_path)] = "kpi_xl/" + mo_path.relative_to(out).as_posix()
