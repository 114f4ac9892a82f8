#!/usr/bin/env bash
# Translation pipeline: extract the Dutch source texts, update the catalogs, validate them.
#
#   scripts/i18n.sh          extract -> locales/messages.pot, init/update nl en de, validate
#   scripts/i18n.sh check    validate only (compile every catalog to a temp dir, count gaps); writes nothing
#
# Keywords: _("...") texts, N_("...") texts marked for later, and _.plural(singular, plural, n).
# The Python extractor sees `_.plural(` as the name `plural` after a dot, so `-k plural:1,2` catches it
# (it would also catch any other `something.plural("a", "b", n)` with literal strings).
# Dutch (nl) is the source language: its msgstr stay empty (the bot uses the msgid for nl).
# No .mo files are written into locales/: the bot compiles the .po files in memory.
set -euo pipefail
cd "$(dirname "$0")/.."

PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
PYTHON="${PYTHON:-.venv/bin/python}"
POT=locales/messages.pot
LOCALES=(nl en de)

extract() {
  "$PYBABEL" extract -F babel.cfg \
    -k _ -k N_ -k plural:1,2 \
    --add-comments=TRANSLATORS: \
    --sort-by-file \
    --project="Samen voor Elkaar" --copyright-holder="Samen voor Elkaar" \
    -o "$POT" .  # babel.cfg limits this to bot/ and db/
}

init_or_update() {
  local locale po
  for locale in "${LOCALES[@]}"; do
    po="locales/$locale/LC_MESSAGES/messages.po"
    if [[ -f "$po" ]]; then
      "$PYBABEL" update -i "$POT" -d locales -l "$locale" --ignore-pot-creation-date --ignore-obsolete
    else
      "$PYBABEL" init -i "$POT" -d locales -l "$locale"
    fi
  done
}

validate() {
  local tmp locale status=0
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  for locale in "${LOCALES[@]}"; do
    # compile checks each catalog (syntax, format strings) and prints how much is translated
    "$PYBABEL" compile --statistics -l "$locale" \
      -i "locales/$locale/LC_MESSAGES/messages.po" -o "$tmp/$locale.mo" || status=1
  done
  # Targets must be complete: no empty and no fuzzy translations.
  "$PYTHON" - <<'PY' || status=1
import sys
from babel.messages.pofile import read_po

bad = 0
for locale in ("en", "de"):
    with open(f"locales/{locale}/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle, locale=locale)
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        problem = "fuzzy" if message.fuzzy else "untranslated" if not all(strings) else None
        if problem:
            bad += 1
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            print(f"{locale}: {problem}: {msgid!r}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
  return "$status"
}

case "${1:-all}" in
  all) extract; init_or_update; validate ;;
  check) validate ;;
  *) echo "usage: $0 [all|check]" >&2; exit 2 ;;
esac
