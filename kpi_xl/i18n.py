"""Locales and gettext catalogs.

kpi_xl speaks the locales below. A locale picks a catalog and, for Babel, the formats (``es_MX``
groups digits its own way). Spanish has one complete base catalog, ``es`` (written in the Latin
American usage that Mexico shares: "costo", "promedio"), and a variant catalog per country that holds
only the messages worded differently there (``es_ES``: "coste", "medio"). A variant's message wins;
every other message comes from the base (gettext's fallback chain: es_ES -> es_ES catalog -> es).

>>> resolve_locale("pt-br"), resolve_locale("PL"), resolve_locale(None)
('pt_BR', 'pl_PL', 'en_US')
>>> resolve_locale("de_DE")  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
kpi_xl.core.errors.UnknownLocaleError: unknown or unsupported locale 'de_DE'
(supported: en_US, es_ES, es_MX, pt_BR, pl_PL, vi_VN)
>>> translator("es_ES").gettext("Conversion rate")
'Tasa de conversión'
>>> translator("es_ES").gettext("Cost per acquisition (CPA)"), translator("es_MX").gettext("Cost per acquisition (CPA)")
('Coste por adquisición (CPA)', 'Costo por adquisición (CPA)')
"""

from __future__ import annotations

import io
from functools import cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from kpi_xl.core.errors import UnknownLocaleError
from kpi_xl.resources import locales_dir

__all__ = [
    "CATALOG_LANGUAGES",
    "DEFAULT_LOCALE",
    "SUPPORTED_LOCALES",
    "VARIANT_CATALOGS",
    "catalog_language",
    "kpi_catalog",
    "resolve_locale",
    "translator",
]

DEFAULT_LOCALE = "en_US"
SUPPORTED_LOCALES = ("en_US", "es_ES", "es_MX", "pt_BR", "pl_PL", "vi_VN")
# The catalogs in locales/: English is the source language, its catalog holds only plural rules.
CATALOG_LANGUAGES = ("en", "es", "pt_BR", "pl", "vi")
# Variant catalogs (locales/<variant>/) and the base catalog each falls back to. A variant holds only
# messages of its base whose wording differs in that country; tests keep it so.
VARIANT_CATALOGS = {"es_ES": "es", "es_MX": "es"}

_BY_KEY = {loc.lower(): loc for loc in SUPPORTED_LOCALES}
_BY_KEY.update({"en": "en_US", "es": "es_ES", "pt": "pt_BR", "pl": "pl_PL", "vi": "vi_VN"})


def resolve_locale(identifier: object) -> str:
    """A supported locale for ``identifier`` (case-insensitive, ``-`` or ``_``, bare language allowed);
    ``None`` or blank gives the default. Anything else raises :class:`UnknownLocaleError`."""
    if identifier is None or (isinstance(identifier, str) and not identifier.strip()):
        return DEFAULT_LOCALE
    if isinstance(identifier, str):
        found = _BY_KEY.get(identifier.strip().replace("-", "_").lower())
        if found:
            return found
    raise UnknownLocaleError(identifier, SUPPORTED_LOCALES)


def catalog_language(locale: str) -> str:
    """The catalog a supported locale reads.

    >>> catalog_language("es_MX"), catalog_language("pt_BR"), catalog_language("vi_VN")
    ('es', 'pt_BR', 'vi')
    """
    locale = resolve_locale(locale)
    return locale if locale in CATALOG_LANGUAGES else locale.split("_")[0]


@cache
def translator(locale: str) -> NullTranslations:
    """The gettext translations for a locale: its variant catalog (if any) over its base catalog."""
    locale = resolve_locale(locale)
    base = _catalog(catalog_language(locale))
    if locale not in VARIANT_CATALOGS:
        return base
    variant = _catalog(locale, required=False)
    if variant is None:
        return base
    variant.add_fallback(base)
    return variant


def _catalog(folder_name: str, *, required: bool = True) -> Translations | None:
    """One catalog: the compiled ``.mo`` of an installed wheel, else the ``.po`` source compiled in
    memory (a source checkout, where a leftover .mo may be stale)."""
    folder = locales_dir() / folder_name / "LC_MESSAGES"
    mo_path = folder / "messages.mo"
    po_path = folder / "messages.po"
    if mo_path.is_file() and (not po_path.is_file() or mo_path.stat().st_mtime >= po_path.stat().st_mtime):
        with mo_path.open("rb") as mo_file:
            return Translations(mo_file)
    if not po_path.is_file():
        if not required:
            return None
        raise FileNotFoundError(f"no catalog {folder_name}: {po_path} is missing")
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=folder_name)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def kpi_catalog(locale: str) -> list[list[str]]:
    """Every KPI of the registry in ``locale``: a header row, then code, name, formula, unit and
    direction per KPI, in the registry's order (what ``=KPI_LIST()`` spills and ``kpi-xl kpis`` prints).

    >>> header, cpm, *_ = kpi_catalog("es_MX")
    >>> header
    ['Código', 'Nombre', 'Fórmula', 'Unidad', 'Sentido']
    >>> cpm
    ['CPM', 'Costo por mil (CPM)', 'costo / impresiones × 1000', 'moneda', 'cuanto más bajo, mejor']
    """
    from kpi_xl.core import registry

    _ = translator(resolve_locale(locale)).gettext
    rows = [[_("Code"), _("Name"), _("Formula"), _("Unit"), _("Direction")]]
    for kpi in registry.KPIS.values():
        rows.append([kpi.code, _(kpi.name), kpi.formula_text(lambda p: _(registry.label_of(p))),
                     _(registry.UNIT_NAMES[kpi.unit]), _(registry.DIRECTION_NAMES[kpi.direction])])
    return rows
