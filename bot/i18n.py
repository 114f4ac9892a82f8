"""Translations per update: the user's choice, else Telegram's language, else Dutch.

Catalogs are the `.po` files in `locales/`; they are compiled in memory when first used, so what the bot
says is never older than the catalog.
"""

from __future__ import annotations

import gettext
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "messages"
SOURCE_LOCALE = "nl"
LOCALES = ("nl", "en", "de")
# Only for a Translator made without a zone; the bot passes `settings.time_zone`.
DEFAULT_TIME_ZONE = ZoneInfo("Europe/Amsterdam")
DAY_PATTERNS = {"nl": "EEEE d MMMM", "en": "EEEE d MMMM", "de": "EEEE, d. MMMM"}


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where the locale is known."""
    return message


def resolve_locale(chosen: str | None, telegram_code: str | None, default: str = SOURCE_LOCALE) -> str:
    """The user's own choice, else Telegram's `language_code` (`de-AT` → `de`), else `default`."""
    for candidate in (chosen, telegram_code):
        if candidate:
            language = candidate.replace("_", "-").split("-")[0].lower()
            if language in LOCALES:
                return language
    return default


@cache
def _catalog(locale: str) -> gettext.NullTranslations:
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale == SOURCE_LOCALE or not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """Everything locale-bound: texts, plurals, dates, numbers and money."""

    def __init__(self, locale: str, time_zone: ZoneInfo | None = None) -> None:
        self.locale = locale if locale in LOCALES else SOURCE_LOCALE
        self.time_zone = time_zone or DEFAULT_TIME_ZONE
        self._babel_locale = Locale.parse(self.locale)
        self._catalog = _catalog(self.locale)

    def __call__(self, message: str) -> str:
        return self._catalog.gettext(message)

    def plural(self, singular: str, plural: str, count: int) -> str:
        """The plural form for `count`; the result may hold `{count}`."""
        return self._catalog.ngettext(singular, plural, count)

    def day(self, value: date) -> str:
        """A date as people say it: "dinsdag 24 november"."""
        return format_date(value, DAY_PATTERNS.get(self.locale, "EEEE d MMMM"), locale=self._babel_locale)

    def moment(self, value: datetime) -> str:
        """A UTC moment in local time: "dinsdag 24 november om 10:00"."""
        local = value.astimezone(self.time_zone)
        return self(N_("{day} om {time}")).format(
            day=self.day(local.date()), time=format_time(local, "HH:mm", locale=self._babel_locale)
        )

    def timestamp(self, value: datetime) -> str:
        """A short local date and time for lists."""
        local = value.astimezone(self.time_zone)
        return format_datetime(local, "d MMM HH:mm", locale=self._babel_locale)

    def number(self, value: float | int) -> str:
        return format_decimal(value, locale=self._babel_locale)

    def money(self, amount: Decimal | float, currency: str = "EUR") -> str:
        return format_currency(amount, currency, locale=self._babel_locale)


@lru_cache(maxsize=32)
def translator(locale: str, zone: ZoneInfo = DEFAULT_TIME_ZONE) -> Translator:
    """A shared translator for `locale` that shows times in `zone` (pass `settings.time_zone`)."""
    return Translator(locale, zone)
