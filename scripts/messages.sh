#!/usr/bin/env bash
# Refresh the message catalogs after messages changed in the code: extract every `_()`,
# `ngettext()` and `N_()` message into planforge/locale/planforge.pot, then merge it into each
# language's .po (new messages arrive untranslated, removed ones are dropped).
# Translate the new entries, and the tests (tests/test_i18n.py) pass
# again. The build compiles the .po files (hatch_build.py); nothing else is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
# pybabel skips folders whose names start with `_` unless named: name every package folder
folders=$(find planforge -type d -name '_*' ! -name '__pycache__' | sort)
# shellcheck disable=SC2086
pybabel -q extract -F pyproject.toml --no-location --sort-output \
  --project planforge --msgid-bugs-address "" -o planforge/locale/planforge.pot planforge $folders
pybabel -q update --no-fuzzy-matching --ignore-obsolete \
  -i planforge/locale/planforge.pot -d planforge/locale -D planforge
