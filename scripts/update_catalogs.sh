#!/usr/bin/env bash
# Re-extracts every translatable string and merges it into each catalog (Babel's extract + update).
# New strings arrive with an empty msgstr: translate them, then run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location --sort-output \
  --project kpi_xl --copyright-holder kpi_xl -o locales/messages.pot . >/dev/null 2>&1
.venv/bin/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching --ignore-obsolete >/dev/null 2>&1
# Compile into a scratch copy: only the statistics matter here, and a stray .mo must not shadow the .po.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r locales/. "$scratch"
.venv/bin/pybabel compile -d "$scratch" --statistics 2>&1 | grep -v "^compiling" || true
