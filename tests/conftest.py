"""Shared test machinery.

- ``@pytest.mark.each_locale``: runs a test once per supported locale, passing it as ``locale``
  (Babel's ``all_locales`` idea, for kpi_xl's own locales).
"""

from __future__ import annotations

import pytest

from kpi_xl.i18n import SUPPORTED_LOCALES


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("each_locale"):
        metafunc.parametrize("locale", SUPPORTED_LOCALES)
