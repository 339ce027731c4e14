"""Country variants of a language: es_ES and es_MX read their own wording over the base catalog es.

A variant catalog holds only messages of its base, each translated, with the same placeholders and
wording that differs from the base; the vocabulary a country does not use never reaches its reader,
whether the message comes from the variant or from the base (a message added later to the base in
Latin American wording fails here until es_ES words it for Spain).
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from kpi_xl.i18n import CATALOG_LANGUAGES, VARIANT_CATALOGS, translator
from kpi_xl.resources import locales_dir

_PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")
# Words one country uses and the other does not, in marketing and reporting language (the seeds:
# "Costo por adquisición", "Valor promedio del pedido" from Latin America; Spain says coste, medio).
FOREIGN_WORDS = {
    "es_ES": ("costo", "costos", "promedio", "calificación", "calificaciones", "ganancia", "computadora",
              "celular"),
    "es_MX": ("coste", "costes", "ordenador", "móvil", "vosotros", "valoración", "valoraciones"),
}


def _catalog(folder: str):
    with (locales_dir() / folder / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def test_every_variant_has_a_base_catalog():
    assert set(VARIANT_CATALOGS.values()) <= set(CATALOG_LANGUAGES)
    for variant in VARIANT_CATALOGS:
        assert (locales_dir() / variant / "LC_MESSAGES" / "messages.po").is_file(), variant


@pytest.mark.parametrize("variant", sorted(VARIANT_CATALOGS))
def test_a_variant_holds_only_base_messages_translated_and_different(variant):
    base = _catalog(VARIANT_CATALOGS[variant])
    for message in _catalog(variant):
        if not message.id:
            continue
        assert message.id in base, f"{variant}: {message.id!r} is not in the base catalog"
        assert all(_strings(message)) and not message.fuzzy, message.id
        assert _strings(message) != _strings(base[message.id]), f"{variant}: {message.id!r} repeats the base"
        wanted = {p for text in _ids(message) for p in _PLACEHOLDER.findall(text)}
        for text in _strings(message):
            assert set(_PLACEHOLDER.findall(text)) == wanted, (variant, message.id, text)


@pytest.mark.parametrize("variant", sorted(VARIANT_CATALOGS))
def test_a_variant_has_the_plural_rule_of_its_base(variant):
    assert _catalog(variant).plural_forms == _catalog(VARIANT_CATALOGS[variant]).plural_forms


@pytest.mark.parametrize("locale", sorted(FOREIGN_WORDS))
def test_no_reader_sees_the_other_countrys_words(locale):
    translations = translator(locale)
    found = []
    for message in _catalog(VARIANT_CATALOGS[locale]):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            texts = [translations.ngettext(message.id[0], message.id[1], n) for n in (1, 2)]
        else:
            texts = [translations.gettext(message.id)]
        for text in texts:
            words = set(re.findall(r"\w+", text.lower()))
            found += [(message.id, word) for word in FOREIGN_WORDS[locale] if word in words]
    assert found == []


@pytest.mark.parametrize(("locale", "expected"), [
    ("es_ES", ("Coste por adquisición (CPA)", "Valor medio del pedido (AOV)", "coste")),
    ("es_MX", ("Costo por adquisición (CPA)", "Valor promedio del pedido (AOV)", "costo")),
])
def test_each_country_reads_its_own_kpi_names(locale, expected):
    gettext = translator(locale).gettext
    assert (gettext("Cost per acquisition (CPA)"), gettext("Average order value (AOV)"), gettext("cost")) == expected


@pytest.mark.parametrize("locale", ["es_ES", "es_MX"])
def test_messages_a_variant_leaves_out_come_from_the_base(locale):
    t = translator(locale)
    assert t.gettext("Goals") == "Objetivos"
    assert t.ngettext("{n} goal achieved", "{n} goals achieved", 1) == "{n} objetivo logrado"
    assert t.ngettext("{n} goal achieved", "{n} goals achieved", 3) == "{n} objetivos logrados"
