#!/usr/bin/env bash
# Re-extracts every translatable string and merges it into each catalog (Babel's extract + update).
# New strings arrive with an empty msgstr: translate them, then run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location --sort-output \
  --project kpi_xl --copyright-holder kpi_xl -o locales/messages.pot . >/dev/null 2>&1
# Only the base catalogs take every message; a variant (locales/es_ES, es_MX) keeps just the messages
# worded differently in its country, over its base (kpi_xl.i18n.VARIANT_CATALOGS).
for language in en es pt_BR pl vi; do
  .venv/bin/pybabel update -i locales/messages.pot -d locales -l "$language" \
    --no-fuzzy-matching --ignore-obsolete >/dev/null 2>&1
done
# Compile into a scratch copy: only the statistics matter here, and a stray .mo must not shadow the .po.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r locales/. "$scratch"
.venv/bin/pybabel compile -d "$scratch" --statistics 2>&1 | grep -v "^compiling" || true
