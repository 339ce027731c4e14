#!/usr/bin/env bash
# Sets up kpi_xl on a fresh Debian/Ubuntu machine, then runs the main job or the tests.
#   scripts/bootstrap.sh run    system libraries, .venv, the package; then the demo job
#                               (demo/demo.xlsx and every demo client's PDF report)
#   scripts/bootstrap.sh test   the same plus test tools; then ruff and the whole test suite
# Safe to run again: it installs only what is missing.
set -euo pipefail
mode=${1:-}
case "$mode" in run|test) ;; *) echo "usage: $0 run|test" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."

# What WeasyPrint needs (pango, harfbuzz-subset for fast font subsetting, one system font), and
# for the tests a real spreadsheet application and PDF rasterizer.
system_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
if [ "$mode" = test ]; then
  system_packages+=(libreoffice-calc-nogui poppler-utils)
fi

# --- A real browser for the e-mail layout tests (tests/test_email_browser.py) -----------------
# Headless Chromium lays the HTML e-mail out at phone and desktop widths. Debian's package is
# "chromium"; Ubuntu's "chromium" is a snap stub, so there the tests look for any chromium or
# google-chrome on PATH and are skipped, saying so, when none is found.
if [ "$mode" = test ] && ! command -v chromium >/dev/null 2>&1 && ! command -v google-chrome >/dev/null 2>&1; then
  os_id=$( . /etc/os-release 2>/dev/null && echo "${ID:-}" )
  if [ "$os_id" = debian ]; then
    system_packages+=(chromium)
  else
    echo "note: install Chromium or Chrome for the e-mail browser tests; without it they are skipped" >&2
  fi
fi
# --- end of the browser ---------------------------------------------------------------------------

python=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python=$candidate; break
  fi
done
if [ -z "$python" ]; then
  echo "kpi_xl needs Python 3.11 or newer: sudo apt-get install -y python3" >&2
  exit 1
fi
if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  system_packages+=("python3-venv")
fi

# --- xlwings Lite test, part 1 of 2: Node and npm -------------------------------------
# tests/test_lite_pyodide.py runs kpi_xl.lite in Pyodide under Node: Debian's nodejs and npm, unless a
# node and an npm are on PATH already (NodeSource's nodejs, for one, bundles npm: don't mix the two).
if [ "$mode" = test ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
  system_packages+=(nodejs npm)
fi
# --- end of xlwings Lite test, part 1 --------------------------------------------------------------

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${system_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
else
  echo "note: not a Debian/Ubuntu system; make sure pango, harfbuzz and a font are installed" >&2
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=(); elif sudo -n true 2>/dev/null; then sudo=(sudo -n); else sudo=(none); fi
  if [ "${sudo[0]:-}" = none ]; then
    echo "kpi_xl needs these system packages. Install them, then run this again:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing system packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The desktop extra: reader, template, reports, e-mail, the Windows add-in (plain `pip install kpi_xl`
# is the light core that xlwings Lite installs).
extras="[desktop]"
[ "$mode" = test ] && extras="[desktop,test]"
stamp=".venv/.kpi_xl-installed-$mode"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".$extras"
  touch "$stamp"
fi

# --- xlwings Lite test, part 2 of 2: Pyodide and the core's wheels ----------------------
# The pinned pyodide npm package (tests/pyodide/package-lock.json; its tarball holds the interpreter
# and the standard library, nothing is fetched from a CDN) into .cache/pyodide, and the pure-Python
# wheels of kpi_xl's core dependencies (babel, the version in .venv) into .cache/pyodide/wheels, for
# Pyodide's Python 3.13. The test itself never downloads.
if [ "$mode" = test ]; then
  lite_cache=.cache/pyodide
  mkdir -p "$lite_cache"
  if ! cmp -s tests/pyodide/package-lock.json "$lite_cache/package-lock.json" ||
     [ ! -f "$lite_cache/node_modules/pyodide/package.json" ]; then
    cp tests/pyodide/package.json tests/pyodide/package-lock.json "$lite_cache/"
    npm ci --prefix "$lite_cache" --no-audit --no-fund --loglevel=error
  fi
  .venv/bin/python -m pip freeze --exclude-editable > "$lite_cache/constraints.txt"
  .venv/bin/python -m pip download --quiet --no-build-isolation --only-binary=:all: --platform any \
    --python-version 3.13 --implementation py --abi none -c "$lite_cache/constraints.txt" -d "$lite_cache/wheels" .
fi
# --- end of xlwings Lite test, part 2 --------------------------------------------------------------

if [ "$mode" = run ]; then
  .venv/bin/kpi-xl demo --out demo
else
  .venv/bin/ruff check .
  .venv/bin/python -m pytest
fi
