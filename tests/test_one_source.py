"""One source of truth: the registry, the Excel functions, the README and every catalog agree."""

from __future__ import annotations

import argparse
import inspect
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kpi_xl import docs, udfs
from kpi_xl.cli.arguments import LOCALE_HELP, RENDER_TIMEOUT_HELP
from kpi_xl.cli.send import add_send_arguments
from kpi_xl.core import registry
from kpi_xl.delivery.config import _DEFAULT_PORTS, SECURITY_MODES
from kpi_xl.i18n import CATALOG_LANGUAGES, SUPPORTED_LOCALES
from kpi_xl.report.pool import RENDER_TIMEOUT
from kpi_xl.resources import locales_dir

ROOT = Path(__file__).resolve().parent.parent


def test_every_registry_kpi_has_its_excel_function_except_plain_totals():
    for code, kpi in registry.KPIS.items():
        # A cumulative KPI (revenue) is one measure's total: in Excel that is SUM, not a kpi_xl function.
        assert (f"KPI_{code}" in udfs.FUNCTIONS) != kpi.cumulative, code


def test_every_excel_function_of_the_module_is_registered_with_help_for_every_argument():
    public = {name for name, value in vars(udfs).items() if name.startswith("KPI_") and callable(value)}
    assert public == set(udfs.FUNCTIONS) == set(udfs.__all__) - {"FUNCTIONS", "HELP"}
    for name, fn in udfs.FUNCTIONS.items():
        doc, arg_docs = udfs.HELP[name]
        assert fn.__doc__ == doc and len(doc) > 20
        assert list(arg_docs) == list(inspect.signature(fn).parameters)
        assert all(len(text) <= 255 for text in arg_docs.values()), "Excel cuts argument help at 255"
        assert len(doc) <= 255, f"{name}: Excel cuts function help at 255 characters"


def test_kpi_functions_take_the_registry_arguments_in_order():
    for code, kpi in registry.KPIS.items():
        if kpi.cumulative:
            continue
        params = list(inspect.signature(udfs.FUNCTIONS[f"KPI_{code}"]).parameters)
        if code == "AVG_RATING":  # takes the raw ratings; the registry form is points / ratings
            assert params == ["ratings"]
        else:
            assert params == list(kpi.params), code


def test_the_registry_says_which_functions_take_totals_as_the_functions_do():
    # The template writes =KPI_<code>(totals...) from the registry's word alone (no xlwings import).
    for code, kpi in registry.KPIS.items():
        function = udfs.FUNCTIONS.get(kpi.function_name)
        takes_totals = function is not None and list(inspect.signature(function).parameters) == list(kpi.params)
        assert kpi.function_takes_totals == takes_totals, code


def test_the_command_line_help_says_what_the_code_does():
    # Written out in kpi_xl.cli so that building the parser imports neither Babel nor the stages.
    *others, last = SUPPORTED_LOCALES
    assert LOCALE_HELP == f"{', '.join(others)} or {last}"
    assert RENDER_TIMEOUT_HELP.endswith(f"(default: {RENDER_TIMEOUT:g})")
    send = argparse.ArgumentParser()
    add_send_arguments(send)
    options = {option: action for action in send._actions for option in action.option_strings}
    assert tuple(options["--smtp-security"].choices) == SECURITY_MODES
    ports = ", ".join(f"{_DEFAULT_PORTS[mode]} for {mode}" for mode in SECURITY_MODES)
    assert options["--smtp-port"].help.endswith(f"(default: {ports})")


def test_every_tracked_measure_is_known():
    for kpi in registry.KPIS.values():
        assert kpi.measures == () or len(kpi.measures) == len(kpi.params), kpi.code
        assert set(kpi.measures) <= set(registry.MEASURES), kpi.code
        assert set(registry.formula_params(kpi)) == set(kpi.params), kpi.code


def test_readme_function_reference_is_generated_from_the_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert docs.generated_section() in readme, "README is stale: run python -m kpi_xl.docs"


def _catalog(language: str):
    with (locales_dir() / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


def _template():
    with (locales_dir() / "messages.pot").open("rb") as pot:
        return read_po(pot)


def registry_messages() -> set[str]:
    messages = set()
    for kpi in registry.KPIS.values():
        messages |= {kpi.name, kpi.description} | ({kpi.variant} if kpi.variant else set())
    messages |= {m.label for m in registry.MEASURES.values()} | set(registry.PARAM_LABELS.values())
    for names in (registry.UNIT_NAMES, registry.DIRECTION_NAMES, registry.STAGE_NAMES):
        messages |= set(names.values())
    return messages


def test_template_holds_every_registry_message():
    ids = {m.id for m in _template() if m.id}
    assert registry_messages() <= ids


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_catalog_is_in_step_with_the_template(language):
    template_ids = {m.id for m in _template() if m.id}
    catalog_ids = {m.id for m in _catalog(language) if m.id}
    assert catalog_ids == template_ids, "run pybabel update (README, Translations)"


@pytest.mark.parametrize("language", [lang for lang in CATALOG_LANGUAGES if lang != "en"])
def test_catalog_translates_every_message(language):
    missing = [m.id for m in _catalog(language) if m.id and (not m.string or m.fuzzy
               or (isinstance(m.string, tuple) and not all(m.string)))]
    assert missing == []
