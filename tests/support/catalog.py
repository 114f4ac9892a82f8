"""The message catalogs for tests: a fresh extraction of the source texts, and the `.po` files.

The extraction uses the same settings as `scripts/i18n.sh`: `babel.cfg` (bot/ and db/), Babel's default
keywords plus `N_` and `plural:1,2` (which also catches the attribute call `_.plural(singular, plural, n)`).
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from babel.messages import frontend
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = REPO_ROOT / "locales"
MAPPING_FILE = REPO_ROOT / "babel.cfg"
KEYWORDS = {**DEFAULT_KEYWORDS, "_": None, "N_": None, "plural": (1, 2)}
COMMENT_TAGS = ("TRANSLATORS:",)


def _read_mapping() -> tuple[list, dict]:
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with MAPPING_FILE.open(encoding="utf-8") as handle:
        return parse(handle, filename=str(MAPPING_FILE))


@lru_cache(maxsize=1)
def extract_template() -> Catalog:
    """A template (`.pot`) freshly extracted from the source, as `pybabel extract` would write it."""
    method_map, options_map = _read_mapping()
    template = Catalog(locale=None, project="Samen voor Elkaar")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(REPO_ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read_catalog(locale: str) -> Catalog:
    """The committed `.po` catalog of `locale`."""
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def messages(catalog: Catalog) -> list[Message]:
    """The messages of a catalog, without the header entry."""
    return [message for message in catalog if message.id]


def msgid_key(message: Message) -> str:
    """The singular msgid (the key gettext uses), also for plural messages."""
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def source_texts(message: Message) -> tuple[str, ...]:
    """The Dutch texts of a message: the msgid, and for a plural also the msgid_plural."""
    return tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)


def translations(message: Message) -> tuple[str, ...]:
    """The msgstr of a message; one per plural form for plurals."""
    if isinstance(message.string, tuple | list):
        return tuple(text or "" for text in message.string)
    return (message.string or "",)


def placeholders(text: str) -> set[str]:
    """The `str.format` fields in `text`, e.g. {"name", "place"} (with conversion and spec, if any)."""
    fields = set()
    for _literal, field, spec, conversion in string.Formatter().parse(text):
        if field is not None:
            fields.add(field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else ""))
    return fields
