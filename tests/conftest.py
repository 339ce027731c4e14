"""Shared test machinery.

- every test has its own ``KPI_XL_DATA_DIR`` (where delivery ledgers live);
- ``@pytest.mark.each_locale``: runs a test once per supported locale, passing it as ``locale``
  (Babel's ``all_locales`` idea, for kpi_xl's own locales).
"""

from __future__ import annotations

import pytest

from kpi_xl.i18n import SUPPORTED_LOCALES


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("each_locale"):
        metafunc.parametrize("locale", SUPPORTED_LOCALES)


@pytest.fixture(autouse=True)
def _data_folder(tmp_path, monkeypatch):
    """Each test keeps its delivery ledgers in its own data folder, never in the user's."""
    monkeypatch.setenv("KPI_XL_DATA_DIR", str(tmp_path / "kpi_xl_data"))
