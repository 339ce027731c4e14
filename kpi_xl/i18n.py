"""Locales and gettext catalogs.

kpi_xl speaks the locales below. A locale picks a catalog (``es_MX`` reads the ``es`` catalog) and,
for Babel, the formats (``es_MX`` groups digits its own way).

>>> resolve_locale("pt-br"), resolve_locale("PL"), resolve_locale(None)
('pt_BR', 'pl_PL', 'en_US')
>>> resolve_locale("de_DE")
Traceback (most recent call last):
...
kpi_xl.core.errors.UnknownLocaleError: unknown or unsupported locale 'de_DE'
>>> translator("es_ES").gettext("Conversion rate")
'Tasa de conversión'
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
    "catalog_language",
    "resolve_locale",
    "translator",
]

DEFAULT_LOCALE = "en_US"
SUPPORTED_LOCALES = ("en_US", "es_ES", "es_MX", "pt_BR", "pl_PL", "vi_VN")
# The catalogs in locales/: English is the source language, its catalog holds only plural rules.
CATALOG_LANGUAGES = ("en", "es", "pt_BR", "pl", "vi")

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
    raise UnknownLocaleError(identifier)


def catalog_language(locale: str) -> str:
    """The catalog a supported locale reads.

    >>> catalog_language("es_MX"), catalog_language("pt_BR"), catalog_language("vi_VN")
    ('es', 'pt_BR', 'vi')
    """
    locale = resolve_locale(locale)
    return locale if locale in CATALOG_LANGUAGES else locale.split("_")[0]


@cache
def translator(locale: str) -> NullTranslations:
    """The gettext translations for a locale: the compiled ``.mo`` of an installed wheel, else the
    ``.po`` source compiled in memory (a source checkout, where a leftover .mo may be stale)."""
    folder = locales_dir() / catalog_language(locale) / "LC_MESSAGES"
    mo_path = folder / "messages.mo"
    po_path = folder / "messages.po"
    if mo_path.is_file() and (not po_path.is_file() or mo_path.stat().st_mtime >= po_path.stat().st_mtime):
        with mo_path.open("rb") as mo_file:
            return Translations(mo_file)
    if not po_path.is_file():
        raise FileNotFoundError(f"no catalog for {locale}: {po_path} is missing")
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=catalog_language(locale))
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)
