"""Translations: complete catalogs that match the source, intact placeholders, locale choice, dates, money.

Dutch (`nl`) is the source language: its catalog lists the same msgids with empty msgstr, because the bot
shows the msgid itself for Dutch. `en` and `de` must translate every text. After changing a text in bot/
or db/, run `scripts/i18n.sh` and translate what it reports.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog, Message
from sqlalchemy.engine import Engine

from bot.clock import ManualClock
from bot.i18n import LOCALES, SOURCE_LOCALE, Translator, resolve_locale, translator
from tests.support.app import make_world
from tests.support.catalog import (
    LOCALE_DIR,
    extract_template,
    messages,
    msgid_key,
    placeholders,
    read_catalog,
    source_texts,
    translations,
)

TARGETS = tuple(locale for locale in LOCALES if locale != SOURCE_LOCALE)
FIX = "run scripts/i18n.sh, then translate"


def keys(catalog: Catalog) -> dict[tuple[str | None, tuple[str, ...]], Message]:
    return {(message.context, source_texts(message)): message for message in messages(catalog)}


def listing(items) -> str:
    return "\n".join(f"  {' | '.join(texts)!r}" + (f" (context {ctx!r})" if ctx else "") for ctx, texts in items)


# --- the catalogs ---------------------------------------------------------------------------------------


def test_the_source_has_texts() -> None:
    assert len(messages(extract_template())) > 10


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_parses_and_is_valid(locale: str) -> None:
    catalog = read_catalog(locale)
    assert catalog.locale is not None and str(catalog.locale) == locale
    assert not catalog.fuzzy, f"{locale}: the header is marked fuzzy; the bot would ignore it"
    errors = [(msgid_key(message), error) for message, errs in catalog.check() for error in errs]
    assert not errors, f"{locale}: catalog errors: {errors}"


def test_no_compiled_catalogs_are_committed() -> None:
    assert not list(LOCALE_DIR.rglob("*.mo")), "the bot compiles the .po files in memory; remove the .mo files"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_exactly_the_source_texts(locale: str) -> None:
    expected = keys(extract_template())
    actual = keys(read_catalog(locale))
    missing = sorted(set(expected) - set(actual), key=repr)
    stale = sorted(set(actual) - set(expected), key=repr)
    problems = []
    if missing:
        problems.append(f"{len(missing)} text(s) in the source but not in {locale} ({FIX}):\n{listing(missing)}")
    if stale:
        problems.append(f"{len(stale)} text(s) in {locale} but no longer in the source ({FIX}):\n{listing(stale)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", TARGETS)
def test_every_text_is_translated(locale: str) -> None:
    catalog = read_catalog(locale)
    untranslated = [msgid_key(message) for message in messages(catalog) if not all(translations(message))]
    fuzzy = [msgid_key(message) for message in messages(catalog) if message.fuzzy]
    problems = []
    if untranslated:
        problems.append(
            f"{len(untranslated)} untranslated in {locale}:\n" + "\n".join(f"  {t!r}" for t in untranslated)
        )
    if fuzzy:
        problems.append(
            f"{len(fuzzy)} fuzzy (a guess to check, then remove the fuzzy flag) in {locale}:\n"
            + "\n".join(f"  {t!r}" for t in fuzzy)
        )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", TARGETS)
def test_plural_forms_are_complete(locale: str) -> None:
    catalog = read_catalog(locale)
    wrong = [
        msgid_key(message)
        for message in messages(catalog)
        if message.pluralizable and len(translations(message)) != catalog.num_plurals
    ]
    assert not wrong, f"{locale}: plural messages need {catalog.num_plurals} forms: {wrong}"


def test_source_catalog_leaves_translations_empty() -> None:
    """The bot shows the msgid for Dutch; a Dutch msgstr would never be seen. Change the text in bot/."""
    filled = [msgid_key(message) for message in messages(read_catalog(SOURCE_LOCALE)) if any(translations(message))]
    assert not filled, f"{SOURCE_LOCALE} is the source; change these texts in the code instead: {filled}"


@pytest.mark.parametrize("locale", TARGETS)
def test_placeholders_are_kept(locale: str) -> None:
    wrong = []
    for message in messages(read_catalog(locale)):
        sources = [placeholders(text) for text in source_texts(message)]
        forms = [placeholders(text) for text in translations(message) if text]
        if not message.pluralizable:
            ok = all(form == sources[0] for form in forms)
        else:
            # A singular form may leave out {count} ("one day"); it may not invent fields, and the
            # plural form must keep all of msgid_plural's.
            allowed = set().union(*sources)
            ok = all(form <= allowed for form in forms) and (not forms or forms[-1] >= sources[-1])
        if not ok:
            wrong.append(f"  {msgid_key(message)!r}: {sorted(set().union(*sources))} -> {[sorted(f) for f in forms]}")
    assert not wrong, f"{locale}: placeholders differ from the Dutch text:\n" + "\n".join(wrong)


def test_placeholder_helper() -> None:
    assert placeholders("Dank u. U woont in {place}.") == {"place"}
    assert placeholders("{name}, start: {link} {name}") == {"name", "link"}
    assert placeholders("{count:d} dagen {{niet}}") == {"count:d"}
    assert placeholders("<b>Geen</b> velden") == set()


# --- at runtime -----------------------------------------------------------------------------------------


def test_translator_uses_the_catalogs() -> None:
    assert Translator("nl")("Ik help") == "Ik help"
    assert Translator("en")("Ik help") != "Ik help"
    assert Translator("de")("Ik help") != "Ik help"
    assert Translator("fr").locale == SOURCE_LOCALE


@pytest.mark.parametrize(
    ("chosen", "telegram_code", "expected"),
    [
        ("en", "de", "en"),  # the user's own choice wins
        (None, "de-AT", "de"),
        (None, "de_CH", "de"),
        (None, "EN-gb", "en"),
        (None, "nl-BE", "nl"),
        (None, None, "nl"),
        ("", "", "nl"),
        (None, "fr", "nl"),  # unknown language: the default
        ("fr", "de", "de"),  # an unknown choice falls through to Telegram's language
    ],
)
def test_resolve_locale(chosen: str | None, telegram_code: str | None, expected: str) -> None:
    assert resolve_locale(chosen, telegram_code) == expected


def test_resolve_locale_default_is_configurable() -> None:
    assert resolve_locale(None, "fr", default="en") == "en"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("nl", "dinsdag 24 november"),
        ("en", "Tuesday 24 November"),
        ("de", "Dienstag, 24. November"),
    ],
)
def test_day(locale: str, expected: str) -> None:
    assert Translator(locale).day(date(2026, 11, 24)) == expected


@pytest.mark.parametrize("amount", [5, 5.0, Decimal("5")])
def test_money_in_dutch(amount) -> None:
    text = Translator("nl").money(amount)
    assert "€" in text
    assert "5,00" in text


def test_money_per_language() -> None:
    assert "5.00" in Translator("en").money(Decimal("5"))
    assert "1.234,50" in Translator("de").money(Decimal("1234.5"))


@pytest.mark.parametrize(
    ("locale", "one", "many"),
    [("nl", "1 persoon", "3 personen"), ("en", "1 person", "3 people"), ("de", "1 Person", "3 Personen")],
)
def test_plural_forms(locale: str, one: str, many: str) -> None:
    _ = Translator(locale)
    assert _.plural("{count} persoon", "{count} personen", 1).format(count=1) == one
    assert _.plural("{count} persoon", "{count} personen", 3).format(count=3) == many


def test_the_translator_shows_times_in_the_given_zone() -> None:
    moment = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert translator("nl").moment(moment) == "dinsdag 24 november om 10:00"
    tokyo = translator("nl", ZoneInfo("Asia/Tokyo"))
    assert tokyo.moment(moment) == "dinsdag 24 november om 18:00"
    assert tokyo is translator("nl", ZoneInfo("Asia/Tokyo")) and tokyo is not translator("nl")


async def test_context_translators_use_the_settings_zone(sqlite_engine: Engine, clock: ManualClock, settings) -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    world = make_world(sqlite_engine, clock, replace(settings, time_zone=tokyo))
    context = world.harness.app.context_types.context.from_update(None, world.harness.app)
    assert context._.time_zone == tokyo and context.group_translator().time_zone == tokyo
    context.use_locale("en")
    assert context._.time_zone == tokyo
