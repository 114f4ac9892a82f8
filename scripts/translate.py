"""Fill in or correct translations from the command line, without hand-editing the .po files.

    .venv/bin/python scripts/translate.py LOCALE "Dutch msgid" "translation" [...]

For a plural text give the singular msgid and the forms separated by " || " ("{count} day || {count} days").
Clears the fuzzy flag; run scripts/i18n.sh afterwards to normalise the catalogs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parents[1] / "locales"


def main(argv: list[str]) -> int:
    if len(argv) < 3 or len(argv) % 2 == 0:
        print(__doc__, file=sys.stderr)
        return 2
    locale, pairs = argv[0], argv[1:]
    path = LOCALES / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    for msgid, text in zip(pairs[::2], pairs[1::2], strict=True):
        message = catalog.get(msgid)
        if message is None:
            print(f"not in the {locale} catalog: {msgid!r}", file=sys.stderr)
            return 1
        message.string = tuple(text.split(" || ")) if message.pluralizable else text
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, sort_by_file=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
