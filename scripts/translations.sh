#!/usr/bin/env bash
# Refresh the message catalogs after changing user-visible strings:
#   scripts/translations.sh   (then translate the new entries in webapp/translations/pl)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
$BIN/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 -k lazy_pgettext:1c,2 -k pgettext:1c,2 --no-location --sort-output \
  -o webapp/translations/messages.pot . >/dev/null
$BIN/pybabel update -i webapp/translations/messages.pot -d webapp/translations --no-fuzzy-matching >/dev/null
$BIN/pybabel compile -d webapp/translations --statistics
